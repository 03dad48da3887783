/* merge.c - k-way merge of time-ordered lists: a binary min-heap of one
 * cursor per non-empty list, keyed by (time, list index, seq). */
#include <stdlib.h>

#include "alog.h"

typedef struct cursor {
    const alog_record *cur;
    size_t list;
    alog_reclist_iter it;
} cursor;

struct alog_merge {
    cursor *heap;
    size_t n;
};

static int before(const cursor *a, const cursor *b)
{
    int64_t ta = alog_record_time(a->cur), tb = alog_record_time(b->cur);
    if (ta != tb)
        return ta < tb;
    if (a->list != b->list)
        return a->list < b->list;
    return a->cur->seq < b->cur->seq;
}

static void sift_down(alog_merge *m, size_t i)
{
    cursor *h = m->heap;
    for (;;) {
        size_t l = 2 * i + 1, best = i;
        if (l < m->n && before(&h[l], &h[best]))
            best = l;
        if (l + 1 < m->n && before(&h[l + 1], &h[best]))
            best = l + 1;
        if (best == i)
            return;
        cursor t = h[i];
        h[i] = h[best];
        h[best] = t;
        i = best;
    }
}

alog_merge *alog_merge_new(alog_reclist *const *lists, size_t k)
{
    alog_merge *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->heap = malloc((k ? k : 1) * sizeof *m->heap);
    if (!m->heap) {
        free(m);
        return NULL;
    }
    for (size_t i = 0; i < k; i++) {
        if (!lists[i])
            continue;
        cursor *c = &m->heap[m->n];
        alog_reclist_iter_init(&c->it, lists[i]);
        c->list = i;
        c->cur = alog_reclist_iter_next(&c->it);
        if (c->cur)
            m->n++;
    }
    for (size_t i = m->n / 2; i-- > 0;)
        sift_down(m, i);
    return m;
}

const alog_record *alog_merge_next(alog_merge *m, size_t *list_index)
{
    if (!m || m->n == 0)
        return NULL;
    cursor *top = &m->heap[0];
    const alog_record *r = top->cur;
    if (list_index)
        *list_index = top->list;
    top->cur = alog_reclist_iter_next(&top->it);
    if (!top->cur)
        m->heap[0] = m->heap[--m->n];
    sift_down(m, 0);
    return r;
}

void alog_merge_free(alog_merge *m)
{
    if (!m)
        return;
    free(m->heap);
    free(m);
}
