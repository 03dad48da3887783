/* lead_mpi.c - a leader of --collect tree other than rank 0: a producer
 * rank that also takes its children's messages (its group's members, the
 * leaders below it) and forwards them to its parent, with its own
 * records, as TAG_FWD blocks (tree_mpi.h).
 *
 * One thread does both: the one producer loop runs with hooks that poll
 * the children while the leader waits for its next deadline (paced) or
 * every 64 records (unthrottled).  What came in one poll goes up as one
 * message: under load a message gathers many, paced each record leaves
 * the sweep it came in, so batching costs no latency of its own.  The
 * leader keeps rank 0's bookkeeping of the ranks below it (forecasts,
 * the stall watch): a rank silent past its stall time is cut off here and
 * a STALL block says so.  Once its own production has ended it stays
 * until every rank below it has, then sends its parent TAG_FINAL and
 * waits for its word.
 */
#include <stdlib.h>
#include <string.h>

#include "mpi_check.h"
#include "produce.h"
#include "tree_mpi.h"

#define UP_WINDOW 8            /* messages to the parent in flight at most */
#define WATCH_EVERY_NS 50000000LL
#ifndef ALOG_MPI_WARM_NS
#define ALOG_MPI_WARM_NS 50000LL /* as produce_mpi.c */
#endif

typedef struct leader {
    alog_mpi_collector c; /* the ranks below: forecasts, the stall watch */
    alog_mpi_kids kids;
    const alog_mpi_tree *t;
    MPI_Comm comm;
    int rank, parent;
    int pending;          /* leaders below whose TAG_FINAL has not come */
    size_t rb;            /* bytes per record */
    unsigned batch;       /* own records per block */
    unsigned char *own;   /* own records not yet in a block */
    unsigned n;
    int64_t first_ns, flush_ns, skew_ns, warm_ns;
    int paced;            /* it and every rank below it paced */
    unsigned char *up;    /* UP_WINDOW buffers of cap bytes */
    MPI_Request upreq[UP_WINDOW];
    int slot;
    size_t len, cap;
    MPI_Request ctrl;     /* the parent's TAG_CTRL */
    int ctrl_msg;
    int64_t watched_ns;
} leader;

/* Send what gathered, if anything. */
static void up_send(leader *L)
{
    if (L->len == 0)
        return;
    ALOG_MPI_CHECK(L->comm, MPI_Isend(L->up + (size_t)L->slot * L->cap,
                                      (int)L->len, MPI_BYTE, L->parent,
                                      ALOG_MPI_TAG_FWD, L->comm,
                                      &L->upreq[L->slot]));
    if (L->paced) /* completed now, not at a later MPI call after a nap */
        ALOG_MPI_CHECK(L->comm, MPI_Wait(&L->upreq[L->slot],
                                         MPI_STATUS_IGNORE));
    L->slot = (L->slot + 1) % UP_WINDOW;
    L->len = 0;
    ALOG_MPI_CHECK(L->comm, MPI_Wait(&L->upreq[L->slot], MPI_STATUS_IGNORE));
}

static unsigned char *up_room(leader *L, size_t need)
{
    if (L->len + need > L->cap)
        up_send(L);
    unsigned char *at = L->up + (size_t)L->slot * L->cap + L->len;
    L->len += need;
    return at;
}

static void up_block(leader *L, int origin, int kind, const void *body,
                     size_t n)
{
    alog_mpi_block_put(up_room(L, sizeof(alog_mpi_block) + n), origin, kind,
                       body, n);
}

static void own_flush(leader *L)
{
    if (L->n == 0)
        return;
    up_block(L, L->rank, ALOG_MPI_BLOCK_DATA, L->own, (size_t)L->n * L->rb);
    L->n = 0;
}

/* The watch cut producer p off: the parent hears it from us. */
static void on_cut(void *arg, int p, const char *why)
{
    up_block(arg, p + 1, ALOG_MPI_BLOCK_STALL, why, strlen(why));
}

