#!/usr/bin/env bash
# seq_producer.sh - a stand-in for alog-producer (ALOG_PRODUCER=this) that
# sends alog's text wire with the sequence numbers in $SEQ_PRODUCER_SEQS
# (blank-separated, default "0 1 2"), each due at --start-ns plus seq
# milliseconds and produced then, and exits 0: a producer that ended as
# planned while records went missing (a gap) or came twice.
set -eu
start=0
while (($#)); do
    [[ $1 == --start-ns ]] && start=$2
    shift
done
for seq in ${SEQ_PRODUCER_SEQS:-0 1 2}; do
    t=$((start + seq * 1000000))
    printf 'Clock %d from %d seq %d sched %d prod %d\n' \
        $((t / 1000000)) $$ "$seq" "$t" "$t"
done
