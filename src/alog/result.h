/** @file
 * alog/result.h - the result of a run: each producer's list, target and
 * ending, the header lines and counters, how the run came out and its
 * window (the time base of every rate).  Part of the public API: alog.h
 * includes it.
 */
#ifndef ALOG_RESULT_H
#define ALOG_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "alog/diag.h"
#include "alog/reclist.h"
#include "alog/stats.h"

/** How a producer ended. */
enum alog_pstatus {
    ALOG_PS_OK = 0,     ///< delivered what was asked
    ALOG_PS_SHORT = 1,  ///< ended before its count (or its duration)
    ALOG_PS_EXIT = 2,   ///< exited with a non-zero status (code)
    ALOG_PS_SIGNAL = 3, ///< killed by a signal (code = signal number)
    ALOG_PS_STOPPED = 4, ///< stopped by the collector (interrupt)
    ALOG_PS_STALLED = 5, ///< silent past --stall-timeout: cut off
    ALOG_PS_LOST = 6,    ///< ended as planned, but records never arrived
                         ///< (gaps, or fewer than it says it made)
    ALOG_PS_DUP = 7      ///< ended as planned, some records twice
};

/** A run's result (opaque): per-producer lists, status, header, totals. */
typedef struct alog_result alog_result;

/** n producers; each gets an empty list.  NULL on ENOMEM. */
alog_result *alog_result_new(unsigned n);
void alog_result_free(alog_result *res); ///< Frees res and its lists.
unsigned alog_result_producers(const alog_result *res); ///< Its n.
/** List of producer i; NULL if i is out of range. */
alog_reclist *alog_result_list(alog_result *res, unsigned i);
/** The same, read-only. */
const alog_reclist *alog_result_list_const(const alog_result *res, unsigned i);
/** Target of producer i: rate (0 = unthrottled) and count (0 = by time). */
void alog_result_set_target(alog_result *res, unsigned i, double hz,
                            uint64_t count);
void alog_result_target(const alog_result *res, unsigned i, double *hz,
                        uint64_t *count); ///< The target, as set.
/** Count n more lines or frames of producer i that did not parse. */
void alog_result_add_malformed(alog_result *res, unsigned i, uint64_t n);
uint64_t alog_result_malformed(const alog_result *res, unsigned i); ///< Sum.
/** How producer i ended (ALOG_PS_*; code: exit status or signal). */
void alog_result_set_status(alog_result *res, unsigned i, int status,
                            int code);
/** Producer i's ALOG_PS_* and *code (may be NULL), as set. */
int alog_result_status(const alog_result *res, unsigned i, int *code);
/** Free text shown per producer ("where": host, cpu, command). Copied. */
int alog_result_set_where(alog_result *res, unsigned i, const char *where);
const char *alog_result_where(const alog_result *res, unsigned i); ///< Or NULL
/** Producer i's own name for itself, as the original printed it in
 * `Clock <ms> from <id>`: its pid (async), rank (mpi) or thread number
 * (omp).  Default: i. */
void alog_result_set_origin(alog_result *res, unsigned i, int64_t id);
/** Producer i's origin (see alog_result_set_origin). */
int64_t alog_result_origin(const alog_result *res, unsigned i);
/** '# key=value' header lines, in order of addition; later keys replace. */
int alog_result_header(alog_result *res, const char *key, const char *fmt,
                       ...) __attribute__((format(printf, 3, 4)));
size_t alog_result_header_count(const alog_result *res); ///< Header lines.
void alog_result_header_at(const alog_result *res, size_t i, const char **key,
                           const char **value); ///< Line i's key, value.
/** Bound the memory of all of res's lists together (bytes; 0: none):
 * past it, appends fail with ALOG_EFULL. */
void alog_result_set_memory_limit(alog_result *res, uint64_t bytes);
/** Records asked for from all producers together (0: by time), for
 * progress. */
uint64_t alog_result_target_total(const alog_result *res);
/** Non-zero once a list's growth was refused for the memory limit. */
int alog_result_memory_hit(const alog_result *res);
/** Cores this process may run on (its affinity mask; 0 if unknown). */
int alog_cores_usable(void);
/** The oversubscription lines every model writes alike: header
 * `oversubscribed=yes|no`; when `tasks` busy tasks (`what`, e.g.
 * "threads") exceed `cores`, a header `warning=oversubscribed: ...` and
 * the same warning on d's stream.  0 or ALOG_ENOMEM. */
int alog_oversubscribed(alog_result *res, const alog_diag *d, unsigned tasks,
                        const char *what, int cores);
/** Counters every report carries: CPU seconds of the collector and of all
 * producers together, over the run's window (alog_window).  A transport
 * whose producers are not child processes (threads, ranks) adds them in
 * close(); the run adds the default split (this process over the
 * collection / its reaped children) otherwise. */
