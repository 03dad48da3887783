/* test_reclist.c - chunked lists: growth across chunk boundaries, at()
 * and the iterator agree, texts, memory accounting, ENOMEM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alog.h"

/* The n-th allocation from now fails (0: none). */
static int malloc_countdown, realloc_countdown, calloc_countdown;
static size_t allocations;
void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size)
{
    allocations++;
    if (calloc_countdown > 0 && --calloc_countdown == 0)
        return NULL;
    return __real_calloc(n, size);
}
void *__wrap_malloc(size_t n)
{
    allocations++;
    if (malloc_countdown > 0 && --malloc_countdown == 0)
        return NULL;
    return __real_malloc(n);
}
void *__wrap_realloc(void *p, size_t n)
{
    allocations++;
    if (realloc_countdown > 0 && --realloc_countdown == 0)
        return NULL;
    return __real_realloc(p, n);
}

static void fill(alog_record *r, size_t i)
{
    r->seq = i;
    r->produce_ns = (int64_t)i * 3;
    r->producer = (uint32_t)(i % 7);
    r->bytes = (uint32_t)(i % 1000);
}

static void test_empty(void **state)
{
    (void)state;
    alog_reclist *l = alog_reclist_new();
    assert_non_null(l);
    assert_int_equal(alog_reclist_len(l), 0);
    assert_null(alog_reclist_at(l, 0));
    alog_reclist_iter it;
    alog_reclist_iter_init(&it, l);
    assert_null(alog_reclist_iter_next(&it));
    assert_null(alog_reclist_iter_next(&it));
    assert_true(alog_reclist_memory(l) > 0);
    alog_reclist_free(l);
    alog_reclist_free(NULL);
}

/* Far past the last growing chunk (64+128+...+32768 = 65472 records) and
 * into the fixed 4 MiB chunks after it. */
static void test_growth(void **state)
{
    (void)state;
    const size_t n = 400000;
    alog_reclist *l = alog_reclist_new();
    assert_non_null(l);
    size_t before = allocations;
    for (size_t i = 0; i < n; i++) {
        alog_record *r = alog_reclist_push(l);
        assert_non_null(r);
        fill(r, i);
    }
    /* No malloc per record: chunks plus the chunk table's growth. */
    assert_true(allocations - before < 30);
    assert_int_equal(alog_reclist_len(l), n);
    for (size_t i = 0; i < n; i++) {
        const alog_record *r = alog_reclist_at(l, i);
        assert_non_null(r);
        if (r->seq != i)
            fail_msg("at(%zu) has seq %llu", i, (unsigned long long)r->seq);
    }
    assert_null(alog_reclist_at(l, n));
    assert_null(alog_reclist_at(l, SIZE_MAX));
    /* Boundaries of the first chunks are contiguous within a chunk. */
    assert_ptr_equal(alog_reclist_at(l, 62) + 1, alog_reclist_at(l, 63));
    assert_ptr_equal(alog_reclist_at(l, 64) + 1, alog_reclist_at(l, 65));
    alog_reclist_iter it;
    alog_reclist_iter_init(&it, l);
    size_t i = 0;
    const alog_record *r;
    while ((r = alog_reclist_iter_next(&it))) {
        assert_ptr_equal(r, alog_reclist_at(l, i));
        i++;
    }
    assert_int_equal(i, n);
    assert_null(alog_reclist_iter_next(&it));
    /* Memory: every record slot counted, at most ~2x the records. */
    size_t mem = alog_reclist_memory(l);
    assert_true(mem >= n * sizeof(alog_record));
    assert_true(mem <= 2 * n * sizeof(alog_record) + 65536);
    alog_reclist_free(l);
}

/* reserve: room made in advance, so the pushes up to it allocate nothing,
 * and records land exactly as without it. */
