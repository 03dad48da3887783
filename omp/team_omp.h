/* team_omp.h - the OpenMP model's run state, shared by the team of
 * producer threads (team_omp.c) and the collector (transport_omp.c);
 * internal to omp/. */
#ifndef ALOG_TEAM_OMP_H
#define ALOG_TEAM_OMP_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "omp_model.h"
#include "ring.h"

/* Per-thread state is padded to this: two 64-byte lines, since x86
 * prefetches lines in adjacent pairs. */
#define LINE 128
/* A producer that found its ring full pauses a little, then naps, which
 * gives its core to the collector when threads outnumber cores. */
#define FULL_SPINS 64
#define FULL_NAP_NS 50000
/* Timer slack for sleeping threads (ns): Linux defaults to 50 us. */
#define SLACK_NS 1000ul

enum { MODE_NONE, MODE_THREAD };

typedef struct producer {
    /* Set by open(), read-only for the thread. */
    _Alignas(LINE) alog_reclist *list; /* its list in the result */
    alog_store store;                  /* list and --collect-work: none */
    alog_ring *ring;                   /* thread mode */
    int64_t interval_ns;               /* 0: unthrottled */
    int64_t phase_ns;                  /* its start after run->start_ns */
    uint64_t count;                    /* records to make, 0: by time */
    int64_t fail_after;                /* -1: never */
    /* Written by the thread; read by others after done (acquire). */
    uint64_t made;
    uint64_t ring_full; /* pushes that found the ring full */
    uint64_t sink;      /* alog_work results, so the work is kept */
    int64_t cpu_ns;     /* the thread's CPU time from its start to its end */
    int status;         /* ALOG_PS_* */
    int err;            /* ALOG_E* of a failed append, 0 */
    int cpu_first, cpu_last;
    unsigned thread, team;
    pthread_t tid; /* valid once started: to wake it on a stop */
    atomic_int started;
    atomic_int done;
} producer;

typedef struct omp_run {
    int mode;
    unsigned n;
    producer *p; /* n of them, each on its own lines */
    uint64_t work;
    int clock;          /* ALOG_CLOCK_*: what the threads stamp with */
    uint32_t bytes;
    int64_t start_ns, end_ns; /* end: duration limit, INT64_MAX if none */
    pthread_t team;
    int failed;      /* collect() failed: drain without storing */
    int64_t cpu0_ns; /* the collecting thread's CPU time at open() */
    uint64_t lost;   /* records drained without storing after a failure */
    atomic_int armed;     /* open() finished setting up (release) */
    atomic_uint granted;  /* team size, once known */
    atomic_uint ended;    /* producers done, not granted included */
} omp_run;

/* CPU time of the calling thread, ns. */
static inline int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* The team: the body of the helper pthread that open() starts; it opens
 * a parallel region of run->n threads, thread i producing for i. */
void *alog_omp_team_main(void *run);
/* Mark producer p ended (release: its records and results are visible to
 * whoever sees it ended). */
void alog_omp_finish(omp_run *run, producer *p);

#endif
