/* options.c - the configuration and its one option table.
 *
 * A single const table describes every option: its names, argument, the
 * programs (models) and jobs it belongs to, how its value is checked and
 * stored, and its help line.  Parsing and --help both walk that table, so
 * an option cannot be accepted without being documented or the reverse.
 */
#include "alog.h"
#include "options_main.h"
#include "primes.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define M_ASYNC ALOG_MODEL_ASYNC
#define M_MPI ALOG_MODEL_MPI
#define M_OMP ALOG_MODEL_OMP
#define M_PROD ALOG_MODEL_PRODUCER
#define M_RUN (M_ASYNC | M_MPI | M_OMP) /* the collecting programs */
#define M_ALL (M_RUN | M_PROD)

#define J_LOG (1u << ALOG_JOB_LOG)
#define J_PRIMES (1u << ALOG_JOB_PRIMES)
#define J_BOTH (J_LOG | J_PRIMES)

#define INTERVAL_MAX 86400.0 /* one day between records is plenty */
#define LIST_MAX 65536u      /* interval list items */

/* The original experiment: three producers at 0.2, 0.1 and 1 s.  Static
 * so that alog_config_init allocates nothing and may be called twice. */
static double default_intervals[] = {0.2, 0.1, 1.0};

enum opt_kind {
    K_UINT,      /* unsigned field, range ulo..uhi */
    K_INT,       /* int field, range ulo..uhi */
    K_U64,       /* uint64_t field */
    K_I64,       /* int64_t field, range within 0..INT64_MAX */
    K_DOUBLE,    /* double field, range dlo..dhi (dopen: > dlo) */
    K_CHOICE,    /* int field, one of choices[] */
    K_SET,       /* flag: int field = set */
    K_STRING,    /* const char * field, points into argv */
    K_INTERVALS, /* comma list of seconds */
    K_EXEC,      /* repeatable command */
    K_RANGE,     /* A:B, both u64 */
    K_HELP,
    K_VERSION,
};

enum opt_group { G_RUN, G_ASYNC, G_MODEL, G_OUT, G_PRIMES, G_PROD, G_INFO,
                 G_COUNT };

static const char *const group_title[G_COUNT] = {
    [G_RUN] = "Producers",
    [G_ASYNC] = "Pipes",
    [G_MODEL] = "Collection",
    [G_OUT] = "Output",
    [G_PRIMES] = "Primes job",
    [G_PROD] = "Producer program",
    [G_INFO] = "Information",
};

typedef struct opt_choice {
    const char *name;
    int value;
} opt_choice;

typedef struct opt {
    const char *name;  /* long name, without "--" */
    char shrt;         /* short letter or 0 */
    const char *arg;   /* argument name; NULL: a flag */
    unsigned models;   /* ALOG_MODEL_* mask */
    unsigned jobs;     /* J_* mask */
    enum opt_kind kind;
    size_t off;        /* field in alog_config */
    uint64_t ulo, uhi; /* integer kinds */
    double dlo, dhi;   /* K_DOUBLE */
    int dopen;         /* K_DOUBLE: lower bound excluded */
    int set;           /* K_SET: value stored */
    const opt_choice *choices; /* K_CHOICE, NULL-name terminated */
    enum opt_group group;
    const char *help;
    const char *def;   /* default shown in --help, or NULL */
} opt;

#define F(field) offsetof(alog_config, field)

static const opt_choice wire_choices[] = {
    {"text", ALOG_WIRE_TEXT}, {"binary", ALOG_WIRE_BINARY}, {NULL, 0}};
static const opt_choice readers_choices[] = {
    {"epoll", ALOG_READERS_EPOLL}, {"threads", ALOG_READERS_THREADS},
    {NULL, 0}};
static const opt_choice format_choices[] = {
    {"table", ALOG_FMT_TABLE}, {"csv", ALOG_FMT_CSV}, {"json", ALOG_FMT_JSON},
    {NULL, 0}};
static const opt_choice mpi_collect_choices[] = {
    {"blocking", ALOG_COLLECT_BLOCKING}, {"async", ALOG_COLLECT_ASYNC},
    {NULL, 0}};
