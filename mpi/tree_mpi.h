/* tree_mpi.h - --collect tree (internal to mpi/): who leads and who
 * sends to whom (tree_mpi.c), the receives a rank keeps posted for its
 * children (kids_mpi.c), rank 0's tree collect mode (tree_mpi.c) and a
 * leader's loop (lead_mpi.c).
 *
 * Groups are the ranks of one node (MPI_Comm_split_type SHARED) or, with
 * --tree-group G, G consecutive ranks; the lowest rank of a group leads
 * it, so rank 0 leads its own.  A member sends to its leader exactly what
 * a producer sends to rank 0 in the flat modes; a leader other than rank
 * 0 produces too, and sends its parent TAG_FWD messages: its own records
 * and everything its children sent, each block naming its origin rank.
 * Its parent is rank 0, or with --fanout K leader (i-1)/K of the leaders
 * in rank order.  Rank 0 keeps one list per producer rank as in the flat
 * modes; a record's latency runs from its producer's own stamp, so it
 * holds every hop.
 */
#ifndef ALOG_TREE_MPI_H
#define ALOG_TREE_MPI_H

#include "collect_mpi.h"

/** Largest TAG_FWD message a leader sends, unless one member message
 * (--batch records) with its block heads needs more. */
#define ALOG_MPI_TREE_FWD_BYTES 65536u
/** Rank 0 waits this much longer than --stall-timeout before it cuts off
 * a rank below a leader itself: the leader, which hears it first, says. */
#define ALOG_MPI_TREE_STALL_SLACK_NS 1000000000LL

typedef struct alog_mpi_tree {
    int size;         /* ranks */
    int *leader;      /* per rank: the lowest rank of its group */
    int *parent;      /* per rank: where it sends; -1 for rank 0 */
    int *kid_off;     /* rank r's children: kids[kid_off[r]..kid_off[r+1]) */
    int *kids;        /* in rank order */
    int leaders;      /* groups */
    int depth;        /* hops from the farthest rank to rank 0 */
    unsigned fanout;  /* --fanout, 0: every leader to rank 0 */
    unsigned group;   /* --tree-group, 0: the node */
    int oversubscribed; /* this rank's node has more ranks than cores */
} alog_mpi_tree;

/* Collective over comm: the groups, then the same tree on every rank.
 * 0, or ALOG_ENOMEM (every rank aborts: mpi_check.h). */
int alog_mpi_tree_build(MPI_Comm comm, const alog_mpi_opts *o,
                        alog_mpi_tree *t);
void alog_mpi_tree_free(alog_mpi_tree *t);
/* Children of rank r (0: r only produces). */
static inline int alog_mpi_tree_nkids(const alog_mpi_tree *t, int r)
{
    return t->kid_off[r + 1] - t->kid_off[r];
}
/* Bytes of a TAG_FWD message at most, for members' messages of
 * member_cap bytes. */
size_t alog_mpi_tree_cap(size_t member_cap);
/* The report header's tree keys (rank 0). */
int alog_mpi_tree_header(alog_result *res, const alog_mpi_tree *t);

/* ---- kids_mpi.c: receives kept posted for each child --------------- */

/* One message of child `kid`, in the order it sent them.  Returns < 0
 * (an ALOG_E* code: polling stops), 0, or 1: that was its last message
 * (its TAG_FINAL); no receive is posted for it any more. */
typedef int (*alog_mpi_kid_fn)(void *arg, int kid, int tag,
                               const unsigned char *buf, int bytes,
                               int64_t now);

typedef struct alog_mpi_kids {
    MPI_Comm comm;
    int n;               /* children */
    const int *rank;     /* their ranks */
    size_t *cap;         /* per child: bytes of its largest message */
    size_t *off;         /* per slot: its buffer in bufs */
    unsigned char *bufs;
    MPI_Request *req;    /* KIDS_DEPTH per child */
    int *ready, *bytes, *tag; /* per slot: completed, not yet handled */
    int *head;           /* per child: its slot posted first */
    int *closed;         /* per child: its last message came */
    int *idx;
    MPI_Status *st;
    int open;            /* children not closed */
} alog_mpi_kids;

/* Post the receives for n children of the given ranks, child i's
 * messages up to cap[i] bytes (copied).  0 or ALOG_ENOMEM. */
int alog_mpi_kids_open(alog_mpi_kids *k, MPI_Comm comm, const int *rank,
                       int n, const size_t *cap);
/* Hand what has come to fn; returns the messages handled (>= 0) or fn's
 * error. */
int alog_mpi_kids_poll(alog_mpi_kids *k, alog_mpi_kid_fn fn, void *arg);
/* Cancel what is still posted and free. */
void alog_mpi_kids_free(alog_mpi_kids *k);

#endif
