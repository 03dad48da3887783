/* pipes.h - the children of one async run: the producers (or --exec
 * commands) on their pipes, what the epoll, threads and io_uring
 * collectors share (internal to src/async/; alog__ names).
 */
#ifndef ALOG_ASYNC_PIPES_H
#define ALOG_ASYNC_PIPES_H

#include "child.h"
#include "options_async.h"
#include "transport.h"

/* The children of one async run (the ctx core of both pipe transports). */
typedef struct alog__pipes {
    unsigned n;
    alog__child *child; /* n entries */
    int foreign;       /* --exec commands, not alog-producer */
    int stopping;      /* a stop was seen: the children were told to end */
    int64_t stop_ns;   /* when SIGTERM went out */
    uint64_t quota;    /* --exec: records after which a command is ended */
    int64_t end_ns;    /* --exec: when every command is ended (0: never) */
    int64_t deadline_ns; /* --duration: every producer has ended by now,
                            or is cut off as stalled (0: no duration) */
    const alog_diag *diag; /* says which producer was cut off */
    int reaper_was;    /* alog__reaper_begin's value, for alog__reaper_end */
    int cut;           /* the collector ended the run itself (alog__pipes_stop):
                          a producer it left short is stopped, not short */
    int64_t kids0_ns;  /* reaped children's CPU before these were started */
    int64_t startup_cpu_ns; /* theirs just before their first record */
} alog__pipes;

/* Start the producers of cfg (or its --exec commands), one per producer
 * of res, with a common schedule start (res's, which opens the window;
 * for commands, once they are started), and return just before it, with
 * every producer's start-up CPU taken; sets each producer's "where".
 * On failure nothing is left running and d has said why. */
int alog__pipes_start(alog__pipes *p, const alog_config *cfg,
                      const alog_async_opts *ao, alog_result *res, int flags,
                      const alog_diag *d);
/* Call on every collector wake-up (at least every 100 ms).  A producer
 * silent for its stall time, or still running a grace period after the
 * duration is over, is cut off: marked stalled and killed with its
 * process group, so that its pipe ends.  Once *stop is set: SIGTERM to
 * every child, SIGKILL after the grace period.  Returns 1 when the
 * collector should stop waiting for end-of-file (grandchildren holding a
 * pipe, after a stop or past the deadline). */
int alog__pipes_check_stop(alog__pipes *p, const atomic_int *stop);
/* The collector ends the run itself (out of memory, --max-memory, a
 * failed call): SIGTERM to every child still running, so that each one
 * short of its count is reported stopped, as after an interrupt, whatever
 * the collector (the threads one gets there through alog_stop_request). */
void alog__pipes_stop(alog__pipes *p);
/* The id producer i's records carry on the wire: an alog-producer names
 * itself by its pid (a foreign command's lines carry none: i). */
uint32_t alog__pipes_wire_id(const alog__pipes *p, unsigned i);
/* Producer i has stored `records` in all (its silence ends when this
 * grows): with --exec and a count, a command that reached it is ended the
 * way the original did (SIGTERM; what it already wrote is still
 * collected). */
void alog__pipes_enough(alog__pipes *p, unsigned i, uint64_t records);
/* Reap every child, set the statuses, close the pipes, end and reap what
 * the children left behind (alog__reaper_end), add the producers' CPU over
 * the window (ALOG_PRODUCERS_CPU: their CPU to their exit less what they
 * used before their first record was due), free. */
void alog__pipes_close(alog__pipes *p, alog_result *res);

/* Header keys of the pipe transports (readers=, wire=, oversubscribed=:
 * the producers and the collector are busy processes), warning on
 * env's diag when oversubscribed; 0 or ENOMEM. */
int alog__pipes_describe(alog_result *res, const alog_config *cfg,
                        const alog_run_env *env,
                        const char *readers);

/* Path of the alog-producer program: $ALOG_PRODUCER, else next to the
 * running executable.  Writes into buf; 0 or ALOG_ESYS. */
int alog_producer_path(char *buf, size_t cap);

/* reaper.c: make this process the reaper of its descendants' orphans
 * (PR_SET_CHILD_SUBREAPER); returns whether it already was (pass it to
 * alog__reaper_end), -1 if the kernel refused (orphans then go to init). */
int alog__reaper_begin(void);
/* Once every child of ours is reaped: every process still our child (an
 * orphan of a producer: it left the producer's process group, with
 * setsid, say) gets SIGTERM, with its group, then SIGKILL after
 * ALOG__GRACE_NS, and is reaped; said once on d when there were any.
 * Then the subreaper setting is put back as `was` says.  Returns how many
 * were ended. */
unsigned alog__reaper_end(int was, const alog_diag *d);

#endif
