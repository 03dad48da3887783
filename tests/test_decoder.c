/* test_decoder.c - the stream decoder: records split at every byte,
 * garbage and resync, oversized lines, foreign lines, stops, ENOMEM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alog.h"

/* realloc fails while fail_realloc is set. */
static int fail_realloc;
void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n)
{
    if (fail_realloc)
        return NULL;
    return __real_realloc(p, n);
}

#define MAXREC 4096
typedef struct sink {
    alog_record rec[MAXREC];
    char text[MAXREC][64];
    size_t tlen[MAXREC];
    int has_text[MAXREC];
    size_t n;
    size_t stop_at; /* return 42 when n reaches it (0: never) */
} sink;

static int collect(void *arg, const alog_record *r, const char *text,
                   size_t len)
{
    sink *s = arg;
    assert_true(s->n < MAXREC);
    s->rec[s->n] = *r;
    s->has_text[s->n] = text != NULL;
    s->tlen[s->n] = len;
    if (text)
        memcpy(s->text[s->n], text, len < 63 ? len : 63);
    s->n++;
    return s->stop_at && s->n == s->stop_at ? 42 : 0;
}

static sink *new_sink(void)
{
    sink *s = calloc(1, sizeof *s);
    assert_non_null(s);
    return s;
}

static alog_record rec_of(uint32_t producer, uint64_t seq)
{
    alog_record r;
    memset(&r, 0, sizeof r);
    r.producer = producer;
    r.seq = seq;
    r.sched_ns = 1000000000 + (int64_t)seq * 1000;
    r.produce_ns = r.sched_ns + 17 + (int64_t)seq * 3000000;
    return r;
}

/* n records of `producer` on `wire`, sizes cycling through sizes[]. */
static size_t make_stream(int wire, uint32_t producer, uint64_t first,
                          size_t n, const size_t *sizes, size_t nsizes,
                          char *buf, size_t cap)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        alog_record r = rec_of(producer, first + i);
        int m = alog_wire_encode(wire, &r, sizes[i % nsizes], buf + len,
                                 cap - len);
        assert_true(m > 0);
        len += (size_t)m;
    }
    return len;
}

static void check_records(const sink *s, uint32_t producer, uint64_t first,
                          size_t n, int64_t now)
{
    assert_int_equal(s->n, n);
    for (size_t i = 0; i < n; i++) {
        alog_record want = rec_of(producer, first + i);
        const alog_record *r = &s->rec[i];
        assert_int_equal(r->producer, producer);
        assert_int_equal(r->seq, first + i);
        assert_int_equal(r->sched_ns, want.sched_ns);
        assert_int_equal(r->produce_ns, want.produce_ns);
        assert_int_equal(r->clock_ms, want.produce_ns / 1000000);
        assert_int_equal(r->collect_ns, now);
        assert_int_equal(r->flags, 0);
        assert_false(s->has_text[i]);
    }
}

static void test_init(void **state)
{
    (void)state;
    alog_decoder d;
    assert_int_equal(alog_decoder_init(&d, 2, 0, 0), ALOG_EINVAL);
    assert_int_equal(alog_decoder_init(&d, -1, 0, 0), ALOG_EINVAL);
    assert_int_equal(alog_decoder_init(&d, ALOG_WIRE_BINARY, 0, 5), 0);
    assert_int_equal(d.producer, 5);
    assert_int_equal(d.lines, 0);
    assert_int_equal(d.malformed, 0);
    alog_decoder_free(&d);
}

