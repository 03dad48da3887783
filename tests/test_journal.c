/* test_journal.c - the --journal block writer: what goes out when (a full
 * block, an old block at the next store, the rest at the end), in the
 * report's CSV, one write(2) per block, lists stored from threads, and a
 * write that fails (write(2) wrapped). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "transport.h"

/* write(2) as the journal sees it: counted, and failing on demand. */
static int writes;
static int fail_with; /* errno to fail with, 0: write */
ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
    writes++;
    if (fail_with != 0) {
        errno = fail_with;
        return -1;
    }
    return __real_write(fd, buf, n);
}

typedef struct fixture {
    char path[64];
    alog_result *res;
    alog_journal *j;
    char said[512]; /* what the journal said on its diag */
    FILE *diag_f;
    alog_diag diag;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (fx == NULL)
        return -1;
    strcpy(fx->path, "/tmp/alog-journal-XXXXXX");
    int fd = mkstemp(fx->path);
    if (fd < 0)
        return -1;
    close(fd);
    fx->diag_f = fmemopen(fx->said, sizeof fx->said - 1, "w");
    fx->diag = (alog_diag){.prog = "test", .f = fx->diag_f};
    fx->res = alog_result_new(4);
    if (fx->res == NULL || fx->diag_f == NULL ||
        alog_result_header(fx->res, "model", "test") != 0 ||
        alog_journal_open(&fx->j, fx->path, NULL, &fx->diag) != ALOG_OK)
        return -1;
    writes = 0;
    fail_with = 0;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    alog_journal_close(fx->j);
    alog_result_free(fx->res);
    fclose(fx->diag_f);
    unlink(fx->path);
    free(fx);
    return 0;
}

/* Record seq of producer p, scheduled and produced at t, stored at c. */
static int store(alog_store *s, uint32_t p, uint64_t seq, int64_t t,
                 int64_t c)
{
    alog_record r = {.sched_ns = t, .produce_ns = t, .collect_ns = c,
                     .seq = seq, .producer = p, .bytes = 10};
    return alog_store_emit(s, &r, NULL, 0);
}

/* The journal file's lines whose text starts with prefix. */
static int count_lines(const char *path, const char *prefix)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f) != NULL)
        n += strncmp(line, prefix, strlen(prefix)) == 0;
    fclose(f);
    return n;
}

static void test_blocks(void **state)
{
    fixture *fx = *state;
    alog_store s0 = {.list = alog_result_list(fx->res, 0),
                     .journal = alog_journal_bind(fx->j, fx->res, 0)};
    alog_store s1 = {.list = alog_result_list(fx->res, 1),
                     .journal = alog_journal_bind(fx->j, fx->res, 1)};
    assert_non_null(s0.journal);
    assert_non_null(s1.journal);
    const int64_t t0 = 1000000000;
    /* One record short of a block: nothing written yet. */
    for (uint64_t k = 0; k < ALOG_JOURNAL_RECORDS - 1; k++)
        assert_int_equal(store(&s0, 0, k, t0 + (int64_t)k, t0 + (int64_t)k),
                         0);
    assert_int_equal(writes, 0);
    assert_int_equal(count_lines(fx->path, "record,"), 0);
    /* The block's last record: the header, then the block, one write each. */
    assert_int_equal(store(&s0, 0, ALOG_JOURNAL_RECORDS - 1, t0 + 500,
                           t0 + 500), 0);
    assert_int_equal(writes, 2);
    assert_int_equal(count_lines(fx->path, "# model=test"), 1);
    assert_int_equal(count_lines(fx->path, "# epoch_ns=1000000000"), 1);
    assert_int_equal(count_lines(fx->path, "kind,producer,seq,sched_ns,"
                                           "produce_ns,collect_ns,bytes,"
                                           "value,text"), 1);
    assert_int_equal(count_lines(fx->path, "record,0,"), ALOG_JOURNAL_RECORDS);
    /* Times count from the epoch: the first record is all zeros. */
    assert_int_equal(count_lines(fx->path, "record,0,0,0,0,0,10,,"), 1);
    /* List 1: a record, then one ALOG_JOURNAL_NS later: both go out. */
    assert_int_equal(store(&s1, 1, 0, t0 + 7, t0 + 7), 0);
    assert_int_equal(writes, 2);
    assert_int_equal(store(&s1, 1, 1, t0 + 8, t0 + 7 + ALOG_JOURNAL_NS), 0);
    assert_int_equal(writes, 3);
    assert_int_equal(count_lines(fx->path, "record,1,0,7,7,7,10,,"), 1);
    assert_int_equal(count_lines(fx->path, "record,1,"), 2);
    /* The rest at the end; finishing twice writes nothing twice. */
    assert_int_equal(store(&s0, 0, ALOG_JOURNAL_RECORDS, t0 + 600, t0 + 600),
                     0);
    alog_journal_finish(fx->j);
    alog_journal_finish(fx->j);
    assert_int_equal(writes, 4);
    assert_int_equal(count_lines(fx->path, "record,0,"),
                     ALOG_JOURNAL_RECORDS + 1);
    int64_t epoch = 0;
    assert_int_equal(alog_journal_epoch(fx->j, &epoch), 1);
    assert_int_equal(epoch, t0);
    assert_null(alog_journal_error(fx->j));
    assert_int_equal(alog_journal_close(fx->j), ALOG_OK);
    fx->j = NULL;
}

