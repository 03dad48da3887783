/** @file
 * alog/clock.h - the clock: CLOCK_MONOTONIC ns, and the producers' stamp clock (monotonic or TSC).
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_CLOCK_H
#define ALOG_CLOCK_H

#include <stdint.h>

/** CLOCK_MONOTONIC in ns.  The one clock of the async and omp models. */
int64_t alog_now_ns(void);

/** --clock: what producers stamp records with.  Records and reports are
 * always CLOCK_MONOTONIC ns; tsc only reads them more cheaply. */
enum alog_clock_kind {
    ALOG_CLOCK_MONOTONIC = 0, ///< clock_gettime(CLOCK_MONOTONIC)
    ALOG_CLOCK_TSC = 1,       ///< the CPU's invariant TSC, converted
    ALOG_CLOCK_AUTO = 2       ///< tsc where it is invariant, else monotonic
};

/** A producer's stamp clock.  With tsc: ns = ns0 + (tsc - tsc0) * mult /
 * 2^32, re-anchored on CLOCK_MONOTONIC every 10 ms at first, then every
 * 100 ms, with the frequency taken over the whole baseline since the
 * start, so that the error never grows with the run; stamps never go
 * back.  One per thread (not shared). */
typedef struct alog_clock {
    int tsc;                 ///< 1: stamp with the TSC
    uint64_t tsc0;           ///< anchor: a TSC reading ...
    int64_t ns0;             ///< ... and CLOCK_MONOTONIC then
    uint64_t mult;           ///< ns per tick, << 32
    uint64_t tsc_base;       ///< the first anchor (the frequency's base)
    int64_t ns_base;         ///< CLOCK_MONOTONIC at the first anchor
    uint64_t next_tsc;       ///< re-anchor once the TSC passes this
    uint64_t period;         ///< ticks between anchors
    int64_t last_ns;         ///< the latest stamp handed out
    int64_t drift_max_ns;    ///< largest |converted - monotonic| at anchors
    uint64_t anchors;        ///< re-anchors done
} alog_clock;

/** Does this CPU have an invariant TSC (constant_tsc and nonstop_tsc in
 * /proc/cpuinfo, or in $ALOG_CPUINFO: for tests)? */
int alog_tsc_invariant(void);
/** Set c up for kind (auto resolved here).  0, or ALOG_EINVAL when tsc
 * was asked for and the TSC is not invariant. */
int alog_clock_init(alog_clock *c, int kind);
/** The re-anchoring step of alog_clock_now (out of line, rare). */
int64_t alog_clock_anchor(alog_clock *c, uint64_t tsc);
/** Convert TSC reading t with c's current anchor, without re-anchoring
 * (exact integer arithmetic; for tests and the end check). */
int64_t alog_clock_convert(const alog_clock *c, uint64_t t);
/** One last anchor: the drift of the conversion against CLOCK_MONOTONIC
 * now, in ns (0 with monotonic). */
int64_t alog_clock_finish(alog_clock *c);

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
/** 1 where the CPU has a TSC that rdtsc reads (x86), else 0. */
#define ALOG_HAVE_TSC 1
#else
/** 1 where the CPU has a TSC that rdtsc reads (x86), else 0. */
#define ALOG_HAVE_TSC 0
#endif

/** A stamp in CLOCK_MONOTONIC ns from c (NULL: clock_gettime). */
static inline int64_t alog_clock_now(alog_clock *c)
{
#if ALOG_HAVE_TSC
    if (c && c->tsc) {
        uint64_t t = __rdtsc();
        if (__builtin_expect(t >= c->next_tsc, 0))
            return alog_clock_anchor(c, t);
        int64_t ns = alog_clock_convert(c, t);
        /* Never back, even across an anchor's correction. */
        c->last_ns = ns > c->last_ns ? ns : c->last_ns;
        return c->last_ns;
    }
#endif
    (void)c;
    return alog_now_ns();
}

#endif
