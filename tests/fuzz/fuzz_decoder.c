/* fuzz_decoder.c - the stream decoder (src/decoder.c) on any bytes.
 *
 * Input: byte 0 picks the wire (bit 0: binary) and foreign lines (bit 1),
 * byte 1 seeds the chunking, the rest is the stream.  Properties:
 *  - fed whole, in random chunks through alog_decoder_feed, and in random
 *    chunks read in place (alog_decoder_space + commit, as the transports
 *    do), the stream gives the same records, texts, line and malformed
 *    counts;
 *  - every record carries the decoder's producer index; foreign lines are
 *    numbered 0, 1, 2 ... and stamped with the arrival time; no record or
 *    line is longer than ALOG_WIRE_MAX;
 *  - alog's own records survive re-encoding: encode, decode again, same
 *    sequence number and times.
 */
#include <string.h>

#include "alog.h"
#include "fuzz.h"

#define PRODUCER 3u /* the decoder's index for its producer */
#define WIRE_ID 7u  /* the id alog's own records must carry on the wire */
#define NOW 123456789

typedef struct got {
    alog_record *rec;
    char **text;
    size_t *tlen;
    size_t n, cap;
} got;

static int keep(void *arg, const alog_record *r, const char *text,
                size_t len)
{
    got *g = arg;
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 64;
        g->rec = realloc(g->rec, cap * sizeof *g->rec);
        g->text = realloc(g->text, cap * sizeof *g->text);
        g->tlen = realloc(g->tlen, cap * sizeof *g->tlen);
        FUZZ_CHECK(g->rec && g->text && g->tlen);
        g->cap = cap;
    }
    g->rec[g->n] = *r;
    g->text[g->n] = NULL;
    g->tlen[g->n] = len;
    if (text != NULL) {
        g->text[g->n] = malloc(len ? len : 1);
        FUZZ_CHECK(g->text[g->n] != NULL);
        memcpy(g->text[g->n], text, len);
    }
    g->n++;
    return 0;
}

static void got_free(got *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->text[i]);
    free(g->rec);
    free(g->text);
    free(g->tlen);
}

typedef struct run {
    got g;
    uint64_t lines, malformed;
} run;

/* how: 0 whole, 1 random chunks fed, 2 random chunks read in place. */
static void decode(int wire, int foreign, const uint8_t *s, size_t n,
                   int how, uint64_t seed, run *out)
{
    alog_decoder d;
    memset(out, 0, sizeof *out);
    FUZZ_CHECK(alog_decoder_init(&d, wire, foreign, PRODUCER) == 0);
    d.wire_id = WIRE_ID;
    size_t off = 0;
    while (off < n) {
        size_t k = n - off;
        if (how != 0) {
            uint64_t r = fuzz_next(&seed);
            /* mostly small pieces (records split anywhere; longer on
             * long streams, which ASan's memchr makes slow), some large */
            k = (r & 7) == 0 ? (size_t)(r >> 8) % 70000 + 1
                             : (size_t)(r >> 8) % (9 + n / 256) + 1;
            if (k > n - off)
                k = n - off;
        }
        if (how == 2) {
            size_t avail = 0;
            char *at = alog_decoder_space(&d, k, &avail);
            FUZZ_CHECK(at != NULL && avail >= k);
            memcpy(at, s + off, k);
            FUZZ_CHECK(alog_decoder_commit(&d, k, NOW, keep, &out->g) == 0);
        } else {
            FUZZ_CHECK(alog_decoder_feed(&d, s + off, k, NOW, keep,
                                         &out->g) == 0);
        }
        off += k;
    }
    FUZZ_CHECK(alog_decoder_finish(&d, NOW, keep, &out->g) == 0);
    out->lines = d.lines;
    out->malformed = d.malformed;
    alog_decoder_free(&d);
}

