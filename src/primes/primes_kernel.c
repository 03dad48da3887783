/* primes_kernel.c - the trial-division kernel, the exact split of a
 * range, and alog_work (the --work knob of the log job).  The jobs built
 * on it are in primes_job.c.
 *
 * Both wheels are written the same way: candidates are base + off[i] for
 * the 8 residues off[] of one turn of `stride` integers, after a few small
 * primes the wheel skips.  The odd wheel has stride 16 (its residues are
 * the 8 odd numbers of 16), the 2-3-5 wheel stride 30.  Whole turns go
 * through turns_avx512 (8 lanes) when the CPU has it, else turns_scalar.
 */
#include "primes.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ALOG_PRIMES_AVX512 1
#endif

/* ---- integer square root and the split ---------------------------------- */

uint64_t alog_isqrt(uint64_t n)
{
    if (n < 2)
        return n;
    /* Start above the root (2^ceil(bits/2)) and let Newton's iteration
     * fall to it: it decreases until it reaches floor(sqrt(n)). */
    unsigned bits = 0;
    for (uint64_t v = n; v != 0; v >>= 1)
        bits++;
    uint64_t x = UINT64_C(1) << ((bits + 1) / 2);
    for (;;) {
        /* x <= 2^32 and n / x <= 2^32 here: the sum cannot overflow */
        uint64_t y = (x + n / x) / 2;
        if (y >= x)
            return x;
        x = y;
    }
}

int alog_split(uint64_t lo, uint64_t hi, unsigned k, unsigned parts,
               uint64_t *a, uint64_t *b)
{
    if (parts == 0 || k >= parts || lo > hi)
        return 0;
    if (parts == 1) { /* the whole, even when it holds 2^64 integers */
        *a = lo;
        *b = hi;
        return 1;
    }
    /* size = span + 1 may be 2^64: take quotient and remainder of span
     * and carry the +1 into them; with parts >= 2, q cannot overflow. */
    uint64_t span = hi - lo;
    uint64_t q = span / parts, r = span % parts;
    if (r + 1 == parts) {
        q++;
        r = 0;
    } else {
        r++;
    }
    /* the first r parts have q + 1 integers, the others q */
    uint64_t before = (uint64_t)k * q + (k < r ? k : r);
    uint64_t len = q + (k < r ? 1 : 0);
    if (len == 0)
        return 0;
    *a = lo + before;
    *b = *a + (len - 1);
    return 1;
}

/* ---- kernels ------------------------------------------------------------ */

typedef struct wheel {
    uint64_t stride;        /* integers per turn */
    uint64_t off[8];        /* the candidates of a turn, ascending, odd */
    uint64_t first;         /* smallest candidate above the small primes */
    const uint64_t *small;  /* primes the wheel skips, tested first */
    unsigned nsmall;
} wheel;

static const uint64_t small_odd[] = {2};
static const uint64_t small_235[] = {2, 3, 5};

static const wheel wheel_odd = {
    .stride = 16,
    .off = {1, 3, 5, 7, 9, 11, 13, 15},
    .first = 3,
    .small = small_odd,
    .nsmall = 1,
};

static const wheel wheel_235 = {
    .stride = 30,
    .off = {1, 7, 11, 13, 17, 19, 23, 29},
    .first = 7,
    .small = small_235,
    .nsmall = 3,
};

static const char *const kernel_names[] = {
    [ALOG_KERNEL_WHEEL] = "wheel",
    [ALOG_KERNEL_ODD] = "odd",
    [ALOG_KERNEL_DIV] = "div",
};

const char *alog_kernel_name(int kernel)
{
    if (kernel < 0 || kernel > ALOG_KERNEL_DIV)
        return "?";
    return kernel_names[kernel];
}

int alog_kernel_parse(const char *s, int *kernel)
{
    for (int k = 0; k <= ALOG_KERNEL_DIV; k++) {
        if (s != NULL && strcmp(s, kernel_names[k]) == 0) {
            *kernel = k;
            return 0;
        }
    }
    return ALOG_EINVAL;
}

static int should_stop(const atomic_int *stop)
{
    return alog_primes_should_stop(stop);
}