static void whole_stream(int wire)
{
    static const size_t sizes[] = {0, 64, 100, 41, 0, 1000};
    static char buf[200000];
    size_t len = make_stream(wire, 3, 0, 100, sizes, 6, buf, sizeof buf);
    sink *s = new_sink();
    alog_decoder d;
    assert_int_equal(alog_decoder_init(&d, wire, 0, 3), 0);
    assert_int_equal(alog_decoder_feed(&d, buf, len, 777, collect, s), 0);
    assert_int_equal(alog_decoder_finish(&d, 777, collect, s), 0);
    check_records(s, 3, 0, 100, 777);
    assert_int_equal(d.lines, 100);
    assert_int_equal(d.malformed, 0);
    size_t total = 0;
    for (size_t i = 0; i < s->n; i++)
        total += s->rec[i].bytes;
    assert_int_equal(total, len);
    if (wire == ALOG_WIRE_BINARY) {
        assert_int_equal(s->rec[0].bytes, 40);
        assert_int_equal(s->rec[1].bytes, 64);
        assert_int_equal(s->rec[5].bytes, 1000);
    }
    alog_decoder_free(&d);
    free(s);
}

static void test_whole_text(void **state)
{
    (void)state;
    whole_stream(ALOG_WIRE_TEXT);
}

static void test_whole_binary(void **state)
{
    (void)state;
    whole_stream(ALOG_WIRE_BINARY);
}

/* Every split of a 3-record stream into two feeds, and byte by byte. */
static void split_everywhere(int wire)
{
    static const size_t sizes[] = {0, 90, 130};
    char buf[1024];
    size_t len = make_stream(wire, 1, 10, 3, sizes, 3, buf, sizeof buf);
    sink *s = new_sink();
    for (size_t cut = 0; cut <= len; cut++) {
        alog_decoder d;
        memset(s, 0, sizeof *s);
        assert_int_equal(alog_decoder_init(&d, wire, 0, 1), 0);
        assert_int_equal(alog_decoder_feed(&d, buf, cut, 5, collect, s), 0);
        assert_int_equal(alog_decoder_feed(&d, buf + cut, len - cut, 5, collect, s), 0);
        assert_int_equal(alog_decoder_finish(&d, 5, collect, s), 0);
        check_records(s, 1, 10, 3, 5);
        assert_int_equal(d.malformed, 0);
        alog_decoder_free(&d);
    }
    alog_decoder d;
    memset(s, 0, sizeof *s);
    assert_int_equal(alog_decoder_init(&d, wire, 0, 1), 0);
    for (size_t i = 0; i < len; i++) {
        /* A record appears exactly when its last byte arrives. */
        size_t before = s->n;
        assert_int_equal(alog_decoder_feed(&d, buf + i, 1, 5, collect, s), 0);
        if (s->n != before) {
            size_t end = 0;
            for (size_t k = 0; k < s->n; k++)
                end += s->rec[k].bytes;
            assert_int_equal(end, i + 1);
        }
    }
    assert_int_equal(alog_decoder_finish(&d, 5, collect, s), 0);
    check_records(s, 1, 10, 3, 5);
    assert_int_equal(d.malformed, 0);
    alog_decoder_free(&d);
    free(s);
}

static void test_split_text(void **state)
{
    (void)state;
    split_everywhere(ALOG_WIRE_TEXT);
}

static void test_split_binary(void **state)
{
    (void)state;
    split_everywhere(ALOG_WIRE_BINARY);
}

static size_t put_frame(char *buf, uint32_t producer, uint64_t seq, size_t size)
{
    alog_record r = rec_of(producer, seq);
    int m = alog_wire_encode(ALOG_WIRE_BINARY, &r, size, buf, 4096);
    assert_true(m > 0);
    return (size_t)m;
}

/* Garbage between frames: one malformed per bad stretch, however it is
 * split across reads, and the frames around it survive. */
