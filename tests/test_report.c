/* test_report.c - the report: a result built by hand with known times,
 * checked line by line in CSV, structurally in JSON, by markers in the
 * table; header order; write errors become ALOG_EIO. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "alog.h"

#define B INT64_C(5000000000) /* a monotonic time far from 0 */

/* Three producers:
 *   0: seq 0..2, sched B+0/100/200, produce +10, collect +5, ok, 3 of 3
 *   1: seq 0..1, sched B-20/130, produce +30, collect +1000, 2 of 3 (short)
 *   2: foreign lines 1 and 2 with text, exit code 3, 2 malformed
 * The epoch is B-20, the earliest first scheduled time. */
static alog_result *build(void)
{
    alog_result *res = alog_result_new(3);
    assert_non_null(res);
    for (int k = 0; k < 3; k++) {
        alog_record r = {0};
        r.sched_ns = B + 100 * k;
        r.produce_ns = r.sched_ns + 10;
        r.collect_ns = r.produce_ns + 5;
        r.clock_ms = 5000 + k;
        r.seq = (uint64_t)k;
        r.producer = 0;
        r.bytes = 40;
        assert_int_equal(alog_reclist_append(alog_result_list(res, 0), &r),
                         0);
    }
    for (int k = 0; k < 2; k++) {
        alog_record r = {0};
        r.sched_ns = B - 20 + 150 * k;
        r.produce_ns = r.sched_ns + 30;
        r.collect_ns = r.produce_ns + 1000;
        r.clock_ms = 7000 + k;
        r.seq = (uint64_t)k;
        r.producer = 1;
        r.bytes = 42;
        assert_int_equal(alog_reclist_append(alog_result_list(res, 1), &r),
                         0);
    }
    static const char *const texts[] = {"hello, \"world\"", "plain"};
    static const int64_t at[] = {B + 60, B + 115};
    for (int k = 0; k < 2; k++) {
        alog_record r = {0};
        r.sched_ns = r.produce_ns = r.collect_ns = at[k];
        r.seq = (uint64_t)k + 1;
        r.producer = 2;
        r.flags = ALOG_REC_FOREIGN;
        r.bytes = (uint32_t)strlen(texts[k]) + 1;
        assert_int_equal(alog_reclist_append_text(alog_result_list(res, 2),
                                                  &r, texts[k],
                                                  strlen(texts[k])),
                         0);
    }
    alog_result_set_target(res, 0, 10.0, 3);
    alog_result_set_target(res, 1, 5.0, 3);
    alog_result_set_target(res, 2, 0.0, 0);
    alog_result_set_status(res, 0, ALOG_PS_OK, 0);
    alog_result_set_status(res, 1, ALOG_PS_OK, 0); /* ok but 2 of 3 */
    alog_result_set_status(res, 2, ALOG_PS_EXIT, 3);
    alog_result_add_malformed(res, 2, 2);
    assert_int_equal(alog_result_set_where(res, 0, "cpu0"), 0);
    assert_int_equal(alog_result_set_where(res, 2, "sh -c 'echo a,b'"), 0);
    assert_int_equal(alog_result_header(res, "alog", "%s", "1.0.0"), 0);
    assert_int_equal(alog_result_header(res, "model", "%s", "first"), 0);
    assert_int_equal(alog_result_header(res, "zeta", "%d", 1), 0);
    /* a later value replaces, the place stays */
    assert_int_equal(alog_result_header(res, "model", "%s", "test"), 0);
    assert_int_equal(alog_result_counter(res, "ring_full", 3), 0);
    assert_int_equal(alog_result_counter(res, "drop_ratio", 0.25), 0);
    /* Window: from the first due (B - 20, the records' epoch) to the
     * last collected (B + 1160); 1 s before it, 0.5 s after; CPU over it
     * 0.3 s + 0.2 s. */
    alog_result_set_schedule(res, B - 20);
    alog_result_set_span(res, B - 20 - INT64_C(1000000000),
                         B + 1160 + INT64_C(500000000));
    assert_int_equal(alog_result_counter(res, "collector_cpu_s", 0.3), 0);
    assert_int_equal(alog_result_counter(res, "producers_cpu_s", 0.2), 0);
    alog_result_set_interrupted(res, 1);
    return res;
}

