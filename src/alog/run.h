/** @file
 * alog/run.h - runs: what the thin mains call.
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_RUN_H
#define ALOG_RUN_H

#include <stdio.h>
#include "alog/config.h"
#include "alog/diag.h"

/** The async model: children + pipes + epoll or reader threads.  Writes the
 * report to out and messages to diag; returns an ALOG_E* code (see
 * alog_exit_status). */
int alog_run_async(const alog_config *cfg, FILE *out, const alog_diag *diag);

#endif
