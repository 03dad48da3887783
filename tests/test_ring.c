/* test_ring.c - the SPSC ring: capacity and batch rounding, empty, batch
 * boundaries, flushing a partial batch, full (which publishes what was
 * held back), wrap-around, blocks cut at the wrap point, partial release,
 * failed allocation, and exact order with two real threads, on rings
 * small enough to fill, with flushes and partial batches at the end. */
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

/* The producer's side in one call: 1 if stored, 0 if full. */
static int push(alog_ring *r, uint64_t seq)
{
    alog_record *s = alog_ring_slot(r);
    if (!s)
        return 0;
    *s = rec_of(seq);
    alog_ring_commit(r);
    return 1;
}

/* The consumer's side: copies up to max of the published records, across
 * the wrap point, and gives them back. */
static size_t pop(alog_ring *r, alog_record *out, size_t max)
{
    size_t done = 0;
    while (done < max) {
        const alog_record *p;
        size_t n = alog_ring_peek(r, &p, max - done);
        if (n == 0)
            break;
        memcpy(out + done, p, n * sizeof *p);
        alog_ring_release(r, n);
        done += n;
    }
    return done;
}

static void test_capacity_rounding(void **state)
{
    (void)state;
    static const size_t ask[] = {1, 2, 3, 4, 5, 1000, 4096, 4097};
    static const size_t got[] = {2, 2, 4, 4, 8, 1024, 4096, 8192};
    for (size_t i = 0; i < sizeof ask / sizeof ask[0]; i++) {
        alog_ring *r = NULL;
        assert_int_equal(alog_ring_new(&r, ask[i], 64), 0);
        assert_int_equal(alog_ring_capacity(r), got[i]);
        /* The batch is at most half the ring. */
        assert_int_equal(alog_ring_batch(r), got[i] / 2 < 64 ? got[i] / 2 : 64);
        assert_int_equal(alog_ring_size(r), 0);
        assert_int_equal(alog_ring_pending(r), 0);
        alog_ring_free(r);
    }
    alog_ring *r = NULL;
    assert_int_equal(alog_ring_new(&r, 0, 1), ALOG_EINVAL);
    assert_int_equal(alog_ring_new(&r, ALOG_RING_MAX + 1, 1), ALOG_EINVAL);
    assert_int_equal(alog_ring_new(&r, 8, 0), ALOG_EINVAL);
    assert_int_equal(alog_ring_new(NULL, 8, 1), ALOG_EINVAL);
    assert_null(r);
    assert_int_equal(alog_ring_new(&r, 16, 1), 0);
    assert_int_equal(alog_ring_batch(r), 1);
    alog_ring_free(r);
    alog_ring_free(NULL);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    for (int at = 1; at <= 2; at++) {
        alloc_calls = 0;
        fail_at = at;
        alog_ring *r = NULL;
        assert_int_equal(alog_ring_new(&r, 16, 4), ALOG_ENOMEM);
        assert_null(r);
    }
}

static void test_empty(void **state)
{
    (void)state;
    alog_ring *r;
    assert_int_equal(alog_ring_new(&r, 4, 1), 0);
    alog_record out[4];
    const alog_record *p = NULL;
    assert_int_equal(pop(r, out, 4), 0);
    assert_int_equal(alog_ring_peek(r, &p, 4), 0);
    alog_ring_release(r, 0); /* giving back nothing is harmless */
    /* Emptied again after one round trip (batch 1: visible at once). */
    assert_int_equal(push(r, 7), 1);
    assert_int_equal(alog_ring_size(r), 1);
    assert_int_equal(pop(r, out, 4), 1);
    check_rec(&out[0], 7);
    assert_int_equal(pop(r, out, 4), 0);
    assert_int_equal(alog_ring_size(r), 0);
    alog_ring_free(r);
}

