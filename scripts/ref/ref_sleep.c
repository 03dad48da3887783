/* alog-ref-sleep - the bare pacing loop: clock_nanosleep(TIMER_ABSTIME)
 * to deadlines start + k*interval, nothing else.  Timer slack is lowered
 * to 1 ns exactly as alog-producer does, so the comparison is fair: what
 * alog-producer adds is only its own work (encode, write) per record.
 *
 *   alog-ref-sleep --rate HZ --duration S
 * Prints "# key=value" lines: records, achieved_hz, late_p50_ns,
 * late_p99_ns, late_max_ns (lateness = wake-up time - deadline).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double arg_pos(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0) || !isfinite(v)) {
        fprintf(stderr, "alog-ref-sleep: %s '%s': must be a positive "
                        "number\n", opt, s);
        exit(2);
    }
    return v;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest rank, as alog_percentile. */
static int64_t pct(const int64_t *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t r = (size_t)ceil(p / 100.0 * (double)n);
    if (r < 1)
        r = 1;
    return v[r - 1];
}

int main(int argc, char **argv)
{
    double rate = 1000, dur = 10;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) {
            fprintf(stderr, "usage: alog-ref-sleep --rate HZ --duration S\n");
            return 2;
        }
        const char *o = argv[i], *v = argv[++i];
        if (strcmp(o, "--rate") == 0)
            rate = arg_pos(o, v);
        else if (strcmp(o, "--duration") == 0)
            dur = arg_pos(o, v);
        else {
            fprintf(stderr, "alog-ref-sleep: unknown option '%s'\n", o);
            return 2;
        }
    }
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    int64_t interval = (int64_t)llround(1e9 / rate);
    size_t n = (size_t)floor(dur * rate);
    if (n < 2)
        n = 2;
    int64_t *late = malloc(n * sizeof *late);
    if (!late)
        return 1;
    int64_t start = now_ns() + 10000000, first = 0, last = 0;
    for (size_t k = 0; k < n; k++) {
        int64_t t = start + (int64_t)k * interval;
        struct timespec ts = {.tv_sec = t / 1000000000,
                              .tv_nsec = t % 1000000000};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
               EINTR)
            ;
        int64_t now = now_ns();
        late[k] = now - t;
        if (k == 0)
            first = now;
        last = now;
    }
    double hz = (double)(n - 1) / ((double)(last - first) / 1e9);
    qsort(late, n, sizeof *late, cmp_i64);
    printf("# records=%zu\n# achieved_hz=%.6f\n# late_p50_ns=%" PRId64
           "\n# late_p99_ns=%" PRId64 "\n# late_max_ns=%" PRId64 "\n",
           n, hz, pct(late, n, 50), pct(late, n, 99), late[n - 1]);
    free(late);
    return 0;
}
