/* transport_uring.c - the async model on io_uring: one thread, one ring,
 * a read kept in flight on every producer's pipe.
 *
 * The kernel reads each pipe into buffers of a provided-buffer ring as
 * data comes (multishot reads, kernel 6.7+; else one read per completion,
 * re-armed), and the loop drains completions in batches: one
 * io_uring_enter per turn submits the re-arms and waits, however many
 * pipes had data.  Records are parsed where the kernel put them
 * (alog_decoder_feed_external) and the buffer goes straight back to the
 * ring, so the cost per record is the parse and one slot in the list: no
 * syscall, no copy.  Where io_uring cannot be used the run stops at open
 * with the reason and the suggestion of --readers epoll.
 *
 * Testing only: ALOG_TEST_URING=unavailable acts as if io_uring_queue_init
 * failed with ENOSYS (a kernel or seccomp policy without io_uring);
 * =single takes single-shot reads as on a kernel without multishot ones;
 * =direct, single-shot reads into the decoder without a buffer ring (a
 * kernel before 5.19).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipes.h"
#include "transport.h"

#ifdef ALOG_HAVE_URING
#include "uring.h"

static const char *const mode_names[] = {"multishot", "single", "direct"};

/* An SQE, submitting what waits when the queue is full. */
static struct io_uring_sqe *sqe_get(uring_ctx *x)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&x->ring);
    if (!sqe) {
        x->enters++;
        (void)io_uring_submit(&x->ring);
        sqe = io_uring_get_sqe(&x->ring);
    }
    return sqe;
}

/* Queue a read of pipe i (submitted by the next enter).  0 or ENOMEM. */
static int arm(uring_ctx *x, unsigned i)
{
    uring_pipe *p = &x->p[i];
    struct io_uring_sqe *sqe = sqe_get(x);
    if (!sqe)
        return ALOG_ESYS;
    if (x->mode == MODE_DIRECT) {
        size_t avail;
        char *space = alog_decoder_space(&p->dec, x->buf_size, &avail);
        if (!space)
            return ALOG_ENOMEM;
        io_uring_prep_read(sqe, p->fd, space, (unsigned)avail, 0);
    } else {
        if (x->mode == MODE_MULTISHOT)
            io_uring_prep_rw(URING_OP_READ_MULTISHOT, sqe, p->fd, NULL, 0, 0);
        else
            io_uring_prep_read(sqe, p->fd, NULL, (unsigned)x->buf_size, 0);
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = BGID;
    }
    io_uring_sqe_set_data64(sqe, i);
    p->armed = 1;
    x->armed++;
    return 0;
}

/* End of one pipe: parse the tail, close it. */
static int pipe_eof(uring_ctx *x, unsigned i)
{
    uring_pipe *p = &x->p[i];
    uint64_t before = p->dec.lines;
    int rc = alog_decoder_finish(&p->dec, alog_now_ns(), alog_store_emit,
                                 &p->store);
    x->records += p->dec.lines - before;
    close(p->fd);
    p->fd = -1;
    x->pipes.child[i].fd = -1;
    x->open--;
    return rc;
}

/* n bytes of pipe i at b: parse them (in place unless b is the decoder's
 * own space), store the records. */
static int take(uring_ctx *x, unsigned i, const char *b, size_t n)
{
    uring_pipe *p = &x->p[i];
    uint64_t before = p->dec.lines;
    int64_t now = alog_now_ns();
    int rc = b ? alog_decoder_feed_external(&p->dec, b, n, now,
                                            alog_store_emit, &p->store)
               : alog_decoder_commit(&p->dec, n, now, alog_store_emit,
                                     &p->store);
    x->records += p->dec.lines - before;
    alog__pipes_enough(&x->pipes, i, p->dec.lines);
    return rc;
}

/* One completion.  With parse 0 (after collect ended) data is dropped
 * and nothing is re-armed. */
