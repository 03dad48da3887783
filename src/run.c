/* run.c - the generic collector run over any transport, and the
 * registry lookup.
 *
 * The run owns the result and the report; a transport only starts
 * producers and fills their lists.  Whatever happens after a successful
 * open (an interrupt, a failing producer) the transport is closed, the
 * children reaped and the report written with what was collected.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "child.h"
#include "journal.h"
#include "options.h"
#include "transport.h"

const alog_transport *alog_transport_find(const alog_transport *const *table,
                                          const char *name)
{
    if (!table || !name)
        return NULL;
    for (; *table; table++)
        if (strcmp((*table)->name, name) == 0)
            return *table;
    return NULL;
}

static int has_counter(const alog_result *res, const char *key)
{
    for (size_t i = 0; i < alog_result_counter_count(res); i++) {
        const char *k;
        double v;
        alog_result_counter_at(res, i, &k, &v);
        if (strcmp(k, key) == 0)
            return 1;
    }
    return 0;
}

/* Every report carries the collector's and the producers' CPU seconds
 * apart (what a record costs where).  A transport that knows better (its
 * producers are threads or ranks) adds them itself; otherwise the
 * collector is this process and the producers its reaped children. */
static int cpu_split(alog_result *res, int64_t self_ns, int64_t children_ns)
{
    int rc = 0;
    if (!has_counter(res, ALOG_COLLECTOR_CPU))
        rc = alog_result_counter(res, ALOG_COLLECTOR_CPU, (double)self_ns / 1e9);
    if (rc == 0 && !has_counter(res, ALOG_PRODUCERS_CPU))
        rc = alog_result_counter(res, ALOG_PRODUCERS_CPU,
                                 (double)children_ns / 1e9);
    return rc;
}

/* What the producers stamp with; for the TSC, this process's own
 * calibration as a sample (each producer calibrates and re-anchors its
 * own, alog_clock). */
static int stamp_clock_header(alog_result *res, const alog_config *cfg)
{
    alog_clock c;
    if (cfg->clock == ALOG_CLOCK_MONOTONIC || alog_clock_init(&c, cfg->clock) ||
        !c.tsc)
        return alog_result_header(res, "stamp_clock", "CLOCK_MONOTONIC%s",
                                  cfg->clock == ALOG_CLOCK_AUTO
                                      ? " (auto: no invariant TSC)"
                                      : "");
    return alog_result_header(
        res, "stamp_clock",
        "tsc (invariant; %.6f ns per tick over a 2 ms look, then "
        "re-anchored on CLOCK_MONOTONIC every 10 ms growing to 100 ms; "
        "stamps in CLOCK_MONOTONIC ns)",
        (double)c.mult / 4294967296.0);
}

/* Header keys and per-producer targets: everything known before start. */
static int run_describe(alog_result *res, const alog_transport *t,
                        const alog_config *cfg, const char *model)
{
    /* Keys of one transport only are added by its open(). */
    int rc = alog_report_header_std(res, cfg, model, "CLOCK_MONOTONIC");
    if (rc == 0)
        rc = alog_result_header(
            res, "window",
            "first record due to last record collected: rates and CPU "
            "over it; startup_s, drain_s (last due to last collected) and "
            "teardown_s apart");
    if (rc == 0)
        rc = alog_result_header(res, "collect_work", "%llu",
                                (unsigned long long)cfg->collect_work);
    if (rc == 0)
        rc = alog_result_header(res, "transport", "%s", t->name);
    if (rc == 0)
        rc = stamp_clock_header(res, cfg);
    unsigned n = alog_result_producers(res);
    for (unsigned i = 0; i < n; i++) {
        if (cfg->foreign) {
            /* A command's lines are not paced by us; with --count each
             * command is ended after that many (0: it runs to its end). */
            alog_result_set_target(res, i, 0, cfg->count);
        } else {
            int64_t iv = alog_config_interval_ns(cfg, i);
            alog_result_set_target(res, i, iv > 0 ? 1e9 / (double)iv : 0,
                                   alog_config_expected(cfg, i));
        }
    }
    return rc;
}

