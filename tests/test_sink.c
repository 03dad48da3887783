/* test_sink.c - the producer's output: every byte arrives, in order,
 * through vmsplice over many reuses of its ring and through write(2);
 * EPIPE is reported; a vmsplice the kernel refuses, or a pipe grown past
 * the ring, falls back to copying. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cmocka.h>

#include "alog.h"

enum { REC = 64 };

static int vmsplice_fail; /* errno for every vmsplice (0: the real one) */
static unsigned vmsplice_calls;

static int fake_pipe_size; /* what F_GETPIPE_SZ says (0: the truth) */

int __real_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...)
{
    if (cmd == F_GETPIPE_SZ)
        return fake_pipe_size > 0 ? fake_pipe_size : __real_fcntl(fd, cmd);
    va_list ap;
    va_start(ap, cmd);
    int arg = va_arg(ap, int); /* the only other calls: F_SETPIPE_SZ */
    va_end(ap);
    return __real_fcntl(fd, cmd, arg);
}

ssize_t __real_vmsplice(int fd, const struct iovec *iov, size_t n,
                        unsigned flags);
ssize_t __wrap_vmsplice(int fd, const struct iovec *iov, size_t n,
                        unsigned flags)
{
    vmsplice_calls++;
    if (vmsplice_fail) {
        errno = vmsplice_fail;
        return -1;
    }
    return __real_vmsplice(fd, iov, n, flags);
}

/* Record k: its index, then bytes that depend on it. */
static void fill(char *p, uint64_t k)
{
    memcpy(p, &k, 8);
    for (int i = 8; i < REC; i++)
        p[i] = (char)(k * 31 + (uint64_t)i);
}

typedef struct reader {
    int fd;
    uint64_t records; /* complete, correct records seen */
    uint64_t bad;     /* records out of order or damaged */
    size_t chunk;     /* bytes per read: small, so the pipe stays full */
} reader;

static void *read_all(void *arg)
{
    reader *r = arg;
    char rec[REC], want[REC];
    size_t have = 0;
    char buf[4096];
    for (;;) {
        ssize_t n = read(r->fd, buf, r->chunk);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            r->bad++;
            break;
        }
        for (ssize_t i = 0; i < n; i++) {
            rec[have++] = buf[i];
            if (have == REC) {
                fill(want, r->records);
                if (memcmp(rec, want, REC) != 0)
                    r->bad++;
                r->records++;
                have = 0;
            }
        }
        if ((r->records & 1023) == 0)
            sched_yield(); /* let the writer fill the pipe and block */
    }
    if (have != 0)
        r->bad++;
    return NULL;
}

