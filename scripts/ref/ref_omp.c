/* ref_omp.c - alog-ref-omp, the reference of scripts/bench-omp: N OpenMP
 * threads each append `count` records to a plain private array, as fast as
 * they can, from a common start.  It is what alog-omp's producers do minus
 * all the collection machinery (no list, no ring, no pacing call, no
 * stop flag): the same alog_record, stamped with one clock read, in memory
 * obtained and touched the way alog's lists obtain and reserve it, so the
 * cost left is the clock and the memory the records are written to.
 *
 *   alog-ref-omp [-n THREADS] [--count N] [--payload BYTES]
 *
 * Prints '# key=value' lines: achieved_hz (sum over threads of
 * (count-1)/(last - first), the same measure as the sum of alog-omp's
 * per-producer achieved_hz) and records_per_s (all records over the span
 * from the first to the last record of any thread).
 */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "alog.h"

#define PROG "alog-ref-omp"

typedef struct ref_thread {
    _Alignas(128) int64_t first_ns, last_ns;
    int failed;
} ref_thread;

/* The arrays escape here, so the compiler must keep every store. */
static alog_record *volatile escape;

static int parse_u(const char *opt, const char *s, unsigned long long lo,
                   unsigned long long hi, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || s[0] == '-' || errno == ERANGE) {
        fprintf(stderr, PROG ": %s '%s': not a number (see --help)\n", opt, s);
        return -1;
    }
    if (v < lo || v > hi) {
        fprintf(stderr, PROG ": %s '%s': must be %llu to %llu (see --help)\n",
                opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

/* The array gets the memory alog's lists get (src/reclist.c): 2 MiB
 * aligned, advised onto transparent huge pages.  Otherwise the reference
 * would time 4 KiB first-touch page faults, not the memory. */
#define HUGE_PAGE ((size_t)2 << 20)

static alog_record *array_alloc(uint64_t count)
{
    size_t b = (size_t)count * sizeof(alog_record);
    b = (b + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    alog_record *a = aligned_alloc(HUGE_PAGE, b);
#ifdef MADV_HUGEPAGE
    if (a)
        (void)madvise(a, b, MADV_HUGEPAGE); /* advice only */
#endif
    return a;
}

static void run_thread(ref_thread *t, unsigned id, uint64_t count,
                       uint32_t bytes, int64_t start_ns)
{
    alog_record *a = array_alloc(count);
    if (!a) {
        t->failed = 1;
        return;
    }
    /* Touched before the clock starts, as alog reserves a known count
     * (alog_reclist_reserve): first touch on this VM costs up to 50x a
     * later write, and timing it would flatter every candidate. */
    memset(a, 0, (size_t)count * sizeof *a);
    escape = a;
    alog_pace start;
    alog_pace_init(&start, start_ns, 1);
    alog_pace_wait(&start, NULL, NULL);
    for (uint64_t k = 0; k < count; k++) {
        /* Field by field into the slot, as alog-omp fills a list's slot:
         * building a local record and copying it in makes the compiler
         * reload it in pieces it just stored, a store-forwarding stall
         * that would slow the reference, not the memory. */
        int64_t now = alog_now_ns();
        alog_record *r = &a[k];
        r->sched_ns = r->produce_ns = r->collect_ns = now;
        r->clock_ms = now / 1000000;
        r->seq = k;
        r->producer = id;
        r->bytes = bytes;
        r->flags = 0;
        r->text = 0;
    }
    t->first_ns = a[0].produce_ns;
    t->last_ns = a[count - 1].produce_ns;
    free(a);
}

int main(int argc, char **argv)
{
    unsigned long long threads = 1, count = 1000000, payload = 64;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        unsigned long long *dst = NULL, lo = 1, hi = 0;
        if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            printf("usage: %s [-n THREADS] [--count N] [--payload BYTES]\n",
                   PROG);
            return 0;
        } else if (strcmp(o, "-n") == 0 || strcmp(o, "--producers") == 0) {
            dst = &threads;
            hi = 65536;
        } else if (strcmp(o, "--count") == 0) {
            dst = &count;
            lo = 2;
            hi = UINT64_C(1) << 40;
        } else if (strcmp(o, "--payload") == 0) {
            dst = &payload;
            lo = 0;
            hi = ALOG_WIRE_MAX;
        } else {
            fprintf(stderr, PROG ": unknown option '%s' (see --help)\n", o);
            return 2;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, PROG ": %s: needs a value (see --help)\n", o);
            return 2;
        }
        if (parse_u(o, argv[++i], lo, hi, dst) != 0)
            return 2;
    }
    unsigned n = (unsigned)threads;
    uint32_t bytes = payload ? (uint32_t)payload : (uint32_t)sizeof(alog_record);
    ref_thread *t = aligned_alloc(128, n * sizeof *t);
    if (!t) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    memset(t, 0, n * sizeof *t);
    /* The same lead as alog-omp gives its team before record 0. */
    int64_t start_ns = alog_now_ns() + 5000000 + (int64_t)n * 100000;
    unsigned granted = 0;
    omp_set_dynamic(0);
#pragma omp parallel num_threads(n)
    {
        unsigned id = (unsigned)omp_get_thread_num();
#pragma omp single
        granted = (unsigned)omp_get_num_threads();
        run_thread(&t[id], id, count, bytes, start_ns);
    }
    double hz = 0;
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (unsigned i = 0; i < n; i++) {
        if (t[i].failed || i >= granted) {
            fprintf(stderr, PROG ": thread %u did not run (%s)\n", i,
                    t[i].failed ? "out of memory" : "not granted");
            free(t);
            return 1;
        }
        if (t[i].last_ns > t[i].first_ns)
            hz += (double)(count - 1) * 1e9 / (double)(t[i].last_ns - t[i].first_ns);
        if (t[i].first_ns < first)
            first = t[i].first_ns;
        if (t[i].last_ns > last)
            last = t[i].last_ns;
    }
    printf("# reference=private array\n# threads=%u\n# count=%llu\n"
           "# record_bytes=%zu\n# payload=%u\n# achieved_hz=%.0f\n"
           "# records_per_s=%.0f\n",
           n, count, sizeof(alog_record), bytes, hz,
           last > first ? (double)n * (double)count * 1e9 / (double)(last - first)
                        : 0.0);
    free(t);
    return 0;
}
