/* test_pace.c - absolute-deadline pacing: exact deadlines without drift,
 * a real paced run, EINTR resumed or stopping, seconds_to_ns. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <cmocka.h>

#include "alog.h"

enum { SLEEP_REAL, SLEEP_FAKE };
static int sleep_mode = SLEEP_REAL;
static int eintr_left;     /* next calls that fail with EINTR */
static int fail_with;      /* error to return once (0: none) */
static atomic_int *stop_on_eintr; /* set to 1 when returning EINTR */
static unsigned calls;
static struct timespec last_ts;
static int last_clock, last_flags;

int __real_clock_nanosleep(clockid_t clk, int flags, const struct timespec *t,
                           struct timespec *rem);
int __wrap_clock_nanosleep(clockid_t clk, int flags, const struct timespec *t,
                           struct timespec *rem)
{
    calls++;
    last_ts = *t;
    last_clock = (int)clk;
    last_flags = flags;
    if (fail_with) {
        int e = fail_with;
        fail_with = 0;
        return e;
    }
    if (eintr_left > 0) {
        eintr_left--;
        if (stop_on_eintr)
            atomic_store(stop_on_eintr, 1);
        return EINTR;
    }
    if (sleep_mode == SLEEP_FAKE)
        return 0;
    return __real_clock_nanosleep(clk, flags, t, rem);
}

static int reset(void **state)
{
    (void)state;
    sleep_mode = SLEEP_REAL;
    eintr_left = 0;
    fail_with = 0;
    stop_on_eintr = NULL;
    calls = 0;
    return 0;
}

static void test_deadline_no_drift(void **state)
{
    (void)state;
    int64_t interval;
    /* 1/3 ms: not representable exactly as a sum of equal float steps. */
    assert_int_equal(alog_seconds_to_ns(1.0 / 3000, &interval), 0);
    assert_int_equal(interval, 333333);
    alog_pace p;
    int64_t start = 1234567890123;
    alog_pace_init(&p, start, interval);
    assert_int_equal(alog_pace_deadline(&p, 0), start);
    assert_int_equal(alog_pace_deadline(&p, 1000000), start + 333333000000);
    assert_int_equal(alog_pace_deadline(&p, 3), start + 999999);
    /* Through pace_wait with sleeps faked: the deadline asked of
     * clock_nanosleep and the one stored are exact after 1e6 steps. */
    sleep_mode = SLEEP_FAKE;
    start = alog_now_ns() + (int64_t)3600 * 1000000000; /* always ahead */
    alog_pace_init(&p, start, interval);
    int64_t sched = 0;
    for (uint64_t k = 0; k < 1000000; k++) {
        assert_int_equal(alog_pace_wait(&p, NULL, &sched), 0);
        if (sched != start + (int64_t)k * interval)
            fail_msg("k=%llu: sched %lld", (unsigned long long)k, (long long)sched);
    }
    assert_int_equal(calls, 1000000);
    assert_int_equal(p.k, 1000000);
    int64_t want = start + 999999 * interval;
    assert_int_equal(sched, want);
    assert_int_equal(last_ts.tv_sec, want / 1000000000);
    assert_int_equal(last_ts.tv_nsec, want % 1000000000);
    assert_int_equal(last_clock, CLOCK_MONOTONIC);
    assert_int_equal(last_flags, TIMER_ABSTIME);
}

/* A real run: 20 records at 1 ms. */
static void test_real_run(void **state)
{
    (void)state;
    alog_pace p;
    int64_t start = alog_now_ns() + 2000000;
    alog_pace_init(&p, start, 1000000);
    for (int k = 0; k < 20; k++) {
        int64_t sched;
        assert_int_equal(alog_pace_wait(&p, NULL, &sched), 0);
        int64_t produce = alog_now_ns();
        assert_int_equal(sched, start + (int64_t)k * 1000000);
        assert_true(produce >= sched);
    }
    assert_true(calls >= 1);
    /* Behind schedule: deadlines already passed cost no sleep and keep
     * their values (no catch-up shift). */
    alog_pace_init(&p, alog_now_ns() - 1000000000, 1000);
    calls = 0;
    int64_t s0, s1;
    assert_int_equal(alog_pace_wait(&p, NULL, &s0), 0);
    assert_int_equal(alog_pace_wait(&p, NULL, &s1), 0);
    assert_int_equal(s1 - s0, 1000);
    assert_int_equal(calls, 0);
}

static void test_unthrottled(void **state)
{
    (void)state;
    alog_pace p;
    alog_pace_init(&p, 0, 0);
    int64_t prev = 0;
    for (int k = 0; k < 1000; k++) {
        int64_t before = alog_now_ns(), sched;
        assert_int_equal(alog_pace_wait(&p, NULL, &sched), 0);
        assert_true(sched >= before && sched <= alog_now_ns());
        assert_true(sched >= prev);
        prev = sched;
    }
    assert_int_equal(calls, 0);
    assert_int_equal(p.k, 1000);
    alog_pace_init(&p, 5, -3); /* negative means unthrottled too */
    assert_int_equal(p.interval_ns, 0);
}

