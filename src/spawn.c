/* spawn.c - starting child processes on pipes (spawned programs, or forked
 * workers of the primes job), ending and reaping them.
 *
 * posix_spawn (vfork-like in glibc) keeps starting cheap however much
 * memory the collector holds, and is safe next to reader threads.  Every
 * pipe is created O_CLOEXEC so a child inherits only its own write end
 * (as stdout), never its siblings' pipes: an end-of-file then means that
 * child is done; and every descriptor above stderr is closed in the child
 * (also those the collector inherited).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alog_spawn.h"
#include "transport.h"

extern char **environ;

/* A bigger pipe lets an unthrottled producer run ahead while the
 * collector parses: fewer wake-ups and context switches per record. */
#define BIG_PIPE_BYTES (1 << 20)
#define BIG_PIPE_MANY (256 << 10) /* per pipe when there are many */
#define BIG_PIPE_LIMIT 64          /* producers above which pipes shrink */
/* How long before record 0 the children's start-up CPU is read. */
#define PRESTART_NS 2000000

/* A pipe whose write end is above stderr (dup2 onto 1 only clears
 * close-on-exec when the numbers differ; a parent started with stdout
 * closed could hand us fd 1 itself).  0 or ALOG_ESYS. */
static int child_pipe(int p[2], int pipe_bytes)
{
    if (pipe2(p, O_CLOEXEC) != 0)
        return alog_fail(ALOG_ESYS, "pipe2");
    if (p[1] <= STDERR_FILENO) {
        int w = fcntl(p[1], F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
        if (w < 0) {
            int rc = alog_fail(ALOG_ESYS, "fcntl");
            close(p[0]);
            close(p[1]);
            return rc;
        }
        close(p[1]);
        p[1] = w;
    }
    if (pipe_bytes > 0)
        (void)fcntl(p[0], F_SETPIPE_SZ, pipe_bytes); /* best effort */
    return 0;
}

/* posix_spawn argv with stdout on fd out, stdin from /dev/null and the
 * signals the collector changed back at their defaults.  An errno value. */
static int spawn_on(pid_t *pid, char *const argv[], int out, int group)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc != 0)
        return rc;
    rc = posix_spawnattr_init(&at);
    if (rc != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return rc;
    }
    /* The collector ignores SIGPIPE and catches SIGINT/SIGTERM; an ignored
     * signal would stay ignored across exec, so give children defaults. */
    sigset_t def, none;
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    sigaddset(&def, SIGHUP);
    sigaddset(&def, SIGCHLD);
    sigemptyset(&none);
    rc = posix_spawn_file_actions_adddup2(&fa, out, STDOUT_FILENO);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
                                              O_RDONLY, 0);
    /* A child sees stdin, its pipe and stderr, nothing else: not the
     * report, the journal or what our own parent left open to us. */
    if (rc == 0)
        rc = posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
    if (rc == 0)
        rc = posix_spawnattr_setsigdefault(&at, &def);
    if (rc == 0)
        rc = posix_spawnattr_setsigmask(&at, &none);
    if (rc == 0)
        rc = posix_spawnattr_setpgroup(&at, 0); /* used with the flag only */
    if (rc == 0)
        rc = posix_spawnattr_setflags(
            &at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
                     (group ? POSIX_SPAWN_SETPGROUP : 0));
    if (rc == 0)
        rc = posix_spawn(pid, argv[0], &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    return rc;
}

static int spawn_fd(alog_child *c, char *const argv[], int flags,
                    int pipe_bytes)
{
    int p[2];
    memset(c, 0, sizeof *c);
    c->fd = -1;
    if (child_pipe(p, pipe_bytes) != 0)
        return ALOG_ESYS;
    pid_t pid = 0;
    int rc = spawn_on(&pid, argv, p[1], (flags & ALOG_SPAWN_GROUP) != 0);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        errno = rc;
        return alog_fail(ALOG_ESYS, "posix_spawn");
    }
    c->pid = pid;
    c->fd = p[0];
    c->group = (flags & ALOG_SPAWN_GROUP) != 0;
    if ((flags & ALOG_SPAWN_NONBLOCK) &&
        fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK) != 0) {
        int e = errno;
        close(c->fd);
        c->fd = -1;
        alog_child_signal(c, SIGKILL);
        alog_children_reap(c, 1, 0);
        errno = e;
        return alog_fail(ALOG_ESYS, "fcntl");
    }
    return 0;
}

