/* report_header.c - the report's `# key=value` lines that every job
 * shares, and the log job's. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report_sections.h"

static const char *const format_names[] = {
    [ALOG_FMT_TABLE] = "table", [ALOG_FMT_CSV] = "csv",
    [ALOG_FMT_JSON] = "json"};

/* ---- header ------------------------------------------------------------- */

int alog_report_header_common(alog_result *res, const char *model,
                              const char *job, const char *clock)
{
    char host[256] = "unknown";
    if (gethostname(host, sizeof host) != 0)
        strcpy(host, "unknown");
    host[sizeof host - 1] = '\0';

    char started[32] = "unknown";
    time_t now = time(NULL);
    struct tm tm;
    if (now != (time_t)-1 && gmtime_r(&now, &tm) != NULL)
        strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    /* Stop at the first failure (only ENOMEM can happen). */
    int rc = alog_result_header(res, "alog", "%s", ALOG_VERSION);
    rc = rc ? rc : alog_result_header(res, "model", "%s", model);
    rc = rc ? rc : alog_result_header(res, "job", "%s", job);
    rc = rc ? rc : alog_result_header(res, "clock", "%s", clock);
    rc = rc ? rc : alog_result_header(res, "host", "%s", host);
    rc = rc ? rc : alog_result_header(res, "cores", "%ld", cores);
    rc = rc ? rc : alog_result_header(res, "pid", "%ld", (long)getpid());
    rc = rc ? rc : alog_result_header(res, "started", "%s", started);
    char hooks[512];
    if (rc == 0 && alog_hooks_describe(hooks, sizeof hooks) > 0)
        rc = alog_result_header(res, "test_hooks", "%s", hooks);
    return rc;
}

int alog_report_header_std(alog_result *res, const alog_config *cfg,
                           const char *model, const char *clock)
{
    /* The intervals as given (%g gives back "0.2" for 0.2), or the rate. */
    size_t cap = 32 + 24 * (size_t)cfg->n_intervals;
    char *iv = malloc(cap);
    if (iv == NULL)
        return ALOG_ENOMEM;
    iv[0] = '\0';
    if (cfg->rate > 0) {
        snprintf(iv, cap, "rate=%g", cfg->rate);
    } else {
        size_t n = 0;
        for (unsigned i = 0; i < cfg->n_intervals && n < cap; i++) {
            int w = snprintf(iv + n, cap - n, "%s%g", i ? "," : "",
                             cfg->intervals[i]);
            if (w < 0)
                break;
            n += (size_t)w;
        }
    }

    int fmt = cfg->format >= 0 && cfg->format <= ALOG_FMT_JSON ?
              cfg->format : ALOG_FMT_TABLE;
    int rc = alog_report_header_common(
        res, model, cfg->job == ALOG_JOB_PRIMES ? "primes" : "log", clock);
    rc = rc ? rc : alog_result_header(res, "producers", "%u",
                                      alog_config_producers(cfg));
    rc = rc ? rc : alog_result_header(res, "intervals", "%s", iv);
    rc = rc ? rc : alog_result_header(res, "count", "%llu",
                                      (unsigned long long)cfg->count);
    rc = rc ? rc : alog_result_header(res, "duration", "%g", cfg->duration);
    rc = rc ? rc : alog_result_header(res, "phase", "%s",
                                      cfg->phase == ALOG_PHASE_ALIGNED
                                          ? "aligned"
                                          : "spread");
    rc = rc ? rc : alog_result_header(res, "payload", "%u", cfg->payload);
    rc = rc ? rc : alog_result_header(res, "work", "%llu",
                                      (unsigned long long)cfg->work);
    rc = rc ? rc : alog_result_header(res, "format", "%s", format_names[fmt]);
    if (cfg->journal != NULL)
        rc = rc ? rc : alog_result_header(res, "journal", "%s", cfg->journal);
    free(iv);
    return rc;
}

