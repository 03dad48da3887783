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
#include <liburing.h>
#include <sys/mman.h>

/* IORING_OP_READ_MULTISHOT of the kernel's uapi (6.7): liburing 2.3's
 * opcode enum predates it, and the probe tells whether it exists. */
#define URING_OP_READ_MULTISHOT 49
#define TEST_ENV "ALOG_TEST_URING"
#define BGID 0           /* the one buffer group */
#define WAIT_MS 100      /* wake-up at least this often to see a stop */
#define BATCH 64         /* completions taken per peek */
#define BUF_MAX (256u << 10) /* bytes per buffer: as the epoll loop reads */
#define BUF_MIN (64u << 10)
#define BUF_FLOOR (4u << 10)   /* ... shrunk to this with many pipes */
#define READ_ALL (4u << 20)
#define BUFS_BYTES (16u << 20) /* every provided buffer together */
#define TAG_CANCEL UINT64_MAX  /* user_data of cancel requests */

enum uring_mode {
    MODE_MULTISHOT, /* one multishot read per pipe, provided buffers */
    MODE_SINGLE,    /* a single-shot read per completion, provided buffers */
    MODE_DIRECT,    /* a single-shot read into the decoder, no buffer ring */
};
static const char *const mode_names[] = {"multishot", "single", "direct"};

typedef struct uring_pipe {
    alog_decoder dec;
    alog_store store; /* its list and the collector-side work */
    int fd;           /* -1 once at end-of-file */
    int armed;        /* a read of it is in flight */
} uring_pipe;

typedef struct uring_ctx {
    alog__pipes pipes;
    uring_pipe *p;
    struct io_uring ring;
    int ring_ok;                /* ring set up: exit it */
    const char *taskrun;        /* which task-run setup the ring got */
    struct io_uring_buf_ring *br; /* the provided-buffer ring, or NULL */
    size_t br_bytes;
    char *bufs;                 /* nbufs buffers of buf_size bytes */
    unsigned nbufs;
    size_t buf_size;
    unsigned returned;          /* buffers added back, not yet published */
    int mode;                   /* enum uring_mode */
    unsigned open;              /* pipes not yet at end-of-file */
    unsigned armed;             /* reads in flight */
    const alog_diag *diag;      /* the run's */
    uint64_t enters, cqes, records;
} uring_ctx;

