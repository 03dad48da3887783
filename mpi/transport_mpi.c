/* transport_mpi.c - records over MPI: ranks 1..N-1 produce, rank 0
 * collects into one list per producer (producer index = rank - 1).
 *
 * Protocol, on a private duplicate of the caller's communicator:
 *   producer -> 0   TAG_DATA   1..batch records, each rec_bytes long
 *   producer -> 0   TAG_FINAL  last message: records sent, how it ended
 *   0 -> producer   TAG_CTRL   CTRL_STOP (interrupt), CTRL_DONE (after
 *                              the final arrived; the producer may leave)
 * MPI keeps the messages of one sender in order on one communicator, so a
 * final message means every record of that producer is in: the collector
 * ends when every final has arrived, and a producer that fails still sends
 * one, so nothing waits forever.
 *
 * A record on the wire (native byte order: one homogeneous cluster):
 *   u64 seq | i64 sched_ns | i64 produce_ns | zero filler up to --payload
 * with times on the producer's CLOCK_MONOTONIC; rank 0 shifts them onto
 * its own clock with the offset measured by clock_sync.c.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alog_mpi.h"
#include "mpi_check.h"

enum { TAG_DATA = 1, TAG_FINAL = 2, TAG_CTRL = 3, TAG_SETUP = 4 };
enum { CTRL_STOP = 1, CTRL_DONE = 2 };
enum { END_DONE = 0, END_FAILED = 1, END_STOPPED = 2 };

#define WIRE_REC 24u        /* seq, sched_ns, produce_ns */
#define SEND_WINDOW 64      /* unthrottled: sends in flight (as alog-ref-mpi) */
#define WINDOW_BYTES (4u << 20)    /* ...or fewer, to stay under this many bytes */
#define START_LEAD_NS 50000000LL   /* schedule starts this long after sync */
#define NAP_MAX_NS 50000000LL      /* longest sleep before looking at messages */
#ifndef ALOG_MPI_WARM_NS /* -D to experiment: longer spins, less lateness */
#define ALOG_MPI_WARM_NS 50000LL
#endif
#define WARM_NS ALOG_MPI_WARM_NS   /* paced producers spin this long */
#define SPIN_EARLY_NS 200000LL     /* rank 0 starts polling this early */
#define SPIN_LATE_NS 2000000LL     /* ...and polls this long past the forecast */
#define LATE_NAP_NS 50000LL        /* then naps this long between polls */

/* The last message of a producer (TAG_FINAL). */
typedef struct wire_final {
    uint64_t sent;  /* records it sent */
    int64_t cpu_ns; /* its CPU time */
    int32_t end;    /* END_* */
    int32_t reserved;
} wire_final;

static size_t rec_bytes(const alog_config *cfg)
{
    return cfg->payload > WIRE_REC ? cfg->payload : WIRE_REC;
}

/* Sends an unthrottled producer keeps in flight for messages of cap bytes. */
static int window_for(size_t cap)
{
    size_t w = WINDOW_BYTES / (cap ? cap : 1);
    return w >= SEND_WINDOW ? SEND_WINDOW : w < 2 ? 2 : (int)w;
}