#define ALOG_COLLECTOR_CPU "collector_cpu_s"
#define ALOG_PRODUCERS_CPU "producers_cpu_s" ///< all producers' CPU seconds

/** Extra per-run counters printed in the totals (e.g. "ring_full"). */
int alog_result_counter(alog_result *res, const char *key, double value);
size_t alog_result_counter_count(const alog_result *res); ///< Counters.
void alog_result_counter_at(const alog_result *res, size_t i,
                            const char **key, double *value); ///< Counter i.
/** Set when the run was interrupted. */
void alog_result_set_interrupted(alog_result *res, int yes);
int alog_result_interrupted(const alog_result *res); ///< As set.
/** Memory held by all lists, bytes. */
size_t alog_result_memory(const alog_result *res);
/** ALOG_OK, ALOG_EINTR if interrupted, ALOG_ESHORT if any producer is
 * short, stopped or failed, else ALOG_ELOST if one lost or duplicated
 * records (its status after alog_result_finish). */
int alog_result_outcome(const alog_result *res);

/** Producer i says it made `made` records (MPI's final message, an
 * OpenMP thread): what arrived is counted against it. */
void alog_result_set_made(alog_result *res, unsigned i, uint64_t made);
/** 1 and *made when producer i said what it made, else 0. */
int alog_result_made(const alog_result *res, unsigned i, uint64_t *made);
/** The first record's due time (CLOCK_MONOTONIC ns), which opens the
 * run's measured window; set by the transport. */
void alog_result_set_schedule(alog_result *res, int64_t start_ns);
/** Without a schedule (--exec commands): where the window starts (the
 * commands started); the records' times then count from the first one. */
void alog_result_set_window_start(alog_result *res, int64_t start_ns);
/** The records' epoch, given by the run (a journal's, so that its rows
 * are the report's): the report says it (`epoch_ns=`) and counts from it. */
void alog_result_set_epoch(alog_result *res, int64_t epoch_ns);
/** 1 and *epoch_ns when an epoch was set, else 0. */
int alog_result_epoch(const alog_result *res, int64_t *epoch_ns);
/** 1 and *start_ns when the transport set the schedule start (the window's
 * and the records' epoch), else 0. */
int alog_result_schedule(const alog_result *res, int64_t *start_ns);
/** When the run began (before the transport opened) and ended (after it
 * closed), CLOCK_MONOTONIC ns; set by alog_run_transport. */
void alog_result_set_span(alog_result *res, int64_t run0_ns, int64_t end_ns);
/** The times set by the two calls above (0 where unset; the schedule
 * start, when unset, is the run's start). */
void alog_result_span(const alog_result *res, int64_t *run0_ns,
                      int64_t *sched0_ns, int64_t *end_ns);
/** Store producer i's reported status, its lost records and its sequence
 * accounting (alog_result_finish does it for every producer). */
void alog_result_set_final(alog_result *res, unsigned i, int status,
                           uint64_t lost, const alog_seqstats *seq);
/** What alog_result_set_final stored for producer i: 1, or 0 before it. */
int alog_result_stored_final(const alog_result *res, unsigned i, int *status,
                             uint64_t *lost, alog_seqstats *seq);
/** Producer i's reported status with *lost and *seq (either may be
 * NULL): as alog_result_finish stored them, or worked out now. */
int alog_result_final(const alog_result *res, unsigned i, uint64_t *lost,
                      alog_seqstats *seq);

/** The run's time base (outcome.c): every rate and CPU figure of a run
 * is over its window, from the first record due to the last collected;
 * what comes before (spawning, MPI set-up, thread start) and after
 * (reaping, joining) is measured apart. */
typedef struct alog_window {
    int64_t startup_ns;  ///< run start to the first due time
    int64_t window_ns;   ///< first due time to the last record collected
    int64_t drain_ns;    ///< last due time to the last record collected
    int64_t teardown_ns; ///< last record collected to the run's end
    int64_t wall_ns;     ///< run start to end: the sum of the three above
    uint64_t records;    ///< records kept, all producers
    uint64_t expected;   ///< records their schedules hold (0: unknown)
    uint64_t lost;       ///< records that never arrived
    double offered_per_s; ///< the producers' target rates summed; 0 when
                          ///< one is unthrottled or has no schedule
} alog_window;
/** Decide every producer's reported status and lost records from its
 * list (one pass each, alog_stats_seq): a producer that ended as planned
 * but whose records have gaps, or fewer than it made, is ALOG_PS_LOST;
 * one with duplicates ALOG_PS_DUP; one that ended fine with fewer than
 * its schedule ALOG_PS_SHORT.  Call once collecting is over. */
void alog_result_finish(alog_result *res);
/** The run's window (after alog_result_finish). */
void alog_result_window(const alog_result *res, alog_window *w);

#endif
