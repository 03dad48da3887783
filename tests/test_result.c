/* test_result.c - the run result (headers, counters, producers, outcome),
 * signals and the progress line. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "alog.h"

static int malloc_countdown, calloc_countdown, realloc_countdown;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n)
{
    if (malloc_countdown > 0 && --malloc_countdown == 0)
        return NULL;
    return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t size)
{
    if (calloc_countdown > 0 && --calloc_countdown == 0)
        return NULL;
    return __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t n)
{
    if (realloc_countdown > 0 && --realloc_countdown == 0)
        return NULL;
    return __real_realloc(p, n);
}

static void test_producers(void **state)
{
    (void)state;
    alog_result *res = alog_result_new(3);
    assert_non_null(res);
    assert_int_equal(alog_result_producers(res), 3);
    for (unsigned i = 0; i < 3; i++) {
        assert_non_null(alog_result_list(res, i));
        assert_ptr_equal(alog_result_list(res, i), alog_result_list_const(res, i));
        assert_int_equal(alog_reclist_len(alog_result_list(res, i)), 0);
        int code = 9;
        assert_int_equal(alog_result_status(res, i, &code), ALOG_PS_OK);
        assert_int_equal(code, 0);
        assert_null(alog_result_where(res, i));
    }
    assert_ptr_not_equal(alog_result_list(res, 0), alog_result_list(res, 1));
    assert_null(alog_result_list(res, 3));
    alog_result_set_target(res, 1, 10.5, 42);
    double hz;
    uint64_t count;
    alog_result_target(res, 1, &hz, &count);
    assert_true(hz == 10.5);
    assert_int_equal(count, 42);
    alog_result_target(res, 0, &hz, &count);
    assert_true(hz == 0);
    assert_int_equal(count, 0);
    alog_result_add_malformed(res, 2, 3);
    alog_result_add_malformed(res, 2, 4);
    assert_int_equal(alog_result_malformed(res, 2), 7);
    assert_int_equal(alog_result_malformed(res, 0), 0);
    alog_result_set_status(res, 2, ALOG_PS_SIGNAL, 9);
    int code;
    assert_int_equal(alog_result_status(res, 2, &code), ALOG_PS_SIGNAL);
    assert_int_equal(code, 9);
    char where[32];
    strcpy(where, "host cpu 1");
    assert_int_equal(alog_result_set_where(res, 0, where), 0);
    strcpy(where, "changed");
    assert_string_equal(alog_result_where(res, 0), "host cpu 1"); /* copied */
    assert_int_equal(alog_result_set_where(res, 0, "sleep 1"), 0);
    assert_string_equal(alog_result_where(res, 0), "sleep 1");
    assert_int_equal(alog_result_set_where(res, 7, "x"), ALOG_EINVAL);
    alog_result_set_span(res, 100, 1500000100);
    alog_result_set_schedule(res, 2000);
    int64_t run0, sched0, end;
    alog_result_span(res, &run0, &sched0, &end);
    assert_int_equal(run0, 100);
    assert_int_equal(sched0, 2000);
    assert_int_equal(end, 1500000100);
    /* Memory is the sum over the lists. */
    size_t m0 = alog_result_memory(res);
    alog_record r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(alog_reclist_append(alog_result_list(res, 1), &r), 0);
    size_t sum = 0;
    for (unsigned i = 0; i < 3; i++)
        sum += alog_reclist_memory(alog_result_list(res, i));
    assert_int_equal(alog_result_memory(res), sum);
    assert_true(alog_result_memory(res) >= m0 + 1000 * sizeof r);
    alog_result_free(res);
    alog_result_free(NULL);

    res = alog_result_new(0);
    assert_non_null(res);
    assert_int_equal(alog_result_producers(res), 0);
    assert_int_equal(alog_result_outcome(res), ALOG_OK);
    alog_result_free(res);
}

