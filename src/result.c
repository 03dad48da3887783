/* result.c - everything a run collected: one list and one ending per
 * producer, '# key=value' headers and extra counters, in insertion order. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alog.h"

typedef struct producer {
    alog_reclist *list;
    double hz;
    uint64_t count;
    uint64_t malformed;
    int status, code;
    char *where;
    int64_t origin; /* its own name for itself: pid, rank or thread */
    int origin_set;
    uint64_t made;  /* what the producer says it made (made_set) */
    int made_set;
    int final;      /* the status reported, once alog_result_finish ran */
    uint64_t lost;  /* records missing, once alog_result_finish ran */
    alog_seqstats seq;
} producer;

typedef struct header {
    char *key, *value;
} header;

typedef struct counter {
    char *key;
    double value;
} counter;

struct alog_result {
    unsigned n;
    producer *p;
    header *hdr;
    size_t nhdr, hdr_cap;
    counter *ctr;
    size_t nctr, ctr_cap;
    int64_t run0_ns, end_ns; /* the run's span (alog_result_set_span) */
    int64_t sched0_ns;       /* the window's start (sched_set) */
    int sched_set;
    int sched_epoch;         /* ... which is also the records' epoch */
    int64_t epoch_ns;        /* the records' epoch, when set apart (a */
    int epoch_set;           /* journal's: its rows are the report's) */
    int finished;            /* alog_result_finish ran */
    int interrupted;
    alog_membudget budget; /* every list's growth, against --max-memory */
};

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

alog_result *alog_result_new(unsigned n)
{
    alog_result *res = calloc(1, sizeof *res);
    if (!res)
        return NULL;
    res->p = calloc(n ? n : 1, sizeof *res->p);
    if (!res->p) {
        free(res);
        return NULL;
    }
    res->n = n;
    for (unsigned i = 0; i < n; i++) {
        res->p[i].list = alog_reclist_new();
        if (!res->p[i].list) {
            alog_result_free(res);
            return NULL;
        }
    }
    return res;
}

uint64_t alog_result_target_total(const alog_result *res)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < res->n; i++)
        total += res->p[i].count;
    return total;
}

int alog_result_memory_hit(const alog_result *res)
{
    return atomic_load_explicit(&res->budget.hit, memory_order_relaxed);
}

void alog_result_set_memory_limit(alog_result *res, uint64_t bytes)
{
    res->budget.limit = bytes;
    for (unsigned i = 0; i < res->n; i++)
        alog_reclist_set_budget(res->p[i].list, &res->budget);
}

void alog_result_free(alog_result *res)
{
    if (!res)
        return;
    for (unsigned i = 0; i < res->n; i++) {
        alog_reclist_free(res->p[i].list);
        free(res->p[i].where);
    }
    free(res->p);
    for (size_t i = 0; i < res->nhdr; i++) {
        free(res->hdr[i].key);
        free(res->hdr[i].value);
    }
    free(res->hdr);
    for (size_t i = 0; i < res->nctr; i++)
        free(res->ctr[i].key);
    free(res->ctr);
    free(res);
}

unsigned alog_result_producers(const alog_result *res)
{
    return res ? res->n : 0;
}

static producer *get(const alog_result *res, unsigned i)
{
    return res && i < res->n ? &res->p[i] : NULL;
}

alog_reclist *alog_result_list(alog_result *res, unsigned i)
{
    producer *p = get(res, i);
    return p ? p->list : NULL;
}

const alog_reclist *alog_result_list_const(const alog_result *res, unsigned i)
{
    producer *p = get(res, i);
    return p ? p->list : NULL;
}

void alog_result_set_target(alog_result *res, unsigned i, double hz,
                            uint64_t count)
{
    producer *p = get(res, i);
    if (p) {
        p->hz = hz;
        p->count = count;
    }
}