/* The report of res in fmt/show as a string (caller frees). */
static char *report(const alog_result *res, int fmt, int show)
{
    alog_config cfg;
    alog_config_init(&cfg, ALOG_MODEL_ASYNC);
    cfg.format = fmt;
    cfg.show = show;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(alog_report_write(f, &cfg, res), ALOG_OK);
    assert_int_equal(fclose(f), 0);
    alog_config_free(&cfg);
    return buf;
}

/* Split text into lines in place; returns their number. */
static size_t lines_of(char *text, char **lines, size_t max)
{
    size_t n = 0;
    for (char *p = text; *p && n < max;) {
        char *nl = strchr(p, '\n');
        lines[n++] = p;
        if (nl == NULL)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    return n;
}

static void test_csv_exact(void **state)
{
    (void)state;
    alog_result *res = build();
    char *out = report(res, ALOG_FMT_CSV, ALOG_SHOW_AUTO);
    char *line[64];
    size_t n = lines_of(out, line, 64);

    char total[256];
    snprintf(total, sizeof total,
             ",%zu,1,1,1.18e-06,9.6e-07,0.5,0,0,6,1,3,0.25,0.3,0.2",
             alog_result_memory(res));

    const char *want[] = {
        "# alog=1.0.0",
        "# model=test",
        "# zeta=1",
        "kind,producer,seq,sched_ns,produce_ns,collect_ns,bytes,value,text",
        "record,0,0,20,30,35,40,,",
        "record,0,1,120,130,135,40,,",
        "record,0,2,220,230,235,40,,",
        "record,1,0,0,30,1030,42,,",
        "record,1,1,150,180,1180,42,,",
        "record,2,1,80,80,80,15,,\"hello, \"\"world\"\"\"",
        "record,2,2,135,135,135,6,,\"plain\"",
        "kind,producer,seq,sched_ns,produce_ns,collect_ns,bytes,value,text",
        /* merged: by produce time, then producer, then seq */
        "event,0,0,20,30,35,40,,",
        "event,1,0,0,30,1030,42,,",
        "event,2,1,80,80,80,15,,\"hello, \"\"world\"\"\"",
        "event,0,1,120,130,135,40,,",
        "event,2,2,135,135,135,6,,\"plain\"",
        "event,1,1,150,180,1180,42,,",
        "event,0,2,220,230,235,40,,",
        "kind,producer,status,code,records,expected,lost,target_hz,"
        "achieved_hz,late_p50_ns,late_p99_ns,late_max_ns,lat_p50_ns,"
        "lat_p99_ns,lat_max_ns,gaps,dups,malformed,parsed,bytes,where",
        "producer,0,ok,0,3,3,0,10,10000000,10,10,10,5,5,5,0,0,0,0,120,cpu0",
        "producer,1,short,0,2,3,0,5,6666666.67,30,30,30,1000,1000,1000,0,0,"
        "0,0,84,",
        "producer,2,exit,3,2,0,1,0,18181818.2,0,0,0,0,0,0,1,0,2,0,21,"
        "\"sh -c 'echo a,b'\"",
        "kind,records,bytes,wall_s,cpu_s,records_per_s,bytes_per_s,"
        "peak_rss_bytes,list_bytes,interrupted,startup_s,window_s,drain_s,"
        "teardown_s,offered_per_s,collected_ratio,expected,lost,ring_full,"
        "drop_ratio,collector_cpu_s,producers_cpu_s",
    };
    size_t nwant = sizeof want / sizeof want[0];
    assert_int_equal(n, nwant + 1);
    for (size_t i = 0; i < nwant; i++) {
        if (strcmp(line[i], want[i]) != 0)
            print_error("line %zu:\n want %s\n got  %s\n", i + 1, want[i],
                        line[i]);
        assert_string_equal(line[i], want[i]);
    }
    /* total,7,225,1.50000118,0.5,<7 and 225 over 1180 ns>,<rss>,<list>,1,
     * 1,1.18e-06,9.6e-07,0.5,0,0,6,1,3,0.25,0.3,0.2: rates over the window
     * (first due to last collected), wall the whole run */
    const char *t = line[nwant];
    const char *prefix = "total,7,225,1.50000118,0.5,5932203.39,190677966,";
    assert_memory_equal(t, prefix, strlen(prefix));
    char *end;
    unsigned long long rss = strtoull(t + strlen(prefix), &end, 10);
    assert_true(rss > 0); /* this process has some resident memory */
    assert_string_equal(end, total);
    free(out);
    alog_result_free(res);
}

static void test_show_modes(void **state)
{
    (void)state;
    alog_result *res = build();
    /* report only: no records, no timeline, no note */
    char *out = report(res, ALOG_FMT_CSV, ALOG_SHOW_REPORT);
    assert_null(strstr(out, "\nrecord,"));
    assert_null(strstr(out, "\nevent,"));
    assert_null(strstr(out, "records_shown"));
    assert_non_null(strstr(out, "\nproducer,1,short,"));
    assert_non_null(strstr(out, "\ntotal,7,"));
    free(out);
    alog_result_free(res);

    /* AUTO above 1000 records: a note instead of 1001 rows */
    res = alog_result_new(2);
    assert_non_null(res);
    for (int k = 0; k < 1001; k++) {
        alog_record r = {0};
        r.seq = (uint64_t)(k / 2);
        r.producer = (uint32_t)(k % 2);
        r.sched_ns = r.produce_ns = r.collect_ns = 1000 * k;
        assert_int_equal(alog_reclist_append(alog_result_list(res,
                                                              r.producer),
                                             &r),
                         0);
    }
    out = report(res, ALOG_FMT_CSV, ALOG_SHOW_AUTO);
    assert_non_null(strstr(out, "# records_shown=no (use --timeline)\n"));
    assert_null(strstr(out, "\nrecord,"));
    assert_null(strstr(out, "\nevent,"));
    assert_non_null(strstr(out, "\ntotal,1001,"));
    free(out);

    /* --timeline shows them all, timeline in time order */
    out = report(res, ALOG_FMT_CSV, ALOG_SHOW_ALL);
    assert_null(strstr(out, "records_shown"));
    size_t records = 0, events = 0;
    long long last = -1;
    for (const char *p = out; (p = strchr(p, '\n')) != NULL;) {
        p++;
        if (strncmp(p, "record,", 7) == 0)
            records++;
        if (strncmp(p, "event,", 6) == 0) {
            unsigned prod;
            unsigned long long seq;
            long long sched, produce;
            assert_int_equal(sscanf(p, "event,%u,%llu,%lld,%lld", &prod, &seq,
                                    &sched, &produce),
                             4);
            assert_true(produce > last);
            last = produce;
            events++;
        }
    }
    assert_int_equal(records, 1001);
    assert_int_equal(events, 1001);
    assert_int_equal(last, 1000000); /* relative to the first record */
    free(out);
    alog_result_free(res);
}

/* ---- a tiny JSON checker: grammar only, plus the top-level keys ------- */

typedef struct jp {
    const char *p;
    int depth;
    char keys[16][32]; /* keys of the top-level object */
    int nkeys;
} jp;

static void ws(jp *j)
{
    while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')
        j->p++;
}

static int value(jp *j);

static int string(jp *j, char *copy, size_t cap)
{
    if (*j->p != '"')
        return 0;
    j->p++;
    size_t n = 0;
    while (*j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        if (c == '\0' || c < 0x20)
            return 0;
        if (c == '\\') {
            j->p++;
            if (*j->p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", j->p[i]) ||
                        j->p[i] == '\0')
                        return 0;
                j->p += 4;
            } else if (!strchr("\"\\/bfnrt", *j->p) || *j->p == '\0') {
                return 0;
            }
        }
        if (copy && n + 1 < cap)
            copy[n++] = (char)c;
        j->p++;
    }
    if (copy)
        copy[n] = '\0';
    j->p++;
    return 1;
}

