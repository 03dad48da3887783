/* primes.h - the CPU-bound contrast: trial division split into P parts.
 *
 * One kernel for every model (async tasks, child processes, OpenMP
 * threads, MPI ranks): a number n is tested by trial division over its
 * divisor range 2..isqrt(n); a range A..B is counted number by number.
 * The work of a job is an inclusive range of integers (divisors, or the
 * numbers to count), split into P parts by alog_split (static) or handed
 * out in chunks (dynamic).  Nothing here allocates except the report.
 *
 * Kernels (--kernel, else ALOG_PRIMES_KERNEL=wheel|odd|div, default wheel):
 *   wheel  2, 3, 5, then the divisors prime to 30 (8 in every 30);
 *   odd    2, then every odd divisor (the original's algorithm);
 *   div    the odd divisors, each tested with the `%` instruction.
 * wheel and odd test 8 divisors at once with an exact divisibility test by
 * the inverse of d modulo 2^64 when the CPU has AVX-512 (alog_trial_simd);
 * otherwise they use `%` too.  All kernels are exact.
 */
#ifndef ALOG_PRIMES_H
#define ALOG_PRIMES_H

#include "alog.h"

/* ---- kernel ------------------------------------------------------------ */

/* floor(sqrt(n)), exact for every 64-bit n (integer Newton, no libm). */
uint64_t alog_isqrt(uint64_t n);

/* Part k (0-based) of `parts` of the inclusive range [lo, hi]: the parts
 * are in order, cover the range exactly once and differ in size by at most
 * one (the first ones are larger).  Returns 1 and sets [*a, *b] when the
 * part is not empty, 0 when it is (more parts than integers, or k >= parts
 * or parts == 0).  Works up to hi = UINT64_MAX. */
int alog_split(uint64_t lo, uint64_t hi, unsigned k, unsigned parts,
               uint64_t *a, uint64_t *b);

enum alog_kernel {
    ALOG_KERNEL_WHEEL = 0, /* 2-3-5 wheel: 8 candidates per 30 */
    ALOG_KERNEL_ODD = 1,   /* odd divisors: 15 per 30 */
    ALOG_KERNEL_DIV = 2,   /* odd divisors, `%` only (never SIMD) */
};
#define ALOG_KERNEL_DEFAULT ALOG_KERNEL_WHEEL

/* "wheel", "odd", "div"; "?" for anything else. */
const char *alog_kernel_name(int kernel);
/* Kernel named s; 0 or ALOG_EINVAL. */
int alog_kernel_parse(const char *s, int *kernel);
/* "avx512" when wheel/odd use the 8-lane test on this CPU, else "none". */
const char *alog_trial_simd(int kernel);

/* 1 when *stop (may be NULL) or the signal flag is set. */
static inline int alog_primes_should_stop(const atomic_int *stop)
{
    return (stop != NULL && atomic_load_explicit(stop, memory_order_relaxed)) ||
           atomic_load_explicit(alog_stop_flag(), memory_order_relaxed);
}

/* Candidates tested between two polls of the stop flag. */
#define ALOG_PRIMES_POLL 4096u

/* Trial division of n by the kernel's candidate divisors d in [lo, hi)
 * (d >= 2; callers keep hi <= 2^32 + 1, i.e. d <= isqrt(n)).  Returns the
 * smallest candidate dividing n, or 0 when there is none or when *stop (may
 * be NULL) or the signal flag (alog_stop_flag) became non-zero: both are
 * polled every ALOG_PRIMES_POLL candidates.  *steps (may be NULL) gets the
 * candidates tested added to it.  Thread-safe, no state. */
uint64_t alog_trial(int kernel, uint64_t n, uint64_t lo, uint64_t hi,
                    const atomic_int *stop, uint64_t *steps);
uint64_t alog_trial_wheel(uint64_t n, uint64_t lo, uint64_t hi,
                          const atomic_int *stop, uint64_t *steps);
