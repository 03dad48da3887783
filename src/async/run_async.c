/* run_async.c - the async model's entry point (alog_run_async), its
 * transports' registry, where the producer program is, and the header
 * keys every pipe transport writes. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "options_async.h"
#include "pipes.h"

#define REGISTRY_ENTRY(e, n) &alog_transport_##n,
const alog_transport *const alog_transports[] = {
    ALOG_READERS_MAP(REGISTRY_ENTRY) & alog_transport_dummy, NULL};

const alog_transport *const alog_async_transports[] = {
    ALOG_READERS_MAP(REGISTRY_ENTRY) NULL};

int alog_producer_path(char *buf, size_t cap)
{
    const char *env = alog_hook("ALOG_PRODUCER");
    if (env) {
        if (strlen(env) >= cap) {
            errno = ENAMETOOLONG;
            return ALOG_ESYS;
        }
        memcpy(buf, env, strlen(env) + 1);
        return 0;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return ALOG_ESYS;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash) {
        errno = ENOENT;
        return ALOG_ESYS;
    }
    *slash = '\0';
    if ((size_t)snprintf(buf, cap, "%s/alog-producer", self) >= cap) {
        errno = ENAMETOOLONG;
        return ALOG_ESYS;
    }
    return 0;
}

int alog__pipes_describe(alog_result *res, const alog_config *cfg,
                        const alog_run_env *env, const char *readers)
{
    int rc = alog_result_header(res, "readers", "%s", readers);
    if (rc == 0)
        rc = alog_result_header(res, "wire", "%s",
                                env->wire == ALOG_WIRE_BINARY
                                    ? "binary"
                                    : "text");
    if (rc == 0)
        rc = alog_oversubscribed(res, env->diag,
                                 alog_config_producers(cfg) + 1,
                                 "processes (producers and the collector)",
                                 alog_cores_usable());
    if (rc == 0)
        rc = alog_result_header(
            res, "cpu_window",
            "collector: this process from just before the first record due "
            "to the last one in; producers: their CPU to their exit less "
            "what each used before its first record was due "
            "(/proc/PID/schedstat, producers_startup_cpu_s)");
    return rc;
}

/* Open files a run of n children needs: a pipe each plus the epoll
 * descriptor, stdio, the report file and a spare pipe while starting. */
static rlim_t files_needed(unsigned n)
{
    return (rlim_t)n + 16;
}

int alog_run_async(const alog_config *cfg, const alog_async_opts *ao,
                   const alog_run_io *io, const alog_diag *diag)
{
    /* With commands, one producer each: the run counts them. */
    alog_config run = *cfg; /* shallow */
    unsigned n = ao->exec.n > 0 ? ao->exec.n : alog_config_producers(cfg);
    run.producers = n;
    run.foreign = ao->exec.n > 0;
    if (ao->exec.n > 0 && cfg->producers > 0 && cfg->producers != n) {
        /* Each command is one producer: a different count is a mistake. */
        alog_say(diag,
                 "--producers '%u': --exec gives %u producer(s), one per "
                 "command (see --help)",
                 cfg->producers, n);
        return ALOG_EINVAL;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < files_needed(n)) {
        /* The soft limit is often far below the hard one: raise it. */
        if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= files_needed(n)) {
            rl.rlim_cur = files_needed(n);
            (void)setrlimit(RLIMIT_NOFILE, &rl);
        }
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
            rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < files_needed(n)) {
            unsigned long long need = files_needed(n);
            unsigned long long lim = rl.rlim_cur;
            if (ao->exec.n > 0)
                alog_say(diag,
                         "--exec '%s': %u commands need %llu open files, the "
                         "limit is %llu (ulimit -n) (see --help)",
                         ao->exec.v[n - 1], n, need, lim);
            else
                alog_say(diag,
                         "--producers '%u': needs %llu open files, the limit "
                         "is %llu (ulimit -n) (see --help)",
                         n, need, lim);
            return ALOG_EINVAL;
        }
    }
    const alog_transport *t = alog_transport_find(
        alog_async_transports, alog_readers_name(ao->readers));
    if (t == NULL)
        return ALOG_EINVAL;
    alog_run_env env = {.model = "async", .diag = diag,
                        .journal = io->journal, .async = ao,
                        .wire = ao->wire};
    return alog_run_transport(t, &run, &env, io->out);
}
