/* child.c - starting child processes on pipes (spawned programs, or forked
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"

extern char **environ;

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

int alog__spawn_argv(alog__child *c, char *const argv[], int flags,
                     int pipe_bytes)
{
    int p[2];
    memset(c, 0, sizeof *c);
    c->fd = -1;
    if (child_pipe(p, pipe_bytes) != 0)
        return ALOG_ESYS;
    pid_t pid = 0;
    int rc = spawn_on(&pid, argv, p[1], (flags & ALOG__SPAWN_GROUP) != 0);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        errno = rc;
        return alog_fail(ALOG_ESYS, "posix_spawn");
    }
    c->pid = pid;
    c->fd = p[0];
    c->group = (flags & ALOG__SPAWN_GROUP) != 0;
    if ((flags & ALOG__SPAWN_NONBLOCK) &&
        fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK) != 0) {
        int e = errno;
        close(c->fd);
        c->fd = -1;
        alog__child_signal(c, SIGKILL);
        alog__children_reap(c, 1, 0);
        errno = e;
        return alog_fail(ALOG_ESYS, "fcntl");
    }
    return 0;
}

int alog__spawn_shell(alog__child *c, const char *cmd, int flags)
{
    char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
    return alog__spawn_argv(c, argv, flags | ALOG__SPAWN_GROUP, 0);
}

int alog__spawn_fork(alog__child *c, unsigned k, alog__child_fn fn, void *arg)
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

int alog__child_signal(alog__child *c, int sig)
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

int alog__child_poll(alog__child *c)
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
static unsigned wait_until(alog__child *c, unsigned n, int64_t deadline_ns)
{
    int64_t nap = 100000; /* 0.1 ms, doubling: quick for the common case */
    for (;;) {
        unsigned running = 0;
        for (unsigned i = 0; i < n; i++)
            if (alog__child_poll(&c[i]) == 0)
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

void alog__children_reap(alog__child *c, unsigned n, int64_t deadline_ns)
{
    if (wait_until(c, n, deadline_ns) == 0)
        return;
    for (unsigned i = 0; i < n; i++)
        if (!c[i].signalled)
            alog__child_signal(&c[i], SIGTERM);
    if (wait_until(c, n, alog_now_ns() + ALOG__GRACE_NS) == 0)
        return;
    for (unsigned i = 0; i < n; i++)
        alog__child_signal(&c[i], SIGKILL);
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

void alog__child_status(const alog__child *c, alog_result *res, unsigned i,
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

