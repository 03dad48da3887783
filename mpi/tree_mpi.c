/* tree_mpi.c - --collect tree: the groups and the tree (the same on every
 * rank), its header keys, and rank 0's collect mode over its children:
 * its own group's members, whose messages are a flat producer's, and the
 * leaders below it, whose TAG_FWD blocks are taken as if each origin had
 * sent them itself (see tree_mpi.h).
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpi_check.h"
#include "tree_mpi.h"

enum { HARD_POLLS = 64 }; /* bare polls between clock looks, paced */

/* Parents, children and depth from the leaders (pure). */
static int tree_shape(alog_mpi_tree *t)
{
    int n = t->size, m = 0;
    int *order = malloc((size_t)n * sizeof *order); /* leaders, by rank */
    int *index = malloc((size_t)n * sizeof *index); /* a leader's place */
    int *depth = calloc((size_t)n, sizeof *depth);
    if (order == NULL || index == NULL || depth == NULL) {
        free(order);
        free(index);
        free(depth);
        return ALOG_ENOMEM;
    }
    for (int r = 0; r < n; r++)
        if (t->leader[r] == r) {
            index[r] = m;
            order[m++] = r;
        }
    t->leaders = m;
    t->depth = 0;
    memset(t->kid_off, 0, (size_t)(n + 1) * sizeof *t->kid_off);
    for (int r = 0; r < n; r++) {
        int i = t->leader[r] == r ? index[r] : -1;
        t->parent[r] = r == 0 ? -1
                       : i < 0 ? t->leader[r]
                               : order[t->fanout ? (i - 1) / (int)t->fanout
                                                 : 0];
        if (r > 0) { /* a parent is a lower rank: its depth is known */
            depth[r] = depth[t->parent[r]] + 1;
            t->kid_off[t->parent[r] + 1]++;
            if (depth[r] > t->depth)
                t->depth = depth[r];
        }
    }
    for (int r = 0; r < n; r++)
        t->kid_off[r + 1] += t->kid_off[r];
    memcpy(index, t->kid_off, (size_t)n * sizeof *index); /* next free */
    for (int r = 1; r < n; r++)
        t->kids[index[t->parent[r]]++] = r;
    free(order);
    free(index);
    free(depth);
    return ALOG_OK;
}

int alog_mpi_tree_build(MPI_Comm comm, const alog_mpi_opts *o,
                        alog_mpi_tree *t)
{
    int rank = 0, size = 0, local = 1;
    MPI_Comm node;
    memset(t, 0, sizeof *t);
    ALOG_MPI_CHECK(comm, MPI_Comm_rank(comm, &rank));
    ALOG_MPI_CHECK(comm, MPI_Comm_size(comm, &size));
    /* The node's ranks share memory; its lowest rank leads it. */
    int lead = rank;
    ALOG_MPI_CHECK(comm, MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank,
                                             MPI_INFO_NULL, &node));
    ALOG_MPI_CHECK(comm, MPI_Comm_size(node, &local));
    ALOG_MPI_CHECK(node, MPI_Allreduce(&rank, &lead, 1, MPI_INT, MPI_MIN,
                                       node));
    ALOG_MPI_CHECK(comm, MPI_Comm_free(&node));
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    t->oversubscribed = cores > 0 && local > cores;
    if (o->tree_group > 0)
        lead = rank - rank % (int)o->tree_group;
    t->size = size;
    t->fanout = o->fanout;
    t->group = o->tree_group;
    t->leader = malloc((size_t)size * sizeof *t->leader);
    t->parent = malloc((size_t)size * sizeof *t->parent);
    t->kid_off = malloc((size_t)(size + 1) * sizeof *t->kid_off);
    t->kids = malloc((size_t)size * sizeof *t->kids);
    if (t->leader == NULL || t->parent == NULL || t->kid_off == NULL ||
        t->kids == NULL)
        alog_mpi_out_of_memory(comm);
    ALOG_MPI_CHECK(comm, MPI_Allgather(&lead, 1, MPI_INT, t->leader, 1,
                                       MPI_INT, comm));
    if (tree_shape(t) != ALOG_OK)
        alog_mpi_out_of_memory(comm);
    return ALOG_OK;
}