int alog_spawn_argv(alog_child *c, char *const argv[], int flags)
{
    return spawn_fd(c, argv, flags,
                    (flags & ALOG_SPAWN_BIGPIPE) ? BIG_PIPE_BYTES : 0);
}

int alog_spawn_shell(alog_child *c, const char *cmd, int flags)
{
    char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
    return alog_spawn_argv(c, argv, flags | ALOG_SPAWN_GROUP);
}

int alog_spawn_fork(alog_child *c, unsigned k, alog_child_fn fn, void *arg)
{
    int p[2];
    memset(&c[k], 0, sizeof c[k]);
    c[k].fd = -1;
    if (pipe2(p, O_CLOEXEC) != 0)
        return alog_fail(ALOG_ESYS, "pipe2");
    pid_t pid = fork();
    if (pid < 0) {
        int rc = alog_fail(ALOG_ESYS, "fork");
        close(p[0]);
        close(p[1]);
        return rc;
    }
    if (pid == 0) {
        /* Only the parent holds read ends: an end of file then means
         * exactly that child is done. */
        for (unsigned j = 0; j < k; j++)
            if (c[j].fd >= 0)
                close(c[j].fd);
        close(p[0]);
        _exit(fn(arg, k, p[1]));
    }
    close(p[1]);
    c[k].pid = pid;
    c[k].fd = p[0];
    return 0;
}

int alog_child_signal(alog_child *c, int sig)
{
    if (c->pid <= 0 || c->reaped)
        return 0;
    if (!c->signalled)
        c->signal_ns = alog_now_ns();
    c->signalled = 1;
    if (sig == SIGKILL)
        c->killed = 1;
    /* A zombie keeps its pid until reaped, so this cannot hit a stranger;
     * its group (a shell's commands) goes down with it. */
    if (c->group)
        (void)kill(-c->pid, sig);
    if (kill(c->pid, sig) != 0 && errno != ESRCH)
        return ALOG_ESYS;
    return 0;
}

int alog_child_poll(alog_child *c)
{
    if (c->pid <= 0 || c->reaped)
        return 1;
    for (;;) {
        int st;
        pid_t r = waitpid(c->pid, &st, WNOHANG);
        if (r == c->pid) {
            c->reaped = 1;
            c->wstatus = st;
            return 1;
        }
        if (r == 0)
            return 0;
        if (errno == EINTR)
            continue;
        /* ECHILD: someone else reaped it (SIGCHLD ignored?); call it done. */
        c->reaped = 1;
        c->wstatus = 0;
        return errno == ECHILD ? 1 : ALOG_ESYS;
    }
}

/* Poll every child until none runs or the deadline passes; returns how
 * many still run. */
static unsigned wait_until(alog_child *c, unsigned n, int64_t deadline_ns)
{
    int64_t nap = 100000; /* 0.1 ms, doubling: quick for the common case */
    for (;;) {
        unsigned running = 0;
        for (unsigned i = 0; i < n; i++)
            if (alog_child_poll(&c[i]) == 0)
                running++;
        int64_t now = alog_now_ns();
        if (running == 0 || now >= deadline_ns)
            return running;
        int64_t left = deadline_ns - now;
        /* An interrupted nap is fine: the loop is on a deadline. */
        alog_sleep_for(nap < left ? nap : left, NULL);
        if (nap < 10000000)
            nap *= 2;
    }
}

void alog_children_reap(alog_child *c, unsigned n, int64_t deadline_ns)
{
    if (wait_until(c, n, deadline_ns) == 0)
        return;
    for (unsigned i = 0; i < n; i++)
        if (!c[i].signalled)
            alog_child_signal(&c[i], SIGTERM);
    if (wait_until(c, n, alog_now_ns() + ALOG_SPAWN_GRACE_NS) == 0)
        return;
    for (unsigned i = 0; i < n; i++)
        alog_child_signal(&c[i], SIGKILL);
    /* SIGKILL cannot be refused: block until each one is gone. */
    for (unsigned i = 0; i < n; i++) {
        while (c[i].pid > 0 && !c[i].reaped) {
            int st;
            pid_t r = waitpid(c[i].pid, &st, 0);
            if (r == c[i].pid) {
                c[i].reaped = 1;
                c[i].wstatus = st;
            } else if (r < 0 && errno != EINTR) {
                c[i].reaped = 1;
                c[i].wstatus = 0;
            }
        }
    }
}

