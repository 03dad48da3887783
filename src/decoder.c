/* decoder.c - turns a byte stream (text lines or binary frames) into
 * records.  Parses in place; the unparsed tail moves to the front only
 * when a read needs the room, so a steady stream costs no copy. */
#include <stdlib.h>
#include <string.h>

#include "alog.h"

#define DECODER_MIN_CAP 65536u

int alog_decoder_init(alog_decoder *d, int wire, int foreign,
                      uint32_t producer)
{
    if (!d || (wire != ALOG_WIRE_TEXT && wire != ALOG_WIRE_BINARY))
        return ALOG_EINVAL;
    memset(d, 0, sizeof *d);
    d->wire = wire;
    d->foreign = foreign != 0;
    d->producer = producer;
    d->wire_id = producer;
    return 0;
}

void alog_decoder_free(alog_decoder *d)
{
    if (!d)
        return;
    free(d->buf);
    d->buf = NULL;
    d->len = d->cap = d->off = 0;
}

char *alog_decoder_space(alog_decoder *d, size_t want, size_t *avail)
{
    if (want == 0)
        want = 1;
    if (d->cap - d->len < want && d->off > 0) {
        memmove(d->buf, d->buf + d->off, d->len - d->off);
        d->len -= d->off;
        d->off = 0;
    }
    if (d->cap - d->len < want) {
        if (want > SIZE_MAX / 2 - d->len)
            return NULL;
        size_t need = d->len + want;
        size_t cap = d->cap ? d->cap : DECODER_MIN_CAP;
        while (cap < need)
            cap *= 2;
        char *nb = realloc(d->buf, cap);
        if (!nb)
            return NULL;
        d->buf = nb;
        d->cap = cap;
    }
    if (avail)
        *avail = d->cap - d->len;
    return d->buf + d->len;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static int emit_rec(alog_decoder *d, alog_emit_fn emit, void *arg,
                    const alog_record *r, const char *text, size_t len)
{
    d->lines++;
    return emit ? emit(arg, r, text, len) : 0;
}

/* One complete line (no '\n') at the stream's line index. */
static int take_line(alog_decoder *d, const char *line, size_t len,
                     size_t wire_bytes, int64_t now_ns, alog_emit_fn emit,
                     void *arg)
{
    alog_record rec;
    if (wire_bytes > ALOG_WIRE_MAX) {
        d->malformed++;
        return 0;
    }
    if (d->foreign) {
        if (len > 0 && line[len - 1] == '\r')
            len--;
        memset(&rec, 0, sizeof rec);
        rec.flags = ALOG_REC_FOREIGN | ALOG_REC_TEXT;
        int64_t clock, id;
        if (alog_foreign_parse(line, len, &clock, &id)) {
            rec.flags |= ALOG_REC_CLOCK;
            rec.clock_ms = clock;
        }
        rec.seq = d->lines;
        rec.sched_ns = rec.produce_ns = rec.collect_ns = now_ns;
        rec.producer = d->producer;
        rec.bytes = (uint32_t)wire_bytes;
        return emit_rec(d, emit, arg, &rec, line, len);
    }
    if (alog_text_parse(line, len, &rec) != 0 || rec.producer != d->wire_id) {
        d->malformed++;
        return 0;
    }
    rec.producer = d->producer;
    rec.collect_ns = now_ns;
    return emit_rec(d, emit, arg, &rec, NULL, 0);
}

static int parse_lines(alog_decoder *d, int64_t now_ns, alog_emit_fn emit,
                       void *arg)
{
    while (d->off < d->len) {
        char *s = d->buf + d->off;
        size_t rest = d->len - d->off;
        char *nl = memchr(s, '\n', rest);
        if (d->skipping) {
            if (!nl) {
                d->off = d->len;
                break;
            }
            d->skipping = 0;
            d->off += (size_t)(nl - s) + 1;
            continue;
        }
        if (!nl) {
            if (rest >= ALOG_WIRE_MAX) {
                /* Too long to ever be a record: drop it up to its end. */
                d->malformed++;
                d->skipping = 1;
                d->off = d->len;
            }
            break;
        }
        size_t len = (size_t)(nl - s);
        d->off += len + 1;
        int rc = take_line(d, s, len, len + 1, now_ns, emit, arg);
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_frames(alog_decoder *d, int64_t now_ns, alog_emit_fn emit,
                        void *arg)
{
    static const unsigned char magic[4] = {'A', 'L', 'O', 'G'};
    while (d->len - d->off >= 4) {
        const unsigned char *p = (const unsigned char *)d->buf + d->off;
        size_t rest = d->len - d->off;
        if (get_u32(p) != ALOG_FRAME_MAGIC) {
            /* One malformed count per bad stretch, however long. */
            if (!d->skipping) {
                d->malformed++;
                d->skipping = 1;
            }
            const unsigned char *m = memmem(p + 1, rest - 1, magic, 4);
            if (!m) {
                d->off = d->len - 3; /* may hold the start of a magic */
                break;
            }
            d->off += (size_t)(m - p);
            continue;
        }
        d->skipping = 0;
        if (rest < 8)
            break;
        uint32_t flen = get_u32(p + 4);
        if (flen < ALOG_FRAME_HDR || flen > ALOG_WIRE_MAX) {
            d->malformed++;
            d->skipping = 1;
            d->off += 4;
            continue;
        }
        if (rest < flen)
            break;
        d->off += flen;
        alog_record rec;
        memset(&rec, 0, sizeof rec);
        if (get_u32(p + 8) != d->wire_id) {
            d->malformed++;
            continue;
        }
        rec.producer = d->producer;
        rec.seq = get_u64(p + 16);
        rec.sched_ns = (int64_t)get_u64(p + 24);
        rec.produce_ns = (int64_t)get_u64(p + 32);
        rec.clock_ms = rec.produce_ns / 1000000;
        rec.collect_ns = now_ns;
        rec.bytes = flen;
        int rc = emit_rec(d, emit, arg, &rec, NULL, 0);
        if (rc)
            return rc;
    }
    return 0;
}

static int parse(alog_decoder *d, int64_t now_ns, alog_emit_fn emit,
                 void *arg)
{
    int rc = (d->foreign || d->wire == ALOG_WIRE_TEXT)
                 ? parse_lines(d, now_ns, emit, arg)
                 : parse_frames(d, now_ns, emit, arg);
    if (d->off == d->len)
        d->off = d->len = 0; /* everything used: restart at the front */
    return rc;
}

int alog_decoder_commit(alog_decoder *d, size_t n, int64_t now_ns,
                        alog_emit_fn emit, void *arg)
{
    if (n > d->cap - d->len)
        return ALOG_EINVAL;
    d->len += n;
    return parse(d, now_ns, emit, arg);
}

int alog_decoder_feed(alog_decoder *d, const void *data, size_t n,
                      int64_t now_ns, alog_emit_fn emit, void *arg)
{
    if (n == 0)
        return parse(d, now_ns, emit, arg);
    size_t avail;
    char *s = alog_decoder_space(d, n, &avail);
    if (!s)
        return ALOG_ENOMEM;
    memcpy(s, data, n);
    return alog_decoder_commit(d, n, now_ns, emit, arg);
}

/* Bytes of data that complete the pending tail's record: up to the next
 * newline (text), the frame header's length field or the frame's end
 * (binary); all of data where that is not known (a bad stretch). */
static size_t tail_need(const alog_decoder *d, const char *data, size_t n)
{
    size_t have = d->len - d->off, need = n;
    if (d->skipping)
        return n;
    if (d->foreign || d->wire == ALOG_WIRE_TEXT) {
        const char *nl = memchr(data, '\n', n);
        need = nl ? (size_t)(nl - data) + 1 : n;
    } else if (have < 8) {
        need = 8 - have;
    } else {
        const unsigned char *p = (const unsigned char *)d->buf + d->off;
        uint32_t flen = get_u32(p + 4);
        if (get_u32(p) == ALOG_FRAME_MAGIC && flen > have)
            need = flen - have;
    }
    return need < n ? need : n;
}

/* Append n bytes to the own buffer unparsed (for the next parse). */
static int keep(alog_decoder *d, const char *p, size_t n)
{
    char *s = alog_decoder_space(d, n, NULL);
    if (!s)
        return ALOG_ENOMEM;
    memcpy(s, p, n);
    d->len += n;
    return 0;
}

int alog_decoder_feed_external(alog_decoder *d, const void *data, size_t n,
                               int64_t now_ns, alog_emit_fn emit, void *arg)
{
    const char *p = data;
    /* A record split across buffers is completed in the own buffer, with
     * just the bytes it lacks. */
    while (n > 0 && d->off < d->len) {
        size_t k = tail_need(d, p, n);
        int rc = alog_decoder_feed(d, p, k, now_ns, emit, arg);
        p += k;
        n -= k;
        if (rc) /* an emit stop: the rest waits, as after a feed */
            return n > 0 && keep(d, p, n) != 0 ? ALOG_ENOMEM : rc;
    }
    if (n == 0)
        return 0;
    /* The rest is parsed where it lies: the parsers only read d->buf.
     * What is left (a split record, or what an emit stop left) is copied
     * so that the caller may reuse its buffer. */
    char *own = d->buf;
    size_t cap = d->cap;
    d->buf = (char *)(uintptr_t)p;
    d->len = d->cap = n;
    d->off = 0;
    int rc = parse(d, now_ns, emit, arg);
    size_t off = d->off, len = d->len;
    d->buf = own;
    d->cap = cap;
    d->off = d->len = 0;
    if (off < len && keep(d, p + off, len - off) != 0)
        return ALOG_ENOMEM;
    return rc;
}

int alog_decoder_finish(alog_decoder *d, int64_t now_ns, alog_emit_fn emit,
                        void *arg)
{
    int rc = parse(d, now_ns, emit, arg);
    if (rc)
        return rc;
    if (d->off < d->len) {
        size_t len = d->len - d->off;
        const char *s = d->buf + d->off;
        d->off = d->len = 0;
        if (d->foreign) {
            d->skipping = 0;
            return take_line(d, s, len, len, now_ns, emit, arg);
        }
        if (!d->skipping)
            d->malformed++;
    }
    d->off = d->len = 0;
    d->skipping = 0;
    return 0;
}
