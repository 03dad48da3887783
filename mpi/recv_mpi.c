/* recv_mpi.c - the "async" collect mode of rank 0: receives pre-posted
 * for every producer, completed with MPI_Waitsome (or MPI_Testsome and a
 * nap when every producer is paced).
 *
 * RECV_DEPTH receives per producer (2: double-buffered), so one can fill
 * while another is being stored.  MPI matches a sender's messages to our
 * receives in the order we posted them, so each producer's slots are
 * consumed strictly in posting order (head first), whatever order
 * Waitsome lists them in.
 */
#include <sched.h>
#include <stdlib.h>

#include "collect_mpi.h"
#include "mpi_check.h"

#ifndef ALOG_MPI_RECV_DEPTH
#define ALOG_MPI_RECV_DEPTH 2
#endif
enum { RECV_DEPTH = ALOG_MPI_RECV_DEPTH };
enum { HARD_POLLS = 64 }; /* bare polls between clock looks, paced */

typedef struct slot {
    int ready; /* completed, not yet stored */
    int bytes;
    int tag;
} slot;

typedef struct async_state {
    alog_mpi_collector *c;
    unsigned char *bufs; /* RECV_DEPTH * nprod buffers of c->cap bytes */
    MPI_Request *req;
    slot *slots;
    int *head;           /* per producer: its slot posted first */
    int *idx;            /* Waitsome's output */
    MPI_Status *st;
} async_state;

static void post(async_state *a, int s)
{
    alog_mpi_collector *c = a->c;
    ALOG_MPI_CHECK(c->comm, MPI_Irecv(a->bufs + (size_t)s * c->cap, (int)c->cap,
                                      MPI_BYTE, s / RECV_DEPTH + 1, MPI_ANY_TAG,
                                      c->comm, &a->req[s]));
}

/* The final message came: the producer's other slots were all posted after
 * it, so nothing can come for them any more. */
static void retire(async_state *a, int p)
{
    alog_mpi_collector *c = a->c;
    for (int k = 1; k < RECV_DEPTH; k++) {
        int o = RECV_DEPTH * p + (a->head[p] + k) % RECV_DEPTH;
        if (a->req[o] != MPI_REQUEST_NULL) {
            MPI_Status st;
            int cancelled = 0;
            ALOG_MPI_CHECK(c->comm, MPI_Cancel(&a->req[o]));
            ALOG_MPI_CHECK(c->comm, MPI_Wait(&a->req[o], &st));
            ALOG_MPI_CHECK(c->comm, MPI_Test_cancelled(&st, &cancelled));
            if (!cancelled)
                c->src[p].malformed++;
        }
        if (a->slots[o].ready)
            c->src[p].malformed++;
    }
}

static int drain(async_state *a, int p, int64_t now)
{
    alog_mpi_collector *c = a->c;
    for (;;) {
        int s = RECV_DEPTH * p + a->head[p];
        if (!a->slots[s].ready)
            return ALOG_OK;
        a->slots[s].ready = 0;
        int rc = alog_mpi_dispatch(c, p, a->slots[s].tag,
                                   a->bufs + (size_t)s * c->cap,
                                   a->slots[s].bytes, now);
        if (rc != ALOG_OK)
            return rc;
        if (c->src[p].finished) {
            retire(a, p);
            return ALOG_OK;
        }
        post(a, s);
        a->head[p] = (a->head[p] + 1) % RECV_DEPTH;
    }
}

static int state_new(async_state *a, alog_mpi_collector *c)
{
    int n = RECV_DEPTH * c->nprod;
    a->c = c;
    a->idx = malloc((size_t)n * sizeof *a->idx);
    a->st = malloc((size_t)n * sizeof *a->st);
    a->bufs = malloc((size_t)n * c->cap);
    a->req = malloc((size_t)n * sizeof *a->req);
    a->slots = calloc((size_t)n, sizeof *a->slots);
    a->head = calloc((size_t)c->nprod, sizeof *a->head);
    if (a->idx == NULL || a->st == NULL || a->bufs == NULL || a->req == NULL ||
        a->slots == NULL || a->head == NULL) {
        free(a->req); /* nothing posted: state_free must not look */
        a->req = NULL;
        return ALOG_ENOMEM;
    }
    for (int s = 0; s < n; s++)
        post(a, s);
    return ALOG_OK;
}

static void state_free(async_state *a)
{
    int n = RECV_DEPTH * a->c->nprod;
    /* Only after a failure can receives still be pending. */
    for (int s = 0; a->req != NULL && s < n; s++) {
        if (a->req[s] != MPI_REQUEST_NULL) {
            ALOG_MPI_CHECK(a->c->comm, MPI_Cancel(&a->req[s]));
            ALOG_MPI_CHECK(a->c->comm, MPI_Wait(&a->req[s], MPI_STATUS_IGNORE));
        }
    }
    free(a->idx);
    free(a->st);
    free(a->bufs);
    free(a->req);
    free(a->slots);
    free(a->head);
}

int alog_mpi_collect_async(alog_mpi_collector *c, const atomic_int *stop)
{
    async_state a = {0};
    int n = RECV_DEPTH * c->nprod;
    int rc = state_new(&a, c);

    unsigned empty = 0, hard = 0;
    while (c->active > 0 && rc == ALOG_OK) {
        int got = 0;
        if (atomic_load(stop) != 0 && !c->stop_sent)
            alog_mpi_send_stop(c);
        /* Polled, never waited on in MPI: a producer that falls silent
         * must not hold rank 0 (MPI_Waitsome spins the same way). */
        ALOG_MPI_CHECK(c->comm, MPI_Testsome(n, a.req, &got, a.idx, a.st));
        if (got == 0) {
            /* Paced, with a record due about now: HARD_POLLS bare polls
             * before looking at the clock again, so that an arrival is
             * seen one MPI_Testsome after it, as MPI_Recv would. */
            if (hard > 0) {
                hard--;
                continue;
            }
            if (c->paced && !c->stop_sent)
                hard = alog_mpi_idle(c) ? HARD_POLLS : 0;
            else if (c->oversubscribed)
                sched_yield();
            if ((c->paced && hard == 0) || (++empty & 1023) == 0)
                alog_mpi_watch(c, alog_now_ns());
            continue;
        }
        hard = 0;
        if (got == MPI_UNDEFINED) { /* no receive left, yet finals missing */
            rc = ALOG_EPROTO;
            break;
        }
        int64_t now = alog_now_ns();
        for (int i = 0; i < got; i++) {
            slot *sl = &a.slots[a.idx[i]];
            sl->ready = 1;
            sl->tag = a.st[i].MPI_TAG;
            ALOG_MPI_CHECK(c->comm, MPI_Get_count(&a.st[i], MPI_BYTE,
                                                  &sl->bytes));
        }
        for (int i = 0; i < got && rc == ALOG_OK; i++)
            rc = drain(&a, a.idx[i] / RECV_DEPTH, now);
    }
    state_free(&a);
    return rc;
}
