/* record.c - the two wires a record travels on: a text line and a
 * little-endian binary frame (layout in alog.h). */
#include <string.h>

#include "alog.h"

/* Explicit byte order so the frame is the same on any host. */
static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static int encode_binary(const alog_record *r, size_t size, char *buf,
                         size_t cap)
{
    size_t n = size > ALOG_FRAME_HDR ? size : ALOG_FRAME_HDR;
    if (n > cap)
        return ALOG_ERANGE;
    unsigned char *p = (unsigned char *)buf;
    put_u32(p, ALOG_FRAME_MAGIC);
    put_u32(p + 4, (uint32_t)n);
    put_u32(p + 8, r->producer);
    put_u32(p + 12, 0);
    put_u64(p + 16, r->seq);
    put_u64(p + 24, (uint64_t)r->sched_ns);
    put_u64(p + 32, (uint64_t)r->produce_ns);
    if (n > ALOG_FRAME_HDR)
        memset(p + ALOG_FRAME_HDR, 0, n - ALOG_FRAME_HDR);
    return (int)n;
}

/* Decimal writers: printf costs more than the rest of a record, and two
 * digits per division halve the divisions of a 19-digit time. */
static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

/* 10^k, for the writer's digit count and the reader's digit groups. */
static const uint64_t pow10_table[20] = {
    1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
    1000000000u, 10000000000u, 100000000000u, 1000000000000u,
    10000000000000u, 100000000000000u, 1000000000000000u,
    10000000000000000u, 100000000000000000u, 1000000000000000000u,
    10000000000000000000u};

/* Digits of v: log10 from the bit length (1233/4096 ~ log10 2), then one
 * comparison; a loop of compares would be a chain of multiplies. */
static unsigned dec_len(uint64_t v)
{
    unsigned bits = 64u - (unsigned)__builtin_clzll(v | 1);
    unsigned t = (bits * 1233u) >> 12;
    return t + ((v | 1) >= pow10_table[t]); /* 0 has one digit too */
}

/* Written back to front in place: fixed-size copies the compiler turns
 * into plain stores, where a copy of variable length is a libc call. */
static char *put_u64_dec(char *p, uint64_t v)
{
    char *end = p + dec_len(v), *q = end;
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100);
        v /= 100;
        q -= 2;
        memcpy(q, digit_pairs + 2 * d, 2);
    }
    if (v >= 10)
        memcpy(q - 2, digit_pairs + 2 * v, 2);
    else
        q[-1] = (char)('0' + v);
    return end;
}

static char *put_i64_dec(char *p, int64_t v)
{
    if (v >= 0)
        return put_u64_dec(p, (uint64_t)v);
    *p++ = '-';
    return put_u64_dec(p, 0 - (uint64_t)v);
}

static char *put_lit(char *p, const char *lit, size_t n)
{
    memcpy(p, lit, n);
    return p + n;
}

#define TEXT_MAX 160 /* longest line: 5 numbers of 20 chars + 30 of words */

static char *text_fields(char *p, const alog_record *r)
{
    p = put_lit(p, "Clock ", 6);
    p = put_i64_dec(p, r->produce_ns / 1000000);
    p = put_lit(p, " from ", 6);
    p = put_u64_dec(p, r->producer);
    p = put_lit(p, " seq ", 5);
    p = put_u64_dec(p, r->seq);
    p = put_lit(p, " sched ", 7);
    p = put_i64_dec(p, r->sched_ns);
    p = put_lit(p, " prod ", 6);
    return put_i64_dec(p, r->produce_ns);
}

static int encode_text(const alog_record *r, size_t size, char *buf,
                       size_t cap)
{
    char line[TEXT_MAX];
    /* Straight into buf when any line fits, else through line[]. */
    int direct = cap >= TEXT_MAX;
    char *start = direct ? buf : line;
    size_t n = (size_t)(text_fields(start, r) - start);
    /* Room for " " and at least zero filler bytes before the newline. */
    size_t total = size >= n + 2 ? size : n + 1;
    if (total > cap)
        return ALOG_ERANGE;
    /* line[] was written through start, an alias cppcheck does not see. */
    if (!direct)
        memcpy(buf, line, n); /* cppcheck-suppress uninitvar */
    if (total > n + 1) {
        buf[n] = ' ';
        memset(buf + n + 1, 'x', total - n - 2);
    }
    buf[total - 1] = '\n';
    return (int)total;
}

