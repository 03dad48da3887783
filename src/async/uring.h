/* uring.h - the io_uring collector's state and its ring (internal to
 * src/async/, alog__ names): uring_ring.c sets the ring and its provided
 * buffers up, transport_uring.c runs the loop. */
#ifndef ALOG_ASYNC_URING_H
#define ALOG_ASYNC_URING_H

#include <liburing.h>

#include "pipes.h"

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

/* Size the buffers for n pipes, make the ring (the cheapest task-run
 * setup the kernel has), choose the read mode (ALOG_TEST_URING may force
 * one) and hand the provided buffers to the kernel.  0, or -errno when
 * io_uring cannot be used here (x->ring_ok stays 0). */
int alog__uring_setup(uring_ctx *x, unsigned n);
/* Exit the ring, free the decoders (their malformed counts into res, if
 * given), the buffers and x. */
void alog__uring_free(uring_ctx *x, alog_result *res);

#endif
