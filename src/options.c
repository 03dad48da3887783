/* options.c - the one parser of option rows (options.h): the core's rows
 * plus a program's model's own set, one word at a time, every bad value
 * named in one line.  --help walks the same rows (options_help.c).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "options.h"

#define M_MPI ALOG_MODEL_MPI
#define M_OMP ALOG_MODEL_OMP
#define M_PROD ALOG_MODEL_PRODUCER
#define J_LOG ALOG_J_LOG
#define J_PRIMES ALOG_J_PRIMES

#define LIST_MAX 65536u /* interval list items */



const char *alog_opt_choice_name(const alog_opt_choice *c, int v)
{
    for (; c != NULL && c->name != NULL; c++)
        if (c->value == v)
            return c->name;
    return NULL;
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

/* The number rule (ALOG_NUMBER_RULE): a fraction is decimal digits with
 * an optional '-', one '.' and an exponent, the whole word.  strtod alone
 * would also take hex ("0x10"), "inf", "nan", a '+' and leading blanks. */
static int decimal_fraction(const char *s)
{
    size_t digits = 0;
    if (*s == '-')
        s++;
    for (; isdigit((unsigned char)*s); s++)
        digits++;
    if (*s == '.')
        for (s++; isdigit((unsigned char)*s); s++)
            digits++;
    if (digits == 0)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        if (!isdigit((unsigned char)*s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return *s == '\0';
}

static const char *parse_double(const char *s, double lo, double hi,
                                int open_lo, double *out, char *why,
                                size_t wlen)
{
    if (!decimal_fraction(s)) {
        const char *w = s + (*s == '-' || *s == '+');
        return strncasecmp(w, "inf", 3) == 0 || strncasecmp(w, "nan", 3) == 0
                   ? "must be a finite number"
                   : "must be a decimal number";
    }
    errno = 0;
    char *end;
    double v = strtod(s, &end); /* ERANGE: +-HUGE_VAL or 0, said below */
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

static int bad_value(const perr *e, const alog_opt *o, const char *val,
                     const char *why)
{
    return bad(e, "--%s '%s': %s", o->name, val, why);
}

static void choices_list(const alog_opt_choice *c, char *buf, size_t len)
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

static int set_intervals(alog_config *cfg, const alog_opt *o, const char *val,
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
            r = parse_double(item, 0.0, ALOG_INTERVAL_MAX, 0, &v[i], why,
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
    alog_config_set_intervals(cfg, v, (unsigned)n);
    return ALOG_PARSE_OK;
}

static int add_exec(alog_config *cfg, const alog_opt *o, const char *val,
                    const perr *e)
{
    if (val[0] == '\0')
        return bad_value(e, o, val, "must be a command");
    if (cfg->async.n_exec >= 65536)
        return bad_value(e, o, val, "too many commands (at most 65536)");
    char **v = realloc(cfg->async.exec, (cfg->async.n_exec + 1) * sizeof *v);
    if (v == NULL)
        return bad(e, "--%s: out of memory", o->name);
    cfg->async.exec = v;
    char *dup = strdup(val);
    if (dup == NULL)
        return bad(e, "--%s: out of memory", o->name);
    cfg->async.exec[cfg->async.n_exec++] = dup;
    return ALOG_PARSE_OK;
}

static int set_range(alog_config *cfg, const alog_opt *o, const char *val,
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
    cfg->primes.range_lo = lo;
    cfg->primes.range_hi = hi;
    return ALOG_PARSE_OK;
}

/* Store val for option o.  A flag (arg == NULL) gets val == NULL. */
static int apply(alog_config *cfg, void *base, const alog_opt *o,
                 const char *val, const perr *e)
{
    char why[96];
    const char *r;
    char *field = (char *)base + o->off;
    uint64_t u = 0;
    double d = 0;

    switch (o->kind) {
    case ALOG_OPT_UINT:
    case ALOG_OPT_INT:
    case ALOG_OPT_U64:
    case ALOG_OPT_I64:
        /* A number row may also take words (choices), e.g. --batch auto. */
        for (const alog_opt_choice *c = o->choices; c && c->name; c++) {
            if (strcmp(c->name, val) == 0) {
                u = (uint64_t)c->value;
                goto store;
            }
        }
        r = parse_u64(val, o->ulo, o->uhi, &u, why, sizeof why);
        if (r != NULL && o->choices != NULL &&
            strcmp(r, "must be an unsigned integer") == 0) {
            char list[128], msg[160];
            choices_list(o->choices, list, sizeof list);
            snprintf(msg, sizeof msg, "must be an unsigned integer or %s",
                     list);
            return bad_value(e, o, val, msg);
        }
        if (r != NULL)
            return bad_value(e, o, val, r);
    store:
        if (o->kind == ALOG_OPT_UINT)
            *(unsigned *)(void *)field = (unsigned)u;
        else if (o->kind == ALOG_OPT_INT)
            *(int *)(void *)field = (int)u;
        else if (o->kind == ALOG_OPT_U64)
            *(uint64_t *)(void *)field = u;
        else
            *(int64_t *)(void *)field = (int64_t)u;
        return ALOG_PARSE_OK;
    case ALOG_OPT_DOUBLE:
        r = parse_double(val, o->dlo, o->dhi, o->dopen, &d, why, sizeof why);
        if (r != NULL)
            return bad_value(e, o, val, r);
        *(double *)(void *)field = d;
        return ALOG_PARSE_OK;
    case ALOG_OPT_CHOICE:
        for (const alog_opt_choice *c = o->choices; c->name; c++) {
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
    case ALOG_OPT_SET:
        *(int *)(void *)field = o->set;
        return ALOG_PARSE_OK;
    case ALOG_OPT_STRING:
        if (val[0] == '\0')
            return bad_value(e, o, val, "must not be empty");
        *(const char **)(void *)field = val;
        return ALOG_PARSE_OK;
    case ALOG_OPT_INTERVALS:
        return set_intervals(cfg, o, val, e);
    case ALOG_OPT_EXEC:
        return add_exec(cfg, o, val, e);
    case ALOG_OPT_RANGE:
        return set_range(cfg, o, val, e);
    case ALOG_OPT_HELP:
        return ALOG_PARSE_HELP;
    case ALOG_OPT_VERSION:
        return ALOG_PARSE_VERSION;
    case ALOG_OPT_ELSEWHERE: /* never found for its own program */
        break;
    }
    return bad(e, "--%s: unknown option kind", o->name);
}

/* ---- the parser -------------------------------------------------------- */

const char *alog_options_prog(const char *path)
{
    if (path == NULL || path[0] == '\0')
        return "alog";
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* A row and the struct its offset is into. */
typedef struct found {
    const alog_opt *o;
    void *base;
} found;

/* Does row o answer to this option word?  A long name of len bytes, or
 * the short letter c when name is NULL. */
static int named(const alog_opt *o, const char *name, size_t len, char c)
{
    if (name == NULL)
        return o->shrt != 0 && o->shrt == c;
    return strlen(o->name) == len && strncmp(o->name, name, len) == 0;
}

/* The row for the option word, for `model`: the model's own rows first,
 * then the core's.  *other is set when the name exists only for other
 * programs. */
static found find(const alog_config *cfg, const alog_optset *own,
                  const char *name, size_t len, char c, int *other)
{
    found f = {NULL, NULL};
    *other = 0;
    for (size_t i = 0; own != NULL && i < own->n; i++) {
        if (named(&own->rows[i], name, len, c) &&
            (own->rows[i].models & (unsigned)cfg->model)) {
            f.o = &own->rows[i];
            f.base = own->base;
            return f;
        }
    }
    for (size_t i = 0; i < alog_core_options_n; i++) {
        const alog_opt *o = &alog_core_options[i];
        if (!named(o, name, len, c))
            continue;
        if ((o->models & (unsigned)cfg->model) &&
            o->kind != ALOG_OPT_ELSEWHERE) {
            f.o = o;
            f.base = (void *)cfg;
            return f;
        }
        if (!(o->models & (unsigned)cfg->model))
            *other = 1;
    }
    return f;
}

/* The job name, if argv[*i] is one.  ALOG_PARSE_OK or _BAD. */
static int parse_job(alog_config *cfg, int argc, char **argv, int *i,
                     const perr *e)
{
    if (*i >= argc || argv[*i][0] == '-')
        return ALOG_PARSE_OK;
    if (strcmp(argv[*i], "log") == 0)
        cfg->job = ALOG_JOB_LOG;
    else if (strcmp(argv[*i], "primes") == 0 && cfg->model != M_PROD)
        cfg->job = ALOG_JOB_PRIMES;
    else
        return bad(e, "unknown job '%s' (%s)", argv[*i],
                   cfg->model == M_PROD ? "log" : "log|primes");
    (*i)++;
    return ALOG_PARSE_OK;
}

/* The option word argv[*i] (and its value, which may be the next word):
 * find its row, check it fits the program and job, store it.  *f tells
 * which row took it. */
static int parse_word(alog_config *cfg, const alog_optset *own, int argc,
                      char **argv, int *i, const perr *e, found *f)
{
    const char *a = argv[*i];
    const char *val = NULL; /* attached value ("--x=v", "-nV") */
    char shown[64];         /* the option as the user wrote it */
    int other;

    if (a[1] == '-') {
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        snprintf(shown, sizeof shown, "--%.*s", (int)(len < 60 ? len : 60),
                 name);
        *f = find(cfg, own, name, len, 0, &other);
        if (eq)
            val = eq + 1;
    } else {
        snprintf(shown, sizeof shown, "-%c", a[1]);
        *f = find(cfg, own, NULL, 0, a[1], &other);
        if (a[2] != '\0') {
            if (f->o == NULL || f->o->arg == NULL) /* "-qx": no bundling */
                return bad(e, "unknown option '%s'", a);
            val = a + 2;
        }
    }
    const alog_opt *o = f->o;
    if (o == NULL) {
        if (other)
            return bad(e, "option '%s' is not for %s", shown, e->prog);
        return bad(e, "unknown option '%s'", shown);
    }
    if (!(o->jobs & (1u << cfg->job)))
        return bad(e, "--%s: only for the %s job", o->name,
                   (o->jobs & J_PRIMES) ? "primes" : "log");
    if (o->arg == NULL && val != NULL)
        return bad_value(e, o, val, "takes no value");
    if (o->arg != NULL && val == NULL) {
        if (*i + 1 >= argc)
            return bad(e, "%s: missing value", shown); /* as typed */
        val = argv[++*i];
    }
    return apply(cfg, f->base, o, val, e);
}

int alog_options_parse(alog_config *cfg, int model, const alog_optset *own,
                       int argc, char **argv, char *err, size_t errlen)
{
    perr e = {.buf = err, .len = errlen,
              .prog = alog_options_prog(argc > 0 ? argv[0] : NULL)};
    int count_set = 0, duration_set = 0;
    int i = 1;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    alog_config_init(cfg, model);
    if (own != NULL && own->init != NULL)
        own->init(own->base);
    int rc = parse_job(cfg, argc, argv, &i, &e);
    for (; rc == ALOG_PARSE_OK && i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0')
            return bad(&e, "unexpected argument '%s'", a);
        if (strcmp(a, "--") == 0) {
            if (i + 1 < argc)
                return bad(&e, "unexpected argument '%s'", argv[i + 1]);
            break;
        }
        found f;
        rc = parse_word(cfg, own, argc, argv, &i, &e, &f);
        int core = f.base == (void *)cfg;
        count_set |= core && f.o->off == offsetof(alog_config, count);
        duration_set |= core && f.o->off == offsetof(alog_config, duration);
    }
    /* --duration alone means: stop by time, not by the default count; and
     * --exec commands run to their own end unless a count or a duration
     * is given (then each is ended after it, as the original did). */
    if (rc == ALOG_PARSE_OK && !count_set &&
        (duration_set || cfg->async.n_exec > 0))
        cfg->count = 0;
    /* Asked for by name, the TSC must be one that can be trusted. */
    if (rc == ALOG_PARSE_OK && cfg->clock == ALOG_CLOCK_TSC &&
        !alog_tsc_invariant())
        return bad(&e, "--clock 'tsc': this CPU's TSC is not invariant "
                       "(no constant_tsc and nonstop_tsc): use monotonic "
                       "or auto");
    return rc;
}

