/* test_ring.c - the SPSC ring: capacity rounding, empty, full, wrap-around,
 * batches cut at the wrap point, partial release, failed allocation, and
 * exact order with two real threads on a ring small enough to fill. */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ring.h"

/* aligned_alloc fails on call number fail_at (1-based; 0 never). */
static int alloc_calls, fail_at;
void *__real_aligned_alloc(size_t align, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size)
{
    if (fail_at && ++alloc_calls == fail_at)
        return NULL;
    return __real_aligned_alloc(align, size);
}

static int reset(void **state)
{
    (void)state;
    alloc_calls = 0;
    fail_at = 0;
    return 0;
}

static alog_record rec_of(uint64_t seq)
{
    alog_record r;
    memset(&r, 0, sizeof r);
    r.seq = seq;
    r.producer = 3;
    r.sched_ns = (int64_t)seq * 10;
    r.produce_ns = (int64_t)seq * 10 + 1;
    r.bytes = 64;
    return r;
}

static void check_rec(const alog_record *r, uint64_t seq)
{
    assert_int_equal(r->seq, seq);
    assert_int_equal(r->producer, 3);
    assert_int_equal(r->sched_ns, (int64_t)seq * 10);
    assert_int_equal(r->produce_ns, (int64_t)seq * 10 + 1);
    assert_int_equal(r->bytes, 64);
}

static void test_capacity_rounding(void **state)
{
    (void)state;
    static const size_t ask[] = {1, 2, 3, 4, 5, 1000, 4096, 4097};
    static const size_t got[] = {2, 2, 4, 4, 8, 1024, 4096, 8192};
    for (size_t i = 0; i < sizeof ask / sizeof ask[0]; i++) {
        alog_ring *r = NULL;
        assert_int_equal(alog_ring_new(&r, ask[i]), 0);
        assert_int_equal(alog_ring_capacity(r), got[i]);
        assert_int_equal(alog_ring_size(r), 0);
        alog_ring_free(r);
    }
    alog_ring *r = NULL;
    assert_int_equal(alog_ring_new(&r, 0), ALOG_EINVAL);
    assert_int_equal(alog_ring_new(&r, ALOG_RING_MAX + 1), ALOG_EINVAL);
    assert_int_equal(alog_ring_new(NULL, 8), ALOG_EINVAL);
    assert_null(r);
    alog_ring_free(NULL);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    for (int at = 1; at <= 2; at++) {
        alloc_calls = 0;
        fail_at = at;
        alog_ring *r = NULL;
        assert_int_equal(alog_ring_new(&r, 16), ALOG_ENOMEM);
        assert_null(r);
    }
}

static void test_empty(void **state)
{
    (void)state;
    alog_ring *r;
    assert_int_equal(alog_ring_new(&r, 4), 0);
    alog_record out[4];
    const alog_record *p = NULL;
    assert_int_equal(alog_ring_pop(r, out, 4), 0);
    assert_int_equal(alog_ring_peek(r, &p, 4), 0);
    /* Emptied again after one round trip. */
    alog_record a = rec_of(7);
    assert_int_equal(alog_ring_push(r, &a), 1);
    assert_int_equal(alog_ring_size(r), 1);
    assert_int_equal(alog_ring_pop(r, out, 4), 1);
    check_rec(&out[0], 7);
    assert_int_equal(alog_ring_pop(r, out, 4), 0);
    assert_int_equal(alog_ring_size(r), 0);
    alog_ring_free(r);
}

static void test_full(void **state)
{
    (void)state;
    alog_ring *r;
    assert_int_equal(alog_ring_new(&r, 8), 0);
    for (uint64_t s = 0; s < 8; s++) {
        alog_record a = rec_of(s);
        assert_int_equal(alog_ring_push(r, &a), 1);
    }
    assert_int_equal(alog_ring_size(r), 8);
    alog_record x = rec_of(8);
    assert_int_equal(alog_ring_push(r, &x), 0); /* full: refused ... */
    assert_int_equal(alog_ring_push(r, &x), 0);
    assert_int_equal(alog_ring_size(r), 8); /* ... and nothing overwritten */
    alog_record out[8];
    assert_int_equal(alog_ring_pop(r, out, 1), 1);
    check_rec(&out[0], 0);
    assert_int_equal(alog_ring_push(r, &x), 1); /* one slot free again */
    assert_int_equal(alog_ring_push(r, &x), 0);
    assert_int_equal(alog_ring_pop(r, out, 8), 8);
    for (uint64_t s = 0; s < 8; s++)
        check_rec(&out[s], s + 1);
    alog_ring_free(r);
}

static void test_wrap_around(void **state)
{
    (void)state;
    alog_ring *r;
    assert_int_equal(alog_ring_new(&r, 8), 0);
    uint64_t next_in = 0, next_out = 0;
    alog_record out[8];
    /* 5 in, 5 out, many times over: the indices wrap the 8 slots often. */
    for (int round = 0; round < 1000; round++) {
        for (int i = 0; i < 5; i++) {
            alog_record a = rec_of(next_in++);
            assert_int_equal(alog_ring_push(r, &a), 1);
        }
        size_t n = alog_ring_pop(r, out, 8);
        assert_int_equal(n, 5);
        for (size_t i = 0; i < n; i++)
            check_rec(&out[i], next_out++);
    }
    assert_int_equal(next_out, 5000);
    alog_ring_free(r);
}

