/** @file
 * mpi_model.h - the MPI model: rank 0 collects, ranks 1..N-1 produce.
 *
 * The one clock of the model is CLOCK_MONOTONIC (alog_now_ns), the clock
 * alog_pace_wait sleeps on; it is shared by the ranks of one host but not
 * across hosts (nor is MPI_Wtime, which Open MPI even restarts at 0 in
 * every process), so each rank's offset to rank 0 is measured at start and
 * every producer time is shifted onto rank 0's clock.
 *
 * Internals shared by the files of mpi/ (alog_mpi_ prefix); only
 * alog_run_mpi is for the programs.
 */
#ifndef ALOG_MPI_MODEL_H
#define ALOG_MPI_MODEL_H

#include <mpi.h>

#include "alog.h"
#include "options_mpi.h"
#include "transport.h"

/** Thread level the programs ask MPI_Init_thread for: only the main thread
 * of a rank calls MPI. */
#define ALOG_MPI_THREAD_ASKED MPI_THREAD_FUNNELED

/** The name of an MPI thread level ("single", "funneled", ...). */
const char *alog_mpi_thread_name(int level);
/** The thread level a --collect mode needs (ALOG_MPI_COLLECT_*): rank 0's
 * collector and a producer's sends are made by the main thread only, but
 * with other threads alive beside it (the stall watch, Open MPI's own):
 * funneled, for every mode (a leader of --collect tree too). */
int alog_mpi_thread_needed(int collect);

/** The clock named in the report header. */
#define ALOG_MPI_CLOCK "CLOCK_MONOTONIC"

/** Run the log job over comm (collective: every rank of comm calls it with
 * the same cfg).  Rank 0 collects and writes the report to out (NULL on
 * the other ranks); ranks 1..size-1 produce.  comm needs at least 2 ranks
 * (ALOG_EINVAL otherwise).  Returns the run's outcome code, the same on
 * every rank (ALOG_OK, ALOG_ESHORT, ALOG_EINTR, ALOG_EIO, ALOG_ENOMEM...).
 * Messages go to diag (rank 0).  An MPI error prints file:line and the MPI
 * error string, then aborts the job (mpi_check.h).
 *
 * When producers were cut off as stalled (silent, stopped or dead), rank 0
 * returns at once with *lost set to their number (else 0): the others
 * cannot take part in anything collective, so the caller writes the
 * report and ends the job with MPI_Abort instead of MPI_Finalize.
 * started_ns: when the program began (CLOCK_MONOTONIC, before MPI_Init),
 * so that the report's startup_s holds MPI's start-up and set-up; 0: the
 * collector's open. */
int alog_run_mpi(const alog_config *cfg, const alog_mpi_opts *opts,
                 MPI_Comm comm, const alog_run_io *io, const alog_diag *diag,
                 int *lost,
                 int64_t started_ns);

/** Checks what the option table cannot (limits of one MPI message).  0, or
 * ALOG_EINVAL with a one-line "<option> '<value>': <reason> (see --help)"
 * message in err (may be NULL).  Pure: every rank reaches the same
 * verdict. */
int alog_mpi_check_config(const alog_config *cfg, const alog_mpi_opts *opts,
                          char *err, size_t errlen);

/** Rank 0, report on stdout, started by an mpirun on this host: make
 * stdout mpirun's own stdout (stdout_mpi.c), so that a failed write is
 * seen.  0 (done, or nothing to do: the report then goes through the
 * launcher), or ALOG_EIO with why = "mpirun's standard output is closed". */
int alog_mpi_stdout_direct(char *why, size_t len);

/* ---- the run's set-up and its two sides -------------------------------- */

typedef struct alog_mpi_rankinfo alog_mpi_rankinfo;
typedef struct alog_mpi_clock alog_mpi_clock;
struct alog_mpi_tree;

/** What the collective set-up gave every rank (setup_mpi.c). */
typedef struct alog_mpi_setup {
    MPI_Comm comm;                 ///< the run's private communicator
    const alog_mpi_opts *opts;     ///< the model's own options
    int rank;                      ///< this rank in comm
    int size;                      ///< ranks in comm
    int64_t start_ns;              ///< record 0 is due then, our clock
    const alog_mpi_rankinfo *info; ///< rank 0: every rank's, else NULL
    const alog_mpi_clock *clk;     ///< rank 0: every rank's, else NULL
    int opened;                    ///< rank 0: a transport took over
    int lost;                      ///< rank 0: producers cut off (stalled)
    size_t rb;                     ///< bytes per record on the wire
    unsigned batch;                ///< records per message, the same on
                                   ///< every rank (--batch auto resolved)
    char batch_auto[128];          ///< rank 0, --batch auto: the limit
                                   ///< used and its source; else empty
    const struct alog_mpi_tree *tree; ///< --collect tree: who sends to
                                      ///< whom (every rank), else NULL
} alog_mpi_setup;

/** Rank 0's transports (collect_mpi.c), for alog_run_transport with a
 * run env whose setup is an alog_mpi_setup: "async" (pre-posted receives,
 * MPI_Waitsome), "blocking" (MPI_Recv from any source) and "tree" (node
 * leaders forward to rank 0); --batch is an option of all.
 * NULL-terminated registry. */
extern const alog_transport alog_transport_mpi_async;
extern const alog_transport alog_transport_mpi_blocking; ///< MPI_Recv
extern const alog_transport alog_transport_mpi_tree; ///< node leaders
extern const alog_transport *const alog_mpi_transports[]; ///< all, NULL-ended
/** The transport of a --collect value, found by its name in the
 * registry; NULL for none. */
