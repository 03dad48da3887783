/** @file
 * alog.h - public API of the alog core library.
 *
 * Data flows one way: producer -> wire -> transport -> per-producer list
 * -> stats -> report.  Records are plain structs; lists, results and
 * merges are opaque.  Every function returns 0 (ALOG_OK) or a negative
 * ALOG_E* code; the library never exits, only the programs' mains do.
 * Times are nanoseconds on CLOCK_MONOTONIC unless a comment says otherwise.
 */
#ifndef ALOG_H
#define ALOG_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ALOG_VERSION "1.0.0" ///< version printed by --version and alog=

/* ---- errors ---------------------------------------------------------- */

/** Error codes: 0 or negative, as every function returns them. */
enum alog_err {
    ALOG_OK = 0,
    ALOG_EINVAL = -1,  ///< bad argument or option value
    ALOG_ENOMEM = -2,  ///< allocation failed
    ALOG_ESYS = -3,    ///< a system call failed; errno tells which
    ALOG_EIO = -4,     ///< a write of output failed (disk full, closed pipe)
    ALOG_EPROTO = -5,  ///< a line or frame that does not parse
    ALOG_ESHORT = -6,  ///< a producer stopped early or failed
    ALOG_EINTR = -7,   ///< the run was interrupted by SIGINT/SIGTERM
    ALOG_ERANGE = -8,  ///< a value out of its allowed range
    ALOG_EMPI = -9,    ///< an MPI call failed
    ALOG_EFULL = -10,  ///< collecting stopped for memory (out of it, or
                       ///< --max-memory reached); the report was written
    ALOG_ELOST = -11,  ///< records were lost or duplicated on the way
};

/** Static message for an ALOG_E* code; never NULL. */
const char *alog_strerror(int err);

/** Returns rc (ALOG_ESYS, ALOG_EIO) after a failed system call or write,
 * keeping errno and the call's name (a static string such as "pipe2", or
 * NULL) for this thread's next alog_reason(): the message then says what
 * failed however far up the code travels and whatever ran on the way. */
int alog_fail(int rc, const char *call);

/** What failed, for the message of an ALOG_E* code rc, into buf: after an
 * alog_fail(rc, call) "<call>: <strerror>" (or "<strerror>" without a
 * call), said once; else strerror(errno) for ALOG_ESYS and ALOG_EIO, and
 * alog_strerror(rc) for the others.  Returns buf. */
const char *alog_reason(int rc, char *buf, size_t len);

/** Process exit status for a run's result code:
 * 0 ok, 1 runtime error, 2 usage, 3 producer short/failed, 4 records lost
 * or duplicated (every producer ended as planned), 130 interrupted. */
int alog_exit_status(int err);

/* ---- diagnostics ---------------------------------------------------- */

/** Where library code says what went wrong while it runs.  The program
 * frame owns it and puts its program name first; library code never names
 * a program.  Each message is one line, "<prog>: <text>".  A NULL diag, or
 * one with a NULL stream, discards messages (tests). */
typedef struct alog_diag {
    const char *prog; ///< program name printed before every message
    FILE *f;          ///< stream, normally stderr; NULL: discard
} alog_diag;

