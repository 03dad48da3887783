#!/usr/bin/env bash
# extreme_producer.sh - a stand-in for alog-producer (ALOG_PRODUCER=this)
# that sends alog's own wire with times at the ends of int64: the
# collector must report them without overflow.  Takes alog-producer's
# arguments and heeds only --wire; names itself by its pid, as
# alog-producer does.  Three records: seq 0 sched INT64_MIN prod
# INT64_MAX, seq 1 sched INT64_MAX prod INT64_MIN, seq 2 sched 0 prod -1.
set -eu
wire=text
while (($#)); do
    [[ $1 == --wire ]] && wire=$2
    shift
done
min=-9223372036854775808 max=9223372036854775807
recs=("0 $min $max" "1 $max $min" "2 0 -1")

# Little-endian bytes of $2 ($1 bytes), as printf escapes.
le() {
    local n=$1 v=$2 i out=''
    for ((i = 0; i < n; i++)); do
        out+=$(printf '\\%03o' $(((v >> (8 * i)) & 255)))
    done
    printf '%s' "$out"
}

for r in "${recs[@]}"; do
    read -r seq sched prod <<<"$r"
    if [[ $wire == binary ]]; then
        # shellcheck disable=SC2059 # the format is the escaped frame
        printf "ALOG$(le 4 40)$(le 4 $$)$(le 4 0)$(le 8 "$seq")$(le 8 "$sched")$(le 8 "$prod")"
    else
        printf 'Clock %d from %d seq %d sched %d prod %d\n' \
            $((prod / 1000000)) $$ "$seq" "$sched" "$prod"
    fi
done
