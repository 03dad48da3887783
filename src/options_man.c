/* options_man.c - a program's man page (roff, man(7) macros) generated
 * from the same option rows and program text as its --help
 * (options_help.c): the build writes the pages with it, so the page and
 * --help cannot say different things. */
#include <ctype.h>
#include <string.h>

#include "options.h"
#include "options_help.h"

/* Text as roff: every '-' as \- (an ASCII hyphen-minus, so that options
 * copied from the page work), quotes and backslashes as their named
 * glyphs, a line that would start with a control character guarded. */
static void roff(FILE *f, const char *s)
{
    for (const char *p = s; *p; p++) {
        if ((p == s || p[-1] == '\n') && (*p == '.' || *p == '\''))
            fputs("\\&", f);
        switch (*p) {
        case '-': fputs("\\-", f); break;
        case '\\': fputs("\\e", f); break;
        case '\'': fputs("\\(aq", f); break;
        case '`': fputs("\\(ga", f); break;
        default: fputc(*p, f);
        }
    }
}

/* A paragraph of running text: one input line. */
static void roff_line(FILE *f, const char *s)
{
    roff(f, s);
    fputc('\n', f);
}

/* One row: its tag (options and argument) and its help text, the same
 * text and default --help prints. */
static void man_row(FILE *f, const alog_opt *o, const char *def)
{
    fputs(".TP\n", f);
    if (o->shrt)
        fprintf(f, "\\fB\\-%c\\fR, ", o->shrt);
    fputs("\\fB\\-\\-", f);
    roff(f, o->name);
    fputs("\\fR", f);
    if (o->arg) {
        fputs(" \\fI", f);
        roff(f, o->arg);
        fputs("\\fR", f);
    }
    fputc('\n', f);
    roff(f, o->help);
    if (def) {
        fputs(" (default: ", f);
        roff(f, def);
        fputc(')', f);
    }
    fputc('\n', f);
}

/* OPTIONS: the sections of --help in its order, each the core's rows then
 * the model's own, and the rule for numbers. */
static void man_options(FILE *f, int model, const alog_optset *own,
                        const alog__model_help *mh)
{
    fputs(".SH OPTIONS\n", f);
    for (int g = 0; g < ALOG_OG_COUNT; g++) {
        int shown = 0;
        for (int part = 0; part < 2; part++) {
            const alog_opt *rows = part ? (own ? own->rows : NULL)
                                        : alog_core_options;
            size_t n = part ? (own ? own->n : 0) : alog_core_options_n;
            for (size_t i = 0; i < n; i++) {
                if (!alog__option_shown(&rows[i], model, g))
                    continue;
                if (!shown)
                    fprintf(f, ".SS %s\n", alog__option_group_title(g));
                shown = 1;
                man_row(f, &rows[i], alog__option_default(mh, &rows[i]));
            }
        }
    }
    fputs(".SS Numbers\n", f);
    roff_line(f, ALOG_NUMBER_RULE);
}

#define EXIT_ROW(code, what) ".TP\n.B " #code "\n" what "\n"

/* EXIT STATUS, ENVIRONMENT (the program's variables, then every test
 * hook, from hooks.c's one list). */
static void man_status_env(FILE *f, const alog__model_help *mh)
{
    fputs(".SH \"EXIT STATUS\"\n" ALOG__EXIT_MAP(EXIT_ROW), f);
    fputs(".SH ENVIRONMENT\n", f);
    for (const char *const *e = mh ? mh->environment : NULL; e && e[0];
         e += 2) {
        fputs(".TP\n.B ", f);
        roff_line(f, e[0]);
        roff_line(f, e[1]);
    }
    fputs(".PP\nTest hooks: each changes a run for testing; when one is set "
          "the program names it on stderr and the report's header line "
          "test_hooks= carries it.\n", f);
    const char *what;
    for (size_t i = 0; alog_hook_name(i, &what) != NULL; i++) {
        fputs(".TP\n.B ", f);
        roff_line(f, alog_hook_name(i, NULL));
        roff_line(f, what);
    }
}

/* SEE ALSO: the other programs, mpirun for the MPI one, the manual. */
static void man_see_also(FILE *f, const char *name)
{
    static const char *const progs[] = {"alog-async", "alog-mpi", "alog-omp",
                                        "alog-producer"};
    fputs(".SH \"SEE ALSO\"\n", f);
    for (size_t i = 0; i < sizeof progs / sizeof *progs; i++)
        if (strcmp(progs[i], name) != 0) {
            fputs(".BR ", f);
            roff(f, progs[i]);
            fputs(" (1),\n", f);
        }
    fputs(".BR mpirun (1);\nthe manual in /usr/share/doc/alog or doc/ of "
          "the sources.\n", f);
}

void alog_options_man(FILE *f, int model, const alog_optset *own,
                      const char *prog)
{
    const char *name = alog_options_prog(prog);
    const alog__model_help *mh = alog__model_help_of(model);
    fputs(".TH \"", f);
    for (const char *p = name; *p; p++) {
        if (*p == '-')
            fputc('\\', f);
        fputc(toupper((unsigned char)*p), f);
    }
    fprintf(f, "\" 1 \"\" \"alog %s\" \"alog manual\"\n", ALOG_VERSION);
    /* Filled text, not hyphenated, left-aligned: words stay as --help
     * has them. */
    fputs(".nh\n.ad l\n.SH NAME\n", f);
    roff(f, name);
    fputs(" \\- ", f);
    roff_line(f, mh ? mh->summary : "");
    fputs(".SH SYNOPSIS\n.B ", f);
    roff_line(f, name);
    fprintf(f, "[\\fB%s\\fR] [\\fIoptions\\fR]\n",
            model == ALOG_MODEL_PRODUCER ? "log" : "log\\fR|\\fBprimes");
    if (mh != NULL) {
        fputs(".SH DESCRIPTION\n", f);
        roff_line(f, mh->about);
    }
    man_options(f, model, own, mh);
    man_status_env(f, mh);
    if (mh != NULL && mh->examples[0] != '\0') {
        fputs(".SH EXAMPLES\n.nf\n", f);
        roff(f, mh->examples);
        fputs(".fi\n", f);
    }
    man_see_also(f, name);
}
