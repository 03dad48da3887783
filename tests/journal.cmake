# --journal FILE (label "journal"): the records a collector stores, in
# blocks, while the run goes on.  A whole run's journal holds exactly the
# report's record rows; a collector killed with SIGKILL leaves a journal
# that is a prefix of the run (each producer seq 0..k-1, no gap), short
# of at most its last block per producer; a path that cannot be written
# is exit 2 before anything runs; a write that fails mid-run stops the
# journal, never the run.
alog_add_unit(test_journal ${CMAKE_CURRENT_SOURCE_DIR}/test_journal.c
              WRAP write LABELS journal)

set(A $<TARGET_FILE:alog-async>)

# The same rows as the report (several blocks per producer).
foreach(readers ${ALOG_ASYNC_READERS})
  alog_add_case(journal_rows_${readers} LABELS journal async PROCESSORS 4
    CHECK --journal j.csv --journal-rows
    --journal-check "--producers 3 --count 5000"
    --check "--producers 3 --count 5000" --header "journal=.*/j\\.csv$"
    --header "epoch_ns=[0-9]+$" --
    ${A} -n 3 --interval 0 --count 5000 --readers ${readers} --format csv
    --timeline --journal @TMP@/j.csv)
endforeach()
alog_add_case(journal_rows_binary LABELS journal async PROCESSORS 3
  CHECK --journal j.csv --journal-rows
  --journal-check "--producers 2 --count 3000" --check "--producers 2 --count 3000" --
  ${A} -n 2 --interval 0 --count 3000 --wire binary --format csv --timeline
  --journal @TMP@/j.csv)
# Foreign text with commas and quotes goes through the report's own quoting.
alog_add_case(journal_rows_exec LABELS journal async PROCESSORS 2
  CHECK --journal j.csv --journal-rows --journal-check "--producers 1 --count 3"
  --check "--producers 1 --foreign --count 3" --
  ${A} --format csv --timeline --journal @TMP@/j.csv
  --exec "printf 'a,b\\n\"q\" x\\n7 8\\n'")

# The collector killed with SIGKILL after 2 s of 2 x 1000 Hz: about 2000
# records each came; a block holds at most 100 ms of them, so more than a
# quarter of them must be in the journal, without a gap.
foreach(readers ${ALOG_ASYNC_READERS})
  alog_add_case(journal_killed_${readers} LABELS journal faults async
    PROCESSORS 3 TIMEOUT 40
    CHECK --exit 137 --fault "2 KILL self" --journal j.csv
    --journal-check "--producers 2 --min 500" --
    ${A} -n 2 --rate 1000 --duration 20 --readers ${readers} -q
    --journal @TMP@/j.csv)
endforeach()

# Bad paths: one line naming the file and why, exit 2, nothing run.
alog_add_case(journal_bad_path LABELS journal async PROCESSORS 1
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-async: --journal '/nonexistent/j.csv': No such file or directory" --
  ${A} --journal /nonexistent/j.csv)
alog_add_case(journal_is_directory LABELS journal async PROCESSORS 1
  CHECK --exit 2 --stdout-empty --tmp-empty
  --stderr-line "alog-async: --journal '/': Is a directory" --
  ${A} --journal / -o @TMP@/run.csv)
# A write that fails (a full disk): one message, the run and its report
# go on, the report says it.
if(EXISTS /dev/full)
  alog_add_case(journal_write_fails LABELS journal faults async PROCESSORS 2
    CHECK --check "--producers 1 --count 1000"
    --header "journal_error=write: No space left on device$"
    --stderr-line "alog-async: --journal '/dev/full': write: No space left on device: journaling stopped (the run goes on)" --
    ${A} -n 1 --interval 0 --count 1000 --format csv --journal /dev/full)
endif()

if(ALOG_HAVE_OPENMP)
  set(O $<TARGET_FILE:alog-omp>)
  foreach(mode none thread)
    alog_add_case(journal_rows_omp_${mode} LABELS journal omp PROCESSORS 3
      CHECK --journal j.csv --journal-rows
      --journal-check "--producers 2 --count 5000"
      --check "--producers 2 --count 5000" --
      ${O} -n 2 --interval 0 --count 5000 --collect ${mode} --format csv
      --timeline --journal @TMP@/j.csv)
    alog_add_case(journal_killed_omp_${mode} LABELS journal faults omp
      PROCESSORS 3 TIMEOUT 40
      CHECK --exit 137 --fault "2 KILL self" --journal j.csv
      --journal-check "--producers 2 --min 500" --
      ${O} -n 2 --rate 1000 --duration 20 --collect ${mode} -q
      --journal @TMP@/j.csv)
  endforeach()
endif()

if(ALOG_HAVE_MPI)
  set(M $<TARGET_FILE:alog-mpi>)
  foreach(collect async blocking)
    alog_add_case(journal_rows_mpi_${collect} LABELS journal mpi MPI 3
      TIMEOUT 60
      CHECK --journal j.csv --journal-rows
      --journal-check "--producers 2 --count 3000"
      --check "--producers 2 --count 3000" --
      ${M} --interval 0 --count 3000 --collect ${collect} --format csv
      --timeline --journal @TMP@/j.csv)
  endforeach()
  # Rank 0 killed: what cannot be survived, except through the journal.
  alog_add_case(journal_killed_mpi_rank0 LABELS journal faults mpi MPI 3
    TIMEOUT 60
    CHECK --exit 137 --fault "${ALOG_FAULT_WAIT} KILL rank:0" --journal j.csv
    --journal-check "--producers 2 --min 500" --
    ${M} --rate 1000 --duration 30 -q --journal @TMP@/j.csv)
  alog_add_case(journal_bad_path_mpi LABELS journal mpi MPI 2
    CHECK --exit 2 --stdout-empty
    --stderr-line "alog-mpi: --journal '/nonexistent/j.csv': No such file or directory" --
    ${M} --journal /nonexistent/j.csv)
endif()
