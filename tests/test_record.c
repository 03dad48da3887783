/* test_record.c - both wires: exact text, padding, round trips, strict
 * parsing, and foreign lines read the way the original read them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alog.h"

static alog_record sample(uint32_t producer, uint64_t seq, int64_t sched,
                          int64_t prod)
{
    alog_record r;
    memset(&r, 0, sizeof r);
    r.producer = producer;
    r.seq = seq;
    r.sched_ns = sched;
    r.produce_ns = prod;
    return r;
}

static void test_text_exact(void **state)
{
    (void)state;
    alog_record r = sample(2, 7, 1603450000000123456, 1603450000001999999);
    char buf[256];
    int n = alog_wire_encode(ALOG_WIRE_TEXT, &r, 0, buf, sizeof buf);
    const char *want = "Clock 1603450000001 from 2 seq 7 sched "
                       "1603450000000123456 prod 1603450000001999999\n";
    assert_int_equal(n, (int)strlen(want));
    assert_memory_equal(buf, want, strlen(want));
}

static void test_text_padding(void **state)
{
    (void)state;
    alog_record r = sample(0, 0, 5000000, 6000000);
    char nat[128];
    int n = alog_wire_encode(ALOG_WIRE_TEXT, &r, 0, nat, sizeof nat);
    assert_int_equal(n, (int)strlen("Clock 6 from 0 seq 0 sched 5000000 prod 6000000\n"));
    /* Sizes up to the natural line give the natural line. */
    for (size_t size = 1; size <= (size_t)n; size++) {
        char buf[128];
        assert_int_equal(alog_wire_encode(ALOG_WIRE_TEXT, &r, size, buf, sizeof buf), n);
        assert_memory_equal(buf, nat, (size_t)n);
    }
    static char big[ALOG_WIRE_MAX];
    for (size_t size = (size_t)n + 1; size < 300; size++) {
        int m = alog_wire_encode(ALOG_WIRE_TEXT, &r, size, big, sizeof big);
        assert_int_equal(m, (int)size);
        assert_memory_equal(big, nat, (size_t)n - 1);
        assert_int_equal(big[n - 1], ' ');
        for (size_t i = (size_t)n; i < size - 1; i++)
            assert_int_equal(big[i], 'x');
        assert_int_equal(big[size - 1], '\n');
        alog_record back;
        assert_int_equal(alog_text_parse(big, size - 1, &back), 0);
        assert_int_equal(back.bytes, size);
        assert_int_equal(back.seq, 0);
        assert_int_equal(back.produce_ns, 6000000);
    }
    int m = alog_wire_encode(ALOG_WIRE_TEXT, &r, ALOG_WIRE_MAX, big, sizeof big);
    assert_int_equal(m, (int)ALOG_WIRE_MAX);
    assert_int_equal(big[ALOG_WIRE_MAX - 1], '\n');
    assert_int_equal(alog_wire_encode(ALOG_WIRE_TEXT, &r, ALOG_WIRE_MAX + 1, big,
                                      sizeof big), ALOG_ERANGE);
    assert_int_equal(alog_wire_encode(ALOG_WIRE_TEXT, &r, 0, big, (size_t)n - 1),
                     ALOG_ERANGE);
    assert_int_equal(alog_wire_encode(ALOG_WIRE_TEXT, &r, 0, big, (size_t)n), n);
    assert_int_equal(alog_wire_encode(ALOG_WIRE_TEXT, &r, 200, big, 199), ALOG_ERANGE);
    assert_int_equal(alog_wire_encode(7, &r, 0, big, sizeof big), ALOG_EINVAL);
}

