/** @file
 * options.h - the one parser of the option rows (option.h), and --help.
 *
 * Each module owns the rows of its options: the core's table covers the
 * options every model shares and the core's models (async, primes, the
 * producer program); the MPI and OpenMP libraries each own a set of rows
 * and the struct they fill (alog_mpi_opts, alog_omp_opts).  A program
 * parses with the core rows plus its model's set; --help walks the same
 * rows, so an option cannot be accepted without being documented or the
 * reverse.
 */
#ifndef ALOG_OPTIONS_H
#define ALOG_OPTIONS_H

#include "alog.h"
#include "option.h"

/** The program's name as messages print it: argv[0]'s last component. */
const char *alog_options_prog(const char *argv0);

/** Verdict of alog_options_parse. */
enum alog_parse {
    ALOG_PARSE_OK = 0,
    ALOG_PARSE_HELP = 1,    ///< --help: print alog_options_usage, exit 0
    ALOG_PARSE_BAD = 2,     ///< err holds the one-line message; exit 2
    ALOG_PARSE_VERSION = 3  ///< --version: print ALOG_VERSION, exit 0
};
/** Parse argv (argv[0] is the program) for `model`, with the core rows and
 * the model's own set (NULL: none): an optional job name (log|primes)
 * first, then options.  On ALOG_PARSE_BAD a one-line message naming the
 * bad value is in err.  Parsing has no side effect but cfg and own. */
int alog_options_parse(alog_config *cfg, int model, const alog_optset *own,
                       int argc, char **argv, char *err, size_t errlen);
/** --help text for `model` and its own set, generated from the rows. */
void alog_options_usage(FILE *f, int model, const alog_optset *own,
                        const char *prog);

/** The man page (roff, man(7) macros) of the program `prog` of `model`
 * and its own set, generated from the same rows and text as --help:
 * NAME, SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS, ENVIRONMENT (the
 * test hooks included), EXAMPLES, SEE ALSO.  Written to f. */
void alog_options_man(FILE *f, int model, const alog_optset *own,
                      const char *prog);

/** Parse argv for `model` and its own set (NULL: none) into cfg, for the program
 * `name` (its installed name: --version says it whatever argv[0] is).
 * Returns -1 when the program goes on (cfg filled, the caller frees it).  Otherwise cfg is
 * freed and the exit status is returned: 0 after --help (usage on stdout)
 * or --version ("<prog> <version>" on stdout), 1 if that could not be
 * written (a closed or full stdout, said on stderr), 2 after a bad option
 * (its one-line message on stderr). */
int alog_options_main(alog_config *cfg, int model, const alog_optset *own,
                      const char *name, int argc, char **argv);

/** What a parse verdict (ALOG_PARSE_*) means for the program `name`: when
 * `say`, prints the usage of `model` and own on stdout (HELP), "<name>
 * <version>" on stdout (VERSION) or err on stderr (BAD).  Returns -1 for
 * ALOG_PARSE_OK (go on), else the exit status: 0, 1 when the usage or
 * version could not be written to stdout (said on stderr), or 2 for BAD.
 * Frees nothing: the caller owns cfg. */
int alog_options_verdict(int verdict, int model, const alog_optset *own,
                         const char *name, const char *argv0,
                         const char *err, int say);

#endif