void alog_mpi_tree_free(alog_mpi_tree *t)
{
    free(t->leader);
    free(t->parent);
    free(t->kid_off);
    free(t->kids);
    memset(t, 0, sizeof *t);
}

size_t alog_mpi_tree_cap(size_t member_cap)
{
    /* One member message and a final, each with its head, always fit. */
    size_t need = member_cap + 2 * sizeof(alog_mpi_block) +
                  sizeof(alog_mpi_final);
    return need > ALOG_MPI_TREE_FWD_BYTES ? need : ALOG_MPI_TREE_FWD_BYTES;
}

int alog_mpi_tree_header(alog_result *res, const alog_mpi_tree *t)
{
    char list[256];
    size_t n = 0;
    list[0] = '\0';
    for (int r = 0; r < t->size && n < sizeof list - 16; r++) {
        if (t->leader[r] != r)
            continue;
        int w = snprintf(list + n, sizeof list - n, "%s%d", n ? "," : "", r);
        n += w > 0 ? (size_t)w : 0;
    }
    if (n >= sizeof list - 16)
        snprintf(list + n, sizeof list - n, ",...");
    int rc = 0;
    if (t->group > 0)
        rc = alog_result_header(res, "tree_groups", "%u ranks (--tree-group)",
                                t->group);
    else
        rc = alog_result_header(res, "tree_groups",
                                "node (MPI_Comm_split_type SHARED)");
    if (t->fanout > 0)
        rc = rc ? rc : alog_result_header(res, "tree_fanout", "%u", t->fanout);
    else
        rc = rc ? rc : alog_result_header(res, "tree_fanout",
                                          "direct (every leader to rank 0)");
    rc = rc ? rc : alog_result_header(res, "tree_leaders", "%d", t->leaders);
    rc = rc ? rc : alog_result_header(res, "tree_leader_ranks", "%s", list);
    rc = rc ? rc : alog_result_header(res, "tree_depth", "%d", t->depth);
    rc = rc ? rc : alog_result_header(res, "tree_rank0_children", "%d",
                                      alog_mpi_tree_nkids(t, 0));
    rc = rc ? rc : alog_result_header(
                       res, "tree_latency",
                       "collect at rank 0 minus the producer's own stamp: "
                       "every hop included");
    return rc;
}

/* ---- rank 0 ------------------------------------------------------------ */

typedef struct tree_rx {
    alog_mpi_collector *c;
    const alog_mpi_tree *t;
    alog_mpi_kids kids;
    int pending; /* leaders below us whose TAG_FINAL has not come */
} tree_rx;

/* A leader's blocks, each as its origin's own message. */
static int rx_blocks(tree_rx *x, int from, const unsigned char *buf,
                     int bytes, int64_t now)
{
    alog_mpi_collector *c = x->c;
    alog_mpi_block b;
    const unsigned char *body;
    size_t off = 0;
    int r = 0, rc = ALOG_OK;
    uint64_t m0 = c->messages;
    while (rc == ALOG_OK &&
           (r = alog_mpi_block_next(buf, (size_t)bytes, &off, &b, &body)) == 1) {
        int p = b.origin - 1;
        if (p < 0 || p >= c->nprod) {
            c->stray++;
        } else if (b.kind == ALOG_MPI_BLOCK_DATA) {
            rc = alog_mpi_dispatch(c, p, ALOG_MPI_TAG_DATA, body,
                                   (int)b.bytes, now);
        } else if (b.kind == ALOG_MPI_BLOCK_FINAL) {
            alog_mpi_take_final(c, p, body, (int)b.bytes, now, 0);
        } else {
            char why[160];
            snprintf(why, sizeof why, "%.*s at its leader, rank %d",
                     (int)(b.bytes < 100 ? b.bytes : 100),
                     (const char *)body, from);
            alog_mpi_cut_off(c, p, why);
        }
    }
    if (rc == ALOG_OK && r < 0)
        c->stray++; /* the rest of a message no leader of ours sends */
    /* messages counts what reached us, not the blocks inside */
    c->messages = m0 + 1;
    return rc;
}

