#!/bin/sh
# mpi_case.sh - one integration case of alog-mpi: run an mpirun command,
# then check its exit status, its CSV (through alog-check), header keys
# and stderr.  Every check that fails is printed; exit 1 if any did.
#
#   mpi_case.sh [checks...] -- mpirun ... alog-mpi ...
# checks:
#   --exit N               expected exit status of the command (default 0)
#   --checker PATH         alog-check program (needed by --check)
#   --check "ARGS"         pipe stdout (CSV) into alog-check ARGS
#   --header KEY=ERE       header line '# KEY=value' whose value matches ERE
#   --oversubscribed NP    header oversubscribed= is yes iff NP > cores here
#   --grep ERE             some stdout line matches ERE
#   --stderr-line TEXT     stderr is exactly this one line
#   --stderr-empty         stderr is empty
#   --stdout-empty         stdout is empty
#   --count-stdout ERE:N   exactly N stdout lines match ERE
#   --sigint-rank0 S       after S seconds, SIGINT the process of rank 0
set -u

expect_exit=0
checker=
check_args=
sigint_after=
fails=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/alog-mpi-case.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/checks"

while [ $# -gt 0 ]; do
    case "$1" in
    --exit) expect_exit=$2; shift 2 ;;
    --checker) checker=$2; shift 2 ;;
    --check) check_args=$2; shift 2 ;;
    --sigint-rank0) sigint_after=$2; shift 2 ;;
    --header|--oversubscribed|--grep|--stderr-line|--count-stdout)
        printf '%s\n%s\n' "$1" "$2" >>"$tmp/checks"; shift 2 ;;
    --stderr-empty|--stdout-empty)
        printf '%s\n\n' "$1" >>"$tmp/checks"; shift ;;
    --) shift; break ;;
    *) echo "mpi_case.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done
[ $# -gt 0 ] || { echo "mpi_case.sh: no command after --" >&2; exit 2; }

fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# The process of rank 0 among the descendants of $1 (Open MPI sets
# OMPI_COMM_WORLD_RANK in each rank's environment).
rank0_pid() {
    for p in $(pgrep -P "$1") $(for c in $(pgrep -P "$1"); do pgrep -P "$c"; done); do
        if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null |
            grep -qx 'OMPI_COMM_WORLD_RANK=0'; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

echo "+ $*"
if [ -n "$sigint_after" ]; then
    "$@" >"$tmp/out" 2>"$tmp/err" </dev/null &
    run=$!
    # Wait (up to 30 s) until rank 0 catches SIGINT (bit 1 of SigCgt), so
    # a slow start (sanitizers) does not meet the default action, then S s.
    r0=
    i=0
    while [ $i -lt 300 ]; do
        r0=$(rank0_pid "$run") || r0=
        if [ -n "$r0" ]; then
            cgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$r0/status" 2>/dev/null)
            low=${cgt#"${cgt%??}"} # the last two hex digits: signals 1..8
            [ -n "$low" ] && [ $((0x$low & 2)) -ne 0 ] && break
        fi
        sleep 0.1
        i=$((i + 1))
    done
    sleep "$sigint_after"
    if [ -n "$r0" ]; then
        kill -INT "$r0"
    else
        fail "rank 0 of the run not found to interrupt"
        kill -TERM "$run" 2>/dev/null
    fi
    wait "$run"
    status=$?
else
    "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    status=$?
fi

[ "$status" -eq "$expect_exit" ] ||
    fail "exit status $status, expected $expect_exit"

if [ -n "$check_args" ]; then
    [ -n "$checker" ] || { echo "mpi_case.sh: --check needs --checker" >&2; exit 2; }
    # shellcheck disable=SC2086 # the arguments are words on purpose
    "$checker" $check_args <"$tmp/out" >"$tmp/check" 2>&1 ||
        fail "alog-check $check_args: $(cat "$tmp/check")"
    cat "$tmp/check"
fi

header() { # value of '# key=' in stdout
    sed -n "s/^# $1=//p" "$tmp/out" | head -n 1
}

while IFS= read -r kind && IFS= read -r arg; do
    case "$kind" in
    --header)
        key=${arg%%=*}
        ere=${arg#*=}
        grep -q "^# $key=" "$tmp/out" || { fail "no header '# $key='"; continue; }
        header "$key" | grep -Eq -- "$ere" ||
            fail "header $key='$(header "$key")' does not match '$ere'"
        ;;
    --oversubscribed)
        cores=$(getconf _NPROCESSORS_ONLN)
        want=no
        [ "$arg" -gt "$cores" ] && want=yes
        [ "$(header oversubscribed)" = "$want" ] ||
            fail "oversubscribed='$(header oversubscribed)', expected $want ($arg ranks, $cores cores)"
        if [ "$want" = yes ]; then
            grep -q '^# warning=oversubscribed' "$tmp/out" ||
                fail "no '# warning=oversubscribed...' header"
        fi
        ;;
    --grep)
        grep -Eq -- "$arg" "$tmp/out" || fail "no stdout line matches '$arg'"
        ;;
    --count-stdout)
        ere=${arg%:*}
        n=${arg##*:}
        got=$(grep -Ec -- "$ere" "$tmp/out")
        [ "$got" -eq "$n" ] || fail "$got stdout lines match '$ere', expected $n"
        ;;
    --stderr-line)
        lines=$(wc -l <"$tmp/err")
        [ "$lines" -eq 1 ] && [ "$(cat "$tmp/err")" = "$arg" ] ||
            fail "stderr is not exactly the line '$arg'"
        ;;
    --stderr-empty)
        [ -s "$tmp/err" ] && fail "stderr is not empty"
        ;;
    --stdout-empty)
        [ -s "$tmp/out" ] && fail "stdout is not empty"
        ;;
    esac
done <"$tmp/checks"

if [ "$fails" -gt 0 ]; then
    echo "--- stderr:"
    head -n 40 "$tmp/err"
    echo "--- stdout (head):"
    head -n 60 "$tmp/out"
    exit 1
fi
echo "ok: $*"
exit 0
