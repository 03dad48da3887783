/* primes_report.c - the report of a primes run: '# key=value' header, one
 * row per part, one result row; table, CSV or JSON.
 *
 * Rows are built once as typed cells; each format is a small ops table
 * (begin/header/section/row/end), as in the log job's report, so nothing
 * but the writers knows which format is in use.  A cell may be absent (a
 * range job has no number, a run without baseline no speedup): empty in
 * CSV, null in JSON, "-" in the table.
 */
#include "primes.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

/* ---- results ------------------------------------------------------------- */

void alog_primes_result_init(alog_primes_result *res, const char *model,
                             const char *clock, const alog_primes_job *job,
                             alog_primes_part *parts)
{
    memset(res, 0, sizeof *res);
    res->model = model;
    res->clock = clock;
    res->job = *job;
    res->parts = parts;
    res->serial_s = NAN;
    res->model_s = NAN;
}

void alog_primes_result_extra(alog_primes_result *res, const char *key,
                              const char *fmt, ...)
{
    if (res->n_extra >= ALOG_PRIMES_EXTRA)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->extra_val[res->n_extra], sizeof res->extra_val[0], fmt,
              ap);
    va_end(ap);
    res->extra_key[res->n_extra++] = key;
}

uint64_t alog_primes_divisor(const alog_primes_result *res, int *part)
{
    uint64_t best = 0;
    int at = -1;
    for (unsigned k = 0; res->parts != NULL && k < res->job.parts; k++) {
        uint64_t d = res->parts[k].divisor;
        if (d != 0 && (best == 0 || d < best)) {
            best = d;
            at = (int)k;
        }
    }
    if (part != NULL)
        *part = at;
    return best;
}

const char *alog_primes_answer(const alog_primes_result *res, char *buf,
                               size_t cap)
{
    const alog_primes_job *job = &res->job;
    if (job->range) {
        if (res->interrupted) {
            snprintf(buf, cap, "unknown");
        } else {
            uint64_t c = 0;
            for (unsigned k = 0; k < job->parts; k++)
                c += res->parts[k].count;
            snprintf(buf, cap, "%llu", (unsigned long long)c);
        }
        return buf;
    }
    if (job->number < 2)
        snprintf(buf, cap, "neither");
    else if (alog_primes_divisor(res, NULL) != 0)
        snprintf(buf, cap, "composite");
    else if (res->interrupted)
        snprintf(buf, cap, "unknown");
    else
        snprintf(buf, cap, "prime");
    return buf;
}

int alog_primes_outcome(const alog_primes_result *res)
{
    return res->interrupted ? ALOG_EINTR : ALOG_OK;
}

/* ---- cells and the writers ------------------------------------------------ */

enum ctype { T_NONE, T_STR, T_U64, T_I64, T_F64 };

typedef struct cell {
    enum ctype t;
    union {
        const char *s;
        uint64_t u;
        int64_t i;
        double d;
    } v;
} cell;

typedef struct col {
    const char *name; /* CSV/JSON field, table head */
    int width;        /* table: minimum width; < 0: left-aligned text */
} col;

typedef struct section {
    const char *kind;  /* CSV first field */
    const char *json;  /* JSON member */
    const char *title; /* table block */
    int single;        /* one row: an object, a vertical list */
    const col *cols;
    size_t ncols;
} section;

typedef struct writer writer;

typedef struct fmt_ops {
    void (*begin)(writer *w);
    void (*header)(writer *w, const char *key, const char *value);
    void (*section)(writer *w, const section *s);
    void (*row)(writer *w, const cell *cells);
    void (*end)(writer *w);
} fmt_ops;

struct writer {
    FILE *f;
    const fmt_ops *ops;
    const section *cur;
    size_t rows;
    int failed;
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

/* A cell as text for CSV and the table (JSON quotes strings itself). */
static const char *cell_text(const cell *c, char *buf, size_t cap,
                             const char *none, int table)
{
    switch (c->t) {
    case T_NONE:
        return none;
    case T_STR:
        return c->v.s;
    case T_U64:
        snprintf(buf, cap, "%llu", (unsigned long long)c->v.u);
        return buf;
    case T_I64:
        snprintf(buf, cap, "%lld", (long long)c->v.i);
        return buf;
    case T_F64:
        if (!isfinite(c->v.d))
            return none;
        snprintf(buf, cap, table ? "%.6f" : "%.9g", c->v.d);
        return buf;
    }
    return none;
}

/* -- CSV -- */

static void csv_str(writer *w, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        w_printf(w, "%s", s);
        return;
    }
    w_printf(w, "\"");
    for (; *s; s++)
        w_printf(w, *s == '"' ? "\"\"" : "%c", *s);
    w_printf(w, "\"");
}

