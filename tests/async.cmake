# The async model (helper "async"): the generic run, spawning and the pipe
# transports as a unit test, then alog-async end to end, each case one
# ctest through tests/run_case.sh, its output verified by alog-check.
alog_add_unit(test_run ${CMAKE_CURRENT_SOURCE_DIR}/test_run.c LABELS async)
# ... and reads the async room's internals (src/async/pipes.h).
target_include_directories(test_run PRIVATE ${PROJECT_SOURCE_DIR}/src/async)
# test_run also drives the pipe transports on real producers.
set_property(TEST test_run APPEND PROPERTY
  ENVIRONMENT "ALOG_PRODUCER=$<TARGET_FILE:alog-producer>")
add_dependencies(test_run alog-producer)

set(A $<TARGET_FILE:alog-async>)

# ALOG_ASYNC_READERS (top CMakeLists.txt): the collectors built here,
# epoll, threads, and uring where liburing was found.

# Unthrottled: 4 producers x 20000 records, both wires x every collector.
foreach(readers ${ALOG_ASYNC_READERS})
  foreach(wire text binary)
    alog_add_case(async_flood_${readers}_${wire} LABELS async PROCESSORS 4
    CHECK --check "--producers 4 --count 20000" --stderr-over 5 --
      ${A} -n 4 --interval 0 --count 20000 --payload 64 --wire ${wire}
      --readers ${readers} --format csv --timeline)
  endforeach()
endforeach()

# Paced producers at three rates; every collector.
foreach(readers ${ALOG_ASYNC_READERS})
  alog_add_case(async_paced_${readers} LABELS async PROCESSORS 4
    CHECK --check "--producers 3 --count 20" --stderr-over 4 --
    ${A} --interval 0.002,0.001,0.005 --count 20 --readers ${readers}
    --format csv --timeline)
endforeach()

# The original's job shape (3 producers, intervals in ratio 2:1:10, 10
# records each), ten times faster; JSON and table formats too.
alog_add_case(async_default_shape LABELS async PROCESSORS 4
  CHECK --check "--producers 3 --count 10" --stderr-over 4 --
  ${A} --interval 0.02,0.01,0.1 --format csv)
alog_add_case(async_default_shape_table LABELS async PROCESSORS 4
  CHECK --lines "== report ==1" --lines "== timeline ==1" --stderr-over 4 --
  ${A} log --interval 0.02,0.01,0.1)

# Many producers on one loop.
alog_add_case(async_many_producers LABELS async PROCESSORS 4
  CHECK --check "--producers 64 --count 200" --stderr-over 65 --
  ${A} -n 64 --interval 0.001 --count 200 --wire binary --format csv
  --timeline)

# Oversubscription: the producers and the collector are busy processes;
# one more than the cores warns (header and stderr) as the other models do.
alog_add_case(async_env_oversubscribed LABELS async PROCESSORS ${ALOG_TEST_OVER}
  CHECK --check "--producers ${ALOG_TEST_CORES} --count 5"
  --lines "# oversubscribed=yes=1"
  --stderr-line "alog-async: warning: oversubscribed: ${ALOG_TEST_OVER} processes (producers and the collector) on ${ALOG_TEST_CORES} cores: they wait for a core, so rates and latencies include scheduling delays" --
  ${A} -n ${ALOG_TEST_CORES} --interval 0.001 --count 5 --format csv)
if(ALOG_TEST_CORES GREATER 1)
  math(EXPR fit "${ALOG_TEST_CORES} - 1")
  alog_add_case(async_env_not_oversubscribed LABELS async PROCESSORS ${ALOG_TEST_CORES}
    CHECK --check "--producers ${fit} --count 5" --lines "# oversubscribed=no=1"
    --lines "warning=0" --stderr-empty --
    ${A} -n ${fit} --interval 0.001 --count 5 --format csv)
endif()

# Foreign commands: each line is an event (an empty one too); CLOCK lines
# are kept verbatim (once in the records, once in the timeline; quoted).
foreach(readers ${ALOG_ASYNC_READERS})
  alog_add_case(async_exec_${readers} LABELS async PROCESSORS 4
    CHECK --check "--producers 3 --count 3 --foreign"
    --lines "\"Clock 1603450000000 from 12345\"=4"
    --lines "\"free, \"\"quoted\"\" text\"=2" --stderr-over 4 --
    ${A} --readers ${readers} --format csv --timeline
    --exec "printf 'Clock 1603450000000 from 12345\\nfree, \"quoted\" text\\nlast line, no newline'"
    --exec "printf 'Clock 1603450000000 from 12345\\n\\nx\\n'"
    --exec "seq 3")
