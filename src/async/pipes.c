/* pipes.c - the children of one async run: starting the producers (or
 * --exec commands) with a common schedule, watching them for silence and
 * the duration's end, stopping them, and what they cost.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "pipes.h"

/* A bigger pipe lets an unthrottled producer run ahead while the
 * collector parses: fewer wake-ups and context switches per record. */
#define BIG_PIPE_BYTES (1 << 20)
#define BIG_PIPE_MANY (256 << 10) /* per pipe when there are many */
#define BIG_PIPE_LIMIT 64          /* producers above which pipes shrink */
/* How long before record 0 the children's start-up CPU is read. */
#define PRESTART_NS 2000000

/* Seconds with all nine decimals: the child gets back the exact ns. */
static void fmt_seconds(char *buf, size_t cap, int64_t ns)
{
    snprintf(buf, cap, "%" PRId64 ".%09" PRId64, ns / 1000000000,
             ns % 1000000000);
}

static int spawn_producer(alog__child *c, const char *path,
                          const alog_config *cfg, int wire, unsigned i,
                          unsigned n, int64_t start_ns, int flags)
{
    char a_id[16], a_int[32], a_count[24], a_dur[40], a_payload[16],
        a_work[24], a_fail[24], a_start[24];
    char *argv[24];
    int k = 0;
    int64_t interval = alog_config_interval_ns(cfg, i);

    argv[k++] = (char *)path;
    snprintf(a_id, sizeof a_id, "%u", i);
    argv[k++] = "--id";
    argv[k++] = a_id;
    fmt_seconds(a_int, sizeof a_int, interval);
    argv[k++] = "--interval";
    argv[k++] = a_int;
    if (cfg->count > 0) {
        snprintf(a_count, sizeof a_count, "%" PRIu64, cfg->count);
        argv[k++] = "--count";
        argv[k++] = a_count;
    }
    if (cfg->duration > 0) {
        snprintf(a_dur, sizeof a_dur, "%.17g", cfg->duration);
        argv[k++] = "--duration";
        argv[k++] = a_dur;
    }
    argv[k++] = "--wire";
    argv[k++] = wire == ALOG_WIRE_BINARY ? "binary" : "text";
    if (cfg->clock != ALOG_CLOCK_MONOTONIC) {
        argv[k++] = "--clock";
        argv[k++] = cfg->clock == ALOG_CLOCK_TSC ? "tsc" : "auto";
    }
    snprintf(a_payload, sizeof a_payload, "%u", cfg->payload);
    argv[k++] = "--payload";
    argv[k++] = a_payload;
    if (cfg->work > 0) {
        snprintf(a_work, sizeof a_work, "%" PRIu64, cfg->work);
        argv[k++] = "--work";
        argv[k++] = a_work;
    }
    if (cfg->fail_after >= 0 && i == n - 1) {
        snprintf(a_fail, sizeof a_fail, "%" PRId64, cfg->fail_after);
        argv[k++] = "--fail-after";
        argv[k++] = a_fail;
    }
    snprintf(a_start, sizeof a_start, "%" PRId64,
             start_ns + alog_config_phase_ns(cfg, i));
    argv[k++] = "--start-ns";
    argv[k++] = a_start;
    argv[k] = NULL;

    int pipe_bytes = interval > 0            ? 0
                     : n > BIG_PIPE_LIMIT    ? BIG_PIPE_MANY
                                             : BIG_PIPE_BYTES;
    return alog__spawn_argv(c, argv, flags, pipe_bytes);
}

/* Child i could not start: say which and why, end the ones before it. */
static int start_failed(alog__pipes *p, const alog_async_opts *ao,
                        unsigned i, const char *path, int rc)
{
    int e = errno;
    char why[256];
    alog_say(p->diag, "cannot start producer %u (%s): %s", i,
             p->foreign ? ao->exec.v[i] : path,
             alog_reason(rc, why, sizeof why));
    for (unsigned j = 0; j < i; j++) {
        close(p->child[j].fd);
        p->child[j].fd = -1;
        alog__child_signal(&p->child[j], SIGKILL);
    }
    alog__children_reap(p->child, i, 0);
    (void)alog__reaper_end(p->reaper_was, p->diag);
    free(p->child);
    p->child = NULL;
    errno = e;
    return rc;
}

/* Child i is up: where it is, and from when its silence counts (the first
 * record's due time; a command's from its start). */
static void started(alog__pipes *p, const alog_config *cfg,
                    const alog_async_opts *ao, alog_result *res, unsigned i,
                    int64_t start_ns)
{
    char where[64];
    snprintf(where, sizeof where, "pid %ld", (long)p->child[i].pid);
    /* "where" is decoration: a failed copy loses nothing */
    (void)alog_result_set_where(res, i,
                                p->foreign ? ao->exec.v[i] : where);
    alog_result_set_origin(res, i, p->child[i].pid);
    p->child[i].stall_ns = alog_config_stall_ns(cfg, i);
    p->child[i].heard_ns = p->foreign ? alog_now_ns() : start_ns;
}

