/* outcome.c - how a run came out: each producer's reported status and
 * the records it lost, and the run's time base (its window).
 *
 * Collecting and reporting are apart: a transport says how each producer
 * ended (exit code, signal, stop, stall); only here is that held against
 * what arrived, so that every model calls a gap, a duplicate or a missing
 * tail by the same name, and every rate in every model counts over the
 * same window: from the first record due to the last one collected.
 */
#include <stdlib.h>

#include "alog.h"

/* Records known to have been made that never arrived: against what the
 * producer says it made, else its inner gaps (a missing tail is no loss
 * we can prove: the producer may have ended short; its status says so). */
static uint64_t lost_of(const alog_result *res, unsigned i,
                        const alog_seqstats *sq)
{
    uint64_t unique = sq->records - sq->dups, made = 0;
    if (alog_result_made(res, i, &made))
        return made > unique ? made - unique : 0;
    return sq->gaps;
}

/* The status the report says: the transport's, unless the records of a
 * producer it calls ok (or short: fewer than asked) tell otherwise. */
static int final_of(const alog_result *res, unsigned i,
                    const alog_seqstats *sq, uint64_t lost)
{
    int st = alog_result_status(res, i, NULL);
    uint64_t expected = 0, made = 0;
    uint64_t unique = sq->records - sq->dups;
    alog_result_target(res, i, NULL, &expected);
    if (st != ALOG_PS_OK && st != ALOG_PS_SHORT)
        return st; /* it failed, was stopped or cut off: that says more */
    /* Short only by what was lost on the way: it made them all. */
    if (lost > 0 && (alog_result_made(res, i, &made) ||
                     unique + sq->gaps >= expected))
        return ALOG_PS_LOST;
    if (st == ALOG_PS_SHORT || (expected > 0 && unique < expected))
        return ALOG_PS_SHORT; /* its tail never came: it ended short */
    return sq->dups > 0 ? ALOG_PS_DUP : ALOG_PS_OK;
}

int alog_result_final(const alog_result *res, unsigned i, uint64_t *lost,
                      alog_seqstats *seq)
{
    int st;
    uint64_t l;
    alog_seqstats sq;
    if (!alog_result_stored_final(res, i, &st, &l, &sq)) {
        const alog_reclist *list = alog_result_list_const(res, i);
        if (list == NULL)
            sq = (alog_seqstats){.last_sched_ns = INT64_MIN,
                                 .last_collect_ns = INT64_MIN};
        else
            alog_stats_seq(list, &sq);
        l = lost_of(res, i, &sq);
        st = list == NULL ? ALOG_PS_OK : final_of(res, i, &sq, l);
    }
    if (lost)
        *lost = l;
    if (seq)
        *seq = sq;
    return st;
}

void alog_result_finish(alog_result *res)
{
    unsigned n = alog_result_producers(res);
    int *st = calloc(n ? n : 1, sizeof *st);
    uint64_t *lost = calloc(n ? n : 1, sizeof *lost);
    alog_seqstats *sq = calloc(n ? n : 1, sizeof *sq);
    if (st != NULL && lost != NULL && sq != NULL) {
        /* All worked out first: set_final marks the result finished. */
        for (unsigned i = 0; i < n; i++)
            st[i] = alog_result_final(res, i, &lost[i], &sq[i]);
        for (unsigned i = 0; i < n; i++)
            alog_result_set_final(res, i, st[i], lost[i], &sq[i]);
    } /* else the report works each out when it needs it */
    free(st);
    free(lost);
    free(sq);
}

static int64_t nonneg(int64_t a, int64_t b) /* a - b, at least 0 */
{
    return a > b ? alog_time_diff(a, b) : 0;
}

void alog_result_window(const alog_result *res, alog_window *w)
{
    *w = (alog_window){0};
    int64_t run0, sched0, end, last_due = INT64_MIN, last_collect = INT64_MIN;
    alog_result_span(res, &run0, &sched0, &end);
    int paced = 1;
    for (unsigned i = 0; i < alog_result_producers(res); i++) {
        alog_seqstats sq;
        uint64_t lost = 0, expected = 0;
        double hz = 0;
        (void)alog_result_final(res, i, &lost, &sq);
        alog_result_target(res, i, &hz, &expected);
        w->records += sq.records;
        w->expected += expected;
        w->lost += lost;
        w->offered_per_s += hz;
        paced &= hz > 0;
        if (sq.last_sched_ns > last_due)
            last_due = sq.last_sched_ns;
        if (sq.last_collect_ns > last_collect)
            last_collect = sq.last_collect_ns;
    }
    if (!paced)
        w->offered_per_s = 0;
    if (last_collect == INT64_MIN) /* nothing came: no window */
        last_collect = last_due = sched0;
    w->startup_ns = nonneg(sched0, run0);
    w->window_ns = nonneg(last_collect, sched0);
    w->drain_ns = nonneg(last_collect, last_due);
    w->teardown_ns = nonneg(end, last_collect);
    w->wall_ns = nonneg(end, run0);
}

int alog_result_outcome(const alog_result *res)
{
    if (alog_result_interrupted(res))
        return ALOG_EINTR;
    int lost = 0;
    for (unsigned i = 0; i < alog_result_producers(res); i++) {
        int st = alog_result_final(res, i, NULL, NULL);
        if (st == ALOG_PS_LOST || st == ALOG_PS_DUP)
            lost = 1;
        else if (st != ALOG_PS_OK)
            return ALOG_ESHORT; /* short, failed, stopped or cut off */
    }
    return lost ? ALOG_ELOST : ALOG_OK;
}