void alog_result_target(const alog_result *res, unsigned i, double *hz,
                        uint64_t *count)
{
    producer *p = get(res, i);
    if (hz)
        *hz = p ? p->hz : 0;
    if (count)
        *count = p ? p->count : 0;
}

void alog_result_add_malformed(alog_result *res, unsigned i, uint64_t n)
{
    producer *p = get(res, i);
    if (p)
        p->malformed += n;
}

uint64_t alog_result_malformed(const alog_result *res, unsigned i)
{
    producer *p = get(res, i);
    return p ? p->malformed : 0;
}

void alog_result_set_status(alog_result *res, unsigned i, int status,
                            int code)
{
    producer *p = get(res, i);
    if (p) {
        p->status = status;
        p->code = code;
    }
}

int alog_result_status(const alog_result *res, unsigned i, int *code)
{
    producer *p = get(res, i);
    if (code)
        *code = p ? p->code : 0;
    return p ? p->status : ALOG_PS_OK;
}

int alog_result_set_where(alog_result *res, unsigned i, const char *where)
{
    producer *p = get(res, i);
    if (!p)
        return ALOG_EINVAL;
    char *w = NULL;
    if (where && !(w = dup_str(where)))
        return ALOG_ENOMEM;
    free(p->where);
    p->where = w;
    return 0;
}

const char *alog_result_where(const alog_result *res, unsigned i)
{
    producer *p = get(res, i);
    return p ? p->where : NULL;
}

void alog_result_set_origin(alog_result *res, unsigned i, int64_t id)
{
    producer *p = get(res, i);
    if (p) {
        p->origin = id;
        p->origin_set = 1;
    }
}

int64_t alog_result_origin(const alog_result *res, unsigned i)
{
    producer *p = get(res, i);
    return p && p->origin_set ? p->origin : (int64_t)i;
}

/* Capacity for one more item: doubled when full; 0 or ENOMEM. */
static size_t next_cap(size_t n, size_t cap)
{
    return n < cap ? cap : (cap ? cap * 2 : 16);
}

static int grow_headers(alog_result *res)
{
    size_t cap = next_cap(res->nhdr, res->hdr_cap);
    if (cap == res->hdr_cap)
        return 0;
    header *h = realloc(res->hdr, cap * sizeof *h);
    if (!h)
        return ALOG_ENOMEM;
    res->hdr = h;
    res->hdr_cap = cap;
    return 0;
}

static int grow_counters(alog_result *res)
{
    size_t cap = next_cap(res->nctr, res->ctr_cap);
    if (cap == res->ctr_cap)
        return 0;
    counter *c = realloc(res->ctr, cap * sizeof *c);
    if (!c)
        return ALOG_ENOMEM;
    res->ctr = c;
    res->ctr_cap = cap;
    return 0;
}

int alog_result_header(alog_result *res, const char *key, const char *fmt,
                       ...)
{
    if (!res || !key || !fmt)
        return ALOG_EINVAL;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return ALOG_EINVAL;
    char *value = malloc((size_t)n + 1);
    if (!value)
        return ALOG_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(value, (size_t)n + 1, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < res->nhdr; i++) {
        if (strcmp(res->hdr[i].key, key) == 0) {
            free(res->hdr[i].value);
            res->hdr[i].value = value;
            return 0;
        }
    }
    char *k = dup_str(key);
    if (!k || grow_headers(res) != 0) {
        free(k);
        free(value);
        return ALOG_ENOMEM;
    }
    res->hdr[res->nhdr].key = k;
    res->hdr[res->nhdr].value = value;
    res->nhdr++;
    return 0;
}

size_t alog_result_header_count(const alog_result *res)
{
    return res ? res->nhdr : 0;
}

void alog_result_header_at(const alog_result *res, size_t i, const char **key,
                           const char **value)
{
    int ok = res && i < res->nhdr;
    if (key)
        *key = ok ? res->hdr[i].key : NULL;
    if (value)
        *value = ok ? res->hdr[i].value : NULL;
}