static void test_text_roundtrip(void **state)
{
    (void)state;
    const int64_t times[] = {0, 1, 999999, 1000000, 123456789012345678,
                             INT64_MAX, -5, -1000000, INT64_MIN};
    const uint64_t seqs[] = {0, 1, 42, UINT64_MAX};
    const uint32_t ids[] = {0, 3, UINT32_MAX};
    for (size_t a = 0; a < sizeof times / sizeof *times; a++)
        for (size_t b = 0; b < sizeof seqs / sizeof *seqs; b++)
            for (size_t c = 0; c < sizeof ids / sizeof *ids; c++) {
                int64_t sched = times[(a + 3) % (sizeof times / sizeof *times)];
                alog_record r = sample(ids[c], seqs[b], sched, times[a]), back;
                char buf[512];
                int n = alog_wire_encode(ALOG_WIRE_TEXT, &r, 0, buf, sizeof buf);
                assert_true(n > 0);
                assert_int_equal(buf[n - 1], '\n');
                assert_int_equal(alog_text_parse(buf, (size_t)n - 1, &back), 0);
                assert_int_equal(back.producer, ids[c]);
                assert_int_equal(back.seq, seqs[b]);
                assert_int_equal(back.sched_ns, sched);
                assert_int_equal(back.produce_ns, times[a]);
                assert_int_equal(back.clock_ms, times[a] / 1000000);
                assert_int_equal(back.bytes, (uint32_t)n);
                assert_int_equal(back.flags, 0);
            }
}

/* Random values of every width through both wires. */
static void test_roundtrip_random(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 20000; i++) {
        uint64_t w[4];
        for (int k = 0; k < 4; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w[k] = x >> (x % 64); /* every number of digits */
        }
        alog_record r = sample((uint32_t)w[0], w[1], (int64_t)w[2],
                               (int64_t)w[3]), back;
        char buf[256];
        for (int wire = 0; wire <= 1; wire++) {
            size_t size = (size_t)(w[0] % 200);
            int n = alog_wire_encode(wire, &r, size, buf, sizeof buf);
            assert_true(n > 0);
            if (wire == ALOG_WIRE_TEXT) {
                assert_int_equal(alog_text_parse(buf, (size_t)n - 1, &back), 0);
            } else {
                alog_decoder d;
                assert_int_equal(alog_decoder_init(&d, wire, 0, r.producer), 0);
                assert_int_equal(alog_decoder_feed(&d, buf, (size_t)n, 0, NULL, NULL), 0);
                assert_int_equal(d.lines, 1);
                alog_decoder_free(&d);
                continue;
            }
            assert_int_equal(back.producer, r.producer);
            assert_int_equal(back.seq, r.seq);
            assert_int_equal(back.sched_ns, r.sched_ns);
            assert_int_equal(back.produce_ns, r.produce_ns);
            assert_int_equal(back.clock_ms, r.produce_ns / 1000000);
        }
    }
}

