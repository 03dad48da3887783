/* ref_mpi.c - alog-ref-mpi: what plain MPI does on this machine, the
 * reference scripts/bench-mpi holds alog-mpi against.
 *
 *   message rate   ranks 1..N-1 each send windows of --window MPI_Isend of
 *                  --size bytes to rank 0, which has the receives of the
 *                  window pre-posted (the next window's are posted before
 *                  the senders are let go), then acknowledges the window.
 *   latency        rank 0 and rank 1 ping-pong --size bytes; one way is
 *                  half of a round trip.
 *   paced latency  (--paced-hz HZ) ranks 1..N-1 each send --paced-count
 *                  messages, one per 1/HZ on an absolute schedule (asleep
 *                  until 50 us before each deadline, then spinning, as
 *                  alog-mpi's paced producers do), stamped just before
 *                  MPI_Send; rank 0 takes them with MPI_Recv and keeps
 *                  arrival minus stamp.  One host, one CLOCK_MONOTONIC: no
 *                  offset to correct.  What a message sent cold, after a
 *                  sleep, costs here, as against the hot ping-pong.
 *   producer ceiling  (--ceiling N) ranks 1..N-1 each run alog-mpi's own
 *                  producer loop (alog_produce, unthrottled) for N records
 *                  of --size bytes, packed with alog-mpi's wire code into
 *                  batches of --pack records that are never sent: what a
 *                  producer can stamp and pack with no collector, the
 *                  bound of any batched run.
 *
 * Output: '# ' comment lines, then key=value lines on rank 0.  Exit 2
 * with one line from rank 0 for a bad option; every rank finalizes.
 */
#include <errno.h>
#include <inttypes.h>
#include <mpi.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mpi_model.h"
#include "mpi_check.h"
#include "produce.h"
#include "wire_mpi.h"

#define PROG "alog-ref-mpi"

enum { TAG_MSG = 1, TAG_ACK = 2, TAG_PING = 3, TAG_PACED = 4 };
#define PACED_WARM_NS 50000 /* as alog-mpi's WARM_NS */