uint64_t alog_trial_odd(uint64_t n, uint64_t lo, uint64_t hi,
                        const atomic_int *stop, uint64_t *steps);

/* 1 if n is prime, else 0 (0 and 1 are not; also 0 when stopped, which
 * the caller tells by its flag).  *divisor (may be NULL): the smallest
 * prime factor of a composite n, else 0.  *steps as for alog_trial. */
int alog_is_prime(uint64_t n, int kernel, const atomic_int *stop,
                  uint64_t *divisor, uint64_t *steps);
/* Primes in the inclusive range [lo, hi]; stops early (partial count)
 * when a flag is set, polled before every number. */
uint64_t alog_count_primes(uint64_t lo, uint64_t hi, int kernel,
                           const atomic_int *stop, uint64_t *steps);

/* ---- jobs: what every model computes ----------------------------------- */

/* A job's work is the inclusive integer range [lo, hi] (empty: size 0):
 * for --number the divisors 2..isqrt(number), for --range the numbers. */
typedef struct alog_primes_job {
    int range;          /* 1: count primes in A..B; 0: test `number` */
    uint64_t number;    /* the number tested (range == 0) */
    uint64_t range_lo;  /* A (range == 1) */
    uint64_t range_hi;  /* B (range == 1) */
    uint64_t lo, hi;    /* the work: inclusive, meaningful if !empty */
    int empty;          /* no work at all (a number below 4) */
    int kernel;         /* ALOG_KERNEL_* */
    int schedule;       /* ALOG_SCHED_* */
    unsigned parts;     /* P >= 1 */
    uint64_t chunk;     /* dynamic: integers per chunk */
    uint64_t chunks;    /* dynamic: chunks in all (static: parts) */
    uint64_t slice;     /* integers per slice between polls/yields */
} alog_primes_job;

/* The job of cfg with P = cfg->primes.parts, or `default_parts` when that is 0
 * (then clamped to the size of the work, at least 1).  The kernel is
 * cfg->primes.kernel, or ALOG_PRIMES_KERNEL when that is -1.  Run
 * alog_primes_check first: this one does not report errors (ALOG_EINVAL
 * for what check refuses). */
int alog_primes_job_init(alog_primes_job *job, const alog_config *cfg,
                         unsigned default_parts);

/* Bad input a parser cannot see: A > B, an explicit P larger than the
 * work, P < 1, a bad ALOG_PRIMES_KERNEL.  0, or ALOG_EINVAL with the one
 * line "<prog>: <option> '<value>': <reason> (see --help)" in err (prog:
 * the name the program frame gives; the library has none). */
int alog_primes_check(const alog_config *cfg, const char *prog, char *err,
                      size_t errlen);
/* alog_primes_check as a program frame's check hook (program.h): d names
 * the program; ctx is unused. */
int alog_primes_check_job(alog_config *cfg, const alog_diag *d, void *ctx,
                          char *err, size_t errlen);

/* Static part k: [*a, *b]; 0 when empty.  Dynamic chunk c (< chunks). */
int alog_primes_part_range(const alog_primes_job *job, unsigned k,
                           uint64_t *a, uint64_t *b);
int alog_primes_chunk_range(const alog_primes_job *job, uint64_t c,
                            uint64_t *a, uint64_t *b);

/* What one part (a task, a process, a thread, a rank) did.  Plain bytes:
 * it travels through pipes and MPI as is. */
typedef struct alog_primes_part {
    uint64_t lo, hi;      /* its part (static), or the lowest and highest
                             integer it worked on; lo > hi: none */
    uint64_t covered;     /* integers of the work it finished */
    uint64_t chunks;      /* pieces taken (static: 1) */
    uint64_t steps;       /* candidate divisors tested */
    uint64_t divisor;     /* number job: the divisor it found, 0 none */
    uint64_t count;       /* range job: primes it counted */
    double seconds;       /* its busy time */
    int32_t stopped;      /* ended early: another part found a divisor */
    int32_t index;        /* its part number */
    char where[48];       /* "task 1", "pid 4711", "thread 0 cpu 1" ... */
} alog_primes_part;

