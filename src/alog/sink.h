/** @file
 * alog/sink.h - a producer's output: buffered write(2) or vmsplice(2).
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_SINK_H
#define ALOG_SINK_H

#include <stddef.h>

/** Opaque.  Records are encoded straight into alog_sink_space() and
 * committed; a commit that brings the buffer to block bytes sends it.
 * With zero_copy and a pipe on fd, full blocks go by vmsplice (no copy on
 * the writer's side) from a ring of page-aligned segments sized so that a
 * segment is reused only after it has left the pipe; anything else, and
 * the last flush, is write(2).  Errors are ALOG_ESYS with errno (EPIPE: the
 * reader is gone).  The sink does not own fd. */
typedef struct alog_sink alog_sink;

/** block: flush threshold in bytes; slack: the most one record may add past
 * it.  0, ALOG_EINVAL or ALOG_ENOMEM. */
int alog_sink_open(alog_sink **s, int fd, size_t block, size_t slack,
                   int zero_copy);
/** 1 while full blocks go by vmsplice. */
int alog_sink_zero_copy(const alog_sink *s);
/** Where the next record goes; *avail (may be NULL) bytes of room, at least
 * slack. */
char *alog_sink_space(alog_sink *s, size_t *avail);
/** n bytes were written at alog_sink_space(); sends a full block. */
int alog_sink_commit(alog_sink *s, size_t n);
/** Send whatever waits, by write(2). */
int alog_sink_flush(alog_sink *s);
void alog_sink_close(alog_sink *s); ///< Frees s (NULL: no-op); no flush.

#endif
