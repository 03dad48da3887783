# Sanitizer options of every test (ALOG_SANITIZE set): halt on the first
# report, and suppress what Open MPI, hwloc, libevent and libgomp do inside
# themselves (they are not built with the sanitizer).  Only their frames are
# named in the files next to this one, never alog's.
#   ALOG_SANITIZE_ENV      environment of unit and non-MPI cases
#   ALOG_SANITIZE_MPI_ENV  the same for MPI cases, plus Open MPI's needs
set(ALOG_SANITIZE_ENV)
set(ALOG_SANITIZE_MPI_ENV)
set(dir ${CMAKE_CURRENT_LIST_DIR})
# Open MPI's components stay loaded at exit, so that the frames of their
# leaks and races still have a module name for the suppressions to match.
set(keep_mca OMPI_MCA_mca_base_component_disable_dlclose=1)
if(ALOG_SANITIZE STREQUAL "address")
  set(lsan "LSAN_OPTIONS=suppressions=${dir}/lsan.supp:print_suppressions=0")
  set(ALOG_SANITIZE_ENV "ASAN_OPTIONS=detect_leaks=1" ${lsan})
  # libmpi has no frame pointers: unwind malloc stacks fully, or its leaks
  # show no libmpi frame to be matched.
  set(ALOG_SANITIZE_MPI_ENV "ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0"
      ${lsan} ${keep_mca})
elseif(ALOG_SANITIZE STREQUAL "thread")
  set(ALOG_SANITIZE_ENV
      "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=${dir}/tsan.supp")
  set(ALOG_SANITIZE_MPI_ENV ${ALOG_SANITIZE_ENV} ${keep_mca})
elseif(ALOG_SANITIZE STREQUAL "undefined")
  set(ALOG_SANITIZE_ENV "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  set(ALOG_SANITIZE_MPI_ENV ${ALOG_SANITIZE_ENV})
endif()
