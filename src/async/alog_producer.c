/* alog-producer - one producer of the async model: emits records on its
 * stdout at a given interval (or as fast as it can), on a wire the
 * collector decodes.  Started by alog-async; usable on its own.
 *
 * Paced, each record is written the moment it is made (latency is what is
 * measured).  Unthrottled, records fill 256 KiB blocks sent in one go, by
 * vmsplice when stdout is a pipe (throughput is what is measured).
 * SIGTERM/SIGINT: flush, exit 0.  A closed pipe: exit quietly.
 * --fail-after K: exit 1 after K records.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alog.h"
#include "options_async.h"
#include "produce.h"
#include "program.h"

#define BUF_BYTES (256u << 10) /* fewer, larger writes (doc/benchmarks.md) */
#define BUF_SLACK 256u /* a natural-size record always fits in this */

typedef struct pipe_out {
    alog_sink *sink;
    int wire;
    unsigned payload;
} pipe_out;

/* Encode into the sink's space; a full block leaves at once. */
ALOG_EMIT int emit(void *self, alog_record *r)
{
    pipe_out *o = self;
    size_t avail;
    char *at = alog_sink_space(o->sink, &avail);
    int n = alog_wire_encode(o->wire, r, o->payload, at, avail);
    if (n < 0)
        return n;
    return alog_sink_commit(o->sink, (size_t)n);
}

static const alog_produce_ops pipe_ops = {.emit = emit};

/* What a failed write means to the producer's exit status. */
static int write_failed(int rc)
{
    if (rc == ALOG_ESYS && errno == EPIPE)
        return 0; /* the collector is gone: nobody to tell */
    fprintf(stderr, "alog-producer: %s: %s\n",
            rc == ALOG_ESYS ? "write" : "encode",
            rc == ALOG_ESYS ? strerror(errno) : alog_strerror(rc));
    return 1;
}

/* Bad input the option rows cannot see: a duration past int64 ns. */
static int check(alog_config *cfg, const alog_diag *d, void *ctx, char *err,
                 size_t errlen)
{
    (void)ctx;
    int64_t dur_ns = 0;
    if (cfg->duration > 0 && alog_seconds_to_ns(cfg->duration, &dur_ns) != 0) {
        snprintf(err, errlen, "%s: --duration '%g': out of range (see --help)",
                 d->prog, cfg->duration);
        return ALOG_EINVAL;
    }
    return ALOG_OK;
}

/* The one job: make the records and write them to stdout (fd 1 itself,
 * not the frame's stream: blocks go out by write(2) or vmsplice(2)).
 * ALOG_OK, or ALOG_ESYS after a failure (said; exit 1). */
static int produce(const alog_config *cfg, const alog_run_io *io,
                   const alog_diag *d, void *ctx)
{
    (void)io;
    (void)d;
    const alog_producer_opts *po = ctx;
    int64_t dur_ns = 0;
    (void)alog_seconds_to_ns(cfg->duration, &dur_ns); /* checked */
    alog_signals_install();
    alog_timerslack_set(1);

    unsigned id = (unsigned)po->id;
    int64_t interval = alog_config_interval_ns(cfg, id);
    size_t slack = cfg->payload > BUF_SLACK ? cfg->payload : BUF_SLACK;
    /* Paced, every record leaves the moment it is made (a write each);
     * unthrottled, full blocks leave by vmsplice when stdout is a pipe. */
    pipe_out o = {.wire = po->wire, .payload = cfg->payload};
    int rc = alog_sink_open(&o.sink, STDOUT_FILENO,
                            interval > 0 ? 1 : BUF_BYTES, slack, interval == 0);
    if (rc != 0) {
        fprintf(stderr, "alog-producer: %s\n", alog_strerror(rc));
        return ALOG_ESYS;
    }
    int64_t start = po->start_ns > 0 ? po->start_ns : alog_now_ns();
    /* On the wire a producer names itself by its pid, as the original's
     * did ("Clock <ms> from <pid>"); the collector knows which pid is
     * which producer. */
    alog_produce_spec spec = {
        .producer = (uint32_t)getpid(),
        .start_ns = start,
        .interval_ns = interval,
        .end_ns = cfg->duration > 0 ? start + dur_ns : INT64_MAX,
        .count = cfg->count,
        .fail_after = cfg->fail_after,
        .work = cfg->work,
    };
    alog_clock clk;
    if (alog_clock_init(&clk, cfg->clock) == 0)
        spec.clock = &clk; /* else tsc was refused at parse time */
    alog_produce_end end;
    alog_produce(&spec, &pipe_ops, &o, alog_stop_flag(), &end);
    volatile uint64_t keep = end.sink; /* --work is not optimised out */
    (void)keep;

    /* A stop (SIGTERM/SIGINT) ends well: what was made is flushed. */
    int status = end.status == ALOG_PS_SHORT ? 1 : 0;
    if (end.err != 0)
        status = write_failed(end.err);
    rc = alog_sink_flush(o.sink);
    if (rc != 0 && end.err == 0)
        status = write_failed(rc) ? 1 : status;
    alog_sink_close(o.sink);
    return status ? ALOG_ESYS : ALOG_OK;
}

static const alog_program_job jobs[] = {
    {.job = ALOG_JOB_LOG, .check = check, .run = produce},
    {.run = NULL},
};

int main(int argc, char **argv)
{
    alog_producer_opts opts;
    const alog_optset own = alog_producer_optset(&opts);
    const alog_program prog = {
        .name = "alog-producer",
        .model = ALOG_MODEL_PRODUCER,
        .options = &own,
        .jobs = jobs,
        .ctx = &opts,
    };
    return alog_program_main(&prog, argc, argv);
}
