/* clock_sync.c - each rank's clock offset to rank 0, by ping-pong.
 *
 * Rank 0 reads its clock (t0), pings rank r, r answers with its clock
 * (tr), rank 0 reads its clock again (t1).  If the two legs take equally
 * long, r's clock read tr when rank 0's read (t0 + t1) / 2, so the offset
 * is tr - (t0 + t1) / 2, wrong by at most half the round trip.  Of many
 * rounds the one with the smallest round trip is kept: it is the one least
 * disturbed (scheduling, a busy link), and its half is the uncertainty.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "mpi_model.h"
#include "mpi_check.h"

/* Tag of the pings; the run's communicator is private (MPI_Comm_dup), so
 * the tags only have to differ from those of wire_mpi.h. */
enum { TAG_SYNC = 90 };

static void sync_root(MPI_Comm comm, int size, int rounds,
                      alog_mpi_clock *all)
{
    all[0].offset_ns = 0;
    all[0].rtt_ns = 0;
    for (int r = 1; r < size; r++) {
        int64_t best = INT64_MAX, offset = 0;
        for (int i = 0; i < rounds; i++) {
            int64_t tr = 0;
            int64_t t0 = alog_now_ns();
            ALOG_MPI_CHECK(comm, MPI_Send(NULL, 0, MPI_BYTE, r, TAG_SYNC, comm));
            ALOG_MPI_CHECK(comm, MPI_Recv(&tr, 1, MPI_INT64_T, r, TAG_SYNC,
                                          comm, MPI_STATUS_IGNORE));
            int64_t t1 = alog_now_ns();
            int64_t rtt = t1 - t0;
            if (rtt < best) {
                best = rtt;
                offset = tr - (t0 + rtt / 2);
            }
        }
        all[r].offset_ns = offset;
        all[r].rtt_ns = best;
    }
}

#define SKEW_MAX_NS 1000000000000000LL /* 10^15 ns: no overflow near it */

int64_t alog_mpi_test_skew(MPI_Comm comm, int rank)
{
    const char *v = alog_hook(ALOG_MPI_TEST_SKEW_ENV);
    if (v == NULL)
        return 0;
    char *end = NULL;
    errno = 0;
    long r = strtol(v, &end, 10);
    int ok = errno == 0 && end != v && *end == ':' && r >= 1;
    long long ns = 0;
    if (ok) {
        const char *n = end + 1;
        errno = 0;
        ns = strtoll(n, &end, 10);
        ok = errno == 0 && end != n && *end == '\0' && ns >= -SKEW_MAX_NS &&
             ns <= SKEW_MAX_NS;
    }
    if (!ok && rank != 1)
        return 0; /* rank 1 reads it too and speaks for all (one line) */
    if (!ok) {
        char why[160];
        snprintf(why, sizeof why,
                 "%s '%.60s': must be RANK:NS (RANK >= 1, |NS| <= 10^15)",
                 ALOG_MPI_TEST_SKEW_ENV, v);
        alog_mpi_abort(comm, why);
    }
    return r == rank ? (int64_t)ns : 0;
}

static void sync_peer(MPI_Comm comm, int rounds)
{
    int flag = 0, rank = 0;
    ALOG_MPI_CHECK(comm, MPI_Comm_rank(comm, &rank));
    const int64_t skew = alog_mpi_test_skew(comm, rank);
    /* Wait for our turn asleep: on an oversubscribed host a spinning
     * waiter would steal the CPU of the pair being measured. */
    for (;;) {
        ALOG_MPI_CHECK(comm, MPI_Iprobe(0, TAG_SYNC, comm, &flag,
                                        MPI_STATUS_IGNORE));
        if (flag)
            break;
        alog_sleep_for(100000, NULL);
    }
    for (int i = 0; i < rounds; i++) {
        ALOG_MPI_CHECK(comm, MPI_Recv(NULL, 0, MPI_BYTE, 0, TAG_SYNC, comm,
                                      MPI_STATUS_IGNORE));
        int64_t tr = alog_now_ns() + skew;
        ALOG_MPI_CHECK(comm, MPI_Send(&tr, 1, MPI_INT64_T, 0, TAG_SYNC, comm));
    }
}

int alog_mpi_clock_sync(MPI_Comm comm, int rounds, alog_mpi_clock *all)
{
    int rank = 0, size = 0;

    if (rounds < 1)
        return ALOG_EINVAL;
    ALOG_MPI_CHECK(comm, MPI_Comm_rank(comm, &rank));
    ALOG_MPI_CHECK(comm, MPI_Comm_size(comm, &size));
    if (rank == 0) {
        if (all == NULL)
            return ALOG_EINVAL;
        sync_root(comm, size, rounds, all);
    } else {
        sync_peer(comm, rounds);
    }
    return ALOG_OK;
}

int64_t alog_mpi_clock_applied(const alog_mpi_clock *clk)
{
    int64_t unc = clk->rtt_ns / 2;
    if (clk->offset_ns > unc || clk->offset_ns < -unc)
        return clk->offset_ns;
    return 0;
}

void alog_mpi_where(char *buf, size_t cap, int rank,
                    const alog_mpi_rankinfo *info, const alog_mpi_clock *clk)
{
    if (cap == 0)
        return;
    snprintf(buf, cap,
             "rank=%d host=%s cpus=%s clock_offset_ns=%+" PRId64
             " clock_unc_ns=%" PRId64 " clock_applied_ns=%+" PRId64,
             rank, info->host, info->cpus, clk->offset_ns, clk->rtt_ns / 2,
             alog_mpi_clock_applied(clk));
}
