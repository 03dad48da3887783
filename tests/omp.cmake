# The OpenMP model (label "omp"): the SPSC ring as a unit test, then
# alog-omp end to end, each case one ctest through tests/run_case.sh with
# its output verified by alog-check.
if(ALOG_HAVE_OPENMP)
  alog_add_unit(test_ring ${CMAKE_CURRENT_SOURCE_DIR}/test_ring.c
                WRAP aligned_alloc LIBS alog_omp LABELS omp)

  set(O $<TARGET_FILE:alog-omp>)

  # PROCESSORS: the producer threads, and the collector thread in thread
  # mode (the caller's own thread, not one of the OpenMP team).
  foreach(mode none thread)
    set(collector 0)
    if(mode STREQUAL "thread")
      set(collector 1)
    endif()
    math(EXPR procs2 "2 + ${collector}")
    foreach(n 1 2 4)
      math(EXPR procs "${n} + ${collector}")
      # Unthrottled: exact counts, seq 0..C-1, merged order.
      alog_add_case(omp_${mode}_${n}_flood LABELS omp PROCESSORS ${procs}
        CHECK --check "--producers ${n} --count 10000" --lines "# threads_granted=${n}=1"
        --lines "# transport=${mode}=1" --
        ${O} --collect ${mode} -n ${n} --interval 0 --count 10000
        --payload 64 --format csv --timeline)
      # Paced at 500 Hz, 50 records each (0.1 s).
      alog_add_case(omp_${mode}_${n}_paced LABELS omp PROCESSORS ${procs}
        CHECK --check "--producers ${n} --count 50" --
        ${O} --collect ${mode} -n ${n} --interval 0.002 --count 50
        --format csv --timeline)
      # The last producer stops after 300 of 1000: short, exit 3, and
      # every record it made is in the report.
      math(EXPR last "${n} - 1")
      alog_add_case(omp_${mode}_${n}_fail_after LABELS omp PROCESSORS ${procs}
        CHECK --exit 3
        --check "--producers ${n} --count 1000 --short ${last}:300" --
        ${O} --collect ${mode} -n ${n} --interval 0.0001 --count 1000
        --fail-after 300 --format csv --timeline)
      # SIGINT: exit 130 with the report of what was collected.  Producers
      # asleep until a deadline a minute away are woken, not waited for
      # (the TIMEOUT is well under a minute).  2 s before the signal leave
      # a slow start (ThreadSanitizer, a busy machine) time for record 0.
      alog_add_case(omp_${mode}_${n}_sigint LABELS omp PROCESSORS ${procs}
        CHECK --sigint 2 --exit 130
        --check "--producers ${n} --status stopped --interrupted --min 1" --
        ${O} --collect ${mode} -n ${n} --interval 0.01,60 --count 100000
        --phase aligned --format csv --timeline)
    endforeach()
    # By duration: record k is made when its deadline falls inside 0.3 s
    # (from the producer's own first due time), so 30 each, and the
    # schedule's count is expected of each, none lost.
    alog_add_case(omp_${mode}_duration LABELS omp PROCESSORS ${procs2}
      CHECK --check "--producers 2" --lines "producer,0,ok,0,30,30,0,=1"
      --lines "producer,1,ok,0,30,30,0,=1" --
      ${O} --collect ${mode} -n 2 --interval 0.01 --duration 0.3
      --format csv --timeline)
    # Unthrottled by duration: both end ok (too many records to list).
    alog_add_case(omp_${mode}_duration_flood LABELS omp PROCESSORS ${procs2}
      CHECK --lines "producer,0,ok,0,=1" --lines "producer,1,ok,0,=1" --lines "total,=1" --
      ${O} --collect ${mode} -n 2 --interval 0 --duration 0.2
      --format csv --quiet)
  endforeach()

  # A ring of 4 records under a flood: back-pressure counted, nothing lost.
  alog_add_case(omp_thread_tiny_ring LABELS omp PROCESSORS 3
    CHECK --check "--producers 2 --count 20000" --lines "# ring=4=1" --
    ${O} --collect thread -n 2 --interval 0 --count 20000 --ring 3
    --format csv --timeline)

  # Producers from OMP_NUM_THREADS, unless -n says otherwise.
  alog_add_case(omp_env_threads LABELS omp PROCESSORS 4 ENV OMP_NUM_THREADS=3
    CHECK --check "--producers 3 --count 20" --lines "# threads_asked=3=1" --
    ${O} --interval 0.001 --count 20 --format csv --timeline)
  alog_add_case(omp_env_threads_n_wins LABELS omp PROCESSORS 3 ENV OMP_NUM_THREADS=3
    CHECK --check "--producers 2 --count 20" --lines "# threads_asked=2=1" --
    ${O} -n 2 --interval 0.001 --count 20 --format csv --timeline)
  # Fewer threads granted than asked: the rest are short, not dropped.
  alog_add_case(omp_threads_not_granted LABELS omp PROCESSORS 2 ENV OMP_THREAD_LIMIT=2
    CHECK --exit 3
    --check "--producers 4 --count 20 --short 2:0 --short 3:0"
    --lines "# threads_asked=4=1" --lines "# threads_granted=2=1"
    --lines "no OpenMP thread granted=2" --
    ${O} --collect none -n 4 --interval 0.001 --count 20 --format csv
    --timeline)
  # The environment report: binding, places, CPU per thread,
  # oversubscription (more threads than cores) with its warning.
  # --clock auto: the threads stamp with the TSC where it is invariant.
  foreach(collect none thread)
    alog_add_case(omp_clock_auto_${collect} LABELS omp PROCESSORS 3
      CHECK --check "--producers 2 --count 2000" --grep "^# stamp_clock=" --
      ${O} --collect ${collect} -n 2 --interval 0 --count 2000 --clock auto
      --format csv --timeline)
  endforeach()
  alog_add_case(omp_env_binding LABELS omp PROCESSORS 2 ENV OMP_PROC_BIND=close OMP_PLACES=cores
    CHECK --check "--producers 2 --count 5" --lines "# omp_proc_bind=close (close)=1"
    --lines "# omp_places=cores (=1" --lines "# openmp==1" --lines ",omp thread 0/2 cpu =1"
    --lines ",omp thread 1/2 cpu =1" --
    ${O} --collect none -n 2 --interval 0.001 --count 5 --format csv)
  alog_add_case(omp_env_oversubscribed LABELS omp PROCESSORS ${ALOG_TEST_OVER}
    CHECK --check "--producers ${ALOG_TEST_OVER} --count 5"
    --lines "# oversubscribed=yes=1" --lines "# warning=oversubscribed: ${ALOG_TEST_OVER} threads on=1"
    --stderr-line "alog-omp: warning: oversubscribed: ${ALOG_TEST_OVER} threads on ${ALOG_TEST_CORES} cores: they wait for a core, so rates and latencies include scheduling delays" --
    ${O} --collect none -n ${ALOG_TEST_OVER} --interval 0.001 --count 5
    --format csv)
  alog_add_case(omp_env_not_oversubscribed LABELS omp PROCESSORS 1
    CHECK --check "--producers 1 --count 5" --lines "# oversubscribed=no=1" --lines "warning=0"
    --stderr-empty --
    ${O} --collect none -n 1 --interval 0.001 --count 5 --format csv)
  # The table report of the thread mode names its counters.
  alog_add_case(omp_table_counters LABELS omp PROCESSORS 3
    CHECK --lines "ring_full=1" --lines "ring_capacity=1"
    --lines "== report ==1" --
    ${O} --collect thread -n 2 --interval 0.001 --count 5 --ring 64)

  # Bad input: one line naming the value, exit 2.
  alog_add_case(omp_bad_count LABELS omp PROCESSORS 1
    CHECK --exit 2 --stdout-empty
    --stderr-line "alog-omp: --count '0': must be at least 1 (see --help)" --
    ${O} --count 0)
  alog_add_case(omp_bad_option LABELS omp PROCESSORS 1
    CHECK --exit 2 --stdout-empty
    --stderr-line "alog-omp: unknown option '--frob' (see --help)" -- ${O} --frob)
  alog_add_case(omp_bad_env_abc LABELS omp PROCESSORS 1 ENV OMP_NUM_THREADS=abc
    CHECK --exit 2 --stdout-empty
    --stderr-line "alog-omp: OMP_NUM_THREADS 'abc': not a number (see --help)" --
    ${O} --count 1)
  alog_add_case(omp_bad_env_list LABELS omp PROCESSORS 1 ENV OMP_NUM_THREADS=4,2
    CHECK --exit 2 --stdout-empty
    --stderr-line "alog-omp: OMP_NUM_THREADS '4,2': not a number (see --help)" --
    ${O} -n 2 --count 1)
  alog_add_case(omp_bad_env_zero LABELS omp PROCESSORS 1 ENV OMP_NUM_THREADS=0
    CHECK --exit 2 --stdout-empty
    --stderr-line "alog-omp: OMP_NUM_THREADS '0': must be at least 1 (see --help)" --
    ${O} --count 1)
  alog_add_case(omp_bad_env_big LABELS omp PROCESSORS 1 ENV OMP_NUM_THREADS=99999999999
    CHECK --exit 2 --stdout-empty
    --stderr-line "alog-omp: OMP_NUM_THREADS '99999999999': must be at most 65536 (see --help)" --
    ${O} --count 1)
endif()
