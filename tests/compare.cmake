# scripts/compare, the experiment's driver (the package scripts/alogexp/):
# its logic as a Python unittest on fixtures and fake programs
# (tests/test_compare.py: the report reader, the plan and presets, the
# adaptive stop rule, the keep-up decision and the bisection on a
# synthetic model, the summary and its warnings, --diff's order and its
# parameter warnings, failed runs -> exit 1 with their list, every bad
# option), each class of bad input also as its own case (one line, exit
# 2, nothing written), and one --quick run end to end (what CI runs).
# Registered only where a Python 3 interpreter is found, like
# scripts.cmake.
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
  LABELS "unit;scripts" PROCESSORS 1 TIMEOUT 180
  ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")

# Bad input: rejected before anything runs or is written (@TMP@ stays
# empty although --out points into it).
set(see " (see --help)")
set(models "async-epoll, async-uring, async-threads, omp-none, omp-thread, mpi-async, mpi-blocking, mpi-batched, py-threads, py-asyncio, pyc-threads, pyc-asyncio, serial, async-tasks, processes, omp-threads, mpi-ranks, py-serial, py-tasks")
foreach(case
    "bad_part|--parts disk|compare: --parts 'disk': unknown (use io, throughput, primes, crossover)"
    "bad_model|--models omp,gpu|compare: --models 'gpu': unknown model (use async, python, omp, mpi, serial or one of ${models})"
    "bad_empty_list|--n=|compare: --n '': not a comma list of whole numbers from 1 to 4096"
    "bad_list_number|--n 1,x|compare: --n '1,x': not a comma list of whole numbers from 1 to 4096"
    "bad_reps|--reps 0|compare: --reps '0': must be at least 3"
    "bad_reps_with_min|--reps 3 --min-reps 3|compare: --min-reps: not with --reps"
    "bad_max_below_min|--min-reps 6 --max-reps 4|compare: --max-reps '4': below --min-reps 6"
    "bad_ci_target|--ci-target 1.5|compare: --ci-target '1.5': not a fraction between 0 and 1"
    "bad_budget|--budget -1|compare: --budget '-1': not a number >= 0"
    "bad_phase|--phase burst|compare: --phase 'burst': use spread or aligned"
    "bad_batch|--batch 0|compare: --batch '0': not a comma list of whole numbers from 1 to 65536"
    "bad_duration|--duration 0|compare: --duration '0': not a number > 0"
    "bad_missing_value|--rate|compare: --rate: needs HZ"
    "bad_option|--bogus|compare: unknown option '--bogus'"
    "bad_hostfile|--hostfile /nonexistent/hosts|compare: --hostfile '/nonexistent/hosts': no such file")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 name)
  list(GET parts 1 args)
  list(GET parts 2 line)
  separate_arguments(args)
  alog_add_case(compare_${name} LABELS scripts bad PROCESSORS 1
    ENV ${COMPARE_ENV}
    CHECK --exit 2 --tmp-empty --stdout-empty --stderr-line "${line}${see}"
    -- ${COMPARE} ${args} --out @TMP@/res)
endforeach()
alog_add_case(compare_bad_diff LABELS scripts bad PROCESSORS 1 ENV ${COMPARE_ENV}
  CHECK --exit 2 --tmp-empty --stdout-empty --stderr-line
  "compare: --diff '${CMAKE_CURRENT_SOURCE_DIR}': not a results folder of scripts/compare (no runs.csv)${see}"
  -- ${COMPARE} --diff ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}
  --out @TMP@/diff.md)
alog_add_case(compare_bad_report_option LABELS scripts bad PROCESSORS 1
  ENV ${COMPARE_ENV}
  CHECK --exit 2 --tmp-empty --stdout-empty --stderr-line
  "compare: --quick: not with --report${see}"
  -- ${COMPARE} --report @TMP@ --quick)

# One --quick run (what CI runs; about 75 s on 2 cores, more on a loaded
# machine: nothing asserts a time, the test prints what it took).  Not in
# sanitizer builds: the figures of an instrumented build mean nothing,
# and it would take long.
if(NOT ALOG_SANITIZE)
  alog_add_case(compare_quick LABELS scripts PROCESSORS 2 TIMEOUT 400
    ENV ${COMPARE_ENV} "COMPARE_BUILD=${CMAKE_BINARY_DIR}"
    -- ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/test_compare.py QuickRun)
endif()