static void same(const run *a, const run *b)
{
    FUZZ_CHECK(a->g.n == b->g.n);
    FUZZ_CHECK(a->lines == b->lines);
    FUZZ_CHECK(a->malformed == b->malformed);
    for (size_t i = 0; i < a->g.n; i++) {
        FUZZ_CHECK(memcmp(&a->g.rec[i], &b->g.rec[i], sizeof a->g.rec[i]) ==
                   0);
        FUZZ_CHECK((a->g.text[i] == NULL) == (b->g.text[i] == NULL));
        FUZZ_CHECK(a->g.tlen[i] == b->g.tlen[i]);
        if (a->g.text[i] != NULL)
            FUZZ_CHECK(memcmp(a->g.text[i], b->g.text[i], a->g.tlen[i]) ==
                       0);
    }
}

/* One of alog's own records: encoded again and decoded, it comes back. */
static int one(void *arg, const alog_record *r, const char *text, size_t len)
{
    (void)text;
    (void)len;
    alog_record *out = arg;
    *out = *r;
    out->flags |= 1u << 31; /* seen */
    return 0;
}

static void round_trip(int wire, const alog_record *r)
{
    /* one decoder per wire for the whole run (a fresh one per record
     * would cost its 64 KiB buffer each time) */
    static alog_decoder dec[2];
    static int ready[2];
    if (!ready[wire]) {
        FUZZ_CHECK(alog_decoder_init(&dec[wire], wire, 0, PRODUCER) == 0);
        dec[wire].wire_id = WIRE_ID;
        ready[wire] = 1;
    }
    alog_record w = *r;
    w.producer = WIRE_ID;
    char buf[256];
    int n = alog_wire_encode(wire, &w, 0, buf, sizeof buf);
    FUZZ_CHECK(n > 0);
    alog_record b = {0};
    uint64_t bad = dec[wire].malformed;
    FUZZ_CHECK(alog_decoder_feed(&dec[wire], buf, (size_t)n, NOW, one, &b) ==
               0);
    FUZZ_CHECK(alog_decoder_finish(&dec[wire], NOW, one, &b) == 0);
    FUZZ_CHECK(dec[wire].malformed == bad && (b.flags & (1u << 31)));
    FUZZ_CHECK(b.seq == r->seq);
    FUZZ_CHECK(b.sched_ns == r->sched_ns);
    FUZZ_CHECK(b.produce_ns == r->produce_ns);
    FUZZ_CHECK(b.producer == PRODUCER);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int wire = (data[0] & 1) ? ALOG_WIRE_BINARY : ALOG_WIRE_TEXT;
    int foreign = (data[0] & 2) != 0;
    uint64_t seed = data[1] ^ ((uint64_t)size << 8);
    const uint8_t *s = data + 2;
    size_t n = size - 2;

    run whole, fed, read;
    decode(wire, foreign, s, n, 0, 0, &whole);
    decode(wire, foreign, s, n, 1, seed, &fed);
    decode(wire, foreign, s, n, 2, seed * 31 + 7, &read);
    same(&whole, &fed);
    same(&whole, &read);

    FUZZ_CHECK(whole.lines == whole.g.n);
    for (size_t i = 0; i < whole.g.n; i++) {
        const alog_record *r = &whole.g.rec[i];
        FUZZ_CHECK(r->producer == PRODUCER);
        FUZZ_CHECK(r->collect_ns == NOW);
        FUZZ_CHECK(r->bytes <= ALOG_WIRE_MAX);
        if (foreign) {
            FUZZ_CHECK(r->seq == i); /* line numbers, none skipped */
            FUZZ_CHECK(r->sched_ns == NOW && r->produce_ns == NOW);
            FUZZ_CHECK(whole.g.text[i] != NULL);
            FUZZ_CHECK(whole.g.tlen[i] < ALOG_WIRE_MAX);
            /* exactly-two-integers lines are the clock ones */
            int64_t clock = 0, id = 0;
            int two = alog_foreign_parse(whole.g.text[i], whole.g.tlen[i],
                                         &clock, &id);
            FUZZ_CHECK(two == ((r->flags & ALOG_REC_CLOCK) != 0));
            FUZZ_CHECK(!two || r->clock_ms == clock);
        } else {
            FUZZ_CHECK(whole.g.text[i] == NULL);
            round_trip(wire, r);
        }
    }
    got_free(&whole.g);
    got_free(&fed.g);
    got_free(&read.g);
    return 0;
}