static const opt_choice omp_collect_choices[] = {
    {"none", ALOG_COLLECT_NONE}, {"thread", ALOG_COLLECT_THREAD}, {NULL, 0}};
/* The kernels of primes_kernel.c, in the order of enum alog_kernel. */
static const opt_choice kernel_choices[] = {
    {"wheel", ALOG_KERNEL_WHEEL}, {"odd", ALOG_KERNEL_ODD},
    {"div", ALOG_KERNEL_DIV}, {NULL, 0}};
static const opt_choice schedule_choices[] = {
    {"static", ALOG_SCHED_STATIC}, {"dynamic", ALOG_SCHED_DYNAMIC},
    {NULL, 0}};

/* The one table.  --collect appears twice: the same name with different
 * values per model, and each program sees only its own entry. */
static const opt options[] = {
    {.name = "producers", .shrt = 'n', .arg = "N", .models = M_ASYNC | M_OMP,
     .jobs = J_BOTH, .kind = K_UINT, .off = F(producers), .ulo = 1,
     .uhi = 65536, .group = G_RUN,
     .help = "number of producers (intervals are cycled over them)",
     .def = "one per interval"},
    {.name = "interval", .arg = "LIST", .models = M_ALL, .jobs = J_LOG,
     .kind = K_INTERVALS, .off = F(intervals), .group = G_RUN,
     .help = "seconds between records, comma list cycled over producers; "
             "0 = as fast as possible",
     .def = "0.2,0.1,1"},
    {.name = "rate", .arg = "HZ", .models = M_ALL, .jobs = J_LOG,
     .kind = K_DOUBLE, .off = F(rate), .dlo = 0, .dhi = 1e9, .dopen = 1,
     .group = G_RUN, .help = "records per second for every producer "
                             "(overrides --interval)"},
    {.name = "count", .arg = "N", .models = M_ALL, .jobs = J_LOG,
     .kind = K_U64, .off = F(count), .ulo = 1, .uhi = UINT64_C(1) << 63,
     .group = G_RUN, .help = "records per producer",
     .def = "10, or unlimited with --duration"},
    {.name = "duration", .arg = "S", .models = M_ALL, .jobs = J_LOG,
     .kind = K_DOUBLE, .off = F(duration), .dlo = 0, .dhi = 31536000.0,
     .dopen = 1, .group = G_RUN, .help = "stop after S seconds"},
    {.name = "payload", .arg = "BYTES", .models = M_ALL, .jobs = J_LOG,
     .kind = K_UINT, .off = F(payload), .ulo = 0, .uhi = ALOG_WIRE_MAX,
     .group = G_RUN, .help = "record size on the wire (0 = natural size)",
     .def = "0"},
    {.name = "work", .arg = "N", .models = M_ALL, .jobs = J_LOG,
     .kind = K_U64, .off = F(work), .ulo = 0, .uhi = UINT64_C(1000000000000),
     .group = G_RUN,
     .help = "trial-division steps of CPU work per record, done by the "
             "producer before it stamps the record",
     .def = "0"},
    {.name = "collect-work", .arg = "N", .models = M_RUN, .jobs = J_LOG,
     .kind = K_U64, .off = F(collect_work), .ulo = 0,
     .uhi = UINT64_C(1000000000000), .group = G_RUN,
     .help = "trial-division steps of CPU work per record where it is "
             "stored (the epoll loop, each reader thread, the collector "
             "thread, each OpenMP thread keeping its own list, rank 0)",
     .def = "0"},
    {.name = "fail-after", .arg = "K", .models = M_ALL, .jobs = J_LOG,
     .kind = K_I64, .off = F(fail_after), .ulo = 0, .uhi = INT64_MAX,
     .group = G_RUN, .help = "testing: the last producer stops after K "
                             "records",
     .def = "never"},
    {.name = "wire", .arg = "text|binary", .models = M_ASYNC | M_PROD,
     .jobs = J_LOG, .kind = K_CHOICE, .off = F(wire),
     .choices = wire_choices, .group = G_ASYNC,
     .help = "record encoding on the pipes", .def = "text"},
    {.name = "readers", .arg = "epoll|threads", .models = M_ASYNC,
     .jobs = J_LOG, .kind = K_CHOICE, .off = F(readers),
     .choices = readers_choices, .group = G_ASYNC,
     .help = "one epoll loop, or one reader thread per pipe",
     .def = "epoll"},
    {.name = "exec", .arg = "CMD", .models = M_ASYNC, .jobs = J_LOG,
     .kind = K_EXEC, .off = F(exec), .group = G_ASYNC,
     .help = "run CMD (sh -c); each of its output lines is a record; "
             "repeatable, one producer each"},
    {.name = "collect", .arg = "blocking|async", .models = M_MPI,
     .jobs = J_BOTH, .kind = K_CHOICE, .off = F(collect),
     .choices = mpi_collect_choices, .group = G_MODEL,
     .help = "MPI_Recv loop, or pre-posted receives + MPI_Waitsome",
     .def = "async"},
    {.name = "collect", .arg = "none|thread", .models = M_OMP,
     .jobs = J_BOTH, .kind = K_CHOICE, .off = F(collect),
     .choices = omp_collect_choices, .group = G_MODEL,
     .help = "each thread its own list, or a collector thread over rings",
     .def = "thread"},
    {.name = "batch", .arg = "K", .models = M_MPI, .jobs = J_LOG,
     .kind = K_UINT, .off = F(batch), .ulo = 1, .uhi = 65536,
     .group = G_MODEL, .help = "records per message", .def = "1"},
    {.name = "flush-ms", .arg = "MS", .models = M_MPI, .jobs = J_LOG,
     .kind = K_DOUBLE, .off = F(flush_ms), .dlo = 0, .dhi = 3600000.0,
     .group = G_MODEL, .help = "send a partial batch after MS milliseconds",
     .def = "10"},
    {.name = "ring", .arg = "N", .models = M_OMP, .jobs = J_LOG,
     .kind = K_UINT, .off = F(ring), .ulo = 2, .uhi = 1u << 24,
     .group = G_MODEL, .help = "ring capacity per thread, records",
     .def = "4096"},
    {.name = "format", .arg = "table|csv|json", .models = M_RUN,
     .jobs = J_BOTH, .kind = K_CHOICE, .off = F(format),
     .choices = format_choices, .group = G_OUT, .help = "report format",
     .def = "table"},
    {.name = "timeline", .models = M_RUN, .jobs = J_BOTH, .kind = K_SET,
     .off = F(show), .set = ALOG_SHOW_ALL, .group = G_OUT,
     .help = "always show records by producer and the timeline",
     .def = "only up to 1000 records"},
    {.name = "quiet", .shrt = 'q', .models = M_RUN, .jobs = J_BOTH,
     .kind = K_SET, .off = F(show), .set = ALOG_SHOW_REPORT, .group = G_OUT,
     .help = "show only the report"},
    {.name = "output", .shrt = 'o', .arg = "FILE", .models = M_RUN,
     .jobs = J_BOTH, .kind = K_STRING, .off = F(output), .group = G_OUT,
     .help = "write the report to FILE (atomically)", .def = "stdout"},
    {.name = "number", .arg = "N", .models = M_RUN, .jobs = J_PRIMES,
     .kind = K_U64, .off = F(number), .ulo = 0, .uhi = UINT64_MAX,
     .group = G_PRIMES, .help = "number to test for primality",
     .def = "10657331232548839"},
    {.name = "range", .arg = "A:B", .models = M_RUN, .jobs = J_PRIMES,
     .kind = K_RANGE, .group = G_PRIMES,
     .help = "count the primes in A..B instead"},
    {.name = "parts", .shrt = 'P', .arg = "P", .models = M_RUN,
     .jobs = J_PRIMES, .kind = K_UINT, .off = F(parts), .ulo = 1,
     .uhi = 65536, .group = G_PRIMES,
     .help = "split the work into P parts",
     .def = "4 interleaved; cores for processes and omp; ranks for mpi"},
    {.name = "schedule", .arg = "static|dynamic", .models = M_RUN,
     .jobs = J_PRIMES, .kind = K_CHOICE, .off = F(schedule),
     .choices = schedule_choices, .group = G_PRIMES,
     .help = "how parts are handed out", .def = "static"},
    {.name = "kernel", .arg = "wheel|odd|div", .models = M_RUN,
     .jobs = J_PRIMES, .kind = K_CHOICE, .off = F(kernel),
     .choices = kernel_choices, .group = G_PRIMES,
     .help = "trial division: 2-3-5 wheel, odd divisors, or odd divisors "
             "with `%` only",
     .def = "$ALOG_PRIMES_KERNEL, else wheel"},
    {.name = "processes", .models = M_ASYNC, .jobs = J_PRIMES,
     .kind = K_SET, .off = F(processes), .set = 1, .group = G_PRIMES,
     .help = "compute parts in child processes"},
    {.name = "no-baseline", .models = M_RUN, .jobs = J_PRIMES,
     .kind = K_SET, .off = F(no_baseline), .set = 1, .group = G_PRIMES,
     .help = "skip the serial baseline"},
    {.name = "id", .arg = "I", .models = M_PROD, .jobs = J_LOG,
     .kind = K_INT, .off = F(producer_id), .ulo = 0, .uhi = 65535,
     .group = G_PROD, .help = "this producer's index", .def = "0"},
    {.name = "start-ns", .arg = "NS", .models = M_PROD, .jobs = J_LOG,
     .kind = K_I64, .off = F(start_ns), .ulo = 0, .uhi = INT64_MAX,
     .group = G_PROD, .help = "CLOCK_MONOTONIC time of record 0",
     .def = "now"},
    {.name = "help", .shrt = 'h', .models = M_ALL, .jobs = J_BOTH,
     .kind = K_HELP, .group = G_INFO, .help = "show this help and exit"},
    {.name = "version", .models = M_ALL, .jobs = J_BOTH, .kind = K_VERSION,
     .group = G_INFO, .help = "show the version and exit"},
};

