/** @file
 * alog/signals.h - signals and progress: the stop flag every loop looks at, the progress line.
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_SIGNALS_H
#define ALOG_SIGNALS_H

#include <stdatomic.h>
#include <stdint.h>

/** Installs SIGINT/SIGTERM handlers that set a flag, and ignores SIGPIPE. */
int alog_signals_install(void);
/** Non-zero once SIGINT/SIGTERM arrived (the signal number). */
int alog_signal_caught(void);
/** Address of the flag (an atomic: threads read it), for alog_pace_wait
 * and loops.  Non-zero means stop. */
const atomic_int *alog_stop_flag(void);
/** Ask the run to stop as if a signal came (e.g. duration reached). */
void alog_stop_request(int why);

/** Progress on stderr, at most once a second, only when stderr is a
 * terminal and the run has lasted more than 2 s. */
typedef struct alog_progress {
    int64_t start_ns;          ///< private
    int64_t last_ns;           ///< private
    int tty;                   ///< private
} alog_progress;
void alog_progress_init(alog_progress *p); ///< Start now.
/** records so far of target (0: unknown); prints when it is time. */
void alog_progress_tick(alog_progress *p, uint64_t records, uint64_t target);
void alog_progress_done(alog_progress *p); ///< Ends the progress line.

#endif
