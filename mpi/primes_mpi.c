/* primes_mpi.c - the parts of the primes job as MPI ranks.
 *
 * Early exit is a message: the rank that finds a divisor sends it to
 * every other rank (MPI_Isend, tag FOUND); every rank probes for one
 * between slices of its work.  Afterwards the ranks agree on how many
 * finders there were (one reduction), so each receives exactly the
 * notices sent to it and nothing is left in flight at MPI_Finalize.
 *
 * Waiting ranks (during the baseline, or done early) test their request
 * and sleep instead of spinning inside MPI, so that an oversubscribed run
 * does not steal the CPU from the ranks still computing.
 */
#include "primes_mpi.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mpi_check.h"

#define TAG_FOUND 4242

#define CHECK(comm, call) ALOG_MPI_CHECK(comm, call)

typedef struct mrun {
    MPI_Comm comm;
    int rank, size;
    atomic_int stop;        /* a notice came, or this rank found one */
    int found_here;         /* this rank sent notices */
    uint64_t sent;          /* the divisor sent (the send buffer) */
    MPI_Request *sends;     /* [size]: the notices sent */
    int nsends;
    int notices;            /* notices received */
    double last_poll;       /* MPI_Wtime of the last probe */
} mrun;

/* Test req until it completes, sleeping between tests. */
static void quiet_wait(MPI_Comm comm, MPI_Request *req)
{
    for (;;) {
        int done = 0;
        CHECK(comm, MPI_Test(req, &done, MPI_STATUS_IGNORE));
        if (done)
            return;
        alog_sleep_for(100000, NULL);
    }
}

static void quiet_barrier(MPI_Comm comm)
{
    MPI_Request req;
    CHECK(comm, MPI_Ibarrier(comm, &req));
    quiet_wait(comm, &req);
}

static void take_notices(mrun *m)
{
    for (;;) {
        int flag = 0;
        MPI_Status st;
        CHECK(m->comm, MPI_Iprobe(MPI_ANY_SOURCE, TAG_FOUND, m->comm, &flag,
                                  &st));
        if (!flag)
            return;
        uint64_t d;
        CHECK(m->comm, MPI_Recv(&d, 1, MPI_UINT64_T, st.MPI_SOURCE, TAG_FOUND,
                                m->comm, MPI_STATUS_IGNORE));
        m->notices++;
        atomic_store(&m->stop, 1);
    }
}

static void announce(mrun *m, uint64_t divisor)
{
    atomic_store(&m->stop, 1);
    if (m->found_here)
        return;
    m->found_here = 1;
    m->sent = divisor;
    for (int r = 0; r < m->size; r++)
        if (r != m->rank)
            CHECK(m->comm, MPI_Isend(&m->sent, 1, MPI_UINT64_T, r, TAG_FOUND,
                                     m->comm, &m->sends[m->nsends++]));
}

static int signalled(void)
{
    return atomic_load_explicit(alog_stop_flag(), memory_order_relaxed) != 0;
}

/* Work [a, b] slice by slice, looking for notices at most every
 * ALOG_PRIMES_MPI_POLL_US.  Returns 1 when this part should stop. */
static int work_piece(const alog_primes_job *job, uint64_t a, uint64_t b,
                      mrun *m, alog_primes_part *p)
{
    for (uint64_t pos = a;;) {
        double now = MPI_Wtime();
        if (now - m->last_poll >= ALOG_PRIMES_MPI_POLL_US * 1e-6) {
            take_notices(m);
            m->last_poll = now;
        }
        if (atomic_load(&m->stop) || signalled()) {
            if (p->divisor == 0)
                p->stopped = 1;
            return 1;
        }
        uint64_t e = b - pos < job->slice - 1 ? b : pos + (job->slice - 1);
        if (alog_primes_work(job, pos, e, &m->stop, p)) {
            announce(m, p->divisor);
            return 1;
        }
        if (e == b)
            return 0;
        pos = e + 1;
    }
}

static void where_rank(alog_primes_part *p, int rank)
{
    char host[MPI_MAX_PROCESSOR_NAME];
    int len = 0;
    if (MPI_Get_processor_name(host, &len) != MPI_SUCCESS)
        len = 0;
    host[len < (int)sizeof host ? len : (int)sizeof host - 1] = '\0';
    snprintf(p->where, sizeof p->where, "rank %d %.32s", rank,
             len > 0 ? host : "?");
}

/* Parts this rank computes: static k = rank, rank + size, ...; dynamic
 * part `rank` when rank < P. */
