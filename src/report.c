/* report.c - the report: header, records by producer, merged timeline,
 * per-producer statistics and totals, in table, CSV or JSON.
 *
 * The report code builds sections of typed cells once; each format is a
 * small ops table (begin/header/section/row/end) that decides how cells
 * look.  Nothing outside the writers asks which format is in use.
 */
#include "alog.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* ---- cells, columns, sections ----------------------------------------- */

enum cell_type { C_STR, C_I64, C_U64, C_F64 };

enum col_show {
    S_DATA = 1u << 0,  /* CSV and JSON */
    S_TABLE = 1u << 1, /* the table for people */
    S_BOTH = S_DATA | S_TABLE,
};

typedef struct col {
    const char *name;   /* CSV/JSON field name */
    enum cell_type type;
    unsigned show;      /* S_* */
    const char *tname;  /* table head when it differs (units) */
    double div;         /* table: shown divided by this, 3 decimals */
    int width;          /* table: minimum width */
    int quote;          /* CSV: always quote (free text) */
} col;

typedef struct cell {
    union {
        const char *s;
        int64_t i;
        uint64_t u;
        double d;
    } v;
    size_t len; /* C_STR: bytes of s (s need not end in NUL) */
} cell;

typedef struct section {
    const char *kind;  /* CSV first field of each row */
    const char *json;  /* JSON member name */
    const char *title; /* table block title */
    int single;        /* one row: a JSON object, a vertical table */
    const col *cols;
    size_t ncols;
} section;

/* ---- the writers ------------------------------------------------------- */

typedef struct writer writer;

typedef struct fmt_ops {
    void (*begin)(writer *w);
    void (*header)(writer *w, const char *key, const char *value);
    /* Start rows of s; sub (may be NULL) names a sub-table of the same
     * section, e.g. one producer's records. */
    void (*section)(writer *w, const section *s, const char *sub);
    void (*row)(writer *w, const cell *cells);
    void (*end)(writer *w);
} fmt_ops;

struct writer {
    FILE *f;
    const fmt_ops *ops;
    const section *cur; /* section rows go to */
    size_t rows;        /* rows written in cur (JSON commas) */
    int in_header;      /* JSON: header object open */
    int failed;         /* a write failed */
};

static void w_printf(writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void w_printf(writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(w->f, fmt, ap) < 0)
        w->failed = 1;
    va_end(ap);
}

static void w_put(writer *w, const char *s, size_t len)
{
    if (len > 0 && fwrite(s, 1, len, w->f) != len)
        w->failed = 1;
}

static void w_putc(writer *w, char c)
{
    if (fputc(c, w->f) == EOF)
        w->failed = 1;
}

static void w_flush(writer *w)
{
    if (fflush(w->f) != 0 || ferror(w->f))
        w->failed = 1;
}

static int shown(const col *c, unsigned mask)
{
    return (c->show & mask) != 0;
}

/* A double for machines: shortest exact-enough form. */
static void num_f64(writer *w, double d, const char *nonfinite)
{
    if (isfinite(d))
        w_printf(w, "%.9g", d);
    else
        w_printf(w, "%s", nonfinite);
}

/* -- CSV -- */

static int csv_needs_quotes(const char *s, size_t len)
{
    if (len > 0 && (s[0] == ' ' || s[len - 1] == ' '))
        return 1;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            return 1;
    return 0;
}

static void csv_str(writer *w, const char *s, size_t len, int always)
{
    if (len == 0 || !(always || csv_needs_quotes(s, len))) {
        w_put(w, s, len);
        return;
    }
    w_putc(w, '"');
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') { /* a quote is written twice */
            w_put(w, s + from, i + 1 - from);
            from = i;
        }
    }
    w_put(w, s + from, len - from);
    w_putc(w, '"');
}

static void csv_begin(writer *w)
{
    (void)w;
}

