/* ring.h - a bounded single-producer/single-consumer ring of records.
 *
 * One thread produces, one other thread consumes; no locks.  The producer
 * fills slots in place and makes them visible in batches: its write index
 * is published every `batch` records, at once when the ring is full (so the
 * consumer can make room), and whenever the producer flushes (a record that
 * must not wait, the end of the stream).  The consumer takes contiguous
 * blocks, up to the wrap point, and gives them back when it is done.  Each
 * side keeps its own indices and a cached copy of the other side's on a
 * cache line of its own, and reads the other side's published index only
 * when its copy says full (producer) or empty (consumer).
 * The capacity is a power of two (indices are free-running 64-bit
 * counters, masked).  A full ring is the caller's business: the producer
 * is told and never blocked.
 */
#ifndef ALOG_RING_H
#define ALOG_RING_H

#include <stddef.h>

#include "alog.h"

/* Largest capacity accepted (records). */
#define ALOG_RING_MAX ((size_t)1 << 28)

typedef struct alog_ring alog_ring;

/* A ring holding at least `capacity` records (rounded up to a power of
 * two, at least 2), publishing every `batch` records (clamped to half the
 * rounded capacity, so the consumer always has a batch to take while the
 * producer fills the next).  0, ALOG_EINVAL (capacity 0 or above
 * ALOG_RING_MAX, batch 0) or ALOG_ENOMEM; *out is set only on success. */
int alog_ring_new(alog_ring **out, size_t capacity, size_t batch);
void alog_ring_free(alog_ring *r);
/* The rounded capacity and the clamped batch. */
size_t alog_ring_capacity(const alog_ring *r);
size_t alog_ring_batch(const alog_ring *r);

/* Producer side.  The next free slot, to be filled in place (its old
 * contents are undefined), or NULL if the ring is full, in which case
 * every record written so far has been published.  Calling it again
 * before alog_ring_commit returns the same slot. */
alog_record *alog_ring_slot(alog_ring *r);
/* The slot from alog_ring_slot is complete: it joins the current batch,
 * which is published when it reaches the batch size. */
void alog_ring_commit(alog_ring *r);
/* Publish every committed record now (nothing to publish: a no-op). */
void alog_ring_flush(alog_ring *r);
/* Committed records not yet published (0 to batch-1). */
size_t alog_ring_pending(const alog_ring *r);

/* Consumer side: *first points at up to max of the oldest published
 * records, contiguous in the ring (so a block stops at the wrap point);
 * returns how many (0: none published).  They stay valid and in the ring
 * until alog_ring_release(r, n) gives back the first n of them. */
size_t alog_ring_peek(alog_ring *r, const alog_record **first, size_t max);
void alog_ring_release(alog_ring *r, size_t n);

/* Published records in the ring now: exact when called by either side
 * while the other is idle, a snapshot otherwise. */
size_t alog_ring_size(const alog_ring *r);

#endif
