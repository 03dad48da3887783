/* test_registries.c - every program finds its transports by name: the
 * choices its option rows offer are exactly the names in its registry, in
 * both directions, so --help and the error messages list what exists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "options.h"
#include "options_async.h"
#include "transport.h"
#ifdef ALOG_TEST_MPI
#include "mpi_model.h"
#endif
#ifdef ALOG_TEST_OMP
#include "omp_model.h"
#endif

/* name(0), name(1), ... until NULL: each is in the registry, and the
 * registry holds no other. */
static void check(const alog_transport *const *registry,
                  const char *(*name)(int))
{
    size_t names = 0, entries = 0;
    for (int v = 0; name(v) != NULL; v++, names++) {
        const alog_transport *t = alog_transport_find(registry, name(v));
        assert_non_null(t);
        assert_string_equal(t->name, name(v));
    }
    for (; registry[entries]; entries++)
        ;
    assert_int_equal(names, entries);
    assert_true(names >= 2);
}

static void test_async(void **state)
{
    (void)state;
    check(alog_async_transports, alog_readers_name);
    assert_ptr_equal(
        alog_transport_find(alog_async_transports,
                            alog_readers_name(ALOG_READERS_THREADS)),
        &alog_transport_threads);
    assert_ptr_equal(
        alog_transport_find(alog_async_transports,
                            alog_readers_name(ALOG_READERS_URING)),
        &alog_transport_uring);
}

#ifdef ALOG_TEST_MPI
static void test_mpi(void **state)
{
    (void)state;
    check(alog_mpi_transports, alog_mpi_collect_name);
    assert_ptr_equal(alog_mpi_transport_for(ALOG_MPI_COLLECT_BLOCKING),
                     &alog_transport_mpi_blocking);
    assert_ptr_equal(alog_mpi_transport_for(ALOG_MPI_COLLECT_ASYNC),
                     &alog_transport_mpi_async);
    assert_null(alog_mpi_transport_for(99));
}
#endif

#ifdef ALOG_TEST_OMP
static void test_omp(void **state)
{
    (void)state;
    check(alog_omp_transports, alog_omp_collect_name);
    assert_ptr_equal(alog_omp_transport_for(ALOG_OMP_COLLECT_NONE),
                     &alog_transport_omp_none);
    assert_ptr_equal(alog_omp_transport_for(ALOG_OMP_COLLECT_THREAD),
                     &alog_transport_omp_thread);
    assert_null(alog_omp_transport_for(-1));
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async),
#ifdef ALOG_TEST_MPI
        cmocka_unit_test(test_mpi),
#endif
#ifdef ALOG_TEST_OMP
        cmocka_unit_test(test_omp),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
