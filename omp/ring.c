/* ring.c - the SPSC ring.
 *
 * Four cache lines of state, each written by one side only:
 *   producer's own:  next slot to fill, last published index, its copy of
 *                    head (never read by the consumer);
 *   tail:            the published write index (producer writes it once per
 *                    batch, the consumer reads it when its copy says empty);
 *   head:            the read index (consumer writes it once per block, the
 *                    producer reads it when its copy says full);
 *   consumer's own:  next slot to take, its copy of tail.
 * In steady state a shared line moves between the cores once per batch or
 * block, not once per record; only the slots themselves travel per record.
 *
 * Memory ordering, the whole of it:
 *   - publish stores tail with release, peek loads it with acquire: the
 *     slots written before the store are visible to the consumer that sees
 *     the new tail (the two make a happens-before edge; relaxed would let
 *     the compiler or a weaker CPU make the index visible before the bytes).
 *   - release stores head with release, the producer loads it with
 *     acquire: the consumer's reads of the given-back slots happen before
 *     the producer's next writes to them, so a record cannot be overwritten
 *     while it is still being read.
 *   - Nothing else is shared.  No side waits for the other through a
 *     store followed by a load of the other index (no Dekker-style
 *     handshake), so sequential consistency would buy nothing: the worst a
 *     stale copy causes is a needless "full" or "empty", and the caller
 *     simply looks again.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

/* Two 64-byte lines: x86 prefetches lines in adjacent pairs, so one line
 * apart would still let the two sides disturb each other. */
#define RING_LINE 128

struct alog_ring {
    /* The producer's own line. */
    _Alignas(RING_LINE) uint64_t wnext; /* next slot to fill */
    uint64_t wpub;                      /* tail as last published */
    uint64_t head_seen;                 /* producer's last view of head */
    uint64_t batch;
    uint64_t wmask;
    alog_record *wslots;
    /* Published by the producer. */
    _Alignas(RING_LINE) _Atomic uint64_t tail;
    /* Published by the consumer. */
    _Alignas(RING_LINE) _Atomic uint64_t head;
    /* The consumer's own line (mask and slots copied: read-only, but then
     * no side reads a line the other one writes). */
    _Alignas(RING_LINE) uint64_t rnext; /* next slot to take */
    uint64_t tail_seen;                 /* consumer's last view of tail */
    uint64_t rmask;
    alog_record *rslots;
};

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

int alog_ring_new(alog_ring **out, size_t capacity, size_t batch)
{
    if (!out || capacity == 0 || capacity > ALOG_RING_MAX || batch == 0)
        return ALOG_EINVAL;
    size_t cap = 2;
    while (cap < capacity)
        cap <<= 1;
    alog_ring *r = aligned_alloc(RING_LINE, round_up(sizeof *r, RING_LINE));
    if (!r)
        return ALOG_ENOMEM;
    memset(r, 0, sizeof *r);
    alog_record *slots = aligned_alloc(RING_LINE,
                                       round_up(cap * sizeof *slots, RING_LINE));
    if (!slots) {
        free(r);
        return ALOG_ENOMEM;
    }
    atomic_init(&r->tail, 0);
    atomic_init(&r->head, 0);
    r->batch = batch < cap / 2 ? batch : cap / 2;
    r->wmask = r->rmask = cap - 1;
    r->wslots = r->rslots = slots;
    *out = r;
    return 0;
}

void alog_ring_free(alog_ring *r)
{
    if (!r)
        return;
    free(r->wslots);
    free(r);
}

size_t alog_ring_capacity(const alog_ring *r)
{
    return (size_t)r->wmask + 1;
}

size_t alog_ring_batch(const alog_ring *r)
{
    return (size_t)r->batch;
}

/* ---- producer ------------------------------------------------------------ */

void alog_ring_flush(alog_ring *r)
{
    if (r->wnext == r->wpub)
        return; /* leave the shared line alone */
    r->wpub = r->wnext;
    atomic_store_explicit(&r->tail, r->wnext, memory_order_release);
}

alog_record *alog_ring_slot(alog_ring *r)
{
    uint64_t t = r->wnext;
    if (t - r->head_seen > r->wmask) {
        /* Full as far as we know.  Whatever we hold back, the consumer
         * needs to see to make room; then look at what it gave back. */
        alog_ring_flush(r);
        r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
        if (t - r->head_seen > r->wmask)
            return NULL;
    }
    return &r->wslots[t & r->wmask];
}

void alog_ring_commit(alog_ring *r)
{
    r->wnext++;
    if (r->wnext - r->wpub >= r->batch)
        alog_ring_flush(r);
}

size_t alog_ring_pending(const alog_ring *r)
{
    return (size_t)(r->wnext - r->wpub);
}

/* ---- consumer ------------------------------------------------------------ */

size_t alog_ring_peek(alog_ring *r, const alog_record **first, size_t max)
{
    uint64_t h = r->rnext;
    uint64_t avail = r->tail_seen - h;
    if (avail == 0) {
        r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
        avail = r->tail_seen - h;
    }
    uint64_t idx = h & r->rmask;
    uint64_t run = r->rmask + 1 - idx; /* slots up to the wrap point */
    uint64_t n = avail < run ? avail : run;
    if (n > max)
        n = max;
    *first = &r->rslots[idx];
    return (size_t)n;
}

void alog_ring_release(alog_ring *r, size_t n)
{
    if (n == 0)
        return;
    r->rnext += n;
    atomic_store_explicit(&r->head, r->rnext, memory_order_release);
}

size_t alog_ring_size(const alog_ring *r)
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_acquire);
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
    return (size_t)(t - h);
}
