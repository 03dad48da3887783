/* alog-ref-c2c - core-to-core latency: two threads pinned to CPUs A and B
 * ping-pong a counter through one cache line (C11 atomics, spinning), the
 * cost every cross-core hand-off in the models pays (a record from a
 * producer's core to the collector's).  This VM's vCPUs are sometimes a
 * near pair (~30 ns) and sometimes a far one (~170 ns): recorded next to
 * every run, the figure lets runs be split by it.
 *
 *   alog-ref-c2c [--cpus A,B] [--rounds K]
 *
 * A sends 2k+1, B answers 2k+2, K round trips (default 20000) after a
 * warm-up; the rounds are timed in batches of BATCH (CLOCK_MONOTONIC
 * around each, so that reading the clock is not in the figure), and a
 * batch's one-way time is its time / (2 * its round trips).  Prints "# key=value"
 * lines: c2c_cpus, c2c_rounds, c2c_ns (the median batch's one-way ns, one
 * decimal), c2c_p10_ns, c2c_p90_ns.  Default CPUs: the first two of this
 * process's affinity mask; with only one, c2c_ns=nan and c2c_note=one cpu
 * (exit 0).  Bad input: one line on stderr, exit 2; a failed pin or
 * thread: exit 1.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROG "alog-ref-c2c"
#define BATCH 100u            /* round trips per timed batch */
#define WARMUP 2000u          /* untimed round trips first */
#define MAX_ROUNDS 100000000u /* about 30 s on a far pair */
#define LINE 64               /* a cache line */

/* The one line both threads write: the counter alone on it (the
 * alignment rounds the struct up to a whole line). */
typedef struct line {
    _Alignas(LINE) atomic_uint_fast64_t v;
} line;
_Static_assert(sizeof(line) == LINE, "one cache line");

typedef struct pong_arg {
    line *l;
    int cpu;
    uint64_t trips; /* round trips to answer, warm-up included */
    int err;        /* errno of a failed pin, else 0 */
    _Alignas(LINE) atomic_int gave_up; /* set when err is: never answers */
} pong_arg;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Pins the calling thread to cpu (Linux: sched_setaffinity of tid 0 is
 * this thread only).  0 or an errno value. */
static int pin_self(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : errno;
}

static void *pong(void *p)
{
    pong_arg *a = p;
    a->err = pin_self(a->cpu);
    if (a->err) {
        /* Unpinned, both could spin on one CPU for ever: tell the ping
         * side to give up instead. */
        atomic_store_explicit(&a->gave_up, 1, memory_order_relaxed);
        return NULL;
    }
    for (uint64_t k = 0; k < a->trips; k++) {
        uint_fast64_t want = 2 * k + 1;
        while (atomic_load_explicit(&a->l->v, memory_order_acquire) != want)
            ;
        atomic_store_explicit(&a->l->v, want + 1, memory_order_release);
    }
    return NULL;
}

/* One round trip from the ping side: send 2k+1, wait for 2k+2.  0, or
 * -1 when the pong side gave up (*gave_up: a line of its own, only read
 * here, so that watching it adds no traffic). */
static int trip(line *l, const atomic_int *gave_up, uint64_t k)
{
    atomic_store_explicit(&l->v, 2 * k + 1, memory_order_release);
    while (atomic_load_explicit(&l->v, memory_order_acquire) != 2 * k + 2)
        if (atomic_load_explicit(gave_up, memory_order_relaxed))
            return -1;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest rank of p (0..100) in n sorted values, as alog_percentile. */
static double rank(const double *v, size_t n, unsigned p)
{
    size_t r = ((size_t)p * n + 99) / 100;
    if (r < 1)
        r = 1;
    return v[r - 1];
}

static void usage(FILE *f)
{
    fprintf(f, "usage: " PROG " [--cpus A,B] [--rounds K]\n"
               "  --cpus A,B   the two CPUs (default: the first two of this "
               "process's\n"
               "               affinity mask)\n"
               "  --rounds K   round trips timed, 1 to %u (default: 20000)\n"
               "Prints # c2c_cpus, c2c_rounds, c2c_ns (median one-way ns), "
               "c2c_p10_ns,\n"
               "c2c_p90_ns; with one usable CPU c2c_ns=nan and "
               "c2c_note=one cpu.\n",
            MAX_ROUNDS);
}

static void bad(const char *opt, const char *val, const char *why)
{
    fprintf(stderr, PROG ": %s '%s': %s\n", opt, val, why);
    exit(2);
}

/* A decimal number from lo to hi, digits only; -1 if it is not one. */
static long digits(const char *s, long lo, long hi)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end != '\0' || v < lo || v > hi)
        return -1;
    return v;
}

static void parse_cpus(const char *s, const cpu_set_t *mask, int cpu[2])
{
    char buf[64];
    if (strlen(s) >= sizeof buf)
        bad("--cpus", s, "must be two CPU numbers A,B");
    strcpy(buf, s);
    char *comma = strchr(buf, ',');
    if (!comma)
        bad("--cpus", s, "must be two CPU numbers A,B");
    *comma = '\0';
    long a = digits(buf, 0, CPU_SETSIZE - 1);
    long b = digits(comma + 1, 0, CPU_SETSIZE - 1);
    if (a < 0 || b < 0)
        bad("--cpus", s, "must be two CPU numbers A,B");
    if (a == b)
        bad("--cpus", s, "must be two different CPUs");
    if (!CPU_ISSET((int)a, mask) || !CPU_ISSET((int)b, mask)) {
        char why[96];
        snprintf(why, sizeof why, "CPU %ld is not in this process's "
                                  "affinity mask",
                 CPU_ISSET((int)a, mask) ? b : a);
        bad("--cpus", s, why);
    }
    cpu[0] = (int)a;
    cpu[1] = (int)b;
}