/* What a leader below forwards: our bookkeeping of its origins. */
static void note_blocks(leader *L, const unsigned char *buf, int bytes,
                        int64_t now)
{
    alog_mpi_block b;
    const unsigned char *body;
    size_t off = 0;
    while (alog_mpi_block_next(buf, (size_t)bytes, &off, &b, &body) == 1) {
        int p = b.origin - 1;
        if (p < 0 || p >= L->c.nprod)
            continue;
        alog_mpi_source *s = &L->c.src[p];
        if (s->finished || s->stalled)
            continue;
        if (b.kind == ALOG_MPI_BLOCK_DATA) {
            s->received += b.bytes / L->rb;
            s->heard_ns = now;
        } else if (b.kind == ALOG_MPI_BLOCK_FINAL) {
            alog_mpi_source_final(s, body, b.bytes);
            L->c.active--;
        } else { /* cut off below: said there already */
            s->stalled = 1;
            L->c.stalled++;
            L->c.active--;
        }
    }
}

static void say_done(leader *L, int q)
{
    int done = ALOG_MPI_CTRL_DONE;
    ALOG_MPI_CHECK(L->comm, MPI_Send(&done, 1, MPI_INT, q, ALOG_MPI_TAG_CTRL,
                                     L->comm));
}

static int from_kid(void *arg, int kid, int tag, const unsigned char *buf,
                    int bytes, int64_t now)
{
    leader *L = arg;
    int q = L->kids.rank[kid];
    if (alog_mpi_tree_nkids(L->t, q) > 0) { /* a leader below */
        if (tag == ALOG_MPI_TAG_FWD) {
            note_blocks(L, buf, bytes, now);
            memcpy(up_room(L, (size_t)bytes), buf, (size_t)bytes);
            return 0;
        }
        if (tag != ALOG_MPI_TAG_FINAL)
            return 0;
        L->pending--;
        say_done(L, q);
        return 1;
    }
    alog_mpi_source *s = &L->c.src[q - 1]; /* a member: a producer */
    if (tag == ALOG_MPI_TAG_DATA) {
        if (!s->stalled) {
            s->received += (uint64_t)bytes / L->rb;
            s->heard_ns = now;
        }
        up_block(L, q, ALOG_MPI_BLOCK_DATA, buf, (size_t)bytes);
        return 0;
    }
    if (tag != ALOG_MPI_TAG_FINAL)
        return 0;
    if (!s->stalled && !s->finished) {
        alog_mpi_source_final(s, buf, (size_t)bytes);
        L->c.active--;
    }
    up_block(L, q, ALOG_MPI_BLOCK_FINAL, buf, (size_t)bytes);
    say_done(L, q);
    return 1;
}

/* Did the parent say stop?  Then so do we, to the children still on. */
static int parent_stop(leader *L)
{
    int flag = 0, msg = ALOG_MPI_CTRL_STOP;
    if (L->c.stop_sent)
        return 1;
    ALOG_MPI_CHECK(L->comm, MPI_Test(&L->ctrl, &flag, MPI_STATUS_IGNORE));
    if (!flag)
        return 0;
    /* Only a stop comes before our final: listen again for the word. */
    ALOG_MPI_CHECK(L->comm, MPI_Irecv(&L->ctrl_msg, 1, MPI_INT, L->parent,
                                      ALOG_MPI_TAG_CTRL, L->comm, &L->ctrl));
    L->c.stop_sent = 1;
    L->c.stop_ns = alog_now_ns();
    for (int k = 0; k < L->kids.n; k++)
        if (!L->kids.closed[k]) /* one gone is cut off after the grace */
            (void)MPI_Send(&msg, 1, MPI_INT, L->kids.rank[k],
                           ALOG_MPI_TAG_CTRL, L->comm);
    return 1;
}

/* Take what came, watch for stalls, send it up as one message. */
static int service(leader *L)
{
    int got = alog_mpi_kids_poll(&L->kids, from_kid, L);
    int64_t now = alog_now_ns();
    if (now - L->watched_ns > WATCH_EVERY_NS) {
        alog_mpi_watch(&L->c, now);
        L->watched_ns = now;
    }
    up_send(L);
    return got;
}

/* The loop's approach hook: serve the children until deadline t, and
 * send a partial batch of our own whose flush time comes first. */
static int approach(void *self, int64_t t)
{
    leader *L = self;
    const atomic_int *stop = alog_stop_flag();
    int64_t warm_at = t - L->warm_ns;
    for (;;) {
        if (atomic_load(stop) != 0 || parent_stop(L))
            return 1;
        int64_t flush_at = L->n > 0 ? L->first_ns + L->flush_ns : INT64_MAX;
        if (alog_now_ns() >= flush_at)
            own_flush(L);
        int got = service(L);
        if (alog_now_ns() >= warm_at)
            break;
        if (got == 0)
            alog_mpi_idle_until(&L->c, flush_at < warm_at ? flush_at
                                                          : warm_at);
    }
    while (alog_now_ns() < t && atomic_load(stop) == 0)
        ; /* as a producer: leave on time, caches warm */
    return 0;
}

