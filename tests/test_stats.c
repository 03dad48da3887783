/* test_stats.c - nearest-rank percentiles and per-list statistics on
 * known data. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alog.h"

static int malloc_countdown;
static size_t last_malloc;
void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n)
{
    last_malloc = n;
    if (malloc_countdown > 0 && --malloc_countdown == 0)
        return NULL;
    return __real_malloc(n);
}

static void shuffle(int64_t *v, size_t n, unsigned seed)
{
    for (size_t i = n; i > 1; i--) {
        seed = seed * 1103515245u + 12345u;
        size_t j = (seed >> 8) % i;
        int64_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

static void test_percentile(void **state)
{
    (void)state;
    int64_t v[100];
    static const struct {
        double p;
        int64_t want;
    } cases[] = {{0, 1},    {1, 1},    {1.5, 2},  {50, 50}, {50.1, 51},
                 {90, 90},  {99, 99},  {99.5, 100}, {100, 100}, {-3, 1},
                 {250, 100}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        for (int i = 0; i < 100; i++)
            v[i] = i + 1;
        shuffle(v, 100, (unsigned)c + 1);
        assert_int_equal(alog_percentile(v, 100, cases[c].p), cases[c].want);
    }
    for (int i = 0; i < 99; i++) /* sorted in place */
        assert_true(v[i] <= v[i + 1]);
    /* n = 3 (10 20 30): p50 is the 2nd, p99 the 3rd, p33.4 the 2nd. */
    int64_t w[3] = {30, 10, 20};
    assert_int_equal(alog_percentile(w, 3, 50), 20);
    assert_int_equal(alog_percentile(w, 3, 99), 30);
    assert_int_equal(alog_percentile(w, 3, 33.3), 10);
    assert_int_equal(alog_percentile(w, 3, 33.4), 20);
    assert_int_equal(alog_percentile(w, 3, NAN), 10);
    int64_t one = -5;
    assert_int_equal(alog_percentile(&one, 1, 0), -5);
    assert_int_equal(alog_percentile(&one, 1, 100), -5);
    assert_int_equal(alog_percentile(NULL, 0, 50), 0);
    /* Extremes: a subtracting comparator would overflow here. */
    int64_t x[5] = {INT64_MAX, INT64_MIN, 0, -1, INT64_MAX - 1};
    assert_int_equal(alog_percentile(x, 5, 0), INT64_MIN);
    assert_int_equal(alog_percentile(x, 5, 40), -1);
    assert_int_equal(alog_percentile(x, 5, 60), 0);
    assert_int_equal(alog_percentile(x, 5, 80), INT64_MAX - 1);
    assert_int_equal(alog_percentile(x, 5, 100), INT64_MAX);
    /* 1000 values: p99 is the 990th. */
    int64_t *big = malloc(1000 * sizeof *big);
    for (int i = 0; i < 1000; i++)
        big[i] = 1000 - i;
    assert_int_equal(alog_percentile(big, 1000, 99), 990);
    assert_int_equal(alog_percentile(big, 1000, 99.9), 999);
    assert_int_equal(alog_percentile(big, 1000, 50), 500);
    free(big);
}

static void add(alog_reclist *l, uint64_t seq, int64_t sched, int64_t prod,
                int64_t collect, uint32_t bytes)
{
    alog_record r;
    memset(&r, 0, sizeof r);
    r.seq = seq;
    r.sched_ns = sched;
    r.produce_ns = prod;
    r.collect_ns = collect;
    r.bytes = bytes;
    assert_int_equal(alog_reclist_append(l, &r), 0);
}

static void test_empty(void **state)
{
    (void)state;
    alog_reclist *l = alog_reclist_new();
    alog_pstats s;
    memset(&s, 0x5a, sizeof s);
    assert_int_equal(alog_stats_list(l, &s), 0);
    alog_pstats zero;
    memset(&zero, 0, sizeof zero);
    assert_memory_equal(&s, &zero, sizeof s);
    alog_reclist_free(l);
}

