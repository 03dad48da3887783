# The simulated cluster (label "smpi"): alog-mpi built with SimGrid's
# smpicc (scripts/smpi.cmake) run by smpirun on 64 simulated ranks, 32
# hosts of 2 cores, in every flat collect mode.  Each case asserts the
# exit status, the "simulated" header and every record of every producer
# rank (alog-check).  Short in simulated time (5 records at 100 Hz), so a
# few seconds of wall time.  Where SimGrid is absent, one case says so and
# is skipped (exit 77).
if(NOT ALOG_SMPI)
  add_test(NAME smpi_skipped COMMAND sh -c
    "echo 'smpi: skipped: no smpicc here (apt-get install libsimgrid-dev, then configure with -DALOG_SMPI=ON)'; exit 77")
  set_tests_properties(smpi_skipped PROPERTIES SKIP_RETURN_CODE 77
                       LABELS "integration;smpi" PROCESSORS 1 TIMEOUT 10)
  return()
endif()

# The platform and hostfile of the cases: written once, at configure time.
set(ALOG_SMPI_TEST_DIR ${CMAKE_CURRENT_BINARY_DIR}/smpi)
file(MAKE_DIRECTORY ${ALOG_SMPI_TEST_DIR})
file(WRITE ${ALOG_SMPI_TEST_DIR}/platform.xml
"<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">
<platform version=\"4.1\">
  <cluster id=\"alog\" prefix=\"node\" suffix=\"\" radical=\"0-31\" speed=\"1e9f\"
           core=\"2\" bw=\"1.25e9Bps\" lat=\"10us\" loopback_bw=\"5e9Bps\"
           loopback_lat=\"0.5us\"/>
</platform>
")
set(hosts "")
foreach(r RANGE 63)
  math(EXPR h "${r} / 2")
  string(APPEND hosts "node${h}\n")
endforeach()
file(WRITE ${ALOG_SMPI_TEST_DIR}/hosts-64.txt "${hosts}")

set(SMPIRUN ${ALOG_SMPIRUN} -np 64 -platform ${ALOG_SMPI_TEST_DIR}/platform.xml
    -hostfile ${ALOG_SMPI_TEST_DIR}/hosts-64.txt
    --cfg=smpi/privatization:no --cfg=contexts/stack-size:512
    --cfg=smpi/host-speed:1e9f --cfg=smpi/cpu-threshold:-1
    --log=root.thres:warning)
foreach(mode blocking async batched)
  set(args --collect ${mode})
  if(mode STREQUAL "batched")
    set(args --collect async --batch 64 --flush-ms 2)
  endif()
  alog_add_case(smpi_64_ranks_${mode} LABELS smpi PROCESSORS 1 TIMEOUT 180
    CHECK --check "--producers 63 --count 5" --header "simulated=^smpi 3"
          --header "ranks=^64$" --header "hosts=^32$"
    -- ${SMPIRUN} ${ALOG_SMPI_MPI} ${args} --interval 0.01 --count 5
       --format csv)
endforeach()