static int poll_hook(void *self)
{
    leader *L = self;
    service(L);
    return parent_stop(L);
}

ALOG_EMIT int emit(void *self, alog_record *r)
{
    leader *L = self;
    unsigned char *at = L->own + (size_t)L->n * L->rb;
    alog_record w = *r;
    w.sched_ns += L->skew_ns; /* test only: a shifted clock */
    w.produce_ns += L->skew_ns;
    alog_mpi_rec_put(at, &w);
    if (L->n++ == 0)
        L->first_ns = r->produce_ns;
    if (L->n == L->batch) {
        own_flush(L);
        if (L->paced)
            service(L);
    }
    return 0;
}

static const alog_produce_ops lead_ops = {
    .emit = emit, .approach = approach, .poll = poll_hook};

/* Our bookkeeping of the ranks below rank q (q itself excluded). */
static void below(leader *L, const alog_config *cfg, int q, int64_t start)
{
    for (int i = L->t->kid_off[q]; i < L->t->kid_off[q + 1]; i++) {
        int r = L->t->kids[i];
        alog_mpi_source *s = &L->c.src[r - 1];
        s->finished = 0;
        s->interval_ns = alog_config_interval_ns(cfg, (unsigned)(r - 1));
        s->phase_ns = alog_config_phase_ns(cfg, (unsigned)(r - 1));
        s->fail_after = r == L->t->size - 1 ? cfg->fail_after : -1;
        s->stall_ns = alog_config_stall_ns(cfg, (unsigned)(r - 1));
        s->heard_ns = start;
        L->c.active++;
        L->c.paced &= s->interval_ns > 0;
        below(L, cfg, r, start);
    }
}

static int lead_init(leader *L, const alog_config *cfg,
                     const alog_mpi_setup *su, int64_t interval)
{
    const alog_mpi_tree *t = su->tree;
    int64_t dur_ns = 0;
    L->t = t;
    L->comm = su->comm;
    L->rank = su->rank;
    L->parent = t->parent[su->rank];
    L->rb = alog_mpi_rec_bytes(cfg);
    L->batch = su->batch;
    L->flush_ns = (int64_t)(su->opts->flush_ms * 1e6);
    L->skew_ns = alog_mpi_test_skew(su->comm, su->rank);
    L->warm_ns = interval >= ALOG_MPI_WARM_NS * 20 ? ALOG_MPI_WARM_NS : 0;
    L->cap = alog_mpi_tree_cap((size_t)L->batch * L->rb);
    L->own = calloc(L->batch, L->rb); /* zero filler */
    L->up = malloc(UP_WINDOW * L->cap);
    alog_mpi_collector *c = &L->c;
    c->comm = su->comm;
    c->nprod = su->size - 1;
    c->rb = L->rb;
    c->src = calloc((size_t)c->nprod, sizeof *c->src);
    if (L->own == NULL || L->up == NULL || c->src == NULL)
        return ALOG_ENOMEM;
    for (int i = 0; i < UP_WINDOW; i++)
        L->upreq[i] = MPI_REQUEST_NULL;
    c->plan = (alog_mpi_plan){.start_ns = su->start_ns, .end_ns = INT64_MAX,
                              .flush_ns = L->flush_ns, .count = cfg->count,
                              .batch = L->batch};
    if (cfg->duration > 0 && alog_seconds_to_ns(cfg->duration, &dur_ns) == 0) {
        c->plan.end_ns = su->start_ns + dur_ns;
        c->deadline_ns = c->plan.end_ns + ALOG_MPI_LATE_NS +
                         alog_config_phase_ns(cfg, (unsigned)(su->size - 2));
    }
    c->oversubscribed = t->oversubscribed;
    c->on_cut = on_cut;
    c->cut_arg = L;
    c->paced = interval > 0;
    for (int p = 0; p < c->nprod; p++)
        c->src[p].finished = 1; /* not ours: never waited for */
    below(L, cfg, L->rank, su->start_ns);
    L->paced = c->paced;
    const int *kids = t->kids + t->kid_off[L->rank];
    int n = alog_mpi_tree_nkids(t, L->rank);
    size_t *caps = malloc((size_t)n * sizeof *caps + 1);
    if (caps == NULL)
        return ALOG_ENOMEM;
    for (int k = 0; k < n; k++) {
        int lead = alog_mpi_tree_nkids(t, kids[k]) > 0;
        caps[k] = lead ? L->cap : (size_t)L->batch * L->rb;
        if (caps[k] < sizeof(alog_mpi_final))
            caps[k] = sizeof(alog_mpi_final);
        L->pending += lead;
    }
    int rc = alog_mpi_kids_open(&L->kids, L->comm, kids, n, caps);
    free(caps);
    ALOG_MPI_CHECK(L->comm, MPI_Irecv(&L->ctrl_msg, 1, MPI_INT, L->parent,
                                      ALOG_MPI_TAG_CTRL, L->comm, &L->ctrl));
    return rc;
}