static void test_eintr(void **state)
{
    (void)state;
    alog_pace p;
    int64_t sched = -1;
    /* Resumed: no stop flag. */
    sleep_mode = SLEEP_FAKE;
    alog_pace_init(&p, alog_now_ns() + 1000000000, 1000);
    eintr_left = 3;
    assert_int_equal(alog_pace_wait(&p, NULL, &sched), 0);
    assert_int_equal(calls, 4);
    assert_int_equal(sched, p.start_ns);
    /* Resumed: a stop flag that stays 0. */
    atomic_int stop = 0;
    eintr_left = 2;
    calls = 0;
    assert_int_equal(alog_pace_wait(&p, &stop, &sched), 0);
    assert_int_equal(calls, 3);
    assert_int_equal(sched, p.start_ns + 1000);
    /* Stopped: the "signal handler" sets the flag. */
    stop_on_eintr = &stop;
    eintr_left = 1;
    calls = 0;
    sched = -1;
    assert_int_equal(alog_pace_wait(&p, &stop, &sched), ALOG_EINTR);
    assert_int_equal(calls, 1);
    assert_int_equal(sched, -1);
    assert_int_equal(p.k, 2); /* not advanced */
    /* Already stopped: no sleep at all. */
    calls = 0;
    assert_int_equal(alog_pace_wait(&p, &stop, &sched), ALOG_EINTR);
    assert_int_equal(calls, 0);
    alog_pace q;
    alog_pace_init(&q, 0, 0);
    assert_int_equal(alog_pace_wait(&q, &stop, &sched), ALOG_EINTR);
    /* Any other failure is a system error. */
    fail_with = EINVAL;
    assert_int_equal(alog_pace_wait(&p, NULL, &sched), ALOG_ESYS);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(p.k, 2);
}

/* The real thing: a SIGALRM without SA_RESTART interrupts the sleep and
 * the wait resumes to its deadline. */
static void test_real_signal(void **state)
{
    (void)state;
    assert_int_equal(alog_signals_install(), 0);
    assert_int_equal(alog_signal_caught(), 0);
    alog_pace p;
    int64_t start = alog_now_ns() + 50000000;
    alog_pace_init(&p, start, 1000000);
    timer_t timer;
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGINT;
    assert_int_equal(timer_create(CLOCK_MONOTONIC, &ev, &timer), 0);
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_nsec = 10000000;
    assert_int_equal(timer_settime(timer, 0, &its, NULL), 0);
    int64_t sched;
    /* Without a stop flag the wait goes on to its deadline. */
    assert_int_equal(alog_pace_wait(&p, NULL, &sched), 0);
    assert_true(alog_now_ns() >= start);
    assert_int_equal(alog_signal_caught(), SIGINT);
    assert_true(calls >= 2);
    /* With the flag (set by the handler) it stops. */
    alog_pace_init(&p, alog_now_ns() + 1000000000, 1);
    assert_int_equal(alog_pace_wait(&p, alog_stop_flag(), &sched), ALOG_EINTR);
    timer_delete(timer);
}

static void test_seconds(void **state)
{
    (void)state;
    int64_t ns = 77;
    assert_int_equal(alog_seconds_to_ns(-1e-9, &ns), ALOG_EINVAL);
    assert_int_equal(alog_seconds_to_ns(-0.5, &ns), ALOG_EINVAL);
    assert_int_equal(alog_seconds_to_ns(NAN, &ns), ALOG_EINVAL);
    assert_int_equal(alog_seconds_to_ns(INFINITY, &ns), ALOG_EINVAL);
    assert_int_equal(alog_seconds_to_ns(-INFINITY, &ns), ALOG_EINVAL);
    assert_int_equal(alog_seconds_to_ns(1e6 + 1, &ns), ALOG_EINVAL);
    assert_int_equal(ns, 77);
    assert_int_equal(alog_seconds_to_ns(1e6, &ns), 0);
    assert_int_equal(ns, 1000000000000000);
    assert_int_equal(alog_seconds_to_ns(0, &ns), 0);
    assert_int_equal(ns, 0);
    assert_int_equal(alog_seconds_to_ns(0.2, &ns), 0);
    assert_int_equal(ns, 200000000);
    assert_int_equal(alog_seconds_to_ns(0.1, &ns), 0);
    assert_int_equal(ns, 100000000);
    assert_int_equal(alog_seconds_to_ns(1, &ns), 0);
    assert_int_equal(ns, 1000000000);
    assert_int_equal(alog_seconds_to_ns(1.6e-9, &ns), 0);
    assert_int_equal(ns, 2);
    assert_int_equal(alog_seconds_to_ns(1.4e-9, &ns), 0);
    assert_int_equal(ns, 1);
    assert_int_equal(alog_seconds_to_ns(4e-10, &ns), 0);
    assert_int_equal(ns, 0);
}

static void test_timerslack(void **state)
{
    (void)state;
    assert_int_equal(alog_timerslack_set(1000), 0);
    assert_int_equal(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 1000);
    assert_int_equal(alog_timerslack_set(50000), 0);
    assert_int_equal(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 50000);
}

static void test_now(void **state)
{
    (void)state;
    struct timespec ts;
    int64_t a = alog_now_ns();
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t b = alog_now_ns();
    int64_t mid = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    assert_true(a <= mid && mid <= b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_deadline_no_drift, reset),
        cmocka_unit_test_setup(test_real_run, reset),
        cmocka_unit_test_setup(test_unthrottled, reset),
        cmocka_unit_test_setup(test_eintr, reset),
        cmocka_unit_test_setup(test_seconds, reset),
        cmocka_unit_test_setup(test_timerslack, reset),
        cmocka_unit_test_setup(test_now, reset),
        /* Last: it sets the process-wide stop flag for good. */
        cmocka_unit_test_setup(test_real_signal, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
