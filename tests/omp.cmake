# The OpenMP model (helper "omp"): the SPSC ring as a unit test, then
# alog-omp end to end, each case one ctest through tests/run_case.sh with
# its output verified by alog-check.
if(ALOG_HAVE_OPENMP)
  alog_add_unit(test_ring ${CMAKE_CURRENT_SOURCE_DIR}/test_ring.c
                WRAP aligned_alloc LIBS alog_omp LABELS omp)

  # alog_omp_case(name [TIMEOUT s] [ENV VAR=value]... run_case-options...
  #               -- command...)
  function(alog_omp_case name)
    set(timeout 30)
    set(env "ALOG_CHECK=$<TARGET_FILE:alog-check>")
    set(rest ${ARGN})
    list(LENGTH rest len)
    while(len GREATER 1)
      list(GET rest 0 key)
      list(GET rest 1 value)
      if(key STREQUAL "ENV")
        list(APPEND env "${value}")
      elseif(key STREQUAL "TIMEOUT")
        set(timeout ${value})
      else()
        break()
      endif()
      list(REMOVE_AT rest 0 1)
      list(LENGTH rest len)
    endwhile()
    add_test(NAME omp_${name}
             COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_case.sh ${rest})
    set_tests_properties(omp_${name} PROPERTIES
      TIMEOUT ${timeout}
      LABELS "integration;omp"
      ENVIRONMENT "${env}")
  endfunction()

  set(O $<TARGET_FILE:alog-omp>)
  # Cores OpenMP will see, to know when a run is oversubscribed.
  cmake_host_system_information(RESULT ALOG_OMP_CORES
                                QUERY NUMBER_OF_LOGICAL_CORES)
  math(EXPR ALOG_OMP_OVER "${ALOG_OMP_CORES} + 1")

  foreach(mode none thread)
    foreach(n 1 2 4)
      # Unthrottled: exact counts, seq 0..C-1, merged order.
      alog_omp_case(${mode}_${n}_flood
        -k "--producers ${n} --count 10000" -g "# threads_granted=${n}=1"
        -g "# transport=${mode}=1" --
        ${O} --collect ${mode} -n ${n} --interval 0 --count 10000
        --payload 64 --format csv --timeline)
      # Paced at 500 Hz, 50 records each (0.1 s).
      alog_omp_case(${mode}_${n}_paced
        -k "--producers ${n} --count 50" --
        ${O} --collect ${mode} -n ${n} --interval 0.002 --count 50
        --format csv --timeline)
      # The last producer stops after 300 of 1000: short, exit 3, and
      # every record it made is in the report.
      math(EXPR last "${n} - 1")
      alog_omp_case(${mode}_${n}_fail_after -x 3
        -k "--producers ${n} --count 1000 --short ${last}:300" --
        ${O} --collect ${mode} -n ${n} --interval 0.0001 --count 1000
        --fail-after 300 --format csv --timeline)
      # SIGINT: exit 130 with the report of what was collected.  Producers
      # asleep until a deadline a minute away are woken, not waited for
      # (the TIMEOUT is well under a minute).  2 s before the signal leave
      # a slow start (ThreadSanitizer, a busy machine) time for record 0.
      alog_omp_case(${mode}_${n}_sigint -i 2 -x 130
        -k "--producers ${n} --status stopped --interrupted --min 1" --
        ${O} --collect ${mode} -n ${n} --interval 0.01,60 --count 100000
        --format csv --timeline)
    endforeach()
    # By duration: record k is made when its deadline falls inside 0.3 s,
    # so 30 each (the expected column is 0: no count was asked).
    alog_omp_case(${mode}_duration
      -k "--producers 2" -g "producer,0,ok,0,30,0,=1"
      -g "producer,1,ok,0,30,0,=1" --
      ${O} --collect ${mode} -n 2 --interval 0.01 --duration 0.3
      --format csv --timeline)
    # Unthrottled by duration: both end ok (too many records to list).
    alog_omp_case(${mode}_duration_flood
      -g "producer,0,ok,0,=1" -g "producer,1,ok,0,=1" -g "total,=1" --
      ${O} --collect ${mode} -n 2 --interval 0 --duration 0.2
      --format csv --quiet)
  endforeach()

  # A ring of 4 records under a flood: back-pressure counted, nothing lost.
  alog_omp_case(thread_tiny_ring
    -k "--producers 2 --count 20000" -g "# ring=4=1" --
    ${O} --collect thread -n 2 --interval 0 --count 20000 --ring 3
    --format csv --timeline)

  # Producers from OMP_NUM_THREADS, unless -n says otherwise.
  alog_omp_case(env_threads ENV OMP_NUM_THREADS=3
    -k "--producers 3 --count 20" -g "# threads_asked=3=1" --
    ${O} --interval 0.001 --count 20 --format csv --timeline)
  alog_omp_case(env_threads_n_wins ENV OMP_NUM_THREADS=3
    -k "--producers 2 --count 20" -g "# threads_asked=2=1" --
    ${O} -n 2 --interval 0.001 --count 20 --format csv --timeline)
  # Fewer threads granted than asked: the rest are short, not dropped.
  alog_omp_case(threads_not_granted ENV OMP_THREAD_LIMIT=2 -x 3
    -k "--producers 4 --count 20 --short 2:0 --short 3:0"
    -g "# threads_asked=4=1" -g "# threads_granted=2=1"
    -g "no OpenMP thread granted=2" --
    ${O} --collect none -n 4 --interval 0.001 --count 20 --format csv
    --timeline)
  # The environment report: binding, places, CPU per thread,
  # oversubscription (more threads than cores) with its warning.
  alog_omp_case(env_binding ENV OMP_PROC_BIND=close ENV OMP_PLACES=cores
    -k "--producers 2 --count 5" -g "# omp_proc_bind=close (close)=1"
    -g "# omp_places=cores (=1" -g "# openmp==1" -g ",omp thread 0/2 cpu =1"
    -g ",omp thread 1/2 cpu =1" --
    ${O} --collect none -n 2 --interval 0.001 --count 5 --format csv)
  alog_omp_case(env_oversubscribed
    -k "--producers ${ALOG_OMP_OVER} --count 5"
    -g "# oversubscribed=yes=1" -g "# warning=${ALOG_OMP_OVER} threads on=1"
    -e "alog-omp: warning: ${ALOG_OMP_OVER} threads on ${ALOG_OMP_CORES} cores: threads wait for a core, so rates and latencies include scheduling delays"
    --
    ${O} --collect none -n ${ALOG_OMP_OVER} --interval 0.001 --count 5
    --format csv)
  alog_omp_case(env_not_oversubscribed
    -k "--producers 1 --count 5" -g "# oversubscribed=no=1" -g "warning=0"
    -E --
    ${O} --collect none -n 1 --interval 0.001 --count 5 --format csv)
  # The table report of the thread mode names its counters.
  alog_omp_case(table_counters -g "ring_full=1" -g "ring_capacity=1"
    -g "== report ==1" --
    ${O} --collect thread -n 2 --interval 0.001 --count 5 --ring 64)

  # Bad input: one line naming the value, exit 2.
  alog_omp_case(bad_count -x 2 -z
    -e "alog-omp: --count '0': must be at least 1 (see --help)" --
    ${O} --count 0)
  alog_omp_case(bad_option -x 2 -z
    -e "alog-omp: unknown option '--frob' (see --help)" -- ${O} --frob)
  alog_omp_case(bad_env_abc ENV OMP_NUM_THREADS=abc -x 2 -z
    -e "alog-omp: OMP_NUM_THREADS 'abc': not a number (see --help)" --
    ${O} --count 1)
  alog_omp_case(bad_env_list ENV OMP_NUM_THREADS=4,2 -x 2 -z
    -e "alog-omp: OMP_NUM_THREADS '4,2': not a number (see --help)" --
    ${O} -n 2 --count 1)
  alog_omp_case(bad_env_zero ENV OMP_NUM_THREADS=0 -x 2 -z
    -e "alog-omp: OMP_NUM_THREADS '0': must be at least 1 (see --help)" --
    ${O} --count 1)
  alog_omp_case(bad_env_big ENV OMP_NUM_THREADS=99999999999 -x 2 -z
    -e "alog-omp: OMP_NUM_THREADS '99999999999': must be at most 65536 (see --help)" --
    ${O} --count 1)
endif()
