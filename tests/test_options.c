/* test_options.c - the option table: defaults, every option in both
 * spellings, exact error lines, jobs and models, --help contents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "alog.h"
#include "options.h"
#include "options_async.h"
#include "options_mpi.h"
#include "options_omp.h"

#define MAX_ARGS 32

static const char *prog_of(int model)
{
    switch (model) {
    case ALOG_MODEL_MPI:
        return "/opt/bin/alog-mpi";
    case ALOG_MODEL_OMP:
        return "alog-omp";
    case ALOG_MODEL_PRODUCER:
        return "./alog-producer";
    default:
        return "/usr/local/bin/alog-async";
    }
}

/* The MPI and OpenMP models' own options, filled by every parse for those
 * models (their programs own them the same way). */
static alog_mpi_opts mpi_opts_;
static alog_omp_opts omp_opts_;
static alog_async_opts async_opts_;
static alog_producer_opts prod_opts_;

/* The model's own option set, as its program passes it (what the async
 * set holds from the last parse is freed first). */
static const alog_optset *own_for(int model)
{
    static alog_optset mpi_set, omp_set, async_set, prod_set;
    mpi_set = alog_mpi_optset(&mpi_opts_);
    omp_set = alog_omp_optset(&omp_opts_);
    alog_async_opts_free(&async_opts_);
    async_set = alog_async_optset(&async_opts_);
    prod_set = alog_producer_optset(&prod_opts_);
    if (model == ALOG_MODEL_MPI)
        return &mpi_set;
    if (model == ALOG_MODEL_OMP)
        return &omp_set;
    if (model == ALOG_MODEL_ASYNC)
        return &async_set;
    return &prod_set;
}

/* Parse a NULL-terminated list of words (argv[0] is the model's program). */
static int parse_v(alog_config *cfg, int model, char *err, size_t errlen,
                   va_list ap)
{
    char *argv[MAX_ARGS];
    int argc = 0;
    argv[argc++] = (char *)prog_of(model);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
        assert_true(argc < MAX_ARGS - 1);
        argv[argc++] = (char *)a;
    }
    argv[argc] = NULL;
    return alog_options_parse(cfg, model, own_for(model), argc, argv, err,
                              errlen);
}

static int parse(alog_config *cfg, int model, char *err, ...)
{
    va_list ap;
    va_start(ap, err);
    int rc = parse_v(cfg, model, err, 256, ap);
    va_end(ap);
    return rc;
}

/* Expect ALOG_PARSE_BAD with exactly `want` as the message. */
static void expect_bad(int model, const char *want, ...)
{
    alog_config cfg;
    char err[256];
    memset(err, 'x', sizeof err);
    va_list ap;
    va_start(ap, want);
    int rc = parse_v(&cfg, model, err, sizeof err, ap);
    va_end(ap);
    if (rc != ALOG_PARSE_BAD || strcmp(err, want) != 0)
        print_error("want BAD '%s'\n got %d '%s'\n", want, rc,
                    rc == ALOG_PARSE_BAD ? err : "");
    assert_int_equal(rc, ALOG_PARSE_BAD);
    assert_string_equal(err, want);
    assert_null(strchr(err, '\n'));
    alog_config_free(&cfg);
}

/* ---- defaults ---------------------------------------------------------- */

static void check_defaults(const alog_config *cfg, int model)
{
    assert_int_equal(cfg->model, model);
    assert_int_equal(cfg->job, ALOG_JOB_LOG);
    assert_int_equal(cfg->producers, 0);
    /* The original's final logger: four senders at 0.2, 0.1, 1, 0.01 s. */
    assert_int_equal(cfg->n_intervals, 4);
    assert_true(cfg->intervals[0] == 0.2);
    assert_true(cfg->intervals[1] == 0.1);
    assert_true(cfg->intervals[2] == 1.0);
    assert_true(cfg->intervals[3] == 0.01);
    assert_true(cfg->rate == 0);
    assert_int_equal(cfg->count, 10);
    assert_true(cfg->duration == 0);
    assert_int_equal(cfg->payload, 0);
    if (model == ALOG_MODEL_ASYNC) {
        assert_int_equal(async_opts_.wire, ALOG_WIRE_TEXT);
        assert_int_equal(async_opts_.readers, ALOG_READERS_EPOLL);
        assert_null(async_opts_.exec.v);
        assert_int_equal(async_opts_.exec.n, 0);
    }
    assert_int_equal(cfg->format, ALOG_FMT_TABLE);
    assert_int_equal(cfg->show, ALOG_SHOW_AUTO);
    assert_null(cfg->output);
    assert_int_equal(cfg->work, 0);
    assert_int_equal(cfg->fail_after, -1);
    assert_int_equal(cfg->primes.number, UINT64_C(10657331232548839));
    assert_int_equal(cfg->primes.range_lo, 0);
    assert_int_equal(cfg->primes.range_hi, 0);
    assert_int_equal(cfg->primes.parts, 0);
    assert_int_equal(cfg->primes.schedule, ALOG_SCHED_STATIC);
    assert_int_equal(cfg->primes.processes, 0);
    assert_int_equal(cfg->primes.no_baseline, 0);
    if (model == ALOG_MODEL_PRODUCER) {
        assert_int_equal(prod_opts_.wire, ALOG_WIRE_TEXT);
        assert_int_equal(prod_opts_.id, 0);
        assert_int_equal(prod_opts_.start_ns, 0);
    }
    assert_int_equal(alog_config_producers(cfg), 4);
    assert_int_equal(alog_config_interval_ns(cfg, 0), 200000000);
    assert_int_equal(alog_config_interval_ns(cfg, 1), 100000000);
    assert_int_equal(alog_config_interval_ns(cfg, 2), 1000000000);
    assert_int_equal(alog_config_interval_ns(cfg, 3), 10000000);
    assert_int_equal(alog_config_interval_ns(cfg, 4), 200000000);
}

/* The defaults of the models' own options, after a parse for the model. */
static void check_model_defaults(int model)
{
    if (model == ALOG_MODEL_MPI) {
        assert_int_equal(mpi_opts_.collect, ALOG_MPI_COLLECT_ASYNC);
        assert_int_equal(mpi_opts_.batch, 1);
        assert_true(mpi_opts_.flush_ms == 10.0);
    }
    if (model == ALOG_MODEL_OMP) {
        assert_int_equal(omp_opts_.collect, ALOG_OMP_COLLECT_THREAD);
        assert_int_equal(omp_opts_.ring, 4096);
    }
}

