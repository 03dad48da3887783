/* signals.c - SIGINT/SIGTERM/SIGHUP set one atomic stop flag that producers,
 * pacing and collectors poll; SIGPIPE is ignored so a closed pipe shows up
 * as EPIPE from write instead of killing the collector. */
#include <signal.h>
#include <string.h>

#include "alog.h"

/* > 0: the signal that arrived; < 0: a stop request; 0: keep running. */
static atomic_int stop_flag;

static void on_signal(int sig)
{
    atomic_store(&stop_flag, sig);
}

int alog_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: blocking calls return EINTR */
    /* A hang-up (terminal closed, ssh dropped) ends a run like SIGTERM:
     * with its report, never a lost run and a temporary file left. */
    if (sigaction(SIGINT, &sa, NULL) != 0 ||
        sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGHUP, &sa, NULL) != 0)
        return ALOG_ESYS;
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    if (sigaction(SIGPIPE, &ign, NULL) != 0)
        return ALOG_ESYS;
    return 0;
}

int alog_signal_caught(void)
{
    int v = atomic_load(&stop_flag);
    return v > 0 ? v : 0;
}

const atomic_int *alog_stop_flag(void)
{
    return &stop_flag;
}

void alog_stop_request(int why)
{
    int expected = 0;
    /* A signal that already came stays the reason. */
    atomic_compare_exchange_strong(&stop_flag, &expected, why ? why : -1);
}
