# The original model's references (scripts/ref/orig_*.py: the sender, the
# main app with its reader threads or its asyncio loop, the asyncio primes)
# and the core-to-core probe (alog-ref-c2c).  The logger's reports are
# checked by alog-check like alog's own (records 0..K-1 per producer in
# order, sched <= produce <= collect, the timeline, statuses, totals),
# plus their header keys, the producer and total columns, window_s > 0
# and collected_ratio in [0.9, 1.1] for a light paced run (times are never
# asserted); the primes' answers against alog's serial one.  The Python
# cases are registered only where a Python 3 interpreter is found.

# ---- alog-ref-c2c ----------------------------------------------------------
set(C2C $<TARGET_FILE:alog-ref-c2c>)
set(c2c_num "([0-9]+\\.[0-9]|nan)")
alog_add_case(ref_c2c LABELS scripts PROCESSORS 2
  CHECK --stderr-empty --lines-re "^# c2c_cpus=[0-9]+(,[0-9]+)?$:1"
        --lines-re "^# c2c_ns=${c2c_num}$:1"
        --lines-re "^# c2c_p10_ns=${c2c_num}$:1"
        --lines-re "^# c2c_p90_ns=${c2c_num}$:1"
  -- ${C2C} --rounds 5000)
# One usable CPU (the first of the mask, whatever it is): no pair, nan.
find_program(TASKSET taskset)
if(TASKSET)
  alog_add_case(ref_c2c_one_cpu LABELS scripts PROCESSORS 1
    CHECK --stderr-empty --lines-re "^# c2c_cpus=[0-9]+$:1"
          --lines "# c2c_ns=nan=1" --lines "# c2c_note=one cpu=1"
    -- bash -c [=[cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status) && exec "$1" -c "${cpus%%[,-]*}" "$0"]=]
       ${C2C} ${TASKSET})
endif()
alog_add_case(ref_c2c_bad_rounds LABELS scripts bad PROCESSORS 1
  CHECK --exit 2 --stdout-empty --stderr-line
  "alog-ref-c2c: --rounds '0': must be a whole number from 1 to 100000000"
  -- ${C2C} --rounds 0)
alog_add_case(ref_c2c_bad_cpus LABELS scripts bad PROCESSORS 1
  CHECK --exit 2 --stdout-empty --stderr-line
  "alog-ref-c2c: --cpus '0,0': must be two different CPUs"
  -- ${C2C} --cpus 0,0)

find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(STATUS "python3 not found: the orig_* reference tests are not registered")
  return()
endif()
set(REF_DIR ${PROJECT_SOURCE_DIR}/scripts/ref)
set(PY ${Python3_EXECUTABLE})
set(PY_ENV "PYTHONDONTWRITEBYTECODE=1")

# ---- orig_sender.py ----------------------------------------------------------
alog_add_case(orig_sender_lines LABELS scripts PROCESSORS 1 ENV ${PY_ENV}
  CHECK --stderr-empty --lines-re "^Clock [0-9]+\\.[0-9]{3} from [0-9]+ xxx$:5"
        --lines-re ".:5"
  -- ${PY} ${REF_DIR}/orig_sender.py --interval 0.002 --count 5 --payload 3)
alog_add_case(orig_sender_bad_interval LABELS scripts bad PROCESSORS 1
  ENV ${PY_ENV}
  CHECK --exit 2 --stdout-empty --stderr-line
  "orig_sender.py: --interval 'x': must be a number of seconds >= 0"
  -- ${PY} ${REF_DIR}/orig_sender.py --interval x --count 1)

