/* collect_mpi.c - rank 0 as a transport: the MPI collect modes behind the
 * alog_transport interface, run by the generic alog_run_transport.
 *
 * open() describes the run (environment, collect mode, clock sync) and
 * sets up one source per producer rank; collect() is the chosen mode's
 * loop; close() turns each producer's final message into its status and
 * adds the counters.  --batch is an option of both modes.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect_mpi.h"
#include "mpi_check.h"
#include "transport.h"
#include "tree_mpi.h"

#define SPIN_EARLY_NS 200000LL /* rank 0 starts polling this early */
#define SPIN_LATE_NS 2000000LL /* ...and polls this long past the forecast */
#define LATE_NAP_NS 50000LL    /* then naps this long between polls */
#define NAP_MAX_NS 50000000LL  /* longest sleep before looking again */

static int64_t cpu_now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- what a message does ---------------------------------------------- */

void alog_mpi_cut_off(alog_mpi_collector *c, int p, const char *why)
{
    alog_mpi_source *s = &c->src[p];
    if (s->stalled || s->finished)
        return;
    s->stalled = 1;
    c->stalled++;
    c->active--;
    alog_say(c->diag, "rank %d %s: cut off as stalled, %llu records kept",
             p + 1, why, (unsigned long long)s->received);
    if (c->on_cut != NULL)
        c->on_cut(c->cut_arg, p, why);
}

void alog_mpi_watch(alog_mpi_collector *c, int64_t now)
{
    for (int p = 0; p < c->nprod; p++) {
        alog_mpi_source *s = &c->src[p];
        if (s->finished || s->stalled)
            continue;
        char why[96];
        if (s->stall_ns > 0 && now - s->heard_ns > s->stall_ns)
            snprintf(why, sizeof why, "silent for %.1f s (--stall-timeout)",
                     (double)(now - s->heard_ns) / 1e9);
        else if (c->deadline_ns > 0 && now >= c->deadline_ns)
            snprintf(why, sizeof why, "not finished %.1f s after --duration",
                     (double)ALOG_MPI_LATE_NS / 1e9);
        else if (c->stop_sent && now - c->stop_ns > ALOG_MPI_STOP_GRACE_NS)
            /* Interrupted: report soon (mpirun kills 1 s after SIGTERM). */
            snprintf(why, sizeof why, "silent %.1f s after the stop",
                     (double)ALOG_MPI_STOP_GRACE_NS / 1e9);
        else
            continue;
        alog_mpi_cut_off(c, p, why);
    }
}

static int on_data(alog_mpi_collector *c, int p, const unsigned char *buf,
                   int bytes, int64_t now)
{
    if (c->src[p].stalled)
        return ALOG_OK; /* cut off already: the report is final */
    c->src[p].heard_ns = now;
    long n = alog_mpi_source_data(&c->src[p], &c->store[p], (uint32_t)p, buf,
                                  (size_t)bytes, c->rb, now);
    if (n < 0)
        return (int)n;
    c->records += (uint64_t)n;
    c->messages++;
    c->last_ns = now;
    if ((c->messages & 63) == 0)
        alog_progress_tick(&c->progress, c->records, c->target);
    return ALOG_OK;
}

void alog_mpi_take_final(alog_mpi_collector *c, int p,
                         const unsigned char *buf, int bytes, int64_t now,
                         int reply)
{
    int done = ALOG_MPI_CTRL_DONE;
    if (c->src[p].stalled)
        return; /* counted out already */
    if (c->src[p].finished) {
        c->src[p].malformed++;
        return;
    }
    alog_mpi_source_final(&c->src[p], buf, (size_t)bytes);
    c->active--;
    c->last_ns = now;
    if (reply)
        ALOG_MPI_CHECK(c->comm, MPI_Send(&done, 1, MPI_INT, p + 1,
                                         ALOG_MPI_TAG_CTRL, c->comm));
}

