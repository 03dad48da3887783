#!/usr/bin/env bash
# cluster_test.sh - the steps of the cluster cases (tests/cluster.cmake)
# that are more than one command on the virtual cluster (scripts/cluster).
# Each prints the run's report on stdout, for run_case.sh to check, and
# exits with the run's status; its own checks print "FAIL: ..." and make
# it exit 1.  The cluster is $ALOG_CLUSTER's.
#
#   cluster_test.sh sbatch DIR ARG...    sbatch --wait scripts/alog.sbatch
#                                        ARG... from DIR; prints DIR/run.csv
#   cluster_test.sh dies HOST AFTER S ARG...   scripts/cluster mpirun ARG...;
#                                        AFTER s in, HOST dies; the run must
#                                        end within S s of that, not with
#                                        status 0 (then this exits 0)
#   cluster_test.sh skew RANK NS CMD...  CMD (an alog-mpi run, CSV) with
#                                        rank RANK's clock shifted by NS ns
#                                        (ALOG_TEST_CLOCK_SKEW exported; a
#                                        remote mpirun needs -x for it): the
#                                        measured offset is NS within the
#                                        reported uncertainty, and undone
#   cluster_test.sh own UP-ARG... -- ARG...   a cluster of its own (named
#                                        $ALOG_CLUSTER plus "s"): up, mpirun
#                                        ARG..., down
#   cluster_test.sh failed-up STEP       `up --slurm` failing after STEP
#                                        leaves nothing behind
#   cluster_test.sh compare DIR          scripts/compare's MPI runs through
#                                        --hostfile and --launcher srun
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cluster=$root/scripts/cluster
bad=0

fail() {
  echo "FAIL: $*" >&2
  bad=1
}

# The producer row of rank $2 in report $1 (where: "rank=R host=...").
producer_row() {
  grep "^producer,.*,rank=$2 " "$1" | head -n 1
}

# field NAME ROW: the value of NAME=value in a row's where column.
field() {
  sed -n "s/.*[ ,]$1=\([^ ,]*\).*/\1/p" <<<"$2"
}

# Namespaces, processes and files of cluster $1: none may be left.
nothing_left() {
  local ns procs
  ns=$(ip netns list | awk -v p="$1-" 'index($1, p) == 1 { print $1 }')
  [[ -z $ns ]] || fail "namespaces left: $ns"
  [[ ! -e /run/alog-cluster/$1 ]] || fail "state left: /run/alog-cluster/$1"
  procs=$(orphans)
  [[ -z $procs ]] || fail "processes left in namespaces of no name: $procs"
}

# Processes in a network namespace that is neither ours nor a named one:
# what a cluster whose namespaces were removed would have left running.
orphans() {
  local mine p ns
  mine=$(readlink /proc/self/ns/net)
  for p in /proc/[0-9]*; do
    ns=$(readlink "$p/ns/net" 2>/dev/null) || continue
    [[ $ns == "$mine" ]] && continue
    [[ -z $(ip netns identify "${p#/proc/}" 2>/dev/null) ]] && echo "${p#/proc/}"
  done
}

case_sbatch() {
  local dir=$1 rc
  shift
  # Submitted from DIR, as a user submits from where the files are.
  (cd "$dir" && "$cluster" sbatch --wait --output="$dir/job.out" \
    "$root/scripts/alog.sbatch" "$@" --format csv -o "$dir/run.csv" >&2)
  rc=$?
  cat "$dir/job.out" >&2
  [[ -f $dir/run.csv ]] && cat "$dir/run.csv"
  return "$rc"
}

