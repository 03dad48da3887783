#!/usr/bin/env bash
# run_case.sh - one integration case: run a command (alone or through
# mpirun), then check its exit status, its stderr and its output.  Every
# check runs and every failure is printed; exit 1 if any failed, 2 on bad
# usage of this script.
#
#   run_case.sh [options] -- COMMAND [ARG...]
#
# How to run:
#   --mpi NP              launch as $ALOG_MPIEXEC (default mpiexec)
#                         $ALOG_MPIEXEC_NP (default -n) NP --oversubscribe -q
#                         --mca mpi_yield_when_idle 1 [--mpi-args] COMMAND
#   --mpi-args "WORDS"    more mpirun arguments (e.g. "--mca btl self,tcp")
#   --timeout S           the commands get S seconds in all, then TERM (and
#                         KILL 5 s later): a hang fails with its output shown
#   --sigint S            --fault "S INT self", or with --mpi "S INT rank:0"
#   --fault "S SIG WHO"   fault injection: once WHO exists (waiting up to
#                         30 s; 'self' once it catches SIG), wait S seconds
#                         and send SIG (a name: STOP, KILL, HUP...) to
#                         WHO: 'self' (the command, as --sigint), 'rank:R'
#                         (the process of MPI rank R) or 'args:ERE' (every
#                         descendant whose command line matches ERE)
#   @TMP@ in COMMAND's arguments is a fresh temporary directory.
# Checks:
#   --exit N              expected exit status (default 0)
#   --stderr-line TEXT    stderr is exactly this one line
#   --stderr-grep ERE     some stderr line matches ERE
#   --stderr-lines-re ERE:N  exactly N stderr lines match ERE
#   --hook-line TEXT      stderr has exactly one "PROG: warning: test hooks
#                         set: ..." line, and it holds TEXT (fixed string);
#                         the other stderr checks see stderr without it
#   --stderr-empty        stderr is empty
#   --stdout-empty        stdout is empty
#   --file NAME           the output is @TMP@/NAME, the only file left there
#                         (no temporary next to it); stdout must be empty
#   --tmp-empty           @TMP@ is empty afterwards (a failed run left nothing)
#   --left "NAME..."      @TMP@ holds exactly these names afterwards (no
#                         temporary report, nothing else)
#   --check "ARGS"        the output piped into alog-check ARGS ($ALOG_CHECK)
#   --journal NAME        the run's --journal file is @TMP@/NAME: it must
#                         exist (and may be left next to a --file report)
#   --journal-check "ARGS" the journal piped into alog-check --journal ARGS
#   --journal-rows        the journal's record rows are the output's, as a
#                         set (and there is at least one)
#   --lines TEXT=N        exactly N output lines contain TEXT (fixed string)
#   --lines-re ERE:N      exactly N output lines match ERE
#   --grep ERE            some output line matches ERE
#   --header KEY=ERE      a header line '# KEY=value' whose value matches ERE
#   --total KEY=LO:HI     the totals row's KEY column (CSV) is a number in
#                         [LO, HI] (either may be empty: no bound)
#   --oversubscribed NP   header oversubscribed= is yes iff NP > cores here,
#                         and then a '# warning=oversubscribed' line
#   --stderr-over NP      --oversubscribed NP, and stderr is empty when NP
#                         fits the cores here, else exactly the one line
#                         'PROG: warning: oversubscribed: NP ...'
#   --primes REF "ARGS"   the output is a primes CSV whose answer equals the
#                         serial one (`REF primes ARGS -P 1 --no-baseline
#                         --format csv`); a composite's divisor divides the
#                         number and lies in the part that found it; a
#                         range's count is its answer; every part reported
#   --stopped             with --primes: every other part stopped early,
#                         within a quarter of what it was given
set -u

expect=0 timeout='' sigint='' fault='' mpi_np='' mpi_args='' file='' tmp_empty=0
journal='' left_names='-' hook_line=''

primes_ref='' primes_args='' stopped=0
checks=() # pairs: check name, argument (checked in the order given)
bad=0

usage() {
    echo "run_case.sh: $*" >&2
    exit 2
}

fail() {
    echo "FAIL: $*"
    bad=1
}

