/* test_run.c - the generic run over the dummy transport (counts, statuses,
 * fail_after -> short, exit status 3), the transport registry, and
 * spawning/reaping children (exit codes, signals, stops, escalation).
 * The pipe transports run in-process on `sh -c` commands, and on real
 * producers when ALOG_PRODUCER names one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "options_async.h"
#include "pipes.h"
#include "transport.h"

/* ---- a tiny reader of the CSV report ----------------------------------- */

typedef struct csv_summary {
    unsigned records[8];   /* record rows per producer */
    unsigned events;       /* event rows */
    char status[8][16];    /* producer rows: status */
    long code[8];
    long prod_records[8];
    long total_records;
    long interrupted;
    int transport_dummy;   /* "# transport=dummy" seen */
} csv_summary;

/* Own records have no quoted text, so splitting on ',' is enough here;
 * tests/alog_check.c is the full checker. */
static void summarise(FILE *f, csv_summary *s)
{
    char line[4096];
    memset(s, 0, sizeof *s);
    s->total_records = -1;
    rewind(f);
    while (fgets(line, sizeof line, f)) {
        unsigned p;
        long a, b, c;
        char st[16];
        if (strncmp(line, "# transport=dummy", 17) == 0)
            s->transport_dummy = 1;
        if (sscanf(line, "record,%u,", &p) == 1 && p < 8)
            s->records[p]++;
        else if (strncmp(line, "event,", 6) == 0)
            s->events++;
        else if (sscanf(line, "producer,%u,%15[a-z],%ld,%ld,", &p, st, &a,
                        &b) == 4 &&
                 p < 8) {
            snprintf(s->status[p], sizeof s->status[p], "%s", st);
            s->code[p] = a;
            s->prod_records[p] = b;
        } else if (strncmp(line, "total,", 6) == 0) {
            /* total,records,bytes,wall,cpu,r/s,B/s,rss,list,interrupted */
            char *q = line;
            int field = 0;
            s->total_records = strtol(line + 6, NULL, 10);
            while ((q = strchr(q, ',')) != NULL) {
                q++;
                if (++field == 9)
                    s->interrupted = strtol(q, NULL, 10);
            }
            (void)c;
        }
    }
}

static void config(alog_config *cfg, unsigned n, uint64_t count)
{
    alog_config_init(cfg, ALOG_MODEL_ASYNC);
    cfg->producers = n;
    cfg->count = count;
    cfg->format = ALOG_FMT_CSV;
    cfg->show = ALOG_SHOW_ALL;
}

/* ---- registry ------------------------------------------------------------ */

/* The async model's options and run env, messages discarded. */
static alog_async_opts async_opts = {.wire = ALOG_WIRE_TEXT};
static const alog_run_env async_env = {.model = "async",
                                       .async = &async_opts};

static void test_registry(void **state)
{
    (void)state;
    assert_ptr_equal(alog_transport_find(alog_transports, "epoll"),
                     &alog_transport_epoll);
    assert_ptr_equal(alog_transport_find(alog_transports, "threads"),
                     &alog_transport_threads);
    assert_ptr_equal(alog_transport_find(alog_transports, "dummy"),
                     &alog_transport_dummy);
    assert_null(alog_transport_find(alog_transports, "mpi"));
    assert_null(alog_transport_find(alog_transports, ""));
    assert_null(alog_transport_find(alog_transports, NULL));
    for (const alog_transport *const *t = alog_transports; *t; t++) {
        assert_non_null((*t)->summary);
        assert_non_null((*t)->open);
        assert_non_null((*t)->collect);
        assert_non_null((*t)->close);
    }
}

static void test_producer_path(void **state)
{
    (void)state;
    char buf[4096];
    const char *old = getenv("ALOG_PRODUCER");
    char *saved = old ? strdup(old) : NULL;
    setenv("ALOG_PRODUCER", "/opt/x/alog-producer", 1);
    assert_int_equal(alog_producer_path(buf, sizeof buf), 0);
    assert_string_equal(buf, "/opt/x/alog-producer");
    assert_int_equal(alog_producer_path(buf, 5), ALOG_ESYS);
    unsetenv("ALOG_PRODUCER");
    assert_int_equal(alog_producer_path(buf, sizeof buf), 0);
    /* Next to this test program. */
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    *strrchr(self, '/') = '\0';
    strcat(self, "/alog-producer");
    assert_string_equal(buf, self);
    if (saved)
        setenv("ALOG_PRODUCER", saved, 1);
    free(saved);
}