static void test_defaults(void **state)
{
    (void)state;
    static const int models[] = {ALOG_MODEL_ASYNC, ALOG_MODEL_MPI,
                                 ALOG_MODEL_OMP, ALOG_MODEL_PRODUCER};
    for (size_t m = 0; m < 4; m++) {
        alog_config cfg;
        alog_config_init(&cfg, models[m]);
        check_defaults(&cfg, models[m]);
        /* init allocates nothing: a second init must not leak */
        alog_config_init(&cfg, models[m]);
        alog_config_free(&cfg);

        char err[256];
        assert_int_equal(parse(&cfg, models[m], err, NULL), ALOG_PARSE_OK);
        check_defaults(&cfg, models[m]);
        check_model_defaults(models[m]);
        assert_string_equal(err, "");
        alog_config_free(&cfg);

        assert_int_equal(parse(&cfg, models[m], err, "log", NULL),
                         ALOG_PARSE_OK);
        check_defaults(&cfg, models[m]);
        alog_config_free(&cfg);
    }
}

/* ---- every option, "--opt v" and "--opt=v" ----------------------------- */

/* Parse [job] opt val in both spellings; run CHECK on each config. */
#define BOTH(model, job, opt, val, check)                                    \
    do {                                                                     \
        for (int form_ = 0; form_ < 2; form_++) {                            \
            alog_config c_;                                                  \
            char err_[256], joined_[128];                                    \
            int rc_;                                                         \
            snprintf(joined_, sizeof joined_, "%s=%s", (opt), (val));        \
            if (form_ == 0)                                                  \
                rc_ = (job) ? parse(&c_, (model), err_, (job), (opt), (val), \
                                    NULL)                                    \
                            : parse(&c_, (model), err_, (opt), (val), NULL); \
            else                                                             \
                rc_ = (job) ? parse(&c_, (model), err_, (job), joined_,      \
                                    NULL)                                    \
                            : parse(&c_, (model), err_, joined_, NULL);      \
            if (rc_ != ALOG_PARSE_OK)                                        \
                print_error("%s %s: %s\n", (opt), (val), err_);              \
            assert_int_equal(rc_, ALOG_PARSE_OK);                            \
            {                                                                \
                const alog_config *cfg = &c_;                                \
                const alog_mpi_opts *mo = &mpi_opts_;                        \
                const alog_omp_opts *oo = &omp_opts_;                        \
                (void)cfg;                                                   \
                (void)mo;                                                    \
                (void)oo;                                                    \
                check;                                                       \
            }                                                                \
            alog_config_free(&c_);                                           \
        }                                                                    \
    } while (0)

#define A ALOG_MODEL_ASYNC
#define MPI ALOG_MODEL_MPI
#define OMP ALOG_MODEL_OMP
#define PROD ALOG_MODEL_PRODUCER
#define NOJOB ((const char *)NULL)

static void test_every_option(void **state)
{
    (void)state;
    BOTH(A, NOJOB, "--producers", "7", assert_int_equal(cfg->producers, 7));
    BOTH(OMP, NOJOB, "--producers", "65536",
         assert_int_equal(cfg->producers, 65536));
    BOTH(A, "primes", "--producers", "2",
         assert_int_equal(cfg->producers, 2));
    BOTH(A, NOJOB, "--interval", "0.5,0,2", {
        assert_int_equal(cfg->n_intervals, 3);
        assert_true(cfg->intervals[0] == 0.5);
        assert_true(cfg->intervals[1] == 0.0);
        assert_true(cfg->intervals[2] == 2.0);
    });
    BOTH(MPI, NOJOB, "--interval", "86400",
         assert_true(cfg->intervals[0] == 86400.0));
    BOTH(PROD, NOJOB, "--interval", "0.001",
         assert_true(cfg->intervals[0] == 0.001));
    BOTH(A, NOJOB, "--rate", "250", assert_true(cfg->rate == 250.0));
    BOTH(A, NOJOB, "--count", "3", assert_int_equal(cfg->count, 3));
    BOTH(A, NOJOB, "--count", "9223372036854775808",
         assert_int_equal(cfg->count, UINT64_C(1) << 63));
    BOTH(OMP, NOJOB, "--duration", "1.5", {
        assert_true(cfg->duration == 1.5);
        assert_int_equal(cfg->count, 0); /* by time only */
    });
    BOTH(A, NOJOB, "--payload", "65536",
         assert_int_equal(cfg->payload, 65536));
    BOTH(A, NOJOB, "--payload", "0", assert_int_equal(cfg->payload, 0));
    BOTH(A, NOJOB, "--work", "1000000000000",
         assert_int_equal(cfg->work, UINT64_C(1000000000000)));
    BOTH(A, NOJOB, "--fail-after", "0", assert_int_equal(cfg->fail_after, 0));
    BOTH(PROD, NOJOB, "--fail-after", "5",
         assert_int_equal(cfg->fail_after, 5));
    BOTH(A, NOJOB, "--wire", "binary",
         assert_int_equal(async_opts_.wire, ALOG_WIRE_BINARY));
    BOTH(PROD, NOJOB, "--wire", "text",
         assert_int_equal(prod_opts_.wire, ALOG_WIRE_TEXT));
    BOTH(A, NOJOB, "--readers", "threads",
         assert_int_equal(async_opts_.readers, ALOG_READERS_THREADS));
    BOTH(A, NOJOB, "--readers", "uring",
         assert_int_equal(async_opts_.readers, ALOG_READERS_URING));
    BOTH(A, NOJOB, "--exec", "echo 1 2", {
        assert_int_equal(async_opts_.exec.n, 1);
        assert_string_equal(async_opts_.exec.v[0], "echo 1 2");
        assert_int_equal(alog_config_producers(cfg), 1);
    });
    BOTH(MPI, NOJOB, "--collect", "blocking",
         assert_int_equal(mo->collect, ALOG_MPI_COLLECT_BLOCKING));
    BOTH(MPI, NOJOB, "--collect", "async",
         assert_int_equal(mo->collect, ALOG_MPI_COLLECT_ASYNC));
    BOTH(OMP, NOJOB, "--collect", "none",
         assert_int_equal(oo->collect, ALOG_OMP_COLLECT_NONE));
    BOTH(OMP, NOJOB, "--collect", "thread",
         assert_int_equal(oo->collect, ALOG_OMP_COLLECT_THREAD));
    BOTH(MPI, "primes", "--collect", "blocking",
         assert_int_equal(mo->collect, ALOG_MPI_COLLECT_BLOCKING));
    BOTH(MPI, NOJOB, "--batch", "64", assert_int_equal(mo->batch, 64));
    BOTH(MPI, NOJOB, "--batch", "auto",
         assert_int_equal(mo->batch, ALOG_MPI_BATCH_AUTO));
    BOTH(MPI, NOJOB, "--flush-ms", "0.5", assert_true(mo->flush_ms == 0.5));
    BOTH(MPI, NOJOB, "--flush-ms", "0", assert_true(mo->flush_ms == 0));
    BOTH(OMP, NOJOB, "--ring", "2", assert_int_equal(oo->ring, 2));
    BOTH(OMP, NOJOB, "--ring", "16777216",
         assert_int_equal(oo->ring, 16777216));
    BOTH(A, NOJOB, "--format", "csv",
         assert_int_equal(cfg->format, ALOG_FMT_CSV));
    BOTH(MPI, NOJOB, "--format", "json",
         assert_int_equal(cfg->format, ALOG_FMT_JSON));
    BOTH(OMP, NOJOB, "--format", "table",
         assert_int_equal(cfg->format, ALOG_FMT_TABLE));
    BOTH(A, NOJOB, "--output", "/tmp/x.csv",
         assert_string_equal(cfg->output, "/tmp/x.csv"));
    BOTH(A, "primes", "--number", "18446744073709551615",
         assert_int_equal(cfg->primes.number, UINT64_MAX));
    BOTH(MPI, "primes", "--number", "97",
         assert_int_equal(cfg->primes.number, 97));
    BOTH(A, "primes", "--range", "10:20", {
        assert_int_equal(cfg->primes.range_lo, 10);
        assert_int_equal(cfg->primes.range_hi, 20);
        assert_int_equal(cfg->job, ALOG_JOB_PRIMES);
    });
    BOTH(OMP, "primes", "--parts", "8", assert_int_equal(cfg->primes.parts, 8));
    BOTH(OMP, "primes", "--schedule", "dynamic",
         assert_int_equal(cfg->primes.schedule, ALOG_SCHED_DYNAMIC));
    BOTH(PROD, NOJOB, "--id", "65535",
         assert_int_equal(prod_opts_.id, 65535));
    BOTH(PROD, "log", "--start-ns", "123456789012",
         assert_int_equal(prod_opts_.start_ns, INT64_C(123456789012)));
}

