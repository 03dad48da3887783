/** @file
 * journal.h - `--journal FILE`: the records a collector stores, appended
 * to FILE while the run goes on, so that a collector killed with SIGKILL
 * loses at most the last block of each producer's list.
 *
 * The file is the report's CSV (see report.h) cut short: the report's
 * `# key=value` header lines as the transport opened them, plus
 * `epoch_ns=` (the CLOCK_MONOTONIC time the rows count from: the first
 * record journaled, which is the schedule start of alog's own producers,
 * as in the report), the record column row, then `record,...` rows.
 * Each producer's list has its own block (no lock while formatting); a
 * block goes out with one write(2) when it holds ALOG_JOURNAL_RECORDS
 * records or its first record is ALOG_JOURNAL_NS old at the next store,
 * and at the end of the run.  Only the writes are serialised.  A write
 * that fails stops journaling with one message; the run goes on.
 */
#ifndef ALOG_JOURNAL_H
#define ALOG_JOURNAL_H

#include "alog.h"

/** Records per block: a kill loses at most this many per list. */
#define ALOG_JOURNAL_RECORDS 256
/** Age (ns) of a block's first record that sends the block at the next
 * store of its list (a list that falls silent keeps its block until the
 * end of the run). */
#define ALOG_JOURNAL_NS 100000000

/** A journal file (opaque); shared by every store of a run. */
typedef struct alog_journal alog_journal;
/** One list's block (opaque): used by the thread that stores into the
 * list, owned by the journal. */
typedef struct alog_journal_block alog_journal_block;

/** Create or empty path for writing; *j is the journal.  A symbolic link
 * is never followed (ALOG_ESYS, errno ELOOP), and a path that is the
 * report's file (report: its path, or NULL) is refused before anything is
 * emptied (ALOG_EINVAL; nothing changed).  0, ALOG_ESYS (errno says why)
 * or ALOG_ENOMEM.  Messages later go to d. */
int alog_journal_open(alog_journal **j, const char *path, const char *report,
                      const alog_diag *d);
/** The block of list i of res (the header comes from res too, when the
 * first block is written).  NULL when j is NULL, or out of memory (then
 * journaling stops, said on the journal's diag). */
alog_journal_block *alog_journal_bind(alog_journal *j, alog_result *res,
                                      unsigned i);
/** Out of line part of alog_journal_note. */
void alog_journal_note_slow(alog_journal_block *b, int64_t collect_ns);
/** The list of b got one more record, stored at collect_ns: counts it,
 * writes the block when it is full or old.  b NULL: nothing. */
static inline void alog_journal_note(alog_journal_block *b, int64_t collect_ns)
{
    if (b != NULL)
        alog_journal_note_slow(b, collect_ns);
}
/** Write every block's waiting records (once the stores are done: every
 * collecting thread has ended).  j NULL: nothing. */
void alog_journal_finish(alog_journal *j);
/** Name res as the source of j's header before any block is bound, so
 * that a run that cannot start still leaves a journal saying what it was.
 * j NULL: nothing. */
void alog_journal_attach(alog_journal *j, const alog_result *res);
/** Finish j (as alog_journal_finish), then drop its blocks and its result:
 * called before the result is freed, on every path (j stays open, and a
 * later finish or close touches nothing of the result).  j NULL: nothing. */
void alog_journal_detach(alog_journal *j);
/** The epoch of j's rows (CLOCK_MONOTONIC ns) in *epoch: 1, or 0 while
 * no record was journaled (or j is NULL).  The report of a run with a
 * journal counts from it too, so that both have the same rows. */
int alog_journal_epoch(const alog_journal *j, int64_t *epoch);
/** Why journaling stopped ("write: No space left on device"), or NULL
 * while it works. */
const char *alog_journal_error(const alog_journal *j);
/** Finish, close and free j (NULL: no-op); ALOG_EIO if journaling failed
 * at any point (already said), else 0. */
int alog_journal_close(alog_journal *j);

#endif
