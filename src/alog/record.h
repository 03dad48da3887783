/** @file
 * alog/record.h - records: what a producer emitted and when it was stored; time differences that never overflow.
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_RECORD_H
#define ALOG_RECORD_H

#include <stdint.h>

/** Bits of alog_record.flags. */
enum alog_record_flags {
    ALOG_REC_FOREIGN = 1u << 0, ///< from an --exec command: times are arrival
    ALOG_REC_TEXT = 1u << 1,    ///< carries a text line, see alog_reclist_text
    ALOG_REC_CLOCK = 1u << 2,   ///< foreign line with exactly two integers
};

/** One record: what a producer emitted and when it was stored. */
typedef struct alog_record {
    int64_t sched_ns;   ///< scheduled emit time (ns); foreign: arrival
    int64_t produce_ns; ///< when the producer emitted it (ns); foreign: arrival
    int64_t collect_ns; ///< when the collector stored it (ns)
    int64_t clock_ms;   ///< the 'Clock \<ms\>' value as written on the wire
    uint64_t seq;       ///< producer's sequence number, from 0; foreign: line
                        ///< no.
    uint32_t producer;  ///< producer index, 0..N-1
    uint32_t bytes;     ///< bytes of this record on its wire
    uint32_t flags;     ///< ALOG_REC_*
    uint32_t text;      ///< with ALOG_REC_TEXT: text id in the record's list
} alog_record;

/** a - b, saturated to INT64_MIN..INT64_MAX.  Record times come from
 * producers (any 64-bit value on the wire), so every difference of two
 * of them goes through this: it never overflows. */
static inline int64_t alog_time_diff(int64_t a, int64_t b)
{
    int64_t d;
    if (!__builtin_sub_overflow(a, b, &d))
        return d;
    return a < b ? INT64_MIN : INT64_MAX;
}

/** The time a record sits at on the merged timeline (produce time). */
static inline int64_t alog_record_time(const alog_record *r)
{
    return r->produce_ns;
}

#endif