static int my_parts(const alog_primes_job *job, int rank, int size)
{
    unsigned P = job->parts;
    if (job->schedule == ALOG_SCHED_DYNAMIC)
        return (unsigned)rank < P;
    if ((unsigned)rank >= P)
        return 0;
    return (int)((P - 1 - (unsigned)rank) / (unsigned)size + 1);
}

static void run_static(const alog_primes_job *job, mrun *m,
                       alog_primes_part *mine)
{
    int n = my_parts(job, m->rank, m->size);
    for (int i = 0; i < n; i++) {
        unsigned k = (unsigned)m->rank + (unsigned)i * (unsigned)m->size;
        alog_primes_part *p = &mine[i];
        alog_primes_part_init(p, (int)k);
        where_rank(p, m->rank);
        uint64_t a, b;
        if (!alog_primes_part_range(job, k, &a, &b))
            continue;
        p->chunks = 1;
        p->lo = a; /* the part, not only the slices done */
        p->hi = b;
        if (atomic_load(&m->stop)) {
            p->stopped = 1;
            continue;
        }
        work_piece(job, a, b, m, p);
    }
}

static void run_dynamic(const alog_primes_job *job, mrun *m,
                        alog_primes_part *mine)
{
    /* the chunk counter lives on rank 0 */
    uint64_t *counter = NULL;
    MPI_Win win;
    MPI_Aint bytes = m->rank == 0 ? (MPI_Aint)sizeof(uint64_t) : 0;
    CHECK(m->comm, MPI_Win_allocate(bytes, (int)sizeof(uint64_t),
                                    MPI_INFO_NULL, m->comm, &counter, &win));
    if (m->rank == 0) {
        CHECK(m->comm, MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win));
        *counter = 0;
        CHECK(m->comm, MPI_Win_unlock(0, win));
    }
    CHECK(m->comm, MPI_Barrier(m->comm));
    CHECK(m->comm, MPI_Win_lock_all(0, win));
    if (my_parts(job, m->rank, m->size)) {
        alog_primes_part *p = &mine[0];
        alog_primes_part_init(p, m->rank);
        where_rank(p, m->rank);
        const uint64_t one = 1;
        for (;;) {
            uint64_t c = 0, a, b;
            CHECK(m->comm, MPI_Fetch_and_op(&one, &c, MPI_UINT64_T, 0, 0,
                                            MPI_SUM, win));
            CHECK(m->comm, MPI_Win_flush(0, win));
            if (!alog_primes_chunk_range(job, c, &a, &b))
                break;
            p->chunks++;
            if (work_piece(job, a, b, m, p))
                break;
        }
    }
    CHECK(m->comm, MPI_Win_unlock_all(win));
    CHECK(m->comm, MPI_Win_free(&win));
}

/* How many finders, and was anyone interrupted?  Then collect the
 * notices still owed to this rank: one from every other finder, so that
 * nothing is left in flight.  Returns the number of ranks interrupted. */
static int settle(mrun *m)
{
    int flags[2] = {m->found_here, signalled()}, total[2];
    MPI_Request req;
    CHECK(m->comm, MPI_Iallreduce(flags, total, 2, MPI_INT, MPI_SUM, m->comm,
                                  &req));
    quiet_wait(m->comm, &req);
    while (m->notices < total[0] - m->found_here) {
        uint64_t divisor;
        CHECK(m->comm, MPI_Recv(&divisor, 1, MPI_UINT64_T, MPI_ANY_SOURCE,
                                TAG_FOUND, m->comm, MPI_STATUS_IGNORE));
        m->notices++;
    }
    CHECK(m->comm, MPI_Waitall(m->nsends, m->sends, MPI_STATUSES_IGNORE));
    return total[1];
}

/* Rank 0 gathers every part into all[job->parts] (plain bytes: one host
 * type); static: the parts of rank r in order, dynamic: one per rank. */
