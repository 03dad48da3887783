/* clock.c - the producers' stamp clock: CLOCK_MONOTONIC, or the CPU's
 * invariant TSC converted to CLOCK_MONOTONIC ns.  A TSC read costs less
 * than half of a clock_gettime on the VMs we measured, and an unthrottled
 * producer is bound by its stamp.  The conversion is re-anchored on
 * CLOCK_MONOTONIC often enough that its error stays under a microsecond:
 * each anchor also re-estimates the frequency over the whole run so far,
 * so the estimate only gets better. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alog.h"

#define FIRST_PERIOD_NS 10000000LL /* first anchors 10 ms apart ...    */
#define LAST_PERIOD_NS 100000000LL /* ... growing to 100 ms           */
#define CALIBRATE_NS 2000000LL     /* the first frequency: a 2 ms look */

int alog_tsc_invariant(void)
{
    const char *path = alog_hook("ALOG_CPUINFO");
    FILE *f = fopen(path ? path : "/proc/cpuinfo", "re");
    if (!f)
        return 0;
    char line[4096];
    int yes = 0;
    /* The first CPU's flags come within its first lines: a bounded look
     * (a hook may point at /dev/zero or a FIFO that never ends). */
    for (int k = 0; k < 1024 && fgets(line, sizeof line, f); k++) {
        if (strncmp(line, "flags", 5) != 0)
            continue;
        /* Whole words only: " constant_tsc " in the padded line. */
        char padded[4100];
        snprintf(padded, sizeof padded, " %s", line);
        padded[strcspn(padded, "\n")] = ' ';
        yes = strstr(padded, " constant_tsc ") != NULL &&
              strstr(padded, " nonstop_tsc ") != NULL;
        break; /* every CPU lists the same flags */
    }
    fclose(f);
    return yes && ALOG_HAVE_TSC;
}

#if ALOG_HAVE_TSC
/* A TSC reading and CLOCK_MONOTONIC at (about) the same instant: the
 * tightest of a few tries, the monotonic time taken as the middle. */
static void pair(uint64_t *tsc, int64_t *ns)
{
    int64_t best = INT64_MAX;
    *tsc = 0;
    *ns = 0;
    for (int i = 0; i < 5; i++) {
        int64_t a = alog_now_ns();
        uint64_t t = __rdtsc();
        int64_t b = alog_now_ns();
        if (b - a < best) {
            best = b - a;
            *tsc = t;
            *ns = a + (b - a) / 2;
        }
    }
}

/* ns per tick << 32 over a baseline; 0 if it is empty. */
static uint64_t rate(uint64_t dt, int64_t dns)
{
    if (dt == 0 || dns <= 0)
        return 0;
    return (uint64_t)(((unsigned __int128)dns << 32) / dt);
}

/* Ticks in ns at c's rate (for the anchor period). */
static uint64_t ticks(const alog_clock *c, int64_t ns)
{
    return c->mult ? (uint64_t)(((unsigned __int128)ns << 32) / c->mult) : 1;
}
#endif

int alog_clock_init(alog_clock *c, int kind)
{
    memset(c, 0, sizeof *c);
    c->last_ns = INT64_MIN;
#ifdef ALOG_SMPI
    /* Simulated time is SMPI's clock_gettime; the TSC counts real cycles:
     * every kind falls back to CLOCK_MONOTONIC (the header says so). */
    kind = ALOG_CLOCK_MONOTONIC;
#endif
    if (kind == ALOG_CLOCK_MONOTONIC)
        return 0;
    int ok = alog_tsc_invariant();
    if (!ok)
        return kind == ALOG_CLOCK_AUTO ? 0 : ALOG_EINVAL;
#if ALOG_HAVE_TSC
    uint64_t t0, t1;
    int64_t n0, n1;
    pair(&t0, &n0);
    do
        pair(&t1, &n1);
    while (n1 - n0 < CALIBRATE_NS);
    c->tsc = 1;
    c->tsc_base = c->tsc0 = t1;
    c->ns_base = c->ns0 = n1;
    c->mult = rate(t1 - t0, n1 - n0);
    c->period = ticks(c, FIRST_PERIOD_NS);
    c->next_tsc = t1 + c->period;
#endif
    return 0;
}

int64_t alog_clock_convert(const alog_clock *c, uint64_t t)
{
    /* Signed: a reading just before the anchor converts to just before. */
    int64_t dt = (int64_t)(t - c->tsc0);
    __int128 d = (__int128)dt * (__int128)c->mult;
    return c->ns0 + (int64_t)(d >> 32);
}

int64_t alog_clock_anchor(alog_clock *c, uint64_t tsc)
{
#if ALOG_HAVE_TSC
    uint64_t t;
    int64_t ns;
    (void)tsc;
    pair(&t, &ns);
    int64_t drift = alog_clock_convert(c, t) - ns;
    drift = drift < 0 ? -drift : drift;
    if (drift > c->drift_max_ns)
        c->drift_max_ns = drift;
    uint64_t m = rate(t - c->tsc_base, ns - c->ns_base);
    if (m)
        c->mult = m;
    c->tsc0 = t;
    c->ns0 = ns;
    c->anchors++;
    if (c->period < ticks(c, LAST_PERIOD_NS))
        c->period *= 2;
    c->next_tsc = t + c->period;
    c->last_ns = ns > c->last_ns ? ns : c->last_ns;
    return c->last_ns;
#else
    (void)c;
    (void)tsc;
    return alog_now_ns();
#endif
}

int64_t alog_clock_finish(alog_clock *c)
{
#if ALOG_HAVE_TSC
    if (!c->tsc)
        return 0;
    uint64_t t;
    int64_t ns;
    pair(&t, &ns);
    return alog_clock_convert(c, t) - ns;
#else
    (void)c;
    return 0;
#endif
}