/* Foreign text goes through the report's CSV quoting. */
static void test_text(void **state)
{
    fixture *fx = *state;
    alog_store s = {.list = alog_result_list(fx->res, 2),
                    .journal = alog_journal_bind(fx->j, fx->res, 2)};
    alog_record r = {.sched_ns = 5, .produce_ns = 5, .collect_ns = 6,
                     .producer = 2, .bytes = 8,
                     .flags = ALOG_REC_FOREIGN};
    assert_int_equal(alog_store_emit(&s, &r, "a,\"b\"", 5), 0);
    alog_journal_finish(fx->j);
    assert_int_equal(count_lines(fx->path, "record,2,0,0,0,1,8,,\"a,\"\"b\"\"\""),
                     1);
}

typedef struct worker {
    alog_store s;
    uint32_t p;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (uint64_t k = 0; k < 10000; k++)
        if (store(&w->s, w->p, k, 100 + (int64_t)k, 100 + (int64_t)k) != 0)
            return arg;
    return NULL;
}

/* Four lists stored from four threads: every row once, each list's rows
 * in order, blocks never mixed within a line. */
static void test_threads(void **state)
{
    fixture *fx = *state;
    worker w[4];
    pthread_t th[4];
    for (uint32_t i = 0; i < 4; i++) {
        w[i] = (worker){.p = i,
                        .s = {.list = alog_result_list(fx->res, i),
                              .journal = alog_journal_bind(fx->j, fx->res,
                                                           i)}};
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        void *rc = &rc;
        pthread_join(th[i], &rc);
        assert_null(rc);
    }
    alog_journal_finish(fx->j);
    FILE *f = fopen(fx->path, "r");
    assert_non_null(f);
    char line[256];
    long next[4] = {0, 0, 0, 0};
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned p;
        long seq;
        if (line[0] == '#' || strncmp(line, "kind,", 5) == 0)
            continue;
        assert_int_equal(sscanf(line, "record,%u,%ld,", &p, &seq), 2);
        assert_true(p < 4);
        assert_int_equal(seq, next[p]);
        next[p]++;
    }
    fclose(f);
    for (int i = 0; i < 4; i++)
        assert_int_equal(next[i], 10000);
}

/* A failing write: said once, journaling stops, the stores go on. */
static void test_write_fails(void **state)
{
    fixture *fx = *state;
    alog_store s = {.list = alog_result_list(fx->res, 0),
                    .journal = alog_journal_bind(fx->j, fx->res, 0)};
    fail_with = ENOSPC;
    for (uint64_t k = 0; k < 3 * ALOG_JOURNAL_RECORDS; k++)
        assert_int_equal(store(&s, 0, k, (int64_t)k, (int64_t)k), 0);
    assert_int_equal(writes, 1); /* the first block's header only */
    assert_int_equal(alog_reclist_len(s.list), 3 * ALOG_JOURNAL_RECORDS);
    assert_string_equal(alog_journal_error(fx->j),
                        "write: No space left on device");
    fflush(fx->diag_f);
    char want[256];
    snprintf(want, sizeof want, "test: --journal '%s': write: No space left "
             "on device: journaling stopped (the run goes on)\n", fx->path);
    assert_string_equal(fx->said, want);
    fail_with = 0;
    assert_int_equal(alog_journal_close(fx->j), ALOG_EIO);
    fx->j = NULL;
}