static void gather(const alog_primes_job *job, mrun *m,
                   const alog_primes_part *mine, int nmine,
                   alog_primes_part *all, const alog_diag *d)
{
    int *counts = NULL, *displs = NULL;
    alog_primes_part *got = NULL;
    if (m->rank == 0) {
        counts = calloc((size_t)m->size, sizeof *counts);
        displs = calloc((size_t)m->size, sizeof *displs);
        got = calloc(job->parts + 1, sizeof *got);
        if (counts == NULL || displs == NULL || got == NULL) {
            alog_say(d, "rank 0: %s", alog_strerror(ALOG_ENOMEM));
            MPI_Abort(m->comm, 1);
        }
        for (int r = 0, off = 0; r < m->size; r++) {
            counts[r] = my_parts(job, r, m->size) * (int)sizeof *got;
            displs[r] = off;
            off += counts[r];
        }
    }
    CHECK(m->comm, MPI_Gatherv(mine, nmine * (int)sizeof *mine, MPI_BYTE,
                               got, counts, displs, MPI_BYTE, 0, m->comm));
    if (m->rank == 0) {
        for (unsigned k = 0; k < job->parts; k++)
            alog_primes_part_init(&all[k], (int)k);
        unsigned n = 0;
        for (int r = 0; r < m->size; r++)
            n += (unsigned)my_parts(job, r, m->size);
        for (unsigned i = 0; i < n; i++)
            if (got[i].index >= 0 && (unsigned)got[i].index < job->parts)
                all[got[i].index] = got[i];
    }
    free(got);
    free(displs);
    free(counts);
}

/* Rank 0: the model's header keys and the report. */
static int report(const alog_config *cfg, alog_primes_result *res, int size,
                  FILE *out)
{
    int rc = alog_primes_result_extra(res, "ranks", "%d", size);
    rc = rc ? rc : alog_primes_result_extra(res, "poll_us", "%d",
                                            ALOG_PRIMES_MPI_POLL_US);
    /* serial_s and model_s are MPI_Wtime; each rank's busy_s is measured
     * by the kernel's library */
    rc = rc ? rc : alog_primes_result_extra(res, "busy_clock",
                                            "CLOCK_MONOTONIC");
    if (rc == ALOG_OK && out != NULL)
        rc = alog_primes_report_write(out, cfg->format, res);
    return rc;
}

int alog_run_primes_mpi(const alog_config *cfg, MPI_Comm comm, FILE *out,
                        const alog_diag *d)
{
    mrun m;
    memset(&m, 0, sizeof m);
    atomic_init(&m.stop, 0);
    /* our own communicator: our tags meet nobody else's messages */
    CHECK(comm, MPI_Comm_dup(comm, &m.comm));
    CHECK(m.comm, MPI_Comm_set_errhandler(m.comm, MPI_ERRORS_RETURN));
    CHECK(m.comm, MPI_Comm_rank(m.comm, &m.rank));
    CHECK(m.comm, MPI_Comm_size(m.comm, &m.size));

    alog_primes_job job;
    if (alog_primes_job_init(&job, cfg, (unsigned)m.size) != 0) {
        MPI_Comm_free(&m.comm);
        return ALOG_EINVAL;
    }
    int nmine = my_parts(&job, m.rank, m.size);
    alog_primes_part *mine = calloc((size_t)nmine + 1, sizeof *mine);
    alog_primes_part *all = NULL;
    m.sends = calloc((size_t)m.size, sizeof *m.sends);
    if (m.rank == 0)
        all = calloc(job.parts, sizeof *all);
    alog_primes_result res;
    if (mine == NULL || m.sends == NULL || (m.rank == 0 && all == NULL) ||
        alog_primes_result_init(&res, "mpi", "MPI_Wtime", &job, all) != 0) {
        alog_say(d, "rank %d: %s", m.rank, alog_strerror(ALOG_ENOMEM));
        MPI_Abort(m.comm, 1);
    }
    if (!cfg->primes.no_baseline) {
        res.baseline = 1;
        if (m.rank == 0) {
            double t = MPI_Wtime();
            alog_primes_serial(&job, &res.serial);
            res.serial_s = MPI_Wtime() - t;
        }
        quiet_barrier(m.comm);
    }

    CHECK(m.comm, MPI_Barrier(m.comm));
    double t0 = MPI_Wtime();
    m.last_poll = t0;
    if (job.schedule == ALOG_SCHED_DYNAMIC)
        run_dynamic(&job, &m, mine);
    else
        run_static(&job, &m, mine);
    int interrupted = settle(&m);
    gather(&job, &m, mine, nmine, all, d);
    res.model_s = MPI_Wtime() - t0;
    res.interrupted = interrupted > 0;

    int rc = interrupted > 0 ? ALOG_EINTR : ALOG_OK;
    if (m.rank == 0) {
        int wrc = report(cfg, &res, m.size, out);
        if (wrc == ALOG_ENOMEM)
            alog_say(d, "primes: %s", alog_strerror(wrc));
        rc = wrc != ALOG_OK ? wrc : rc;
    }
    alog_primes_result_free(&res);
    free(all);
    free(mine);
    free(m.sends);
    MPI_Comm_free(&m.comm);
    return rc;
}