/* One line per header, whatever the value holds. */
static void header_text(writer *w, const char *s)
{
    for (size_t n; *s; s += n) {
        n = strcspn(s, "\r\n");
        w_put(w, s, n);
        if (s[n] != '\0') {
            w_putc(w, ' ');
            n++;
        }
    }
}

static void csv_header(writer *w, const char *key, const char *value)
{
    w_printf(w, "# ");
    header_text(w, key);
    w_putc(w, '=');
    header_text(w, value);
    w_putc(w, '\n');
}

static void csv_section(writer *w, const section *s, const char *sub)
{
    (void)sub;
    if (w->cur == s)
        return;
    w->cur = s;
    w_printf(w, "kind");
    for (size_t i = 0; i < s->ncols; i++)
        if (shown(&s->cols[i], S_DATA))
            w_printf(w, ",%s", s->cols[i].name);
    w_putc(w, '\n');
}

static void csv_row(writer *w, const cell *cells)
{
    const section *s = w->cur;
    w_printf(w, "%s", s->kind);
    for (size_t i = 0; i < s->ncols; i++) {
        const col *c = &s->cols[i];
        if (!shown(c, S_DATA))
            continue;
        w_putc(w, ',');
        switch (c->type) {
        case C_STR:
            csv_str(w, cells[i].v.s, cells[i].len, c->quote);
            break;
        case C_I64:
            w_printf(w, "%lld", (long long)cells[i].v.i);
            break;
        case C_U64:
            w_printf(w, "%llu", (unsigned long long)cells[i].v.u);
            break;
        case C_F64:
            num_f64(w, cells[i].v.d, "nan");
            break;
        }
    }
    w_putc(w, '\n');
}

static void csv_end(writer *w)
{
    (void)w;
}

static const fmt_ops csv_ops = {
    .begin = csv_begin,
    .header = csv_header,
    .section = csv_section,
    .row = csv_row,
    .end = csv_end,
};

/* -- JSON -- */

/* Length of a valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t need;
    unsigned min;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xe0) == 0xc0) {
        need = 2;
        min = 0x80;
    } else if ((s[0] & 0xf0) == 0xe0) {
        need = 3;
        min = 0x800;
    } else if ((s[0] & 0xf8) == 0xf0) {
        need = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    unsigned cp = s[0] & (0x7fu >> need);
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need;
}

/* A JSON string; foreign text may hold any bytes, invalid UTF-8 becomes
 * U+FFFD so the document stays valid. */
