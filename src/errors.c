/* errors.c - messages and exit statuses of the ALOG_E* codes. */
#include "alog.h"

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
    case ALOG_EINTR: return 130;
    default: return 1;
    }
}
