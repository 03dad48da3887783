/* writer_table.c - the table writer of both reports (writer.h): aligned
 * columns for people, times in the units a column names. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "writer.h"

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
        if (alog__col_shown(&s->cols[i], ALOG_COL_TABLE))
            last = i;
    return last;
}

/* Printable text for a terminal: control bytes become '?'. */
static void table_text(alog_writer *w, const char *s, size_t len)
{
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            alog__w_put(w, s + from, i - from);
            alog__w_putc(w, '?');
            from = i + 1;
        }
    }
    alog__w_put(w, s + from, len - from);
}

static void table_section(alog_writer *w, const alog_section *s,
                          const char *sub)
{
    if (w->cur != s)
        alog__w_printf(w, "\n== %s ==\n", s->title);
    w->cur = s;
    if (sub != NULL)
        alog__w_printf(w, "\n-- %s --\n", sub);
    if (s->single)
        return;
    /* Column heads: numbers right-aligned, strings left. */
    const char *sep = "";
    size_t last = last_col(s);
    for (size_t i = 0; i < s->ncols; i++) {
        const alog_col *c = &s->cols[i];
        if (!alog__col_shown(c, ALOG_COL_TABLE))
            continue;
        if (c->type == ALOG_CELL_STR)
            alog__w_printf(w, "%s%-*s", sep, i == last ? 0 : col_width(c),
                     col_head(c));
        else
            alog__w_printf(w, "%s%*s", sep, col_width(c), col_head(c));
        sep = "  ";
    }
    alog__w_putc(w, '\n');
}

static void table_cell(alog_writer *w, const alog_col *c, const alog_cell *v,
                       int width)
{
    char buf[64];
    if (v->absent && c->type != ALOG_CELL_STR) {
        alog__w_printf(w, "%*s", width, "-");
        return;
    }
    if (c->type == ALOG_CELL_STR) {
        const char *s = v->absent ? "-" : v->v.s;
        size_t len = v->absent ? 1 : v->len;
        table_text(w, s, len);
        for (int pad = width - (int)len; pad > 0; pad--)
            alog__w_putc(w, ' ');
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
    alog__w_printf(w, "%*s", width, buf);
}

static void table_row(alog_writer *w, const alog_cell *cells)
{
    const alog_section *s = w->cur;
    if (s->single) { /* one row: a vertical list "name  value" */
        for (size_t i = 0; i < s->ncols; i++) {
            const alog_col *c = &s->cols[i];
            if (!alog__col_shown(c, ALOG_COL_TABLE))
                continue;
            alog__w_printf(w, "  %-20s ", col_head(c));
            table_cell(w, c, &cells[i], 0);
            alog__w_putc(w, '\n');
        }
        return;
    }
    const char *sep = "";
    size_t last = last_col(s);
    for (size_t i = 0; i < s->ncols; i++) {
        const alog_col *c = &s->cols[i];
        if (!alog__col_shown(c, ALOG_COL_TABLE))
            continue;
        alog__w_printf(w, "%s", sep);
        table_cell(w, c, &cells[i], i == last && c->type == ALOG_CELL_STR ?
                   0 : col_width(c));
        sep = "  ";
    }
    alog__w_putc(w, '\n');
}

const alog_writer_ops alog__table_ops = {
    .begin = alog__nothing,
    .header = alog__csv_header, /* the same "# key=value" lines */
    .section = table_section,
    .row = table_row,
    .end = alog__nothing,
};