static void test_flags_and_shorts(void **state)
{
    (void)state;
    alog_config cfg;
    char err[256];

    assert_int_equal(parse(&cfg, A, err, "--timeline", NULL), ALOG_PARSE_OK);
    assert_int_equal(cfg.show, ALOG_SHOW_ALL);
    alog_config_free(&cfg);
    assert_int_equal(parse(&cfg, A, err, "--quiet", NULL), ALOG_PARSE_OK);
    assert_int_equal(cfg.show, ALOG_SHOW_REPORT);
    alog_config_free(&cfg);
    assert_int_equal(parse(&cfg, MPI, err, "-q", NULL), ALOG_PARSE_OK);
    assert_int_equal(cfg.show, ALOG_SHOW_REPORT);
    alog_config_free(&cfg);
    /* the last of --timeline / --quiet wins */
    assert_int_equal(parse(&cfg, A, err, "-q", "--timeline", NULL),
                     ALOG_PARSE_OK);
    assert_int_equal(cfg.show, ALOG_SHOW_ALL);
    alog_config_free(&cfg);

    assert_int_equal(parse(&cfg, A, err, "-n", "4", "-o", "out.json", NULL),
                     ALOG_PARSE_OK);
    assert_int_equal(cfg.producers, 4);
    assert_string_equal(cfg.output, "out.json");
    alog_config_free(&cfg);
    assert_int_equal(parse(&cfg, OMP, err, "-n12", NULL), ALOG_PARSE_OK);
    assert_int_equal(cfg.producers, 12);
    alog_config_free(&cfg);

    assert_int_equal(parse(&cfg, A, err, "primes", "-P", "3", "--processes",
                           "--no-baseline", NULL),
                     ALOG_PARSE_OK);
    assert_int_equal(cfg.job, ALOG_JOB_PRIMES);
    assert_int_equal(cfg.primes.parts, 3);
    assert_int_equal(cfg.primes.processes, 1);
    assert_int_equal(cfg.primes.no_baseline, 1);
    alog_config_free(&cfg);

    /* --exec is repeatable; each command is a producer */
    assert_int_equal(parse(&cfg, A, err, "--exec", "a", "--exec=b c",
                           "--exec", "d", NULL),
                     ALOG_PARSE_OK);
    assert_int_equal(async_opts_.exec.n, 3);
    assert_string_equal(async_opts_.exec.v[0], "a");
    assert_string_equal(async_opts_.exec.v[1], "b c");
    assert_string_equal(async_opts_.exec.v[2], "d");
    assert_int_equal(alog_config_producers(&cfg), 3);
    alog_config_free(&cfg);

    /* --count given with --duration is kept */
    assert_int_equal(parse(&cfg, A, err, "--count", "5", "--duration", "2",
                           NULL),
                     ALOG_PARSE_OK);
    assert_int_equal(cfg.count, 5);
    alog_config_free(&cfg);
    assert_int_equal(parse(&cfg, A, err, "--duration", "2", "--count", "5",
                           NULL),
                     ALOG_PARSE_OK);
    assert_int_equal(cfg.count, 5);
    alog_config_free(&cfg);

    /* a second --interval replaces the first list */
    assert_int_equal(parse(&cfg, A, err, "--interval", "1,2", "--interval",
                           "3", NULL),
                     ALOG_PARSE_OK);
    assert_int_equal(cfg.n_intervals, 1);
    assert_true(cfg.intervals[0] == 3.0);
    alog_config_free(&cfg);

    /* a value may start with '-' when the option takes one */
    assert_int_equal(parse(&cfg, A, err, "--output", "-", NULL),
                     ALOG_PARSE_OK);
    assert_string_equal(cfg.output, "-");
    alog_config_free(&cfg);
}