int alog_mpi_dispatch(alog_mpi_collector *c, int p, int tag,
                      const unsigned char *buf, int bytes, int64_t now)
{
    if (p < 0 || p >= c->nprod) {
        c->stray++;
        return ALOG_OK;
    }
    if (c->src[p].finished) {
        c->src[p].malformed++;
        return ALOG_OK;
    }
    if (tag == ALOG_MPI_TAG_DATA)
        return on_data(c, p, buf, bytes, now);
    if (tag == ALOG_MPI_TAG_FINAL) {
        alog_mpi_take_final(c, p, buf, bytes, now, 1);
        return ALOG_OK;
    }
    c->src[p].malformed++;
    return ALOG_OK;
}

void alog_mpi_send_stop(alog_mpi_collector *c)
{
    int msg = ALOG_MPI_CTRL_STOP;
    c->stop_ns = alog_now_ns();
    c->stop_sent = 1;
    for (int p = 0; p < c->nprod; p++) {
        alog_mpi_source *s = &c->src[p];
        if (s->finished || s->stalled)
            continue;
        /* A rank that is gone may fail the send (TCP): that rank is cut
         * off, the report of the others is not lost to an abort. */
        if (MPI_Send(&msg, 1, MPI_INT, p + 1, ALOG_MPI_TAG_CTRL, c->comm) !=
            MPI_SUCCESS)
            alog_mpi_cut_off(c, p, "cannot be told to stop (gone?)");
    }
}

int alog_mpi_idle(const alog_mpi_collector *c)
{
    return alog_mpi_idle_until(c, INT64_MAX);
}

int alog_mpi_idle_until(const alog_mpi_collector *c, int64_t bound)
{
    int64_t next = INT64_MAX;
    for (int p = 0; p < c->nprod; p++) {
        if (c->src[p].finished)
            continue;
        int64_t t = c->stop_sent ? INT64_MIN
                                 : alog_mpi_forecast(&c->plan, &c->src[p]);
        if (t < next)
            next = t;
    }
    int64_t now = alog_now_ns();
    if (now >= bound)
        return 1;
    if (next == INT64_MIN || (now >= next - SPIN_EARLY_NS &&
                              now <= next + SPIN_LATE_NS)) {
        if (c->oversubscribed) {
            sched_yield();
            return 0;
        }
        return 1;
    }
    int64_t until = now > next ? now + LATE_NAP_NS
                    : next - SPIN_EARLY_NS < now + NAP_MAX_NS
                        ? next - SPIN_EARLY_NS
                        : now + NAP_MAX_NS;
    alog_sleep_until(until < bound ? until : bound, NULL);
    return 0;
}

int alog_mpi_collect_blocking(alog_mpi_collector *c, const atomic_int *stop)
{
    unsigned char *buf = malloc(c->cap);
    int rc = ALOG_OK;

    if (buf == NULL)
        return ALOG_ENOMEM;
    /* The naive way: take whatever comes next from anyone, one message
     * at a time.  Tested rather than waited on, so that a silent
     * producer cannot hold rank 0 (MPI_Recv spins the same way). */
    MPI_Request req = MPI_REQUEST_NULL;
    unsigned empty = 0;
    while (c->active > 0 && rc == ALOG_OK) {
        MPI_Status st;
        int bytes = 0, done = 0;
        if (atomic_load(stop) != 0 && !c->stop_sent)
            alog_mpi_send_stop(c);
        if (req == MPI_REQUEST_NULL)
            ALOG_MPI_CHECK(c->comm, MPI_Irecv(buf, (int)c->cap, MPI_BYTE,
                                              MPI_ANY_SOURCE, MPI_ANY_TAG,
                                              c->comm, &req));
        ALOG_MPI_CHECK(c->comm, MPI_Test(&req, &done, &st));
        if (!done) {
            if (c->oversubscribed)
                sched_yield();
            if ((++empty & 1023) == 0)
                alog_mpi_watch(c, alog_now_ns());
            continue;
        }
        int64_t now = alog_now_ns();
        ALOG_MPI_CHECK(c->comm, MPI_Get_count(&st, MPI_BYTE, &bytes));
        rc = alog_mpi_dispatch(c, st.MPI_SOURCE - 1, st.MPI_TAG, buf, bytes,
                               now);
    }
    if (req != MPI_REQUEST_NULL) { /* cut-off producers left it posted */
        ALOG_MPI_CHECK(c->comm, MPI_Cancel(&req));
        ALOG_MPI_CHECK(c->comm, MPI_Wait(&req, MPI_STATUS_IGNORE));
    }
    free(buf);
    return rc;
}

