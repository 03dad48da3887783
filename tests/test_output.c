/* test_output.c - the report output: stdout, or a file replaced
 * atomically (temporary in the same directory, renamed only on success). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "alog.h"

typedef struct fixture {
    char dir[64];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (fx == NULL)
        return -1;
    strcpy(fx->dir, "/tmp/alog-output-XXXXXX");
    if (mkdtemp(fx->dir) == NULL) {
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    DIR *d = opendir(fx->dir);
    if (d != NULL) {
        for (struct dirent *e; (e = readdir(d)) != NULL;) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[PATH_MAX];
            snprintf(p, sizeof p, "%s/%s", fx->dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(fx->dir);
    free(fx);
    return 0;
}

/* Entries in dir other than . and ..; the first one's name in first. */
static int entries(const char *dir, char *first, size_t len)
{
    int n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n++ == 0 && first != NULL)
            snprintf(first, len, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* Whole file into buf; -1 if it cannot be opened. */
static long read_file(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
    return (long)n;
}

static void test_stdout(void **state)
{
    (void)state;
    alog_output o;
    assert_int_equal(alog_output_open(&o, NULL), ALOG_OK);
    assert_ptr_equal(o.f, stdout);
    assert_int_equal(alog_output_close(&o, 1), ALOG_OK);
    assert_null(o.f);
    assert_int_equal(alog_output_open(&o, "-"), ALOG_OK);
    assert_ptr_equal(o.f, stdout);
    assert_int_equal(alog_output_close(&o, 1), ALOG_OK);
    /* stdout stays usable */
    assert_int_equal(fflush(stdout), 0);
}

static void test_atomic_success(void **state)
{
    fixture *fx = *state;
    char path[PATH_MAX], name[256], buf[256];
    snprintf(path, sizeof path, "%s/report.csv", fx->dir);

    mode_t old = umask(027);
    alog_output o;
    assert_int_equal(alog_output_open(&o, path), ALOG_OK);
    assert_non_null(o.f);
    assert_true(o.f != stdout);
    /* while writing, only a temporary exists, in the same directory */
    assert_int_equal(entries(fx->dir, name, sizeof name), 1);
    assert_string_not_equal(name, "report.csv");
    assert_int_equal(read_file(path, buf, sizeof buf), -1);
    assert_true(fprintf(o.f, "# alog=1\nline %d\n", 2) > 0);
    assert_int_equal(alog_output_close(&o, 1), ALOG_OK);
    umask(old);

    assert_null(o.f);
    assert_int_equal(read_file(path, buf, sizeof buf), 16);
    assert_string_equal(buf, "# alog=1\nline 2\n");
    /* the temporary is gone */
    assert_int_equal(entries(fx->dir, name, sizeof name), 1);
    assert_string_equal(name, "report.csv");
    /* permissions of a plain fopen under that umask, not mkstemp's 0600 */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
}

static void test_replace_existing(void **state)
{
    fixture *fx = *state;
    char path[PATH_MAX], buf[256];
    snprintf(path, sizeof path, "%s/out.json", fx->dir);
    write_file(path, "old report\n");

    alog_output o;
    assert_int_equal(alog_output_open(&o, path), ALOG_OK);
    assert_true(fputs("new", o.f) >= 0);
    /* the old one is intact until the close succeeds */
    assert_int_equal(read_file(path, buf, sizeof buf), 11);
    assert_string_equal(buf, "old report\n");
    assert_int_equal(alog_output_close(&o, 1), ALOG_OK);
    assert_int_equal(read_file(path, buf, sizeof buf), 3);
    assert_string_equal(buf, "new");
    assert_int_equal(entries(fx->dir, NULL, 0), 1);
}

static void test_failed_run_keeps_target(void **state)
{
    fixture *fx = *state;
    char path[PATH_MAX], buf[256];
    snprintf(path, sizeof path, "%s/keep.txt", fx->dir);
    write_file(path, "good\n");

    alog_output o;
    assert_int_equal(alog_output_open(&o, path), ALOG_OK);
    assert_true(fputs("half a rep", o.f) >= 0);
    assert_int_equal(alog_output_close(&o, 0), ALOG_OK);
    assert_int_equal(read_file(path, buf, sizeof buf), 5);
    assert_string_equal(buf, "good\n");
    assert_int_equal(entries(fx->dir, NULL, 0), 1);

    /* a target that did not exist stays absent */
    char absent[PATH_MAX];
    snprintf(absent, sizeof absent, "%s/absent.txt", fx->dir);
    assert_int_equal(alog_output_open(&o, absent), ALOG_OK);
    assert_true(fputs("x", o.f) >= 0);
    assert_int_equal(alog_output_close(&o, 0), ALOG_OK);
    assert_int_equal(read_file(absent, buf, sizeof buf), -1);
    assert_int_equal(entries(fx->dir, NULL, 0), 1);
}

static void test_missing_directory(void **state)
{
    fixture *fx = *state;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/no/such/dir/out.csv", fx->dir);
    alog_output o;
    errno = 0;
    assert_int_equal(alog_output_open(&o, path), ALOG_ESYS);
    assert_int_equal(errno, ENOENT);
    assert_null(o.f);
    assert_null(o.tmp);
    assert_null(o.path);
    /* closing a failed output is harmless */
    assert_int_equal(alog_output_close(&o, 1), ALOG_OK);

    /* a directory is not a report file */
    assert_int_equal(alog_output_open(&o, fx->dir), ALOG_ESYS);
    assert_null(o.f);
    assert_int_equal(alog_output_open(&o, ""), ALOG_ESYS);
    assert_null(o.f);
    assert_int_equal(entries(fx->dir, NULL, 0), 0);
}

static void test_relative_path(void **state)
{
    fixture *fx = *state;
    char cwd[PATH_MAX], buf[64];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(fx->dir), 0);
    alog_output o;
    int rc = alog_output_open(&o, "plain.txt");
    if (rc == ALOG_OK) {
        fputs("ok\n", o.f);
        rc = alog_output_close(&o, 1);
    }
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc, ALOG_OK);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/plain.txt", fx->dir);
    assert_int_equal(read_file(path, buf, sizeof buf), 3);
    assert_int_equal(entries(fx->dir, NULL, 0), 1);
}