/* Reserve cfg->count records in the list of every unthrottled producer
 * (paced ones are never limited by the collector) when that fits in a
 * quarter of the machine's memory.  Returns 0 if it reserved, 1 if not. */
static int reserve_lists(alog_result *res, const alog_config *cfg)
{
    unsigned n = alog_result_producers(res), fast = 0;
    if (cfg->count == 0 || cfg->foreign)
        return 1;
    for (unsigned i = 0; i < n; i++)
        fast += alog_config_interval_ns(cfg, i) == 0;
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    double budget = pages > 0 && psize > 0 ? (double)pages * psize / 4 : 0;
    if (fast == 0 || (double)cfg->count * fast * sizeof(alog_record) > budget)
        return 1;
    for (unsigned i = 0; i < n && !atomic_load(alog_stop_flag()); i++)
        if (alog_config_interval_ns(cfg, i) == 0 &&
            alog_reclist_reserve(alog_result_list(res, i), cfg->count) != 0)
            return 1; /* not fatal: appends allocate as they go */
    /* Testing only: a reservation this many ms slower (as without huge
     * pages), to show that no producer starts before it is done. */
    const char *slow = alog_hook("ALOG_TEST_RESERVE_MS");
    long ms = slow ? strtol(slow, NULL, 10) : 0;
    if (ms > 0) /* at most 10 s: a hook, not a way to hang a run */
        alog_sleep_for((ms < 10000 ? ms : 10000) * 1000000LL,
                       alog_stop_flag());
    return 0;
}

/* Open, collect, close; the run's span, and the CPU split unless the
 * transport measured its own.  The collector's CPU counts from open()'s
 * return (producers started, set-up done) to collect()'s (the last record
 * in): the window, not the start-up and teardown around it.  Returns what
 * collect or close reported. */
static int run_collect(const alog_transport *t, const alog_config *cfg,
                       const alog_run_env *env, alog_result *res, int *opened)
{
    int64_t kids0 = alog__rusage_ns(RUSAGE_CHILDREN);
    int64_t t0 = env->started_ns > 0 ? env->started_ns : alog_now_ns();
    void *ctx = NULL;
    int rc = t->open(&ctx, cfg, env, res);
    if (rc != 0) {
        /* A transport says on diag why it could not start (only it knows
         * which program or call failed); memory is said here. */
        if (rc == ALOG_ENOMEM)
            alog_say(env->diag, "%s transport: %s", t->name,
                     alog_strerror(rc));
        return rc;
    }
    *opened = 1;
    int64_t self0 = alog__rusage_ns(RUSAGE_SELF);
    int crc = t->collect(ctx, res, alog_stop_flag());
    int64_t self = alog__rusage_ns(RUSAGE_SELF) - self0;
    int xrc = t->close(ctx, res); /* reaps: children's CPU time counts */
    int64_t kids = alog__rusage_ns(RUSAGE_CHILDREN) - kids0;
    alog_result_set_span(res, t0, alog_now_ns());
    if (alog_signal_caught())
        alog_result_set_interrupted(res, 1);
    int src = cpu_split(res, self, kids);
    return crc != 0 ? crc : xrc != 0 ? xrc : src;
}

/* Collecting stopped for memory: say so where the report is read too.
 * The report itself needs no more memory (each list reserved its
 * statistics' scratch as it grew). */
static void memory_stop(alog_result *res, const alog_config *cfg,
                        const alog_diag *d)
{
    uint64_t kept = 0;
    for (unsigned i = 0; i < alog_result_producers(res); i++)
        kept += alog_reclist_len(alog_result_list(res, i));
    char msg[160];
    if (alog_result_memory_hit(res))
        snprintf(msg, sizeof msg,
                 "--max-memory %llu MiB reached after %llu records: "
                 "collecting stopped, the report shows them",
                 (unsigned long long)cfg->max_memory_mib,
                 (unsigned long long)kept);
    else
        snprintf(msg, sizeof msg,
                 "out of memory after %llu records: collecting stopped, "
                 "the report shows them",
                 (unsigned long long)kept);
    alog_say(d, "%s", msg);
    (void)alog_result_header(res, "collect_stopped", "%s", msg);
}