int alog_wire_encode(int wire, const alog_record *r, size_t size, char *buf,
                     size_t cap)
{
    if (!r || !buf)
        return ALOG_EINVAL;
    if (size > ALOG_WIRE_MAX)
        return ALOG_ERANGE;
    switch (wire) {
    case ALOG_WIRE_TEXT: return encode_text(r, size, buf, cap);
    case ALOG_WIRE_BINARY: return encode_binary(r, size, buf, cap);
    default: return ALOG_EINVAL;
    }
}

/* Literal prefix at *p; advances on a match. */
static int eat(const char **p, const char *end, const char *lit, size_t n)
{
    if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
        return 0;
    *p += n;
    return 1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* 8 ASCII digits at p (any alignment): 1 and their value, or 0. */
static int eight_digits(const char *p, uint64_t *v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t x;
    memcpy(&x, p, 8);
    /* Every byte 0x30..0x39: high nibble 3, and still 3 after adding 6. */
    if ((x & 0xf0f0f0f0f0f0f0f0u) != 0x3030303030303030u ||
        ((x + 0x0606060606060606u) & 0xf0f0f0f0f0f0f0f0u) !=
            0x3030303030303030u)
        return 0;
    x -= 0x3030303030303030u;
    /* The first byte is the most significant digit: merge neighbours
     * into 2-, 4-, then 8-digit lanes. */
    x = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ffu;
    x = (x * 100 + (x >> 16)) & 0x0000ffff0000ffffu;
    x = (x * 10000 + (x >> 32)) & 0xffffffffu;
    *v = x;
    return 1;
#else
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) {
        if (!is_digit(p[i]))
            return 0;
        x = x * 10 + (uint64_t)(p[i] - '0');
    }
    *v = x;
    return 1;
#endif
}

/* Unsigned decimal, at least one digit, no sign; fails on overflow.
 * Up to 19 significant digits cannot overflow, so only a 20th is
 * checked.  Digits go 8 at a time: the serial multiply-add chain per
 * digit is what limits a text collector otherwise. */
static int eat_u64_slow(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    if (s == end || !is_digit(*s))
        return 0;
    while (s < end && *s == '0')
        s++;
    /* Leading zeros can leave any length (cppcheck assumes at most 19). */
    /* cppcheck-suppress knownConditionTrueFalse */
    const char *lim = end - s > 19 ? s + 19 : end;
    uint64_t v = 0, e;
    while (lim - s >= 8 && eight_digits(s, &e)) {
        v = v * 100000000u + e;
        s += 8;
    }
    while (s < lim && is_digit(*s))
        v = v * 10 + (uint64_t)(*s++ - '0');
    if (s < end && is_digit(*s)) {
        unsigned d = (unsigned)(*s++ - '0');
        if (v > (UINT64_MAX - d) / 10 || (s < end && is_digit(*s)))
            return 0;
        v = v * 10 + d;
    }
    *p = s;
    *out = v;
    return 1;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The 8 bytes at p, zero past end (a zero byte is no digit). */
static uint64_t load8(const char *p, const char *end)
{
    uint64_t x = 0;
    if (end - p >= 8) {
        memcpy(&x, p, 8); /* one load: a copy of variable size is a call */
        return x;
    }
    for (ptrdiff_t i = 0; i < end - p; i++)
        x |= (uint64_t)(unsigned char)p[i] << (8 * i);
    return x;
}

/* Non-zero exactly in the bytes of w that are no ASCII digit.  Per byte,
 * without carries between bytes: high nibble 3, low nibble below 10. */
static uint64_t nondigits(uint64_t w)
{
    uint64_t hi = (w & 0xf0f0f0f0f0f0f0f0u) ^ 0x3030303030303030u;
    uint64_t lo = ((w & 0x0f0f0f0f0f0f0f0fu) + 0x0606060606060606u) &
                  0xf0f0f0f0f0f0f0f0u;
    return hi | lo;
}

/* Value of the first n (1..8) bytes of w, all digits.  Shifting them to
 * the top leaves zeros (leading '0's) below; a borrow from the bytes past
 * them only runs upwards, out of the shift. */
static uint64_t digits_value(uint64_t w, unsigned n)
{
    uint64_t x = (w - 0x3030303030303030u) << (8 * (8 - n));
    x = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ffu;
    x = (x * 100 + (x >> 16)) & 0x0000ffff0000ffffu;
    return (x * 10000 + (x >> 32)) & 0xffffffffu;
}

/* Unsigned decimal, at least one digit, no sign; fails on overflow.  Up
 * to 19 digits: the length from a mask of 8 bytes at a time, the value 8
 * digits per step, no branch per digit (a text collector's cost is
 * mostly this).  Longer runs (leading zeros, a 20th digit) go the slow
 * way, which checks overflow. */
static int eat_u64(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    if (s == end)
        return 0;
    uint64_t w0 = load8(s, end), m = nondigits(w0);
    if (m) {
        unsigned n = (unsigned)__builtin_ctzll(m) / 8;
        if (n == 0)
            return 0;
        *out = digits_value(w0, n);
        *p = s + n;
        return 1;
    }
    uint64_t v = digits_value(w0, 8);
    uint64_t w1 = load8(s + 8, end);
    m = nondigits(w1);
    if (m) {
        unsigned k = (unsigned)__builtin_ctzll(m) / 8;
        if (k > 0)
            v = v * pow10_table[k] + digits_value(w1, k);
        *out = v;
        *p = s + 8 + k;
        return 1;
    }
    v = v * 100000000u + digits_value(w1, 8);
    uint64_t w2 = load8(s + 16, end);
    m = nondigits(w2);
    unsigned k = m ? (unsigned)__builtin_ctzll(m) / 8 : 8;
    if (k > 3)
        return eat_u64_slow(p, end, out);
    if (k > 0)
        v = v * pow10_table[k] + digits_value(w2, k);
    *out = v;
    *p = s + 16 + k;
    return 1;
}
#else
static int eat_u64(const char **p, const char *end, uint64_t *out)
{
    return eat_u64_slow(p, end, out);
}
#endif

/* Signed decimal with an optional '-' (or '+' when plus is set). */
static int eat_i64(const char **p, const char *end, int64_t *out, int plus)
{
    const char *s = *p;
    int neg = 0;
    if (s < end && (*s == '-' || (plus && *s == '+'))) {
        neg = *s == '-';
        s++;
    }
    uint64_t v;
    if (!eat_u64(&s, end, &v))
        return 0;
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return 0;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return 0;
        *out = (int64_t)v;
    }
    *p = s;
    return 1;
}

