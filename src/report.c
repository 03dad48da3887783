/* report.c - the report: header, records by producer, merged timeline,
 * per-producer statistics and totals, in table, CSV or JSON.
 *
 * The report code builds sections of typed cells once; the writers
 * (writer.c, shared with the primes report) decide how cells look.
 */
#include "alog.h"
#include "writer.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* ---- the report's sections ---------------------------------------------- */

/* Record rows: one cell layout for records by producer and the timeline,
 * so one function fills both; the two column sets differ only in what the
 * table shows (a timeline reads best with the time first). */
enum { RC_TFIRST, RC_PRODUCER, RC_SEQ, RC_T, RC_SCHED, RC_PRODUCE,
       RC_COLLECT, RC_BYTES, RC_LATE, RC_LAT, RC_VALUE, RC_TEXT, RC_TTEXT,
       RC_N };

static const alog_col record_cols[RC_N] = {
    [RC_TFIRST] = {ALOG_COL("t_ms", I64, NONE)},
    [RC_PRODUCER] = {ALOG_COL("producer", U64, DATA)},
    [RC_SEQ] = {ALOG_COL("seq", U64, BOTH), .width = 8},
    [RC_T] = {ALOG_COL("t_ms", I64, TABLE), .div = 1e6, .width = 12},
    [RC_SCHED] = {ALOG_COL("sched_ns", I64, DATA)},
    [RC_PRODUCE] = {ALOG_COL("produce_ns", I64, DATA)},
    [RC_COLLECT] = {ALOG_COL("collect_ns", I64, DATA)},
    [RC_BYTES] = {ALOG_COL("bytes", U64, DATA)},
    [RC_LATE] = {ALOG_COL("late_us", I64, TABLE), .div = 1e3, .width = 10},
    [RC_LAT] = {ALOG_COL("latency_us", I64, TABLE), .div = 1e3, .width = 10},
    [RC_VALUE] = {ALOG_COL("value", I64, BOTH), .width = 14},
    [RC_TEXT] = {ALOG_COL("text", STR, DATA), .quote = 1},
    [RC_TTEXT] = {ALOG_COL("text", STR, TABLE)},
};

static const alog_col event_cols[RC_N] = {
    [RC_TFIRST] = {ALOG_COL("t_ms", I64, TABLE), .div = 1e6, .width = 12},
    [RC_PRODUCER] = {ALOG_COL("producer", U64, BOTH), .width = 8},
    [RC_SEQ] = {ALOG_COL("seq", U64, BOTH), .width = 8},
    [RC_T] = {ALOG_COL("t_ms", I64, NONE)},
    [RC_SCHED] = {ALOG_COL("sched_ns", I64, DATA)},
    [RC_PRODUCE] = {ALOG_COL("produce_ns", I64, DATA)},
    [RC_COLLECT] = {ALOG_COL("collect_ns", I64, DATA)},
    [RC_BYTES] = {ALOG_COL("bytes", U64, DATA)},
    [RC_LATE] = {ALOG_COL("late_us", I64, NONE)},
    [RC_LAT] = {ALOG_COL("latency_us", I64, NONE)},
    [RC_VALUE] = {ALOG_COL("value", I64, BOTH), .width = 14},
    [RC_TEXT] = {ALOG_COL("text", STR, DATA), .quote = 1},
    [RC_TTEXT] = {ALOG_COL("text", STR, TABLE)},
};

static const alog_section records_section = {
    .kind = "record", .json = "records", .title = "records by producer",
    .cols = record_cols, .ncols = RC_N};
static const alog_section events_section = {
    .kind = "event", .json = "timeline", .title = "timeline",
    .cols = event_cols, .ncols = RC_N};

enum { PC_PRODUCER, PC_STATUS, PC_TSTATUS, PC_CODE, PC_RECORDS, PC_EXPECTED,
       PC_LOST, PC_TARGET, PC_ACHIEVED, PC_LATE50, PC_LATE99, PC_LATEMAX, PC_LAT50,
       PC_LAT99, PC_LATMAX, PC_GAPS, PC_DUPS, PC_MALFORMED, PC_PARSED,
       PC_BYTES, PC_WHERE, PC_N };