static void test_reserve(void **state)
{
    (void)state;
    const size_t n = 200000;
    alog_reclist *l = alog_reclist_new();
    assert_non_null(l);
    assert_int_equal(alog_reclist_reserve(l, n), 0);
    assert_int_equal(alog_reclist_len(l), 0);
    assert_true(alog_reclist_memory(l) >= n * sizeof(alog_record));
    size_t before = allocations;
    for (size_t i = 0; i < n; i++) {
        alog_record *r = alog_reclist_push(l);
        assert_non_null(r);
        fill(r, i);
    }
    assert_int_equal(allocations, before);
    assert_int_equal(alog_reclist_at(l, n - 1)->seq, n - 1);
    /* Past the reservation appends go on allocating as they go. */
    for (size_t i = n; i < 2 * n; i++) {
        alog_record *r = alog_reclist_push(l);
        assert_non_null(r);
        fill(r, i);
    }
    assert_int_equal(alog_reclist_len(l), 2 * n);
    /* Every record where it belongs, across the reserved chunks and the
     * ones added after. */
    for (size_t i = 0; i < 2 * n; i++)
        assert_int_equal(alog_reclist_at(l, i)->seq, i);
    /* Reserving less than what is there is a no-op. */
    size_t mem = alog_reclist_memory(l);
    assert_int_equal(alog_reclist_reserve(l, 10), 0);
    assert_int_equal(alog_reclist_memory(l), mem);
    alog_reclist_free(l);
}

/* Every length around the chunk boundaries: at() and the iterator agree. */
static void test_boundaries(void **state)
{
    (void)state;
    /* 65472 = 64+...+32768; then chunks of 4 MiB / sizeof(alog_record). */
    const size_t big = ((size_t)4 << 20) / sizeof(alog_record);
    const size_t edges[] = {1,      63,         64,         65,
                            191,    192,        193,        65471,
                            65472,  65473,      65472 + big - 1,
                            65472 + big,        65472 + big + 1,
                            65472 + 2 * big,    65472 + 2 * big + 1};
    for (size_t e = 0; e < sizeof edges / sizeof *edges; e++) {
        alog_reclist *l = alog_reclist_new();
        alog_record rec;
        memset(&rec, 0, sizeof rec);
        for (size_t i = 0; i < edges[e]; i++) {
            fill(&rec, i);
            assert_int_equal(alog_reclist_append(l, &rec), 0);
        }
        alog_reclist_iter it;
        alog_reclist_iter_init(&it, l);
        size_t i = 0;
        const alog_record *r;
        while ((r = alog_reclist_iter_next(&it))) {
            assert_int_equal(r->seq, i);
            assert_int_equal(r->produce_ns, (int64_t)i * 3);
            i++;
        }
        assert_int_equal(i, edges[e]);
        assert_int_equal(alog_reclist_at(l, edges[e] - 1)->seq, edges[e] - 1);
        assert_null(alog_reclist_at(l, edges[e]));
        alog_reclist_free(l);
    }
}

/* Spans stop at chunk ends (64, then 128 records), count at once, and
 * mix with single appends; a span past the budget gives nothing. */
static void test_span(void **state)
{
    (void)state;
    alog_reclist *l = alog_reclist_new();
    size_t got, seq = 0;
    alog_record *s = alog_reclist_span(l, 0, &got);
    assert_null(s);
    assert_int_equal(got, 0);
    s = alog_reclist_span(l, 50, &got);
    assert_non_null(s);
    assert_int_equal(got, 50);
    for (size_t i = 0; i < got; i++)
        fill(&s[i], seq++);
    assert_int_equal(alog_reclist_len(l), 50);
    s = alog_reclist_span(l, 100, &got); /* the first chunk's last 14 */
    assert_int_equal(got, 14);
    for (size_t i = 0; i < got; i++)
        fill(&s[i], seq++);
    alog_record rec;
    fill(&rec, seq++);
    assert_int_equal(alog_reclist_append(l, &rec), 0);
    s = alog_reclist_span(l, 1000, &got); /* the second chunk's other 127 */
    assert_int_equal(got, 127);
    for (size_t i = 0; i < got; i++)
        fill(&s[i], seq++);
    assert_int_equal(alog_reclist_len(l), 192);
    for (size_t i = 0; i < 192; i++)
        assert_int_equal(alog_reclist_at(l, i)->seq, i);

    alog_membudget b = {.limit = 64 * sizeof(alog_record) + 64 * 8};
    alog_reclist *m = alog_reclist_new();
    alog_reclist_set_budget(m, &b);
    s = alog_reclist_span(m, 64, &got);
    assert_int_equal(got, 64);
    s = alog_reclist_span(m, 1, &got);
    assert_null(s);
    assert_int_equal(got, 0);
    assert_int_equal(alog_reclist_len(m), 64);
    assert_int_equal(atomic_load(&b.hit), 1);
    alog_reclist_free(m);
    alog_reclist_free(l);
}

