/* alog-check - verifies a run's CSV report (schema in src/alog.h) read on
 * stdin.  Used by the integration tests of every model.
 *
 *   alog-check --producers N [--count C] [--status S] [--short P:K[:S]]...
 *   (K may be '*': any number of records)
 *              [--foreign] [--interrupted] [--min R]
 *   alog-check --journal --producers N [--count C] [--min R] < FILE
 *
 * Checks: every producer's record rows have seq 0..C-1 in order with no
 * gap, sched <= produce <= collect and produce times not decreasing (with
 * --foreign, lines of --exec commands: seq only, no expected column); the
 * row count per producer; the event rows are exactly the record rows,
 * ordered by (produce time, producer, seq); each producer row has records
 * == expected == rows, gaps == dups == malformed == 0 and the expected
 * status; the totals row sums the records and says whether the run was
 * interrupted.  With --journal the input is a --journal file: record rows
 * only, in blocks; a last line without its newline (a block a kill cut
 * short) is not read; each producer's rows are seq 0..k-1 as above (the
 * blocks of a list are written in order, so a journal is a prefix of the
 * run), k == C with --count and k >= R with --min; no timeline, producer
 * or totals rows.  Prints one line per failed check, or
 * "alog-check: ok (<n> records, <p> producers)"; exits 0 or 1.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPORTS 20 /* failed checks printed before summarising */

typedef struct row {
    long producer;
    int64_t seq, sched, produce, collect, bytes;
    char *text; /* "" for alog's own records */
    size_t line;
} row;

typedef struct rows {
    row *v;
    size_t n, cap;
} rows;

typedef struct prod {
    int seen;       /* producer rows seen */
    char status[32];
    int64_t code, records, expected, gaps, dups, malformed;
    int64_t want;   /* expected records, -1 unknown */
    char want_status[32];
} prod;

static unsigned failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    failures++;
    if (failures > MAX_REPORTS)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("alog-check: ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("alog-check: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q)
        die("out of memory");
    return q;
}

/* ---- CSV -------------------------------------------------------------- */

typedef struct csv {
    char *s;      /* the whole input */
    size_t len, pos;
    size_t line;  /* 1-based line of the row being read */
    char **f;     /* fields of the current row (point into fbuf) */
    size_t nf, fcap;
    char *fbuf;
    size_t fblen, fbcap;
} csv;

static void fb_put(csv *c, char ch)
{
    if (c->fblen == c->fbcap) {
        c->fbcap = c->fbcap ? 2 * c->fbcap : 256;
        c->fbuf = xrealloc(c->fbuf, c->fbcap);
    }
    c->fbuf[c->fblen++] = ch;
}

/* Next row into c->f; 0 at the end.  RFC 4180 quoting: "" in a quoted
 * field is a quote, and a quoted field may hold commas and newlines. */
static int csv_row(csv *c)
{
    size_t starts[4096];
    if (c->pos >= c->len)
        return 0;
    c->line++;
    c->fblen = 0;
    c->nf = 0;
    size_t nstart = 0;
    for (;;) {
        if (nstart == sizeof starts / sizeof starts[0])
            die("line %zu: too many fields", c->line);
        starts[nstart++] = c->fblen;
        if (c->pos < c->len && c->s[c->pos] == '"') {
            c->pos++;
            for (;;) {
                if (c->pos >= c->len)
                    die("line %zu: unterminated quoted field", c->line);
                char ch = c->s[c->pos++];
                if (ch == '"') {
                    if (c->pos < c->len && c->s[c->pos] == '"') {
                        fb_put(c, '"');
                        c->pos++;
                        continue;
                    }
                    break;
                }
                if (ch == '\n')
                    c->line++;
                fb_put(c, ch);
            }
        } else {
            while (c->pos < c->len && c->s[c->pos] != ',' &&
                   c->s[c->pos] != '\n' && c->s[c->pos] != '\r')
                fb_put(c, c->s[c->pos++]);
        }
        fb_put(c, '\0');
        if (c->pos < c->len && c->s[c->pos] == '\r')
            c->pos++;
        if (c->pos >= c->len || c->s[c->pos] == '\n') {
            c->pos++;
            break;
        }
        if (c->s[c->pos] != ',')
            die("line %zu: text after a quoted field", c->line);
        c->pos++;
    }
    if (nstart > c->fcap) {
        c->fcap = nstart;
        c->f = xrealloc(c->f, nstart * sizeof *c->f);
    }
    for (size_t i = 0; i < nstart; i++)
        c->f[i] = c->fbuf + starts[i];
    c->nf = nstart;
    return 1;
}

