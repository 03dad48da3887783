# The cluster path (label "cluster"): alog-mpi on a virtual cluster of
# this machine (scripts/cluster: 3 hosts in network namespaces, mpirun's
# launcher, munge, slurmctld and a slurmd per host), run the way a user
# runs it on a real one: mpirun --hostfile scripts/hostfile.example,
# sbatch scripts/alog.sbatch, srun --mpi=pmix.  Each run asserts the
# distinct hosts in its report, every record of every rank (alog-check)
# and its exit status.
#
# One cluster for the cases (the fixture "cluster": up before the first,
# down after the last), named after this build directory so that another
# build's suite can run at the same time; the cases take turns on it
# (RESOURCE_LOCK: one of them kills a host's processes).  Where namespaces
# cannot be created (not root, a container without the rights) every case
# is skipped, visibly: scripts/cluster prints "cluster: skipped: <why>".
# Not in sanitizer builds: remote ranks get only the environment mpirun
# passes on (as over ssh), not the sanitizers' settings; the code these
# cases add (the host key, the clock shift) runs in mpi_clock_skew below
# and every MPI case there.
if(NOT ALOG_HAVE_MPI)
  return()
endif()

set(M $<TARGET_FILE:alog-mpi>)
set(T ${CMAKE_CURRENT_SOURCE_DIR}/cluster_test.sh)

# The clock shift on one host (sanitizer builds too): rank 2's clock 1000 s
# ahead, then rank 1's 7 s behind; measured, undone, one schedule for all.
# cluster_test.sh launches mpirun itself (it sets the variable first).
set(MPIRUN ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} 3 ${MPIEXEC_PREFLAGS}
    --oversubscribe -q --mca mpi_yield_when_idle 1)
alog_add_case(mpi_clock_skew_ahead LABELS mpi PROCESSORS 3 TIMEOUT 60
  ENV ${ALOG_SANITIZE_MPI_ENV}
  CHECK --check "--producers 2 --count 20"
  -- bash ${T} skew 2 1000000000000 ${MPIRUN} ${M} --interval 0.01
     --count 20 --phase aligned --format csv)
alog_add_case(mpi_clock_skew_behind LABELS mpi PROCESSORS 3 TIMEOUT 60
  ENV ${ALOG_SANITIZE_MPI_ENV}
  CHECK --check "--producers 2 --count 20"
  -- bash ${T} skew 1 -7000000000 ${MPIRUN} ${M} --collect blocking
     --interval 0.01 --count 20 --phase aligned --format csv)
alog_add_case(mpi_clock_skew_bad LABELS mpi bad MPI 3 TIMEOUT 30
  ENV ALOG_TEST_CLOCK_SKEW=0:5
  CHECK --exit 1 --stdout-empty --hook-line ALOG_TEST_CLOCK_SKEW=0:5
  --stderr-line
  "alog-mpi: ALOG_TEST_CLOCK_SKEW '0:5': must be RANK:NS (RANK >= 1, |NS| <= 10^15)"
  -- ${M} --count 3)

if(ALOG_SANITIZE)
  return()
endif()

string(MD5 build_key "${CMAKE_BINARY_DIR}")
string(SUBSTRING "${build_key}" 0 6 build_key)
set(CLUSTER ${PROJECT_SOURCE_DIR}/scripts/cluster)
set(CLUSTER_ENV "ALOG_CLUSTER=t${build_key}" "ALOG_BUILD=${CMAKE_BINARY_DIR}"
    "PYTHONDONTWRITEBYTECODE=1")
set(SKIPPED "cluster: skipped: ")

# The cluster itself (skipped where namespaces cannot be made); a stale
# one of this build (a killed run) goes first.  Its owner is ctest (the
# parent of this shell): should ctest be killed before cluster_down (its
# own timeout, Ctrl-C), the cluster's owner watch takes it down.
add_test(NAME cluster_up COMMAND bash -c
  "\"$0\" check >/dev/null || exit; \"$0\" down >/dev/null 2>&1; ALOG_CLUSTER_OWNER=$PPID exec \"$0\" up --hosts 3 --slurm"
  ${CLUSTER})
