# alog-mpi on simulated clusters (SimGrid's SMPI, doc/scale.md): the same
# tree built a second time with smpicc into <build>/smpi, the MPI model
# only (alog-mpi and the plain-MPI reference alog-ref-mpi).  Every rank of
# a simulated run is a thread of one process and time is the simulation's;
# ALOG_SMPI adapts what smpicc does not map (the absolute-time sleep, the
# TSC, MPI_T): src/pace.c, src/clock.c, mpi/eager_mpi.c, mpi/env_mpi.c.
#
# ALOG_SMPI: AUTO (the default) builds it where smpicc is found, ON fails
# at configure time without it, OFF never builds it.  The inner build is
# configured with ALOG_SMPI_INNER (no tests, no OpenMP, no io_uring).

if(ALOG_SMPI_INNER)
  # We are the inner build; smpicc is the compiler and MPI wrapper both.
  add_compile_definitions(ALOG_SMPI
    # A simulated send needs no warm caches: no spin before a deadline
    # (each clock read in a spin is a context switch of the simulation).
    ALOG_MPI_WARM_NS=0)
  # smpicc compiles with SimGrid's headers and links against it; FindMPI
  # would look for Open MPI's wrappers instead.
  set(MPI_C_FOUND TRUE)
  add_library(MPI::MPI_C INTERFACE IMPORTED)
  return()
endif()

# AUTO leaves out the builds that test something else (sanitizers, fuzzing).
if(ALOG_SMPI STREQUAL "AUTO" AND (ALOG_SANITIZE OR ALOG_FUZZ))
  set(ALOG_SMPI OFF)
  return()
endif()
find_program(ALOG_SMPICC smpicc)
find_program(ALOG_SMPIRUN smpirun)
if(NOT ALOG_SMPICC OR NOT ALOG_SMPIRUN)
  if(ALOG_SMPI STREQUAL "AUTO")
    message(STATUS "smpicc not found: no simulated alog-mpi (apt-get install libsimgrid-dev)")
    set(ALOG_SMPI OFF)
    return()
  endif()
  message(FATAL_ERROR "ALOG_SMPI=ON: smpicc not found: apt-get install libsimgrid-dev")
endif()

include(ExternalProject)
set(ALOG_SMPI_DIR ${CMAKE_BINARY_DIR}/smpi)
ExternalProject_Add(alog_smpi
  SOURCE_DIR ${PROJECT_SOURCE_DIR}
  BINARY_DIR ${ALOG_SMPI_DIR}
  CMAKE_ARGS -DCMAKE_C_COMPILER=${ALOG_SMPICC} -DALOG_SMPI_INNER=ON
             -DALOG_SMPI=OFF -DALOG_TESTS=OFF -DALOG_WITH_OPENMP=OFF
             -DALOG_WITH_URING=OFF -DALOG_DOCS=OFF -DALOG_SANITIZE=
             -DCMAKE_BUILD_TYPE=Release
  BUILD_COMMAND ${CMAKE_COMMAND} --build ${ALOG_SMPI_DIR} --parallel 2
                --target alog-mpi alog-ref-mpi
  INSTALL_COMMAND ""
  BUILD_ALWAYS ON # the sources are ours: rebuild whenever they change
  EXCLUDE_FROM_ALL OFF)
set(ALOG_SMPI ON)
set(ALOG_SMPI_MPI ${ALOG_SMPI_DIR}/mpi/alog-mpi)
message(STATUS "SMPI: simulated alog-mpi in ${ALOG_SMPI_DIR} (smpicc ${ALOG_SMPICC})")