static int on_cqe(uring_ctx *x, const struct io_uring_cqe *c, int parse)
{
    x->cqes++;
    if (c->user_data == TAG_CANCEL)
        return 0;
    unsigned i = (unsigned)c->user_data;
    uring_pipe *p = &x->p[i];
    int rc = 0;
    if (!(c->flags & IORING_CQE_F_MORE)) {
        p->armed = 0;
        x->armed--;
    }
    if (c->flags & IORING_CQE_F_BUFFER) {
        unsigned bid = c->flags >> IORING_CQE_BUFFER_SHIFT;
        char *b = x->bufs + (size_t)bid * x->buf_size;
        if (c->res > 0 && parse)
            rc = take(x, i, b, (size_t)c->res);
        /* Parsed (or copied): the buffer is the kernel's again, published
         * with the rest of the batch's. */
        io_uring_buf_ring_add(x->br, b, (unsigned)x->buf_size,
                              (unsigned short)bid,
                              io_uring_buf_ring_mask(x->nbufs),
                              (int)x->returned++);
    } else if (c->res > 0 && parse) {
        rc = take(x, i, NULL, (size_t)c->res); /* MODE_DIRECT */
    }
    if (!parse || p->armed || p->fd < 0)
        return rc;
    if (c->res == -EINVAL && x->mode == MODE_MULTISHOT && p->dec.lines == 0) {
        /* The probe said yes, the first read says no: single-shot. */
        x->mode = MODE_SINGLE;
    } else if (c->res == 0) {
        int erc = pipe_eof(x, i);
        return rc ? rc : erc;
    } else if (c->res < 0 && c->res != -ENOBUFS && c->res != -EINTR &&
               c->res != -EAGAIN && c->res != -ECANCELED) {
        /* A read error on a pipe is an end of it, not of the run. */
        alog_say(x->diag, "producer %u: read: %s", i, strerror(-c->res));
        int erc = pipe_eof(x, i);
        return rc ? rc : erc;
    }
    /* More to come (ENOBUFS: the buffers are back by the next enter). */
    int arc = rc == 0 ? arm(x, i) : 0;
    return rc ? rc : arc;
}

/* Every completion there is, in batches; then the returned buffers are
 * published at once. */
static int drain(uring_ctx *x, int parse)
{
    int rc = 0;
    for (;;) {
        struct io_uring_cqe *c[BATCH];
        unsigned k = io_uring_peek_batch_cqe(&x->ring, c, BATCH);
        if (k == 0)
            break;
        for (unsigned j = 0; j < k; j++) {
            int r = on_cqe(x, c[j], parse && rc == 0);
            if (rc == 0)
                rc = r;
        }
        io_uring_cq_advance(&x->ring, k);
    }
    if (x->returned > 0) {
        io_uring_buf_ring_advance(x->br, (int)x->returned);
        x->returned = 0;
    }
    return rc;
}

/* One turn, one io_uring_enter (the loop drained the ring before): submit
 * the re-arms and wait up to ms for a completion.  0, or ALOG_ESYS when
 * the ring failed. */
static int enter(uring_ctx *x, long ms)
{
    struct __kernel_timespec ts = {.tv_sec = ms / 1000,
                                   .tv_nsec = (ms % 1000) * 1000000};
    struct io_uring_cqe *cqe;
    x->enters++;
    int r = io_uring_submit_and_wait_timeout(&x->ring, &cqe, 1, &ts, NULL);
    if (r >= 0 || r == -ETIME || r == -EINTR || r == -EAGAIN ||
        r == -EBUSY)
        return 0;
    alog_say(x->diag, "io_uring_submit_and_wait_timeout: %s", strerror(-r));
    return ALOG_ESYS;
}

static int uring_open(void **ctx, const alog_config *cfg,
                      const alog_run_env *env, alog_result *res)
{
    uring_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return ALOG_ENOMEM;
    unsigned n = alog_result_producers(res);
    x->p = calloc(n ? n : 1, sizeof *x->p);
    if (!x->p) {
        alog__uring_free(x, NULL);
        return ALOG_ENOMEM;
    }
    x->diag = env->diag;
    x->pipes.n = n; /* for uring_free on a failed start */
    for (unsigned i = 0; i < n; i++) {
        x->p[i].fd = -1;
        alog_decoder_init(&x->p[i].dec, env->wire, cfg->foreign,
                          i);
        x->p[i].store = env->stores[i];
    }

    int r = alog__uring_setup(x, n);
    if (r != 0) {
        alog_say(env->diag,
                 "--readers uring: io_uring is unavailable here "
                 "(io_uring_queue_init: %s), use --readers epoll",
                 strerror(-r));
        alog__uring_free(x, NULL);
        return ALOG_ESYS;
    }
    /* Only now: without io_uring the error is the run's one message. */
    if (alog__pipes_describe(res, cfg, env, "uring") != 0) {
        alog__uring_free(x, NULL);
        return ALOG_ENOMEM;
    }
    int rc = alog__pipes_start(&x->pipes, cfg, env->async, res, 0, env->diag);
    if (rc != 0) {
        x->pipes.n = n;
        alog__uring_free(x, NULL);
        return rc;
    }
    for (unsigned i = 0; i < n && rc == 0; i++) {
        x->p[i].fd = x->pipes.child[i].fd;
        x->p[i].dec.wire_id = alog__pipes_wire_id(&x->pipes, i);
        x->open++;
        rc = arm(x, i);
    }
    if (rc != 0) {
        alog__pipes_close(&x->pipes, res);
        alog__uring_free(x, NULL);
        return rc;
    }
    *ctx = x;
    return 0;
}

