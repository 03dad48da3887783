# Faults and bad input (label `faults`, with the area of each case): what
# a hostile producer, a full disk or a bad option does, each case asserting
# the report's content or the exact message, and the exit status.  The
# collectors' own faults (stalls, memory, signals, dead ranks) are in their
# areas' fragments under the same label.
set(A $<TARGET_FILE:alog-async>)
set(EXTREME ${CMAKE_CURRENT_SOURCE_DIR}/faults/extreme_producer.sh)

# alog's own wire (both encodings) with times at the ends of int64, from a
# stand-in producer: every difference saturates (no wrap to a small or
# negative value), the records are all there, the status is ok.  Record
# times count from the schedule start (a time > 0): INT64_MIN saturates,
# INT64_MAX less it stays a large positive number.
foreach(wire text binary)
  alog_add_case(faults_extreme_times_${wire} LABELS faults async PROCESSORS 2
    ENV ALOG_PRODUCER=${EXTREME}
    CHECK --hook-line "ALOG_PRODUCER=${EXTREME}" --stderr-empty
    --lines-re "^record,0,0,-9223372036854775808,92233[0-9]{14},-?[0-9]+,:1"
    --lines-re "^record,0,1,92233[0-9]{14},-9223372036854775808,-?[0-9]+,:1"
    --lines-re "^producer,0,ok,0,3,3,0,1000,0,-1,9223372036854775807,9223372036854775807,[1-9][0-9]*,9223372036854775807,9223372036854775807,0,0,0,0,[0-9]+,:1"
    --
    ${A} -n 1 --count 3 --interval 0.001 --wire ${wire} --format csv
    --timeline)
endforeach()

# Foreign lines at the ends of int64: the clock value is kept exactly; one
# past the end is no integer (a plain event, not parsed).
alog_add_case(faults_extreme_foreign LABELS faults async PROCESSORS 2
  CHECK --stderr-empty
  --lines-re "^record,0,0,0,0,0,41,-9223372036854775808,:1"
  --lines-re "^record,0,1,[0-9]+,[0-9]+,[0-9]+,22,,:1"
  --lines-re "^producer,0,ok,0,2,0,0,0,[0-9.]+,0,0,0,0,0,0,0,0,0,1,63,:1" --
  ${A} --format csv --timeline
  --exec "echo -9223372036854775808 9223372036854775807 && echo 9223372036854775808 1")

# Bad numbers (the number rule: decimal only, every option) and a rate the
# producer would refuse: one line naming the value, exit 2, nothing run.
alog_add_case(faults_rate_below_one_a_day LABELS faults async PROCESSORS 1
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-async: --rate '1e-5': must be at least 1.15741e-05 (see --help)"
  -- ${A} --rate 1e-5 --count 2)
alog_add_case(faults_hex_rate LABELS faults async PROCESSORS 1
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-async: --rate '0x10': must be a decimal number (see --help)"
  -- ${A} --rate 0x10 --count 2)
alog_add_case(faults_hex_count LABELS faults async PROCESSORS 1
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-async: --count '0x10': must be an unsigned integer (see --help)"
  -- ${A} --count 0x10)
alog_add_case(faults_hex_producer LABELS faults async PROCESSORS 1
  CHECK --exit 2 --stdout-empty
  --stderr-line "alog-producer: --interval '0x1': '0x1' must be a decimal number (see --help)"
  -- $<TARGET_FILE:alog-producer> --interval 0x1)
# The lowest rate accepted runs: its interval reaches the producer intact
# (one record, then the count ends it).
alog_add_case(faults_rate_one_a_day LABELS faults async PROCESSORS 2
  CHECK --stderr-empty --lines-re "^producer,0,ok,0,1,1,:1"
  -- ${A} -n 1 --rate 1.15741e-05 --count 1 --format csv)

# Messages that say what failed: the file (or object), the call, errno.
# A full disk: the report file named, with strerror; no temporary left.
alog_add_case(faults_report_disk_full LABELS faults report PROCESSORS 2
  CHECK --exit 1 --stdout-empty
  --stderr-line "alog-async: cannot write the report to /dev/full: No space left on device"
  -- ${A} -n 1 --interval 0.001 --count 3 --output /dev/full)
alog_add_case(faults_stdout_full LABELS faults report PROCESSORS 2
  CHECK --exit 1
  --stderr-line "alog-async: cannot write the report to stdout: No space left on device"
  -- sh -c "exec \"$0\" -n 1 --interval 0.001 --count 3 > /dev/full" ${A})
alog_add_case(faults_stdout_closed LABELS faults report PROCESSORS 2
  CHECK --exit 1
  --stderr-line "alog-async: cannot write the report to stdout: Bad file descriptor"
  -- sh -c "exec \"$0\" -n 1 --interval 0.001 --count 3 >&-" ${A})
alog_add_case(faults_primes_stdout_full LABELS faults primes PROCESSORS 2
  CHECK --exit 1
  --stderr-line "alog-async: cannot write the report to stdout: No space left on device"
  -- sh -c "exec \"$0\" primes -P 2 --no-baseline --number 1000003 > /dev/full" ${A})
# --help and --version that cannot reach stdout are errors, not exit 0.
foreach(what help version)
  alog_add_case(faults_${what}_stdout_closed LABELS faults core PROCESSORS 1
    CHECK --exit 1
    --stderr-line "alog-async: cannot write --${what} to stdout: Bad file descriptor"
    -- sh -c "exec \"$0\" --${what} >&-" ${A})
endforeach()
alog_add_case(faults_version_stdout_full LABELS faults core PROCESSORS 1
  CHECK --exit 1
  --stderr-line "alog-producer: cannot write --version to stdout: No space left on device"
  -- sh -c "exec \"$0\" --version > /dev/full" $<TARGET_FILE:alog-producer>)
# Too few file descriptors for the primes processes: the call and errno.
alog_add_case(faults_primes_fd_limit LABELS faults primes PROCESSORS 2
  CHECK --exit 1 --stdout-empty
  --stderr-line "alog-async: primes: pipe2: Too many open files"
  -- sh -c "ulimit -n 12 && exec \"$0\" primes --processes -P 8 --no-baseline --number 1000003" ${A})
# A producer program that cannot be executed: which, the call and errno.
set(NOT_A_PROGRAM ${CMAKE_CURRENT_SOURCE_DIR}/faults/not_a_program)
alog_add_case(faults_producer_not_a_program LABELS faults async PROCESSORS 1
  ENV ALOG_PRODUCER=${NOT_A_PROGRAM}
  CHECK --exit 1 --stdout-empty --hook-line "ALOG_PRODUCER=${NOT_A_PROGRAM}"
  --stderr-line "alog-async: cannot start producer 0 (${NOT_A_PROGRAM}): posix_spawn: Exec format error"
  -- ${A} -n 1 --count 1)