add_test(NAME cluster_down COMMAND ${CLUSTER} down)
set_tests_properties(cluster_up PROPERTIES FIXTURES_SETUP cluster
  SKIP_RETURN_CODE 77 TIMEOUT 600) # 600: it may install slurm-wlm first
set_tests_properties(cluster_down PROPERTIES FIXTURES_CLEANUP cluster
  PASS_REGULAR_EXPRESSION "is down: [0-9]+ recorded process\\(es\\) stopped, 5 namespace\\(s\\) removed"
  SKIP_REGULAR_EXPRESSION "is not up" TIMEOUT 60)
set_tests_properties(cluster_up cluster_down PROPERTIES
  LABELS "integration;cluster" PROCESSORS 2 RESOURCE_LOCK alog_cluster
  ENVIRONMENT "${CLUSTER_ENV}")

# alog_cluster_case(name [OWN] <alog_add_case arguments>): a case on the
# cluster (OWN: it makes a cluster of its own instead).
function(alog_cluster_case name)
  cmake_parse_arguments(C "OWN" "" "" ${ARGN})
  alog_add_case(${name} LABELS cluster PROCESSORS 2 ENV ${CLUSTER_ENV}
    ${C_UNPARSED_ARGUMENTS})
  set_tests_properties(${name} PROPERTIES SKIP_REGULAR_EXPRESSION "${SKIPPED}"
    RESOURCE_LOCK alog_cluster)
  if(NOT C_OWN)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED cluster)
  endif()
endfunction()

# mpirun --hostfile: one rank per host (--map-by node), ranks free to run
# on either CPU (every host sees the same 2 cores; bound, all would sit on
# cpu 0).
set(HOSTS --hostfile ${PROJECT_SOURCE_DIR}/scripts/hostfile.example
    --map-by node --bind-to none -q)
set(THREE --header "hosts=^3$" --header "ranks_share_host=^none$"
    --header "ranks_per_host=^node1:1,node2:1,node3:1$"
    --grep "rank=1 host=node2 " --grep "rank=2 host=node3 ")
set(FOUR --header "hosts=^3$" --header "ranks_share_host=^some$"
    --header "ranks_per_host=^node1:2,node2:1,node3:1$")

# ---- mpirun --hostfile, every collect mode ---------------------------
alog_cluster_case(cluster_mpirun_async TIMEOUT 60
  CHECK --check "--producers 2 --count 40" ${THREE} --header "collect=^async$"
  -- ${CLUSTER} mpirun ${HOSTS} -np 3 ${M} --rate 200 --count 40 --format csv)
alog_cluster_case(cluster_mpirun_blocking TIMEOUT 60
  CHECK --check "--producers 2 --count 40" ${THREE} --header "collect=^blocking$"
  -- ${CLUSTER} mpirun ${HOSTS} -np 3 ${M} --collect blocking --rate 200
     --count 40 --format csv)
alog_cluster_case(cluster_mpirun_async_batch_unthrottled TIMEOUT 90
  CHECK --check "--producers 3 --count 20000" ${FOUR}
  -- ${CLUSTER} mpirun ${HOSTS} -np 4 ${M} --batch 16 --interval 0
     --count 20000 --payload 64 --format csv --timeline)
alog_cluster_case(cluster_mpirun_blocking_batch_unthrottled TIMEOUT 90
  CHECK --check "--producers 3 --count 5000" ${FOUR}
  -- ${CLUSTER} mpirun ${HOSTS} -np 4 ${M} --collect blocking --batch 8
     --interval 0 --count 5000 --format csv --timeline)

# ---- --collect tree across hosts: the leaders are the hosts' lowest
# ranks (MPI_Comm_split_type SHARED), not --tree-group; --map-by node puts
# rank r on node (r mod 3) + 1, so ranks 0, 1, 2 lead; 2, 3 and 4 ranks
# per host; every record of every rank, each row naming its parent ------
set(TREE3 --header "collect=^tree$" --header "hosts=^3$"
    --header "tree_leaders=^3$" --header "tree_leader_ranks=^0,1,2$"
    --header "tree_groups=^node \\(MPI_Comm_split_type SHARED\\)$")