/* Before anything starts: what --exec commands are held to, and that the
 * producer program is there and runnable. */
static int prepare(alog__pipes *p, const alog_config *cfg, char *path,
                   size_t cap)
{
    if (p->foreign) {
        /* The original ended each sender after its count: so do we. */
        int64_t dur_ns = 0;
        p->quota = cfg->count;
        if (cfg->duration > 0 &&
            alog_seconds_to_ns(cfg->duration, &dur_ns) == 0)
            p->end_ns = alog_now_ns() + dur_ns;
        return 0;
    }
    if (alog_producer_path(path, cap) != 0) {
        alog_say(p->diag, "cannot find alog-producer: %s", strerror(errno));
        return ALOG_ESYS;
    }
    if (access(path, X_OK) != 0) {
        alog_say(p->diag, "cannot run '%s': %s (set ALOG_PRODUCER)", path,
                 strerror(errno));
        return ALOG_ESYS;
    }
    return 0;
}

/* Up to just before record 0 is due (nothing can come earlier), then what
 * each child spent starting (exec, loading) is taken out of the producers'
 * CPU.  Read before the window, so it costs it nothing. */
static void take_startup_cpu(alog__pipes *p, int64_t start_ns)
{
    (void)alog_sleep_until(start_ns - PRESTART_NS, alog_stop_flag());
    for (unsigned i = 0; i < p->n; i++) {
        int64_t ns = alog__proc_cpu_ns((long)p->child[i].pid);
        p->startup_cpu_ns += ns > 0 ? ns : 0;
    }
}

int alog__pipes_start(alog__pipes *p, const alog_config *cfg,
                      const alog_async_opts *ao, alog_result *res, int flags,
                      const alog_diag *d)
{
    char path[4096] = "";
    memset(p, 0, sizeof *p);
    p->n = alog_result_producers(res);
    p->diag = d;
    p->foreign = ao->exec.n > 0;
    if (p->n == 0)
        return ALOG_EINVAL;
    int rc = prepare(p, cfg, path, sizeof path);
    if (rc != 0)
        return rc;
    p->child = calloc(p->n, sizeof *p->child);
    if (!p->child)
        return ALOG_ENOMEM;
    for (unsigned i = 0; i < p->n; i++)
        p->child[i].fd = -1;
    /* What the children start becomes ours when they end before it. */
    p->reaper_was = alog__reaper_begin();
    p->kids0_ns = alog__rusage_ns(RUSAGE_CHILDREN);

    /* Record 0 of every producer is due at the same instant (before its
     * phase), far enough ahead that the last child is up by then. */
    int64_t lead = 30000000 + (int64_t)p->n * 5000000;
    if (lead > 3000000000LL)
        lead = 3000000000LL;
    int64_t start_ns = alog_now_ns() + lead;
    for (unsigned i = 0; i < p->n; i++) {
        rc = p->foreign
                 ? alog__spawn_shell(&p->child[i], ao->exec.v[i], flags)
                 : spawn_producer(&p->child[i], path, cfg, ao->wire, i, p->n, start_ns,
                                  flags);
        if (rc != 0)
            return start_failed(p, ao, i, path, rc);
        started(p, cfg, ao, res, i, start_ns);
    }
    int64_t dur_ns = 0;
    if (!p->foreign && cfg->duration > 0 &&
        alog_seconds_to_ns(cfg->duration, &dur_ns) == 0)
        p->deadline_ns = start_ns + alog_config_phase_ns(cfg, p->n - 1) +
                         dur_ns + ALOG__GRACE_NS;
    if (p->foreign) { /* no schedule: the window opens with them */
        alog_result_set_window_start(res, alog_now_ns());
        return 0;
    }
    alog_result_set_schedule(res, start_ns);
    take_startup_cpu(p, start_ns);
    return 0;
}

void alog__pipes_stop(alog__pipes *p)
{
    p->cut = 1; /* also for one that ended on its closed pipe before this */
    for (unsigned i = 0; i < p->n; i++)
        if (alog__child_poll(&p->child[i]) == 0)
            alog__child_signal(&p->child[i], SIGTERM);
}

uint32_t alog__pipes_wire_id(const alog__pipes *p, unsigned i)
{
    return p->foreign ? i : (uint32_t)p->child[i].pid;
}

void alog__pipes_enough(alog__pipes *p, unsigned i, uint64_t records)
{
    if (i < p->n && records != p->child[i].heard) {
        p->child[i].heard = records;
        p->child[i].heard_ns = alog_now_ns();
    }
    if (p->foreign && p->quota > 0 && records >= p->quota && i < p->n &&
        !p->child[i].signalled) {
        p->child[i].planned = 1;
        alog__child_signal(&p->child[i], SIGTERM);
    }
}