static void test_garbage(void **state)
{
    (void)state;
    static char buf[8192];
    size_t len = 0;
    len += put_frame(buf + len, 0, 0, 0);
    memcpy(buf + len, "garbage!!", 9);
    len += 9;
    len += put_frame(buf + len, 0, 1, 48);
    for (int i = 0; i < 1000; i++)
        buf[len++] = (char)('a' + i % 26); /* never spells ALOG */
    memcpy(buf + len, "ALO", 3);           /* a false start */
    len += 3;
    len += put_frame(buf + len, 0, 2, 0);
    buf[len++] = 'A'; /* garbage right before a frame, one byte */
    len += put_frame(buf + len, 0, 3, 0);
    for (size_t step = 1; step <= len; step = step < 64 ? step + 1 : step * 2) {
        sink *s = new_sink();
        alog_decoder d;
        assert_int_equal(alog_decoder_init(&d, ALOG_WIRE_BINARY, 0, 0), 0);
        for (size_t off = 0; off < len; off += step) {
            size_t n = len - off < step ? len - off : step;
            assert_int_equal(alog_decoder_feed(&d, buf + off, n, 1, collect, s), 0);
        }
        assert_int_equal(alog_decoder_finish(&d, 1, collect, s), 0);
        assert_int_equal(s->n, 4);
        for (size_t i = 0; i < 4; i++)
            assert_int_equal(s->rec[i].seq, i);
        if (d.malformed != 3)
            fail_msg("step %zu: malformed %llu, want 3", step,
                     (unsigned long long)d.malformed);
        alog_decoder_free(&d);
        free(s);
    }
}

static void test_bad_length(void **state)
{
    (void)state;
    static const uint32_t bad[] = {0, 39, ALOG_WIRE_MAX + 1, UINT32_MAX};
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
        char buf[512];
        size_t len = put_frame(buf, 2, 0, 0);
        size_t at = len;
        len += put_frame(buf + len, 2, 1, 0);
        /* Corrupt the second frame's length: it is skipped, the third
         * one (found by the magic search) still arrives. */
        buf[at + 4] = (char)(bad[b] & 0xff);
        buf[at + 5] = (char)(bad[b] >> 8 & 0xff);
        buf[at + 6] = (char)(bad[b] >> 16 & 0xff);
        buf[at + 7] = (char)(bad[b] >> 24 & 0xff);
        len += put_frame(buf + len, 2, 2, 0);
        sink *s = new_sink();
        alog_decoder d;
        assert_int_equal(alog_decoder_init(&d, ALOG_WIRE_BINARY, 0, 2), 0);
        assert_int_equal(alog_decoder_feed(&d, buf, len, 1, collect, s), 0);
        assert_int_equal(alog_decoder_finish(&d, 1, collect, s), 0);
        assert_int_equal(s->n, 2);
        assert_int_equal(s->rec[0].seq, 0);
        assert_int_equal(s->rec[1].seq, 2);
        assert_int_equal(d.malformed, 1);
        alog_decoder_free(&d);
        free(s);
    }
}

static void test_wrong_producer(void **state)
{
    (void)state;
    char buf[1024];
    size_t len = put_frame(buf, 4, 0, 0);
    len += put_frame(buf + len, 9, 1, 80);
    len += put_frame(buf + len, 4, 2, 0);
    sink *s = new_sink();
    alog_decoder d;
    assert_int_equal(alog_decoder_init(&d, ALOG_WIRE_BINARY, 0, 4), 0);
    assert_int_equal(alog_decoder_feed(&d, buf, len, 1, collect, s), 0);
    assert_int_equal(alog_decoder_finish(&d, 1, collect, s), 0);
    assert_int_equal(s->n, 2);
    assert_int_equal(s->rec[1].seq, 2);
    assert_int_equal(d.malformed, 1);
    alog_decoder_free(&d);

    const char *text = "Clock 1 from 4 seq 0 sched 1 prod 1\n"
                       "Clock 1 from 5 seq 1 sched 1 prod 1\n"
                       "Clock 1 from 4 seq 2 sched 1 prod 1\n";
    memset(s, 0, sizeof *s);
    assert_int_equal(alog_decoder_init(&d, ALOG_WIRE_TEXT, 0, 4), 0);
    assert_int_equal(alog_decoder_feed(&d, text, strlen(text), 1, collect, s), 0);
    assert_int_equal(alog_decoder_finish(&d, 1, collect, s), 0);
    assert_int_equal(s->n, 2);
    assert_int_equal(s->rec[1].seq, 2);
    assert_int_equal(d.malformed, 1);
    alog_decoder_free(&d);
    free(s);
}