static void test_help_version(void **state)
{
    (void)state;
    alog_config cfg;
    char err[256];
    static const int models[] = {A, MPI, OMP, PROD};
    for (size_t m = 0; m < 4; m++) {
        assert_int_equal(parse(&cfg, models[m], err, "--help", NULL),
                         ALOG_PARSE_HELP);
        alog_config_free(&cfg);
        assert_int_equal(parse(&cfg, models[m], err, "-h", NULL),
                         ALOG_PARSE_HELP);
        alog_config_free(&cfg);
        assert_int_equal(parse(&cfg, models[m], err, "--version", NULL),
                         ALOG_PARSE_VERSION);
        alog_config_free(&cfg);
    }
    assert_int_equal(parse(&cfg, A, err, "primes", "--help", NULL),
                     ALOG_PARSE_HELP);
    alog_config_free(&cfg);
    expect_bad(A, "alog-async: --help '1': takes no value (see --help)",
               "--help=1", NULL);
}

/* ---- bad values: the exact one-line message ---------------------------- */

static void test_bad_values(void **state)
{
    (void)state;
    expect_bad(A, "alog-async: --count '0': must be at least 1 (see --help)",
               "--count", "0", NULL);
    expect_bad(A, "alog-async: --count '0': must be at least 1 (see --help)",
               "--count=0", NULL);
    expect_bad(A, "alog-async: --count '-1': must be at least 1 (see --help)",
               "--count", "-1", NULL);
    expect_bad(A, "alog-async: --count 'abc': must be an unsigned integer "
                  "(see --help)",
               "--count", "abc", NULL);
    expect_bad(A, "alog-async: --count '': must be an unsigned integer "
                  "(see --help)",
               "--count=", NULL);
    expect_bad(A, "alog-async: --count ' 5': must be an unsigned integer "
                  "(see --help)",
               "--count", " 5", NULL);
    expect_bad(A, "alog-async: --count '+5': must be an unsigned integer "
                  "(see --help)",
               "--count", "+5", NULL);
    expect_bad(A, "alog-async: --count '12x': must be an unsigned integer "
                  "(see --help)",
               "--count", "12x", NULL);
    expect_bad(A, "alog-async: --count '9223372036854775809': must be at "
                  "most 9223372036854775808 (see --help)",
               "--count", "9223372036854775809", NULL);
    expect_bad(A, "alog-async: --count: missing value (see --help)",
               "--count", NULL);
    expect_bad(A, "alog-async: --producers '0': must be at least 1 "
                  "(see --help)",
               "-n", "0", NULL);
    expect_bad(OMP, "alog-omp: --producers '65537': must be at most 65536 "
                    "(see --help)",
               "--producers", "65537", NULL);
    expect_bad(A, "alog-async: -n: missing value (see --help)", "-n", NULL);
    expect_bad(A, "alog-async: --producers: missing value (see --help)",
               "--producers", NULL);
    expect_bad(A, "alog-async: -o: missing value (see --help)", "-o", NULL);
    expect_bad(A, "alog-async: --interval '0.2,x': 'x' must be a decimal "
                  "number (see --help)",
               "--interval", "0.2,x", NULL);
    expect_bad(A, "alog-async: --interval '0.2,,1': empty item (see --help)",
               "--interval", "0.2,,1", NULL);
    expect_bad(A, "alog-async: --interval '': empty item (see --help)",
               "--interval=", NULL);
    expect_bad(A, "alog-async: --interval '-1': '-1' must be at least 0 "
                  "(see --help)",
               "--interval", "-1", NULL);
    expect_bad(A, "alog-async: --interval '1,90000': '90000' must be at "
                  "most 86400 (see --help)",
               "--interval", "1,90000", NULL);
    expect_bad(A, "alog-async: --interval 'nan': 'nan' must be a finite "
                  "number (see --help)",
               "--interval", "nan", NULL);
    expect_bad(A, "alog-async: --rate '0': must be at least 1.15741e-05 "
                  "(see --help)",
               "--rate", "0", NULL);
    expect_bad(A, "alog-async: --rate '2e9': must be at most 1000000000 "
                  "(see --help)",
               "--rate", "2e9", NULL);
    expect_bad(A, "alog-async: --rate 'inf': must be a finite number "
                  "(see --help)",
               "--rate", "inf", NULL);
    expect_bad(A, "alog-async: --rate '5Hz': must be a decimal number "
                  "(see --help)",
               "--rate", "5Hz", NULL);
    expect_bad(A, "alog-async: --duration '0': must be greater than 0 "
                  "(see --help)",
               "--duration", "0", NULL);
    expect_bad(A, "alog-async: --payload '65537': must be at most 65536 "
                  "(see --help)",
               "--payload", "65537", NULL);
    expect_bad(A, "alog-async: --work '1000000000001': must be at most "
                  "1000000000000 (see --help)",
               "--work", "1000000000001", NULL);
    expect_bad(A, "alog-async: --fail-after '-1': must be at least 0 "
                  "(see --help)",
               "--fail-after", "-1", NULL);
    expect_bad(A, "alog-async: --wire 'json': must be one of text|binary "
                  "(see --help)",
               "--wire", "json", NULL);
    expect_bad(A, "alog-async: --readers 'poll': must be one of "
                  "epoll|threads|uring (see --help)",
               "--readers=poll", NULL);
    expect_bad(A, "alog-async: --exec '': must be a command (see --help)",
               "--exec", "", NULL);
    expect_bad(A, "alog-async: --format 'xml': must be one of "
                  "table|csv|json (see --help)",
               "--format", "xml", NULL);
    expect_bad(A, "alog-async: --output '': must not be empty (see --help)",
               "-o", "", NULL);
    expect_bad(A, "alog-async: --timeline 'yes': takes no value "
                  "(see --help)",
               "--timeline=yes", NULL);
    /* --collect: a value of the other model names this model's values */
    expect_bad(MPI, "alog-mpi: --collect 'thread': must be one of "
                    "blocking|async|tree (see --help)",
               "--collect", "thread", NULL);
    expect_bad(OMP, "alog-omp: --collect 'async': must be one of "
                    "none|thread (see --help)",
               "--collect", "async", NULL);
    expect_bad(MPI, "alog-mpi: --batch '0': must be at least 1 (see --help)",
               "--batch", "0", NULL);
    expect_bad(MPI, "alog-mpi: --batch '65537': must be at most 65536 "
                    "(see --help)",
               "--batch", "65537", NULL);
    /* A word beside the numbers: only the one it takes, whole. */
    expect_bad(MPI, "alog-mpi: --batch 'max': must be an unsigned integer "
                    "or auto (see --help)",
               "--batch", "max", NULL);
    expect_bad(MPI, "alog-mpi: --batch 'Auto': must be an unsigned integer "
                    "or auto (see --help)",
               "--batch", "Auto", NULL);
    expect_bad(MPI, "alog-mpi: --batch '': must be an unsigned integer "
                    "or auto (see --help)",
               "--batch", "", NULL);
    /* A number row without words keeps its message. */
    expect_bad(MPI, "alog-mpi: --flush-ms 'auto': must be a decimal number "
                    "(see --help)",
               "--flush-ms", "auto", NULL);
    expect_bad(MPI, "alog-mpi: --flush-ms '-0.5': must be at least 0 "
                    "(see --help)",
               "--flush-ms", "-0.5", NULL);
    expect_bad(OMP, "alog-omp: --ring '1': must be at least 2 (see --help)",
               "--ring", "1", NULL);
    expect_bad(OMP, "alog-omp: --ring '16777217': must be at most 16777216 "
                    "(see --help)",
               "--ring", "16777217", NULL);
    /* primes values name themselves */
    expect_bad(A, "alog-async: --number 'abc': must be an unsigned integer "
                  "(see --help)",
               "primes", "--number", "abc", NULL);
    expect_bad(A, "alog-async: --number '-1': must be at least 0 "
                  "(see --help)",
               "primes", "--number", "-1", NULL);
    expect_bad(A, "alog-async: --number '18446744073709551616': must be at "
                  "most 18446744073709551615 (see --help)",
               "primes", "--number", "18446744073709551616", NULL);
    expect_bad(A, "alog-async: --range '20:10': A must not be above B "
                  "(see --help)",
               "primes", "--range", "20:10", NULL);
    expect_bad(A, "alog-async: --range '10': must be A:B (unsigned "
                  "integers) (see --help)",
               "primes", "--range", "10", NULL);
    expect_bad(A, "alog-async: --range '1:x': must be A:B (unsigned "
                  "integers) (see --help)",
               "primes", "--range", "1:x", NULL);
    expect_bad(A, "alog-async: --range '0:0': B must be at least 1 "
                  "(see --help)",
               "primes", "--range", "0:0", NULL);
    expect_bad(A, "alog-async: --parts '0': must be at least 1 (see --help)",
               "primes", "-P", "0", NULL);
    expect_bad(A, "alog-async: --parts '65537': must be at most 65536 "
                  "(see --help)",
               "primes", "-P", "65537", NULL);
    expect_bad(A, "alog-async: --schedule 'guided': must be one of "
                  "static|dynamic (see --help)",
               "primes", "--schedule", "guided", NULL);
    expect_bad(PROD, "alog-producer: --id '65536': must be at most 65535 "
                     "(see --help)",
               "--id", "65536", NULL);
    expect_bad(PROD, "alog-producer: --start-ns '-5': must be at least 0 "
                     "(see --help)",
               "--start-ns", "-5", NULL);
    /* the first bad option is the one reported */
    expect_bad(A, "alog-async: --count '0': must be at least 1 (see --help)",
               "-n", "2", "--count", "0", "--rate", "0", NULL);
}

