/* program.c - the one program frame (see program.h): parse, check, open
 * the output, run the job, close, exit status.  The only place that
 * decides whether a report is kept and what a run's exit status is. */
#include "program.h"

#include <errno.h>
#include <string.h>

#include "journal.h"
#include "options.h"

static const char *const job_names[] = {
    [ALOG_JOB_LOG] = "log",
    [ALOG_JOB_PRIMES] = "primes",
};

static int is_root(const alog_program *p)
{
    return p->is_root == NULL || p->is_root(p->ctx);
}

/* Every rank ends a root-only step with the root's code. */
static int agree(const alog_program *p, int code)
{
    return p->agree != NULL ? p->agree(p->ctx, code) : code;
}

static const alog_program_job *find_job(const alog_program *p, int job)
{
    for (const alog_program_job *j = p->jobs; j != NULL && j->run; j++)
        if (j->job == job)
            return j;
    return NULL;
}

/* The outcomes whose report is worth keeping: a short or interrupted run
 * still says what it collected, and why it fell short. */
static int keeps_report(int rc)
{
    return rc == ALOG_OK || rc == ALOG_ESHORT || rc == ALOG_EINTR ||
           rc == ALOG_EFULL || rc == ALOG_ELOST;
}

static int open_output(const alog_program *p, alog_output *out,
                       const alog_config *cfg, const alog_diag *d)
{
    int to_stdout = cfg->output == NULL || strcmp(cfg->output, "-") == 0;
    char why[256] = "";
    if (to_stdout && p->open_stdout != NULL &&
        p->open_stdout(p->ctx, why, sizeof why) == ALOG_EIO) {
        alog_say(d, "cannot write the report to stdout: %s", why);
        return ALOG_EIO;
    }
    errno = 0;
    int rc = alog_output_open(out, cfg->output);
    if (rc == ALOG_EINVAL) /* bad input: a link someone else made */
        alog_say(d, "--output '%s': a symbolic link owned by uid %ld: not "
                    "followed (only your own or root's are; see --help)",
                 cfg->output, out->link_uid);
    else if (rc != ALOG_OK)
        alog_say(d, "--output '%s': %s", cfg->output ? cfg->output : "-",
                 alog_reason(rc, why, sizeof why));
    return rc;
}

/* --journal: created (or emptied) before anything runs; a path that
 * cannot be written, a symbolic link or the report's own file is bad
 * input (exit 2). */
static int open_journal(const alog_config *cfg, alog_journal **j,
                        const alog_output *out, const alog_diag *d)
{
    *j = NULL;
    if (cfg->journal == NULL || cfg->job != ALOG_JOB_LOG)
        return ALOG_OK;
    errno = 0;
    int rc = alog_journal_open(j, cfg->journal, alog_output_path(out), d);
    if (rc == ALOG_EINVAL)
        alog_say(d, "--journal '%s': is the report's file (--output): name "
                    "another file", cfg->journal);
    else if (rc == ALOG_ESYS && errno == ELOOP)
        alog_say(d, "--journal '%s': a symbolic link: not followed (name "
                    "the file itself; see --help)", cfg->journal);
    else if (rc != ALOG_OK)
        alog_say(d, "--journal '%s': %s", cfg->journal,
                 rc == ALOG_ESYS && errno ? strerror(errno)
                                          : alog_strerror(rc));
    return rc == ALOG_OK ? ALOG_OK : ALOG_EINVAL;
}

/* Close the output.  A report that cannot be finished (the job's write
 * failed: ALOG_EIO, or the close) turns the run into a failure (exit 1),
 * said here, once, with the file and why (alog_reason); any old file is
 * left as it was. */
static int close_output(alog_output *out, const alog_config *cfg,
                        const alog_diag *d, int rc)
{
    int keep = keeps_report(rc);
    int crc = alog_output_close(out, keep);
    if (keep && crc != ALOG_OK)
        rc = crc;
    if (rc == ALOG_EIO) {
        char why[256];
        alog_say(d, "cannot write the report to %s: %s",
                 cfg->output ? cfg->output : "stdout",
                 alog_reason(ALOG_EIO, why, sizeof why));
    }
    return rc;
}

/* A test hook set by accident would change the run unseen: name them. */
static void say_hooks(const alog_diag *d)
{
    char hooks[512];
    if (alog_hooks_describe(hooks, sizeof hooks) > 0)
        alog_say(d, "warning: test hooks set: %s (they change the run; the "
                    "report's test_hooks= names them)", hooks);
}

/* Check, open, run, close: the code of the run, the same on every rank. */
static int run_job(const alog_program *p, const alog_program_job *j,
                   alog_config *cfg, const alog_diag *d)
{
    const int root = is_root(p);
    /* Checks are collective verdicts: only the root says them. */
    const alog_diag quiet = {.prog = d->prog, .f = root ? d->f : NULL};
    char err[512] = "";
    int rc = j->check ? j->check(cfg, &quiet, p->ctx, err, sizeof err)
                      : ALOG_OK;
    if (rc != ALOG_OK) {
        if (root && err[0] != '\0')
            fprintf(d->f, "%s\n", err);
        return rc;
    }
    alog_output out = {0};
    alog_journal *journal = NULL;
    if (root)
        rc = open_output(p, &out, cfg, d);
    if (root && rc == ALOG_OK) {
        rc = open_journal(cfg, &journal, &out, d);
        if (rc != ALOG_OK)
            (void)alog_output_close(&out, 0);
    }
    rc = agree(p, rc);
    if (rc != ALOG_OK)
        return rc;
    const alog_run_io io = {.out = root ? out.f : NULL, .journal = journal};
    rc = j->run(cfg, &io, d, p->ctx);
    /* A journal that failed was said when it failed: the run went on. */
    (void)alog_journal_close(journal);
    if (root)
        rc = close_output(&out, cfg, d, rc);
    return agree(p, rc);
}

int alog_program_main(const alog_program *p, int argc, char **argv)
{
    const alog_diag d = {.prog = p->name, .f = stderr};
    const int root = is_root(p);
    alog_config cfg;
    char err[512];
    int verdict = alog_options_parse(&cfg, p->model, p->options, argc, argv,
                                     err, sizeof err);
    int status = alog_options_verdict(verdict, p->model, p->options, p->name,
                                      argc > 0 ? argv[0] : NULL, err, root);
    if (status < 0) {
        const alog_program_job *j = find_job(p, cfg.job);
        if (j == NULL) {
            if (root)
                alog_say(&d, "the %s job is not part of this program "
                             "(see --help)", job_names[cfg.job]);
            status = 2;
        } else {
            /* A producer's collector said them: its children need not. */
            if (root && p->model != ALOG_MODEL_PRODUCER)
                say_hooks(&d);
            status = alog_exit_status(run_job(p, j, &cfg, &d));
        }
    }
    fflush(stdout);
    fflush(stderr);
    alog_config_free(&cfg);
    if (p->options != NULL && p->options->fini != NULL)
        p->options->fini(p->options->base);
    return status;
}
