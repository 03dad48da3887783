/* output.c - where the report goes: stdout, or a file replaced atomically.
 *
 * A regular file is written to a temporary in the same directory (so the
 * rename cannot cross file systems), synced, and renamed over the target
 * only when everything was written: a failed or interrupted run never
 * leaves a half report where a good one was.
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

int alog_output_open(alog_output *o, const char *path)
{
    o->f = NULL;
    o->path = NULL;
    o->tmp = NULL;
    if (path == NULL || strcmp(path, "-") == 0) {
        o->f = stdout;
        return ALOG_OK;
    }
    if (path[0] == '\0') {
        errno = ENOENT;
        return ALOG_ESYS;
    }
    /* Through a symlink, replace the file it names, not the link. */
    struct stat lst;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
        o->path = realpath(path, NULL);
    if (o->path == NULL)
        o->path = strdup(path);
    if (o->path == NULL)
        return ALOG_ENOMEM;
    path = o->path;

    /* A device or pipe (/dev/null, a FIFO) is written in place: there is
     * nothing to replace atomically and renaming over it would be wrong. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            output_reset(o);
            errno = EISDIR;
            return ALOG_ESYS;
        }
        o->f = fopen(path, "w");
        if (o->f == NULL) {
            int e = errno;
            output_reset(o);
            errno = e;
            return ALOG_ESYS;
        }
        return ALOG_OK;
    }

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

    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        output_reset(o);
        errno = e;
        return ALOG_ESYS;
    }
    if (fchmod(fd, file_mode()) != 0 || (o->f = fdopen(fd, "w")) == NULL) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        output_reset(o);
        errno = e;
        return ALOG_ESYS;
    }
    return ALOG_OK;
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
