/* reclist.c - append-only per-producer record lists.  Records live in
 * chunks of 64, 128, ... 32768 records, then chunks of BIG_CAP records that
 * fill two huge pages exactly, so a push never moves a record and the chunk
 * of an index is plain arithmetic.  Text lines live in a chunked char arena
 * indexed by a table of (pointer, length). */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "alog.h"

#define FIRST_SHIFT 6u  /* first chunk: 64 records */
#define LAST_SHIFT 15u  /* the last growing chunk: 32768 records */
#define GROWN_CHUNKS (LAST_SHIFT - FIRST_SHIFT + 1u)
/* Records held by the growing chunks 0..GROWN_CHUNKS-1. */
#define GROWN_RECORDS (((size_t)1 << FIRST_SHIFT) * (((size_t)1 << GROWN_CHUNKS) - 1))
/* Chunks this big go on transparent huge pages when the kernel allows:
 * first-touch page faults, not the copy, dominate a fast collector. */
#define HUGE_PAGE ((size_t)2 << 20)
/* Steady-state chunks: as many records as fit in 4 MiB, so rounding up to
 * huge pages wastes less than one record (a power of two wasted more). */
#define BIG_CAP ((2 * HUGE_PAGE) / sizeof(alog_record))
#define ARENA_FIRST 1024u
#define ARENA_MAX 65536u

typedef struct text_ref {
    const char *p;
    size_t len;
} text_ref;

typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t cap, used;
    char data[];
} arena_chunk;

struct alog_reclist {
    alog_record **chunks;
    size_t nchunks, chunks_cap;
    size_t len;
    alog_record *next; /* slot of record len, while room > 0 */
    size_t room;       /* slots left in next's chunk, next included */
    text_ref *texts;
    size_t ntexts, texts_cap;
    arena_chunk *arena; /* newest first */
    size_t arena_bytes;
    int err;            /* why the last push failed: ENOMEM or EFULL */
    int64_t *scratch;   /* one per record slot: the report's statistics */
    size_t scratch_cap;
    alog_membudget *budget; /* NULL: unbounded */
};

/* Charge bytes to l's budget; 0, or ALOG_EFULL past the bound. */
static int charge(alog_reclist *l, size_t bytes)
{
    alog_membudget *b = l->budget;
    if (!b)
        return 0;
    uint64_t was = atomic_fetch_add_explicit(&b->used, bytes,
                                             memory_order_relaxed);
    if (b->limit > 0 && was + bytes > b->limit) {
        atomic_fetch_sub_explicit(&b->used, bytes, memory_order_relaxed);
        atomic_store_explicit(&b->hit, 1, memory_order_relaxed);
        return ALOG_EFULL;
    }
    return 0;
}

static void uncharge(alog_reclist *l, size_t bytes)
{
    if (l->budget)
        atomic_fetch_sub_explicit(&l->budget->used, bytes,
                                  memory_order_relaxed);
}

void alog_reclist_set_budget(alog_reclist *l, alog_membudget *b)
{
    if (l)
        l->budget = b;
}

int64_t *alog_reclist_scratch(const alog_reclist *l)
{
    return l ? l->scratch : NULL;
}

static size_t chunk_cap(size_t c)
{
    return c < GROWN_CHUNKS ? (size_t)1 << (FIRST_SHIFT + c) : BIG_CAP;
}

static size_t chunk_start(size_t c)
{
    if (c < GROWN_CHUNKS)
        return ((size_t)1 << FIRST_SHIFT) * (((size_t)1 << c) - 1);
    return GROWN_RECORDS + (c - GROWN_CHUNKS) * BIG_CAP;
}

