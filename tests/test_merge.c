/* test_merge.c - the k-way merge: order on interleaved and equal times,
 * 0/1/many lists, empty lists, very different lengths, ENOMEM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alog.h"

static int malloc_countdown, calloc_countdown;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size)
{
    if (calloc_countdown > 0 && --calloc_countdown == 0)
        return NULL;
    return __real_calloc(n, size);
}
void *__wrap_malloc(size_t n)
{
    if (malloc_countdown > 0 && --malloc_countdown == 0)
        return NULL;
    return __real_malloc(n);
}

static void add(alog_reclist *l, uint32_t producer, uint64_t seq, int64_t t)
{
    alog_record r;
    memset(&r, 0, sizeof r);
    r.producer = producer;
    r.seq = seq;
    r.produce_ns = t;
    r.sched_ns = t - 1;
    assert_int_equal(alog_reclist_append(l, &r), 0);
}

static void test_zero_lists(void **state)
{
    (void)state;
    alog_merge *m = alog_merge_new(NULL, 0);
    assert_non_null(m);
    size_t li = 99;
    assert_null(alog_merge_next(m, &li));
    assert_int_equal(li, 99);
    assert_null(alog_merge_next(m, NULL));
    alog_merge_free(m);
    alog_merge_free(NULL);
}

static void test_empty_lists(void **state)
{
    (void)state;
    alog_reclist *l[3] = {alog_reclist_new(), alog_reclist_new(), alog_reclist_new()};
    alog_merge *m = alog_merge_new(l, 3);
    assert_null(alog_merge_next(m, NULL));
    alog_merge_free(m);
    /* Empty lists around a non-empty one. */
    add(l[1], 1, 0, 5);
    add(l[1], 1, 1, 6);
    m = alog_merge_new(l, 3);
    size_t li;
    const alog_record *r = alog_merge_next(m, &li);
    assert_int_equal(li, 1);
    assert_int_equal(r->seq, 0);
    r = alog_merge_next(m, &li);
    assert_int_equal(r->seq, 1);
    assert_null(alog_merge_next(m, &li));
    alog_merge_free(m);
    for (int i = 0; i < 3; i++)
        alog_reclist_free(l[i]);
}

static void test_one_list(void **state)
{
    (void)state;
    alog_reclist *l = alog_reclist_new();
    /* Equal times in one list keep the list's order. */
    static const int64_t t[] = {1, 2, 2, 2, 7, 9, 9};
    for (size_t i = 0; i < 7; i++)
        add(l, 0, i, t[i]);
    alog_merge *m = alog_merge_new(&l, 1);
    for (size_t i = 0; i < 7; i++) {
        size_t li = 5;
        const alog_record *r = alog_merge_next(m, &li);
        assert_ptr_equal(r, alog_reclist_at(l, i)); /* no copy */
        assert_int_equal(li, 0);
    }
    assert_null(alog_merge_next(m, NULL));
    alog_merge_free(m);
    alog_reclist_free(l);
}

/* Three producers at 200, 100 and 1000 ms like the original, with some
 * equal times: order is (time, list index, seq). */
static void test_interleaved_equal(void **state)
{
    (void)state;
    static const int64_t step[3] = {200, 100, 1000};
    alog_reclist *l[3];
    for (uint32_t p = 0; p < 3; p++) {
        l[p] = alog_reclist_new();
        for (uint64_t k = 0; k < 10; k++)
            add(l[p], p, k, (int64_t)k * step[p]);
    }
    alog_merge *m = alog_merge_new(l, 3);
    size_t n = 0, li;
    int64_t prev_t = INT64_MIN;
    size_t prev_li = 0;
    uint64_t prev_seq = 0;
    const alog_record *r;
    while ((r = alog_merge_next(m, &li))) {
        assert_int_equal(r->producer, li);
        if (n > 0) {
            assert_true(r->produce_ns >= prev_t);
            if (r->produce_ns == prev_t)
                assert_true(li > prev_li || (li == prev_li && r->seq > prev_seq));
        }
        if (n == 0) /* time 0 from all three: list 0 first */
            assert_int_equal(li, 0);
        if (n == 1)
            assert_int_equal(li, 1);
        if (n == 2)
            assert_int_equal(li, 2);
        prev_t = r->produce_ns;
        prev_li = li;
        prev_seq = r->seq;
        n++;
    }
    assert_int_equal(n, 30);
    alog_merge_free(m);
    /* The same lists in another order: list index, not producer, breaks ties. */
    alog_reclist *rev[3] = {l[2], l[1], l[0]};
    m = alog_merge_new(rev, 3);
    r = alog_merge_next(m, &li);
    assert_int_equal(li, 0);
    assert_int_equal(r->producer, 2);
    alog_merge_free(m);
    for (int p = 0; p < 3; p++)
        alog_reclist_free(l[p]);
}

static unsigned lcg(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

typedef struct key {
    int64_t t;
    size_t li;
    uint64_t seq;
} key;

static int cmp_key(const void *a, const void *b)
{
    const key *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    if (x->li != y->li)
        return x->li < y->li ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Many lists of very different lengths, random times with many ties:
 * the merge equals a sort of everything by (time, list, seq). */
static void test_many_random(void **state)
{
    (void)state;
    unsigned seed = 12345;
    for (size_t k = 1; k <= 70; k += (k < 10 ? 1 : 13)) {
        alog_reclist **l = malloc(k * sizeof *l);
        size_t total = 0;
        for (size_t i = 0; i < k; i++) {
            l[i] = alog_reclist_new();
            size_t n = i % 5 == 0 ? 3000 : i % 5 == 1 ? 0 : lcg(&seed) % 40;
            int64_t t = lcg(&seed) % 10;
            for (size_t j = 0; j < n; j++) {
                t += lcg(&seed) % 3; /* ties within and across lists */
                add(l[i], (uint32_t)i, j, t);
            }
            total += n;
        }
        key *want = malloc((total ? total : 1) * sizeof *want);
        size_t w = 0;
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < alog_reclist_len(l[i]); j++) {
                const alog_record *r = alog_reclist_at(l[i], j);
                want[w++] = (key){r->produce_ns, i, r->seq};
            }
        qsort(want, total, sizeof *want, cmp_key);
        alog_merge *m = alog_merge_new(l, k);
        size_t li, got = 0;
        const alog_record *r;
        while ((r = alog_merge_next(m, &li))) {
            assert_true(got < total);
            assert_int_equal(r->produce_ns, want[got].t);
            assert_int_equal(li, want[got].li);
            assert_int_equal(r->seq, want[got].seq);
            got++;
        }
        assert_int_equal(got, total);
        alog_merge_free(m);
        free(want);
        for (size_t i = 0; i < k; i++)
            alog_reclist_free(l[i]);
        free(l);
    }
}

static void test_enomem(void **state)
{
    (void)state;
    alog_reclist *l = alog_reclist_new();
    add(l, 0, 0, 1);
    calloc_countdown = 1; /* the merge */
    assert_null(alog_merge_new(&l, 1));
    malloc_countdown = 1; /* its heap */
    assert_null(alog_merge_new(&l, 1));
    malloc_countdown = 0;
    alog_merge *m = alog_merge_new(&l, 1);
    assert_non_null(alog_merge_next(m, NULL));
    alog_merge_free(m);
    alog_reclist_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_lists),
        cmocka_unit_test(test_empty_lists),
        cmocka_unit_test(test_one_list),
        cmocka_unit_test(test_interleaved_equal),
        cmocka_unit_test(test_many_random),
        cmocka_unit_test(test_enomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
