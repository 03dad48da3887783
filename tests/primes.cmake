# The primes job (label "primes"): the kernel's unit test, then every
# model's answer for the same numbers and ranges against the serial answer
# (tests/run_case.sh --primes), and the bad inputs with their exact messages.
alog_add_unit(test_primes ${CMAKE_CURRENT_SOURCE_DIR}/test_primes.c
              LABELS primes)

# alog_primes_case(name "job args" [STOPPED])
# One ctest per model: async tasks, child processes, OpenMP threads (static
# and dynamic) and MPI ranks (2 static, 3 dynamic), each compared with
# `alog-async primes <job args> -P 1` (the serial answer).  STOPPED: the
# parts that did not find the divisor must say they stopped early.
# PROCESSORS: 1 for tasks on one thread, else the parts that run at once
# (2 processes or threads; with 3 dynamic parts too, as before), the ranks.
function(alog_primes_case name args)
  cmake_parse_arguments(C "STOPPED" "" "" ${ARGN})
  separate_arguments(job UNIX_COMMAND "${args}")
  set(check CHECK --primes $<TARGET_FILE:alog-async> "${args}")
  if(C_STOPPED)
    list(APPEND check --stopped)
  endif()
  set(A $<TARGET_FILE:alog-async>)
  set(csv --format csv)

  alog_add_case(primes_${name}_async LABELS primes async PROCESSORS 1
    TIMEOUT 60 ${check} -- ${A} primes ${job} ${csv})
  alog_add_case(primes_${name}_processes LABELS primes async PROCESSORS 2
    TIMEOUT 60 ${check} -- ${A} primes ${job} -P 2 --processes ${csv})
  alog_add_case(primes_${name}_async_dynamic LABELS primes async PROCESSORS 1
    TIMEOUT 60 ${check} -- ${A} primes ${job} -P 3 --schedule dynamic ${csv})
  alog_add_case(primes_${name}_processes_dynamic LABELS primes async
    PROCESSORS 2 TIMEOUT 60 ${check}
    -- ${A} primes ${job} -P 3 --processes --schedule dynamic ${csv})

  if(ALOG_HAVE_OPENMP)
    set(O $<TARGET_FILE:alog-omp>)
    alog_add_case(primes_${name}_omp LABELS primes omp PROCESSORS 2
      TIMEOUT 60 ${check} -- ${O} primes ${job} -P 2 ${csv})
    alog_add_case(primes_${name}_omp_dynamic LABELS primes omp PROCESSORS 2
      TIMEOUT 60 ${check} -- ${O} primes ${job} -P 3 --schedule dynamic ${csv})
  endif()

  if(ALOG_HAVE_MPI)
    set(M $<TARGET_FILE:alog-mpi>)
    alog_add_case(primes_${name}_mpi2 LABELS primes mpi MPI 2 TIMEOUT 60
      ${check} -- ${M} primes ${job} ${csv})
    alog_add_case(primes_${name}_mpi3 LABELS primes mpi MPI 3 TIMEOUT 60
      ${check} -- ${M} primes ${job} --schedule dynamic ${csv})
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

# Bad input: one line naming the value on stderr, nothing on stdout,
# exit 2.  alog_primes_fail(name message [MPI np] -- command...)
function(alog_primes_fail name message)
  cmake_parse_arguments(F "" "MPI" "" ${ARGN})
  set(run LABELS primes bad PROCESSORS 1)
  if(F_MPI)
    set(run LABELS primes bad mpi MPI ${F_MPI})
  endif()
  alog_add_case(primes_bad_${name} ${run} TIMEOUT 30
    CHECK --exit 2 --stdout-empty --stderr-line "${message}"
    ${F_UNPARSED_ARGUMENTS})
endfunction()

alog_primes_fail(number_text
  "alog-async: --number 'abc': must be an unsigned integer (see --help)"
  -- $<TARGET_FILE:alog-async> primes --number abc)
alog_primes_fail(number_2_64
  "alog-async: --number '18446744073709551616': must be at most 18446744073709551615 (see --help)"
  -- $<TARGET_FILE:alog-async> primes --number 18446744073709551616)
alog_primes_fail(number_negative
  "alog-async: --number '-5': must be at least 0 (see --help)"
  -- $<TARGET_FILE:alog-async> primes --number -5)
alog_primes_fail(range_reversed
  "alog-async: --range '10:5': A must not be above B (see --help)"
  -- $<TARGET_FILE:alog-async> primes --range 10:5)
alog_primes_fail(parts_negative
  "alog-async: --parts '-1': must be at least 1 (see --help)"
  -- $<TARGET_FILE:alog-async> primes -P -1)
alog_primes_fail(parts_zero
  "alog-async: --parts '0': must be at least 1 (see --help)"
  -- $<TARGET_FILE:alog-async> primes -P 0)
alog_primes_fail(parts_divisors
  "alog-async: --parts '5': more parts than the 2 divisors to try (2..3) (see --help)"
  -- $<TARGET_FILE:alog-async> primes --number 10 -P 5)
alog_primes_fail(parts_range
  "alog-async: --parts '4': more parts than the 3 numbers in 10:12 (see --help)"
  -- $<TARGET_FILE:alog-async> primes --range 10:12 -P 4 --processes)
alog_primes_fail(kernel_env
  "alog-async: ALOG_PRIMES_KERNEL 'sieve': must be wheel, odd or div (see --help)"
  -- env ALOG_PRIMES_KERNEL=sieve $<TARGET_FILE:alog-async> primes)
if(ALOG_HAVE_OPENMP)
  alog_primes_fail(parts_omp
    "alog-omp: --parts '3': more parts than the 0 divisors to try for 3 (see --help)"
    -- $<TARGET_FILE:alog-omp> primes --number 3 -P 3)
endif()
if(ALOG_HAVE_MPI)
  alog_primes_fail(parts_mpi
    "alog-mpi: --parts '4': more parts than the 3 numbers in 10:12 (see --help)"
    MPI 2 -- $<TARGET_FILE:alog-mpi> primes --range 10:12 -P 4)
endif()