/* ---- columns ------------------------------------------------------------ */

typedef struct header {
    char **name;
    size_t n;
} header;

static void header_set(header *h, csv *c)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->name[i]);
    free(h->name);
    h->n = c->nf;
    h->name = xrealloc(NULL, (c->nf ? c->nf : 1) * sizeof *h->name);
    for (size_t i = 0; i < c->nf; i++) {
        h->name[i] = strdup(c->f[i]);
        if (!h->name[i])
            die("out of memory");
    }
}

static const char *field(const header *h, const csv *c, const char *name)
{
    for (size_t i = 0; i < h->n && i < c->nf; i++)
        if (strcmp(h->name[i], name) == 0)
            return c->f[i];
    die("line %zu: no column '%s' in this section", c->line, name);
    return NULL;
}

static int64_t num(const header *h, const csv *c, const char *name)
{
    const char *s = field(h, c, name);
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0')
        die("line %zu: column '%s' is not an integer: '%s'", c->line, name,
            s);
    return (int64_t)v;
}

/* Whether the section has the column (older reports lack the window's). */
static int has_col(const header *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->name[i], name) == 0)
            return 1;
    return 0;
}

static double fnum(const header *h, const csv *c, const char *name)
{
    const char *s = field(h, c, name);
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end != '\0')
        die("line %zu: column '%s' is not a number: '%s'", c->line, name, s);
    return v;
}

/* x (printed with 9 significant digits) is want within that rounding. */
static int close_to(double x, double want)
{
    double d = x > want ? x - want : want - x;
    /* Two values of 9 digits in a quotient: 2e-8 of it, or 2 ns. */
    double m = (want > 0 ? want : -want) * 2e-8;
    return d <= (m > 2e-9 ? m : 2e-9);
}

static void take_row(rows *r, const header *h, const csv *c)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        r->v = xrealloc(r->v, r->cap * sizeof *r->v);
    }
    row *x = &r->v[r->n++];
    x->producer = (long)num(h, c, "producer");
    x->seq = num(h, c, "seq");
    x->sched = num(h, c, "sched_ns");
    x->produce = num(h, c, "produce_ns");
    x->collect = num(h, c, "collect_ns");
    x->bytes = num(h, c, "bytes");
    x->text = strdup(field(h, c, "text"));
    if (!x->text)
        die("out of memory");
    x->line = c->line;
}

/* ---- checks ------------------------------------------------------------- */

static int cmp_identity(const void *a, const void *b)
{
    const row *x = a, *y = b;
    if (x->producer != y->producer)
        return x->producer < y->producer ? -1 : 1;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    if (x->produce != y->produce)
        return x->produce < y->produce ? -1 : 1;
    return strcmp(x->text, y->text);
}

static int same_row(const row *x, const row *y)
{
    return x->producer == y->producer && x->seq == y->seq &&
           x->sched == y->sched && x->produce == y->produce &&
           x->collect == y->collect && x->bytes == y->bytes &&
           strcmp(x->text, y->text) == 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: alog-check --producers N [--count C] [--status S] "
            "[--short P:K[:S]]... [--foreign] [--interrupted] [--min R] "
            "< run.csv\n"
            "       alog-check --journal --producers N [--count C] [--min R] "
            "< journal.csv\n");
    exit(2);
}

static int64_t arg_num(const char *opt, const char *s, int64_t lo)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo)
        die("%s '%s': not an integer >= %" PRId64, opt, s, lo);
    return (int64_t)v;
}

static int is_status(const char *s)
{
    static const char *const names[] = {"ok", "short", "exit", "signal",
                                        "stopped", "stalled"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0)
            return 1;
    return 0;
}

/* The window of the totals against the record rows (times since the
 * first due record): it ends at the last record collected, its drain
 * starts at the last one due, its rate is records over it; the totals'
 * expected and lost are the producers'. */