static void test_headers(void **state)
{
    (void)state;
    alog_result *res = alog_result_new(1);
    assert_int_equal(alog_result_header_count(res), 0);
    assert_int_equal(alog_result_header(res, "alog", "%s", ALOG_VERSION), 0);
    assert_int_equal(alog_result_header(res, "model", "async"), 0);
    assert_int_equal(alog_result_header(res, "producers", "%u", 3u), 0);
    assert_int_equal(alog_result_header(res, "model", "%s-%d", "omp", 2), 0);
    assert_int_equal(alog_result_header(res, "empty", "%s", ""), 0);
    char longv[5000];
    memset(longv, 'v', sizeof longv - 1);
    longv[sizeof longv - 1] = '\0';
    assert_int_equal(alog_result_header(res, "long", "%s", longv), 0);
    static const char *keys[] = {"alog", "model", "producers", "empty", "long"};
    const char *vals[] = {ALOG_VERSION, "omp-2", "3", "", longv};
    assert_int_equal(alog_result_header_count(res), 5);
    for (size_t i = 0; i < 5; i++) {
        const char *k, *v;
        alog_result_header_at(res, i, &k, &v);
        assert_string_equal(k, keys[i]);
        assert_string_equal(v, vals[i]);
    }
    const char *k = "x", *v = "y";
    alog_result_header_at(res, 5, &k, &v);
    assert_null(k);
    assert_null(v);
    /* Many keys: the table grows and keeps the order. */
    for (int i = 0; i < 100; i++)
        assert_int_equal(alog_result_header(res, i % 2 ? "odd" : "even", "%d", i), 0);
    for (int i = 0; i < 50; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(alog_result_header(res, key, "%d", i * i), 0);
    }
    assert_int_equal(alog_result_header_count(res), 57);
    alog_result_header_at(res, 5, &k, &v);
    assert_string_equal(k, "even");
    assert_string_equal(v, "98");
    alog_result_header_at(res, 6, &k, &v);
    assert_string_equal(k, "odd");
    assert_string_equal(v, "99");
    alog_result_header_at(res, 56, &k, &v);
    assert_string_equal(k, "k49");
    assert_string_equal(v, "2401");

    /* Counters. */
    assert_int_equal(alog_result_counter_count(res), 0);
    assert_int_equal(alog_result_counter(res, "ring_full", 3), 0);
    assert_int_equal(alog_result_counter(res, "batches", 1.5), 0);
    assert_int_equal(alog_result_counter(res, "ring_full", 4), 0);
    assert_int_equal(alog_result_counter_count(res), 2);
    double d;
    alog_result_counter_at(res, 0, &k, &d);
    assert_string_equal(k, "ring_full");
    assert_true(d == 4);
    alog_result_counter_at(res, 1, &k, &d);
    assert_string_equal(k, "batches");
    assert_true(d == 1.5);
    alog_result_counter_at(res, 2, &k, &d);
    assert_null(k);
    alog_result_free(res);
}

/* Records seq from..from+n-1 into list i (due at 10 ns a seq, collected
 * 3 ns after). */
static void fill_from(alog_result *res, unsigned i, uint64_t from, size_t n)
{
    alog_record r;
    memset(&r, 0, sizeof r);
    for (size_t k = 0; k < n; k++) {
        r.seq = from + k;
        r.sched_ns = r.produce_ns = 10 * (int64_t)r.seq;
        r.collect_ns = r.sched_ns + 3;
        assert_int_equal(alog_reclist_append(alog_result_list(res, i), &r), 0);
    }
}

static void fill(alog_result *res, unsigned i, size_t n)
{
    fill_from(res, i, 0, n);
}