alog_cluster_case(cluster_tree_2_per_host TIMEOUT 90
  CHECK --check "--producers 5 --count 40" ${TREE3}
        --header "ranks_per_host=^node1:2,node2:2,node3:2$"
        --header "tree_fanout=^direct" --header "tree_depth=^2$"
        --grep "rank=4 host=node2 .* parent=1$"
        --grep "rank=5 host=node3 .* parent=2$"
        --grep "rank=2 host=node3 .* parent=0$"
  -- ${CLUSTER} mpirun ${HOSTS} -np 6 ${M} --collect tree --rate 200
     --count 40 --format csv)
alog_cluster_case(cluster_tree_3_per_host_fanout1 TIMEOUT 120
  CHECK --check "--producers 8 --count 3000" ${TREE3}
        --header "ranks_per_host=^node1:3,node2:3,node3:3$"
        --header "tree_fanout=^1$" --header "tree_depth=^3$"
        --grep "rank=2 host=node3 .* parent=1$"
        --grep "rank=8 host=node3 .* parent=2$"
  -- ${CLUSTER} mpirun ${HOSTS} --oversubscribe -np 9 ${M} --collect tree
     --fanout 1 --batch 8 --interval 0 --count 3000 --payload 64 --format csv
     --timeline)
alog_cluster_case(cluster_tree_4_per_host TIMEOUT 120
  CHECK --check "--producers 11 --count 30" ${TREE3}
        --header "ranks_per_host=^node1:4,node2:4,node3:4$"
        --grep "rank=10 host=node2 .* parent=1$"
  -- ${CLUSTER} mpirun ${HOSTS} --oversubscribe -np 12 ${M} --collect tree
     --rate 100 --count 30 --format csv)

# ---- mpirun and run mpirun without a hostfile: the cluster's own, as
# in an allocation (3 hosts of 2 slots: ranks 0 and 1 on node1, 2 on
# node2); a --host of the user's is the user's ------------------------
set(OWN_HOSTFILE --check "--producers 2 --count 5" --header "hosts=^2$"
    --header "ranks_per_host=^node1:2,node2:1$"
    --grep "rank=1 host=node1 " --grep "rank=2 host=node2 ")
alog_cluster_case(cluster_mpirun_own_hostfile TIMEOUT 60
  CHECK ${OWN_HOSTFILE}
  -- ${CLUSTER} mpirun -np 3 ${M} --count 5 --rate 100 --format csv)
alog_cluster_case(cluster_run_mpirun_own_hostfile TIMEOUT 60
  CHECK ${OWN_HOSTFILE}
  -- ${CLUSTER} run mpirun -np 3 ${M} --count 5 --rate 100 --format csv)
alog_cluster_case(cluster_mpirun_user_host TIMEOUT 60
  CHECK --check "--producers 2 --count 5" --header "host=^node3$"
        --header "ranks_per_host=^node3:1,node2:1,node1:1$"
        --grep "rank=1 host=node2 " --grep "rank=2 host=node1 "
  -- ${CLUSTER} mpirun --host node3,node2,node1 -np 3 ${M} --count 5
     --rate 100 --format csv)

# ---- Slurm: sbatch scripts/alog.sbatch (mpirun inside the allocation)
# and srun --mpi=pmix ---------------------------------------------------
foreach(collect async blocking)
  alog_cluster_case(cluster_sbatch_${collect} TIMEOUT 90
    ENV "ALOG_MPI=${M}" "MPIRUN_ARGS=--bind-to none"
    CHECK --check "--producers 2 --count 30" ${THREE}
          --header "collect=^${collect}$"
    -- bash ${T} sbatch @TMP@ --collect ${collect} --rate 200 --count 30)
  alog_cluster_case(cluster_srun_pmix_${collect} TIMEOUT 60
    CHECK --check "--producers 2 --count 30" ${THREE}
          --header "collect=^${collect}$"
    -- ${CLUSTER} srun --mpi=pmix --nodes 3 --ntasks 3 ${M}
       --collect ${collect} --rate 200 --count 30 --format csv)
