/* cores.c - how many cores a run has, and the one way every model says
 * that it asked for more busy tasks than that: rates and latencies of an
 * oversubscribed run include waiting for a core, which a reader of the
 * report must know before comparing models. */
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include "alog.h"

int alog_cores_usable(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 0;
}

int alog_oversubscribed(alog_result *res, const alog_diag *d, unsigned tasks,
                        const char *what, int cores)
{
    int over = cores > 0 && tasks > (unsigned)cores;
    if (alog_result_header(res, "oversubscribed", "%s", over ? "yes" : "no"))
        return ALOG_ENOMEM;
    if (!over)
        return 0;
    char msg[192];
    snprintf(msg, sizeof msg,
             "oversubscribed: %u %s on %d cores: they wait for a core, so "
             "rates and latencies include scheduling delays",
             tasks, what, cores);
    if (alog_result_header(res, "warning", "%s", msg))
        return ALOG_ENOMEM;
    alog_say(d, "warning: %s", msg);
    return 0;
}
