/* produce_mpi.c - a producer rank: the one producer loop (produce.h) with
 * an emit that fills batches and sends them to rank 0 (with --collect
 * tree, to its parent: its group's leader).
 *
 * Paced, a send completes at once, so the message does not wait for our
 * next MPI call (with TCP it could) while we sleep; before each deadline
 * the rank watches for rank 0's stop message and flushes a partial batch
 * whose flush deadline has come.  Unthrottled, a window of sends stays in
 * flight, the way a plain MPI sender streams.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mpi_model.h"
#include "mpi_check.h"
#include "produce.h"
#include "tree_mpi.h"
#include "wire_mpi.h"

#define SEND_WINDOW 64 /* unthrottled: sends in flight at most (as alog-ref-mpi) */
#define WINDOW_BYTES (4u << 20) /* ...or fewer, to stay under this many bytes */
#define NAP_MAX_NS 50000000LL   /* longest sleep before looking at messages */
#ifndef ALOG_MPI_WARM_NS /* -D to experiment: longer spins, less lateness */
#define ALOG_MPI_WARM_NS 50000LL
#endif

typedef struct producer {
    MPI_Comm comm;
    int to;              /* rank 0, or with --collect tree its parent */
    size_t rb;           /* bytes per record */
    size_t cap;          /* bytes per message buffer */
    unsigned batch;      /* records per message */
    int window;          /* message buffers, all in flight at most */
    unsigned char *bufs; /* window buffers of cap bytes */
    MPI_Request *reqs;   /* their sends */
    int slot;            /* buffer being filled */
    unsigned n;          /* records in it */
    int64_t first_ns;    /* produce time of its first record */
    int64_t flush_ns;    /* a partial batch leaves this long after it */
    int64_t skew_ns;     /* test only: added to the times we send */
    int paced;           /* interval > 0 */
    int64_t warm_ns;     /* paced: spin this long before each deadline */
    MPI_Request ctrl;    /* pre-posted receive of rank 0's TAG_CTRL */
    int ctrl_msg;
} producer;

/* Sends an unthrottled producer keeps in flight for messages of cap bytes. */
static int window_for(size_t cap)
{
    size_t w = WINDOW_BYTES / (cap ? cap : 1);
    return w >= SEND_WINDOW ? SEND_WINDOW : w < 2 ? 2 : (int)w;
}

static int64_t cpu_now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Send the records of the current buffer. */
static void flush(producer *p)
{
    if (p->n == 0)
        return;
    unsigned char *buf = p->bufs + (size_t)p->slot * p->cap;
    ALOG_MPI_CHECK(p->comm, MPI_Isend(buf, (int)(p->n * p->rb), MPI_BYTE, p->to,
                                      ALOG_MPI_TAG_DATA, p->comm,
                                      &p->reqs[p->slot]));
    if (p->paced)
        ALOG_MPI_CHECK(p->comm, MPI_Wait(&p->reqs[p->slot], MPI_STATUS_IGNORE));
    p->n = 0;
    if (++p->slot == p->window)
        p->slot = 0;
    /* A rolling window, completed a quarter at a time: entering a quarter,
     * wait for its sends only.  Waiting for the whole window would stall
     * a sender of messages past the eager limit (rendezvous) until rank 0
     * had drained every one, then leave rank 0 idle while it refills; a
     * wait per send costs small messages an MPI call each. */
    int quarter = p->window >= 4 ? p->window / 4 : 1;
    if (p->slot % quarter == 0) {
        int n = p->window - p->slot < quarter ? p->window - p->slot : quarter;
        ALOG_MPI_CHECK(p->comm, MPI_Waitall(n, p->reqs + p->slot,
                                            MPI_STATUSES_IGNORE));
    }
}

/* Did rank 0 tell us to stop? */
static int stop_asked(producer *p)
{
    int flag = 0;
    ALOG_MPI_CHECK(p->comm, MPI_Test(&p->ctrl, &flag, MPI_STATUS_IGNORE));
    if (!flag)
        return 0;
    if (p->ctrl_msg == ALOG_MPI_CTRL_STOP) /* listen again for CTRL_DONE */
        ALOG_MPI_CHECK(p->comm, MPI_Irecv(&p->ctrl_msg, 1, MPI_INT, p->to,
                                          ALOG_MPI_TAG_CTRL, p->comm,
                                          &p->ctrl));
    return 1;
}

/* Sleep until t in naps short enough to notice a stop; 1 if stopped. */
static int sleep_watching(producer *p, int64_t t)
{
    const atomic_int *stop = alog_stop_flag();
    for (;;) {
        if (atomic_load(stop) != 0 || stop_asked(p))
            return 1;
        int64_t left = t - alog_now_ns();
        if (left <= NAP_MAX_NS)
            return alog_sleep_until(t, stop) == ALOG_EINTR;
        alog_sleep_for(NAP_MAX_NS, stop);
    }
}

/* The loop's approach hook: flush a partial batch whose flush deadline
 * comes first, then get to deadline t. */
static int approach(void *self, int64_t t)
{
    producer *p = self;
    if (p->n > 0 && t > p->first_ns + p->flush_ns) {
        if (sleep_watching(p, p->first_ns + p->flush_ns))
            return 1;
        flush(p);
    }
    if (p->warm_ns == 0)
        return sleep_watching(p, t);
    /* Sleep until shortly before the deadline, then stay on the CPU: a
     * send from a rank fresh out of sleep finds its caches, TLB and MPI's
     * queues cold and takes microseconds; this way the record leaves on
     * time and as fast as MPI can send it. */
    if (sleep_watching(p, t - p->warm_ns))
        return 1;
    if (stop_asked(p)) /* also warms MPI's progress path */
        return 1;
    const atomic_int *stop = alog_stop_flag();
    while (alog_now_ns() < t && atomic_load(stop) == 0)
        ;
    return 0;
}