/* ---- the generic run over the dummy ------------------------------------- */

static void test_dummy_counts(void **state)
{
    (void)state;
    alog_config cfg;
    config(&cfg, 3, 50);
    FILE *f = tmpfile();
    assert_non_null(f);
    int rc = alog_run_transport(&alog_transport_dummy, &cfg, &async_env, f);
    assert_int_equal(rc, ALOG_OK);
    assert_int_equal(alog_exit_status(rc), 0);
    csv_summary s;
    summarise(f, &s);
    assert_true(s.transport_dummy);
    for (unsigned p = 0; p < 3; p++) {
        assert_int_equal(s.records[p], 50);
        assert_string_equal(s.status[p], "ok");
        assert_int_equal(s.prod_records[p], 50);
    }
    assert_int_equal(s.records[3], 0);
    assert_int_equal(s.events, 150);
    assert_int_equal(s.total_records, 150);
    assert_int_equal(s.interrupted, 0);
    fclose(f);
    alog_config_free(&cfg);
}

static void test_dummy_fail_after(void **state)
{
    (void)state;
    alog_config cfg;
    config(&cfg, 3, 50);
    cfg.fail_after = 7;
    FILE *f = tmpfile();
    assert_non_null(f);
    int rc = alog_run_transport(&alog_transport_dummy, &cfg, &async_env, f);
    assert_int_equal(rc, ALOG_ESHORT);
    assert_int_equal(alog_exit_status(rc), 3);
    csv_summary s;
    summarise(f, &s);
    assert_int_equal(s.records[0], 50);
    assert_int_equal(s.records[1], 50);
    assert_int_equal(s.records[2], 7);
    assert_string_equal(s.status[0], "ok");
    assert_string_equal(s.status[1], "ok");
    assert_string_equal(s.status[2], "short");
    assert_int_equal(s.prod_records[2], 7);
    assert_int_equal(s.total_records, 107);
    fclose(f);
    alog_config_free(&cfg);
}

static void test_dummy_by_duration(void **state)
{
    (void)state;
    alog_config cfg;
    config(&cfg, 2, 0);
    cfg.duration = 1.0;
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(alog_run_transport(&alog_transport_dummy, &cfg, &async_env, f),
                     ALOG_OK);
    csv_summary s;
    summarise(f, &s);
    assert_int_equal(s.records[0], 1000);
    assert_int_equal(s.records[1], 1000);
    assert_string_equal(s.status[1], "ok");
    fclose(f);
    alog_config_free(&cfg);
}

static void test_run_bad_args(void **state)
{
    (void)state;
    alog_config cfg;
    config(&cfg, 1, 1);
    assert_int_equal(alog_run_transport(NULL, &cfg, &async_env, stdout),
                     ALOG_EINVAL);
    assert_int_equal(alog_run_transport(&alog_transport_dummy, &cfg, &async_env,
                                        NULL),
                     ALOG_EINVAL);
    alog_config_free(&cfg);
}

/* ---- spawning and reaping --------------------------------------------- */

static void status_of(const char *cmd, uint64_t count, int interrupted,
                      int *status, int *code)
{
    alog__child c;
    assert_int_equal(alog__spawn_shell(&c, cmd, 0), 0);
    assert_true(c.pid > 0);
    assert_true(c.fd >= 0);
    close(c.fd);
    c.fd = -1;
    alog__children_reap(&c, 1, alog_now_ns() + 5 * 1000000000LL);
    assert_true(c.reaped);
    alog_result *res = alog_result_new(1);
    assert_non_null(res);
    alog_result_set_target(res, 0, 0, count);
    alog__child_status(&c, res, 0, interrupted);
    *status = alog_result_status(res, 0, code);
    alog_result_free(res);
}