#define N_OPTIONS (sizeof options / sizeof options[0])

/* ---- configuration ---------------------------------------------------- */

void alog_config_init(alog_config *cfg, int model)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->model = model;
    cfg->job = ALOG_JOB_LOG;
    cfg->producers = 0;
    cfg->intervals = default_intervals;
    cfg->n_intervals = sizeof default_intervals / sizeof default_intervals[0];
    cfg->count = 10;
    cfg->wire = ALOG_WIRE_TEXT;
    cfg->readers = ALOG_READERS_EPOLL;
    cfg->format = ALOG_FMT_TABLE;
    cfg->show = ALOG_SHOW_AUTO;
    if (model == ALOG_MODEL_MPI)
        cfg->collect = ALOG_COLLECT_ASYNC;
    else if (model == ALOG_MODEL_OMP)
        cfg->collect = ALOG_COLLECT_THREAD;
    else
        cfg->collect = ALOG_COLLECT_DEFAULT;
    cfg->batch = 1;
    cfg->flush_ms = 10.0;
    cfg->fail_after = -1;
    cfg->ring = 4096;
    cfg->number = UINT64_C(10657331232548839);
    cfg->schedule = ALOG_SCHED_STATIC;
    cfg->kernel = -1; /* $ALOG_PRIMES_KERNEL, else the default */
}