endforeach()

# ---- the MPI primes job across hosts (each part says where it ran).
# --schedule dynamic shares a counter through an MPI window: Open MPI 4.1's
# default one-sided component (osc/rdma) cannot allocate it over TCP
# between hosts (MPI_ERR_WIN), pt2pt can --------------------------------
alog_cluster_case(cluster_primes_static TIMEOUT 90
  CHECK --primes $<TARGET_FILE:alog-async> "--number 100000980001501"
        --grep ",rank 0 node1$" --grep ",rank 1 node2$" --grep ",rank 2 node3$"
  -- ${CLUSTER} mpirun ${HOSTS} -np 3 ${M} primes --number 100000980001501
     --format csv)
alog_cluster_case(cluster_primes_dynamic_stopped TIMEOUT 90
  CHECK --primes $<TARGET_FILE:alog-async> "--number 18446744073709551597"
        --stopped --grep ",rank 3 node1$" --grep ",rank 2 node3$"
  -- ${CLUSTER} mpirun ${HOSTS} --mca osc pt2pt -np 4 ${M} primes
     --number 18446744073709551597 --schedule dynamic --format csv)

# ---- a host dies: node3's processes killed 6 s into a 60 s run; mpirun
# must end the run within 20 s of it, not with status 0.  mpirun takes
# rank 0 down with the job (no report), so what rank 0 had collected is
# checked in its --journal: every record of both ranks up to its last
# block, in order, without gaps --------------------------------------------
alog_cluster_case(cluster_host_dies TIMEOUT 60
  CHECK --journal j.csv --journal-check "--producers 2 --min 10"
  -- bash ${T} dies node3 6 20 ${HOSTS} -np 3 ${M} --rate 100 --duration 60
     --format csv --journal @TMP@/j.csv)

# ---- the clock correction across hosts: rank 2 (node3) 1000 s ahead,
# rank 1 (node2) 7 s behind; -x hands the variable to the remote ranks ----
alog_cluster_case(cluster_clock_skew_ahead TIMEOUT 60
  CHECK --check "--producers 2 --count 20" ${THREE}
  -- bash ${T} skew 2 1000000000000 ${CLUSTER} mpirun -x ALOG_TEST_CLOCK_SKEW
     ${HOSTS} -np 3 ${M} --interval 0.01 --count 20 --phase aligned
     --format csv)
alog_cluster_case(cluster_clock_skew_behind TIMEOUT 60
  CHECK --check "--producers 2 --count 20" ${THREE}
  -- bash ${T} skew 1 -7000000000 ${CLUSTER} mpirun -x ALOG_TEST_CLOCK_SKEW
     ${HOSTS} -np 3 ${M} --collect blocking --interval 0.01 --count 20
     --phase aligned --format csv)

# ---- hosts that share a hostname still count as hosts ----------------
alog_cluster_case(cluster_same_hostname OWN TIMEOUT 90
  CHECK --check "--producers 3 --count 20" --header "hosts=^3$"
        --header "ranks_per_host=^vm\\[r0\\]:2,vm\\[r1\\]:1,vm\\[r2\\]:1$"
        --header "ranks_share_host=^some$"
  -- bash ${T} own --hosts 3 --hostname vm -- ${HOSTS} -np 4 ${M}
     --rate 200 --count 20 --format csv)

# ---- scripts/compare's MPI runs, --hostfile and --launcher srun --------
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  alog_cluster_case(cluster_compare TIMEOUT 180
    ENV "ALOG_PYTHON=${Python3_EXECUTABLE}"
    -- bash ${T} compare @TMP@)
endif()

# ---- the script's own behaviour ---------------------------------------
alog_cluster_case(cluster_status TIMEOUT 30
  CHECK --grep "^  slurmd node3: pid [0-9]+$" --grep "^  node3 +1 +batch\\* +idle"
        --grep "^  node1 slots=2$"
  -- ${CLUSTER} status)
