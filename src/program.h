/** @file
 * program.h - the one program frame: parse -> open the output -> run the
 * job -> close -> exit status, written once for every program.
 *
 * A program (alog-async, alog-omp, alog-mpi) is a name, a model and a
 * small table of jobs; its main fills an alog_program and returns
 * alog_program_main().  The frame owns the program's alog_diag: library
 * code gets it as `const alog_diag *` and never names a program itself.
 *
 * Outcomes (see alog_exit_status): 0 ok, 1 runtime error, 2 usage, 3 a
 * producer short or failed, 130 interrupted.  A run that ends ok, short
 * (ALOG_ESHORT) or interrupted (ALOG_EINTR) keeps its report: the report
 * is what tells which producer fell short and what was collected.  Any
 * other outcome leaves no report (an old --output file stays as it was).
 *
 * MPI: every rank calls alog_program_main with the same argv and so reaches
 * the same parse verdict without talking; is_root() picks the one rank that
 * prints usage and errors and owns the output (the others run with a NULL
 * stream), and agree() makes every rank end with the root's code after the
 * steps that only the root does (opening, writing and closing the output).
 * The frame never exits and never finalizes: the MPI main calls
 * MPI_Finalize on every rank after alog_program_main returns.
 */
#ifndef ALOG_PROGRAM_H
#define ALOG_PROGRAM_H

#include <stddef.h>
#include <stdio.h>

#include "alog.h"
#include "options.h"

/** One job of a program (ALOG_JOB_LOG or ALOG_JOB_PRIMES). */
typedef struct alog_program_job {
    int job; ///< ALOG_JOB_* this entry runs
    /** Optional: bad input the option table cannot see, and what the model
     * takes from its environment into cfg (e.g. OMP_NUM_THREADS).  Must
     * reach the same verdict on every rank.  0, or an ALOG_E* code (usually
     * ALOG_EINVAL: exit 2) with the one line "<prog>: ..." in err, which
     * the frame prints on the root.  Runs before the output is opened. */
    int (*check)(alog_config *cfg, const alog_diag *d, void *ctx, char *err,
                 size_t errlen);
    /** Run the job and write its report to io->out (NULL on every rank
     * but the root; io->journal is --journal's file, or NULL).  Returns an ALOG_E* code; a failure other than ALOG_EINVAL,
     * ALOG_ESHORT, ALOG_EINTR or ALOG_EIO is said through d by the job (it
     * knows the context), never by the frame a second time.  ALOG_EIO (the
     * report could not be written to out) is said by the frame, which
     * knows the file: the job returns it from the report writer as it is
     * (alog_fail kept why). */
    int (*run)(const alog_config *cfg, const alog_run_io *io,
               const alog_diag *d, void *ctx);
} alog_program_job;

/** A program: its name, model, option rows, jobs and MPI hooks. */
typedef struct alog_program {
    const char *name;            ///< "alog-async": message prefix, --version
    int model;                   ///< ALOG_MODEL_* for the option table
    const alog_optset *options;  ///< the model's own option rows, or NULL
    const alog_program_job *jobs; ///< ended by an entry with run == NULL
    /* MPI hooks; all NULL for a program of one process. */
    int (*is_root)(void *ctx);          ///< 1 on the rank that prints
    int (*agree)(void *ctx, int code);  ///< collective: the root's code
    /** Root only, report on stdout, before the run: make stdout the final
     * one (mpirun's); ALOG_EIO with the reason in why refuses the run
     * (exit 1, "cannot write the report to stdout: <why>"). */
    int (*open_stdout)(void *ctx, char *why, size_t len);
    void *ctx;                          ///< passed to hooks and jobs
} alog_program;

/** Parse argv, then check, open the output (root only), run, close and map
 * the outcome to the exit status, which is returned (the same on every
 * rank).  --help and --version print on stdout (root) and return 0; a bad
 * option prints its one line on stderr (root) and returns 2. */
int alog_program_main(const alog_program *p, int argc, char **argv);

#endif
