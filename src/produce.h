/** @file
 * produce.h - the one producer loop, for every model.
 *
 * alog_produce owns what a producer does whatever carries its records: the
 * common start, the absolute-deadline schedule, the count, the duration,
 * failing on purpose (--fail-after), the CPU work per record and the
 * timestamps (the one place that stamps).  A model supplies a small ops
 * table: emit (store or send one record), and two optional hooks for a
 * model that must keep talking while it waits (MPI flushes partial
 * batches and watches for its collector's stop message).
 *
 * Static inline on purpose: each model calls it with a constant ops table,
 * so the compiler inlines emit into the loop and an unthrottled producer
 * pays no indirect call per record.  Mark a model's emit ALOG_EMIT: the
 * call only becomes direct once the table is folded, too late for GCC to
 * inline an ordinary static function (a call per record costs ~12% of an
 * OpenMP producer's rate).
 */
#ifndef ALOG_PRODUCE_H
#define ALOG_PRODUCE_H

#include <string.h>
#include <time.h>

#include "alog.h"

/** Attribute for a model's emit and hooks (see above). */
#define ALOG_EMIT static inline __attribute__((always_inline))

/** What one producer is asked to do.  Times in ns on CLOCK_MONOTONIC. */
typedef struct alog_produce_spec {
    uint32_t producer;   ///< index stamped on every record
    uint32_t bytes;      ///< the records' bytes field
    int64_t start_ns;    ///< deadline of record 0; every producer waits for it
    int64_t interval_ns; ///< 0: unthrottled
    int64_t end_ns;      ///< no record is due at or after this; INT64_MAX: none
    uint64_t count;      ///< records to make; 0: until the end or a stop
    int64_t fail_after;  ///< end short after this many records; -1: never
    uint64_t work;       ///< alog_work steps per record (producer-side work)
    alog_clock *clock;   ///< the stamp clock (the caller's, one per
                         ///< thread); NULL: clock_gettime
    int cpu_clock;       ///< ALOG_CPU_*: the CPU time read once the start
                         ///< is reached (alog_produce_end.cpu0_ns)
} alog_produce_spec;

/** The model's side of the loop.  self is the model's own state. */
typedef struct alog_produce_ops {
    /** Optional: where the next record is to be built (a zeroed slot of
     * the model's own list), so that it is stamped in place with no copy;
     * NULL means out of memory.  Without it the loop builds each record in
     * a record of its own. */
    alog_record *(*slot)(void *self);
    /** Store or send r (without slot the loop owns r: copy what you keep;
     * with slot r is that slot, complete; emit may finish it, e.g. its
     * collect time).  0, or an ALOG_E* code that ends
     * the producer short. */
    int (*emit)(void *self, alog_record *r);
    /** Optional, paced and at the start: get close to deadline t your own
     * way (the loop then sleeps the rest).  Non-zero: stop now. */
    int (*approach)(void *self, int64_t t);
    /** Optional, unthrottled: looked at every 64 records.  Non-zero: stop. */
    int (*poll)(void *self);
} alog_produce_ops;

/** How it ended. */
typedef struct alog_produce_end {
    uint64_t made;  ///< records emitted
    int status;     ///< ALOG_PS_OK, _SHORT (fail-after, an error), _STOPPED
    int err;        ///< the ALOG_E* code that ended it short, or 0
    uint64_t sink;  ///< alog_work results: keeps the work from being elided
    int64_t cpu0_ns; ///< spec.cpu_clock at the start (after the wait for
                     ///< it): CPU spent before the window, to take out
} alog_produce_end;

/** Stamp of an unthrottled record without work: nothing happens between
 * its schedule and its emission, so one clock read serves both. */
static inline int64_t alog_produce_stamp(alog_clock *clk, int paced,
                                         uint64_t work, int64_t sched,
                                         uint64_t *sink)
{
    if (work > 0) {
        *sink += alog_work(work);
        return alog_clock_now(clk);
    }
    if (!paced)
        return sched;
    /* It waited for sched on CLOCK_MONOTONIC: a TSC conversion a few
     * hundred ns off must not make it early. */
    int64_t t = alog_clock_now(clk);
    return t > sched ? t : sched;
}

/** Whose CPU time alog_cpu_ns reads. */
enum alog_cpu_clock {
    ALOG_CPU_NONE = 0,    ///< none (0)
    ALOG_CPU_THREAD = 1,  ///< the calling thread's
    ALOG_CPU_PROCESS = 2, ///< the whole process's
};

