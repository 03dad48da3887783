/* setup_mpi.c - the MPI model's run: a collective set-up on every rank
 * (environment gather, clock sync), then rank 0 runs the generic collector
 * run with an MPI transport while the other ranks run the one producer
 * loop, then every rank learns rank 0's verdict.  The start is handed out
 * once rank 0's transport opens, after its lists are reserved: reserving
 * touches every page of them (a second or more without huge pages), and
 * producers started before would flood a rank 0 that is not listening.
 */
#include <stdlib.h>
#include <string.h>

#include "mpi_model.h"
#include "mpi_check.h"
#include "transport.h"
#include "tree_mpi.h"
#include "wire_mpi.h"

#define START_LEAD_NS 50000000LL /* schedule starts this long after sync */

/* Rank 0 gives each other rank one int64 (tag SETUP); the others wait for
 * theirs asleep, so that on an oversubscribed host they leave the CPUs to
 * the ranks that work (rank 0 syncing clocks, writing the report).
 * Point-to-point on purpose: a nonblocking collective would leave libnbc's
 * progress hook in every later MPI call of the run. */
static void hand_out(MPI_Comm comm, int rank, int size, const int64_t *all,
                     int64_t *mine)
{
    if (rank == 0) {
        for (int r = 1; r < size; r++)
            ALOG_MPI_CHECK(comm, MPI_Send(&all[r], 1, MPI_INT64_T, r,
                                          ALOG_MPI_TAG_SETUP, comm));
        *mine = all[0];
        return;
    }
    MPI_Request req;
    ALOG_MPI_CHECK(comm, MPI_Irecv(mine, 1, MPI_INT64_T, 0, ALOG_MPI_TAG_SETUP,
                                   comm, &req));
    for (;;) {
        int flag = 0;
        ALOG_MPI_CHECK(comm, MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
        if (flag)
            return;
        alog_sleep_for(200000, NULL);
    }
}

int alog_mpi_check_config(const alog_config *cfg, const alog_mpi_opts *opts,
                          char *err, size_t errlen)
{
    size_t rb = alog_mpi_rec_bytes(cfg);
    unsigned batch = opts->batch > 0 ? opts->batch : 1;

    /* Tree options mean nothing to the flat modes: refused, not ignored. */
    if (opts->collect != ALOG_MPI_COLLECT_TREE &&
        (opts->fanout > 0 || opts->tree_group > 0)) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "--%s '%u': only with --collect tree "
                     "(see --help)", opts->fanout > 0 ? "fanout" : "tree-group",
                     opts->fanout > 0 ? opts->fanout : opts->tree_group);
        return ALOG_EINVAL;
    }
    if ((uint64_t)batch * rb > ALOG_MPI_MSG_MAX) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen,
                     "--batch '%u': %u records of %zu bytes exceed %u MiB "
                     "per message (see --help)",
                     batch, batch, rb, ALOG_MPI_MSG_MAX >> 20);
        return ALOG_EINVAL;
    }
    return ALOG_OK;
}

const alog_transport *alog_mpi_transport_for(int collect)
{
    const char *name = alog_mpi_collect_name(collect);
    return name ? alog_transport_find(alog_mpi_transports, name) : NULL;
}

/* The collective set-up: every rank ends with su filled (info and clk
 * only on rank 0) but for its start time, which alog_mpi_schedule gives. */
static void setup(alog_mpi_setup *su, MPI_Comm comm)
{
    alog_mpi_rankinfo *info = NULL;
    alog_mpi_clock *clk = NULL;
    if (su->rank == 0) {
        info = calloc((size_t)su->size, sizeof *info);
        clk = calloc((size_t)su->size, sizeof *clk);
        if (info == NULL || clk == NULL)
            alog_mpi_out_of_memory(comm);
    }
    alog_mpi_env_gather(comm, info);
    if (su->opts->collect == ALOG_MPI_COLLECT_TREE) {
        alog_mpi_tree *tree = malloc(sizeof *tree);
        if (tree == NULL)
            alog_mpi_out_of_memory(comm);
        alog_mpi_tree_build(comm, su->opts, tree);
        su->tree = tree;
    }
    /* --batch auto: rank 0 knows every rank's host, so it alone decides
     * (before the clock sync, not between the start and its hand-out). */
    int64_t *batches = NULL, batch = su->opts->batch;
    if (su->opts->batch == ALOG_MPI_BATCH_AUTO && su->rank == 0) {
        batches = malloc((size_t)su->size * sizeof *batches);
        if (batches == NULL)
            alog_mpi_out_of_memory(comm);
        unsigned b = alog_mpi_batch_auto(info, su->size, su->rb,
                                         su->batch_auto,
                                         sizeof su->batch_auto);
        for (int r = 0; r < su->size; r++)
            batches[r] = b;
    }
    alog_mpi_clock_sync(comm, ALOG_MPI_SYNC_ROUNDS, clk);
    if (su->opts->batch == ALOG_MPI_BATCH_AUTO)
        hand_out(comm, su->rank, su->size, batches, &batch);
    su->batch = batch > 0 ? (unsigned)batch : 1;
    free(batches);
    su->info = info;
    su->clk = clk;
}

