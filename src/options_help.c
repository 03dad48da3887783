/* options_help.c - --help generated from the option rows (options.h),
 * and what a parse verdict means for a program: usage, version, or the
 * one-line error. */
#include <errno.h>
#include <string.h>

#include "options.h"
#include "options_help.h"

#define M_PROD ALOG_MODEL_PRODUCER
#define J_LOG ALOG_J_LOG

static const char *const group_title[ALOG_OG_COUNT] = {
    [ALOG_OG_RUN] = "Producers",
    [ALOG_OG_ASYNC] = "Pipes",
    [ALOG_OG_MODEL] = "Collection",
    [ALOG_OG_OUT] = "Output",
    [ALOG_OG_PRIMES] = "Primes job",
    [ALOG_OG_PROD] = "Producer program",
    [ALOG_OG_INFO] = "Information",
};

/* ---- --help ------------------------------------------------------------ */

/* What each program's --help (and man page) says around its option rows:
 * what its producers and collector are, where a row's default differs in
 * it, examples, and what it reads from its environment.  Kept next to
 * the rows' generator so that help stays one source. */
typedef alog__model_help model_help;

static const char *const primes_env[] = {
    "ALOG_PRIMES_KERNEL", "the primes job's --kernel when it is not given",
    NULL};
static const char *const omp_env[] = {
    "OMP_NUM_THREADS", "the producers (threads) when -n is not given; a "
    "value that is not a number from 1 is refused",
    "ALOG_PRIMES_KERNEL", "the primes job's --kernel when it is not given",
    NULL};
static const char *const none_env[] = {NULL};

static const model_help helps[] = {
    {ALOG_MODEL_ASYNC,
     "async I/O: child producers on pipes, one collector",
     "The async I/O model: producers are child processes (alog-producer, or "
     "any --exec command) writing records to pipes; one collector gathers "
     "them into one list per producer: an epoll loop, a reader thread per "
     "pipe (the original design) or an io_uring loop.",
     NULL,
     "  alog-async                          # the original: 4 producers, 10 records each\n"
     "  alog-async -n 64 --rate 100 --duration 2 -q    # many slow producers\n"
     "  alog-async -n 2 --interval 0 --count 1000000 --wire binary -q\n"
     "  alog-async --exec 'vmstat 1' --count 5   # any command's lines\n"
     "  alog-async primes -P 4              # 4 interleaved tasks, one thread\n",
     primes_env},
    {ALOG_MODEL_MPI,
     "MPI: producer ranks, rank 0 collects",
     "The MPI model, run with mpirun -np N (N >= 2): producers are ranks "
     "1..N-1, rank 0 collects into one list per rank.  --collect blocking: "
     "one MPI_Irecv(MPI_ANY_SOURCE) at a time, completed with MPI_Test "
     "(MPI_Recv's order, but a silent rank cannot hold rank 0); async: one "
     "pre-posted MPI_Irecv per rank, MPI_Testsome when paced (asleep until "
     "the next arrival due), MPI_Waitsome when unthrottled.",
     NULL,
     "  mpirun -np 4 alog-mpi --rate 1000 --duration 2 -q   # 3 producer ranks\n"
     "  mpirun -np 3 alog-mpi --interval 0 --count 1000000 --batch auto -q\n"
     "  mpirun --hostfile hosts -np 8 alog-mpi --format csv -o run.csv\n"
     "  mpirun -np 4 alog-mpi primes        # the primes job on 4 ranks\n",
     primes_env},
    {ALOG_MODEL_OMP,
     "OpenMP: producer threads, their own lists or one collector thread",
     "The OpenMP model: producers are OpenMP threads; each keeps its own "
     "list (--collect none) or pushes into a lock-free ring that one "
     "collector thread drains (--collect thread).",
     "OMP_NUM_THREADS, else one per interval",
     "  alog-omp -n 8 --rate 1000 --duration 2 -q\n"
     "  OMP_NUM_THREADS=2 alog-omp --collect none --interval 0 --count 1000000 -q\n"
     "  alog-omp primes -P 2                # the primes job on 2 threads\n",
     omp_env},
    {ALOG_MODEL_PRODUCER,
     "one producer of alog-async, records on stdout",
     "One producer of alog-async (its collector starts it): records on "
     "stdout, text or binary wire, paced on an absolute schedule.",
     NULL,
     "  alog-producer --interval 0.1 --count 5\n"
     "  alog-producer --interval 0 --count 1000000 --wire binary > /dev/null\n",
     none_env},
};

const alog__model_help *alog__model_help_of(int model)
{
    for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
        if (helps[i].model == model)
            return &helps[i];
    return NULL;
}

const char *alog__option_group_title(int g)
{
    return g >= 0 && g < ALOG_OG_COUNT ? group_title[g] : "";
}

const char *alog__option_jobs(int model)
{
    return model == M_PROD ? "log" : "log|primes";
}

const char *alog__option_default(const alog__model_help *mh,
                                 const alog_opt *o)
{
    if (mh != NULL && mh->producers_def != NULL &&
        strcmp(o->name, "producers") == 0)
        return mh->producers_def;
    return o->def;
}

