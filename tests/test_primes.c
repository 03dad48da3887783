/* test_primes.c - the trial-division kernel, the split, the jobs, the
 * report, and the async runs (interleaved tasks and child processes). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "primes.h"

#define P31 UINT64_C(2147483647)                /* 2^31 - 1 */
#define P61 UINT64_C(2305843009213693951)       /* 2^61 - 1 */
#define DEFAULT_N UINT64_C(10657331232548839)   /* the original's number */
#define MAX_PRIME UINT64_C(18446744073709551557) /* largest 64-bit prime */
#define P32A UINT64_C(4294967291)               /* largest prime < 2^32 */
#define P32B UINT64_C(4294967279)               /* the one below it */
#define Q3 UINT64_C(6148914691236517199)        /* prime; 3 * Q3 < 2^64 */

static const int kernels[] = {ALOG_KERNEL_WHEEL, ALOG_KERNEL_ODD,
                              ALOG_KERNEL_DIV};
#define NKERNELS (sizeof kernels / sizeof kernels[0])

/* ---- references: slow and obviously right --------------------------------- */

static int ref_candidate(int kernel, uint64_t d)
{
    if (d < 2)
        return 0;
    if (kernel == ALOG_KERNEL_WHEEL)
        return d == 2 || d == 3 || d == 5 ||
               (d % 2 != 0 && d % 3 != 0 && d % 5 != 0);
    return d == 2 || d % 2 != 0;
}

/* Smallest candidate in [lo, hi) dividing n; *tested: candidates tried. */
static uint64_t ref_trial(int kernel, uint64_t n, uint64_t lo, uint64_t hi,
                          uint64_t *tested)
{
    *tested = 0;
    for (uint64_t d = lo; d < hi; d++) {
        if (!ref_candidate(kernel, d))
            continue;
        (*tested)++;
        if (n % d == 0)
            return d;
    }
    return 0;
}

