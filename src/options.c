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

#include "option_value.h"
#include "options.h"

#define M_MPI ALOG_MODEL_MPI
#define M_OMP ALOG_MODEL_OMP
#define M_PROD ALOG_MODEL_PRODUCER
#define J_LOG ALOG_J_LOG
#define J_PRIMES ALOG_J_PRIMES




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
                     const alog__perr *e)
{
    if (*i >= argc || argv[*i][0] == '-')
        return ALOG_PARSE_OK;
    if (strcmp(argv[*i], "log") == 0)
        cfg->job = ALOG_JOB_LOG;
    else if (strcmp(argv[*i], "primes") == 0 && cfg->model != M_PROD)
        cfg->job = ALOG_JOB_PRIMES;
    else
        return alog__opt_bad(e, "unknown job '%s' (%s)", argv[*i],
                   cfg->model == M_PROD ? "log" : "log|primes");
    (*i)++;
    return ALOG_PARSE_OK;
}

/* The option word argv[*i] (and its value, which may be the next word):
 * find its row, check it fits the program and job, store it.  *f tells
 * which row took it. */
static int parse_word(alog_config *cfg, const alog_optset *own, int argc,
                      char **argv, int *i, const alog__perr *e, found *f)
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
                return alog__opt_bad(e, "unknown option '%s'", a);
            val = a + 2;
        }
    }
    const alog_opt *o = f->o;
    if (o == NULL) {
        if (other)
            return alog__opt_bad(e, "option '%s' is not for %s", shown, e->prog);
        return alog__opt_bad(e, "unknown option '%s'", shown);
    }
    if (!(o->jobs & (1u << cfg->job)))
        return alog__opt_bad(e, "--%s: only for the %s job", o->name,
                   (o->jobs & J_PRIMES) ? "primes" : "log");
    if (o->arg == NULL && val != NULL)
        return alog__opt_bad_value(e, o, val, "takes no value");
    if (o->arg != NULL && val == NULL) {
        if (*i + 1 >= argc)
            return alog__opt_bad(e, "%s: missing value", shown); /* as typed */
        val = argv[++*i];
    }
    return alog__opt_apply(cfg, f->base, o, val, e);
}

int alog_options_parse(alog_config *cfg, int model, const alog_optset *own,
                       int argc, char **argv, char *err, size_t errlen)
{
    alog__perr e = {.buf = err, .len = errlen,
              .prog = alog_options_prog(argc > 0 ? argv[0] : NULL)};
    int count_set = 0, duration_set = 0;
    unsigned exec_set = 0; /* commands given */
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
            return alog__opt_bad(&e, "unexpected argument '%s'", a);
        if (strcmp(a, "--") == 0) {
            if (i + 1 < argc)
                return alog__opt_bad(&e, "unexpected argument '%s'", argv[i + 1]);
            break;
        }
        found f;
        rc = parse_word(cfg, own, argc, argv, &i, &e, &f);
        int core = f.base == (void *)cfg;
        count_set |= core && f.o->off == offsetof(alog_config, count);
        duration_set |= core && f.o->off == offsetof(alog_config, duration);
        exec_set += rc == ALOG_PARSE_OK && f.o != NULL &&
                    f.o->kind == ALOG_OPT_EXEC;
    }
    /* --duration alone means: stop by time, not by the default count; and
     * --exec commands run to their own end unless a count or a duration
     * is given (then each is ended after it, as the original did). */
    if (rc == ALOG_PARSE_OK && !count_set && (duration_set || exec_set))
        cfg->count = 0;
    /* Commands are producers whose lines carry no schedule, one each
     * (a different --producers is said by the run: it names both). */
    cfg->foreign = exec_set > 0;
    if (exec_set > 0 && cfg->producers == 0)
        cfg->producers = exec_set;
    /* Asked for by name, the TSC must be one that can be trusted. */
    if (rc == ALOG_PARSE_OK && cfg->clock == ALOG_CLOCK_TSC &&
        !alog_tsc_invariant())
        return alog__opt_bad(&e, "--clock 'tsc': this CPU's TSC is not invariant "
                       "(no constant_tsc and nonstop_tsc): use monotonic "
                       "or auto");
    return rc;
}

