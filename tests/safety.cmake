# Crash and file safety (label "safety", and "faults"): a run that cannot
# start with --journal, symbolic links under -o and --journal, descriptors
# a child could inherit, a report lost through mpirun's stdout, what a
# producer leaves behind, test hooks that act unseen.  Each case failed on
# the code before its fix.
set(A $<TARGET_FILE:alog-async>)
set(L ${CMAKE_CURRENT_SOURCE_DIR}/safety_links.sh)

# A run that cannot start, with --journal and -o: the one line, exit 1,
# no temporary report left (the journal was made: it says what was run).
# Once a use after free (the journal read the freed result) and SIGSEGV.
set(NOT_A_PROGRAM ${CMAKE_CURRENT_SOURCE_DIR}/faults/not_a_program)
set(safety_no_start_cases missing not_exec)
set(safety_no_start_env_missing ALOG_PRODUCER=/nonexistent/alog-producer)
set(safety_no_start_line_missing
  "^alog-async: cannot run '/nonexistent/alog-producer': No such file or directory \\(set ALOG_PRODUCER\\)$")
set(safety_no_start_env_not_exec ALOG_PRODUCER=${CMAKE_CURRENT_SOURCE_DIR}/safety.cmake)
set(safety_no_start_line_not_exec
  "^alog-async: cannot run '.*/safety.cmake': Permission denied \\(set ALOG_PRODUCER\\)$")
if(ALOG_HAVE_URING)
  list(APPEND safety_no_start_cases uring)
  set(safety_no_start_env_uring ALOG_TEST_URING=unavailable)
  set(safety_no_start_line_uring
    "^alog-async: --readers uring: io_uring is unavailable here \\(io_uring_queue_init: Function not implemented\\), use --readers epoll$")
  set(safety_no_start_args_uring --readers uring)
endif()
foreach(c ${safety_no_start_cases})
  alog_add_case(safety_journal_no_start_${c} LABELS safety faults journal
    PROCESSORS 1 ENV ${safety_no_start_env_${c}}
    CHECK --exit 1 --stdout-empty --left j.csv
    --stderr-grep "${safety_no_start_line_${c}}"
    --stderr-lines-re "^alog-async: warning: test hooks set: ALOG_:1" --
    ${A} -n 1 --count 2 -q ${safety_no_start_args_${c}}
    --journal @TMP@/j.csv -o @TMP@/r.csv)
endforeach()

# -o and --journal with symbolic links, and with each other.
foreach(c planted own same)
  add_test(NAME safety_links_${c} COMMAND bash ${L} ${c} ${A})
  set_tests_properties(safety_links_${c} PROPERTIES TIMEOUT 30 PROCESSORS 2
    SKIP_RETURN_CODE 77 LABELS "integration;safety;faults"
    ENVIRONMENT "${ALOG_SANITIZE_ENV}")
endforeach()

# Descriptors: a producer and an --exec command see only 0, 1 and 2, not
# the report's temporary, the journal, the collector's pipes, epoll or
# io_uring, nor what the collector itself inherited (fd 7 here).  Once
# `echo INJECTED >&3` wrote into the report.
set(S ${CMAKE_CURRENT_SOURCE_DIR}/safety_case.sh)
add_executable(alog-test-fds fds_helper.c)
set(FDS $<TARGET_FILE:alog-test-fds>)
foreach(readers ${ALOG_ASYNC_READERS})
  alog_add_case(safety_fds_producer_${readers} LABELS safety faults async
    PROCESSORS 3
    ENV ALOG_PRODUCER=${FDS} ALOG_TEST_FDS_THEN=$<TARGET_FILE:alog-producer>
    CHECK --file r.csv --journal j.csv --check "--producers 2 --count 5"
    --stderr-lines-re "^fds: 0 1 2$:2" --stderr-lines-re "^fds::2" --
    bash ${S} inherit ${A} -n 2 --count 5 --interval 0.001
    --readers ${readers} --format csv --timeline
    -o @TMP@/r.csv --journal @TMP@/j.csv)
  alog_add_case(safety_fds_exec_${readers} LABELS safety faults async
    PROCESSORS 2
    CHECK --file r.csv --journal j.csv --check "--producers 1 --foreign --count 1"
    --stderr-lines-re "^fds: 0 1 2$:1" --stderr-lines-re "INJECTED:0"
    --lines-re "^record,.*INJECTED:0" --
    bash ${S} inherit ${A} --readers ${readers} --format csv --timeline
    -o @TMP@/r.csv --journal @TMP@/j.csv --exec "bash ${S} exec-fds ${FDS}")
endforeach()

# A descendant that left its producer's process group (setsid) is ended
# and reaped with the run, interrupted (SIGHUP) or not; once `sleep 77`
# lived on.
set(ENDED "^alog-async: [1-9][0-9]* process\\(es\\) started by the producers outlived them \\(the first: pid [0-9]+\\): ended$")
alog_add_case(safety_setsid_interrupted LABELS safety faults async PROCESSORS 2
  TIMEOUT 40
  CHECK --exit 130 --fault "1 HUP args:^[^ ]*alog-async --format" --left escapee
  --stderr-grep "${ENDED}"
  --check "--producers 1 --foreign --status stopped --interrupted --min 1" --
  bash ${S} escape @TMP@ ${A} --format csv --timeline
  --exec "bash ${S} escapee @TMP@ loop")
