/** @file
 * alog/diag.h - diagnostics: where library code says what went wrong (the program frame owns it).
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_DIAG_H
#define ALOG_DIAG_H

#include <stdio.h>

/** Where library code says what went wrong while it runs.  The program
 * frame owns it and puts its program name first; library code never names
 * a program.  Each message is one line, "<prog>: <text>".  A NULL diag, or
 * one with a NULL stream, discards messages (tests). */
typedef struct alog_diag {
    const char *prog; ///< program name printed before every message
    FILE *f;          ///< stream, normally stderr; NULL: discard
} alog_diag;

/** Print "<prog>: <fmt...>\n" on d's stream and flush it. */
void alog_say(const alog_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