typedef struct ref_opts {
    long size;     /* bytes per message */
    long window;   /* messages per window and sender */
    long iters;    /* measured windows */
    long warmup;   /* windows before timing */
    long pp_iters; /* ping-pong round trips */
    long paced_hz; /* paced latency: messages per second per sender, 0 off */
    long paced_n;  /* paced latency: messages per sender */
    long ceiling;  /* producer ceiling: records per producer, 0 off */
    long pack;     /* producer ceiling: records per (unsent) batch */
} ref_opts;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Checked number; 0 or a one-line message in err. */
static int parse_long(const char *opt, const char *val, long lo, long hi,
                      long *out, char *err, size_t cap)
{
    char *end = NULL;
    errno = 0;
    long v = val ? strtol(val, &end, 10) : 0;
    if (val == NULL) {
        snprintf(err, cap, PROG ": %s: missing value (see --help)", opt);
        return -1;
    }
    if (errno != 0 || end == val || *end != '\0' || v < lo || v > hi) {
        snprintf(err, cap, PROG ": %s '%s': must be an integer in %ld..%ld "
                 "(see --help)", opt, val, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

/* 0 ok, 1 help, 2 bad (err set). */
static int parse(int argc, char **argv, ref_opts *o, char *err, size_t cap)
{
    static const struct {
        const char *name;
        size_t off;
        long lo, hi;
    } table[] = {
        {"--size", offsetof(ref_opts, size), 0, 1 << 20},
        {"--window", offsetof(ref_opts, window), 1, 4096},
        {"--iters", offsetof(ref_opts, iters), 1, 100000000},
        {"--warmup", offsetof(ref_opts, warmup), 0, 100000000},
        {"--pp-iters", offsetof(ref_opts, pp_iters), 0, 100000000},
        {"--paced-hz", offsetof(ref_opts, paced_hz), 0, 1000000},
        {"--paced-count", offsetof(ref_opts, paced_n), 1, 10000000},
        {"--ceiling", offsetof(ref_opts, ceiling), 0, 1000000000},
        {"--pack", offsetof(ref_opts, pack), 1, 65536},
    };
    *o = (ref_opts){.size = 64, .window = 64, .iters = 2000, .warmup = 200,
                    .pp_iters = 20000, .paced_hz = 0, .paced_n = 200,
                    .ceiling = 0, .pack = 64};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
        size_t k = 0;
        while (k < sizeof table / sizeof table[0] &&
               strcmp(argv[i], table[k].name) != 0)
            k++;
        if (k == sizeof table / sizeof table[0]) {
            snprintf(err, cap, PROG ": unknown option '%s' (see --help)",
                     argv[i]);
            return 2;
        }
        long *field = (long *)((char *)o + table[k].off);
        if (parse_long(argv[i], i + 1 < argc ? argv[i + 1] : NULL,
                       table[k].lo, table[k].hi, field, err, cap) != 0)
            return 2;
        i++;
    }
    return 0;
}

static void usage(void)
{
    printf("Usage: mpirun -np N " PROG " [options]   (N >= 2)\n"
           "  --size B       bytes per message (default 64)\n"
           "  --window W     messages in flight per sender (default 64)\n"
           "  --iters N      measured windows (default 2000)\n"
           "  --warmup N     windows before timing (default 200)\n"
           "  --pp-iters N   ping-pong round trips, 0 = none (default 20000)\n"
           "  --paced-hz HZ  also: paced one-way latency at HZ per sender\n"
           "                 (default 0 = not measured)\n"
           "  --paced-count N  paced messages per sender (default 200)\n"
           "  --ceiling N    also: each sender stamps and packs N records\n"
           "                 with alog-mpi's producer loop, sending none\n"
           "                 (default 0 = not measured)\n"
           "  --pack K       records per unsent batch there (default 64)\n"
           "Prints key=value lines: ref_msgs_per_s (into rank 0 from all\n"
           "senders), ref_oneway_p50_ns and ref_oneway_avg_ns (half a round\n"
           "trip between ranks 0 and 1), ref_paced_p50_ns (with --paced-hz),\n"
           "ref_ceiling_records_per_s (with --ceiling: summed over the\n"
           "senders, as alog-mpi's total records_per_s).\n");
}

/* Sleep-wait for a request, so idle ranks leave the CPUs to the others. */
static void wait_asleep(MPI_Comm comm, MPI_Request *req)
{
    for (;;) {
        int flag = 0;
        ALOG_MPI_CHECK(comm, MPI_Test(req, &flag, MPI_STATUS_IGNORE));
        if (flag)
            return;
        struct timespec ts = {0, 200000};
        nanosleep(&ts, NULL);
    }
}

static double message_rate(MPI_Comm comm, int rank, int size,
                           const ref_opts *o)
{
    long W = o->window, total = o->warmup + o->iters;
    int senders = size - 1;
    double rate = 0;

    if (rank == 0) {
        int64_t t0 = 0;
        /* Two sets of receive buffers and requests: window i+1's receives
         * are posted while window i is still being acknowledged. */
        size_t nreq = (size_t)senders * (size_t)W;
        char *buf = malloc(2 * nreq * (size_t)(o->size ? o->size : 1));
        MPI_Request *req = malloc(2 * nreq * sizeof *req);
        if (buf == NULL || req == NULL) {
            fprintf(stderr, PROG ": out of memory\n");
            MPI_Abort(comm, 1);
        }
        for (int set = 0; set < 2; set++)
            for (size_t i = 0; i < nreq; i++)
                req[set * nreq + i] = MPI_REQUEST_NULL;
        for (long it = 0; it < total; it++) {
            int set = (int)(it & 1);
            if (it == 0) {
                for (size_t i = 0; i < nreq; i++)
                    ALOG_MPI_CHECK(comm, MPI_Irecv(buf + i * (size_t)o->size,
                                                   (int)o->size, MPI_BYTE,
                                                   1 + (int)(i / (size_t)W),
                                                   TAG_MSG, comm, &req[i]));
            }
            if (it == o->warmup)
                t0 = now_ns();
            ALOG_MPI_CHECK(comm, MPI_Waitall((int)nreq, req + set * nreq,
                                             MPI_STATUSES_IGNORE));
            if (it + 1 < total) {
                int nset = set ^ 1;
                for (size_t i = 0; i < nreq; i++)
                    ALOG_MPI_CHECK(comm, MPI_Irecv(
                        buf + (nset * nreq + i) * (size_t)o->size,
                        (int)o->size, MPI_BYTE, 1 + (int)(i / (size_t)W),
                        TAG_MSG, comm, &req[nset * nreq + i]));
            }
            for (int s = 1; s < size; s++)
                ALOG_MPI_CHECK(comm, MPI_Send(NULL, 0, MPI_BYTE, s, TAG_ACK,
                                              comm));
        }
        int64_t dt = now_ns() - t0;
        rate = dt > 0 ? (double)senders * (double)W * (double)o->iters /
                            ((double)dt / 1e9)
                      : 0;
        free(buf);
        free(req);
    } else {
        char *buf = calloc((size_t)W, (size_t)(o->size ? o->size : 1));
        MPI_Request *req = malloc((size_t)W * sizeof *req);
        if (buf == NULL || req == NULL) {
            fprintf(stderr, PROG ": out of memory\n");
            MPI_Abort(comm, 1);
        }
        for (long it = 0; it < total; it++) {
            for (long w = 0; w < W; w++)
                ALOG_MPI_CHECK(comm, MPI_Isend(buf + (size_t)w * (size_t)o->size,
                                               (int)o->size, MPI_BYTE, 0,
                                               TAG_MSG, comm, &req[w]));
            ALOG_MPI_CHECK(comm, MPI_Waitall((int)W, req, MPI_STATUSES_IGNORE));
            ALOG_MPI_CHECK(comm, MPI_Recv(NULL, 0, MPI_BYTE, 0, TAG_ACK, comm,
                                          MPI_STATUS_IGNORE));
        }
        free(buf);
        free(req);
    }
    return rate;
}

static void ping_pong(MPI_Comm comm, int rank, const ref_opts *o,
                      int64_t *p50, double *avg, int64_t *min)
{
    long n = o->pp_iters, warm = n / 10 + 1;
    char *buf = calloc(1, (size_t)(o->size ? o->size : 1));
    int64_t *rtt = rank == 0 ? malloc((size_t)n * sizeof *rtt) : NULL;
    MPI_Request req;

    if (buf == NULL || (rank == 0 && rtt == NULL)) {
        fprintf(stderr, PROG ": out of memory\n");
        MPI_Abort(comm, 1);
    }
    if (rank == 0) {
        for (long i = -warm; i < n; i++) {
            int64_t t0 = now_ns();
            ALOG_MPI_CHECK(comm, MPI_Send(buf, (int)o->size, MPI_BYTE, 1,
                                          TAG_PING, comm));
            ALOG_MPI_CHECK(comm, MPI_Recv(buf, (int)o->size, MPI_BYTE, 1,
                                          TAG_PING, comm, MPI_STATUS_IGNORE));
            if (i >= 0)
                rtt[i] = now_ns() - t0;
        }
        double sum = 0;
        for (long i = 0; i < n; i++)
            sum += (double)rtt[i];
        qsort(rtt, (size_t)n, sizeof *rtt, cmp_i64);
        *p50 = rtt[(n - 1) / 2] / 2;
        *min = rtt[0];
        *avg = sum / (double)n / 2.0;
    } else if (rank == 1) {
        for (long i = -warm; i < n; i++) {
            ALOG_MPI_CHECK(comm, MPI_Recv(buf, (int)o->size, MPI_BYTE, 0,
                                          TAG_PING, comm, MPI_STATUS_IGNORE));
            ALOG_MPI_CHECK(comm, MPI_Send(buf, (int)o->size, MPI_BYTE, 0,
                                          TAG_PING, comm));
        }
    }
    /* The others wait asleep, out of the way of the pair. */
    ALOG_MPI_CHECK(comm, MPI_Ibarrier(comm, &req));
    wait_asleep(comm, &req);
    free(buf);
    free(rtt);
}

static void sleep_until_ns(int64_t t)
{
    alog_sleep_until(t, NULL); /* the core's one sleep: adapted under SMPI */
}

/* Median arrival minus stamp of paced messages from every sender; rank 0
 * returns it, the others 0. */
static int64_t paced_latency(MPI_Comm comm, int rank, int size,
                             const ref_opts *o)
{
    long n = o->paced_n;
    int64_t iv = 1000000000 / o->paced_hz;
    size_t bytes = o->size > (long)sizeof(int64_t) ? (size_t)o->size
                                                   : sizeof(int64_t);
    char *buf = calloc(1, bytes);
    long total = rank == 0 ? n * (size - 1) : 0;
    int64_t *lat = rank == 0 ? malloc((size_t)total * sizeof *lat) : NULL;
    int64_t start = 0, p50 = 0;
    if (buf == NULL || (rank == 0 && lat == NULL)) {
        fprintf(stderr, PROG ": out of memory\n");
        MPI_Abort(comm, 1);
    }
    if (rank == 0)
        start = now_ns() + 20000000; /* everyone starts together */
    ALOG_MPI_CHECK(comm, MPI_Bcast(&start, 1, MPI_INT64_T, 0, comm));
    if (rank == 0) {
        for (long i = 0; i < total; i++) {
            int64_t stamp;
            ALOG_MPI_CHECK(comm, MPI_Recv(buf, (int)bytes, MPI_BYTE,
                                          MPI_ANY_SOURCE, TAG_PACED, comm,
                                          MPI_STATUS_IGNORE));
            int64_t t = now_ns();
            memcpy(&stamp, buf, sizeof stamp);
            lat[i] = t - stamp;
        }
        qsort(lat, (size_t)total, sizeof *lat, cmp_i64);
        p50 = lat[(total - 1) / 2];
    } else {
        for (long k = 0; k < n; k++) {
            int64_t due = start + k * iv;
            if (iv > 20 * PACED_WARM_NS)
                sleep_until_ns(due - PACED_WARM_NS);
            while (now_ns() < due)
                ;
            int64_t stamp = now_ns();
            memcpy(buf, &stamp, sizeof stamp);
            ALOG_MPI_CHECK(comm, MPI_Send(buf, (int)bytes, MPI_BYTE, 0,
                                          TAG_PACED, comm));
        }
    }
    free(buf);
    free(lat);
    return p50;
}

/* The producer ceiling's emit: alog-mpi's packing, then where a full
 * batch would be sent, nothing (a compiler barrier keeps the stores). */
typedef struct packer {
    unsigned char *buf;
    size_t rb;
    long k, n;
} packer;

ALOG_EMIT int pack_emit(void *self, alog_record *r)
{
    packer *p = self;
    alog_mpi_rec_put(p->buf + (size_t)p->n * p->rb, r);
    if (++p->n == p->k) {
        __asm__ volatile("" : : "r"(p->buf) : "memory");
        p->n = 0;
    }
    return 0;
}

static const alog_produce_ops pack_ops = {.emit = pack_emit};

/* Records/s every sender stamps and packs alone, summed on rank 0. */
static double producer_ceiling(MPI_Comm comm, int rank, const ref_opts *o)
{
    double mine = 0, sum = 0;
    if (rank > 0) {
        static const atomic_int never = 0;
        alog_config cfg = {.payload = (unsigned)o->size};
        packer p = {.rb = alog_mpi_rec_bytes(&cfg), .k = o->pack};
        p.buf = calloc((size_t)p.k, p.rb);
        if (p.buf == NULL)
            alog_mpi_abort(comm, "out of memory");
        alog_produce_spec spec = {.producer = (uint32_t)(rank - 1),
                                  .start_ns = now_ns(),
                                  .end_ns = INT64_MAX,
                                  .count = (uint64_t)o->ceiling,
                                  .fail_after = -1};
        alog_produce_end end;
        int64_t t0 = now_ns();
        alog_produce(&spec, &pack_ops, &p, &never, &end);
        int64_t t1 = now_ns();
        mine = t1 > t0 ? (double)end.made * 1e9 / (double)(t1 - t0) : 0;
        free(p.buf);
    }
    ALOG_MPI_CHECK(comm, MPI_Reduce(&mine, &sum, 1, MPI_DOUBLE, MPI_SUM, 0,
                                    comm));
    return sum;
}

int main(int argc, char **argv)
{
    int provided = 0, rank = 0, size = 0, status = 0;
    char err[256];
    ref_opts o;

    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) !=
        MPI_SUCCESS) {
        fprintf(stderr, PROG ": MPI_Init_thread failed\n");
        return 1;
    }
    MPI_Comm comm = MPI_COMM_WORLD;
    MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);

    int pr = parse(argc, argv, &o, err, sizeof err);
    if (pr == 1) {
        if (rank == 0)
            usage();
    } else if (pr == 2) {
        if (rank == 0)
            fprintf(stderr, "%s\n", err);
        status = 2;
    } else if (size < 2) {
        if (rank == 0)
            fprintf(stderr, PROG ": needs at least 2 ranks (mpirun -np N, "
                            "N >= 2)\n");
        status = 2;
    } else {
        char lib[MPI_MAX_LIBRARY_VERSION_STRING];
        int len = 0;
        int64_t p50 = 0, min = 0;
        double avg = 0;
        ALOG_MPI_CHECK(comm, MPI_Get_library_version(lib, &len));
        lib[strcspn(lib, "\r\n")] = '\0';
        ALOG_MPI_CHECK(comm, MPI_Barrier(comm));
        double rate = message_rate(comm, rank, size, &o);
        if (o.pp_iters > 0)
            ping_pong(comm, rank, &o, &p50, &avg, &min);
        int64_t paced = o.paced_hz > 0 ? paced_latency(comm, rank, size, &o) : 0;
        double ceiling = o.ceiling > 0 ? producer_ceiling(comm, rank, &o) : 0;
        if (rank == 0) {
            printf("# " PROG ": plain MPI many-to-one message rate and "
                   "ping-pong latency, clock=CLOCK_MONOTONIC\n");
            printf("mpi_library=%s\n", lib);
            printf("ranks=%d\nsenders=%d\nsize=%ld\nwindow=%ld\niters=%ld\n",
                   size, size - 1, o.size, o.window, o.iters);
            printf("ref_msgs_per_s=%.0f\n", rate);
            if (o.pp_iters > 0)
                printf("ref_oneway_p50_ns=%" PRId64 "\nref_oneway_avg_ns=%.0f\n"
                       "ref_rtt_min_ns=%" PRId64 "\n", p50, avg, min);
            if (o.paced_hz > 0)
                printf("paced_hz=%ld\npaced_count=%ld\nref_paced_p50_ns=%" PRId64
                       "\n", o.paced_hz, o.paced_n, paced);
            if (o.ceiling > 0)
                printf("ceiling_count=%ld\npack=%ld\n"
                       "ref_ceiling_records_per_s=%.0f\n",
                       o.ceiling, o.pack, ceiling);
            fflush(stdout);
        }
    }
    MPI_Finalize();
    return status;
}