static void check_window(const rows *rec, int foreign, int64_t records,
                         double window_s, double drain_s, double rps,
                         int64_t expected, int64_t sum_expected,
                         int64_t lost, int64_t sum_lost)
{
    if (expected != sum_expected)
        fail("totals: expected=%" PRId64 ", the producers say %" PRId64,
             expected, sum_expected);
    if (lost != sum_lost)
        fail("totals: lost=%" PRId64 ", the producers say %" PRId64, lost,
             sum_lost);
    if (window_s > 0 && !close_to(rps, (double)records / window_s) &&
        !(rps > 1e9)) /* a window of a few ns: the rate is not ours to fix */
        fail("totals: records_per_s=%.9g, not %" PRId64 " records over "
             "window_s=%.9g",
             rps, records, window_s);
    if (foreign || rec->n == 0)
        return; /* a command's lines have no schedule: no window to check */
    /* Record times count from the schedule start: the window's. */
    int64_t first = 0, last_due = INT64_MIN, last_in = INT64_MIN;
    for (size_t i = 0; i < rec->n; i++) {
        const row *r = &rec->v[i];
        last_due = r->sched > last_due ? r->sched : last_due;
        last_in = r->collect > last_in ? r->collect : last_in;
    }
    if (!close_to(window_s, (double)(last_in - first) / 1e9))
        fail("totals: window_s=%.9g, the records span %.9g s from the "
             "schedule start to the last collected",
             window_s, (double)(last_in - first) / 1e9);
    double drain = last_in > last_due ? (double)(last_in - last_due) / 1e9 : 0;
    if (!close_to(drain_s, drain))
        fail("totals: drain_s=%.9g, the records say %.9g", drain_s, drain);
}

