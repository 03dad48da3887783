/* writer.c - the table, CSV and JSON writers of both reports (see
 * writer.h).  Write errors are remembered in w->failed (the first one's
 * errno) rather than checked at every call, so the reports check once per
 * section and can still say why. */
#include "writer.h"

#include "alog.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

/* Keep the first failure's errno: it is what the message will say. */
static void fail(alog_writer *w)
{
    if (!w->failed)
        w->failed = errno != 0 ? errno : EIO;
}

int alog_writer_status(const alog_writer *w)
{
    if (!w->failed)
        return 0;
    errno = w->failed;
    return alog_fail(ALOG_EIO, NULL);
}

static void w_printf(alog_writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void w_printf(alog_writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(w->f, fmt, ap) < 0)
        fail(w);
    va_end(ap);
}

static void w_put(alog_writer *w, const char *s, size_t len)
{
    if (len > 0 && fwrite(s, 1, len, w->f) != len)
        fail(w);
}

static void w_putc(alog_writer *w, char c)
{
    if (fputc(c, w->f) == EOF)
        fail(w);
}

void alog_writer_flush(alog_writer *w)
{
    if (fflush(w->f) != 0 || ferror(w->f))
        fail(w);
}

static int shown(const alog_col *c, unsigned mask)
{
    return (c->show & mask) != 0;
}

/* A number for machines (CSV and JSON); doubles in the shortest
 * exact-enough form, nonfinite as given (JSON has no NaN). */
static void put_number(alog_writer *w, const alog_col *c, const alog_cell *v,
                       const char *nonfinite)
{
    switch (c->type) {
    case ALOG_CELL_STR:
        break; /* the callers quote strings their own way */
    case ALOG_CELL_I64:
        w_printf(w, "%lld", (long long)v->v.i);
        break;
    case ALOG_CELL_U64:
        w_printf(w, "%llu", (unsigned long long)v->v.u);
        break;
    case ALOG_CELL_F64:
        if (isfinite(v->v.d))
            w_printf(w, "%.9g", v->v.d);
        else
            w_printf(w, "%s", nonfinite);
        break;
    }
}

/* -- CSV -- */

static int csv_needs_quotes(const char *s, size_t len)
{
    if (len > 0 && (s[0] == ' ' || s[len - 1] == ' '))
        return 1;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            return 1;
    return 0;
}

static void csv_str(alog_writer *w, const char *s, size_t len, int always)
{
    if (len == 0 || !(always || csv_needs_quotes(s, len))) {
        w_put(w, s, len);
        return;
    }
    w_putc(w, '"');
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') { /* a quote is written twice */
            w_put(w, s + from, i + 1 - from);
            from = i;
        }
    }
    w_put(w, s + from, len - from);
    w_putc(w, '"');
}

static void nothing(alog_writer *w)
{
    (void)w;
}

/* One line per header, whatever the value holds. */
static void header_text(alog_writer *w, const char *s)
{
    for (size_t n; *s; s += n) {
        n = strcspn(s, "\r\n");
        w_put(w, s, n);
        if (s[n] != '\0') {
            w_putc(w, ' ');
            n++;
        }
    }
}

static void csv_header(alog_writer *w, const char *key, const char *value)
{
    w_printf(w, "# ");
    header_text(w, key);
    w_putc(w, '=');
    header_text(w, value);
    w_putc(w, '\n');
}

static void csv_section(alog_writer *w, const alog_section *s,
                        const char *sub)
{
    (void)sub;
    if (w->cur == s)
        return;
    w->cur = s;
    w_printf(w, "kind");
    for (size_t i = 0; i < s->ncols; i++)
        if (shown(&s->cols[i], ALOG_COL_DATA))
            w_printf(w, ",%s", s->cols[i].name);
    w_putc(w, '\n');
}

static void csv_row(alog_writer *w, const alog_cell *cells)
{
    const alog_section *s = w->cur;
    w_printf(w, "%s", s->kind);
    for (size_t i = 0; i < s->ncols; i++) {
        const alog_col *c = &s->cols[i];
        if (!shown(c, ALOG_COL_DATA))
            continue;
        w_putc(w, ',');
        if (cells[i].absent)
            continue; /* an empty field */
        if (c->type == ALOG_CELL_STR)
            csv_str(w, cells[i].v.s, cells[i].len, c->quote);
        else
            put_number(w, c, &cells[i], "nan");
    }
    w_putc(w, '\n');
}

