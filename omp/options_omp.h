/** @file
 * options_omp.h - the OpenMP model's own options: its struct, its enums
 * and its option rows (options_omp.c).  Plain C, no OpenMP: the option
 * tests build wherever the core does. */
#ifndef ALOG_OPTIONS_OMP_H
#define ALOG_OPTIONS_OMP_H

#include "options.h"

/** --collect, the one list: XX(ENUM, name) makes the enum, the option's
 * choices and argument, and the registry (alog_omp_transports:
 * alog_transport_omp_<name>). */
#define ALOG_OMP_COLLECT_MAP(XX)                                           \
    XX(NONE, none)     /* each thread its own list */                     \
    XX(THREAD, thread) /* one collector thread over rings */
/** The map entry as an enumerator (internal). */
#define ALOG__OMP_COLLECT_ENUM(e, n) ALOG_OMP_COLLECT_##e,
/** --collect: where records are stored (from ALOG_OMP_COLLECT_MAP). */
enum alog_omp_collect { ALOG_OMP_COLLECT_MAP(ALOG__OMP_COLLECT_ENUM) };

/** The OpenMP model's options (alog-omp). */
typedef struct alog_omp_opts {
    int collect;   ///< ALOG_OMP_COLLECT_*
    unsigned ring; ///< ring capacity per thread, records
} alog_omp_opts;

/** The defaults: thread, 4096. */
void alog_omp_opts_init(alog_omp_opts *o);
/** The option set that fills *o, for alog_options_parse. */
alog_optset alog_omp_optset(alog_omp_opts *o);
/** Registry name of a --collect value; NULL if none. */
const char *alog_omp_collect_name(int collect);

#endif
