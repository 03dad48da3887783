/* config.c - what a configuration means: its defaults (the original's
 * final logger), how many producers it has, each one's interval, phase,
 * schedule count and stall time. */
#include <stdlib.h>
#include <string.h>

#include "alog.h"

/* The original's final logger: four senders at 0.2, 0.1, 1 and 0.01 s.  Static
 * so that alog_config_init allocates nothing and may be called twice. */
static double default_intervals[] = {0.2, 0.1, 1.0, 0.01};

void alog_config_init(alog_config *cfg, int model)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->model = model;
    cfg->job = ALOG_JOB_LOG;
    cfg->producers = 0;
    cfg->intervals = default_intervals;
    cfg->n_intervals = sizeof default_intervals / sizeof default_intervals[0];
    cfg->count = 10;
    cfg->format = ALOG_FMT_TABLE;
    cfg->show = ALOG_SHOW_AUTO;
    cfg->fail_after = -1;
    cfg->stall_timeout = -1; /* derived per producer */
    cfg->primes.number = UINT64_C(10657331232548839);
    cfg->primes.schedule = ALOG_SCHED_STATIC;
    cfg->primes.kernel = -1; /* $ALOG_PRIMES_KERNEL, else the default */
}

void alog_config_free(alog_config *cfg)
{
    if (cfg->intervals != default_intervals)
        free(cfg->intervals);
    cfg->intervals = default_intervals;
    cfg->n_intervals = sizeof default_intervals / sizeof default_intervals[0];
}

void alog_config_set_intervals(alog_config *cfg, double *v, unsigned n)
{
    if (cfg->intervals != default_intervals)
        free(cfg->intervals);
    cfg->intervals = v;
    cfg->n_intervals = n;
}

unsigned alog_config_producers(const alog_config *cfg)
{
    if (cfg->producers > 0)
        return cfg->producers;
    return cfg->n_intervals;
}

static int64_t seconds_ns(double s)
{
    if (!(s > 0)) /* also NaN */
        return 0;
    double ns = s * 1e9 + 0.5;
    if (ns >= 9.2e18)
        return INT64_MAX;
    return (int64_t)ns;
}

int64_t alog_config_stall_ns(const alog_config *cfg, unsigned i)
{
    if (cfg->stall_timeout >= 0)
        return seconds_ns(cfg->stall_timeout);
    if (cfg->foreign)
        return 0; /* a foreign command may rightly be silent for long */
    /* Ten missed records, never under 5 s: a loaded machine (or a
     * sanitizer build) can hold a producer off its core, or an MPI rank
     * in flow control, for seconds without anything being wrong. */
    int64_t iv = alog_config_interval_ns(cfg, i);
    int64_t t = iv < INT64_MAX / 10 ? 10 * iv : INT64_MAX;
    return t > 5000000000LL ? t : 5000000000LL;
}

int64_t alog_config_phase_ns(const alog_config *cfg, unsigned i)
{
    unsigned n = alog_config_producers(cfg);
    int64_t iv = alog_config_interval_ns(cfg, i);
    if (cfg->phase != ALOG_PHASE_SPREAD || n < 2 || iv <= 0 || i >= n)
        return 0;
    /* i * iv / n without overflow: iv is at most a day in ns. */
    return (int64_t)((unsigned __int128)iv * i / n);
}

uint64_t alog_config_expected(const alog_config *cfg, unsigned i)
{
    int64_t iv = alog_config_interval_ns(cfg, i), dur = 0;
    if (cfg->foreign || iv <= 0 || cfg->duration <= 0 ||
        alog_seconds_to_ns(cfg->duration, &dur) != 0 || dur <= 0)
        return cfg->count; /* by count only, or no schedule to count */
    /* Record k is due at k * iv and made while k * iv < dur. */
    uint64_t due = (uint64_t)((dur - 1) / iv) + 1;
    return cfg->count > 0 && cfg->count < due ? cfg->count : due;
}

int64_t alog_config_interval_ns(const alog_config *cfg, unsigned i)
{
    if (cfg->rate > 0)
        return seconds_ns(1.0 / cfg->rate);
    if (cfg->n_intervals == 0 || cfg->intervals == NULL)
        return 0;
    return seconds_ns(cfg->intervals[i % cfg->n_intervals]);
}