/* Whole turns t0 .. t0+nturns-1 with `%`.  *tested gets what was tried. */
static uint64_t turns_scalar(uint64_t n, const wheel *w, uint64_t t0,
                             uint64_t nturns, uint64_t *tested)
{
    uint64_t base = t0 * w->stride;
    for (uint64_t j = 0; j < nturns; j++, base += w->stride) {
        for (unsigned i = 0; i < 8; i++) {
            uint64_t d = base + w->off[i];
            if (n % d == 0) {
                *tested += j * 8 + i + 1;
                return d;
            }
        }
    }
    *tested += nturns * 8;
    return 0;
}

#ifdef ALOG_PRIMES_AVX512
/* The same, 8 candidates per instruction.  For odd d, x = d^-1 mod 2^64
 * exists and q = n * x mod 2^64 satisfies q * d == n (mod 2^64).  If d
 * divides n then q is the true quotient n / d, and q * d does not
 * overflow; if q * d does not overflow it equals n, so d divides n.  The
 * test is exact: d | n  <=>  q * d < 2^64.  With d < 2^32 and q = qh 2^32
 * + ql, q * d < 2^64  <=>  qh d + (ql d >> 32) < 2^32, two 32x32->64
 * multiplies (the sum cannot overflow).  Candidates must be below 2^32. */
__attribute__((target("avx512f,avx512dq")))
static uint64_t turns_avx512(uint64_t n, const wheel *w, uint64_t t0,
                             uint64_t nturns, uint64_t *tested)
{
    const __m512i step = _mm512_set1_epi64((long long)w->stride);
    const __m512i vn = _mm512_set1_epi64((long long)n);
    const __m512i two = _mm512_set1_epi64(2);
    const __m512i high = _mm512_set1_epi64((long long)0xffffffff00000000ull);
    __m512i d = _mm512_add_epi64(_mm512_set1_epi64((long long)(t0 * w->stride)),
                                 _mm512_loadu_si512((const void *)w->off));
    for (uint64_t j = 0; j < nturns; j++) {
        /* (3d) xor 2 is d^-1 to 5 bits; each Newton step x(2 - dx)
         * doubles the bits: 10, 20, 40, 80. */
        __m512i x = _mm512_xor_si512(_mm512_add_epi64(d, _mm512_add_epi64(d, d)),
                                     two);
        x = _mm512_mullo_epi64(x, _mm512_sub_epi64(two, _mm512_mullo_epi64(d, x)));
        x = _mm512_mullo_epi64(x, _mm512_sub_epi64(two, _mm512_mullo_epi64(d, x)));
        x = _mm512_mullo_epi64(x, _mm512_sub_epi64(two, _mm512_mullo_epi64(d, x)));
        x = _mm512_mullo_epi64(x, _mm512_sub_epi64(two, _mm512_mullo_epi64(d, x)));
        __m512i q = _mm512_mullo_epi64(vn, x);
        __m512i hi = _mm512_mul_epu32(_mm512_srli_epi64(q, 32), d);
        __m512i lo = _mm512_mul_epu32(q, d);
        __m512i s = _mm512_add_epi64(hi, _mm512_srli_epi64(lo, 32));
        __mmask8 m = _mm512_testn_epi64_mask(s, high); /* s < 2^32 */
        if (m != 0) {
            unsigned lane = (unsigned)__builtin_ctz((unsigned)m);
            *tested += j * 8 + lane + 1;
            return t0 * w->stride + j * w->stride + w->off[lane];
        }
        d = _mm512_add_epi64(d, step);
    }
    *tested += nturns * 8;
    return 0;
}

static int have_avx512(void)
{
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512dq");
}
#endif

const char *alog_trial_simd(int kernel)
{
#ifdef ALOG_PRIMES_AVX512
    if (kernel != ALOG_KERNEL_DIV && have_avx512())
        return "avx512";
#endif
    (void)kernel;
    return "none";
}

typedef uint64_t (*turns_fn)(uint64_t n, const wheel *w, uint64_t t0,
                             uint64_t nturns, uint64_t *tested);

/* Candidates of turn t in [from, hi), one at a time. */
static uint64_t turn_partial(uint64_t n, const wheel *w, uint64_t t,
                             uint64_t from, uint64_t hi, uint64_t *tested)
{
    for (unsigned i = 0; i < 8; i++) {
        uint64_t d = t * w->stride + w->off[i];
        if (d < from || d >= hi)
            continue;
        (*tested)++;
        if (n % d == 0)
            return d;
    }
    return 0;
}