void alog_child_status(const alog_child *c, alog_result *res, unsigned i,
                       int interrupted)
{
    if (c->stalled) {
        alog_result_set_status(res, i, ALOG_PS_STALLED, 0);
        return;
    }
    double hz;
    uint64_t count;
    alog_result_target(res, i, &hz, &count);
    uint64_t got = alog_reclist_len(alog_result_list_const(res, i));
    int short_of = count > 0 && got < count;
    /* Without a count (by time, or foreign lines) an end we caused is a
     * stop; with one, being short of it after an interrupt is too.  An end
     * as planned (--exec count reached, duration over) is none. */
    int cut = (short_of || count == 0) && !c->planned;

    if (WIFEXITED(c->wstatus)) {
        int code = WEXITSTATUS(c->wstatus);
        if (code != 0) {
            /* A shell reports a SIGTERM/SIGINT we sent as 128+signal. */
            if (c->signalled &&
                (code == 128 + SIGTERM || code == 128 + SIGINT ||
                 code == 128 + SIGHUP))
                alog_result_set_status(res, i,
                                       cut ? ALOG_PS_STOPPED : ALOG_PS_OK, 0);
            else
                alog_result_set_status(res, i, ALOG_PS_EXIT, code);
        } else if (short_of) {
            alog_result_set_status(res, i,
                                   (c->signalled || interrupted)
                                       ? ALOG_PS_STOPPED
                                       : ALOG_PS_SHORT,
                                   0);
        } else {
            alog_result_set_status(res, i,
                                   (c->signalled && cut) ? ALOG_PS_STOPPED
                                                         : ALOG_PS_OK,
                                   0);
        }
        return;
    }
    if (WIFSIGNALED(c->wstatus)) {
        int sig = WTERMSIG(c->wstatus);
        int ours = c->signalled ||
                   (interrupted &&
                    (sig == SIGINT || sig == SIGTERM || sig == SIGHUP));
        if (!ours)
            alog_result_set_status(res, i, ALOG_PS_SIGNAL, sig);
        else
            alog_result_set_status(res, i, cut ? ALOG_PS_STOPPED : ALOG_PS_OK,
                                   0);
        return;
    }
    alog_result_set_status(res, i, ALOG_PS_OK, 0);
}

/* ---- the children of one run ------------------------------------------ */

/* Seconds with all nine decimals: the child gets back the exact ns. */
static void fmt_seconds(char *buf, size_t cap, int64_t ns)
{
    snprintf(buf, cap, "%" PRId64 ".%09" PRId64, ns / 1000000000,
             ns % 1000000000);
}

static int spawn_producer(alog_child *c, const char *path,
                          const alog_config *cfg, unsigned i, unsigned n,
                          int64_t start_ns, int flags)
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
    argv[k++] = cfg->async.wire == ALOG_WIRE_BINARY ? "binary" : "text";
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

    if (interval == 0) {
        flags |= ALOG_SPAWN_BIGPIPE;
        if (n > BIG_PIPE_LIMIT)
            return spawn_fd(c, argv, flags & ~ALOG_SPAWN_BIGPIPE,
                            BIG_PIPE_MANY);
    }
    return alog_spawn_argv(c, argv, flags);
}