static int number(jp *j)
{
    const char *s = j->p;
    if (*j->p == '-')
        j->p++;
    if (!(*j->p >= '0' && *j->p <= '9'))
        return 0;
    while ((*j->p >= '0' && *j->p <= '9') || strchr(".eE+-", *j->p))
        if (*j->p++ == '\0')
            return 0;
    char *end;
    strtod(s, &end);
    return end == j->p;
}

static int value(jp *j)
{
    ws(j);
    if (*j->p == '{') {
        j->p++;
        j->depth++;
        ws(j);
        if (*j->p == '}') {
            j->p++;
            j->depth--;
            return 1;
        }
        for (;;) {
            ws(j);
            char key[32];
            if (!string(j, key, sizeof key))
                return 0;
            if (j->depth == 1 && j->nkeys < 16)
                strcpy(j->keys[j->nkeys++], key);
            ws(j);
            if (*j->p++ != ':')
                return 0;
            if (!value(j))
                return 0;
            ws(j);
            if (*j->p == ',') {
                j->p++;
                continue;
            }
            if (*j->p++ != '}')
                return 0;
            j->depth--;
            return 1;
        }
    }
    if (*j->p == '[') {
        j->p++;
        ws(j);
        if (*j->p == ']') {
            j->p++;
            return 1;
        }
        for (;;) {
            if (!value(j))
                return 0;
            ws(j);
            if (*j->p == ',') {
                j->p++;
                continue;
            }
            return *j->p++ == ']';
        }
    }
    if (*j->p == '"')
        return string(j, NULL, 0);
    if (strncmp(j->p, "null", 4) == 0 || strncmp(j->p, "true", 4) == 0) {
        j->p += 4;
        return 1;
    }
    if (strncmp(j->p, "false", 5) == 0) {
        j->p += 5;
        return 1;
    }
    return number(j);
}