static const alog_col producer_cols[PC_N] = {
    [PC_PRODUCER] = {ALOG_COL("producer", U64, BOTH), .width = 8},
    [PC_STATUS] = {ALOG_COL("status", STR, DATA)},
    [PC_TSTATUS] = {ALOG_COL("status", STR, TABLE), .width = 12},
    [PC_CODE] = {ALOG_COL("code", I64, DATA)},
    [PC_RECORDS] = {ALOG_COL("records", U64, BOTH)},
    [PC_EXPECTED] = {ALOG_COL("expected", U64, BOTH)},
    [PC_LOST] = {ALOG_COL("lost", U64, BOTH), .width = 6},
    [PC_TARGET] = {ALOG_COL("target_hz", F64, BOTH), .width = 9},
    [PC_ACHIEVED] = {ALOG_COL("achieved_hz", F64, BOTH), .width = 9},
    [PC_LATE50] = {ALOG_COL("late_p50_ns", I64, BOTH),
                   .tname = "late_p50_us", .div = 1e3},
    [PC_LATE99] = {ALOG_COL("late_p99_ns", I64, BOTH),
                   .tname = "late_p99_us", .div = 1e3},
    [PC_LATEMAX] = {ALOG_COL("late_max_ns", I64, BOTH),
                    .tname = "late_max_us", .div = 1e3},
    [PC_LAT50] = {ALOG_COL("lat_p50_ns", I64, BOTH),
                  .tname = "lat_p50_us", .div = 1e3},
    [PC_LAT99] = {ALOG_COL("lat_p99_ns", I64, BOTH),
                  .tname = "lat_p99_us", .div = 1e3},
    [PC_LATMAX] = {ALOG_COL("lat_max_ns", I64, BOTH),
                   .tname = "lat_max_us", .div = 1e3},
    [PC_GAPS] = {ALOG_COL("gaps", U64, BOTH)},
    [PC_DUPS] = {ALOG_COL("dups", U64, BOTH)},
    [PC_MALFORMED] = {ALOG_COL("malformed", U64, BOTH)},
    [PC_PARSED] = {ALOG_COL("parsed", U64, BOTH)},
    [PC_BYTES] = {ALOG_COL("bytes", U64, BOTH)},
    [PC_WHERE] = {ALOG_COL("where", STR, BOTH)},
};

static const alog_section producers_section = {
    .kind = "producer", .json = "producers", .title = "report",
    .cols = producer_cols, .ncols = PC_N};

enum { TC_RECORDS, TC_BYTES, TC_WALL, TC_CPU, TC_RPS, TC_BPS, TC_RSS,
       TC_LIST, TC_INTERRUPTED, TC_STARTUP, TC_WINDOW, TC_DRAIN, TC_TEARDOWN,
       TC_OFFERED, TC_RATIO, TC_EXPECTED, TC_LOST, TC_N };

static const alog_col total_cols[TC_N] = {
    [TC_RECORDS] = {ALOG_COL("records", U64, BOTH)},
    [TC_BYTES] = {ALOG_COL("bytes", U64, BOTH)},
    [TC_WALL] = {ALOG_COL("wall_s", F64, BOTH)},
    [TC_CPU] = {ALOG_COL("cpu_s", F64, BOTH)},
    [TC_RPS] = {ALOG_COL("records_per_s", F64, BOTH)},
    [TC_BPS] = {ALOG_COL("bytes_per_s", F64, BOTH)},
    [TC_RSS] = {ALOG_COL("peak_rss_bytes", U64, BOTH)},
    [TC_LIST] = {ALOG_COL("list_bytes", U64, BOTH)},
    [TC_INTERRUPTED] = {ALOG_COL("interrupted", U64, BOTH)},
    [TC_STARTUP] = {ALOG_COL("startup_s", F64, BOTH)},
    [TC_WINDOW] = {ALOG_COL("window_s", F64, BOTH)},
    [TC_DRAIN] = {ALOG_COL("drain_s", F64, BOTH)},
    [TC_TEARDOWN] = {ALOG_COL("teardown_s", F64, BOTH)},
    [TC_OFFERED] = {ALOG_COL("offered_per_s", F64, BOTH)},
    [TC_RATIO] = {ALOG_COL("collected_ratio", F64, BOTH)},
    [TC_EXPECTED] = {ALOG_COL("expected", U64, BOTH)},
    [TC_LOST] = {ALOG_COL("lost", U64, BOTH)},
};