/* ---- the number rule (ALOG_NUMBER_RULE) and --rate's bound -------------- */

static void expect_ok(int model, const char *opt, const char *val,
                      alog_config *cfg)
{
    char err[256];
    int rc = parse(cfg, model, err, opt, val, NULL);
    if (rc != ALOG_PARSE_OK)
        print_error("%s %s: %s\n", opt, val, err);
    assert_int_equal(rc, ALOG_PARSE_OK);
}

static void test_number_rule(void **state)
{
    (void)state;
    alog_config cfg;
    /* Hex is refused by every numeric option, integer or fraction. */
    static const struct {
        int model;
        const char *opt, *val, *want;
    } bad[] = {
        {A, "--count", "0x10", "must be an unsigned integer"},
        {A, "--producers", "0X2", "must be an unsigned integer"},
        {A, "--payload", "0x40", "must be an unsigned integer"},
        {A, "--work", "0x2", "must be an unsigned integer"},
        {OMP, "--ring", "0x100", "must be an unsigned integer"},
        {MPI, "--batch", "0x4", "must be an unsigned integer or auto"},
        {A, "--rate", "0x10", "must be a decimal number"},
        {A, "--rate", "0x1p4", "must be a decimal number"},
        {A, "--duration", "0x1", "must be a decimal number"},
        {A, "--interval", "0x1", "'0x1' must be a decimal number"},
        {MPI, "--flush-ms", "0x5", "must be a decimal number"},
        {PROD, "--rate", "0x10", "must be a decimal number"},
        /* no '+', no blanks, no words, no half numbers */
        {A, "--rate", "+5", "must be a decimal number"},
        {A, "--count", "+5", "must be an unsigned integer"},
        {A, "--rate", " 5", "must be a decimal number"},
        {A, "--rate", "5 ", "must be a decimal number"},
        {A, "--rate", ".", "must be a decimal number"},
        {A, "--rate", "1e", "must be a decimal number"},
        {A, "--rate", "1e+", "must be a decimal number"},
        {A, "--rate", "--5", "must be a decimal number"},
        {A, "--rate", "1.2.3", "must be a decimal number"},
        {A, "--count", "1e3", "must be an unsigned integer"},
        {A, "--count", "10.0", "must be an unsigned integer"},
        {A, "--rate", "infinity", "must be a finite number"},
        {A, "--rate", "-inf", "must be a finite number"},
        {A, "--rate", "NaN", "must be a finite number"},
        /* a sign only reaches the range check */
        {A, "--rate", "-5", "must be at least 1.15741e-05"},
        {A, "--interval", "-.5", "'-.5' must be at least 0"},
        /* --rate below one a day: an interval the producer refuses */
        {A, "--rate", "1e-5", "must be at least 1.15741e-05"},
        {A, "--rate", "0.0000115", "must be at least 1.15741e-05"},
        {A, "--rate", "1e-999", "must be at least 1.15741e-05"},
        {A, "--rate", "1e999", "must be at most 1000000000"},
        {OMP, "--rate", "1e-5", "must be at least 1.15741e-05"},
        {MPI, "--rate", "1e-5", "must be at least 1.15741e-05"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[256];
        snprintf(want, sizeof want, "%s: %s '%s': %s (see --help)",
                 alog_options_prog(prog_of(bad[i].model)), bad[i].opt,
                 bad[i].val, bad[i].want);
        expect_bad(bad[i].model, want, bad[i].opt, bad[i].val, NULL);
    }
    expect_bad(A, "alog-async: --number '0x10': must be an unsigned integer "
                  "(see --help)", "primes", "--number", "0x10", NULL);
    expect_bad(A, "alog-async: --range '0x1:0x10': must be A:B (unsigned "
                  "integers) (see --help)", "primes", "--range", "0x1:0x10",
               NULL);

    /* Decimal fractions in every spelling strtod and people share. */
    static const struct {
        const char *val;
        double want;
    } rates[] = {{"16", 16}, {"1e3", 1000}, {"1E3", 1000}, {"2.5", 2.5},
                 {".5", 0.5}, {"5.", 5}, {"1e+2", 100}, {"1000e-3", 1},
                 {"007", 7}};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        expect_ok(A, "--rate", rates[i].val, &cfg);
        assert_true(cfg.rate == rates[i].want);
        alog_config_free(&cfg);
    }
    expect_ok(A, "--count", "0016", &cfg);
    assert_int_equal(cfg.count, 16);
    alog_config_free(&cfg);

    /* Every accepted rate gives an interval the producer accepts: from
     * 1 ns up to ALOG_INTERVAL_MAX, never 0 (unthrottled). */
    static const char *const edge[] = {"1.15741e-05", "0.0000115741",
                                       "1e9", "999999999.9", "3e8"};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        expect_ok(A, "--rate", edge[i], &cfg);
        int64_t ns = alog_config_interval_ns(&cfg, 0);
        assert_true(ns >= 1);
        assert_true(ns <= (int64_t)(ALOG_INTERVAL_MAX * 1e9));
        alog_config_free(&cfg);
    }
    /* The bound the message prints is itself accepted. */
    expect_ok(A, "--rate", "1.15741e-05", &cfg);
    alog_config_free(&cfg);

    /* --help states the rule. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    alog_options_usage(f, ALOG_MODEL_ASYNC, NULL, "alog-async");
    fclose(f);
    assert_non_null(strstr(buf, "\nNumbers:                     decimal only."));
    assert_non_null(strstr(buf, "hex."));
    free(buf);
}

/* ---- unknown options, jobs and models ---------------------------------- */

