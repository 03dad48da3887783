/* transport_threads.c - the original experiment's design: one blocking
 * reader thread per pipe, each filling only its own producer's list, so
 * readers share nothing but a finished-count.
 *
 * A reader blocks in poll() with a timeout rather than in read() itself,
 * only so that it can be told to give up when a grandchild of an --exec
 * command keeps a pipe open forever.  After a full read it reads again at
 * once: an unthrottled stream costs one syscall per block, as with the
 * epoll loop.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pipes.h"
#include "transport.h"

#define READ_MAX (256u << 10) /* bytes per read, as the epoll loop */
#define READ_MIN (64u << 10)
#define READ_ALL (4u << 20)
#define WAIT_MS 100
#define READER_STACK (256u << 10)

typedef struct threads_ctx threads_ctx;

typedef struct reader {
    threads_ctx *x;
    pthread_t th;
    int started;
    int fd;
    alog_decoder dec;
    alog_store store; /* its list and the collector-side work */
    _Atomic uint64_t records; /* for progress, read by the main thread */
    int rc;                   /* the reader's error, read after join */
} reader;

struct threads_ctx {
    alog__pipes pipes;
    reader *r;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t want;          /* bytes to ask each read for */
    unsigned done;        /* readers finished; under mu */
    atomic_int abandon;   /* stop waiting for end-of-file */
};

static void reader_done(reader *r)
{
    pthread_mutex_lock(&r->x->mu);
    r->x->done++;
    pthread_cond_signal(&r->x->cv);
    pthread_mutex_unlock(&r->x->mu);
}

static void *reader_main(void *arg)
{
    reader *r = arg;
    int full = 0; /* the last read filled the buffer: more is waiting */
    for (;;) {
        if (atomic_load_explicit(&r->x->abandon, memory_order_relaxed))
            break;
        if (!full) {
            struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
            int k = poll(&pfd, 1, WAIT_MS);
            if (k == 0 || (k < 0 && errno == EINTR))
                continue;
            if (k < 0) {
                r->rc = ALOG_ESYS;
                break;
            }
        }
        size_t avail;
        char *space = alog_decoder_space(&r->dec, r->x->want, &avail);
        if (!space) {
            r->rc = ALOG_ENOMEM;
            break;
        }
        ssize_t n = read(r->fd, space, avail);
        if (n > 0) {
            full = (size_t)n == avail;
            int rc = alog_decoder_commit(&r->dec, (size_t)n, alog_now_ns(),
                                         alog_store_emit, &r->store);
            atomic_store_explicit(&r->records, r->dec.lines,
                                  memory_order_relaxed);
            if (rc != 0) {
                r->rc = rc;
                break;
            }
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            full = 0; /* drained: wait in poll again */
            continue;
        }
        /* End-of-file, or a read error that ends this pipe alike. */
        r->rc = alog_decoder_finish(&r->dec, alog_now_ns(), alog_store_emit,
                                    &r->store);
        atomic_store_explicit(&r->records, r->dec.lines,
                              memory_order_relaxed);
        break;
    }
    if (r->rc == ALOG_ENOMEM || r->rc == ALOG_EFULL)
        alog_stop_request(0); /* no room: the others end too, as asked */
    reader_done(r);
    return NULL;
}

static void threads_free(threads_ctx *x, alog_result *res)
{
    for (unsigned i = 0; x->r && i < x->pipes.n; i++) {
        if (res)
            alog_result_add_malformed(res, i, x->r[i].dec.malformed);
        alog_decoder_free(&x->r[i].dec);
    }
    pthread_cond_destroy(&x->cv);
    pthread_mutex_destroy(&x->mu);
    free(x->r);
    free(x);
}