alog_cluster_case(cluster_up_twice TIMEOUT 30
  CHECK --exit 1 --stdout-empty --stderr-line
  "cluster: 't${build_key}' is up already (scripts/cluster down first)"
  -- ${CLUSTER} up)
alog_cluster_case(cluster_failed_up OWN TIMEOUT 90
  -- bash ${T} failed-up slurmctld)

# The munge key is written under umask 077 (mode 600 while its bytes are
# written, under a caller's umask 022), then made 400 for munge.
alog_cluster_case(cluster_munge_key_umask OWN TIMEOUT 90
  -- bash ${T} key-umask)
# Clusters A and A2 up at once: down of A leaves A2 whole (its namespaces,
# processes, a mount under its state directory, a job on its hosts).
alog_cluster_case(cluster_down_exact_name OWN TIMEOUT 90
  -- bash ${T} exact-name)
# Namespaces NAME-other and NAME-node1x are not the cluster's: up is not
# refused for them, and down leaves them and the process in one.
alog_cluster_case(cluster_foreign_netns OWN TIMEOUT 60
  -- bash ${T} foreign-netns)
# A pid that down listed in a namespace but that belongs to a process
# outside the cluster by the time of its kill is not killed.
alog_cluster_case(cluster_down_pid_reused OWN TIMEOUT 60
  -- bash ${T} pid-reused)
# A cluster whose owner is gone (its owner watch killed too) is taken
# down by the next up of another cluster, which says so in one line.
alog_cluster_case(cluster_owner_gone_reaped OWN TIMEOUT 90
  -- bash ${T} owner-gone)
# A case holding a cluster of its own is killed: TERM (run_case.sh's
# timeout) takes the cluster down through its trap, KILL through the
# cluster's owner watch.
alog_cluster_case(cluster_killed_case_term OWN TIMEOUT 60
  -- bash ${T} killed TERM)
alog_cluster_case(cluster_killed_case_kill OWN TIMEOUT 60
  -- bash ${T} killed KILL)
# down --all takes down every cluster in the state directory (a directory
# of this case's own, ALOG_CLUSTER_STATE, so that nobody else's goes).
alog_cluster_case(cluster_down_all OWN TIMEOUT 90
  ENV "ALOG_CLUSTER_STATE=/run/alog-cluster-t${build_key}"
  -- bash ${T} down-all)
alog_add_case(cluster_not_root LABELS cluster bad PROCESSORS 1 TIMEOUT 30
  CHECK --exit 1 --stdout-empty --stderr-line
  "cluster: needs root (it creates network namespaces and starts daemons): run it as root, e.g. with sudo"
  -- setpriv --reuid=65534 --regid=65534 --clear-groups ${CLUSTER} down)
alog_add_case(cluster_not_root_skips LABELS cluster bad PROCESSORS 1 TIMEOUT 30
  ENV "ALOG_CLUSTER=t${build_key}n" # one that is not up
  CHECK --exit 77 --stdout-empty
        --stderr-line "cluster: skipped: network namespaces need root"
  -- setpriv --reuid=65534 --regid=65534 --clear-groups ${CLUSTER} mpirun
     -np 2 hostname)
alog_add_case(cluster_bad_hosts LABELS cluster bad PROCESSORS 1 TIMEOUT 30
  CHECK --exit 2 --stdout-empty
        --stderr-line "cluster: --hosts '0': must be 1 to 16 (see --help)"
  -- ${CLUSTER} up --hosts 0)
alog_add_case(cluster_bad_down LABELS cluster bad PROCESSORS 1 TIMEOUT 30
  CHECK --exit 2 --stdout-empty
        --stderr-line "cluster: down: takes no arguments but --all (see --help)"
  -- ${CLUSTER} down --every)
alog_add_case(cluster_bad_owner LABELS cluster bad PROCESSORS 1 TIMEOUT 30
  ENV "ALOG_CLUSTER=t${build_key}n" "ALOG_CLUSTER_OWNER=0" # one that is not up
  CHECK --exit 2 --stdout-empty --stderr-line
  "cluster: ALOG_CLUSTER_OWNER '0': must be the pid of a running process (see --help)"
  -- ${CLUSTER} up --hosts 1)
