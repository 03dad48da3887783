/* option_value.c - one option value checked against its row and stored:
 * the number rule (ALOG_NUMBER_RULE), ranges, choices, lists, commands. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "option_value.h"
#include "options.h"

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

/* Every message: "<prog>: <what> (see --help)", one line. */
int alog__opt_bad(const alog__perr *e, const char *fmt, ...)
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

int alog__opt_bad_value(const alog__perr *e, const alog_opt *o,
                        const char *val, const char *why)
{
    return alog__opt_bad(e, "--%s '%s': %s", o->name, val, why);
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
                         const alog__perr *e)
{
    size_t n = 1;
    for (const char *p = val; *p; p++)
        n += *p == ',';
    if (n > LIST_MAX) {
        char why[64];
        snprintf(why, sizeof why, "at most %u items", LIST_MAX);
        return alog__opt_bad_value(e, o, val, why);
    }
    double *v = malloc(n * sizeof *v);
    if (v == NULL)
        return alog__opt_bad(e, "--%s: out of memory", o->name);
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
            return alog__opt_bad_value(e, o, val, r);
        }
        p = comma ? comma + 1 : p + len;
    }
    alog_config_set_intervals(cfg, v, (unsigned)n);
    return ALOG_PARSE_OK;
}

static int add_exec(alog_commands *c, const alog_opt *o, const char *val,
                    const alog__perr *e)
{
    if (val[0] == '\0')
        return alog__opt_bad_value(e, o, val, "must be a command");
    if (c->n >= 65536)
        return alog__opt_bad_value(e, o, val,
                                   "too many commands (at most 65536)");
    char **v = realloc(c->v, (c->n + 1) * sizeof *v);
    if (v == NULL)
        return alog__opt_bad(e, "--%s: out of memory", o->name);
    c->v = v;
    char *dup = strdup(val);
    if (dup == NULL)
        return alog__opt_bad(e, "--%s: out of memory", o->name);
    c->v[c->n++] = dup;
    return ALOG_PARSE_OK;
}

static int set_range(alog_config *cfg, const alog_opt *o, const char *val,
                     const alog__perr *e)
{
    const char *colon = strchr(val, ':');
    char a[32], why[96];
    uint64_t lo, hi;
    if (colon == NULL || (size_t)(colon - val) >= sizeof a)
        return alog__opt_bad_value(e, o, val, "must be A:B (unsigned integers)");
    memcpy(a, val, (size_t)(colon - val));
    a[colon - val] = '\0';
    if (parse_u64(a, 0, UINT64_MAX, &lo, why, sizeof why) != NULL ||
        parse_u64(colon + 1, 0, UINT64_MAX, &hi, why, sizeof why) != NULL)
        return alog__opt_bad_value(e, o, val, "must be A:B (unsigned integers)");
    if (lo > hi)
        return alog__opt_bad_value(e, o, val, "A must not be above B");
    if (hi == 0) /* range_hi 0 means unset */
        return alog__opt_bad_value(e, o, val, "B must be at least 1");
    cfg->primes.range_lo = lo;
    cfg->primes.range_hi = hi;
    return ALOG_PARSE_OK;
}

/* Store val for option o.  A flag (arg == NULL) gets val == NULL. */
/* An integer row: a number in its range, or one of its words (--batch
 * auto), stored in the field's own width. */
static int set_integer(char *field, const alog_opt *o, const char *val,
                       const alog__perr *e)
{
    uint64_t u = 0;
    const char *r = NULL;
    const alog_opt_choice *c = o->choices;
    for (; c && c->name && strcmp(c->name, val) != 0; c++)
        ;
    /* r may point into why: it lives as long as r is read. */
    // cppcheck-suppress variableScope
    char why[96];
    if (c && c->name)
        u = (uint64_t)c->value;
    else
        r = parse_u64(val, o->ulo, o->uhi, &u, why, sizeof why);
    if (r != NULL && o->choices != NULL &&
        strcmp(r, "must be an unsigned integer") == 0) {
        char list[128], msg[160];
        choices_list(o->choices, list, sizeof list);
        snprintf(msg, sizeof msg, "must be an unsigned integer or %s", list);
        return alog__opt_bad_value(e, o, val, msg);
    }
    if (r != NULL)
        return alog__opt_bad_value(e, o, val, r);
    if (o->kind == ALOG_OPT_UINT)
        *(unsigned *)(void *)field = (unsigned)u;
    else if (o->kind == ALOG_OPT_INT)
        *(int *)(void *)field = (int)u;
    else if (o->kind == ALOG_OPT_U64)
        *(uint64_t *)(void *)field = u;
    else
        *(int64_t *)(void *)field = (int64_t)u;
    return ALOG_PARSE_OK;
}

/* A choice row: one of its words. */
static int set_choice(char *field, const alog_opt *o, const char *val,
                      const alog__perr *e)
{
    for (const alog_opt_choice *c = o->choices; c->name; c++) {
        if (strcmp(c->name, val) == 0) {
            *(int *)(void *)field = c->value;
            return ALOG_PARSE_OK;
        }
    }
    char list[128], msg[160];
    choices_list(o->choices, list, sizeof list);
    snprintf(msg, sizeof msg, "must be one of %s", list);
    return alog__opt_bad_value(e, o, val, msg);
}

int alog__opt_apply(alog_config *cfg, void *base, const alog_opt *o,
                    const char *val, const alog__perr *e)
{
    char why[96];
    const char *r;
    char *field = (char *)base + o->off;
    double d = 0;

    switch (o->kind) {
    case ALOG_OPT_UINT:
    case ALOG_OPT_INT:
    case ALOG_OPT_U64:
    case ALOG_OPT_I64:
        return set_integer(field, o, val, e);
    case ALOG_OPT_DOUBLE:
        r = parse_double(val, o->dlo, o->dhi, o->dopen, &d, why, sizeof why);
        if (r != NULL)
            return alog__opt_bad_value(e, o, val, r);
        *(double *)(void *)field = d;
        return ALOG_PARSE_OK;
    case ALOG_OPT_CHOICE:
        return set_choice(field, o, val, e);
    case ALOG_OPT_SET:
        *(int *)(void *)field = o->set;
        return ALOG_PARSE_OK;
    case ALOG_OPT_STRING:
        if (val[0] == '\0')
            return alog__opt_bad_value(e, o, val, "must not be empty");
        *(const char **)(void *)field = val;
        return ALOG_PARSE_OK;
    case ALOG_OPT_INTERVALS:
        return set_intervals(cfg, o, val, e);
    case ALOG_OPT_EXEC:
        return add_exec((alog_commands *)(void *)field, o, val, e);
    case ALOG_OPT_RANGE:
        return set_range(cfg, o, val, e);
    case ALOG_OPT_HELP:
        return ALOG_PARSE_HELP;
    case ALOG_OPT_VERSION:
        return ALOG_PARSE_VERSION;
    case ALOG_OPT_ELSEWHERE: /* never found for its own program */
        break;
    }
    return alog__opt_bad(e, "--%s: unknown option kind", o->name);
}

/* ---- the parser -------------------------------------------------------- */