static void test_spawn_exit_code(void **state)
{
    (void)state;
    int st, code;
    status_of("exit 3", 0, 0, &st, &code);
    assert_int_equal(st, ALOG_PS_EXIT);
    assert_int_equal(code, 3);
    status_of("exit 0", 0, 0, &st, &code);
    assert_int_equal(st, ALOG_PS_OK);
}

static void test_spawn_killed(void **state)
{
    (void)state;
    int st, code;
    status_of("kill -9 $$", 0, 0, &st, &code);
    assert_int_equal(st, ALOG_PS_SIGNAL);
    assert_int_equal(code, 9);
    /* SIGPIPE is ignored here; a child still gets the default action. */
    signal(SIGPIPE, SIG_IGN);
    status_of("kill -PIPE $$", 0, 0, &st, &code);
    assert_int_equal(st, ALOG_PS_SIGNAL);
    assert_int_equal(code, SIGPIPE);
}

static void test_spawn_short(void **state)
{
    (void)state;
    int st, code;
    status_of("exit 0", 5, 0, &st, &code); /* exited 0, 0 of 5 records */
    assert_int_equal(st, ALOG_PS_SHORT);
    status_of("exit 0", 5, 1, &st, &code); /* ... during an interrupt */
    assert_int_equal(st, ALOG_PS_STOPPED);
    status_of("kill -INT $$", 5, 1, &st, &code); /* the user's ^C */
    assert_int_equal(st, ALOG_PS_STOPPED);
}

static void test_spawn_stop_and_escalate(void **state)
{
    (void)state;
    alog__child c[2];
    assert_int_equal(alog__spawn_shell(&c[0], "exec sleep 30", 0), 0);
    /* This one ignores SIGTERM: only SIGKILL after the grace ends it. */
    assert_int_equal(alog__spawn_shell(&c[1], "trap '' TERM; exec sleep 30", 0),
                     0);
    usleep(100000); /* let the trap be set */
    int64_t t0 = alog_now_ns();
    alog__children_reap(c, 2, t0); /* no wait: terminate at once */
    int64_t took = alog_now_ns() - t0;
    assert_true(c[0].reaped && c[1].reaped);
    assert_true(c[0].signalled && !c[0].killed);
    assert_true(c[1].killed);
    assert_true(took >= ALOG__GRACE_NS);
    assert_true(took < 10 * ALOG__GRACE_NS);
    alog_result *res = alog_result_new(2);
    alog__child_status(&c[0], res, 0, 0);
    alog__child_status(&c[1], res, 1, 0);
    int code;
    assert_int_equal(alog_result_status(res, 0, &code), ALOG_PS_STOPPED);
    assert_int_equal(alog_result_status(res, 1, &code), ALOG_PS_STOPPED);
    alog_result_free(res);
    close(c[0].fd);
    close(c[1].fd);
}