static void test_push_zeroes(void **state)
{
    (void)state;
    alog_reclist *l = alog_reclist_new();
    alog_record junk;
    memset(&junk, 0xab, sizeof junk);
    for (int i = 0; i < 100; i++)
        assert_int_equal(alog_reclist_append(l, &junk), 0);
    alog_reclist_free(l);
    /* A fresh list over recycled memory still gives zeroed slots. */
    l = alog_reclist_new();
    for (int i = 0; i < 100; i++) {
        alog_record *r = alog_reclist_push(l);
        assert_int_equal(r->seq, 0);
        assert_int_equal(r->flags, 0);
        assert_int_equal(r->produce_ns, 0);
        assert_int_equal(r->text, 0);
        memset(r, 0xcd, sizeof *r);
    }
    alog_reclist_free(l);
}

static void test_texts(void **state)
{
    (void)state;
    alog_reclist *l = alog_reclist_new();
    alog_record rec;
    memset(&rec, 0, sizeof rec);
    size_t mem0 = alog_reclist_memory(l);
    const size_t n = 5000;
    for (size_t i = 0; i < n; i++) {
        char line[64];
        int len = snprintf(line, sizeof line, "line %zu of the foreign output", i);
        fill(&rec, i);
        if (i % 3 == 0) {
            assert_int_equal(alog_reclist_append(l, &rec), 0);
        } else {
            rec.flags = ALOG_REC_FOREIGN;
            assert_int_equal(alog_reclist_append_text(l, &rec, line, (size_t)len), 0);
            rec.flags = 0;
        }
    }
    /* A big one (bigger than an arena chunk) and an empty one. */
    char *big = malloc(200000);
    memset(big, 'q', 200000);
    fill(&rec, n);
    assert_int_equal(alog_reclist_append_text(l, &rec, big, 200000), 0);
    fill(&rec, n + 1);
    assert_int_equal(alog_reclist_append_text(l, &rec, "", 0), 0);
    assert_int_equal(alog_reclist_len(l), n + 2);
    uint32_t id = 0;
    for (size_t i = 0; i < n; i++) {
        const alog_record *r = alog_reclist_at(l, i);
        size_t len = 99;
        const char *t = alog_reclist_text(l, r, &len);
        if (i % 3 == 0) {
            assert_null(t);
            assert_int_equal(len, 0);
            assert_int_equal(r->flags, 0);
            continue;
        }
        char line[64];
        int want = snprintf(line, sizeof line, "line %zu of the foreign output", i);
        assert_non_null(t);
        assert_int_equal(r->flags, ALOG_REC_FOREIGN | ALOG_REC_TEXT);
        assert_int_equal(r->text, id++);
        assert_int_equal(len, (size_t)want);
        assert_memory_equal(t, line, len);
        assert_int_equal(t[len], '\0');
    }
    size_t len;
    const char *t = alog_reclist_text(l, alog_reclist_at(l, n), &len);
    assert_int_equal(len, 200000);
    assert_memory_equal(t, big, 200000);
    t = alog_reclist_text(l, alog_reclist_at(l, n + 1), &len);
    assert_non_null(t);
    assert_int_equal(len, 0);
    /* Texts are counted: at least their bytes on top of the records. */
    size_t text_bytes = 200000;
    for (size_t i = 0; i < n; i++)
        if (i % 3)
            text_bytes += strlen("line  of the foreign output") + (i < 10 ? 1 : i < 100 ? 2 : i < 1000 ? 3 : 4);
    assert_true(alog_reclist_memory(l) - mem0 >=
                text_bytes + (n + 2) * sizeof(alog_record));
    /* A record claiming a text it does not have. */
    alog_record fake = rec;
    fake.flags = ALOG_REC_TEXT;
    fake.text = 1u << 30;
    assert_null(alog_reclist_text(l, &fake, &len));
    free(big);
    alog_reclist_free(l);
}