static const char *const status_names[] = {
    [ALOG_PS_OK] = "ok",         [ALOG_PS_SHORT] = "short",
    [ALOG_PS_EXIT] = "exit",     [ALOG_PS_SIGNAL] = "signal",
    [ALOG_PS_STOPPED] = "stopped", [ALOG_PS_STALLED] = "stalled",
    [ALOG_PS_LOST] = "lost",     [ALOG_PS_DUP] = "duplicated",
};

static const char *const format_names[] = {
    [ALOG_FMT_TABLE] = "table", [ALOG_FMT_CSV] = "csv",
    [ALOG_FMT_JSON] = "json"};

/* ---- header ------------------------------------------------------------- */

int alog_report_header_common(alog_result *res, const char *model,
                              const char *job, const char *clock)
{
    char host[256] = "unknown";
    if (gethostname(host, sizeof host) != 0)
        strcpy(host, "unknown");
    host[sizeof host - 1] = '\0';

    char started[32] = "unknown";
    time_t now = time(NULL);
    struct tm tm;
    if (now != (time_t)-1 && gmtime_r(&now, &tm) != NULL)
        strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    /* Stop at the first failure (only ENOMEM can happen). */
    int rc = alog_result_header(res, "alog", "%s", ALOG_VERSION);
    rc = rc ? rc : alog_result_header(res, "model", "%s", model);
    rc = rc ? rc : alog_result_header(res, "job", "%s", job);
    rc = rc ? rc : alog_result_header(res, "clock", "%s", clock);
    rc = rc ? rc : alog_result_header(res, "host", "%s", host);
    rc = rc ? rc : alog_result_header(res, "cores", "%ld", cores);
    rc = rc ? rc : alog_result_header(res, "pid", "%ld", (long)getpid());
    rc = rc ? rc : alog_result_header(res, "started", "%s", started);
    char hooks[512];
    if (rc == 0 && alog_hooks_describe(hooks, sizeof hooks) > 0)
        rc = alog_result_header(res, "test_hooks", "%s", hooks);
    return rc;
}

int alog_report_header_std(alog_result *res, const alog_config *cfg,
                           const char *model, const char *clock)
{
    /* The intervals as given (%g gives back "0.2" for 0.2), or the rate. */
    size_t cap = 32 + 24 * (size_t)cfg->n_intervals;
    char *iv = malloc(cap);
    if (iv == NULL)
        return ALOG_ENOMEM;
    iv[0] = '\0';
    if (cfg->rate > 0) {
        snprintf(iv, cap, "rate=%g", cfg->rate);
    } else {
        size_t n = 0;
        for (unsigned i = 0; i < cfg->n_intervals && n < cap; i++) {
            int w = snprintf(iv + n, cap - n, "%s%g", i ? "," : "",
                             cfg->intervals[i]);
            if (w < 0)
                break;
            n += (size_t)w;
        }
    }

    int fmt = cfg->format >= 0 && cfg->format <= ALOG_FMT_JSON ?
              cfg->format : ALOG_FMT_TABLE;
    int rc = alog_report_header_common(
        res, model, cfg->job == ALOG_JOB_PRIMES ? "primes" : "log", clock);
    rc = rc ? rc : alog_result_header(res, "producers", "%u",
                                      alog_config_producers(cfg));
    rc = rc ? rc : alog_result_header(res, "intervals", "%s", iv);
    rc = rc ? rc : alog_result_header(res, "count", "%llu",
                                      (unsigned long long)cfg->count);
    rc = rc ? rc : alog_result_header(res, "duration", "%g", cfg->duration);
    rc = rc ? rc : alog_result_header(res, "phase", "%s",
                                      cfg->phase == ALOG_PHASE_ALIGNED
                                          ? "aligned"
                                          : "spread");
    rc = rc ? rc : alog_result_header(res, "payload", "%u", cfg->payload);
    rc = rc ? rc : alog_result_header(res, "work", "%llu",
                                      (unsigned long long)cfg->work);
    rc = rc ? rc : alog_result_header(res, "format", "%s", format_names[fmt]);
    if (cfg->journal != NULL)
        rc = rc ? rc : alog_result_header(res, "journal", "%s", cfg->journal);
    free(iv);
    return rc;
}

