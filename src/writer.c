/* writer.c - the writers of both reports (writer.h): what every format
 * shares, and CSV; JSON and the table have files of their own.  Write errors are remembered in w->failed (the first one's
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

void alog__w_printf(alog_writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(w->f, fmt, ap) < 0)
        fail(w);
    va_end(ap);
}

void alog__w_put(alog_writer *w, const char *s, size_t len)
{
    if (len > 0 && fwrite(s, 1, len, w->f) != len)
        fail(w);
}

void alog__w_putc(alog_writer *w, char c)
{
    if (fputc(c, w->f) == EOF)
        fail(w);
}

void alog_writer_flush(alog_writer *w)
{
    if (fflush(w->f) != 0 || ferror(w->f))
        fail(w);
}

int alog__col_shown(const alog_col *c, unsigned mask)
{
    return (c->show & mask) != 0;
}

/* A number for machines (CSV and JSON); doubles in the shortest
 * exact-enough form, nonfinite as given (JSON has no NaN). */
void alog__put_number(alog_writer *w, const alog_col *c, const alog_cell *v,
                       const char *nonfinite)
{
    switch (c->type) {
    case ALOG_CELL_STR:
        break; /* the callers quote strings their own way */
    case ALOG_CELL_I64:
        alog__w_printf(w, "%lld", (long long)v->v.i);
        break;
    case ALOG_CELL_U64:
        alog__w_printf(w, "%llu", (unsigned long long)v->v.u);
        break;
    case ALOG_CELL_F64:
        if (isfinite(v->v.d))
            alog__w_printf(w, "%.9g", v->v.d);
        else
            alog__w_printf(w, "%s", nonfinite);
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
        alog__w_put(w, s, len);
        return;
    }
    alog__w_putc(w, '"');
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') { /* a quote is written twice */
            alog__w_put(w, s + from, i + 1 - from);
            from = i;
        }
    }
    alog__w_put(w, s + from, len - from);
    alog__w_putc(w, '"');
}

void alog__nothing(alog_writer *w)
{
    (void)w;
}

/* One line per header, whatever the value holds. */
static void header_text(alog_writer *w, const char *s)
{
    for (size_t n; *s; s += n) {
        n = strcspn(s, "\r\n");
        alog__w_put(w, s, n);
        if (s[n] != '\0') {
            alog__w_putc(w, ' ');
            n++;
        }
    }
}

void alog__csv_header(alog_writer *w, const char *key, const char *value)
{
    alog__w_printf(w, "# ");
    header_text(w, key);
    alog__w_putc(w, '=');
    header_text(w, value);
    alog__w_putc(w, '\n');
}

static void csv_section(alog_writer *w, const alog_section *s,
                        const char *sub)
{
    (void)sub;
    if (w->cur == s)
        return;
    w->cur = s;
    alog__w_printf(w, "kind");
    for (size_t i = 0; i < s->ncols; i++)
        if (alog__col_shown(&s->cols[i], ALOG_COL_DATA))
            alog__w_printf(w, ",%s", s->cols[i].name);
    alog__w_putc(w, '\n');
}

static void csv_row(alog_writer *w, const alog_cell *cells)
{
    const alog_section *s = w->cur;
    alog__w_printf(w, "%s", s->kind);
    for (size_t i = 0; i < s->ncols; i++) {
        const alog_col *c = &s->cols[i];
        if (!alog__col_shown(c, ALOG_COL_DATA))
            continue;
        alog__w_putc(w, ',');
        if (cells[i].absent)
            continue; /* an empty field */
        if (c->type == ALOG_CELL_STR)
            csv_str(w, cells[i].v.s, cells[i].len, c->quote);
        else
            alog__put_number(w, c, &cells[i], "nan");
    }
    alog__w_putc(w, '\n');
}

static const alog_writer_ops csv_ops = {
    .begin = alog__nothing,
    .header = alog__csv_header,
    .section = csv_section,
    .row = csv_row,
    .end = alog__nothing,
};

static const alog_writer_ops *const formats[] = {
    [ALOG_FMT_TABLE] = &alog__table_ops,
    [ALOG_FMT_CSV] = &csv_ops,
    [ALOG_FMT_JSON] = &alog__json_ops,
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
