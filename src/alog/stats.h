/** @file
 * alog/stats.h - statistics: nearest-rank percentiles and each list's accounting.
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_STATS_H
#define ALOG_STATS_H

#include <stddef.h>
#include <stdint.h>
#include "alog/reclist.h"

/** Nearest-rank percentile p in [0,100] of v[0..n); sorts v in place.
 * n == 0 gives 0. */
int64_t alog_percentile(int64_t *v, size_t n, double p);

/** Statistics of one producer's list (alog_stats_list). */
typedef struct alog_pstats {
    uint64_t records;   ///< records stored
    uint64_t bytes;     ///< wire bytes of those records
    uint64_t gaps;      ///< missing sequence numbers
    uint64_t dups;      ///< records whose seq was not above the previous
    uint64_t parsed;    ///< foreign lines with exactly two integers
    double achieved_hz; ///< (records-1) / (last - first produce time)
    int64_t first_ns;   ///< produce time of first record
    int64_t last_ns;    ///< produce time of last record
    int64_t late_p50;   ///< produce - sched (ns): median
    int64_t late_p99;   ///< produce - sched (ns): 99th percentile
    int64_t late_max;   ///< produce - sched (ns): maximum
    int64_t lat_p50;    ///< collect - produce (ns): median
    int64_t lat_p99;    ///< collect - produce (ns): 99th percentile
    int64_t lat_max;    ///< collect - produce (ns): maximum
} alog_pstats;

/** Statistics of one list.  Scratch memory is the list's length in int64. */
int alog_stats_list(const alog_reclist *l, alog_pstats *out);

/** What one cheap pass over a list gives (no scratch, no sorting): the
 * sequence accounting a producer's status needs and the times that end
 * the run's window. */
typedef struct alog_seqstats {
    uint64_t records;        ///< records stored
    uint64_t gaps;           ///< missing sequence numbers (as alog_pstats)
    uint64_t dups;           ///< records whose seq was not above the last
    int64_t last_sched_ns;   ///< latest due time; INT64_MIN: no record
    int64_t last_collect_ns; ///< latest collect time; INT64_MIN: no record
} alog_seqstats;

/** The sequence accounting and last times of one list. */
void alog_stats_seq(const alog_reclist *l, alog_seqstats *out);

#endif