static void test_outcome(void **state)
{
    (void)state;
    alog_result *res = alog_result_new(2);
    alog_result_set_target(res, 0, 5, 10);
    alog_result_set_target(res, 1, 10, 0); /* by time */
    fill(res, 0, 9);
    assert_int_equal(alog_result_outcome(res), ALOG_ESHORT); /* 9 < 10 */
    fill_from(res, 0, 9, 1);
    assert_int_equal(alog_result_outcome(res), ALOG_OK);
    fill_from(res, 0, 10, 5); /* more than asked is fine */
    assert_int_equal(alog_result_outcome(res), ALOG_OK);
    static const int bad[] = {ALOG_PS_SHORT, ALOG_PS_EXIT, ALOG_PS_SIGNAL,
                              ALOG_PS_STOPPED};
    for (size_t i = 0; i < 4; i++) {
        alog_result_set_status(res, 1, bad[i], 1);
        assert_int_equal(alog_result_outcome(res), ALOG_ESHORT);
        assert_int_equal(alog_exit_status(alog_result_outcome(res)), 3);
    }
    alog_result_set_interrupted(res, 1);
    assert_int_equal(alog_result_interrupted(res), 1);
    assert_int_equal(alog_result_outcome(res), ALOG_EINTR);
    assert_int_equal(alog_exit_status(alog_result_outcome(res)), 130);
    alog_result_set_interrupted(res, 0);
    alog_result_set_status(res, 1, ALOG_PS_OK, 0);
    assert_int_equal(alog_result_outcome(res), ALOG_OK);
    assert_int_equal(alog_exit_status(alog_result_outcome(res)), 0);
    alog_result_free(res);
}

/* Loss and duplicates: the reported status of producers that ended as
 * planned, against their schedule or what they say they made; exit 4. */
static void test_final(void **state)
{
    (void)state;
    alog_result *res = alog_result_new(5);
    for (unsigned i = 0; i < 5; i++)
        alog_result_set_target(res, i, 100, 10);
    fill(res, 0, 10);                        /* complete */
    fill(res, 1, 4);                         /* 4..5 never came */
    fill_from(res, 1, 6, 4);
    fill(res, 2, 10);                        /* 3 twice */
    fill_from(res, 2, 3, 1);
    fill(res, 3, 7);                         /* its tail: short */
    fill(res, 4, 10);                        /* made 12, 10 came */
    alog_result_set_made(res, 4, 12);
    uint64_t lost = 99;
    assert_int_equal(alog_result_final(res, 0, &lost, NULL), ALOG_PS_OK);
    assert_int_equal(lost, 0);
    assert_int_equal(alog_result_final(res, 1, &lost, NULL), ALOG_PS_LOST);
    assert_int_equal(lost, 2);
    assert_int_equal(alog_result_final(res, 2, &lost, NULL), ALOG_PS_DUP);
    assert_int_equal(lost, 0);
    assert_int_equal(alog_result_final(res, 3, &lost, NULL), ALOG_PS_SHORT);
    assert_int_equal(lost, 0); /* a tail we cannot prove was made */
    assert_int_equal(alog_result_final(res, 4, &lost, NULL), ALOG_PS_LOST);
    assert_int_equal(lost, 2);
    assert_int_equal(alog_result_outcome(res), ALOG_ESHORT); /* 3 is short */
    alog_result_free(res);

    res = alog_result_new(2);
    alog_result_set_target(res, 0, 100, 4);
    alog_result_set_target(res, 1, 100, 4);
    fill(res, 0, 4);
    fill(res, 1, 2);
    fill_from(res, 1, 3, 1); /* 2 lost */
    alog_result_finish(res);
    assert_int_equal(alog_result_outcome(res), ALOG_ELOST);
    assert_int_equal(alog_exit_status(ALOG_ELOST), 4);
    /* A producer the transport calls stopped stays stopped; its gaps are
     * its loss. */
    alog_result_set_status(res, 1, ALOG_PS_STOPPED, 0);
    assert_int_equal(alog_result_final(res, 1, &lost, NULL), ALOG_PS_LOST);
    alog_result_free(res);
    res = alog_result_new(1);
    alog_result_set_target(res, 0, 100, 4);
    fill(res, 0, 1);
    fill_from(res, 0, 2, 1);
    alog_result_set_status(res, 0, ALOG_PS_STOPPED, 0);
    assert_int_equal(alog_result_final(res, 0, &lost, NULL), ALOG_PS_STOPPED);
    assert_int_equal(lost, 1);
    alog_result_free(res);
}

/* The window: from the schedule start to the last record collected;
 * what comes before and after apart; rates offered from the targets. */
