/* fuzz_options.c - the one option parser (src/options.c) on any words.
 *
 * Input: byte 0 picks the program (async, producer, mpi, omp), the rest
 * is argv split at NUL bytes.  Properties:
 *  - the verdict is ok, help, version or bad, the same when parsed again;
 *  - bad: one line "<prog>: ... (see --help)" (cut only at the buffer's
 *    end);
 *  - ok: every value within its documented range (counts, sizes, the
 *    intervals and rate whose interval the producer accepts, choices);
 *  - ok: the numbers written back as options (%.17g for fractions, the
 *    number rule's decimal form) parse to the same values.
 */
#include <math.h>
#include <string.h>

#include "alog.h"
#include "fuzz.h"
#include "options.h"
#include "options_async.h"
#include "options_mpi.h"
#include "options_omp.h"

#define MAX_WORDS 64
#define ERRLEN 512

static const int models[4] = {ALOG_MODEL_ASYNC, ALOG_MODEL_PRODUCER,
                              ALOG_MODEL_MPI, ALOG_MODEL_OMP};
static const char *const progs[4] = {"alog-async", "alog-producer",
                                     "alog-mpi", "alog-omp"};

static alog_mpi_opts mpi_opts;
static alog_omp_opts omp_opts;
static alog_async_opts async_opts;
static alog_producer_opts prod_opts;

/* What the async options hold is freed before the next parse. */
static void own_free(void)
{
    alog_async_opts_free(&async_opts);
}

static int parse(int m, int argc, char **argv, alog_config *cfg, char *err)
{
    alog_optset set;
    const alog_optset *own = NULL;
    own_free();
    if (models[m] == ALOG_MODEL_ASYNC) {
        set = alog_async_optset(&async_opts);
        own = &set;
    } else if (models[m] == ALOG_MODEL_PRODUCER) {
        set = alog_producer_optset(&prod_opts);
        own = &set;
    } else if (models[m] == ALOG_MODEL_MPI) {
        set = alog_mpi_optset(&mpi_opts);
        own = &set;
    } else if (models[m] == ALOG_MODEL_OMP) {
        set = alog_omp_optset(&omp_opts);
        own = &set;
    }
    return alog_options_parse(cfg, models[m], own, argc, argv, err, ERRLEN);
}

static void check_bad(const char *err, const char *prog)
{
    size_t n = strlen(err), p = strlen(prog);
    FUZZ_CHECK(n > p + 2 && strncmp(err, prog, p) == 0 &&
               err[p] == ':' && err[p + 1] == ' ');
    FUZZ_CHECK(strchr(err, '\n') == NULL && strchr(err, '\r') == NULL);
    static const char tail[] = " (see --help)";
    FUZZ_CHECK(n == ERRLEN - 1 ||
               (n > sizeof tail && strcmp(err + n - (sizeof tail - 1),
                                          tail) == 0));
}

static void check_ranges(const alog_config *c, int model)
{
    FUZZ_CHECK(c->producers <= 65536);
    FUZZ_CHECK(c->n_intervals >= 1 && c->intervals != NULL);
    for (unsigned i = 0; i < c->n_intervals; i++)
        FUZZ_CHECK(c->intervals[i] >= 0 &&
                   c->intervals[i] <= ALOG_INTERVAL_MAX);
    FUZZ_CHECK(c->rate == 0 ||
               (c->rate >= 1.0 / ALOG_INTERVAL_MAX && c->rate <= 1e9));
    for (unsigned i = 0; i < c->n_intervals + 1; i++) {
        int64_t ns = alog_config_interval_ns(c, i);
        FUZZ_CHECK(ns >= 0 && ns <= (int64_t)(ALOG_INTERVAL_MAX * 1e9));
        FUZZ_CHECK(c->rate == 0 || ns >= 1); /* a rate is never unthrottled */
    }
    FUZZ_CHECK(c->count <= (UINT64_C(1) << 63));
    FUZZ_CHECK(c->count >= 1 || c->duration > 0 || c->foreign);
    FUZZ_CHECK(c->duration >= 0 && c->duration <= 31536000.0);
    FUZZ_CHECK(c->payload <= ALOG_WIRE_MAX);
    FUZZ_CHECK(c->work <= UINT64_C(1000000000000));
    FUZZ_CHECK(c->collect_work <= UINT64_C(1000000000000));
    FUZZ_CHECK(c->fail_after >= -1);
    FUZZ_CHECK(c->format >= ALOG_FMT_TABLE && c->format <= ALOG_FMT_JSON);
    FUZZ_CHECK(c->show >= ALOG_SHOW_AUTO && c->show <= ALOG_SHOW_REPORT);
    if (model == ALOG_MODEL_ASYNC)
        FUZZ_CHECK(async_opts.wire == ALOG_WIRE_TEXT ||
                   async_opts.wire == ALOG_WIRE_BINARY);
    if (model == ALOG_MODEL_PRODUCER)
        FUZZ_CHECK(prod_opts.wire == ALOG_WIRE_TEXT ||
                   prod_opts.wire == ALOG_WIRE_BINARY);
    FUZZ_CHECK(c->output == NULL || c->output[0] != '\0');
    FUZZ_CHECK(c->foreign == (model == ALOG_MODEL_ASYNC && async_opts.exec.n > 0));
    for (unsigned i = 0; model == ALOG_MODEL_ASYNC && i < async_opts.exec.n; i++)
        FUZZ_CHECK(async_opts.exec.v[i][0] != '\0');
    FUZZ_CHECK(c->primes.range_lo <= c->primes.range_hi);
    FUZZ_CHECK(c->primes.parts <= 65536);
    if (model == ALOG_MODEL_PRODUCER) {
        FUZZ_CHECK(prod_opts.id >= 0 && prod_opts.id <= 65535);
        FUZZ_CHECK(prod_opts.start_ns >= 0);
    }
}

