/* primes_job.c - the primes job every model runs: its work (the divisors
 * of a number, or the numbers of a range), the checks the option table
 * cannot make, the parts and chunks, and one part's work with the kernel
 * (primes_kernel.c). */
#include "primes.h"

#include <stdlib.h>
#include <string.h>

static int should_stop(const atomic_int *stop)
{
    return alog_primes_should_stop(stop);
}

/* ---- jobs --------------------------------------------------------------- */

/* Integers of the work minus one (the span), or 0 with *empty set. */
static void work_of(const alog_config *cfg, uint64_t *lo, uint64_t *hi,
                    int *empty)
{
    *empty = 0;
    if (cfg->primes.range_hi != 0) {
        *lo = cfg->primes.range_lo;
        *hi = cfg->primes.range_hi;
        return;
    }
    uint64_t r = alog_isqrt(cfg->primes.number);
    *lo = 2;
    *hi = r;
    if (r < 2) {
        *hi = 2;
        *empty = 1;
    }
}

/* --kernel when given, else $ALOG_PRIMES_KERNEL (what the benchmark
 * scripts set), else the default.  *bad names a bad variable. */
static int kernel_of(const alog_config *cfg, int *kernel, const char **bad)
{
    *kernel = ALOG_KERNEL_DEFAULT;
    *bad = NULL;
    if (cfg->primes.kernel >= 0) {
        *kernel = cfg->primes.kernel;
        return 0;
    }
    const char *s = getenv("ALOG_PRIMES_KERNEL");
    if (s == NULL || s[0] == '\0')
        return 0;
    if (alog_kernel_parse(s, kernel) != 0) {
        *bad = s;
        return ALOG_EINVAL;
    }
    return 0;
}

int alog_primes_check(const alog_config *cfg, const char *prog, char *err,
                      size_t errlen)
{
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    const alog_primes_opts *o = &cfg->primes;
    if (o->range_hi != 0 && o->range_lo > o->range_hi) {
        if (err != NULL)
            snprintf(err, errlen,
                     "%s: --range '%llu:%llu': A must not be above B "
                     "(see --help)", prog,
                     (unsigned long long)o->range_lo,
                     (unsigned long long)o->range_hi);
        return ALOG_EINVAL;
    }
    int kernel;
    const char *bad;
    if (kernel_of(cfg, &kernel, &bad) != 0) {
        if (err != NULL)
            snprintf(err, errlen,
                     "%s: ALOG_PRIMES_KERNEL '%s': must be wheel, odd or div "
                     "(see --help)", prog, bad);
        return ALOG_EINVAL;
    }
    if (cfg->primes.parts == 0)
        return 0; /* the model's default, fitted to the work */
    uint64_t lo, hi;
    int empty;
    work_of(cfg, &lo, &hi, &empty);
    /* one part may always be asked for, even with nothing to do */
    if (cfg->primes.parts == 1 || (!empty && cfg->primes.parts - 1 <= hi - lo))
        return 0;
    if (err != NULL) {
        char what[96];
        if (cfg->primes.range_hi != 0)
            snprintf(what, sizeof what, "%llu numbers in %llu:%llu",
                     (unsigned long long)(hi - lo + 1),
                     (unsigned long long)lo, (unsigned long long)hi);
        else if (empty)
            snprintf(what, sizeof what, "0 divisors to try for %llu",
                     (unsigned long long)cfg->primes.number);
        else
            snprintf(what, sizeof what, "%llu divisors to try (2..%llu)",
                     (unsigned long long)(hi - lo + 1),
                     (unsigned long long)hi);
        snprintf(err, errlen, "%s: --parts '%u': more parts than the %s "
                 "(see --help)", prog, cfg->primes.parts, what);
    }
    return ALOG_EINVAL;
}

