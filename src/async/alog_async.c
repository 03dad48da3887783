/* alog-async - the async I/O model: child producers on pipes, one
 * collector (an epoll loop, a reader thread per pipe or an io_uring loop);
 * its primes job interleaves tasks on one thread or runs child processes.
 * Thin main: the program frame (program.c) does parse, output, run and
 * exit status. */
#include "alog.h"
#include "options_async.h"
#include "primes.h"
#include "program.h"

/* The log job: children on pipes, through the generic collector run. */
static int run_log(const alog_config *cfg, const alog_run_io *io,
                   const alog_diag *d, void *ctx)
{
    return alog_run_async(cfg, ctx, io, d);
}

static int run_primes(const alog_config *cfg, const alog_run_io *io,
                      const alog_diag *d, void *ctx)
{
    (void)ctx;
    return alog_run_primes_async(cfg, io->out, d);
}

static const alog_program_job jobs[] = {
    {.job = ALOG_JOB_LOG, .run = run_log},
    {.job = ALOG_JOB_PRIMES, .check = alog_primes_check_job, .run = run_primes},
    {.run = NULL},
};

int main(int argc, char **argv)
{
    alog_async_opts opts;
    const alog_optset own = alog_async_optset(&opts);
    const alog_program prog = {
        .name = "alog-async",
        .model = ALOG_MODEL_ASYNC,
        .options = &own,
        .jobs = jobs,
        .ctx = &opts,
    };
    return alog_program_main(&prog, argc, argv);
}
