/** @file
 * alog/config.h - configuration: everything a run is asked to do.
 * Part of the public API: alog.h includes it.
 */
#ifndef ALOG_CONFIG_H
#define ALOG_CONFIG_H

#include <stdint.h>

/** Which program a configuration is for (bits, for option masks). */
enum alog_model {
    ALOG_MODEL_ASYNC = 1u << 0,
    ALOG_MODEL_MPI = 1u << 1,
    ALOG_MODEL_OMP = 1u << 2,
    ALOG_MODEL_PRODUCER = 1u << 3, ///< the alog-producer program
};
/** The job a program runs: the log experiment or primes. */
enum alog_job { ALOG_JOB_LOG = 0, ALOG_JOB_PRIMES = 1 };
/** --format of the report. */
enum alog_format { ALOG_FMT_TABLE = 0, ALOG_FMT_CSV = 1, ALOG_FMT_JSON = 2 };
/** --show: records and timeline too, or the report only. */
enum alog_show { ALOG_SHOW_AUTO = 0, ALOG_SHOW_ALL = 1, ALOG_SHOW_REPORT = 2 };

/** --phase: when each paced producer's first record is due. */
enum alog_phase {
    ALOG_PHASE_SPREAD = 0,  ///< producer i of n at i/n of its interval
    ALOG_PHASE_ALIGNED = 1, ///< every producer's record 0 at the start
};

/** The async collectors, the one list: XX(ENUM, name).  It makes the enum
 * (ALOG_READERS_<ENUM>), --readers' choices and argument, and the
 * registry (alog_async_transports: alog_transport_<name>); a transport's
 * own .name is the same word (test_registries holds them). */
#define ALOG_READERS_MAP(XX)                                               \
    XX(EPOLL, epoll)     /* one epoll loop */                            \
    XX(THREADS, threads) /* a reader thread per pipe (the original) */  \
    XX(URING, uring)     /* one io_uring loop */
/** The map entry as an enumerator (internal). */
#define ALOG__READERS_ENUM(e, n) ALOG_READERS_##e,
/** The async collectors (--readers), from ALOG_READERS_MAP. */
enum alog_readers { ALOG_READERS_MAP(ALOG__READERS_ENUM) };
/** The primes job's options (every collecting program). */
enum alog_schedule { ALOG_SCHED_STATIC = 0, ALOG_SCHED_DYNAMIC = 1 };
/** alog_config.primes: options of the primes job. */
typedef struct alog_primes_opts {
    uint64_t number;             ///< number to test
    uint64_t range_lo;           ///< --range A:B: A
    uint64_t range_hi;           ///< --range A:B: B, 0 = unset
    unsigned parts;              ///< P, 0 = the model's default
    int schedule;                ///< ALOG_SCHED_*
    int kernel;                  ///< --kernel, -1: $ALOG_PRIMES_KERNEL
    int processes;               ///< async: parts in child processes
    int no_baseline;             ///< skip the serial baseline
} alog_primes_opts;

/** Everything a run is asked to do: the options every model shares, then
 * the core's models' own parts.  The MPI and OpenMP models keep theirs in
 * their libraries (alog_mpi_opts, alog_omp_opts), parsed by the same
 * parser from their own option rows (options.h).  Filled by
 * alog_options_parse; alog_config_free releases the lists. */
typedef struct alog_config {
    int model;              ///< ALOG_MODEL_* of the program
    int job;                ///< ALOG_JOB_*
    unsigned producers;     ///< 0: one per interval given
    double *intervals;      ///< seconds, cycled over producers
    unsigned n_intervals;   ///< entries in intervals
    double rate;            ///< Hz; > 0 overrides intervals
    uint64_t count;         ///< records per producer; 0 with duration
    double duration;        ///< seconds; 0: stop by count
    int phase;              ///< ALOG_PHASE_*: first due time per producer
    unsigned payload;       ///< record size on the wire, bytes; 0 natural
    uint64_t work;          ///< trial-division steps per record, producer side
    uint64_t collect_work;  ///< the same, where the model stores a record
    int64_t fail_after;     ///< testing: producer stops after K (-1 never)
    int clock;              ///< ALOG_CLOCK_*: what producers stamp with
    double stall_timeout;   ///< seconds of silence that cut a producer
                            ///< off; 0 never, < 0 derived (stall_ns)
    uint64_t max_memory_mib; ///< bound on the records kept; 0 none
    int format;             ///< ALOG_FMT_*
    int show;               ///< ALOG_SHOW_*: records + timeline or report only
    const char *output;     ///< report file, NULL: stdout
    const char *journal;    ///< --journal FILE: records as collected; NULL
    alog_primes_opts primes; ///< the primes job's
    int foreign;            ///< the producers are commands (--exec) whose
                            ///< lines carry no schedule: one per command
} alog_config;

/** Defaults of the original experiment's final logger: 4 producers at
 * 0.2, 0.1, 1 and 0.01 s, 10 records each. */
void alog_config_init(alog_config *cfg, int model);
void alog_config_free(alog_config *cfg); ///< Frees the lists cfg holds.
/** Producers the run will have (producers, or one per command or
 * interval). */
unsigned alog_config_producers(const alog_config *cfg);
/** Interval of producer i in ns (cycled; from rate if set). */
int64_t alog_config_interval_ns(const alog_config *cfg, unsigned i);
/** Where producer i's schedule starts after the common start, ns: i/n of
 * its interval with --phase spread (n producers), 0 aligned or
 * unthrottled.  Each producer's --duration counts from its own start. */
int64_t alog_config_phase_ns(const alog_config *cfg, unsigned i);
/** The records producer i's schedule holds: --count, or the due times
 * within --duration (paced), the smaller of both; 0 when it is only
 * bounded by time and unthrottled (no schedule to count). */
uint64_t alog_config_expected(const alog_config *cfg, unsigned i);
/** Silence in ns after which producer i is cut off as stalled, 0 never:
 * --stall-timeout, else 10 of its intervals and at least 5 s (never for
 * --exec commands, whose pace is theirs). */
int64_t alog_config_stall_ns(const alog_config *cfg, unsigned i);

/** Replace cfg's intervals with v[0..n) (malloc'd; cfg takes it). */
void alog_config_set_intervals(alog_config *cfg, double *v, unsigned n);

/* Parsing and --help live in options.h. */

#endif
