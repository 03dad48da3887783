/* transport_omp.c - the OpenMP model as transports: producers are the
 * threads of one OpenMP team (team_omp.c), collected here.
 *
 * open() starts a helper pthread that opens a parallel region of N threads;
 * thread i is producer i.  collect() and close() run in the caller:
 *   none:   each thread appends to its own list (collect time = produce
 *           time); the caller only waits.
 *   thread: each thread pushes into its own SPSC ring; the caller is the
 *           collector, draining the rings in batches into the lists.
 * The collector is the caller's plain thread, not an extra OpenMP thread:
 * the interface wants collect() in the caller, it then stays out of the
 * team's binding (OMP_PROC_BIND), and ThreadSanitizer, which cannot see
 * libgomp's own synchronisation, checks the ring and collector precisely.
 * For the same reason every hand-over between threads here is a C11
 * atomic (armed, done, ended), never an OpenMP barrier.
 */
#include <errno.h>
#include <omp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "team_omp.h"

/* Records a producer makes visible at once (its ring's batch), records
 * the collector takes from one ring per block, and blocks per visit (so
 * one busy producer cannot starve the others). */
#define RING_BATCH 64
#define BLOCK 256
#define BLOCKS_PER_VISIT 4
/* Collector polling.  Each look at an empty ring reads the line its
 * producer writes once per batch; looked at too often, that line bounces
 * between the two cores on every batch, for nothing.  So after a drain
 * that found no backlog (fewer than BACKLOG records) the collector lets
 * records gather for POLL_NS before looking again.  Idle, it polls like
 * that SPINS_POLL times, then yields its core (producers may be waiting
 * for it) SPINS_YIELD times, then naps doubling from NAP_MIN to NAP_MAX,
 * or until DUE_LAG after the next deadline a record is due: the producer
 * wakes at the deadline itself and should not find the collector spinning
 * on the core it needs. */
#define BACKLOG 64
#define POLL_NS 2000
#define SPINS_POLL 16
#define SPINS_YIELD 16
#define NAP_MIN 1000
#define NAP_MAX 200000
#define DUE_LAG 20000

/* ---- collector ---------------------------------------------------------- */

/* Stores a block of n records taken from p's ring into its list, each
 * stamped with the time the block is stored: copied span by span, not
 * pushed one by one.  *stored: how many made it (all unless the list
 * failed); 0 or the list's error. */
static int store_block(producer *p, const alog_record *block, size_t n,
                       size_t *stored)
{
    int64_t now = alog_now_ns();
    size_t j = 0;
    while (j < n) {
        size_t k;
        alog_record *s = alog_reclist_span(p->list, n - j, &k);
        if (!s) {
            *stored = j;
            return ALOG_ENOMEM;
        }
        memcpy(s, block + j, k * sizeof *s);
        for (size_t i = 0; i < k; i++) {
            s[i].collect_ns = alog_store_work(&p->store, now);
            alog_journal_note(p->store.journal, s[i].collect_ns);
        }
        j += k;
    }
    *stored = n;
    return 0;
}

/* Moves what ring i holds into list i, block by block.  Adds the records
 * moved to *moved; 0 or ALOG_ENOMEM. */