static int uring_collect(void *ctx, alog_result *res, const atomic_int *stop)
{
    uring_ctx *x = ctx;
    alog_progress prog;
    uint64_t target = alog_result_target_total(res);
    alog_progress_init(&prog);
    int rc = 0;
    while (x->open > 0) {
        if (alog__pipes_check_stop(&x->pipes, stop))
            break; /* told to end long ago and still no end-of-file */
        rc = enter(x, WAIT_MS);
        if (rc == 0)
            rc = drain(x, 1);
        if (rc != 0) {
            alog__pipes_stop(&x->pipes); /* we end them: "stopped" */
            break;
        }
        alog_progress_tick(&prog, x->records, target);
    }
    alog_progress_done(&prog);
    return rc;
}

/* Reads still in flight (a run cut short) are cancelled and waited for
 * before the pipes close: the ring holds them open, and a cancelled
 * read must not land in freed memory. */
static void cancel_all(uring_ctx *x)
{
    if (x->armed == 0)
        return;
    struct io_uring_sqe *sqe = sqe_get(x);
    if (sqe) {
        io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
        io_uring_sqe_set_data64(sqe, TAG_CANCEL);
    }
    int64_t until = alog_now_ns() + ALOG__GRACE_NS;
    while (x->armed > 0 && alog_now_ns() < until) {
        if (enter(x, 10) != 0)
            break;
        (void)drain(x, 0);
    }
}

static int uring_close(void *ctx, alog_result *res)
{
    uring_ctx *x = ctx;
    cancel_all(x);
    alog__pipes_close(&x->pipes, res);
    double per = x->records ? 1.0 / (double)x->records : 0;
    int rc = alog_result_header(res, "uring_multishot", "%s",
                                x->mode == MODE_MULTISHOT ? "yes" : "no");
    if (rc == 0)
        rc = alog_result_header(res, "uring_reads", "%s", mode_names[x->mode]);
    if (rc == 0)
        rc = x->mode == MODE_DIRECT
                 ? alog_result_header(res, "uring_buffers", "none")
                 : alog_result_header(res, "uring_buffers", "%ux%zu",
                                      x->nbufs, x->buf_size);
    if (rc == 0)
        rc = alog_result_header(res, "uring_taskrun", "%s", x->taskrun);
    if (rc == 0)
        rc = alog_result_counter(res, "uring_enters", (double)x->enters);
    if (rc == 0)
        rc = alog_result_counter(res, "uring_cqes", (double)x->cqes);
    if (rc == 0)
        rc = alog_result_counter(res, "uring_enters_per_record",
                                 (double)x->enters * per);
    if (rc == 0)
        rc = alog_result_counter(res, "uring_cqes_per_record",
                                 (double)x->cqes * per);
    alog__uring_free(x, res);
    return rc;
}

#else /* !ALOG_HAVE_URING */

/* Built without liburing: the name exists (--readers lists it), the
 * transport does not. */
static int uring_open(void **ctx, const alog_config *cfg,
                      const alog_run_env *env, alog_result *res)
{
    (void)ctx;
    (void)cfg;
    (void)res;
    alog_say(env->diag, "--readers 'uring': this alog was built without "
                        "liburing (apt-get install liburing-dev, then "
                        "rebuild), use --readers epoll");
    return ALOG_EINVAL;
}

static int uring_collect(void *ctx, alog_result *res, const atomic_int *stop)
{
    (void)ctx;
    (void)res;
    (void)stop;
    return ALOG_EINVAL;
}

static int uring_close(void *ctx, alog_result *res)
{
    (void)ctx;
    (void)res;
    return 0;
}

#endif

const alog_transport alog_transport_uring = {
    .name = "uring",
    .summary = "child producers on pipes, io_uring reads into provided "
               "buffers collect",
    .open = uring_open,
    .collect = uring_collect,
    .close = uring_close,
};
