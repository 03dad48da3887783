/* uring_ring.c - the io_uring collector's ring: how big its provided
 * buffers are, which task-run setup and read mode the kernel allows, and
 * freeing it all. */
#ifdef ALOG_HAVE_URING /* else nothing: transport_uring.c says so */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "uring.h"

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

void alog__uring_free(uring_ctx *x, alog_result *res)
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

int alog__uring_setup(uring_ctx *x, unsigned n)
{
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
    if (r != 0)
        return r;
    x->ring_ok = 1;
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

    return 0;
}

#endif
