/* mpi_check.h - what to do when an MPI call fails.
 *
 * The communicators of the model have MPI_ERRORS_RETURN, so a failing
 * call comes back here instead of killing the job silently.  An MPI error
 * is not something a rank can recover from alone (its peers may be
 * waiting for it), so: print file:line, the call and MPI_Error_string,
 * then MPI_Abort the communicator - never a bare exit() that would leave
 * the other ranks hanging.
 */
#ifndef ALOG_MPI_CHECK_H
#define ALOG_MPI_CHECK_H

#include <errno.h> /* program_invocation_short_name */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn static inline void alog_mpi_die(MPI_Comm comm, const char *file,
                                          int line, const char *call, int rc)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0, rank = -1;
    const char *base = strrchr(file, '/');

    base = base != NULL ? base + 1 : file;

    if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS || len <= 0)
        snprintf(msg, sizeof msg, "MPI error code %d", rc);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    /* The process's own name (argv[0]): the library names no program. */
    fprintf(stderr, "%s: rank %d: %s:%d: %s: %s\n",
            program_invocation_short_name, rank, base, line, call, msg);
    fflush(stderr);
    MPI_Abort(comm, 1);
    _Exit(1); /* MPI_Abort does not return; make sure of it */
}

/* A failure that is no MPI call's (a set-up that cannot go on): say why,
 * then MPI_Abort comm.  Peers are mid-protocol: there is no way back.  The
 * name is the process's own (argv[0]), not one the library knows. */
_Noreturn static inline void alog_mpi_abort(MPI_Comm comm, const char *why)
{
    fprintf(stderr, "%s: %s\n", program_invocation_short_name, why);
    fflush(stderr);
    MPI_Abort(comm, 1);
    _Exit(1); /* MPI_Abort does not return; make sure of it */
}

/* The same, out of memory. */
_Noreturn static inline void alog_mpi_out_of_memory(MPI_Comm comm)
{
    alog_mpi_abort(comm, "out of memory");
}

/* Evaluate an MPI call on `comm`; on failure die as described above. */
#define ALOG_MPI_CHECK(comm, call)                                        \
    do {                                                                  \
        int alog_mpi_rc_ = (call);                                        \
        if (alog_mpi_rc_ != MPI_SUCCESS)                                  \
            alog_mpi_die((comm), __FILE__, __LINE__, #call, alog_mpi_rc_); \
    } while (0)

#endif
