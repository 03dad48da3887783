/* primes_async.c - the async program's primes job, two ways.
 *
 * Interleaved (the default): P tasks on this one thread, each doing a
 * slice of its part in turn, round robin - what asyncio.gather does with
 * coroutines that never wait for I/O.  The slices overlap in time but
 * never run at once, so the speedup stays at 1: interleaving is not
 * parallelism.
 *
 * --processes: P forked children (spawn.c), one part each (or chunks from
 * a shared counter), each sending its result through its own pipe - the
 * multiprocessing answer.  A stop flag in shared memory ends the others
 * when one finds a divisor.
 */
#include "primes.h"
#include "child.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

static int signalled(void)
{
    return atomic_load_explicit(alog_stop_flag(), memory_order_relaxed) != 0;
}

/* ---- interleaved tasks -------------------------------------------------- */

typedef struct task {
    uint64_t pos, end; /* the piece in hand: [pos, end] */
    int have;          /* holds a piece */
    int done;          /* no work left */
} task;

static int run_interleaved(const alog_primes_job *job, alog_primes_part *parts)
{
    const unsigned P = job->parts;
    task *t = calloc(P, sizeof *t);
    if (t == NULL)
        return ALOG_ENOMEM;
    atomic_int found;
    atomic_init(&found, 0);
    uint64_t next = 0; /* dynamic: the next chunk */
    unsigned live = P;
    for (unsigned k = 0; k < P; k++) {
        alog_primes_part_init(&parts[k], (int)k);
        snprintf(parts[k].where, sizeof parts[k].where, "task %u", k);
        if (job->schedule == ALOG_SCHED_STATIC) {
            t[k].have = alog_primes_part_range(job, k, &t[k].pos, &t[k].end);
            parts[k].chunks = (uint64_t)t[k].have;
            if (t[k].have) { /* the part, not only the slices done */
                parts[k].lo = t[k].pos;
                parts[k].hi = t[k].end;
            }
        }
    }
    /* One round gives every live task one slice.  After each slice the
     * flag is looked at: a divisor found ends every task at once. */
    while (live > 0) {
        for (unsigned k = 0; k < P; k++) {
            task *tk = &t[k];
            if (tk->done)
                continue;
            if (!tk->have && job->schedule == ALOG_SCHED_DYNAMIC &&
                next < job->chunks) {
                tk->have = alog_primes_chunk_range(job, next++, &tk->pos,
                                                   &tk->end);
                parts[k].chunks += (uint64_t)tk->have;
            }
            if (!tk->have) {
                tk->done = 1;
                live--;
                continue;
            }
            uint64_t e = tk->end - tk->pos < job->slice - 1
                             ? tk->end
                             : tk->pos + (job->slice - 1);
            if (alog_primes_work(job, tk->pos, e, &found, &parts[k]))
                atomic_store(&found, 1);
            if (e == tk->end)
                tk->have = 0;
            else
                tk->pos = e + 1;
            if (atomic_load(&found) || signalled())
                goto out;
        }
    }
out:
    for (unsigned k = 0; k < P; k++) {
        int left = t[k].have || (job->schedule == ALOG_SCHED_DYNAMIC &&
                                 next < job->chunks);
        if (!t[k].done && left && parts[k].divisor == 0)
            parts[k].stopped = 1;
    }
    free(t);
    return ALOG_OK;
}

/* ---- child processes ---------------------------------------------------- */

/* Shared by parent and children (MAP_SHARED): lock-free atomics only. */
typedef struct shared {
    atomic_int stop;     /* a divisor was found, or the run was stopped */
    atomic_ullong next;  /* dynamic: the next chunk */
} shared;