static void json_str(writer *w, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    w_putc(w, '"');
    size_t i = 0;
    while (i < len) {
        unsigned char c = u[i];
        if (c == '"' || c == '\\') {
            w_putc(w, '\\');
            w_putc(w, (char)c);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            w_printf(w, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            w_putc(w, (char)c);
            i++;
        } else {
            size_t n = utf8_len(u + i, len - i);
            if (n == 0) {
                w_printf(w, "\\ufffd");
                i++;
            } else {
                w_put(w, s + i, n);
                i += n;
            }
        }
    }
    w_putc(w, '"');
}

static void json_begin(writer *w)
{
    w_printf(w, "{\n  \"header\": {");
    w->in_header = 1;
    w->rows = 0;
}

static void json_header(writer *w, const char *key, const char *value)
{
    w_printf(w, "%s\n    ", w->rows++ ? "," : "");
    json_str(w, key, strlen(key));
    w_printf(w, ": ");
    json_str(w, value, strlen(value));
}

/* Close what the previous section opened. */
static void json_close(writer *w)
{
    if (w->in_header) {
        w_printf(w, "%s}", w->rows ? "\n  " : "");
        w->in_header = 0;
    } else if (w->cur != NULL && !w->cur->single) {
        w_printf(w, "%s]", w->rows ? "\n  " : "");
    } else if (w->cur != NULL && w->rows == 0) {
        w_printf(w, "null"); /* a single-row section without its row */
    }
}

static void json_section(writer *w, const section *s, const char *sub)
{
    (void)sub;
    if (w->cur == s)
        return;
    json_close(w);
    w->cur = s;
    w->rows = 0;
    w_printf(w, ",\n  ");
    json_str(w, s->json, strlen(s->json));
    w_printf(w, ": %s", s->single ? "" : "[");
}

static void json_row(writer *w, const cell *cells)
{
    const section *s = w->cur;
    if (!s->single)
        w_printf(w, "%s\n    ", w->rows ? "," : "");
    w->rows++;
    w_putc(w, '{');
    int first = 1;
    for (size_t i = 0; i < s->ncols; i++) {
        const col *c = &s->cols[i];
        if (!shown(c, S_DATA))
            continue;
        if (!first)
            w_putc(w, ',');
        first = 0;
        json_str(w, c->name, strlen(c->name));
        w_putc(w, ':');
        switch (c->type) {
        case C_STR:
            json_str(w, cells[i].v.s, cells[i].len);
            break;
        case C_I64:
            w_printf(w, "%lld", (long long)cells[i].v.i);
            break;
        case C_U64:
            w_printf(w, "%llu", (unsigned long long)cells[i].v.u);
            break;
        case C_F64:
            num_f64(w, cells[i].v.d, "null");
            break;
        }
    }
    w_putc(w, '}');
}

static void json_end(writer *w)
{
    json_close(w);
    w_printf(w, "\n}\n");
}

static const fmt_ops json_ops = {
    .begin = json_begin,
    .header = json_header,
    .section = json_section,
    .row = json_row,
    .end = json_end,
};

/* -- table -- */

static const char *col_head(const col *c)
{
    return c->tname ? c->tname : c->name;
}

static int col_width(const col *c)
{
    int n = (int)strlen(col_head(c));
    return n > c->width ? n : c->width;
}

/* Printable text for a terminal: control bytes become '?'. */
static void table_text(writer *w, const char *s, size_t len)
{
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            w_put(w, s + from, i - from);
            w_putc(w, '?');
            from = i + 1;
        }
    }
    w_put(w, s + from, len - from);
}

static void table_begin(writer *w)
{
    (void)w;
}

static void table_section(writer *w, const section *s, const char *sub)
{
    if (w->cur != s)
        w_printf(w, "\n== %s ==\n", s->title);
    w->cur = s;
    if (sub != NULL)
        w_printf(w, "\n-- %s --\n", sub);
    if (s->single)
        return;
    /* Column heads: numbers right-aligned, strings left. */
    const char *sep = "";
    for (size_t i = 0; i < s->ncols; i++) {
        const col *c = &s->cols[i];
        if (!shown(c, S_TABLE))
            continue;
        if (c->type == C_STR)
            w_printf(w, "%s%-*s", sep, col_width(c), col_head(c));
        else
            w_printf(w, "%s%*s", sep, col_width(c), col_head(c));
        sep = "  ";
    }
    w_putc(w, '\n');
}

static void table_cell(writer *w, const col *c, const cell *v, int width)
{
    char buf[64];
    switch (c->type) {
    case C_STR:
        table_text(w, v->v.s, v->len);
        for (int pad = width - (int)v->len; pad > 0; pad--)
            w_putc(w, ' ');
        return;
    case C_I64:
        if (c->div > 0)
            snprintf(buf, sizeof buf, "%.3f", (double)v->v.i / c->div);
        else
            snprintf(buf, sizeof buf, "%lld", (long long)v->v.i);
        break;
    case C_U64:
        if (c->div > 0)
            snprintf(buf, sizeof buf, "%.3f", (double)v->v.u / c->div);
        else
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)v->v.u);
        break;
    case C_F64: {
        double d = c->div > 0 ? v->v.d / c->div : v->v.d;
        if (isfinite(d) && d == floor(d) && fabs(d) < 1e15 && c->div <= 0)
            snprintf(buf, sizeof buf, "%.0f", d);
        else
            snprintf(buf, sizeof buf, "%.3f", d);
        break;
    }
    }
    w_printf(w, "%*s", width, buf);
}