static uint64_t trial(const wheel *w, int simd, uint64_t n, uint64_t lo,
                      uint64_t hi, const atomic_int *stop, uint64_t *steps)
{
    uint64_t tested = 0, found = 0;
    if (lo < 2)
        lo = 2;
    for (unsigned i = 0; i < w->nsmall && found == 0; i++) {
        uint64_t p = w->small[i];
        if (p >= lo && p < hi) {
            tested++;
            if (n % p == 0)
                found = p;
        }
    }
    uint64_t start = lo > w->first ? lo : w->first;
    if (found != 0 || start >= hi)
        goto out;

    turns_fn fast = turns_scalar;
#ifdef ALOG_PRIMES_AVX512
    if (simd && have_avx512())
        fast = turns_avx512;
#else
    (void)simd;
#endif
    const uint64_t S = w->stride, last = w->off[7];
    uint64_t t = start / S;
    /* a first turn that starts below `start` or ends at hi */
    if (t * S + w->off[0] < start || t * S + last >= hi) {
        found = turn_partial(n, w, t, start, hi, &tested);
        if (found != 0)
            goto out;
        t++;
    }
    /* whole turns: t * S + last < hi */
    uint64_t full = 0;
    if (hi > last && (hi - 1 - last) / S >= t)
        full = (hi - 1 - last) / S - t + 1;
    const uint64_t group = ALOG_PRIMES_POLL / 8;
    while (full > 0) {
        if (should_stop(stop))
            goto out;
        uint64_t g = full < group ? full : group;
        /* the 8-lane test needs candidates below 2^32 */
        turns_fn f = (t + g) * S <= (UINT64_C(1) << 32) ? fast : turns_scalar;
        found = f(n, w, t, g, &tested);
        if (found != 0)
            goto out;
        t += g;
        full -= g;
    }
    /* a last turn that ends at hi */
    found = turn_partial(n, w, t, start, hi, &tested);
out:
    if (steps != NULL)
        *steps += tested;
    return found;
}

uint64_t alog_trial_wheel(uint64_t n, uint64_t lo, uint64_t hi,
                          const atomic_int *stop, uint64_t *steps)
{
    return trial(&wheel_235, 1, n, lo, hi, stop, steps);
}

uint64_t alog_trial_odd(uint64_t n, uint64_t lo, uint64_t hi,
                        const atomic_int *stop, uint64_t *steps)
{
    return trial(&wheel_odd, 1, n, lo, hi, stop, steps);
}

uint64_t alog_trial(int kernel, uint64_t n, uint64_t lo, uint64_t hi,
                    const atomic_int *stop, uint64_t *steps)
{
    switch (kernel) {
    case ALOG_KERNEL_ODD:
        return trial(&wheel_odd, 1, n, lo, hi, stop, steps);
    case ALOG_KERNEL_DIV:
        return trial(&wheel_odd, 0, n, lo, hi, stop, steps);
    default:
        return trial(&wheel_235, 1, n, lo, hi, stop, steps);
    }
}

int alog_is_prime(uint64_t n, int kernel, const atomic_int *stop,
                  uint64_t *divisor, uint64_t *steps)
{
    if (divisor != NULL)
        *divisor = 0;
    if (n < 2)
        return 0;
    uint64_t d = alog_trial(kernel, n, 2, alog_isqrt(n) + 1, stop, steps);
    if (d != 0) {
        if (divisor != NULL)
            *divisor = d;
        return 0;
    }
    return !should_stop(stop);
}

uint64_t alog_count_primes(uint64_t lo, uint64_t hi, int kernel,
                           const atomic_int *stop, uint64_t *steps)
{
    uint64_t count = 0;
    if (lo > hi)
        return 0;
    for (uint64_t x = lo;; x++) {
        if (should_stop(stop))
            break;
        count += (uint64_t)alog_is_prime(x, kernel, stop, NULL, steps);
        if (x == hi)
            break;
    }
    return count;
}

/* ---- CPU work for the log job ------------------------------------------- */

uint64_t alog_work(uint64_t steps)
{
    /* One step is one trial division of a prime (so none ends the loop)
     * by the next odd divisor, wrapping below its square root. */
    const uint64_t n = UINT64_C(10657331232548839), root = 103234351;
    uint64_t acc = 0, d = 3;
    for (uint64_t i = 0; i < steps; i++) {
        acc += n % d;
        d += 2;
        if (d > root)
            d = 3;
    }
    return acc;
}
