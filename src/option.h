/** @file
 * option.h - one row of an option table, and the core's table.
 *
 * Each module owns the rows of its options: the core's table covers the
 * options every model shares and the core's models (async, primes, the
 * producer program); the MPI and OpenMP libraries each own a set of rows
 * and the struct they fill (alog_mpi_opts, alog_omp_opts).  A program
 * parses with the core rows plus its model's set (options.h); --help walks
 * the same rows, so an option cannot be accepted without being documented
 * or the reverse.
 */
#ifndef ALOG_OPTION_H
#define ALOG_OPTION_H

#include <stddef.h>
#include <stdint.h>

#include "alog.h"

/** The longest interval between records, seconds (one a day); --rate
 * must be at least its inverse, so that no rate gives an interval the
 * producer refuses. */
#define ALOG_INTERVAL_MAX 86400.0

/** The number rule of every numeric option, as --help states it: integers
 * are decimal digits only (no sign, no hex); seconds, rates and the other
 * fractions are decimal with an optional '-', '.' and exponent (0.5,
 * 1e-3), no hex, no inf or nan.  One parser (options.c) applies it. */
#define ALOG_NUMBER_RULE                                                   \
    "decimal only.  N, P, K, I, NS, BYTES and A:B are integers (digits "  \
    "only); S, HZ, MS and LIST items are decimal fractions (0.5, 1e-3).  " \
    "No sign, no hex."

/** How a row's value is checked and stored. */
enum alog_opt_kind {
    ALOG_OPT_UINT,      ///< unsigned field, range ulo..uhi
    ALOG_OPT_INT,       ///< int field, range ulo..uhi
    ALOG_OPT_U64,       ///< uint64_t field
    ALOG_OPT_I64,       ///< int64_t field, range within 0..INT64_MAX
    ALOG_OPT_DOUBLE,    ///< double field, range dlo..dhi (dopen: > dlo)
    ALOG_OPT_CHOICE,    ///< int field, one of choices[]
    ALOG_OPT_SET,       ///< flag: int field = set
    ALOG_OPT_STRING,    ///< const char * field, points into argv
    ALOG_OPT_INTERVALS, ///< comma list of seconds (alog_config only)
    ALOG_OPT_EXEC,      ///< repeatable command, into an alog_commands
    ALOG_OPT_RANGE,     ///< A:B, both u64 (alog_config only)
    ALOG_OPT_HELP,
    ALOG_OPT_VERSION,
    ALOG_OPT_ELSEWHERE, ///< core row naming an option a model library owns:
                        ///< only for the "is not for <prog>" message
};

/** --help sections, in this order. */
enum alog_opt_group {
    ALOG_OG_RUN, ALOG_OG_ASYNC, ALOG_OG_MODEL, ALOG_OG_OUT, ALOG_OG_PRIMES,
    ALOG_OG_PROD, ALOG_OG_INFO, ALOG_OG_COUNT
};

#define ALOG_J_LOG (1u << ALOG_JOB_LOG)                ///< jobs: the log job
#define ALOG_J_PRIMES (1u << ALOG_JOB_PRIMES)          ///< jobs: primes
#define ALOG_J_BOTH (ALOG_J_LOG | ALOG_J_PRIMES)       ///< jobs: both

/** A transport family's one list (XX(ENUM, name)) as the choices of its
 * option row: {"name", prefix ## ENUM}, ... */
#define ALOG_OPT_CHOICE_OF(prefix, e, n) {#n, prefix##e},
/** One "|name" piece of a family's list (ALOG_OPT_ARG_LIST joins them). */
#define ALOG_OPT_ARG_OF(e, n) "|" #n
/** A family's list as the row's "a|b|c" argument: past the leading '|'. */
#define ALOG_OPT_ARG_LIST(MAP) (&(MAP(ALOG_OPT_ARG_OF))[1])

/** What an ALOG_OPT_EXEC row fills: the commands given, in order. */
typedef struct alog_commands {
    char **v;   ///< each command (malloc'd)
    unsigned n; ///< how many
} alog_commands;

/** One value an ALOG_OPT_CHOICE row accepts. */
typedef struct alog_opt_choice {
    const char *name; ///< as given on the command line
    int value;        ///< what the field gets
} alog_opt_choice;

/** One option. */
typedef struct alog_opt {
    const char *name;  ///< long name, without "--"
    char shrt;         ///< short letter or 0
    const char *arg;   ///< argument name; NULL: a flag
    unsigned models;   ///< ALOG_MODEL_* mask
    unsigned jobs;     ///< ALOG_J_* mask
    enum alog_opt_kind kind; ///< how the value is checked and stored
    size_t off;        ///< field in its set's struct
    uint64_t ulo;      ///< integer kinds: lower bound
    uint64_t uhi;      ///< integer kinds: upper bound
    double dlo;        ///< ALOG_OPT_DOUBLE: lower bound
    double dhi;        ///< ALOG_OPT_DOUBLE: upper bound
    int dopen;         ///< ALOG_OPT_DOUBLE: lower bound excluded
    int set;           ///< ALOG_OPT_SET: value stored
    const alog_opt_choice *choices; ///< ALOG_OPT_CHOICE, NULL-name ended;
                                    ///< integer kinds: words also taken
    enum alog_opt_group group; ///< its --help section
    const char *help;  ///< its --help line
    const char *def;   ///< default shown in --help, or NULL
} alog_opt;

/** A model's own rows and the struct they fill (caller-owned). */
typedef struct alog_optset {
    const alog_opt *rows;     ///< the model's own rows
    size_t n;                 ///< how many
    void *base;               ///< the rows' off are into this struct
    void (*init)(void *base); ///< its defaults, set before parsing
    void (*fini)(void *base); ///< frees what parsing put there, or NULL
} alog_optset;

/** Name of value v in a choice list; NULL if absent. */
const char *alog_opt_choice_name(const alog_opt_choice *c, int v);


/** The core's rows (options_table.c). */
extern const alog_opt alog_core_options[];
extern const size_t alog_core_options_n; ///< rows in alog_core_options

#endif
