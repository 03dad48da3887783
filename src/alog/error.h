/** @file
 * alog/error.h - errors: the ALOG_E* codes every function returns, their messages and the exit statuses.
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_ERROR_H
#define ALOG_ERROR_H

#include <stddef.h>

/** Error codes: 0 or negative, as every function returns them. */
enum alog_err {
    ALOG_OK = 0,
    ALOG_EINVAL = -1,  ///< bad argument or option value
    ALOG_ENOMEM = -2,  ///< allocation failed
    ALOG_ESYS = -3,    ///< a system call failed; errno tells which
    ALOG_EIO = -4,     ///< a write of output failed (disk full, closed pipe)
    ALOG_EPROTO = -5,  ///< a line or frame that does not parse
    ALOG_ESHORT = -6,  ///< a producer stopped early or failed
    ALOG_EINTR = -7,   ///< the run was interrupted by SIGINT/SIGTERM
    ALOG_ERANGE = -8,  ///< a value out of its allowed range
    ALOG_EMPI = -9,    ///< an MPI call failed
    ALOG_EFULL = -10,  ///< collecting stopped for memory (out of it, or
                       ///< --max-memory reached); the report was written
    ALOG_ELOST = -11,  ///< records were lost or duplicated on the way
};

/** Static message for an ALOG_E* code; never NULL. */
const char *alog_strerror(int err);

/** Returns rc (ALOG_ESYS, ALOG_EIO) after a failed system call or write,
 * keeping errno and the call's name (a static string such as "pipe2", or
 * NULL) for this thread's next alog_reason(): the message then says what
 * failed however far up the code travels and whatever ran on the way. */
int alog_fail(int rc, const char *call);

/** What failed, for the message of an ALOG_E* code rc, into buf: after an
 * alog_fail(rc, call) "<call>: <strerror>" (or "<strerror>" without a
 * call), said once; else strerror(errno) for ALOG_ESYS and ALOG_EIO, and
 * alog_strerror(rc) for the others.  Returns buf. */
const char *alog_reason(int rc, char *buf, size_t len);

/** Process exit status for a run's result code:
 * 0 ok, 1 runtime error, 2 usage, 3 producer short/failed, 4 records lost
 * or duplicated (every producer ended as planned), 130 interrupted. */
int alog_exit_status(int err);

#endif