/* Through a symlink the file it names is replaced; the link stays. */
static void test_symlink(void **state)
{
    fixture *fx = *state;
    char target[PATH_MAX], link[PATH_MAX], buf[64];
    snprintf(target, sizeof target, "%s/real.csv", fx->dir);
    snprintf(link, sizeof link, "%s/link.csv", fx->dir);
    write_file(target, "old");
    assert_int_equal(symlink("real.csv", link), 0);
    alog_output o;
    assert_int_equal(alog_output_open(&o, link), ALOG_OK);
    assert_true(fputs("fresh", o.f) >= 0);
    assert_int_equal(alog_output_close(&o, 1), ALOG_OK);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(read_file(target, buf, sizeof buf), 5);
    assert_string_equal(buf, "fresh");
    assert_int_equal(entries(fx->dir, NULL, 0), 2);
}

/* A link another user planted is refused (ALOG_EINVAL, its owner said),
 * its target untouched and nothing made; root's links are followed.  The
 * link needs another owner: only root can give it one (else skipped). */
static void test_symlink_foreign(void **state)
{
    fixture *fx = *state;
    char target[PATH_MAX], link[PATH_MAX], buf[64];
    snprintf(target, sizeof target, "%s/roots.csv", fx->dir);
    snprintf(link, sizeof link, "%s/planted.csv", fx->dir);
    write_file(target, "root's own");
    assert_int_equal(symlink("roots.csv", link), 0);
    if (lchown(link, 65534, 65534) != 0) {
        skip(); /* not root: cannot make another user's link */
        return;
    }
    alog_output o;
    assert_int_equal(alog_output_open(&o, link), ALOG_EINVAL);
    assert_int_equal(o.link_uid, 65534);
    assert_null(o.f);
    assert_int_equal(read_file(target, buf, sizeof buf), 10);
    assert_string_equal(buf, "root's own");
    assert_int_equal(entries(fx->dir, NULL, 0), 2);
    /* The same link made root's: followed. */
    assert_int_equal(lchown(link, 0, 0), 0);
    assert_int_equal(alog_output_open(&o, link), ALOG_OK);
    assert_int_equal(alog_output_close(&o, 1), ALOG_OK);
    assert_int_equal(read_file(target, buf, sizeof buf), 0);
}