int main(int argc, char **argv)
{
    long nprod = -1;
    int64_t count = -1, min_records = 0;
    const char *status = "ok";
    int foreign = 0, interrupted = 0, journal = 0;
    char **shorts = NULL;
    int nshort = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--foreign") == 0) {
            foreign = 1;
            continue;
        }
        if (strcmp(a, "--interrupted") == 0) {
            interrupted = 1;
            continue;
        }
        if (strcmp(a, "--journal") == 0) {
            journal = 1;
            continue;
        }
        if (i + 1 >= argc)
            usage();
        const char *v = argv[++i];
        if (strcmp(a, "--producers") == 0)
            nprod = (long)arg_num(a, v, 1);
        else if (strcmp(a, "--count") == 0)
            count = arg_num(a, v, 0);
        else if (strcmp(a, "--min") == 0)
            min_records = arg_num(a, v, 0);
        else if (strcmp(a, "--status") == 0) {
            if (!is_status(v))
                die("--status '%s': not a status", v);
            status = v;
        } else if (strcmp(a, "--short") == 0) {
            shorts = xrealloc(shorts, (size_t)(nshort + 1) * sizeof *shorts);
            shorts[nshort++] = argv[i];
        } else
            usage();
    }
    if (nprod < 1)
        usage();

    prod *p = calloc((size_t)nprod, sizeof *p);
    if (!p)
        die("out of memory");
    for (long i = 0; i < nprod; i++) {
        p[i].want = count;
        snprintf(p[i].want_status, sizeof p[i].want_status, "%s", status);
    }
    for (int i = 0; i < nshort; i++) {
        /* P:K[:STATUS] */
        char buf[128];
        snprintf(buf, sizeof buf, "%s", shorts[i]);
        char *k = strchr(buf, ':');
        if (!k)
            die("--short '%s': expected P:K[:STATUS]", shorts[i]);
        *k++ = '\0';
        char *st = strchr(k, ':');
        if (st)
            *st++ = '\0';
        int64_t pi = arg_num("--short", buf, 0);
        if (pi >= nprod)
            die("--short '%s': no producer %" PRId64, shorts[i], pi);
        /* K '*': any count (a stall cuts a producer off anywhere). */
        p[pi].want = strcmp(k, "*") == 0 ? -1 : arg_num("--short", k, 0);
        if (st && !is_status(st))
            die("--short '%s': '%s' is not a status", shorts[i], st);
        snprintf(p[pi].want_status, sizeof p[pi].want_status, "%s",
                 st ? st : "short");
    }

    /* Slurp stdin. */
    csv c;
    memset(&c, 0, sizeof c);
    size_t cap = 1 << 16;
    c.s = xrealloc(NULL, cap);
    for (;;) {
        if (c.len == cap) {
            cap *= 2;
            c.s = xrealloc(c.s, cap);
        }
        size_t n = fread(c.s + c.len, 1, cap - c.len, stdin);
        c.len += n;
        if (n == 0)
            break;
    }
    if (ferror(stdin))
        die("reading stdin: %s", strerror(errno));
    /* A journal's last block may have been cut by a kill: its last line
     * without a newline is not a row. */
    while (journal && c.len > 0 && c.s[c.len - 1] != '\n')
        c.len--;

    rows rec = {0}, ev = {0};
    header h = {0};
    int sections = 0, have_total = 0, have_window = 0;
    int64_t total_records = -1, total_interrupted = -1;
    int64_t total_expected = 0, total_lost = 0, sum_expected = 0, sum_lost = 0;
    double window_s = 0, drain_s = 0, rps = 0;
    while (csv_row(&c)) {
        if (c.nf == 1 && c.f[0][0] == '\0')
            continue; /* blank line */
        if (c.f[0][0] == '#' && sections == 0)
            continue; /* '# key=value' header */
        const char *kind = c.f[0];
        if (strcmp(kind, "kind") == 0) {
            header_set(&h, &c);
            sections++;
            continue;
        }
        if (h.n == 0)
            die("line %zu: a row before any 'kind' header row", c.line);
        if (strcmp(kind, "record") == 0)
            take_row(&rec, &h, &c);
        else if (strcmp(kind, "event") == 0)
            take_row(&ev, &h, &c);
        else if (strcmp(kind, "producer") == 0) {
            int64_t i = num(&h, &c, "producer");
            if (i < 0 || i >= nprod) {
                fail("line %zu: producer row for producer %" PRId64
                     " (expected 0..%ld)",
                     c.line, i, nprod - 1);
                continue;
            }
            prod *q = &p[i];
            q->seen++;
            snprintf(q->status, sizeof q->status, "%s",
                     field(&h, &c, "status"));
            q->code = num(&h, &c, "code");
            q->records = num(&h, &c, "records");
            q->expected = num(&h, &c, "expected");
            sum_expected += q->expected;
            if (has_col(&h, "lost"))
                sum_lost += num(&h, &c, "lost");
            q->gaps = num(&h, &c, "gaps");
            q->dups = num(&h, &c, "dups");
            q->malformed = num(&h, &c, "malformed");
        } else if (strcmp(kind, "total") == 0) {
            have_total++;
            total_records = num(&h, &c, "records");
            total_interrupted = num(&h, &c, "interrupted");
            if (has_col(&h, "window_s")) {
                have_window = 1;
                window_s = fnum(&h, &c, "window_s");
                drain_s = fnum(&h, &c, "drain_s");
                rps = fnum(&h, &c, "records_per_s");
                total_expected = num(&h, &c, "expected");
                total_lost = num(&h, &c, "lost");
            }
        } else {
            fail("line %zu: unknown row kind '%s'", c.line, kind);
        }
    }

    /* Records by producer: in order, complete, sane times. */
    int64_t *nrows = calloc((size_t)nprod, sizeof *nrows);
    int64_t *next = calloc((size_t)nprod, sizeof *next);
    int64_t *last_prod = calloc((size_t)nprod, sizeof *last_prod);
    if (!nrows || !next || !last_prod)
        die("out of memory");
    for (size_t i = 0; i < rec.n; i++) {
        row *r = &rec.v[i];
        if (r->producer < 0 || r->producer >= nprod) {
            fail("line %zu: record of producer %ld (expected 0..%ld)",
                 r->line, r->producer, nprod - 1);
            continue;
        }
        long q = r->producer;
        nrows[q]++;
        /* Foreign seq is the line number: it runs 0..n-1 just the same. */
        if (r->seq != next[q])
            fail("line %zu: producer %ld: seq %" PRId64 " where %" PRId64
                 " was due (gap, duplicate or disorder)",
                 r->line, q, r->seq, next[q]);
        next[q] = r->seq + 1;
        if (foreign)
            continue; /* a command's lines carry arrival times only */
        if (r->produce < r->sched)
            fail("line %zu: producer %ld seq %" PRId64
                 ": produced before it was scheduled",
                 r->line, q, r->seq);
        if (r->collect < r->produce)
            fail("line %zu: producer %ld seq %" PRId64
                 ": collected before it was produced",
                 r->line, q, r->seq);
        if (nrows[q] > 1 && r->produce < last_prod[q])
            fail("line %zu: producer %ld seq %" PRId64
                 ": produce time goes backwards",
                 r->line, q, r->seq);
        last_prod[q] = r->produce;
    }

    if (journal) {
        if (ev.n > 0 || have_total > 0)
            fail("a journal with event or totals rows");
        for (long i = 0; i < nprod; i++) {
            if (count >= 0 && nrows[i] != count)
                fail("producer %ld: %" PRId64 " journaled records, expected "
                     "%" PRId64, i, nrows[i], count);
            if (nrows[i] < min_records)
                fail("producer %ld: %" PRId64 " journaled records, fewer "
                     "than %" PRId64, i, nrows[i], min_records);
        }
        goto done;
    }

    /* The timeline: the same rows, merged in time order. */
    for (size_t i = 1; i < ev.n; i++) {
        const row *a = &ev.v[i - 1], *b = &ev.v[i];
        if (b->produce < a->produce ||
            (b->produce == a->produce &&
             (b->producer < a->producer ||
              (b->producer == a->producer && b->seq < a->seq))))
            fail("line %zu: timeline out of order (producer %ld seq %" PRId64
                 " after producer %ld seq %" PRId64 ")",
                 b->line, b->producer, b->seq, a->producer, a->seq);
    }
    if (ev.n != rec.n) {
        fail("timeline has %zu events but there are %zu records", ev.n,
             rec.n);
    } else {
        qsort(rec.v, rec.n, sizeof *rec.v, cmp_identity);
        qsort(ev.v, ev.n, sizeof *ev.v, cmp_identity);
        for (size_t i = 0; i < rec.n; i++)
            if (!same_row(&rec.v[i], &ev.v[i])) {
                fail("timeline event (line %zu) differs from record (line "
                     "%zu)",
                     ev.v[i].line, rec.v[i].line);
                break;
            }
    }

    /* Producer rows. */
    int64_t sum = 0;
    for (long i = 0; i < nprod; i++) {
        prod *q = &p[i];
        if (q->seen != 1) {
            fail("producer %ld: %d producer rows (expected 1)", i, q->seen);
            continue;
        }
        sum += q->records;
        if (strcmp(q->status, q->want_status) != 0)
            fail("producer %ld: status %s (code %" PRId64 "), expected %s", i,
                 q->status, q->code, q->want_status);
        if (q->records != nrows[i])
            fail("producer %ld: producer row says %" PRId64
                 " records, %" PRId64 " record rows",
                 i, q->records, nrows[i]);
        if (q->want >= 0 && q->records != q->want)
            fail("producer %ld: %" PRId64 " records, expected %" PRId64, i,
                 q->records, q->want);
        if (count >= 0 && !foreign && q->expected != count)
            fail("producer %ld: expected column %" PRId64 ", asked %" PRId64,
                 i, q->expected, count);
        if (q->records < min_records)
            fail("producer %ld: %" PRId64 " records, fewer than %" PRId64, i,
                 q->records, min_records);
        if (q->gaps != 0)
            fail("producer %ld: %" PRId64 " gaps", i, q->gaps);
        if (q->dups != 0)
            fail("producer %ld: %" PRId64 " dups", i, q->dups);
        if (q->malformed != 0)
            fail("producer %ld: %" PRId64 " malformed", i, q->malformed);
    }

    if (have_total != 1) {
        fail("%d totals rows (expected 1)", have_total);
    } else {
        if (total_records != sum)
            fail("totals: %" PRId64 " records, producers sum to %" PRId64,
                 total_records, sum);
        if (total_interrupted != interrupted)
            fail("totals: interrupted=%" PRId64 ", expected %d",
                 total_interrupted, interrupted);
        if (have_window)
            check_window(&rec, foreign, total_records, window_s, drain_s, rps,
                         total_expected, sum_expected, total_lost, sum_lost);
    }
    if (rec.n == 0 && sum > 0)
        fail("no record rows for %" PRId64 " records (run with --timeline)",
             sum);

done:
    if (failures > MAX_REPORTS)
        printf("alog-check: ... %u failed checks in all\n", failures);
    if (failures == 0)
        printf("alog-check: ok (%zu records, %ld producers)\n", rec.n, nprod);

    for (size_t i = 0; i < rec.n; i++)
        free(rec.v[i].text);
    for (size_t i = 0; i < ev.n; i++)
        free(ev.v[i].text);
    free(rec.v);
    free(ev.v);
    for (size_t i = 0; i < h.n; i++)
        free(h.name[i]);
    free(h.name);
    free(c.s);
    free(c.f);
    free(c.fbuf);
    free(p);
    free(nrows);
    free(next);
    free(last_prod);
    free(shorts);
    return failures ? 1 : 0;
}