/* The result goes, and the journal lets go of it first (its blocks and
 * header point into it). */
static void run_free(alog_result *res, const alog_run_env *env)
{
    alog_journal_detach(env->journal);
    alog_result_free(res);
}

/* What every transport stores through: each producer's list, the work a
 * record costs where it is stored, its journal block.  NULL on ENOMEM. */
static alog_store *stores_of(alog_result *res, const alog_config *cfg,
                             alog_journal *j)
{
    unsigned n = alog_result_producers(res);
    alog_store *s = calloc(n ? n : 1, sizeof *s);
    for (unsigned i = 0; s != NULL && i < n; i++)
        s[i] = (alog_store){.list = alog_result_list(res, i),
                            .work = cfg->collect_work,
                            .journal = alog_journal_bind(j, res, i)};
    return s;
}

/* The record epoch and any journal failure, into the report's header:
 * the journal is complete before the report says how the run ended. */
static void journal_into(alog_result *res, alog_journal *j)
{
    int64_t epoch = 0;
    alog_journal_finish(j);
    if (alog_journal_epoch(j, &epoch))
        alog_result_set_epoch(res, epoch);
    const char *err = alog_journal_error(j);
    if (err != NULL)
        (void)alog_result_header(res, "journal_error", "%s", err);
}

int alog_run_transport(const alog_transport *t, const alog_config *cfg,
                       const alog_run_env *env, FILE *out)
{
    if (!t || !cfg || !env || !env->model || !out)
        return ALOG_EINVAL;
    unsigned n = alog_config_producers(cfg);
    if (n == 0)
        return ALOG_EINVAL;
    alog_result *res = alog_result_new(n);
    if (!res) {
        alog_say(env->diag, "%s", alog_strerror(ALOG_ENOMEM));
        return ALOG_ENOMEM;
    }
    alog_result_set_memory_limit(res, cfg->max_memory_mib << 20);
    alog_journal_attach(env->journal, res);
    int rc = run_describe(res, t, cfg, env->model);
    if (rc == 0 && alog_signals_install() != 0)
        rc = ALOG_ESYS;
    if (rc != 0) {
        alog_say(env->diag, "%s", alog_strerror(rc));
        run_free(res, env);
        return rc;
    }

    /* With a known count, room for every record is made before the clock
     * starts, so the collector measures collecting, not page faults. */
    int64_t r0 = alog_now_ns();
    if (reserve_lists(res, cfg) == 0)
        (void)alog_result_counter(res, "reserve_s",
                                  (double)(alog_now_ns() - r0) / 1e9);

    alog_run_env run = *env;
    run.stores = stores_of(res, cfg, env->journal);
    if (run.stores == NULL) {
        alog_say(env->diag, "%s", alog_strerror(ALOG_ENOMEM));
        run_free(res, env);
        return ALOG_ENOMEM;
    }
    int opened = 0;
    int crc = run_collect(t, cfg, &run, res, &opened);
    free(run.stores); /* close() is done with them */
    if (!opened) {
        run_free(res, env);
        return crc;
    }
    if (crc == ALOG_ENOMEM || crc == ALOG_EFULL) {
        memory_stop(res, cfg, env->diag);
        crc = ALOG_EFULL; /* stopped for memory, and the report is whole */
    } else if (crc != 0)
        alog_say(env->diag, "%s transport: %s (the report shows what was "
                            "collected)",
                 t->name, alog_strerror(crc));

    alog_result_finish(res); /* each producer's status, against its list */
    journal_into(res, env->journal);
    int wrc = alog_report_write(out, cfg, res);
    if (wrc != 0) {
        if (wrc != ALOG_EIO) /* a failed write: the frame says it, with
                                the file (program.h) */
            alog_say(env->diag, "cannot write the report: %s",
                     alog_strerror(wrc));
        rc = wrc;
    } else if (crc != 0) {
        rc = crc;
    } else {
        rc = alog_result_outcome(res);
    }
    run_free(res, env);
    return rc;
}

