/* journal.c - --journal FILE (see journal.h): per-list blocks formatted
 * by the thread that stores into the list, written with one write(2)
 * each under the journal's lock. */
#include "journal.h"
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct alog_journal_block {
    alog_journal *j;
    const alog_reclist *list;
    size_t from;      /* first record of the list not yet written */
    size_t pending;   /* records noted since */
    int64_t first_ns; /* store time of the first of them */
    FILE *mem;        /* the block's rows, formatted */
    char *buf;        /* mem's buffer */
    size_t size;      /* bytes in buf after a flush of mem */
};

struct alog_journal {
    int fd;
    char *path;
    const alog_diag *diag;
    pthread_mutex_t mu;      /* the writes, the header, the block list */
    const alog_result *res;  /* header source, set by the first bind */
    int head_done;           /* the header is written (under mu) */
    atomic_int failed;       /* journaling stopped */
    char error[160];         /* why (written once, before failed is set) */
    _Atomic int64_t epoch;   /* rows count from it; INT64_MIN: unset */
    alog_journal_block **blocks;
    size_t n, cap;
};

/* Open path for writing without following a link and without emptying
 * it yet; *created says whether this call made it. */
static int journal_fd(const char *path, int *created)
{
    const int flags = O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
    *created = 1;
    int fd = open(path, flags | O_CREAT | O_EXCL, 0666);
    if (fd < 0 && errno == EEXIST) {
        *created = 0;
        fd = open(path, flags);
    }
    return fd;
}

