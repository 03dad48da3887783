/* output.c - where the report goes: stdout, or a file replaced atomically.
 *
 * A regular file is written to a temporary in the same directory (so the
 * rename cannot cross file systems), synced, and renamed over the target
 * only when everything was written: a failed or interrupted run never
 * leaves a half report where a good one was.  Symbolic links: see
 * follow_link.
 */
#include "alog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The directory part of path ("." when there is none). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static void output_reset(alog_output *o)
{
    free(o->path);
    free(o->tmp);
    o->f = NULL;
    o->path = NULL;
    o->tmp = NULL;
}

/* The permissions a plain fopen would give: 0666 minus the umask.  umask
 * can only be read by setting it; this runs before any file is created. */
static mode_t file_mode(void)
{
    mode_t mask = umask(022);
    umask(mask);
    return 0666 & ~mask;
}

/* A symbolic link is followed only when it is the user's own or root's:
 * one that another user planted (in a shared directory) could point a
 * root-run report at any file, so it is refused instead (the kernel's
 * fs.protected_symlinks rule, for every directory, not only sticky ones).
 * The link is opened itself (O_PATH | O_NOFOLLOW), so the owner checked
 * and the target read are of the same link, whatever renames race.
 * Returns 0 with *target (malloc'd: the link's target, as a path from
 * here) or NULL when path is no link; ALOG_EINVAL for a foreign link
 * (o->link_uid says whose); ALOG_ENOMEM. */
static int follow_link(alog_output *o, const char *path, char **target)
{
    *target = NULL;
    int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return ALOG_OK; /* nothing there yet, or a path open() refuses */
    struct stat st;
    if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISLNK(st.st_mode)) {
        close(fd);
        return ALOG_OK;
    }
    if (st.st_uid != geteuid() && st.st_uid != 0) {
        close(fd);
        o->link_uid = (long)st.st_uid;
        return ALOG_EINVAL;
    }
    char to[4096];
    ssize_t n = readlinkat(fd, "", to, sizeof to - 1);
    close(fd);
    if (n <= 0)
        return ALOG_OK;
    to[n] = '\0';
    /* A relative target counts from the link's directory. */
    char *dir = to[0] == '/' ? strdup("") : dir_of(path);
    if (dir == NULL)
        return ALOG_ENOMEM;
    size_t cap = strlen(dir) + (size_t)n + 2;
    char *joined = malloc(cap);
    if (joined != NULL)
        snprintf(joined, cap, "%s%s%s", dir, dir[0] ? "/" : "", to);
    free(dir);
    if (joined == NULL)
        return ALOG_ENOMEM;
    /* Further links on the way are resolved as any path is. */
    char *real = realpath(joined, NULL);
    if (real != NULL) {
        free(joined);
        joined = real;
    }
    *target = joined;
    return ALOG_OK;
}

/* The temporary beside o->path (same directory: the rename cannot cross
 * file systems), with the permissions the report will have.  0, ALOG_ESYS
 * (errno) or ALOG_ENOMEM; o reset on failure. */
static int open_temporary(alog_output *o, mode_t mode)
{
    const char *path = o->path;
    char *dir = dir_of(path);
    if (dir == NULL) {
        output_reset(o);
        return ALOG_ENOMEM;
    }
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(dir) + strlen(base) + 16;
    o->tmp = malloc(n);
    if (o->tmp == NULL) {
        free(dir);
        output_reset(o);
        return ALOG_ENOMEM;
    }
    snprintf(o->tmp, n, "%s/.%s.XXXXXX", dir, base);
    free(dir);
    /* Close-on-exec: producers started later must not inherit the report
     * (a command could write into it). */
    int fd = mkostemp(o->tmp, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        output_reset(o);
        errno = e;
        return ALOG_ESYS;
    }
    /* A report that replaces an older one keeps its permissions. */
    if (fchmod(fd, mode) != 0 || (o->f = fdopen(fd, "w")) == NULL) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        output_reset(o);
        errno = e;
        return ALOG_ESYS;
    }
    return ALOG_OK;
}

int alog_output_open(alog_output *o, const char *path)
{
    o->f = NULL;
    o->path = NULL;
    o->tmp = NULL;
    o->link_uid = -1;
    if (path == NULL || strcmp(path, "-") == 0) {
        o->f = stdout;
        return ALOG_OK;
    }
    if (path[0] == '\0') {
        errno = ENOENT;
        return ALOG_ESYS;
    }
    /* Through a link of ours, replace the file it names, not the link. */
    int rc = follow_link(o, path, &o->path);
    if (rc != ALOG_OK)
        return rc;
    if (o->path == NULL)
        o->path = strdup(path);
    if (o->path == NULL)
        return ALOG_ENOMEM;
    path = o->path;

    /* A device or pipe (/dev/null, a FIFO) is written in place: there is
     * nothing to replace atomically and renaming over it would be wrong. */
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            output_reset(o);
            errno = EISDIR;
            return ALOG_ESYS;
        }
        o->f = fopen(path, "we");
        if (o->f == NULL) {
            int e = errno;
            output_reset(o);
            errno = e;
            return ALOG_ESYS;
        }
        return ALOG_OK;
    }

    return open_temporary(o, exists ? (st.st_mode & 07777) : file_mode());
}

const char *alog_output_path(const alog_output *o)
{
    return o->path;
}

/* Make the rename itself durable; failure here loses nothing written. */
static void sync_dir(const char *path)
{
    char *dir = dir_of(path);
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

/* The first failure of a close decides its message (alog_fail keeps it):
 * a flush says why the data did not go, a later call is named. */
static void check(int *rc, int failed, const char *call)
{
    if (failed && *rc == ALOG_OK)
        *rc = alog_fail(ALOG_EIO, call);
}

int alog_output_close(alog_output *o, int ok)
{
    int rc = ALOG_OK;
    if (o->f == NULL) {
        output_reset(o);
        return ALOG_OK;
    }
    if (o->path == NULL) { /* stdout stays open for the program */
        check(&rc, fflush(o->f) != 0 || ferror(o->f), NULL);
        o->f = NULL;
        return ok ? rc : ALOG_OK;
    }
    if (o->tmp == NULL) { /* a device or pipe, written in place */
        check(&rc, fflush(o->f) != 0 || ferror(o->f), NULL);
        check(&rc, fclose(o->f) != 0, NULL);
        output_reset(o);
        return ok ? rc : ALOG_OK;
    }
    if (!ok) {
        fclose(o->f);
        unlink(o->tmp);
        output_reset(o);
        return ALOG_OK;
    }
    check(&rc, fflush(o->f) != 0 || ferror(o->f), NULL);
    if (rc == ALOG_OK)
        check(&rc, fsync(fileno(o->f)) != 0, "fsync");
    check(&rc, fclose(o->f) != 0, NULL);
    if (rc == ALOG_OK)
        check(&rc, rename(o->tmp, o->path) != 0, "rename");
    if (rc != ALOG_OK)
        unlink(o->tmp);
    else
        sync_dir(o->path);
    output_reset(o);
    return rc;
}