static void test_jobs_and_models(void **state)
{
    (void)state;
    expect_bad(A, "alog-async: unknown option '--frob' (see --help)",
               "--frob", NULL);
    expect_bad(A, "alog-async: unknown option '--frob' (see --help)",
               "--frob=1", NULL);
    expect_bad(A, "alog-async: unknown option '-x' (see --help)", "-x",
               NULL);
    expect_bad(A, "alog-async: unknown option '--count2' (see --help)",
               "--count2", "1", NULL);
    expect_bad(A, "alog-async: unknown job 'x' (log|primes) (see --help)",
               "x", NULL);
    expect_bad(MPI, "alog-mpi: unknown job 'Log' (log|primes) (see --help)",
               "Log", "--count", "1", NULL);
    expect_bad(A, "alog-async: unexpected argument 'primes' (see --help)",
               "--count", "1", "primes", NULL);
    expect_bad(PROD, "alog-producer: unknown job 'primes' (log) "
                     "(see --help)",
               "primes", NULL);

    /* options of another model */
    expect_bad(A, "alog-async: option '--ring' is not for alog-async "
                  "(see --help)",
               "--ring", "8", NULL);
    expect_bad(A, "alog-async: option '--collect' is not for alog-async "
                  "(see --help)",
               "--collect=async", NULL);
    expect_bad(A, "alog-async: option '--id' is not for alog-async "
                  "(see --help)",
               "--id", "1", NULL);
    expect_bad(MPI, "alog-mpi: option '-n' is not for alog-mpi (see --help)",
               "-n", "4", NULL);
    expect_bad(MPI, "alog-mpi: option '--producers' is not for alog-mpi "
                    "(see --help)",
               "--producers", "4", NULL);
    expect_bad(MPI, "alog-mpi: option '--wire' is not for alog-mpi "
                    "(see --help)",
               "--wire", "text", NULL);
    expect_bad(OMP, "alog-omp: option '--batch' is not for alog-omp "
                    "(see --help)",
               "--batch", "2", NULL);
    expect_bad(OMP, "alog-omp: option '--exec' is not for alog-omp "
                    "(see --help)",
               "--exec", "true", NULL);
    expect_bad(PROD, "alog-producer: option '--format' is not for "
                     "alog-producer (see --help)",
               "--format", "csv", NULL);
    expect_bad(PROD, "alog-producer: option '-o' is not for alog-producer "
                     "(see --help)",
               "-o", "x", NULL);

    /* options of the other job */
    expect_bad(A, "alog-async: --number: only for the primes job "
                  "(see --help)",
               "--number", "7", NULL);
    expect_bad(A, "alog-async: --number: only for the primes job "
                  "(see --help)",
               "log", "--number", "7", NULL);
    expect_bad(A, "alog-async: --wire: only for the log job (see --help)",
               "primes", "--wire", "text", NULL);
    expect_bad(OMP, "alog-omp: --ring: only for the log job (see --help)",
               "primes", "--ring", "8", NULL);
    expect_bad(MPI, "alog-mpi: --parts: only for the primes job "
                    "(see --help)",
               "-P", "2", NULL);

    /* the job word is only the first word */
    alog_config cfg;
    char err[256];
    assert_int_equal(parse(&cfg, OMP, err, "primes", "--number", "13", NULL),
                     ALOG_PARSE_OK);
    assert_int_equal(cfg.job, ALOG_JOB_PRIMES);
    assert_int_equal(cfg.primes.number, 13);
    alog_config_free(&cfg);

    /* a tiny error buffer is truncated, never overrun */
    char small[12];
    char *argv[] = {"alog-async", "--count", "0", NULL};
    assert_int_equal(alog_options_parse(&cfg, A, NULL, 3, argv, small,
                                        sizeof small),
                     ALOG_PARSE_BAD);
    assert_string_equal(small, "alog-async:");
    alog_config_free(&cfg);
    assert_int_equal(alog_options_parse(&cfg, A, NULL, 3, argv, NULL, 0),
                     ALOG_PARSE_BAD);
    alog_config_free(&cfg);
}