static void test_known(void **state)
{
    (void)state;
    alog_reclist *l = alog_reclist_new();
    /* 100 records every 10 ms; lateness k us, latency 2k+1 us. */
    for (int64_t k = 0; k < 100; k++) {
        int64_t sched = 5000000000 + k * 10000000;
        int64_t prod = sched + (100 - k) * 1000;
        add(l, (uint64_t)k, sched, prod, prod + (2 * k + 1) * 1000, 50);
    }
    alog_pstats s;
    assert_int_equal(alog_stats_list(l, &s), 0);
    assert_int_equal(s.records, 100);
    assert_int_equal(s.bytes, 5000);
    assert_int_equal(s.gaps, 0);
    assert_int_equal(s.dups, 0);
    assert_int_equal(s.first_ns, 5000000000 + 100000);
    assert_int_equal(s.last_ns, 5000000000 + 990000000 + 1000);
    /* 99 intervals over 989.9 ms */
    assert_true(fabs(s.achieved_hz - 99.0 * 1e9 / 989901000.0) < 1e-9);
    assert_int_equal(s.late_p50, 50000);
    assert_int_equal(s.late_p99, 99000);
    assert_int_equal(s.late_max, 100000);
    assert_int_equal(s.lat_p50, 99000);
    assert_int_equal(s.lat_p99, 197000);
    assert_int_equal(s.lat_max, 199000);
    /* The list itself is untouched (stats sort a copy). */
    assert_int_equal(alog_reclist_at(l, 0)->seq, 0);
    assert_int_equal(alog_reclist_at(l, 99)->produce_ns, s.last_ns);
    alog_reclist_free(l);
}