/* ---- rows ----------------------------------------------------------------- */

/* The earliest first scheduled time over all lists: record times are
 * printed relative to it so that they stay small and readable. */
static int64_t report_epoch(const alog_result *res)
{
    int64_t epoch = 0;
    if (alog_result_schedule(res, &epoch))
        return epoch; /* the window's start: one time base for both */
    int any = 0;
    unsigned n = alog_result_producers(res);
    for (unsigned i = 0; i < n; i++) {
        const alog_record *r = alog_reclist_at(alog_result_list_const(res, i),
                                               0);
        if (r != NULL && (!any || r->sched_ns < epoch)) {
            epoch = r->sched_ns;
            any = 1;
        }
    }
    return epoch;
}

/* One record; origin is its producer's own name for itself (pid, rank,
 * thread), printed the way the original printed its lines. */
static void record_row(alog_writer *w, const alog_reclist *l,
                       const alog_record *r, int64_t origin, int64_t epoch)
{
    alog_cell c[RC_N] = {0}; /* no cell is absent */
    char clock[64];
    size_t len = 0;
    const char *text = NULL;

    if (r->flags & ALOG_REC_TEXT)
        text = alog_reclist_text(l, r, &len);
    if (text == NULL) {
        text = "";
        len = 0;
    }
    c[RC_PRODUCER].v.u = r->producer;
    c[RC_SEQ].v.u = r->seq;
    c[RC_T].v.i = alog_time_diff(r->produce_ns, epoch);
    c[RC_TFIRST].v.i = c[RC_T].v.i;
    c[RC_SCHED].v.i = alog_time_diff(r->sched_ns, epoch);
    c[RC_PRODUCE].v.i = c[RC_T].v.i;
    c[RC_COLLECT].v.i = alog_time_diff(r->collect_ns, epoch);
    c[RC_BYTES].v.u = r->bytes;
    c[RC_LATE].v.i = alog_time_diff(r->produce_ns, r->sched_ns);
    c[RC_LAT].v.i = alog_time_diff(r->collect_ns, r->produce_ns);
    /* A foreign line of exactly two integers: its first, the clock. */
    c[RC_VALUE].v.i = r->clock_ms;
    c[RC_VALUE].absent = !(r->flags & ALOG_REC_CLOCK);
    c[RC_TEXT].v.s = text;
    c[RC_TEXT].len = len;
    if (r->flags & ALOG_REC_TEXT) {
        c[RC_TTEXT] = c[RC_TEXT];
    } else { /* what the original printed for its own records */
        int n = snprintf(clock, sizeof clock, "Clock %lld from %lld",
                         (long long)r->clock_ms, (long long)origin);
        c[RC_TTEXT].v.s = clock;
        c[RC_TTEXT].len = n > 0 ? (size_t)n : 0;
    }
    w->ops->row(w, c);
}

