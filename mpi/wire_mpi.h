/** @file
 * wire_mpi.h - what travels between producer ranks and rank 0, and rank
 * 0's bookkeeping of each producer.  Plain C, no MPI: unit-tested without
 * it (tests/test_mpi_wire.c).
 *
 * Protocol, on a private duplicate of the caller's communicator:
 *   producer -> 0   TAG_DATA   1..batch records, each rec_bytes long
 *   producer -> 0   TAG_FINAL  last message: records sent, how it ended
 *   0 -> producer   TAG_CTRL   CTRL_STOP (interrupt), CTRL_DONE (after
 *                              the final arrived; the producer may leave)
 *   0 -> producer   TAG_SETUP  one int64 each: the start, then the verdict
 * With --collect tree a rank sends to its parent instead of rank 0 and
 * hears TAG_CTRL from it; a leader sends its parent
 *   leader -> parent TAG_FWD    blocks (alog_mpi_block), each naming the
 *                               rank it is about: DATA (records of that
 *                               rank, as in TAG_DATA), FINAL (its final
 *                               message), STALL (its leader cut it off)
 *   leader -> parent TAG_FINAL  empty: every rank below it has ended
 * MPI keeps the messages of one sender in order on one communicator, so a
 * final message means every record of that producer is in.
 *
 * A record on the wire (native byte order: one homogeneous cluster):
 *   u64 seq | i64 sched_ns | i64 produce_ns | zero filler up to --payload
 * with times on the producer's CLOCK_MONOTONIC.
 */
#ifndef ALOG_WIRE_MPI_H
#define ALOG_WIRE_MPI_H

#include "alog.h"
#include "options_mpi.h"
#include "transport.h"

enum { ALOG_MPI_TAG_DATA = 1, ALOG_MPI_TAG_FINAL = 2, ALOG_MPI_TAG_CTRL = 3,
       ALOG_MPI_TAG_SETUP = 4, ALOG_MPI_TAG_FWD = 5 };
enum { ALOG_MPI_CTRL_STOP = 1, ALOG_MPI_CTRL_DONE = 2 };
/** How a producer ended, in its final message. */
enum { ALOG_MPI_END_DONE = 0, ALOG_MPI_END_FAILED = 1,
       ALOG_MPI_END_STOPPED = 2 };

/** Bytes of a record's fixed part: seq, sched_ns, produce_ns. */
#define ALOG_MPI_WIRE_REC 24u

/** The last message of a producer (TAG_FINAL). */
typedef struct alog_mpi_final {
    uint64_t sent;  ///< records it sent
    int64_t cpu_ns; ///< its CPU time, ns
    int32_t end;    ///< ALOG_MPI_END_*
    int32_t reserved; ///< 0
} alog_mpi_final;

/** What a block of a TAG_FWD message carries. */
enum { ALOG_MPI_BLOCK_DATA = 1, ALOG_MPI_BLOCK_FINAL = 2,
       ALOG_MPI_BLOCK_STALL = 3 };

/** The head of one block of a TAG_FWD message; `bytes` of body follow
 * (DATA: records of rec_bytes each; FINAL: an alog_mpi_final; STALL:
 * none).  Blocks of one origin keep its order all the way up. */
typedef struct alog_mpi_block {
    int32_t origin;   ///< the rank the body is about
    int32_t kind;     ///< ALOG_MPI_BLOCK_*
    uint32_t bytes;   ///< body bytes after this head
    uint32_t reserved; ///< 0
} alog_mpi_block;

/** Write a block (head, then n body bytes) at `at`; returns the bytes
 * written: sizeof(alog_mpi_block) + n. */
size_t alog_mpi_block_put(unsigned char *at, int origin, int kind,
                          const void *body, size_t n);
/** The block at *off of a TAG_FWD message of `bytes`: fills *b and
 * *body, moves *off past it.  1: a block; 0: the end; -1: the rest is
 * malformed (a head or body cut short, an unknown kind). */
int alog_mpi_block_next(const unsigned char *buf, size_t bytes, size_t *off,
                        alog_mpi_block *b, const unsigned char **body);

