/* options_main.h - the option handling every main does first (internal:
 * kept out of alog.h, which only the lead changes). */
#ifndef ALOG_OPTIONS_MAIN_H
#define ALOG_OPTIONS_MAIN_H

#include "alog.h"

/* Parse argv for `model` into cfg.  Returns -1 when the program goes on
 * (cfg filled, the caller frees it).  Otherwise cfg is freed and the
 * exit status is returned: 0 after --help (usage on stdout) or --version
 * ("<prog> <version>" on stdout), 2 after a bad option (its one-line
 * message on stderr). */
int alog_options_main(alog_config *cfg, int model, int argc, char **argv);

/* What a parse verdict (ALOG_PARSE_*) means for the program `name`: when
 * `say`, prints the usage of `model` on stdout (HELP), "<name> <version>"
 * on stdout (VERSION) or err on stderr (BAD).  Returns -1 for
 * ALOG_PARSE_OK (go on), else the exit status: 0, or 2 for BAD.  Frees
 * nothing: the caller owns cfg. */
int alog_options_verdict(int verdict, int model, const char *name,
                         const char *argv0, const char *err, int say);

#endif