static int write_records(alog_writer *w, const alog_result *res, int64_t epoch)
{
    unsigned n = alog_result_producers(res);
    if (n == 0) /* the section exists even when empty */
        w->ops->section(w, &records_section, NULL);
    for (unsigned i = 0; i < n; i++) {
        const alog_reclist *l = alog_result_list_const(res, i);
        const char *where = alog_result_where(res, i);
        char sub[320];
        snprintf(sub, sizeof sub, "producer %u%s%s%s: %zu records", i,
                 where && *where ? " (" : "", where && *where ? where : "",
                 where && *where ? ")" : "", alog_reclist_len(l));
        w->ops->section(w, &records_section, sub);
        alog_reclist_iter it;
        alog_reclist_iter_init(&it, l);
        for (const alog_record *r; (r = alog_reclist_iter_next(&it)) != NULL;)
            record_row(w, l, r, alog_result_origin(res, i), epoch);
        alog_writer_flush(w);
        if (w->failed)
            return ALOG_EIO;
    }
    return ALOG_OK;
}

static int write_timeline(alog_writer *w, const alog_result *res,
                          int64_t epoch)
{
    unsigned n = alog_result_producers(res);
    alog_reclist **lists = calloc(n ? n : 1, sizeof *lists);
    if (lists == NULL)
        return ALOG_ENOMEM;
    /* The merge takes non-const lists only for its type; it reads them. */
    for (unsigned i = 0; i < n; i++)
        lists[i] = (alog_reclist *)alog_result_list_const(res, i);
    alog_merge *m = alog_merge_new(lists, n);
    if (m == NULL) {
        free(lists);
        return ALOG_ENOMEM;
    }
    w->ops->section(w, &events_section, NULL);
    size_t k, rows = 0;
    for (const alog_record *r; (r = alog_merge_next(m, &k)) != NULL;) {
        record_row(w, lists[k], r, alog_result_origin(res, (unsigned)k),
                   epoch);
        /* Flush now and then so a reader of a pipe sees progress. */
        if (++rows % 4096 == 0) {
            alog_writer_flush(w);
            if (w->failed) /* a closed pipe: stop formatting rows */
                break;
        }
    }
    alog_merge_free(m);
    free(lists);
    alog_writer_flush(w);
    return w->failed ? ALOG_EIO : ALOG_OK;
}

static int write_producers(alog_writer *w, const alog_result *res,
                           uint64_t *bytes)
{
    unsigned n = alog_result_producers(res);
    w->ops->section(w, &producers_section, NULL);
    for (unsigned i = 0; i < n; i++) {
        const alog_reclist *l = alog_result_list_const(res, i);
        alog_pstats ps;
        int rc = alog_stats_list(l, &ps);
        if (rc != ALOG_OK)
            return rc;
        *bytes += ps.bytes;

        int code = 0;
        (void)alog_result_status(res, i, &code);
        uint64_t lost = 0;
        int st = alog_result_final(res, i, &lost, NULL);
        double hz = 0;
        uint64_t expected = 0;
        alog_result_target(res, i, &hz, &expected);
        if (st < ALOG_PS_OK || st > ALOG_PS_DUP)
            st = ALOG_PS_EXIT;

        char tstatus[64];
        switch (st) {
        case ALOG_PS_OK:
            snprintf(tstatus, sizeof tstatus, "ok");
            break;
        case ALOG_PS_SHORT:
        case ALOG_PS_STOPPED:
        case ALOG_PS_STALLED:
        case ALOG_PS_LOST:
        case ALOG_PS_DUP: {
            const char *up = st == ALOG_PS_SHORT     ? "SHORT"
                             : st == ALOG_PS_STOPPED ? "STOPPED"
                             : st == ALOG_PS_STALLED ? "STALLED"
                             : st == ALOG_PS_LOST    ? "LOST"
                                                     : "DUPLICATED";
            if (expected > 0)
                snprintf(tstatus, sizeof tstatus, "%s %llu/%llu", up,
                         (unsigned long long)ps.records,
                         (unsigned long long)expected);
            else
                snprintf(tstatus, sizeof tstatus, "%s %llu", up,
                         (unsigned long long)ps.records);
            break;
        }
        default:
            snprintf(tstatus, sizeof tstatus, "%s %d",
                     st == ALOG_PS_EXIT ? "EXIT" : "SIGNAL", code);
            break;
        }
        const char *where = alog_result_where(res, i);
        if (where == NULL)
            where = "";

        alog_cell c[PC_N] = {0};
        c[PC_PRODUCER].v.u = i;
        c[PC_STATUS].v.s = status_names[st];
        c[PC_STATUS].len = strlen(status_names[st]);
        c[PC_TSTATUS].v.s = tstatus;
        c[PC_TSTATUS].len = strlen(tstatus);
        c[PC_CODE].v.i = code;
        c[PC_RECORDS].v.u = ps.records;
        c[PC_EXPECTED].v.u = expected;
        c[PC_LOST].v.u = lost;
        c[PC_TARGET].v.d = hz;
        c[PC_ACHIEVED].v.d = ps.achieved_hz;
        c[PC_LATE50].v.i = ps.late_p50;
        c[PC_LATE99].v.i = ps.late_p99;
        c[PC_LATEMAX].v.i = ps.late_max;
        c[PC_LAT50].v.i = ps.lat_p50;
        c[PC_LAT99].v.i = ps.lat_p99;
        c[PC_LATMAX].v.i = ps.lat_max;
        c[PC_GAPS].v.u = ps.gaps;
        c[PC_DUPS].v.u = ps.dups;
        c[PC_MALFORMED].v.u = alog_result_malformed(res, i);
        c[PC_PARSED].v.u = ps.parsed;
        c[PC_BYTES].v.u = ps.bytes;
        c[PC_WHERE].v.s = where;
        c[PC_WHERE].len = strlen(where);
        w->ops->row(w, c);
    }
    alog_writer_flush(w);
    return w->failed ? ALOG_EIO : ALOG_OK;
}

