/* env_omp.c - what the OpenMP runtime gave the run, for the report header:
 * version, threads asked and granted, binding, places, and whether the
 * threads outnumber the cores (then timings measure the scheduler). */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "omp_model.h"

const char *alog_omp_version_name(long openmp)
{
    static const struct {
        long date;
        const char *name;
    } versions[] = {
        {199810, "1.0"}, {200203, "2.0"}, {200505, "2.5"}, {200805, "3.0"},
        {201107, "3.1"}, {201307, "4.0"}, {201511, "4.5"}, {201811, "5.0"},
        {202011, "5.1"}, {202111, "5.2"}, {202411, "6.0"},
    };
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
        if (versions[i].date == openmp)
            return versions[i].name;
    return "?";
}

int alog_omp_parse_threads(const char *s, unsigned *out, char *why,
                           size_t whylen)
{
    /* Digits only: strtoul alone would take " 4", "+4" and "4,2". */
    if (!s || !*s || strspn(s, "0123456789") != strlen(s)) {
        snprintf(why, whylen, "not a number");
        return ALOG_EINVAL;
    }
    errno = 0;
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (errno == ERANGE || v > ALOG_OMP_THREADS_MAX) {
        snprintf(why, whylen, "must be at most %u", ALOG_OMP_THREADS_MAX);
        return ALOG_EINVAL;
    }
    if (v < 1) {
        snprintf(why, whylen, "must be at least 1");
        return ALOG_EINVAL;
    }
    *out = (unsigned)v;
    return 0;
}

static const char *bind_name(omp_proc_bind_t b)
{
    switch (b) {
    case omp_proc_bind_false: return "false";
    case omp_proc_bind_true: return "true";
    case omp_proc_bind_master: return "master";
    case omp_proc_bind_close: return "close";
    case omp_proc_bind_spread: return "spread";
    }
    return "?";
}

/* The variable as the user set it, or "unset". */
static const char *env_or_unset(const char *name)
{
    const char *v = getenv(name);
    return v ? v : "unset";
}

int alog_omp_env_header(alog_result *res, const alog_diag *diag,
                        unsigned threads_asked, unsigned threads_total)
{
    int cores = omp_get_num_procs();
    int rc = 0;
    rc |= alog_result_header(res, "openmp", "%s (%ld)",
                             alog_omp_version_name((long)_OPENMP),
                             (long)_OPENMP);
    rc |= alog_result_header(res, "threads_asked", "%u", threads_asked);
    rc |= alog_result_header(res, "threads_total", "%u", threads_total);
    rc |= alog_result_header(res, "omp_proc_bind", "%s (%s)",
                             env_or_unset("OMP_PROC_BIND"),
                             bind_name(omp_get_proc_bind()));
    rc |= alog_result_header(res, "omp_places", "%s (%d places)",
                             env_or_unset("OMP_PLACES"), omp_get_num_places());
    rc |= alog_result_header(res, "omp_cores", "%d", cores);
    rc |= alog_oversubscribed(res, diag, threads_total, "threads", cores);
    return rc ? ALOG_ENOMEM : 0;
}

int alog_omp_env_granted(alog_result *res, unsigned granted)
{
    return alog_result_header(res, "threads_granted", "%u", granted);
}

int alog_omp_env_where(alog_result *res, unsigned i, unsigned thread,
                       unsigned team, int cpu_first, int cpu_last)
{
    char where[96];
    if (cpu_first == cpu_last)
        snprintf(where, sizeof where, "omp thread %u/%u cpu %d", thread, team,
                 cpu_first);
    else
        snprintf(where, sizeof where, "omp thread %u/%u cpu %d->%d", thread,
                 team, cpu_first, cpu_last);
    return alog_result_set_where(res, i, where);
}