static void table_row(writer *w, const cell *cells)
{
    const section *s = w->cur;
    if (s->single) { /* one row: a vertical list "name  value" */
        for (size_t i = 0; i < s->ncols; i++) {
            const col *c = &s->cols[i];
            if (!shown(c, S_TABLE))
                continue;
            w_printf(w, "  %-20s ", col_head(c));
            table_cell(w, c, &cells[i], 0);
            w_putc(w, '\n');
        }
        return;
    }
    const char *sep = "";
    size_t last = 0;
    for (size_t i = 0; i < s->ncols; i++)
        if (shown(&s->cols[i], S_TABLE))
            last = i;
    for (size_t i = 0; i < s->ncols; i++) {
        const col *c = &s->cols[i];
        if (!shown(c, S_TABLE))
            continue;
        w_printf(w, "%s", sep);
        /* The last column (free text) is not padded. */
        table_cell(w, c, &cells[i], i == last && c->type == C_STR ? 0 :
                   col_width(c));
        sep = "  ";
    }
    w_putc(w, '\n');
}

static void table_end(writer *w)
{
    (void)w;
}

static const fmt_ops table_ops = {
    .begin = table_begin,
    .header = csv_header, /* the same "# key=value" lines */
    .section = table_section,
    .row = table_row,
    .end = table_end,
};

static const fmt_ops *const formats[] = {
    [ALOG_FMT_TABLE] = &table_ops,
    [ALOG_FMT_CSV] = &csv_ops,
    [ALOG_FMT_JSON] = &json_ops,
};

/* ---- the report's sections ---------------------------------------------- */

/* Record rows: one cell layout for records by producer and the timeline,
 * so one function fills both; the two column sets differ only in what the
 * table shows (a timeline reads best with the time first). */
enum { RC_TFIRST, RC_PRODUCER, RC_SEQ, RC_T, RC_SCHED, RC_PRODUCE,
       RC_COLLECT, RC_BYTES, RC_LATE, RC_LAT, RC_TEXT, RC_TTEXT, RC_N };

static const col record_cols[RC_N] = {
    [RC_TFIRST] = {.name = "t_ms", .type = C_I64, .show = 0},
    [RC_PRODUCER] = {.name = "producer", .type = C_U64, .show = S_DATA},
    [RC_SEQ] = {.name = "seq", .type = C_U64, .show = S_BOTH, .width = 8},
    [RC_T] = {.name = "t_ms", .type = C_I64, .show = S_TABLE, .div = 1e6,
              .width = 12},
    [RC_SCHED] = {.name = "sched_ns", .type = C_I64, .show = S_DATA},
    [RC_PRODUCE] = {.name = "produce_ns", .type = C_I64, .show = S_DATA},
    [RC_COLLECT] = {.name = "collect_ns", .type = C_I64, .show = S_DATA},
    [RC_BYTES] = {.name = "bytes", .type = C_U64, .show = S_DATA},
    [RC_LATE] = {.name = "late_us", .type = C_I64, .show = S_TABLE,
                 .div = 1e3, .width = 10},
    [RC_LAT] = {.name = "latency_us", .type = C_I64, .show = S_TABLE,
                .div = 1e3, .width = 10},
    [RC_TEXT] = {.name = "text", .type = C_STR, .show = S_DATA, .quote = 1},
    [RC_TTEXT] = {.name = "text", .type = C_STR, .show = S_TABLE},
};

static const col event_cols[RC_N] = {
    [RC_TFIRST] = {.name = "t_ms", .type = C_I64, .show = S_TABLE,
                   .div = 1e6, .width = 12},
    [RC_PRODUCER] = {.name = "producer", .type = C_U64, .show = S_BOTH,
                     .width = 8},
    [RC_SEQ] = {.name = "seq", .type = C_U64, .show = S_BOTH, .width = 8},
    [RC_T] = {.name = "t_ms", .type = C_I64, .show = 0},
    [RC_SCHED] = {.name = "sched_ns", .type = C_I64, .show = S_DATA},
    [RC_PRODUCE] = {.name = "produce_ns", .type = C_I64, .show = S_DATA},
    [RC_COLLECT] = {.name = "collect_ns", .type = C_I64, .show = S_DATA},
    [RC_BYTES] = {.name = "bytes", .type = C_U64, .show = S_DATA},
    [RC_LATE] = {.name = "late_us", .type = C_I64, .show = 0},
    [RC_LAT] = {.name = "latency_us", .type = C_I64, .show = 0},
    [RC_TEXT] = {.name = "text", .type = C_STR, .show = S_DATA, .quote = 1},
    [RC_TTEXT] = {.name = "text", .type = C_STR, .show = S_TABLE},
};

