/* env_mpi.c - what an MPI run really ran on, for the report header.
 *
 * Timings mean little without it: the library and the transport it used,
 * the thread level MPI granted (not the one asked for), how many ranks
 * share a host and its cores (oversubscribed ranks time-share CPUs and
 * every latency then includes scheduler delays), and where each rank was
 * allowed to run.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpi_model.h"
#include "mpi_check.h"

#ifdef ALOG_SMPI
#include <simgrid/host.h>
#include <simgrid/version.h>
#endif

/* "0-3,6" from an affinity mask; "?" when it cannot be read. */
static void cpu_list(char *buf, size_t cap, int *count)
{
    cpu_set_t set;
    size_t n = 0;

    *count = 0;
    snprintf(buf, cap, "?");
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return;
    buf[0] = '\0';
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, &set))
            continue;
        int last = c;
        while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, &set))
            last++;
        *count += last - c + 1;
        int w = last > c ? snprintf(buf + n, cap - n, "%s%d-%d",
                                    n ? "," : "", c, last)
                         : snprintf(buf + n, cap - n, "%s%d", n ? "," : "", c);
        if (w < 0 || (size_t)w >= cap - n) { /* too many ranges: say so */
            if (cap > 4)
                memcpy(buf + cap - 4, "...", 4);
            return;
        }
        n += (size_t)w;
        c = last;
    }
}

int alog_mpi_env_gather(MPI_Comm comm, alog_mpi_rankinfo *all)
{
    alog_mpi_rankinfo me;
    char name[MPI_MAX_PROCESSOR_NAME];
    int len = 0, rank = 0, local = 1, ncpus = 0;
    MPI_Comm node;

    memset(&me, 0, sizeof me);
    ALOG_MPI_CHECK(comm, MPI_Comm_rank(comm, &rank));
    ALOG_MPI_CHECK(comm, MPI_Get_processor_name(name, &len));
    snprintf(me.host, sizeof me.host, "%.*s", len, name);
    cpu_list(me.cpus, sizeof me.cpus, &ncpus);
    me.ncpus = ncpus;
#ifdef ALOG_SMPI
    long cores = sg_host_core_count(sg_host_self()); /* the simulated host's */
#else
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
#endif
    me.cores = cores > 0 && cores < INT32_MAX ? (int32_t)cores : 0;
    /* Ranks that can share memory are the ranks of this host, and its
     * lowest rank names it: two hosts may share a hostname (containers,
     * namespaces, badly set up nodes), they never share a rank. */
    int leader = rank;
    ALOG_MPI_CHECK(comm, MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank,
                                             MPI_INFO_NULL, &node));
    ALOG_MPI_CHECK(comm, MPI_Comm_size(node, &local));
    ALOG_MPI_CHECK(node, MPI_Allreduce(&rank, &leader, 1, MPI_INT, MPI_MIN,
                                       node));
    ALOG_MPI_CHECK(comm, MPI_Comm_free(&node));
    me.local = local;
    me.leader = leader;
    if (rank == 0 && all == NULL)
        return ALOG_EINVAL;
    ALOG_MPI_CHECK(comm, MPI_Gather(&me, (int)sizeof me, MPI_BYTE, all,
                                    (int)sizeof me, MPI_BYTE, 0, comm));
    return ALOG_OK;
}

const char *alog_mpi_thread_name(int level)
{
    switch (level) {
    case MPI_THREAD_SINGLE: return "single";
    case MPI_THREAD_FUNNELED: return "funneled";
    case MPI_THREAD_SERIALIZED: return "serialized";
    case MPI_THREAD_MULTIPLE: return "multiple";
    default: return "unknown";
    }
}

int alog_mpi_thread_needed(int collect)
{
    (void)collect; /* both modes call MPI from the main thread only */
#ifdef ALOG_SMPI
    return MPI_THREAD_SINGLE; /* SMPI grants single: a rank has no threads */
#else
    return MPI_THREAD_FUNNELED;
#endif
}

/* Does another host (another leader) go by the same name as rank r's? */
static int name_shared(const alog_mpi_rankinfo *all, int size, int r)
{
    for (int q = 0; q < size; q++)
        if (all[q].leader != all[r].leader &&
            strcmp(all[q].host, all[r].host) == 0)
            return 1;
    return 0;
}

/* Append "host:n" of each distinct host (by leader), in rank order; a
 * name that several hosts share gets its leader: "vm[r0]:1,vm[r1]:1".
 * Returns hosts. */