static void check_json(const char *doc, const char *const *keys, int nkeys)
{
    jp j = {.p = doc};
    assert_int_equal(doc[0], '{');
    if (!value(&j))
        print_error("bad JSON near: %.60s\n", j.p);
    assert_true(value(&(jp){.p = doc}));
    ws(&j);
    assert_int_equal(*j.p, '\0');
    assert_int_equal(j.nkeys, nkeys);
    for (int i = 0; i < nkeys; i++)
        assert_string_equal(j.keys[i], keys[i]);
}

/* A foreign line of exactly two integers keeps its clock: the value
 * column, and the producer's parsed count; alog's own records are shown as
 * the original printed them, with the producer's own id (its origin). */
static void test_value_and_origin(void **state)
{
    (void)state;
    alog_result *res = alog_result_new(2);
    assert_non_null(res);
    alog_record r = {0};
    r.sched_ns = r.produce_ns = r.collect_ns = B;
    r.flags = ALOG_REC_FOREIGN | ALOG_REC_CLOCK;
    r.clock_ms = 1603450000000;
    r.bytes = 11;
    assert_int_equal(alog_reclist_append_text(alog_result_list(res, 0), &r,
                                              "1603450000000 7", 15), 0);
    r.flags = ALOG_REC_FOREIGN;
    r.seq = 1;
    assert_int_equal(alog_reclist_append_text(alog_result_list(res, 0), &r,
                                              "plain", 5), 0);
    alog_record own = {0};
    own.sched_ns = own.produce_ns = own.collect_ns = B + 10;
    own.clock_ms = 42;
    own.producer = 1;
    assert_int_equal(alog_reclist_append(alog_result_list(res, 1), &own), 0);
    alog_result_set_origin(res, 1, 4321);
    assert_int_equal(alog_result_origin(res, 0), 0); /* default: index */
    assert_int_equal(alog_result_origin(res, 1), 4321);

    char *csv = report(res, ALOG_FMT_CSV, ALOG_SHOW_ALL);
    assert_non_null(strstr(csv, "record,0,0,0,0,0,11,1603450000000,"
                                "\"1603450000000 7\"\n"));
    assert_non_null(strstr(csv, "record,0,1,0,0,0,11,,\"plain\"\n"));
    /* parsed: 1 of the 2 lines of producer 0 */
    assert_non_null(strstr(csv, ",0,0,0,1,22,"));
    free(csv);
    char *table = report(res, ALOG_FMT_TABLE, ALOG_SHOW_ALL);
    assert_non_null(strstr(table, "Clock 42 from 4321"));
    free(table);
    alog_result_free(res);
}

/* Times at the ends of int64 (any producer may send them): every
 * difference the report prints saturates instead of overflowing (UBSan
 * stops here otherwise), in the records, the timeline and the stats. */
