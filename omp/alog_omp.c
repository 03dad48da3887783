/* alog_omp.c - thin main of the OpenMP model: parse, pick the transport
 * for --collect, run it through the generic collector run, exit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alog.h"
#include "options_main.h"
#include "alog_omp.h"
#include "primes.h"
#include "transport.h"

#define PROG "alog-omp"

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

/* Producers when -n is not given: OMP_NUM_THREADS, strictly parsed.
 * 0, or 2 after printing the one-line error. */
static int threads_from_env(alog_config *cfg)
{
    const char *v = bad_omp_threads ? bad_omp_threads
                                    : getenv("OMP_NUM_THREADS");
    if (!v)
        return 0;
    unsigned n;
    char why[64];
    if (alog_omp_parse_threads(v, &n, why, sizeof why) != 0) {
        fprintf(stderr, PROG ": OMP_NUM_THREADS '%s': %s (see --help)\n", v,
                why);
        return 2;
    }
    if (cfg->producers == 0)
        cfg->producers = n;
    return 0;
}

int main(int argc, char **argv)
{
    alog_config cfg;
    int quit = alog_options_main(&cfg, ALOG_MODEL_OMP, argc, argv);
    if (quit >= 0) /* --help, --version or a bad option */
        return quit;
    /* A bad OMP_NUM_THREADS is reported even with -n: it is bad input. */
    if (threads_from_env(&cfg) != 0) {
        alog_config_free(&cfg);
        return 2;
    }

    if (cfg.job == ALOG_JOB_PRIMES) {
        /* check, output, run, close: the same for every model */
        int status = alog_primes_program(&cfg, alog_run_primes_omp);
        alog_config_free(&cfg);
        return status;
    }

    const alog_transport *t = alog_omp_transport_for(cfg.collect);
    if (!t) {
        fprintf(stderr, PROG ": --collect: no such collector\n");
        alog_config_free(&cfg);
        return 2;
    }
    alog_output out;
    int rc = alog_output_open(&out, cfg.output);
    if (rc != 0) {
        fprintf(stderr, PROG ": --output '%s': %s\n", cfg.output,
                rc == ALOG_ESYS ? strerror(errno) : alog_strerror(rc));
        alog_config_free(&cfg);
        return 1;
    }
    /* run.c installs the signal handlers and prints its own errors. */
    alog_diag diag = {.prog = PROG, .f = stderr};
    alog_run_env env = {.model = "omp", .diag = &diag};
    rc = alog_run_transport(t, &cfg, &env, out.f);
    /* A report exists only for these outcomes; otherwise drop the file. */
    int written = rc == ALOG_OK || rc == ALOG_ESHORT || rc == ALOG_EINTR;
    int crc = alog_output_close(&out, written);
    if (written && crc != 0) {
        fprintf(stderr, PROG ": cannot write the report%s%s: %s\n",
                cfg.output ? " to " : "", cfg.output ? cfg.output : "",
                alog_strerror(crc));
        rc = ALOG_EIO;
    }
    alog_config_free(&cfg);
    return alog_exit_status(rc);
}