parse_options() {
    while (($#)); do
        case $1 in
        --exit) expect=$2 ;;
        --timeout) timeout=$2 ;;
        --sigint) sigint=$2 ;;
        --fault) fault=$2 ;;
        --mpi) mpi_np=$2 ;;
        --mpi-args) mpi_args=$2 ;;
        --file) file=$2 ;;
        --journal) journal=$2 ;;
        --left) left_names=$2 ;;
        --hook-line) hook_line=$2 ;;
        --tmp-empty) tmp_empty=1; shift; continue ;;
        --stopped) stopped=1; shift; continue ;;
        --primes) primes_ref=$2; primes_args=${3-}; shift ;;
        --stderr-line | --stderr-grep | --stderr-lines-re | --total | --check | --lines | --lines-re | --grep | --header | \
            --oversubscribed | --stderr-over | --journal-check)
            checks+=("$1" "$2") ;;
        --stderr-empty | --stdout-empty | --journal-rows)
            checks+=("$1" ""); shift; continue ;;
        --) shift; command=("$@"); return ;;
        *) usage "unknown option '$1'" ;;
        esac
        (($# >= 2)) || usage "$1 needs a value"
        shift 2
    done
}

# The command as it runs: @TMP@ replaced, mpirun in front with --mpi.
build_command() {
    local a
    run=()
    if [[ -n $mpi_np ]]; then
        # -q: no mpirun banners, so "one line on stderr" is testable;
        # yield_when_idle: ranks waiting in MPI give the CPU back.
        # shellcheck disable=SC2206 # the flags are words on purpose
        run=("${ALOG_MPIEXEC:-mpiexec}" "${ALOG_MPIEXEC_NP:--n}" "$mpi_np"
            --oversubscribe -q --mca mpi_yield_when_idle 1 $mpi_args)
    fi
    for a in "${command[@]}"; do
        run+=("${a//@TMP@/$work/tmp}")
    done
}

# Seconds left before the --timeout deadline (at least 1).
time_left() {
    local left=$((deadline - SECONDS))
    ((left > 0)) || left=1
    echo "$left"
}

# Run "$@" with stdin from /dev/null, under the timeout when there is one.
# In the background when $1 is --bg (the pid is then in $!).
launch() {
    local bg=0
    [[ $1 == --bg ]] && { bg=1; shift; }
    [[ -n $timeout ]] && set -- timeout -k 5 "$(time_left)" "$@"
    if ((bg)); then
        "$@" </dev/null &
    else
        "$@" </dev/null
    fi
}

# All descendants of pid $1, children first.
descendants() {
    local c
    for c in $(pgrep -P "$1"); do
        echo "$c"
        descendants "$c"
    done
}

# Does pid $1 catch signal number $2 (default SIGINT; 1..8)?  A slow
# start (sanitizers) must not meet the default action.
catches_sigint() {
    local cgt low
    cgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
    low=${cgt#"${cgt%??}"} # the last two hex digits: signals 1..8
    [[ -n $low ]] && (((0x$low & (1 << (${2:-2} - 1))) != 0))
}

# The processes --fault's WHO ($2) names under pid $1 (see the header).
fault_targets() {
    local p
    case $2 in
    self) if [[ -n $timeout ]]; then pgrep -P "$1" | head -n 1; else echo "$1"; fi ;;
    rank:*)
        for p in $(descendants "$1"); do
            tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null |
                grep -qx "OMPI_COMM_WORLD_RANK=${2#rank:}" && echo "$p"
        done ;;
    args:*)
        for p in $(descendants "$1"); do
            tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
                grep -Eq -- "${2#args:}" && echo "$p"
        done ;;
    esac
}

run_with_fault() {
    local pid targets='' i delay sig who num
    read -r delay sig who <<<"$fault"
    num=$(kill -l "$sig" 2>/dev/null) || usage "--fault: no signal '$sig'"
    launch --bg "${run[@]}" >"$work/out" 2>"$work/err"
    pid=$!
    for ((i = 0; i < 300; i++)); do
        targets=$(fault_targets "$pid" "$who")
        # A signal the target may catch (1..8) waits until it does: a
        # slow start (sanitizers) must not meet the default action.
        if [[ -n $targets ]]; then
            ((num > 8)) || [[ $who == args:* ]] ||
                catches_sigint "${targets%%[[:space:]]*}" "$num" && break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sleep "$delay"
    if [[ -z $targets ]]; then
        fail "--fault: no process '$who' found"
        kill -TERM "$pid" 2>/dev/null
    else
        echo "fault: SIG$sig to $who (pid $(echo $targets))"
        # shellcheck disable=SC2086 # one word per pid
        kill -s "$sig" $targets 2>/dev/null || fail "--fault: '$who' ended before SIG$sig"
    fi
    wait "$pid"
    status=$?
}

