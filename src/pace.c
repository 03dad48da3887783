/* pace.c - the clock and absolute-deadline pacing.  Deadline k is
 * start + k*interval, computed afresh each time, so a late wake-up never
 * shifts the schedule. */
#include <errno.h>
#include <math.h>
#include <sys/prctl.h>
#include <time.h>

#include "alog.h"

int64_t alog_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void alog_pace_init(alog_pace *p, int64_t start_ns, int64_t interval_ns)
{
    p->start_ns = start_ns;
    p->interval_ns = interval_ns > 0 ? interval_ns : 0;
    p->k = 0;
}

int64_t alog_pace_deadline(const alog_pace *p, uint64_t k)
{
    return p->start_ns + (int64_t)k * p->interval_ns;
}

#ifdef ALOG_SMPI
/* Under SimGrid's SMPI time is simulated: smpicc maps clock_gettime and
 * nanosleep onto the simulation, not clock_nanosleep, so the deadline is
 * slept towards relatively (no signal interrupts a simulated sleep). */
int alog_sleep_until(int64_t t, const atomic_int *stop)
{
    int64_t left = t - alog_now_ns();
    if (left > 0) {
        struct timespec ts = {.tv_sec = left / 1000000000,
                              .tv_nsec = left % 1000000000};
        nanosleep(&ts, NULL);
    }
    return stop && atomic_load(stop) != 0 ? ALOG_EINTR : 0;
}
#else
int alog_sleep_until(int64_t t, const atomic_int *stop)
{
    struct timespec ts = {.tv_sec = t / 1000000000, .tv_nsec = t % 1000000000};
    int rc;
    /* Signals arrive without SA_RESTART: resume unless told to stop. */
    while ((rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)) !=
           0) {
        if (rc != EINTR) {
            errno = rc;
            return ALOG_ESYS;
        }
        if (stop && atomic_load(stop) != 0)
            return ALOG_EINTR;
    }
    return 0;
}
#endif

int alog_sleep_for(int64_t ns, const atomic_int *stop)
{
    return alog_sleep_until(alog_now_ns() + (ns > 0 ? ns : 0), stop);
}

int alog_pace_wait(alog_pace *p, const atomic_int *stop, int64_t *sched_ns)
{
    if (stop && atomic_load(stop) != 0)
        return ALOG_EINTR;
    int64_t t;
    if (p->interval_ns == 0) {
        t = alog_now_ns();
    } else {
        t = alog_pace_deadline(p, p->k);
        if (alog_now_ns() < t) {
            int rc = alog_sleep_until(t, stop);
            if (rc != 0)
                return rc;
        }
    }
    if (sched_ns)
        *sched_ns = t;
    p->k++;
    return 0;
}

int alog_seconds_to_ns(double s, int64_t *ns)
{
    if (isnan(s) || s < 0 || s > 1e6)
        return ALOG_EINVAL;
    *ns = (int64_t)llround(s * 1e9);
    return 0;
}

int alog_timerslack_set(unsigned long ns)
{
    return prctl(PR_SET_TIMERSLACK, ns, 0, 0, 0) == 0 ? 0 : ALOG_ESYS;
}