static void test_window(void **state)
{
    (void)state;
    alog_result *res = alog_result_new(2);
    alog_result_set_target(res, 0, 100, 10);
    alog_result_set_target(res, 1, 50, 10);
    fill(res, 0, 10); /* due 0..90, last collected at 93 */
    fill(res, 1, 10);
    alog_result_set_span(res, -1000, 600);
    alog_result_set_schedule(res, 0);
    alog_result_finish(res);
    alog_window w;
    alog_result_window(res, &w);
    assert_int_equal(w.startup_ns, 1000);
    assert_int_equal(w.window_ns, 93);
    assert_int_equal(w.drain_ns, 3);
    assert_int_equal(w.teardown_ns, 507);
    assert_int_equal(w.wall_ns, 1600);
    assert_int_equal(w.records, 20);
    assert_int_equal(w.expected, 20);
    assert_int_equal(w.lost, 0);
    assert_true(w.offered_per_s == 150.0);
    /* One unthrottled producer: nothing offered to compare against. */
    alog_result_set_target(res, 1, 0, 10);
    alog_result_window(res, &w);
    assert_true(w.offered_per_s == 0.0);
    alog_result_free(res);
    /* Nothing collected: no window, the whole run is start-up. */
    res = alog_result_new(1);
    alog_result_set_span(res, 0, 50);
    alog_result_set_schedule(res, 20);
    alog_result_window(res, &w);
    assert_int_equal(w.startup_ns, 20);
    assert_int_equal(w.window_ns, 0);
    assert_int_equal(w.teardown_ns, 30);
    alog_result_free(res);
}

static void test_enomem(void **state)
{
    (void)state;
    calloc_countdown = 1; /* the result */
    assert_null(alog_result_new(2));
    calloc_countdown = 2; /* the producers */
    assert_null(alog_result_new(2));
    calloc_countdown = 4; /* the second list: the first is freed (ASan) */
    assert_null(alog_result_new(2));
    calloc_countdown = 0;
    alog_result *res = alog_result_new(2);
    assert_non_null(res);
    malloc_countdown = 1;
    assert_int_equal(alog_result_header(res, "a", "1"), ALOG_ENOMEM);
    malloc_countdown = 2; /* the key copy */
    assert_int_equal(alog_result_header(res, "a", "1"), ALOG_ENOMEM);
    realloc_countdown = 1; /* the table */
    assert_int_equal(alog_result_header(res, "a", "1"), ALOG_ENOMEM);
    assert_int_equal(alog_result_header_count(res), 0);
    assert_int_equal(alog_result_header(res, "a", "1"), 0);
    malloc_countdown = 1; /* replacing a value */
    assert_int_equal(alog_result_header(res, "a", "2"), ALOG_ENOMEM);
    const char *k, *v;
    alog_result_header_at(res, 0, &k, &v);
    assert_string_equal(v, "1"); /* the old value stays */
    malloc_countdown = 1;
    assert_int_equal(alog_result_counter(res, "c", 1), ALOG_ENOMEM);
    realloc_countdown = 1;
    assert_int_equal(alog_result_counter(res, "c", 1), ALOG_ENOMEM);
    assert_int_equal(alog_result_counter_count(res), 0);
    assert_int_equal(alog_result_set_where(res, 0, "w"), 0);
    malloc_countdown = 1;
    assert_int_equal(alog_result_set_where(res, 0, "z"), ALOG_ENOMEM);
    assert_string_equal(alog_result_where(res, 0), "w");
    alog_result_free(res);
}