/* ---- intervals and rate ------------------------------------------------- */

static void test_intervals_rate(void **state)
{
    (void)state;
    alog_config cfg;
    char err[256];
    assert_int_equal(parse(&cfg, A, err, "--interval", "0.5,0,2", "-n", "5",
                           NULL),
                     ALOG_PARSE_OK);
    assert_int_equal(alog_config_producers(&cfg), 5);
    static const int64_t want[] = {500000000, 0, 2000000000, 500000000, 0};
    for (unsigned i = 0; i < 5; i++)
        assert_int_equal(alog_config_interval_ns(&cfg, i), want[i]);
    alog_config_free(&cfg);

    assert_int_equal(parse(&cfg, A, err, "--interval", "0.25", NULL),
                     ALOG_PARSE_OK);
    assert_int_equal(alog_config_producers(&cfg), 1);
    assert_int_equal(alog_config_interval_ns(&cfg, 7), 250000000);
    alog_config_free(&cfg);

    /* --rate overrides the intervals, whatever the order */
    assert_int_equal(parse(&cfg, A, err, "--rate", "3", "--interval", "1,2",
                           NULL),
                     ALOG_PARSE_OK);
    assert_int_equal(alog_config_producers(&cfg), 2);
    assert_int_equal(alog_config_interval_ns(&cfg, 0), 333333333);
    assert_int_equal(alog_config_interval_ns(&cfg, 1), 333333333);
    alog_config_free(&cfg);
    assert_int_equal(parse(&cfg, A, err, "--rate", "1e9", NULL),
                     ALOG_PARSE_OK);
    assert_int_equal(alog_config_interval_ns(&cfg, 0), 1);
    alog_config_free(&cfg);
    assert_int_equal(parse(&cfg, A, err, "--rate=1.5", NULL), ALOG_PARSE_OK);
    assert_int_equal(alog_config_interval_ns(&cfg, 2), 666666667);
    alog_config_free(&cfg);
}

/* ---- --help --------------------------------------------------------------- */

static char *usage_of(int model, const char *prog)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    alog_options_usage(f, model, own_for(model), prog);
    assert_int_equal(fclose(f), 0);
    assert_non_null(buf);
    return buf;
}

/* Long option names as they appear in usage: "--name" then ' ' or '\n'. */
static int mentions(const char *usage, const char *opt)
{
    size_t n = strlen(opt);
    for (const char *p = usage; (p = strstr(p, opt)) != NULL; p += n)
        if (p[n] == ' ' || p[n] == '\n' || p[n] == ',')
            return 1;
    return 0;
}