static const alog_writer_ops csv_ops = {
    .begin = nothing,
    .header = csv_header,
    .section = csv_section,
    .row = csv_row,
    .end = nothing,
};

/* -- JSON -- */

/* Length of a valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t need;
    unsigned min;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xe0) == 0xc0) {
        need = 2;
        min = 0x80;
    } else if ((s[0] & 0xf0) == 0xe0) {
        need = 3;
        min = 0x800;
    } else if ((s[0] & 0xf8) == 0xf0) {
        need = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    unsigned cp = s[0] & (0x7fu >> need);
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need;
}

/* A JSON string; foreign text may hold any bytes, invalid UTF-8 becomes
 * U+FFFD so the document stays valid. */
static void json_str(alog_writer *w, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    w_putc(w, '"');
    size_t i = 0;
    while (i < len) {
        unsigned char c = u[i];
        if (c == '"' || c == '\\') {
            w_putc(w, '\\');
            w_putc(w, (char)c);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            w_printf(w, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            w_putc(w, (char)c);
            i++;
        } else {
            size_t n = utf8_len(u + i, len - i);
            if (n == 0) {
                w_printf(w, "\\ufffd");
                i++;
            } else {
                w_put(w, s + i, n);
                i += n;
            }
        }
    }
    w_putc(w, '"');
}

static void json_begin(alog_writer *w)
{
    w_printf(w, "{\n  \"header\": {");
    w->in_header = 1;
    w->rows = 0;
}

static void json_header(alog_writer *w, const char *key, const char *value)
{
    w_printf(w, "%s\n    ", w->rows++ ? "," : "");
    json_str(w, key, strlen(key));
    w_printf(w, ": ");
    json_str(w, value, strlen(value));
}

/* Close what the previous section opened. */
static void json_close(alog_writer *w)
{
    if (w->in_header) {
        w_printf(w, "%s}", w->rows ? "\n  " : "");
        w->in_header = 0;
    } else if (w->cur != NULL && !w->cur->single) {
        w_printf(w, "%s]", w->rows ? "\n  " : "");
    } else if (w->cur != NULL && w->rows == 0) {
        w_printf(w, "null"); /* a single-row section without its row */
    }
}

static void json_section(alog_writer *w, const alog_section *s,
                         const char *sub)
{
    (void)sub;
    if (w->cur == s)
        return;
    json_close(w);
    w->cur = s;
    w->rows = 0;
    w_printf(w, ",\n  ");
    json_str(w, s->json, strlen(s->json));
    w_printf(w, ": %s", s->single ? "" : "[");
}

static void json_row(alog_writer *w, const alog_cell *cells)
{
    const alog_section *s = w->cur;
    if (!s->single)
        w_printf(w, "%s\n    ", w->rows ? "," : "");
    w->rows++;
    w_putc(w, '{');
    int first = 1;
    for (size_t i = 0; i < s->ncols; i++) {
        const alog_col *c = &s->cols[i];
        if (!shown(c, ALOG_COL_DATA))
            continue;
        if (!first)
            w_putc(w, ',');
        first = 0;
        json_str(w, c->name, strlen(c->name));
        w_putc(w, ':');
        if (cells[i].absent)
            w_printf(w, "null");
        else if (c->type == ALOG_CELL_STR)
            json_str(w, cells[i].v.s, cells[i].len);
        else
            put_number(w, c, &cells[i], "null");
    }
    w_putc(w, '}');
}

static void json_end(alog_writer *w)
{
    json_close(w);
    w_printf(w, "\n}\n");
}

static const alog_writer_ops json_ops = {
    .begin = json_begin,
    .header = json_header,
    .section = json_section,
    .row = json_row,
    .end = json_end,
};

/* -- table -- */

static const char *col_head(const alog_col *c)
{
    return c->tname ? c->tname : c->name;
}

static int col_width(const alog_col *c)
{
    int n = (int)strlen(col_head(c));
    return n > c->width ? n : c->width;
}

/* The last column the table shows: free text there is not padded. */
static size_t last_col(const alog_section *s)
{
    size_t last = 0;
    for (size_t i = 0; i < s->ncols; i++)
        if (shown(&s->cols[i], ALOG_COL_TABLE))
            last = i;
    return last;
}

/* Printable text for a terminal: control bytes become '?'. */
static void table_text(alog_writer *w, const char *s, size_t len)
{
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            w_put(w, s + from, i - from);
            w_putc(w, '?');
            from = i + 1;
        }
    }
    w_put(w, s + from, len - from);
}

