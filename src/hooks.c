/* hooks.c - environment variables that change a run for testing (a fake
 * /proc/cpuinfo, a missing io_uring, a slow reservation, a skewed clock,
 * another producer program).  They act in every build, so that the tests
 * run the programs users run; in exchange none acts unseen: the program
 * frame names the active ones in one stderr line and every report header
 * carries them (alog_hooks_describe). */
#include <stdlib.h>
#include <string.h>

#include "alog.h"

/* The one list: a hook read through alog_hook must be named here; what
 * it does is said once, for the man pages' ENVIRONMENT (alog_hook_name). */
static const struct {
    const char *name, *what;
} hooks[] = {
    {"ALOG_PRODUCER", /* run_async.c */
     "the producer program alog-async starts (default: the alog-producer "
     "beside it)"},
    {"ALOG_CPUINFO", /* clock.c */
     "the file read for the CPU's TSC flags instead of /proc/cpuinfo"},
    {"ALOG_TEST_URING", /* transport_uring.c */
     "unavailable, single or direct: --readers uring acts as without "
     "io_uring, without multishot reads, or without a buffer ring"},
    {"ALOG_TEST_RESERVE_MS", /* run.c */
     "a record list reservation this many ms slower (at most 10 s)"},
    {"ALOG_TEST_CLOCK_SKEW", /* mpi/clock_sync.c */
     "RANK:NS: alog-mpi skews that rank's clock by NS nanoseconds"},
    {"ALOG_TEST_MPI_THREAD", /* mpi/alog_mpi.c */
     "single, funneled, serialized or multiple: alog-mpi takes that "
     "thread level as the one MPI granted"},
};

#define N_HOOKS (sizeof hooks / sizeof *hooks)
#define VALUE_MAX 64 /* of a value shown: enough to tell it */

const char *alog_hook(const char *name)
{
    for (size_t i = 0; i < N_HOOKS; i++)
        if (strcmp(hooks[i].name, name) == 0) {
            const char *v = getenv(name);
            return v != NULL && v[0] != '\0' ? v : NULL;
        }
    return NULL; /* not a hook: never read behind the list's back */
}

size_t alog_hooks_describe(char *buf, size_t cap)
{
    size_t n = 0, active = 0;
    if (cap == 0)
        return 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_HOOKS; i++) {
        const char *v = alog_hook(hooks[i].name);
        if (v == NULL)
            continue;
        active++;
        /* One header line whatever the value holds: no control bytes, no
         * spaces (the separator), at most VALUE_MAX shown. */
        char shown[VALUE_MAX + 4];
        size_t k = 0;
        for (; k < VALUE_MAX && v[k] != '\0'; k++)
            shown[k] = (v[k] > ' ' && v[k] < 0x7f) ? v[k] : '?';
        shown[k] = '\0';
        if (v[k] != '\0')
            strcat(shown, "...");
        int w = snprintf(buf + n, cap - n, "%s%s=%s", n ? " " : "",
                         hooks[i].name, shown);
        if (w < 0 || (size_t)w >= cap - n) {
            buf[n] = '\0'; /* the whole entry or none */
            break;
        }
        n += (size_t)w;
    }
    return active;
}

const char *alog_hook_name(size_t i, const char **what)
{
    if (i >= N_HOOKS)
        return NULL;
    if (what != NULL)
        *what = hooks[i].what;
    return hooks[i].name;
}
