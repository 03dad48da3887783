/* alog_mpi.h - the MPI model: rank 0 collects, ranks 1..N-1 produce.
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
#ifndef ALOG_MPI_H
#define ALOG_MPI_H

#include <mpi.h>

#include "alog.h"

/* Thread level the programs ask MPI_Init_thread for: only the main thread
 * of a rank calls MPI. */
#define ALOG_MPI_THREAD_ASKED MPI_THREAD_FUNNELED

/* The clock named in the report header. */
#define ALOG_MPI_CLOCK "CLOCK_MONOTONIC"

/* Run the log job over comm (collective: every rank of comm calls it with
 * the same cfg).  Rank 0 collects and writes the report to out (NULL on
 * the other ranks); ranks 1..size-1 produce.  comm needs at least 2 ranks
 * (ALOG_EINVAL otherwise).  Returns the run's outcome code, the same on
 * every rank (ALOG_OK, ALOG_ESHORT, ALOG_EINTR, ALOG_EIO, ALOG_ENOMEM...).
 * An MPI error prints file:line and the MPI error string, then aborts the
 * job (mpi_check.h). */
int alog_run_mpi(const alog_config *cfg, MPI_Comm comm, FILE *out);

/* Largest message a producer may send (--batch x record bytes). */
#define ALOG_MPI_MSG_MAX (16u << 20)

/* Checks what the option table cannot (limits of one MPI message).  0, or
 * ALOG_EINVAL with a one-line "<prog>: <option> '<value>': <reason> (see
 * --help)" message in err.  Pure: every rank reaches the same verdict. */
int alog_mpi_check_config(const alog_config *cfg, const char *prog, char *err,
                          size_t errlen);

/* ---- clock_sync.c: offsets of each rank's clock to rank 0's --------- */

typedef struct alog_mpi_clock {
    int64_t offset_ns; /* this rank's clock minus rank 0's, ns (0 on rank 0) */
    int64_t rtt_ns;    /* smallest ping-pong round trip seen, ns */
} alog_mpi_clock;

/* Ping-pong rounds per rank; the round with the smallest round trip wins. */
#define ALOG_MPI_SYNC_ROUNDS 32

/* Collective.  Rank 0 ping-pongs every other rank `rounds` times and fills
 * all[0..size) (all may be NULL on the other ranks).  Uncertainty of an
 * offset is rtt_ns / 2.  0 or ALOG_EINVAL (rounds < 1). */
int alog_mpi_clock_sync(MPI_Comm comm, int rounds, alog_mpi_clock *all);

/* ---- env_mpi.c: what the run ran on ----------------------------------- */

/* One rank's view of itself, gathered on rank 0 (plain bytes). */
typedef struct alog_mpi_rankinfo {
    char host[64];     /* MPI_Get_processor_name, truncated */
    char cpus[64];     /* CPUs the rank may run on (sched_getaffinity), "0-1" */
    int32_t ncpus;     /* how many CPUs that is */
    int32_t cores;     /* online CPUs of its host */
    int32_t local;     /* ranks on its host (MPI_Comm_split_type SHARED) */
    int32_t reserved;  /* 0 */
} alog_mpi_rankinfo;

/* Collective: every rank describes itself; rank 0 gets all[0..size). */
int alog_mpi_env_gather(MPI_Comm comm, alog_mpi_rankinfo *all);

/* Rank 0: add the MPI header keys to res (library, version, thread level
 * asked/granted, ranks, hosts, ranks per host, oversubscribed and its
 * warning, transport hints, shared host). */
int alog_mpi_env_header(alog_result *res, MPI_Comm comm,
                        const alog_mpi_rankinfo *all, int size);

/* The offset rank 0 applies to that rank's times.  The true offset lies
 * within offset_ns +- rtt_ns/2, so an estimate smaller than its
 * uncertainty cannot be told from 0: ranks that share rank 0's clock (one
 * host, one CLOCK_MONOTONIC) get exactly 0, not a noisy estimate that
 * could put a collect before its produce. */
int64_t alog_mpi_clock_applied(const alog_mpi_clock *clk);

/* Rank 0: the "where" text of rank r: host, CPUs, clock offset and its
 * uncertainty.  Writes into buf (cap bytes, always terminated). */
void alog_mpi_where(char *buf, size_t cap, int rank,
                    const alog_mpi_rankinfo *info,
                    const alog_mpi_clock *clk);

#endif
