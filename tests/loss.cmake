# The time base and the loss accounting (label "loss"): every model's
# rates over one window (first record due to last collected, checked
# against the record rows by alog-check), the schedule's count expected in
# every mode, phases spread by default, lost and duplicated records named
# and counted (exit 4), the CPU of what alog stops counted.
set(A $<TARGET_FILE:alog-async>)
set(SEQ ${CMAKE_CURRENT_SOURCE_DIR}/faults/seq_producer.sh)

# Loss: a producer that ended as planned with a gap is "lost" (the gap
# counted), one with a record twice "duplicated": exit 4; one whose tail
# never came is "short" (exit 3: it may have ended short itself).
alog_add_case(loss_gap LABELS loss faults async PROCESSORS 2
  ENV ALOG_PRODUCER=${SEQ} "SEQ_PRODUCER_SEQS=0 1 3"
  CHECK --exit 4 --hook-line "ALOG_PRODUCER=${SEQ}" --stderr-empty
  --lines-re "^producer,0,lost,0,3,4,1,:1" --total lost=1:1 --
  ${A} -n 1 --count 4 --format csv -q)
alog_add_case(loss_dup LABELS loss faults async PROCESSORS 2
  ENV ALOG_PRODUCER=${SEQ} "SEQ_PRODUCER_SEQS=0 1 1 2 3"
  CHECK --exit 4 --hook-line "ALOG_PRODUCER=${SEQ}" --stderr-empty
  --lines-re "^producer,0,duplicated,0,5,4,0,:1" --total lost=0:0 --
  ${A} -n 1 --count 4 --format csv -q)
alog_add_case(loss_tail LABELS loss faults async PROCESSORS 2
  ENV ALOG_PRODUCER=${SEQ} "SEQ_PRODUCER_SEQS=0 1"
  CHECK --exit 3 --hook-line "ALOG_PRODUCER=${SEQ}" --stderr-empty
  --lines-re "^producer,0,short,0,2,4,0,:1" --
  ${A} -n 1 --count 4 --format csv -q)

# One window for every model: 4 producers at 1 kHz for 0.2 s expect their
# schedule's 200 records each (the count alog-check holds them to), the
# window and drain agree with the records, phases are 1/4 ms apart (0
# with --phase aligned), and at this light load the collectors take all
# that is offered (collected/offered within 2% of 1: the window starts at
# the first due record, not at spawn or MPI_Init).
set(W_ARGS --rate 1000 --duration 0.2 --format csv --timeline)
# A sanitizer slows the collector several times over (thread: 5-15x) on
# 2 shared cores: the 2% band is a property of the real build; there the
# counts, the window and loss are still checked, the ratio within 10%.
set(W_RATIO 0.98:1.02)
if(ALOG_SANITIZE)
  set(W_RATIO 0.9:1.1)
endif()
set(W_CHECK --check "--producers 4 --count 200"
  --header "window=^first record due to last record collected"
  --header "cpu_window=." --header "phase=^spread$"
  --lines-re "^record,1,0,250000,:1" --lines-re "^record,3,0,750000,:1"
  --total collected_ratio=${W_RATIO} --total expected=800:800
  --total lost=0:0)
foreach(readers ${ALOG_ASYNC_READERS})
  alog_add_case(loss_window_${readers} LABELS loss async PROCESSORS 4
    CHECK ${W_CHECK} -- ${A} -n 4 ${W_ARGS} --readers ${readers})
endforeach()
alog_add_case(loss_window_aligned LABELS loss async PROCESSORS 4
  CHECK --check "--producers 4 --count 200" --header "phase=^aligned$"
  --lines-re "^record,[0-3],0,0,:4" --
  ${A} -n 4 ${W_ARGS} --phase aligned)
if(ALOG_HAVE_OPENMP)
  foreach(mode none thread)
    alog_add_case(loss_window_omp_${mode} LABELS loss omp PROCESSORS 4
      CHECK ${W_CHECK} -- $<TARGET_FILE:alog-omp> -n 4 ${W_ARGS}
      --collect ${mode})
  endforeach()
endif()
if(ALOG_HAVE_MPI)
  foreach(mode async blocking)
    # startup_s holds MPI_Init and the set-up (clock sync): not nothing.
    alog_add_case(loss_window_mpi_${mode} LABELS loss mpi MPI 5 TIMEOUT 60
      CHECK ${W_CHECK} --total startup_s=0.001:
      -- $<TARGET_FILE:alog-mpi> ${W_ARGS} --collect ${mode})
  endforeach()
endif()

# The CPU of a command alog stops is counted: a busy loop that a stopped
# --exec command leaves (once 0.003 s reported of 0.5 s burned: the busy
# process was reparented to init, never reaped by alog).
alog_add_case(loss_exec_cpu_counted LABELS loss faults async PROCESSORS 2
  TIMEOUT 30
  CHECK --total producers_cpu_s=0.05: --lines-re "^producer,0,ok,0,1,1,:1" --
  ${A} --count 1 --format csv -q
  --exec "yes >/dev/null & sleep 0.5 && echo 1 2 && sleep 10")
