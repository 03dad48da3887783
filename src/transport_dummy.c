/* transport_dummy.c - the test double: producers that live in the
 * collector's own process and "send" synthetic, deterministic records at
 * once.  No processes, no pipes, no sleeping: it exercises the generic
 * run, the lists, the statistics and the report in microseconds.
 *
 * Producer p's record k: sched = base + k*interval (1 us when unthrottled),
 * produce = sched + lateness, collect = produce + latency, where lateness
 * and latency are small fixed functions of (p, k).
 */
#include <stdlib.h>

#include "transport.h"

#define DUMMY_BASE_NS 1000000000LL /* arbitrary, fixed: runs compare equal */
#define DUMMY_BY_TIME 1000         /* records when only a duration is set */

typedef struct dummy_ctx {
    const alog_config *cfg;
    int wire;       /* the wire whose sizes records get */
    unsigned n;
    uint64_t *sent; /* records each producer made */
    char *line;     /* encode scratch: a record's size on its wire */
    int stopped;    /* collect saw the stop flag */
} dummy_ctx;

static uint64_t dummy_count(const alog_config *cfg)
{
    return cfg->count > 0 ? cfg->count : DUMMY_BY_TIME;
}

static int dummy_open(void **ctx, const alog_config *cfg,
                      const alog_run_env *env, alog_result *res)
{
    dummy_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return ALOG_ENOMEM;
    x->cfg = cfg;
    x->wire = env->wire;
    x->n = alog_result_producers(res);
    x->sent = calloc(x->n ? x->n : 1, sizeof *x->sent);
    x->line = malloc(ALOG_WIRE_MAX);
    if (!x->sent || !x->line) {
        free(x->sent);
        free(x->line);
        free(x);
        return ALOG_ENOMEM;
    }
    for (unsigned i = 0; i < x->n; i++)
        alog_result_set_where(res, i, "in-process dummy");
    alog_result_set_schedule(res, DUMMY_BASE_NS);
    *ctx = x;
    return 0;
}

static int dummy_collect(void *ctx, alog_result *res, const atomic_int *stop)
{
    dummy_ctx *x = ctx;
    const alog_config *cfg = x->cfg;
    for (unsigned p = 0; p < x->n; p++) {
        uint64_t count = dummy_count(cfg);
        if (p == x->n - 1 && cfg->fail_after >= 0 &&
            (uint64_t)cfg->fail_after < count)
            count = (uint64_t)cfg->fail_after;
        int64_t interval = alog_config_interval_ns(cfg, p);
        if (interval <= 0)
            interval = 1000;
        alog_reclist *l = alog_result_list(res, p);
        for (uint64_t k = 0; k < count; k++) {
            if (stop && atomic_load_explicit(stop, memory_order_relaxed)) {
                x->stopped = 1;
                return 0;
            }
            alog_record *r = alog_reclist_push(l);
            if (!r)
                return ALOG_ENOMEM;
            r->producer = p;
            r->seq = k;
            r->flags = 0;
            r->text = 0;
            r->sched_ns = DUMMY_BASE_NS + (int64_t)k * interval;
            r->produce_ns = r->sched_ns + (int64_t)((k * 7 + p * 3) % 50) * 100;
            r->collect_ns = r->produce_ns + 5000 + (int64_t)(k % 13) * 1000;
            r->clock_ms = r->produce_ns / 1000000;
            int b = alog_wire_encode(x->wire, r, cfg->payload, x->line,
                                     ALOG_WIRE_MAX);
            r->bytes = b > 0 ? (uint32_t)b : 0;
            x->sent[p]++;
        }
    }
    return 0;
}

static int dummy_close(void *ctx, alog_result *res)
{
    dummy_ctx *x = ctx;
    for (unsigned p = 0; p < x->n; p++) {
        double hz;
        uint64_t count;
        alog_result_target(res, p, &hz, &count);
        if (count > 0 && x->sent[p] < count)
            alog_result_set_status(
                res, p, x->stopped ? ALOG_PS_STOPPED : ALOG_PS_SHORT, 0);
        else
            alog_result_set_status(res, p, ALOG_PS_OK, 0);
    }
    free(x->sent);
    free(x->line);
    free(x);
    return 0;
}

const alog_transport alog_transport_dummy = {
    .name = "dummy",
    .summary = "in-process synthetic producers (test double)",
    .open = dummy_open,
    .collect = dummy_collect,
    .close = dummy_close,
};