static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t rnd(void)
{
    /* splitmix64: deterministic, so a failure reproduces */
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* ---- isqrt ------------------------------------------------------------------ */

static int is_floor_sqrt(uint64_t n, uint64_t r)
{
    /* r*r <= n < (r+1)^2, without overflow: r <= 2^32 - 1 */
    if (r > UINT64_C(0xffffffff))
        return 0;
    if (r * r > n)
        return 0;
    uint64_t r1 = r + 1;
    return r1 > UINT64_C(0xffffffff) ? 1 : r1 * r1 > n;
}

static void test_isqrt(void **state)
{
    (void)state;
    static const uint64_t cases[][2] = {
        {0, 0}, {1, 1}, {2, 1}, {3, 1}, {4, 2}, {8, 2}, {9, 3}, {15, 3},
        {16, 4}, {17, 4}, {DEFAULT_N, 103234351},
        {UINT64_C(1000000000000000003), 1000000000},
        {P32A * P32A, P32A}, {P32A * P32A - 1, P32A - 1},
        {P32A * P32A + 1, P32A},
        {UINT64_C(0xfffffffe00000001), UINT64_C(0xffffffff)}, /* (2^32-1)^2 */
        {UINT64_C(0xfffffffe00000000), UINT64_C(0xfffffffe)},
        {UINT64_MAX, UINT64_C(0xffffffff)}, /* a double sqrt says 2^32 */
        {MAX_PRIME, UINT64_C(0xffffffff)},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(alog_isqrt(cases[i][0]), cases[i][1]);
    for (int i = 0; i < 100000; i++) {
        uint64_t n = rnd() >> (rnd() % 64);
        assert_true(is_floor_sqrt(n, alog_isqrt(n)));
    }
    /* every perfect square near the top and its neighbours */
    for (uint64_t r = UINT64_C(0xffffffff) - 1000; r <= UINT64_C(0xffffffff);
         r++) {
        assert_int_equal(alog_isqrt(r * r), r);
        assert_int_equal(alog_isqrt(r * r - 1), r - 1);
    }
}

/* ---- split ------------------------------------------------------------------- */

/* Parts in order, contiguous, exactly covering [lo, hi], sizes within one,
 * larger first; empty parts only when there are more parts than integers. */
static void check_split(uint64_t lo, uint64_t hi, unsigned parts)
{
    uint64_t next = lo, span = hi - lo;
    uint64_t prev_len = 0;
    int ended = 0, nonempty = 0;
    for (unsigned k = 0; k < parts; k++) {
        uint64_t a = 0, b = 0;
        int got = alog_split(lo, hi, k, parts, &a, &b);
        if (!got) {
            /* empty: only after every integer was handed out */
            if (!(ended || (uint64_t)k > span))
                fail_msg("[%llu,%llu] P=%u: part %u empty", (unsigned long long)lo, (unsigned long long)hi, parts, k);
            ended = 1;
            continue;
        }
        assert_false(ended);
        nonempty++;
        assert_int_equal(a, next);
        assert_true(b >= a);
        uint64_t len = b - a; /* length - 1 */
        if (k > 0) {
            assert_true(len <= prev_len);
            assert_true(prev_len - len <= 1);
        }
        prev_len = len;
        if (b == hi) {
            ended = 1;
        } else {
            next = b + 1;
        }
    }
    assert_true(ended); /* the last integer was covered */
    if ((uint64_t)parts - 1 <= span)
        assert_int_equal(nonempty, parts);
    else
        assert_int_equal((uint64_t)nonempty, span + 1);
}

static void test_split(void **state)
{
    (void)state;
    /* P from 1 to more parts than integers */
    for (unsigned p = 1; p <= 15; p++) {
        check_split(2, 10, p);  /* 9 integers */
        check_split(5, 5, p);   /* 1 integer */
        check_split(0, 0, p);
        check_split(2, 103234351, p);
    }
    for (unsigned p = 1; p <= 70; p++)
        check_split(3, 66, p);
    check_split(0, UINT64_MAX, 1); /* 2^64 integers: no overflow */
    check_split(0, UINT64_MAX, 2);
    check_split(0, UINT64_MAX, 3);
    check_split(0, UINT64_MAX, 65536);
    check_split(UINT64_MAX - 5, UINT64_MAX, 4);
    check_split(UINT64_MAX - 5, UINT64_MAX, 9);

    uint64_t a, b;
    assert_true(alog_split(0, UINT64_MAX, 1, 2, &a, &b));
    assert_int_equal(a, UINT64_C(1) << 63);
    assert_int_equal(b, UINT64_MAX);
    assert_true(alog_split(2, 10, 0, 2, &a, &b)); /* 9 = 5 + 4 */
    assert_int_equal(a, 2);
    assert_int_equal(b, 6);
    assert_false(alog_split(2, 10, 2, 2, &a, &b)); /* k >= parts */
    assert_false(alog_split(2, 10, 0, 0, &a, &b)); /* no parts */
    assert_false(alog_split(10, 2, 0, 1, &a, &b)); /* lo > hi */
}

/* ---- kernels ------------------------------------------------------------------- */

static uint64_t trial_all(int kernel, uint64_t n, uint64_t lo, uint64_t hi,
                          uint64_t *steps)
{
    *steps = 0;
    return alog_trial(kernel, n, lo, hi, NULL, steps);
}

/* The full divisor range: the answer of the job for n. */
static uint64_t smallest_divisor(int kernel, uint64_t n)
{
    uint64_t steps;
    return trial_all(kernel, n, 2, alog_isqrt(n) + 1, &steps);
}

static void test_known_numbers(void **state)
{
    (void)state;
    static const struct {
        uint64_t n, divisor; /* 0: prime (or 0/1: no divisor range) */
    } cases[] = {
        {0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 2}, {5, 0}, {9, 3}, {25, 5},
        {35, 5}, {49, 7}, {121, 11}, {169, 13}, {289, 17},
        {UINT64_C(4293001441), 65521}, /* 65521^2 */
        {UINT64_C(1000003) * UINT64_C(1000003), 1000003},
        {P31, 0},
        {DEFAULT_N, 0},
        {UINT64_C(1000036000099), 1000003}, /* 1000003 * 1000033 */
        {UINT64_C(100000980001501), 10000019},
        {3 * Q3, 3},
        {UINT64_C(1) << 63, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (size_t k = 0; k < NKERNELS; k++) {
            uint64_t d = smallest_divisor(kernels[k], cases[i].n);
            if (d != cases[i].divisor)
                fail_msg("n=%llu kernel %s: divisor %llu, want %llu",
                         (unsigned long long)cases[i].n,
                         alog_kernel_name(kernels[k]), (unsigned long long)d,
                         (unsigned long long)cases[i].divisor);
            uint64_t div;
            int prime = alog_is_prime(cases[i].n, kernels[k], NULL, &div,
                                      NULL);
            assert_int_equal(prime, cases[i].n >= 2 && cases[i].divisor == 0);
            assert_int_equal(div, cases[i].divisor);
        }
    }
}

static void test_mersenne_61(void **state)
{
    (void)state;
    /* 2^61-1: the whole range of 1.5e9 divisors, fast kernels only */
    uint64_t steps;
    assert_int_equal(trial_all(ALOG_KERNEL_WHEEL, P61, 2, alog_isqrt(P61) + 1,
                               &steps), 0);
    /* 2, 3, 5 and 8 of every 30 from 7 to isqrt = 1518500249 */
    assert_int_equal(steps, UINT64_C(404933402));
    /* the other kernels on both ends of the range (the whole takes
     * seconds in a sanitizer build) */
    const uint64_t r = alog_isqrt(P61);
    assert_int_equal(r, UINT64_C(1518500249));
    assert_int_equal(trial_all(ALOG_KERNEL_ODD, P61, r - 20000000, r + 1,
                               &steps), 0);
    assert_int_equal(steps, 10000001); /* r - 2e7 .. r, both odd */
    for (size_t k = 1; k < NKERNELS; k++)
        assert_int_equal(trial_all(kernels[k], P61, 2, 20000000, &steps), 0);
}

static void test_near_2_64(void **state)
{
    (void)state;
    /* The largest 64-bit prime: short ranges only (the whole is 4e9). */
    const uint64_t r = alog_isqrt(MAX_PRIME);
    assert_int_equal(r, UINT64_C(0xffffffff));
    for (size_t k = 0; k < NKERNELS; k++) {
        uint64_t steps;
        assert_int_equal(trial_all(kernels[k], MAX_PRIME, 2, 3000000, &steps),
                         0);
        assert_int_equal(trial_all(kernels[k], MAX_PRIME, r - 3000000, r + 1,
                                   &steps), 0);
        /* the product of the two largest primes below 2^32 */
        uint64_t n = P32A * P32B;
        assert_int_equal(trial_all(kernels[k], n, P32B - 100000, P32B + 10,
                                   &steps), P32B);
        assert_int_equal(trial_all(kernels[k], n, P32B + 1, alog_isqrt(n) + 1,
                                   &steps), 0);
        assert_int_equal(trial_all(kernels[k], n, 2, 2000000, &steps), 0);
        /* a square of a prime near 2^32: its root is its only divisor */
        n = P32A * P32A;
        assert_int_equal(alog_isqrt(n), P32A);
        assert_int_equal(trial_all(kernels[k], n, P32A - 5000000,
                                   alog_isqrt(n) + 1, &steps), P32A);
        /* a candidate at 2^32 - 1 and beyond does not break the kernel */
        assert_int_equal(trial_all(kernels[k], UINT64_C(0xffffffff) * 7,
                                   UINT64_C(0xffffffff) - 300,
                                   UINT64_C(0xffffffff) + 200, &steps),
                         kernels[k] == ALOG_KERNEL_WHEEL ? 0
                                                         : UINT64_C(0xffffffff));
    }
}

/* Random numbers with a planted divisor, random windows: every kernel must
 * return what the obvious loop returns, and count the same steps. */
static void test_against_reference(void **state)
{
    (void)state;
    for (int i = 0; i < 3000; i++) {
        uint64_t lo = rnd() % (i % 3 == 0 ? 1000 : UINT64_C(0xffffffff) - 5000);
        uint64_t hi = lo + rnd() % 3000;
        uint64_t n = rnd();
        if (i % 2 == 0 && hi > lo + 1) {
            uint64_t d = lo + rnd() % (hi - lo);
            if (d >= 2)
                n = d * (rnd() % (UINT64_MAX / d) + 1);
        }
        if (i % 7 == 0)
            n = rnd() % 100000;
        for (size_t k = 0; k < NKERNELS; k++) {
            uint64_t want_steps, steps;
            uint64_t want = ref_trial(kernels[k], n, lo, hi, &want_steps);
            uint64_t got = trial_all(kernels[k], n, lo, hi, &steps);
            if (got != want || steps != want_steps)
                fail_msg("n=%llu [%llu,%llu) %s: %llu/%llu steps, want "
                         "%llu/%llu",
                         (unsigned long long)n, (unsigned long long)lo,
                         (unsigned long long)hi, alog_kernel_name(kernels[k]),
                         (unsigned long long)got, (unsigned long long)steps,
                         (unsigned long long)want,
                         (unsigned long long)want_steps);
        }
    }
}

static void test_stop_flag(void **state)
{
    (void)state;
    atomic_int stop;
    atomic_init(&stop, 1);
    for (size_t k = 0; k < NKERNELS; k++) {
        uint64_t steps = 0;
        /* a prime's whole range, already stopped: ends within a poll */
        uint64_t d = alog_trial(kernels[k], DEFAULT_N, 2, 103234352, &stop,
                                &steps);
        assert_int_equal(d, 0);
        assert_true(steps <= ALOG_PRIMES_POLL + 16);
    }
    atomic_store(&stop, 0);
    uint64_t steps = 0;
    assert_int_equal(alog_trial(ALOG_KERNEL_WHEEL, DEFAULT_N, 2, 103234352,
                                &stop, &steps), 0);
    assert_true(steps > 27000000); /* ran to the end */
    /* is_prime says "not prime" when stopped: callers look at the flag */
    atomic_store(&stop, 1);
    assert_int_equal(alog_is_prime(DEFAULT_N, ALOG_KERNEL_WHEEL, &stop, NULL,
                                   NULL), 0);
    assert_int_equal(alog_count_primes(1, 1000, ALOG_KERNEL_WHEEL, &stop,
                                       NULL), 0);
}

static void test_count(void **state)
{
    (void)state;
    for (size_t k = 0; k < NKERNELS; k++) {
        int kn = kernels[k];
        assert_int_equal(alog_count_primes(0, 1, kn, NULL, NULL), 0);
        assert_int_equal(alog_count_primes(2, 2, kn, NULL, NULL), 1);
        assert_int_equal(alog_count_primes(0, 100, kn, NULL, NULL), 25);
        assert_int_equal(alog_count_primes(1, 1000, kn, NULL, NULL), 168);
        assert_int_equal(alog_count_primes(1, 100000, kn, NULL, NULL), 9592);
        /* 65: counted by plain trial division in Python */
        assert_int_equal(alog_count_primes(999001, 1000000, kn, NULL, NULL),
                         65);
        /* the top of 32 bits: 4294967279 and 4294967291 */
        assert_int_equal(alog_count_primes(P32B - 1, UINT64_C(0xffffffff), kn,
                                           NULL, NULL), 2);
        /* the top of 64 bits: 18446744073709551557 is the last prime */
        assert_int_equal(alog_count_primes(MAX_PRIME + 1, UINT64_MAX, kn,
                                           NULL, NULL), 0);
        assert_int_equal(alog_count_primes(5, 4, kn, NULL, NULL), 0);
    }
}

static void test_work(void **state)
{
    (void)state;
    const uint64_t n = DEFAULT_N;
    assert_int_equal(alog_work(0), 0);
    assert_int_equal(alog_work(1), n % 3);
    assert_int_equal(alog_work(3), n % 3 + n % 5 + n % 7);
    /* odd divisors 3..103234351 are 51617175 steps; the next one wraps
     * to 3 again */
    uint64_t a = alog_work(51617174), b = alog_work(51617175),
             c = alog_work(51617176);
    assert_int_equal(b - a, n % 103234351);
    assert_int_equal(c - b, n % 3);
}

/* ---- jobs and checks ----------------------------------------------------------- */

static void cfg_number(alog_config *cfg, uint64_t n, unsigned parts)
{
    alog_config_init(cfg, ALOG_MODEL_ASYNC);
    cfg->job = ALOG_JOB_PRIMES;
    cfg->primes.number = n;
    cfg->primes.parts = parts;
}

static void cfg_range(alog_config *cfg, uint64_t a, uint64_t b,
                      unsigned parts)
{
    cfg_number(cfg, 0, parts);
    cfg->primes.range_lo = a;
    cfg->primes.range_hi = b;
}

static void test_check(void **state)
{
    (void)state;
    char err[256];
    alog_config cfg;
    const char *prog = program_invocation_short_name;
    char want[256];

    cfg_number(&cfg, DEFAULT_N, 0);
    assert_int_equal(alog_primes_check(&cfg, prog, err, sizeof err), 0);
    cfg.primes.parts = 65536;
    assert_int_equal(alog_primes_check(&cfg, prog, err, sizeof err), 0);

    /* 10: divisors 2..3, two of them */
    cfg_number(&cfg, 10, 2);
    assert_int_equal(alog_primes_check(&cfg, prog, err, sizeof err), 0);
    cfg.primes.parts = 3;
    assert_int_equal(alog_primes_check(&cfg, prog, err, sizeof err), ALOG_EINVAL);
    snprintf(want, sizeof want, "%s: --parts '3': more parts than the 2 "
             "divisors to try (2..3) (see --help)", prog);
    assert_string_equal(err, want);

    /* 3: no divisor to try, one part is still fine */
    cfg_number(&cfg, 3, 1);
    assert_int_equal(alog_primes_check(&cfg, prog, err, sizeof err), 0);
    cfg.primes.parts = 2;
    assert_int_equal(alog_primes_check(&cfg, prog, err, sizeof err), ALOG_EINVAL);
    snprintf(want, sizeof want, "%s: --parts '2': more parts than the 0 "
             "divisors to try for 3 (see --help)", prog);
    assert_string_equal(err, want);

    cfg_range(&cfg, 10, 12, 3);
    assert_int_equal(alog_primes_check(&cfg, prog, err, sizeof err), 0);
    cfg.primes.parts = 4;
    assert_int_equal(alog_primes_check(&cfg, prog, err, sizeof err), ALOG_EINVAL);
    snprintf(want, sizeof want, "%s: --parts '4': more parts than the 3 "
             "numbers in 10:12 (see --help)", prog);
    assert_string_equal(err, want);

    cfg_range(&cfg, 12, 10, 0);
    assert_int_equal(alog_primes_check(&cfg, prog, err, sizeof err), ALOG_EINVAL);
    snprintf(want, sizeof want, "%s: --range '12:10': A must not be above B "
             "(see --help)", prog);
    assert_string_equal(err, want);

    cfg_range(&cfg, 0, UINT64_MAX, 65536); /* 2^64 numbers: no overflow */
    assert_int_equal(alog_primes_check(&cfg, prog, err, sizeof err), 0);

    cfg_number(&cfg, DEFAULT_N, 0);
    setenv("ALOG_PRIMES_KERNEL", "sieve", 1);
    assert_int_equal(alog_primes_check(&cfg, prog, err, sizeof err), ALOG_EINVAL);
    snprintf(want, sizeof want, "%s: ALOG_PRIMES_KERNEL 'sieve': must be "
             "wheel, odd or div (see --help)", prog);
    assert_string_equal(err, want);
    setenv("ALOG_PRIMES_KERNEL", "odd", 1);
    assert_int_equal(alog_primes_check(&cfg, prog, err, sizeof err), 0);
    alog_primes_job job;
    assert_int_equal(alog_primes_job_init(&job, &cfg, 4), 0);
    assert_int_equal(job.kernel, ALOG_KERNEL_ODD);
    unsetenv("ALOG_PRIMES_KERNEL");
}

static void test_job(void **state)
{
    (void)state;
    alog_config cfg;
    alog_primes_job job;

    cfg_number(&cfg, DEFAULT_N, 0);
    assert_int_equal(alog_primes_job_init(&job, &cfg, 4), 0);
    assert_int_equal(job.kernel, ALOG_KERNEL_WHEEL);
    assert_int_equal(job.parts, 4);
    assert_int_equal(job.lo, 2);
    assert_int_equal(job.hi, 103234351);
    assert_false(job.range);

    /* a default P is fitted to the work; an explicit one is not */
    cfg_number(&cfg, 10, 0);
    assert_int_equal(alog_primes_job_init(&job, &cfg, 4), 0);
    assert_int_equal(job.parts, 2);
    cfg_number(&cfg, 3, 0);
    assert_int_equal(alog_primes_job_init(&job, &cfg, 4), 0);
    assert_int_equal(job.parts, 1);
    assert_true(job.empty);
    uint64_t a, b;
    assert_false(alog_primes_part_range(&job, 0, &a, &b));
    cfg_number(&cfg, 10, 3);
    assert_int_equal(alog_primes_job_init(&job, &cfg, 4), ALOG_EINVAL);

    /* dynamic chunks cover the work exactly once, in order */
    cfg_range(&cfg, 1, 100000, 3);
    cfg.primes.schedule = ALOG_SCHED_DYNAMIC;
    assert_int_equal(alog_primes_job_init(&job, &cfg, 4), 0);
    assert_true(job.range);
    assert_true(job.chunks >= 64 * 3);
    uint64_t next = 1;
    for (uint64_t c = 0; c < job.chunks; c++) {
        assert_true(alog_primes_chunk_range(&job, c, &a, &b));
        assert_int_equal(a, next);
        assert_true(b >= a && b - a < job.chunk);
        next = b + 1;
    }
    assert_int_equal(next, 100001);
    assert_false(alog_primes_chunk_range(&job, job.chunks, &a, &b));

    /* the whole 64-bit range: chunks without overflow */
    cfg_range(&cfg, 0, UINT64_MAX, 2);
    cfg.primes.schedule = ALOG_SCHED_DYNAMIC;
    assert_int_equal(alog_primes_job_init(&job, &cfg, 4), 0);
    assert_true(alog_primes_chunk_range(&job, job.chunks - 1, &a, &b));
    assert_int_equal(b, UINT64_MAX);
}

static void test_work_parts(void **state)
{
    (void)state;
    alog_config cfg;
    alog_primes_job job;
    /* the parts of a range add up to the serial count */
    cfg_range(&cfg, 1, 200000, 7);
    assert_int_equal(alog_primes_job_init(&job, &cfg, 1), 0);
    uint64_t count = 0, steps = 0;
    for (unsigned k = 0; k < job.parts; k++) {
        alog_primes_part p;
        uint64_t a, b;
        alog_primes_part_init(&p, (int)k);
        assert_true(alog_primes_part_range(&job, k, &a, &b));
        assert_int_equal(alog_primes_work(&job, a, b, NULL, &p), 0);
        assert_int_equal(p.lo, a);
        assert_int_equal(p.hi, b);
        assert_int_equal(p.covered, b - a + 1);
        count += p.count;
        steps += p.steps;
    }
    alog_primes_part serial;
    alog_primes_serial(&job, &serial);
    assert_int_equal(count, 17984); /* pi(200000) */
    assert_int_equal(serial.count, 17984);
    assert_int_equal(serial.steps, steps);

    /* a number: the part holding the divisor finds it */
    cfg_number(&cfg, UINT64_C(1000036000099), 4);
    assert_int_equal(alog_primes_job_init(&job, &cfg, 1), 0);
    int found = -1;
    for (unsigned k = 0; k < job.parts; k++) {
        alog_primes_part p;
        uint64_t a, b;
        alog_primes_part_init(&p, (int)k);
        assert_true(alog_primes_part_range(&job, k, &a, &b));
        if (alog_primes_work(&job, a, b, NULL, &p)) {
            assert_int_equal(p.divisor, 1000003);
            assert_true(a <= 1000003 && 1000003 <= b);
            found = (int)k;
        }
    }
    assert_int_equal(found, 3); /* 2..1000018 in 4 parts: the last */
}

/* ---- runs through the report ----------------------------------------------------- */

typedef struct csv {
    char *text;
    char *result[32]; /* fields of the result row */
    int nresult;
    char *head[32];   /* its column names */
    char *parts[64][16];
    int nparts, npartcols;
} csv;

static int split_fields(char *line, char **out, int max)
{
    int n = 0;
    for (char *p = line; n < max;) {
        out[n++] = p;
        p = strchr(p, ',');
        if (p == NULL)
            break;
        *p++ = '\0';
    }
    return n;
}

static void csv_parse(csv *c)
{
    char *save = NULL, *head = NULL;
    c->nresult = 0;
    c->nparts = 0;
    for (char *line = strtok_r(c->text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "kind,", 5) == 0)
            head = line;
        else if (strncmp(line, "result,", 7) == 0) {
            c->nresult = split_fields(line, c->result, 32);
            split_fields(head, c->head, 32);
        } else if (strncmp(line, "part,", 5) == 0 && c->nparts < 64)
            c->npartcols = split_fields(line, c->parts[c->nparts++], 16);
    }
}

static const char *field(const csv *c, const char *name)
{
    for (int i = 0; i < c->nresult; i++)
        if (strcmp(c->head[i], name) == 0)
            return c->result[i];
    fail_msg("no field %s", name);
    return NULL;
}

/* Run the async primes job into c (csv); returns its code. */
static int run_async(const alog_config *cfg, csv *c)
{
    size_t len = 0;
    FILE *f = open_memstream(&c->text, &len);
    assert_non_null(f);
    alog_config run = *cfg;
    run.format = ALOG_FMT_CSV;
    int rc = alog_run_primes_async(&run, f, NULL);
    fclose(f);
    csv_parse(c);
    return rc;
}

/* part columns: kind,part,lo,hi,chunks,steps,divisor,count,busy_s,stopped */
#define PC_STEPS 5
#define PC_DIVISOR 6
#define PC_STOPPED 9

static void test_run_interleaved(void **state)
{
    (void)state;
    alog_config cfg;
    csv c;

    cfg_number(&cfg, DEFAULT_N, 4);
    assert_int_equal(run_async(&cfg, &c), ALOG_OK);
    assert_string_equal(field(&c, "answer"), "prime");
    assert_string_equal(field(&c, "steps"), field(&c, "serial_steps"));
    assert_string_equal(field(&c, "parts"), "4");
    assert_int_equal(c.nparts, 4);
    free(c.text);

    /* 3 * Q3: part 0 finds 3 at once; the others stop in the same round,
     * after one slice each at most (~2^16 divisors, 8 in 30 tried). */
    cfg_number(&cfg, 3 * Q3, 4);
    assert_int_equal(run_async(&cfg, &c), ALOG_OK);
    assert_string_equal(field(&c, "answer"), "composite");
    assert_string_equal(field(&c, "divisor"), "3");
    assert_string_equal(field(&c, "found_part"), "0");
    assert_int_equal(c.nparts, 4);
    for (int k = 1; k < 4; k++) {
        assert_string_equal(c.parts[k][PC_STOPPED], "1");
        assert_string_equal(c.parts[k][PC_STEPS], "0");
    }
    free(c.text);

    /* a range, dynamic: the count of the serial run */
    cfg_range(&cfg, 1, 100000, 3);
    cfg.primes.schedule = ALOG_SCHED_DYNAMIC;
    assert_int_equal(run_async(&cfg, &c), ALOG_OK);
    assert_string_equal(field(&c, "answer"), "9592");
    assert_string_equal(field(&c, "count"), "9592");
    assert_string_equal(field(&c, "steps"), field(&c, "serial_steps"));
    free(c.text);

    /* no baseline: no serial figures */
    cfg_number(&cfg, 97, 0);
    cfg.primes.no_baseline = 1;
    assert_int_equal(run_async(&cfg, &c), ALOG_OK);
    assert_string_equal(field(&c, "answer"), "prime");
    assert_string_equal(field(&c, "serial_s"), "");
    assert_string_equal(field(&c, "speedup"), "");
    free(c.text);
}

static void test_run_processes(void **state)
{
    (void)state;
    alog_config cfg;
    csv c;

    cfg_number(&cfg, UINT64_C(100000980001501), 3);
    cfg.primes.processes = 1;
    assert_int_equal(run_async(&cfg, &c), ALOG_OK);
    assert_string_equal(field(&c, "answer"), "composite");
    assert_string_equal(field(&c, "divisor"), "10000019");
    assert_string_equal(field(&c, "found_part"), "2");
    free(c.text);

    cfg_range(&cfg, 1, 100000, 2);
    cfg.primes.processes = 1;
    cfg.primes.schedule = ALOG_SCHED_DYNAMIC;
    assert_int_equal(run_async(&cfg, &c), ALOG_OK);
    assert_string_equal(field(&c, "answer"), "9592");
    free(c.text);

    /* 3 * Q3 has 4.3e9 divisors to try (about a second per part): part 0
     * finds 3 at once and the shared flag ends the others long before. */
    cfg_number(&cfg, 3 * Q3, 2);
    cfg.primes.processes = 1;
    cfg.primes.no_baseline = 1;
    assert_int_equal(run_async(&cfg, &c), ALOG_OK);
    assert_string_equal(field(&c, "divisor"), "3");
    assert_string_equal(c.parts[1][PC_STOPPED], "1");
    assert_true(strtoull(c.parts[1][PC_STEPS], NULL, 10) <
                UINT64_C(200000000)); /* of 5.7e8 */
    free(c.text);
}

static void test_report_formats(void **state)
{
    (void)state;
    alog_config cfg;
    cfg_number(&cfg, 91, 2); /* 7 * 13 */
    alog_primes_job job;
    assert_int_equal(alog_primes_job_init(&job, &cfg, 1), 0);
    alog_primes_part parts[2];
    alog_primes_result res;
    assert_int_equal(alog_primes_result_init(&res, "async", "CLOCK_MONOTONIC",
                                             &job, parts), 0);
    for (int k = 0; k < 2; k++) {
        uint64_t a, b;
        alog_primes_part_init(&parts[k], k);
        assert_true(alog_primes_part_range(&job, (unsigned)k, &a, &b));
        alog_primes_work(&job, a, b, NULL, &parts[k]);
    }
    res.model_s = 0.5;
    res.baseline = 1;
    res.serial_s = 1.0;
    alog_primes_result_extra(&res, "tasks", "%d", 2);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(alog_primes_report_write(f, ALOG_FMT_JSON, &res), 0);
    fclose(f);
    assert_non_null(strstr(buf, "\"model\": \"async\""));
    assert_non_null(strstr(buf, "\"job\": \"primes\""));
    assert_non_null(strstr(buf, "\"number\": \"91\""));
    assert_non_null(strstr(buf, "\"tasks\": \"2\""));
    assert_non_null(strstr(buf, "\"answer\":\"composite\""));
    assert_non_null(strstr(buf, "\"divisor\":7"));
    assert_non_null(strstr(buf, "\"speedup\":2,"));
    assert_non_null(strstr(buf, "\"efficiency\":1,"));
    assert_non_null(strstr(buf, "\"range_lo\":null"));
    free(buf);

    f = open_memstream(&buf, &len);
    assert_int_equal(alog_primes_report_write(f, ALOG_FMT_TABLE, &res), 0);
    fclose(f);
    assert_non_null(strstr(buf, "# clock=CLOCK_MONOTONIC\n"));
    assert_non_null(strstr(buf, "== parts =="));
    assert_non_null(strstr(buf, "  answer               composite\n"));
    assert_non_null(strstr(buf, "  range_lo             -\n"));
    free(buf);

    /* interrupted: the answer is not claimed */
    res.interrupted = 1;
    char ans[32];
    parts[0].divisor = parts[1].divisor = 0;
    assert_string_equal(alog_primes_answer(&res, ans, sizeof ans), "unknown");
    assert_int_equal(alog_primes_outcome(&res), ALOG_EINTR);

    /* a write that fails is reported */
    f = fopen("/dev/full", "w");
    if (f != NULL) {
        assert_int_equal(alog_primes_report_write(f, ALOG_FMT_CSV, &res),
                         ALOG_EIO);
        fclose(f);
    }
    alog_primes_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_isqrt),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_known_numbers),
        cmocka_unit_test(test_mersenne_61),
        cmocka_unit_test(test_near_2_64),
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_stop_flag),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_work),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_job),
        cmocka_unit_test(test_work_parts),
        cmocka_unit_test(test_run_interleaved),
        cmocka_unit_test(test_run_processes),
        cmocka_unit_test(test_report_formats),
    };
    /* ALOG_TEST_FILTER=test_count: run only the tests that match */
    if (getenv("ALOG_TEST_FILTER") != NULL)
        cmocka_set_test_filter(getenv("ALOG_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
