/* report.c - the report: records by producer, the merged timeline, the
 * journal's rows in the same columns, and the whole report in order (its
 * header lines: report_header.c; producers and totals: report_totals.c),
 * in table, CSV or JSON.
 *
 * The report code builds sections of typed cells once; the writers
 * (writer.c, shared with the primes report) decide how cells look.
 */
#include "alog.h"
#include "report_sections.h"

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
        rc = alog__report_producers(&w, res, &bytes);
    if (rc == ALOG_OK)
        rc = alog__report_totals(&w, res, records, bytes);
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
