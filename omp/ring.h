/* ring.h - a bounded single-producer/single-consumer ring of records.
 *
 * One thread pushes, one other thread pops; no locks.  The producer owns
 * the tail index and the consumer the head index, each on its own cache
 * line, published with C11 release stores and read with acquire loads, so
 * a record's bytes are visible before its slot is.  The capacity is a
 * power of two (indices are free-running 64-bit counters, masked).
 * A full ring is the caller's business: push says so and never blocks.
 */
#ifndef ALOG_RING_H
#define ALOG_RING_H

#include <stddef.h>

#include "alog.h"

/* Largest capacity accepted (records). */
#define ALOG_RING_MAX ((size_t)1 << 28)

typedef struct alog_ring alog_ring;

/* A ring holding at least `capacity` records (rounded up to a power of
 * two, at least 2).  0, ALOG_EINVAL (capacity 0 or above ALOG_RING_MAX) or
 * ALOG_ENOMEM; *out is set only on success. */
int alog_ring_new(alog_ring **out, size_t capacity);
void alog_ring_free(alog_ring *r);
/* The rounded capacity. */
size_t alog_ring_capacity(const alog_ring *r);

/* Producer side.  Copies *rec in: 1 if stored, 0 if the ring is full. */
int alog_ring_push(alog_ring *r, const alog_record *rec);

/* Consumer side.  Copies up to max of the oldest records to out and
 * removes them; returns how many (0: empty). */
size_t alog_ring_pop(alog_ring *r, alog_record *out, size_t max);
/* Consumer side, without the copy: *first points at up to max of the
 * oldest records, contiguous in the ring (so a batch may stop at the wrap
 * point); returns how many.  They stay valid and in the ring until
 * alog_ring_release(r, n) gives back the first n of them. */
size_t alog_ring_peek(alog_ring *r, const alog_record **first, size_t max);
void alog_ring_release(alog_ring *r, size_t n);

/* Records in the ring now: exact when called by either side while the
 * other is idle, a snapshot otherwise. */
size_t alog_ring_size(const alog_ring *r);

#endif
