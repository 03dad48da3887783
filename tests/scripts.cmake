# The scripts' statistics (scripts/alog_stats.py), tested as a Python
# unittest; registered only where a Python 3 interpreter is found (the
# sanitizer CI images have none).
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME scripts_alog_stats
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/test_alog_stats.py)
  # No __pycache__ written into the source tree.
  set_tests_properties(scripts_alog_stats PROPERTIES
    LABELS "unit;scripts" PROCESSORS 1 TIMEOUT 60
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
else()
  message(STATUS "python3 not found: the scripts_alog_stats test is not registered")
endif()

# alog-ref-pipe, the pipe references of bench-async: raw bandwidth, and a
# producer's ceiling into a pipe (-- CMD: CMD's stdout on the pipe).
set(RP $<TARGET_FILE:alog-ref-pipe>)
alog_add_case(ref_pipe_raw LABELS scripts PROCESSORS 2
  CHECK --grep "^# bytes=1048576$" --grep "^# bytes_per_s=[0-9]+$"
  -- ${RP} --bytes 1048576)
alog_add_case(ref_pipe_producer LABELS scripts PROCESSORS 2
  CHECK --grep "^# bytes=64000$" --grep "^# bytes_per_s=[0-9]+$"
  -- ${RP} -- $<TARGET_FILE:alog-producer> --id 0 --interval 0 --count 1000
     --payload 64 --wire binary)
alog_add_case(ref_pipe_producer_missing LABELS scripts bad PROCESSORS 1
  CHECK --exit 1 --stderr-line "alog-ref-pipe: /nonexistent/cmd: No such file or directory"
  -- ${RP} -- /nonexistent/cmd)
alog_add_case(ref_pipe_bad_bytes LABELS scripts bad PROCESSORS 1
  CHECK --exit 2 --stdout-empty
        --stderr-line "alog-ref-pipe: --bytes '0': must be a positive integer"
  -- ${RP} --bytes 0)