/* Start an empty part k. */
void alog_primes_part_init(alog_primes_part *p, int k);

/* Do the work [a, b] (inside the job's work) and add it to *p.  Returns 1
 * when a divisor was found (p->divisor set), else 0; stops early, with
 * p->stopped set, when *stop or the signal flag becomes non-zero. */
int alog_primes_work(const alog_primes_job *job, uint64_t a, uint64_t b,
                     const atomic_int *stop, alog_primes_part *p);

/* The serial baseline: the whole work as one part (P = 1, same kernel) on
 * the calling thread.  Fills *serial; returns its wall time in seconds
 * (CLOCK_MONOTONIC). */
double alog_primes_serial(const alog_primes_job *job,
                          alog_primes_part *serial);

/* ---- the report ----------------------------------------------------------- */

typedef struct alog_primes_result {
    const char *model;         /* "async", "processes", "omp", "mpi" */
    const char *clock;         /* "CLOCK_MONOTONIC" or "MPI_Wtime" */
    alog_primes_job job;       /* what was computed */
    int baseline;              /* 1: serial measured (else fields unused) */
    alog_primes_part serial;   /* the serial baseline, P = 1 */
    double serial_s;           /* its wall time */
    double model_s;            /* the model's wall time for all P parts */
    alog_primes_part *parts;   /* [job.parts] */
    int interrupted;           /* a signal stopped the run */
    /* the model's header keys (e.g. "threads", "ranks"), written after the
     * common and the job's keys; owned, see alog_primes_result_free */
    alog_result *model_keys;
} alog_primes_result;

/* Zero res and set the model, clock and job; parts must hold job->parts.
 * 0 or ALOG_ENOMEM (then res needs no free). */
int alog_primes_result_init(alog_primes_result *res, const char *model,
                            const char *clock, const alog_primes_job *job,
                            alog_primes_part *parts);
/* Free what init allocated (not the parts). */
void alog_primes_result_free(alog_primes_result *res);
/* Add a model header key; 0 or ALOG_ENOMEM. */
int alog_primes_result_extra(alog_primes_result *res, const char *key,
                             const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The answer, the same in every model: "prime", "composite", "neither"
 * (0 and 1) or "unknown" (interrupted) for a number; the count of primes
 * for a range ("unknown" when interrupted).  Written into buf. */
const char *alog_primes_answer(const alog_primes_result *res, char *buf,
                               size_t cap);
/* The smallest divisor any part found (0 none) and its part (-1 none). */
uint64_t alog_primes_divisor(const alog_primes_result *res, int *part);

/* Header ('# key=value': the common keys of every job, then number or
 * range, parts, schedule, chunk, kernel, simd, baseline, then the model's
 * keys), then the parts, then the result row, in table, CSV or JSON
 * (ALOG_FMT_*), by the writers of the log report.  Flushes; 0, ALOG_EIO
 * or ALOG_ENOMEM. */
int alog_primes_report_write(FILE *out, int format,
                             const alog_primes_result *res);

/* The run's code: ALOG_EINTR when interrupted, else 0. */
int alog_primes_outcome(const alog_primes_result *res);

/* ---- runs ----------------------------------------------------------------- */

/* The async program's primes job: P interleaved tasks on this thread
 * (cfg->primes.processes == 0, default P = 4) or P child processes (default P =
 * the cores).  Serial baseline first unless cfg->primes.no_baseline.  Writes the
 * report to out; returns 0, ALOG_EINTR, ALOG_EIO, or ALOG_ESYS,
 * ALOG_ENOMEM (no report; said through d) or ALOG_ESHORT (a child process
 * failed; the report shows which). */
int alog_run_primes_async(const alog_config *cfg, FILE *out,
                          const alog_diag *d);

#endif
