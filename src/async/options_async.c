/* options_async.c - the rows of the async model's own options and of the
 * producer program's (options_async.h). */
#include <stddef.h>
#include <stdlib.h>

#include "options_async.h"

#define A(field) offsetof(alog_async_opts, field)
#define P(field) offsetof(alog_producer_opts, field)

static const alog_opt_choice wire_choices[] = {
    {"text", ALOG_WIRE_TEXT}, {"binary", ALOG_WIRE_BINARY}, {NULL, 0}};
#define READERS_CHOICE(e, n) ALOG_OPT_CHOICE_OF(ALOG_READERS_, e, n)
static const alog_opt_choice readers_choices[] = {
    ALOG_READERS_MAP(READERS_CHOICE){NULL, 0}};

static const alog_opt async_rows[] = {
    {.name = "wire", .arg = "text|binary", .models = ALOG_MODEL_ASYNC,
     .jobs = ALOG_J_LOG, .kind = ALOG_OPT_CHOICE, .off = A(wire),
     .choices = wire_choices, .group = ALOG_OG_ASYNC,
     .help = "record encoding on the pipes", .def = "text"},
    {.name = "readers", .arg = ALOG_OPT_ARG_LIST(ALOG_READERS_MAP),
     .models = ALOG_MODEL_ASYNC, .jobs = ALOG_J_LOG, .kind = ALOG_OPT_CHOICE,
     .off = A(readers), .choices = readers_choices, .group = ALOG_OG_ASYNC,
     .help = "one epoll loop, one reader thread per pipe, or one io_uring "
             "loop",
     .def = "epoll"},
    {.name = "exec", .arg = "CMD", .models = ALOG_MODEL_ASYNC,
     .jobs = ALOG_J_LOG, .kind = ALOG_OPT_EXEC, .off = A(exec),
     .group = ALOG_OG_ASYNC,
     .help = "run CMD (sh -c); each of its output lines is a record; "
             "repeatable, one producer each"},
};

static const alog_opt producer_rows[] = {
    {.name = "wire", .arg = "text|binary", .models = ALOG_MODEL_PRODUCER,
     .jobs = ALOG_J_LOG, .kind = ALOG_OPT_CHOICE, .off = P(wire),
     .choices = wire_choices, .group = ALOG_OG_ASYNC,
     .help = "record encoding on the pipes", .def = "text"},
    {.name = "id", .arg = "I", .models = ALOG_MODEL_PRODUCER,
     .jobs = ALOG_J_LOG, .kind = ALOG_OPT_INT, .off = P(id), .ulo = 0,
     .uhi = 65535, .group = ALOG_OG_PROD, .help = "this producer's index",
     .def = "0"},
    {.name = "start-ns", .arg = "NS", .models = ALOG_MODEL_PRODUCER,
     .jobs = ALOG_J_LOG, .kind = ALOG_OPT_I64, .off = P(start_ns), .ulo = 0,
     .uhi = INT64_MAX, .group = ALOG_OG_PROD,
     .help = "CLOCK_MONOTONIC time of record 0", .def = "now"},
};

void alog_async_opts_init(alog_async_opts *o)
{
    *o = (alog_async_opts){.wire = ALOG_WIRE_TEXT,
                           .readers = ALOG_READERS_EPOLL};
}

void alog_async_opts_free(alog_async_opts *o)
{
    for (unsigned i = 0; i < o->exec.n; i++)
        free(o->exec.v[i]);
    free(o->exec.v);
    o->exec = (alog_commands){0};
}

static void async_init(void *base)
{
    alog_async_opts_init(base);
}

static void async_fini(void *base)
{
    alog_async_opts_free(base);
}

static void producer_init(void *base)
{
    *(alog_producer_opts *)base = (alog_producer_opts){.wire = ALOG_WIRE_TEXT};
}

alog_optset alog_async_optset(alog_async_opts *o)
{
    return (alog_optset){.rows = async_rows,
                         .n = sizeof async_rows / sizeof async_rows[0],
                         .base = o, .init = async_init, .fini = async_fini};
}

alog_optset alog_producer_optset(alog_producer_opts *o)
{
    return (alog_optset){.rows = producer_rows,
                         .n = sizeof producer_rows / sizeof producer_rows[0],
                         .base = o, .init = producer_init};
}

const char *alog_readers_name(int readers)
{
    return alog_opt_choice_name(readers_choices, readers);
}
