/* test_produce.c - the one producer loop with a recording emit: counts,
 * sequence numbers, stamps, --fail-after, a failing emit, a stop (flag or
 * the model's poll/approach hook), the duration's end and the wait for the
 * common start. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "produce.h"

#define CAP 4096

typedef struct sink {
    alog_record r[CAP];
    unsigned n;
    unsigned fail_at;   /* emit fails on this record (0: never) */
    unsigned polls, approaches;
    unsigned stop_after_polls; /* poll says stop on this call (0: never) */
    int64_t last_approach;
} sink;

static int emit(void *self, alog_record *r)
{
    sink *s = self;
    if (s->fail_at && s->n + 1 == s->fail_at)
        return ALOG_ENOMEM;
    s->r[s->n++] = *r;
    return 0;
}

static int poll_hook(void *self)
{
    sink *s = self;
    s->polls++;
    return s->stop_after_polls && s->polls == s->stop_after_polls;
}

static int approach_hook(void *self, int64_t t)
{
    sink *s = self;
    s->approaches++;
    s->last_approach = t;
    return 0;
}

/* The slot path: records built in place in the sink's own array. */
static alog_record *slot_hook(void *self)
{
    sink *s = self;
    if (s->fail_at && s->n + 1 == s->fail_at)
        return NULL; /* out of room */
    memset(&s->r[s->n], 0, sizeof s->r[s->n]);
    return &s->r[s->n];
}

static int emit_in_place(void *self, alog_record *r)
{
    sink *s = self;
    assert_ptr_equal(r, &s->r[s->n]); /* the slot itself, complete */
    s->n++;
    return 0;
}

static const alog_produce_ops plain = {.emit = emit};
static const alog_produce_ops in_place = {.slot = slot_hook,
                                          .emit = emit_in_place};
static const alog_produce_ops hooked = {
    .emit = emit, .approach = approach_hook, .poll = poll_hook};

static atomic_int no_stop;

static alog_produce_spec spec_of(uint64_t count, int64_t interval)
{
    alog_produce_spec s = {.producer = 3, .bytes = 40, .start_ns = 0,
                           .interval_ns = interval, .end_ns = INT64_MAX,
                           .count = count, .fail_after = -1};
    return s;
}

static void test_count_and_stamps(void **state)
{
    (void)state;
    static sink s;
    memset(&s, 0, sizeof s);
    alog_produce_spec sp = spec_of(100, 0);
    alog_produce_end end;
    alog_produce(&sp, &plain, &s, &no_stop, &end);
    assert_int_equal(end.made, 100);
    assert_int_equal(end.status, ALOG_PS_OK);
    assert_int_equal(end.err, 0);
    assert_int_equal(s.n, 100);
    for (unsigned i = 0; i < s.n; i++) {
        assert_int_equal(s.r[i].seq, i);
        assert_int_equal(s.r[i].producer, 3);
        assert_int_equal(s.r[i].bytes, 40);
        /* Unthrottled without work: one clock read is both times. */
        assert_int_equal(s.r[i].produce_ns, s.r[i].sched_ns);
        assert_int_equal(s.r[i].clock_ms, s.r[i].produce_ns / 1000000);
        if (i > 0)
            assert_true(s.r[i].sched_ns >= s.r[i - 1].sched_ns);
    }
}

/* Paced: deadline k = start + k * interval, produced at or after it. */
static void test_paced_deadlines(void **state)
{
    (void)state;
    static sink s;
    memset(&s, 0, sizeof s);
    alog_produce_spec sp = spec_of(5, 1000000);
    sp.start_ns = alog_now_ns() + 2000000;
    alog_produce_end end;
    alog_produce(&sp, &hooked, &s, &no_stop, &end);
    assert_int_equal(end.status, ALOG_PS_OK);
    assert_int_equal(s.n, 5);
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(s.r[i].sched_ns, sp.start_ns + (int64_t)i * 1000000);
        assert_true(s.r[i].produce_ns >= s.r[i].sched_ns);
    }
    /* The start, then every deadline, approached by the model first. */
    assert_int_equal(s.approaches, 6);
    assert_int_equal(s.last_approach, sp.start_ns + 4 * 1000000);
    assert_int_equal(s.polls, 0);
}

