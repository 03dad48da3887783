# Fuzzing (tests/fuzz/, helper "fuzz").  Every target is replayed over its
# seed corpus (tests/fuzz/corpus/<target>/) in every build, by a plain main
# (replay.c), as a ctest with label fuzz; with -DALOG_FUZZ=ON and clang the
# libFuzzer targets themselves are built (fuzz_<target>), which .ci/fuzz
# runs for a bounded time from a copy of the seed corpus.
set(ALOG_FUZZ_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
set(ALOG_FUZZ_TARGETS decoder foreign options)
# The option target parses for every program: the MPI and OpenMP rows are
# plain C, as in test_options.
set(ALOG_FUZZ_options_SOURCES ${PROJECT_SOURCE_DIR}/mpi/options_mpi.c
    ${PROJECT_SOURCE_DIR}/omp/options_omp.c)
set(ALOG_FUZZ_INCLUDES ${ALOG_FUZZ_DIR} ${PROJECT_SOURCE_DIR}/mpi
    ${PROJECT_SOURCE_DIR}/omp)

foreach(t ${ALOG_FUZZ_TARGETS})
  add_executable(fuzz_replay_${t} ${ALOG_FUZZ_DIR}/fuzz_${t}.c
                 ${ALOG_FUZZ_DIR}/replay.c ${ALOG_FUZZ_${t}_SOURCES})
  target_include_directories(fuzz_replay_${t} PRIVATE ${ALOG_FUZZ_INCLUDES})
  target_link_libraries(fuzz_replay_${t} PRIVATE alog_core)
  add_test(NAME fuzz_replay_${t}
           COMMAND fuzz_replay_${t} ${ALOG_FUZZ_DIR}/corpus/${t})
  set_tests_properties(fuzz_replay_${t} PROPERTIES
    TIMEOUT 120 PROCESSORS 1 LABELS "fuzz;faults"
    ENVIRONMENT "${ALOG_SANITIZE_ENV}")
endforeach()

option(ALOG_FUZZ "Build the libFuzzer targets tests/fuzz (clang only)" OFF)
if(ALOG_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ALOG_FUZZ needs clang (libFuzzer): CC=clang cmake "
                        "-B build-fuzz -DALOG_FUZZ=ON")
  endif()
  if(ALOG_SANITIZE)
    message(FATAL_ERROR "ALOG_FUZZ brings its own sanitizers: leave ALOG_SANITIZE empty")
  endif()
  # The core again, instrumented for coverage and checked by ASan/UBSan.
  set(fuzz_flags -fsanitize=fuzzer-no-link,address,undefined
      -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_library(alog_core_fuzz STATIC ${ALOG_CORE_SOURCES})
  target_include_directories(alog_core_fuzz PUBLIC ${PROJECT_SOURCE_DIR}/src
                             ${PROJECT_SOURCE_DIR}/src/primes
                             ${PROJECT_SOURCE_DIR}/src/async)
  target_compile_options(alog_core_fuzz PRIVATE ${fuzz_flags})
  target_compile_definitions(alog_core_fuzz PRIVATE ALOG_BUILD_TYPE="fuzz")
  target_link_libraries(alog_core_fuzz PUBLIC Threads::Threads m)
  foreach(t ${ALOG_FUZZ_TARGETS})
    add_executable(fuzz_${t} ${ALOG_FUZZ_DIR}/fuzz_${t}.c
                   ${ALOG_FUZZ_${t}_SOURCES})
    target_include_directories(fuzz_${t} PRIVATE ${ALOG_FUZZ_INCLUDES})
    target_compile_options(fuzz_${t} PRIVATE
      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
    target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(fuzz_${t} PRIVATE alog_core_fuzz)
  endforeach()
endif()
