/* report_sections.h - the log report's parts, each in its file (internal
 * to alog_core, alog__ names): report.c writes the records and the
 * timeline and calls these for the rest. */
#ifndef ALOG_REPORT_SECTIONS_H
#define ALOG_REPORT_SECTIONS_H

#include "alog.h"
#include "writer.h"

/* One row per producer (report_totals.c); adds their wire bytes to *bytes.
 * ALOG_OK, ALOG_EIO (a write failed: w says why) or ALOG_ENOMEM. */
int alog__report_producers(alog_writer *w, const alog_result *res,
                           uint64_t *bytes);
/* The totals row (report_totals.c) and the report's end. */
int alog__report_totals(alog_writer *w, const alog_result *res,
                        uint64_t records, uint64_t bytes);

#endif