static void test_batch_boundaries(void **state)
{
    (void)state;
    alog_ring *r;
    assert_int_equal(alog_ring_new(&r, 64, 4), 0);
    const alog_record *p;
    uint64_t next_in = 0, next_out = 0;
    for (int round = 0; round < 3; round++) {
        /* Three of a batch of four: held back, the consumer sees none. */
        for (int i = 0; i < 3; i++) {
            assert_int_equal(push(r, next_in++), 1);
            assert_int_equal(alog_ring_pending(r), (size_t)i + 1);
            assert_int_equal(alog_ring_size(r), 0);
            assert_int_equal(alog_ring_peek(r, &p, 64), 0);
        }
        /* The fourth completes the batch: all four at once. */
        assert_int_equal(push(r, next_in++), 1);
        assert_int_equal(alog_ring_pending(r), 0);
        assert_int_equal(alog_ring_size(r), 4);
        assert_int_equal(alog_ring_peek(r, &p, 64), 4);
        for (int i = 0; i < 4; i++)
            check_rec(&p[i], next_out++);
        alog_ring_release(r, 4);
    }
    /* A flush publishes a partial batch, and the count starts again. */
    assert_int_equal(push(r, next_in++), 1);
    assert_int_equal(push(r, next_in++), 1);
    alog_ring_flush(r);
    assert_int_equal(alog_ring_pending(r), 0);
    assert_int_equal(alog_ring_size(r), 2);
    alog_ring_flush(r); /* nothing held: no change */
    assert_int_equal(alog_ring_size(r), 2);
    for (int i = 0; i < 3; i++)
        assert_int_equal(push(r, next_in++), 1);
    assert_int_equal(alog_ring_size(r), 2); /* 3 held: the batch is 4 */
    assert_int_equal(push(r, next_in++), 1);
    assert_int_equal(alog_ring_size(r), 6);
    alog_record out[8];
    assert_int_equal(pop(r, out, 8), 6);
    for (int i = 0; i < 6; i++)
        check_rec(&out[i], next_out++);
    assert_int_equal(next_out, next_in);
    alog_ring_free(r);
}

static void test_slot_until_commit(void **state)
{
    (void)state;
    alog_ring *r;
    assert_int_equal(alog_ring_new(&r, 4, 1), 0);
    alog_record *a = alog_ring_slot(r);
    assert_non_null(a);
    assert_ptr_equal(alog_ring_slot(r), a); /* not taken until committed */
    *a = rec_of(0);
    alog_ring_commit(r);
    alog_record *b = alog_ring_slot(r);
    assert_ptr_equal(b, a + 1);
    assert_int_equal(alog_ring_size(r), 1);
    alog_ring_free(r);
}

static void test_full(void **state)
{
    (void)state;
    alog_ring *r;
    /* Batch 3 of 8: after 8 records two are still held back. */
    assert_int_equal(alog_ring_new(&r, 8, 3), 0);
    for (uint64_t s = 0; s < 8; s++)
        assert_int_equal(push(r, s), 1);
    assert_int_equal(alog_ring_size(r), 6);
    assert_int_equal(alog_ring_pending(r), 2);
    /* Full: refused, nothing overwritten, and what was held back is
     * published so that the consumer can make room. */
    assert_null(alog_ring_slot(r));
    assert_int_equal(alog_ring_pending(r), 0);
    assert_int_equal(alog_ring_size(r), 8);
    assert_int_equal(push(r, 8), 0);
    assert_int_equal(alog_ring_size(r), 8);
    alog_record out[8];
    assert_int_equal(pop(r, out, 1), 1);
    check_rec(&out[0], 0);
    assert_int_equal(push(r, 8), 1); /* one slot free again */
    assert_int_equal(push(r, 9), 0);
    assert_int_equal(alog_ring_size(r), 8); /* published when found full */
    assert_int_equal(pop(r, out, 8), 8);
    for (uint64_t s = 0; s < 8; s++)
        check_rec(&out[s], s + 1);
    alog_ring_free(r);
}

