/* writer_json.c - the JSON writer of both reports (writer.h): one object,
 * the header, each section an array of objects (totals one object). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "writer.h"

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
    alog__w_putc(w, '"');
    size_t i = 0;
    while (i < len) {
        unsigned char c = u[i];
        if (c == '"' || c == '\\') {
            alog__w_putc(w, '\\');
            alog__w_putc(w, (char)c);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            alog__w_printf(w, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            alog__w_putc(w, (char)c);
            i++;
        } else {
            size_t n = utf8_len(u + i, len - i);
            if (n == 0) {
                alog__w_printf(w, "\\ufffd");
                i++;
            } else {
                alog__w_put(w, s + i, n);
                i += n;
            }
        }
    }
    alog__w_putc(w, '"');
}

static void json_begin(alog_writer *w)
{
    alog__w_printf(w, "{\n  \"header\": {");
    w->in_header = 1;
    w->rows = 0;
}

static void json_header(alog_writer *w, const char *key, const char *value)
{
    alog__w_printf(w, "%s\n    ", w->rows++ ? "," : "");
    json_str(w, key, strlen(key));
    alog__w_printf(w, ": ");
    json_str(w, value, strlen(value));
}

/* Close what the previous section opened. */
static void json_close(alog_writer *w)
{
    if (w->in_header) {
        alog__w_printf(w, "%s}", w->rows ? "\n  " : "");
        w->in_header = 0;
    } else if (w->cur != NULL && !w->cur->single) {
        alog__w_printf(w, "%s]", w->rows ? "\n  " : "");
    } else if (w->cur != NULL && w->rows == 0) {
        alog__w_printf(w, "null"); /* a single-row section without its row */
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
    alog__w_printf(w, ",\n  ");
    json_str(w, s->json, strlen(s->json));
    alog__w_printf(w, ": %s", s->single ? "" : "[");
}

static void json_row(alog_writer *w, const alog_cell *cells)
{
    const alog_section *s = w->cur;
    if (!s->single)
        alog__w_printf(w, "%s\n    ", w->rows ? "," : "");
    w->rows++;
    alog__w_putc(w, '{');
    int first = 1;
    for (size_t i = 0; i < s->ncols; i++) {
        const alog_col *c = &s->cols[i];
        if (!alog__col_shown(c, ALOG_COL_DATA))
            continue;
        if (!first)
            alog__w_putc(w, ',');
        first = 0;
        json_str(w, c->name, strlen(c->name));
        alog__w_putc(w, ':');
        if (cells[i].absent)
            alog__w_printf(w, "null");
        else if (c->type == ALOG_CELL_STR)
            json_str(w, cells[i].v.s, cells[i].len);
        else
            alog__put_number(w, c, &cells[i], "null");
    }
    alog__w_putc(w, '}');
}

static void json_end(alog_writer *w)
{
    json_close(w);
    alog__w_printf(w, "\n}\n");
}

const alog_writer_ops alog__json_ops = {
    .begin = json_begin,
    .header = json_header,
    .section = json_section,
    .row = json_row,
    .end = json_end,
};

