/** @file
 * alog/reclist.h - per-producer lists: append-only chunked storage in arrival order, and the merge.
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_RECLIST_H
#define ALOG_RECLIST_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "alog/record.h"

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

#endif