void alog_mpi_schedule(alog_mpi_setup *su)
{
    int64_t *starts = NULL;
    /* One schedule for all, on rank 0's clock, given to each rank on its
     * own clock. */
    if (su->rank == 0) {
        starts = calloc((size_t)su->size, sizeof *starts);
        if (starts == NULL)
            alog_mpi_out_of_memory(su->comm);
        int64_t t0 = alog_now_ns() + START_LEAD_NS;
        for (int r = 0; r < su->size; r++)
            starts[r] = t0 + alog_mpi_clock_applied(&su->clk[r]);
    }
    hand_out(su->comm, su->rank, su->size, starts, &su->start_ns);
    free(starts);
}

/* Every rank returns rank 0's verdict.  Producers wait asleep so that
 * rank 0 writes its report on a free CPU. */
static int agree(const alog_mpi_setup *su, int rc)
{
    int64_t verdict = rc;
    int64_t *all = NULL;
    if (su->rank == 0) {
        all = malloc((size_t)su->size * sizeof *all);
        if (all == NULL)
            alog_mpi_out_of_memory(su->comm);
        for (int r = 0; r < su->size; r++)
            all[r] = rc;
    }
    hand_out(su->comm, su->rank, su->size, all, &verdict);
    free(all);
    return (int)verdict;
}

static void free_setup(alog_mpi_setup *su)
{
    free((void *)su->info);
    free((void *)su->clk);
    if (su->tree != NULL) {
        alog_mpi_tree *t = (alog_mpi_tree *)su->tree;
        alog_mpi_tree_free(t);
        free(t);
    }
}

int alog_run_mpi(const alog_config *cfg, const alog_mpi_opts *opts,
                 MPI_Comm world, const alog_run_io *io, const alog_diag *diag,
                 int *lost,
                 int64_t started_ns)
{
    alog_mpi_setup su = {.opts = opts};
    int rc = ALOG_OK;

    if (lost)
        *lost = 0;
    ALOG_MPI_CHECK(world, MPI_Comm_size(world, &su.size));
    const alog_transport *t = alog_mpi_transport_for(opts->collect);
    if (su.size < 2 || t == NULL ||
        alog_mpi_check_config(cfg, opts, NULL, 0) != 0)
        return ALOG_EINVAL;
    /* A private communicator: our tags never meet the caller's messages,
     * and its errors come back to us. */
    ALOG_MPI_CHECK(world, MPI_Comm_dup(world, &su.comm));
    ALOG_MPI_CHECK(world, MPI_Comm_set_errhandler(su.comm, MPI_ERRORS_RETURN));
    ALOG_MPI_CHECK(su.comm, MPI_Comm_rank(su.comm, &su.rank));

    su.rb = alog_mpi_rec_bytes(cfg);
    alog_config run = *cfg; /* shallow: the report counts N-1 producers */
    run.producers = (unsigned)(su.size - 1);
    alog_timerslack_set(1000); /* wake-ups within ~1 us, not 50 us */
    setup(&su, su.comm);

    if (su.rank == 0) {
        alog_run_env env = {.model = "mpi", .diag = diag, .mpi = &su,
                            .journal = io->journal,
                            .started_ns = started_ns};
        rc = alog_run_transport(t, &run, &env, io->out);
        if (!su.opened) { /* producers would wait for us forever */
            char why[128];
            snprintf(why, sizeof why, "the collector could not start: %s",
                     alog_strerror(rc));
            alog_mpi_abort(su.comm, why);
        }
        if (su.lost > 0) {
            /* Nothing collective can end: the caller aborts the job. */
            if (lost)
                *lost = su.lost;
            free_setup(&su);
            return rc;
        }
    } else {
        alog_mpi_schedule(&su); /* waits until rank 0 is ready to collect */
        if (su.tree != NULL && alog_mpi_tree_nkids(su.tree, su.rank) > 0)
            rc = alog_mpi_lead(&run, &su);
        else
            rc = alog_mpi_produce(&run, &su);
    }
    rc = agree(&su, rc);
    free_setup(&su);
    ALOG_MPI_CHECK(world, MPI_Comm_free(&su.comm));
    return rc;
}