static uint64_t peak_rss_bytes(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0 || ru.ru_maxrss < 0)
        return 0;
    return (uint64_t)ru.ru_maxrss * 1024u; /* Linux reports KiB */
}

/* A counter's value, 0 when the run has none of that name. */
static double counter_of(const alog_result *res, const char *key)
{
    for (size_t i = 0; i < alog_result_counter_count(res); i++) {
        const char *k;
        double v;
        alog_result_counter_at(res, i, &k, &v);
        if (strcmp(k, key) == 0)
            return v;
    }
    return 0;
}

static int write_totals(alog_writer *w, const alog_result *res,
                        uint64_t records,
                        uint64_t bytes)
{
    size_t nc = alog_result_counter_count(res);
    alog_col *cols = calloc(TC_N + nc, sizeof *cols);
    alog_cell *c = calloc(TC_N + nc, sizeof *c);
    if (cols == NULL || c == NULL) {
        free(cols);
        free(c);
        return ALOG_ENOMEM;
    }
    memcpy(cols, total_cols, sizeof total_cols);

    /* Rates over the window only: start-up and teardown are apart. */
    alog_window win;
    alog_result_window(res, &win);
    double window = (double)win.window_ns / 1e9;
    double rps = window > 0 ? (double)records / window : 0.0;
    c[TC_RECORDS].v.u = records;
    c[TC_BYTES].v.u = bytes;
    c[TC_WALL].v.d = (double)win.wall_ns / 1e9;
    c[TC_CPU].v.d = counter_of(res, ALOG_COLLECTOR_CPU) +
                    counter_of(res, ALOG_PRODUCERS_CPU);
    c[TC_RPS].v.d = rps;
    c[TC_BPS].v.d = window > 0 ? (double)bytes / window : 0.0;
    c[TC_STARTUP].v.d = (double)win.startup_ns / 1e9;
    c[TC_WINDOW].v.d = window;
    c[TC_DRAIN].v.d = (double)win.drain_ns / 1e9;
    c[TC_TEARDOWN].v.d = (double)win.teardown_ns / 1e9;
    c[TC_OFFERED].v.d = win.offered_per_s;
    c[TC_RATIO].v.d = win.offered_per_s > 0 ? rps / win.offered_per_s : 0.0;
    c[TC_EXPECTED].v.u = win.expected;
    c[TC_LOST].v.u = win.lost;
    c[TC_RSS].v.u = peak_rss_bytes();
    c[TC_LIST].v.u = alog_result_memory(res);
    c[TC_INTERRUPTED].v.u = alog_result_interrupted(res) ? 1 : 0;
    for (size_t i = 0; i < nc; i++) {
        const char *key = NULL;
        double value = 0;
        alog_result_counter_at(res, i, &key, &value);
        cols[TC_N + i] = (alog_col){ALOG_COL(key ? key : "counter", F64,
                                             BOTH)};
        c[TC_N + i].v.d = value;
    }
    alog_section totals = {.kind = "total", .json = "totals",
                           .title = "totals", .single = 1, .cols = cols,
                           .ncols = TC_N + nc};
    w->ops->section(w, &totals, NULL);
    w->ops->row(w, c);
    w->ops->end(w);
    w->cur = NULL; /* totals lives on this stack frame */
    alog_writer_flush(w);
    free(cols);
    free(c);
    return w->failed ? ALOG_EIO : ALOG_OK;
}