static unsigned pow2_at_least(unsigned v)
{
    unsigned p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

/* A ring with the cheapest task-run setup the kernel has: completions run
 * only when this one thread enters (6.1+), else without interrupting it
 * (5.19+), else the default.  0 or -errno of the last attempt. */
static int ring_init(uring_ctx *x, unsigned sq, unsigned cq)
{
    static const struct {
        unsigned flags;
        const char *name;
    } setups[] = {
        {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, "defer"},
        {IORING_SETUP_COOP_TASKRUN, "coop"},
        {0, "default"},
    };
    const char *test = alog_hook(TEST_ENV);
    if (test && strcmp(test, "unavailable") == 0)
        return -ENOSYS;
    int r = -EINVAL;
    for (size_t k = 0; k < sizeof setups / sizeof *setups; k++) {
        struct io_uring_params pa;
        memset(&pa, 0, sizeof pa);
        pa.flags = setups[k].flags | IORING_SETUP_CQSIZE;
        pa.cq_entries = cq;
        r = io_uring_queue_init_params(sq, &x->ring, &pa);
        if (r == 0 && !(x->ring.features & IORING_FEAT_EXT_ARG)) {
            io_uring_queue_exit(&x->ring); /* waits need a timeout: 5.11+ */
            return -ENOSYS;
        }
        if (r == 0) {
            x->taskrun = setups[k].name;
            return 0;
        }
        if (r != -EINVAL)
            return r; /* not a flag this kernel lacks: no io_uring */
    }
    return r;
}

/* The provided-buffer ring: nbufs buffers of buf_size, all handed to the
 * kernel.  0, or -errno (no buffer rings before 5.19). */
static int bufs_init(uring_ctx *x)
{
    x->br_bytes = (size_t)x->nbufs * sizeof(struct io_uring_buf);
    void *m = mmap(NULL, x->br_bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return -errno;
    x->br = m;
    /* Anonymous memory: touched only as far as the kernel fills it. */
    m = mmap(NULL, (size_t)x->nbufs * x->buf_size, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return -errno;
    x->bufs = m;
    struct io_uring_buf_reg reg;
    memset(&reg, 0, sizeof reg);
    reg.ring_addr = (unsigned long)(uintptr_t)x->br;
    reg.ring_entries = x->nbufs;
    reg.bgid = BGID;
    int r = io_uring_register_buf_ring(&x->ring, &reg, 0);
    if (r != 0)
        return r;
    io_uring_buf_ring_init(x->br);
    int mask = io_uring_buf_ring_mask(x->nbufs);
    for (unsigned b = 0; b < x->nbufs; b++)
        io_uring_buf_ring_add(x->br, x->bufs + (size_t)b * x->buf_size,
                              (unsigned)x->buf_size, (unsigned short)b, mask,
                              (int)b);
    io_uring_buf_ring_advance(x->br, (int)x->nbufs);
    return 0;
}

static void bufs_free(uring_ctx *x)
{
    if (x->bufs)
        munmap(x->bufs, (size_t)x->nbufs * x->buf_size);
    if (x->br)
        munmap(x->br, x->br_bytes);
    x->bufs = NULL;
    x->br = NULL;
}

static void uring_free(uring_ctx *x, alog_result *res)
{
    if (x->ring_ok)
        io_uring_queue_exit(&x->ring);
    if (x->p) {
        for (unsigned i = 0; i < x->pipes.n; i++) {
            if (res)
                alog_result_add_malformed(res, i, x->p[i].dec.malformed);
            alog_decoder_free(&x->p[i].dec);
        }
    }
    bufs_free(x);
    free(x->p);
    free(x);
}

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
        uring_free(x, NULL);
        return ALOG_ENOMEM;
    }
    x->diag = env->diag;
    x->pipes.n = n; /* for uring_free on a failed start */
    for (unsigned i = 0; i < n; i++) {
        x->p[i].fd = -1;
        alog_decoder_init(&x->p[i].dec, cfg->async.wire,
                          cfg->async.n_exec > 0, i);
        x->p[i].store = env->stores[i];
    }

    /* Buffers: as much per read as the epoll loop asks for, a pipe's
     * worth in flight for each pipe twice over, 16 MiB in all at most. */
    x->buf_size = n ? READ_ALL / n : BUF_MAX;
    x->buf_size = x->buf_size > BUF_MAX   ? BUF_MAX
                  : x->buf_size < BUF_MIN ? BUF_MIN
                                          : x->buf_size;
    x->nbufs = pow2_at_least(2 * n > 8 ? 2 * n : 8);
    if (x->nbufs > 32768)
        x->nbufs = 32768; /* the kernel's most */
    while (x->buf_size > BUF_FLOOR &&
           (size_t)x->nbufs * x->buf_size > BUFS_BYTES)
        x->buf_size /= 2;
    unsigned sq = pow2_at_least(n + 8 < 4096 ? n + 8 : 4096);
    unsigned cq = pow2_at_least(x->nbufs + n + 64);

    int r = ring_init(x, sq, cq);
    if (r != 0) {
        alog_say(env->diag,
                 "--readers uring: io_uring is unavailable here "
                 "(io_uring_queue_init: %s), use --readers epoll",
                 strerror(-r));
        uring_free(x, NULL);
        return ALOG_ESYS;
    }
    x->ring_ok = 1;
    /* Only now: without io_uring the error is the run's one message. */
    if (alog__pipes_describe(res, cfg, env, "uring") != 0) {
        uring_free(x, NULL);
        return ALOG_ENOMEM;
    }
    const char *test = alog_hook(TEST_ENV);
    x->mode = MODE_MULTISHOT;
    if (test && strcmp(test, "direct") == 0)
        x->mode = MODE_DIRECT;
    else if (test && strcmp(test, "single") == 0)
        x->mode = MODE_SINGLE;
    if (x->mode != MODE_DIRECT && bufs_init(x) != 0) {
        bufs_free(x);
        x->mode = MODE_DIRECT; /* no buffer rings: read into decoders */
    }
    if (x->mode == MODE_MULTISHOT) {
        struct io_uring_probe *pr = io_uring_get_probe_ring(&x->ring);
        if (!pr || !io_uring_opcode_supported(pr, URING_OP_READ_MULTISHOT))
            x->mode = MODE_SINGLE;
        io_uring_free_probe(pr);
    }

    int rc = alog__pipes_start(&x->pipes, cfg, res, 0, env->diag);
    if (rc != 0) {
        x->pipes.n = n;
        uring_free(x, NULL);
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
        uring_free(x, NULL);
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
    uring_free(x, res);
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
