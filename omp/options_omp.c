/* options_omp.c - the rows of the OpenMP model's own options. */
#include <stddef.h>

#include "options_omp.h"

#define F(field) offsetof(alog_omp_opts, field)

/* Names as in the transports' registry (transport_omp.c); a test holds
 * the two to the same names. */
#define COLLECT_CHOICE(e, n) ALOG_OPT_CHOICE_OF(ALOG_OMP_COLLECT_, e, n)
static const alog_opt_choice collect_choices[] = {
    ALOG_OMP_COLLECT_MAP(COLLECT_CHOICE){NULL, 0}};

static const alog_opt rows[] = {
    {.name = "collect", .arg = ALOG_OPT_ARG_LIST(ALOG_OMP_COLLECT_MAP),
     .models = ALOG_MODEL_OMP,
     .jobs = ALOG_J_BOTH, .kind = ALOG_OPT_CHOICE, .off = F(collect),
     .choices = collect_choices, .group = ALOG_OG_MODEL,
     .help = "each thread its own list, or a collector thread over rings",
     .def = "thread"},
    {.name = "ring", .arg = "N", .models = ALOG_MODEL_OMP, .jobs = ALOG_J_LOG,
     .kind = ALOG_OPT_UINT, .off = F(ring), .ulo = 2, .uhi = 1u << 24,
     .group = ALOG_OG_MODEL, .help = "ring capacity per thread, records",
     .def = "4096"},
};

void alog_omp_opts_init(alog_omp_opts *o)
{
    o->collect = ALOG_OMP_COLLECT_THREAD;
    o->ring = 4096;
}

static void init(void *base)
{
    alog_omp_opts_init(base);
}

alog_optset alog_omp_optset(alog_omp_opts *o)
{
    alog_optset s = {.rows = rows, .n = sizeof rows / sizeof rows[0],
                     .base = o, .init = init};
    return s;
}

const char *alog_omp_collect_name(int collect)
{
    return alog_opt_choice_name(collect_choices, collect);
}