int alog_result_counter(alog_result *res, const char *key, double value)
{
    if (!res || !key)
        return ALOG_EINVAL;
    for (size_t i = 0; i < res->nctr; i++) {
        if (strcmp(res->ctr[i].key, key) == 0) {
            res->ctr[i].value = value;
            return 0;
        }
    }
    char *k = dup_str(key);
    if (!k || grow_counters(res) != 0) {
        free(k);
        return ALOG_ENOMEM;
    }
    res->ctr[res->nctr].key = k;
    res->ctr[res->nctr].value = value;
    res->nctr++;
    return 0;
}

size_t alog_result_counter_count(const alog_result *res)
{
    return res ? res->nctr : 0;
}

void alog_result_counter_at(const alog_result *res, size_t i,
                            const char **key, double *value)
{
    int ok = res && i < res->nctr;
    if (key)
        *key = ok ? res->ctr[i].key : NULL;
    if (value)
        *value = ok ? res->ctr[i].value : 0;
}

void alog_result_set_interrupted(alog_result *res, int yes)
{
    res->interrupted = yes != 0;
}

int alog_result_interrupted(const alog_result *res)
{
    return res->interrupted;
}

size_t alog_result_memory(const alog_result *res)
{
    size_t m = 0;
    for (unsigned i = 0; i < res->n; i++)
        m += alog_reclist_memory(res->p[i].list);
    return m;
}

void alog_result_set_made(alog_result *res, unsigned i, uint64_t made)
{
    producer *p = get(res, i);
    if (p) {
        p->made = made;
        p->made_set = 1;
    }
}

int alog_result_made(const alog_result *res, unsigned i, uint64_t *made)
{
    producer *p = get(res, i);
    if (p && p->made_set && made)
        *made = p->made;
    return p && p->made_set;
}

void alog_result_set_final(alog_result *res, unsigned i, int status,
                           uint64_t lost, const alog_seqstats *seq)
{
    producer *p = get(res, i);
    if (p) {
        p->final = status;
        p->lost = lost;
        p->seq = *seq;
    }
    res->finished = 1;
}

int alog_result_stored_final(const alog_result *res, unsigned i, int *status,
                             uint64_t *lost, alog_seqstats *seq)
{
    producer *p = get(res, i);
    if (p == NULL || !res->finished)
        return 0;
    *status = p->final;
    *lost = p->lost;
    *seq = p->seq;
    return 1;
}

void alog_result_set_schedule(alog_result *res, int64_t start_ns)
{
    res->sched0_ns = start_ns;
    res->sched_set = 1;
    res->sched_epoch = 1;
}

void alog_result_set_window_start(alog_result *res, int64_t start_ns)
{
    res->sched0_ns = start_ns;
    res->sched_set = 1;
    res->sched_epoch = 0;
}

void alog_result_set_epoch(alog_result *res, int64_t epoch_ns)
{
    res->epoch_ns = epoch_ns;
    res->epoch_set = 1;
}

int alog_result_epoch(const alog_result *res, int64_t *epoch_ns)
{
    if (res->epoch_set && epoch_ns)
        *epoch_ns = res->epoch_ns;
    return res->epoch_set;
}

int alog_result_schedule(const alog_result *res, int64_t *start_ns)
{
    if (res->sched_epoch && start_ns)
        *start_ns = res->sched0_ns;
    return res->sched_epoch;
}

void alog_result_set_span(alog_result *res, int64_t run0_ns, int64_t end_ns)
{
    res->run0_ns = run0_ns;
    res->end_ns = end_ns;
}

void alog_result_span(const alog_result *res, int64_t *run0_ns,
                      int64_t *sched0_ns, int64_t *end_ns)
{
    *run0_ns = res->run0_ns;
    *sched0_ns = res->sched_set ? res->sched0_ns : res->run0_ns;
    *end_ns = res->end_ns;
}