int alog_pipes_start(alog_pipes *p, const alog_config *cfg, alog_result *res,
                     int flags, const alog_diag *d)
{
    char path[4096];
    memset(p, 0, sizeof *p);
    p->n = alog_result_producers(res);
    p->diag = d;
    p->foreign = cfg->async.n_exec > 0;
    if (p->n == 0)
        return ALOG_EINVAL;
    if (p->foreign) {
        /* The original ended each sender after its count: so do we. */
        int64_t dur_ns = 0;
        p->quota = cfg->count;
        if (cfg->duration > 0 &&
            alog_seconds_to_ns(cfg->duration, &dur_ns) == 0)
            p->end_ns = alog_now_ns() + dur_ns;
    }
    if (!p->foreign) {
        if (alog_producer_path(path, sizeof path) != 0) {
            alog_say(d, "cannot find alog-producer: %s", strerror(errno));
            return ALOG_ESYS;
        }
        if (access(path, X_OK) != 0) {
            alog_say(d, "cannot run '%s': %s (set ALOG_PRODUCER)", path,
                     strerror(errno));
            return ALOG_ESYS;
        }
    }
    p->child = calloc(p->n, sizeof *p->child);
    if (!p->child)
        return ALOG_ENOMEM;
    for (unsigned i = 0; i < p->n; i++)
        p->child[i].fd = -1;
    /* What the children start becomes ours when they end before it. */
    p->reaper_was = alog_reaper_begin();
    p->kids0_ns = alog_rusage_ns(RUSAGE_CHILDREN);

    /* Record 0 of every producer is due at the same instant, far enough
     * ahead that the last child is up by then. */
    int64_t lead = 30000000 + (int64_t)p->n * 5000000;
    if (lead > 3000000000LL)
        lead = 3000000000LL;
    int64_t start_ns = alog_now_ns() + lead;

    for (unsigned i = 0; i < p->n; i++) {
        int rc;
        if (p->foreign)
            rc = alog_spawn_shell(&p->child[i], cfg->async.exec[i], flags);
        else
            rc = spawn_producer(&p->child[i], path, cfg, i, p->n, start_ns,
                                flags);
        if (rc != 0) {
            int e = errno;
            char why[256];
            alog_say(d, "cannot start producer %u (%s): %s", i,
                     p->foreign ? cfg->async.exec[i] : path,
                     alog_reason(rc, why, sizeof why));
            for (unsigned j = 0; j < i; j++) {
                close(p->child[j].fd);
                p->child[j].fd = -1;
                alog_child_signal(&p->child[j], SIGKILL);
            }
            alog_children_reap(p->child, i, 0);
            (void)alog_reaper_end(p->reaper_was, d);
            free(p->child);
            p->child = NULL;
            errno = e;
            return rc;
        }
        if (p->foreign)
            rc = alog_result_set_where(res, i, cfg->async.exec[i]);
        else {
            char where[64];
            snprintf(where, sizeof where, "pid %ld", (long)p->child[i].pid);
            rc = alog_result_set_where(res, i, where);
        }
        (void)rc; /* "where" is decoration: a failed copy loses nothing */
        alog_result_set_origin(res, i, p->child[i].pid);
        /* Silence counts from the first record's due time (a command's
         * from its start). */
        p->child[i].stall_ns = alog_config_stall_ns(cfg, i);
        p->child[i].heard_ns = p->foreign ? alog_now_ns() : start_ns;
    }
    int64_t dur_ns = 0;
    if (!p->foreign && cfg->duration > 0 &&
        alog_seconds_to_ns(cfg->duration, &dur_ns) == 0)
        p->deadline_ns = start_ns + alog_config_phase_ns(cfg, p->n - 1) +
                         dur_ns + ALOG_SPAWN_GRACE_NS;
    if (p->foreign) { /* no schedule: the window opens with them */
        alog_result_set_window_start(res, alog_now_ns());
        return 0;
    }
    alog_result_set_schedule(res, start_ns);
    /* Up to just before record 0 is due (nothing can come earlier), then
     * what each child spent starting (exec, loading) is taken out of the
     * producers' CPU.  Read before the window, so it costs it nothing. */
    (void)alog_sleep_until(start_ns - PRESTART_NS, alog_stop_flag());
    for (unsigned i = 0; i < p->n; i++) {
        int64_t ns = alog_proc_cpu_ns((long)p->child[i].pid);
        p->startup_cpu_ns += ns > 0 ? ns : 0;
    }
    return 0;
}

void alog_pipes_stop(alog_pipes *p)
{
    p->cut = 1; /* also for one that ended on its closed pipe before this */
    for (unsigned i = 0; i < p->n; i++)
        if (alog_child_poll(&p->child[i]) == 0)
            alog_child_signal(&p->child[i], SIGTERM);
}

uint32_t alog_pipes_wire_id(const alog_pipes *p, unsigned i)
{
    return p->foreign ? i : (uint32_t)p->child[i].pid;
}

void alog_pipes_enough(alog_pipes *p, unsigned i, uint64_t records)
{
    if (i < p->n && records != p->child[i].heard) {
        p->child[i].heard = records;
        p->child[i].heard_ns = alog_now_ns();
    }
    if (p->foreign && p->quota > 0 && records >= p->quota && i < p->n &&
        !p->child[i].signalled) {
        p->child[i].planned = 1;
        alog_child_signal(&p->child[i], SIGTERM);
    }
}

/* --exec: at the duration's end every command is told to end; one that
 * ignores SIGTERM gets SIGKILL after the grace period. */
