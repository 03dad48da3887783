/* primes_async.c - the async program's primes job, two ways.
 *
 * Interleaved (the default): P tasks on this one thread, each doing a
 * slice of its part in turn, round robin - what asyncio.gather does with
 * coroutines that never wait for I/O.  The slices overlap in time but
 * never run at once, so the speedup stays at 1: interleaving is not
 * parallelism.
 *
 * --processes: P forked children, one part each (or chunks from a shared
 * counter), each sending its result through its own pipe - the
 * multiprocessing answer.  A stop flag in shared memory ends the others
 * when one finds a divisor.
 */
#include "primes.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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

/* ---- interleaved tasks ------------------------------------------------------ */

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

/* ---- child processes ----------------------------------------------------- */

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

static int run_processes(const alog_primes_job *job, alog_primes_part *parts)
{
    const unsigned P = job->parts;
    int rc = ALOG_OK;
    shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return ALOG_ESYS;
    atomic_init(&sh->stop, 0);
    atomic_init(&sh->next, 0);
    pid_t *pid = calloc(P, sizeof *pid);
    struct pollfd *pf = calloc(P, sizeof *pf);
    size_t *got = calloc(P, sizeof *got);
    if (pid == NULL || pf == NULL || got == NULL) {
        rc = ALOG_ENOMEM;
        goto out;
    }
    for (unsigned k = 0; k < P; k++) {
        alog_primes_part_init(&parts[k], (int)k);
        pf[k].fd = -1;
    }
    /* A child inherits the read ends of the pipes made before it; they
     * are closed in the child so that only the parent holds them. */
    unsigned started = 0;
    for (; started < P; started++) {
        int fd[2];
        if (pipe2(fd, O_CLOEXEC) != 0) {
            rc = ALOG_ESYS;
            break;
        }
        pid_t c = fork();
        if (c < 0) {
            close(fd[0]);
            close(fd[1]);
            rc = ALOG_ESYS;
            break;
        }
        if (c == 0) {
            for (unsigned j = 0; j < started; j++)
                close(pf[j].fd);
            close(fd[0]);
            alog_primes_part p;
            child_run(job, started, sh, &p);
            _exit(write_all(fd[1], &p, sizeof p) == 0 ? 0 : 1);
        }
        close(fd[1]);
        pid[started] = c;
        pf[started].fd = fd[0];
        pf[started].events = POLLIN;
    }
    if (rc != ALOG_OK)
        atomic_store(&sh->stop, 1); /* the ones started end quickly */

    /* Each child writes one result when it ends; poll with a timeout so a
     * signal to this process alone (SIGTERM) still reaches the children. */
    unsigned open_fds = started;
    while (open_fds > 0) {
        int n = poll(pf, started, 100);
        if (signalled())
            atomic_store(&sh->stop, 1);
        if (n < 0 && errno != EINTR) {
            rc = ALOG_ESYS;
            atomic_store(&sh->stop, 1);
            break;
        }
        for (unsigned k = 0; n > 0 && k < started; k++) {
            if (pf[k].fd < 0 || pf[k].revents == 0)
                continue;
            ssize_t r = got[k] < sizeof parts[k]
                            ? read(pf[k].fd, (char *)&parts[k] + got[k],
                                   sizeof parts[k] - got[k])
                            : 0;
            if (r < 0 && errno == EINTR)
                continue;
            if (r > 0) {
                got[k] += (size_t)r;
                continue;
            }
            close(pf[k].fd); /* end of file, or an error */
            pf[k].fd = -1;
            open_fds--;
        }
    }
    for (unsigned k = 0; k < started; k++) {
        if (pf[k].fd >= 0)
            close(pf[k].fd);
        int status = 0;
        while (waitpid(pid[k], &status, 0) < 0 && errno == EINTR)
            ;
        if (got[k] != sizeof parts[k] || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            /* a child that died is reported, not dropped */
            alog_primes_part_init(&parts[k], (int)k);
            if (WIFSIGNALED(status))
                snprintf(parts[k].where, sizeof parts[k].where,
                         "pid %ld killed by signal %d", (long)pid[k],
                         WTERMSIG(status));
            else
                snprintf(parts[k].where, sizeof parts[k].where,
                         "pid %ld failed", (long)pid[k]);
            parts[k].stopped = 1;
            if (rc == ALOG_OK)
                rc = ALOG_ESHORT;
        }
    }
out:
    free(got);
    free(pf);
    free(pid);
    munmap(sh, sizeof *sh);
    return rc;
}

/* ---- the run --------------------------------------------------------------- */

/* Say a failure that leaves no report; returns rc. */
static int failed(const alog_diag *d, int rc)
{
    alog_say(d, "primes: %s", rc == ALOG_ESYS ? strerror(errno)
                                              : alog_strerror(rc));
    return rc;
}

int alog_run_primes_async(const alog_config *cfg, FILE *out,
                          const alog_diag *d)
{
    alog_primes_job job;
    unsigned def = cfg->processes ? online_cores() : 4;
    if (alog_primes_job_init(&job, cfg, def) != 0)
        return ALOG_EINVAL; /* alog_primes_check said why */
    alog_primes_part *parts = calloc(job.parts, sizeof *parts);
    alog_primes_result res;
    if (parts == NULL ||
        alog_primes_result_init(&res, cfg->processes ? "processes" : "async",
                                "CLOCK_MONOTONIC", &job, parts) != ALOG_OK) {
        free(parts);
        return failed(d, ALOG_ENOMEM);
    }
    for (unsigned k = 0; k < job.parts; k++)
        alog_primes_part_init(&parts[k], (int)k);
    int rc = cfg->processes
                 ? alog_primes_result_extra(&res, "processes", "%u", job.parts)
                 : alog_primes_result_extra(&res, "tasks", "%u", job.parts);
    if (rc == ALOG_OK && !cfg->processes)
        rc = alog_primes_result_extra(&res, "threads", "1");
    if (rc == ALOG_OK)
        rc = alog_signals_install();
    if (rc == ALOG_OK && !cfg->no_baseline) {
        res.baseline = 1;
        res.serial_s = alog_primes_serial(&job, &res.serial);
    }
    if (rc == ALOG_OK && !signalled()) {
        int64_t t0 = alog_now_ns();
        rc = cfg->processes ? run_processes(&job, parts)
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
