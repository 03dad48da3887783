/** @file
 * alog/run.h - runs: what the thin mains call.
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_RUN_H
#define ALOG_RUN_H

#include <stdio.h>
#include "alog/config.h"
#include "alog/diag.h"

struct alog_journal;

/** What a run writes to, opened by the program frame (on the root only):
 * the run state that is not configuration. */
typedef struct alog_run_io {
    FILE *out;                    ///< the report; NULL on other MPI ranks
    struct alog_journal *journal; ///< --journal's file, or NULL
} alog_run_io;

struct alog_async_opts;

/** The async model: children + pipes + epoll or reader threads, as opts
 * (its own options, options_async.h) say.  Writes the report to io->out
 * (and the records to io->journal) and messages to diag; returns an
 * ALOG_E* code (see alog_exit_status). */
int alog_run_async(const alog_config *cfg, const struct alog_async_opts *opts,
                   const alog_run_io *io, const alog_diag *diag);

#endif