int alog_text_parse(const char *line, size_t len, alog_record *r)
{
    if (!line || !r)
        return ALOG_EPROTO;
    const char *p = line, *end = line + len;
    int64_t ms, sched, prod;
    uint64_t id, seq;
    if (!eat(&p, end, "Clock ", 6) || !eat_i64(&p, end, &ms, 0) ||
        !eat(&p, end, " from ", 6) || !eat_u64(&p, end, &id) ||
        id > UINT32_MAX || !eat(&p, end, " seq ", 5) ||
        !eat_u64(&p, end, &seq) || !eat(&p, end, " sched ", 7) ||
        !eat_i64(&p, end, &sched, 0) || !eat(&p, end, " prod ", 6) ||
        !eat_i64(&p, end, &prod, 0))
        return ALOG_EPROTO;
    /* Anything after a space is payload filler. */
    if (p != end && *p != ' ')
        return ALOG_EPROTO;
    memset(r, 0, sizeof *r);
    r->clock_ms = ms;
    r->producer = (uint32_t)id;
    r->seq = seq;
    r->sched_ns = sched;
    r->produce_ns = prod;
    r->bytes = (uint32_t)(len + 1);
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
}

/* Integer tokens are whole whitespace-separated tokens of digits with an
 * optional sign; one too large for int64 is not counted as an integer. */
int alog_foreign_parse(const char *line, size_t len, int64_t *clock,
                       int64_t *id)
{
    if (!line)
        return 0;
    const char *p = line, *end = line + len;
    int64_t v[2] = {0, 0};
    int ints = 0;
    while (p < end) {
        while (p < end && is_space(*p))
            p++;
        if (p == end)
            break;
        const char *t = p;
        while (p < end && !is_space(*p))
            p++;
        const char *q = t;
        int64_t x;
        if (eat_i64(&q, p, &x, 1) && q == p) {
            if (ints < 2)
                v[ints] = x;
            ints++;
            if (ints > 2)
                return 0;
        }
    }
    if (ints != 2)
        return 0;
    if (clock)
        *clock = v[0];
    if (id)
        *id = v[1];
    return 1;
}
