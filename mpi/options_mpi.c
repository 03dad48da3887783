/* options_mpi.c - the rows of the MPI model's own options. */
#include <stddef.h>

#include "options_mpi.h"

#define F(field) offsetof(alog_mpi_opts, field)

/* Names as in the transports' registry (collect_mpi.c); a test holds the
 * two to the same names. */
#define COLLECT_CHOICE(e, n) ALOG_OPT_CHOICE_OF(ALOG_MPI_COLLECT_, e, n)
static const alog_opt_choice collect_choices[] = {
    ALOG_MPI_COLLECT_MAP(COLLECT_CHOICE){NULL, 0}};

/* --batch takes a number or this word (alog_mpi_batch_fit decides). */
static const alog_opt_choice batch_words[] = {
    {"auto", ALOG_MPI_BATCH_AUTO},
    {NULL, 0}};

static const alog_opt rows[] = {
    {.name = "collect", .arg = ALOG_OPT_ARG_LIST(ALOG_MPI_COLLECT_MAP),
     .models = ALOG_MODEL_MPI,
     .jobs = ALOG_J_BOTH, .kind = ALOG_OPT_CHOICE, .off = F(collect),
     .choices = collect_choices, .group = ALOG_OG_MODEL,
     .help = "one MPI_Irecv(MPI_ANY_SOURCE) at a time, tested; or one "
             "pre-posted MPI_Irecv per rank + MPI_Testsome/MPI_Waitsome; "
             "or a tree: the lowest rank of each node leads it, "
             "produces too and forwards its ranks' records in batches",
     .def = "async"},
    {.name = "batch", .arg = "K|auto", .models = ALOG_MODEL_MPI,
     .jobs = ALOG_J_LOG, .kind = ALOG_OPT_UINT, .off = F(batch), .ulo = 1,
     .uhi = ALOG_MPI_BATCH_MAX, .choices = batch_words,
     .group = ALOG_OG_MODEL,
     .help = "records per message; auto: the most that stay under the "
             "MPI eager limit",
     .def = "1"},
    {.name = "flush-ms", .arg = "MS", .models = ALOG_MODEL_MPI,
     .jobs = ALOG_J_LOG, .kind = ALOG_OPT_DOUBLE, .off = F(flush_ms),
     .dlo = 0, .dhi = 3600000.0, .group = ALOG_OG_MODEL,
     .help = "send a partial batch after MS milliseconds", .def = "10"},
    {.name = "fanout", .arg = "K", .models = ALOG_MODEL_MPI,
     .jobs = ALOG_J_LOG, .kind = ALOG_OPT_UINT, .off = F(fanout), .ulo = 1,
     .uhi = ALOG_MPI_TREE_MAX, .group = ALOG_OG_MODEL,
     .help = "--collect tree only: leaders form a K-ary tree (leader i "
             "forwards to leader (i-1)/K) instead of all sending to rank 0",
     .def = "all leaders to rank 0"},
    {.name = "tree-group", .arg = "G", .models = ALOG_MODEL_MPI,
     .jobs = ALOG_J_LOG, .kind = ALOG_OPT_UINT, .off = F(tree_group),
     .ulo = 1, .uhi = ALOG_MPI_TREE_MAX, .group = ALOG_OG_MODEL,
     .help = "--collect tree only, for testing and small clusters: groups "
             "of G consecutive ranks, each led by its lowest",
     .def = "the node (MPI_Comm_split_type SHARED)"},
};

void alog_mpi_opts_init(alog_mpi_opts *o)
{
    o->collect = ALOG_MPI_COLLECT_ASYNC;
    o->batch = 1;
    o->flush_ms = 10.0;
    o->fanout = 0;
    o->tree_group = 0;
}

static void init(void *base)
{
    alog_mpi_opts_init(base);
}

alog_optset alog_mpi_optset(alog_mpi_opts *o)
{
    alog_optset s = {.rows = rows, .n = sizeof rows / sizeof rows[0],
                     .base = o, .init = init};
    return s;
}

const char *alog_mpi_collect_name(int collect)
{
    return alog_opt_choice_name(collect_choices, collect);
}