static void test_bad_lines(void **state)
{
    (void)state;
    const char *text = "hello\n"
                       "Clock 1 from 0 seq 0 sched 1 prod 1\n"
                       "Clock x\n"
                       "\n"
                       "Clock 1 from 0 seq 1 sched 1 prod 1 pad\n"
                       "Clock 1 from 0 seq 2 sched 1 prod 1"; /* no newline */
    sink *s = new_sink();
    alog_decoder d;
    assert_int_equal(alog_decoder_init(&d, ALOG_WIRE_TEXT, 0, 0), 0);
    assert_int_equal(alog_decoder_feed(&d, text, strlen(text), 1, collect, s), 0);
    assert_int_equal(s->n, 2);
    assert_int_equal(d.malformed, 3);
    assert_int_equal(alog_decoder_finish(&d, 1, collect, s), 0);
    assert_int_equal(s->n, 2); /* own trailing line without '\n': malformed */
    assert_int_equal(d.malformed, 4);
    assert_int_equal(d.lines, 2);
    assert_int_equal(s->rec[1].seq, 1);
    assert_int_equal(s->rec[1].bytes, strlen("Clock 1 from 0 seq 1 sched 1 prod 1 pad\n"));
    alog_decoder_free(&d);

    /* A partial frame at the end of a binary stream. */
    char buf[128];
    size_t len = put_frame(buf, 0, 0, 0);
    len += put_frame(buf + len, 0, 1, 64);
    memset(s, 0, sizeof *s);
    assert_int_equal(alog_decoder_init(&d, ALOG_WIRE_BINARY, 0, 0), 0);
    assert_int_equal(alog_decoder_feed(&d, buf, len - 1, 1, collect, s), 0);
    assert_int_equal(alog_decoder_finish(&d, 1, collect, s), 0);
    assert_int_equal(s->n, 1);
    assert_int_equal(d.malformed, 1);
    alog_decoder_free(&d);
    free(s);
}

/* Longer than ALOG_WIRE_MAX: one malformed, skipped to its newline,
 * however it arrives; a line of exactly ALOG_WIRE_MAX bytes is fine. */
static void oversized(int foreign, size_t step)
{
    size_t big = ALOG_WIRE_MAX + 5000;
    size_t cap = 4 * ALOG_WIRE_MAX;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t len = 0;
    alog_record r = rec_of(0, 0);
    len += (size_t)alog_wire_encode(ALOG_WIRE_TEXT, &r, 0, buf, cap);
    memset(buf + len, 'y', big);
    len += big;
    buf[len++] = '\n';
    r = rec_of(0, 1);
    int m = alog_wire_encode(ALOG_WIRE_TEXT, &r, ALOG_WIRE_MAX, buf + len, cap - len);
    assert_int_equal(m, (int)ALOG_WIRE_MAX);
    len += (size_t)m;
    memset(buf + len, 'z', ALOG_WIRE_MAX); /* the same once more, at the end */
    len += ALOG_WIRE_MAX;
    buf[len++] = '\n';
    sink *s = new_sink();
    alog_decoder d;
    assert_int_equal(alog_decoder_init(&d, ALOG_WIRE_TEXT, foreign, 0), 0);
    for (size_t off = 0; off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        assert_int_equal(alog_decoder_feed(&d, buf + off, n, 1, collect, s), 0);
    }
    assert_int_equal(alog_decoder_finish(&d, 1, collect, s), 0);
    assert_int_equal(d.malformed, 2);
    assert_int_equal(s->n, 2);
    if (foreign) {
        assert_int_equal(s->rec[0].seq, 0);
        assert_int_equal(s->rec[1].seq, 1);
        assert_int_equal(s->rec[1].bytes, ALOG_WIRE_MAX);
        assert_int_equal(s->tlen[1], ALOG_WIRE_MAX - 1);
    } else {
        check_records(s, 0, 0, 2, 1);
        assert_int_equal(s->rec[1].bytes, ALOG_WIRE_MAX);
    }
    alog_decoder_free(&d);
    free(s);
    free(buf);
}