alog_add_case(safety_setsid_finished LABELS safety faults async PROCESSORS 2
  TIMEOUT 40
  CHECK --left escapee --stderr-grep "${ENDED}"
  --check "--producers 1 --foreign --count 1" --
  bash ${S} escape @TMP@ ${A} --format csv --timeline
  --exec "bash ${S} escapee @TMP@ once")

# Test hooks act in every build, never unseen: one stderr line and the
# report's test_hooks= header; a hook's read is bounded (/dev/zero as
# cpuinfo once never ended).
alog_add_case(safety_hook_cpuinfo_zero LABELS safety faults async PROCESSORS 2
  TIMEOUT 20 ENV ALOG_CPUINFO=/dev/zero
  CHECK --check "--producers 1 --count 3"
  --header "test_hooks=^ALOG_CPUINFO=/dev/zero$"
  --header "stamp_clock=^CLOCK_MONOTONIC \\(auto: no invariant TSC\\)$"
  --stderr-line "alog-async: warning: test hooks set: ALOG_CPUINFO=/dev/zero (they change the run$<SEMICOLON> the report's test_hooks= names them)" --
  ${A} --clock auto -n 1 --count 3 --interval 0.001 --format csv --timeline)
alog_add_case(safety_hook_named LABELS safety faults async PROCESSORS 2
  ENV ALOG_TEST_RESERVE_MS=1 "ALOG_PRODUCER=$<TARGET_FILE:alog-producer>"
  CHECK --check "--producers 1 --count 3"
  --header "test_hooks=^ALOG_PRODUCER=.*/alog-producer ALOG_TEST_RESERVE_MS=1$"
  --stderr-lines-re "^alog-async: warning: test hooks set: ALOG_PRODUCER=.* ALOG_TEST_RESERVE_MS=1 \\(:1"
  --stderr-lines-re ".:1" --
  ${A} -n 1 --count 3 --interval 0 --format csv --timeline)
alog_add_case(safety_hook_journal_header LABELS safety faults journal
  PROCESSORS 2 ENV ALOG_TEST_RESERVE_MS=1
  CHECK --file r.csv --journal j.csv --journal-rows
  --header "test_hooks=^ALOG_TEST_RESERVE_MS=1$" --
  ${A} -n 1 --count 3 --interval 0 --format csv --timeline
  -o @TMP@/r.csv --journal @TMP@/j.csv)

# One word for one event: after a memory stop every collector's producers
# are "stopped" (epoll and uring said "short": their pipes were closed,
# not their producers told).
foreach(readers ${ALOG_ASYNC_READERS})
  alog_add_case(safety_memory_stop_word_${readers} LABELS safety faults async
    PROCESSORS 3 TIMEOUT 60
    CHECK --exit 1 --lines-re "^producer,[01],stopped,:2"
    --stderr-grep "^alog-async: --max-memory 8 MiB reached after [0-9]+ records: collecting stopped, the report shows them$" --
    ${A} -n 2 --interval 0 --count 20000000 --max-memory 8
    --readers ${readers} --format csv)
endforeach()

# MPI: the report through mpirun's stdout, full or closed: said, exit 1
# (mpirun dropped the bytes and exited 0).
if(ALOG_HAVE_MPI)
  set(M $<TARGET_FILE:alog-mpi>)
  set(RUN3 "\"$0\" ${MPIEXEC_NUMPROC_FLAG} 3 --oversubscribe -q \"$1\" --rate 1000 --count 200")
  alog_add_case(safety_mpi_stdout_full LABELS safety faults mpi PROCESSORS 3
    TIMEOUT 60
    CHECK --exit 1 --stdout-empty
    --stderr-grep "^alog-mpi: cannot write the report to stdout: No space left on device$" --
    sh -c "${RUN3} >/dev/full" ${MPIEXEC_EXECUTABLE} ${M})
  alog_add_case(safety_mpi_stdout_closed LABELS safety faults mpi PROCESSORS 3
    TIMEOUT 60
    CHECK --exit 1 --stdout-empty
    --stderr-grep "^alog-mpi: cannot write the report to stdout: mpirun's standard output is closed$" --
    sh -c "${RUN3} >&-" ${MPIEXEC_EXECUTABLE} ${M})
  # A file mpirun's shell opened: the report lands between what came
  # before and after (the same open file, so the same offset), once.
  alog_add_case(safety_mpi_stdout_shared LABELS safety mpi PROCESSORS 3
    TIMEOUT 60
    CHECK --check "--producers 2 --count 200" --lines-re "^before$|^after$:0"
    --lines "# alog=1" --lines-re "^total,:1" --
    bash ${S} mpi-shared @TMP@ ${MPIEXEC_EXECUTABLE} 3 ${M} --rate 1000
    --count 200 --format csv --timeline)
endif()
