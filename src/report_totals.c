/* report_totals.c - the report's last sections: one row per producer
 * (its status, counts, rates, lateness and latency percentiles) and the
 * totals over the run's window with its counters. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "report_sections.h"

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


/* The table's status: the word, with how many of how many arrived or
 * the exit code or signal, in capitals when it is not ok. */
static void status_text(char *buf, size_t cap, int st, int code,
                        uint64_t records, uint64_t expected)
{
    static const char *const up[] = {
        [ALOG_PS_SHORT] = "SHORT", [ALOG_PS_STOPPED] = "STOPPED",
        [ALOG_PS_STALLED] = "STALLED", [ALOG_PS_LOST] = "LOST",
        [ALOG_PS_DUP] = "DUPLICATED", [ALOG_PS_EXIT] = "EXIT",
        [ALOG_PS_SIGNAL] = "SIGNAL"};
    if (st == ALOG_PS_OK)
        snprintf(buf, cap, "ok");
    else if (st == ALOG_PS_EXIT || st == ALOG_PS_SIGNAL)
        snprintf(buf, cap, "%s %d", up[st], code);
    else if (expected > 0)
        snprintf(buf, cap, "%s %llu/%llu", up[st],
                 (unsigned long long)records, (unsigned long long)expected);
    else
        snprintf(buf, cap, "%s %llu", up[st], (unsigned long long)records);
}

int alog__report_producers(alog_writer *w, const alog_result *res,
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
        status_text(tstatus, sizeof tstatus, st, code, ps.records, expected);
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

int alog__report_totals(alog_writer *w, const alog_result *res,
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

