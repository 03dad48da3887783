/* writer.h - the report writers shared by the log report (report.c) and
 * the primes report (primes_report.c).
 *
 * A report is sections of typed cells; each format (table, CSV, JSON) is
 * an ops table that decides how the cells look, so a report never asks
 * which format is in use.  Internal to alog_core: not part of alog.h.
 */
#ifndef ALOG_WRITER_H
#define ALOG_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alog.h"

enum alog_cell_type { ALOG_CELL_STR, ALOG_CELL_I64, ALOG_CELL_U64,
                      ALOG_CELL_F64 };

/* Where a column appears. */
enum alog_col_show {
    ALOG_COL_NONE = 0,        /* a cell others share the layout of */
    ALOG_COL_DATA = 1u << 0,  /* CSV and JSON */
    ALOG_COL_TABLE = 1u << 1, /* the table for people */
    ALOG_COL_BOTH = ALOG_COL_DATA | ALOG_COL_TABLE,
};

typedef struct alog_col {
    const char *name;         /* CSV/JSON field name */
    enum alog_cell_type type;
    unsigned show;            /* ALOG_COL_* */
    const char *tname;        /* table head when it differs (units) */
    double div;               /* table: shown divided by this, 3 decimals */
    int width;                /* table: minimum width */
    int quote;                /* CSV: always quote (free text) */
    int decimals;             /* table: F64 always with this many decimals
                                 (0: 3, whole numbers without) */
} alog_col;

/* The first fields of an alog_col, for short tables:
 * {ALOG_COL("bytes", U64, DATA), .width = 8}. */
#define ALOG_COL(n, t, s)                                                  \
    .name = (n), .type = ALOG_CELL_##t, .show = ALOG_COL_##s

typedef struct alog_cell {
    union {
        const char *s;
        int64_t i;
        uint64_t u;
        double d;
    } v;
    size_t len; /* ALOG_CELL_STR: bytes of s (s need not end in NUL) */
    int absent; /* no value: empty in CSV, null in JSON, "-" in the table */
} alog_cell;

typedef struct alog_section {
    const char *kind;  /* CSV first field of each row */
    const char *json;  /* JSON member name */
    const char *title; /* table block title */
    int single;        /* one row: a JSON object, a vertical table */
    const alog_col *cols;
    size_t ncols;
} alog_section;

typedef struct alog_writer alog_writer;

typedef struct alog_writer_ops {
    void (*begin)(alog_writer *w);
    void (*header)(alog_writer *w, const char *key, const char *value);
    /* Start rows of s; sub (may be NULL) names a sub-table of the same
     * section, e.g. one producer's records. */
    void (*section)(alog_writer *w, const alog_section *s, const char *sub);
    /* cells[i] belongs to cur->cols[i]. */
    void (*row)(alog_writer *w, const alog_cell *cells);
    void (*end)(alog_writer *w);
} alog_writer_ops;

struct alog_writer {
    FILE *f;
    const alog_writer_ops *ops;
    const alog_section *cur; /* section rows go to */
    size_t rows;             /* rows written in cur (JSON commas) */
    int in_header;           /* JSON: header object open */
    int failed;              /* errno of the first failed write, or 0 */
};

/* A writer of format (ALOG_FMT_*) to f; 0, or ALOG_EINVAL for a bad
 * format.  JSON has one whitespace rule for every report: one member of
 * the document or of the header per line, "key": value; one row per
 * line, compact ({"k":v,"k":v}), since rows can be millions. */
int alog_writer_init(alog_writer *w, FILE *f, int format);

struct alog_result;
/* The '# key=value' header lines of res, in their order (both jobs build
 * them with alog_report_header_common first, then their own keys). */
void alog_writer_headers(alog_writer *w, const struct alog_result *res);

/* 0, or ALOG_EIO with the first failure's errno kept by alog_fail. */
int alog_writer_status(const alog_writer *w);

/* Flush f; a failure (now or earlier) sets w->failed. */
void alog_writer_flush(alog_writer *w);

/* ---- internal to the writers (writer*.c): what every format uses ---- */

void alog__w_printf(alog_writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3))); /* a failure is remembered */
void alog__w_put(alog_writer *w, const char *s, size_t len);
void alog__w_putc(alog_writer *w, char c);
/* Is column c shown in the format of mask (ALOG_COL_TABLE, _DATA)? */
int alog__col_shown(const alog_col *c, unsigned mask);
/* A number for machines (CSV, JSON); nonfinite: what NaN/inf print as. */
void alog__put_number(alog_writer *w, const alog_col *c, const alog_cell *v,
                      const char *nonfinite);
void alog__nothing(alog_writer *w); /* an op with nothing to do */
/* A "# key=value" line (CSV's and the table's header op). */
void alog__csv_header(alog_writer *w, const char *key, const char *value);
extern const alog_writer_ops alog__json_ops;  /* writer_json.c */
extern const alog_writer_ops alog__table_ops; /* writer_table.c */

/* The journal's rows (journal.c writes them, report.c formats them: the
 * same writer and columns as the report's). */

/** Report side (report.c): the report's CSV header lines of res, one
 * more `# key=value` line (key NULL: none) and the record column row, to
 * f. */
void alog_report_journal_head(FILE *f, const alog_result *res,
                              const char *key, const char *value);
/** Report side (report.c): records [from, from + n) of l as the report's
 * CSV record rows, times relative to epoch, to f. */
void alog_report_journal_rows(FILE *f, const alog_reclist *l, size_t from,
                              size_t n, int64_t epoch);

#endif