static void test_extreme_times(void **state)
{
    (void)state;
    alog_result *res = alog_result_new(2);
    assert_non_null(res);
    alog_record r = {0};
    r.sched_ns = INT64_MIN; /* the epoch */
    r.produce_ns = INT64_MAX;
    r.collect_ns = 0;
    r.bytes = 40;
    assert_int_equal(alog_reclist_append(alog_result_list(res, 0), &r), 0);
    r.producer = 1;
    r.sched_ns = INT64_MAX;
    r.produce_ns = INT64_MIN;
    r.collect_ns = INT64_MAX;
    assert_int_equal(alog_reclist_append(alog_result_list(res, 1), &r), 0);
    alog_result_set_status(res, 0, ALOG_PS_OK, 0);
    alog_result_set_status(res, 1, ALOG_PS_OK, 0);

    char *csv = report(res, ALOG_FMT_CSV, ALOG_SHOW_ALL);
    /* sched, produce, collect relative to the epoch INT64_MIN */
    assert_non_null(strstr(csv, "\nrecord,0,0,0,9223372036854775807,"
                                "9223372036854775807,40,,\n"));
    assert_non_null(strstr(csv, "\nrecord,1,0,9223372036854775807,0,"
                                "9223372036854775807,40,,\n"));
    /* the timeline by produce time: producer 1 (INT64_MIN) first */
    const char *e1 = strstr(csv, "\nevent,1,0,");
    const char *e0 = strstr(csv, "\nevent,0,0,");
    assert_non_null(e1);
    assert_non_null(e0);
    assert_true(e1 < e0);
    /* late = produce - sched, lat = collect - produce, saturated */
    assert_non_null(strstr(csv, "\nproducer,0,ok,0,1,0,0,0,0,"
                                "9223372036854775807,9223372036854775807,"
                                "9223372036854775807,-9223372036854775807,"
                                "-9223372036854775807,-9223372036854775807,"
                                "0,0,0,0,40,"));
    assert_non_null(strstr(csv, "\nproducer,1,ok,0,1,0,0,0,0,"
                                "-9223372036854775808,-9223372036854775808,"
                                "-9223372036854775808,9223372036854775807,"
                                "9223372036854775807,9223372036854775807,"
                                "0,0,0,0,40,"));
    assert_null(strstr(csv, "-1,")); /* nothing wrapped to a small value */
    free(csv);
    char *json = report(res, ALOG_FMT_JSON, ALOG_SHOW_ALL);
    assert_non_null(strstr(json, "\"late_max_ns\":-9223372036854775808,"));
    free(json);
    /* the table in us: 2^63 ns is 9223372036854776 us as a double */
    char *table = report(res, ALOG_FMT_TABLE, ALOG_SHOW_ALL);
    assert_non_null(strstr(table, " 9223372036854776.000 "));
    assert_non_null(strstr(table, " -9223372036854776.000 "));
    free(table);
    alog_result_free(res);
}

static void test_json(void **state)
{
    (void)state;
    alog_result *res = build();
    char *out = report(res, ALOG_FMT_JSON, ALOG_SHOW_AUTO);
    const char *keys[] = {"header", "records", "timeline", "producers",
                          "totals"};
    check_json(out, keys, 5);
    assert_non_null(strstr(out, "\"model\": \"test\""));
    /* numbers as numbers, strings escaped */
    assert_non_null(strstr(out, "{\"producer\":0,\"seq\":0,\"sched_ns\":20,"
                                "\"produce_ns\":30,\"collect_ns\":35,"
                                "\"bytes\":40,\"value\":null,\"text\":\"\"}"));
    assert_non_null(strstr(out, "\"text\":\"hello, \\\"world\\\"\""));
    assert_non_null(strstr(out, "\"status\":\"short\",\"code\":0,"
                                "\"records\":2,\"expected\":3"));
    assert_non_null(strstr(out, "\"where\":\"sh -c 'echo a,b'\""));
    assert_non_null(strstr(out, "\"totals\": {\"records\":7,\"bytes\":225,"
                                "\"wall_s\":1.50000118,"));
    assert_non_null(strstr(out, "\"interrupted\":1,\"startup_s\":1,"
                                "\"window_s\":1.18e-06,"
                                "\"drain_s\":9.6e-07,"));
    assert_non_null(strstr(out, "\"expected\":6,\"lost\":1,"
                                "\"ring_full\":3,\"drop_ratio\":0.25,"
                                "\"collector_cpu_s\":0.3,"
                                "\"producers_cpu_s\":0.2}"));
    free(out);

    out = report(res, ALOG_FMT_JSON, ALOG_SHOW_REPORT);
    const char *short_keys[] = {"header", "producers", "totals"};
    check_json(out, short_keys, 3);
    free(out);
    alog_result_free(res);

    /* foreign text with control bytes, quotes and bad UTF-8 stays valid */
    res = alog_result_new(1);
    assert_non_null(res);
    static const char nasty[] = "a\"b\\c\td\x01\xff\xc3\xa9 \xe2\x82";
    alog_record r = {.producer = 0, .flags = ALOG_REC_FOREIGN};
    assert_int_equal(alog_reclist_append_text(alog_result_list(res, 0), &r,
                                              nasty, sizeof nasty - 1),
                     0);
    out = report(res, ALOG_FMT_JSON, ALOG_SHOW_ALL);
    check_json(out, keys, 5);
    assert_non_null(strstr(out, "\"a\\\"b\\\\c\\u0009d\\u0001\\ufffd\xc3\xa9 "
                                "\\ufffd\\ufffd\""));
    free(out);
    alog_result_free(res);

    /* no producers at all: still a document */
    res = alog_result_new(0);
    assert_non_null(res);
    out = report(res, ALOG_FMT_JSON, ALOG_SHOW_AUTO);
    const char *empty_keys[] = {"header", "records", "timeline", "producers",
                                "totals"};
    check_json(out, empty_keys, 5);
    assert_non_null(strstr(out, "\"header\": {}"));
    free(out);
    alog_result_free(res);
}

