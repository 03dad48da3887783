# Faults (label "faults"): what a stopped, killed or silent producer, a
# hang-up or a memory limit does to a run.  Every case asserts the report
# (records kept, each producer's status) and the exit status; none may
# hang (each has a timeout well below ctest's).
set(A $<TARGET_FILE:alog-async>)

# A producer stopped with SIGSTOP: silent past --stall-timeout (default
# 5 s here), it is reported stalled with every record it sent, the others
# go on to their end, exit 3.  Both by count and by duration.
foreach(readers ${ALOG_ASYNC_READERS})
  alog_add_case(faults_stall_count_${readers} LABELS faults async PROCESSORS 3
    TIMEOUT 40
    CHECK --exit 3 --fault "0.5 STOP args:alog-producer --id 1 "
    --check "--producers 2 --count 500 --short 1:*:stalled"
    --lines-re "^producer,0,ok,0,500,500,:1" --lines-re "^producer,1,stalled,0,:1" --
    ${A} -n 2 --interval 0.01 --count 500 --readers ${readers} --format csv
    --timeline)
  alog_add_case(faults_stall_duration_${readers} LABELS faults async
    PROCESSORS 4 TIMEOUT 40
    CHECK --exit 3 --fault "0.5 STOP args:alog-producer --id 1 "
    --check "--producers 3 --short 1:*:stalled"
    --lines-re "^producer,[02],ok,0,3000,:2" --lines-re "^producer,1,stalled,0,:1" --
    ${A} -n 3 --rate 1000 --duration 3 --readers ${readers} --format csv
    --timeline)
endforeach()
# With --stall-timeout 0 the collector still ends a run by --duration:
# one second after it, a producer that has not ended is cut off.
alog_add_case(faults_duration_enforced LABELS faults async PROCESSORS 3
  TIMEOUT 40
  CHECK --exit 3 --fault "0.5 STOP args:alog-producer --id 1 "
  --check "--producers 2 --short 1:*:stalled"
  --lines-re "^producer,0,ok,0,2000,:1" --lines-re "^producer,1,stalled,0,:1"
  --grep "^total," --
  ${A} -n 2 --rate 1000 --duration 2 --stall-timeout 0 --format csv --timeline)
# A command's silence is its own business unless --stall-timeout says so.
alog_add_case(faults_exec_silent_ok LABELS faults async PROCESSORS 2 TIMEOUT 30
  CHECK --check "--producers 1 --foreign --count 1" --stderr-empty --
  ${A} --format csv --timeline --exec "sleep 3 && echo 1 2")
alog_add_case(faults_exec_stall_timeout LABELS faults async PROCESSORS 3
  TIMEOUT 30
  CHECK --exit 3 --check "--producers 2 --foreign --short 0:1:stalled --short 1:3:ok"
  --stderr-grep "^alog-async: producer 0 \\(pid [0-9]+\\) silent for 0\\.[5-9] s \\(--stall-timeout\\): cut off as stalled, 1 records kept$" --
  ${A} --format csv --timeline --stall-timeout 0.5
  --exec "echo 1 2 && sleep 20" --exec "seq 3")

# MPI: a producer rank stopped with SIGSTOP is cut off by rank 0 after
# --stall-timeout; rank 0 reports every record that came and ends the job
# with MPI_Abort (exit 3), as nothing collective can end with it.  The
# report goes to a file (-o): mpirun stops forwarding stdout once a job
# is being ended.
if(ALOG_HAVE_MPI)
  set(M $<TARGET_FILE:alog-mpi>)
  math(EXPR dur "${ALOG_FAULT_WAIT} + 2")
  math(EXPR all "${dur} * 1000")
  # mpirun kills what is left 1 s after its SIGTERM; a sanitizer build
  # writes its report more slowly than that.
  set(slow_kill)
  if(ALOG_SANITIZE)
    set(slow_kill MPI_ARGS --mca odls_base_sigkill_timeout 10)
  endif()
  foreach(collect async blocking)
    alog_add_case(faults_mpi_stall_${collect} LABELS faults mpi MPI 3 TIMEOUT 60
      CHECK --exit 3 --fault "${ALOG_FAULT_WAIT} STOP rank:2"
      --file run.csv --check "--producers 2 --short 1:*:stalled"
      --lines-re "^producer,0,ok,0,${all},:1" --lines-re "^producer,1,stalled,0,:1"
      --stderr-grep "^alog-mpi: rank 2 silent for [0-9.]+ s \\(--stall-timeout\\): cut off as stalled, [0-9]+ records kept$"
      -- ${M} --rate 1000 --duration ${dur} --collect ${collect} --format csv
      --stall-timeout 1 --timeline -o @TMP@/run.csv)
  endforeach()
  # A producer rank killed (SIGKILL): mpirun ends the job (SIGTERM to the
  # others, SIGKILL 1 s later; its own exit status 137); rank 0 cuts the
  # dead rank off 0.3 s after its stop and reports in time: what came, the
  # dead rank stalled, the other stopped, interrupted.
  alog_add_case(faults_mpi_rank_killed LABELS faults mpi MPI 3 TIMEOUT 60
    ${slow_kill}
    CHECK --exit 137 --fault "${ALOG_FAULT_WAIT} KILL rank:2" --file run.csv
    --check "--producers 2 --short 0:*:stopped --short 1:*:stalled --interrupted"
    -- ${M} --rate 1000 --duration 30 --format csv --timeline -o @TMP@/run.csv)