static const section records_section = {
    .kind = "record", .json = "records", .title = "records by producer",
    .cols = record_cols, .ncols = RC_N};
static const section events_section = {
    .kind = "event", .json = "timeline", .title = "timeline",
    .cols = event_cols, .ncols = RC_N};

enum { PC_PRODUCER, PC_STATUS, PC_TSTATUS, PC_CODE, PC_RECORDS, PC_EXPECTED,
       PC_TARGET, PC_ACHIEVED, PC_LATE50, PC_LATE99, PC_LATEMAX, PC_LAT50,
       PC_LAT99, PC_LATMAX, PC_GAPS, PC_DUPS, PC_MALFORMED, PC_BYTES,
       PC_WHERE, PC_N };

static const col producer_cols[PC_N] = {
    [PC_PRODUCER] = {.name = "producer", .type = C_U64, .show = S_BOTH,
                     .width = 8},
    [PC_STATUS] = {.name = "status", .type = C_STR, .show = S_DATA},
    [PC_TSTATUS] = {.name = "status", .type = C_STR, .show = S_TABLE,
                    .width = 12},
    [PC_CODE] = {.name = "code", .type = C_I64, .show = S_DATA},
    [PC_RECORDS] = {.name = "records", .type = C_U64, .show = S_BOTH},
    [PC_EXPECTED] = {.name = "expected", .type = C_U64, .show = S_BOTH},
    [PC_TARGET] = {.name = "target_hz", .type = C_F64, .show = S_BOTH,
                   .width = 9},
    [PC_ACHIEVED] = {.name = "achieved_hz", .type = C_F64, .show = S_BOTH,
                     .width = 9},
    [PC_LATE50] = {.name = "late_p50_ns", .type = C_I64, .show = S_BOTH,
                   .tname = "late_p50_us", .div = 1e3},
    [PC_LATE99] = {.name = "late_p99_ns", .type = C_I64, .show = S_BOTH,
                   .tname = "late_p99_us", .div = 1e3},
    [PC_LATEMAX] = {.name = "late_max_ns", .type = C_I64, .show = S_BOTH,
                    .tname = "late_max_us", .div = 1e3},
    [PC_LAT50] = {.name = "lat_p50_ns", .type = C_I64, .show = S_BOTH,
                  .tname = "lat_p50_us", .div = 1e3},
    [PC_LAT99] = {.name = "lat_p99_ns", .type = C_I64, .show = S_BOTH,
                  .tname = "lat_p99_us", .div = 1e3},
    [PC_LATMAX] = {.name = "lat_max_ns", .type = C_I64, .show = S_BOTH,
                   .tname = "lat_max_us", .div = 1e3},
    [PC_GAPS] = {.name = "gaps", .type = C_U64, .show = S_BOTH},
    [PC_DUPS] = {.name = "dups", .type = C_U64, .show = S_BOTH},
    [PC_MALFORMED] = {.name = "malformed", .type = C_U64, .show = S_BOTH},
    [PC_BYTES] = {.name = "bytes", .type = C_U64, .show = S_BOTH},
    [PC_WHERE] = {.name = "where", .type = C_STR, .show = S_BOTH},
};

static const section producers_section = {
    .kind = "producer", .json = "producers", .title = "report",
    .cols = producer_cols, .ncols = PC_N};