/* ---- the report ----------------------------------------------------------- */

#define AUTO_MAX_RECORDS 1000

int alog_report_write(FILE *out, const alog_config *cfg,
                      const alog_result *res)
{
    int fmt = cfg->format;
    if (out == NULL || res == NULL || fmt < 0 || fmt > ALOG_FMT_JSON)
        return ALOG_EINVAL;
    alog_writer w;
    alog_writer_init(&w, out, fmt); /* fmt checked above */

    unsigned n = alog_result_producers(res);
    uint64_t records = 0, bytes = 0;
    for (unsigned i = 0; i < n; i++)
        records += alog_reclist_len(alog_result_list_const(res, i));

    int show_records = cfg->show == ALOG_SHOW_ALL ||
                       (cfg->show == ALOG_SHOW_AUTO &&
                        records <= AUTO_MAX_RECORDS);

    /* With a journal the report's times count from the journal's epoch
     * (the run set it), so the journal's rows are the report's. */
    int64_t epoch = 0;
    int jepoch = alog_result_epoch(res, &epoch);
    char epoch_ns[32];
    snprintf(epoch_ns, sizeof epoch_ns, "%lld", jepoch ? (long long)epoch : 0);

    w.ops->begin(&w);
    alog_writer_headers(&w, res);
    if (jepoch)
        w.ops->header(&w, "epoch_ns", epoch_ns);
    if (cfg->show == ALOG_SHOW_AUTO && !show_records)
        w.ops->header(&w, "records_shown", "no (use --timeline)");
    alog_writer_flush(&w);
    if (w.failed)
        return alog_writer_status(&w);

    int rc = ALOG_OK;
    if (show_records) {
        if (!jepoch)
            epoch = report_epoch(res);
        rc = write_records(&w, res, epoch);
        if (rc == ALOG_OK)
            rc = write_timeline(&w, res, epoch);
    }
    if (rc == ALOG_OK)
        rc = write_producers(&w, res, &bytes);
    if (rc == ALOG_OK)
        rc = write_totals(&w, res, records, bytes);
    if (rc == ALOG_EIO || (rc == ALOG_OK && w.failed))
        rc = alog_writer_status(&w); /* errno: why, for the message */
    return rc;
}

/* ---- the journal's rows (journal.c): the same writer and columns -------- */

void alog_report_journal_head(FILE *f, const alog_result *res,
                              const char *key, const char *value)
{
    alog_writer w;
    alog_writer_init(&w, f, ALOG_FMT_CSV);
    alog_writer_headers(&w, res);
    if (key != NULL)
        w.ops->header(&w, key, value);
    w.ops->section(&w, &records_section, NULL);
}

void alog_report_journal_rows(FILE *f, const alog_reclist *l, size_t from,
                              size_t n, int64_t epoch)
{
    alog_writer w;
    alog_writer_init(&w, f, ALOG_FMT_CSV);
    w.cur = &records_section; /* rows only: the column row is the head's */
    for (size_t i = from; i < from + n; i++) {
        const alog_record *r = alog_reclist_at(l, i);
        if (r != NULL)
            record_row(&w, l, r, 0, epoch);
    }
}
