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

/* One sort for p50, p99 and max. */
static void three(int64_t *v, size_t n, int64_t *p50, int64_t *p99,
                  int64_t *max)
{
    qsort(v, n, sizeof *v, cmp_i64);
    *p50 = v[rank_index(n, 50)];
    *p99 = v[rank_index(n, 99)];
    *max = v[n - 1];
}

int alog_stats_list(const alog_reclist *l, alog_pstats *out)
{
    memset(out, 0, sizeof *out);
    size_t n = alog_reclist_len(l);
    if (n == 0)
        return 0;
    int64_t *v = malloc(n * sizeof *v);
    if (!v)
        return ALOG_ENOMEM;
    alog_reclist_iter it;
    const alog_record *r;
    size_t i = 0;
    uint64_t prev = 0;
    alog_reclist_iter_init(&it, l);
    while ((r = alog_reclist_iter_next(&it))) {
        out->bytes += r->bytes;
        /* prev is the highest seq so far: a late record counts as a dup
         * once, not as a new gap after it. */
        if (i == 0) {
            out->gaps += r->seq; /* records 0..seq-1 never came */
            out->first_ns = r->produce_ns;
            prev = r->seq;
        } else if (r->seq > prev) {
            out->gaps += r->seq - prev - 1;
            prev = r->seq;
        } else {
            out->dups++;
        }
        out->last_ns = r->produce_ns;
        v[i++] = r->produce_ns - r->sched_ns;
    }
    out->records = n;
    three(v, n, &out->late_p50, &out->late_p99, &out->late_max);
    i = 0;
    alog_reclist_iter_init(&it, l);
    while ((r = alog_reclist_iter_next(&it)))
        v[i++] = r->collect_ns - r->produce_ns;
    three(v, n, &out->lat_p50, &out->lat_p99, &out->lat_max);
    free(v);
    if (n >= 2 && out->last_ns > out->first_ns)
        out->achieved_hz =
            (double)(n - 1) * 1e9 / (double)(out->last_ns - out->first_ns);
    return 0;
}
