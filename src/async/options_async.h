/** @file
 * options_async.h - the async model's own options (alog-async) and the
 * producer program's (alog-producer): their structs and option rows
 * (options_async.c), parsed like the MPI and OpenMP models' sets.
 */
#ifndef ALOG_OPTIONS_ASYNC_H
#define ALOG_OPTIONS_ASYNC_H

#include "option.h"

/** The async model's options (alog-async). */
typedef struct alog_async_opts {
    int wire;          ///< ALOG_WIRE_*: how records travel on the pipes
    int readers;       ///< ALOG_READERS_*: the collector, by registry name
    alog_commands exec; ///< --exec commands, one producer each
} alog_async_opts;

/** The producer program's own options (alog-producer). */
typedef struct alog_producer_opts {
    int wire;         ///< ALOG_WIRE_*
    int id;           ///< this producer's index
    int64_t start_ns; ///< schedule start, CLOCK_MONOTONIC (0: now)
} alog_producer_opts;

/** The defaults: text wire, epoll, no commands. */
void alog_async_opts_init(alog_async_opts *o);
/** Frees the commands o holds. */
void alog_async_opts_free(alog_async_opts *o);
/** The option set that fills *o, for alog_options_parse. */
alog_optset alog_async_optset(alog_async_opts *o);
/** The producer program's set, filling *o. */
alog_optset alog_producer_optset(alog_producer_opts *o);
/** Registry name (alog_async_transports) of an ALOG_READERS_* value. */
const char *alog_readers_name(int readers);

#endif