static int64_t cpu_now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sleep until t on CLOCK_MONOTONIC; a signal ends the sleep early. */
static void sleep_until(int64_t t)
{
    struct timespec ts = {.tv_sec = t / 1000000000, .tv_nsec = t % 1000000000};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static void nap(int64_t ns)
{
    sleep_until(alog_now_ns() + ns);
}

/* Rank 0 gives each other rank one int64 (tag TAG_SETUP); the others wait
 * for theirs asleep, so that on an oversubscribed host they leave the CPUs
 * to the ranks that work (rank 0 syncing clocks, writing the report).
 * Point-to-point on purpose: a nonblocking collective would leave libnbc's
 * progress hook in every later MPI call of the run. */
static void hand_out(MPI_Comm comm, int rank, int size, const int64_t *all,
                     int64_t *mine)
{
    if (rank == 0) {
        for (int r = 1; r < size; r++)
            ALOG_MPI_CHECK(comm, MPI_Send(&all[r], 1, MPI_INT64_T, r,
                                          TAG_SETUP, comm));
        *mine = all[0];
        return;
    }
    MPI_Request req;
    ALOG_MPI_CHECK(comm, MPI_Irecv(mine, 1, MPI_INT64_T, 0, TAG_SETUP, comm,
                                   &req));
    for (;;) {
        int flag = 0;
        ALOG_MPI_CHECK(comm, MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
        if (flag)
            return;
        nap(200000);
    }
}

static _Noreturn void out_of_memory(MPI_Comm comm)
{
    /* Peers are mid-protocol: no way back but aborting the job. */
    fprintf(stderr, "alog-mpi: out of memory\n");
    fflush(stderr);
    MPI_Abort(comm, 1);
    _Exit(1);
}

/* ==== producers (ranks 1..N-1) ======================================= */

typedef struct producer {
    MPI_Comm comm;
    const alog_config *cfg;
    size_t rb;            /* bytes per record */
    size_t cap;           /* bytes per message buffer */
    int window;           /* message buffers, all in flight at most */
    unsigned char *bufs;  /* window buffers of cap bytes */
    MPI_Request *reqs;    /* their sends */
    int slot;             /* buffer being filled */
    unsigned n;           /* records in it */
    int64_t first_ns;     /* produce time of its first record */
    int paced;            /* interval > 0 */
    int64_t warm_ns;      /* paced: spin this long before each deadline */
    MPI_Request ctrl;     /* pre-posted receive of rank 0's TAG_CTRL */
    int ctrl_msg;
} producer;

/* Send the records of the current buffer.  Paced, the send completes at
 * once, so the message does not wait for our next MPI call (with TCP it
 * could) while we sleep.  Unthrottled, up to a window of sends stays in
 * flight, the way a plain MPI sender streams. */
static void flush(producer *p)
{
    if (p->n == 0)
        return;
    unsigned char *buf = p->bufs + (size_t)p->slot * p->cap;
    ALOG_MPI_CHECK(p->comm, MPI_Isend(buf, (int)(p->n * p->rb), MPI_BYTE, 0,
                                      TAG_DATA, p->comm, &p->reqs[p->slot]));
    if (p->paced)
        ALOG_MPI_CHECK(p->comm, MPI_Wait(&p->reqs[p->slot], MPI_STATUS_IGNORE));
    p->n = 0;
    if (++p->slot == p->window)
        p->slot = 0;
    /* A rolling window, completed a quarter at a time: entering a quarter,
     * wait for its sends only.  Waiting for the whole window would stall
     * a sender of messages past the eager limit (rendezvous) until rank 0
     * had drained every one, then leave rank 0 idle while it refills (2-3x
     * fewer records/s with --batch 64); a wait per send costs small
     * messages an MPI call each. */
    int quarter = p->window >= 4 ? p->window / 4 : 1;
    if (p->slot % quarter == 0) {
        int n = p->window - p->slot < quarter ? p->window - p->slot : quarter;
        ALOG_MPI_CHECK(p->comm, MPI_Waitall(n, p->reqs + p->slot,
                                            MPI_STATUSES_IGNORE));
    }
}

/* Did rank 0 tell us to stop? */
static int stop_asked(producer *p)
{
    int flag = 0;
    ALOG_MPI_CHECK(p->comm, MPI_Test(&p->ctrl, &flag, MPI_STATUS_IGNORE));
    if (!flag)
        return 0;
    if (p->ctrl_msg == CTRL_STOP) /* listen again for CTRL_DONE */
        ALOG_MPI_CHECK(p->comm, MPI_Irecv(&p->ctrl_msg, 1, MPI_INT, 0,
                                          TAG_CTRL, p->comm, &p->ctrl));
    return 1;
}

/* Sleep towards t in naps short enough to notice a stop message. */
static int wait_towards(producer *p, int64_t t, const atomic_int *stop)
{
    for (;;) {
        if (atomic_load(stop) != 0 || stop_asked(p))
            return 1;
        int64_t left = t - alog_now_ns();
        if (left <= NAP_MAX_NS)
            return 0;
        nap(NAP_MAX_NS);
    }
}

static void put_record(producer *p, uint64_t seq, int64_t sched,
                       int64_t produce)
{
    unsigned char *r = p->bufs + (size_t)p->slot * p->cap + p->n * p->rb;
    memcpy(r, &seq, 8);
    memcpy(r + 8, &sched, 8);
    memcpy(r + 16, &produce, 8);
    if (p->n == 0)
        p->first_ns = produce;
    p->n++;
}

/* Paced: wait for the next deadline (flushing a partial batch when its
 * flush deadline comes first).  0, or END_* when the producer must end. */
static int paced_wait(producer *p, alog_pace *pace, int64_t flush_ns,
                      int64_t *sched, const atomic_int *stop)
{
    int64_t next = alog_pace_deadline(pace, pace->k);

    if (p->n > 0 && next > p->first_ns + flush_ns) {
        if (wait_towards(p, p->first_ns + flush_ns, stop))
            return END_STOPPED;
        sleep_until(p->first_ns + flush_ns);
        flush(p);
    }
    if (p->warm_ns > 0) {
        /* Sleep until shortly before the deadline, then stay on the CPU:
         * a send from a rank fresh out of sleep finds its caches, TLB and
         * MPI's queues cold and takes microseconds; this way the record
         * leaves on time and as fast as MPI can send it. */
        if (wait_towards(p, next - p->warm_ns, stop))
            return END_STOPPED;
        sleep_until(next - p->warm_ns);
        if (stop_asked(p)) /* also warms MPI's progress path */
            return END_STOPPED;
        while (alog_now_ns() < next && atomic_load(stop) == 0)
            ;
    } else if (wait_towards(p, next, stop)) {
        return END_STOPPED;
    }
    int rc = alog_pace_wait(pace, stop, sched);
    if (rc == ALOG_EINTR)
        return END_STOPPED;
    return rc == 0 ? 0 : END_FAILED; /* the clock failed us */
}

static int produce(const alog_config *cfg, MPI_Comm comm, int rank, int size,
                   int64_t start_ns)
{
    producer p = {.comm = comm, .cfg = cfg, .rb = rec_bytes(cfg)};
    const atomic_int *stop = alog_stop_flag();
    unsigned batch = cfg->batch > 0 ? cfg->batch : 1;
    int64_t interval = alog_config_interval_ns(cfg, (unsigned)(rank - 1));
    int64_t flush_ns = (int64_t)(cfg->flush_ms * 1e6);
    int64_t dur_ns = 0, last = start_ns;
    uint64_t limit = cfg->count > 0 ? cfg->count : UINT64_MAX;
    int64_t fail = rank == size - 1 ? cfg->fail_after : -1;
    uint64_t seq = 0;
    volatile uint64_t sink = 0; /* keeps --work from being optimised away */
    int end = END_DONE;
    alog_pace pace;

    if (cfg->duration > 0 && alog_seconds_to_ns(cfg->duration, &dur_ns) != 0)
        dur_ns = INT64_MAX / 4;
    int64_t end_ns = dur_ns > 0 ? start_ns + dur_ns : INT64_MAX;
    p.cap = (size_t)batch * p.rb;
    p.paced = interval > 0;
    p.window = p.paced ? 1 : window_for(p.cap);
    /* Spinning is worth it only when it is a small share of the interval. */
    p.warm_ns = interval >= WARM_NS * 20 ? WARM_NS : 0;
    p.bufs = calloc((size_t)p.window, p.cap); /* zero filler */
    p.reqs = malloc((size_t)p.window * sizeof *p.reqs);
    if (p.bufs == NULL || p.reqs == NULL)
        out_of_memory(comm);
    for (int i = 0; i < p.window; i++)
        p.reqs[i] = MPI_REQUEST_NULL;
    ALOG_MPI_CHECK(comm, MPI_Irecv(&p.ctrl_msg, 1, MPI_INT, 0, TAG_CTRL, comm,
                                   &p.ctrl));
    alog_pace_init(&pace, start_ns, interval);
    /* Everyone starts at the common start, unthrottled ones too. */
    if (wait_towards(&p, start_ns, stop))
        end = END_STOPPED;
    else
        sleep_until(start_ns);

    for (; end == END_DONE; seq++) {
        int64_t sched = 0, made = 0;
        if (seq >= limit)
            break;
        if (fail >= 0 && seq >= (uint64_t)fail) {
            end = END_FAILED;
            break;
        }
        if (p.paced) {
            if (alog_pace_deadline(&pace, pace.k) >= end_ns)
                break;
            end = paced_wait(&p, &pace, flush_ns, &sched, stop);
            if (end != END_DONE)
                break;
        } else {
            if (last >= end_ns)
                break;
            /* A stop message costs an MPI call to look for, as much as a
             * small send: look only every 64 records. */
            if ((seq & 63) == 0 && (atomic_load(stop) != 0 || stop_asked(&p))) {
                end = END_STOPPED;
                break;
            }
            /* As fast as possible: a record is due the moment we get to it;
             * one clock read serves both times when there is no work. */
            sched = alog_now_ns();
        }
        if (cfg->work > 0) {
            sink += alog_work(cfg->work);
            made = alog_now_ns();
        } else {
            made = p.paced ? alog_now_ns() : sched;
        }
        put_record(&p, seq, sched, made);
        last = made;
        if (p.n == batch)
            flush(&p);
    }
    flush(&p);
    ALOG_MPI_CHECK(comm, MPI_Waitall(p.window, p.reqs, MPI_STATUSES_IGNORE));

    wire_final fin = {.sent = seq, .cpu_ns = cpu_now_ns(), .end = end};
    ALOG_MPI_CHECK(comm, MPI_Send(&fin, (int)sizeof fin, MPI_BYTE, 0,
                                  TAG_FINAL, comm));
    /* Stay until rank 0 has everything: a CTRL_STOP may still be on its
     * way and must not be left unreceived. */
    for (;;) {
        int flag = 0;
        ALOG_MPI_CHECK(comm, MPI_Test(&p.ctrl, &flag, MPI_STATUS_IGNORE));
        if (flag && p.ctrl_msg == CTRL_DONE)
            break;
        if (flag)
            ALOG_MPI_CHECK(comm, MPI_Irecv(&p.ctrl_msg, 1, MPI_INT, 0,
                                           TAG_CTRL, comm, &p.ctrl));
        else
            nap(100000);
    }
    free(p.bufs);
    free(p.reqs);
    return ALOG_OK;
}

/* ==== the collector (rank 0) ========================================= */

typedef struct source {    /* rank 0's view of one producer */
    int64_t offset_ns;     /* its clock minus ours */
    int64_t interval_ns;   /* 0: unthrottled */
    int64_t fail_after;    /* -1: never */
    uint64_t received;     /* records stored */
    uint64_t sent;         /* from its final message */
    int64_t cpu_ns;        /* from its final message */
    uint64_t malformed;    /* messages that made no sense */
    int end;               /* END_*, once finished */
    int finished;          /* its final message arrived */
} source;

typedef struct collector {
    MPI_Comm comm;
    const alog_config *cfg;
    alog_result *res;
    int nprod;
    size_t rb;             /* bytes per record */
    size_t cap;            /* bytes of the largest message */
    unsigned batch;
    int64_t start_ns;      /* schedule start, our clock */
    int64_t end_ns;        /* start + duration, or INT64_MAX */
    int64_t flush_ns;
    int oversubscribed;    /* yield while polling */
    source *src;
    int active;            /* producers whose final has not come */
    int stop_sent;
    uint64_t messages, records;
    uint64_t stray;        /* messages from no producer of ours */
    int64_t last_ns;       /* our clock at the last message */
    alog_progress progress;
    uint64_t target;       /* records asked for in total (0: by time) */
} collector;

/* One collect mode: how rank 0 waits for messages. */
typedef struct collect_ops {
    const char *name;
    int (*run)(collector *c, const atomic_int *stop);
} collect_ops;

static int on_data(collector *c, int p, const unsigned char *buf, int bytes,
                   int64_t now)
{
    source *s = &c->src[p];
    alog_reclist *l = alog_result_list(c->res, (unsigned)p);
    size_t n = (size_t)bytes / c->rb;

    if ((size_t)bytes % c->rb != 0)
        s->malformed++;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *w = buf + i * c->rb;
        uint64_t seq;
        int64_t sched, prod;
        memcpy(&seq, w, 8);
        memcpy(&sched, w + 8, 8);
        memcpy(&prod, w + 16, 8);
        alog_record *r = alog_reclist_push(l);
        if (r == NULL)
            return ALOG_ENOMEM; /* push hands out a zeroed slot */
        r->sched_ns = sched - s->offset_ns;
        r->produce_ns = prod - s->offset_ns;
        r->collect_ns = now;
        r->clock_ms = r->produce_ns / 1000000;
        r->seq = seq;
        r->producer = (uint32_t)p;
        r->bytes = (uint32_t)c->rb;
    }
    s->received += n;
    c->records += n;
    c->messages++;
    c->last_ns = now;
    if ((c->messages & 63) == 0)
        alog_progress_tick(&c->progress, c->records, c->target);
    return ALOG_OK;
}

static void on_final(collector *c, int p, const unsigned char *buf, int bytes,
                     int64_t now)
{
    source *s = &c->src[p];
    wire_final fin;
    int done = CTRL_DONE;

    if (bytes == (int)sizeof fin) {
        memcpy(&fin, buf, sizeof fin);
        s->sent = fin.sent;
        s->cpu_ns = fin.cpu_ns;
        s->end = fin.end;
    } else { /* cannot happen with our producers; never hang on it */
        s->malformed++;
        s->sent = s->received;
        s->end = END_FAILED;
    }
    s->finished = 1;
    c->active--;
    c->last_ns = now;
    ALOG_MPI_CHECK(c->comm, MPI_Send(&done, 1, MPI_INT, p + 1, TAG_CTRL,
                                     c->comm));
}

static int dispatch(collector *c, int p, int tag, const unsigned char *buf,
                    int bytes, int64_t now)
{
    if (p < 0 || p >= c->nprod) {
        c->stray++;
        return ALOG_OK;
    }
    if (c->src[p].finished) {
        c->src[p].malformed++;
        return ALOG_OK;
    }
    if (tag == TAG_DATA)
        return on_data(c, p, buf, bytes, now);
    if (tag == TAG_FINAL) {
        on_final(c, p, buf, bytes, now);
        return ALOG_OK;
    }
    c->src[p].malformed++;
    return ALOG_OK;
}

/* Tell every producer still running to stop (once). */
static void send_stop(collector *c)
{
    int msg = CTRL_STOP;
    for (int p = 0; p < c->nprod; p++)
        if (!c->src[p].finished)
            ALOG_MPI_CHECK(c->comm, MPI_Send(&msg, 1, MPI_INT, p + 1, TAG_CTRL,
                                             c->comm));
    c->stop_sent = 1;
}

/* When the next message of producer p should arrive, on our clock:
 * INT64_MIN when it may come any moment (unthrottled, final due). */
static int64_t forecast(const collector *c, int p)
{
    const source *s = &c->src[p];
    uint64_t k = s->received;
    int64_t iv = s->interval_ns;

    if (iv == 0 || c->stop_sent)
        return INT64_MIN;
    if ((c->cfg->count > 0 && k >= c->cfg->count) ||
        (s->fail_after >= 0 && k >= (uint64_t)s->fail_after))
        return INT64_MIN;
    int64_t t = c->start_ns + (int64_t)k * iv;
    if (t >= c->end_ns)
        return INT64_MIN;
    if (c->batch > 1) {
        /* A batch leaves when full, at its flush deadline, or with the
         * producer's last record, whichever comes first. */
        uint64_t last = k + c->batch - 1;
        if (c->cfg->count > 0 && last > c->cfg->count - 1)
            last = c->cfg->count - 1;
        if (s->fail_after > 0 && last > (uint64_t)s->fail_after - 1)
            last = (uint64_t)s->fail_after - 1;
        int64_t full = c->start_ns + (int64_t)last * iv;
        int64_t due = t + c->flush_ns;
        t = full < due ? full : due;
        if (t > c->end_ns)
            t = c->end_ns;
    }
    return t;
}

/* Nothing arrived: sleep until shortly before the next forecast arrival,
 * poll around it (return at once), and nap between polls once it is
 * overdue. */
static void idle(const collector *c)
{
    int64_t next = INT64_MAX;
    for (int p = 0; p < c->nprod; p++) {
        if (c->src[p].finished)
            continue;
        int64_t t = forecast(c, p);
        if (t < next)
            next = t;
    }
    int64_t now = alog_now_ns();
    if (next == INT64_MIN || (now >= next - SPIN_EARLY_NS &&
                              now <= next + SPIN_LATE_NS)) {
        if (c->oversubscribed)
            sched_yield();
        return;
    }
    if (now > next)
        nap(LATE_NAP_NS);
    else
        sleep_until(next - SPIN_EARLY_NS < now + NAP_MAX_NS
                        ? next - SPIN_EARLY_NS
                        : now + NAP_MAX_NS);
}

static int collect_blocking(collector *c, const atomic_int *stop)
{
    unsigned char *buf = malloc(c->cap);
    int rc = ALOG_OK;

    if (buf == NULL)
        return ALOG_ENOMEM;
    /* The naive way: take whatever comes next from anyone. */
    while (c->active > 0 && rc == ALOG_OK) {
        MPI_Status st;
        int bytes = 0;
        if (atomic_load(stop) != 0 && !c->stop_sent)
            send_stop(c);
        ALOG_MPI_CHECK(c->comm, MPI_Recv(buf, (int)c->cap, MPI_BYTE,
                                         MPI_ANY_SOURCE, MPI_ANY_TAG, c->comm,
                                         &st));
        int64_t now = alog_now_ns();
        ALOG_MPI_CHECK(c->comm, MPI_Get_count(&st, MPI_BYTE, &bytes));
        rc = dispatch(c, st.MPI_SOURCE - 1, st.MPI_TAG, buf, bytes, now);
    }
    free(buf);
    return rc;
}

/* Pre-posted receives: RECV_DEPTH per producer (2: double-buffered), so
 * one can fill while another is being stored.  MPI matches a sender's
 * messages to our receives in the order we posted them, so each
 * producer's slots are consumed strictly in posting order (head first),
 * whatever order Waitsome lists them in. */
#ifndef ALOG_MPI_RECV_DEPTH
#define ALOG_MPI_RECV_DEPTH 2
#endif
enum { RECV_DEPTH = ALOG_MPI_RECV_DEPTH };

typedef struct slot {
    int ready;  /* completed, not yet stored */
    int bytes;
    int tag;
} slot;

typedef struct async_state {
    collector *c;
    unsigned char *bufs; /* RECV_DEPTH * nprod buffers of c->cap bytes */
    MPI_Request *req;
    slot *slots;
    int *head;           /* per producer: its slot posted first */
} async_state;

static void post(async_state *a, int s)
{
    collector *c = a->c;
    ALOG_MPI_CHECK(c->comm, MPI_Irecv(a->bufs + (size_t)s * c->cap, (int)c->cap,
                                      MPI_BYTE, s / RECV_DEPTH + 1, MPI_ANY_TAG,
                                      c->comm, &a->req[s]));
}

/* The final message came: the producer's other slots were all posted after
 * it, so nothing can come for them any more. */
static void retire(async_state *a, int p)
{
    collector *c = a->c;
    for (int k = 1; k < RECV_DEPTH; k++) {
        int o = RECV_DEPTH * p + (a->head[p] + k) % RECV_DEPTH;
        if (a->req[o] != MPI_REQUEST_NULL) {
            MPI_Status st;
            int cancelled = 0;
            ALOG_MPI_CHECK(c->comm, MPI_Cancel(&a->req[o]));
            ALOG_MPI_CHECK(c->comm, MPI_Wait(&a->req[o], &st));
            ALOG_MPI_CHECK(c->comm, MPI_Test_cancelled(&st, &cancelled));
            if (!cancelled)
                c->src[p].malformed++;
        }
        if (a->slots[o].ready)
            c->src[p].malformed++;
    }
}

static int drain(async_state *a, int p, int64_t now)
{
    collector *c = a->c;
    for (;;) {
        int s = RECV_DEPTH * p + a->head[p];
        if (!a->slots[s].ready)
            return ALOG_OK;
        a->slots[s].ready = 0;
        int rc = dispatch(c, p, a->slots[s].tag, a->bufs + (size_t)s * c->cap,
                          a->slots[s].bytes, now);
        if (rc != ALOG_OK)
            return rc;
        if (c->src[p].finished) {
            retire(a, p);
            return ALOG_OK;
        }
        post(a, s);
        a->head[p] = (a->head[p] + 1) % RECV_DEPTH;
    }
}

static int collect_async(collector *c, const atomic_int *stop)
{
    int n = RECV_DEPTH * c->nprod;
    async_state a = {.c = c};
    int *idx = malloc((size_t)n * sizeof *idx);
    MPI_Status *st = malloc((size_t)n * sizeof *st);
    int rc = ALOG_OK;
    int paced = 1;

    a.bufs = malloc((size_t)n * c->cap);
    a.req = malloc((size_t)n * sizeof *a.req);
    a.slots = calloc((size_t)n, sizeof *a.slots);
    a.head = calloc((size_t)c->nprod, sizeof *a.head);
    if (idx == NULL || st == NULL || a.bufs == NULL || a.req == NULL ||
        a.slots == NULL || a.head == NULL) {
        rc = ALOG_ENOMEM;
        goto out;
    }
    for (int p = 0; p < c->nprod; p++)
        paced &= c->src[p].interval_ns > 0;
    for (int s = 0; s < n; s++)
        post(&a, s);

    while (c->active > 0 && rc == ALOG_OK) {
        int got = 0;
        if (atomic_load(stop) != 0 && !c->stop_sent)
            send_stop(c);
        if (!paced || c->stop_sent) {
            /* Messages come all the time: let MPI wait for them. */
            ALOG_MPI_CHECK(c->comm, MPI_Waitsome(n, a.req, &got, idx, st));
        } else {
            ALOG_MPI_CHECK(c->comm, MPI_Testsome(n, a.req, &got, idx, st));
            if (got == 0) {
                idle(c);
                continue;
            }
        }
        if (got == MPI_UNDEFINED) { /* no receive left, yet finals missing */
            rc = ALOG_EPROTO;
            break;
        }
        int64_t now = alog_now_ns();
        for (int i = 0; i < got; i++) {
            slot *sl = &a.slots[idx[i]];
            sl->ready = 1;
            sl->tag = st[i].MPI_TAG;
            ALOG_MPI_CHECK(c->comm, MPI_Get_count(&st[i], MPI_BYTE, &sl->bytes));
        }
        for (int i = 0; i < got && rc == ALOG_OK; i++)
            rc = drain(&a, idx[i] / RECV_DEPTH, now);
    }
    /* Only after a failure can receives still be pending. */
    for (int s = 0; a.req != NULL && s < n; s++) {
        if (a.req[s] != MPI_REQUEST_NULL) {
            ALOG_MPI_CHECK(c->comm, MPI_Cancel(&a.req[s]));
            ALOG_MPI_CHECK(c->comm, MPI_Wait(&a.req[s], MPI_STATUS_IGNORE));
        }
    }
out:
    free(idx);
    free(st);
    free(a.bufs);
    free(a.req);
    free(a.slots);
    free(a.head);
    return rc;
}

static const collect_ops collect_modes[] = {
    {.name = "async", .run = collect_async},
    {.name = "blocking", .run = collect_blocking},
};

static const collect_ops *collect_find(int collect)
{
    return collect == ALOG_COLLECT_BLOCKING ? &collect_modes[1]
                                            : &collect_modes[0];
}

/* Header keys of this run's setup on rank 0. */
static int run_header(alog_result *res, const collector *c,
                      const collect_ops *ops, const alog_mpi_clock *clk,
                      int size)
{
    int64_t worst = 0;
    int rc = 0;
    for (int r = 1; r < size; r++)
        if (clk[r].rtt_ns / 2 > worst)
            worst = clk[r].rtt_ns / 2;
    int paced = 1;
    for (int p = 0; p < c->nprod; p++)
        paced &= c->src[p].interval_ns > 0;
    rc = rc ? rc : alog_result_header(res, "collect", "%s", ops->name);
    rc = rc ? rc : alog_result_header(
                       res, "collect_wait", "%s",
                       ops->run == collect_blocking ? "MPI_Recv(MPI_ANY_SOURCE)"
                       : paced ? "MPI_Testsome, asleep until the next "
                                 "forecast arrival"
                               : "MPI_Waitsome");
    rc = rc ? rc : alog_result_header(res, "batch", "%u", c->batch);
    rc = rc ? rc : alog_result_header(res, "flush_ms", "%g", c->cfg->flush_ms);
    rc = rc ? rc : alog_result_header(res, "record_bytes", "%zu", c->rb);
    rc = rc ? rc : alog_result_header(
                       res, "clock_sync",
                       "ping-pong with rank 0, %d rounds per rank, min round "
                       "trip kept; offsets larger than their uncertainty "
                       "applied to producer times",
                       ALOG_MPI_SYNC_ROUNDS);
    rc = rc ? rc : alog_result_header(res, "clock_unc_max_ns", "%lld",
                                      (long long)worst);
    rc = rc ? rc : alog_result_header(res, "wall",
                                      "schedule start to last message");
    return rc;
}

static int collect_and_report(const alog_config *cfg, MPI_Comm comm, int size,
                              int64_t start_ns, const alog_mpi_rankinfo *info,
                              const alog_mpi_clock *clk, FILE *out)
{
    int nprod = size - 1;
    const collect_ops *ops = collect_find(cfg->collect);
    const atomic_int *stop = alog_stop_flag();
    int rc = ALOG_OK;
    int over = 0;

    for (int r = 0; r < size; r++)
        over |= info[r].cores > 0 && info[r].local > info[r].cores;

    collector c = {
        .comm = comm,
        .cfg = cfg,
        .nprod = nprod,
        .rb = rec_bytes(cfg),
        .batch = cfg->batch > 0 ? cfg->batch : 1,
        .start_ns = start_ns,
        .end_ns = INT64_MAX,
        .flush_ns = (int64_t)(cfg->flush_ms * 1e6),
        .oversubscribed = over,
        .active = nprod,
        .last_ns = start_ns,
        .target = cfg->count * (uint64_t)nprod,
    };
    int64_t dur_ns = 0;
    if (cfg->duration > 0 && alog_seconds_to_ns(cfg->duration, &dur_ns) == 0)
        c.end_ns = start_ns + dur_ns;
    c.cap = (size_t)c.batch * c.rb;
    c.src = calloc((size_t)nprod, sizeof *c.src);
    c.res = alog_result_new((unsigned)nprod);
    if (c.src == NULL || c.res == NULL)
        out_of_memory(comm);
    for (int p = 0; p < nprod; p++) {
        char where[256];
        int64_t iv = alog_config_interval_ns(cfg, (unsigned)p);
        c.src[p].offset_ns = alog_mpi_clock_applied(&clk[p + 1]);
        c.src[p].interval_ns = iv;
        c.src[p].fail_after = p == nprod - 1 ? cfg->fail_after : -1;
        alog_result_set_target(c.res, (unsigned)p, iv > 0 ? 1e9 / (double)iv : 0,
                               cfg->count);
        alog_mpi_where(where, sizeof where, p + 1, &info[p + 1], &clk[p + 1]);
        rc = rc ? rc : alog_result_set_where(c.res, (unsigned)p, where);
    }
    rc = rc ? rc : alog_report_header_std(c.res, cfg, "mpi", ALOG_MPI_CLOCK);
    rc = rc ? rc : alog_mpi_env_header(c.res, comm, info, size);
    rc = rc ? rc : run_header(c.res, &c, ops, clk, size);
    if (rc != ALOG_OK) /* ENOMEM: still collect, so no producer hangs */
        rc = ALOG_ENOMEM;

    /* Nothing can come before the start: wait for it asleep, and count
     * rank 0's CPU time from there, like its wall time. */
    sleep_until(start_ns - SPIN_EARLY_NS);
    int64_t cpu0 = cpu_now_ns();
    alog_progress_init(&c.progress);
    int crc = ops->run(&c, stop);
    alog_progress_done(&c.progress);
    if (crc != ALOG_OK && c.active > 0) {
        /* Producers are still sending and we cannot take it: abort. */
        fprintf(stderr, "alog-mpi: collecting failed: %s\n",
                alog_strerror(crc));
        fflush(stderr);
        MPI_Abort(comm, 1);
    }
    if (rc == ALOG_OK)
        rc = crc;

    uint64_t lost = 0;
    int64_t prod_cpu = 0;
    for (int p = 0; p < nprod; p++) {
        source *s = &c.src[p];
        int status = ALOG_PS_OK;
        if (s->end == END_FAILED)
            status = ALOG_PS_SHORT;
        else if (s->end == END_STOPPED)
            status = ALOG_PS_STOPPED;
        if (s->received != s->sent) {
            /* MPI lost or invented records: say so, never hide it. */
            lost += s->sent > s->received ? s->sent - s->received : 0;
            if (status == ALOG_PS_OK)
                status = ALOG_PS_SHORT;
        }
        alog_result_set_status(c.res, (unsigned)p, status, 0);
        alog_result_add_malformed(c.res, (unsigned)p, s->malformed);
        prod_cpu += s->cpu_ns;
    }
    alog_result_set_interrupted(c.res, atomic_load(stop) != 0);
    alog_result_set_times(c.res, c.last_ns > start_ns ? c.last_ns - start_ns : 0,
                          cpu_now_ns() - cpu0);
    int hrc = 0;
    hrc = hrc ? hrc : alog_result_counter(c.res, "messages", (double)c.messages);
    hrc = hrc ? hrc : alog_result_counter(
                          c.res, "records_per_message",
                          c.messages ? (double)c.records / (double)c.messages
                                     : 0.0);
    hrc = hrc ? hrc : alog_result_counter(c.res, "producers_cpu_s",
                                          (double)prod_cpu / 1e9);
    hrc = hrc ? hrc : alog_result_counter(c.res, "lost", (double)lost);
    if (c.stray > 0)
        hrc = hrc ? hrc : alog_result_counter(c.res, "stray_messages",
                                              (double)c.stray);
    if (rc == ALOG_OK && hrc != 0)
        rc = hrc;

    int wrc = alog_report_write(out, cfg, c.res);
    if (rc == ALOG_OK)
        rc = wrc != ALOG_OK ? wrc : alog_result_outcome(c.res);
    alog_result_free(c.res);
    free(c.src);
    return rc;
}

int alog_mpi_check_config(const alog_config *cfg, const char *prog, char *err,
                          size_t errlen)
{
    size_t rb = rec_bytes(cfg);
    unsigned batch = cfg->batch > 0 ? cfg->batch : 1;

    if ((uint64_t)batch * rb > ALOG_MPI_MSG_MAX) {
        snprintf(err, errlen,
                 "%s: --batch '%u': %u records of %zu bytes exceed %u MiB "
                 "per message (see --help)",
                 prog, batch, batch, rb, ALOG_MPI_MSG_MAX >> 20);
        return ALOG_EINVAL;
    }
    return ALOG_OK;
}

int alog_run_mpi(const alog_config *cfg, MPI_Comm world, FILE *out)
{
    MPI_Comm comm;
    int rank = 0, size = 0, rc = ALOG_OK;
    int64_t start_ns = 0;
    alog_mpi_rankinfo *info = NULL;
    alog_mpi_clock *clk = NULL;
    int64_t *starts = NULL;

    ALOG_MPI_CHECK(world, MPI_Comm_size(world, &size));
    if (size < 2 || alog_mpi_check_config(cfg, "alog-mpi", NULL, 0) != 0)
        return ALOG_EINVAL;
    /* A private communicator: our tags never meet the caller's messages,
     * and its errors come back to us. */
    ALOG_MPI_CHECK(world, MPI_Comm_dup(world, &comm));
    ALOG_MPI_CHECK(world, MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN));
    ALOG_MPI_CHECK(comm, MPI_Comm_rank(comm, &rank));

    alog_config run = *cfg; /* shallow: the report counts N-1 producers */
    run.producers = (unsigned)(size - 1);
    alog_timerslack_set(1000); /* wake-ups within ~1 us, not 50 us */

    if (rank == 0) {
        info = calloc((size_t)size, sizeof *info);
        clk = calloc((size_t)size, sizeof *clk);
        starts = calloc((size_t)size, sizeof *starts);
        if (info == NULL || clk == NULL || starts == NULL)
            out_of_memory(comm);
    }
    alog_mpi_env_gather(comm, info);
    alog_mpi_clock_sync(comm, ALOG_MPI_SYNC_ROUNDS, clk);
    /* One schedule for all, on rank 0's clock, given to each rank on its
     * own clock. */
    if (rank == 0) {
        int64_t t0 = alog_now_ns() + START_LEAD_NS;
        for (int r = 0; r < size; r++)
            starts[r] = t0 + alog_mpi_clock_applied(&clk[r]);
    }
    hand_out(comm, rank, size, starts, &start_ns);

    if (rank == 0)
        rc = collect_and_report(&run, comm, size, start_ns, info, clk, out);
    else
        rc = produce(&run, comm, rank, size, start_ns);

    /* Every rank returns rank 0's verdict.  Producers wait asleep so that
     * rank 0 writes its report on a free CPU. */
    int64_t verdict = rc;
    int64_t *verdicts = starts;
    if (rank == 0)
        for (int r = 0; r < size; r++)
            verdicts[r] = rc;
    hand_out(comm, rank, size, verdicts, &verdict);
    rc = (int)verdict;
    free(info);
    free(clk);
    free(starts);
    ALOG_MPI_CHECK(world, MPI_Comm_free(&comm));
    return rc;
}