void alog_config_free(alog_config *cfg)
{
    if (cfg->intervals != default_intervals)
        free(cfg->intervals);
    cfg->intervals = default_intervals;
    cfg->n_intervals = sizeof default_intervals / sizeof default_intervals[0];
    for (unsigned i = 0; i < cfg->n_exec; i++)
        free(cfg->exec[i]);
    free(cfg->exec);
    cfg->exec = NULL;
    cfg->n_exec = 0;
}

unsigned alog_config_producers(const alog_config *cfg)
{
    if (cfg->producers > 0)
        return cfg->producers;
    if (cfg->n_exec > 0)
        return cfg->n_exec;
    return cfg->n_intervals;
}

static int64_t seconds_ns(double s)
{
    if (!(s > 0)) /* also NaN */
        return 0;
    double ns = s * 1e9 + 0.5;
    if (ns >= 9.2e18)
        return INT64_MAX;
    return (int64_t)ns;
}

int64_t alog_config_interval_ns(const alog_config *cfg, unsigned i)
{
    if (cfg->rate > 0)
        return seconds_ns(1.0 / cfg->rate);
    if (cfg->n_intervals == 0 || cfg->intervals == NULL)
        return 0;
    return seconds_ns(cfg->intervals[i % cfg->n_intervals]);
}