/* The log job's numbers written back as options parse to the same. */
static void check_round_trip(int m, const alog_config *c)
{
    char words[12][64];
    char *ivl = NULL;
    char *argv[32];
    int argc = 0, w = 0;
    argv[argc++] = (char *)progs[m];
#define OPT(name, ...)                                                     \
    do {                                                                   \
        argv[argc++] = (char *)(name);                                     \
        snprintf(words[w], sizeof words[w], __VA_ARGS__);                  \
        argv[argc++] = words[w++];                                         \
    } while (0)
    if (c->producers > 0 && (models[m] == ALOG_MODEL_ASYNC ||
                             models[m] == ALOG_MODEL_OMP))
        OPT("--producers", "%u", c->producers);
    if (c->rate > 0) {
        OPT("--rate", "%.17g", c->rate);
    } else {
        size_t cap = (size_t)c->n_intervals * 26 + 1;
        ivl = malloc(cap);
        FUZZ_CHECK(ivl != NULL);
        size_t len = 0;
        for (unsigned i = 0; i < c->n_intervals; i++)
            len += (size_t)snprintf(ivl + len, cap - len, "%s%.17g",
                                    i ? "," : "", c->intervals[i]);
        argv[argc++] = "--interval";
        argv[argc++] = ivl;
    }
    if (c->count > 0)
        OPT("--count", "%llu", (unsigned long long)c->count);
    if (c->duration > 0)
        OPT("--duration", "%.17g", c->duration);
    OPT("--payload", "%u", c->payload);
    OPT("--work", "%llu", (unsigned long long)c->work);
    if (c->fail_after >= 0)
        OPT("--fail-after", "%lld", (long long)c->fail_after);
#undef OPT
    argv[argc] = NULL;

    alog_config b;
    char err[ERRLEN];
    int v = parse(m, argc, argv, &b, err);
    if (v != ALOG_PARSE_OK)
        fprintf(stderr, "round trip refused: %s\n", err);
    FUZZ_CHECK(v == ALOG_PARSE_OK);
    FUZZ_CHECK(b.producers == c->producers);
    FUZZ_CHECK(b.rate == c->rate);
    if (c->rate == 0) {
        FUZZ_CHECK(b.n_intervals == c->n_intervals);
        for (unsigned i = 0; i < c->n_intervals; i++)
            FUZZ_CHECK(b.intervals[i] == c->intervals[i]);
    }
    FUZZ_CHECK(b.duration == c->duration);
    FUZZ_CHECK(b.count == c->count);
    FUZZ_CHECK(b.payload == c->payload && b.work == c->work);
    FUZZ_CHECK(b.fail_after == c->fail_after);
    alog_config_free(&b);
    free(ivl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int m = data[0] & 3;
    /* argv: the program, then the words between NUL bytes */
    char *buf = malloc(size);
    FUZZ_CHECK(buf != NULL);
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    char *argv[MAX_WORDS + 2];
    int argc = 0;
    argv[argc++] = (char *)progs[m];
    for (size_t i = 0; i < size - 1 && argc <= MAX_WORDS;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;

    alog_config cfg;
    char err[ERRLEN], err2[ERRLEN];
    int v = parse(m, argc, argv, &cfg, err);
    FUZZ_CHECK(v == ALOG_PARSE_OK || v == ALOG_PARSE_HELP ||
               v == ALOG_PARSE_BAD || v == ALOG_PARSE_VERSION);
    alog_config again;
    FUZZ_CHECK(parse(m, argc, argv, &again, err2) == v);
    alog_config_free(&again);
    if (v == ALOG_PARSE_BAD) {
        FUZZ_CHECK(strcmp(err, err2) == 0);
        check_bad(err, progs[m]);
    } else if (v == ALOG_PARSE_OK) {
        FUZZ_CHECK(cfg.model == models[m]);
        check_ranges(&cfg, models[m]);
        if (cfg.job == ALOG_JOB_LOG && !cfg.foreign)
            check_round_trip(m, &cfg);
    }
    alog_config_free(&cfg);
    own_free();
    free(buf);
    return 0;
}
