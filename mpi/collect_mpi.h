/* collect_mpi.h - rank 0's collector, shared by its two collect modes
 * (internal to mpi/): the state, what a message does to it, and how rank
 * 0 waits when nothing is due. */
#ifndef ALOG_COLLECT_MPI_H
#define ALOG_COLLECT_MPI_H

#include "mpi_model.h"
#include "wire_mpi.h"

/* Finals are due this long after --duration; after a stop, this long. */
#define ALOG_MPI_LATE_NS 2000000000LL
#define ALOG_MPI_STOP_GRACE_NS 300000000LL

struct alog_mpi_tree;

typedef struct alog_mpi_collector {
    MPI_Comm comm;
    alog_result *res;
    int nprod;
    size_t rb;             /* bytes per record */
    size_t cap;            /* bytes of the largest message */
    alog_mpi_plan plan;    /* what arrives when */
    int oversubscribed;    /* yield while polling */
    int paced;             /* every producer is paced */
    alog_mpi_source *src;  /* one per producer */
    alog_store *store;     /* one per producer: list and --collect-work */
    int active;            /* producers whose final has not come */
    int stop_sent;
    int64_t stop_ns;       /* when the stop went out */
    uint64_t messages, records;
    uint64_t stray;        /* messages from no producer of ours */
    int64_t last_ns;       /* our clock at the last message */
    int64_t cpu0_ns;       /* our CPU time when collecting began */
    int64_t cpu_ns;        /* ... and what collecting took, at its end */
    alog_progress progress;
    uint64_t target;       /* records asked for in total (0: by time) */
    int64_t deadline_ns;   /* by time: every final is here by now (0: none) */
    int stalled;           /* producers cut off (alog_mpi_watch) */
    const alog_diag *diag;
    const struct alog_mpi_tree *tree; /* --collect tree, else NULL */
    /* Told of each producer cut off, with why (a leader forwards it). */
    void (*on_cut)(void *arg, int p, const char *why);
    void *cut_arg;
} alog_mpi_collector;

/* Take one message of producer p (rank p + 1) that arrived at now. */
int alog_mpi_dispatch(alog_mpi_collector *c, int p, int tag,
                      const unsigned char *buf, int bytes, int64_t now);
/* Cut off producers silent past their stall time, or whose final has not
 * come a grace period after the duration: they are reported stalled and
 * no longer waited for.  Call while waiting, at least every 100 ms. */
void alog_mpi_watch(alog_mpi_collector *c, int64_t now);
/* Producer p is cut off as stalled (why: what it did), said on diag. */
void alog_mpi_cut_off(alog_mpi_collector *c, int p, const char *why);
/* Take producer p's final message; reply: send it CTRL_DONE (rank 0 is
 * its parent).  A second final is counted malformed. */
void alog_mpi_take_final(alog_mpi_collector *c, int p,
                         const unsigned char *buf, int bytes, int64_t now,
                         int reply);
/* Tell every producer still running to stop (once). */
void alog_mpi_send_stop(alog_mpi_collector *c);
/* Nothing arrived: sleep until shortly before the next forecast arrival,
 * return at once around it, nap between polls once it is overdue.
 * Returns 1 when a record is due about now (poll hard), else 0. */
int alog_mpi_idle(const alog_mpi_collector *c);
/* The same, never asleep past bound (our clock); 1 at once past it. */
int alog_mpi_idle_until(const alog_mpi_collector *c, int64_t bound);

/* The collect modes (collect_mpi.c, recv_mpi.c): until every final has
 * arrived.  0 or an ALOG_E* code. */
int alog_mpi_collect_blocking(alog_mpi_collector *c, const atomic_int *stop);
int alog_mpi_collect_async(alog_mpi_collector *c, const atomic_int *stop);
int alog_mpi_collect_tree(alog_mpi_collector *c, const atomic_int *stop);

#endif
