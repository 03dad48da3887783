#!/usr/bin/env bash
# safety_case.sh WHAT ARG... - the shell around a safety case's command
# (run by run_case.sh, which checks what comes out):
#   inherit CMD...          CMD with fd 7 open (as a collector started by a
#                           careless parent would be)
#   exec-fds FDS            the --exec command of the descriptor cases:
#                           FDS (alog-test-fds) lists its descriptors, then
#                           a shell tries to write into fds 3 and 7, then
#                           one record
#   escape TMP CMD...       CMD, then fail (exit 99) if the process whose
#                           pid is in TMP/escapee still lives (a zombie
#                           counts as ended: its parent reaps it later)
#   escapee TMP loop|once   an --exec command: a process that leaves its
#                           session (setsid), writes its pid to
#                           TMP/escapee and sleeps 77 s; then records
#                           forever (loop) or one after 0.3 s (once)
#   mpi-shared TMP MPIRUN NP ALOG-MPI ARG...
#                           "before", the MPI run, "after", all into one
#                           file the shell opened (as `{ ...; } > f`);
#                           fails (exit 97) unless the file starts with
#                           "before" and ends with "after", then prints
#                           what lies between
set -u
what=${1:?what}
shift
case $what in
inherit)
  exec 7>/dev/null
  exec "$@" ;;
exec-fds)
  exec "$1" sh -c 'echo INJECTED >&3; echo INJECTED >&7; echo 1 2' ;;
escapee)
  setsid sh -c "echo \$\$ > '$1/escapee' && exec sleep 77" </dev/null >/dev/null 2>&1 &
  if [[ $2 == once ]]; then
    sleep 0.3
    echo 1 2
    exit 0
  fi
  while true; do echo 1 2; sleep 0.1; done ;;
escape)
  tmp=$1
  shift
  "$@"
  s=$?
  sleep 0.2
  p=$(cat "$tmp/escapee" 2>/dev/null) || { echo "no escapee pid" >&2; exit 98; }
  if [[ -d /proc/$p ]] && ! grep -q '^State:.*Z' "/proc/$p/status"; then
    echo "escapee $p alive" >&2
    kill -9 "$p"
    exit 99
  fi
  exit $s ;;
mpi-shared)
  tmp=$1 mpirun=$2 np=$3
  shift 3
  { echo before; "$mpirun" -n "$np" --oversubscribe -q "$@"; echo after; } >"$tmp/o.txt"
  s=$?
  if [[ $(head -n 1 "$tmp/o.txt") != before || $(tail -n 1 "$tmp/o.txt") != after ]]; then
    echo "the report is not between before and after" >&2
    s=97
  fi
  sed '1d;$d' "$tmp/o.txt"
  rm -f "$tmp/o.txt"
  exit $s ;;
*) echo "safety_case.sh: unknown '$what'" >&2; exit 2 ;;
esac
