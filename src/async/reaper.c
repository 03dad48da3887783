/* reaper.c - the collector as the reaper of its producers' descendants.
 *
 * A producer (an --exec command above all) may start processes that leave
 * its process group or session (setsid, a daemon): signalling the group
 * then misses them, and they would outlive the run.  As a child subreaper
 * (PR_SET_CHILD_SUBREAPER) the collector becomes the parent of every such
 * orphan instead of init, so that at the end it can find them (processes
 * whose parent is this one), end them and reap them: nothing alog started
 * lives on after it.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pipes.h"

#define MAX_ROUNDS 64 /* orphans of orphans: a bound, not a fork bomb's end */
#define SETTLE_NS 100000000LL /* what a signalled orphan gets to end itself */

int alog__reaper_begin(void)
{
    int was = 0;
    if (prctl(PR_GET_CHILD_SUBREAPER, &was, 0, 0, 0) != 0)
        was = 0;
    if (!was && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        return -1; /* not fatal: orphans then go to init as before */
    return was;
}

/* The parent pid in /proc/PID/stat (field 4, after the ')' that ends the
 * command name, which may itself hold spaces and parentheses); -1. */
static long parent_of(const char *pid)
{
    char path[300], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *end = strrchr(buf, ')');
    char state;
    long ppid;
    if (end == NULL || sscanf(end + 1, " %c %ld", &state, &ppid) != 2)
        return -1;
    return ppid;
}

/* This process's children (pids, at most cap); how many. */
static size_t children(pid_t *out, size_t cap)
{
    DIR *d = opendir("/proc");
    if (d == NULL)
        return 0;
    size_t n = 0;
    long self = (long)getpid();
    /* readdir_r is deprecated: readdir on a stream of our own is safe. */
    // cppcheck-suppress readdirCalled
    for (struct dirent *e; n < cap && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        if (parent_of(e->d_name) == self)
            out[n++] = (pid_t)strtol(e->d_name, NULL, 10);
    }
    closedir(d);
    return n;
}

/* Signal pid and, if it leads a process group, the group. */
static void hit(pid_t pid, int sig)
{
    if (getpgid(pid) == pid)
        (void)kill(-pid, sig);
    (void)kill(pid, sig);
}

/* Whether pid is in seen[0..*n); adds it if not (while there is room). */
static int seen_before(pid_t *seen, unsigned *n, unsigned cap, pid_t pid)
{
    for (unsigned i = 0; i < *n; i++)
        if (seen[i] == pid)
            return 1;
    if (*n < cap)
        seen[(*n)++] = pid;
    return 0;
}

unsigned alog__reaper_end(int was, const alog_diag *d)
{
    pid_t kids[256], seen[256];
    unsigned ended = 0, n_seen = 0;
    long first = 0;
    int sig = SIGTERM;
    /* Orphans already told to end (a producer's process group got the
     * same signal as the producer) are given a moment to do so first:
     * only what outlives it counts as having escaped. */
    int64_t until = alog_now_ns() + SETTLE_NS;
    for (pid_t r; (r = waitpid(-1, NULL, WNOHANG)) >= 0;) {
        if (r > 0)
            continue; /* one gone: look again at once */
        if (alog_now_ns() >= until)
            break;
        alog_sleep_for(1000000, NULL); /* some still run */
    }
    int64_t term_ns = alog_now_ns();
    for (int round = 0; round < MAX_ROUNDS; round++) {
        /* Zombies first: an orphan that already exited only needs this. */
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        size_t n = children(kids, sizeof kids / sizeof *kids);
        if (n == 0)
            break;
        for (size_t i = 0; i < n; i++) {
            if (!seen_before(seen, &n_seen, 256, kids[i]) && ended++ == 0)
                first = (long)kids[i];
            hit(kids[i], sig);
        }
        /* Give them the grace a producer gets, then no more. */
        until = alog_now_ns() + ALOG__GRACE_NS / 10;
        while (alog_now_ns() < until && waitpid(-1, NULL, WNOHANG) >= 0)
            alog_sleep_for(1000000, NULL);
        if (alog_now_ns() - term_ns >= ALOG__GRACE_NS)
            sig = SIGKILL;
    }
    if (ended > 0)
        alog_say(d, "%u process(es) started by the producers outlived them "
                    "(the first: pid %ld): ended",
                 ended, first);
    if (!was)
        (void)prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    return ended;
}