static int threads_open(void **ctx, const alog_config *cfg,
                        const alog_run_env *env, alog_result *res)
{
    if (alog__pipes_describe(res, cfg, env, "threads") != 0)
        return ALOG_ENOMEM;
    threads_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return ALOG_ENOMEM;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&x->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&x->mu, NULL);
    unsigned n = alog_result_producers(res);
    x->r = calloc(n ? n : 1, sizeof *x->r);
    if (!x->r) {
        threads_free(x, NULL);
        return ALOG_ENOMEM;
    }
    x->want = n ? READ_ALL / n : READ_MAX;
    x->want = x->want > READ_MAX ? READ_MAX
              : x->want < READ_MIN ? READ_MIN
                                   : x->want;
    /* Non-blocking only so that a read after a full one never waits
     * where the give-up flag cannot be seen; the thread waits in poll. */
    int rc = alog__pipes_start(&x->pipes, cfg, env->async, res, ALOG__SPAWN_NONBLOCK,
                              env->diag);
    x->pipes.n = n;
    if (rc != 0) {
        threads_free(x, NULL);
        return rc;
    }

    /* Readers leave SIGINT/SIGTERM to the main thread, which watches the
     * stop flag; they only ever wait for their pipe. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    /* A reader needs little stack; thousands of them should not reserve
     * the default 8 MiB each. */
    pthread_attr_t ta;
    pthread_attr_init(&ta);
    pthread_attr_setstacksize(&ta, READER_STACK);
    for (unsigned i = 0; i < n; i++) {
        reader *r = &x->r[i];
        r->x = x;
        r->fd = x->pipes.child[i].fd;
        r->store = env->stores[i];
        alog_decoder_init(&r->dec, env->wire, cfg->foreign, i);
        r->dec.wire_id = alog__pipes_wire_id(&x->pipes, i);
        int e = pthread_create(&r->th, &ta, reader_main, r);
        if (e != 0) {
            alog_say(env->diag, "cannot start reader thread %u: %s", i,
                     strerror(e));
            rc = ALOG_ESYS;
            break;
        }
        r->started = 1;
    }
    pthread_attr_destroy(&ta);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        atomic_store(&x->abandon, 1);
        for (unsigned i = 0; i < n; i++)
            if (x->r[i].started)
                pthread_join(x->r[i].th, NULL);
        alog__pipes_close(&x->pipes, res);
        threads_free(x, NULL);
        return rc;
    }
    *ctx = x;
    return 0;
}

static int threads_collect(void *ctx, alog_result *res, const atomic_int *stop)
{
    threads_ctx *x = ctx;
    unsigned n = x->pipes.n;
    alog_progress prog;
    uint64_t target = alog_result_target_total(res);
    alog_progress_init(&prog);
    for (;;) {
        pthread_mutex_lock(&x->mu);
        if (x->done < n) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_nsec += WAIT_MS * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&x->cv, &x->mu, &ts);
        }
        unsigned done = x->done;
        pthread_mutex_unlock(&x->mu);
        if (done == n)
            break;
        if (alog__pipes_check_stop(&x->pipes, stop))
            atomic_store(&x->abandon, 1);
        uint64_t records = 0;
        for (unsigned i = 0; i < n; i++) {
            uint64_t got = atomic_load_explicit(&x->r[i].records,
                                                memory_order_relaxed);
            alog__pipes_enough(&x->pipes, i, got);
            records += got;
        }
        alog_progress_tick(&prog, records, target);
    }
    alog_progress_done(&prog);
    int rc = 0;
    for (unsigned i = 0; i < n; i++) {
        pthread_join(x->r[i].th, NULL);
        x->r[i].started = 0;
        if (rc == 0)
            rc = x->r[i].rc;
    }
    if (rc != 0)
        alog__pipes_stop(&x->pipes); /* we end them: "stopped" */
    return rc;
}

static int threads_close(void *ctx, alog_result *res)
{
    threads_ctx *x = ctx;
    /* collect joined the readers; if it never ran, stop and join here. */
    atomic_store(&x->abandon, 1);
    for (unsigned i = 0; i < x->pipes.n; i++)
        if (x->r[i].started)
            pthread_join(x->r[i].th, NULL);
    alog__pipes_close(&x->pipes, res);
    threads_free(x, res);
    return 0;
}

const alog_transport alog_transport_threads = {
    .name = "threads",
    .summary = "child producers on pipes, one reader thread per pipe",
    .open = threads_open,
    .collect = threads_collect,
    .close = threads_close,
};