static void test_spawn_pipe_and_stdin(void **state)
{
    (void)state;
    alog__child c;
    /* stdin is /dev/null: cat ends at once; stdout is the pipe. */
    assert_int_equal(alog__spawn_shell(&c, "cat; echo hello", 0), 0);
    char buf[64];
    size_t got = 0;
    ssize_t n;
    while ((n = read(c.fd, buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = '\0';
    assert_string_equal(buf, "hello\n");
    close(c.fd);
    alog__children_reap(&c, 1, alog_now_ns() + 5 * 1000000000LL);
    assert_true(WIFEXITED(c.wstatus) && WEXITSTATUS(c.wstatus) == 0);
    assert_false(c.signalled);
    /* A second reap of a reaped child is harmless. */
    assert_int_equal(alog__child_poll(&c), 1);
    assert_int_equal(alog__child_signal(&c, SIGKILL), 0);
}

/* ---- the pipe transports in-process ------------------------------------ */

static void run_exec(const alog_transport *t)
{
    alog_config cfg;
    /* As the parser gives --exec without --count: each runs to its end. */
    config(&cfg, 0, 0);
    char *cmds[] = {"seq 1 5000", "printf 'Clock 1603450000000 from 7\\nb'",
                    "exit 4"};
    alog_async_opts ao = {.exec = {.v = cmds, .n = 3}};
    alog_run_env env = {.model = "async", .async = &ao};
    cfg.producers = 3; /* one per command, as alog_run_async counts them */
    cfg.foreign = 1;
    FILE *f = tmpfile();
    assert_non_null(f);
    int rc = alog_run_transport(t, &cfg, &env, f);
    assert_int_equal(rc, ALOG_ESHORT);
    csv_summary s;
    summarise(f, &s);
    assert_int_equal(s.records[0], 5000);
    assert_int_equal(s.records[1], 2); /* the unterminated line counts */
    assert_int_equal(s.records[2], 0);
    assert_string_equal(s.status[0], "ok");
    assert_string_equal(s.status[1], "ok");
    assert_string_equal(s.status[2], "exit");
    assert_int_equal(s.code[2], 4);
    assert_int_equal(s.events, 5002);
    fclose(f);
    alog_config_free(&cfg);
}

static void test_epoll_exec(void **state)
{
    (void)state;
    run_exec(&alog_transport_epoll);
}

static void test_threads_exec(void **state)
{
    (void)state;
    run_exec(&alog_transport_threads);
}

/* Real producers: only when the build tells us where alog-producer is. */
static void run_producers(const alog_transport *t, int wire, double interval)
{
    const char *p = getenv("ALOG_PRODUCER");
    if (!p || access(p, X_OK) != 0) {
        skip();
        return;
    }
    alog_config cfg;
    config(&cfg, 3, interval > 0 ? 20 : 5000);
    alog_async_opts ao = {.wire = wire};
    alog_run_env env = {.model = "async", .async = &ao, .wire = wire};
    double iv[1] = {interval};
    cfg.intervals = iv;
    cfg.n_intervals = 1;
    cfg.fail_after = interval > 0 ? 4 : -1;
    FILE *f = tmpfile();
    assert_non_null(f);
    int rc = alog_run_transport(t, &cfg, &env, f);
    csv_summary s;
    summarise(f, &s);
    if (interval > 0) {
        assert_int_equal(rc, ALOG_ESHORT);
        assert_int_equal(s.records[0], 20);
        assert_int_equal(s.records[1], 20);
        assert_int_equal(s.records[2], 4);
        assert_string_equal(s.status[2], "exit");
        assert_int_equal(s.code[2], 1);
    } else {
        assert_int_equal(rc, ALOG_OK);
        for (unsigned i = 0; i < 3; i++) {
            assert_int_equal(s.records[i], 5000);
            assert_string_equal(s.status[i], "ok");
        }
    }
    fclose(f);
    cfg.intervals = NULL; /* not ours to free */
    cfg.n_intervals = 0;
    alog_config_init(&cfg, ALOG_MODEL_ASYNC);
    alog_config_free(&cfg);
}

static void test_epoll_producers(void **state)
{
    (void)state;
    run_producers(&alog_transport_epoll, ALOG_WIRE_BINARY, 0);
    run_producers(&alog_transport_epoll, ALOG_WIRE_TEXT, 0.001);
}

static void test_threads_producers(void **state)
{
    (void)state;
    run_producers(&alog_transport_threads, ALOG_WIRE_TEXT, 0);
    run_producers(&alog_transport_threads, ALOG_WIRE_BINARY, 0.001);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_producer_path),
        cmocka_unit_test(test_dummy_counts),
        cmocka_unit_test(test_dummy_fail_after),
        cmocka_unit_test(test_dummy_by_duration),
        cmocka_unit_test(test_run_bad_args),
        cmocka_unit_test(test_spawn_exit_code),
        cmocka_unit_test(test_spawn_killed),
        cmocka_unit_test(test_spawn_short),
        cmocka_unit_test(test_spawn_stop_and_escalate),
        cmocka_unit_test(test_spawn_pipe_and_stdin),
        cmocka_unit_test(test_epoll_exec),
        cmocka_unit_test(test_threads_exec),
        cmocka_unit_test(test_epoll_producers),
        cmocka_unit_test(test_threads_producers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
