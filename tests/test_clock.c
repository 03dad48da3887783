/* test_clock.c - the producers' stamp clock: the TSC conversion is exact
 * integer arithmetic, the invariant-TSC check reads the flags (a fake
 * cpuinfo makes it fall back), and over 10 s the converted stamps stay
 * within 1 us of CLOCK_MONOTONIC (on a CPU with an invariant TSC). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "alog.h"

static void test_convert_exact(void **state)
{
    (void)state;
    alog_clock c = {.tsc = 1, .tsc0 = 1000, .ns0 = 5000,
                    .mult = (uint64_t)1 << 32}; /* 1 ns per tick */
    assert_int_equal(alog_clock_convert(&c, 1500), 5500);
    assert_int_equal(alog_clock_convert(&c, 1000), 5000);
    assert_int_equal(alog_clock_convert(&c, 900), 4900); /* before: back */
    c.mult = (uint64_t)1 << 31; /* 0.5 ns per tick (a 2 GHz TSC) */
    assert_int_equal(alog_clock_convert(&c, 1000 + 2000000000ULL),
                     5000 + 1000000000LL);
    assert_int_equal(alog_clock_convert(&c, 1003), 5001); /* floor of 1.5 */
    /* 3 GHz: 1/3 ns per tick, rounded down in mult; a day of ticks stays
     * within a microsecond of 86400 s. */
    c.mult = ((uint64_t)1 << 32) / 3;
    c.tsc0 = 0;
    c.ns0 = 0;
    int64_t day = alog_clock_convert(&c, 3ULL * 86400 * 1000000000ULL);
    assert_true(day <= 86400LL * 1000000000 && day > 86400LL * 1000000000 - 100000);
    /* No overflow on the widest spans: 2^63 ticks at 1 ns. */
    c.mult = (uint64_t)1 << 32;
    assert_int_equal(alog_clock_convert(&c, (uint64_t)INT64_MAX), INT64_MAX);
}

static char *fake_cpuinfo(const char *flags)
{
    static char path[] = "/tmp/alog-cpuinfo-XXXXXX";
    snprintf(path, sizeof path, "/tmp/alog-cpuinfo-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "processor\t: 0\nflags\t\t: %s\n\n", flags);
    fclose(f);
    setenv("ALOG_CPUINFO", path, 1);
    return path;
}

static void test_fallback(void **state)
{
    (void)state;
    /* nonstop_tsc missing; constant_tsc_x is not constant_tsc. */
    char *p = fake_cpuinfo("fpu tsc constant_tsc_x constant_tsc msr");
    assert_int_equal(alog_tsc_invariant(), 0);
    alog_clock c;
    assert_int_equal(alog_clock_init(&c, ALOG_CLOCK_AUTO), 0);
    assert_int_equal(c.tsc, 0); /* auto falls back to clock_gettime */
    assert_int_equal(alog_clock_init(&c, ALOG_CLOCK_TSC), ALOG_EINVAL);
    assert_int_equal(alog_clock_init(&c, ALOG_CLOCK_MONOTONIC), 0);
    int64_t a = alog_now_ns(), b = alog_clock_now(&c), d = alog_now_ns();
    assert_true(a <= b && b <= d);
    unlink(p);
    p = fake_cpuinfo("fpu tsc constant_tsc nonstop_tsc msr");
    assert_int_equal(alog_tsc_invariant(), ALOG_HAVE_TSC);
    unlink(p);
    setenv("ALOG_CPUINFO", "/nonexistent/cpuinfo", 1);
    assert_int_equal(alog_tsc_invariant(), 0);
    unsetenv("ALOG_CPUINFO");
}

/* 10 s of stamps, checked every ~1 ms against CLOCK_MONOTONIC read just
 * before and after: within 1 us, never back, and the drift the anchors
 * saw stays under 1 us too. */
static void test_ten_seconds(void **state)
{
    (void)state;
    if (!alog_tsc_invariant())
        skip();
    alog_clock c;
    assert_int_equal(alog_clock_init(&c, ALOG_CLOCK_TSC), 0);
    assert_int_equal(c.tsc, 1);
    int64_t end = alog_now_ns() + 10000000000LL, last = INT64_MIN, worst = 0;
    unsigned checks = 0;
    while (alog_now_ns() < end) {
        for (int i = 0; i < 1000; i++) {
            int64_t s = alog_clock_now(&c);
            assert_true(s >= last);
            last = s;
        }
        int64_t a = alog_now_ns(), s = alog_clock_now(&c), b = alog_now_ns();
        int64_t off = s < a ? a - s : s > b ? s - b : 0;
        worst = off > worst ? off : worst;
        checks++;
        usleep(1000);
    }
    int64_t fin = alog_clock_finish(&c);
    print_message("10 s: %u checks, worst %lld ns outside the read window, "
                  "%llu anchors, anchor drift max %lld ns, final %lld ns\n",
                  checks, (long long)worst, (unsigned long long)c.anchors,
                  (long long)c.drift_max_ns, (long long)fin);
    assert_true(checks > 1000);
    assert_true(worst < 1000);
    assert_true(c.drift_max_ns < 1000);
    assert_true(fin > -1000 && fin < 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_convert_exact),
        cmocka_unit_test(test_fallback),
        cmocka_unit_test(test_ten_seconds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
