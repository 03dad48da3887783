/** @file
 * omp_model.h - the OpenMP model: producers are the threads of one OpenMP
 * team inside the collecting process.
 *
 * Two transports in the alog_transport interface, run by the generic
 * alog_run_transport(t, cfg, "omp", out):
 *   "none"   each thread appends to its own list: no sharing at all, the
 *            parallel ideal;
 *   "thread" each thread pushes into its own SPSC ring (ring.h) and the
 *            calling thread, the collector, drains the rings into the
 *            per-producer lists: the in-process form of a reader thread.
 * The team runs in a helper pthread started by open(), so that collect()
 * can run in the caller as the interface wants.
 */
#ifndef ALOG_OMP_MODEL_H
#define ALOG_OMP_MODEL_H

#include "alog.h"
#include "options_omp.h"
#include "transport.h"

/** Most threads a run may ask for (the same bound as -n). */
#define ALOG_OMP_THREADS_MAX 65536u

extern const alog_transport alog_transport_omp_none;   ///< --collect none
extern const alog_transport alog_transport_omp_thread; ///< --collect thread
/** Both, NULL-terminated, for alog_transport_find. */
extern const alog_transport *const alog_omp_transports[];

/** The transport of a --collect value (ALOG_OMP_COLLECT_*), found by its
 * name in the registry; NULL for any other value.  Its open() wants the
 * run env's setup to be the model's alog_omp_opts. */
const alog_transport *alog_omp_transport_for(int collect);

/** Parse an OMP_NUM_THREADS value strictly: digits only, 1 to
 * ALOG_OMP_THREADS_MAX.  0, or ALOG_EINVAL with a reason in why
 * ("not a number", "must be at least 1", ...). */
int alog_omp_parse_threads(const char *s, unsigned *out, char *why,
                           size_t whylen);

/* ---- environment (env_omp.c) ------------------------------------------ */

/** Header keys known before the team starts: openmp (version), threads_asked,
 * omp_proc_bind, omp_places, omp_cores, oversubscribed (threads_total =
 * producers plus a collector thread, if any, against the cores OpenMP
 * sees).  Oversubscription also adds a `warning` key and says it once on
 * diag.  0 or ALOG_ENOMEM. */
int alog_omp_env_header(alog_result *res, const alog_diag *diag,
                        unsigned threads_asked, unsigned threads_total);
/** threads_granted, once the team has started. */
int alog_omp_env_granted(alog_result *res, unsigned granted);
/** The "where" text of producer thread `thread` of a team of `team`: the
 * CPU it ran on first and last (sched_getcpu, -1 if unknown). */
int alog_omp_env_where(alog_result *res, unsigned i, unsigned thread,
                       unsigned team, int cpu_first, int cpu_last);
/** OpenMP version name of an _OPENMP value ("4.5" for 201511), or "?". */
const char *alog_omp_version_name(long openmp);

#endif
