/* cpu.c - CPU time, in ns, of this process, of its reaped children and of
 * one given process: what every run's CPU figures are read from. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "transport.h"

int64_t alog__rusage_ns(int who)
{
    struct rusage u;
    if (getrusage(who, &u) != 0)
        return 0;
    return ((int64_t)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000 +
            u.ru_utime.tv_usec + u.ru_stime.tv_usec) *
           1000;
}

int64_t alog__proc_cpu_ns(long pid)
{
    /* schedstat's first field: time on a CPU, in ns (stat's utime and
     * stime come in clock ticks, 10 ms here: too coarse for a start-up). */
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/schedstat", pid);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return -1;
    long long ns = -1;
    if (fscanf(f, "%lld", &ns) != 1)
        ns = -1;
    fclose(f);
    return ns;
}