/** Print "<prog>: <fmt...>\n" on d's stream and flush it. */
void alog_say(const alog_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- test hooks ------------------------------------------------------ */

/** The value of test hook `name` (an ALOG_* environment variable that
 * changes a run for testing: hooks.c lists them), or NULL when it is unset
 * or empty, or not a listed hook. */
const char *alog_hook(const char *name);
/** The active hooks as "NAME=value NAME=value" into buf (values shown
 * printable, spaces as '?', cut at 64 bytes; "" when none).  Returns how
 * many are active. */
size_t alog_hooks_describe(char *buf, size_t cap);

/* ---- clock ----------------------------------------------------------- */

/** CLOCK_MONOTONIC in ns.  The one clock of the async and omp models. */
int64_t alog_now_ns(void);

/** --clock: what producers stamp records with.  Records and reports are
 * always CLOCK_MONOTONIC ns; tsc only reads them more cheaply. */
enum alog_clock_kind {
    ALOG_CLOCK_MONOTONIC = 0, ///< clock_gettime(CLOCK_MONOTONIC)
    ALOG_CLOCK_TSC = 1,       ///< the CPU's invariant TSC, converted
    ALOG_CLOCK_AUTO = 2       ///< tsc where it is invariant, else monotonic
};

/** A producer's stamp clock.  With tsc: ns = ns0 + (tsc - tsc0) * mult /
 * 2^32, re-anchored on CLOCK_MONOTONIC every 10 ms at first, then every
 * 100 ms, with the frequency taken over the whole baseline since the
 * start, so that the error never grows with the run; stamps never go
 * back.  One per thread (not shared). */
typedef struct alog_clock {
    int tsc;                 ///< 1: stamp with the TSC
    uint64_t tsc0;           ///< anchor: a TSC reading ...
    int64_t ns0;             ///< ... and CLOCK_MONOTONIC then
    uint64_t mult;           ///< ns per tick, << 32
    uint64_t tsc_base;       ///< the first anchor (the frequency's base)
    int64_t ns_base;         ///< CLOCK_MONOTONIC at the first anchor
    uint64_t next_tsc;       ///< re-anchor once the TSC passes this
    uint64_t period;         ///< ticks between anchors
    int64_t last_ns;         ///< the latest stamp handed out
    int64_t drift_max_ns;    ///< largest |converted - monotonic| at anchors
    uint64_t anchors;        ///< re-anchors done
} alog_clock;

/** Does this CPU have an invariant TSC (constant_tsc and nonstop_tsc in
 * /proc/cpuinfo, or in $ALOG_CPUINFO: for tests)? */
int alog_tsc_invariant(void);
/** Set c up for kind (auto resolved here).  0, or ALOG_EINVAL when tsc
 * was asked for and the TSC is not invariant. */
int alog_clock_init(alog_clock *c, int kind);
/** The re-anchoring step of alog_clock_now (out of line, rare). */
int64_t alog_clock_anchor(alog_clock *c, uint64_t tsc);
/** Convert TSC reading t with c's current anchor, without re-anchoring
 * (exact integer arithmetic; for tests and the end check). */
int64_t alog_clock_convert(const alog_clock *c, uint64_t t);
/** One last anchor: the drift of the conversion against CLOCK_MONOTONIC
 * now, in ns (0 with monotonic). */
int64_t alog_clock_finish(alog_clock *c);

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
/** 1 where the CPU has a TSC that rdtsc reads (x86), else 0. */
#define ALOG_HAVE_TSC 1
#else
/** 1 where the CPU has a TSC that rdtsc reads (x86), else 0. */
#define ALOG_HAVE_TSC 0
#endif

/** A stamp in CLOCK_MONOTONIC ns from c (NULL: clock_gettime). */
static inline int64_t alog_clock_now(alog_clock *c)
{
#if ALOG_HAVE_TSC
    if (c && c->tsc) {
        uint64_t t = __rdtsc();
        if (__builtin_expect(t >= c->next_tsc, 0))
            return alog_clock_anchor(c, t);
        int64_t ns = alog_clock_convert(c, t);
        /* Never back, even across an anchor's correction. */
        c->last_ns = ns > c->last_ns ? ns : c->last_ns;
        return c->last_ns;
    }
#endif
    (void)c;
    return alog_now_ns();
}

/* ---- records --------------------------------------------------------- */

/** Bits of alog_record.flags. */
enum alog_record_flags {
    ALOG_REC_FOREIGN = 1u << 0, ///< from an --exec command: times are arrival
    ALOG_REC_TEXT = 1u << 1,    ///< carries a text line, see alog_reclist_text
    ALOG_REC_CLOCK = 1u << 2,   ///< foreign line with exactly two integers
};

/** One record: what a producer emitted and when it was stored. */
typedef struct alog_record {
    int64_t sched_ns;   ///< scheduled emit time (ns); foreign: arrival
    int64_t produce_ns; ///< when the producer emitted it (ns); foreign: arrival
    int64_t collect_ns; ///< when the collector stored it (ns)
    int64_t clock_ms;   ///< the 'Clock \<ms\>' value as written on the wire
    uint64_t seq;       ///< producer's sequence number, from 0; foreign: line
                        ///< no.
    uint32_t producer;  ///< producer index, 0..N-1
    uint32_t bytes;     ///< bytes of this record on its wire
    uint32_t flags;     ///< ALOG_REC_*
    uint32_t text;      ///< with ALOG_REC_TEXT: text id in the record's list
} alog_record;

/** a - b, saturated to INT64_MIN..INT64_MAX.  Record times come from
 * producers (any 64-bit value on the wire), so every difference of two
 * of them goes through this: it never overflows. */
static inline int64_t alog_time_diff(int64_t a, int64_t b)
{
    int64_t d;
    if (!__builtin_sub_overflow(a, b, &d))
        return d;
    return a < b ? INT64_MIN : INT64_MAX;
}

/** The time a record sits at on the merged timeline (produce time). */
static inline int64_t alog_record_time(const alog_record *r)
{
    return r->produce_ns;
}

/* ---- wires: how records travel through a pipe ------------------------ */

/** How records travel through a pipe: text lines or binary frames. */
enum alog_wire { ALOG_WIRE_TEXT = 0, ALOG_WIRE_BINARY = 1 };

/** Binary frame, little endian, fixed 40-byte header then padding:
 *   u32 magic "ALOG" | u32 frame bytes (header included) | u32 producer |
 *   u32 reserved (0) | u64 seq | i64 sched_ns | i64 produce_ns | pad ... */
#define ALOG_FRAME_MAGIC 0x474f4c41u
#define ALOG_FRAME_HDR 40u ///< bytes of a frame's header
/** Longest text line or frame accepted; longer ones count as malformed. */
#define ALOG_WIRE_MAX 65536u

/** Encode r on `wire` into buf (cap bytes), padded with filler up to `size`
 * bytes when the natural encoding is shorter (size 0: natural size).
 * Text: "Clock <ms> from <id> seq <n> sched <ns> prod <ns>[ xxx...]\n".
 * Returns the bytes written (> 0), or ALOG_ERANGE if cap is too small or
 * size > ALOG_WIRE_MAX. */
int alog_wire_encode(int wire, const alog_record *r, size_t size, char *buf,
                     size_t cap);

/** Parse one of alog's own text lines (no newline) into r (producer, seq,
 * sched_ns, produce_ns, clock_ms set; bytes = len + 1).  0 or ALOG_EPROTO. */
int alog_text_parse(const char *line, size_t len, alog_record *r);

/** A foreign line, read the way the original read it: if it holds exactly
 * two integer tokens, store them in *clock and *id and return 1; else 0. */
int alog_foreign_parse(const char *line, size_t len, int64_t *clock,
                       int64_t *id);

/** Called by the decoder for each record; text/len is the line for foreign
 * records (NULL otherwise).  A non-zero return stops the feed and is
 * returned from it. */
typedef int (*alog_emit_fn)(void *arg, const alog_record *r, const char *text,
                            size_t len);

/** Stream decoder: caller-allocated, fields private.  Survives partial reads
 * and records split across reads. */
typedef struct alog_decoder {
    char *buf;          ///< private
    size_t len;         ///< private
    size_t cap;         ///< private
    size_t off;         ///< private: parse position
    int wire;           ///< ALOG_WIRE_*
    int foreign;        ///< lines from a foreign command
    int skipping;       ///< private: inside an oversized line
    uint32_t producer;  ///< producer index stamped on every record
    uint32_t wire_id;   ///< the id alog's own records carry on the wire
                        ///< (the producer's pid); others are malformed
    uint64_t lines;     ///< records and events emitted
    uint64_t malformed; ///< lines/frames that did not parse or were too long
} alog_decoder;

/** An empty decoder for `wire` (ALOG_WIRE_*); 0 or ALOG_EINVAL. */
int alog_decoder_init(alog_decoder *d, int wire, int foreign,
                      uint32_t producer);
void alog_decoder_free(alog_decoder *d); ///< Frees its buffer (NULL: no-op).
/** Space to read into directly (at least `want` bytes); NULL on ENOMEM. */
char *alog_decoder_space(alog_decoder *d, size_t want, size_t *avail);
/** n bytes were read into the space: parse what is complete. */
int alog_decoder_commit(alog_decoder *d, size_t n, int64_t now_ns,
                        alog_emit_fn emit, void *arg);
/** Copying convenience: space + memcpy + commit. */
int alog_decoder_feed(alog_decoder *d, const void *data, size_t n,
                      int64_t now_ns, alog_emit_fn emit, void *arg);
/** Parse n bytes where they lie, in a buffer the caller owns (an io_uring
 * provided buffer): no copy but of a record split at either end, which
 * the decoder keeps.  data is only read, and free for reuse on return.
 * Same records, counts and return codes as alog_decoder_feed. */
int alog_decoder_feed_external(alog_decoder *d, const void *data, size_t n,
                               int64_t now_ns, alog_emit_fn emit, void *arg);
/** End of stream: a trailing unterminated line is emitted if foreign,
 * else counted as malformed. */
int alog_decoder_finish(alog_decoder *d, int64_t now_ns, alog_emit_fn emit,
                        void *arg);

/* ---- a producer's output: buffered write(2) or vmsplice(2) ----------- */

/** Opaque.  Records are encoded straight into alog_sink_space() and
 * committed; a commit that brings the buffer to block bytes sends it.
 * With zero_copy and a pipe on fd, full blocks go by vmsplice (no copy on
 * the writer's side) from a ring of page-aligned segments sized so that a
 * segment is reused only after it has left the pipe; anything else, and
 * the last flush, is write(2).  Errors are ALOG_ESYS with errno (EPIPE: the
 * reader is gone).  The sink does not own fd. */
typedef struct alog_sink alog_sink;

/** block: flush threshold in bytes; slack: the most one record may add past
 * it.  0, ALOG_EINVAL or ALOG_ENOMEM. */
int alog_sink_open(alog_sink **s, int fd, size_t block, size_t slack,
                   int zero_copy);
/** 1 while full blocks go by vmsplice. */
int alog_sink_zero_copy(const alog_sink *s);
/** Where the next record goes; *avail (may be NULL) bytes of room, at least
 * slack. */
char *alog_sink_space(alog_sink *s, size_t *avail);
/** n bytes were written at alog_sink_space(); sends a full block. */
int alog_sink_commit(alog_sink *s, size_t n);
/** Send whatever waits, by write(2). */
int alog_sink_flush(alog_sink *s);
void alog_sink_close(alog_sink *s); ///< Frees s (NULL: no-op); no flush.

/* ---- per-producer lists ---------------------------------------------- */

/** Append-only, chunked (no malloc per record), in arrival order. */
typedef struct alog_reclist alog_reclist;

alog_reclist *alog_reclist_new(void); ///< An empty list; NULL on ENOMEM.
void alog_reclist_free(alog_reclist *l); ///< Frees l (NULL: no-op).
/** Slot for one more record, to be filled in place; NULL on ENOMEM. */
alog_record *alog_reclist_push(alog_reclist *l);
/** Up to want slots in a row (fewer at a chunk's end), counted as records
 * of l at once and left unzeroed for the caller to fill whole: a block
 * copy instead of a push per record.  *got: how many; NULL (and *got 0)
 * on ENOMEM or past the memory budget. */
alog_record *alog_reclist_span(alog_reclist *l, size_t want, size_t *got);
/** Allocate and touch room for n records in advance (when the count is
 * known), so appends never fault in fresh memory; 0 or ALOG_ENOMEM. */
int alog_reclist_reserve(alog_reclist *l, size_t n);
/** Copy r in; 0 or ALOG_ENOMEM. */
int alog_reclist_append(alog_reclist *l, const alog_record *r);
/** Copy r in with its text line (kept in the list's arena); sets
 * ALOG_REC_TEXT and r's text id on the stored copy. */
int alog_reclist_append_text(alog_reclist *l, const alog_record *r,
                             const char *text, size_t len);
size_t alog_reclist_len(const alog_reclist *l); ///< Records in l.
/** i-th record, O(log chunks); NULL if i is out of range. */
const alog_record *alog_reclist_at(const alog_reclist *l, size_t i);
/** Text of a record with ALOG_REC_TEXT; *len set; NULL if none. */
const char *alog_reclist_text(const alog_reclist *l, const alog_record *r,
                              size_t *len);
/** Bytes of memory the list holds (records, chunks, texts, and the
 * report's scratch). */
size_t alog_reclist_memory(const alog_reclist *l);
/** A bound on the memory of several lists (shared; lists of different
 * threads may charge it at once).  Charged when a list grows a chunk. */
typedef struct alog_membudget {
    _Atomic uint64_t used; ///< bytes charged so far
    uint64_t limit;        ///< bytes; 0: no bound
    atomic_int hit;        ///< a growth was refused for the bound
} alog_membudget;
/** Charge l's growth to b from now on (NULL: none).  A growth past the
 * bound fails with ALOG_EFULL and leaves the list as it was. */
void alog_reclist_set_budget(alog_reclist *l, alog_membudget *b);
/** Scratch of one int64_t per record the list holds, for the report's
 * statistics: reserved as the list grows, so that a report can be
 * computed after memory ran out. */
int64_t *alog_reclist_scratch(const alog_reclist *l);

/** Sequential walk without the at() lookup; caller-allocated. */
typedef struct alog_reclist_iter {
    const alog_reclist *l; ///< private
    size_t chunk;          ///< private
    size_t pos;            ///< private
} alog_reclist_iter;
/** Start a walk over l, first record first. */
void alog_reclist_iter_init(alog_reclist_iter *it, const alog_reclist *l);
/** Next record in arrival order, or NULL at the end. */
const alog_record *alog_reclist_iter_next(alog_reclist_iter *it);

/** k-way merge of lists, each already in time order, into one timeline
 * ordered by (alog_record_time, producer, seq).  A heap of k cursors:
 * O(total log k), no copy of the records.  The lists outlive the merge. */
typedef struct alog_merge alog_merge;
/** A merge of lists[0..k); NULL on ENOMEM. */
alog_merge *alog_merge_new(alog_reclist *const *lists, size_t k);
/** Next record, or NULL at the end; *list_index (may be NULL) tells which. */
const alog_record *alog_merge_next(alog_merge *m, size_t *list_index);
void alog_merge_free(alog_merge *m); ///< Frees m (NULL: no-op), not the lists.

/* ---- pacing ---------------------------------------------------------- */

/** Absolute-deadline schedule: deadline k = start + k*interval, so errors
 * never accumulate.  interval 0 means as fast as possible. */
typedef struct alog_pace {
    int64_t start_ns;    ///< deadline of record 0
    int64_t interval_ns; ///< 0: unthrottled
    uint64_t k;          ///< next record's index
} alog_pace;

/** Schedule from start_ns every interval_ns (<= 0: unthrottled), k = 0. */
void alog_pace_init(alog_pace *p, int64_t start_ns, int64_t interval_ns);
/** Deadline of record k: start + k * interval. */
int64_t alog_pace_deadline(const alog_pace *p, uint64_t k);
/** Sleep until the next deadline (clock_nanosleep TIMER_ABSTIME, EINTR
 * resumed unless *stop (may be NULL) becomes non-zero), store it in
 * *sched_ns and advance.  Returns 0, or ALOG_EINTR when *stop was set. */
int alog_pace_wait(alog_pace *p, const atomic_int *stop, int64_t *sched_ns);
/** The one sleep of the project: until t on CLOCK_MONOTONIC (absolute, so
 * a late wake-up never shifts a schedule).  A signal resumes the sleep
 * unless *stop (may be NULL) became non-zero.  0, ALOG_EINTR when stopped,
 * ALOG_ESYS if the clock failed. */
int alog_sleep_until(int64_t t, const atomic_int *stop);
/** alog_sleep_until(now + ns, stop). */
int alog_sleep_for(int64_t ns, const atomic_int *stop);
/** Seconds to ns, rounded; ALOG_EINVAL for negative/NaN/too large. */
int alog_seconds_to_ns(double s, int64_t *ns);
/** Lower this thread's timer slack (Linux default 50 us); 0 or ALOG_ESYS. */
int alog_timerslack_set(unsigned long ns);

/* ---- statistics ------------------------------------------------------ */

/** Nearest-rank percentile p in [0,100] of v[0..n); sorts v in place.
 * n == 0 gives 0. */
int64_t alog_percentile(int64_t *v, size_t n, double p);

/** Statistics of one producer's list (alog_stats_list). */
typedef struct alog_pstats {
    uint64_t records;   ///< records stored
    uint64_t bytes;     ///< wire bytes of those records
    uint64_t gaps;      ///< missing sequence numbers
    uint64_t dups;      ///< records whose seq was not above the previous
    uint64_t parsed;    ///< foreign lines with exactly two integers
    double achieved_hz; ///< (records-1) / (last - first produce time)
    int64_t first_ns;   ///< produce time of first record
    int64_t last_ns;    ///< produce time of last record
    int64_t late_p50;   ///< produce - sched (ns): median
    int64_t late_p99;   ///< produce - sched (ns): 99th percentile
    int64_t late_max;   ///< produce - sched (ns): maximum
    int64_t lat_p50;    ///< collect - produce (ns): median
    int64_t lat_p99;    ///< collect - produce (ns): 99th percentile
    int64_t lat_max;    ///< collect - produce (ns): maximum
} alog_pstats;

/** Statistics of one list.  Scratch memory is the list's length in int64. */
int alog_stats_list(const alog_reclist *l, alog_pstats *out);

/** What one cheap pass over a list gives (no scratch, no sorting): the
 * sequence accounting a producer's status needs and the times that end
 * the run's window. */
typedef struct alog_seqstats {
    uint64_t records;        ///< records stored
    uint64_t gaps;           ///< missing sequence numbers (as alog_pstats)
    uint64_t dups;           ///< records whose seq was not above the last
    int64_t last_sched_ns;   ///< latest due time; INT64_MIN: no record
    int64_t last_collect_ns; ///< latest collect time; INT64_MIN: no record
} alog_seqstats;

/** The sequence accounting and last times of one list. */
void alog_stats_seq(const alog_reclist *l, alog_seqstats *out);

/* ---- configuration and options -------------------------------------- */

/** Which program a configuration is for (bits, for option masks). */
enum alog_model {
    ALOG_MODEL_ASYNC = 1u << 0,
    ALOG_MODEL_MPI = 1u << 1,
    ALOG_MODEL_OMP = 1u << 2,
    ALOG_MODEL_PRODUCER = 1u << 3, ///< the alog-producer program
};
/** The job a program runs: the log experiment or primes. */
enum alog_job { ALOG_JOB_LOG = 0, ALOG_JOB_PRIMES = 1 };
/** --format of the report. */
enum alog_format { ALOG_FMT_TABLE = 0, ALOG_FMT_CSV = 1, ALOG_FMT_JSON = 2 };
/** --show: records and timeline too, or the report only. */
enum alog_show { ALOG_SHOW_AUTO = 0, ALOG_SHOW_ALL = 1, ALOG_SHOW_REPORT = 2 };

/** --phase: when each paced producer's first record is due. */
enum alog_phase {
    ALOG_PHASE_SPREAD = 0,  ///< producer i of n at i/n of its interval
    ALOG_PHASE_ALIGNED = 1, ///< every producer's record 0 at the start
};

/** The async model's options (alog-async; wire also alog-producer). */
enum alog_readers {
    ALOG_READERS_EPOLL = 0,   ///< one epoll loop
    ALOG_READERS_THREADS = 1, ///< a reader thread per pipe
    ALOG_READERS_URING = 2,   ///< one io_uring loop
};
/** alog_config.async: options of the async model. */
typedef struct alog_async_opts {
    int wire;     ///< ALOG_WIRE_*
    int readers;  ///< ALOG_READERS_*: the transport, by its registry name
    char **exec;  ///< --exec commands, one producer each
    unsigned n_exec; ///< commands in exec
} alog_async_opts;

/** The primes job's options (every collecting program). */
enum alog_schedule { ALOG_SCHED_STATIC = 0, ALOG_SCHED_DYNAMIC = 1 };
/** alog_config.primes: options of the primes job. */
typedef struct alog_primes_opts {
    uint64_t number;             ///< number to test
    uint64_t range_lo;           ///< --range A:B: A
    uint64_t range_hi;           ///< --range A:B: B, 0 = unset
    unsigned parts;              ///< P, 0 = the model's default
    int schedule;                ///< ALOG_SCHED_*
    int kernel;                  ///< --kernel, -1: $ALOG_PRIMES_KERNEL
    int processes;               ///< async: parts in child processes
    int no_baseline;             ///< skip the serial baseline
} alog_primes_opts;

/** The alog-producer program's own options. */
typedef struct alog_producer_opts {
    int id;           ///< this producer's index
    int64_t start_ns; ///< schedule start, CLOCK_MONOTONIC (0: now)
} alog_producer_opts;

/** Everything a run is asked to do: the options every model shares, then
 * the core's models' own parts.  The MPI and OpenMP models keep theirs in
 * their libraries (alog_mpi_opts, alog_omp_opts), parsed by the same
 * parser from their own option rows (options.h).  Filled by
 * alog_options_parse; alog_config_free releases the lists. */
typedef struct alog_config {
    int model;              ///< ALOG_MODEL_* of the program
    int job;                ///< ALOG_JOB_*
    unsigned producers;     ///< 0: one per interval given
    double *intervals;      ///< seconds, cycled over producers
    unsigned n_intervals;   ///< entries in intervals
    double rate;            ///< Hz; > 0 overrides intervals
    uint64_t count;         ///< records per producer; 0 with duration
    double duration;        ///< seconds; 0: stop by count
    int phase;              ///< ALOG_PHASE_*: first due time per producer
    unsigned payload;       ///< record size on the wire, bytes; 0 natural
    uint64_t work;          ///< trial-division steps per record, producer side
    uint64_t collect_work;  ///< the same, where the model stores a record
    int64_t fail_after;     ///< testing: producer stops after K (-1 never)
    int clock;              ///< ALOG_CLOCK_*: what producers stamp with
    double stall_timeout;   ///< seconds of silence that cut a producer
                            ///< off; 0 never, < 0 derived (stall_ns)
    uint64_t max_memory_mib; ///< bound on the records kept; 0 none
    int format;             ///< ALOG_FMT_*
    int show;               ///< ALOG_SHOW_*: records + timeline or report only
    const char *output;     ///< report file, NULL: stdout
    const char *journal;    ///< --journal FILE: records as collected; NULL
    struct alog_journal *journal_file; ///< that file, opened by the
                            ///< program frame (root only); NULL: none
    alog_async_opts async;  ///< the async model's
    alog_primes_opts primes; ///< the primes job's
    alog_producer_opts producer; ///< alog-producer's
} alog_config;

/** Defaults of the original experiment's final logger: 4 producers at
 * 0.2, 0.1, 1 and 0.01 s, 10 records each. */
void alog_config_init(alog_config *cfg, int model);
void alog_config_free(alog_config *cfg); ///< Frees the lists cfg holds.
/** Producers the run will have (producers, or one per command or
 * interval). */
unsigned alog_config_producers(const alog_config *cfg);
/** Interval of producer i in ns (cycled; from rate if set). */
int64_t alog_config_interval_ns(const alog_config *cfg, unsigned i);
/** Where producer i's schedule starts after the common start, ns: i/n of
 * its interval with --phase spread (n producers), 0 aligned or
 * unthrottled.  Each producer's --duration counts from its own start. */
int64_t alog_config_phase_ns(const alog_config *cfg, unsigned i);
/** The records producer i's schedule holds: --count, or the due times
 * within --duration (paced), the smaller of both; 0 when it is only
 * bounded by time and unthrottled (no schedule to count). */
uint64_t alog_config_expected(const alog_config *cfg, unsigned i);
/** Silence in ns after which producer i is cut off as stalled, 0 never:
 * --stall-timeout, else 10 of its intervals and at least 5 s (never for
 * --exec commands, whose pace is theirs). */
int64_t alog_config_stall_ns(const alog_config *cfg, unsigned i);

/* Parsing and --help live in options.h. */

/* ---- signals and progress ------------------------------------------- */

/** Installs SIGINT/SIGTERM handlers that set a flag, and ignores SIGPIPE. */
int alog_signals_install(void);
/** Non-zero once SIGINT/SIGTERM arrived (the signal number). */
int alog_signal_caught(void);
/** Address of the flag (an atomic: threads read it), for alog_pace_wait
 * and loops.  Non-zero means stop. */
const atomic_int *alog_stop_flag(void);
/** Ask the run to stop as if a signal came (e.g. duration reached). */
void alog_stop_request(int why);

/** Progress on stderr, at most once a second, only when stderr is a
 * terminal and the run has lasted more than 2 s. */
typedef struct alog_progress {
    int64_t start_ns;          ///< private
    int64_t last_ns;           ///< private
    int tty;                   ///< private
} alog_progress;
void alog_progress_init(alog_progress *p); ///< Start now.
/** records so far of target (0: unknown); prints when it is time. */
void alog_progress_tick(alog_progress *p, uint64_t records, uint64_t target);
void alog_progress_done(alog_progress *p); ///< Ends the progress line.

/* ---- CPU work -------------------------------------------------------- */

/** Burn `steps` trial-division steps (the --work knob); returns a value
 * that depends on all of them so the compiler keeps the work. */
uint64_t alog_work(uint64_t steps);

/* ---- runs: thin mains call these ------------------------------------ */

/** The async model: children + pipes + epoll or reader threads.  Writes the
 * report to out and messages to diag; returns an ALOG_E* code (see
 * alog_exit_status). */
int alog_run_async(const alog_config *cfg, FILE *out, const alog_diag *diag);

/* The result of a run and its report, in their own header. */
#include "report.h"

#endif