/* Bytes allocated for chunk c (rounded up for huge pages). */
static size_t chunk_bytes(size_t c)
{
    size_t b = chunk_cap(c) * sizeof(alog_record);
    return b >= HUGE_PAGE ? (b + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE : b;
}

static alog_record *chunk_alloc(size_t c)
{
    size_t b = chunk_bytes(c);
    if (b < HUGE_PAGE)
        return malloc(b);
    void *p = aligned_alloc(HUGE_PAGE, b);
#ifdef MADV_HUGEPAGE
    if (p)
        (void)madvise(p, b, MADV_HUGEPAGE); /* advice only: failure is fine */
#endif
    return p;
}

static void locate(size_t i, size_t *c, size_t *pos)
{
    if (i < GROWN_RECORDS) {
        /* chunk c holds [64(2^c - 1), 64(2^(c+1) - 1)): c = log2(i/64 + 1) */
        size_t q = (i >> FIRST_SHIFT) + 1;
        size_t k = 0;
        while (q >>= 1)
            k++;
        *c = k;
    } else {
        *c = GROWN_CHUNKS + (i - GROWN_RECORDS) / BIG_CAP;
    }
    *pos = i - chunk_start(*c);
}

alog_reclist *alog_reclist_new(void)
{
    return calloc(1, sizeof(alog_reclist));
}

void alog_reclist_free(alog_reclist *l)
{
    if (!l)
        return;
    for (size_t c = 0; c < l->nchunks; c++)
        free(l->chunks[c]);
    free(l->chunks);
    free(l->texts);
    free(l->scratch);
    for (arena_chunk *a = l->arena, *n; a; a = n) {
        n = a->next;
        free(a);
    }
    free(l);
}

/* Grows the report's scratch to cap records first: a list never holds
 * records whose statistics could not be computed.  Not copied: it holds
 * nothing between reports. */
static int grow_scratch(alog_reclist *l, size_t cap)
{
    if (cap <= l->scratch_cap)
        return 0;
    size_t add = (cap - l->scratch_cap) * sizeof *l->scratch;
    int rc = charge(l, add);
    if (rc != 0)
        return rc;
    int64_t *s = malloc(cap * sizeof *s);
    if (!s) {
        uncharge(l, add);
        return ALOG_ENOMEM;
    }
    free(l->scratch);
    l->scratch = s;
    l->scratch_cap = cap;
    return 0;
}

/* Adds chunk number l->nchunks; 0, ALOG_ENOMEM or ALOG_EFULL (the list is
 * unchanged then). */
static int add_chunk(alog_reclist *l)
{
    if (l->nchunks == l->chunks_cap) {
        size_t ncap = l->chunks_cap ? l->chunks_cap * 2 : 16;
        alog_record **nc = realloc(l->chunks, ncap * sizeof *nc);
        if (!nc)
            return ALOG_ENOMEM;
        l->chunks = nc;
        l->chunks_cap = ncap;
    }
    int rc = grow_scratch(l, chunk_start(l->nchunks + 1));
    if (rc != 0)
        return rc;
    size_t bytes = chunk_bytes(l->nchunks);
    rc = charge(l, bytes);
    if (rc != 0)
        return rc;
    alog_record *chunk = chunk_alloc(l->nchunks);
    if (!chunk) {
        uncharge(l, bytes);
        return ALOG_ENOMEM;
    }
    l->chunks[l->nchunks++] = chunk;
    return 0;
}

int alog_reclist_reserve(alog_reclist *l, size_t n)
{
    while (l->nchunks == 0 || chunk_start(l->nchunks) < n) {
        int rc = add_chunk(l);
        if (rc != 0)
            return rc;
        /* Touch it now: on a VM the first write to fresh memory can cost
         * many times a later one, and this is the point of reserving. */
        memset(l->chunks[l->nchunks - 1], 0, chunk_bytes(l->nchunks - 1));
    }
    return 0;
}

/* Slot of record l->len, found the long way: the first push into a chunk. */
static alog_record *slot_slow(alog_reclist *l)
{
    size_t c, pos;
    locate(l->len, &c, &pos);
    if (c == l->nchunks && (l->err = add_chunk(l)) != 0)
        return NULL;
    l->next = &l->chunks[c][pos];
    l->room = chunk_cap(c) - pos;
    return l->next;
}

/* Up to want free slots in a row, without zeroing them, counted as
 * records at once; the common case is a pointer bump (a collector pushes
 * tens of millions a second).  *got: how many; NULL on failure. */
static inline alog_record *take(alog_reclist *l, size_t want, size_t *got)
{
    *got = 0;
    if (want == 0 || (l->room == 0 && !slot_slow(l)))
        return NULL;
    size_t n = want < l->room ? want : l->room;
    alog_record *r = l->next;
    l->next += n;
    l->room -= n;
    l->len += n;
    *got = n;
    return r;
}

/* The next free slot, without zeroing it. */
static alog_record *slot(alog_reclist *l)
{
    size_t got;
    return take(l, 1, &got);
}

alog_record *alog_reclist_span(alog_reclist *l, size_t want, size_t *got)
{
    return take(l, want, got);
}

alog_record *alog_reclist_push(alog_reclist *l)
{
    alog_record *r = slot(l);
    if (r)
        memset(r, 0, sizeof *r);
    return r;
}

int alog_reclist_append(alog_reclist *l, const alog_record *r)
{
    alog_record *s = slot(l);
    if (!s)
        return l->err ? l->err : ALOG_ENOMEM;
    *s = *r;
    return 0;
}

/* Copy of text in the arena, NUL-terminated for callers that print it. */
static const char *arena_copy(alog_reclist *l, const char *text, size_t len)
{
    arena_chunk *a = l->arena;
    if (!a || a->cap - a->used < len + 1) {
        size_t cap = a ? a->cap * 2 : ARENA_FIRST;
        if (cap > ARENA_MAX)
            cap = ARENA_MAX;
        if (cap < len + 1)
            cap = len + 1;
        if (charge(l, sizeof(arena_chunk) + cap) != 0) {
            l->err = ALOG_EFULL;
            return NULL;
        }
        arena_chunk *n = malloc(sizeof *n + cap);
        if (!n) {
            uncharge(l, sizeof *n + cap);
            l->err = ALOG_ENOMEM;
            return NULL;
        }
        n->cap = cap;
        n->used = 0;
        n->next = a;
        l->arena = n;
        l->arena_bytes += sizeof *n + cap;
        a = n;
    }
    char *p = a->data + a->used;
    if (len)
        memcpy(p, text, len);
    p[len] = '\0';
    a->used += len + 1;
    return p;
}

int alog_reclist_append_text(alog_reclist *l, const alog_record *r,
                             const char *text, size_t len)
{
    if (l->ntexts >= UINT32_MAX)
        return ALOG_ENOMEM;
    if (l->ntexts == l->texts_cap) {
        size_t ncap = l->texts_cap ? l->texts_cap * 2 : 64;
        text_ref *nt = realloc(l->texts, ncap * sizeof *nt);
        if (!nt)
            return ALOG_ENOMEM;
        l->texts = nt;
        l->texts_cap = ncap;
    }
    l->err = 0;
    const char *p = arena_copy(l, text ? text : "", text ? len : 0);
    if (!p)
        return l->err ? l->err : ALOG_ENOMEM;
    alog_record *s = alog_reclist_push(l);
    if (!s)
        return l->err ? l->err : ALOG_ENOMEM; /* arena bytes stay, unused */
    *s = *r;
    s->flags |= ALOG_REC_TEXT;
    s->text = (uint32_t)l->ntexts;
    l->texts[l->ntexts].p = p;
    l->texts[l->ntexts].len = text ? len : 0;
    l->ntexts++;
    return 0;
}

size_t alog_reclist_len(const alog_reclist *l)
{
    return l ? l->len : 0;
}

const alog_record *alog_reclist_at(const alog_reclist *l, size_t i)
{
    if (!l || i >= l->len)
        return NULL;
    size_t c, pos;
    locate(i, &c, &pos);
    return &l->chunks[c][pos];
}

const char *alog_reclist_text(const alog_reclist *l, const alog_record *r,
                              size_t *len)
{
    if (!l || !r || !(r->flags & ALOG_REC_TEXT) || r->text >= l->ntexts) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = l->texts[r->text].len;
    return l->texts[r->text].p;
}

size_t alog_reclist_memory(const alog_reclist *l)
{
    if (!l)
        return 0;
    size_t m = sizeof *l + l->chunks_cap * sizeof *l->chunks +
               l->texts_cap * sizeof *l->texts + l->arena_bytes +
               l->scratch_cap * sizeof *l->scratch;
    for (size_t c = 0; c < l->nchunks; c++)
        m += chunk_bytes(c);
    return m;
}

void alog_reclist_iter_init(alog_reclist_iter *it, const alog_reclist *l)
{
    it->l = l;
    it->chunk = 0;
    it->pos = 0;
}

const alog_record *alog_reclist_iter_next(alog_reclist_iter *it)
{
    const alog_reclist *l = it->l;
    if (!l)
        return NULL;
    if (it->pos == chunk_cap(it->chunk)) {
        it->chunk++;
        it->pos = 0;
    }
    if (it->chunk >= l->nchunks || chunk_start(it->chunk) + it->pos >= l->len)
        return NULL;
    return &l->chunks[it->chunk][it->pos++];
}