static void table_section(alog_writer *w, const alog_section *s,
                          const char *sub)
{
    if (w->cur != s)
        w_printf(w, "\n== %s ==\n", s->title);
    w->cur = s;
    if (sub != NULL)
        w_printf(w, "\n-- %s --\n", sub);
    if (s->single)
        return;
    /* Column heads: numbers right-aligned, strings left. */
    const char *sep = "";
    size_t last = last_col(s);
    for (size_t i = 0; i < s->ncols; i++) {
        const alog_col *c = &s->cols[i];
        if (!shown(c, ALOG_COL_TABLE))
            continue;
        if (c->type == ALOG_CELL_STR)
            w_printf(w, "%s%-*s", sep, i == last ? 0 : col_width(c),
                     col_head(c));
        else
            w_printf(w, "%s%*s", sep, col_width(c), col_head(c));
        sep = "  ";
    }
    w_putc(w, '\n');
}

static void table_cell(alog_writer *w, const alog_col *c, const alog_cell *v,
                       int width)
{
    char buf[64];
    if (v->absent && c->type != ALOG_CELL_STR) {
        w_printf(w, "%*s", width, "-");
        return;
    }
    if (c->type == ALOG_CELL_STR) {
        const char *s = v->absent ? "-" : v->v.s;
        size_t len = v->absent ? 1 : v->len;
        table_text(w, s, len);
        for (int pad = width - (int)len; pad > 0; pad--)
            w_putc(w, ' ');
        return;
    }
    switch (c->type) {
    case ALOG_CELL_STR:
        return; /* done above */
    case ALOG_CELL_I64:
        if (c->div > 0)
            snprintf(buf, sizeof buf, "%.3f", (double)v->v.i / c->div);
        else
            snprintf(buf, sizeof buf, "%lld", (long long)v->v.i);
        break;
    case ALOG_CELL_U64:
        if (c->div > 0)
            snprintf(buf, sizeof buf, "%.3f", (double)v->v.u / c->div);
        else
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)v->v.u);
        break;
    case ALOG_CELL_F64: {
        double d = c->div > 0 ? v->v.d / c->div : v->v.d;
        if (c->decimals > 0)
            snprintf(buf, sizeof buf, "%.*f", c->decimals, d);
        else if (isfinite(d) && d == floor(d) && fabs(d) < 1e15 &&
                 c->div <= 0)
            snprintf(buf, sizeof buf, "%.0f", d);
        else
            snprintf(buf, sizeof buf, "%.3f", d);
        break;
    }
    }
    w_printf(w, "%*s", width, buf);
}

static void table_row(alog_writer *w, const alog_cell *cells)
{
    const alog_section *s = w->cur;
    if (s->single) { /* one row: a vertical list "name  value" */
        for (size_t i = 0; i < s->ncols; i++) {
            const alog_col *c = &s->cols[i];
            if (!shown(c, ALOG_COL_TABLE))
                continue;
            w_printf(w, "  %-20s ", col_head(c));
            table_cell(w, c, &cells[i], 0);
            w_putc(w, '\n');
        }
        return;
    }
    const char *sep = "";
    size_t last = last_col(s);
    for (size_t i = 0; i < s->ncols; i++) {
        const alog_col *c = &s->cols[i];
        if (!shown(c, ALOG_COL_TABLE))
            continue;
        w_printf(w, "%s", sep);
        table_cell(w, c, &cells[i], i == last && c->type == ALOG_CELL_STR ?
                   0 : col_width(c));
        sep = "  ";
    }
    w_putc(w, '\n');
}

static const alog_writer_ops table_ops = {
    .begin = nothing,
    .header = csv_header, /* the same "# key=value" lines */
    .section = table_section,
    .row = table_row,
    .end = nothing,
};

static const alog_writer_ops *const formats[] = {
    [ALOG_FMT_TABLE] = &table_ops,
    [ALOG_FMT_CSV] = &csv_ops,
    [ALOG_FMT_JSON] = &json_ops,
};

int alog_writer_init(alog_writer *w, FILE *f, int format)
{
    if (f == NULL || format < 0 || format > ALOG_FMT_JSON)
        return ALOG_EINVAL;
    *w = (alog_writer){.f = f, .ops = formats[format]};
    return ALOG_OK;
}

void alog_writer_headers(alog_writer *w, const alog_result *res)
{
    size_t n = alog_result_header_count(res);
    for (size_t i = 0; i < n; i++) {
        const char *key = NULL, *value = NULL;
        alog_result_header_at(res, i, &key, &value);
        w->ops->header(w, key ? key : "", value ? value : "");
    }
}
