#!/bin/sh
# run_case.sh - one integration case: run a command, check its exit status,
# its stderr and its output (through alog-check).  Every check runs; the
# case fails if any does.
#
#   run_case.sh [options] -- COMMAND [ARG...]
#     -x STATUS   expected exit status (default 0)
#     -e LINE     stderr must be exactly this one line
#     -E          stderr must be empty
#     -z          stdout must be empty
#     -k ARGS     pipe the output to alog-check ARGS ($ALOG_CHECK)
#     -g TEXT=N   the output has exactly N lines containing TEXT
#     -i SECS     send SIGINT to the command after SECS seconds
#     -f NAME     the output is the file @TMP@/NAME, which must be the only
#                 file left in @TMP@ (no temporary next to it)
#     -F          @TMP@ must be empty afterwards (a failed run left nothing)
#   @TMP@ in COMMAND's arguments is replaced by a fresh temporary directory.
set -u

expect=0 err_line= err_set=0 err_empty=0 out_empty=0 check= sigint=
file= tmp_empty=0 greps=
nl='
'
while [ $# -gt 0 ]; do
    case $1 in
    -x) expect=$2; shift 2 ;;
    -e) err_line=$2; err_set=1; shift 2 ;;
    -E) err_empty=1; shift ;;
    -z) out_empty=1; shift ;;
    -k) check=$2; shift 2 ;;
    -g) greps="$greps$2$nl"; shift 2 ;;
    -i) sigint=$2; shift 2 ;;
    -f) file=$2; shift 2 ;;
    -F) tmp_empty=1; shift ;;
    --) shift; break ;;
    *) echo "run_case.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done
[ $# -gt 0 ] || { echo "run_case.sh: no command" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/alog-case.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp"

# Substitute @TMP@ in the arguments, keeping them as separate words.
n=$#
i=0
while [ $i -lt $n ]; do
    a=$1
    shift
    case $a in
    *@TMP@*) a=$(printf '%s' "$a" | sed "s|@TMP@|$work/tmp|g") ;;
    esac
    set -- "$@" "$a"
    i=$((i + 1))
done

bad=0
fail() { echo "FAIL: $*"; bad=1; }

if [ -n "$sigint" ]; then
    "$@" >"$work/out" 2>"$work/err" &
    pid=$!
    sleep "$sigint"
    kill -INT "$pid" 2>/dev/null || fail "the command ended before SIGINT"
    wait "$pid"
    status=$?
else
    "$@" >"$work/out" 2>"$work/err"
    status=$?
fi

echo "command: $*"
echo "exit status: $status (expected $expect)"
[ "$status" -eq "$expect" ] || fail "exit status $status, expected $expect"

if [ $err_set -eq 1 ]; then
    got=$(cat "$work/err")
    lines=$(wc -l <"$work/err")
    if [ "$got" != "$err_line" ] || [ "$lines" -ne 1 ]; then
        fail "stderr is not the expected line"
        echo "  expected: $err_line"
        echo "  got:      $(sed 's/^/  | /' "$work/err")"
    fi
elif [ $err_empty -eq 1 ] && [ -s "$work/err" ]; then
    fail "stderr is not empty:"
    sed 's/^/  | /' "$work/err"
else
    [ -s "$work/err" ] && { echo "stderr:"; sed 's/^/  | /' "$work/err"; }
fi

out="$work/out"
if [ -n "$file" ]; then
    [ -s "$work/out" ] && fail "stdout is not empty with a report file"
    out="$work/tmp/$file"
    [ -f "$out" ] || fail "no report file $file"
    left=$(ls -A "$work/tmp" | grep -vx "$file")
    [ -z "$left" ] || fail "files left next to the report: $left"
fi
if [ $tmp_empty -eq 1 ]; then
    left=$(ls -A "$work/tmp")
    [ -z "$left" ] || fail "files left behind: $left"
fi
if [ $out_empty -eq 1 ] && [ -s "$out" ]; then
    fail "stdout is not empty:"
    head -5 "$out" | sed 's/^/  | /'
fi

if [ -n "$greps" ]; then
    printf '%s' "$greps" | while IFS= read -r g; do
        text=${g%=*}
        want=${g##*=}
        got=$(grep -cF -- "$text" "$out")
        if [ "$got" -ne "$want" ]; then
            echo "FAIL: $got lines contain '$text', expected $want"
            exit 1
        fi
    done || bad=1
fi

if [ -n "$check" ]; then
    # shellcheck disable=SC2086 # ARGS are words on purpose
    "${ALOG_CHECK:-alog-check}" $check <"$out" || fail "alog-check $check"
fi

[ $bad -eq 0 ] && echo "PASS"
exit $bad