/* ---- the transports ----------------------------------------------------- */

/* Header keys of this run's set-up: each transport adds its own. */
static int mpi_header(alog_result *res, const alog_mpi_collector *c,
                      const char *mode, const alog_mpi_setup *su,
                      const alog_diag *diag)
{
    int64_t worst = 0;
    for (int r = 1; r < su->size; r++)
        if (su->clk[r].rtt_ns / 2 > worst)
            worst = su->clk[r].rtt_ns / 2;
    const char *wait = strcmp(mode, "blocking") == 0
                           ? "MPI_Irecv(MPI_ANY_SOURCE) + MPI_Test, one "
                             "message at a time"
                       : c->tree != NULL
                           ? "leaders take their children's messages "
                             "(MPI_Testsome) and forward what came in each "
                             "sweep as one message; rank 0 MPI_Testsome "
                             "over its children"
                       : c->paced ? "MPI_Testsome, asleep until the next "
                                    "forecast arrival"
                                  : "MPI_Waitsome";
    int rc = alog_mpi_env_header(res, su->comm, su->info, su->size);
    /* Said on stderr too, as the other models do. */
    for (size_t i = 0; rc == 0 && i < alog_result_header_count(res); i++) {
        const char *k, *v;
        alog_result_header_at(res, i, &k, &v);
        if (strcmp(k, "warning") == 0 && strncmp(v, "oversubscribed:", 15) == 0)
            alog_say(diag, "warning: %s", v);
    }
    rc = rc ? rc : alog_result_header(res, "collect", "%s", mode);
    rc = rc ? rc : alog_result_header(res, "collect_wait", "%s", wait);
    if (c->tree != NULL)
        rc = rc ? rc : alog_mpi_tree_header(res, c->tree);
    rc = rc ? rc : alog_result_header(res, "batch", "%u", c->plan.batch);
    if (su->batch_auto[0] != '\0')
        rc = rc ? rc : alog_result_header(res, "batch_auto", "%s",
                                          su->batch_auto);
    rc = rc ? rc : alog_result_header(res, "flush_ms", "%g",
                                      su->opts->flush_ms);
    rc = rc ? rc : alog_result_header(res, "record_bytes", "%zu", c->rb);
    rc = rc ? rc : alog_result_header(
                       res, "clock_sync",
                       "ping-pong with rank 0, %d rounds per rank, min round "
                       "trip kept; offsets larger than their uncertainty "
                       "applied to producer times",
                       ALOG_MPI_SYNC_ROUNDS);
    rc = rc ? rc : alog_result_header(res, "clock_unc_max_ns", "%lld",
                                      (long long)worst);
    rc = rc ? rc : alog_result_header(
                       res, "cpu_window",
                       "rank 0 from the schedule start to the last message; "
                       "each producer rank from its first record's due time "
                       "to its end (MPI_Init and set-up left out)");
    return rc;
}

static void sources_init(alog_mpi_collector *c, const alog_config *cfg,
                         const alog_mpi_setup *su)
{
    c->paced = 1;
    for (int p = 0; p < c->nprod; p++) {
        alog_mpi_source *s = &c->src[p];
        s->offset_ns = alog_mpi_clock_applied(&su->clk[p + 1]);
        s->interval_ns = alog_config_interval_ns(cfg, (unsigned)p);
        s->phase_ns = alog_config_phase_ns(cfg, (unsigned)p);
        s->fail_after = p == c->nprod - 1 ? cfg->fail_after : -1;
        s->stall_ns = alog_config_stall_ns(cfg, (unsigned)p);
        s->heard_ns = su->start_ns;
        c->paced &= s->interval_ns > 0;
    }
    for (int r = 0; r < su->size; r++)
        c->oversubscribed |= su->info[r].cores > 0 &&
                             su->info[r].local > su->info[r].cores;
}