static void test_text_strict(void **state)
{
    (void)state;
    static const char *bad[] = {
        "",
        "Clock",
        "Clock 1 from 2 seq 3 sched 4",
        "Clock 1 from 2 seq 3 sched 4 prod",
        "Clock 1 from 2 seq 3 sched 4 prod ",
        "Clock 1 from 2 seq 3 sched 4 prod 5x",
        "Clock 1 from 2 seq 3 sched 4 prod 5\r",
        "clock 1 from 2 seq 3 sched 4 prod 5",
        "Clock 1  from 2 seq 3 sched 4 prod 5",
        "Clock +1 from 2 seq 3 sched 4 prod 5",
        "Clock 1 from -2 seq 3 sched 4 prod 5",
        "Clock 1 from 4294967296 seq 3 sched 4 prod 5",
        "Clock 1 from 2 seq 18446744073709551616 sched 4 prod 5",
        "Clock 1 from 2 seq -3 sched 4 prod 5",
        "Clock 1 from 2 seq 3 sched 9223372036854775808 prod 5",
        "Clock 1 from 2 seq 3 sched 4 prod 0x10",
        "Clock 1 from 2 seq 3 sched - prod 5",
        "Clock 1603450000000 from 12345",
        " Clock 1 from 2 seq 3 sched 4 prod 5",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        alog_record r;
        if (alog_text_parse(bad[i], strlen(bad[i]), &r) != ALOG_EPROTO)
            fail_msg("accepted: '%s'", bad[i]);
    }
    alog_record r;
    const char *zeros = "Clock 007 from 0003 seq 000000000000000000000000000000042 "
                        "sched -00000000000000000000000001 prod 18446744073709551615";
    assert_int_equal(alog_text_parse(zeros, strlen(zeros), &r), ALOG_EPROTO);
    zeros = "Clock 007 from 0003 seq 000000000000000000000000000000042 "
            "sched -00000000000000000000000009223372036854775808 prod 9223372036854775807";
    assert_int_equal(alog_text_parse(zeros, strlen(zeros), &r), 0);
    assert_int_equal(r.clock_ms, 7);
    assert_int_equal(r.producer, 3);
    assert_int_equal(r.seq, 42);
    assert_int_equal(r.sched_ns, INT64_MIN);
    assert_int_equal(r.produce_ns, INT64_MAX);
    const char *ok = "Clock 1 from 2 seq 3 sched -4 prod 5 any filler \t at all";
    assert_int_equal(alog_text_parse(ok, strlen(ok), &r), 0);
    assert_int_equal(r.clock_ms, 1);
    assert_int_equal(r.producer, 2);
    assert_int_equal(r.seq, 3);
    assert_int_equal(r.sched_ns, -4);
    assert_int_equal(r.produce_ns, 5);
    assert_int_equal(r.bytes, strlen(ok) + 1);
    /* The length bounds the parse: no reading past it. */
    const char *cut = "Clock 1 from 2 seq 3 sched 4 prod 56";
    assert_int_equal(alog_text_parse(cut, strlen(cut) - 1, &r), 0);
    assert_int_equal(r.produce_ns, 5);
    assert_int_equal(alog_text_parse(cut, 20, &r), ALOG_EPROTO);
}

/* Every number of digits, at its edges (10^k - 1, 10^k, 10^k + 1, 0 and
 * UINT64_MAX): written exactly as printf writes it, and read back. */
static void test_text_digit_edges(void **state)
{
    (void)state;
    uint64_t v[64];
    int n = 0;
    uint64_t p = 1;
    for (int k = 0; k < 20; k++) {
        v[n++] = p - 1;
        v[n++] = p;
        v[n++] = p + 1;
        if (k < 19)
            p *= 10;
    }
    v[n++] = UINT64_MAX;
    for (int i = 0; i < n; i++) {
        alog_record r = sample(0, v[i], (int64_t)(v[i] >> 1), (int64_t)(v[i] >> 1)), back;
        char buf[256], want[256];
        int m = alog_wire_encode(ALOG_WIRE_TEXT, &r, 0, buf, sizeof buf);
        int w = snprintf(want, sizeof want, "Clock %llu from 0 seq %llu sched %llu prod %llu\n",
                         (unsigned long long)((v[i] >> 1) / 1000000),
                         (unsigned long long)v[i], (unsigned long long)(v[i] >> 1),
                         (unsigned long long)(v[i] >> 1));
        assert_int_equal(m, w);
        assert_memory_equal(buf, want, (size_t)w);
        assert_int_equal(alog_text_parse(buf, (size_t)m - 1, &back), 0);
        assert_int_equal(back.seq, v[i]);
        assert_int_equal(back.produce_ns, (int64_t)(v[i] >> 1));
    }
}

/* Digit runs of every length 1..24, leading zeros included, as the last
 * field of a line in a heap buffer of exactly its size (a read past the
 * line is a sanitizer error) and as a middle field: the parse agrees with
 * strtoull, overflow included. */
