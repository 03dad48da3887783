/* transport_epoll.c - the async model proper: one thread, one epoll loop
 * over the read ends of every producer's pipe.
 *
 * Each wake-up reads a large block straight into the producer's decoder
 * buffer and parses it in place, so the cost per record is the parse and
 * one slot in the list: no syscall, no malloc, no copy per record.  The
 * loop is level-triggered and reads once per ready pipe per wake-up, so a
 * flooding producer cannot starve the others.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "pipes.h"
#include "transport.h"

/* Bytes per read: a good share of a big pipe, less per pipe when there are
 * many (a decoder buffer is about twice this). */
#define READ_MAX (256u << 10)
#define READ_MIN (64u << 10)
#define READ_ALL (4u << 20)
#define MAX_EVENTS 64
#define WAIT_MS 100 /* wake-up at least this often to see a stop */

typedef struct epoll_pipe {
    alog_decoder dec;
    alog_store store; /* its list and the collector-side work */
    int fd;        /* -1 once at end-of-file */
} epoll_pipe;

typedef struct epoll_ctx {
    alog__pipes pipes;
    epoll_pipe *p;
    int ep;
    unsigned open; /* pipes not yet at end-of-file */
    const alog_diag *diag; /* the run's */
    size_t want;   /* bytes to ask each read for */
} epoll_ctx;

static void epoll_free(epoll_ctx *x, alog_result *res)
{
    if (x->p) {
        for (unsigned i = 0; i < x->pipes.n; i++) {
            if (res)
                alog_result_add_malformed(res, i, x->p[i].dec.malformed);
            alog_decoder_free(&x->p[i].dec);
        }
    }
    if (x->ep >= 0)
        close(x->ep);
    free(x->p);
    free(x);
}

static int epoll_open(void **ctx, const alog_config *cfg,
                      const alog_run_env *env, alog_result *res)
{
    if (alog__pipes_describe(res, cfg, env, "epoll") != 0)
        return ALOG_ENOMEM;
    epoll_ctx *x = calloc(1, sizeof *x);
    if (!x)
        return ALOG_ENOMEM;
    x->ep = epoll_create1(EPOLL_CLOEXEC);
    unsigned n = alog_result_producers(res);
    x->p = calloc(n ? n : 1, sizeof *x->p);
    if (x->ep < 0 || !x->p) {
        int rc = x->ep < 0 ? ALOG_ESYS : ALOG_ENOMEM;
        if (rc == ALOG_ESYS)
            alog_say(env->diag, "epoll_create1: %s", strerror(errno));
        epoll_free(x, NULL);
        return rc;
    }
    x->pipes.n = n; /* for epoll_free on a failed start */
    x->diag = env->diag;
    x->want = n ? READ_ALL / n : READ_MAX;
    x->want = x->want > READ_MAX ? READ_MAX
              : x->want < READ_MIN ? READ_MIN
                                   : x->want;
    for (unsigned i = 0; i < n; i++) {
        x->p[i].fd = -1;
        alog_decoder_init(&x->p[i].dec, env->wire, cfg->foreign, i);
        x->p[i].store = env->stores[i];
    }
    int rc = alog__pipes_start(&x->pipes, cfg, env->async, res, ALOG__SPAWN_NONBLOCK,
                              env->diag);
    if (rc != 0) {
        x->pipes.n = n;
        epoll_free(x, NULL);
        return rc;
    }
    for (unsigned i = 0; i < n; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &x->p[i]};
        x->p[i].fd = x->pipes.child[i].fd;
        x->p[i].dec.wire_id = alog__pipes_wire_id(&x->pipes, i);
        if (epoll_ctl(x->ep, EPOLL_CTL_ADD, x->p[i].fd, &ev) != 0) {
            alog_say(env->diag, "epoll_ctl: %s", strerror(errno));
            alog__pipes_close(&x->pipes, res);
            epoll_free(x, NULL);
            return ALOG_ESYS;
        }
        x->open++;
    }
    *ctx = x;
    return 0;
}

/* End of one pipe: parse the tail, stop watching it. */
static int pipe_eof(epoll_ctx *x, epoll_pipe *p, unsigned i)
{
    int rc = alog_decoder_finish(&p->dec, alog_now_ns(), alog_store_emit,
                                 &p->store);
    epoll_ctl(x->ep, EPOLL_CTL_DEL, p->fd, NULL);
    close(p->fd);
    p->fd = -1;
    x->pipes.child[i].fd = -1;
    x->open--;
    return rc;
}

/* One read from a ready pipe; returns records stored via *got. */
static int pipe_read(epoll_ctx *x, epoll_pipe *p, uint64_t *got)
{
    unsigned i = (unsigned)(p - x->p);
    for (;;) {
        size_t avail;
        char *space = alog_decoder_space(&p->dec, x->want, &avail);
        if (!space)
            return ALOG_ENOMEM;
        ssize_t r = read(p->fd, space, avail);
        if (r > 0) {
            uint64_t before = p->dec.lines;
            int rc = alog_decoder_commit(&p->dec, (size_t)r, alog_now_ns(),
                                         alog_store_emit, &p->store);
            *got += p->dec.lines - before;
            alog__pipes_enough(&x->pipes, i, p->dec.lines);
            return rc;
        }
        if (r == 0)
            return pipe_eof(x, p, i);
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        /* A read error on a pipe is an end of it, not of the run. */
        return pipe_eof(x, p, i);
    }
}

static int epoll_collect(void *ctx, alog_result *res, const atomic_int *stop)
{
    epoll_ctx *x = ctx;
    struct epoll_event ev[MAX_EVENTS];
    alog_progress prog;
    uint64_t records = 0, target = alog_result_target_total(res);
    alog_progress_init(&prog);
    int rc = 0;
    while (x->open > 0) {
        if (alog__pipes_check_stop(&x->pipes, stop))
            break; /* told to end long ago and still no end-of-file */
        int k = epoll_wait(x->ep, ev, MAX_EVENTS, WAIT_MS);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            alog_say(x->diag, "epoll_wait: %s", strerror(errno));
            rc = ALOG_ESYS;
            break;
        }
        for (int j = 0; j < k && rc == 0; j++)
            rc = pipe_read(x, ev[j].data.ptr, &records);
        if (rc != 0) {
            alog__pipes_stop(&x->pipes); /* we end them: "stopped" */
            break;
        }
        alog_progress_tick(&prog, records, target);
    }
    alog_progress_done(&prog);
    return rc;
}

static int epoll_close(void *ctx, alog_result *res)
{
    epoll_ctx *x = ctx;
    alog__pipes_close(&x->pipes, res);
    epoll_free(x, res);
    return 0;
}

const alog_transport alog_transport_epoll = {
    .name = "epoll",
    .summary = "child producers on pipes, one epoll loop collects",
    .open = epoll_open,
    .collect = epoll_collect,
    .close = epoll_close,
};
