# --collect tree on one host (label "mpi"): groups made with --tree-group
# (one host has one node, so the node's leader would be rank 0 alone),
# leaders forwarding to rank 0 directly or up a k-ary tree (--fanout).
# Each case checks every record of every producer rank (alog-check: exact
# counts, sequence numbers 0..C-1, the merged order), the tree the header
# describes and, in the producer rows' where, each rank's parent.
if(NOT ALOG_HAVE_MPI)
  return()
endif()
set(M $<TARGET_FILE:alog-mpi>)

# producer row of rank R (index R-1): ok, C records of C, none lost, its
# parent P: "tree_row R C P"
function(tree_row out r c p)
  math(EXPR i "${r} - 1")
  set(${out} --lines-re
      "^producer,${i},ok,0,${c},${c},0,.*,rank=${r} host=[^ ]+ .* parent=${p}$:1"
      PARENT_SCOPE)
endfunction()

# np 4, groups of 2: leaders 0 and 2; rank 3 -> 2 -> 0.
tree_row(r3 3 30 2)
tree_row(r2 2 30 0)
tree_row(r1 1 30 0)
alog_add_case(tree_np4_group2 LABELS mpi MPI 4 TIMEOUT 60
  CHECK --check "--producers 3 --count 30" ${r1} ${r2} ${r3}
        --header "collect=^tree$" --header "tree_leaders=^2$"
        --header "tree_leader_ranks=^0,2$" --header "tree_depth=^2$"
        --header "tree_fanout=^direct \\(every leader to rank 0\\)$"
        --header "tree_groups=^2 ranks \\(--tree-group\\)$"
        --header "tree_rank0_children=^2$"
  -- ${M} --collect tree --tree-group 2 --rate 200 --count 30 --format csv)
# np 6, groups of 2, fanout 1: a chain of leaders 4 -> 2 -> 0, batched.
tree_row(r5 5 30 4)
tree_row(r4 4 30 2)
alog_add_case(tree_np6_group2_fanout1_batch LABELS mpi MPI 6 TIMEOUT 60
  CHECK --check "--producers 5 --count 30" ${r5} ${r4}
        --header "tree_leaders=^3$" --header "tree_leader_ranks=^0,2,4$"
        --header "tree_fanout=^1$" --header "tree_depth=^3$"
        --header "batch=^4$"
  -- ${M} --collect tree --tree-group 2 --fanout 1 --batch 4 --flush-ms 3
     --rate 200 --count 30 --format csv)
# np 8, groups of 2, fanout 2: leaders 2 and 4 under 0, 6 under 2.
tree_row(r7 7 25 6)
tree_row(r6 6 25 2)
tree_row(r4b 4 25 0)
alog_add_case(tree_np8_group2_fanout2 LABELS mpi MPI 8 TIMEOUT 90
  CHECK --check "--producers 7 --count 25" ${r7} ${r6} ${r4b}
        --header "tree_leaders=^4$" --header "tree_leader_ranks=^0,2,4,6$"
        --header "tree_fanout=^2$" --header "tree_depth=^3$"
  -- ${M} --collect tree --tree-group 2 --fanout 2
     --interval 0.005,0.01,0.02 --count 25 --format csv)
# np 8, groups of 3, fanout 1: 7 -> 6 -> 3 -> 0; unthrottled, batched.
tree_row(r7c 7 4000 6)
tree_row(r6c 6 4000 3)
tree_row(r5c 5 4000 3)
alog_add_case(tree_np8_group3_fanout1_unthrottled LABELS mpi MPI 8 TIMEOUT 90
  CHECK --check "--producers 7 --count 4000" ${r7c} ${r6c} ${r5c}
        --header "tree_leaders=^3$" --header "tree_leader_ranks=^0,3,6$"
        --header "tree_depth=^3$"
  -- ${M} --collect tree --tree-group 3 --fanout 1 --batch 16 --interval 0
     --count 4000 --payload 64 --format csv --timeline)
# Unthrottled and unbatched: a leader's messages gather its members'.
alog_add_case(tree_np4_group2_unthrottled LABELS mpi MPI 4 TIMEOUT 60
  CHECK --check "--producers 3 --count 20000"
        --grep "^total,60000,"
  -- ${M} --collect tree --tree-group 2 --interval 0 --count 20000
     --payload 64 --format csv --timeline)
# Every rank its own leader: a chain 3 -> 2 -> 1 -> 0.
tree_row(r3d 3 20 2)
tree_row(r2d 2 20 1)
alog_add_case(tree_np4_group1_chain LABELS mpi MPI 4 TIMEOUT 60
  CHECK --check "--producers 3 --count 20" ${r3d} ${r2d}
        --header "tree_leaders=^4$" --header "tree_depth=^3$"
  -- ${M} --collect tree --tree-group 1 --fanout 1 --rate 200 --count 20
     --format csv)