static void test_oversized(void **state)
{
    (void)state;
    static const size_t steps[] = {4096, 65536, 100000, 1u << 20};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        oversized(0, steps[i]);
        oversized(1, steps[i]);
    }
}

static void test_foreign_lines(void **state)
{
    (void)state;
    const char *text = "Clock 1603450000000 from 12345\r\n"
                       "no integers here\n"
                       "only 1\n"
                       "1 2 3\n"
                       "\n"
                       "\r\n"
                       "  -4 5  \n"
                       "tail 6 7"; /* unterminated: emitted at finish */
    static const struct {
        const char *text;
        int clock;
        int64_t ms;
        uint32_t bytes;
    } want[] = {
        {"Clock 1603450000000 from 12345", 1, 1603450000000, 32},
        {"no integers here", 0, 0, 17},
        {"only 1", 0, 0, 7},
        {"1 2 3", 0, 0, 6},
        {"", 0, 0, 1},
        {"", 0, 0, 2},
        {"  -4 5  ", 1, -4, 9},
        {"tail 6 7", 1, 6, 8},
    };
    size_t n = sizeof want / sizeof *want;
    for (size_t step = 1; step <= strlen(text); step++) {
        sink *s = new_sink();
        alog_decoder d;
        assert_int_equal(alog_decoder_init(&d, ALOG_WIRE_BINARY, 1, 6), 0);
        int64_t now = 1000;
        for (size_t off = 0; off < strlen(text); off += step) {
            size_t k = strlen(text) - off < step ? strlen(text) - off : step;
            assert_int_equal(alog_decoder_feed(&d, text + off, k, now, collect, s), 0);
        }
        assert_int_equal(alog_decoder_finish(&d, 2000, collect, s), 0);
        assert_int_equal(s->n, n);
        assert_int_equal(d.lines, n);
        assert_int_equal(d.malformed, 0);
        for (size_t i = 0; i < n; i++) {
            const alog_record *r = &s->rec[i];
            uint32_t flags = ALOG_REC_FOREIGN | ALOG_REC_TEXT;
            if (want[i].clock)
                flags |= ALOG_REC_CLOCK;
            assert_int_equal(r->flags, flags);
            assert_int_equal(r->clock_ms, want[i].ms);
            assert_int_equal(r->seq, i);
            assert_int_equal(r->producer, 6);
            assert_int_equal(r->bytes, want[i].bytes);
            assert_true(s->has_text[i]);
            assert_int_equal(s->tlen[i], strlen(want[i].text));
            assert_memory_equal(s->text[i], want[i].text, strlen(want[i].text));
            assert_int_equal(r->sched_ns, r->collect_ns);
            assert_int_equal(r->produce_ns, r->collect_ns);
        }
        assert_int_equal(s->rec[n - 1].collect_ns, 2000); /* at finish */
        assert_int_equal(s->rec[0].collect_ns, 1000);
        alog_decoder_free(&d);
        free(s);
    }
}

/* Feed buf in chunks of `step` (0: every two-way split at `cut`) with the
 * copying feed or the external one; each external chunk is scribbled over
 * after the call, as a reused provided buffer would be.  With stop_every,
 * emit stops every that many records and the same chunk is fed again
 * empty until it parses.  Returns the sink; *lines and *bad the counts. */