static void csv_begin(writer *w)
{
    (void)w;
}

static void csv_header(writer *w, const char *key, const char *value)
{
    w_printf(w, "# %s=%s\n", key, value);
}

static void csv_section(writer *w, const section *s)
{
    w->cur = s;
    w_printf(w, "kind");
    for (size_t i = 0; i < s->ncols; i++)
        w_printf(w, ",%s", s->cols[i].name);
    w_printf(w, "\n");
}

static void csv_row(writer *w, const cell *cells)
{
    char buf[64];
    w_printf(w, "%s", w->cur->kind);
    for (size_t i = 0; i < w->cur->ncols; i++) {
        w_printf(w, ",");
        csv_str(w, cell_text(&cells[i], buf, sizeof buf, "", 0));
    }
    w_printf(w, "\n");
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

static void json_str(writer *w, const char *s)
{
    w_printf(w, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            w_printf(w, "\\%c", c);
        else if (c < 0x20)
            w_printf(w, "\\u%04x", c);
        else
            w_printf(w, "%c", c);
    }
    w_printf(w, "\"");
}

static void json_begin(writer *w)
{
    w_printf(w, "{\n  \"header\": {");
    w->rows = 0;
}

static void json_header(writer *w, const char *key, const char *value)
{
    w_printf(w, "%s\n    ", w->rows++ ? "," : "");
    json_str(w, key);
    w_printf(w, ": ");
    json_str(w, value);
}

static void json_close(writer *w)
{
    if (w->cur == NULL)
        w_printf(w, "\n  }");
    else if (!w->cur->single)
        w_printf(w, "%s]", w->rows ? "\n  " : "");
}

static void json_section(writer *w, const section *s)
{
    json_close(w);
    w->cur = s;
    w->rows = 0;
    w_printf(w, ",\n  ");
    json_str(w, s->json);
    w_printf(w, ": %s", s->single ? "" : "[");
}

static void json_row(writer *w, const cell *cells)
{
    char buf[64];
    if (!w->cur->single)
        w_printf(w, "%s\n    ", w->rows ? "," : "");
    w->rows++;
    w_printf(w, "{");
    for (size_t i = 0; i < w->cur->ncols; i++) {
        w_printf(w, "%s", i ? ", " : "");
        json_str(w, w->cur->cols[i].name);
        w_printf(w, ": ");
        if (cells[i].t == T_STR)
            json_str(w, cells[i].v.s);
        else
            w_printf(w, "%s", cell_text(&cells[i], buf, sizeof buf, "null",
                                        0));
    }
    w_printf(w, "}");
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

static int col_width(const col *c)
{
    int n = (int)strlen(c->name);
    int w = c->width < 0 ? -c->width : c->width;
    return n > w ? n : w;
}

static void table_section(writer *w, const section *s)
{
    w->cur = s;
    w_printf(w, "\n== %s ==\n", s->title);
    if (s->single)
        return;
    for (size_t i = 0; i < s->ncols; i++) {
        const col *c = &s->cols[i];
        int last = i + 1 == s->ncols;
        if (c->width < 0)
            w_printf(w, "%s%-*s", i ? "  " : "", last ? 0 : col_width(c),
                     c->name);
        else
            w_printf(w, "%s%*s", i ? "  " : "", col_width(c), c->name);
    }
    w_printf(w, "\n");
}

static void table_row(writer *w, const cell *cells)
{
    char buf[64];
    const section *s = w->cur;
    for (size_t i = 0; i < s->ncols; i++) {
        const col *c = &s->cols[i];
        const char *t = cell_text(&cells[i], buf, sizeof buf, "-", 1);
        /* control bytes would break the columns */
        char safe[128];
        size_t n = 0;
        for (; t[n] && n + 1 < sizeof safe; n++)
            safe[n] = (unsigned char)t[n] < 0x20 ? '?' : t[n];
        safe[n] = '\0';
        if (s->single) {
            w_printf(w, "  %-20s %s\n", c->name, safe);
            continue;
        }
        int last = i + 1 == s->ncols;
        if (c->width < 0)
            w_printf(w, "%s%-*s", i ? "  " : "", last ? 0 : col_width(c),
                     safe);
        else
            w_printf(w, "%s%*s", i ? "  " : "", col_width(c), safe);
    }
    if (!s->single)
        w_printf(w, "\n");
}

static const fmt_ops table_ops = {
    .begin = csv_begin,
    .header = csv_header, /* the same '# key=value' lines */
    .section = table_section,
    .row = table_row,
    .end = csv_end,
};

static const fmt_ops *const formats[] = {
    [ALOG_FMT_TABLE] = &table_ops,
    [ALOG_FMT_CSV] = &csv_ops,
    [ALOG_FMT_JSON] = &json_ops,
};

/* ---- the sections ------------------------------------------------------------- */

enum { P_PART, P_LO, P_HI, P_CHUNKS, P_STEPS, P_DIVISOR, P_COUNT, P_BUSY,
       P_STOPPED, P_WHERE, P_N };

static const col part_cols[P_N] = {
    [P_PART] = {"part", 4},       [P_LO] = {"lo", 12},
    [P_HI] = {"hi", 12},          [P_CHUNKS] = {"chunks", 6},
    [P_STEPS] = {"steps", 12},    [P_DIVISOR] = {"divisor", 10},
    [P_COUNT] = {"count", 8},     [P_BUSY] = {"busy_s", 10},
    [P_STOPPED] = {"stopped", 7}, [P_WHERE] = {"where", -1},
};

static const section part_section = {
    .kind = "part", .json = "parts", .title = "parts", .single = 0,
    .cols = part_cols, .ncols = P_N,
};

enum { R_JOB, R_NUMBER, R_RANGE_LO, R_RANGE_HI, R_PARTS, R_SCHEDULE,
       R_KERNEL, R_ANSWER, R_DIVISOR, R_FOUND_PART, R_FOUND_WHERE, R_COUNT,
       R_STEPS, R_SERIAL_STEPS, R_SERIAL_S, R_MODEL_S, R_SPEEDUP,
       R_EFFICIENCY, R_INTERRUPTED, R_N };

static const col result_cols[R_N] = {
    [R_JOB] = {"job", 0},
    [R_NUMBER] = {"number", 0},
    [R_RANGE_LO] = {"range_lo", 0},
    [R_RANGE_HI] = {"range_hi", 0},
    [R_PARTS] = {"parts", 0},
    [R_SCHEDULE] = {"schedule", 0},
    [R_KERNEL] = {"kernel", 0},
    [R_ANSWER] = {"answer", 0},
    [R_DIVISOR] = {"divisor", 0},
    [R_FOUND_PART] = {"found_part", 0},
    [R_FOUND_WHERE] = {"found_where", 0},
    [R_COUNT] = {"count", 0},
    [R_STEPS] = {"steps", 0},
    [R_SERIAL_STEPS] = {"serial_steps", 0},
    [R_SERIAL_S] = {"serial_s", 0},
    [R_MODEL_S] = {"model_s", 0},
    [R_SPEEDUP] = {"speedup", 0},
    [R_EFFICIENCY] = {"efficiency", 0},
    [R_INTERRUPTED] = {"interrupted", 0},
};

static const section result_section = {
    .kind = "result", .json = "result", .title = "result", .single = 1,
    .cols = result_cols, .ncols = R_N,
};

static cell c_u64(uint64_t u)
{
    return (cell){.t = T_U64, .v.u = u};
}

static cell c_i64(int64_t i)
{
    return (cell){.t = T_I64, .v.i = i};
}

static cell c_f64(double d)
{
    return (cell){.t = isfinite(d) ? T_F64 : T_NONE, .v.d = d};
}

static cell c_str(const char *s)
{
    return (cell){.t = T_STR, .v.s = s};
}

static cell c_none(void)
{
    return (cell){.t = T_NONE};
}

static const char *schedule_name(int s)
{
    return s == ALOG_SCHED_DYNAMIC ? "dynamic" : "static";
}

static void write_header(writer *w, const alog_primes_result *res)
{
    const alog_primes_job *job = &res->job;
    char buf[96], host[256] = "unknown";
    if (gethostname(host, sizeof host) != 0)
        strcpy(host, "unknown");
    host[sizeof host - 1] = '\0';

    w->ops->header(w, "alog", ALOG_VERSION);
    w->ops->header(w, "model", res->model);
    w->ops->header(w, "job", "primes");
    if (job->range) {
        snprintf(buf, sizeof buf, "%llu:%llu",
                 (unsigned long long)job->range_lo,
                 (unsigned long long)job->range_hi);
        w->ops->header(w, "range", buf);
    } else {
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)job->number);
        w->ops->header(w, "number", buf);
    }
    snprintf(buf, sizeof buf, "%u", job->parts);
    w->ops->header(w, "parts", buf);
    w->ops->header(w, "schedule", schedule_name(job->schedule));
    if (job->schedule == ALOG_SCHED_DYNAMIC) {
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)job->chunk);
        w->ops->header(w, "chunk", buf);
    }
    w->ops->header(w, "kernel", alog_kernel_name(job->kernel));
    w->ops->header(w, "simd", alog_trial_simd(job->kernel));
    w->ops->header(w, "clock", res->clock);
    w->ops->header(w, "host", host);
    snprintf(buf, sizeof buf, "%ld", sysconf(_SC_NPROCESSORS_ONLN));
    w->ops->header(w, "cores", buf);
    w->ops->header(w, "baseline", res->baseline ? "serial" : "none");
    for (unsigned i = 0; i < res->n_extra; i++)
        w->ops->header(w, res->extra_key[i], res->extra_val[i]);
}