/* ---- value parsing ---------------------------------------------------- */

/* Parsers return NULL when fine, else the reason, written into why. */

static const char *parse_u64(const char *s, uint64_t lo, uint64_t hi,
                             uint64_t *out, char *why, size_t wlen)
{
    /* strtoull skips blanks, takes a sign and wraps "-1": refuse all. */
    if (s[0] == '-' && s[1] >= '0' && s[1] <= '9') {
        snprintf(why, wlen, "must be at least %llu", (unsigned long long)lo);
        return why;
    }
    if (!(s[0] >= '0' && s[0] <= '9'))
        return "must be an unsigned integer";
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0')
        return "must be an unsigned integer";
    if (errno == ERANGE || v > hi) {
        snprintf(why, wlen, "must be at most %llu", (unsigned long long)hi);
        return why;
    }
    if (v < lo) {
        snprintf(why, wlen, "must be at least %llu", (unsigned long long)lo);
        return why;
    }
    *out = v;
    return NULL;
}

/* A bound as people write it: 1000000000, not 1e+09. */
static const char *num_text(double d, char *buf, size_t len)
{
    if (d == floor(d) && fabs(d) < 1e15)
        snprintf(buf, len, "%.0f", d);
    else
        snprintf(buf, len, "%g", d);
    return buf;
}

static const char *parse_double(const char *s, double lo, double hi,
                                int open_lo, double *out, char *why,
                                size_t wlen)
{
    /* strtod would skip leading blanks: a value is the whole word. */
    if (s[0] == '\0' || isspace((unsigned char)s[0]))
        return "must be a number";
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (*end != '\0' || end == s)
        return "must be a number";
    if (isnan(v) || (isinf(v) && errno != ERANGE))
        return "must be a finite number";
    char bound[32];
    if (open_lo ? !(v > lo) : !(v >= lo)) {
        snprintf(why, wlen, "must be %s %s", open_lo ? "greater than" :
                 "at least", num_text(lo, bound, sizeof bound));
        return why;
    }
    if (!(v <= hi)) {
        snprintf(why, wlen, "must be at most %s",
                 num_text(hi, bound, sizeof bound));
        return why;
    }
    *out = v;
    return NULL;
}

/* ---- errors ------------------------------------------------------------ */

typedef struct perr {
    char *buf;
    size_t len;
    const char *prog;
} perr;

