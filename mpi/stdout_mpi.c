/* stdout_mpi.c - rank 0's report on stdout goes where mpirun's stdout goes.
 *
 * Under mpirun a rank's stdout is a pipe that mpirun reads and copies to
 * its own stdout; when that copy fails (a full disk, /dev/full, a closed
 * stdout) mpirun drops the bytes and still exits 0, so the report would
 * be lost unseen.  When rank 0 runs next to the mpirun that started it,
 * it takes mpirun's stdout itself (pidfd_getfd: the same open file, so the
 * same offset) and writes there: a failed write is then rank 0's, said and
 * counted as for every model.  A stdout that mpirun never had (closed:
 * the number is taken by one of mpirun's own pipes, or by nothing) is
 * refused before the run.  Elsewhere (a remote mpirun, srun) the report
 * goes through the launcher as before.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mpi_model.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* The launchers whose stdout copy we know to drop errors. */
static int is_launcher(pid_t pid)
{
    char path[64], comm[32] = "";
    snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return 0;
    if (fgets(comm, sizeof comm, f) == NULL)
        comm[0] = '\0';
    fclose(f);
    comm[strcspn(comm, "\n")] = '\0';
    static const char *const names[] = {"mpirun", "mpiexec", "orterun",
                                        "prterun"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(comm, names[i]) == 0)
            return 1;
    return 0;
}

/* How many of pid's descriptors name `what` (a readlink of /proc/PID/fd). */
static int holders(pid_t pid, const char *what)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%ld/fd", (long)pid);
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int n = 0;
    /* readdir_r is deprecated: readdir on a stream of our own is safe. */
    // cppcheck-suppress readdirCalled
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        char p[320], to[256];
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        ssize_t k = readlink(p, to, sizeof to - 1);
        if (k > 0) {
            to[k] = '\0';
            n += strcmp(to, what) == 0;
        }
    }
    closedir(d);
    return n;
}

/* A descriptor of pid's fd 1, shared with it; -1. */
static int take_fd1(pid_t pid, const char *target)
{
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pfd >= 0) {
        int fd = (int)syscall(SYS_pidfd_getfd, pfd, 1, 0); /* cloexec */
        close(pfd);
        if (fd >= 0)
            return fd;
    }
    /* No pidfd (an older kernel, no ptrace right): reopening is the same
     * for a device, a pipe or a terminal, not for a file (its offset). */
    char p[64];
    snprintf(p, sizeof p, "/proc/%ld/fd/1", (long)pid);
    struct stat st;
    if (target[0] == '/' && (stat(p, &st) != 0 || S_ISREG(st.st_mode)))
        return -1;
    return open(p, O_WRONLY | O_CLOEXEC | O_NOCTTY);
}

int alog_mpi_stdout_direct(char *why, size_t len)
{
    struct stat me;
    if (fstat(STDOUT_FILENO, &me) != 0 || S_ISREG(me.st_mode))
        return ALOG_OK; /* closed, or a file: ours to check already */
    pid_t up = getppid();
    if (!is_launcher(up))
        return ALOG_OK; /* a remote launcher or srun: through it */
    char p[64], to[256];
    snprintf(p, sizeof p, "/proc/%ld/fd/1", (long)up);
    ssize_t k = readlink(p, to, sizeof to - 1);
    if (k < 0 && errno == ENOENT) {
        snprintf(why, len, "mpirun's standard output is closed");
        return ALOG_EIO;
    }
    if (k <= 0)
        return ALOG_OK; /* not ours to look at: through mpirun */
    to[k] = '\0';
    /* mpirun started with stdout closed: its own pipe (both ends held) or
     * an event descriptor took the number. */
    if ((strncmp(to, "pipe:", 5) == 0 && holders(up, to) > 1) ||
        strncmp(to, "anon_inode:", 11) == 0) {
        snprintf(why, len, "mpirun's standard output is closed");
        return ALOG_EIO;
    }
    if (strncmp(to, "socket:", 7) == 0)
        return ALOG_OK;
    int fd = take_fd1(up, to);
    if (fd < 0)
        return ALOG_OK;
    fflush(stdout);
    (void)dup2(fd, STDOUT_FILENO); /* failed: through mpirun, as before */
    close(fd);
    return ALOG_OK;
}