run_command() {
    echo "+ ${run[*]}"
    if [[ -n $fault ]]; then
        run_with_fault
    else
        launch "${run[@]}" >"$work/out" 2>"$work/err"
        status=$?
    fi
    echo "exit status: $status (expected $expect)"
    if [[ -n $timeout ]] && ((status == 124)); then
        fail "timed out after $timeout s"
    fi
    ((status == expect)) || fail "exit status $status, expected $expect"
}

# --hook-line: the one test hooks warning, then set aside (kept in
# err.all) so that the other stderr checks see what they would without it.
check_hook_line() {
    local ere='^[a-z-]+: warning: test hooks set: ' got
    [[ -z $hook_line ]] && return
    got=$(grep -Ec -- "$ere" "$work/err")
    if ((got != 1)); then
        fail "$got test hooks lines on stderr, expected 1"
    elif ! grep -E -- "$ere" "$work/err" | grep -qF -- "$hook_line"; then
        fail "the test hooks line does not hold '$hook_line'"
    fi
    cp "$work/err" "$work/err.all"
    grep -Ev -- "$ere" "$work/err.all" >"$work/err"
}

# The report file (--file) and what is left in @TMP@.
check_files() {
    local left
    out=$work/out
    if [[ -n $file ]]; then
        [[ -s $work/out ]] && fail "stdout is not empty with a report file"
        out=$work/tmp/$file
        [[ -f $out ]] || fail "no report file $file"
        # shellcheck disable=SC2010 # names made by the program under test
        left=$(ls -A "$work/tmp" | grep -vx -e "$file" -e "${journal:-$file}")
        [[ -z $left ]] || fail "files left next to the report: $left"
    fi
    if ((tmp_empty)); then
        left=$(ls -A "$work/tmp")
        [[ -z $left ]] || fail "files left behind: $left"
    fi
    if [[ $left_names != - ]]; then
        left=$(ls -A "$work/tmp" | sort | tr '\n' ' ')
        local want
        # shellcheck disable=SC2086 # the names are words on purpose
        want=$(printf '%s\n' $left_names | sort | tr '\n' ' ')
        [[ $left == "$want" ]] || fail "left in @TMP@: '$left', expected '$want'"
    fi
}

header() { # the value of the first '# KEY=' line of the output
    sed -n "s/^# $1=//p" "$out" | head -n 1
}

check_oversubscribed() {
    local cores want=no
    cores=$(getconf _NPROCESSORS_ONLN)
    (($1 > cores)) && want=yes
    [[ $(header oversubscribed) == "$want" ]] ||
        fail "oversubscribed='$(header oversubscribed)', expected $want ($1 ranks, $cores cores)"
    if [[ $want == yes ]]; then
        grep -q '^# warning=oversubscribed' "$out" ||
            fail "no '# warning=oversubscribed...' header"
    fi
}