static int bad(const perr *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Every message: "<prog>: <what> (see --help)", one line. */
static int bad(const perr *e, const char *fmt, ...)
{
    if (e->buf == NULL || e->len == 0)
        return ALOG_PARSE_BAD;
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(e->buf, e->len, "%s: %s (see --help)", e->prog, what);
    /* A value with a newline must not break the one-line promise. */
    for (char *p = e->buf; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return ALOG_PARSE_BAD;
}

static int bad_value(const perr *e, const opt *o, const char *val,
                     const char *why)
{
    return bad(e, "--%s '%s': %s", o->name, val, why);
}

static void choices_list(const opt_choice *c, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (; c->name; c++) {
        int w = snprintf(buf + n, len - n, "%s%s", n ? "|" : "", c->name);
        if (w < 0 || (size_t)w >= len - n)
            break;
        n += (size_t)w;
    }
}

/* ---- storing values ---------------------------------------------------- */

static int set_intervals(alog_config *cfg, const opt *o, const char *val,
                         const perr *e)
{
    size_t n = 1;
    for (const char *p = val; *p; p++)
        n += *p == ',';
    if (n > LIST_MAX) {
        char why[64];
        snprintf(why, sizeof why, "at most %u items", LIST_MAX);
        return bad_value(e, o, val, why);
    }
    double *v = malloc(n * sizeof *v);
    if (v == NULL)
        return bad(e, "--%s: out of memory", o->name);
    const char *p = val;
    for (size_t i = 0; i < n; i++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[64], why[96], msg[192];
        const char *r;
        if (len == 0) {
            r = "empty item";
        } else if (len >= sizeof item) {
            r = "item too long";
        } else {
            memcpy(item, p, len);
            item[len] = '\0';
            r = parse_double(item, 0.0, INTERVAL_MAX, 0, &v[i], why,
                             sizeof why);
            if (r != NULL) {
                snprintf(msg, sizeof msg, "'%s' %s", item, r);
                r = msg;
            }
        }
        if (r != NULL) {
            free(v);
            return bad_value(e, o, val, r);
        }
        p = comma ? comma + 1 : p + len;
    }
    if (cfg->intervals != default_intervals)
        free(cfg->intervals);
    cfg->intervals = v;
    cfg->n_intervals = (unsigned)n;
    return ALOG_PARSE_OK;
}

static int add_exec(alog_config *cfg, const opt *o, const char *val,
                    const perr *e)
{
    if (val[0] == '\0')
        return bad_value(e, o, val, "must be a command");
    if (cfg->n_exec >= 65536)
        return bad_value(e, o, val, "too many commands (at most 65536)");
    char **v = realloc(cfg->exec, (cfg->n_exec + 1) * sizeof *v);
    if (v == NULL)
        return bad(e, "--%s: out of memory", o->name);
    cfg->exec = v;
    char *dup = strdup(val);
    if (dup == NULL)
        return bad(e, "--%s: out of memory", o->name);
    cfg->exec[cfg->n_exec++] = dup;
    return ALOG_PARSE_OK;
}

static int set_range(alog_config *cfg, const opt *o, const char *val,
                     const perr *e)
{
    const char *colon = strchr(val, ':');
    char a[32], why[96];
    uint64_t lo, hi;
    if (colon == NULL || (size_t)(colon - val) >= sizeof a)
        return bad_value(e, o, val, "must be A:B (unsigned integers)");
    memcpy(a, val, (size_t)(colon - val));
    a[colon - val] = '\0';
    if (parse_u64(a, 0, UINT64_MAX, &lo, why, sizeof why) != NULL ||
        parse_u64(colon + 1, 0, UINT64_MAX, &hi, why, sizeof why) != NULL)
        return bad_value(e, o, val, "must be A:B (unsigned integers)");
    if (lo > hi)
        return bad_value(e, o, val, "A must not be above B");
    if (hi == 0) /* range_hi 0 means unset */
        return bad_value(e, o, val, "B must be at least 1");
    cfg->range_lo = lo;
    cfg->range_hi = hi;
    return ALOG_PARSE_OK;
}

/* Store val for option o.  A flag (arg == NULL) gets val == NULL. */
static int apply(alog_config *cfg, const opt *o, const char *val,
                 const perr *e)
{
    char why[96];
    const char *r;
    char *field = (char *)cfg + o->off;
    uint64_t u = 0;
    double d = 0;

    switch (o->kind) {
    case K_UINT:
    case K_INT:
    case K_U64:
    case K_I64:
        r = parse_u64(val, o->ulo, o->uhi, &u, why, sizeof why);
        if (r != NULL)
            return bad_value(e, o, val, r);
        if (o->kind == K_UINT)
            *(unsigned *)(void *)field = (unsigned)u;
        else if (o->kind == K_INT)
            *(int *)(void *)field = (int)u;
        else if (o->kind == K_U64)
            *(uint64_t *)(void *)field = u;
        else
            *(int64_t *)(void *)field = (int64_t)u;
        return ALOG_PARSE_OK;
    case K_DOUBLE:
        r = parse_double(val, o->dlo, o->dhi, o->dopen, &d, why, sizeof why);
        if (r != NULL)
            return bad_value(e, o, val, r);
        *(double *)(void *)field = d;
        return ALOG_PARSE_OK;
    case K_CHOICE:
        for (const opt_choice *c = o->choices; c->name; c++) {
            if (strcmp(c->name, val) == 0) {
                *(int *)(void *)field = c->value;
                return ALOG_PARSE_OK;
            }
        }
        {
            char list[128], msg[160];
            choices_list(o->choices, list, sizeof list);
            snprintf(msg, sizeof msg, "must be one of %s", list);
            return bad_value(e, o, val, msg);
        }
    case K_SET:
        *(int *)(void *)field = o->set;
        return ALOG_PARSE_OK;
    case K_STRING:
        if (val[0] == '\0')
            return bad_value(e, o, val, "must not be empty");
        *(const char **)(void *)field = val;
        return ALOG_PARSE_OK;
    case K_INTERVALS:
        return set_intervals(cfg, o, val, e);
    case K_EXEC:
        return add_exec(cfg, o, val, e);
    case K_RANGE:
        return set_range(cfg, o, val, e);
    case K_HELP:
        return ALOG_PARSE_HELP;
    case K_VERSION:
        return ALOG_PARSE_VERSION;
    }
    return bad(e, "--%s: unknown option kind", o->name);
}

/* ---- the parser -------------------------------------------------------- */

static const char *base_name(const char *path)
{
    if (path == NULL || path[0] == '\0')
        return "alog";
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* The entry named `name` (len bytes) for `model`; *other set when the name
 * exists only for other models. */
static const opt *find_long(const char *name, size_t len, int model,
                            int *other)
{
    *other = 0;
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const opt *o = &options[i];
        if (strlen(o->name) != len || strncmp(o->name, name, len) != 0)
            continue;
        if (o->models & (unsigned)model)
            return o;
        *other = 1;
    }
    return NULL;
}

static const opt *find_short(char c, int model, int *other)
{
    *other = 0;
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const opt *o = &options[i];
        if (o->shrt != c)
            continue;
        if (o->models & (unsigned)model)
            return o;
        *other = 1;
    }
    return NULL;
}

int alog_options_parse(alog_config *cfg, int model, int argc, char **argv,
                       char *err, size_t errlen)
{
    perr e = {.buf = err, .len = errlen,
              .prog = base_name(argc > 0 ? argv[0] : NULL)};
    int count_set = 0, duration_set = 0;
    int i = 1;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    alog_config_init(cfg, model);

    if (i < argc && argv[i][0] != '-') {
        if (strcmp(argv[i], "log") == 0)
            cfg->job = ALOG_JOB_LOG;
        else if (strcmp(argv[i], "primes") == 0 && model != M_PROD)
            cfg->job = ALOG_JOB_PRIMES;
        else
            return bad(&e, "unknown job '%s' (%s)", argv[i],
                       model == M_PROD ? "log" : "log|primes");
        i++;
    }

    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;  /* attached value ("--x=v", "-nV") */
        const opt *o;
        int other;
        char shown[64];          /* the option as the user wrote it */

        if (a[0] != '-' || a[1] == '\0')
            return bad(&e, "unexpected argument '%s'", a);
        if (strcmp(a, "--") == 0) {
            if (i + 1 < argc)
                return bad(&e, "unexpected argument '%s'", argv[i + 1]);
            break;
        }
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            snprintf(shown, sizeof shown, "--%.*s", (int)(len < 60 ? len : 60),
                     name);
            o = find_long(name, len, model, &other);
            if (eq)
                val = eq + 1;
        } else {
            snprintf(shown, sizeof shown, "-%c", a[1]);
            o = find_short(a[1], model, &other);
            if (a[2] != '\0') {
                if (o == NULL || o->arg == NULL) {
                    /* "-qx": no bundling, say which word it was */
                    return bad(&e, "unknown option '%s'", a);
                }
                val = a + 2;
            }
        }
        if (o == NULL) {
            if (other)
                return bad(&e, "option '%s' is not for %s", shown, e.prog);
            return bad(&e, "unknown option '%s'", shown);
        }
        if (!(o->jobs & (1u << cfg->job)))
            return bad(&e, "--%s: only for the %s job", o->name,
                       (o->jobs & J_PRIMES) ? "primes" : "log");
        if (o->arg == NULL && val != NULL)
            return bad_value(&e, o, val, "takes no value");
        if (o->arg != NULL && val == NULL) {
            if (i + 1 >= argc)
                return bad(&e, "--%s: missing value", o->name);
            val = argv[++i];
        }
        int rc = apply(cfg, o, val, &e);
        if (rc != ALOG_PARSE_OK)
            return rc;
        count_set |= o->off == F(count) && o->kind == K_U64;
        duration_set |= o->off == F(duration) && o->kind == K_DOUBLE;
    }
    /* --duration alone means: stop by time, not by the default count. */
    if (duration_set && !count_set)
        cfg->count = 0;
    return ALOG_PARSE_OK;
}