static void child_run(const alog_primes_job *job, unsigned k, shared *sh,
                      alog_primes_part *p)
{
    alog_primes_part_init(p, (int)k);
    snprintf(p->where, sizeof p->where, "pid %ld", (long)getpid());
    uint64_t a, b;
    if (job->schedule == ALOG_SCHED_STATIC) {
        if (alog_primes_part_range(job, k, &a, &b)) {
            p->chunks = 1;
            if (alog_primes_work(job, a, b, &sh->stop, p))
                atomic_store(&sh->stop, 1);
        }
        return;
    }
    for (;;) {
        if (atomic_load(&sh->stop) || signalled()) {
            if (atomic_load(&sh->next) < job->chunks && p->divisor == 0)
                p->stopped = 1;
            return;
        }
        uint64_t c = atomic_fetch_add(&sh->next, 1);
        if (!alog_primes_chunk_range(job, c, &a, &b))
            return;
        p->chunks++;
        if (alog_primes_work(job, a, b, &sh->stop, p)) {
            atomic_store(&sh->stop, 1);
            return;
        }
    }
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

typedef struct forked {
    const alog_primes_job *job;
    shared *sh;
} forked;

/* The child: its part, then the part's figures through its pipe. */
static int child_main(void *arg, unsigned k, int fd)
{
    const forked *f = arg;
    alog_primes_part p;
    child_run(f->job, k, f->sh, &p);
    return write_all(fd, &p, sizeof p) == 0 ? 0 : 1;
}

/* Read every child's one result until each pipe ends.  Polls with a
 * timeout so that a signal to this process alone (SIGTERM) still
 * reaches the children through the shared flag. */
static int read_results(alog__child *c, unsigned n, struct pollfd *pf,
                        size_t *got, alog_primes_part *parts, shared *sh)
{
    unsigned open_fds = n;
    for (unsigned k = 0; k < n; k++)
        pf[k] = (struct pollfd){.fd = c[k].fd, .events = POLLIN};
    while (open_fds > 0) {
        int r = poll(pf, n, 100);
        if (signalled())
            atomic_store(&sh->stop, 1);
        if (r < 0 && errno != EINTR) {
            atomic_store(&sh->stop, 1);
            return alog_fail(ALOG_ESYS, "poll");
        }
        for (unsigned k = 0; r > 0 && k < n; k++) {
            if (pf[k].fd < 0 || pf[k].revents == 0)
                continue;
            ssize_t m = got[k] < sizeof parts[k]
                            ? read(pf[k].fd, (char *)&parts[k] + got[k],
                                   sizeof parts[k] - got[k])
                            : 0;
            if (m < 0 && errno == EINTR)
                continue;
            if (m > 0) {
                got[k] += (size_t)m;
                continue;
            }
            close(c[k].fd); /* end of file, or an error */
            c[k].fd = pf[k].fd = -1;
            open_fds--;
        }
    }
    return ALOG_OK;
}

/* A child that died or sent less than its part is reported, not
 * dropped.  Returns ALOG_ESHORT for one. */
static int child_outcome(const alog__child *c, unsigned k, size_t got,
                         alog_primes_part *p)
{
    int st = c->wstatus;
    if (got == sizeof *p && WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return ALOG_OK;
    alog_primes_part_init(p, (int)k);
    if (WIFSIGNALED(st))
        snprintf(p->where, sizeof p->where, "pid %ld killed by signal %d",
                 (long)c->pid, WTERMSIG(st));
    else
        snprintf(p->where, sizeof p->where, "pid %ld failed", (long)c->pid);
    p->stopped = 1;
    return ALOG_ESHORT;
}

static int run_processes(const alog_primes_job *job, alog_primes_part *parts)
{
    const unsigned P = job->parts;
    int rc = ALOG_OK;
    shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return alog_fail(ALOG_ESYS, "mmap");
    atomic_init(&sh->stop, 0);
    atomic_init(&sh->next, 0);
    alog__child *c = calloc(P, sizeof *c);
    struct pollfd *pf = calloc(P, sizeof *pf);
    size_t *got = calloc(P, sizeof *got);
    if (c == NULL || pf == NULL || got == NULL) {
        rc = ALOG_ENOMEM;
        goto out;
    }
    for (unsigned k = 0; k < P; k++)
        alog_primes_part_init(&parts[k], (int)k);
    forked f = {.job = job, .sh = sh};
    unsigned started = 0;
    for (; started < P; started++) {
        if (alog__spawn_fork(c, started, child_main, &f) != 0) {
            rc = ALOG_ESYS;
            atomic_store(&sh->stop, 1); /* the ones started end quickly */
            break;
        }
    }
    int rrc = read_results(c, started, pf, got, parts, sh);
    rc = rc != ALOG_OK ? rc : rrc;
    for (unsigned k = 0; k < started; k++)
        if (c[k].fd >= 0)
            close(c[k].fd);
    /* Each child has closed its pipe: it is exiting already. */
    alog__children_reap(c, started, alog_now_ns() + ALOG__GRACE_NS);
    for (unsigned k = 0; k < started; k++)
        if (child_outcome(&c[k], k, got[k], &parts[k]) != ALOG_OK &&
            rc == ALOG_OK)
            rc = ALOG_ESHORT;
out:
    free(got);
    free(pf);
    free(c);
    munmap(sh, sizeof *sh);
    return rc;
}

/* ---- the run ------------------------------------------------------------ */

/* Say a failure that leaves no report; returns rc. */
static int failed(const alog_diag *d, int rc)
{
    char why[256];
    alog_say(d, "primes: %s", alog_reason(rc, why, sizeof why));
    return rc;
}

int alog_run_primes_async(const alog_config *cfg, FILE *out,
                          const alog_diag *d)
{
    alog_primes_job job;
    unsigned def = cfg->primes.processes ? online_cores() : 4;
    if (alog_primes_job_init(&job, cfg, def) != 0)
        return ALOG_EINVAL; /* alog_primes_check said why */
    alog_primes_part *parts = calloc(job.parts, sizeof *parts);
    alog_primes_result res;
    if (parts == NULL ||
        alog_primes_result_init(&res,
                                cfg->primes.processes ? "processes" : "async",
                                "CLOCK_MONOTONIC", &job, parts) != ALOG_OK) {
        free(parts);
        return failed(d, ALOG_ENOMEM);
    }
    for (unsigned k = 0; k < job.parts; k++)
        alog_primes_part_init(&parts[k], (int)k);
    int rc = cfg->primes.processes
                 ? alog_primes_result_extra(&res, "processes", "%u", job.parts)
                 : alog_primes_result_extra(&res, "tasks", "%u", job.parts);
    if (rc == ALOG_OK && !cfg->primes.processes)
        rc = alog_primes_result_extra(&res, "threads", "1");
    if (rc == ALOG_OK)
        rc = alog_signals_install();
    if (rc == ALOG_OK && !cfg->primes.no_baseline) {
        res.baseline = 1;
        res.serial_s = alog_primes_serial(&job, &res.serial);
    }
    if (rc == ALOG_OK && !signalled()) {
        int64_t t0 = alog_now_ns();
        rc = cfg->primes.processes ? run_processes(&job, parts)
                            : run_interleaved(&job, parts);
        res.model_s = (double)(alog_now_ns() - t0) * 1e-9;
    }
    res.interrupted = alog_signal_caught() != 0;
    if (rc == ALOG_ENOMEM || rc == ALOG_ESYS) { /* nothing worth a report */
        failed(d, rc);
    } else {
        int wrc = alog_primes_report_write(out, cfg->format, &res);
        rc = rc != ALOG_OK ? rc
             : wrc != ALOG_OK ? wrc
                              : alog_primes_outcome(&res);
    }
    alog_primes_result_free(&res);
    free(parts);
    return rc;
}