case_dies() {
  local host=$1 after=$2 bound=$3 pid rc t0
  shift 3
  "$cluster" mpirun "$@" &
  pid=$!
  sleep "$after"
  "$cluster" kill "$host" >&2
  t0=$SECONDS
  # No hang: the run ends within the bound, or it is killed and fails.
  while kill -0 "$pid" 2>/dev/null && ((SECONDS - t0 < bound)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    fail "still running $bound s after $host died"
    kill -TERM "$pid"
  fi
  wait "$pid"
  rc=$?
  echo "cluster_test: ended $((SECONDS - t0)) s after $host died, exit $rc" >&2
  ((rc != 0)) || fail "exit status 0 although $host died"
  return 0
}

case_skew() {
  local rank=$1 ns=$2 out row off unc applied lat d
  shift 2
  out=$(mktemp)
  ALOG_TEST_CLOCK_SKEW=$rank:$ns "$@" >"$out"
  local rc=$?
  cat "$out"
  row=$(producer_row "$out" "$rank")
  off=$(field clock_offset_ns "$row")
  unc=$(field clock_unc_ns "$row")
  applied=$(field clock_applied_ns "$row")
  if [[ -z $off || -z $unc ]]; then
    fail "no clock offset for rank $rank"
  else
    # The hosts share this machine's clock: the true offset is NS.
    d=$((off - ns))
    ((d < 0)) && d=$((-d))
    ((d <= unc)) || fail "rank $rank: offset $off is not $ns within $unc"
    ((applied == off)) || fail "rank $rank: applied $applied, measured $off"
    # Corrected, its latencies are the others' kind, not NS off.
    lat=$(cut -d, -f14 <<<"$row") # lat_max_ns
    ns=${ns#-}
    ((lat >= 0 && lat < ns / 100)) ||
      fail "rank $rank: latency up to $lat ns, with its clock $ns ns off"
  fi
  # One schedule for all: record k of every producer was due at the same
  # time on rank 0's clock, exactly, once each offset is undone.
  d=$(awk -F, '$1 == "record" { if (($3 in s) && s[$3] != $4) bad++; s[$3] = $4 }
               END { print bad + 0 }' "$out")
  ((d == 0)) || fail "$d records due at another time than the same record of another producer"
  rm -f "$out"
  return "$rc"
}

case_own() {
  local up=() rc name=${ALOG_CLUSTER:-alog}s
  while (($#)) && [[ $1 != -- ]]; do up+=("$1"); shift; done
  shift
  export ALOG_CLUSTER=$name
  "$cluster" down >/dev/null 2>&1 # one left by a killed run of this case
  "$cluster" up "${up[@]}" >&2 || return 1
  "$cluster" mpirun "$@"
  rc=$?
  "$cluster" down >&2 || fail "down failed"
  nothing_left "$name"
  return "$rc"
}

case_failed_up() {
  local name=${ALOG_CLUSTER:-alog}f rc
  export ALOG_CLUSTER=$name
  "$cluster" down >/dev/null 2>&1
  ALOG_CLUSTER_TEST_FAIL=$1 "$cluster" up --slurm
  rc=$?
  ((rc == 1)) || fail "up failing after $1: exit $rc, expected 1"
  nothing_left "$name"
  "$cluster" status && fail "status says up"
  return 0
}

case_compare() {
  local dir=$1 launch f
  for launch in "--hostfile $root/scripts/hostfile.example" "--launcher srun"; do
    f=$dir/${launch%% *}
    # shellcheck disable=SC2086 # the launch option is two words
    "$cluster" run "${ALOG_PYTHON:-python3}" "$root/scripts/compare" --quick \
      --parts io --models mpi-async --n 2 --reps 3 $launch \
      --build "${ALOG_BUILD:?}" --out "$f" >&2 ||
      fail "compare $launch: exit $?"
    # Every run ok, on more than one host.
    awk -F, 'NR > 1 && $11 != "ok" { bad++ } END { exit bad > 0 || NR < 2 }' \
      "$f/runs.csv" || fail "compare $launch: runs.csv has runs that are not ok"
    grep -h '^# hosts=' "$f"/reports/* | grep -qv '^# hosts=1$' ||
      fail "compare $launch: every run on one host"
    grep -h '^# hosts=' "$f"/reports/* | sort | uniq -c >&2
  done
  return 0
}

(($#)) || { echo "cluster_test.sh: needs a case" >&2; exit 2; }
what=$1
shift
case $what in
sbatch) case_sbatch "$@" ;;
dies) case_dies "$@" ;;
skew) case_skew "$@" ;;
own) case_own "$@" ;;
failed-up) case_failed_up "$@" ;;
compare) case_compare "$@" ;;
*) echo "cluster_test.sh: unknown case '$what'" >&2; exit 2 ;;
esac
rc=$?
((bad)) && exit 1
exit "$rc"
