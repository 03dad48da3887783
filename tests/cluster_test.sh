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
#   cluster_test.sh key-umask            `up --slurm` writes munge.key under
#                                        umask 077 (mode 600), then 400
#   cluster_test.sh exact-name           clusters A and A2 up: down of A
#                                        leaves A2 whole (namespaces, mounts)
#   cluster_test.sh foreign-netns        namespaces A-other, A-node1x (not
#                                        the cluster's) survive its down
#   cluster_test.sh pid-reused           a pid seen in a namespace by down
#                                        and reused outside before its kill
#                                        is not killed
#   cluster_test.sh owner-gone           a cluster whose owner is gone (and
#                                        its watch killed) is taken down by
#                                        the next up
#   cluster_test.sh killed SIG           a case holding its own cluster is
#                                        sent SIG: the cluster goes too
#   cluster_test.sh down-all             down --all takes down two clusters
# The clusters of a case are its own: named after $ALOG_CLUSTER, owned by
# the case's shell (ALOG_CLUSTER_OWNER: once it is gone, killed, their
# owner watch takes them down) and taken down on TERM or INT (run_case.sh's
# timeout, ctest's, Ctrl-C).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cluster=$root/scripts/cluster
state=${ALOG_CLUSTER_STATE:-/run/alog-cluster}
base=${ALOG_CLUSTER:-alog}
bad=0
owned=()

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

# The namespaces of cluster $1 that exist (its -br, -head, -nodeN).
netns_of() {
  ip netns list |
    awk -v n="$1" '$1 == n "-br" || $1 == n "-head" || $1 ~ ("^" n "-node[0-9]+$") { print $1 }' |
    sort | tr '\n' ' '
}

# Namespaces, processes and files of cluster $1: none may be left.
nothing_left() {
  local ns procs
  ns=$(netns_of "$1")
  [[ -z $ns ]] || fail "namespaces left: $ns"
  [[ ! -e $state/$1 ]] || fail "state left: $state/$1"
  procs=$(orphans)
  [[ -z $procs ]] || fail "processes left in namespaces of no name: $procs"
}

# own NAME [OWNER]: a cluster of this case's own (see the header), owned
# by OWNER (default this shell); ALOG_CLUSTER becomes NAME, and one left
# by a killed run of the case goes first.
own() {
  owned+=("$1")
  export ALOG_CLUSTER=$1 ALOG_CLUSTER_OWNER=${2:-$$}
  "$cluster" down >/dev/null 2>&1
}

own_down() { # every cluster of this case's that is still up
  local n
  for n in "${owned[@]}"; do
    [[ -e $state/$n ]] && ALOG_CLUSTER=$n "$cluster" down >&2
  done
  return 0
}
trap 'own_down; exit 143' TERM
trap 'own_down; exit 130' INT