static void test_fail_after(void **state)
{
    (void)state;
    static sink s;
    memset(&s, 0, sizeof s);
    alog_produce_spec sp = spec_of(10, 0);
    sp.fail_after = 4;
    alog_produce_end end;
    alog_produce(&sp, &plain, &s, &no_stop, &end);
    assert_int_equal(end.made, 4);
    assert_int_equal(end.status, ALOG_PS_SHORT);
    assert_int_equal(s.n, 4);
    /* Failing after exactly its count is no failure. */
    memset(&s, 0, sizeof s);
    sp.fail_after = 10;
    alog_produce(&sp, &plain, &s, &no_stop, &end);
    assert_int_equal(end.made, 10);
    assert_int_equal(end.status, ALOG_PS_OK);
}

static void test_emit_error(void **state)
{
    (void)state;
    static sink s;
    memset(&s, 0, sizeof s);
    s.fail_at = 7;
    alog_produce_spec sp = spec_of(10, 0);
    alog_produce_end end;
    alog_produce(&sp, &plain, &s, &no_stop, &end);
    assert_int_equal(end.made, 6);
    assert_int_equal(end.status, ALOG_PS_SHORT);
    assert_int_equal(end.err, ALOG_ENOMEM);
}

static void test_stop_flag_and_poll(void **state)
{
    (void)state;
    static sink s;
    memset(&s, 0, sizeof s);
    atomic_int stop;
    atomic_init(&stop, 1);
    alog_produce_spec sp = spec_of(10, 0);
    alog_produce_end end;
    alog_produce(&sp, &plain, &s, &stop, &end);
    assert_int_equal(end.made, 0);
    assert_int_equal(end.status, ALOG_PS_STOPPED);

    /* Unlimited, stopped by the model's poll, which runs every 64. */
    memset(&s, 0, sizeof s);
    s.stop_after_polls = 3;
    sp = spec_of(0, 0);
    alog_produce(&sp, &hooked, &s, &no_stop, &end);
    assert_int_equal(end.status, ALOG_PS_STOPPED);
    assert_int_equal(end.made, 128);
    assert_int_equal(s.polls, 3);
}

/* The duration's end: no record due at or after it is made. */
static void test_end_time(void **state)
{
    (void)state;
    static sink s;
    memset(&s, 0, sizeof s);
    alog_produce_spec sp = spec_of(0, 1000000);
    sp.start_ns = alog_now_ns() + 1000000;
    sp.end_ns = sp.start_ns + 3 * 1000000; /* records 0, 1, 2 */
    alog_produce_end end;
    alog_produce(&sp, &plain, &s, &no_stop, &end);
    assert_int_equal(end.status, ALOG_PS_OK);
    assert_int_equal(end.made, 3);
}

/* Work per record: stamped after the work, and the work is counted. */
static void test_work(void **state)
{
    (void)state;
    static sink s;
    memset(&s, 0, sizeof s);
    alog_produce_spec sp = spec_of(3, 0);
    sp.work = 1000;
    alog_produce_end end;
    alog_produce(&sp, &plain, &s, &no_stop, &end);
    assert_int_equal(end.made, 3);
    assert_int_equal(end.sink, 3 * alog_work(1000));
    for (unsigned i = 0; i < 3; i++)
        assert_true(s.r[i].produce_ns >= s.r[i].sched_ns);
}

static void test_slot(void **state)
{
    (void)state;
    static sink s;
    memset(&s, 0, sizeof s);
    alog_produce_spec sp = spec_of(50, 0);
    alog_produce_end end;
    alog_produce(&sp, &in_place, &s, &no_stop, &end);
    assert_int_equal(end.made, 50);
    assert_int_equal(end.status, ALOG_PS_OK);
    for (unsigned i = 0; i < 50; i++) {
        assert_int_equal(s.r[i].seq, i);
        assert_int_equal(s.r[i].producer, 3);
        assert_int_equal(s.r[i].bytes, 40);
        assert_int_equal(s.r[i].clock_ms, s.r[i].produce_ns / 1000000);
    }
    /* No slot: out of memory ends the producer short. */
    memset(&s, 0, sizeof s);
    s.fail_at = 8;
    alog_produce(&sp, &in_place, &s, &no_stop, &end);
    assert_int_equal(end.made, 7);
    assert_int_equal(end.status, ALOG_PS_SHORT);
    assert_int_equal(end.err, ALOG_ENOMEM);
}

int main(void)
{
    atomic_init(&no_stop, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_and_stamps),
        cmocka_unit_test(test_paced_deadlines),
        cmocka_unit_test(test_fail_after),
        cmocka_unit_test(test_emit_error),
        cmocka_unit_test(test_stop_flag_and_poll),
        cmocka_unit_test(test_end_time),
        cmocka_unit_test(test_work),
        cmocka_unit_test(test_slot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