enum { TC_RECORDS, TC_BYTES, TC_WALL, TC_CPU, TC_RPS, TC_BPS, TC_RSS,
       TC_LIST, TC_INTERRUPTED, TC_N };

static const col total_cols[TC_N] = {
    [TC_RECORDS] = {.name = "records", .type = C_U64, .show = S_BOTH},
    [TC_BYTES] = {.name = "bytes", .type = C_U64, .show = S_BOTH},
    [TC_WALL] = {.name = "wall_s", .type = C_F64, .show = S_BOTH},
    [TC_CPU] = {.name = "cpu_s", .type = C_F64, .show = S_BOTH},
    [TC_RPS] = {.name = "records_per_s", .type = C_F64, .show = S_BOTH},
    [TC_BPS] = {.name = "bytes_per_s", .type = C_F64, .show = S_BOTH},
    [TC_RSS] = {.name = "peak_rss_bytes", .type = C_U64, .show = S_BOTH},
    [TC_LIST] = {.name = "list_bytes", .type = C_U64, .show = S_BOTH},
    [TC_INTERRUPTED] = {.name = "interrupted", .type = C_U64,
                        .show = S_BOTH},
};

static const char *const status_names[] = {
    [ALOG_PS_OK] = "ok",         [ALOG_PS_SHORT] = "short",
    [ALOG_PS_EXIT] = "exit",     [ALOG_PS_SIGNAL] = "signal",
    [ALOG_PS_STOPPED] = "stopped",
};

static const char *const format_names[] = {
    [ALOG_FMT_TABLE] = "table", [ALOG_FMT_CSV] = "csv",
    [ALOG_FMT_JSON] = "json"};

/* ---- header ------------------------------------------------------------- */

int alog_report_header_std(alog_result *res, const alog_config *cfg,
                           const char *model, const char *clock)
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

    /* The intervals as given (%g gives back "0.2" for 0.2), or the rate. */
    size_t cap = 32 + 24 * (size_t)cfg->n_intervals, n = 0;
    char *iv = malloc(cap);
    if (iv == NULL)
        return ALOG_ENOMEM;
    iv[0] = '\0';
    if (cfg->rate > 0) {
        snprintf(iv, cap, "rate=%g", cfg->rate);
    } else {
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
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int rc = 0;
    /* Stop at the first failure (only ENOMEM can happen). */
    rc = rc ? rc : alog_result_header(res, "alog", "%s", ALOG_VERSION);
    rc = rc ? rc : alog_result_header(res, "model", "%s", model);
    rc = rc ? rc : alog_result_header(res, "job", "%s",
                                      cfg->job == ALOG_JOB_PRIMES ? "primes"
                                                                  : "log");
    rc = rc ? rc : alog_result_header(res, "clock", "%s", clock);
    rc = rc ? rc : alog_result_header(res, "host", "%s", host);
    rc = rc ? rc : alog_result_header(res, "cores", "%ld", cores);
    rc = rc ? rc : alog_result_header(res, "pid", "%ld", (long)getpid());
    rc = rc ? rc : alog_result_header(res, "started", "%s", started);
    rc = rc ? rc : alog_result_header(res, "producers", "%u",
                                      alog_config_producers(cfg));
    rc = rc ? rc : alog_result_header(res, "intervals", "%s", iv);
    rc = rc ? rc : alog_result_header(res, "count", "%llu",
                                      (unsigned long long)cfg->count);
    rc = rc ? rc : alog_result_header(res, "duration", "%g", cfg->duration);
    rc = rc ? rc : alog_result_header(res, "payload", "%u", cfg->payload);
    rc = rc ? rc : alog_result_header(res, "work", "%llu",
                                      (unsigned long long)cfg->work);
    rc = rc ? rc : alog_result_header(res, "format", "%s", format_names[fmt]);
    free(iv);
    return rc;
}

/* ---- rows ----------------------------------------------------------------- */

/* The earliest first scheduled time over all lists: record times are
 * printed relative to it so that they stay small and readable. */