# By node (the default): one host is one group, led by rank 0 alone.
alog_add_case(tree_np3_node LABELS mpi MPI 3 TIMEOUT 60
  CHECK --check "--producers 2 --count 20" --header "tree_leaders=^1$"
        --header "tree_leader_ranks=^0$" --header "tree_depth=^1$"
        --header "tree_groups=^node \\(MPI_Comm_split_type SHARED\\)$"
  -- ${M} --collect tree --rate 200 --count 20 --format csv)
# Paced, the records keep up with the schedule: collected / offered ~1
# (a ratio of rates over the run's own window, no absolute time).
alog_add_case(tree_np6_paced_ratio LABELS mpi MPI 6 TIMEOUT 60
  CHECK --check "--producers 5 --count 200" --total "collected_ratio=0.9:1.02"
  -- ${M} --collect tree --tree-group 2 --fanout 1 --rate 200 --count 200
     --format csv)

# ---- faults under a leader ---------------------------------------------
# The last rank (5, under leader 3) stops after 7: short, 7 records, the
# others complete; exit 3 as in the flat modes.
alog_add_case(tree_fail_after LABELS mpi MPI 6 TIMEOUT 60
  CHECK --exit 3 --check "--producers 5 --count 20 --short 4:7"
        --lines-re "^producer,4,short,0,7,[0-9]+,0,.* parent=3$:1"
  -- ${M} --collect tree --tree-group 3 --fail-after 7 --rate 200 --count 20
     --format csv)
alog_add_case(tree_fail_after_unthrottled LABELS mpi MPI 6 TIMEOUT 60
  CHECK --exit 3 --check "--producers 5 --count 50 --short 4:13"
  -- ${M} --collect tree --tree-group 2 --fanout 1 --fail-after 13 --batch 5
     --interval 0 --count 50 --format csv)
# A member stopped (SIGSTOP): its leader cuts it off after --stall-timeout
# and says so up the tree; rank 0 reports it stalled with what came, the
# others whole, and ends the job (exit 3), as in the flat modes.
math(EXPR tree_dur "${ALOG_FAULT_WAIT} + 2")
math(EXPR tree_all "${tree_dur} * 500")
alog_add_case(tree_stall_under_leader LABELS mpi faults MPI 4 TIMEOUT 60
  CHECK --exit 3 --fault "${ALOG_FAULT_WAIT} STOP rank:3"
  --file run.csv --check "--producers 3 --short 2:*:stalled"
  --lines-re "^producer,[01],ok,0,${tree_all},:2"
  --lines-re "^producer,2,stalled,0,:1"
  --stderr-grep "^alog-mpi: rank 3 silent for [0-9.]+ s \\(--stall-timeout\\) at its leader, rank 2: cut off as stalled, [0-9]+ records kept$"
  -- ${M} --collect tree --tree-group 2 --rate 500 --duration ${tree_dur}
     --stall-timeout 1 --format csv --timeline -o @TMP@/run.csv)
# SIGINT to rank 0: the stop goes down the tree, every rank reports.
alog_add_case(tree_sigint LABELS mpi MPI 4 TIMEOUT 60
  CHECK --sigint 2 --exit 130
        --check "--producers 3 --status stopped --interrupted"
  -- ${M} --collect tree --tree-group 2 --rate 50 --duration 60 --format csv)

# ---- usage: one line, exit 2 --------------------------------------------
foreach(bad "fanout|0|must be at least 1" "fanout|-1|must be at least 1"
            "fanout|x|must be an unsigned integer"
            "tree-group|0|must be at least 1")
  string(REPLACE "|" ";" bad "${bad}")
  list(GET bad 0 opt)
  list(GET bad 1 val)
  list(GET bad 2 why)
  string(REPLACE "-" "m" tag "${val}")
  alog_add_case(tree_bad_${opt}_${tag} LABELS mpi bad MPI 3 TIMEOUT 30
    CHECK --exit 2 --stdout-empty
          --stderr-line "alog-mpi: --${opt} '${val}': ${why} (see --help)"
    -- ${M} --collect tree --${opt} ${val})
endforeach()
# Tree options without the tree: refused, never ignored.
alog_add_case(tree_bad_fanout_flat LABELS mpi bad MPI 3 TIMEOUT 30
  CHECK --exit 2 --stdout-empty
        --stderr-line "alog-mpi: --fanout '2': only with --collect tree (see --help)"
  -- ${M} --fanout 2)
alog_add_case(tree_bad_group_blocking LABELS mpi bad MPI 3 TIMEOUT 30
  CHECK --exit 2 --stdout-empty
        --stderr-line "alog-mpi: --tree-group '2': only with --collect tree (see --help)"
  -- ${M} --collect blocking --tree-group 2)
alog_add_case(tree_help LABELS mpi MPI 2 TIMEOUT 30
  CHECK --stderr-empty --grep "--fanout K" --grep "--tree-group G"
        --grep "blocking\\|async\\|tree" --grep "for testing and small"
  -- ${M} --help)
