#!/usr/bin/env bash
# safety_links.sh CASE ALOG_ASYNC - what -o and --journal do with symbolic
# links and with each other, as a root-run tool must:
#   planted   links another user planted in a world-writable directory,
#             pointing at root's files: refused (exit 2, one line), the
#             files untouched, nothing made (needs root: exit 77 else)
#   own       a link of ours: the file it names is replaced, keeping its
#             permissions; the link stays a link
#   same      -o X --journal X: refused (exit 2, one line) before anything
#             is emptied; nothing made when X did not exist
# Every check runs and says what failed; exit 1 if any did.
set -u
case=${1:?case} alog=${2:?alog-async}
bad=0
fail() { echo "FAIL: $*"; bad=1; }
dir=$(mktemp -d /tmp/alog-links-XXXXXX)
trap 'rm -rf "$dir"' EXIT

# run WANT_STATUS WANT_STDERR ARGS...: one run of alog-async, checked.
run() {
  local want=$1 line=$2 st
  shift 2
  "$alog" -n 1 --count 2 --interval 0.001 -q "$@" >"$dir/.out" 2>"$dir/.err"
  st=$?
  ((st == want)) || fail "exit $st, expected $want: $*"
  if [[ -n $line && ( $(wc -l <"$dir/.err") -ne 1 || $(cat "$dir/.err") != "$line" ) ]]; then
    fail "stderr is not the line '$line': $(cat "$dir/.err")"
  fi
  rm -f "$dir/.out" "$dir/.err"
}
same_as() { # same_as FILE TEXT MODE: content and permissions as made
  [[ $(cat "$1") == "$2" ]] || fail "$1 changed: '$(cat "$1")'"
  [[ $(stat -c %a "$1") == "$3" ]] || fail "$1 mode $(stat -c %a "$1"), expected $3"
}
only() { # only NAME...: the directory holds exactly these names
  local got want
  got=$(ls -A "$dir" | sort | tr '\n' ' ')
  want=$( (($#)) && printf '%s\n' "$@" | sort | tr '\n' ' ')
  [[ $got == "$want" ]] || fail "left in the directory: '$got', expected '$want'"
}

case $case in
planted)
  [[ $(id -u) -eq 0 ]] || { echo "skipped: needs root (to plant another user's link)"; exit 77; }
  chmod 0777 "$dir" # world-writable, not sticky
  printf 'root report\n' >"$dir/secret.csv"
  printf 'root journal\n' >"$dir/secret.j"
  chmod 0600 "$dir/secret.csv" "$dir/secret.j"
  ln -s secret.csv "$dir/rep.csv"
  ln -s "$dir/secret.j" "$dir/j.csv"
  chown -h 65534:65534 "$dir/rep.csv" "$dir/j.csv"
  run 2 "alog-async: --output '$dir/rep.csv': a symbolic link owned by uid 65534: not followed (only your own or root's are; see --help)" \
    -o "$dir/rep.csv" --journal "$dir/j.csv"
  run 2 "alog-async: --journal '$dir/j.csv': a symbolic link: not followed (name the file itself; see --help)" \
    -o "$dir/ok.csv" --journal "$dir/j.csv"
  same_as "$dir/secret.csv" "root report" 600
  same_as "$dir/secret.j" "root journal" 600
  [[ -L $dir/rep.csv && -L $dir/j.csv ]] || fail "a planted link was replaced"
  only secret.csv secret.j rep.csv j.csv
  ;;
own)
  printf 'old\n' >"$dir/real.csv"
  chmod 0640 "$dir/real.csv"
  ln -s real.csv "$dir/rep.csv"
  run 0 "" -o "$dir/rep.csv" --format csv
  grep -q '^# model=async$' "$dir/real.csv" || fail "real.csv does not hold the report"
  [[ $(stat -c %a "$dir/real.csv") == 640 ]] || fail "real.csv mode $(stat -c %a "$dir/real.csv"), expected 640"
  [[ -L $dir/rep.csv ]] || fail "the link itself was replaced"
  only real.csv rep.csv
  ;;
same)
  printf 'old report\n' >"$dir/x.csv"
  run 2 "alog-async: --journal '$dir/x.csv': is the report's file (--output): name another file" \
    -o "$dir/x.csv" --journal "$dir/x.csv"
  same_as "$dir/x.csv" "old report" 644
  rm "$dir/x.csv"
  run 2 "alog-async: --journal '$dir/y.csv': is the report's file (--output): name another file" \
    -o "$dir/y.csv" --journal "$dir/y.csv"
  only
  ;;
*) echo "safety_links.sh: unknown case '$case'" >&2; exit 2 ;;
esac
exit $bad