# The start time of pid $1 (field 22 of /proc/PID/stat), empty if none.
starttime() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  s=${s##*) }
  # shellcheck disable=SC2086 # split into fields on purpose
  set -- $s
  echo "${20}"
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
    lat=$(cut -d, -f15 <<<"$row") # lat_max_ns
    ns=${ns#-}
    ((lat >= 0 && lat < ns / 100)) ||
      fail "rank $rank: latency up to $lat ns, with its clock $ns ns off"
  fi
  # One schedule for all (the cases run --phase aligned): record k of
  # every producer was due at the same time on rank 0's clock, exactly,
  # once each offset is undone.
  d=$(awk -F, '$1 == "record" { if (($3 in s) && s[$3] != $4) bad++; s[$3] = $4 }
               END { print bad + 0 }' "$out")
  ((d == 0)) || fail "$d records due at another time than the same record of another producer"
  rm -f "$out"
  return "$rc"
}

case_own() {
  local up=() rc name=${base}s
  while (($#)) && [[ $1 != -- ]]; do up+=("$1"); shift; done
  shift
  own "$name"
  "$cluster" up "${up[@]}" >&2 || return 1
  "$cluster" mpirun "$@"
  rc=$?
  "$cluster" down >&2 || fail "down failed"
  nothing_left "$name"
  return "$rc"
}

case_failed_up() {
  local name=${base}f rc
  own "$name"
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

case_key_umask() {
  local name=${base}k wrap got real
  own "$name"
  real=$(command -v head)
  wrap=$(mktemp -d)
  # `head` as `up` runs it to write the key (a stand-in that then runs the
  # real one): the mode the key file has while its bytes are written, and
  # the umask of the process writing them.
  cat >"$wrap/head" <<'EOF'
#!/bin/bash
if [[ $(readlink "/proc/$$/fd/1") == */munge/munge.key ]]; then
  echo "$(stat -L -c %a "/proc/$$/fd/1") $(awk '$1 == "Umask:" { print $2 }' "/proc/$$/status")" \
    >>"$KEY_RECORD"
fi
exec "$REAL_HEAD" "$@"
EOF
  chmod 755 "$wrap/head"
  # Under the usual umask, which would leave a new file readable by all.
  (umask 022 && PATH=$wrap:$PATH KEY_RECORD=$wrap/record REAL_HEAD=$real \
    "$cluster" up --hosts 1 --slurm >&2) || fail "up --slurm: exit $?"
  got=$(cat "$wrap/record" 2>/dev/null)
  [[ $got == "600 0077" ]] ||
    fail "munge.key written with mode and umask '$got', expected '600 0077'"
  got=$(stat -c '%a %U' "$state/$name/munge/munge.key" 2>&1)
  [[ $got == "400 munge" ]] || fail "munge.key after up: '$got', expected '400 munge'"
  "$cluster" down >&2 || fail "down failed"
  nothing_left "$name"
  rm -rf "$wrap"
  return 0
}

case_exact_name() {
  local a=${base:0:6}p b share out want
  b=${a}2
  own "$a"
  own "$b"
  ALOG_CLUSTER=$a "$cluster" up --hosts 1 >&2 || return 1
  ALOG_CLUSTER=$b "$cluster" up --hosts 2 >&2 || return 1
  # A mount under b's state directory in the machine's mount namespace:
  # down makes sure none is left under its own directory; a's down must
  # leave it alone.
  share=$state/$b/share
  if ! { mkdir "$share" && mount -t tmpfs "$b-share" "$share" && echo data >"$share/file"; }; then
    fail "cannot mount a tmpfs on $share"
  fi
  out=$(ALOG_CLUSTER=$a "$cluster" down) || fail "down of $a: exit $?"
  want="cluster '$a' is down: 3 recorded process(es) stopped, 3 namespace(s) removed"
  [[ $out == "$want" ]] || fail "down of $a said '$out', expected '$want'"
  [[ -z $(netns_of "$a") ]] || fail "$a's namespaces left: $(netns_of "$a")"
  if ! mountpoint -q "$share" || [[ $(cat "$share/file" 2>&1) != data ]]; then
    fail "down of $a unmounted $b's $share"
  fi
  out=$(netns_of "$b")
  [[ $out == "$b-br $b-head $b-node1 $b-node2 " ]] ||
    fail "$b's namespaces after down of $a: '$out'"
  out=$(ALOG_CLUSTER=$b "$cluster" status | grep -c 'GONE$')
  [[ $out == 0 ]] || fail "$b lost $out process(es) in down of $a"
  # b still works: a job on both hosts, each with its hostname and the
  # cluster's /etc/hosts (the hosts' own mounts).
  # shellcheck disable=SC2016 # expanded on the hosts
  out=$(ALOG_CLUSTER=$b "$cluster" mpirun --hostfile "$state/$b/hostfile" --map-by node -np 2 \
    sh -c 'echo "$(hostname) $(grep -c node /etc/hosts)"' | sort | tr '\n' ,)
  [[ $out == "node1 2,node2 2," ]] || fail "a job on $b after down of $a: '$out'"
  out=$(ALOG_CLUSTER=$b "$cluster" down) || fail "down of $b: exit $?"
  want="cluster '$b' is down: 4 recorded process(es) stopped, 4 namespace(s) removed"
  [[ $out == "$want" ]] || fail "down of $b said '$out', expected '$want'"
  mountpoint -q "$share" 2>/dev/null && fail "$share still mounted after down of $b"
  nothing_left "$a"
  nothing_left "$b"
  return 0
}

case_foreign_netns() {
  local name=${base}o ns pid out want
  own "$name"
  # Namespaces that start like the cluster's but are not: someone else's.
  for ns in "$name-other" "$name-node1x"; do
    ip netns add "$ns" || fail "cannot add namespace $ns"
  done
  ip netns exec "$name-other" sleep 300 </dev/null >/dev/null 2>&1 &
  pid=$!
  "$cluster" up --hosts 1 >&2 || fail "up with $name-other and $name-node1x there: exit $?"
  out=$("$cluster" down) || fail "down: exit $?"
  want="cluster '$name' is down: 3 recorded process(es) stopped, 3 namespace(s) removed"
  [[ $out == "$want" ]] || fail "down said '$out', expected '$want'"
  for ns in "$name-other" "$name-node1x"; do
    [[ -e /run/netns/$ns ]] || fail "down removed namespace $ns, not the cluster's"
  done
  kill -0 "$pid" 2>/dev/null || fail "down killed pid $pid in namespace $name-other"
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  for ns in "$name-other" "$name-node1x"; do ip netns del "$ns" 2>/dev/null; done
  nothing_left "$name"
  return 0
}

case_pid_reused() {
  local name=${base}r wrap p q qst listed real i
  own "$name"
  real=$(command -v ip)
  "$cluster" up --hosts 1 >&2 || return 1
  # P: a process of the cluster (as a job's) on node1, a child of this
  # shell, which reaps it as soon as it ends.
  nsenter --net="/run/netns/$name-node1" sleep 300 </dev/null >/dev/null 2>&1 &
  p=$!
  for ((i = 0; i < 50; i++)); do
    [[ $(ip netns identify "$p" 2>/dev/null) == "$name-node1" ]] && break
    sleep 0.1
  done
  wrap=$(mktemp -d)
  # `ip` as down runs it (a stand-in that runs the real one): its answer to
  # `ip netns pids NAME-node1` lists P as the real one did, but by the time
  # down reads it P has ended and its pid is a new process Q's, outside the
  # cluster (ns_last_pid: the next pid is P).  "Q STARTTIME LISTED" goes to
  # the record (LISTED: whether the real answer had P).
  cat >"$wrap/ip" <<'EOF'
#!/bin/bash
if [[ $* == "netns pids $REUSE_NS" && ! -e $REUSE_RECORD ]]; then
  out=$("$REAL_IP" "$@")
  listed=no
  grep -qx "$REUSE_PID" <<<"$out" && listed=yes
  : >"$REUSE_RECORD"
  kill -KILL "$REUSE_PID"
  for ((i = 0; i < 100; i++)); do [[ -e /proc/$REUSE_PID ]] || break; sleep 0.1; done
  for ((i = 0; i < 50; i++)); do
    echo $((REUSE_PID - 1)) >/proc/sys/kernel/ns_last_pid
    sleep 300 </dev/null >/dev/null 2>&1 &
    if [[ $! == "$REUSE_PID" ]]; then
      echo "$! $(awk '{ print $22 }' "/proc/$!/stat") $listed" >"$REUSE_RECORD"
      break
    fi
    kill "$!"
  done
  printf '%s\n' "$out"
  exit 0
fi
exec "$REAL_IP" "$@"
EOF
  chmod 755 "$wrap/ip"
  # down in the background: this shell reaps P while it waits.
  PATH=$wrap:$PATH REAL_IP=$real REUSE_NS=$name-node1 REUSE_PID=$p \
    REUSE_RECORD=$wrap/record "$cluster" down >&2 &
  wait $! || fail "down: exit $?"
  read -r q qst listed <"$wrap/record" 2>/dev/null
  if [[ ! -e $wrap/record ]]; then
    fail "down did not list $name-node1's processes with 'ip netns pids'"
  elif [[ $listed != yes ]]; then
    fail "pid $p was not in $name-node1 when down listed it (the test's setup)"
  elif [[ $q != "$p" ]]; then
    fail "pid $p could not be given to a new process (the test's setup)"
  elif [[ $(starttime "$q") != "$qst" ]]; then
    fail "down killed pid $q: no longer the cluster's process but a new one outside it"
  else
    kill "$q"
  fi
  nothing_left "$name"
  rm -rf "$wrap"
  return 0
}

case_owner_gone() {
  local name=${base}g other=${base}h opid watch err want
  sleep 300 &
  opid=$!
  own "$name" "$opid"
  "$cluster" up --hosts 1 >&2 || return 1
  watch=$("$cluster" status | sed -n 's/^  owner watch: pid \([0-9]*\)$/\1/p')
  [[ -n $watch ]] || fail "status names no owner watch"
  # The watch killed first: only the next up is left to notice the owner
  # is gone.
  [[ -z $watch ]] || kill -KILL "$watch"
  kill -KILL "$opid"
  wait "$opid" 2>/dev/null
  "$cluster" status | grep -qx "owner: pid $opid GONE" || fail "status does not say the owner is gone"
  own "$other"
  err=$("$cluster" up --hosts 1 2>&1 >/dev/null) || fail "up of $other: exit $?"
  want="cluster: '$name': its owner (pid $opid) is gone: taking it down"
  grep -qxF "$want" <<<"$err" || fail "up of $other said '$err', not the line '$want'"
  nothing_left "$name"
  [[ $(netns_of "$other") == "$other-br $other-head $other-node1 " ]] ||
    fail "$other's namespaces: '$(netns_of "$other")'"
  "$cluster" down >&2 || fail "down of $other failed"
  nothing_left "$other"
  return 0
}

# (for `killed`) a case that holds a cluster of its own until it is killed;
# $2 is made once the cluster is up.
case_hold() {
  own "$1"
  "$cluster" up --hosts 1 >&2 || exit 1
  : >"$2"
  while :; do
    sleep 1 &
    wait $!
  done
}

case_killed() {
  local sig=$1 name=${base}w dir pid i
  dir=$(mktemp -d)
  owned+=("$name") # taken down at the end if the case's own ways fail
  bash "$0" hold "$name" "$dir/ready" >&2 &
  pid=$!
  for ((i = 0; i < 600; i++)); do
    [[ -e $dir/ready ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -e $dir/ready ]] || fail "the case holding $name did not get it up"
  kill "-$sig" "$pid"
  wait "$pid" 2>/dev/null
  echo "cluster_test: the case holding $name got SIG$sig" >&2
  for ((i = 0; i < 200; i++)); do
    [[ -e $state/$name || -n $(netns_of "$name") ]] || break
    sleep 0.1
  done
  nothing_left "$name"
  rm -rf "$dir"
  return 0
}

case_down_all() {
  local a=${base}a b=${base}b out want
  own "$a"
  own "$b"
  ALOG_CLUSTER=$a "$cluster" up --hosts 1 >&2 || return 1
  ALOG_CLUSTER=$b "$cluster" up --hosts 2 >&2 || return 1
  out=$("$cluster" down --all) || fail "down --all: exit $?"
  want="cluster '$a' is down: 3 recorded process(es) stopped, 3 namespace(s) removed
cluster '$b' is down: 4 recorded process(es) stopped, 4 namespace(s) removed"
  [[ $out == "$want" ]] || fail "down --all said '$out', expected '$want'"
  nothing_left "$a"
  nothing_left "$b"
  [[ ! -e $state ]] || fail "$state left"
  out=$("$cluster" down --all) || fail "down --all with none up: exit $?"
  want="cluster: no cluster is up in $state"
  [[ $out == "$want" ]] || fail "down --all with none up said '$out', expected '$want'"
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
key-umask) case_key_umask ;;
exact-name) case_exact_name ;;
foreign-netns) case_foreign_netns ;;
pid-reused) case_pid_reused ;;
owner-gone) case_owner_gone ;;
hold) case_hold "$@" ;;
killed) case_killed "$@" ;;
down-all) case_down_all ;;
*) echo "cluster_test.sh: unknown case '$what'" >&2; exit 2 ;;
esac
rc=$?
own_down
((bad)) && exit 1
exit "$rc"