static int rx_one(void *arg, int kid, int tag, const unsigned char *buf,
                  int bytes, int64_t now)
{
    tree_rx *x = arg;
    alog_mpi_collector *c = x->c;
    int q = x->kids.rank[kid];
    int done = ALOG_MPI_CTRL_DONE;
    if (alog_mpi_tree_nkids(x->t, q) == 0) { /* a producer, as flat */
        int rc = alog_mpi_dispatch(c, q - 1, tag, buf, bytes, now);
        return rc < 0 ? rc : tag == ALOG_MPI_TAG_FINAL;
    }
    if (tag == ALOG_MPI_TAG_FWD)
        return rx_blocks(x, q, buf, bytes, now);
    if (tag != ALOG_MPI_TAG_FINAL) {
        c->stray++;
        return ALOG_OK;
    }
    x->pending--;
    ALOG_MPI_CHECK(c->comm, MPI_Send(&done, 1, MPI_INT, q, ALOG_MPI_TAG_CTRL,
                                     c->comm));
    return 1;
}

/* Every producer below rank q (and q) not yet ended is cut off. */
static void cut_subtree(alog_mpi_collector *c, const alog_mpi_tree *t, int q,
                        const char *why)
{
    if (q > 0)
        alog_mpi_cut_off(c, q - 1, why);
    for (int i = t->kid_off[q]; i < t->kid_off[q + 1]; i++)
        cut_subtree(c, t, t->kids[i], why);
}

/* The stop goes to our children; leaders pass it on to theirs. */
static void rx_stop(tree_rx *x)
{
    int msg = ALOG_MPI_CTRL_STOP;
    x->c->stop_ns = alog_now_ns();
    x->c->stop_sent = 1;
    for (int k = 0; k < x->kids.n; k++)
        if (!x->kids.closed[k] &&
            MPI_Send(&msg, 1, MPI_INT, x->kids.rank[k], ALOG_MPI_TAG_CTRL,
                     x->c->comm) != MPI_SUCCESS)
            cut_subtree(x->c, x->t, x->kids.rank[k],
                        "cannot be told to stop (gone?)");
}

static int rx_open(tree_rx *x, alog_mpi_collector *c)
{
    const alog_mpi_tree *t = c->tree;
    int n = alog_mpi_tree_nkids(t, 0);
    const int *kids = t->kids + t->kid_off[0];
    size_t *cap = malloc((size_t)n * sizeof *cap + 1);
    *x = (tree_rx){.c = c, .t = t};
    if (cap == NULL)
        return ALOG_ENOMEM;
    for (int k = 0; k < n; k++) {
        int lead = alog_mpi_tree_nkids(t, kids[k]) > 0;
        cap[k] = lead ? alog_mpi_tree_cap(c->cap) : c->cap;
        x->pending += lead;
    }
    for (int p = 0; p < c->nprod; p++)
        if (t->parent[p + 1] != 0 && c->src[p].stall_ns > 0)
            c->src[p].stall_ns += ALOG_MPI_TREE_STALL_SLACK_NS;
    int rc = alog_mpi_kids_open(&x->kids, c->comm, kids, n, cap);
    free(cap);
    return rc;
}

int alog_mpi_collect_tree(alog_mpi_collector *c, const atomic_int *stop)
{
    tree_rx x = {0};
    int rc = rx_open(&x, c);
    unsigned empty = 0, hard = 0;
    /* Every producer has ended, and (all of them ok) every leader said
     * so: a leader waits for our word before it leaves. */
    while (rc == ALOG_OK &&
           (c->active > 0 || (c->stalled == 0 && x.pending > 0))) {
        if (atomic_load(stop) != 0 && !c->stop_sent)
            rx_stop(&x);
        int got = alog_mpi_kids_poll(&x.kids, rx_one, &x);
        if (got < 0) {
            rc = got;
            break;
        }
        if (got > 0) {
            hard = 0;
            continue;
        }
        if (hard > 0) { /* paced, a record due about now: as recv_mpi.c */
            hard--;
            continue;
        }
        if (c->active == 0)
            alog_sleep_for(50000, NULL); /* only the leaders' word left */
        else if (c->paced && !c->stop_sent)
            hard = alog_mpi_idle(c) ? HARD_POLLS : 0;
        else if (c->oversubscribed)
            sched_yield();
        if ((c->paced && hard == 0) || (++empty & 1023) == 0)
            alog_mpi_watch(c, alog_now_ns());
    }
    alog_mpi_kids_free(&x.kids);
    return rc;
}
