/* kids_mpi.c - the receives a rank of --collect tree keeps posted for its
 * children (rank 0's, a leader's), completed with MPI_Testsome.
 *
 * KIDS_DEPTH receives per child (double-buffered, as recv_mpi.c's), each
 * child's consumed strictly in posting order: MPI matches one sender's
 * messages to our receives in that order, so a child's messages reach
 * the handler in the order it sent them, whatever order Testsome lists.
 */
#include <stdlib.h>

#include "mpi_check.h"
#include "tree_mpi.h"

enum { KIDS_DEPTH = 2 };

static void post(alog_mpi_kids *k, int s)
{
    int kid = s / KIDS_DEPTH;
    ALOG_MPI_CHECK(k->comm, MPI_Irecv(k->bufs + k->off[s], (int)k->cap[kid],
                                      MPI_BYTE, k->rank[kid], MPI_ANY_TAG,
                                      k->comm, &k->req[s]));
}

int alog_mpi_kids_open(alog_mpi_kids *k, MPI_Comm comm, const int *rank,
                       int n, const size_t *cap)
{
    size_t m = (size_t)KIDS_DEPTH * (size_t)n, total = 0;
    *k = (alog_mpi_kids){.comm = comm, .n = n, .rank = rank, .open = n};
    k->cap = malloc((size_t)n * sizeof *k->cap + 1);
    k->off = malloc(m * sizeof *k->off + 1);
    k->req = malloc(m * sizeof *k->req + 1);
    k->ready = calloc(m + 1, sizeof *k->ready);
    k->bytes = calloc(m + 1, sizeof *k->bytes);
    k->tag = calloc(m + 1, sizeof *k->tag);
    k->idx = malloc(m * sizeof *k->idx + 1);
    k->st = malloc(m * sizeof *k->st + 1);
    k->head = calloc((size_t)n + 1, sizeof *k->head);
    k->closed = calloc((size_t)n + 1, sizeof *k->closed);
    if (k->cap == NULL || k->off == NULL || k->req == NULL ||
        k->ready == NULL || k->bytes == NULL || k->tag == NULL ||
        k->idx == NULL || k->st == NULL || k->head == NULL ||
        k->closed == NULL) {
        alog_mpi_kids_free(k);
        return ALOG_ENOMEM;
    }
    for (size_t s = 0; s < m; s++) {
        if (s % KIDS_DEPTH == 0)
            k->cap[s / KIDS_DEPTH] = cap[s / KIDS_DEPTH];
        k->off[s] = total;
        total += cap[s / KIDS_DEPTH];
        k->req[s] = MPI_REQUEST_NULL;
    }
    k->bufs = malloc(total + 1);
    if (k->bufs == NULL) {
        alog_mpi_kids_free(k);
        return ALOG_ENOMEM;
    }
    for (size_t s = 0; s < m; s++)
        post(k, (int)s);
    return ALOG_OK;
}

/* Its last message came: the child's other receives were posted after
 * it, so nothing can match them any more. */
static void close_kid(alog_mpi_kids *k, int kid)
{
    for (int j = 0; j < KIDS_DEPTH; j++) {
        int s = KIDS_DEPTH * kid + j;
        if (k->req[s] != MPI_REQUEST_NULL) {
            ALOG_MPI_CHECK(k->comm, MPI_Cancel(&k->req[s]));
            ALOG_MPI_CHECK(k->comm, MPI_Wait(&k->req[s], MPI_STATUS_IGNORE));
        }
        k->ready[s] = 0;
    }
    k->closed[kid] = 1;
    k->open--;
}

static int drain(alog_mpi_kids *k, int kid, alog_mpi_kid_fn fn, void *arg,
                 int64_t now)
{
    while (!k->closed[kid]) {
        int s = KIDS_DEPTH * kid + k->head[kid];
        if (!k->ready[s])
            return ALOG_OK;
        k->ready[s] = 0;
        int rc = fn(arg, kid, k->tag[s], k->bufs + k->off[s], k->bytes[s],
                    now);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            close_kid(k, kid);
            return ALOG_OK;
        }
        post(k, s);
        k->head[kid] = (k->head[kid] + 1) % KIDS_DEPTH;
    }
    return ALOG_OK;
}

int alog_mpi_kids_poll(alog_mpi_kids *k, alog_mpi_kid_fn fn, void *arg)
{
    int got = 0;
    if (k->open == 0)
        return 0;
    ALOG_MPI_CHECK(k->comm, MPI_Testsome(KIDS_DEPTH * k->n, k->req, &got,
                                         k->idx, k->st));
    if (got == MPI_UNDEFINED || got == 0)
        return 0;
    int64_t now = alog_now_ns();
    for (int i = 0; i < got; i++) {
        int s = k->idx[i];
        k->ready[s] = 1;
        k->tag[s] = k->st[i].MPI_TAG;
        ALOG_MPI_CHECK(k->comm, MPI_Get_count(&k->st[i], MPI_BYTE,
                                              &k->bytes[s]));
    }
    for (int i = 0; i < got; i++) {
        int rc = drain(k, k->idx[i] / KIDS_DEPTH, fn, arg, now);
        if (rc < 0)
            return rc;
    }
    return got;
}

void alog_mpi_kids_free(alog_mpi_kids *k)
{
    for (int kid = 0; k->req != NULL && k->closed != NULL && kid < k->n;
         kid++)
        if (!k->closed[kid] && k->bufs != NULL)
            close_kid(k, kid);
    free(k->cap);
    free(k->off);
    free(k->bufs);
    free(k->req);
    free(k->ready);
    free(k->bytes);
    free(k->tag);
    free(k->idx);
    free(k->st);
    free(k->head);
    free(k->closed);
    *k = (alog_mpi_kids){0};
}