static void test_wrap_around(void **state)
{
    (void)state;
    alog_ring *r;
    assert_int_equal(alog_ring_new(&r, 8, 2), 0);
    uint64_t next_in = 0, next_out = 0;
    alog_record out[8];
    /* 5 in (two batches, one held until the flush, unless the producer's
     * stale view of head made the ring look full and it published all),
     * 5 out, many times over: the indices wrap the 8 slots often and at
     * every offset. */
    for (int round = 0; round < 1000; round++) {
        for (int i = 0; i < 5; i++)
            assert_int_equal(push(r, next_in++), 1);
        assert_in_range(alog_ring_size(r), 4, 5);
        assert_int_equal(alog_ring_size(r) + alog_ring_pending(r), 5);
        alog_ring_flush(r);
        size_t n = pop(r, out, 8);
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
    assert_int_equal(alog_ring_new(&r, 8, 1), 0);
    alog_record out[8];
    for (uint64_t s = 0; s < 6; s++)
        assert_int_equal(push(r, s), 1);
    assert_int_equal(pop(r, out, 6), 6); /* head at slot 6 */
    for (uint64_t s = 6; s < 12; s++)
        assert_int_equal(push(r, s), 1); /* slots 6,7,0..3 */
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
    /* Blocks continue from the start of the slots after the wrap. */
    for (uint64_t s = 12; s < 17; s++)
        assert_int_equal(push(r, s), 1);
    assert_int_equal(pop(r, out, 8), 6);
    for (uint64_t s = 0; s < 6; s++)
        check_rec(&out[s], 11 + s);
    alog_ring_free(r);
}

/* ---- two real threads ---------------------------------------------------- */

typedef struct pc {
    alog_ring *r;
    uint64_t records; /* to send; a multiple of the batch or not */
    unsigned flush_every; /* also flush after every so many; 0: never */
    uint64_t full;    /* records that found the ring full */
} pc;

static void *producer_main(void *arg)
{
    pc *c = arg;
    for (uint64_t s = 0; s < c->records; s++) {
        if (!push(c->r, s)) {
            c->full++;
            while (!push(c->r, s))
                sched_yield();
        }
        if (c->flush_every && s % c->flush_every == 0)
            alog_ring_flush(c->r);
    }
    alog_ring_flush(c->r); /* end of the stream: the partial batch */
    return NULL;
}

/* Consumer on the test's thread: every record, exactly once, in order,
 * with its fields intact (a torn slot would show a mismatch).  Blocks of
 * up to 64, given back in two parts when `halves`. */
static void consume_all(pc *c, int halves)
{
    alog_ring *r = c->r;
    uint64_t next = 0, waited_at = 0;
    size_t cap = alog_ring_capacity(r), batch = alog_ring_batch(r);
    while (next < c->records) {
        /* Every 4096 records, let the producer fill the ring (or send
         * all it has left, flushed at the end): its next record then
         * finds it full, for certain. */
        if (next >= waited_at) {
            uint64_t left = c->records - next;
            size_t want = left < cap ? (size_t)left : cap;
            /* Only whole batches show before the end. */
            if (left > cap)
                want = cap / batch * batch;
            while (alog_ring_size(r) < want)
                sched_yield();
            waited_at = next + 4096;
        }
        const alog_record *p;
        size_t n = alog_ring_peek(r, &p, 64);
        for (size_t i = 0; i < n; i++)
            check_rec(&p[i], next + i);
        if (halves && n > 1) {
            alog_ring_release(r, n / 2);
            alog_ring_release(r, n - n / 2);
        } else {
            alog_ring_release(r, n);
        }
        next += n;
        if (n == 0)
            sched_yield();
    }
    const alog_record *p;
    assert_int_equal(alog_ring_peek(r, &p, 64), 0);
    assert_int_equal(alog_ring_size(r), 0);
    assert_int_equal(next, c->records);
}

static void two_threads(size_t capacity, size_t batch, uint64_t records,
                        unsigned flush_every, int halves)
{
    pc c = {.records = records, .flush_every = flush_every};
    assert_int_equal(alog_ring_new(&c.r, capacity, batch), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, producer_main, &c), 0);
    consume_all(&c, halves);
    assert_int_equal(pthread_join(t, NULL), 0);
    /* The consumer waited for a full ring once every 4096 records. */
    assert_true(c.full >= records / 4096 - 1);
    alog_ring_free(c.r);
}

/* 1000003 records (not a multiple of any batch: the end is partial). */
#define TWO_THREAD_RECORDS 1000003u

static void test_two_threads_batch1(void **state)
{
    (void)state;
    two_threads(64, 1, TWO_THREAD_RECORDS, 0, 0);
}

static void test_two_threads_batched(void **state)
{
    (void)state;
    two_threads(64, 8, TWO_THREAD_RECORDS, 0, 1);
}

static void test_two_threads_flushing(void **state)
{
    (void)state;
    /* Flushes at a stride unrelated to the batch and the ring. */
    two_threads(128, 16, TWO_THREAD_RECORDS, 7, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_capacity_rounding, reset),
        cmocka_unit_test_setup(test_alloc_failure, reset),
        cmocka_unit_test_setup(test_empty, reset),
        cmocka_unit_test_setup(test_batch_boundaries, reset),
        cmocka_unit_test_setup(test_slot_until_commit, reset),
        cmocka_unit_test_setup(test_full, reset),
        cmocka_unit_test_setup(test_wrap_around, reset),
        cmocka_unit_test_setup(test_peek_stops_at_wrap, reset),
        cmocka_unit_test_setup(test_two_threads_batch1, reset),
        cmocka_unit_test_setup(test_two_threads_batched, reset),
        cmocka_unit_test_setup(test_two_threads_flushing, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