static int where_all(alog_mpi_collector *c, const alog_mpi_setup *su)
{
    int rc = ALOG_OK;
    for (int p = 0; p < c->nprod && rc == ALOG_OK; p++) {
        char where[256];
        alog_mpi_where(where, sizeof where, p + 1, &su->info[p + 1],
                       &su->clk[p + 1]);
        if (su->tree != NULL) /* where its records come from */
            snprintf(where + strlen(where), sizeof where - strlen(where),
                     " parent=%d", su->tree->parent[p + 1]);
        rc = alog_result_set_where(c->res, (unsigned)p, where);
        alog_result_set_origin(c->res, (unsigned)p, p + 1); /* its rank */
    }
    return rc;
}

typedef int (*collect_fn)(alog_mpi_collector *, const atomic_int *);

typedef struct mpi_ctx {
    alog_mpi_collector c;
    alog_mpi_setup *su;
    collect_fn run;
    int hdr_rc; /* a header that could not be added: reported at close */
} mpi_ctx;

static int mpi_open(void **ctxp, const alog_config *cfg,
                    const alog_run_env *env, alog_result *res,
                    const char *mode, collect_fn run)
{
    alog_mpi_setup *su = env ? env->mpi : NULL;
    if (su == NULL || su->size < 2)
        return ALOG_EINVAL;
    mpi_ctx *x = calloc(1, sizeof *x);
    alog_mpi_source *src = calloc((size_t)su->size, sizeof *src);
    if (x == NULL || src == NULL) {
        free(x);
        free(src);
        return ALOG_ENOMEM;
    }
    alog_mpi_schedule(su); /* the lists are reserved: producers may start */
    alog_result_set_schedule(res, su->start_ns);
    alog_mpi_collector *c = &x->c;
    unsigned batch = su->batch; /* --batch auto resolved */
    int64_t dur_ns = 0;
    c->comm = su->comm;
    c->res = res;
    c->nprod = su->size - 1;
    c->rb = alog_mpi_rec_bytes(cfg);
    c->cap = (size_t)batch * c->rb;
    c->plan = (alog_mpi_plan){.start_ns = su->start_ns, .end_ns = INT64_MAX,
                              .flush_ns = (int64_t)(su->opts->flush_ms * 1e6),
                              .count = cfg->count, .batch = batch};
    if (cfg->duration > 0 && alog_seconds_to_ns(cfg->duration, &dur_ns) == 0) {
        c->plan.end_ns = su->start_ns + dur_ns;
        /* The last phase ends latest (less than one interval later). */
        int64_t last_phase = alog_config_phase_ns(cfg, (unsigned)(su->size - 2));
        c->deadline_ns = c->plan.end_ns + last_phase + ALOG_MPI_LATE_NS;
    }
    c->diag = env->diag;
    c->src = src;
    c->store = env->stores; /* the run's, one per producer rank */
    c->active = c->nprod;
    c->last_ns = su->start_ns;
    c->target = cfg->count * (uint64_t)c->nprod;
    c->tree = su->tree;
    x->run = run;
    x->su = su;
    sources_init(c, cfg, su);
    /* A header that fails (ENOMEM) must not stop us collecting: the
     * producers are already sending. */
    x->hdr_rc = where_all(c, su);
    if (x->hdr_rc == ALOG_OK)
        x->hdr_rc = mpi_header(res, c, mode, su, env->diag);
    su->opened = 1;
    *ctxp = x;
    return ALOG_OK;
}