static int64_t report_epoch(const alog_result *res)
{
    int64_t epoch = 0;
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

static void record_row(writer *w, const alog_reclist *l, const alog_record *r,
                       int64_t epoch)
{
    cell c[RC_N];
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
    c[RC_T].v.i = r->produce_ns - epoch;
    c[RC_TFIRST].v.i = c[RC_T].v.i;
    c[RC_SCHED].v.i = r->sched_ns - epoch;
    c[RC_PRODUCE].v.i = r->produce_ns - epoch;
    c[RC_COLLECT].v.i = r->collect_ns - epoch;
    c[RC_BYTES].v.u = r->bytes;
    c[RC_LATE].v.i = r->produce_ns - r->sched_ns;
    c[RC_LAT].v.i = r->collect_ns - r->produce_ns;
    c[RC_TEXT].v.s = text;
    c[RC_TEXT].len = len;
    if (r->flags & ALOG_REC_TEXT) {
        c[RC_TTEXT] = c[RC_TEXT];
    } else { /* what the original printed for its own records */
        int n = snprintf(clock, sizeof clock, "Clock %lld from %u",
                         (long long)r->clock_ms, (unsigned)r->producer);
        c[RC_TTEXT].v.s = clock;
        c[RC_TTEXT].len = n > 0 ? (size_t)n : 0;
    }
    w->ops->row(w, c);
}

static int write_records(writer *w, const alog_result *res, int64_t epoch)
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
            record_row(w, l, r, epoch);
        w_flush(w);
        if (w->failed)
            return ALOG_EIO;
    }
    return ALOG_OK;
}

static int write_timeline(writer *w, const alog_result *res, int64_t epoch)
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
        record_row(w, lists[k], r, epoch);
        /* Flush now and then so a reader of a pipe sees progress. */
        if (++rows % 4096 == 0) {
            w_flush(w);
            if (w->failed) /* a closed pipe: stop formatting rows */
                break;
        }
    }
    alog_merge_free(m);
    free(lists);
    w_flush(w);
    return w->failed ? ALOG_EIO : ALOG_OK;
}

static int write_producers(writer *w, const alog_result *res,
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
        int st = alog_result_status(res, i, &code);
        double hz = 0;
        uint64_t expected = 0;
        alog_result_target(res, i, &hz, &expected);
        /* "ok" from the transport but fewer records than asked is short. */
        if (st == ALOG_PS_OK && expected > 0 && ps.records < expected)
            st = ALOG_PS_SHORT;
        if (st < ALOG_PS_OK || st > ALOG_PS_STOPPED)
            st = ALOG_PS_EXIT;

        char tstatus[64];
        switch (st) {
        case ALOG_PS_OK:
            snprintf(tstatus, sizeof tstatus, "ok");
            break;
        case ALOG_PS_SHORT:
        case ALOG_PS_STOPPED:
            if (expected > 0)
                snprintf(tstatus, sizeof tstatus, "%s %llu/%llu",
                         st == ALOG_PS_SHORT ? "SHORT" : "STOPPED",
                         (unsigned long long)ps.records,
                         (unsigned long long)expected);
            else
                snprintf(tstatus, sizeof tstatus, "%s %llu",
                         st == ALOG_PS_SHORT ? "SHORT" : "STOPPED",
                         (unsigned long long)ps.records);
            break;
        default:
            snprintf(tstatus, sizeof tstatus, "%s %d",
                     st == ALOG_PS_EXIT ? "EXIT" : "SIGNAL", code);
            break;
        }
        const char *where = alog_result_where(res, i);
        if (where == NULL)
            where = "";

        cell c[PC_N];
        c[PC_PRODUCER].v.u = i;
        c[PC_STATUS].v.s = status_names[st];
        c[PC_STATUS].len = strlen(status_names[st]);
        c[PC_TSTATUS].v.s = tstatus;
        c[PC_TSTATUS].len = strlen(tstatus);
        c[PC_CODE].v.i = code;
        c[PC_RECORDS].v.u = ps.records;
        c[PC_EXPECTED].v.u = expected;
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
        c[PC_BYTES].v.u = ps.bytes;
        c[PC_WHERE].v.s = where;
        c[PC_WHERE].len = strlen(where);
        w->ops->row(w, c);
    }
    w_flush(w);
    return w->failed ? ALOG_EIO : ALOG_OK;
}

