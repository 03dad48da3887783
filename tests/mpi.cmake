# Integration cases of the MPI model (label "mpi"): alog-mpi under mpirun
# (alog_add_case ... MPI np), checked by tests/run_case.sh (exit status,
# headers, stderr) and alog-check (exact per-rank counts, sequence
# continuity, merged order).  TIMEOUT 60 unless said.
if(ALOG_HAVE_MPI)
  set(M $<TARGET_FILE:alog-mpi>)
  set(R $<TARGET_FILE:alog-ref-mpi>)
  # ---- each --collect mode, with and without batching, -np 2/3/4 -------
  alog_add_case(mpi_np2_async LABELS mpi MPI 2 TIMEOUT 60
    CHECK --check "--producers 1 --count 40"
          --header "model=^mpi$" --header "collect=^async$"
          --header "clock=^CLOCK_MONOTONIC$" --header "ranks=^2$"
          --header "mpi_thread_granted=^(funneled|serialized|multiple)$"
          --header "mpi_library=Open MPI|MPICH|MPI" --oversubscribed 2
          --grep "clock_offset_ns=[-+][0-9]+ clock_unc_ns=[0-9]+"
    -- ${M} --rate 200 --count 40 --format csv)
  alog_add_case(mpi_np2_blocking LABELS mpi MPI 2 TIMEOUT 60
    CHECK --check "--producers 1 --count 40" --header "collect=^blocking$"
    -- ${M} --collect blocking --rate 200 --count 40 --format csv)
  alog_add_case(mpi_np3_async LABELS mpi MPI 3 TIMEOUT 60
    CHECK --check "--producers 2 --count 30" --oversubscribed 3
          --header "hosts=^1$" --header "ranks_share_host=^all"
    -- ${M} --interval 0.005,0.01 --count 30 --format csv)
  alog_add_case(mpi_np3_blocking_batch LABELS mpi MPI 3 TIMEOUT 60
    CHECK --check "--producers 2 --count 30" --header "batch=^4$"
    -- ${M} --collect blocking --batch 4 --flush-ms 3 --rate 200 --count 30
       --format csv)
  alog_add_case(mpi_np4_async_batch LABELS mpi MPI 4 TIMEOUT 60
    CHECK --check "--producers 3 --count 50" --oversubscribed 4
          --header "batch=^8$"
    -- ${M} --batch 8 --flush-ms 5 --rate 300 --count 50 --payload 64
       --format csv)
  alog_add_case(mpi_np4_blocking LABELS mpi MPI 4 TIMEOUT 60
    CHECK --check "--producers 3 --count 30" --oversubscribed 4
    -- ${M} --collect blocking --interval 0.004,0.006,0.01 --count 30
       --format csv)
  # Unthrottled: many messages in flight, exact counts all the same.
  alog_add_case(mpi_np4_unthrottled_async LABELS mpi MPI 4 TIMEOUT 60
    CHECK --check "--producers 3 --count 20000"
    -- ${M} --interval 0 --count 20000 --payload 64 --format csv --timeline)
  alog_add_case(mpi_np3_unthrottled_batch_blocking LABELS mpi MPI 3 TIMEOUT 60
    CHECK --check "--producers 2 --count 20001"
          --header "record_bytes=^64$"
    -- ${M} --collect blocking --batch 64 --interval 0 --count 20001
       --payload 64 --format csv --timeline)
  alog_add_case(mpi_np2_unthrottled_batch_async LABELS mpi MPI 2 TIMEOUT 60
    CHECK --check "--producers 1 --count 30000"
    -- ${M} --batch 64 --interval 0 --count 30000 --format csv --timeline)

  # The start is handed out only once rank 0 has reserved its lists: a
  # reservation made 1.5 s slower (as without huge pages) is not in the
  # run's wall time (schedule start to last message), which stays under
  # 1 s; handed out before it, producers started into a rank 0 not yet
  # listening and the wall time held the whole 1.5 s.
  foreach(mode async blocking)
    alog_add_case(mpi_np2_start_after_reserve_${mode} LABELS mpi MPI 2
      TIMEOUT 60 ENV ALOG_TEST_RESERVE_MS=1500
      CHECK --hook-line ALOG_TEST_RESERVE_MS=1500
      --check "--producers 1 --count 2000"
            --grep "^total,2000,([^,]*,){8}[0-9.e+-]+,0\\.[0-9]+(e-[0-9]+)?,"
      -- ${M} --collect ${mode} --interval 0 --count 2000 --format csv
         --timeline)
  endforeach()

  # --batch auto: the most records under the eager limit MPI_T reports
  # for shared memory (Open MPI 4096: 63 of 64 bytes), or its default.
  alog_add_case(mpi_np2_batch_auto LABELS mpi MPI 2 TIMEOUT 60
    CHECK --check "--producers 1 --count 20000"
          --header "batch=^[0-9]+$" --header "record_bytes=^64$"
          --header "batch_auto=^(btl_(vader|sm)_eager_limit [0-9]+ \\(MPI_T\\)|default 4096 \\(no eager limit from MPI_T\\)) - 64 header$"
    -- ${M} --batch auto --interval 0 --count 20000 --payload 64
       --format csv --timeline)
  alog_add_case(mpi_np3_batch_auto_paced LABELS mpi MPI 3 TIMEOUT 60
    CHECK --check "--producers 2 --count 30"
    -- ${M} --collect blocking --batch auto --flush-ms 3 --rate 200
       --count 30 --format csv)
  alog_add_case(mpi_np3_tcp_batch_auto LABELS mpi MPI 3 TIMEOUT 60
    MPI_ARGS --mca btl self,tcp
    CHECK --check "--producers 2 --count 6000" --header "mpi_btl=^self,tcp$"
          --header "batch_auto=^btl_tcp_eager_limit [0-9]+ \\(MPI_T\\) - 64 header$"
    -- ${M} --batch auto --interval 0 --count 6000 --format csv --timeline)

  # ---- over TCP only (standing in for a network between hosts) ------
  alog_add_case(mpi_np3_tcp_async LABELS mpi MPI 3 TIMEOUT 60
    MPI_ARGS --mca btl self,tcp
    CHECK --check "--producers 2 --count 30" --header "mpi_btl=^self,tcp$"
    -- ${M} --rate 200 --count 30 --format csv)
  alog_add_case(mpi_np4_tcp_unthrottled_batch_async LABELS mpi MPI 4 TIMEOUT 60
    MPI_ARGS --mca btl self,tcp
    CHECK --check "--producers 3 --count 6000" --header "mpi_btl=^self,tcp$"
    -- ${M} --batch 7 --interval 0 --count 6000 --format csv --timeline)
  alog_add_case(mpi_np3_tcp_batch_blocking LABELS mpi MPI 3 TIMEOUT 60
    MPI_ARGS --mca btl self,tcp
    CHECK --check "--producers 2 --count 5000" --header "mpi_btl=^self,tcp$"
    -- ${M} --collect blocking --batch 16 --interval 0 --count 5000
       --format csv --timeline)

  # ---- faults -----------------------------------------------------------
  # The last producer stops after 7: reported short with what it sent.
  alog_add_case(mpi_fail_after LABELS mpi MPI 3 TIMEOUT 60
    CHECK --exit 3 --check "--producers 2 --count 20 --short 1:7"
    -- ${M} --fail-after 7 --rate 200 --count 20 --format csv)
  alog_add_case(mpi_fail_after_zero_batch LABELS mpi MPI 4 TIMEOUT 60
    CHECK --exit 3 --check "--producers 3 --count 20 --short 2:0"
    -- ${M} --fail-after 0 --batch 4 --rate 200 --count 20 --format csv)
  alog_add_case(mpi_fail_after_blocking LABELS mpi MPI 3 TIMEOUT 60
    CHECK --exit 3 --check "--producers 2 --count 50 --short 1:13"
    -- ${M} --collect blocking --fail-after 13 --batch 5 --interval 0
       --count 50 --format csv)
  # Stop by time: whatever count, complete and in order.
  # --clock auto: the ranks stamp with the TSC where it is invariant.
  alog_add_case(mpi_clock_auto LABELS mpi MPI 3 TIMEOUT 60
    CHECK --check "--producers 2 --count 500" --grep "^# stamp_clock="
    -- ${M} --rate 1000 --count 500 --clock auto --format csv --timeline)
  alog_add_case(mpi_duration LABELS mpi MPI 3 TIMEOUT 60
    CHECK --check "--producers 2 --min 2"
    -- ${M} --rate 100 --duration 0.3 --format csv)
  # SIGINT to rank 0: producers told to stop, report of what came, 130.
  alog_add_case(mpi_sigint LABELS mpi MPI 3 TIMEOUT 60
    CHECK --sigint 2 --exit 130
          --check "--producers 2 --status stopped --interrupted"
    -- ${M} --rate 50 --duration 60 --format csv)

  # ---- usage errors: one line from rank 0, exit 2, no hang ------------
  alog_add_case(mpi_np1 LABELS mpi MPI 1 TIMEOUT 30
    CHECK --exit 2 --stdout-empty
          --stderr-line "alog-mpi: needs at least 2 ranks (mpirun -np N, N >= 2): rank 0 collects, ranks 1..N-1 produce"
    -- ${M} --count 3)
  alog_add_case(mpi_bad_collect LABELS mpi MPI 3 TIMEOUT 30
    CHECK --exit 2 --stdout-empty
          --stderr-line "alog-mpi: --collect 'frob': must be one of blocking|async|tree (see --help)"
    -- ${M} --collect frob)
  alog_add_case(mpi_bad_unknown LABELS mpi MPI 4 TIMEOUT 30
    CHECK --exit 2 --stdout-empty
          --stderr-line "alog-mpi: unknown option '--frob' (see --help)"
    -- ${M} --frob)
  alog_add_case(mpi_bad_producers LABELS mpi MPI 2 TIMEOUT 30
    CHECK --exit 2 --stdout-empty
          --stderr-line "alog-mpi: option '-n' is not for alog-mpi (see --help)"
    -- ${M} -n 3)
  alog_add_case(mpi_bad_batch LABELS mpi MPI 3 TIMEOUT 30
    CHECK --exit 2 --stdout-empty
          --stderr-line "alog-mpi: --batch '0': must be at least 1 (see --help)"
    -- ${M} --batch 0)
  alog_add_case(mpi_bad_batch_word LABELS mpi MPI 3 TIMEOUT 30
    CHECK --exit 2 --stdout-empty
          --stderr-line "alog-mpi: --batch 'eager': must be an unsigned integer or auto (see --help)"
    -- ${M} --batch eager)
  alog_add_case(mpi_bad_message_size LABELS mpi MPI 2 TIMEOUT 30
    CHECK --exit 2 --stdout-empty
          --stderr-line "alog-mpi: --batch '65536': 65536 records of 1000 bytes exceed 16 MiB per message (see --help)"
    -- ${M} --batch 65536 --payload 1000)
  alog_add_case(mpi_help LABELS mpi MPI 3 TIMEOUT 30
    CHECK --stderr-empty --lines-re "^Usage: alog-mpi:1"
          --grep "--collect" --grep "--flush-ms"
    -- ${M} --help)

  # ---- the benchmark's reference program: runs, prints its keys --------
  alog_add_case(mpi_ref_smoke LABELS mpi MPI 3 TIMEOUT 30
    CHECK --stderr-empty --grep "^ref_msgs_per_s=[0-9]+$"
          --grep "^ref_oneway_p50_ns=[0-9]+$" --grep "^senders=2$"
    -- ${R} --iters 20 --warmup 2 --pp-iters 200)
  # The producer ceiling: both producers ran the loop (a rate, summed).
  alog_add_case(mpi_ref_ceiling LABELS mpi MPI 3 TIMEOUT 30
    CHECK --stderr-empty --grep "^ref_ceiling_records_per_s=[1-9][0-9]*$"
          --grep "^ceiling_count=100000$" --grep "^pack=63$"
    -- ${R} --iters 2 --warmup 0 --pp-iters 0 --ceiling 100000 --pack 63)
  alog_add_case(mpi_ref_bad_pack LABELS mpi MPI 2 TIMEOUT 30
    CHECK --exit 2 --stdout-empty
          --stderr-line "alog-ref-mpi: --pack '0': must be an integer in 1..65536 (see --help)"
    -- ${R} --ceiling 10 --pack 0)
  alog_add_case(mpi_ref_bad_option LABELS mpi MPI 2 TIMEOUT 30
    CHECK --exit 2 --stdout-empty
          --stderr-line "alog-ref-mpi: --window '0': must be an integer in 1..4096 (see --help)"
    -- ${R} --window 0)
endif()

# The thread level MPI granted is asked, not assumed: below what the
# collect mode needs (funneled), the run is refused on every rank with
# one line and exit 1 (a hook makes MPI seem to grant single).
if(ALOG_HAVE_MPI)
  foreach(mode async blocking)
    alog_add_case(mpi_thread_level_refused_${mode} LABELS mpi bad MPI 2
      TIMEOUT 30 ENV ALOG_TEST_MPI_THREAD=single
      CHECK --exit 1 --stdout-empty --hook-line ALOG_TEST_MPI_THREAD=single
      --stderr-line "alog-mpi: MPI granted thread level single, below the funneled that --collect ${mode} needs"
      -- $<TARGET_FILE:alog-mpi> --collect ${mode} --count 3)
  endforeach()
endif()