/** Bytes per record on the wire: --payload, at least the fixed part. */
size_t alog_mpi_rec_bytes(const alog_config *cfg);
/** Write r's fixed part at `at` (the filler is the caller's, zeroed once). */
void alog_mpi_rec_put(unsigned char *at, const alog_record *r);
/** ALOG_MPI_END_* of an alog_produce status. */
int alog_mpi_end_of(int produce_status);

/** Rank 0's view of one producer. */
typedef struct alog_mpi_source {
    int64_t offset_ns;   ///< its clock minus ours, applied to its times
    int64_t interval_ns; ///< 0: unthrottled
    int64_t phase_ns;    ///< its schedule's start after the plan's
    int64_t fail_after;  ///< -1: never
    uint64_t received;   ///< records stored
    uint64_t sent;       ///< from its final message
    int64_t cpu_ns;      ///< from its final message
    uint64_t malformed;  ///< messages that made no sense
    int end;             ///< ALOG_MPI_END_*, once finished
    int finished;        ///< its final message arrived
    int64_t stall_ns;    ///< silence that cuts it off; 0 never
    int64_t heard_ns;    ///< our clock at its last message (or the start)
    int stalled;         ///< cut off: 1 silent too long, or past the end;
                         ///< 2 the collector had no room left
} alog_mpi_source;

/** Store the records of one TAG_DATA message of producer p into st's list
 * (after st's work per record), shifted onto our clock, collected at now.
 * A trailing partial record counts as malformed.  Returns the records
 * stored (>= 0) or ALOG_ENOMEM. */
long alog_mpi_source_data(alog_mpi_source *s, alog_store *st, uint32_t p,
                          const unsigned char *buf, size_t bytes, size_t rb,
                          int64_t now);
/** Take a TAG_FINAL message: the producer is finished.  One of the wrong
 * size (never from our producers) marks it failed, so nothing waits. */
void alog_mpi_source_final(alog_mpi_source *s, const unsigned char *buf,
                           size_t bytes);
/** The producer's ALOG_PS_* once finished; *lost (added to) counts records
 * it sent that never arrived: never hidden, a producer that ended as
 * planned short of them is ALOG_PS_LOST. */
int alog_mpi_source_status(const alog_mpi_source *s, uint64_t *lost);

/** What rank 0 expects of the run, for forecasting arrivals. */
typedef struct alog_mpi_plan {
    int64_t start_ns; ///< schedule start, our clock
    int64_t end_ns;   ///< start + duration, or INT64_MAX (each source's
                      ///< own end is later by its phase)
    int64_t flush_ns; ///< a partial batch leaves this long after its first
    uint64_t count;   ///< records per producer, 0: by time
    unsigned batch;   ///< records per message
} alog_mpi_plan;

/** When the next message of source s should arrive, on our clock:
 * INT64_MIN when it may come any moment (unthrottled, its final due). */
int64_t alog_mpi_forecast(const alog_mpi_plan *plan,
                          const alog_mpi_source *s);

/** The eager limit --batch auto assumes when MPI_T names none: Open
 * MPI's shared-memory BTL default (btl_vader_eager_limit, 4.x;
 * btl_sm_eager_limit, 5.x), the smallest of its BTLs' but self's. */
#define ALOG_MPI_EAGER_DEFAULT 4096u
/** Bytes of an eager limit kept for headers.  Open MPI's BTL eager limit
 * counts the PML's header with the data ("including header" in
 * ompi_info); ob1's match header is 14 bytes (16 with heterogeneous
 * padding).  64 covers it with room to spare and keeps a message a whole
 * number of cache lines below the limit. */
#define ALOG_MPI_EAGER_MARGIN 64u

/** The batch of --batch auto: the most records of rb bytes whose message
 * fits limit less margin; at least 1 (a record larger than that goes
 * alone), at most ALOG_MPI_BATCH_MAX and ALOG_MPI_MSG_MAX bytes.  Pure,
 * so every rank given the same numbers gets the same batch. */
unsigned alog_mpi_batch_fit(uint64_t limit, size_t rb, size_t margin);

#endif