static void test_text_numbers_vs_strtoull(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 50000; i++) {
        char digits[32];
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        unsigned len = 1 + (unsigned)(x % 24);
        unsigned zeros = (unsigned)((x >> 8) % 4) == 0 ? (unsigned)((x >> 16) % len) : 0;
        uint64_t y = x * 0x2545f4914f6cdd1dull;
        for (unsigned k = 0; k < len; k++) {
            digits[k] = k < zeros ? '0' : (char)('0' + (y % 10));
            y = y / 10 ? y / 10 : x + k;
        }
        digits[len] = '\0';
        errno = 0;
        unsigned long long want = strtoull(digits, NULL, 10);
        int fits_u64 = errno != ERANGE;
        int fits_i64 = fits_u64 && want <= (unsigned long long)INT64_MAX;

        char text[128];
        int n = snprintf(text, sizeof text, "Clock 1 from 0 seq 3 sched 4 prod %s",
                         digits);
        char *line = malloc((size_t)n); /* no terminator: exactly the line */
        assert_non_null(line);
        memcpy(line, text, (size_t)n);
        alog_record r;
        int rc = alog_text_parse(line, (size_t)n, &r);
        free(line);
        if (fits_i64) {
            assert_int_equal(rc, 0);
            assert_int_equal(r.produce_ns, (int64_t)want);
        } else {
            assert_int_equal(rc, ALOG_EPROTO);
        }

        n = snprintf(text, sizeof text, "Clock 1 from 0 seq %s sched 4 prod 5",
                     digits);
        rc = alog_text_parse(text, (size_t)n, &r);
        if (fits_u64) {
            assert_int_equal(rc, 0);
            assert_int_equal(r.seq, want);
            assert_int_equal(r.sched_ns, 4);
        } else {
            assert_int_equal(rc, ALOG_EPROTO);
        }
    }
}

static uint32_t le32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 |
           (uint32_t)u[3] << 24;
}

