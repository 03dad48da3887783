/* store.c - a decoded record into its producer's list, after the CPU work
 * the record costs where it is stored (--collect-work). */
#include "transport.h"

int alog_store_emit(void *arg, const alog_record *r, const char *text,
                    size_t len)
{
    alog_store *s = arg;
    if (s->work > 0) {
        alog_record w = *r;
        w.collect_ns = alog_store_work(s, r->collect_ns);
        return text ? alog_reclist_append_text(s->list, &w, text, len)
                    : alog_reclist_append(s->list, &w);
    }
    return text ? alog_reclist_append_text(s->list, r, text, len)
                : alog_reclist_append(s->list, r);
}
