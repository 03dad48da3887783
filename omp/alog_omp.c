/* alog_omp.c - thin main of the OpenMP model: its jobs for the program
 * frame (program.c).  The log job runs the transport for --collect
 * through the generic collector run; the primes job the parts as the
 * threads of one team. */
#include <stdio.h>
#include <stdlib.h>

#include "alog.h"
#include "omp_model.h"
#include "primes.h"
#include "primes_omp.h"
#include "program.h"
#include "transport.h"

/* OMP_NUM_THREADS as found at startup when our strict parse rejects it.
 * libgomp reads the variable in its constructor, before main, and prints
 * its own "Invalid value" line for one it cannot use; we report the value
 * ourselves in one line, so a rejected value is taken out of the
 * environment first.  Executables' .preinit_array functions run before
 * any shared library constructor, which is the only point early enough. */
static const char *bad_omp_threads;

static int is_threads_number(const char *s)
{
    /* The same rule as alog_omp_parse_threads, without libc: this runs
     * before the C library's own constructors. */
    if (*s == '\0')
        return 0;
    unsigned long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > ALOG_OMP_THREADS_MAX)
            return 0;
    }
    return v >= 1;
}

__attribute__((no_sanitize_address, no_sanitize_thread,
               no_sanitize_undefined)) static void
take_bad_omp_threads(int argc, char **argv, char **envp)
{
    static const char name[] = "OMP_NUM_THREADS=";
    (void)argc;
    (void)argv;
    for (char **e = envp; e && *e; e++) {
        size_t i = 0;
        while (name[i] && (*e)[i] == name[i])
            i++;
        if (name[i] != '\0')
            continue;
        if (!is_threads_number(*e + i)) {
            bad_omp_threads = *e + i;
            for (char **d = e; *d; d++) /* unsetenv, by hand */
                d[0] = d[1];
        }
        return;
    }
}

__attribute__((section(".preinit_array"), used)) static void (
    *const take_bad_omp_threads_p)(int, char **, char **) =
    take_bad_omp_threads;

/* Producers when -n is not given: OMP_NUM_THREADS, strictly parsed.  A
 * bad value is reported even with -n, and for either job: it is bad
 * input.  0, or ALOG_EINVAL with the one-line message in err. */
static int threads_from_env(alog_config *cfg, const alog_diag *d, char *err,
                            size_t errlen)
{
    const char *v = bad_omp_threads ? bad_omp_threads
                                    : getenv("OMP_NUM_THREADS");
    if (!v)
        return 0;
    unsigned n;
    char why[64];
    if (alog_omp_parse_threads(v, &n, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: OMP_NUM_THREADS '%s': %s (see --help)",
                 d->prog, v, why);
        return ALOG_EINVAL;
    }
    if (cfg->producers == 0)
        cfg->producers = n;
    return 0;
}

static int check_log(alog_config *cfg, const alog_diag *d, void *ctx,
                     char *err, size_t errlen)
{
    const alog_omp_opts *opts = ctx;
    int rc = threads_from_env(cfg, d, err, errlen);
    if (rc == 0 && alog_omp_transport_for(opts->collect) == NULL) {
        snprintf(err, errlen, "%s: --collect: no such collector", d->prog);
        rc = ALOG_EINVAL;
    }
    return rc;
}

/* The log job through the generic collector run. */
static int run_log(const alog_config *cfg, const alog_run_io *io,
                   const alog_diag *d, void *ctx)
{
    const alog_omp_opts *opts = ctx;
    /* run.c installs the signal handlers and says its own errors on d. */
    alog_run_env env = {.model = "omp", .diag = d, .journal = io->journal,
                        .omp = opts};
    return alog_run_transport(alog_omp_transport_for(opts->collect), cfg,
                              &env, io->out);
}

static int check_primes(alog_config *cfg, const alog_diag *d, void *ctx,
                        char *err, size_t errlen)
{
    int rc = threads_from_env(cfg, d, err, errlen);
    return rc != 0 ? rc : alog_primes_check_job(cfg, d, ctx, err, errlen);
}

static int run_primes(const alog_config *cfg, const alog_run_io *io,
                      const alog_diag *d, void *ctx)
{
    (void)ctx;
    return alog_run_primes_omp(cfg, io->out, d);
}

static const alog_program_job jobs[] = {
    {.job = ALOG_JOB_LOG, .check = check_log, .run = run_log},
    {.job = ALOG_JOB_PRIMES, .check = check_primes, .run = run_primes},
    {.run = NULL},
};

int main(int argc, char **argv)
{
    alog_omp_opts opts;
    const alog_optset own = alog_omp_optset(&opts);
    const alog_program prog = {
        .name = "alog-omp",
        .model = ALOG_MODEL_OMP,
        .options = &own,
        .jobs = jobs,
        .ctx = &opts,
    };
    return alog_program_main(&prog, argc, argv);
}