/* Signals: the flag, SIGPIPE ignored, no SA_RESTART, stop requests. */
static void test_signals(void **state)
{
    (void)state;
    const atomic_int *flag = alog_stop_flag();
    assert_non_null(flag);
    assert_int_equal(atomic_load(flag), 0);
    assert_int_equal(alog_signal_caught(), 0);
    assert_int_equal(alog_signals_install(), 0);
    struct sigaction sa;
    assert_int_equal(sigaction(SIGINT, NULL, &sa), 0);
    assert_true(sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN);
    assert_int_equal(sa.sa_flags & SA_RESTART, 0);
    assert_int_equal(sigaction(SIGTERM, NULL, &sa), 0);
    assert_int_equal(sa.sa_flags & SA_RESTART, 0);
    assert_int_equal(sigaction(SIGPIPE, NULL, &sa), 0);
    assert_true(sa.sa_handler == SIG_IGN);
    assert_int_equal(raise(SIGPIPE), 0); /* survives */
    /* A write to a closed pipe fails with EPIPE instead of killing us. */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    close(fds[0]);
    assert_int_equal(write(fds[1], "x", 1), -1);
    assert_int_equal(errno, EPIPE);
    close(fds[1]);
    /* A stop request stops, but is no signal. */
    alog_stop_request(-1);
    assert_int_equal(atomic_load(flag), -1);
    assert_int_equal(alog_signal_caught(), 0);
    alog_stop_request(-2); /* the first reason stays */
    assert_int_equal(atomic_load(flag), -1);
    /* A signal is recorded as such. */
    assert_int_equal(raise(SIGTERM), 0);
    assert_int_equal(alog_signal_caught(), SIGTERM);
    assert_int_equal(atomic_load(flag), SIGTERM);
    alog_stop_request(-1);
    assert_int_equal(alog_signal_caught(), SIGTERM);
    /* A blocking read is interrupted (EINTR), not restarted. */
    assert_int_equal(pipe(fds), 0);
    struct sigaction alarm_sa;
    assert_int_equal(sigaction(SIGINT, NULL, &alarm_sa), 0);
    assert_int_equal(sigaction(SIGALRM, &alarm_sa, NULL), 0);
    struct itimerval itv;
    memset(&itv, 0, sizeof itv);
    itv.it_value.tv_usec = 50000;
    assert_int_equal(setitimer(ITIMER_REAL, &itv, NULL), 0);
    char c;
    assert_int_equal(read(fds[0], &c, 1), -1);
    assert_int_equal(errno, EINTR);
    assert_int_equal(alog_signal_caught(), SIGALRM);
    close(fds[0]);
    close(fds[1]);
}

/* Progress: silent when not a terminal or early; on a terminal one line
 * at most once a second, ended by a newline. */
static void test_progress(void **state)
{
    (void)state;
    int saved = dup(2);
    assert_true(saved >= 0);
    /* Not a terminal: nothing at all. */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    assert_int_equal(dup2(fds[1], 2), 2);
    alog_progress p;
    alog_progress_init(&p);
    p.start_ns -= 10000000000LL;
    alog_progress_tick(&p, 5, 10);
    alog_progress_done(&p);
    char buf[256];
    assert_int_equal(read(fds[0], buf, sizeof buf), -1);
    close(fds[0]);
    close(fds[1]);

    int master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    assert_true(slave >= 0);
    struct termios tio;
    tcgetattr(slave, &tio);
    cfmakeraw(&tio); /* no '\n' -> "\r\n" */
    tcsetattr(slave, TCSANOW, &tio);
    fcntl(master, F_SETFL, O_NONBLOCK);
    assert_int_equal(dup2(slave, 2), 2);
    alog_progress_init(&p);
    alog_progress_tick(&p, 1, 10); /* under 2 s: nothing */
    alog_progress_done(&p);        /* nothing printed: no newline */
    p.start_ns -= 3200000000LL;    /* as if started 3.2 s ago */
    alog_progress_tick(&p, 5, 10);
    alog_progress_tick(&p, 6, 10); /* within the second: nothing */
    p.last_ns -= 1100000000LL;
    alog_progress_tick(&p, 7, 0);
    alog_progress_done(&p);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(slave);
    usleep(20000);
    ssize_t n = read(master, buf, sizeof buf - 1);
    close(master);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_string_equal(buf, "\ralog: 3 s, 5 records (50%)  "
                             "\ralog: 3 s, 7 records  \n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_producers),
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_outcome),
        cmocka_unit_test(test_final),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_enomem),
        cmocka_unit_test(test_signals),
        cmocka_unit_test(test_progress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
