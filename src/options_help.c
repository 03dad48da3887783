/* options_help.c - --help generated from the option rows (options.h),
 * and what a parse verdict means for a program: usage, version, or the
 * one-line error. */
#include <errno.h>
#include <string.h>

#include "options.h"

#define M_PROD ALOG_MODEL_PRODUCER
#define J_LOG ALOG_J_LOG

static const char *const group_title[ALOG_OG_COUNT] = {
    [ALOG_OG_RUN] = "Producers",
    [ALOG_OG_ASYNC] = "Pipes",
    [ALOG_OG_MODEL] = "Collection",
    [ALOG_OG_OUT] = "Output",
    [ALOG_OG_PRIMES] = "Primes job",
    [ALOG_OG_PROD] = "Producer program",
    [ALOG_OG_INFO] = "Information",
};

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

/* One row's --help lines. */
static void usage_row(FILE *f, const alog_opt *o)
{
    char head[64];
    int n;
    if (o->shrt)
        n = snprintf(head, sizeof head, "  -%c, --%s", o->shrt, o->name);
    else
        n = snprintf(head, sizeof head, "      --%s", o->name);
    if (o->arg && n > 0 && (size_t)n < sizeof head)
        snprintf(head + n, sizeof head - (size_t)n, " %s", o->arg);
    char text[320];
    if (o->def)
        snprintf(text, sizeof text, "%s (default: %s)", o->help, o->def);
    else
        snprintf(text, sizeof text, "%s", o->help);
    fprintf(f, "%-*s", USAGE_COL, head);
    if (strlen(head) >= USAGE_COL)
        fprintf(f, "\n%-*s", USAGE_COL, "");
    wrap(f, text);
}

/* Does --help of `model` show row o in group g? */
static int shows(const alog_opt *o, int model, int g)
{
    if (o->kind == ALOG_OPT_ELSEWHERE || o->group != (enum alog_opt_group)g ||
        !(o->models & (unsigned)model))
        return 0;
    return model != M_PROD || (o->jobs & J_LOG);
}

void alog_options_usage(FILE *f, int model, const alog_optset *own,
                        const char *prog)
{
    const char *name = alog_options_prog(prog);
    fprintf(f, "Usage: %s [%s] [options]\n", name,
            model == M_PROD ? "log" : "log|primes");
    for (int g = 0; g < ALOG_OG_COUNT; g++) {
        int shown = 0;
        /* Each section: the core's rows, then the model's own. */
        for (int part = 0; part < 2; part++) {
            const alog_opt *rows = part ? (own ? own->rows : NULL)
                                        : alog_core_options;
            size_t n = part ? (own ? own->n : 0) : alog_core_options_n;
            for (size_t i = 0; i < n; i++) {
                if (!shows(&rows[i], model, g))
                    continue;
                if (!shown)
                    fprintf(f, "\n%s:\n", group_title[g]);
                shown = 1;
                usage_row(f, &rows[i]);
            }
        }
    }
    fputc('\n', f);
    fprintf(f, "%-*s", USAGE_COL, "Numbers:");
    wrap(f, ALOG_NUMBER_RULE);
    fprintf(f, "\nExit status: 0 ok, 1 error, 2 usage, 3 producer short "
               "or failed, 130 interrupted.\n");
}

/* ---- the mains' first step ---------------------------------------------- */

/* What --help and --version printed must have reached stdout: a closed
 * or full stdout is an error (exit 1), said on stderr. */
static int printed(const char *name, const char *what)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 0;
    fprintf(stderr, "%s: cannot write %s to stdout: %s\n", name, what,
            strerror(errno));
    return 1;
}

int alog_options_verdict(int verdict, int model, const alog_optset *own,
                         const char *name, const char *argv0,
                         const char *err, int say)
{
    switch (verdict) {
    case ALOG_PARSE_OK:
        return -1;
    case ALOG_PARSE_HELP:
        if (!say)
            return 0;
        alog_options_usage(stdout, model, own, argv0);
        return printed(name, "--help");
    case ALOG_PARSE_VERSION:
        if (!say)
            return 0;
        printf("%s %s\n", name, ALOG_VERSION);
        return printed(name, "--version");
    default:
        if (say)
            fprintf(stderr, "%s\n", err);
        return 2;
    }
}

int alog_options_main(alog_config *cfg, int model, const char *name,
                      int argc, char **argv)
{
    char err[512];
    int verdict =
        alog_options_parse(cfg, model, NULL, argc, argv, err, sizeof err);
    int status = alog_options_verdict(verdict, model, NULL, name,
                                      argc > 0 ? argv[0] : NULL, err, 1);
    if (status >= 0)
        alog_config_free(cfg);
    return status;
}
