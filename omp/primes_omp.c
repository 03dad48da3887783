/* primes_omp.c - the OpenMP program's primes job: the parts as the
 * threads of one team.
 *
 * Static: part k goes to thread k (schedule(static,1) over the parts, so a
 * smaller team than asked still does every part).  Dynamic: chunks of the
 * work handed out by schedule(dynamic,1).  One shared atomic flag stops
 * every thread within ALOG_PRIMES_POLL candidates once a divisor is found;
 * the kernel polls it (and the signal flag) itself.
 */
#include "primes_omp.h"

#include <omp.h>
#include <sched.h>
#include <stdlib.h>

static void where_thread(alog_primes_part *p)
{
    snprintf(p->where, sizeof p->where, "thread %d cpu %d",
             omp_get_thread_num(), sched_getcpu());
}

/* libgomp is not built with ThreadSanitizer, so the barriers that start
 * and end a parallel region are invisible to it.  This explicit handoff
 * says what they already guarantee: the caller's data is published to
 * the team (release, then acquire at the start) and every thread's part
 * back to the caller (release when done, acquire after the region). */
typedef struct handoff {
    atomic_int go;
    atomic_int done;
} handoff;

static void handoff_start(handoff *h)
{
    atomic_init(&h->done, 0);
    atomic_store_explicit(&h->go, 1, memory_order_release);
}

static void handoff_enter(handoff *h)
{
    (void)atomic_load_explicit(&h->go, memory_order_acquire);
}

static void handoff_leave(handoff *h)
{
    atomic_fetch_add_explicit(&h->done, 1, memory_order_release);
}

static void handoff_end(handoff *h)
{
    (void)atomic_load_explicit(&h->done, memory_order_acquire);
}

static void run_static(const alog_primes_job *job, alog_primes_part *parts,
                       atomic_int *found, unsigned threads, int *granted)
{
    const long P = (long)job->parts;
    handoff h;
    handoff_start(&h);
#pragma omp parallel num_threads(threads)
    {
        handoff_enter(&h);
#pragma omp single nowait
        *granted = omp_get_num_threads();
#pragma omp for schedule(static, 1)
        for (long k = 0; k < P; k++) {
            alog_primes_part *p = &parts[k];
            uint64_t a, b;
            where_thread(p);
            if (!alog_primes_part_range(job, (unsigned)k, &a, &b))
                continue;
            p->chunks = 1;
            if (alog_primes_work(job, a, b, found, p))
                atomic_store(found, 1);
        }
        handoff_leave(&h);
    }
    handoff_end(&h);
}

static void run_dynamic(const alog_primes_job *job, alog_primes_part *parts,
                        atomic_int *found, unsigned threads, int *granted)
{
    /* about 64 chunks per part (alog_primes_job_init): fits a long long */
    const long long chunks = (long long)job->chunks;
    handoff h;
    handoff_start(&h);
#pragma omp parallel num_threads(threads)
    {
        handoff_enter(&h);
#pragma omp single nowait
        *granted = omp_get_num_threads();
        /* a team smaller than asked leaves the last parts empty */
        alog_primes_part *p = &parts[omp_get_thread_num()];
        where_thread(p);
#pragma omp for schedule(dynamic, 1)
        for (long long c = 0; c < chunks; c++) {
            uint64_t a, b;
            /* no break out of an omp for: the rest is skipped */
            if (atomic_load_explicit(found, memory_order_relaxed) ||
                atomic_load_explicit(alog_stop_flag(), memory_order_relaxed)) {
                if (p->divisor == 0)
                    p->stopped = 1;
                continue;
            }
            if (!alog_primes_chunk_range(job, (uint64_t)c, &a, &b))
                continue;
            p->chunks++;
            if (alog_primes_work(job, a, b, found, p))
                atomic_store(found, 1);
        }
        /* the loop ran out because of the flag: work was left */
        if (atomic_load(found) && p->divisor == 0)
            p->stopped = 1;
        handoff_leave(&h);
    }
    handoff_end(&h);
}

int alog_run_primes_omp(const alog_config *cfg, FILE *out,
                        const alog_diag *d)
{
    alog_primes_job job;
    int max = omp_get_max_threads();
    if (alog_primes_job_init(&job, cfg, max > 0 ? (unsigned)max : 1) != 0)
        return ALOG_EINVAL;
    alog_primes_part *parts = calloc(job.parts, sizeof *parts);
    alog_primes_result res;
    if (parts == NULL || alog_primes_result_init(&res, "omp", "CLOCK_MONOTONIC",
                                                 &job, parts) != ALOG_OK) {
        free(parts);
        alog_say(d, "primes: %s", alog_strerror(ALOG_ENOMEM));
        return ALOG_ENOMEM;
    }
    for (unsigned k = 0; k < job.parts; k++)
        alog_primes_part_init(&parts[k], (int)k);
    alog_signals_install();

    if (!cfg->primes.no_baseline) {
        res.baseline = 1;
        res.serial_s = alog_primes_serial(&job, &res.serial);
    }
    int granted = 0;
    if (!alog_signal_caught()) {
        atomic_int found;
        atomic_init(&found, 0);
        int64_t t0 = alog_now_ns();
        if (job.schedule == ALOG_SCHED_DYNAMIC)
            run_dynamic(&job, parts, &found, job.parts, &granted);
        else
            run_static(&job, parts, &found, job.parts, &granted);
        res.model_s = (double)(alog_now_ns() - t0) * 1e-9;
    }
    res.interrupted = alog_signal_caught() != 0;
    int wrc = alog_primes_result_extra(&res, "openmp", "%d", _OPENMP);
    wrc = wrc ? wrc : alog_primes_result_extra(&res, "threads_asked", "%u",
                                               job.parts);
    wrc = wrc ? wrc : alog_primes_result_extra(&res, "threads_granted", "%d",
                                               granted);
    wrc = wrc ? wrc : alog_primes_report_write(out, cfg->format, &res);
    if (wrc == ALOG_ENOMEM)
        alog_say(d, "primes: %s", alog_strerror(wrc));
    alog_primes_result_free(&res);
    free(parts);
    return wrc != ALOG_OK ? wrc : alog_primes_outcome(&res);
}
