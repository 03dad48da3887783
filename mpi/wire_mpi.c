/* wire_mpi.c - the MPI records on the wire and rank 0's bookkeeping of
 * each producer (no MPI calls here: see wire_mpi.h). */
#include <string.h>

#include "transport.h"
#include "wire_mpi.h"

size_t alog_mpi_rec_bytes(const alog_config *cfg)
{
    return cfg->payload > ALOG_MPI_WIRE_REC ? cfg->payload : ALOG_MPI_WIRE_REC;
}

void alog_mpi_rec_put(unsigned char *at, const alog_record *r)
{
    memcpy(at, &r->seq, 8);
    memcpy(at + 8, &r->sched_ns, 8);
    memcpy(at + 16, &r->produce_ns, 8);
}

int alog_mpi_end_of(int produce_status)
{
    switch (produce_status) {
    case ALOG_PS_OK: return ALOG_MPI_END_DONE;
    case ALOG_PS_STOPPED: return ALOG_MPI_END_STOPPED;
    default: return ALOG_MPI_END_FAILED;
    }
}

size_t alog_mpi_block_put(unsigned char *at, int origin, int kind,
                          const void *body, size_t n)
{
    alog_mpi_block b = {.origin = origin, .kind = kind,
                        .bytes = (uint32_t)n, .reserved = 0};
    memcpy(at, &b, sizeof b);
    if (n > 0)
        memcpy(at + sizeof b, body, n);
    return sizeof b + n;
}

int alog_mpi_block_next(const unsigned char *buf, size_t bytes, size_t *off,
                        alog_mpi_block *b, const unsigned char **body)
{
    if (*off >= bytes)
        return 0;
    if (bytes - *off < sizeof *b)
        return -1;
    memcpy(b, buf + *off, sizeof *b);
    if (b->kind < ALOG_MPI_BLOCK_DATA || b->kind > ALOG_MPI_BLOCK_STALL ||
        b->bytes > bytes - *off - sizeof *b)
        return -1;
    *body = buf + *off + sizeof *b;
    *off += sizeof *b + b->bytes;
    return 1;
}

long alog_mpi_source_data(alog_mpi_source *s, alog_store *st, uint32_t p,
                          const unsigned char *buf, size_t bytes, size_t rb,
                          int64_t now)
{
    size_t n = bytes / rb;
    if (bytes % rb != 0)
        s->malformed++;
    /* Filled in spans of the list, every field written: no zeroing and
     * no push per record (rank 0 stores every producer's records). */
    for (size_t i = 0; i < n;) {
        size_t k;
        alog_record *r = alog_reclist_span(st->list, n - i, &k);
        if (r == NULL)
            return ALOG_ENOMEM;
        for (size_t j = 0; j < k; j++, r++) {
            const unsigned char *w = buf + (i + j) * rb;
            uint64_t seq;
            int64_t sched, prod;
            memcpy(&seq, w, 8);
            memcpy(&sched, w + 8, 8);
            memcpy(&prod, w + 16, 8);
            r->sched_ns = sched - s->offset_ns;
            r->produce_ns = prod - s->offset_ns;
            r->collect_ns = alog_store_work(st, now);
            r->clock_ms = r->produce_ns / 1000000;
            r->seq = seq;
            r->producer = p;
            r->bytes = (uint32_t)rb;
            r->flags = 0;
            r->text = 0;
            alog_journal_note(st->journal, r->collect_ns);
        }
        i += k;
    }
    s->received += n;
    return (long)n;
}

void alog_mpi_source_final(alog_mpi_source *s, const unsigned char *buf,
                           size_t bytes)
{
    alog_mpi_final fin;
    if (bytes == sizeof fin) {
        memcpy(&fin, buf, sizeof fin);
        s->sent = fin.sent;
        s->cpu_ns = fin.cpu_ns;
        s->end = fin.end;
    } else {
        s->malformed++;
        s->sent = s->received;
        s->end = ALOG_MPI_END_FAILED;
    }
    s->finished = 1;
}

int alog_mpi_source_status(const alog_mpi_source *s, uint64_t *lost)
{
    int status = ALOG_PS_OK;
    if (s->stalled) /* its final never came: nothing to count */
        return s->stalled == 2 ? ALOG_PS_STOPPED : ALOG_PS_STALLED;
    if (s->end == ALOG_MPI_END_FAILED)
        status = ALOG_PS_SHORT;
    else if (s->end == ALOG_MPI_END_STOPPED)
        status = ALOG_PS_STOPPED;
    if (s->received != s->sent) {
        /* MPI lost or invented records: say so, never hide it. */
        *lost += s->sent > s->received ? s->sent - s->received : 0;
        if (status == ALOG_PS_OK)
            status = ALOG_PS_LOST;
    }
    return status;
}

int64_t alog_mpi_forecast(const alog_mpi_plan *plan, const alog_mpi_source *s)
{
    uint64_t k = s->received;
    int64_t iv = s->interval_ns;
    if (iv == 0)
        return INT64_MIN;
    if ((plan->count > 0 && k >= plan->count) ||
        (s->fail_after >= 0 && k >= (uint64_t)s->fail_after))
        return INT64_MIN;
    int64_t start = plan->start_ns + s->phase_ns;
    int64_t end = plan->end_ns == INT64_MAX ? INT64_MAX
                                            : plan->end_ns + s->phase_ns;
    int64_t t = start + (int64_t)k * iv;
    if (t >= end)
        return INT64_MIN;
    if (plan->batch > 1) {
        /* A batch leaves when full, at its flush deadline, or with the
         * producer's last record, whichever comes first. */
        uint64_t last = k + plan->batch - 1;
        if (plan->count > 0 && last > plan->count - 1)
            last = plan->count - 1;
        if (s->fail_after > 0 && last > (uint64_t)s->fail_after - 1)
            last = (uint64_t)s->fail_after - 1;
        int64_t full = start + (int64_t)last * iv;
        int64_t due = t + plan->flush_ns;
        t = full < due ? full : due;
        if (t > end)
            t = end;
    }
    return t;
}

unsigned alog_mpi_batch_fit(uint64_t limit, size_t rb, size_t margin)
{
    if (rb == 0 || limit <= margin)
        return 1;
    uint64_t room = limit - margin;
    if (room > ALOG_MPI_MSG_MAX)
        room = ALOG_MPI_MSG_MAX;
    uint64_t n = room / rb;
    return n < 1 ? 1 : n > ALOG_MPI_BATCH_MAX ? ALOG_MPI_BATCH_MAX : (unsigned)n;
}