/* Commit records first..first+n-1 (no flush); 0 or the first error. */
static int write_records(alog_sink *s, uint64_t first, uint64_t n)
{
    for (uint64_t k = first; k < first + n; k++) {
        size_t avail;
        char *p = alog_sink_space(s, &avail);
        assert_true(avail >= REC);
        fill(p, k);
        int rc = alog_sink_commit(s, REC);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* A sink on a pipe with a reader thread checking what comes out. */
typedef struct piped {
    int fd[2];
    alog_sink *s;
    reader r;
    pthread_t t;
} piped;

static void piped_start(piped *x, size_t block, int zero_copy, size_t chunk,
                        int small_pipe)
{
    assert_int_equal(pipe(x->fd), 0);
    /* A small pipe: the writer blocks often and the ring is reused many
     * times over while the reader is still behind. */
    if (small_pipe)
        assert_true(fcntl(x->fd[1], F_SETPIPE_SZ, 16384) >= 16384);
    x->s = NULL;
    assert_int_equal(alog_sink_open(&x->s, x->fd[1], block, 256, zero_copy), 0);
    x->r = (reader){.fd = x->fd[0], .chunk = chunk};
    assert_int_equal(pthread_create(&x->t, NULL, read_all, &x->r), 0);
}

/* Flush, end the stream, and check the reader saw records 0..n-1 intact. */
static void piped_end(piped *x, uint64_t n)
{
    assert_int_equal(alog_sink_flush(x->s), 0);
    close(x->fd[1]);
    assert_int_equal(pthread_join(x->t, NULL), 0);
    close(x->fd[0]);
    alog_sink_close(x->s);
    assert_int_equal(x->r.bad, 0);
    assert_int_equal(x->r.records, n);
}

static void through_pipe(int zero_copy, uint64_t n, size_t block,
                         int expect_zero_copy)
{
    piped x;
    piped_start(&x, block, zero_copy, 1000, 1);
    assert_int_equal(alog_sink_zero_copy(x.s), expect_zero_copy);
    assert_int_equal(write_records(x.s, 0, n), 0);
    piped_end(&x, n);
}

static void test_zero_copy_every_byte(void **state)
{
    (void)state;
    vmsplice_calls = 0;
    /* 64 MiB through 8 KiB blocks: the ring (sized for the largest pipe
     * the system allows) wraps dozens of times. */
    through_pipe(1, (64u << 20) / REC, 8192, 1);
    assert_true(vmsplice_calls >= (64u << 20) / 8192 - 1);
}

static void test_copy_every_byte(void **state)
{
    (void)state;
    vmsplice_calls = 0;
    through_pipe(0, 100000, 8192, 0);
    assert_int_equal(vmsplice_calls, 0);
}

static void test_refused_vmsplice_copies(void **state)
{
    (void)state;
    vmsplice_fail = EINVAL;
    vmsplice_calls = 0;
    piped x;
    piped_start(&x, 4096, 1, 4096, 0);
    assert_int_equal(alog_sink_zero_copy(x.s), 1);
    assert_int_equal(write_records(x.s, 0, 10000), 0);
    /* Tried once, then copied: nothing lost, nothing out of order. */
    assert_int_equal(vmsplice_calls, 1);
    assert_int_equal(alog_sink_zero_copy(x.s), 0);
    piped_end(&x, 10000);
    vmsplice_fail = 0;
}

/* A reader may grow the pipe past what the ring was sized for (beyond
 * pipe-max-size takes privilege, which this machine may not give, so
 * F_GETPIPE_SZ is made to say so): the sink notices before the next block,
 * copies from then on, and every byte still arrives in order. */
static void test_grown_pipe_turns_to_copy(void **state)
{
    (void)state;
    piped x;
    piped_start(&x, 8192, 1, 1000, 0);
    assert_int_equal(write_records(x.s, 0, 50000), 0);
    /* Zero copy only ever turns off, so it was on all along. */
    assert_int_equal(alog_sink_zero_copy(x.s), 1);
    fake_pipe_size = 64 << 20; /* the reader grew the pipe */
    assert_int_equal(write_records(x.s, 50000, 50000), 0);
    assert_int_equal(alog_sink_zero_copy(x.s), 0);
    piped_end(&x, 100000);
    fake_pipe_size = 0;
}

static void test_file_is_copied(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    int fd = fileno(f);
    alog_sink *s = NULL;
    assert_int_equal(alog_sink_open(&s, fd, 4096, 256, 1), 0);
    assert_int_equal(alog_sink_zero_copy(s), 0); /* not a pipe */
    assert_int_equal(write_records(s, 0, 1000), 0);
    assert_int_equal(alog_sink_flush(s), 0);
    alog_sink_close(s);
    assert_int_equal(lseek(fd, 0, SEEK_END), 1000 * REC);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    reader r = {.fd = fd, .chunk = 4096};
    read_all(&r);
    assert_int_equal(r.bad, 0);
    assert_int_equal(r.records, 1000);
    fclose(f);
}

static void test_partial_block_waits_for_flush(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe2(p, O_NONBLOCK), 0);
    alog_sink *s = NULL;
    assert_int_equal(alog_sink_open(&s, p[1], 4096, 256, 1), 0);
    char *at = alog_sink_space(s, NULL);
    fill(at, 0);
    assert_int_equal(alog_sink_commit(s, REC), 0);
    char buf[256];
    assert_int_equal(read(p[0], buf, sizeof buf), -1);
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(alog_sink_flush(s), 0);
    assert_int_equal(read(p[0], buf, sizeof buf), REC);
    char want[REC];
    fill(want, 0);
    assert_memory_equal(buf, want, REC);
    /* Nothing waits: a second flush writes nothing. */
    assert_int_equal(alog_sink_flush(s), 0);
    assert_int_equal(read(p[0], buf, sizeof buf), -1);
    alog_sink_close(s);
    close(p[0]);
    close(p[1]);
}

static void test_closed_reader_is_epipe(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    for (int zc = 0; zc <= 1; zc++) {
        int p[2];
        assert_int_equal(pipe(p), 0);
        close(p[0]);
        alog_sink *s = NULL;
        assert_int_equal(alog_sink_open(&s, p[1], 4096, 256, zc), 0);
        int rc = 0;
        for (uint64_t k = 0; k < 100 && rc == 0; k++) {
            fill(alog_sink_space(s, NULL), k);
            rc = alog_sink_commit(s, REC);
        }
        assert_int_equal(rc, ALOG_ESYS);
        assert_int_equal(errno, EPIPE);
        alog_sink_close(s);
        close(p[1]);
    }
}

static void test_bad_arguments(void **state)
{
    (void)state;
    alog_sink *s = NULL;
    assert_int_equal(alog_sink_open(NULL, 1, 4096, 256, 0), ALOG_EINVAL);
    assert_int_equal(alog_sink_open(&s, -1, 4096, 256, 0), ALOG_EINVAL);
    assert_int_equal(alog_sink_open(&s, 1, 0, 256, 0), ALOG_EINVAL);
    assert_null(s);
    assert_int_equal(alog_sink_open(&s, 1, 4096, 256, 0), 0);
    size_t avail;
    alog_sink_space(s, &avail);
    assert_true(avail >= 4096 + 256);
    assert_int_equal(alog_sink_commit(s, avail + 1), ALOG_EINVAL);
    alog_sink_close(s);
    alog_sink_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_copy_every_byte),
        cmocka_unit_test(test_copy_every_byte),
        cmocka_unit_test(test_refused_vmsplice_copies),
        cmocka_unit_test(test_grown_pipe_turns_to_copy),
        cmocka_unit_test(test_file_is_copied),
        cmocka_unit_test(test_partial_block_waits_for_flush),
        cmocka_unit_test(test_closed_reader_is_epipe),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