int alog_primes_job_init(alog_primes_job *job, const alog_config *cfg,
                         unsigned default_parts)
{
    memset(job, 0, sizeof *job);
    const char *bad;
    if (kernel_of(cfg, &job->kernel, &bad) != 0)
        return ALOG_EINVAL;
    job->range = cfg->primes.range_hi != 0;
    job->number = cfg->primes.number;
    job->range_lo = cfg->primes.range_lo;
    job->range_hi = cfg->primes.range_hi;
    job->schedule = cfg->primes.schedule == ALOG_SCHED_DYNAMIC
                        ? ALOG_SCHED_DYNAMIC
                        : ALOG_SCHED_STATIC;
    work_of(cfg, &job->lo, &job->hi, &job->empty);
    if (job->range && job->lo > job->hi)
        return ALOG_EINVAL;
    uint64_t span = job->empty ? 0 : job->hi - job->lo;
    unsigned p = cfg->primes.parts;
    if (p == 0) {
        p = default_parts > 0 ? default_parts : 1;
        if (job->empty)
            p = 1;
        else if ((uint64_t)p - 1 > span)
            p = (unsigned)(span + 1);
    } else if (p > 1 && (job->empty || (uint64_t)p - 1 > span)) {
        return ALOG_EINVAL;
    }
    job->parts = p;
    /* Slices: what a task does before it yields, a rank before it
     * looks for messages.  A number job's slice is ~2^16 divisors (a few
     * thousand candidates); a range job's a few numbers. */
    job->slice = job->range ? 16 : UINT64_C(1) << 16;
    if (job->schedule == ALOG_SCHED_DYNAMIC) {
        /* about 64 chunks per part: small enough to even out uneven
         * numbers, large enough that taking one costs nothing */
        job->chunk = span / ((uint64_t)p * 64) + 1;
        job->chunks = job->empty ? 0 : span / job->chunk + 1;
    } else {
        job->chunk = 0;
        job->chunks = p;
    }
    return 0;
}

int alog_primes_part_range(const alog_primes_job *job, unsigned k,
                           uint64_t *a, uint64_t *b)
{
    if (job->empty)
        return 0;
    return alog_split(job->lo, job->hi, k, job->parts, a, b);
}

int alog_primes_chunk_range(const alog_primes_job *job, uint64_t c,
                            uint64_t *a, uint64_t *b)
{
    if (job->empty || job->chunk == 0 || c >= job->chunks)
        return 0;
    *a = job->lo + c * job->chunk;
    *b = job->hi - *a < job->chunk - 1 ? job->hi : *a + (job->chunk - 1);
    return 1;
}

void alog_primes_part_init(alog_primes_part *p, int k)
{
    memset(p, 0, sizeof *p);
    p->lo = 1; /* lo > hi: no work yet */
    p->index = k;
    snprintf(p->where, sizeof p->where, "part %d", k);
}

int alog_primes_work(const alog_primes_job *job, uint64_t a, uint64_t b,
                     const atomic_int *stop, alog_primes_part *p)
{
    if (a > b)
        return 0;
    if (p->lo > p->hi) { /* its first piece */
        p->lo = a;
        p->hi = b;
    } else {
        p->lo = a < p->lo ? a : p->lo;
        p->hi = b > p->hi ? b : p->hi;
    }
    int64_t t0 = alog_now_ns();
    int found = 0;
    if (!job->range) {
        /* divisors: b <= isqrt(number) < 2^32, so b + 1 cannot wrap */
        uint64_t d = alog_trial(job->kernel, job->number, a, b + 1, stop,
                                &p->steps);
        if (d != 0) {
            if (p->divisor == 0 || d < p->divisor)
                p->divisor = d;
            p->covered += d - a + 1;
            found = 1;
        } else if (should_stop(stop)) {
            p->stopped = 1;
        } else {
            p->covered += b - a + 1;
        }
    } else {
        for (uint64_t x = a;; x++) {
            if (should_stop(stop)) {
                p->stopped = 1;
                break;
            }
            int prime = alog_is_prime(x, job->kernel, stop, NULL, &p->steps);
            if (should_stop(stop)) { /* x may be unfinished */
                p->stopped = 1;
                break;
            }
            p->count += (uint64_t)prime;
            p->covered++;
            if (x == b)
                break;
        }
    }
    p->seconds += (double)(alog_now_ns() - t0) * 1e-9;
    return found;
}

double alog_primes_serial(const alog_primes_job *job,
                          alog_primes_part *serial)
{
    alog_primes_part_init(serial, 0);
    snprintf(serial->where, sizeof serial->where, "serial");
    int64_t t0 = alog_now_ns();
    if (!job->empty) {
        serial->chunks = 1;
        alog_primes_work(job, job->lo, job->hi, NULL, serial);
    }
    return (double)(alog_now_ns() - t0) * 1e-9;
}

int alog_primes_check_job(alog_config *cfg, const alog_diag *d, void *ctx,
                          char *err, size_t errlen)
{
    (void)ctx;
    return alog_primes_check(cfg, d->prog, err, errlen);
}
