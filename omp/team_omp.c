/* team_omp.c - the producers of the OpenMP model: one OpenMP team whose
 * thread i runs the one producer loop (produce.h) for producer i, with an
 * emit into its own list (none) or its ring (thread).
 */
#include <omp.h>
#include <sched.h>
#include <string.h>

#include "produce.h"
#include "team_omp.h"

/* ---- producers ---------------------------------------------------------- */

void alog_omp_finish(omp_run *run, producer *p)
{
    atomic_store_explicit(&p->done, 1, memory_order_release);
    atomic_fetch_add_explicit(&run->ended, 1, memory_order_release);
}


/* What emit writes to, a local copy of the producer's fields: the stores
 * through a record pointer could alias the shared struct, which would make
 * the compiler reload its fields for every record; a local whose address
 * never escapes the inlined loop stays in registers. */
typedef struct emit_state {
    alog_store store;    /* none: the list, and --collect-work */
    alog_ring *ring;     /* thread */
    uint64_t full;       /* thread: records that found the ring full */
    int64_t interval_ns; /* thread: the producer's pace, 0: unthrottled */
    int64_t held_since;  /* thread, paced: made time of the oldest record
                            not yet published */
} emit_state;

/* none: built straight in the thread's own list (a zeroed slot), stored
 * the moment it is made. */
ALOG_EMIT alog_record *list_slot(void *self)
{
    return alog_reclist_push(((emit_state *)self)->store.list);
}

ALOG_EMIT int emit_list(void *self, alog_record *r)
{
    emit_state *e = self;
    r->collect_ns = alog_store_work(&e->store, r->produce_ns);
    alog_journal_note(e->store.journal, r->collect_ns);
    return 0;
}

/* thread: built straight in the ring's next slot.  A full ring is
 * back-pressure: wait for the collector, never drop. */
ALOG_EMIT alog_record *ring_slot(void *self)
{
    emit_state *e = self;
    alog_record *s = alog_ring_slot(e->ring);
    if (!s) {
        e->full++;
        for (unsigned spin = 0; !(s = alog_ring_slot(e->ring)); spin++) {
            if (spin < FULL_SPINS)
                cpu_relax();
            else
                alog_sleep_for(FULL_NAP_NS, NULL);
        }
    }
    /* The fields the loop leaves to the model (a list's slot is zeroed). */
    s->collect_ns = 0;
    s->flags = 0;
    s->text = 0;
    return s;
}

/* An unthrottled record goes out with its batch: the next one is made at
 * once.  A paced one is published at once unless the next record is due
 * already (the producer is behind and makes it straight away); even then
 * it waits for its batch at most one interval, so batching never delays a
 * paced record by more than its own pace. */
ALOG_EMIT int emit_ring(void *self, alog_record *r)
{
    emit_state *e = self;
    alog_ring_commit(e->ring);
    if (e->interval_ns > 0) {
        int64_t now = r->produce_ns;
        size_t held = alog_ring_pending(e->ring);
        if (held == 1)
            e->held_since = now;
        if (held > 0 && (r->sched_ns + e->interval_ns > now ||
                         now - e->held_since >= e->interval_ns))
            alog_ring_flush(e->ring);
    }
    return 0;
}

static const alog_produce_ops list_ops = {.slot = list_slot,
                                          .emit = emit_list};
static const alog_produce_ops ring_ops = {.slot = ring_slot,
                                          .emit = emit_ring};

static void produce(omp_run *run, producer *p, unsigned i)
{
    p->cpu_first = sched_getcpu();
    alog_timerslack_set(SLACK_NS);
    alog_produce_spec spec = {
        .producer = i,
        .bytes = run->bytes,
        .start_ns = run->start_ns + p->phase_ns,
        .interval_ns = p->interval_ns,
        .end_ns = run->end_ns == INT64_MAX ? INT64_MAX
                                           : run->end_ns + p->phase_ns,
        .count = p->count,
        .fail_after = p->fail_after,
        .work = run->work,
        .cpu_clock = ALOG_CPU_THREAD, /* the window: from its start */
    };
    alog_clock clk; /* each thread its own: anchors are not shared */
    if (alog_clock_init(&clk, run->clock) == 0)
        spec.clock = &clk;
    alog_produce_end end;
    emit_state e = {.store = p->store,
                    .ring = p->ring,
                    .interval_ns = p->interval_ns};
    /* Two instances of the one loop, each with its emit inlined. */
    if (run->mode == MODE_NONE)
        alog_produce(&spec, &list_ops, &e, alog_stop_flag(), &end);
    else
        alog_produce(&spec, &ring_ops, &e, alog_stop_flag(), &end);
    if (e.ring)
        alog_ring_flush(e.ring); /* the last, partial batch */
    p->store.sink = e.store.sink;
    p->ring_full = e.full;
    p->err = end.err;
    p->made = end.made;
    p->sink = end.sink;
    p->status = end.status;
    p->cpu_last = sched_getcpu();
    p->cpu_ns = thread_cpu_ns() - end.cpu0_ns;
    alog_omp_finish(run, p);
}

/* The body of the parallel region, for every thread of the team. */
static void team_member(omp_run *run)
{
    /* Pairs with open()'s release: the setup is visible to the team even
     * when libgomp hands work to pooled threads through its own futexes. */
    while (atomic_load_explicit(&run->armed, memory_order_acquire) == 0)
        cpu_relax();
    unsigned tid = (unsigned)omp_get_thread_num();
    unsigned team = (unsigned)omp_get_num_threads();
    if (tid == 0) {
        /* Producers without a thread end at once, short, never silently. */
        for (unsigned i = team; i < run->n; i++) {
            producer *q = &run->p[i];
            q->status = ALOG_PS_SHORT;
            q->cpu_first = q->cpu_last = -1;
            alog_omp_finish(run, q);
        }
        atomic_store_explicit(&run->granted, team, memory_order_release);
    }
    if (tid >= run->n)
        return;
    producer *p = &run->p[tid];
    p->thread = tid;
    p->team = team;
    p->tid = pthread_self();
    atomic_store_explicit(&p->started, 1, memory_order_release);
    produce(run, p, tid);
}

void *alog_omp_team_main(void *arg)
{
    omp_run *run = arg;
    /* Ask for exactly n threads; granted is reported if fewer come. */
    omp_set_dynamic(0);
#pragma omp parallel num_threads(run->n)
    team_member(run);
    return NULL;
}