endforeach()
alog_add_case(async_exec_volume LABELS async PROCESSORS 3
  CHECK --check "--producers 2 --count 20000 --foreign" --stderr-over 3 --
  ${A} --format csv --timeline --exec "seq 20000" --exec "yes | head -n 20000")

# --exec with --count N: each command is ended after N records the way the
# original ended its senders (SIGTERM to its process group, so a command's
# own children end too; what it wrote by then is still collected), and
# `expected` shows N.  Without the group kill `sleep 30` would hold the
# pipe open past the timeout.
foreach(readers ${ALOG_ASYNC_READERS})
  alog_add_case(async_exec_count_${readers} LABELS async PROCESSORS 3
    TIMEOUT 20
    CHECK --check "--producers 2 --foreign --min 10" --stderr-over 3
    --lines-re "^producer,[01],ok,0,[0-9]+,10,:2" --
    ${A} --readers ${readers} --format csv --count 10
    --exec "$<TARGET_FILE:alog-producer> --interval 0.01 --count 100000"
    --exec "seq 12 && sleep 30")
endforeach()
# --exec with --duration: every command is ended when it is over, ok.
alog_add_case(async_exec_duration LABELS async PROCESSORS 2 TIMEOUT 20
  CHECK --check "--producers 1 --foreign --min 5" --stderr-over 2
  --lines-re "^producer,0,ok,0,[0-9]+,0,:1" --
  ${A} --format csv --duration 0.5
  --exec "$<TARGET_FILE:alog-producer> --interval 0.01 --count 100000")

# A failing producer: reported (exit 1, 5 records), never dropped.
foreach(readers ${ALOG_ASYNC_READERS})
  alog_add_case(async_fail_after_${readers} LABELS async PROCESSORS 4
    CHECK --exit 3
    --check "--producers 4 --count 20 --short 3:5:exit"
    --lines "producer,3,exit,1,5,20,=1" --
    ${A} -n 4 --interval 0.001 --count 20 --fail-after 5
    --readers ${readers} --format csv --timeline)
endforeach()

# A producer killed by a signal, next to a normal one.
alog_add_case(async_killed LABELS async PROCESSORS 3
  CHECK --exit 3
  --check "--producers 2 --foreign --short 0:0:signal --short 1:2:ok"
  --lines "producer,0,signal,9,=1" --
  ${A} --format csv --timeline --exec "kill -9 $$" --exec "echo a && echo b")

# SIGINT mid-run: exit 130, the report has what was collected, no gap.
foreach(readers ${ALOG_ASYNC_READERS})
  alog_add_case(async_sigint_${readers} LABELS async PROCESSORS 4
    CHECK --exit 130 --sigint 1
    --check "--producers 3 --status stopped --interrupted --min 50" --
    ${A} -n 3 --interval 0.001 --count 1000000 --readers ${readers}
    --format csv --timeline)
endforeach()

# Bad input: one exact line on stderr, exit 2, nothing started or written.
alog_add_case(async_bad_option LABELS async PROCESSORS 1
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-async: unknown option '--frob' (see --help)"
  -- ${A} --frob)
alog_add_case(async_bad_count LABELS async PROCESSORS 1
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-async: --count '0': must be at least 1 (see --help)" --
  ${A} --count 0)
alog_add_case(async_bad_interval LABELS async PROCESSORS 1
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-async: --interval '-1': '-1' must be at least 0 (see --help)"
  -- ${A} --interval -1)
alog_add_case(async_bad_payload LABELS async PROCESSORS 1
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-async: --payload 'abc': must be an unsigned integer (see --help)"
  -- ${A} --payload abc)
alog_add_case(async_bad_readers LABELS async PROCESSORS 1
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-async: --readers 'poll': must be one of epoll|threads|uring (see --help)"
  -- ${A} --readers poll)
alog_add_case(async_too_many_producers LABELS async PROCESSORS 1
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-async: --producers '100': needs 116 open files, the limit is 64 (ulimit -n) (see --help)"
  -- sh -c "ulimit -n 64 && exec \"$0\" -n 100 --interval 0 --count 1" ${A})

alog_add_case(async_producers_vs_exec LABELS async PROCESSORS 1
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-async: --producers '2': --exec gives 1 producer(s), one per command (see --help)"
  -- ${A} -n 2 --exec "echo hi")

