/* fuzz_foreign.c - the line parsers of src/record.c on any bytes.
 *
 * alog_foreign_parse (a foreign line read the way the original read
 * `Clock <ms> from <pid>`) against a plain reference written here: the
 * line holds exactly two integer tokens (whitespace-separated, digits with
 * an optional sign, within int64), and then they are its values.
 *
 * alog_text_parse (alog's own text line): what it accepts encodes back to
 * a line that parses to the same record, and that line is canonical
 * (encoding it again gives the same bytes).
 */
#include <string.h>

#include "alog.h"
#include "fuzz.h"

static int space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
}

/* The token t[0..n) as an int64: [+-]?[0-9]+ within range. */
static int integer(const uint8_t *t, size_t n, int64_t *v)
{
    size_t i = 0;
    int neg = 0;
    if (n > 0 && (t[0] == '+' || t[0] == '-')) {
        neg = t[0] == '-';
        i = 1;
    }
    if (i == n)
        return 0;
    /* magnitude up to 2^63 in an unsigned, refusing anything above */
    uint64_t m = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (t[i] < '0' || t[i] > '9')
            return 0;
        uint64_t d = (uint64_t)(t[i] - '0');
        if (m > (lim - d) / 10)
            return 0;
        m = m * 10 + d;
    }
    *v = neg ? (int64_t)(0 - m) : (int64_t)m;
    return 1;
}

static void check_foreign(const uint8_t *s, size_t n)
{
    int64_t want[2] = {0, 0};
    size_t ints = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && space(s[i]))
            i++;
        size_t t = i;
        while (i < n && !space(s[i]))
            i++;
        int64_t v;
        if (i > t && integer(s + t, i - t, &v)) {
            if (ints < 2)
                want[ints] = v;
            ints++;
        }
    }
    int64_t clock = 11, id = 13;
    int got = alog_foreign_parse((const char *)s, n, &clock, &id);
    FUZZ_CHECK(got == (ints == 2));
    if (got) {
        FUZZ_CHECK(clock == want[0]);
        FUZZ_CHECK(id == want[1]);
    } else {
        FUZZ_CHECK(clock == 11 && id == 13); /* untouched */
    }
    FUZZ_CHECK(alog_foreign_parse((const char *)s, n, NULL, NULL) == got);
}

static void check_text(const uint8_t *s, size_t n)
{
    alog_record r;
    if (alog_text_parse((const char *)s, n, &r) != 0)
        return;
    FUZZ_CHECK(r.bytes == n + 1);
    char line[256], again[256];
    int m = alog_wire_encode(ALOG_WIRE_TEXT, &r, 0, line, sizeof line);
    FUZZ_CHECK(m > 0 && line[m - 1] == '\n');
    alog_record b;
    FUZZ_CHECK(alog_text_parse(line, (size_t)m - 1, &b) == 0);
    FUZZ_CHECK(b.producer == r.producer && b.seq == r.seq);
    FUZZ_CHECK(b.sched_ns == r.sched_ns && b.produce_ns == r.produce_ns);
    FUZZ_CHECK(b.clock_ms == r.produce_ns / 1000000);
    int k = alog_wire_encode(ALOG_WIRE_TEXT, &b, 0, again, sizeof again);
    FUZZ_CHECK(k == m && memcmp(line, again, (size_t)m) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_foreign(data, size);
    check_text(data, size);
    return 0;
}
