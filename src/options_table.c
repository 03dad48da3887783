/* options_table.c - the rows of the core's options: those of every
 * program, of the async model, of the primes job and of the producer
 * program (option.h). */
#include <stdlib.h>
#include <string.h>

#include "option.h"
#include "primes.h"

#define M_ASYNC ALOG_MODEL_ASYNC
#define M_MPI ALOG_MODEL_MPI
#define M_OMP ALOG_MODEL_OMP
#define M_PROD ALOG_MODEL_PRODUCER
#define M_RUN (M_ASYNC | M_MPI | M_OMP) /* the collecting programs */
#define M_ALL (M_RUN | M_PROD)
#define J_LOG ALOG_J_LOG
#define J_PRIMES ALOG_J_PRIMES
#define J_BOTH ALOG_J_BOTH


#define F(field) offsetof(alog_config, field)

static const alog_opt_choice clock_choices[] = {
    {"monotonic", ALOG_CLOCK_MONOTONIC},
    {"tsc", ALOG_CLOCK_TSC},
    {"auto", ALOG_CLOCK_AUTO},
    {NULL, 0},
};
static const alog_opt_choice phase_choices[] = {
    {"spread", ALOG_PHASE_SPREAD}, {"aligned", ALOG_PHASE_ALIGNED},
    {NULL, 0}};
static const alog_opt_choice format_choices[] = {
    {"table", ALOG_FMT_TABLE}, {"csv", ALOG_FMT_CSV}, {"json", ALOG_FMT_JSON},
    {NULL, 0}};
/* The kernels of primes_kernel.c, in the order of enum alog_kernel. */
static const alog_opt_choice kernel_choices[] = {
    {"wheel", ALOG_KERNEL_WHEEL}, {"odd", ALOG_KERNEL_ODD},
    {"div", ALOG_KERNEL_DIV}, {NULL, 0}};
static const alog_opt_choice schedule_choices[] = {
    {"static", ALOG_SCHED_STATIC}, {"dynamic", ALOG_SCHED_DYNAMIC},
    {NULL, 0}};

/* The core's rows.  The MPI and OpenMP libraries own the rows of their
 * options; they appear here once as ELSEWHERE, by name only, so that any
 * other program says an option is not for it rather than unknown. */
