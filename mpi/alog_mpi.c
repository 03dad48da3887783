/* alog_mpi.c - the alog-mpi program: `mpirun -np N alog-mpi [options]`.
 *
 * MPI around the program frame (program.c): every rank parses the same
 * argv and reaches the same verdict without talking; rank 0 prints and
 * owns the output; after each step only rank 0 does, every rank takes
 * rank 0's code (one broadcast), so all ranks exit alike.  Whatever
 * happens every rank calls MPI_Finalize: no bare exit leaves a rank
 * hanging.
 */
#include <stdio.h>
#include <string.h>

#include "mpi_model.h"
#include "primes_mpi.h"
#include "program.h"

typedef struct world {
    MPI_Comm comm;
    int rank, size;
    alog_mpi_opts opts; /* the model's own options, filled by the parse */
    int lost;           /* rank 0: producer ranks cut off as stalled */
    int provided;       /* the thread level MPI granted */
    int64_t started_ns; /* before MPI_Init: start-up counts from here */
} world;

static int is_root(void *ctx)
{
    return ((const world *)ctx)->rank == 0;
}

static int agree(void *ctx, int code)
{
    const world *w = ctx;
    if (w->lost)
        return code; /* the others are past agreeing: see main */
    MPI_Bcast(&code, 1, MPI_INT, 0, w->comm);
    return code;
}

/* The level MPI granted, or for testing the one ALOG_TEST_MPI_THREAD
 * names (single, funneled, serialized, multiple): a hook, said on stderr
 * and in the report like every other. */
static int granted_level(int provided)
{
    const char *v = alog_hook("ALOG_TEST_MPI_THREAD");
    static const int levels[] = {MPI_THREAD_SINGLE, MPI_THREAD_FUNNELED,
                                 MPI_THREAD_SERIALIZED, MPI_THREAD_MULTIPLE};
    for (size_t i = 0; v != NULL && i < sizeof levels / sizeof *levels; i++)
        if (strcmp(v, alog_mpi_thread_name(levels[i])) == 0)
            return levels[i];
    return provided;
}

static int open_stdout(void *ctx, char *why, size_t len)
{
    (void)ctx;
    return alog_mpi_stdout_direct(why, len);
}

static int check_log(alog_config *cfg, const alog_diag *d, void *ctx,
                     char *err, size_t errlen)
{
    const world *w = ctx;
    if (w->size < 2) {
        snprintf(err, errlen, "%s: needs at least 2 ranks (mpirun -np N, "
                 "N >= 2): rank 0 collects, ranks 1..N-1 produce", d->prog);
        return ALOG_EINVAL;
    }
    /* Ask MPI what it granted: a level below what the mode needs is no
     * run to measure (every rank reaches this same verdict). */
    int need = alog_mpi_thread_needed(w->opts.collect);
    if (w->provided < need) {
        snprintf(err, errlen, "%s: MPI granted thread level %s, below the "
                 "%s that --collect %s needs", d->prog,
                 alog_mpi_thread_name(w->provided),
                 alog_mpi_thread_name(need),
                 alog_mpi_collect_name(w->opts.collect));
        return ALOG_EMPI;
    }
    /* The message starts with the program's name, like every check's. */
    char why[256];
    if (alog_mpi_check_config(cfg, &w->opts, why, sizeof why) == 0)
        return ALOG_OK;
    snprintf(err, errlen, "%s: %s", d->prog, why);
    return ALOG_EINVAL;
}

/* The log job: every rank runs it, rank 0 collects. */
static int run_log(const alog_config *cfg, const alog_run_io *io,
                   const alog_diag *d, void *ctx)
{
    world *w = ctx;
    /* Rank 0 says what failed (run.c); the others stay quiet. */
    alog_diag quiet = {.prog = d->prog, .f = NULL};
    return alog_run_mpi(cfg, &w->opts, w->comm, io,
                        w->rank == 0 ? d : &quiet, &w->lost, w->started_ns);
}

static int run_primes(const alog_config *cfg, const alog_run_io *io,
                      const alog_diag *d, void *ctx)
{
    /* one rank is enough for it */
    return alog_run_primes_mpi(cfg, ((const world *)ctx)->comm, io->out, d);
}

static const alog_program_job jobs[] = {
    {.job = ALOG_JOB_LOG, .check = check_log, .run = run_log},
    {.job = ALOG_JOB_PRIMES, .check = alog_primes_check_job, .run = run_primes},
    {.run = NULL},
};

int main(int argc, char **argv)
{
    int provided = 0;
    world w = {.comm = MPI_COMM_WORLD, .started_ns = alog_now_ns()};

    if (MPI_Init_thread(&argc, &argv, ALOG_MPI_THREAD_ASKED, &provided) !=
        MPI_SUCCESS) {
        fprintf(stderr, "alog-mpi: MPI_Init_thread failed\n");
        return 1;
    }
    w.provided = granted_level(provided);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &w.size);
    alog_signals_install();

    const alog_optset own = alog_mpi_optset(&w.opts);
    const alog_program prog = {
        .name = "alog-mpi",
        .model = ALOG_MODEL_MPI,
        .options = &own,
        .jobs = jobs,
        .is_root = is_root,
        .agree = agree,
        .open_stdout = open_stdout,
        .ctx = &w,
    };
    int status = alog_program_main(&prog, argc, argv);
    if (w.lost) {
        /* The report is written and closed; ranks that stalled or died
         * would hold MPI_Finalize forever: end the job from here. */
        fprintf(stderr, "alog-mpi: %d producer rank(s) cut off: "
                        "ending the job with MPI_Abort (the report is "
                        "complete)\n", w.lost);
        fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, status);
    }
    MPI_Finalize();
    return status;
}