/* ---- --help ------------------------------------------------------------ */

#define USAGE_COL 29   /* help text starts here */
#define USAGE_WIDTH 79 /* and wraps before this column */

/* Help text from USAGE_COL, wrapped at word boundaries. */
static void wrap(FILE *f, const char *text)
{
    int col = USAGE_COL;
    for (const char *p = text; *p;) {
        size_t word = strcspn(p, " ");
        if (col > USAGE_COL && col + 1 + (int)word > USAGE_WIDTH) {
            fprintf(f, "\n%-*s", USAGE_COL, "");
            col = USAGE_COL;
        }
        if (col > USAGE_COL) {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", (int)word, p);
        col += (int)word;
        p += word;
        while (*p == ' ')
            p++;
    }
    fputc('\n', f);
}

void alog_options_usage(FILE *f, int model, const char *prog)
{
    const char *name = base_name(prog);
    fprintf(f, "Usage: %s [%s] [options]\n", name,
            model == M_PROD ? "log" : "log|primes");
    for (int g = 0; g < G_COUNT; g++) {
        int shown = 0;
        for (size_t i = 0; i < N_OPTIONS; i++) {
            const opt *o = &options[i];
            if (o->group != (enum opt_group)g || !(o->models & (unsigned)model))
                continue;
            if (model == M_PROD && !(o->jobs & J_LOG))
                continue;
            if (!shown)
                fprintf(f, "\n%s:\n", group_title[g]);
            shown = 1;
            char head[64];
            int n;
            if (o->shrt)
                n = snprintf(head, sizeof head, "  -%c, --%s", o->shrt,
                             o->name);
            else
                n = snprintf(head, sizeof head, "      --%s", o->name);
            if (o->arg && n > 0 && (size_t)n < sizeof head)
                snprintf(head + n, sizeof head - (size_t)n, " %s", o->arg);
            char text[320];
            if (o->def)
                snprintf(text, sizeof text, "%s (default: %s)", o->help,
                         o->def);
            else
                snprintf(text, sizeof text, "%s", o->help);
            fprintf(f, "%-*s", USAGE_COL, head);
            if (strlen(head) >= USAGE_COL)
                fprintf(f, "\n%-*s", USAGE_COL, "");
            wrap(f, text);
        }
    }
    fprintf(f, "\nExit status: 0 ok, 1 error, 2 usage, 3 producer short "
               "or failed, 130 interrupted.\n");
}

/* ---- the mains' first step ---------------------------------------------- */

/* The installed name: --version names the program, whatever argv[0] is. */
static const char *program_name(int model)
{
    switch (model) {
    case M_MPI:
        return "alog-mpi";
    case M_OMP:
        return "alog-omp";
    case M_PROD:
        return "alog-producer";
    default:
        return "alog-async";
    }
}

int alog_options_verdict(int verdict, int model, const char *name,
                         const char *argv0, const char *err, int say)
{
    switch (verdict) {
    case ALOG_PARSE_OK:
        return -1;
    case ALOG_PARSE_HELP:
        if (say)
            alog_options_usage(stdout, model, argv0);
        return 0;
    case ALOG_PARSE_VERSION:
        if (say)
            printf("%s %s\n", name, ALOG_VERSION);
        return 0;
    default:
        if (say)
            fprintf(stderr, "%s\n", err);
        return 2;
    }
}

int alog_options_main(alog_config *cfg, int model, int argc, char **argv)
{
    char err[512];
    int verdict = alog_options_parse(cfg, model, argc, argv, err, sizeof err);
    int status = alog_options_verdict(verdict, model, program_name(model),
                                      argc > 0 ? argv[0] : NULL, err, 1);
    if (status >= 0)
        alog_config_free(cfg);
    return status;
}