static int mpi_collect(void *ctx, alog_result *res, const atomic_int *stop)
{
    mpi_ctx *x = ctx;
    alog_mpi_collector *c = &x->c;
    (void)res;
    /* Nothing can come before the start: wait for it asleep, and count
     * rank 0's CPU time from there, like its wall time. */
    alog_sleep_until(c->plan.start_ns - SPIN_EARLY_NS, NULL);
    c->cpu0_ns = cpu_now_ns();
    alog_progress_init(&c->progress);
    int rc = x->run(c, stop);
    c->cpu_ns = cpu_now_ns() - c->cpu0_ns; /* the window's edges */
    alog_progress_done(&c->progress);
    if ((rc == ALOG_ENOMEM || rc == ALOG_EFULL) && c->active > 0) {
        /* No room for more: the others are cut off (stopped), the report
         * of what came is written, then the job ends (alog_run_mpi). */
        for (int p = 0; p < c->nprod; p++) {
            if (!c->src[p].finished && !c->src[p].stalled) {
                c->src[p].stalled = 2;
                c->stalled++;
                c->active--;
            }
        }
    }
    if (rc != ALOG_OK && c->active > 0) {
        /* Producers are still sending and we cannot take it: abort. */
        fprintf(stderr, "%s: collecting failed: %s\n",
                program_invocation_short_name, alog_strerror(rc));
        fflush(stderr);
        MPI_Abort(c->comm, 1);
    }
    return rc;
}

static int mpi_close(void *ctx, alog_result *res)
{
    mpi_ctx *x = ctx;
    alog_mpi_collector *c = &x->c;
    uint64_t lost = 0;
    int64_t prod_cpu = 0;
    for (int p = 0; p < c->nprod; p++) {
        alog_mpi_source *s = &c->src[p];
        alog_result_set_status(res, (unsigned)p,
                               alog_mpi_source_status(s, &lost), 0);
        if (s->finished && !s->stalled) /* what it says it sent */
            alog_result_set_made(res, (unsigned)p, s->sent);
        alog_result_add_malformed(res, (unsigned)p, s->malformed);
        prod_cpu += s->cpu_ns;
    }
    int64_t cpu = c->cpu_ns;
    int rc = x->hdr_rc;
    rc = rc ? rc : alog_result_counter(res, "messages", (double)c->messages);
    rc = rc ? rc : alog_result_counter(
                       res, "records_per_message",
                       c->messages ? (double)c->records / (double)c->messages
                                   : 0.0);
    rc = rc ? rc : alog_result_counter(res, ALOG_PRODUCERS_CPU,
                                       (double)prod_cpu / 1e9);
    rc = rc ? rc : alog_result_counter(res, ALOG_COLLECTOR_CPU,
                                       (double)cpu / 1e9);
    if (c->stray > 0)
        rc = rc ? rc : alog_result_counter(res, "stray_messages",
                                           (double)c->stray);
    x->su->lost = c->stalled;
    free(c->src);
    free(x);
    return rc;
}

static int async_open(void **ctx, const alog_config *cfg,
                      const alog_run_env *env, alog_result *res)
{
    return mpi_open(ctx, cfg, env, res, "async", alog_mpi_collect_async);
}

static int blocking_open(void **ctx, const alog_config *cfg,
                         const alog_run_env *env, alog_result *res)
{
    return mpi_open(ctx, cfg, env, res, "blocking", alog_mpi_collect_blocking);
}

static int tree_open(void **ctx, const alog_config *cfg,
                     const alog_run_env *env, alog_result *res)
{
    return mpi_open(ctx, cfg, env, res, "tree", alog_mpi_collect_tree);
}

const alog_transport alog_transport_mpi_tree = {
    .name = "tree",
    .summary = "node leaders forward batches up a tree to rank 0",
    .open = tree_open,
    .collect = mpi_collect,
    .close = mpi_close,
};

const alog_transport alog_transport_mpi_async = {
    .name = "async",
    .summary = "pre-posted receives per producer, MPI_Waitsome",
    .open = async_open,
    .collect = mpi_collect,
    .close = mpi_close,
};

const alog_transport alog_transport_mpi_blocking = {
    .name = "blocking",
    .summary = "MPI_Recv(MPI_ANY_SOURCE) loop",
    .open = blocking_open,
    .collect = mpi_collect,
    .close = mpi_close,
};

#define REGISTRY_ENTRY(e, n) &alog_transport_mpi_##n,
const alog_transport *const alog_mpi_transports[] = {
    ALOG_MPI_COLLECT_MAP(REGISTRY_ENTRY) NULL};