static uint64_t le64(const char *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void test_binary_layout(void **state)
{
    (void)state;
    alog_record r = sample(0x01020304, 0x1112131415161718ull, -2,
                           0x2122232425262728);
    char buf[128];
    memset(buf, 0x55, sizeof buf);
    assert_int_equal(alog_wire_encode(ALOG_WIRE_BINARY, &r, 0, buf, sizeof buf),
                     (int)ALOG_FRAME_HDR);
    assert_memory_equal(buf, "ALOG", 4);
    assert_int_equal(le32(buf), ALOG_FRAME_MAGIC);
    assert_int_equal(le32(buf + 4), ALOG_FRAME_HDR);
    assert_int_equal(le32(buf + 8), 0x01020304);
    assert_int_equal(le32(buf + 12), 0);
    assert_int_equal(le64(buf + 16), 0x1112131415161718ull);
    assert_int_equal((int64_t)le64(buf + 24), -2);
    assert_int_equal((int64_t)le64(buf + 32), 0x2122232425262728);
    assert_int_equal((unsigned char)buf[40], 0x55); /* nothing past the frame */
    /* Padded: length field is the full size, padding zero. */
    assert_int_equal(alog_wire_encode(ALOG_WIRE_BINARY, &r, 64, buf, sizeof buf), 64);
    assert_int_equal(le32(buf + 4), 64);
    for (int i = 40; i < 64; i++)
        assert_int_equal(buf[i], 0);
    /* Smaller than the header: the header. */
    assert_int_equal(alog_wire_encode(ALOG_WIRE_BINARY, &r, 10, buf, sizeof buf), 40);
    assert_int_equal(alog_wire_encode(ALOG_WIRE_BINARY, &r, 0, buf, 39), ALOG_ERANGE);
    assert_int_equal(alog_wire_encode(ALOG_WIRE_BINARY, &r, 65, buf, 64), ALOG_ERANGE);
    static char big[ALOG_WIRE_MAX + 8];
    assert_int_equal(alog_wire_encode(ALOG_WIRE_BINARY, &r, ALOG_WIRE_MAX, big,
                                      sizeof big), (int)ALOG_WIRE_MAX);
    assert_int_equal(alog_wire_encode(ALOG_WIRE_BINARY, &r, ALOG_WIRE_MAX + 1,
                                      big, sizeof big), ALOG_ERANGE);
}

static void test_foreign(void **state)
{
    (void)state;
    int64_t clock = 7, id = 7;
    const char *orig = "Clock 1603450000000 from 12345";
    assert_int_equal(alog_foreign_parse(orig, strlen(orig), &clock, &id), 1);
    assert_int_equal(clock, 1603450000000);
    assert_int_equal(id, 12345);

    static const struct {
        const char *line;
        int ok;
        int64_t clock, id;
    } cases[] = {
        {"", 0, 0, 0},
        {"hello world", 0, 0, 0},
        {"just 1 number", 0, 0, 0},
        {"1 2", 1, 1, 2},
        {"  -5\t+6  ", 1, -5, 6},
        {"1 2 3", 0, 0, 0},
        {"a 1 b 2 c 3", 0, 0, 0},
        {"12abc 3 4", 1, 3, 4},
        {"1.5 2 3", 1, 2, 3},
        {"- 2 3", 1, 2, 3},
        {"0x10 2 3", 1, 2, 3},
        {"99999999999999999999 1 2", 1, 1, 2},
        {"Clock 1 from 2 seq 3", 0, 0, 0},
        {"-9223372036854775808 9223372036854775807", 1, INT64_MIN, INT64_MAX},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        clock = id = -77;
        int got = alog_foreign_parse(cases[i].line, strlen(cases[i].line), &clock, &id);
        if (got != cases[i].ok)
            fail_msg("'%s': got %d", cases[i].line, got);
        if (got) {
            assert_int_equal(clock, cases[i].clock);
            assert_int_equal(id, cases[i].id);
        } else {
            assert_int_equal(clock, -77); /* untouched */
        }
    }
    /* Length bounds the tokens. */
    assert_int_equal(alog_foreign_parse("1 2 3", 3, &clock, &id), 1);
    assert_int_equal(id, 2);
}

/* The original experiment's own parse tests, as alog's foreign lines: a
 * pair only from exactly two integers; anything else stays a plain event. */
static void test_foreign_original(void **state)
{
    (void)state;
    int64_t clock = -1, id = -1;
    assert_int_equal(alog_foreign_parse("", 0, &clock, &id), 0);
    assert_int_equal(alog_foreign_parse("1 2", 3, &clock, &id), 1);
    assert_int_equal(clock, 1);
    assert_int_equal(id, 2);
    const char *text = "Text 123 more text 321";
    assert_int_equal(alog_foreign_parse(text, strlen(text), &clock, &id), 1);
    assert_int_equal(clock, 123);
    assert_int_equal(id, 321);
    clock = id = -1;
    assert_int_equal(alog_foreign_parse("1 2 3", 5, &clock, &id), 0);
    const char *none = "no digits here";
    assert_int_equal(alog_foreign_parse(none, strlen(none), &clock, &id), 0);
    assert_int_equal(clock, -1); /* untouched */
    assert_int_equal(id, -1);
}

static void test_errors(void **state)
{
    (void)state;
    for (int e = 0; e >= -12; e--) {
        assert_non_null(alog_strerror(e));
        assert_true(strlen(alog_strerror(e)) > 0);
    }
    assert_string_not_equal(alog_strerror(ALOG_ENOMEM), alog_strerror(ALOG_EINTR));
    assert_int_equal(alog_exit_status(ALOG_OK), 0);
    assert_int_equal(alog_exit_status(ALOG_EINVAL), 2);
    assert_int_equal(alog_exit_status(ALOG_ERANGE), 2);
    assert_int_equal(alog_exit_status(ALOG_ESHORT), 3);
    assert_int_equal(alog_exit_status(ALOG_EINTR), 130);
    assert_int_equal(alog_exit_status(ALOG_ENOMEM), 1);
    assert_int_equal(alog_exit_status(ALOG_ESYS), 1);
    assert_int_equal(alog_exit_status(ALOG_EIO), 1);
    assert_int_equal(alog_exit_status(ALOG_EPROTO), 1);
    assert_int_equal(alog_exit_status(ALOG_EMPI), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_exact),
        cmocka_unit_test(test_text_padding),
        cmocka_unit_test(test_text_roundtrip),
        cmocka_unit_test(test_roundtrip_random),
        cmocka_unit_test(test_text_strict),
        cmocka_unit_test(test_text_numbers_vs_strtoull),
        cmocka_unit_test(test_text_digit_edges),
        cmocka_unit_test(test_binary_layout),
        cmocka_unit_test(test_foreign),
        cmocka_unit_test(test_foreign_original),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