static void test_table(void **state)
{
    (void)state;
    alog_result *res = build();
    char *out = report(res, ALOG_FMT_TABLE, ALOG_SHOW_AUTO);
    assert_non_null(strstr(out, "# alog=1.0.0\n"));
    assert_non_null(strstr(out, "records by producer"));
    assert_non_null(strstr(out, "timeline"));
    assert_non_null(strstr(out, "t_ms"));
    assert_non_null(strstr(out, "late_us"));
    assert_non_null(strstr(out, "latency_us"));
    assert_non_null(strstr(out, "Clock 5000 from 0"));
    assert_non_null(strstr(out, "Clock 7001 from 1"));
    assert_non_null(strstr(out, "hello, \"world\""));
    assert_non_null(strstr(out, "SHORT 2/3"));
    assert_non_null(strstr(out, "EXIT 3"));
    assert_non_null(strstr(out, "late_p99_us"));
    assert_non_null(strstr(out, "records_per_s"));
    assert_non_null(strstr(out, "ring_full"));
    /* the timeline's own order: producer 1's first record (t=30 ns,
     * 0.000 ms) comes before producer 2's foreign line */
    const char *tl = strstr(out, "== timeline ==");
    assert_non_null(tl);
    const char *a = strstr(tl, "Clock 7000 from 1");
    const char *b = strstr(tl, "hello");
    const char *c = strstr(tl, "Clock 5001 from 0");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_true(a < b && b < c);
    /* only the status of producer 0 is lowercase ok */
    assert_null(strstr(out, "SHORT 3/3"));
    free(out);
    alog_result_free(res);
}

static void test_write_errors(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0) {
        skip();
        return;
    }
    alog_result *res = build();
    for (int fmt = ALOG_FMT_TABLE; fmt <= ALOG_FMT_JSON; fmt++) {
        for (int show = ALOG_SHOW_AUTO; show <= ALOG_SHOW_REPORT; show++) {
            FILE *f = fopen("/dev/full", "w");
            assert_non_null(f);
            alog_config cfg;
            alog_config_init(&cfg, ALOG_MODEL_ASYNC);
            cfg.format = fmt;
            cfg.show = show;
            assert_int_equal(alog_report_write(f, &cfg, res), ALOG_EIO);
            fclose(f);
        }
    }
    /* an unbuffered stream fails on the first write */
    FILE *f = fopen("/dev/full", "w");
    assert_non_null(f);
    setvbuf(f, NULL, _IONBF, 0);
    alog_config cfg;
    alog_config_init(&cfg, ALOG_MODEL_ASYNC);
    assert_int_equal(alog_report_write(f, &cfg, res), ALOG_EIO);
    fclose(f);
    char why[128]; /* the first failure's errno, for the message */
    assert_string_equal(alog_reason(ALOG_EIO, why, sizeof why),
                        strerror(ENOSPC));
    alog_result_free(res);
}