static uint64_t peak_rss_bytes(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0 || ru.ru_maxrss < 0)
        return 0;
    return (uint64_t)ru.ru_maxrss * 1024u; /* Linux reports KiB */
}

static int write_totals(writer *w, const alog_result *res, uint64_t records,
                        uint64_t bytes)
{
    size_t nc = alog_result_counter_count(res);
    col *cols = calloc(TC_N + nc, sizeof *cols);
    cell *c = calloc(TC_N + nc, sizeof *c);
    if (cols == NULL || c == NULL) {
        free(cols);
        free(c);
        return ALOG_ENOMEM;
    }
    memcpy(cols, total_cols, sizeof total_cols);

    int64_t wall_ns = 0, cpu_ns = 0;
    alog_result_times(res, &wall_ns, &cpu_ns);
    double wall = (double)wall_ns / 1e9;
    c[TC_RECORDS].v.u = records;
    c[TC_BYTES].v.u = bytes;
    c[TC_WALL].v.d = wall;
    c[TC_CPU].v.d = (double)cpu_ns / 1e9;
    c[TC_RPS].v.d = wall > 0 ? (double)records / wall : 0.0;
    c[TC_BPS].v.d = wall > 0 ? (double)bytes / wall : 0.0;
    c[TC_RSS].v.u = peak_rss_bytes();
    c[TC_LIST].v.u = alog_result_memory(res);
    c[TC_INTERRUPTED].v.u = alog_result_interrupted(res) ? 1 : 0;
    for (size_t i = 0; i < nc; i++) {
        const char *key = NULL;
        double value = 0;
        alog_result_counter_at(res, i, &key, &value);
        cols[TC_N + i] = (col){.name = key ? key : "counter", .type = C_F64,
                               .show = S_BOTH};
        c[TC_N + i].v.d = value;
    }
    section totals = {.kind = "total", .json = "totals", .title = "totals",
                      .single = 1, .cols = cols, .ncols = TC_N + nc};
    w->ops->section(w, &totals, NULL);
    w->ops->row(w, c);
    w->ops->end(w);
    w->cur = NULL; /* totals lives on this stack frame */
    w_flush(w);
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
    writer w = {.f = out, .ops = formats[fmt]};

    unsigned n = alog_result_producers(res);
    uint64_t records = 0, bytes = 0;
    for (unsigned i = 0; i < n; i++)
        records += alog_reclist_len(alog_result_list_const(res, i));

    int show_records = cfg->show == ALOG_SHOW_ALL ||
                       (cfg->show == ALOG_SHOW_AUTO &&
                        records <= AUTO_MAX_RECORDS);

    w.ops->begin(&w);
    size_t nh = alog_result_header_count(res);
    for (size_t i = 0; i < nh; i++) {
        const char *key = NULL, *value = NULL;
        alog_result_header_at(res, i, &key, &value);
        w.ops->header(&w, key ? key : "", value ? value : "");
    }
    if (cfg->show == ALOG_SHOW_AUTO && !show_records)
        w.ops->header(&w, "records_shown", "no (use --timeline)");
    w_flush(&w);
    if (w.failed)
        return ALOG_EIO;

    int rc = ALOG_OK;
    if (show_records) {
        int64_t epoch = report_epoch(res);
        rc = write_records(&w, res, epoch);
        if (rc == ALOG_OK)
            rc = write_timeline(&w, res, epoch);
    }
    if (rc == ALOG_OK)
        rc = write_producers(&w, res, &bytes);
    if (rc == ALOG_OK)
        rc = write_totals(&w, res, records, bytes);
    if (rc == ALOG_OK && w.failed)
        rc = ALOG_EIO;
    return rc;
}