/** CPU time (ns) of `which` (ALOG_CPU_*); 0 for none or an error. */
static inline int64_t alog_cpu_ns(int which)
{
    struct timespec ts;
    clockid_t id = which == ALOG_CPU_THREAD ? CLOCK_THREAD_CPUTIME_ID
                                            : CLOCK_PROCESS_CPUTIME_ID;
    if (which == ALOG_CPU_NONE || clock_gettime(id, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/** Wait for the common start (asleep, or the model's approach first).
 * 0, or the status that ends the producer. */
static inline int alog_produce_start(const alog_produce_spec *s,
                                     const alog_produce_ops *ops, void *self,
                                     const atomic_int *stop, int *err)
{
    if (s->start_ns <= alog_now_ns())
        return ALOG_PS_OK;
    if (ops->approach && ops->approach(self, s->start_ns) != 0)
        return ALOG_PS_STOPPED;
    int rc = alog_sleep_until(s->start_ns, stop);
    if (rc == ALOG_EINTR)
        return ALOG_PS_STOPPED;
    *err = rc;
    return rc == 0 ? ALOG_PS_OK : ALOG_PS_SHORT;
}

/** Run one producer to its end; fills *end.  Never blocks past a stop:
 * *stop (the process's stop flag) is looked at before every record. */
__attribute__((always_inline)) static inline void
alog_produce(const alog_produce_spec *s, const alog_produce_ops *ops,
             void *self, const atomic_int *stop, alog_produce_end *end)
{
    const int paced = s->interval_ns > 0;
    const uint64_t work = s->work;
    const int64_t stop_at = s->end_ns;
    alog_clock *const clk = s->clock;
    uint64_t limit = s->count > 0 ? s->count : UINT64_MAX, k = 0, sink = 0;
    int limit_short = 0, err = 0;
    if (s->fail_after >= 0 && (uint64_t)s->fail_after < limit) {
        limit = (uint64_t)s->fail_after;
        limit_short = 1;
    }
    alog_pace pace;
    alog_pace_init(&pace, s->start_ns, s->interval_ns);
    alog_record r;
    memset(&r, 0, sizeof r);
    r.producer = s->producer;
    r.bytes = s->bytes;

    int status = alog_produce_start(s, ops, self, stop, &err);
    end->cpu0_ns = alog_cpu_ns(s->cpu_clock); /* the window starts here */
    for (; status == ALOG_PS_OK && k < limit; k++) {
        int64_t sched;
        if (paced) {
            int64_t due = alog_pace_deadline(&pace, pace.k);
            if (due >= stop_at)
                break; /* a record due at or after the end is not made */
            if (ops->approach && ops->approach(self, due) != 0) {
                status = ALOG_PS_STOPPED;
                break;
            }
            int rc = alog_pace_wait(&pace, stop, &sched);
            if (rc != 0) {
                status = rc == ALOG_EINTR ? ALOG_PS_STOPPED : ALOG_PS_SHORT;
                err = rc == ALOG_EINTR ? 0 : rc;
                break;
            }
        } else {
            if (atomic_load_explicit(stop, memory_order_relaxed) != 0 ||
                (ops->poll && (k & 63) == 0 && ops->poll(self) != 0)) {
                status = ALOG_PS_STOPPED;
                break;
            }
            sched = alog_clock_now(clk);
            if (sched >= stop_at)
                break;
        }
        int64_t made = alog_produce_stamp(clk, paced, work, sched, &sink);
        alog_record *at = ops->slot ? ops->slot(self) : &r;
        if (at == NULL) {
            status = ALOG_PS_SHORT;
            err = ALOG_ENOMEM;
            break;
        }
        at->seq = k;
        at->sched_ns = sched;
        at->produce_ns = made;
        at->clock_ms = made / 1000000;
        at->producer = r.producer;
        at->bytes = r.bytes;
        int rc = ops->emit(self, at);
        if (rc != 0) {
            status = ALOG_PS_SHORT;
            err = rc;
            break;
        }
    }
    if (status == ALOG_PS_OK && k == limit && limit_short)
        status = ALOG_PS_SHORT;
    end->made = k;
    end->status = status;
    end->err = err;
    end->sink = sink;
}

#endif