/* Is the open fd the regular file at path? */
static int same_file(int fd, const char *path)
{
    struct stat a, b;
    return path != NULL && fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
           S_ISREG(a.st_mode) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int alog_journal_open(alog_journal **jp, const char *path, const char *report,
                      const alog_diag *d)
{
    *jp = NULL;
    alog_journal *j = calloc(1, sizeof *j);
    char *p = strdup(path);
    if (j == NULL || p == NULL) {
        free(j);
        free(p);
        return ALOG_ENOMEM;
    }
    int created = 0;
    j->fd = journal_fd(path, &created);
    int rc = j->fd < 0 ? ALOG_ESYS : ALOG_OK;
    if (rc == ALOG_OK && same_file(j->fd, report))
        rc = ALOG_EINVAL; /* one file cannot be both */
    else if (rc == ALOG_OK && ftruncate(j->fd, 0) != 0 && errno != EINVAL)
        rc = ALOG_ESYS; /* EINVAL: a device or FIFO, nothing to empty */
    if (rc != ALOG_OK) {
        int e = errno;
        if (j->fd >= 0)
            close(j->fd);
        if (created)
            unlink(path);
        free(j);
        free(p);
        errno = rc == ALOG_EINVAL ? EEXIST : e;
        return rc;
    }
    j->path = p;
    j->diag = d;
    pthread_mutex_init(&j->mu, NULL);
    atomic_init(&j->failed, 0);
    atomic_init(&j->epoch, INT64_MIN);
    *jp = j;
    return ALOG_OK;
}

/* Stop journaling (the first failure only is said). Called under mu. */
static void journal_fail(alog_journal *j, const char *what, int err)
{
    if (atomic_load(&j->failed))
        return;
    snprintf(j->error, sizeof j->error, "%s: %s", what, strerror(err));
    atomic_store(&j->failed, 1);
    alog_say(j->diag, "--journal '%s': %s: journaling stopped (the run goes "
                      "on)", j->path, j->error);
}

/* All of buf, by one write(2) unless the kernel takes less. Under mu. */
static void journal_write(alog_journal *j, const char *buf, size_t len)
{
    while (len > 0 && !atomic_load(&j->failed)) {
        ssize_t w = write(j->fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            journal_fail(j, "write", w < 0 ? errno : EIO);
            return;
        }
        buf += w;
        len -= (size_t)w;
    }
}

/* The header, before the first block (under mu). */
static void journal_head(alog_journal *j)
{
    if (j->head_done || j->res == NULL)
        return;
    j->head_done = 1;
    char *buf = NULL, epoch_ns[32];
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (f == NULL) {
        journal_fail(j, "header", errno);
        return;
    }
    int64_t epoch = atomic_load(&j->epoch);
    snprintf(epoch_ns, sizeof epoch_ns, "%lld", (long long)epoch);
    alog_report_journal_head(f, j->res, epoch != INT64_MIN ? "epoch_ns" : NULL,
                             epoch_ns);
    if (fflush(f) != 0 || ferror(f))
        journal_fail(j, "header", ENOMEM);
    else
        journal_write(j, buf, size);
    fclose(f);
    free(buf);
}

alog_journal_block *alog_journal_bind(alog_journal *j, alog_result *res,
                                      unsigned i)
{
    if (j == NULL)
        return NULL;
    alog_journal_block *b = calloc(1, sizeof *b);
    pthread_mutex_lock(&j->mu);
    if (b != NULL && j->n == j->cap) {
        size_t cap = j->cap ? 2 * j->cap : 16;
        alog_journal_block **v = realloc(j->blocks, cap * sizeof *v);
        if (v != NULL) {
            j->blocks = v;
            j->cap = cap;
        }
    }
    if (b != NULL && j->n < j->cap)
        b->mem = open_memstream(&b->buf, &b->size);
    if (b == NULL || b->mem == NULL) {
        free(b);
        journal_fail(j, "block", ENOMEM);
        pthread_mutex_unlock(&j->mu);
        return NULL;
    }
    /* Only b's thread formats into mem: stdio need not lock it per call. */
    __fsetlocking(b->mem, FSETLOCKING_BYCALLER);
    b->j = j;
    b->list = alog_result_list(res, i);
    j->blocks[j->n++] = b;
    j->res = res;
    pthread_mutex_unlock(&j->mu);
    return b;
}

/* Format b's waiting records (no lock: only b's thread touches b), then
 * write them with one write(2) under the lock. */
static void block_flush(alog_journal_block *b)
{
    alog_journal *j = b->j;
    size_t from = b->from, n = b->pending;
    b->from += n;
    b->pending = 0;
    if (n == 0 || atomic_load_explicit(&j->failed, memory_order_relaxed))
        return;
    /* The first record journaled fixes the epoch for every block. */
    const alog_record *first = alog_reclist_at(b->list, from);
    int64_t want = first != NULL ? first->sched_ns : 0, epoch = INT64_MIN;
    /* The schedule start when the transport set one, as the report's. */
    pthread_mutex_lock(&j->mu);
    if (j->res != NULL)
        (void)alog_result_schedule(j->res, &want);
    pthread_mutex_unlock(&j->mu);
    if (atomic_compare_exchange_strong(&j->epoch, &epoch, want))
        epoch = want; /* else epoch holds the one another block set */
    rewind(b->mem);
    alog_report_journal_rows(b->mem, b->list, from, n, epoch);
    int bad = fflush(b->mem) != 0 || ferror(b->mem);
    pthread_mutex_lock(&j->mu);
    if (bad)
        journal_fail(j, "block", ENOMEM);
    journal_head(j);
    journal_write(j, b->buf, b->size);
    pthread_mutex_unlock(&j->mu);
}

void alog_journal_note_slow(alog_journal_block *b, int64_t collect_ns)
{
    if (b->pending++ == 0)
        b->first_ns = collect_ns;
    if (b->pending >= ALOG_JOURNAL_RECORDS ||
        collect_ns - b->first_ns >= ALOG_JOURNAL_NS)
        block_flush(b);
}

void alog_journal_finish(alog_journal *j)
{
    if (j == NULL)
        return;
    /* The stores are done: no block is in use by its thread any more. */
    for (size_t i = 0; i < j->n; i++)
        block_flush(j->blocks[i]);
    pthread_mutex_lock(&j->mu);
    journal_head(j); /* a run without records still says what it was */
    pthread_mutex_unlock(&j->mu);
}

void alog_journal_attach(alog_journal *j, const alog_result *res)
{
    if (j == NULL)
        return;
    pthread_mutex_lock(&j->mu);
    j->res = res;
    pthread_mutex_unlock(&j->mu);
}

void alog_journal_detach(alog_journal *j)
{
    if (j == NULL)
        return;
    alog_journal_finish(j);
    /* The blocks point into the result's lists: they go with it. */
    pthread_mutex_lock(&j->mu);
    for (size_t i = 0; i < j->n; i++) {
        fclose(j->blocks[i]->mem);
        free(j->blocks[i]->buf);
        free(j->blocks[i]);
    }
    j->n = 0;
    j->res = NULL;
    pthread_mutex_unlock(&j->mu);
}

int alog_journal_epoch(const alog_journal *j, int64_t *epoch)
{
    if (j == NULL)
        return 0;
    int64_t e = atomic_load(&j->epoch);
    if (e == INT64_MIN)
        return 0;
    *epoch = e;
    return 1;
}

const char *alog_journal_error(const alog_journal *j)
{
    return j != NULL && atomic_load(&j->failed) ? j->error : NULL;
}

int alog_journal_close(alog_journal *j)
{
    if (j == NULL)
        return ALOG_OK;
    alog_journal_detach(j);
    pthread_mutex_lock(&j->mu);
    if (close(j->fd) != 0)
        journal_fail(j, "close", errno);
    pthread_mutex_unlock(&j->mu);
    int rc = atomic_load(&j->failed) ? ALOG_EIO : ALOG_OK;
    free(j->blocks);
    pthread_mutex_destroy(&j->mu);
    free(j->path);
    free(j);
    return rc;
}
