# The async model (helper "async"): the generic run, spawning and the pipe
# transports as a unit test, then alog-async end to end, each case one
# ctest through tests/run_case.sh, its output verified by alog-check.
alog_add_unit(test_run ${CMAKE_CURRENT_SOURCE_DIR}/test_run.c LABELS async)
# test_run also drives the pipe transports on real producers.
set_tests_properties(test_run PROPERTIES
  ENVIRONMENT "ALOG_PRODUCER=$<TARGET_FILE:alog-producer>")
add_dependencies(test_run alog-producer)

set(ALOG_RUN_CASE ${CMAKE_CURRENT_SOURCE_DIR}/run_case.sh)

# alog_async_case(name TIMEOUT seconds ARGS run_case-options... -- command...)
function(alog_async_case name)
  cmake_parse_arguments(C "" "TIMEOUT" "" ${ARGN})
  if(NOT C_TIMEOUT)
    set(C_TIMEOUT 30)
  endif()
  add_test(NAME async_${name}
           COMMAND sh ${ALOG_RUN_CASE} ${C_UNPARSED_ARGUMENTS})
  set_tests_properties(async_${name} PROPERTIES
    TIMEOUT ${C_TIMEOUT}
    LABELS "integration;async"
    ENVIRONMENT "ALOG_CHECK=$<TARGET_FILE:alog-check>")
endfunction()

set(A $<TARGET_FILE:alog-async>)

# Unthrottled: 4 producers x 20000 records, both wires x both collectors.
foreach(readers epoll threads)
  foreach(wire text binary)
    alog_async_case(flood_${readers}_${wire}
      -k "--producers 4 --count 20000" -E --
      ${A} -n 4 --interval 0 --count 20000 --payload 64 --wire ${wire}
      --readers ${readers} --format csv --timeline)
  endforeach()
endforeach()

# Paced producers at three rates; both collectors.
foreach(readers epoll threads)
  alog_async_case(paced_${readers}
    -k "--producers 3 --count 20" -E --
    ${A} --interval 0.002,0.001,0.005 --count 20 --readers ${readers}
    --format csv --timeline)
endforeach()

# The original's job shape (3 producers, intervals in ratio 2:1:10, 10
# records each), ten times faster; JSON and table formats too.
alog_async_case(default_shape
  -k "--producers 3 --count 10" -E --
  ${A} --interval 0.02,0.01,0.1 --format csv)
alog_async_case(default_shape_table
  -g "== report ==1" -g "== timeline ==1" -E --
  ${A} log --interval 0.02,0.01,0.1)

# Many producers on one loop.
alog_async_case(many_producers
  -k "--producers 64 --count 200" -E --
  ${A} -n 64 --interval 0.001 --count 200 --wire binary --format csv
  --timeline)

# Foreign commands: each line is an event (an empty one too); CLOCK lines
# are kept verbatim (once in the records, once in the timeline; quoted).
foreach(readers epoll threads)
  alog_async_case(exec_${readers}
    -k "--producers 3 --count 3 --foreign"
    -g "\"Clock 1603450000000 from 12345\"=4"
    -g "\"free, \"\"quoted\"\" text\"=2" -E --
    ${A} --readers ${readers} --format csv --timeline
    --exec "printf 'Clock 1603450000000 from 12345\\nfree, \"quoted\" text\\nlast line, no newline'"
    --exec "printf 'Clock 1603450000000 from 12345\\n\\nx\\n'"
    --exec "seq 3")
endforeach()
alog_async_case(exec_volume
  -k "--producers 2 --count 20000 --foreign" -E --
  ${A} --format csv --timeline --exec "seq 20000" --exec "yes | head -n 20000")

# A failing producer: reported (exit 1, 5 records), never dropped.
foreach(readers epoll threads)
  alog_async_case(fail_after_${readers} -x 3
    -k "--producers 4 --count 20 --short 3:5:exit"
    -g "producer,3,exit,1,5,20,=1" --
    ${A} -n 4 --interval 0.001 --count 20 --fail-after 5
    --readers ${readers} --format csv --timeline)
endforeach()

# A producer killed by a signal, next to a normal one.
alog_async_case(killed -x 3
  -k "--producers 2 --foreign --short 0:0:signal --short 1:2:ok"
  -g "producer,0,signal,9,=1" --
  ${A} --format csv --timeline --exec "kill -9 $$" --exec "echo a && echo b")

# SIGINT mid-run: exit 130, the report has what was collected, no gap.
foreach(readers epoll threads)
  alog_async_case(sigint_${readers} -x 130 -i 1
    -k "--producers 3 --status stopped --interrupted --min 50" --
    ${A} -n 3 --interval 0.001 --count 1000000 --readers ${readers}
    --format csv --timeline)
endforeach()

# Bad input: one exact line on stderr, exit 2, nothing started or written.
alog_async_case(bad_option -x 2 -z
  -e "alog-async: unknown option '--frob' (see --help)" -- ${A} --frob)
alog_async_case(bad_count -x 2 -z
  -e "alog-async: --count '0': must be at least 1 (see --help)" --
  ${A} --count 0)
alog_async_case(bad_interval -x 2 -z
  -e "alog-async: --interval '-1': '-1' must be at least 0 (see --help)" --
  ${A} --interval -1)
alog_async_case(bad_payload -x 2 -z
  -e "alog-async: --payload 'abc': must be an unsigned integer (see --help)"
  -- ${A} --payload abc)
alog_async_case(bad_readers -x 2 -z
  -e "alog-async: --readers 'poll': must be one of epoll|threads (see --help)"
  -- ${A} --readers poll)
alog_async_case(too_many_producers -x 2 -z
  -e "alog-async: --producers '100': needs 116 open files, the limit is 64 (ulimit -n) (see --help)"
  -- sh -c "ulimit -n 64 && exec \"$0\" -n 100 --interval 0 --count 1" ${A})

alog_async_case(producers_vs_exec -x 2 -z
  -e "alog-async: --producers '2': --exec gives 1 producer(s), one per command (see --help)"
  -- ${A} -n 2 --exec "echo hi")

# The report file: complete, renamed into place, no temporary left.
alog_async_case(output_file -E -f run.csv -k "--producers 3 --count 10" --
  ${A} -n 3 --interval 0.001 --count 10 --format csv --timeline
  --output @TMP@/run.csv)
alog_async_case(output_missing_dir -x 1 -z -F --
  ${A} --interval 0.001 --count 3 --output @TMP@/no/such/dir/run.csv)
alog_async_case(output_full -x 1 --
  ${A} --interval 0.001 --count 3 --output /dev/full)
alog_async_case(stdout_full -x 1 --
  sh -c "exec \"$0\" --interval 0.001 --count 3 > /dev/full" ${A})