/* --exec: at the duration's end every command is told to end; one that
 * ignores SIGTERM gets SIGKILL after the grace period. */
static void end_commands(alog__pipes *p)
{
    int64_t now = alog_now_ns();
    for (unsigned i = 0; i < p->n; i++) {
        alog__child *c = &p->child[i];
        if (p->end_ns > 0 && now >= p->end_ns && !c->signalled) {
            c->planned = 1;
            alog__child_signal(c, SIGTERM);
        }
        if (c->signalled && !c->killed && !c->reaped &&
            now - c->signal_ns >= ALOG__GRACE_NS &&
            alog__child_poll(c) == 0)
            alog__child_signal(c, SIGKILL);
    }
}

/* Cut child i off: it stays in the report with what it sent, as stalled.
 * SIGKILL, as a stopped process would not act on SIGTERM. */
static void cut_off(alog__pipes *p, unsigned i, const char *why)
{
    alog__child *c = &p->child[i];
    c->stalled = 1;
    c->planned = 1;
    alog_say(p->diag, "producer %u (pid %ld) %s: cut off as stalled, "
                      "%llu records kept",
             i, (long)c->pid, why, (unsigned long long)c->heard);
    alog__child_signal(c, SIGKILL);
}

/* Stalls and the collector's own end of a run by time. */
static void watch(alog__pipes *p)
{
    int64_t now = alog_now_ns();
    for (unsigned i = 0; i < p->n; i++) {
        alog__child *c = &p->child[i];
        if (c->stalled || c->killed || c->reaped || c->fd < 0)
            continue;
        char why[96];
        int silent = c->stall_ns > 0 && now - c->heard_ns > c->stall_ns;
        int late = p->deadline_ns > 0 && now >= p->deadline_ns;
        /* One that has ended is not stalled: its pipe's end is coming. */
        if (!(silent || late) || alog__child_poll(c) != 0)
            continue;
        if (silent) {
            snprintf(why, sizeof why, "silent for %.1f s (--stall-timeout)",
                     (double)(now - c->heard_ns) / 1e9);
            cut_off(p, i, why);
        } else {
            snprintf(why, sizeof why, "still running %.1f s after "
                                      "--duration",
                     (double)ALOG__GRACE_NS / 1e9);
            cut_off(p, i, why);
        }
    }
}

int alog__pipes_check_stop(alog__pipes *p, const atomic_int *stop)
{
    if (!p->stopping)
        watch(p);
    if (p->foreign && !p->stopping)
        end_commands(p);
    /* Past the deadline and a grace period, a pipe still open is held by
     * something that was not ours to kill: stop waiting for it. */
    if (!p->stopping && p->deadline_ns > 0 &&
        alog_now_ns() >= p->deadline_ns + 2 * ALOG__GRACE_NS)
        return 1;
    if (!p->stopping) {
        if (!stop || atomic_load(stop) == 0)
            return 0;
        p->stopping = 1;
        p->stop_ns = alog_now_ns();
        for (unsigned i = 0; i < p->n; i++) {
            alog__child_poll(&p->child[i]);
            alog__child_signal(&p->child[i], SIGTERM);
        }
        return 0;
    }
    int64_t since = alog_now_ns() - p->stop_ns;
    if (since >= ALOG__GRACE_NS) {
        for (unsigned i = 0; i < p->n; i++)
            if (alog__child_poll(&p->child[i]) == 0 && !p->child[i].killed)
                alog__child_signal(&p->child[i], SIGKILL);
    }
    return since >= 2 * ALOG__GRACE_NS;
}

void alog__pipes_close(alog__pipes *p, alog_result *res)
{
    if (!p->child)
        return;
    /* A pipe still open here will not be read again: closing it first
     * ends a writer with EPIPE instead of leaving it blocked. */
    for (unsigned i = 0; i < p->n; i++) {
        if (p->child[i].fd >= 0)
            close(p->child[i].fd);
        p->child[i].fd = -1;
    }
    /* After end-of-file a child is normally exiting already. */
    alog__children_reap(p->child, p->n, alog_now_ns() + ALOG__GRACE_NS);
    for (unsigned i = 0; i < p->n; i++)
        alog__child_status(&p->child[i], res, i, p->stopping || p->cut);
    (void)alog__reaper_end(p->reaper_was, p->diag);
    int64_t all = alog__rusage_ns(RUSAGE_CHILDREN) - p->kids0_ns;
    int64_t win = all > p->startup_cpu_ns ? all - p->startup_cpu_ns : 0;
    (void)alog_result_counter(res, ALOG_PRODUCERS_CPU, (double)win / 1e9);
    (void)alog_result_counter(res, "producers_startup_cpu_s",
                              (double)p->startup_cpu_ns / 1e9);
    free(p->child);
    p->child = NULL;
}
