/** @file
 * alog/report.h - the report of a run: one schema, three formats, and the
 * output it goes to (stdout, or a file written atomically).  Part of the
 * public API: alog.h includes it.
 */
#ifndef ALOG_REPORT_H
#define ALOG_REPORT_H

#include <stdio.h>

#include "alog/config.h"
#include "alog/result.h"

/* ---- report ---------------------------------------------------------- *
 *
 * One schema, three formats.  CSV (the machine-readable reference):
 *   # key=value                      header lines, first (alog=, model=, ...)
 *   kind,producer,seq,sched_ns,produce_ns,collect_ns,bytes,value,text
 *   record,<p>,<seq>,...             records by producer (unless report only)
 *   kind,producer,seq,sched_ns,produce_ns,collect_ns,bytes,value,text
 *   event,<p>,<seq>,...              the merged timeline, in time order
 *   kind,producer,status,code,records,expected,target_hz,achieved_hz,
 *        late_p50_ns,late_p99_ns,late_max_ns,lat_p50_ns,lat_p99_ns,
 *        lat_max_ns,gaps,dups,malformed,parsed,bytes,where
 *   producer,<p>,ok|short|exit|signal|stopped,...
 *   kind,records,bytes,wall_s,cpu_s,records_per_s,bytes_per_s,
 *        peak_rss_bytes,list_bytes,interrupted[,<counter>...]
 *   total,...
 * A row whose first field is "kind" names the columns of the rows after it.
 * Times in the record rows are ns since the run's first scheduled record.
 * text is CSV-quoted ("" for a quote), empty for alog's own records;
 * value is the clock of a foreign line of exactly two integers, else empty.
 * JSON: {"header":{k:v},"records":[{..}],"timeline":[{..}],
 *        "producers":[{..}],"totals":{..}} with the same field names.
 * Table: the same, aligned for people, times in ms/us.
 */

/** The header keys of every job, first and in this order: alog, model,
 * job, clock, host, cores, pid, started.  0 or ALOG_ENOMEM. */
int alog_report_header_common(alog_result *res, const char *model,
                              const char *job, const char *clock);
/** Adds the log job's header (the common keys, then producers, intervals,
 * count, duration, payload, work, format) to res.  `model` and `clock` are
 * names, e.g. "async", "CLOCK_MONOTONIC". */
int alog_report_header_std(alog_result *res, const alog_config *cfg,
                           const char *model, const char *clock);
/** Writes records by producer and the merged timeline (unless cfg->show
 * says report only), then the report, in cfg->format.  Flushes; returns
 * ALOG_EIO if any write failed, its errno kept for alog_reason(). */
int alog_report_write(FILE *out, const alog_config *cfg,
                      const alog_result *res);

/** An output that is stdout or a file written atomically: a temporary file
 * in the same directory, renamed over `path` only on success. */
typedef struct alog_output {
    FILE *f;        ///< write here
    char *path;     ///< private: final name, NULL for stdout
    char *tmp;      ///< private: temporary name
    long link_uid;  ///< after ALOG_EINVAL: the owner of the refused link
} alog_output;
/** Open path (NULL or "-": stdout); 0, ALOG_ESYS (errno), ALOG_ENOMEM, or
 * ALOG_EINVAL: path is a symbolic link owned by neither this user nor
 * root, which is never followed (o->link_uid names its owner).  A link of
 * this user or root is followed: the file it names is replaced (and keeps
 * its permissions), never the link.  Every descriptor is close-on-exec. */
int alog_output_open(alog_output *o, const char *path);
/** The file the report replaces (a link resolved), or NULL for stdout. */
const char *alog_output_path(const alog_output *o);
/** ok != 0: flush, check, rename; else remove the temporary.  Returns
 * ALOG_EIO on any failed write, flush, close or rename, the first one's
 * errno (and call) kept for alog_reason(). */
int alog_output_close(alog_output *o, int ok);

#endif
