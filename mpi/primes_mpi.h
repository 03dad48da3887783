/* primes_mpi.h - the MPI program's primes job: the parts as MPI ranks. */
#ifndef ALOG_PRIMES_MPI_H
#define ALOG_PRIMES_MPI_H

#include <mpi.h>

#include "primes.h"

/* Collective over comm (every rank, the same cfg; one rank is enough).
 * Static: rank r computes parts r, r + size, ... of P (P = cfg->parts, or
 * the ranks).  Dynamic: ranks 0..P-1 take chunks from a counter on rank 0
 * (MPI_Fetch_and_op).  A rank that finds a divisor sends a message to
 * every other rank; each looks for one (MPI_Iprobe) between slices of its
 * work, at most ALOG_PRIMES_MPI_POLL_US apart.  Rank 0 measures the
 * serial baseline first (the others wait without spinning), times the
 * run with MPI_Wtime and writes the report to out (NULL elsewhere).
 * Returns 0 or ALOG_EINTR on every rank (ALOG_EIO on rank 0 if the report
 * could not be written; ALOG_EINVAL for what alog_primes_check refuses).
 * An MPI error, or memory that runs out (said through d), aborts the job
 * (mpi_check.h). */
int alog_run_primes_mpi(const alog_config *cfg, MPI_Comm comm, FILE *out,
                        const alog_diag *d);

/* Longest time between two looks for a "found" message, microseconds. */
#define ALOG_PRIMES_MPI_POLL_US 100

#endif
