/* eager_mpi.c - --batch auto: the eager limit of the transport the
 * producers reach rank 0 by, as the MPI library reports it through the
 * MPI_T control variables.  A message up to that limit leaves at once
 * (eager); a larger one waits for rank 0 to post its receive
 * (rendezvous), which costs a round trip per batch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi_model.h"
#include "wire_mpi.h"

#ifdef ALOG_SMPI
/* SimGrid's SMPI has no MPI_T: the default limit, said as such. */
unsigned alog_mpi_batch_auto(const alog_mpi_rankinfo *info, int size,
                             size_t rb, char *why, size_t cap)
{
    (void)info;
    (void)size;
    snprintf(why, cap, "default %u (simulated: SMPI has no MPI_T) - %u header",
             ALOG_MPI_EAGER_DEFAULT, ALOG_MPI_EAGER_MARGIN);
    return alog_mpi_batch_fit(ALOG_MPI_EAGER_DEFAULT, rb, ALOG_MPI_EAGER_MARGIN);
}
#else

/* The control variable `name` (no object binding), or -1. */
static int cvar_find(const char *name, MPI_Datatype *type)
{
    int n = 0;
    if (MPI_T_cvar_get_num(&n) != MPI_SUCCESS)
        return -1;
    for (int i = 0; i < n; i++) {
        char nm[128];
        int nlen = (int)sizeof nm, verb, bind, scope, dlen = 0;
        MPI_T_enum en;
        if (MPI_T_cvar_get_info(i, nm, &nlen, &verb, type, &en, NULL, &dlen,
                                &bind, &scope) != MPI_SUCCESS)
            continue;
        if (strcmp(nm, name) == 0)
            return bind == MPI_T_BIND_NO_OBJECT ? i : -1;
    }
    return -1;
}

/* Read control variable i into buf (cap bytes); its element count, or
 * -1. */
static int cvar_read(int i, void *buf, size_t cap, size_t elem)
{
    MPI_T_cvar_handle h;
    int count = 0, ok = -1;
    if (MPI_T_cvar_handle_alloc(i, NULL, &h, &count) != MPI_SUCCESS)
        return -1;
    if (count >= 1 && (size_t)count * elem <= cap &&
        MPI_T_cvar_read(h, buf) == MPI_SUCCESS)
        ok = count;
    MPI_T_cvar_handle_free(&h);
    return ok;
}

/* An integer control variable; 0 if absent or of another type. */
static uint64_t cvar_uint(const char *name)
{
    MPI_Datatype t;
    int i = cvar_find(name, &t);
    union {
        int i;
        unsigned u;
        long l;
        unsigned long ul;
        long long ll;
        unsigned long long ull;
    } v;
    if (i < 0 || cvar_read(i, &v, sizeof v, 1) != 1)
        return 0;
    if (t == MPI_INT)
        return v.i > 0 ? (uint64_t)v.i : 0;
    if (t == MPI_UNSIGNED)
        return v.u;
    if (t == MPI_LONG)
        return v.l > 0 ? (uint64_t)v.l : 0;
    if (t == MPI_UNSIGNED_LONG)
        return v.ul;
    if (t == MPI_LONG_LONG)
        return v.ll > 0 ? (uint64_t)v.ll : 0;
    if (t == MPI_UNSIGNED_LONG_LONG)
        return v.ull;
    return 0;
}

/* A string control variable into buf; "" if absent or longer than
 * cap - 1 (Open MPI gives its strings a count of 2048). */
static void cvar_text(const char *name, char *buf, size_t cap)
{
    MPI_Datatype t;
    int i = cvar_find(name, &t);
    char *all = NULL;
    buf[0] = '\0';
    if (i < 0 || t != MPI_CHAR || (all = calloc(1, 1u << 16)) == NULL)
        return;
    if (cvar_read(i, all, (1u << 16) - 1, 1) >= 0 && strlen(all) < cap)
        strcpy(buf, all);
    free(all);
}

/* Is word one of the comma-separated items of list? */
static int list_has(const char *list, const char *word)
{
    size_t w = strlen(word);
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        if (n == w && strncmp(p, word, w) == 0)
            return 1;
        p += n + (p[n] == ',');
    }
    return 0;
}

/* May the shared-memory BTL carry messages, by the "btl" selection
 * ("" or "^a,b": all but those; "a,b": only those)? */
static int shm_allowed(const char *btl)
{
    int neg = btl[0] == '^';
    const char *list = btl + neg;
    int named = list_has(list, "vader") || list_has(list, "sm");
    return btl[0] == '\0' || (neg ? !named : named);
}

/* The smallest eager limit among the control variables names[] (NULL
 * ended) into *limit, its name into *from; 0 if none is reported. */
static int smallest(const char *const *names, uint64_t *limit,
                    const char **from)
{
    int found = 0;
    for (; *names; names++) {
        uint64_t v = cvar_uint(*names);
        if (v > 0 && (!found || v < *limit)) {
            *limit = v;
            *from = *names;
            found = 1;
        }
    }
    return found;
}

unsigned alog_mpi_batch_auto(const alog_mpi_rankinfo *info, int size,
                             size_t rb, char *why, size_t cap)
{
    static const char *const shm[] = {"btl_vader_eager_limit",
                                      "btl_sm_eager_limit", NULL};
    static const char *const tcp[] = {"btl_tcp_eager_limit", NULL};
    int local = 0, remote = 0, provided;
    for (int r = 1; r < size; r++) {
        if (info[r].leader == info[0].leader)
            local = 1;
        else
            remote = 1;
    }
    uint64_t limit = 0;
    const char *from = NULL;
    /* MPI_T may be started and ended around MPI's own life, any time. */
    if (MPI_T_init_thread(MPI_THREAD_SINGLE, &provided) == MPI_SUCCESS) {
        char btl[256];
        cvar_text("btl", btl, sizeof btl);
        uint64_t v = 0;
        const char *name = NULL;
        /* Ranks on our host go by shared memory when that BTL is there. */
        if (local && shm_allowed(btl) && smallest(shm, &v, &name)) {
            limit = v;
            from = name;
            local = 0;
        }
        if ((remote || local) && smallest(tcp, &v, &name) &&
            (from == NULL || v < limit)) {
            limit = v;
            from = name;
        }
        MPI_T_finalize();
    }
    if (from == NULL) {
        limit = ALOG_MPI_EAGER_DEFAULT;
        snprintf(why, cap, "default %u (no eager limit from MPI_T) - %u header",
                 ALOG_MPI_EAGER_DEFAULT, ALOG_MPI_EAGER_MARGIN);
    } else {
        snprintf(why, cap, "%s %llu (MPI_T) - %u header", from,
                 (unsigned long long)limit, ALOG_MPI_EAGER_MARGIN);
    }
    return alog_mpi_batch_fit(limit, rb, ALOG_MPI_EAGER_MARGIN);
}
#endif