const alog_transport *alog_mpi_transport_for(int collect);

/** The start hand-out (setup_mpi.c), collective: rank 0 schedules the
 * start on every rank's clock once it is ready to collect (its
 * transport's open), the others wait for theirs; fills su->start_ns. */
void alog_mpi_schedule(alog_mpi_setup *su);

/** A producer rank (produce_mpi.c): the one producer loop, batches to rank
 * 0 (--collect tree: to its parent), the final message, then wait for its
 * word.  Returns ALOG_OK. */
int alog_mpi_produce(const alog_config *cfg, const alog_mpi_setup *su);
/** A leader of --collect tree that is not rank 0 (lead_mpi.c): produces
 * as alog_mpi_produce does and forwards its children's messages with its
 * own records to its parent, until every rank below it has ended.
 * Returns ALOG_OK. */
int alog_mpi_lead(const alog_config *cfg, const alog_mpi_setup *su);


/* ---- eager_mpi.c: --batch auto --------------------------------------- */

/** Rank 0, after the environment gather: the batch of --batch auto for
 * records of rb bytes.  The eager limit is the one of the transport each
 * producer reaches rank 0 by (Open MPI's shared-memory BTL for the ranks
 * on rank 0's host unless the "btl" list leaves it out, TCP for the
 * others; the smallest when both are used), read through the MPI_T
 * control variables (btl_vader_eager_limit, btl_sm_eager_limit,
 * btl_tcp_eager_limit), else ALOG_MPI_EAGER_DEFAULT; less
 * ALOG_MPI_EAGER_MARGIN (alog_mpi_batch_fit).  why gets the header text,
 * e.g. "btl_vader_eager_limit 4096 (MPI_T) - 64 header". */
unsigned alog_mpi_batch_auto(const alog_mpi_rankinfo *info, int size,
                             size_t rb, char *why, size_t cap);

/* ---- clock_sync.c: offsets of each rank's clock to rank 0's --------- */

/** A rank's clock against rank 0's (alog_mpi_clock_sync). */
struct alog_mpi_clock {
    int64_t offset_ns; ///< this rank's clock minus rank 0's, ns (0 on rank 0)
    int64_t rtt_ns;    ///< smallest ping-pong round trip seen, ns
};

/** For testing only: the environment variable that shifts one rank's
 * clock, "RANK:NS" (RANK >= 1, |NS| <= 10^15).  That rank then behaves as
 * if its CLOCK_MONOTONIC read NS ns more than it does: every time it sends
 * (its clock-sync answers, its records' schedule and produce times) is
 * shifted by NS, and the start time rank 0 hands it is taken as on that
 * clock.  Rank 0 must measure the offset and undo it, as it would for a
 * host whose clock differs; nothing else in the run changes. */
#define ALOG_MPI_TEST_SKEW_ENV "ALOG_TEST_CLOCK_SKEW"

/** This rank's test shift of ALOG_MPI_TEST_SKEW_ENV, in ns (0 when unset
 * or for another rank).  A malformed value aborts the job with a one-line
 * message naming it. */
int64_t alog_mpi_test_skew(MPI_Comm comm, int rank);

/** Ping-pong rounds per rank; the round with the smallest round trip wins. */
#define ALOG_MPI_SYNC_ROUNDS 32

/** Collective.  Rank 0 ping-pongs every other rank `rounds` times and fills
 * all[0..size) (all may be NULL on the other ranks).  Uncertainty of an
 * offset is rtt_ns / 2.  0 or ALOG_EINVAL (rounds < 1). */
int alog_mpi_clock_sync(MPI_Comm comm, int rounds, alog_mpi_clock *all);

/* ---- env_mpi.c: what the run ran on ----------------------------------- */

/** One rank's view of itself, gathered on rank 0 (plain bytes). */
struct alog_mpi_rankinfo {
    char host[64];     ///< MPI_Get_processor_name, truncated
    char cpus[64];     ///< CPUs the rank may run on (sched_getaffinity), "0-1"
    int32_t ncpus;     ///< how many CPUs that is
    int32_t cores;     ///< online CPUs of its host
    int32_t local;     ///< ranks on its host (MPI_Comm_split_type SHARED)
    int32_t leader;    ///< lowest rank of its host: the host's unique key
};

/** Collective: every rank describes itself; rank 0 gets all[0..size). */
int alog_mpi_env_gather(MPI_Comm comm, alog_mpi_rankinfo *all);

/** Rank 0: add the MPI header keys to res (library, version, thread level
 * asked/granted, ranks, hosts, ranks per host, oversubscribed and its
 * warning, transport hints, shared host). */
int alog_mpi_env_header(alog_result *res, MPI_Comm comm,
                        const alog_mpi_rankinfo *all, int size);

/** The offset rank 0 applies to that rank's times.  The true offset lies
 * within offset_ns +- rtt_ns/2, so an estimate smaller than its
 * uncertainty cannot be told from 0: ranks that share rank 0's clock (one
 * host, one CLOCK_MONOTONIC) get exactly 0, not a noisy estimate that
 * could put a collect before its produce. */
int64_t alog_mpi_clock_applied(const alog_mpi_clock *clk);

/** Rank 0: the "where" text of rank r: host, CPUs, clock offset and its
 * uncertainty.  Writes into buf (cap bytes, always terminated). */
void alog_mpi_where(char *buf, size_t cap, int rank,
                    const alog_mpi_rankinfo *info,
                    const alog_mpi_clock *clk);

#endif
