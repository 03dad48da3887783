# Unit tests of the shared producer loop and of the MPI model's wire and
# per-producer bookkeeping (built without MPI: wire_mpi.c makes no MPI
# call, so the collector's logic is tested wherever the core builds).
alog_add_unit(test_produce ${CMAKE_CURRENT_SOURCE_DIR}/test_produce.c
              LABELS core)
alog_add_unit(test_mpi_wire ${CMAKE_CURRENT_SOURCE_DIR}/test_mpi_wire.c
              ${PROJECT_SOURCE_DIR}/mpi/wire_mpi.c LABELS mpi)
target_include_directories(test_mpi_wire PRIVATE ${PROJECT_SOURCE_DIR}/mpi)
# The option rows of the MPI and OpenMP models are plain C (no MPI, no
# OpenMP): the option test parses for every program wherever the core
# builds.
target_sources(test_options PRIVATE ${PROJECT_SOURCE_DIR}/mpi/options_mpi.c
               ${PROJECT_SOURCE_DIR}/omp/options_omp.c)
target_include_directories(test_options PRIVATE ${PROJECT_SOURCE_DIR}/mpi
                           ${PROJECT_SOURCE_DIR}/omp)

# Option choices against the transport registries, for every model built.
alog_add_unit(test_registries ${CMAKE_CURRENT_SOURCE_DIR}/test_registries.c
              LABELS core)
if(ALOG_HAVE_MPI)
  target_link_libraries(test_registries PRIVATE alog_mpi)
  target_compile_definitions(test_registries PRIVATE ALOG_TEST_MPI)
endif()
if(ALOG_HAVE_OPENMP)
  target_link_libraries(test_registries PRIVATE alog_omp)
  target_compile_definitions(test_registries PRIVATE ALOG_TEST_OMP)
endif()