# One check of the list: $1 its name, $2 its argument.
check_one() {
    local arg=$2 got want key ere
    case $1 in
    --stderr-line)
        if [[ $(wc -l <"$work/err") -ne 1 || $(cat "$work/err") != "$arg" ]]; then
            fail "stderr is not exactly the line: $arg"
        fi ;;
    --stderr-grep)
        grep -Eq -- "$arg" "$work/err" || fail "no stderr line matches: $arg" ;;
    --stderr-lines-re)
        want=${arg##*:}
        got=$(grep -Ec -- "${arg%:*}" "$work/err")
        ((got == want)) || fail "$got stderr lines match '${arg%:*}', expected $want" ;;
    --stderr-empty) [[ -s $work/err ]] && fail "stderr is not empty" ;;
    --stdout-empty) [[ -s $work/out ]] && fail "stdout is not empty" ;;
    --check)
        # shellcheck disable=SC2086 # ARGS are words on purpose
        "${ALOG_CHECK:-alog-check}" $arg <"$out" || fail "alog-check $arg" ;;
    --lines)
        want=${arg##*=}
        got=$(grep -cF -- "${arg%=*}" "$out")
        ((got == want)) || fail "$got lines contain '${arg%=*}', expected $want" ;;
    --lines-re)
        want=${arg##*:}
        got=$(grep -Ec -- "${arg%:*}" "$out")
        ((got == want)) || fail "$got lines match '${arg%:*}', expected $want" ;;
    --grep) grep -Eq -- "$arg" "$out" || fail "no output line matches '$arg'" ;;
    --header)
        key=${arg%%=*} ere=${arg#*=}
        if ! grep -q "^# $key=" "$out"; then
            fail "no header '# $key='"
        elif ! header "$key" | grep -Eq -- "$ere"; then
            fail "header $key='$(header "$key")' does not match '$ere'"
        fi ;;
    --oversubscribed) check_oversubscribed "$arg" ;;
    --total)
        key=${arg%%=*} ere=${arg#*=}
        got=$(awk -F, -v k="$key" '
            $1 == "kind" { col = 0; for (i = 1; i <= NF; i++) if ($i == k) col = i; next }
            $1 == "total" && col { print $col }' "$out")
        if [[ -z $got ]]; then
            fail "no totals column $key"
        elif ! awk -v x="$got" -v lo="${ere%%:*}" -v hi="${ere#*:}" \
            'BEGIN { exit !((lo == "" || x + 0 >= lo + 0) && (hi == "" || x + 0 <= hi + 0)) }'; then
            fail "totals $key=$got, not in [${ere%%:*}, ${ere#*:}]"
        fi ;;
    --journal-check)
        if [[ ! -f $work/tmp/$journal ]]; then
            fail "no journal $journal"
        else
            # shellcheck disable=SC2086 # ARGS are words on purpose
            "${ALOG_CHECK:-alog-check}" --journal $arg <"$work/tmp/$journal" ||
                fail "alog-check --journal $arg"
        fi ;;
    --journal-rows)
        got=$(grep -c '^record,' "$work/tmp/$journal" 2>/dev/null)
        if [[ ${got:-0} -eq 0 ]]; then
            fail "no record rows in the journal $journal"
        elif ! diff <(grep '^record,' "$work/tmp/$journal" | sort) \
            <(grep '^record,' "$out" | sort) >/dev/null; then
            fail "the journal's $got record rows are not the report's"
        else
            echo "journal: the report's $got record rows"
        fi ;;
    --stderr-over)
        check_oversubscribed "$arg"
        if (($arg > $(getconf _NPROCESSORS_ONLN))); then
            [[ $(wc -l <"$work/err") -eq 1 ]] &&
                grep -Eq "^[a-z-]+: warning: oversubscribed: $arg " "$work/err" ||
                fail "stderr is not the one oversubscription warning for $arg"
        else
            [[ -s $work/err ]] && fail "stderr is not empty ($arg fit the cores)"
        fi ;;
    esac
}

# ---- --primes: the answer of a primes CSV against the serial one --------

# CSV -> "kind.column=value" lines (parts by index: part3.steps=...).  No
# field alog prints for these checks holds a comma or a quote.
flatten() {
    awk -F, '
      $1 == "kind" { for (i = 1; i <= NF; i++) name[i] = $i; next }
      /^# / { print "head." substr($0, 3); next }
      $1 == "part" { for (i = 2; i <= NF; i++) print "part" $2 "." name[i] "=" $i; next }
      $1 == "result" { for (i = 2; i <= NF; i++) print "result." name[i] "=" $i }'
}

get() { # get FLAT KEY
    printf '%s\n' "$1" | sed -n "s/^$2=//p" | head -n 1
}