#define USAGE_COL 29   /* help text starts here */
#define USAGE_WIDTH 79 /* and wraps before this column */

/* Text from column indent (the cursor is there), wrapped at word
 * boundaries before USAGE_WIDTH. */
static void wrap_at(FILE *f, const char *text, int indent)
{
    int col = indent;
    for (const char *p = text; *p;) {
        size_t word = strcspn(p, " ");
        if (col > indent && col + 1 + (int)word > USAGE_WIDTH) {
            fprintf(f, "\n%-*s", indent, "");
            col = indent;
        }
        if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", (int)word, p);
        col += (int)word;
        p += word;
        while (*p == ' ')
            p++;
    }
    fputc('\n', f);
}

/* Help text from USAGE_COL. */
static void wrap(FILE *f, const char *text)
{
    wrap_at(f, text, USAGE_COL);
}

/* One row's --help lines (def: the row's default in this program). */
static void usage_row(FILE *f, const alog_opt *o, const char *def)
{
    char head[64];
    int n;
    if (o->shrt)
        n = snprintf(head, sizeof head, "  -%c, --%s", o->shrt, o->name);
    else
        n = snprintf(head, sizeof head, "      --%s", o->name);
    if (o->arg && n > 0 && (size_t)n < sizeof head)
        snprintf(head + n, sizeof head - (size_t)n, " %s", o->arg);
    char text[320];
    if (def)
        snprintf(text, sizeof text, "%s (default: %s)", o->help, def);
    else
        snprintf(text, sizeof text, "%s", o->help);
    fprintf(f, "%-*s", USAGE_COL, head);
    if (strlen(head) >= USAGE_COL)
        fprintf(f, "\n%-*s", USAGE_COL, "");
    wrap(f, text);
}

int alog__option_shown(const alog_opt *o, int model, int g)
{
    if (o->kind == ALOG_OPT_ELSEWHERE || o->group != (enum alog_opt_group)g ||
        !(o->models & (unsigned)model))
        return 0;
    return model != M_PROD || (o->jobs & J_LOG);
}

void alog_options_usage(FILE *f, int model, const alog_optset *own,
                        const char *prog)
{
    const char *name = alog_options_prog(prog);
    const model_help *mh = alog__model_help_of(model);
    fprintf(f, "Usage: %s [%s] [options]\n", name, alog__option_jobs(model));
    if (mh != NULL) {
        fputc('\n', f);
        wrap_at(f, mh->about, 0);
    }
    for (int g = 0; g < ALOG_OG_COUNT; g++) {
        int shown = 0;
        /* Each section: the core's rows, then the model's own. */
        for (int part = 0; part < 2; part++) {
            const alog_opt *rows = part ? (own ? own->rows : NULL)
                                        : alog_core_options;
            size_t n = part ? (own ? own->n : 0) : alog_core_options_n;
            for (size_t i = 0; i < n; i++) {
                if (!alog__option_shown(&rows[i], model, g))
                    continue;
                if (!shown)
                    fprintf(f, "\n%s:\n", group_title[g]);
                shown = 1;
                usage_row(f, &rows[i], alog__option_default(mh, &rows[i]));
            }
        }
    }
    fputc('\n', f);
    fprintf(f, "%-*s", USAGE_COL, "Numbers:");
    wrap(f, ALOG_NUMBER_RULE);
    fprintf(f, "\nExit status: 0 ok, 1 error, 2 usage, 3 a producer short or "
               "failed, 4 records lost\nor duplicated, 130 interrupted.\n");
    if (mh != NULL)
        fprintf(f, "\nExamples:\n%s", mh->examples);
}

/* ---- the mains' first step ---------------------------------------------- */

/* What --help and --version printed must have reached stdout: a closed
 * or full stdout is an error (exit 1), said on stderr. */
static int printed(const char *name, const char *what)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 0;
    fprintf(stderr, "%s: cannot write %s to stdout: %s\n", name, what,
            strerror(errno));
    return 1;
}

int alog_options_verdict(int verdict, int model, const alog_optset *own,
                         const char *name, const char *argv0,
                         const char *err, int say)
{
    switch (verdict) {
    case ALOG_PARSE_OK:
        return -1;
    case ALOG_PARSE_HELP:
        if (!say)
            return 0;
        alog_options_usage(stdout, model, own, argv0);
        return printed(name, "--help");
    case ALOG_PARSE_VERSION:
        if (!say)
            return 0;
        printf("%s %s\n", name, ALOG_VERSION);
        return printed(name, "--version");
    default:
        if (say)
            fprintf(stderr, "%s\n", err);
        return 2;
    }
}

int alog_options_main(alog_config *cfg, int model, const alog_optset *own,
                      const char *name, int argc, char **argv)
{
    char err[512];
    int verdict =
        alog_options_parse(cfg, model, own, argc, argv, err, sizeof err);
    int status = alog_options_verdict(verdict, model, own, name,
                                      argc > 0 ? argv[0] : NULL, err, 1);
    if (status >= 0)
        alog_config_free(cfg);
    return status;
}