/* A report that replaces an older one keeps its permissions (a new one
 * gets 0666 less the umask); the temporary is close-on-exec. */
static void test_keeps_mode(void **state)
{
    fixture *fx = *state;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/private.csv", fx->dir);
    write_file(path, "old");
    assert_int_equal(chmod(path, 0600), 0);
    alog_output o;
    assert_int_equal(alog_output_open(&o, path), ALOG_OK);
    int fl = fcntl(fileno(o.f), F_GETFD);
    assert_true(fl >= 0 && (fl & FD_CLOEXEC));
    assert_int_equal(alog_output_close(&o, 1), ALOG_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    mode_t mask = umask(022);
    snprintf(path, sizeof path, "%s/fresh.csv", fx->dir);
    assert_int_equal(alog_output_open(&o, path), ALOG_OK);
    assert_int_equal(alog_output_close(&o, 1), ALOG_OK);
    umask(mask);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);
}

/* A device is written in place (no rename over /dev/null), and a full
 * disk is reported as ALOG_EIO. */
static void test_devices(void **state)
{
    (void)state;
    alog_output o;
    assert_int_equal(alog_output_open(&o, "/dev/null"), ALOG_OK);
    assert_true(fputs("discarded\n", o.f) >= 0);
    assert_int_equal(alog_output_close(&o, 1), ALOG_OK);
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));

    if (access("/dev/full", W_OK) != 0) {
        skip();
        return;
    }
    assert_int_equal(alog_output_open(&o, "/dev/full"), ALOG_OK);
    fputs("no space for this\n", o.f);
    errno = 0;
    assert_int_equal(alog_output_close(&o, 1), ALOG_EIO);
    assert_null(o.f);
    /* why, for the message, survives whatever ran since; said once */
    errno = EINTR;
    char why[128];
    assert_string_equal(alog_reason(ALOG_EIO, why, sizeof why),
                        strerror(ENOSPC));
    errno = 0;
    assert_string_equal(alog_reason(ALOG_EIO, why, sizeof why),
                        alog_strerror(ALOG_EIO));
}

/* A failed call is named with its errno; other codes keep their text. */
static void test_reason(void **state)
{
    (void)state;
    char why[128], want[128];
    errno = EMFILE;
    assert_int_equal(alog_fail(ALOG_ESYS, "pipe2"), ALOG_ESYS);
    errno = 0; /* clean-up on the way up */
    snprintf(want, sizeof want, "pipe2: %s", strerror(EMFILE));
    assert_string_equal(alog_reason(ALOG_ESYS, why, sizeof why), want);
    /* said once: then errno, then the code's text */
    errno = EACCES;
    assert_string_equal(alog_reason(ALOG_ESYS, why, sizeof why),
                        strerror(EACCES));
    errno = 0;
    assert_string_equal(alog_reason(ALOG_ESYS, why, sizeof why),
                        alog_strerror(ALOG_ESYS));
    /* a kept reason belongs to its code only */
    errno = ENOSPC;
    alog_fail(ALOG_EIO, NULL);
    assert_string_equal(alog_reason(ALOG_ENOMEM, why, sizeof why),
                        "out of memory");
    assert_string_equal(alog_reason(ALOG_EIO, why, sizeof why),
                        strerror(ENOSPC));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stdout),
        cmocka_unit_test_setup_teardown(test_atomic_success, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_existing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_run_keeps_target, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_directory, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_relative_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlink_foreign, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_keeps_mode, setup, teardown),
        cmocka_unit_test(test_devices),
        cmocka_unit_test(test_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