# n mod d for decimal n < 2^64 and d < 2^32, in signed 64-bit shell
# arithmetic: n = hi * 10^9 + lo, (hi mod d) * 10^9 + lo < 2^63.
mod64() {
    local n=$1 d=$2 hi=0 lo=$1
    if ((${#n} > 9)); then
        hi=${n:0:${#n}-9}
        lo=${n: -9}
    fi
    echo $(((((10#$hi) % d) * 1000000000 + 10#$lo) % d))
}

# The divisor of a composite lies in the part that found it; a prime has
# none; a range's count is its answer; every part is reported.
check_primes_answer() {
    local g=$1 answer=$2 n d part lo hi parts k
    if [[ $(get "$g" result.job) == number ]]; then
        n=$(get "$g" result.number)
        d=$(get "$g" result.divisor)
        part=$(get "$g" result.found_part)
        if [[ $answer == composite ]]; then
            if [[ $d == 0 || -z $part ]]; then
                fail "composite without divisor/part"
            else
                [[ $(mod64 "$n" "$d") == 0 ]] || fail "$d does not divide $n"
                lo=$(get "$g" "part$part.lo")
                hi=$(get "$g" "part$part.hi")
                ((lo <= d && d <= hi)) || fail "divisor $d outside part $part ($lo..$hi)"
            fi
        else
            [[ $d == 0 && -z $part ]] || fail "$answer with divisor '$d' part '$part'"
        fi
    else
        [[ $(get "$g" result.count) == "$answer" ]] || fail "count is not the answer"
    fi
    parts=$(get "$g" result.parts)
    ((parts >= 1)) || fail "no parts"
    for ((k = 0; k < parts; k++)); do
        [[ -n $(get "$g" "part$k.steps") ]] || fail "part $k missing"
    done
}

# --stopped: every part but the finder stopped, after at most a quarter of
# the candidates it was given (its part, static; its chunks, dynamic).
check_primes_stopped() {
    local g=$1 part chunk parts k lo hi steps size
    part=$(get "$g" result.found_part)
    chunk=$(get "$g" head.chunk)
    parts=$(get "$g" result.parts)
    for ((k = 0; k < parts; k++)); do
        ((k == part)) && continue
        lo=$(get "$g" "part$k.lo")
        hi=$(get "$g" "part$k.hi")
        steps=$(get "$g" "part$k.steps")
        [[ $(get "$g" "part$k.stopped") == 1 ]] || { fail "part $k did not stop"; continue; }
        [[ -n $lo ]] || continue # stopped before it began
        if [[ -n $chunk ]]; then
            size=$(($(get "$g" "part$k.chunks") * chunk))
        else
            size=$((hi - lo + 1))
        fi
        # candidates are at most half the integers: stopping within a
        # quarter of them is not running to the end
        ((steps * 8 <= size)) ||
            fail "part $k tried $steps candidates of $size integers before stopping"
    done
}

check_primes() {
    local refcsv r g want got
    # shellcheck disable=SC2086 # ARGS is a word list on purpose
    refcsv=$(launch "$primes_ref" primes $primes_args -P 1 --no-baseline --format csv) ||
        { fail "serial run failed: $primes_ref primes $primes_args -P 1"; return; }
    r=$(printf '%s\n' "$refcsv" | flatten)
    g=$(flatten <"$out")
    want=$(get "$r" result.answer)
    got=$(get "$g" result.answer)
    [[ -n $want ]] || { fail "no answer in the serial run"; return; }
    [[ $got == "$want" ]] || { fail "answer '$got', serial answer '$want'"; return; }
    check_primes_answer "$g" "$got"
    ((stopped)) && check_primes_stopped "$g"
    echo "primes: $got ($(get "$g" result.parts) parts," \
        "speedup $(get "$g" result.speedup), model_s $(get "$g" result.model_s))"
}

# On failure: what the command printed.
show_output() {
    if [[ -s $work/err ]]; then
        echo "--- stderr (head):"
        head -n 40 "$work/err" | sed 's/^/  | /'
    fi
    if [[ -s $out ]]; then
        echo "--- output (head):"
        head -n 60 "$out" | sed 's/^/  | /'
    fi
}

main() {
    local i
    command=()
    parse_options "$@"
    ((${#command[@]})) || usage "no command after --"
    if [[ -n $sigint ]]; then
        fault="$sigint INT $([[ -n $mpi_np ]] && echo rank:0 || echo self)"
    fi
    work=$(mktemp -d "${TMPDIR:-/tmp}/alog-case.XXXXXX") || exit 2
    trap 'rm -rf "$work"' EXIT
    mkdir "$work/tmp"
    deadline=$((SECONDS + ${timeout:-0}))

    build_command
    run_command
    check_hook_line
    check_files
    for ((i = 0; i < ${#checks[@]}; i += 2)); do
        check_one "${checks[i]}" "${checks[i + 1]}"
    done
    [[ -n $primes_ref ]] && check_primes
    if ((bad)); then
        show_output
        exit 1
    fi
    [[ -s $work/err ]] && { echo "stderr:"; sed 's/^/  | /' "$work/err"; }
    echo "PASS"
    exit 0
}

main "$@"