static void check_usage(int model, const char *const *has,
                        const char *const *hasnt)
{
    char *u = usage_of(model, prog_of(model));
    const char *base = strrchr(prog_of(model), '/');
    base = base ? base + 1 : prog_of(model);
    char first[128];
    snprintf(first, sizeof first, "Usage: %s [%s] [options]\n", base,
             model == PROD ? "log" : "log|primes");
    assert_memory_equal(u, first, strlen(first));
    for (; *has; has++) {
        if (!mentions(u, *has))
            print_error("usage lacks %s:\n%s", *has, u);
        assert_true(mentions(u, *has));
    }
    for (; *hasnt; hasnt++) {
        if (mentions(u, *hasnt))
            print_error("usage has %s:\n%s", *hasnt, u);
        assert_false(mentions(u, *hasnt));
    }
    assert_non_null(strstr(u, "130"));
    assert_non_null(strstr(u, "Exit status"));
    assert_non_null(strstr(u, "4 records lost\nor duplicated"));
    /* Examples close it, each a command of this program. */
    const char *ex = strstr(u, "\nExamples:\n  ");
    assert_non_null(ex);
    assert_non_null(strstr(ex, base));

    /* Every option that --help shows parses (no "unknown" or "not for"):
     * the table that prints is the table that parses.  (The examples may
     * name mpirun's options.) */
    for (const char *p = u; (p = strstr(p, "--")) != NULL && p < ex;) {
        char name[64];
        size_t n = strcspn(p, " ,\n)=");
        if (n >= sizeof name || n <= 2) {
            p += 2;
            continue;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        p += n;
        if (strcmp(name, "--help") == 0)
            continue; /* returns HELP, checked elsewhere */
        alog_config cfg;
        char err[256] = "";
        char *argv[] = {(char *)prog_of(model), name, NULL};
        int rc = alog_options_parse(&cfg, model, own_for(model), 2, argv, err,
                                    sizeof err);
        /* some need a value or the primes job: never unknown though */
        assert_null(strstr(err, "unknown option"));
        assert_null(strstr(err, "is not for"));
        (void)rc;
        alog_config_free(&cfg);
    }
    free(u);
}

static void test_usage(void **state)
{
    (void)state;
    const char *async_has[] = {"--producers", "-n", "--interval", "--rate",
                               "--count", "--duration", "--payload",
                               "--work", "--fail-after", "--wire",
                               "--readers", "--exec", "--format",
                               "--timeline", "--quiet", "-q", "--output",
                               "-o", "--number", "--range", "--parts", "-P",
                               "--schedule", "--processes", "--no-baseline",
                               "--help", "-h", "--version", NULL};
    const char *async_hasnt[] = {"--collect", "--batch", "--flush-ms",
                                 "--ring", "--id", "--start-ns", NULL};
    check_usage(A, async_has, async_hasnt);

    const char *mpi_has[] = {"--interval", "--rate", "--count", "--duration",
                             "--payload", "--work", "--fail-after",
                             "--collect", "blocking|async|tree", "--fanout", "--tree-group", "--batch",
                             "--flush-ms", "--format", "--output",
                             "--number", "--range", "--parts", "--schedule",
                             "--no-baseline", "--help", "--version", NULL};
    const char *mpi_hasnt[] = {"--producers", "-n", "--wire", "--readers",
                               "--exec", "--ring", "--processes", "--id",
                               "--start-ns", "none|thread", NULL};
    check_usage(MPI, mpi_has, mpi_hasnt);
    /* Who produces, and the receive calls it really makes. */
    char *mu = usage_of(MPI, prog_of(MPI));
    assert_non_null(strstr(mu, "producers are ranks 1..N-1"));
    assert_non_null(strstr(mu, "MPI_Irecv(MPI_ANY_SOURCE)"));
    assert_non_null(strstr(mu, "MPI_Testsome"));
    assert_null(strstr(mu, "MPI_Recv loop"));
    free(mu);

    const char *omp_has[] = {"--producers", "-n", "--interval", "--collect",
                             "none|thread", "--ring", "--format", "--quiet",
                             "--number", "--parts", "--schedule", NULL};
    const char *omp_hasnt[] = {"--wire", "--readers", "--exec", "--batch",
                               "--flush-ms", "--processes", "--id",
                               "blocking|async|tree", "--fanout", "--tree-group", NULL};
    check_usage(OMP, omp_has, omp_hasnt);
    char *ou = usage_of(OMP, prog_of(OMP));
    assert_non_null(strstr(ou, "(default: OMP_NUM_THREADS, else one per"));
    free(ou);

    const char *prod_has[] = {"--interval", "--rate", "--count", "--payload",
                              "--wire", "--id", "--start-ns", "--fail-after",
                              "--help", "--version", NULL};
    const char *prod_hasnt[] = {"--format", "--output", "--quiet",
                                "--timeline", "--producers", "--number",
                                "--exec", "--readers", "--collect", NULL};
    check_usage(PROD, prod_has, prod_hasnt);

    /* defaults are shown */
    char *u = usage_of(A, "alog-async");
    assert_non_null(strstr(u, "0.2,0.1,1"));
    assert_non_null(strstr(u, "10657331232548839"));
    free(u);
}

/* ---- alog_options_main: what the mains print and exit with -------------- */

typedef struct captured {
    char out[16384]; /* stdout, NUL-terminated */
    char err[1024];  /* stderr */
} captured;

/* Point fd at a fresh temporary file; returns the file, *saved the old fd. */
static FILE *redirect(int fd, int *saved)
{
    FILE *t = tmpfile();
    assert_non_null(t);
    *saved = dup(fd);
    assert_true(*saved >= 0);
    assert_true(dup2(fileno(t), fd) >= 0);
    return t;
}

/* Put fd back and read what went to the file into buf. */
static void restore(FILE *t, int fd, int saved, char *buf, size_t cap)
{
    assert_true(dup2(saved, fd) >= 0);
    close(saved);
    rewind(t);
    size_t n = fread(buf, 1, cap - 1, t);
    buf[n] = '\0';
    fclose(t);
}

/* alog_options_main on argv[0] = the model's program and the words. */
static int run_main(alog_config *cfg, int model, captured *cap, ...)
{
    char *argv[MAX_ARGS];
    int argc = 0;
    argv[argc++] = (char *)prog_of(model);
    va_list ap;
    va_start(ap, cap);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
        assert_true(argc < MAX_ARGS - 1);
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    argv[argc] = NULL;

    int so, se;
    fflush(stdout);
    fflush(stderr);
    FILE *to = redirect(STDOUT_FILENO, &so);
    FILE *te = redirect(STDERR_FILENO, &se);
    /* The installed name, as each program gives it. */
    const char *base = strrchr(prog_of(model), '/');
    base = base ? base + 1 : prog_of(model);
    int rc = alog_options_main(cfg, model, own_for(model), base, argc, argv);
    fflush(stdout);
    fflush(stderr);
    restore(to, STDOUT_FILENO, so, cap->out, sizeof cap->out);
    restore(te, STDERR_FILENO, se, cap->err, sizeof cap->err);
    return rc;
}

static void test_options_main(void **state)
{
    (void)state;
    alog_config cfg;
    captured cap;

    /* A good parse: go on, nothing printed, cfg filled and still ours. */
    assert_int_equal(run_main(&cfg, A, &cap, "-n", "3", NULL), -1);
    assert_string_equal(cap.out, "");
    assert_string_equal(cap.err, "");
    assert_int_equal(cfg.producers, 3);
    alog_config_free(&cfg);

    /* --help: the usage on stdout, exit 0; the interval list the parse
     * allocated is freed (LeakSanitizer would say otherwise). */
    assert_int_equal(run_main(&cfg, A, &cap, "--interval", "0.1,0.2",
                              "--help", NULL), 0);
    char *usage = usage_of(A, prog_of(A));
    assert_string_equal(cap.out, usage);
    free(usage);
    assert_string_equal(cap.err, "");
    assert_int_equal(run_main(&cfg, PROD, &cap, "-h", NULL), 0);
    assert_true(strncmp(cap.out, "Usage: alog-producer [log] [options]\n",
                        37) == 0);

    /* --version: the program's own name, not argv[0]'s path. */
    static const struct {
        int model;
        const char *name;
    } progs[] = {{A, "alog-async"}, {MPI, "alog-mpi"}, {OMP, "alog-omp"},
                 {PROD, "alog-producer"}};
    for (size_t m = 0; m < sizeof progs / sizeof progs[0]; m++) {
        char want[64];
        snprintf(want, sizeof want, "%s %s\n", progs[m].name, ALOG_VERSION);
        assert_int_equal(run_main(&cfg, progs[m].model, &cap, "--interval",
                                  "1,2", "--version", NULL), 0);
        assert_string_equal(cap.out, want);
        assert_string_equal(cap.err, "");
    }

    /* A bad option or value: its one line on stderr, exit 2. */
    assert_int_equal(run_main(&cfg, A, &cap, "--interval", "1,2", "--frob",
                              NULL), 2);
    assert_string_equal(cap.out, "");
    assert_string_equal(cap.err,
                        "alog-async: unknown option '--frob' (see --help)\n");
    assert_int_equal(run_main(&cfg, OMP, &cap, "--count", "0", NULL), 2);
    assert_string_equal(cap.out, "");
    assert_string_equal(cap.err, "alog-omp: --count '0': must be at least 1 "
                                 "(see --help)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_option),
        cmocka_unit_test(test_flags_and_shorts),
        cmocka_unit_test(test_help_version),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_number_rule),
        cmocka_unit_test(test_jobs_and_models),
        cmocka_unit_test(test_intervals_rate),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_options_main),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