static void test_peek_stops_at_wrap(void **state)
{
    (void)state;
    alog_ring *r;
    assert_int_equal(alog_ring_new(&r, 8), 0);
    alog_record out[8];
    for (uint64_t s = 0; s < 6; s++) {
        alog_record a = rec_of(s);
        assert_int_equal(alog_ring_push(r, &a), 1);
    }
    assert_int_equal(alog_ring_pop(r, out, 6), 6); /* head at slot 6 */
    for (uint64_t s = 6; s < 12; s++) {
        alog_record a = rec_of(s);
        assert_int_equal(alog_ring_push(r, &a), 1); /* slots 6,7,0..3 */
    }
    const alog_record *p;
    size_t n = alog_ring_peek(r, &p, 8);
    assert_int_equal(n, 2); /* contiguous up to the end of the slots */
    check_rec(&p[0], 6);
    check_rec(&p[1], 7);
    /* Give back only one: the other stays, first in line. */
    alog_ring_release(r, 1);
    assert_int_equal(alog_ring_size(r), 5);
    n = alog_ring_peek(r, &p, 8);
    assert_int_equal(n, 1);
    check_rec(&p[0], 7);
    alog_ring_release(r, 1);
    n = alog_ring_peek(r, &p, 3); /* max respected */
    assert_int_equal(n, 3);
    check_rec(&p[0], 8);
    check_rec(&p[2], 10);
    alog_ring_release(r, 3);
    /* pop copies across the wrap point in one call */
    for (uint64_t s = 12; s < 17; s++) {
        alog_record a = rec_of(s);
        assert_int_equal(alog_ring_push(r, &a), 1);
    }
    assert_int_equal(alog_ring_pop(r, out, 8), 6);
    for (uint64_t s = 0; s < 6; s++)
        check_rec(&out[s], 11 + s);
    alog_ring_free(r);
}

/* ---- two real threads ---------------------------------------------------- */

#define TWO_THREAD_RECORDS 2000000u

typedef struct pc {
    alog_ring *r;
    uint64_t full; /* pushes that found the ring full */
} pc;

static void *producer_main(void *arg)
{
    pc *c = arg;
    for (uint64_t s = 0; s < TWO_THREAD_RECORDS; s++) {
        alog_record a = rec_of(s);
        if (alog_ring_push(c->r, &a))
            continue;
        c->full++;
        while (!alog_ring_push(c->r, &a))
            sched_yield();
    }
    return NULL;
}

/* Consumer on the test's thread: every record, exactly once, in order,
 * with its fields intact (a torn slot would show a mismatch). */
static void consume_all(alog_ring *r, int use_peek)
{
    uint64_t next = 0, waited_at = 0;
    alog_record out[64];
    size_t cap = alog_ring_capacity(r);
    while (next < TWO_THREAD_RECORDS) {
        /* Every 4096 records, let the producer fill the ring: its next
         * push then finds it full, for certain. */
        if (next >= waited_at) {
            uint64_t left = TWO_THREAD_RECORDS - next;
            while (alog_ring_size(r) < (left < cap ? left : cap))
                sched_yield();
            waited_at = next + 4096;
        }
        size_t n;
        if (use_peek) {
            const alog_record *p;
            n = alog_ring_peek(r, &p, 64);
            for (size_t i = 0; i < n; i++)
                check_rec(&p[i], next + i);
            alog_ring_release(r, n);
        } else {
            n = alog_ring_pop(r, out, 64);
            for (size_t i = 0; i < n; i++)
                check_rec(&out[i], next + i);
        }
        next += n;
        if (n == 0)
            sched_yield();
    }
    const alog_record *p;
    assert_int_equal(alog_ring_peek(r, &p, 64), 0);
    assert_int_equal(next, TWO_THREAD_RECORDS);
}

static void two_threads(int use_peek)
{
    pc c = {0};
    assert_int_equal(alog_ring_new(&c.r, 64), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, producer_main, &c), 0);
    consume_all(c.r, use_peek);
    assert_int_equal(pthread_join(t, NULL), 0);
    /* The consumer waited for a full ring 488 times. */
    assert_true(c.full >= TWO_THREAD_RECORDS / 4096);
    alog_ring_free(c.r);
}

static void test_two_threads_pop(void **state)
{
    (void)state;
    two_threads(0);
}

static void test_two_threads_peek(void **state)
{
    (void)state;
    two_threads(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_capacity_rounding, reset),
        cmocka_unit_test_setup(test_alloc_failure, reset),
        cmocka_unit_test_setup(test_empty, reset),
        cmocka_unit_test_setup(test_full, reset),
        cmocka_unit_test_setup(test_wrap_around, reset),
        cmocka_unit_test_setup(test_peek_stops_at_wrap, reset),
        cmocka_unit_test_setup(test_two_threads_pop, reset),
        cmocka_unit_test_setup(test_two_threads_peek, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
