# Integration cases of the MPI model (helper "mpi"): alog-mpi under
# mpirun, checked by tests/mpi_case.sh (exit status, headers, stderr) and
# alog-check (exact per-rank counts, sequence continuity, merged order).
if(ALOG_HAVE_MPI)
  set(ALOG_MPI_CASE ${CMAKE_CURRENT_SOURCE_DIR}/mpi_case.sh)
  # -q: no mpirun banners, so that "one line on stderr" is testable;
  # yield_when_idle: ranks waiting in MPI give the CPU back (oversubscribed).
  set(ALOG_MPI_FLAGS ${MPIEXEC_PREFLAGS} --oversubscribe -q
      --mca mpi_yield_when_idle 1)

  # Environment of MPI cases (also for other fragments' MPI cases).  Under
  # AddressSanitizer, Open MPI's own leaks at exit are suppressed: its
  # components stay loaded (so their frames have names) and malloc stacks
  # are unwound fully (libmpi has no frame pointers).  Leaks with only our
  # frames are still reported.
  set(ALOG_MPI_TEST_ENV ${ALOG_TEST_ENV})
  if(ALOG_SANITIZE STREQUAL "address")
    set(supp ${CMAKE_CURRENT_BINARY_DIR}/mpi_lsan.supp)
    file(WRITE ${supp} "leak:libmpi.so\nleak:libopen-pal.so\nleak:libopen-rte.so\n"
                       "leak:libpmix.so\nleak:libevent\nleak:libhwloc.so\nleak:mca_\n")
    list(APPEND ALOG_MPI_TEST_ENV
         "OMPI_MCA_mca_base_component_disable_dlclose=1"
         "LSAN_OPTIONS=suppressions=${supp}:print_suppressions=0"
         "ASAN_OPTIONS=fast_unwind_on_malloc=0")
  elseif(ALOG_SANITIZE STREQUAL "thread")
    # Open MPI is not built with ThreadSanitizer: what it reports about
    # Open MPI's own locks and its progress threads is not about our code.
    set(supp ${CMAKE_CURRENT_BINARY_DIR}/mpi_tsan.supp)
    file(WRITE ${supp} "deadlock:mca_\ndeadlock:libopen-pal.so\ndeadlock:libmpi.so\n"
                       "race:mca_\nrace:libopen-pal.so\nrace:libopen-rte.so\n"
                       "race:libmpi.so\nrace:libpmix.so\nrace:libevent\n"
                       "signal:libopen-pal.so\nsignal:libpmix.so\n")
    list(APPEND ALOG_MPI_TEST_ENV
         "OMPI_MCA_mca_base_component_disable_dlclose=1"
         "TSAN_OPTIONS=suppressions=${supp}")
  endif()

  # alog_mpi_case(name NP [TCP] [TIMEOUT s] [PROGRAM target]
  #               [CASE case-args...] ARGS program-args...)
  function(alog_mpi_case name np)
    cmake_parse_arguments(M "TCP" "TIMEOUT;PROGRAM" "CASE;ARGS" ${ARGN})
    if(NOT M_PROGRAM)
      set(M_PROGRAM alog-mpi)
    endif()
    set(flags ${ALOG_MPI_FLAGS})
    if(M_TCP)
      # Only the TCP transport, standing in for a network between hosts.
      list(APPEND flags --mca btl self,tcp)
    endif()
    if(NOT M_TIMEOUT)
      set(M_TIMEOUT 60)
    endif()
    add_test(NAME mpi_${name}
      COMMAND sh ${ALOG_MPI_CASE} --checker $<TARGET_FILE:alog-check> ${M_CASE}
              -- ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${np} ${flags}
              $<TARGET_FILE:${M_PROGRAM}> ${M_ARGS})
    set_tests_properties(mpi_${name} PROPERTIES
      ENVIRONMENT "${ALOG_MPI_TEST_ENV}"
      PROCESSORS ${np}
      TIMEOUT ${M_TIMEOUT}
      LABELS "integration;mpi")
  endfunction()

  # ---- each --collect mode, with and without batching, -np 2/3/4 -------
  alog_mpi_case(np2_async 2
    CASE --check "--producers 1 --count 40"
         --header "model=^mpi$" --header "collect=^async$"
         --header "clock=^CLOCK_MONOTONIC$" --header "ranks=^2$"
         --header "mpi_thread_granted=^(funneled|serialized|multiple)$"
         --header "mpi_library=Open MPI|MPICH|MPI" --oversubscribed 2
         --grep "clock_offset_ns=[-+][0-9]+ clock_unc_ns=[0-9]+"
    ARGS --rate 200 --count 40 --format csv)
  alog_mpi_case(np2_blocking 2
    CASE --check "--producers 1 --count 40" --header "collect=^blocking$"
    ARGS --collect blocking --rate 200 --count 40 --format csv)
  alog_mpi_case(np3_async 3
    CASE --check "--producers 2 --count 30" --oversubscribed 3
         --header "hosts=^1$" --header "ranks_share_host=^all"
    ARGS --interval 0.005,0.01 --count 30 --format csv)
  alog_mpi_case(np3_blocking_batch 3
    CASE --check "--producers 2 --count 30" --header "batch=^4$"
    ARGS --collect blocking --batch 4 --flush-ms 3 --rate 200 --count 30
         --format csv)
  alog_mpi_case(np4_async_batch 4
    CASE --check "--producers 3 --count 50" --oversubscribed 4
         --header "batch=^8$"
    ARGS --batch 8 --flush-ms 5 --rate 300 --count 50 --payload 64
         --format csv)
  alog_mpi_case(np4_blocking 4
    CASE --check "--producers 3 --count 30" --oversubscribed 4
    ARGS --collect blocking --interval 0.004,0.006,0.01 --count 30
         --format csv)
  # Unthrottled: many messages in flight, exact counts all the same.
  alog_mpi_case(np4_unthrottled_async 4
    CASE --check "--producers 3 --count 20000"
    ARGS --interval 0 --count 20000 --payload 64 --format csv --timeline)
  alog_mpi_case(np3_unthrottled_batch_blocking 3
    CASE --check "--producers 2 --count 20001"
         --header "record_bytes=^64$"
    ARGS --collect blocking --batch 64 --interval 0 --count 20001
         --payload 64 --format csv --timeline)
  alog_mpi_case(np2_unthrottled_batch_async 2
    CASE --check "--producers 1 --count 30000"
    ARGS --batch 64 --interval 0 --count 30000 --format csv --timeline)

  # ---- over TCP only --------------------------------------------------
  alog_mpi_case(np3_tcp_async 3 TCP
    CASE --check "--producers 2 --count 30" --header "mpi_btl=^self,tcp$"
    ARGS --rate 200 --count 30 --format csv)
  alog_mpi_case(np4_tcp_unthrottled_batch_async 4 TCP
    CASE --check "--producers 3 --count 6000" --header "mpi_btl=^self,tcp$"
    ARGS --batch 7 --interval 0 --count 6000 --format csv --timeline)
  alog_mpi_case(np3_tcp_batch_blocking 3 TCP
    CASE --check "--producers 2 --count 5000" --header "mpi_btl=^self,tcp$"
    ARGS --collect blocking --batch 16 --interval 0 --count 5000
         --format csv --timeline)

  # ---- faults -----------------------------------------------------------
  # The last producer stops after 7: reported short with what it sent.
  alog_mpi_case(fail_after 3
    CASE --exit 3 --check "--producers 2 --count 20 --short 1:7"
    ARGS --fail-after 7 --rate 200 --count 20 --format csv)
  alog_mpi_case(fail_after_zero_batch 4
    CASE --exit 3 --check "--producers 3 --count 20 --short 2:0"
    ARGS --fail-after 0 --batch 4 --rate 200 --count 20 --format csv)
  alog_mpi_case(fail_after_blocking 3
    CASE --exit 3 --check "--producers 2 --count 50 --short 1:13"
    ARGS --collect blocking --fail-after 13 --batch 5 --interval 0
         --count 50 --format csv)
  # Stop by time: whatever count, complete and in order.
  alog_mpi_case(duration 3
    CASE --check "--producers 2 --min 2"
    ARGS --rate 100 --duration 0.3 --format csv)
  # SIGINT to rank 0: producers told to stop, report of what came, 130.
  alog_mpi_case(sigint 3
    CASE --sigint-rank0 2 --exit 130
         --check "--producers 2 --status stopped --interrupted"
    ARGS --rate 50 --duration 60 --format csv)

  # ---- usage errors: one line from rank 0, exit 2, no hang ------------
  alog_mpi_case(np1 1 TIMEOUT 30
    CASE --exit 2 --stdout-empty
         --stderr-line "alog-mpi: needs at least 2 ranks (mpirun -np N, N >= 2): rank 0 collects, ranks 1..N-1 produce"
    ARGS --count 3)
  alog_mpi_case(bad_collect 3 TIMEOUT 30
    CASE --exit 2 --stdout-empty
         --stderr-line "alog-mpi: --collect 'frob': must be one of blocking|async (see --help)"
    ARGS --collect frob)
  alog_mpi_case(bad_unknown 4 TIMEOUT 30
    CASE --exit 2 --stdout-empty
         --stderr-line "alog-mpi: unknown option '--frob' (see --help)"
    ARGS --frob)
  alog_mpi_case(bad_producers 2 TIMEOUT 30
    CASE --exit 2 --stdout-empty
         --stderr-line "alog-mpi: option '-n' is not for alog-mpi (see --help)"
    ARGS -n 3)
  alog_mpi_case(bad_batch 3 TIMEOUT 30
    CASE --exit 2 --stdout-empty
         --stderr-line "alog-mpi: --batch '0': must be at least 1 (see --help)"
    ARGS --batch 0)
  alog_mpi_case(bad_message_size 2 TIMEOUT 30
    CASE --exit 2 --stdout-empty
         --stderr-line "alog-mpi: --batch '65536': 65536 records of 1000 bytes exceed 16 MiB per message (see --help)"
    ARGS --batch 65536 --payload 1000)
  alog_mpi_case(help 3 TIMEOUT 30
    CASE --stderr-empty --count-stdout "^Usage: alog-mpi:1"
         --grep "--collect" --grep "--flush-ms"
    ARGS --help)

  # ---- the benchmark's reference program: runs, prints its keys --------
  alog_mpi_case(ref_smoke 3 PROGRAM alog-ref-mpi TIMEOUT 30
    CASE --stderr-empty --grep "^ref_msgs_per_s=[0-9]+$"
         --grep "^ref_oneway_p50_ns=[0-9]+$" --grep "^senders=2$"
    ARGS --iters 20 --warmup 2 --pp-iters 200)
  alog_mpi_case(ref_bad_option 2 PROGRAM alog-ref-mpi TIMEOUT 30
    CASE --exit 2 --stdout-empty
         --stderr-line "alog-ref-mpi: --window '0': must be an integer in 1..4096 (see --help)"
    ARGS --window 0)
endif()