endif()

# Memory: collecting stops at --max-memory (or when memory runs out), the
# report of what was kept is written whole, exit 1, the message says what
# happened.  Every model.
alog_add_case(faults_max_memory_async LABELS faults async PROCESSORS 3
  TIMEOUT 60
  CHECK --exit 1 --file run.csv --lines-re "^producer,[01],stopped,0,:2"
  --header "collect_stopped=^--max-memory 16 MiB reached after [0-9]+ records"
  --stderr-grep "^alog-async: --max-memory 16 MiB reached after [0-9]+ records: collecting stopped, the report shows them$" --
  ${A} -n 2 --interval 0 --count 100000000 --max-memory 16 --format csv -q
  -o @TMP@/run.csv)
alog_add_case(faults_max_memory_threads LABELS faults async PROCESSORS 3
  TIMEOUT 60
  CHECK --exit 1 --file run.csv --lines-re "^producer,[01],stopped,0,:2"
  --header "collect_stopped=^--max-memory 16 MiB" --
  ${A} -n 2 --interval 0 --count 100000000 --max-memory 16 --readers threads
  --format csv -q -o @TMP@/run.csv)
if(ALOG_HAVE_OPENMP)
  alog_add_case(faults_max_memory_omp LABELS faults omp PROCESSORS 2 TIMEOUT 60
    CHECK --exit 1 --lines-re "^producer,[01],short,0,:2"
    --header "collect_stopped=^--max-memory 16 MiB" --
    $<TARGET_FILE:alog-omp> -n 2 --interval 0 --count 100000000 --collect none
    --max-memory 16 --format csv -q)
endif()
if(ALOG_HAVE_MPI)
  alog_add_case(faults_max_memory_mpi LABELS faults mpi MPI 3 TIMEOUT 60
    CHECK --exit 1 --file run.csv --lines-re "^producer,[01],stopped,0,:2"
    --header "collect_stopped=^--max-memory 16 MiB" --
    ${M} --interval 0 --count 100000000 --max-memory 16 --format csv -q
    -o @TMP@/run.csv)
endif()
# A real out-of-memory (address space limit; not under sanitizers, whose
# shadow memory needs far more): the same clean stop.
if(NOT ALOG_SANITIZE)
  foreach(readers ${ALOG_ASYNC_READERS})
    alog_add_case(faults_oom_${readers} LABELS faults async PROCESSORS 3
      TIMEOUT 60
      CHECK --exit 1 --lines-re "^producer,[01],(short|stopped),0,:2"
      --header "collect_stopped=^out of memory after [0-9]+ records"
      --stderr-grep "^alog-async: out of memory after [0-9]+ records: collecting stopped, the report shows them$"
      -- sh -c "ulimit -v 400000 && exec \"$0\" \"$@\"" ${A} -n 2 --interval 0
      --count 100000000 --readers ${readers} --format csv -q)
  endforeach()
endif()

# SIGHUP ends a run like SIGTERM: the report of what came, exit 130, no
# temporary file beside the -o target.
alog_add_case(faults_sighup LABELS faults async PROCESSORS 3 TIMEOUT 30
  CHECK --exit 130 --fault "1 HUP self" --file run.csv
  --check "--producers 2 --status stopped --interrupted --min 50" --
  ${A} -n 2 --interval 0.001 --count 1000000 --format csv --timeline
  -o @TMP@/run.csv)

# An interrupt ends every descendant of an --exec command (its process
# group is signalled, TERM then KILL): no `sleep` outlives the run.
alog_add_case(faults_exec_no_orphans LABELS faults async PROCESSORS 2 TIMEOUT 30
  CHECK --exit 0 --fault "1 INT args:^[^ ]*alog-async "
  --lines-re "^producer,0,stopped,[0-9]+,1,:1" --lines-re "^status=130$:1"
  --lines-re "^orphans=0$:1" --
  sh -c "\"$0\" --format csv --exec 'echo 5 6 && sleep 21.4321' || echo status=$? && echo orphans=$(pgrep -cf '^sleep 21[.]4321')"
  ${A})
