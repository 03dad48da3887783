#!/usr/bin/env bash
# primes_case.sh - one ctest case of the primes job.
#
#   primes_case.sh answer REF_PROGRAM "JOB ARGS" [--stopped] -- MODEL COMMAND...
#     Runs `REF_PROGRAM primes JOB ARGS -P 1 --no-baseline --format csv` (the
#     serial answer), then the model command (which must print CSV), and
#     checks: both exit 0; the answers are equal; a composite's divisor is
#     not 0, divides the number and was found by a named part; a range's
#     count is its answer; speedup = serial_s / model_s is printed.  With
#     --stopped: every part but the one that found the divisor says it
#     stopped, after at most a quarter of the candidates of its part.
#
#   primes_case.sh fail STATUS MESSAGE -- COMMAND...
#     The command must exit with STATUS, print exactly MESSAGE (one line)
#     on stderr and nothing on stdout.
set -u

die() {
  echo "FAIL: $*" >&2
  exit 1
}

# CSV -> "kind.column=value" lines (row index for parts: part3.steps=...).
# No field alog prints for these checks holds a comma or a quote.
flatten() {
  awk -F, '
    $1 == "kind" { for (i = 1; i <= NF; i++) name[i] = $i; next }
    /^# / { print "head." substr($0, 3); next }
    $1 == "part" { for (i = 2; i <= NF; i++) print "part" $2 "." name[i] "=" $i; next }
    $1 == "result" { for (i = 2; i <= NF; i++) print "result." name[i] "=" $i }'
}

get() { # get FLAT KEY
  printf '%s\n' "$1" | sed -n "s/^$2=//p" | head -n1
}

# n mod d for decimal n < 2^64 and d < 2^32, in signed 64-bit shell
# arithmetic: n = hi * 10^9 + lo, (hi mod d) * 10^9 + lo < 2^63.
mod64() {
  local n=$1 d=$2 hi lo
  if ((${#n} > 9)); then
    hi=${n:0:${#n}-9}
    lo=${n: -9}
  else
    hi=0
    lo=$n
  fi
  echo $(((((10#$hi) % d) * 1000000000 + 10#$lo) % d))
}

mode=${1:-}
shift || true

case "$mode" in
fail)
  status=$1 message=$2
  shift 2
  [[ ${1:-} == -- ]] || die "usage: fail STATUS MESSAGE -- COMMAND..."
  shift
  errfile=$(mktemp "${TMPDIR:-/tmp}/primes_case.XXXXXX") || die "mktemp"
  out=$("$@" 2>"$errfile")
  rc=$?
  err=$(cat "$errfile")
  rm -f "$errfile"
  [[ $rc == "$status" ]] || die "exit status $rc, want $status (stderr: $err)"
  [[ -z $out ]] || die "stdout not empty: $out"
  [[ $err == "$message" ]] || die "stderr: '$err'
want:   '$message'"
  echo "ok: exit $rc, '$err'"
  ;;
answer)
  ref=$1 args=$2
  shift 2
  stopped=0
  if [[ ${1:-} == --stopped ]]; then
    stopped=1
    shift
  fi
  [[ ${1:-} == -- ]] || die "usage: answer REF \"ARGS\" [--stopped] -- COMMAND..."
  shift
  # shellcheck disable=SC2086 # ARGS is a word list on purpose
  refcsv=$("$ref" primes $args -P 1 --no-baseline --format csv) ||
    die "serial run failed: $ref primes $args -P 1"
  gotcsv=$("$@") || die "model run exited $?: $*"
  r=$(printf '%s\n' "$refcsv" | flatten)
  g=$(printf '%s\n' "$gotcsv" | flatten)
  want=$(get "$r" result.answer)
  got=$(get "$g" result.answer)
  [[ -n $want ]] || die "no answer in the serial run"
  [[ $got == "$want" ]] || die "answer '$got', serial answer '$want'"
  job=$(get "$g" result.job)
  if [[ $job == number ]]; then
    n=$(get "$g" result.number)
    d=$(get "$g" result.divisor)
    part=$(get "$g" result.found_part)
    if [[ $got == composite ]]; then
      [[ $d != 0 && -n $part ]] || die "composite without divisor/part"
      [[ $(mod64 "$n" "$d") == 0 ]] || die "$d does not divide $n"
      lo=$(get "$g" "part$part.lo")
      hi=$(get "$g" "part$part.hi")
      ((lo <= d && d <= hi)) || die "divisor $d outside part $part ($lo..$hi)"
    else
      [[ $d == 0 && -z $part ]] || die "$got with divisor '$d' part '$part'"
    fi
  else
    [[ $(get "$g" result.count) == "$got" ]] || die "count is not the answer"
  fi
  parts=$(get "$g" result.parts)
  ((parts >= 1)) || die "no parts"
  for ((k = 0; k < parts; k++)); do
    [[ -n $(get "$g" "part$k.steps") ]] || die "part $k missing"
  done
  if ((stopped)); then
    part=$(get "$g" result.found_part)
    chunk=$(get "$g" head.chunk)
    for ((k = 0; k < parts; k++)); do
      ((k == part)) && continue
      lo=$(get "$g" "part$k.lo")
      hi=$(get "$g" "part$k.hi")
      steps=$(get "$g" "part$k.steps")
      [[ $(get "$g" "part$k.stopped") == 1 ]] || die "part $k did not stop"
      [[ -n $lo ]] || continue # stopped before it began
      # what it was given: its part (static) or its chunks (dynamic)
      if [[ -n $chunk ]]; then
        size=$(($(get "$g" "part$k.chunks") * chunk))
      else
        size=$((hi - lo + 1))
      fi
      # candidates are at most half the integers: stopping within a
      # quarter of them is not running to the end
      ((steps * 8 <= size)) ||
        die "part $k tried $steps candidates of $size integers before stopping"
    done
  fi
  echo "ok: $got ($(get "$g" result.parts) parts," \
    "speedup $(get "$g" result.speedup), model_s $(get "$g" result.model_s))"
  ;;
*)
  die "usage: primes_case.sh answer|fail ..."
  ;;
esac