/* Our own production is over: serve until every rank below has ended,
 * then tell the parent and wait for its word. */
static void finish(leader *L)
{
    alog_mpi_collector *c = &L->c;
    while (c->active > 0 || (c->stalled == 0 && L->pending > 0)) {
        parent_stop(L);
        if (service(L) > 0)
            continue;
        if (c->active == 0)
            alog_sleep_for(50000, NULL); /* only the leaders' word left */
        else
            alog_mpi_idle(c);
    }
    up_send(L);
    ALOG_MPI_CHECK(L->comm, MPI_Waitall(UP_WINDOW, L->upreq,
                                        MPI_STATUSES_IGNORE));
    ALOG_MPI_CHECK(L->comm, MPI_Send(NULL, 0, MPI_BYTE, L->parent,
                                     ALOG_MPI_TAG_FINAL, L->comm));
    for (;;) {
        int flag = 0;
        ALOG_MPI_CHECK(L->comm, MPI_Test(&L->ctrl, &flag, MPI_STATUS_IGNORE));
        if (flag && L->ctrl_msg == ALOG_MPI_CTRL_DONE)
            return;
        if (flag)
            ALOG_MPI_CHECK(L->comm, MPI_Irecv(&L->ctrl_msg, 1, MPI_INT,
                                              L->parent, ALOG_MPI_TAG_CTRL,
                                              L->comm, &L->ctrl));
        else
            alog_sleep_for(100000, NULL);
    }
}

int alog_mpi_lead(const alog_config *cfg, const alog_mpi_setup *su)
{
    leader L;
    memset(&L, 0, sizeof L);
    unsigned me = (unsigned)(su->rank - 1);
    int64_t interval = alog_config_interval_ns(cfg, me), dur_ns = 0;
    if (lead_init(&L, cfg, su, interval) != ALOG_OK)
        alog_mpi_out_of_memory(su->comm);
    if (cfg->duration > 0 && alog_seconds_to_ns(cfg->duration, &dur_ns) != 0)
        dur_ns = INT64_MAX / 4;
    int64_t start = su->start_ns - L.skew_ns + alog_config_phase_ns(cfg, me);
    alog_produce_spec spec = {
        .producer = me,
        .start_ns = start,
        .interval_ns = interval,
        .end_ns = dur_ns > 0 ? start + dur_ns : INT64_MAX,
        .count = cfg->count,
        .fail_after = su->rank == su->size - 1 ? cfg->fail_after : -1,
        .work = cfg->work,
        .cpu_clock = ALOG_CPU_PROCESS, /* forwarding counts as its work */
    };
    alog_clock clk;
    if (alog_clock_init(&clk, cfg->clock) == 0)
        spec.clock = &clk;
    alog_produce_end end;
    alog_produce(&spec, &lead_ops, &L, alog_stop_flag(), &end);
    volatile uint64_t keep = end.sink; /* --work is not optimised out */
    (void)keep;
    own_flush(&L);
    alog_mpi_final fin = {.sent = end.made,
                          .cpu_ns = alog_cpu_ns(ALOG_CPU_PROCESS) - end.cpu0_ns,
                          .end = alog_mpi_end_of(end.status)};
    up_block(&L, L.rank, ALOG_MPI_BLOCK_FINAL, &fin, sizeof fin);
    finish(&L);
    alog_mpi_kids_free(&L.kids);
    free(L.own);
    free(L.up);
    free(L.c.src);
    return ALOG_OK;
}
