/* stats.c - per-producer statistics: nearest-rank percentiles of lateness
 * and latency, sequence gaps and duplicates, achieved rate. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alog.h"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y); /* a subtraction could overflow */
}

/* Nearest rank of p in n sorted values, as an index. */
static size_t rank_index(size_t n, double p)
{
    if (!(p > 0)) /* also NaN */
        p = 0;
    if (p > 100)
        p = 100;
    /* p*n first: exact for integral p, so 99% of 100 is rank 99, not 100. */
    double rank = ceil(p * (double)n / 100.0);
    size_t i = rank < 1 ? 0 : (size_t)rank - 1;
    return i < n ? i : n - 1;
}

int64_t alog_percentile(int64_t *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_i64);
    return v[rank_index(n, p)];
}

static void swap64(int64_t *a, int64_t *b)
{
    int64_t t = *a;
    *a = *b;
    *b = t;
}

/* Puts the k-th smallest of v[0..n) at v[k], smaller ones before it and
 * larger ones after (quickselect, median-of-three pivots): O(n) on average,
 * where a full sort of 10M latencies took seconds.  Falls back to a sort
 * if the partitions keep coming out lopsided. */
static void select_k(int64_t *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1, budget = 64;
    while (hi > lo) {
        if (budget-- == 0) {
            qsort(v + lo, hi - lo + 1, sizeof *v, cmp_i64);
            return;
        }
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo])
            swap64(&v[mid], &v[lo]);
        if (v[hi] < v[lo])
            swap64(&v[hi], &v[lo]);
        if (v[hi] < v[mid])
            swap64(&v[hi], &v[mid]);
        int64_t pivot = v[mid];
        size_t i = lo, j = hi;
        while (i <= j) { /* Hoare-style: both sides stop on equal keys */
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                swap64(&v[i], &v[j]);
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        /* now v[lo..j] <= pivot <= v[i..hi], and j < i */
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return; /* j < k < i: v[k] == pivot, in place */
    }
}

/* p50, p99 and max without sorting everything. */
static void three(int64_t *v, size_t n, int64_t *p50, int64_t *p99,
                  int64_t *max)
{
    size_t k99 = rank_index(n, 99), k50 = rank_index(n, 50);
    select_k(v, n, k99);
    *p99 = v[k99];
    int64_t m = v[k99];
    for (size_t i = k99 + 1; i < n; i++)
        m = v[i] > m ? v[i] : m;
    *max = m;
    select_k(v, k99 + 1, k50); /* p50 lies among the k99+1 smallest */
    *p50 = v[k50];
}

/* Record i (in list order) of seq: the one rule of gaps and duplicates.
 * *top is the highest seq so far: a late record counts as a dup once,
 * not as a new gap after it. */
static inline void seq_note(uint64_t seq, size_t i, uint64_t *top,
                            uint64_t *gaps, uint64_t *dups)
{
    if (i == 0) {
        *gaps += seq; /* records 0..seq-1 never came */
        *top = seq;
    } else if (seq > *top) {
        *gaps += seq - *top - 1;
        *top = seq;
    } else {
        (*dups)++;
    }
}

void alog_stats_seq(const alog_reclist *l, alog_seqstats *out)
{
    memset(out, 0, sizeof *out);
    out->last_sched_ns = INT64_MIN;
    out->last_collect_ns = INT64_MIN;
    alog_reclist_iter it;
    const alog_record *r;
    uint64_t top = 0;
    size_t i = 0;
    alog_reclist_iter_init(&it, l);
    while ((r = alog_reclist_iter_next(&it))) {
        seq_note(r->seq, i++, &top, &out->gaps, &out->dups);
        if (r->sched_ns > out->last_sched_ns)
            out->last_sched_ns = r->sched_ns;
        if (r->collect_ns > out->last_collect_ns)
            out->last_collect_ns = r->collect_ns;
    }
    out->records = i;
}

int alog_stats_list(const alog_reclist *l, alog_pstats *out)
{
    memset(out, 0, sizeof *out);
    size_t n = alog_reclist_len(l);
    if (n == 0)
        return 0;
    /* The list reserved this as it grew: a report after memory ran out
     * needs no more. */
    int64_t *v = alog_reclist_scratch(l);
    if (!v)
        return ALOG_ENOMEM;
    alog_reclist_iter it;
    const alog_record *r;
    size_t i = 0;
    uint64_t prev = 0;
    alog_reclist_iter_init(&it, l);
    while ((r = alog_reclist_iter_next(&it))) {
        out->bytes += r->bytes;
        if (i == 0)
            out->first_ns = r->produce_ns;
        seq_note(r->seq, i, &prev, &out->gaps, &out->dups);
        out->last_ns = r->produce_ns;
        out->parsed += (r->flags & ALOG_REC_CLOCK) != 0;
        v[i++] = alog_time_diff(r->produce_ns, r->sched_ns);
    }
    out->records = n;
    three(v, n, &out->late_p50, &out->late_p99, &out->late_max);
    i = 0;
    alog_reclist_iter_init(&it, l);
    while ((r = alog_reclist_iter_next(&it)))
        v[i++] = alog_time_diff(r->collect_ns, r->produce_ns);
    three(v, n, &out->lat_p50, &out->lat_p99, &out->lat_max);
    /* last > first: the span fits in a uint64_t whatever the times. */
    if (n >= 2 && out->last_ns > out->first_ns)
        out->achieved_hz =
            (double)(n - 1) * 1e9 /
            (double)((uint64_t)out->last_ns - (uint64_t)out->first_ns);
    return 0;
}
