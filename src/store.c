/* store.c - a decoded record into its producer's list, after the CPU work
 * the record costs where it is stored (--collect-work), then into its
 * --journal block. */
#include "transport.h"

int alog_store_emit(void *arg, const alog_record *r, const char *text,
                    size_t len)
{
    alog_store *s = arg;
    alog_record w;
    if (s->work > 0) {
        w = *r;
        w.collect_ns = alog_store_work(s, r->collect_ns);
        r = &w;
    }
    int rc = text ? alog_reclist_append_text(s->list, r, text, len)
                  : alog_reclist_append(s->list, r);
    if (rc == 0)
        alog_journal_note(s->journal, r->collect_ns);
    return rc;
}