static sink *chunked(int wire, int foreign, const char *buf, size_t len,
                     size_t step, size_t cut, int external, size_t stop_every,
                     uint64_t *lines, uint64_t *bad)
{
    static char chunk[70000];
    sink *s = new_sink();
    alog_decoder d;
    assert_int_equal(alog_decoder_init(&d, wire, foreign, 2), 0);
    d.wire_id = 2;
    size_t off = 0;
    while (off < len) {
        size_t k = step ? step : (off == 0 ? cut : len - off);
        if (k > len - off)
            k = len - off;
        if (k > sizeof chunk)
            k = sizeof chunk;
        memcpy(chunk, buf + off, k);
        s->stop_at = stop_every ? s->n + stop_every : 0;
        int rc = external
                     ? alog_decoder_feed_external(&d, chunk, k, 9, collect, s)
                     : alog_decoder_feed(&d, chunk, k, 9, collect, s);
        assert_true(rc == 0 || (stop_every && rc == 42));
        memset(chunk, 0xAA, k);
        s->stop_at = 0;
        off += k;
    }
    assert_int_equal(alog_decoder_finish(&d, 9, collect, s), 0);
    *lines = d.lines;
    *bad = d.malformed;
    alog_decoder_free(&d);
    return s;
}

static void same_records(const sink *a, const sink *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_memory_equal(&a->rec[i], &b->rec[i], sizeof a->rec[i]);
        assert_int_equal(a->has_text[i], b->has_text[i]);
        assert_int_equal(a->tlen[i], b->tlen[i]);
        assert_memory_equal(a->text[i], b->text[i], 64);
    }
}

/* Both feeds agree chunk by chunk; returns the records found, and the
 * malformed count in *bad (may be NULL). */
static size_t external_agrees(int wire, int foreign, const char *buf,
                              size_t len, size_t step, size_t cut,
                              size_t stop_every, uint64_t *bad)
{
    uint64_t l1, b1, l2, b2;
    sink *want = chunked(wire, foreign, buf, len, step, cut, 0, stop_every,
                         &l1, &b1);
    sink *got = chunked(wire, foreign, buf, len, step, cut, 1, stop_every,
                        &l2, &b2);
    same_records(want, got);
    assert_int_equal(l1, l2);
    assert_int_equal(b1, b2);
    size_t n = got->n;
    if (bad)
        *bad = b2;
    free(want);
    free(got);
    return n;
}

/* The external feed gives exactly what the copying feed gives, whatever
 * the chunks: own text lines and frames (sizes up to the longest),
 * garbage between frames, oversized and foreign lines, emit stops; and it
 * keeps no pointer into a chunk after the call. */
static void test_external(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 64, 1000, 41, 0, 300, 60000};
    static char buf[1 << 20];
    static const size_t steps[] = {1, 3, 7, 40, 64, 100, 4096, 65536, 0};
    for (int wire = 0; wire <= 1; wire++) {
        size_t len = make_stream(wire, 2, 0, 60, sizes, 7, buf, sizeof buf);
        if (wire == ALOG_WIRE_BINARY) {
            /* Garbage inside frame 2 (1000 bytes from 104): its tail
             * then reads as a bad stretch until the next magic. */
            memmove(buf + 300, buf + 200, len - 200);
            memset(buf + 200, 'x', 100);
            len += 100;
        }
        for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
            if (steps[i] == 0) {
                for (size_t cut = 1; cut < 2000; cut += 37)
                    external_agrees(wire, 0, buf, len, 0, cut, 0, NULL);
                continue;
            }
            uint64_t bad;
            size_t n = external_agrees(wire, 0, buf, len, steps[i], 0, 0, &bad);
            assert_int_equal(n, 60);
            assert_int_equal(bad, wire == ALOG_WIRE_BINARY ? 1 : 0);
            external_agrees(wire, 0, buf, len, steps[i], 0, 5, NULL);
        }
    }
    /* Foreign lines: CR, empty, oversized, unterminated at the end. */
    size_t len = 0;
    len += (size_t)sprintf(buf + len, "Clock 1 from 2\r\n\nfree text\n");
    memset(buf + len, 'y', 70000);
    len += 70000;
    len += (size_t)sprintf(buf + len, "\nafter 3 4\nlast, no newline");
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        if (steps[i] == 0)
            continue;
        assert_int_equal(
            external_agrees(ALOG_WIRE_TEXT, 1, buf, len, steps[i], 0, 0, NULL),
            5);
        external_agrees(ALOG_WIRE_TEXT, 1, buf, len, steps[i], 0, 2, NULL);
    }
}

