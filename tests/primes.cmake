# The primes job (helper "primes"): the kernel's unit test, then every
# model's answer for the same numbers and ranges against the serial answer
# (tests/primes_case.sh), and the bad inputs with their exact messages.
alog_add_unit(test_primes ${CMAKE_CURRENT_SOURCE_DIR}/test_primes.c
              LABELS primes)

set(ALOG_PRIMES_CASE ${CMAKE_CURRENT_SOURCE_DIR}/primes_case.sh)
# -q: no mpirun banner on a failing run, so stderr is the program's line;
# yield_when_idle: ranks waiting in MPI give the CPU back (oversubscribed).
set(ALOG_PRIMES_MPIRUN ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG})
set(ALOG_PRIMES_MPIFLAGS ${MPIEXEC_PREFLAGS} --oversubscribe -q
    --mca mpi_yield_when_idle 1)
# mpi.cmake's environment (Open MPI's own leaks and races suppressed under
# the sanitizers) when it is there, else the plain root/oversubscribe one.
if(DEFINED ALOG_MPI_TEST_ENV)
  set(ALOG_PRIMES_MPIENV "${ALOG_MPI_TEST_ENV}")
else()
  set(ALOG_PRIMES_MPIENV "${ALOG_TEST_ENV}")
endif()

# alog_primes_case(name "job args" [STOPPED])
# One ctest per model: async tasks, child processes, OpenMP threads (static
# and dynamic) and MPI ranks (2 static, 3 dynamic), each compared with
# `alog-async primes <job args> -P 1` (the serial answer).  STOPPED: the
# parts that did not find the divisor must say they stopped early.
function(alog_primes_case name args)
  cmake_parse_arguments(C "STOPPED" "" "" ${ARGN})
  separate_arguments(job UNIX_COMMAND "${args}")
  set(stop "")
  if(C_STOPPED)
    set(stop --stopped)
  endif()
  set(check bash ${ALOG_PRIMES_CASE} answer $<TARGET_FILE:alog-async> "${args}"
      ${stop} --)
  set(csv --format csv)

  add_test(NAME primes_${name}_async
           COMMAND ${check} $<TARGET_FILE:alog-async> primes ${job} ${csv})
  set_tests_properties(primes_${name}_async PROPERTIES
                       TIMEOUT 60 LABELS "primes;async")
  add_test(NAME primes_${name}_processes
           COMMAND ${check} $<TARGET_FILE:alog-async> primes ${job} -P 2
                   --processes ${csv})
  set_tests_properties(primes_${name}_processes PROPERTIES
                       TIMEOUT 60 PROCESSORS 2 LABELS "primes;async")
  add_test(NAME primes_${name}_async_dynamic
           COMMAND ${check} $<TARGET_FILE:alog-async> primes ${job} -P 3
                   --schedule dynamic ${csv})
  set_tests_properties(primes_${name}_async_dynamic PROPERTIES
                       TIMEOUT 60 LABELS "primes;async")
  add_test(NAME primes_${name}_processes_dynamic
           COMMAND ${check} $<TARGET_FILE:alog-async> primes ${job} -P 3
                   --processes --schedule dynamic ${csv})
  set_tests_properties(primes_${name}_processes_dynamic PROPERTIES
                       TIMEOUT 60 PROCESSORS 2 LABELS "primes;async")

  if(ALOG_HAVE_OPENMP)
    add_test(NAME primes_${name}_omp
             COMMAND ${check} $<TARGET_FILE:alog-omp> primes ${job} -P 2 ${csv})
    add_test(NAME primes_${name}_omp_dynamic
             COMMAND ${check} $<TARGET_FILE:alog-omp> primes ${job} -P 3
                     --schedule dynamic ${csv})
    set_tests_properties(primes_${name}_omp primes_${name}_omp_dynamic
                         PROPERTIES TIMEOUT 60 PROCESSORS 2
                         LABELS "primes;omp")
  endif()

  if(ALOG_HAVE_MPI)
    add_test(NAME primes_${name}_mpi2
             COMMAND ${check} ${ALOG_PRIMES_MPIRUN} 2 ${ALOG_PRIMES_MPIFLAGS}
                     $<TARGET_FILE:alog-mpi> primes ${job}
                     ${csv})
    set_tests_properties(primes_${name}_mpi2 PROPERTIES
                         TIMEOUT 60 PROCESSORS 2 LABELS "primes;mpi"
                         ENVIRONMENT "${ALOG_PRIMES_MPIENV}")
    add_test(NAME primes_${name}_mpi3
             COMMAND ${check} ${ALOG_PRIMES_MPIRUN} 3 ${ALOG_PRIMES_MPIFLAGS}
                     $<TARGET_FILE:alog-mpi> primes ${job}
                     --schedule dynamic ${csv})
    set_tests_properties(primes_${name}_mpi3 PROPERTIES
                         TIMEOUT 60 PROCESSORS 3 LABELS "primes;mpi"
                         ENVIRONMENT "${ALOG_PRIMES_MPIENV}")
  endif()