static void test_enomem(void **state)
{
    (void)state;
    calloc_countdown = 1;
    assert_null(alog_reclist_new());
    alog_reclist *l = alog_reclist_new();
    assert_non_null(l);
    alog_record rec;
    memset(&rec, 0, sizeof rec);
    /* First push: the chunk table, then the chunk. */
    realloc_countdown = 1;
    assert_null(alog_reclist_push(l));
    assert_int_equal(alog_reclist_len(l), 0);
    malloc_countdown = 1;
    assert_int_equal(alog_reclist_append(l, &rec), ALOG_ENOMEM);
    assert_int_equal(alog_reclist_len(l), 0);
    for (size_t i = 0; i < 64; i++) {
        fill(&rec, i);
        assert_int_equal(alog_reclist_append(l, &rec), 0);
    }
    /* The second chunk. */
    malloc_countdown = 1;
    assert_null(alog_reclist_push(l));
    assert_int_equal(alog_reclist_len(l), 64);
    /* Texts: the table, then the arena. */
    realloc_countdown = 1;
    assert_int_equal(alog_reclist_append_text(l, &rec, "abc", 3), ALOG_ENOMEM);
    malloc_countdown = 1;
    assert_int_equal(alog_reclist_append_text(l, &rec, "abc", 3), ALOG_ENOMEM);
    assert_int_equal(alog_reclist_len(l), 64);
    fill(&rec, 64);
    assert_int_equal(alog_reclist_append_text(l, &rec, "abc", 3), 0);
    /* The record push fails after the text was stored: nothing appears. */
    malloc_countdown = 0;
    for (size_t i = 65; i < 192; i++) {
        fill(&rec, i);
        assert_int_equal(alog_reclist_append(l, &rec), 0);
    }
    malloc_countdown = 1; /* the arena has room: this hits the chunk */
    assert_int_equal(alog_reclist_append_text(l, &rec, "def", 3), ALOG_ENOMEM);
    assert_int_equal(alog_reclist_len(l), 192);
    fill(&rec, 192);
    assert_int_equal(alog_reclist_append_text(l, &rec, "ghi", 3), 0);
    size_t len;
    const alog_record *r = alog_reclist_at(l, 64);
    assert_int_equal(r->seq, 64);
    assert_memory_equal(alog_reclist_text(l, r, &len), "abc", 3);
    r = alog_reclist_at(l, 192);
    assert_int_equal(r->seq, 192);
    assert_int_equal(r->text, 1);
    assert_memory_equal(alog_reclist_text(l, r, &len), "ghi", 3);
    for (size_t i = 0; i <= 192; i++)
        assert_int_equal(alog_reclist_at(l, i)->seq, i);
    alog_reclist_free(l);
}

/* A shared bound: growth past it fails with ALOG_EFULL, leaves the list
 * as it was and says so; the report's scratch is reserved and charged. */
static void test_budget(void **state)
{
    (void)state;
    alog_membudget b = {.limit = 64 * sizeof(alog_record) + 192 * 8};
    alog_reclist *l = alog_reclist_new(), *m = alog_reclist_new();
    alog_reclist_set_budget(l, &b);
    alog_reclist_set_budget(m, &b);
    alog_record rec;
    for (size_t i = 0; i < 64; i++) {
        fill(&rec, i);
        assert_int_equal(alog_reclist_append(l, &rec), 0);
    }
    /* 64 records and a scratch of 64 for their statistics: charged. */
    assert_int_equal(atomic_load(&b.used), 64 * sizeof(alog_record) + 64 * 8);
    assert_non_null(alog_reclist_scratch(l));
    assert_int_equal(atomic_load(&b.hit), 0);
    /* The second list's first chunk does not fit any more. */
    fill(&rec, 0);
    assert_int_equal(alog_reclist_append(m, &rec), ALOG_EFULL);
    assert_int_equal(alog_reclist_len(m), 0);
    assert_int_equal(atomic_load(&b.hit), 1);
    /* Nor the first list's second chunk; what it holds is intact. */
    fill(&rec, 64);
    assert_int_equal(alog_reclist_append(l, &rec), ALOG_EFULL);
    assert_int_equal(alog_reclist_append_text(l, &rec, "x", 1), ALOG_EFULL);
    assert_int_equal(alog_reclist_len(l), 64);
    for (size_t i = 0; i < 64; i++)
        assert_int_equal(alog_reclist_at(l, i)->seq, i);
    alog_reclist_free(l);
    alog_reclist_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_boundaries),
        cmocka_unit_test(test_span),
        cmocka_unit_test(test_push_zeroes),
        cmocka_unit_test(test_texts),
        cmocka_unit_test(test_enomem),
        cmocka_unit_test(test_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