# ---- orig_logger.py ----------------------------------------------------------
# The columns of alog's producer rows (with lost) and of the total row.
set(ORIG_PRODUCER_COLS "kind,producer,status,code,records,expected,lost,target_hz,achieved_hz,late_p50_ns,late_p99_ns,late_max_ns,lat_p50_ns,lat_p99_ns,lat_max_ns,gaps,dups,malformed,parsed,bytes,where")
set(ORIG_TOTAL_COLS "kind,records,bytes,wall_s,cpu_s,records_per_s,bytes_per_s,peak_rss_bytes,list_bytes,interrupted,startup_s,window_s,drain_s,teardown_s,offered_per_s,collected_ratio,expected,lost,collector_cpu_s,producers_cpu_s")
# In the total row (columns as above): window_s (the 12th) > 0 and
# collected_ratio (the 16th) from 0.9 to 1.1.
set(ORIG_WINDOW "^total,([^,]*,){10}(0\\.[0-9]*[1-9]|[1-9][0-9]*\\.)[0-9]*,")
set(ORIG_RATIO "^total,([^,]*,){14}(0\\.9[0-9]*|1|1\\.0[0-9]*|1\\.10*),")

# orig_logger_case(name mode checks...): 3 senders x 100 Hz x 50 records,
# the report checked whole, its keys, columns, window and ratio.
function(orig_logger_case name mode)
  alog_add_case(${name} LABELS scripts PROCESSORS 4 ENV ${PY_ENV}
    CHECK --stderr-empty
          --check "--producers 3 --count 50"
          --header alog=^orig_logger\\.py$ --header model=^python$
          --header mode=^${mode}$ --header job=^log$
          --header clock=^CLOCK_MONOTONIC$ --header host=.
          --header cores=^[0-9]+$ --header pid=^[0-9]+$
          --header started=^[0-9-]+T[0-9:]+Z$ --header producers=^3$
          --header intervals=^rate=100$ --header count=^50$
          --header duration=^0$ --header payload=^8$
          --header phase=^spread$ --header format=^csv$
          --header readers=^${mode}$ --header wire=^text$
          --lines-re "^producer,[0-2],ok,0,50,50,0,100,:3"
          --lines "${ORIG_PRODUCER_COLS}=1" --lines "${ORIG_TOTAL_COLS}=1"
          --lines-re "^total,150,:1"
          --lines-re "${ORIG_WINDOW}:1" --lines-re "${ORIG_RATIO}:1"
          ${ARGN}
    -- ${PY} ${REF_DIR}/orig_logger.py -n 3 --rate 100 --count 50
       --payload 8 --mode ${mode} --format csv --timeline)
endfunction()
orig_logger_case(orig_logger_threads threads)
orig_logger_case(orig_logger_asyncio asyncio)

# By time: 2 senders x 100 Hz for 0.3 s is 30 records each (the second's
# phase is 5 ms), the expected column the schedule's count.
alog_add_case(orig_logger_duration LABELS scripts PROCESSORS 3 ENV ${PY_ENV}
  CHECK --stderr-empty --check "--producers 2 --count 30"
        --header duration=^0\\.3$ --header count=^0$
        --lines-re "^producer,[01],ok,0,30,30,0,:2"
        --lines-re "${ORIG_WINDOW}:1" --lines-re "${ORIG_RATIO}:1"
  -- ${PY} ${REF_DIR}/orig_logger.py -n 2 --rate 100 --duration 0.3
     --mode asyncio --format csv --timeline)

# SIGINT: exit 130 with what was collected, every sender stopped.
alog_add_case(orig_logger_sigint LABELS scripts PROCESSORS 3 ENV ${PY_ENV}
  CHECK --sigint 2 --exit 130
        --check "--producers 2 --status stopped --interrupted"
  -- ${PY} ${REF_DIR}/orig_logger.py -n 2 --rate 20 --count 1000
     --format csv --timeline)
# Sender 0 killed (its argv alone has --phase-ns 0): reported 'signal'
# (code 9) with the records it sent; sender 1 runs to its count; exit 3.
alog_add_case(orig_logger_killed LABELS scripts PROCESSORS 3 ENV ${PY_ENV}
  CHECK --fault "1 KILL args:orig_sender\\.py .*--phase-ns 0 " --exit 3
        --check "--producers 2 --count 40 --short 0:*:signal"
        --lines-re "^producer,0,signal,9,:1"
        --lines-re "^producer,1,ok,0,40,40,0,:1"
  -- ${PY} ${REF_DIR}/orig_logger.py -n 2 --rate 20 --count 40
     --mode asyncio --format csv --timeline)