/* The loop's poll hook, every 64 unthrottled records: a look for a stop
 * message costs an MPI call, as much as a small send. */
static int poll_stop(void *self)
{
    return stop_asked(self);
}

ALOG_EMIT int emit(void *self, alog_record *r)
{
    producer *p = self;
    unsigned char *at = p->bufs + (size_t)p->slot * p->cap + p->n * p->rb;
    if (__builtin_expect(p->skew_ns != 0, 0)) { /* test: the shifted clock */
        alog_record w = *r;
        w.sched_ns += p->skew_ns;
        w.produce_ns += p->skew_ns;
        alog_mpi_rec_put(at, &w);
    } else {
        alog_mpi_rec_put(at, r);
    }
    if (p->n++ == 0)
        p->first_ns = r->produce_ns;
    if (p->n == p->batch)
        flush(p);
    return 0;
}

static const alog_produce_ops mpi_ops = {
    .emit = emit, .approach = approach, .poll = poll_stop};

/* After the final message: stay until rank 0 has everything (a CTRL_STOP
 * may still be on its way and must not be left unreceived). */
static void wait_done(producer *p)
{
    for (;;) {
        int flag = 0;
        ALOG_MPI_CHECK(p->comm, MPI_Test(&p->ctrl, &flag, MPI_STATUS_IGNORE));
        if (flag && p->ctrl_msg == ALOG_MPI_CTRL_DONE)
            return;
        if (flag)
            ALOG_MPI_CHECK(p->comm, MPI_Irecv(&p->ctrl_msg, 1, MPI_INT, p->to,
                                              ALOG_MPI_TAG_CTRL, p->comm,
                                              &p->ctrl));
        else
            alog_sleep_for(100000, NULL);
    }
}

static int producer_init(producer *p, const alog_config *cfg,
                         const alog_mpi_setup *su, int64_t interval)
{
    p->comm = su->comm;
    p->to = su->tree != NULL ? su->tree->parent[su->rank] : 0;
    p->rb = alog_mpi_rec_bytes(cfg);
    p->batch = su->batch; /* --batch auto resolved */
    p->cap = (size_t)p->batch * p->rb;
    p->paced = interval > 0;
    p->flush_ns = (int64_t)(su->opts->flush_ms * 1e6);
    p->skew_ns = alog_mpi_test_skew(su->comm, su->rank);
    p->window = p->paced ? 1 : window_for(p->cap);
    /* Spinning is worth it only when it is a small share of the interval. */
    p->warm_ns = interval >= ALOG_MPI_WARM_NS * 20 ? ALOG_MPI_WARM_NS : 0;
    p->bufs = calloc((size_t)p->window, p->cap); /* zero filler */
    p->reqs = malloc((size_t)p->window * sizeof *p->reqs);
    if (p->bufs == NULL || p->reqs == NULL)
        return ALOG_ENOMEM;
    for (int i = 0; i < p->window; i++)
        p->reqs[i] = MPI_REQUEST_NULL;
    ALOG_MPI_CHECK(p->comm, MPI_Irecv(&p->ctrl_msg, 1, MPI_INT, p->to,
                                      ALOG_MPI_TAG_CTRL, p->comm, &p->ctrl));
    return ALOG_OK;
}

int alog_mpi_produce(const alog_config *cfg, const alog_mpi_setup *su)
{
    producer p;
    memset(&p, 0, sizeof p);
    unsigned me = (unsigned)(su->rank - 1);
    int64_t interval = alog_config_interval_ns(cfg, me), dur_ns = 0;
    if (producer_init(&p, cfg, su, interval) != ALOG_OK)
        alog_mpi_out_of_memory(su->comm);
    if (cfg->duration > 0 && alog_seconds_to_ns(cfg->duration, &dur_ns) != 0)
        dur_ns = INT64_MAX / 4;
    /* Rank 0 gave the start shifted; this producer's phase comes after. */
    int64_t start = su->start_ns - p.skew_ns + alog_config_phase_ns(cfg, me);
    alog_produce_spec spec = {
        .producer = me,
        .start_ns = start,
        .interval_ns = interval,
        .end_ns = dur_ns > 0 ? start + dur_ns : INT64_MAX,
        .count = cfg->count,
        .fail_after = su->rank == su->size - 1 ? cfg->fail_after : -1,
        .work = cfg->work,
        .cpu_clock = ALOG_CPU_PROCESS, /* MPI_Init and set-up left out */
    };
    alog_clock clk;
    if (alog_clock_init(&clk, cfg->clock) == 0)
        spec.clock = &clk;
    alog_produce_end end;
    alog_produce(&spec, &mpi_ops, &p, alog_stop_flag(), &end);
    volatile uint64_t keep = end.sink; /* --work is not optimised out */
    (void)keep;
    flush(&p);
    ALOG_MPI_CHECK(p.comm, MPI_Waitall(p.window, p.reqs, MPI_STATUSES_IGNORE));

    alog_mpi_final fin = {.sent = end.made,
                          .cpu_ns = cpu_now_ns() - end.cpu0_ns,
                          .end = alog_mpi_end_of(end.status)};
    ALOG_MPI_CHECK(p.comm, MPI_Send(&fin, (int)sizeof fin, MPI_BYTE, p.to,
                                    ALOG_MPI_TAG_FINAL, p.comm));
    wait_done(&p);
    free(p.bufs);
    free(p.reqs);
    return ALOG_OK;
}
