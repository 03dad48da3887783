/* primes_report.c - the report of a primes run: '# key=value' header, one
 * row per part, one result row; table, CSV or JSON.
 *
 * The same stack as the log job's report: the header is an alog_result's
 * key list built with alog_report_header_common first, rows are typed
 * cells, and the writers (writer.c) decide how they look.  A cell may be absent (a
 * range job has no number, a run without baseline no speedup): empty in
 * CSV, null in JSON, "-" in the table.
 */
#include "primes.h"
#include "writer.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* ---- results ------------------------------------------------------------- */

int alog_primes_result_init(alog_primes_result *res, const char *model,
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
    res->model_keys = alog_result_new(0);
    return res->model_keys != NULL ? ALOG_OK : ALOG_ENOMEM;
}

void alog_primes_result_free(alog_primes_result *res)
{
    alog_result_free(res->model_keys);
    res->model_keys = NULL;
}

int alog_primes_result_extra(alog_primes_result *res, const char *key,
                             const char *fmt, ...)
{
    char value[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    return alog_result_header(res->model_keys, key, "%s", value);
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

/* ---- the sections ------------------------------------------------------------- */

enum { P_PART, P_LO, P_HI, P_CHUNKS, P_STEPS, P_DIVISOR, P_COUNT, P_BUSY,
       P_STOPPED, P_WHERE, P_N };

/* Every column is in all formats; the table shows seconds with 6
 * decimals. */
static const alog_col part_cols[P_N] = {
    [P_PART] = {ALOG_COL("part", U64, BOTH), .width = 4},
    [P_LO] = {ALOG_COL("lo", U64, BOTH), .width = 12},
    [P_HI] = {ALOG_COL("hi", U64, BOTH), .width = 12},
    [P_CHUNKS] = {ALOG_COL("chunks", U64, BOTH), .width = 6},
    [P_STEPS] = {ALOG_COL("steps", U64, BOTH), .width = 12},
    [P_DIVISOR] = {ALOG_COL("divisor", U64, BOTH), .width = 10},
    [P_COUNT] = {ALOG_COL("count", U64, BOTH), .width = 8},
    [P_BUSY] = {ALOG_COL("busy_s", F64, BOTH), .width = 10, .decimals = 6},
    [P_STOPPED] = {ALOG_COL("stopped", U64, BOTH), .width = 7},
    [P_WHERE] = {ALOG_COL("where", STR, BOTH)},
};

static const alog_section part_section = {
    .kind = "part", .json = "parts", .title = "parts", .single = 0,
    .cols = part_cols, .ncols = P_N,
};

enum { R_JOB, R_NUMBER, R_RANGE_LO, R_RANGE_HI, R_PARTS, R_SCHEDULE,
       R_KERNEL, R_ANSWER, R_DIVISOR, R_FOUND_PART, R_FOUND_WHERE, R_COUNT,
       R_STEPS, R_SERIAL_STEPS, R_SERIAL_S, R_MODEL_S, R_SPEEDUP,
       R_EFFICIENCY, R_INTERRUPTED, R_N };

static const alog_col result_cols[R_N] = {
    [R_JOB] = {ALOG_COL("job", STR, BOTH)},
    [R_NUMBER] = {ALOG_COL("number", U64, BOTH)},
    [R_RANGE_LO] = {ALOG_COL("range_lo", U64, BOTH)},
    [R_RANGE_HI] = {ALOG_COL("range_hi", U64, BOTH)},
    [R_PARTS] = {ALOG_COL("parts", U64, BOTH)},
    [R_SCHEDULE] = {ALOG_COL("schedule", STR, BOTH)},
    [R_KERNEL] = {ALOG_COL("kernel", STR, BOTH)},
    [R_ANSWER] = {ALOG_COL("answer", STR, BOTH)},
    [R_DIVISOR] = {ALOG_COL("divisor", U64, BOTH)},
    [R_FOUND_PART] = {ALOG_COL("found_part", I64, BOTH)},
    [R_FOUND_WHERE] = {ALOG_COL("found_where", STR, BOTH)},
    [R_COUNT] = {ALOG_COL("count", U64, BOTH)},
    [R_STEPS] = {ALOG_COL("steps", U64, BOTH)},
    [R_SERIAL_STEPS] = {ALOG_COL("serial_steps", U64, BOTH)},
    [R_SERIAL_S] = {ALOG_COL("serial_s", F64, BOTH), .decimals = 6},
    [R_MODEL_S] = {ALOG_COL("model_s", F64, BOTH), .decimals = 6},
    [R_SPEEDUP] = {ALOG_COL("speedup", F64, BOTH), .decimals = 6},
    [R_EFFICIENCY] = {ALOG_COL("efficiency", F64, BOTH), .decimals = 6},
    [R_INTERRUPTED] = {ALOG_COL("interrupted", U64, BOTH)},
};

static const alog_section result_section = {
    .kind = "result", .json = "result", .title = "result", .single = 1,
    .cols = result_cols, .ncols = R_N,
};

/* Cells: the column gives the type; a cell only says whether it is there. */
static alog_cell c_u64(uint64_t u)
{
    return (alog_cell){.v.u = u};
}

static alog_cell c_i64(int64_t i)
{
    return (alog_cell){.v.i = i};
}

static alog_cell c_f64(double d)
{
    return (alog_cell){.v.d = d, .absent = !isfinite(d)};
}

static alog_cell c_str(const char *s)
{
    return (alog_cell){.v.s = s, .len = strlen(s)};
}

static alog_cell c_none(void)
{
    return (alog_cell){.absent = 1};
}

static const char *schedule_name(int s)
{
    return s == ALOG_SCHED_DYNAMIC ? "dynamic" : "static";
}

/* The whole header, in one order: common keys, the job's, the model's. */
static int build_header(alog_result *h, const alog_primes_result *res)
{
    const alog_primes_job *job = &res->job;
    int rc = alog_report_header_common(h, res->model, "primes", res->clock);
    if (rc == 0 && job->range)
        rc = alog_result_header(h, "range", "%llu:%llu",
                                (unsigned long long)job->range_lo,
                                (unsigned long long)job->range_hi);
    else if (rc == 0)
        rc = alog_result_header(h, "number", "%llu",
                                (unsigned long long)job->number);
    rc = rc ? rc : alog_result_header(h, "parts", "%u", job->parts);
    rc = rc ? rc : alog_result_header(h, "schedule", "%s",
                                      schedule_name(job->schedule));
    if (rc == 0 && job->schedule == ALOG_SCHED_DYNAMIC)
        rc = alog_result_header(h, "chunk", "%llu",
                                (unsigned long long)job->chunk);
    rc = rc ? rc : alog_result_header(h, "kernel", "%s",
                                      alog_kernel_name(job->kernel));
    rc = rc ? rc : alog_result_header(h, "simd", "%s",
                                      alog_trial_simd(job->kernel));
    rc = rc ? rc : alog_result_header(h, "baseline", "%s",
                                      res->baseline ? "serial" : "none");
    size_t n = alog_result_header_count(res->model_keys);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *key, *value;
        alog_result_header_at(res->model_keys, i, &key, &value);
        rc = alog_result_header(h, key, "%s", value);
    }
    return rc;
}

static void write_parts(alog_writer *w, const alog_primes_result *res)
{
    w->ops->section(w, &part_section, NULL);
    for (unsigned k = 0; k < res->job.parts; k++) {
        const alog_primes_part *p = &res->parts[k];
        char where[sizeof p->where + 1];
        memcpy(where, p->where, sizeof p->where);
        where[sizeof p->where] = '\0';
        int none = p->lo > p->hi;
        alog_cell c[P_N] = {
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

static void write_result(alog_writer *w, const alog_primes_result *res)
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
    alog_cell c[R_N] = {
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
    w->ops->section(w, &result_section, NULL);
    w->ops->row(w, c);
}

int alog_primes_report_write(FILE *out, int format,
                             const alog_primes_result *res)
{
    if (format < 0 || format > ALOG_FMT_JSON)
        format = ALOG_FMT_TABLE;
    alog_writer w;
    if (alog_writer_init(&w, out, format) != ALOG_OK)
        return ALOG_EIO; /* no stream */
    alog_result *h = alog_result_new(0);
    if (h == NULL || build_header(h, res) != ALOG_OK) {
        alog_result_free(h);
        return ALOG_ENOMEM;
    }
    w.ops->begin(&w);
    alog_writer_headers(&w, h);
    alog_result_free(h);
    write_parts(&w, res);
    write_result(&w, res);
    w.ops->end(&w);
    alog_writer_flush(&w);
    return alog_writer_status(&w); /* errno: why, for the message */
}