static void test_open_fails(void **state)
{
    (void)state;
    alog_journal *j = (alog_journal *)&j;
    errno = 0;
    assert_int_equal(alog_journal_open(&j, "/nonexistent/j.csv", NULL, NULL),
                     ALOG_ESYS);
    assert_int_equal(errno, ENOENT);
    assert_null(j);
    /* No journal: binding and noting do nothing. */
    assert_null(alog_journal_bind(NULL, NULL, 0));
    alog_journal_note(NULL, 0);
    alog_journal_finish(NULL);
    assert_int_equal(alog_journal_close(NULL), ALOG_OK);
}

/* The whole content of path (at most cap - 1 bytes). */
static size_t slurp(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
    return n;
}

/* A symbolic link is never followed: the file it names keeps its bytes. */
static void test_open_symlink(void **state)
{
    (void)state;
    char dir[] = "/tmp/alog-journal-dir-XXXXXX", target[64], link[64];
    assert_non_null(mkdtemp(dir));
    snprintf(target, sizeof target, "%s/target", dir);
    snprintf(link, sizeof link, "%s/j.csv", dir);
    FILE *f = fopen(target, "w");
    assert_non_null(f);
    fputs("precious\n", f);
    fclose(f);
    assert_int_equal(symlink(target, link), 0);
    alog_journal *j = NULL;
    errno = 0;
    assert_int_equal(alog_journal_open(&j, link, NULL, NULL), ALOG_ESYS);
    assert_int_equal(errno, ELOOP);
    assert_null(j);
    char buf[64];
    slurp(target, buf, sizeof buf);
    assert_string_equal(buf, "precious\n");
    /* A dangling link is not followed either (no file made at its end). */
    unlink(target);
    assert_int_equal(alog_journal_open(&j, link, NULL, NULL), ALOG_ESYS);
    assert_int_equal(access(target, F_OK), -1);
    unlink(link);
    rmdir(dir);
}

/* The report's own file is refused before anything is emptied; a journal
 * made by the refused call is removed again. */
static void test_open_same_as_report(void **state)
{
    (void)state;
    char path[] = "/tmp/alog-journal-same-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "old report\n", 11), 11);
    close(fd);
    alog_journal *j = NULL;
    assert_int_equal(alog_journal_open(&j, path, path, NULL), ALOG_EINVAL);
    assert_null(j);
    char buf[64];
    slurp(path, buf, sizeof buf);
    assert_string_equal(buf, "old report\n");
    unlink(path);
    assert_int_equal(alog_journal_open(&j, path, path, NULL), ALOG_EINVAL);
    assert_int_equal(access(path, F_OK), -1);
    /* Another report: the journal is emptied and kept. */
    fd = open(path, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "old journal\n", 12), 12);
    close(fd);
    assert_int_equal(alog_journal_open(&j, path, "/tmp", NULL), ALOG_OK);
    assert_int_equal(alog_journal_close(j), ALOG_OK);
    assert_int_equal(slurp(path, buf, sizeof buf), 0);
    unlink(path);
}

/* A result attached, then detached before it is freed (the path of a run
 * that cannot start): the header is written from it, and closing later
 * touches nothing of it (the sanitizer builds see a use after free). */
static void test_detach(void **state)
{
    fixture *fx = *state;
    alog_journal_attach(fx->j, fx->res);
    assert_non_null(alog_journal_bind(fx->j, fx->res, 0));
    alog_journal_detach(fx->j);
    alog_result_free(fx->res);
    fx->res = NULL;
    assert_int_equal(alog_journal_close(fx->j), ALOG_OK);
    fx->j = NULL;
    char buf[512];
    slurp(fx->path, buf, sizeof buf);
    assert_non_null(strstr(buf, "# model=test\n"));
    assert_null(strstr(buf, "record,"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_fails, setup, teardown),
        cmocka_unit_test(test_open_fails),
        cmocka_unit_test(test_open_symlink),
        cmocka_unit_test(test_open_same_as_report),
        cmocka_unit_test_setup_teardown(test_detach, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