const alog_opt alog_core_options[] = {
    {.name = "producers", .shrt = 'n', .arg = "N", .models = M_ASYNC | M_OMP,
     .jobs = J_BOTH, .kind = ALOG_OPT_UINT, .off = F(producers), .ulo = 1,
     .uhi = 65536, .group = ALOG_OG_RUN,
     .help = "number of producers (intervals are cycled over them)",
     .def = "one per interval"},
    {.name = "interval", .arg = "LIST", .models = M_ALL, .jobs = J_LOG,
     .kind = ALOG_OPT_INTERVALS, .off = F(intervals), .group = ALOG_OG_RUN,
     .help = "seconds between records, comma list cycled over producers; "
             "0 = as fast as possible",
     .def = "0.2,0.1,1,0.01"},
    {.name = "rate", .arg = "HZ", .models = M_ALL, .jobs = J_LOG,
     .kind = ALOG_OPT_DOUBLE, .off = F(rate), .dlo = 1.0 / ALOG_INTERVAL_MAX,
     .dhi = 1e9, .group = ALOG_OG_RUN,
     .help = "records per second for every producer, at least one a day "
             "(overrides --interval)"},
    {.name = "count", .arg = "N", .models = M_ALL, .jobs = J_LOG,
     .kind = ALOG_OPT_U64, .off = F(count), .ulo = 1, .uhi = UINT64_C(1) << 63,
     .group = ALOG_OG_RUN, .help = "records per producer",
     .def = "10, or unlimited with --duration"},
    {.name = "duration", .arg = "S", .models = M_ALL, .jobs = J_LOG,
     .kind = ALOG_OPT_DOUBLE, .off = F(duration), .dlo = 0, .dhi = 31536000.0,
     .dopen = 1, .group = ALOG_OG_RUN,
     .help = "stop after S seconds (each producer's own, from its first "
             "record's due time)"},
    {.name = "phase", .arg = "spread|aligned", .models = M_RUN,
     .jobs = J_LOG, .kind = ALOG_OPT_CHOICE, .off = F(phase),
     .choices = phase_choices, .group = ALOG_OG_RUN,
     .help = "paced producers' first records: spread over the interval "
             "(producer i of n at i/n of it, so that the collector sees a "
             "steady stream) or all due at the same instant (bursts)",
     .def = "spread"},
    {.name = "payload", .arg = "BYTES", .models = M_ALL, .jobs = J_LOG,
     .kind = ALOG_OPT_UINT, .off = F(payload), .ulo = 0, .uhi = ALOG_WIRE_MAX,
     .group = ALOG_OG_RUN,
     .help = "record size on the wire (0 = natural size)",
     .def = "0"},
    {.name = "work", .arg = "N", .models = M_ALL, .jobs = J_LOG,
     .kind = ALOG_OPT_U64, .off = F(work), .ulo = 0,
     .uhi = UINT64_C(1000000000000),
     .group = ALOG_OG_RUN,
     .help = "trial-division steps of CPU work per record, done by the "
             "producer before it stamps the record",
     .def = "0"},
    {.name = "collect-work", .arg = "N", .models = M_RUN, .jobs = J_LOG,
     .kind = ALOG_OPT_U64, .off = F(collect_work), .ulo = 0,
     .uhi = UINT64_C(1000000000000), .group = ALOG_OG_RUN,
     .help = "trial-division steps of CPU work per record where it is "
             "stored (the epoll loop, each reader thread, the collector "
             "thread, each OpenMP thread keeping its own list, rank 0)",
     .def = "0"},
    {.name = "fail-after", .arg = "K", .models = M_ALL, .jobs = J_LOG,
     .kind = ALOG_OPT_I64, .off = F(fail_after), .ulo = 0, .uhi = INT64_MAX,
     .group = ALOG_OG_RUN, .help = "testing: the last producer stops after K "
                             "records",
     .def = "never"},
    {.name = "clock", .arg = "monotonic|tsc|auto", .models = M_ALL,
     .jobs = J_LOG, .kind = ALOG_OPT_CHOICE, .off = F(clock),
     .choices = clock_choices, .group = ALOG_OG_RUN,
     .help = "what producers stamp records with: clock_gettime, or the "
             "CPU's invariant TSC converted to the same CLOCK_MONOTONIC ns "
             "(cheaper to read); auto: tsc where it is invariant",
     .def = "monotonic"},
    {.name = "stall-timeout", .arg = "S", .models = M_RUN, .jobs = J_LOG,
     .kind = ALOG_OPT_DOUBLE, .off = F(stall_timeout), .dlo = 0,
     .dhi = 31536000.0, .group = ALOG_OG_RUN,
     .help = "a producer silent for S seconds is reported stalled and cut "
             "off, the others go on (0 = wait forever)",
     .def = "10 intervals, at least 5 s; never for commands"},
    {.name = "max-memory", .arg = "MIB", .models = M_RUN, .jobs = J_LOG,
     .kind = ALOG_OPT_U64, .off = F(max_memory_mib), .ulo = 1,
     .uhi = UINT64_C(1) << 40, .group = ALOG_OG_RUN,
     .help = "stop collecting when the records kept reach MIB mebibytes "
             "(or memory runs out) and report what was kept",
     .def = "no bound"},
    {.name = "wire", .models = M_ASYNC | M_PROD, .kind = ALOG_OPT_ELSEWHERE},
    {.name = "readers", .models = M_ASYNC, .kind = ALOG_OPT_ELSEWHERE},
    {.name = "exec", .models = M_ASYNC, .kind = ALOG_OPT_ELSEWHERE},
    {.name = "collect", .models = M_MPI | M_OMP, .kind = ALOG_OPT_ELSEWHERE},
    {.name = "batch", .models = M_MPI, .kind = ALOG_OPT_ELSEWHERE},
    {.name = "flush-ms", .models = M_MPI, .kind = ALOG_OPT_ELSEWHERE},
    {.name = "ring", .models = M_OMP, .kind = ALOG_OPT_ELSEWHERE},
    {.name = "format", .arg = "table|csv|json", .models = M_RUN,
     .jobs = J_BOTH, .kind = ALOG_OPT_CHOICE, .off = F(format),
     .choices = format_choices, .group = ALOG_OG_OUT, .help = "report format",
     .def = "table"},
    {.name = "timeline", .models = M_RUN, .jobs = J_BOTH, .kind = ALOG_OPT_SET,
     .off = F(show), .set = ALOG_SHOW_ALL, .group = ALOG_OG_OUT,
     .help = "always show records by producer and the timeline",
     .def = "only up to 1000 records"},
    {.name = "quiet", .shrt = 'q', .models = M_RUN, .jobs = J_BOTH,
     .kind = ALOG_OPT_SET, .off = F(show), .set = ALOG_SHOW_REPORT,
     .group = ALOG_OG_OUT,
     .help = "show only the report"},
    {.name = "output", .shrt = 'o', .arg = "FILE", .models = M_RUN,
     .jobs = J_BOTH, .kind = ALOG_OPT_STRING, .off = F(output),
     .group = ALOG_OG_OUT,
     .help = "write the report to FILE (atomically: a temporary renamed "
             "over it, keeping its permissions); a symbolic link is followed "
             "only if it is yours or root's, else refused", .def = "stdout"},
    {.name = "journal", .arg = "FILE", .models = M_RUN, .jobs = J_LOG,
     .kind = ALOG_OPT_STRING, .off = F(journal), .group = ALOG_OG_OUT,
     .help = "write the records collected to FILE as CSV record rows, in "
             "blocks, while the run goes on (a collector killed loses at "
             "most the last block of each producer); FILE is emptied "
             "first, a symbolic link is refused"},
    {.name = "number", .arg = "N", .models = M_RUN, .jobs = J_PRIMES,
     .kind = ALOG_OPT_U64, .off = F(primes.number), .ulo = 0,
     .uhi = UINT64_MAX,
     .group = ALOG_OG_PRIMES, .help = "number to test for primality",
     .def = "10657331232548839"},
    {.name = "range", .arg = "A:B", .models = M_RUN, .jobs = J_PRIMES,
     .kind = ALOG_OPT_RANGE, .group = ALOG_OG_PRIMES,
     .help = "count the primes in A..B instead"},
    {.name = "parts", .shrt = 'P', .arg = "P", .models = M_RUN,
     .jobs = J_PRIMES, .kind = ALOG_OPT_UINT, .off = F(primes.parts), .ulo = 1,
     .uhi = 65536, .group = ALOG_OG_PRIMES,
     .help = "split the work into P parts",
     .def = "4 interleaved; cores for processes and omp; ranks for mpi"},
    {.name = "schedule", .arg = "static|dynamic", .models = M_RUN,
     .jobs = J_PRIMES, .kind = ALOG_OPT_CHOICE, .off = F(primes.schedule),
     .choices = schedule_choices, .group = ALOG_OG_PRIMES,
     .help = "how parts are handed out", .def = "static"},
    {.name = "kernel", .arg = "wheel|odd|div", .models = M_RUN,
     .jobs = J_PRIMES, .kind = ALOG_OPT_CHOICE, .off = F(primes.kernel),
     .choices = kernel_choices, .group = ALOG_OG_PRIMES,
     .help = "trial division: 2-3-5 wheel, odd divisors, or odd divisors "
             "with `%` only",
     .def = "$ALOG_PRIMES_KERNEL, else wheel"},
    {.name = "processes", .models = M_ASYNC, .jobs = J_PRIMES,
     .kind = ALOG_OPT_SET, .off = F(primes.processes), .set = 1,
     .group = ALOG_OG_PRIMES,
     .help = "compute parts in child processes"},
    {.name = "no-baseline", .models = M_RUN, .jobs = J_PRIMES,
     .kind = ALOG_OPT_SET, .off = F(primes.no_baseline), .set = 1,
     .group = ALOG_OG_PRIMES,
     .help = "skip the serial baseline"},
    {.name = "id", .models = M_PROD, .kind = ALOG_OPT_ELSEWHERE},
    {.name = "start-ns", .models = M_PROD, .kind = ALOG_OPT_ELSEWHERE},
    {.name = "help", .shrt = 'h', .models = M_ALL, .jobs = J_BOTH,
     .kind = ALOG_OPT_HELP, .group = ALOG_OG_INFO,
     .help = "show this help and exit"},
    {.name = "version", .models = M_ALL, .jobs = J_BOTH,
     .kind = ALOG_OPT_VERSION,
     .group = ALOG_OG_INFO, .help = "show the version and exit"},
};

const size_t alog_core_options_n =
    sizeof alog_core_options / sizeof alog_core_options[0];


