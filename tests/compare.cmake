# scripts/compare, the experiment's driver: its logic as a Python unittest
# on fixtures (tests/test_compare.py: report parsing, the plan, summary,
# sentences, --diff, no gnuplot, every class of bad input), each bad input
# also as its own case (one line, exit 2, nothing written), and one
# --quick run end to end (every plot a PNG, summary medians recomputed
# from runs.csv, --diff of the folder against itself).  Registered only
# where a Python 3 interpreter is found, like scripts.cmake.
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(STATUS "python3 not found: the compare tests are not registered")
  return()
endif()

set(COMPARE ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/compare)
set(COMPARE_ENV "PYTHONDONTWRITEBYTECODE=1" "ALOG_BUILD=${CMAKE_BINARY_DIR}")

add_test(NAME scripts_compare
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/test_compare.py)
set_tests_properties(scripts_compare PROPERTIES
  LABELS "unit;scripts" PROCESSORS 1 TIMEOUT 120
  ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")

# Bad input: rejected before anything runs or is written (@TMP@ stays
# empty although --out points into it).
set(see " (see --help)")
alog_add_case(compare_bad_part LABELS scripts bad PROCESSORS 1 ENV ${COMPARE_ENV}
  CHECK --exit 2 --tmp-empty --stdout-empty --stderr-line
  "compare: --parts 'disk': unknown (use io, throughput, primes, crossover)${see}"
  -- ${COMPARE} --parts disk --out @TMP@/res)
alog_add_case(compare_bad_model LABELS scripts bad PROCESSORS 1 ENV ${COMPARE_ENV}
  CHECK --exit 2 --tmp-empty --stdout-empty --stderr-line
  "compare: --models 'gpu': unknown model (use async, python, omp, mpi, serial or one of async-epoll, async-threads, py-threads, py-asyncio, omp-none, omp-thread, mpi-async, mpi-blocking, mpi-batched, serial, async-tasks, processes, omp-threads, mpi-ranks)${see}"
  -- ${COMPARE} --models omp,gpu --out @TMP@/res)
alog_add_case(compare_bad_empty_list LABELS scripts bad PROCESSORS 1 ENV ${COMPARE_ENV}
  CHECK --exit 2 --tmp-empty --stdout-empty --stderr-line
  "compare: --n '': not a comma list of whole numbers from 1 to 1024${see}"
  -- ${COMPARE} --n= --out @TMP@/res)
alog_add_case(compare_bad_list_number LABELS scripts bad PROCESSORS 1 ENV ${COMPARE_ENV}
  CHECK --exit 2 --tmp-empty --stdout-empty --stderr-line
  "compare: --n '1,x': not a comma list of whole numbers from 1 to 1024${see}"
  -- ${COMPARE} --n 1,x --out @TMP@/res)
alog_add_case(compare_bad_reps LABELS scripts bad PROCESSORS 1 ENV ${COMPARE_ENV}
  CHECK --exit 2 --tmp-empty --stdout-empty --stderr-line
  "compare: --reps '0': must be at least 3 (the statistics need 3 repetitions)${see}"
  -- ${COMPARE} --reps 0 --out @TMP@/res)
alog_add_case(compare_bad_hostfile LABELS scripts bad PROCESSORS 1 ENV ${COMPARE_ENV}
  CHECK --exit 2 --tmp-empty --stdout-empty --stderr-line
  "compare: --hostfile '/nonexistent/hosts': no such file${see}"
  -- ${COMPARE} --hostfile /nonexistent/hosts --out @TMP@/res)
alog_add_case(compare_bad_diff LABELS scripts bad PROCESSORS 1 ENV ${COMPARE_ENV}
  CHECK --exit 2 --tmp-empty --stdout-empty --stderr-line
  "compare: --diff '${CMAKE_CURRENT_SOURCE_DIR}': not a results folder of scripts/compare (no runs.csv)${see}"
  -- ${COMPARE} --diff ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}
  --out @TMP@/diff.md)

# One --quick run (what CI runs; about a minute on 2 cores, more on a
# loaded machine: nothing asserts a time).  Not in sanitizer builds: the
# figures of an instrumented build mean nothing, and it would take long.
if(NOT ALOG_SANITIZE)
  alog_add_case(compare_quick LABELS scripts PROCESSORS 2 TIMEOUT 400
    ENV ${COMPARE_ENV} "COMPARE_BUILD=${CMAKE_BINARY_DIR}"
    -- ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/test_compare.py QuickRun)
endif()
