/* ring.c - the SPSC ring.  Each side keeps a private copy of the other
 * side's index and reads the shared one only when that copy says full
 * (producer) or not enough (consumer), so in steady state each side
 * touches the other's cache line once per batch, not once per record. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

/* Two 64-byte lines: x86 prefetches lines in adjacent pairs, so one line
 * apart would still let the two sides disturb each other. */
#define RING_LINE 128

struct alog_ring {
    /* Written by the producer only. */
    _Alignas(RING_LINE) _Atomic uint64_t tail; /* next slot to fill */
    uint64_t head_seen; /* producer's last view of head */
    /* Written by the consumer only. */
    _Alignas(RING_LINE) _Atomic uint64_t head; /* next slot to take */
    uint64_t tail_seen; /* consumer's last view of tail */
    /* Fixed at creation. */
    _Alignas(RING_LINE) uint64_t mask;
    alog_record *slots;
};

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

int alog_ring_new(alog_ring **out, size_t capacity)
{
    if (!out || capacity == 0 || capacity > ALOG_RING_MAX)
        return ALOG_EINVAL;
    size_t cap = 2;
    while (cap < capacity)
        cap <<= 1;
    alog_ring *r = aligned_alloc(RING_LINE, round_up(sizeof *r, RING_LINE));
    if (!r)
        return ALOG_ENOMEM;
    memset(r, 0, sizeof *r);
    r->slots = aligned_alloc(RING_LINE,
                             round_up(cap * sizeof *r->slots, RING_LINE));
    if (!r->slots) {
        free(r);
        return ALOG_ENOMEM;
    }
    atomic_init(&r->tail, 0);
    atomic_init(&r->head, 0);
    r->mask = cap - 1;
    *out = r;
    return 0;
}

void alog_ring_free(alog_ring *r)
{
    if (!r)
        return;
    free(r->slots);
    free(r);
}

size_t alog_ring_capacity(const alog_ring *r)
{
    return (size_t)r->mask + 1;
}

int alog_ring_push(alog_ring *r, const alog_record *rec)
{
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (t - r->head_seen > r->mask) {
        /* Acquire: the consumer has finished reading the slots it gave
         * back, so overwriting them cannot tear a record it still reads. */
        r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
        if (t - r->head_seen > r->mask)
            return 0;
    }
    r->slots[t & r->mask] = *rec;
    /* Release: the record's bytes are visible before the new tail is. */
    atomic_store_explicit(&r->tail, t + 1, memory_order_release);
    return 1;
}

size_t alog_ring_peek(alog_ring *r, const alog_record **first, size_t max)
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t avail = r->tail_seen - h;
    if (avail < max) {
        /* Acquire pairs with the producer's release of tail. */
        r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
        avail = r->tail_seen - h;
    }
    uint64_t idx = h & r->mask;
    uint64_t run = r->mask + 1 - idx; /* slots up to the wrap point */
    uint64_t n = avail < run ? avail : run;
    if (n > max)
        n = max;
    *first = &r->slots[idx];
    return (size_t)n;
}

void alog_ring_release(alog_ring *r, size_t n)
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    /* Release: our reads of the slots are done before the producer may
     * reuse them. */
    atomic_store_explicit(&r->head, h + n, memory_order_release);
}

size_t alog_ring_pop(alog_ring *r, alog_record *out, size_t max)
{
    size_t done = 0;
    while (done < max) {
        const alog_record *p;
        size_t n = alog_ring_peek(r, &p, max - done);
        if (n == 0)
            break;
        memcpy(out + done, p, n * sizeof *p);
        alog_ring_release(r, n);
        done += n;
    }
    return done;
}

size_t alog_ring_size(const alog_ring *r)
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_acquire);
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
    return (size_t)(t - h);
}