/* A non-zero emit stops the feed and is returned; the rest stays and is
 * parsed by the next call. */
static void test_emit_stop(void **state)
{
    (void)state;
    static const size_t sizes[] = {0};
    for (int wire = 0; wire <= 1; wire++) {
        char buf[1024];
        size_t len = make_stream(wire, 0, 0, 5, sizes, 1, buf, sizeof buf);
        sink *s = new_sink();
        s->stop_at = 2;
        alog_decoder d;
        assert_int_equal(alog_decoder_init(&d, wire, 0, 0), 0);
        assert_int_equal(alog_decoder_feed(&d, buf, len, 1, collect, s), 42);
        assert_int_equal(s->n, 2);
        assert_int_equal(d.lines, 2);
        assert_int_equal(alog_decoder_feed(&d, NULL, 0, 1, collect, s), 0);
        assert_int_equal(alog_decoder_finish(&d, 1, collect, s), 0);
        check_records(s, 0, 0, 5, 1);
        assert_int_equal(d.malformed, 0);
        alog_decoder_free(&d);
        free(s);
    }
}

/* The read path: space of at least `want`, reads straight into it; a
 * steady stream keeps the buffer small (compaction instead of growth). */
static void test_space_commit(void **state)
{
    (void)state;
    static const size_t sizes[] = {64};
    static char buf[64 * 100];
    size_t len = make_stream(ALOG_WIRE_BINARY, 0, 0, 100, sizes, 1, buf, sizeof buf);
    alog_decoder d;
    assert_int_equal(alog_decoder_init(&d, ALOG_WIRE_BINARY, 0, 0), 0);
    uint64_t total = 0;
    size_t pos = 0;
    /* Reads of odd sizes, so frames are split everywhere. */
    for (int round = 0; round < 20000; round++) {
        size_t avail;
        char *p = alog_decoder_space(&d, 65536, &avail);
        assert_non_null(p);
        assert_true(avail >= 65536);
        size_t n = 1 + (size_t)round * 7919 % 3000;
        for (size_t i = 0; i < n; i++) {
            p[i] = buf[pos];
            pos = (pos + 1) % len;
        }
        assert_int_equal(alog_decoder_commit(&d, n, 1, NULL, NULL), 0);
        total += n;
        assert_true(d.cap <= 4 * 65536);
    }
    assert_int_equal(d.lines, total / 64);
    assert_int_equal(d.malformed, 0);
    size_t avail;
    assert_non_null(alog_decoder_space(&d, 1000000, &avail));
    assert_true(avail >= 1000000);
    alog_decoder_free(&d);
}

static void test_enomem(void **state)
{
    (void)state;
    alog_decoder d;
    size_t avail = 99;
    assert_int_equal(alog_decoder_init(&d, ALOG_WIRE_TEXT, 0, 0), 0);
    fail_realloc = 1;
    assert_null(alog_decoder_space(&d, 100, &avail));
    assert_int_equal(alog_decoder_feed(&d, "Clock", 5, 1, NULL, NULL), ALOG_ENOMEM);
    fail_realloc = 0;
    const char *line = "Clock 1 from 0 seq 0 sched 1 prod 1\n";
    assert_int_equal(alog_decoder_feed(&d, line, strlen(line), 1, NULL, NULL), 0);
    assert_int_equal(d.lines, 1);
    alog_decoder_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_whole_text),
        cmocka_unit_test(test_whole_binary),
        cmocka_unit_test(test_split_text),
        cmocka_unit_test(test_split_binary),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_bad_length),
        cmocka_unit_test(test_wrong_producer),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_oversized),
        cmocka_unit_test(test_foreign_lines),
        cmocka_unit_test(test_emit_stop),
        cmocka_unit_test(test_external),
        cmocka_unit_test(test_space_commit),
        cmocka_unit_test(test_enomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