static int per_host(char *buf, size_t cap, const alog_mpi_rankinfo *all,
                    int size, int *over, int *over_rank)
{
    size_t n = 0;
    int hosts = 0;

    buf[0] = '\0';
    *over = 0;
    *over_rank = -1;
    for (int r = 0; r < size; r++) {
        if (all[r].leader != r)
            continue; /* its host was counted with its leader */
        hosts++;
        if (all[r].cores > 0 && all[r].local > all[r].cores && !*over) {
            *over = 1;
            *over_rank = r;
        }
        if (n < cap) {
            char key[16] = "";
            if (name_shared(all, size, r))
                snprintf(key, sizeof key, "[r%d]", r);
            int w = snprintf(buf + n, cap - n, "%s%s%s:%d", n ? "," : "",
                             all[r].host, key, (int)all[r].local);
            if (w > 0)
                n += (size_t)w;
        }
    }
    return hosts;
}

int alog_mpi_env_header(alog_result *res, MPI_Comm comm,
                        const alog_mpi_rankinfo *all, int size)
{
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0, major = 0, minor = 0, granted = 0, flag = 0, over = 0;
    int over_rank = -1;
    int *global = NULL;
    int rc = 0;

    ALOG_MPI_CHECK(comm, MPI_Get_library_version(lib, &len));
    lib[len > 0 && len < (int)sizeof lib ? len : 0] = '\0';
    lib[strcspn(lib, "\r\n")] = '\0'; /* first line only */
    ALOG_MPI_CHECK(comm, MPI_Get_version(&major, &minor));
    ALOG_MPI_CHECK(comm, MPI_Query_thread(&granted));
    ALOG_MPI_CHECK(comm, MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_WTIME_IS_GLOBAL,
                                           &global, &flag));

    size_t cap = 64 + (size_t)size * 96; /* name, [rN], :count */
    char *hosts_txt = malloc(cap);
    if (hosts_txt == NULL)
        return ALOG_ENOMEM;
    int hosts = per_host(hosts_txt, cap, all, size, &over, &over_rank);
    int shared = hosts < size; /* some host runs more than one rank */
    const char *btl = getenv("OMPI_MCA_btl");

    rc = rc ? rc : alog_result_header(res, "mpi_library", "%s", lib);
    rc = rc ? rc : alog_result_header(res, "mpi_version", "%d.%d", major,
                                      minor);
    rc = rc ? rc : alog_result_header(res, "mpi_thread_asked", "%s",
                                      alog_mpi_thread_name(ALOG_MPI_THREAD_ASKED));
    rc = rc ? rc : alog_result_header(res, "mpi_thread_granted", "%s",
                                      alog_mpi_thread_name(granted));
    rc = rc ? rc : alog_result_header(res, "mpi_btl", "%s",
                                      btl && *btl ? btl : "default");
#ifdef ALOG_SMPI
    rc = rc ? rc : alog_result_header(
                       res, "simulated",
                       "smpi %d.%d, clock adapted (simulated CLOCK_MONOTONIC, "
                       "sleeps relative to each deadline, tsc falls back to "
                       "monotonic; --batch auto without MPI_T; CPU times "
                       "are the simulation's)",
                       SIMGRID_VERSION_MAJOR, SIMGRID_VERSION_MINOR);
#endif
    rc = rc ? rc : alog_result_header(res, "mpi_wtime_is_global", "%d",
                                      flag && global ? *global : 0);
    rc = rc ? rc : alog_result_header(res, "ranks", "%d", size);
    rc = rc ? rc : alog_result_header(res, "hosts", "%d", hosts);
    rc = rc ? rc : alog_result_header(res, "ranks_per_host", "%s", hosts_txt);
    rc = rc ? rc : alog_result_header(res, "ranks_share_host", "%s",
                                      hosts == 1 ? "all (one host)"
                                      : shared   ? "some"
                                                 : "none");
    rc = rc ? rc : alog_result_header(res, "oversubscribed", "%s",
                                      over ? "yes" : "no");
    if (over)
        rc = rc ? rc : alog_result_header(
                           res, "warning",
                           "oversubscribed: %d ranks on the %d cores of %s; "
                           "ranks time-share CPUs and timings include it",
                           (int)all[over_rank].local,
                           (int)all[over_rank].cores, all[over_rank].host);
    rc = rc ? rc : alog_result_header(res, "rank0_cpus", "%s", all[0].cpus);
    free(hosts_txt);
    return rc;
}