static void test_gaps_dups(void **state)
{
    (void)state;
    static const struct {
        uint64_t seq[8];
        size_t n;
        uint64_t gaps, dups;
    } cases[] = {
        {{0, 1, 2, 3}, 4, 0, 0},
        {{3, 4, 5}, 3, 3, 0},          /* 0,1,2 never came */
        {{0, 1, 4, 5, 9}, 5, 5, 0},    /* 2,3 and 6,7,8 */
        {{0, 1, 1, 2, 2, 2}, 6, 0, 3}, /* repeats */
        {{0, 2, 1, 3}, 4, 1, 1},       /* 1 counted missing, then late */
        {{0, 5, 1, 2, 6}, 5, 4, 2},    /* late ones are dups, not new gaps */
        {{5}, 1, 5, 0},
        {{0}, 1, 0, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        alog_reclist *l = alog_reclist_new();
        for (size_t i = 0; i < cases[c].n; i++)
            add(l, cases[c].seq[i], 0, (int64_t)i, (int64_t)i, 1);
        alog_pstats s;
        assert_int_equal(alog_stats_list(l, &s), 0);
        if (s.gaps != cases[c].gaps || s.dups != cases[c].dups)
            fail_msg("case %zu: gaps %llu dups %llu", c,
                     (unsigned long long)s.gaps, (unsigned long long)s.dups);
        assert_int_equal(s.records, cases[c].n);
        alog_reclist_free(l);
    }
}

static void test_rate_edges(void **state)
{
    (void)state;
    alog_reclist *l = alog_reclist_new();
    add(l, 0, 10, 10, 10, 1);
    alog_pstats s;
    assert_int_equal(alog_stats_list(l, &s), 0);
    assert_true(s.achieved_hz == 0);
    assert_int_equal(s.first_ns, 10);
    assert_int_equal(s.last_ns, 10);
    add(l, 1, 10, 10, 10, 1); /* same time: no rate */
    assert_int_equal(alog_stats_list(l, &s), 0);
    assert_true(s.achieved_hz == 0);
    add(l, 2, 10, 500000010, 500000010, 1); /* 2 intervals in 0.5 s */
    assert_int_equal(alog_stats_list(l, &s), 0);
    assert_true(fabs(s.achieved_hz - 4.0) < 1e-12);
    /* Negative lateness (early) and latency are kept as they are:
     * late {0, 0, 5e8, -100}, latency {0, 0, 0, -100}. */
    add(l, 3, 1000, 900, 800, 1);
    assert_int_equal(alog_stats_list(l, &s), 0);
    assert_int_equal(s.late_p50, 0);
    assert_int_equal(s.late_max, 500000000);
    assert_int_equal(s.lat_p50, 0);
    assert_int_equal(s.lat_max, 0);
    int64_t lat[4] = {0, 0, 0, -100};
    assert_int_equal(alog_percentile(lat, 4, 25), -100);
    /* first/last are the list's first and last records. */
    assert_int_equal(s.last_ns, 900);
    assert_true(fabs(s.achieved_hz - 3e9 / 890) < 1e-6);
    alog_reclist_free(l);
}

/* Times at the ends of int64 (a producer may send any): lateness and
 * latency saturate instead of overflowing (UBSan stops here otherwise),
 * so the worst stays the worst; the rate's span fits in a uint64_t. */
static void test_extreme_times(void **state)
{
    (void)state;
    alog_reclist *l = alog_reclist_new();
    add(l, 0, INT64_MAX, INT64_MIN, INT64_MAX, 1); /* MIN - MAX, MAX - MIN */
    add(l, 1, INT64_MIN, INT64_MAX, INT64_MIN, 1); /* MAX - MIN, MIN - MAX */
    add(l, 2, 0, -1, INT64_MIN, 1);
    alog_pstats s;
    assert_int_equal(alog_stats_list(l, &s), 0);
    assert_int_equal(s.records, 3);
    assert_int_equal(s.gaps, 0);
    assert_int_equal(s.dups, 0);
    assert_true(s.late_max == INT64_MAX);
    assert_true(s.late_p50 == -1);
    assert_true(s.lat_max == INT64_MAX);
    assert_true(s.lat_p50 == INT64_MIN + 1); /* {MIN, MIN + 1, MAX} */
    /* first INT64_MIN, last -1: 2 intervals over 2^63 - 1 ns */
    assert_true(s.achieved_hz > 0 && isfinite(s.achieved_hz));
    assert_true(fabs(s.achieved_hz - 2e9 / 9223372036854775807.0) < 1e-15);
    alog_reclist_free(l);

    /* INT64_MIN first, INT64_MAX last: the widest span there is. */
    l = alog_reclist_new();
    add(l, 0, 0, INT64_MIN, 0, 1);
    add(l, 1, 0, INT64_MAX, 0, 1);
    assert_int_equal(alog_stats_list(l, &s), 0);
    assert_true(s.late_p50 == INT64_MIN && s.late_max == INT64_MAX);
    assert_true(s.lat_p50 == -INT64_MAX && s.lat_max == INT64_MAX);
    assert_true(fabs(s.achieved_hz - 1e9 / 18446744073709551615.0) < 1e-18);
    alog_reclist_free(l);

    /* The highest sequence numbers: gaps count what never came, exactly,
     * and cannot wrap (their sum is at most the highest seq). */
    l = alog_reclist_new();
    add(l, UINT64_MAX - 2, 0, 0, 0, 1);
    add(l, UINT64_MAX, 0, 1, 1, 1);
    add(l, 0, 0, 2, 2, 1);
    assert_int_equal(alog_stats_list(l, &s), 0);
    assert_true(s.gaps == UINT64_MAX - 1);
    assert_int_equal(s.dups, 1);
    alog_reclist_free(l);
}

/* The statistics use the scratch the list reserved as it grew: with
 * memory gone (every malloc failing) a report can still be computed. */
static void test_scratch_reserved(void **state)
{
    (void)state;
    alog_reclist *l = alog_reclist_new();
    for (int i = 0; i < 1000; i++)
        add(l, (uint64_t)i, i, i + 7, i + 9, 1);
    alog_pstats s;
    malloc_countdown = 1;
    last_malloc = 0;
    assert_int_equal(alog_stats_list(l, &s), 0);
    assert_int_equal(last_malloc, 0); /* nothing was asked for */
    malloc_countdown = 0;
    assert_int_equal(s.records, 1000);
    assert_int_equal(s.late_max, 7);
    assert_int_equal(s.lat_p99, 2);
    alog_reclist_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percentile),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_known),
        cmocka_unit_test(test_gaps_dups),
        cmocka_unit_test(test_rate_edges),
        cmocka_unit_test(test_extreme_times),
        cmocka_unit_test(test_scratch_reserved),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
