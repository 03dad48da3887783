/* alog-async - the async I/O model: child producers on pipes, one
 * collector (an epoll loop or a reader thread per pipe).  Thin main: parse,
 * open the output, run, close, exit with alog_exit_status. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alog.h"
#include "options_main.h"
#include "primes.h"

int main(int argc, char **argv)
{
    alog_config cfg;
    char err[512];
    int quit = alog_options_main(&cfg, ALOG_MODEL_ASYNC, argc, argv);
    if (quit >= 0) /* --help, --version or a bad option */
        return quit;

    alog_output out;
    int rc = alog_output_open(&out, cfg.output);
    if (rc != 0) {
        fprintf(stderr, "alog-async: --output '%s': %s\n", cfg.output,
                rc == ALOG_ESYS ? strerror(errno) : alog_strerror(rc));
        alog_config_free(&cfg);
        return 1;
    }

    if (cfg.job == ALOG_JOB_PRIMES) {
        rc = alog_primes_check(&cfg, err, sizeof err);
        if (rc != ALOG_OK)
            fprintf(stderr, "%s\n", err);
        else
            rc = alog_run_primes_async(&cfg, out.f);
        if (rc != ALOG_OK && rc != ALOG_EINVAL && rc != ALOG_ESHORT &&
            rc != ALOG_EINTR)
            fprintf(stderr, "alog-async: primes: %s\n", alog_strerror(rc));
    } else {
        alog_diag diag = {.prog = "alog-async", .f = stderr};
        rc = alog_run_async(&cfg, out.f, &diag);
    }

    /* A report exists only for these outcomes; otherwise drop the file. */
    int written = rc == ALOG_OK || rc == ALOG_ESHORT || rc == ALOG_EINTR;
    int crc = alog_output_close(&out, written);
    if (written && crc != 0) {
        fprintf(stderr, "alog-async: cannot write the report%s%s: %s\n",
                cfg.output ? " to " : "", cfg.output ? cfg.output : "",
                alog_strerror(crc));
        rc = ALOG_EIO;
    }
    alog_config_free(&cfg);
    return alog_exit_status(rc);
}