static void end_commands(alog_pipes *p)
{
    int64_t now = alog_now_ns();
    for (unsigned i = 0; i < p->n; i++) {
        alog_child *c = &p->child[i];
        if (p->end_ns > 0 && now >= p->end_ns && !c->signalled) {
            c->planned = 1;
            alog_child_signal(c, SIGTERM);
        }
        if (c->signalled && !c->killed && !c->reaped &&
            now - c->signal_ns >= ALOG_SPAWN_GRACE_NS &&
            alog_child_poll(c) == 0)
            alog_child_signal(c, SIGKILL);
    }
}

/* Cut child i off: it stays in the report with what it sent, as stalled.
 * SIGKILL, as a stopped process would not act on SIGTERM. */
static void cut_off(alog_pipes *p, unsigned i, const char *why)
{
    alog_child *c = &p->child[i];
    c->stalled = 1;
    c->planned = 1;
    alog_say(p->diag, "producer %u (pid %ld) %s: cut off as stalled, "
                      "%llu records kept",
             i, (long)c->pid, why, (unsigned long long)c->heard);
    alog_child_signal(c, SIGKILL);
}

/* Stalls and the collector's own end of a run by time. */
static void watch(alog_pipes *p)
{
    int64_t now = alog_now_ns();
    for (unsigned i = 0; i < p->n; i++) {
        alog_child *c = &p->child[i];
        if (c->stalled || c->killed || c->reaped || c->fd < 0)
            continue;
        char why[96];
        int silent = c->stall_ns > 0 && now - c->heard_ns > c->stall_ns;
        int late = p->deadline_ns > 0 && now >= p->deadline_ns;
        /* One that has ended is not stalled: its pipe's end is coming. */
        if (!(silent || late) || alog_child_poll(c) != 0)
            continue;
        if (silent) {
            snprintf(why, sizeof why, "silent for %.1f s (--stall-timeout)",
                     (double)(now - c->heard_ns) / 1e9);
            cut_off(p, i, why);
        } else {
            snprintf(why, sizeof why, "still running %.1f s after "
                                      "--duration",
                     (double)ALOG_SPAWN_GRACE_NS / 1e9);
            cut_off(p, i, why);
        }
    }
}

int alog_pipes_check_stop(alog_pipes *p, const atomic_int *stop)
{
    if (!p->stopping)
        watch(p);
    if (p->foreign && !p->stopping)
        end_commands(p);
    /* Past the deadline and a grace period, a pipe still open is held by
     * something that was not ours to kill: stop waiting for it. */
    if (!p->stopping && p->deadline_ns > 0 &&
        alog_now_ns() >= p->deadline_ns + 2 * ALOG_SPAWN_GRACE_NS)
        return 1;
    if (!p->stopping) {
        if (!stop || atomic_load(stop) == 0)
            return 0;
        p->stopping = 1;
        p->stop_ns = alog_now_ns();
        for (unsigned i = 0; i < p->n; i++) {
            alog_child_poll(&p->child[i]);
            alog_child_signal(&p->child[i], SIGTERM);
        }
        return 0;
    }
    int64_t since = alog_now_ns() - p->stop_ns;
    if (since >= ALOG_SPAWN_GRACE_NS) {
        for (unsigned i = 0; i < p->n; i++)
            if (alog_child_poll(&p->child[i]) == 0 && !p->child[i].killed)
                alog_child_signal(&p->child[i], SIGKILL);
    }
    return since >= 2 * ALOG_SPAWN_GRACE_NS;
}

void alog_pipes_close(alog_pipes *p, alog_result *res)
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
    alog_children_reap(p->child, p->n, alog_now_ns() + ALOG_SPAWN_GRACE_NS);
    for (unsigned i = 0; i < p->n; i++)
        alog_child_status(&p->child[i], res, i, p->stopping || p->cut);
    (void)alog_reaper_end(p->reaper_was, p->diag);
    int64_t all = alog_rusage_ns(RUSAGE_CHILDREN) - p->kids0_ns;
    int64_t win = all > p->startup_cpu_ns ? all - p->startup_cpu_ns : 0;
    (void)alog_result_counter(res, ALOG_PRODUCERS_CPU, (double)win / 1e9);
    (void)alog_result_counter(res, "producers_startup_cpu_s",
                              (double)p->startup_cpu_ns / 1e9);
    free(p->child);
    p->child = NULL;
}
