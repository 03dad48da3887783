/* sink.c - a producer's buffered output: write(2), or vmsplice(2) into a
 * pipe.
 *
 * Unthrottled, a producer's write() into its pipe costs as much as making
 * the records: the kernel copies every byte into pages it allocates.
 * vmsplice hands the pipe our own pages instead, so the only copy left is
 * the reader's.  The pipe then reads our memory whenever the collector gets
 * to it, so a page must not change until it has left the pipe.  A pipe
 * holds at most pipe_size / PAGE_SIZE pages, and a segment is never
 * flushed with fewer than block_bytes: once the segments after one have
 * put pipe_size bytes behind it, it is out of the pipe and safe to reuse.
 * Hence a ring of 1 + ceil(pipe_size / block) segments, sized for the
 * largest pipe the system allows, in case the reader enlarges it later; a
 * privileged reader can go beyond that, so the size is checked before every
 * block, and a pipe grown past the ring turns the sink to copying.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "alog.h"

struct alog_sink {
    int fd;
    int zero_copy;     /* vmsplice; 0 after it failed once, or not a pipe */
    size_t block;      /* flush at this many bytes */
    size_t seg_bytes;  /* bytes of one segment (block + slack, page-rounded) */
    unsigned nseg, cur;
    char *ring;        /* nseg segments; one when copying */
    size_t len;        /* bytes waiting in the current segment */
    size_t covers;     /* largest pipe the ring is safe for, bytes */
    char *old_ring;    /* the ring given up for copying (its pages may
                        * still be in the pipe), unmapped at close */
    size_t old_bytes;
};

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* The largest pipe this system lets an unprivileged reader ask for. */
static size_t pipe_max(size_t now)
{
    size_t max = now;
    FILE *f = fopen("/proc/sys/fs/pipe-max-size", "re");
    if (f) {
        unsigned long v = 0;
        if (fscanf(f, "%lu", &v) == 1 && v > max)
            max = v;
        fclose(f);
    }
    return max;
}

int alog_sink_open(alog_sink **out, int fd, size_t block, size_t slack,
                   int zero_copy)
{
    if (!out || fd < 0 || block == 0)
        return ALOG_EINVAL;
    alog_sink *s = calloc(1, sizeof *s);
    if (!s)
        return ALOG_ENOMEM;
    long page = sysconf(_SC_PAGESIZE); /* a pipe holds pipe_size / page */
    s->fd = fd;
    s->block = block;
    /* Whole pages, so no page is shared by two segments. */
    s->seg_bytes = round_up(block + slack, page > 0 ? (size_t)page : 4096);
    s->nseg = 1;
    struct stat st;
    int psz;
    if (zero_copy && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
        (psz = fcntl(fd, F_GETPIPE_SZ)) > 0) {
        size_t cap = pipe_max((size_t)psz);
        s->nseg = 1 + (unsigned)((cap + block - 1) / block);
        s->covers = (size_t)(s->nseg - 1) * block;
        s->zero_copy = 1;
    }
    /* Its own mapping: page-aligned, so a segment's pages are its own, and
     * unmapped (never handed back to malloc) when closed, so pages still
     * in the pipe cannot be reused for anything else. */
    void *m = mmap(NULL, (size_t)s->nseg * s->seg_bytes,
                   PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        free(s);
        return ALOG_ENOMEM;
    }
    s->ring = m;
    *out = s;
    return 0;
}

int alog_sink_zero_copy(const alog_sink *s)
{
    return s && s->zero_copy;
}

char *alog_sink_space(alog_sink *s, size_t *avail)
{
    char *seg = s->ring + (size_t)s->cur * s->seg_bytes;
    if (avail)
        *avail = s->seg_bytes - s->len;
    return seg + s->len;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno != EINTR) {
            return ALOG_ESYS;
        }
    }
    return 0;
}

/* Copy from now on, from a segment of its own: pages of the ring may still
 * be in the pipe, so the ring is never written again.  Called between
 * blocks, with nothing waiting. */
static int stop_zero_copy(alog_sink *s)
{
    void *m = mmap(NULL, s->seg_bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return ALOG_ENOMEM;
    s->old_ring = s->ring;
    s->old_bytes = (size_t)s->nseg * s->seg_bytes;
    s->ring = m;
    s->nseg = 1;
    s->cur = 0;
    s->zero_copy = 0;
    return 0;
}

/* 1 when the pipe may now hold more than the ring covers (a reader made it
 * bigger after we sized the ring). */
static int pipe_outgrew(const alog_sink *s)
{
    int psz = fcntl(s->fd, F_GETPIPE_SZ);
    return psz < 0 || (size_t)psz > s->covers;
}

static int splice_all(alog_sink *s, char *p, size_t n, int *refused)
{
    while (n > 0) {
        struct iovec iov = {.iov_base = p, .iov_len = n};
        ssize_t w = vmsplice(s->fd, &iov, 1, 0);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EINVAL || errno == ENOSYS)) {
            /* Not splice-able after all: the rest is copied, in order
             * after the bytes already in the pipe. */
            *refused = 1;
            return write_all(s->fd, p, n);
        } else {
            return ALOG_ESYS;
        }
    }
    return 0;
}

/* Send the current segment; the next record starts the next segment. */
static int send_segment(alog_sink *s, int last)
{
    char *seg = s->ring + (size_t)s->cur * s->seg_bytes;
    size_t n = s->len;
    s->len = 0;
    if (n == 0)
        return 0;
    /* The last bytes are copied: after them the process may exit or free
     * the ring, and nothing would guard pages still in the pipe. */
    if (!s->zero_copy || last)
        return write_all(s->fd, seg, n);
    int refused = 0, rc;
    if (pipe_outgrew(s)) {
        refused = 1;
        rc = write_all(s->fd, seg, n);
    } else {
        rc = splice_all(s, seg, n, &refused);
    }
    if (refused) {
        int e = errno; /* of a failed write (EPIPE matters to callers) */
        int sc = stop_zero_copy(s);
        if (rc != 0) {
            errno = e;
            return rc;
        }
        if (sc != 0) {
            errno = ENOMEM;
            return ALOG_ENOMEM;
        }
        return 0;
    }
    s->cur = (s->cur + 1) % s->nseg;
    return rc;
}

int alog_sink_commit(alog_sink *s, size_t n)
{
    if (n > s->seg_bytes - s->len)
        return ALOG_EINVAL;
    s->len += n;
    return s->len >= s->block ? send_segment(s, 0) : 0;
}

int alog_sink_flush(alog_sink *s)
{
    return send_segment(s, 1);
}

void alog_sink_close(alog_sink *s)
{
    if (!s)
        return;
    munmap(s->ring, (size_t)s->nseg * s->seg_bytes);
    if (s->old_ring)
        munmap(s->old_ring, s->old_bytes);
    free(s);
}