static int drain_one(omp_run *run, producer *p, size_t *moved)
{
    for (int b = 0; b < BLOCKS_PER_VISIT; b++) {
        const alog_record *block;
        size_t n = alog_ring_peek(p->ring, &block, BLOCK);
        if (n == 0)
            return 0;
        size_t stored = n;
        int rc = 0;
        if (run->failed)
            run->lost += n;
        else
            rc = store_block(p, block, n, &stored);
        alog_ring_release(p->ring, stored);
        *moved += stored;
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int drain_all(omp_run *run, size_t *moved)
{
    *moved = 0;
    for (unsigned i = 0; i < run->n; i++) {
        int rc = drain_one(run, &run->p[i], moved);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int all_ended(omp_run *run)
{
    /* Acquire: every record pushed before a producer ended is visible. */
    return atomic_load_explicit(&run->ended, memory_order_acquire) == run->n;
}

typedef struct idle_state {
    unsigned spins;
    int64_t nap_ns;
} idle_state;

static void idle_reset(idle_state *st)
{
    st->spins = 0;
    st->nap_ns = NAP_MIN;
}

/* The next time a live paced producer has a record due after now;
 * now itself if a live producer is unthrottled (it never pauses). */
static int64_t next_due(omp_run *run, int64_t now)
{
    int64_t best = INT64_MAX;
    for (unsigned i = 0; i < run->n; i++) {
        producer *p = &run->p[i];
        if (atomic_load_explicit(&p->done, memory_order_relaxed))
            continue;
        if (p->interval_ns == 0)
            return now;
        int64_t t = run->start_ns + p->phase_ns;
        if (now > t)
            t += ((now - t) / p->interval_ns + 1) * p->interval_ns;
        if (t < best)
            best = t;
    }
    return best;
}

/* The caller looks at the stop flag after every wake-up anyway. */
static void sleep_until(int64_t t)
{
    (void)alog_sleep_until(t, alog_stop_flag());
}

/* Spins on this core's clock only, touching no shared line. */
static void poll_pause(void)
{
    int64_t until = alog_now_ns() + POLL_NS;
    while (alog_now_ns() < until)
        cpu_relax();
}

static void idle_wait(omp_run *run, idle_state *st)
{
    if (st->spins < SPINS_POLL + SPINS_YIELD) {
        if (st->spins++ < SPINS_POLL)
            poll_pause();
        else
            sched_yield();
        return;
    }
    int64_t now = alog_now_ns();
    int64_t due = next_due(run, now);
    if (due <= now) {
        sched_yield(); /* an unthrottled producer may need this core */
        return;
    }
    if (due - now <= st->nap_ns) {
        /* Wake just after the record is due and look closely for it. */
        sleep_until(due + DUE_LAG);
        idle_reset(st);
        return;
    }
    sleep_until(now + st->nap_ns);
    if (st->nap_ns < NAP_MAX)
        st->nap_ns *= 2;
}

/* Wakes producers sleeping until a far deadline once a signal stopped the
 * run, with the same signal, whose handler only sets the stop flag. */
static void kick_sleepers(omp_run *run)
{
    int sig = alog_signal_caught();
    if (sig == 0)
        return;
    for (unsigned i = 0; i < run->n; i++) {
        producer *p = &run->p[i];
        if (atomic_load_explicit(&p->started, memory_order_acquire) &&
            !atomic_load_explicit(&p->done, memory_order_acquire))
            pthread_kill(p->tid, sig);
    }
}

static int thread_collect(void *ctx, alog_result *res, const atomic_int *stop)
{
    omp_run *run = ctx;
    (void)res;
    alog_timerslack_set(SLACK_NS);
    idle_state st;
    idle_reset(&st);
    for (;;) {
        int ended = all_ended(run);
        size_t moved;
        int rc = drain_all(run, &moved);
        if (rc != 0) {
            run->failed = 1;
            return rc;
        }
        if (moved > 0) {
            idle_reset(&st);
            if (moved < BACKLOG && !ended)
                poll_pause(); /* caught up: let records gather */
            continue;
        }
        if (ended)
            return 0; /* ended before an empty drain: nothing can follow */
        if (stop && atomic_load(stop) != 0)
            return 0; /* close() drains what the producers still push */
        idle_wait(run, &st);
    }
}

static int none_collect(void *ctx, alog_result *res, const atomic_int *stop)
{
    omp_run *run = ctx;
    (void)res;
    while (!all_ended(run)) {
        if (stop && atomic_load(stop) != 0)
            return 0;
        sleep_until(alog_now_ns() + 1000000);
    }
    return 0;
}

/* ---- open and close ----------------------------------------------------- */

static void run_free(omp_run *run)
{
    if (!run)
        return;
    if (run->p)
        for (unsigned i = 0; i < run->n; i++)
            alog_ring_free(run->p[i].ring);
    free(run->p);
    free(run);
}

/* The run's header keys of this model. */
static int describe(alog_result *res, const alog_run_env *env, unsigned n,
                    int mode, size_t ring_cap)
{
    int rc = alog_omp_env_header(res, env->diag, n, n + (mode == MODE_THREAD));
    /* The collect mode is the transport's name, in run.c's header. */
    if (rc == 0 && mode == MODE_THREAD)
        rc = alog_result_header(res, "ring", "%zu", ring_cap);
    if (rc == 0)
        rc = alog_result_header(
            res, "cpu_window",
            "collector: the calling thread from open to the last record "
            "drained; producers: each thread from its first record's due "
            "time to its end");
    return rc;
}

static int omp_open(void **ctxp, const alog_config *cfg,
                    const alog_run_env *env, alog_result *res, int mode)
{
    const alog_omp_opts *opts = env->omp; /* the model's own options */
    if (opts == NULL)
        return ALOG_EINVAL;
    unsigned n = alog_result_producers(res);
    if (n == 0 || n > ALOG_OMP_THREADS_MAX)
        return ALOG_EINVAL;
    int64_t dur_ns = 0;
    if (cfg->duration > 0 && alog_seconds_to_ns(cfg->duration, &dur_ns) != 0)
        return ALOG_EINVAL;
    omp_run *run = calloc(1, sizeof *run);
    if (!run)
        return ALOG_ENOMEM;
    run->mode = mode;
    run->n = n;
    run->work = cfg->work;
    run->clock = cfg->clock;
    run->bytes = cfg->payload ? cfg->payload : (uint32_t)sizeof(alog_record);
    run->p = aligned_alloc(LINE, n * sizeof *run->p);
    if (!run->p) {
        free(run);
        return ALOG_ENOMEM;
    }
    memset(run->p, 0, n * sizeof *run->p);
    int rc = 0;
    size_t ring_cap = 0;
    for (unsigned i = 0; i < n && rc == 0; i++) {
        producer *p = &run->p[i];
        p->list = alog_result_list(res, i);
        p->store = env->stores[i];
        p->interval_ns = alog_config_interval_ns(cfg, i);
        p->phase_ns = alog_config_phase_ns(cfg, i);
        p->count = cfg->count;
        p->fail_after = i == n - 1 ? cfg->fail_after : -1;
        p->status = ALOG_PS_SHORT; /* until the thread says otherwise */
        atomic_init(&p->started, 0);
        atomic_init(&p->done, 0);
        if (mode == MODE_THREAD) {
            rc = alog_ring_new(&p->ring, opts->ring ? opts->ring : 4096,
                               RING_BATCH);
            if (rc == 0)
                ring_cap = alog_ring_capacity(p->ring);
        }
    }
    if (rc == 0)
        rc = describe(res, env, n, mode, ring_cap);
    if (rc != 0) {
        run_free(run);
        return rc;
    }
    /* Time for the team to come up before record 0 (thread creation is
     * tens of microseconds each, more on a busy machine). */
    int64_t lead = 5000000 + (int64_t)n * 100000;
    if (lead > 200000000)
        lead = 200000000;
    run->start_ns = alog_now_ns() + lead;
    run->end_ns = dur_ns > 0 ? run->start_ns + dur_ns : INT64_MAX;
    alog_result_set_schedule(res, run->start_ns);
    atomic_init(&run->granted, 0);
    atomic_init(&run->ended, 0);
    run->cpu0_ns = thread_cpu_ns();
    atomic_store_explicit(&run->armed, 1, memory_order_release);
    int err = pthread_create(&run->team, NULL, alog_omp_team_main, run);
    if (err != 0) {
        errno = err;
        run_free(run);
        return ALOG_ESYS;
    }
    *ctxp = run;
    return 0;
}

static int none_open(void **ctx, const alog_config *cfg,
                     const alog_run_env *env, alog_result *res)
{
    return omp_open(ctx, cfg, env, res, MODE_NONE);
}

static int thread_open(void **ctx, const alog_config *cfg,
                       const alog_run_env *env, alog_result *res)
{
    return omp_open(ctx, cfg, env, res, MODE_THREAD);
}

/* Let every producer end (at once if stopped; sleepers are woken), in
 * thread mode draining the rings so that none waits on a full one. */
static int wait_ended(omp_run *run)
{
    int rc = 0;
    idle_state st;
    idle_reset(&st);
    int64_t last_kick = 0;
    for (;;) {
        int ended = all_ended(run);
        if (run->mode == MODE_THREAD) {
            size_t moved;
            int drc = drain_all(run, &moved);
            if (drc != 0) {
                run->failed = 1;
                rc = drc;
                continue;
            }
            if (moved > 0) {
                idle_reset(&st);
                continue;
            }
        }
        if (ended)
            return rc;
        if (atomic_load(alog_stop_flag()) != 0) {
            int64_t now = alog_now_ns();
            if (now - last_kick > 10000000) {
                kick_sleepers(run);
                last_kick = now;
            }
        }
        if (run->mode == MODE_THREAD)
            idle_wait(run, &st);
        else
            sleep_until(alog_now_ns() + 1000000);
    }
}

/* The run's counters: CPU of the collector and the producers (none: each
 * producer thread stores its own records, so that CPU is the producers';
 * the calling thread only waits), the rings' figures. */
static int counters(omp_run *run, alog_result *res, uint64_t full,
                    int64_t prod_cpu)
{
    int rc = alog_result_counter(res, ALOG_COLLECTOR_CPU,
                                 (double)(thread_cpu_ns() - run->cpu0_ns) /
                                     1e9);
    if (rc == 0)
        rc = alog_result_counter(res, ALOG_PRODUCERS_CPU,
                                 (double)prod_cpu / 1e9);
    if (run->mode != MODE_THREAD)
        return rc;
    if (rc == 0)
        rc = alog_result_counter(res, "ring_full", (double)full);
    if (rc == 0)
        rc = alog_result_counter(res, "ring_capacity",
                                 (double)alog_ring_capacity(run->p[0].ring));
    if (rc == 0 && run->lost > 0)
        rc = alog_result_counter(res, "lost", (double)run->lost);
    return rc;
}

static int omp_close(void *ctx, alog_result *res)
{
    omp_run *run = ctx;
    if (run->failed)
        alog_stop_request(0); /* a broken collector ends the run */
    int rc = wait_ended(run);
    pthread_join(run->team, NULL);

    unsigned granted = atomic_load_explicit(&run->granted, memory_order_acquire);
    uint64_t full = 0;
    int64_t prod_cpu = 0;
    for (unsigned i = 0; i < run->n; i++) {
        producer *p = &run->p[i];
        alog_result_set_status(res, i, p->status, 0);
        if (i < granted) /* a thread of ours: it knows what it made */
            alog_result_set_made(res, i, p->made);
        if (i < granted) {
            alog_omp_env_where(res, i, p->thread, p->team, p->cpu_first,
                               p->cpu_last);
            alog_result_set_origin(res, i, p->thread);
        }
        else
            alog_result_set_where(res, i, "no OpenMP thread granted");
        if (p->err != 0 && rc == 0)
            rc = p->err;
        full += p->ring_full;
        prod_cpu += p->cpu_ns;
    }
    int hrc = alog_omp_env_granted(res, granted);
    if (hrc == 0)
        hrc = counters(run, res, full, prod_cpu);
    if (rc == 0)
        rc = hrc;
    run_free(run);
    return rc;
}

const alog_transport alog_transport_omp_none = {
    .name = "none",
    .summary = "OpenMP threads, each appending to its own list (no sharing)",
    .open = none_open,
    .collect = none_collect,
    .close = omp_close,
};

const alog_transport alog_transport_omp_thread = {
    .name = "thread",
    .summary = "OpenMP threads pushing into SPSC rings, one collector thread",
    .open = thread_open,
    .collect = thread_collect,
    .close = omp_close,
};

#define REGISTRY_ENTRY(e, n) &alog_transport_omp_##n,
const alog_transport *const alog_omp_transports[] = {
    ALOG_OMP_COLLECT_MAP(REGISTRY_ENTRY) NULL};

const alog_transport *alog_omp_transport_for(int collect)
{
    const char *name = alog_omp_collect_name(collect);
    return name ? alog_transport_find(alog_omp_transports, name) : NULL;
}
