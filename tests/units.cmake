# Unit tests of the shared producer loop and of the MPI model's wire and
# per-producer bookkeeping (built without MPI: wire_mpi.c makes no MPI
# call, so the collector's logic is tested wherever the core builds).
alog_add_unit(test_produce ${CMAKE_CURRENT_SOURCE_DIR}/test_produce.c
              LABELS core)
alog_add_unit(test_mpi_wire ${CMAKE_CURRENT_SOURCE_DIR}/test_mpi_wire.c
              ${PROJECT_SOURCE_DIR}/mpi/wire_mpi.c LABELS mpi)
target_include_directories(test_mpi_wire PRIVATE ${PROJECT_SOURCE_DIR}/mpi)
