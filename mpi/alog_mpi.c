/* alog_mpi.c - the alog-mpi program: `mpirun -np N alog-mpi [options]`.
 *
 * Every rank parses the same argv, so every rank reaches the same verdict
 * without talking; only rank 0 prints it.  Whatever happens, every rank
 * calls MPI_Finalize and exits with the same status, so mpirun neither
 * hangs nor reports a crash for a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alog_mpi.h"
#include "primes_mpi.h"

#define PROG "alog-mpi"

/* Rank 0 opens the output; every rank learns whether that worked. */
static int open_output(alog_output *o, const alog_config *cfg, int rank)
{
    int rc = ALOG_OK;

    if (rank == 0) {
        errno = 0;
        rc = alog_output_open(o, cfg->output);
        if (rc != ALOG_OK)
            fprintf(stderr, PROG ": cannot write '%s': %s\n",
                    cfg->output ? cfg->output : "stdout",
                    rc == ALOG_ESYS && errno ? strerror(errno)
                                             : alog_strerror(rc));
    }
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return rc;
}

static int run_log(const alog_config *cfg, int rank)
{
    alog_output out = {0};
    int rc = open_output(&out, cfg, rank);

    if (rc != ALOG_OK)
        return alog_exit_status(rc);
    alog_diag diag = {.prog = PROG, .f = rank == 0 ? stderr : NULL};
    rc = alog_run_mpi(cfg, MPI_COMM_WORLD, rank == 0 ? out.f : NULL, &diag);
    if (rank == 0) {
        /* A short or interrupted run still wrote its report: keep it. */
        int wrote = rc == ALOG_OK || rc == ALOG_ESHORT || rc == ALOG_EINTR;
        int crc = alog_output_close(&out, wrote);
        if (wrote && crc != ALOG_OK)
            rc = crc;
        if (rc != ALOG_OK && rc != ALOG_ESHORT && rc != ALOG_EINTR)
            fprintf(stderr, PROG ": %s\n", alog_strerror(rc));
    }
    return alog_exit_status(rc);
}

int main(int argc, char **argv)
{
    int provided = 0, rank = 0, size = 0, status = 0;
    char err[512];
    alog_config cfg;

    if (MPI_Init_thread(&argc, &argv, ALOG_MPI_THREAD_ASKED, &provided) !=
        MPI_SUCCESS) {
        fprintf(stderr, PROG ": MPI_Init_thread failed\n");
        return 1;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    alog_signals_install();

    switch (alog_options_parse(&cfg, ALOG_MODEL_MPI, argc, argv, err,
                               sizeof err)) {
    case ALOG_PARSE_HELP:
        if (rank == 0)
            alog_options_usage(stdout, ALOG_MODEL_MPI, argv[0]);
        break;
    case ALOG_PARSE_VERSION:
        if (rank == 0)
            printf(PROG " %s\n", ALOG_VERSION);
        break;
    case ALOG_PARSE_BAD:
        if (rank == 0)
            fprintf(stderr, "%s\n", err);
        status = 2;
        break;
    default:
        if (cfg.job == ALOG_JOB_PRIMES) {
            /* check, output on rank 0, run, close (primes_mpi.c); one rank
             * is enough for it */
            status = alog_primes_mpi_program(&cfg, MPI_COMM_WORLD);
        } else if (size < 2) {
            if (rank == 0)
                fprintf(stderr, PROG ": needs at least 2 ranks (mpirun -np N, "
                                "N >= 2): rank 0 collects, ranks 1..N-1 "
                                "produce\n");
            status = 2;
        } else if (alog_mpi_check_config(&cfg, err, sizeof err) != 0) {
            if (rank == 0)
                fprintf(stderr, PROG ": %s\n", err);
            status = 2;
        } else {
            status = run_log(&cfg, rank);
            /* Rank 0 may have failed to finish its file: all exit alike. */
            MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
        }
        break;
    }
    fflush(stdout);
    fflush(stderr);
    alog_config_free(&cfg);
    MPI_Finalize();
    return status;
}