/* Options: --cpus into cpu[] (via the mask), --rounds.  Returns -1 to go
 * on, else the exit status (--help: 0; bad input: 2, said). */
static int parse_args(int argc, char **argv, cpu_set_t *mask, int cpu[2],
                      long *rounds)
{
    const char *cpus_arg = NULL;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(o, "--cpus") != 0 && strcmp(o, "--rounds") != 0) {
            fprintf(stderr, PROG ": unknown option '%s' (see --help)\n", o);
            return 2;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, PROG ": %s needs a value (see --help)\n", o);
            return 2;
        }
        const char *v = argv[++i];
        if (strcmp(o, "--cpus") == 0) {
            cpus_arg = v;
        } else {
            *rounds = digits(v, 1, MAX_ROUNDS);
            if (*rounds < 0) {
                char why[64];
                snprintf(why, sizeof why, "must be a whole number from 1 to "
                                          "%u", MAX_ROUNDS);
                bad(o, v, why);
            }
        }
    }
    if (cpus_arg) {
        parse_cpus(cpus_arg, mask, cpu);
        return -1;
    }
    for (int c = 0, got = 0; c < CPU_SETSIZE && got < 2; c++)
        if (CPU_ISSET(c, mask))
            cpu[got++] = c;
    return -1;
}

/* The one-way times of nb batches of round trips between cpu[0] (this
 * thread) and cpu[1] (a partner thread), into one_way.  0, or the exit
 * status after saying why. */
static int measure(const int cpu[2], long rounds, double *one_way, size_t nb,
                   line *l)
{
    atomic_init(&l->v, 0);
    int err = pin_self(cpu[0]);
    if (err) {
        fprintf(stderr, PROG ": cannot pin to CPU %d: %s\n", cpu[0],
                strerror(err));
        return 1;
    }
    pong_arg pa = {.l = l, .cpu = cpu[1],
                   .trips = WARMUP + (uint64_t)rounds, .err = 0};
    atomic_init(&pa.gave_up, 0);
    pthread_t t;
    err = pthread_create(&t, NULL, pong, &pa);
    if (err) {
        fprintf(stderr, PROG ": pthread_create: %s\n", strerror(err));
        return 1;
    }
    uint64_t k = 0;
    int failed = 0;
    for (; k < WARMUP && !failed; k++)
        failed = trip(l, &pa.gave_up, k);
    uint64_t end = k + (uint64_t)rounds;
    for (size_t b = 0; b < nb && !failed; b++) {
        uint64_t stop = end - k > BATCH ? k + BATCH : end;
        uint64_t size = stop - k;
        int64_t t0 = now_ns();
        for (; k < stop && !failed; k++)
            failed = trip(l, &pa.gave_up, k);
        one_way[b] = (double)(now_ns() - t0) / (2.0 * (double)size);
    }
    pthread_join(t, NULL);
    if (pa.err) {
        fprintf(stderr, PROG ": cannot pin to CPU %d: %s\n", cpu[1],
                strerror(pa.err));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    cpu_set_t mask;
    CPU_ZERO(&mask);
    if (sched_getaffinity(0, sizeof mask, &mask) != 0) {
        fprintf(stderr, PROG ": sched_getaffinity: %s\n", strerror(errno));
        return 1;
    }
    int cpu[2] = {-1, -1};
    long rounds = 20000;
    int st = parse_args(argc, argv, &mask, cpu, &rounds);
    if (st >= 0)
        return st;
    if (cpu[1] < 0) {
        printf("# c2c_cpus=%d\n# c2c_rounds=0\n# c2c_ns=nan\n"
               "# c2c_p10_ns=nan\n# c2c_p90_ns=nan\n"
               "# c2c_note=one cpu\n",
               cpu[0]);
        return 0;
    }
    /* Batches of BATCH round trips, the last one what is left. */
    size_t nb = (size_t)(((uint64_t)rounds + BATCH - 1) / BATCH);
    double *one_way = malloc(nb * sizeof *one_way);
    line *l = aligned_alloc(LINE, sizeof *l);
    if (!one_way || !l) {
        fprintf(stderr, PROG ": out of memory\n");
        free(one_way);
        free(l);
        return 1;
    }
    st = measure(cpu, rounds, one_way, nb, l);
    if (st == 0) {
        qsort(one_way, nb, sizeof *one_way, cmp_double);
        printf("# c2c_cpus=%d,%d\n# c2c_rounds=%llu\n# c2c_ns=%.1f\n"
               "# c2c_p10_ns=%.1f\n# c2c_p90_ns=%.1f\n",
               cpu[0], cpu[1], (unsigned long long)rounds,
               rank(one_way, nb, 50), rank(one_way, nb, 10),
               rank(one_way, nb, 90));
    }
    free(one_way);
    free(l);
    return st;
}
