/** @file
 * transport.h - how records travel from producers to the collector.
 *
 * One ops table per transport, one .c file each, found by name in a const
 * registry.  The generic run (alog_run_transport) owns the result and the
 * report; a transport only starts producers and fills per-producer lists.
 */
#ifndef ALOG_TRANSPORT_H
#define ALOG_TRANSPORT_H

#include "alog.h"
#include "journal.h"

struct alog_mpi_setup;
struct alog_omp_opts;
struct alog_async_opts;
struct alog_store;

/** What a run gets besides its configuration.  The model fills the first
 * part; alog_run_transport fills the stores before open(). */
typedef struct alog_run_env {
    const char *model;     ///< the header's model= ("async", "omp", "mpi")
    const alog_diag *diag; ///< where messages go; NULL: nowhere (tests)
    struct alog_journal *journal; ///< --journal's file, or NULL
    int64_t started_ns;    ///< when the program began (before MPI_Init:
                           ///< start-up counts from it); 0: at the open
    struct alog_mpi_setup *mpi;        ///< MPI: the collective set-up
    const struct alog_omp_opts *omp;   ///< OpenMP: the model's options
    const struct alog_async_opts *async; ///< async: the model's options
    int wire;              ///< ALOG_WIRE_* records travel on (pipes)
    /** For open(), one per producer: its list, the --collect-work and its
     * --journal block, bound by alog_run_transport (the transport copies
     * or points at them; they live until close() returns). */
    struct alog_store *stores;
} alog_run_env;

/** A transport: how records travel to the collector (one .c file each). */
typedef struct alog_transport {
    const char *name;    ///< registry name, e.g. "epoll"
    const char *summary; ///< one line for --help and the report header
    /** Start the producers of cfg; res has alog_config_producers(cfg)
     * producers (or n_exec for --exec).  Adds the transport's own header
     * keys.  Private state in *ctx.  On failure says why on env->diag. */
    int (*open)(void **ctx, const alog_config *cfg, const alog_run_env *env,
                alog_result *res);
    /** Collect into res until every producer has ended or *stop is set.
     * Records already read are stored before returning. */
    int (*collect)(void *ctx, alog_result *res, const atomic_int *stop);
    /** Stop what still runs, reap it, set each producer's status (and
     * what it made, where it says), free ctx.  Called once after open
     * succeeded, whatever collect returned.  open() sets the schedule
     * start (alog_result_set_schedule): the run's window opens there. */
    int (*close)(void *ctx, alog_result *res);
} alog_transport;

/** Transports of the core library: "epoll", "threads" (pipes from child
 * producers) and "dummy" (in-process, deterministic: the test double). */
extern const alog_transport alog_transport_epoll;
extern const alog_transport alog_transport_threads; ///< one thread per pipe
extern const alog_transport alog_transport_dummy;   ///< the test double
/** io_uring reads on every pipe (provided buffers, multishot where the
 * kernel has them); built without liburing it only says so at open. */
extern const alog_transport alog_transport_uring;

/** Find `name` in a NULL-terminated table; NULL if absent. */
const alog_transport *alog_transport_find(const alog_transport *const *table,
                                          const char *name);
/** The core registry (NULL-terminated), and the async model's: the
 * collectors --readers names (epoll, threads, uring; no test double). */
extern const alog_transport *const alog_transports[];
extern const alog_transport *const alog_async_transports[]; ///< --readers

/** The generic collector run, for every model: result, header, targets,
 * open, collect, close, timing, report to out.  Returns the outcome code
 * (ALOG_OK, ALOG_ESHORT, ALOG_EINTR, or what failed). */
int alog_run_transport(const alog_transport *t, const alog_config *cfg,
                       const alog_run_env *env, FILE *out);

/** Where a collector stores a record: its list, the CPU work each record
 * costs there (--collect-work), and the list's --journal block.  With
 * work, collect_ns is stamped after the work, when the record is really
 * stored.  Whoever stores into list without alog_store_emit calls
 * alog_journal_note(s->journal, collect_ns) once the record is complete. */
typedef struct alog_store {
    alog_reclist *list; ///< the producer's list
    uint64_t work;      ///< alog_work steps per record
    uint64_t sink;      ///< their results: the work is not elided
    alog_journal_block *journal; ///< alog_journal_bind's, NULL: none
} alog_store;

/** An alog_emit_fn for decoders: arg is an alog_store. */
int alog_store_emit(void *arg, const alog_record *r, const char *text,
                    size_t len);
/** Do s's work for one record; returns the time it is stored at: now
 * without work, else the clock after the work. */
static inline int64_t alog_store_work(alog_store *s, int64_t now)
{
    if (s->work == 0)
        return now;
    s->sink += alog_work(s->work);
    return alog_now_ns();
}

#endif