static void test_header_std(void **state)
{
    (void)state;
    alog_config cfg;
    alog_config_init(&cfg, ALOG_MODEL_ASYNC);
    cfg.format = ALOG_FMT_CSV;
    alog_result *res = alog_result_new(3);
    assert_non_null(res);
    assert_int_equal(alog_report_header_std(res, &cfg, "async",
                                            "CLOCK_MONOTONIC"),
                     ALOG_OK);
    const char *order[] = {"alog", "model", "job", "clock", "host", "cores",
                           "pid", "started", "producers", "intervals",
                           "count", "duration", "phase", "payload", "work",
                           "format"};
    size_t n = sizeof order / sizeof order[0];
    assert_int_equal(alog_result_header_count(res), n);
    char pid[32], cores[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    snprintf(cores, sizeof cores, "%ld", sysconf(_SC_NPROCESSORS_ONLN));
    for (size_t i = 0; i < n; i++) {
        const char *k, *v;
        alog_result_header_at(res, i, &k, &v);
        assert_string_equal(k, order[i]);
        if (strcmp(k, "alog") == 0)
            assert_string_equal(v, ALOG_VERSION);
        else if (strcmp(k, "model") == 0)
            assert_string_equal(v, "async");
        else if (strcmp(k, "job") == 0)
            assert_string_equal(v, "log");
        else if (strcmp(k, "clock") == 0)
            assert_string_equal(v, "CLOCK_MONOTONIC");
        else if (strcmp(k, "host") == 0)
            assert_true(strlen(v) > 0);
        else if (strcmp(k, "cores") == 0)
            assert_string_equal(v, cores);
        else if (strcmp(k, "pid") == 0)
            assert_string_equal(v, pid);
        else if (strcmp(k, "started") == 0) {
            /* 2024-05-01T12:34:56Z */
            assert_int_equal(strlen(v), 20);
            assert_int_equal(v[4], '-');
            assert_int_equal(v[10], 'T');
            assert_int_equal(v[19], 'Z');
        } else if (strcmp(k, "producers") == 0)
            assert_string_equal(v, "4");
        else if (strcmp(k, "intervals") == 0)
            assert_string_equal(v, "0.2,0.1,1,0.01");
        else if (strcmp(k, "count") == 0)
            assert_string_equal(v, "10");
        else if (strcmp(k, "duration") == 0)
            assert_string_equal(v, "0");
        else if (strcmp(k, "phase") == 0)
            assert_string_equal(v, "spread");
        else if (strcmp(k, "format") == 0)
            assert_string_equal(v, "csv");
    }
    /* --rate replaces the list; primes job named */
    cfg.rate = 250;
    cfg.job = ALOG_JOB_PRIMES;
    cfg.producers = 5;
    assert_int_equal(alog_report_header_std(res, &cfg, "omp", "x"), ALOG_OK);
    assert_int_equal(alog_result_header_count(res), n);
    const char *k, *v;
    alog_result_header_at(res, 9, &k, &v);
    assert_string_equal(k, "intervals");
    assert_string_equal(v, "rate=250");
    alog_result_header_at(res, 2, &k, &v);
    assert_string_equal(v, "primes");
    alog_result_header_at(res, 8, &k, &v);
    assert_string_equal(v, "5");

    /* a value with a line break stays on its header line */
    assert_int_equal(alog_result_header(res, "note", "a\nb\r\nc"), 0);

    /* and it comes out first in the report, in that order */
    cfg.show = ALOG_SHOW_REPORT;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(alog_report_write(f, &cfg, res), ALOG_OK);
    fclose(f);
    assert_memory_equal(buf, "# alog=" ALOG_VERSION "\n# model=omp\n"
                             "# job=primes\n",
                        strlen("# alog=" ALOG_VERSION "\n# model=omp\n"
                               "# job=primes\n"));
    assert_non_null(strstr(buf, "\n# note=a b  c\nkind,producer,status,"));
    free(buf);
    alog_result_free(res);
    alog_config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_exact),
        cmocka_unit_test(test_show_modes),
        cmocka_unit_test(test_value_and_origin),
        cmocka_unit_test(test_extreme_times),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_header_std),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