# Bad input: one line, exit 2, nothing started.
alog_add_case(orig_logger_bad_rate LABELS scripts bad PROCESSORS 1
  ENV ${PY_ENV}
  CHECK --exit 2 --stdout-empty --stderr-line
  "orig_logger.py: --rate 'x': must be a decimal number (see --help)"
  -- ${PY} ${REF_DIR}/orig_logger.py --rate x)
alog_add_case(orig_logger_bad_mode LABELS scripts bad PROCESSORS 1
  ENV ${PY_ENV}
  CHECK --exit 2 --stdout-empty --stderr-line
  "orig_logger.py: --mode 'gevent': use threads or asyncio (see --help)"
  -- ${PY} ${REF_DIR}/orig_logger.py --mode gevent)
alog_add_case(orig_logger_bad_producers LABELS scripts bad PROCESSORS 1
  ENV ${PY_ENV}
  CHECK --exit 2 --stdout-empty --stderr-line
  "orig_logger.py: --producers '0': must be at least 1 (see --help)"
  -- ${PY} ${REF_DIR}/orig_logger.py -n 0)

# ---- orig_primes.py ----------------------------------------------------------
# The answer against alog's serial one (run_case --primes), the divisor in
# the part that found it; STOPPED: the other parts stopped early.
set(PRIMES ${PY} ${REF_DIR}/orig_primes.py)
set(A $<TARGET_FILE:alog-async>)
set(ORIG_PRIMES_HEAD --header alog=^orig_primes\\.py$ --header model=^python$
    --header job=^primes$ --header schedule=^static$ --header kernel=^div$)
alog_add_case(orig_primes_prime LABELS scripts primes PROCESSORS 1
  ENV ${PY_ENV}
  CHECK --stderr-empty ${ORIG_PRIMES_HEAD} --header parts=^3$
        --header number=^1000000000039$
        --primes ${A} "--number 1000000000039"
  -- ${PRIMES} --number 1000000000039 -P 3)
# 1000003 x 1000033: the divisor near the end of part 1 of 2.
alog_add_case(orig_primes_composite LABELS scripts primes PROCESSORS 1
  ENV ${PY_ENV}
  CHECK --stderr-empty ${ORIG_PRIMES_HEAD} --header parts=^2$
        --primes ${A} "--number 1000036000099"
  -- ${PRIMES} --number 1000036000099 -P 2)
# 101 x 9901: part 0 finds 101 in its first chunk, the other three stop.
alog_add_case(orig_primes_stopped LABELS scripts primes PROCESSORS 1
  ENV ${PY_ENV}
  CHECK --stderr-empty --primes ${A} "--number 1000001" --stopped
  -- ${PRIMES} --number 1000001 -P 4)
alog_add_case(orig_primes_serial LABELS scripts primes PROCESSORS 1
  ENV ${PY_ENV}
  CHECK --stderr-empty --header mode=^serial$
        --primes ${A} "--number 1000001" --stopped
  -- ${PRIMES} --number 1000001 -P 4 --mode serial)
alog_add_case(orig_primes_sigint LABELS scripts primes PROCESSORS 1
  ENV ${PY_ENV}
  CHECK --sigint 1 --exit 130
        --lines-re "^result,number,18446744073709551557,,,4,static,div,unknown,.*,1$:1"
  -- ${PRIMES} --number 18446744073709551557 -P 4)
alog_add_case(orig_primes_bad_number LABELS scripts primes bad PROCESSORS 1
  ENV ${PY_ENV}
  CHECK --exit 2 --stdout-empty --stderr-line
  "orig_primes.py: --number 'x': must be an unsigned integer (see --help)"
  -- ${PRIMES} --number x)
alog_add_case(orig_primes_bad_parts LABELS scripts primes bad PROCESSORS 1
  ENV ${PY_ENV}
  CHECK --exit 2 --stdout-empty --stderr-line
  "orig_primes.py: --parts '2': more parts than the 1 divisors to try (2..2) (see --help)"
  -- ${PRIMES} --number 4 -P 2)