endfunction()

# Numbers: the original's (the default, prime), 2^31-1 (prime), a
# composite with a small factor and 4.3e9 divisors to try (every other part
# must stop), composites whose smallest factor is near the square root.
alog_primes_case(default "--schedule static") # the default number
alog_primes_case(mersenne31 "--number 2147483647")
alog_primes_case(small_factor "--number 18446744073709551597" STOPPED)
alog_primes_case(near_root "--number 1000036000099")
alog_primes_case(near_root8 "--number 100000980001501")
alog_primes_case(square "--number 4293001441")
# Ranges: uneven work per number, so both schedules.
alog_primes_case(range_small "--range 1:100000")
alog_primes_case(range_million "--range 999001:1000000")
alog_primes_case(range_2_32 "--range 4294967000:4294967400")

# Bad input: one line naming the value, exit 2.
function(alog_primes_fail name message)
  add_test(NAME primes_bad_${name}
           COMMAND bash ${ALOG_PRIMES_CASE} fail 2 "${message}" -- ${ARGN})
  set_tests_properties(primes_bad_${name} PROPERTIES TIMEOUT 30
                       LABELS "primes;bad")
endfunction()

alog_primes_fail(number_text
  "alog-async: --number 'abc': must be an unsigned integer (see --help)"
  $<TARGET_FILE:alog-async> primes --number abc)
alog_primes_fail(number_2_64
  "alog-async: --number '18446744073709551616': must be at most 18446744073709551615 (see --help)"
  $<TARGET_FILE:alog-async> primes --number 18446744073709551616)
alog_primes_fail(number_negative
  "alog-async: --number '-5': must be at least 0 (see --help)"
  $<TARGET_FILE:alog-async> primes --number -5)
alog_primes_fail(range_reversed
  "alog-async: --range '10:5': A must not be above B (see --help)"
  $<TARGET_FILE:alog-async> primes --range 10:5)
alog_primes_fail(parts_negative
  "alog-async: --parts '-1': must be at least 1 (see --help)"
  $<TARGET_FILE:alog-async> primes -P -1)
alog_primes_fail(parts_zero
  "alog-async: --parts '0': must be at least 1 (see --help)"
  $<TARGET_FILE:alog-async> primes -P 0)
alog_primes_fail(parts_divisors
  "alog-async: --parts '5': more parts than the 2 divisors to try (2..3) (see --help)"
  $<TARGET_FILE:alog-async> primes --number 10 -P 5)
alog_primes_fail(parts_range
  "alog-async: --parts '4': more parts than the 3 numbers in 10:12 (see --help)"
  $<TARGET_FILE:alog-async> primes --range 10:12 -P 4 --processes)
alog_primes_fail(kernel_env
  "alog-async: ALOG_PRIMES_KERNEL 'sieve': must be wheel, odd or div (see --help)"
  env ALOG_PRIMES_KERNEL=sieve $<TARGET_FILE:alog-async> primes)
if(ALOG_HAVE_OPENMP)
  alog_primes_fail(parts_omp
    "alog-omp: --parts '3': more parts than the 0 divisors to try for 3 (see --help)"
    $<TARGET_FILE:alog-omp> primes --number 3 -P 3)
endif()
if(ALOG_HAVE_MPI)
  alog_primes_fail(parts_mpi
    "alog-mpi: --parts '4': more parts than the 3 numbers in 10:12 (see --help)"
    ${ALOG_PRIMES_MPIRUN} 2 ${ALOG_PRIMES_MPIFLAGS}
    $<TARGET_FILE:alog-mpi> primes --range 10:12 -P 4)
  set_tests_properties(primes_bad_parts_mpi PROPERTIES PROCESSORS 2
                       ENVIRONMENT "${ALOG_PRIMES_MPIENV}")
endif()