# The io_uring collector: its header keys and counters; its fallbacks
# forced (ALOG_TEST_URING, for testing only): single-shot reads as on a
# kernel without multishot ones, reads into the decoders as on one
# without buffer rings; and where io_uring is unavailable, one line that
# names the reason and suggests epoll, exit 1 (the machine's, not a
# usage error), nothing written.
if(ALOG_HAVE_URING)
  alog_add_case(async_uring_header LABELS async PROCESSORS 3
    CHECK --check "--producers 2 --count 20000"
    --header "uring_multishot=^(yes|no)$" --header "uring_reads=^(multishot|single)$"
    --header "uring_buffers=^8x262144$" --header "uring_taskrun=^(defer|coop|default)$"
    --lines-re "^kind,records,.*,uring_enters,uring_cqes,uring_enters_per_record,uring_cqes_per_record,:1"
    --stderr-over 3 --
    ${A} -n 2 --interval 0 --count 20000 --wire binary --readers uring
    --format csv --timeline)
  foreach(mode single direct)
    foreach(wire text binary)
      alog_add_case(async_uring_${mode}_${wire} LABELS async PROCESSORS 4
        ENV ALOG_TEST_URING=${mode}
        CHECK --hook-line "ALOG_TEST_URING=${mode}"
        --header "test_hooks=^ALOG_TEST_URING=${mode}$"
        --check "--producers 3 --count 10000" --header "uring_multishot=^no$"
        --header "uring_reads=^${mode}$" --stderr-over 4 --
        ${A} -n 3 --interval 0,0,0.0002 --count 10000 --payload 64
        --wire ${wire} --readers uring --format csv --timeline)
    endforeach()
  endforeach()
  alog_add_case(async_uring_unavailable LABELS async PROCESSORS 1
    ENV ALOG_TEST_URING=unavailable
    CHECK --exit 1 --stdout-empty --hook-line ALOG_TEST_URING=unavailable
    --stderr-line "alog-async: --readers uring: io_uring is unavailable here (io_uring_queue_init: Function not implemented), use --readers epoll" --
    ${A} -n 2 --interval 0.001 --count 5 --readers uring)
else()
  alog_add_case(async_uring_not_built LABELS async PROCESSORS 1
    CHECK --exit 2 --stdout-empty
    --stderr-line "alog-async: --readers 'uring': this alog was built without liburing (apt-get install liburing-dev, then rebuild), use --readers epoll" --
    ${A} -n 2 --interval 0.001 --count 5 --readers uring)
endif()

# The report file: complete, renamed into place, no temporary left.
alog_add_case(async_output_file LABELS async PROCESSORS 4
  CHECK --stderr-over 4 --file run.csv --check "--producers 3 --count 10" --
  ${A} -n 3 --interval 0.001 --count 10 --format csv --timeline
  --output @TMP@/run.csv)
alog_add_case(async_output_missing_dir LABELS async PROCESSORS 4
  CHECK --exit 1 --stdout-empty --tmp-empty --
  ${A} --interval 0.001 --count 3 --output @TMP@/no/such/dir/run.csv)
alog_add_case(async_output_full LABELS async PROCESSORS 4
  CHECK --exit 1 --
  ${A} --interval 0.001 --count 3 --output /dev/full)
alog_add_case(async_stdout_full LABELS async PROCESSORS 4
  CHECK --exit 1 --
  sh -c "exec \"$0\" --interval 0.001 --count 3 > /dev/full" ${A})

# --clock: producers stamp with the TSC where it is invariant (auto), the
# records stay CLOCK_MONOTONIC ns (alog-check: sched <= produce <= collect,
# produce times never back), paced and unthrottled; asked for by name on a
# CPU without an invariant TSC (a fake cpuinfo), one line and exit 2.
foreach(iv 0 0.001)
  alog_add_case(async_clock_auto_${iv} LABELS async PROCESSORS 3
    CHECK --check "--producers 2 --count 2000" --grep "^# stamp_clock=" --
    ${A} -n 2 --interval ${iv} --count 2000 --clock auto --wire binary
    --format csv --timeline)
endforeach()
set(NO_TSC ${CMAKE_CURRENT_BINARY_DIR}/cpuinfo-no-tsc)
file(WRITE ${NO_TSC} "processor\t: 0\nflags\t\t: fpu tsc constant_tsc msr\n")
alog_add_case(async_clock_tsc_refused LABELS async bad PROCESSORS 1
  ENV ALOG_CPUINFO=${NO_TSC}
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-async: --clock 'tsc': this CPU's TSC is not invariant (no constant_tsc and nonstop_tsc): use monotonic or auto (see --help)" --
  ${A} --clock tsc)
alog_add_case(async_clock_auto_fallback LABELS async PROCESSORS 3
  ENV ALOG_CPUINFO=${NO_TSC}
  CHECK --hook-line "ALOG_CPUINFO=${NO_TSC}" --check "--producers 2 --count 50"
  --header "stamp_clock=^CLOCK_MONOTONIC \\(auto: no invariant TSC\\)$" --
  ${A} -n 2 --interval 0.001 --count 50 --clock auto --format csv --timeline)
alog_add_case(async_clock_bad LABELS async bad PROCESSORS 1
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-async: --clock 'rdtsc': must be one of monotonic|tsc|auto (see --help)" --
  ${A} --clock rdtsc)
