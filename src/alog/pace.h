/** @file
 * alog/pace.h - pacing: absolute deadlines on CLOCK_MONOTONIC, the one sleep.
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_PACE_H
#define ALOG_PACE_H

#include <stdatomic.h>
#include <stdint.h>

/** Absolute-deadline schedule: deadline k = start + k*interval, so errors
 * never accumulate.  interval 0 means as fast as possible. */
typedef struct alog_pace {
    int64_t start_ns;    ///< deadline of record 0
    int64_t interval_ns; ///< 0: unthrottled
    uint64_t k;          ///< next record's index
} alog_pace;

/** Schedule from start_ns every interval_ns (<= 0: unthrottled), k = 0. */
void alog_pace_init(alog_pace *p, int64_t start_ns, int64_t interval_ns);
/** Deadline of record k: start + k * interval. */
int64_t alog_pace_deadline(const alog_pace *p, uint64_t k);
/** Sleep until the next deadline (clock_nanosleep TIMER_ABSTIME, EINTR
 * resumed unless *stop (may be NULL) becomes non-zero), store it in
 * *sched_ns and advance.  Returns 0, or ALOG_EINTR when *stop was set. */
int alog_pace_wait(alog_pace *p, const atomic_int *stop, int64_t *sched_ns);
/** The one sleep of the project: until t on CLOCK_MONOTONIC (absolute, so
 * a late wake-up never shifts a schedule).  A signal resumes the sleep
 * unless *stop (may be NULL) became non-zero.  0, ALOG_EINTR when stopped,
 * ALOG_ESYS if the clock failed. */
int alog_sleep_until(int64_t t, const atomic_int *stop);
/** alog_sleep_until(now + ns, stop). */
int alog_sleep_for(int64_t ns, const atomic_int *stop);
/** Seconds to ns, rounded; ALOG_EINVAL for negative/NaN/too large. */
int alog_seconds_to_ns(double s, int64_t *ns);
/** Lower this thread's timer slack (Linux default 50 us); 0 or ALOG_ESYS. */
int alog_timerslack_set(unsigned long ns);

#endif
