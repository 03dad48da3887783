/* child.h - child processes on pipes, internal to the core library: what
 * the async model's producers (src/async/pipes.c) and the primes job's
 * forked workers (src/primes/) share.  alog__ names: not part of the
 * public API.
 *
 * A child writes to its stdout, which is the write end of a pipe; the
 * parent keeps the read end.  Children are asked to end with SIGTERM,
 * then SIGKILL after a grace period, and are always reaped.
 */
#ifndef ALOG_CHILD_H
#define ALOG_CHILD_H

#include <sys/types.h>

#include "alog.h"

/* How long a child may take to end after SIGTERM before SIGKILL, and how
 * long after SIGKILL the collector still waits for its pipe to close. */
#define ALOG__GRACE_NS 1000000000LL

/* One child process and the read end of its stdout pipe. */
typedef struct alog__child {
    pid_t pid;       /* > 0 once started */
    int fd;          /* read end of its stdout; -1 when closed */
    int reaped;      /* waitpid has collected it */
    int wstatus;     /* its waitpid status, once reaped */
    int signalled;   /* the collector sent it SIGTERM or SIGKILL */
    int killed;      /* ... and SIGKILL */
    int group;       /* it leads its own process group: signals go to all */
    int planned;     /* ended by the collector as planned: its count was
                        reached or the duration is over (not a stop) */
    int64_t signal_ns; /* when the collector first signalled it */
    int stalled;     /* silent too long (or not ended on time): cut off */
    int64_t stall_ns;  /* silence that makes it stalled; 0 never */
    int64_t heard_ns;  /* when its record count last grew (or is due) */
    uint64_t heard;    /* its record count then */
} alog__child;

enum alog__spawn_flags {
    ALOG__SPAWN_NONBLOCK = 1 << 0, /* read end O_NONBLOCK (epoll) */
    ALOG__SPAWN_GROUP = 1 << 2,    /* its own process group, signalled whole */
};

/* Start argv[0] (a path) with stdout on a new pipe (of pipe_bytes, best
 * effort; 0: the kernel's size), stdin on /dev/null, descriptors above 2
 * closed and default signal dispositions.  0, or ALOG_ESYS with errno
 * set. */
int alog__spawn_argv(alog__child *c, char *const argv[], int flags,
                     int pipe_bytes);
/* `/bin/sh -c cmd` the same way, in a process group of its own: a signal
 * to it reaches every command the shell started. */
int alog__spawn_shell(alog__child *c, const char *cmd, int flags);

/* What a forked child runs: k its index, fd the write end of its pipe.
 * The return value is the child's exit status. */
typedef int (*alog__child_fn)(void *arg, unsigned k, int fd);
/* Fork child k of c[] (no exec): in the child the read ends of c[0..k)
 * are closed and fn runs, then _exit(fn's value); in the parent c[k].fd
 * is the read end of the child's pipe.  The child keeps the parent's
 * signal handlers and memory (a MAP_SHARED flag stays shared).  Reap it
 * with alog__child_poll / alog__children_reap like any other.  0, or
 * ALOG_ESYS with errno set. */
int alog__spawn_fork(alog__child *c, unsigned k, alog__child_fn fn, void *arg);
/* Send sig unless already reaped; marks the child as signalled. */
int alog__child_signal(alog__child *c, int sig);
/* Reap without blocking: 1 reaped (now or before), 0 still running,
 * ALOG_ESYS on a waitpid error. */
int alog__child_poll(alog__child *c);
/* Reap c[0..n): wait until deadline_ns for them to end by themselves,
 * then SIGTERM, then SIGKILL after ALOG__GRACE_NS; blocks until all
 * are reaped.  Closes nothing. */
void alog__children_reap(alog__child *c, unsigned n, int64_t deadline_ns);
/* Sets producer i's status in res from how c ended and what arrived:
 * exit code != 0 -> EXIT, killed by a signal -> SIGNAL, ended by the
 * collector (signalled, or `interrupted` and killed by SIGINT/SIGTERM)
 * while short of its count -> STOPPED, exit 0 short of its count ->
 * SHORT, else OK. */
void alog__child_status(const alog__child *c, alog_result *res, unsigned i,
                       int interrupted);


/* CPU time (user + system, ns) of getrusage's `who` (RUSAGE_SELF,
 * RUSAGE_CHILDREN: the reaped ones); 0 on error (cpu.c). */
int64_t alog__rusage_ns(int who);
/* CPU time (ns) process pid has had so far (/proc/PID/schedstat), or -1
 * when it cannot be read (cpu.c). */
int64_t alog__proc_cpu_ns(long pid);

#endif
