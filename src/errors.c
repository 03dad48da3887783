/* errors.c - messages and exit statuses of the ALOG_E* codes, and the
 * system call behind an ALOG_ESYS. */
#include <errno.h>
#include <string.h>

#include "alog.h"

/* The last alog_fail of this thread: an ALOG_ESYS or ALOG_EIO travels up
 * as a code, its errno (and call) wait here for the message; errno itself
 * would be overwritten on the way by the clean-up (close, waitpid, free,
 * MPI calls). */
/* cppcheck 2.10 does not see members used through a _Thread_local. */
typedef struct kept {
    int rc;           /* cppcheck-suppress unusedStructMember */
    const char *call; /* cppcheck-suppress unusedStructMember */
    int err;          /* cppcheck-suppress unusedStructMember */
} kept; /* rc: the code it came with (ALOG_OK: none); call: the failed
           call, or NULL; err: its errno */
static _Thread_local kept last;

int alog_fail(int rc, const char *call)
{
    last.rc = rc;
    last.call = call;
    last.err = errno != 0 ? errno : EIO;
    return rc;
}

const char *alog_reason(int rc, char *buf, size_t len)
{
    if (rc != ALOG_OK && rc == last.rc) {
        if (last.call != NULL)
            snprintf(buf, len, "%s: %s", last.call, strerror(last.err));
        else
            snprintf(buf, len, "%s", strerror(last.err));
        last.rc = ALOG_OK; /* said once */
    } else if ((rc == ALOG_ESYS || rc == ALOG_EIO) && errno != 0) {
        snprintf(buf, len, "%s", strerror(errno));
    } else {
        snprintf(buf, len, "%s", alog_strerror(rc));
    }
    return buf;
}

const char *alog_strerror(int err)
{
    switch (err) {
    case ALOG_OK: return "success";
    case ALOG_EINVAL: return "invalid argument";
    case ALOG_ENOMEM: return "out of memory";
    case ALOG_ESYS: return "system call failed";
    case ALOG_EIO: return "output write failed";
    case ALOG_EPROTO: return "malformed record";
    case ALOG_ESHORT: return "a producer stopped early or failed";
    case ALOG_EINTR: return "interrupted";
    case ALOG_ERANGE: return "value out of range";
    case ALOG_EMPI: return "MPI call failed";
    case ALOG_EFULL: return "collecting stopped for memory";
    case ALOG_ELOST: return "records were lost or duplicated";
    default: return "unknown error";
    }
}

int alog_exit_status(int err)
{
    switch (err) {
    case ALOG_OK: return 0;
    case ALOG_EINVAL:
    case ALOG_ERANGE: return 2;
    case ALOG_ESHORT: return 3;
    case ALOG_ELOST: return 4;
    case ALOG_EINTR: return 130;
    default: return 1;
    }
}