static void write_parts(writer *w, const alog_primes_result *res)
{
    w->ops->section(w, &part_section);
    for (unsigned k = 0; k < res->job.parts; k++) {
        const alog_primes_part *p = &res->parts[k];
        char where[sizeof p->where + 1];
        memcpy(where, p->where, sizeof p->where);
        where[sizeof p->where] = '\0';
        int none = p->lo > p->hi;
        cell c[P_N] = {
            [P_PART] = c_u64(k),
            [P_LO] = none ? c_none() : c_u64(p->lo),
            [P_HI] = none ? c_none() : c_u64(p->hi),
            [P_CHUNKS] = c_u64(p->chunks),
            [P_STEPS] = c_u64(p->steps),
            [P_DIVISOR] = c_u64(p->divisor),
            [P_COUNT] = c_u64(p->count),
            [P_BUSY] = c_f64(p->seconds),
            [P_STOPPED] = c_u64(p->stopped != 0),
            [P_WHERE] = c_str(where),
        };
        w->ops->row(w, c);
    }
}

static void write_result(writer *w, const alog_primes_result *res)
{
    const alog_primes_job *job = &res->job;
    char answer[32], found[160] = "";
    int part = -1;
    uint64_t divisor = alog_primes_divisor(res, &part);
    uint64_t steps = 0, count = 0;
    for (unsigned k = 0; k < job->parts; k++) {
        steps += res->parts[k].steps;
        count += res->parts[k].count;
    }
    if (part >= 0) {
        const alog_primes_part *p = &res->parts[part];
        /* no comma: scripts split the CSV row on commas */
        snprintf(found, sizeof found, "part %d [%llu..%llu] %.*s", part,
                 (unsigned long long)p->lo, (unsigned long long)p->hi,
                 (int)strnlen(p->where, sizeof p->where), p->where);
    }
    double speedup = NAN, efficiency = NAN;
    if (res->baseline && res->model_s > 0 && isfinite(res->serial_s)) {
        speedup = res->serial_s / res->model_s;
        efficiency = speedup / job->parts;
    }
    cell c[R_N] = {
        [R_JOB] = c_str(job->range ? "range" : "number"),
        [R_NUMBER] = job->range ? c_none() : c_u64(job->number),
        [R_RANGE_LO] = job->range ? c_u64(job->range_lo) : c_none(),
        [R_RANGE_HI] = job->range ? c_u64(job->range_hi) : c_none(),
        [R_PARTS] = c_u64(job->parts),
        [R_SCHEDULE] = c_str(schedule_name(job->schedule)),
        [R_KERNEL] = c_str(alog_kernel_name(job->kernel)),
        [R_ANSWER] = c_str(alog_primes_answer(res, answer, sizeof answer)),
        [R_DIVISOR] = job->range ? c_none() : c_u64(divisor),
        [R_FOUND_PART] = part >= 0 ? c_i64(part) : c_none(),
        [R_FOUND_WHERE] = part >= 0 ? c_str(found) : c_none(),
        [R_COUNT] = job->range ? c_u64(count) : c_none(),
        [R_STEPS] = c_u64(steps),
        [R_SERIAL_STEPS] = res->baseline ? c_u64(res->serial.steps) : c_none(),
        [R_SERIAL_S] = res->baseline ? c_f64(res->serial_s) : c_none(),
        [R_MODEL_S] = c_f64(res->model_s),
        [R_SPEEDUP] = c_f64(speedup),
        [R_EFFICIENCY] = c_f64(efficiency),
        [R_INTERRUPTED] = c_u64(res->interrupted != 0),
    };
    w->ops->section(w, &result_section);
    w->ops->row(w, c);
}

int alog_primes_report_write(FILE *out, int format,
                             const alog_primes_result *res)
{
    if (format < 0 || format > ALOG_FMT_JSON)
        format = ALOG_FMT_TABLE;
    writer w = {.f = out, .ops = formats[format]};
    w.ops->begin(&w);
    write_header(&w, res);
    write_parts(&w, res);
    write_result(&w, res);
    w.ops->end(&w);
    if (fflush(out) != 0 || ferror(out))
        w.failed = 1;
    return w.failed ? ALOG_EIO : ALOG_OK;
}
