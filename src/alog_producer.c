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
#include "options_main.h"

#define BUF_BYTES (256u << 10) /* fewer, larger writes: +5% end to end */
#define BUF_SLACK 256u /* a natural-size record always fits in this */

/* Send what waits (all of it when last); exits on a failed write. */
static void flush(alog_sink *out, size_t n, int last)
{
    int rc = last ? alog_sink_flush(out) : alog_sink_commit(out, n);
    if (rc == 0)
        return;
    if (errno == EPIPE)
        exit(0); /* the collector is gone: nobody to tell */
    fprintf(stderr, "alog-producer: write: %s\n", strerror(errno));
    exit(1);
}

int main(int argc, char **argv)
{
    alog_config cfg;
    int quit = alog_options_main(&cfg, ALOG_MODEL_PRODUCER, argc, argv);
    if (quit >= 0) /* --help, --version or a bad option */
        return quit;
    int64_t dur_ns = 0;
    if (cfg.duration > 0 && alog_seconds_to_ns(cfg.duration, &dur_ns) != 0) {
        fprintf(stderr, "alog-producer: --duration '%g': out of range "
                        "(see --help)\n", cfg.duration);
        alog_config_free(&cfg);
        return 2;
    }
    alog_signals_install();
    alog_timerslack_set(1);

    const atomic_int *stop = alog_stop_flag();
    unsigned id = (unsigned)cfg.producer_id;
    int64_t interval = alog_config_interval_ns(&cfg, id);
    uint64_t count = cfg.count;           /* 0: until the duration ends */
    int64_t fail_after = cfg.fail_after; /* -1: never */
    size_t slack = cfg.payload > BUF_SLACK ? cfg.payload : BUF_SLACK;
    /* Paced, every record leaves the moment it is made (a write each);
     * unthrottled, full blocks leave by vmsplice when stdout is a pipe. */
    alog_sink *out = NULL;
    int rc = alog_sink_open(&out, STDOUT_FILENO, interval > 0 ? 1 : BUF_BYTES,
                            slack, interval == 0);
    if (rc != 0) {
        fprintf(stderr, "alog-producer: %s\n", alog_strerror(rc));
        alog_config_free(&cfg);
        return 1;
    }
    int64_t start = cfg.start_ns > 0 ? cfg.start_ns : alog_now_ns();
    int64_t end = dur_ns > 0 ? start + dur_ns : INT64_MAX;
    alog_pace pace;
    alog_pace_init(&pace, start, interval);
    volatile uint64_t sink = 0; /* keeps --work from being optimised out */
    int status = 0;
    alog_record r;
    memset(&r, 0, sizeof r);
    r.producer = id;

    for (uint64_t k = 0; count == 0 || k < count; k++) {
        if (fail_after >= 0 && k >= (uint64_t)fail_after) {
            status = 1;
            break;
        }
        int64_t sched;
        if (interval > 0) {
            /* A record due at or after the end is not made at all. */
            if (alog_pace_deadline(&pace, pace.k) >= end)
                break;
            if (alog_pace_wait(&pace, stop, &sched) != 0)
                break;
        } else {
            if (atomic_load_explicit(stop, memory_order_relaxed))
                break;
            sched = alog_now_ns();
            if (sched >= end)
                break;
        }
        if (cfg.work > 0)
            sink += alog_work(cfg.work);
        r.seq = k;
        r.sched_ns = sched;
        r.produce_ns = (interval > 0 || cfg.work > 0) ? alog_now_ns() : sched;
        r.clock_ms = r.produce_ns / 1000000;
        size_t avail;
        char *at = alog_sink_space(out, &avail);
        int n = alog_wire_encode(cfg.wire, &r, cfg.payload, at, avail);
        if (n < 0) {
            fprintf(stderr, "alog-producer: encode: %s\n", alog_strerror(n));
            status = 1;
            break;
        }
        flush(out, (size_t)n, 0);
    }
    flush(out, 0, 1);
    (void)sink;
    alog_sink_close(out);
    alog_config_free(&cfg);
    return status;
}
