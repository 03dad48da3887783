/* progress.c - a one-line progress display on stderr for long runs at a
 * terminal; silent in pipes and tests. */
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "alog.h"

#define SECOND 1000000000LL

void alog_progress_init(alog_progress *p)
{
    p->start_ns = alog_now_ns();
    p->last_ns = 0; /* 0: nothing printed yet */
    p->tty = isatty(STDERR_FILENO);
}

void alog_progress_tick(alog_progress *p, uint64_t records, uint64_t target)
{
    if (!p->tty)
        return;
    int64_t now = alog_now_ns();
    if (now - p->start_ns <= 2 * SECOND ||
        (p->last_ns != 0 && now - p->last_ns < SECOND))
        return;
    p->last_ns = now;
    double secs = (double)(now - p->start_ns) / 1e9;
    if (target > 0)
        fprintf(stderr, "\ralog: %.0f s, %" PRIu64 " records (%.0f%%)  ", secs,
                records, 100.0 * (double)records / (double)target);
    else
        fprintf(stderr, "\ralog: %.0f s, %" PRIu64 " records  ", secs,
                records);
    fflush(stderr);
}

void alog_progress_done(alog_progress *p)
{
    if (p->tty && p->last_ns != 0)
        fputc('\n', stderr);
    p->last_ns = 0;
}
