/* alog_spawn.h - child processes on pipes: the part the epoll and threads
 * transports share, and the forked children of the primes job
 * (module-private to src/transport_{epoll,threads}.c, src/run.c,
 * src/primes_async.c and tests/test_run.c; not part of the public API).
 *
 * A child writes records to its stdout, which is the write end of a pipe;
 * the collector keeps the read end.  Children are asked to end with
 * SIGTERM, then SIGKILL after a grace period, and are always reaped.
 */
#ifndef ALOG_SPAWN_PRIVATE_H
#define ALOG_SPAWN_PRIVATE_H

#include <sys/types.h>

#include "alog.h"

/* How long a child may take to end after SIGTERM before SIGKILL, and how
 * long after SIGKILL the collector still waits for its pipe to close. */
#define ALOG_SPAWN_GRACE_NS 1000000000LL

/* One child process and the read end of its stdout pipe. */
typedef struct alog_child {
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
} alog_child;

enum alog_spawn_flags {
    ALOG_SPAWN_NONBLOCK = 1 << 0, /* read end O_NONBLOCK (epoll) */
    ALOG_SPAWN_BIGPIPE = 1 << 1,  /* enlarge the pipe (unthrottled) */
    ALOG_SPAWN_GROUP = 1 << 2,    /* its own process group, signalled whole */
};

/* Start argv[0] (a path) with stdout on a new pipe, stdin on /dev/null
 * and default signal dispositions.  0, or ALOG_ESYS with errno set. */
int alog_spawn_argv(alog_child *c, char *const argv[], int flags);
/* `/bin/sh -c cmd` the same way, in a process group of its own: a signal
 * to it reaches every command the shell started. */
int alog_spawn_shell(alog_child *c, const char *cmd, int flags);

/* What a forked child runs: k its index, fd the write end of its pipe.
 * The return value is the child's exit status. */
typedef int (*alog_child_fn)(void *arg, unsigned k, int fd);
/* Fork child k of c[] (no exec): in the child the read ends of c[0..k)
 * are closed and fn runs, then _exit(fn's value); in the parent c[k].fd
 * is the read end of the child's pipe.  The child keeps the parent's
 * signal handlers and memory (a MAP_SHARED flag stays shared).  Reap it
 * with alog_child_poll / alog_children_reap like any other.  0, or
 * ALOG_ESYS with errno set. */
int alog_spawn_fork(alog_child *c, unsigned k, alog_child_fn fn, void *arg);
/* Send sig unless already reaped; marks the child as signalled. */
int alog_child_signal(alog_child *c, int sig);
/* Reap without blocking: 1 reaped (now or before), 0 still running,
 * ALOG_ESYS on a waitpid error. */
int alog_child_poll(alog_child *c);
/* Reap c[0..n): wait until deadline_ns for them to end by themselves,
 * then SIGTERM, then SIGKILL after ALOG_SPAWN_GRACE_NS; blocks until all
 * are reaped.  Closes nothing. */
void alog_children_reap(alog_child *c, unsigned n, int64_t deadline_ns);
/* Sets producer i's status in res from how c ended and what arrived:
 * exit code != 0 -> EXIT, killed by a signal -> SIGNAL, ended by the
 * collector (signalled, or `interrupted` and killed by SIGINT/SIGTERM)
 * while short of its count -> STOPPED, exit 0 short of its count ->
 * SHORT, else OK. */
void alog_child_status(const alog_child *c, alog_result *res, unsigned i,
                       int interrupted);

/* The children of one async run (the ctx core of both pipe transports). */
typedef struct alog_pipes {
    unsigned n;
    alog_child *child; /* n entries */
    int foreign;       /* --exec commands, not alog-producer */
    int stopping;      /* a stop was seen: the children were told to end */
    int64_t stop_ns;   /* when SIGTERM went out */
    uint64_t quota;    /* --exec: records after which a command is ended */
    int64_t end_ns;    /* --exec: when every command is ended (0: never) */
    int64_t deadline_ns; /* --duration: every producer has ended by now,
                            or is cut off as stalled (0: no duration) */
    const alog_diag *diag; /* says which producer was cut off */
    int reaper_was;    /* alog_reaper_begin's value, for alog_reaper_end */
    int cut;           /* the collector ended the run itself (alog_pipes_stop):
                          a producer it left short is stopped, not short */
    int64_t kids0_ns;  /* reaped children's CPU before these were started */
    int64_t startup_cpu_ns; /* theirs just before their first record */
} alog_pipes;

/* Start the producers of cfg (or its --exec commands), one per producer
 * of res, with a common schedule start (res's, which opens the window;
 * for commands, once they are started), and return just before it, with
 * every producer's start-up CPU taken; sets each producer's "where".
 * On failure nothing is left running and d has said why. */
int alog_pipes_start(alog_pipes *p, const alog_config *cfg, alog_result *res,
                     int flags, const alog_diag *d);
/* Call on every collector wake-up (at least every 100 ms).  A producer
 * silent for its stall time, or still running a grace period after the
 * duration is over, is cut off: marked stalled and killed with its
 * process group, so that its pipe ends.  Once *stop is set: SIGTERM to
 * every child, SIGKILL after the grace period.  Returns 1 when the
 * collector should stop waiting for end-of-file (grandchildren holding a
 * pipe, after a stop or past the deadline). */
int alog_pipes_check_stop(alog_pipes *p, const atomic_int *stop);
/* The collector ends the run itself (out of memory, --max-memory, a
 * failed call): SIGTERM to every child still running, so that each one
 * short of its count is reported stopped, as after an interrupt, whatever
 * the collector (the threads one gets there through alog_stop_request). */
void alog_pipes_stop(alog_pipes *p);
/* The id producer i's records carry on the wire: an alog-producer names
 * itself by its pid (a foreign command's lines carry none: i). */
uint32_t alog_pipes_wire_id(const alog_pipes *p, unsigned i);
/* Producer i has stored `records` in all (its silence ends when this
 * grows): with --exec and a count, a command that reached it is ended the
 * way the original did (SIGTERM; what it already wrote is still
 * collected). */
void alog_pipes_enough(alog_pipes *p, unsigned i, uint64_t records);
/* Reap every child, set the statuses, close the pipes, end and reap what
 * the children left behind (alog_reaper_end), add the producers' CPU over
 * the window (ALOG_PRODUCERS_CPU: their CPU to their exit less what they
 * used before their first record was due), free. */
void alog_pipes_close(alog_pipes *p, alog_result *res);

/* reaper.c: make this process the reaper of its descendants' orphans
 * (PR_SET_CHILD_SUBREAPER); returns whether it already was (pass it to
 * alog_reaper_end), -1 if the kernel refused (orphans then go to init). */
int alog_reaper_begin(void);
/* Once every child of ours is reaped: every process still our child (an
 * orphan of a producer: it left the producer's process group, with
 * setsid, say) gets SIGTERM, with its group, then SIGKILL after
 * ALOG_SPAWN_GRACE_NS, and is reaped; said once on d when there were any.
 * Then the subreaper setting is put back as `was` says.  Returns how many
 * were ended. */
unsigned alog_reaper_end(int was, const alog_diag *d);

#endif
