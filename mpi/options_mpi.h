/** @file
 * options_mpi.h - the MPI model's own options: its struct, its enums and
 * its option rows (options_mpi.c).  Plain C, no MPI: the option tests
 * build wherever the core does. */
#ifndef ALOG_OPTIONS_MPI_H
#define ALOG_OPTIONS_MPI_H

#include "options.h"

/** --collect, the one list: XX(ENUM, name) makes the enum, the option's
 * choices and argument, and the registry (alog_mpi_transports:
 * alog_transport_mpi_<name>). */
#define ALOG_MPI_COLLECT_MAP(XX)                                           \
    XX(BLOCKING, blocking) /* one MPI_Irecv(ANY_SOURCE) at a time */      \
    XX(ASYNC, async)       /* pre-posted receives, Testsome/Waitsome */   \
    XX(TREE, tree)         /* node leaders forward batches to rank 0 */
/** The map entry as an enumerator (internal). */
#define ALOG__MPI_COLLECT_ENUM(e, n) ALOG_MPI_COLLECT_##e,
/** --collect: how rank 0 waits (from ALOG_MPI_COLLECT_MAP). */
enum alog_mpi_collect { ALOG_MPI_COLLECT_MAP(ALOG__MPI_COLLECT_ENUM) };

/** --batch auto: the value stored in alog_mpi_opts.batch. */
#define ALOG_MPI_BATCH_AUTO 0
/** The largest --batch. */
#define ALOG_MPI_BATCH_MAX 65536u
/** Largest message a producer may send (--batch x record bytes). */
#define ALOG_MPI_MSG_MAX (16u << 20)

/** The MPI model's options (alog-mpi). */
typedef struct alog_mpi_opts {
    int collect;     ///< ALOG_MPI_COLLECT_*
    unsigned batch;  ///< records per message (1: unbatched), or
                     ///< ALOG_MPI_BATCH_AUTO
    double flush_ms; ///< a partial batch leaves after this long
    unsigned fanout; ///< --collect tree: children per leader in the tree
                     ///< of leaders; 0 (the default): all to rank 0
    unsigned tree_group; ///< --collect tree: ranks per leader group; 0
                         ///< (the default): the node (split_type SHARED)
} alog_mpi_opts;

/** The largest --fanout and --tree-group. */
#define ALOG_MPI_TREE_MAX 65536u

/** The defaults: async, unbatched, 10 ms, tree by node, leaders direct. */
void alog_mpi_opts_init(alog_mpi_opts *o);
/** The option set that fills *o, for alog_options_parse. */
alog_optset alog_mpi_optset(alog_mpi_opts *o);
/** Registry name of a --collect value; NULL if none. */
const char *alog_mpi_collect_name(int collect);

#endif
