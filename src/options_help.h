/* options_help.h - what --help (options_help.c) and the man pages
 * (options_man.c) share, so that the two say the same from the same rows:
 * each program's own text around the rows, which rows it shows, in which
 * section, and with which default.  Internal to the core library. */
#ifndef ALOG_OPTIONS_HELP_H
#define ALOG_OPTIONS_HELP_H

#include "option.h"

/* What a program's help says besides its option rows. */
typedef struct alog__model_help {
    int model;                 /* ALOG_MODEL_* */
    const char *summary;       /* the man page's NAME line, after the name */
    const char *about;         /* one paragraph after the usage line */
    const char *producers_def; /* -n's default in this program, or NULL */
    const char *examples;      /* lines, each "  command  # what\n" */
    /* What the program reads from its environment besides the test hooks:
     * name, what, name, what, ..., NULL. */
    const char *const *environment;
} alog__model_help;

/* The help of `model`, or NULL. */
const alog__model_help *alog__model_help_of(int model);
/* The title of --help section g (ALOG_OG_*). */
const char *alog__option_group_title(int g);
/* Whether the help of `model` shows row o in section g. */
int alog__option_shown(const alog_opt *o, int model, int g);
/* Row o's default as the help of mh's program states it, or NULL. */
const char *alog__option_default(const alog__model_help *mh,
                                 const alog_opt *o);
/* The usage line's job words: "log" or "log|primes". */
const char *alog__option_jobs(int model);

/* The exit statuses, XX(code, meaning), for the man page's EXIT STATUS;
 * --help's closing sentence says the same (a test holds them equal). */
#define ALOG__EXIT_MAP(XX)                                                \
    XX(0, "ok")                                                           \
    XX(1, "error")                                                        \
    XX(2, "usage")                                                        \
    XX(3, "a producer short or failed")                                   \
    XX(4, "records lost or duplicated")                                   \
    XX(130, "interrupted")

#endif
