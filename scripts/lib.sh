# lib.sh - what every script in scripts/ shares: one command-line
# convention, building what is missing, reading alog's reports, and the
# figures and verdicts (through alog_stats.py).  Sourced, never run:
#
#   source "$(dirname "$0")/lib.sh"
#   alog_init bench-x 5          # the script's name, its default rounds
#   while (($#)); do
#     case $1 in
#     --seconds) alog_value seconds num "$@"; shift 2 ;;
#     *) alog_common "$@"; shift "$ALOG_SHIFT" ;;
#     esac
#   done
#   alog_args_done 1             # the fewest rounds that make sense
#
# Common options of every script:
#   --build DIR   build directory (default $ALOG_BUILD, else <root>/build)
#   --rounds N    rounds (default $ROUNDS, else the script's own default)
#   -h, --help    print the script's header comment
# A bad argument or knob gets one line naming the value and exit 2.

# A failing command inside $(...) fails the script too, as it would outside.
shopt -s inherit_errexit
ALOG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ALOG_STATS=$ALOG_ROOT/scripts/alog_stats.py
# An installed alog (scripts/install.cmake) has no build tree: `layout`
# beside this file names its programs' folders, and nothing is built
# (--build DIR or ALOG_BUILD still picks a build tree).
ALOG_LAYOUT_BIN='' ALOG_LAYOUT_LIBEXEC=''
if [[ -f $ALOG_ROOT/scripts/layout ]]; then
  # resolved where it exists, so that messages name /usr/libexec/alog,
  # not scripts/../../../libexec/alog
  alog__layout_dir() {
    local d
    d=$ALOG_ROOT/scripts/$(sed -n "s/^$1=//p" "$ALOG_ROOT/scripts/layout")
    (cd "$d" 2>/dev/null && pwd) || echo "$d"
  }
  ALOG_LAYOUT_BIN=$(alog__layout_dir bin)
  ALOG_LAYOUT_LIBEXEC=$(alog__layout_dir libexec)
fi

# ---- command line --------------------------------------------------------

# alog_init NAME [DEFAULT_ROUNDS]: name the script, take the env defaults.
# Sets alog_rounds (and alog_rounds_from: default, ROUNDS or the option
# that set it, for messages) and ALOG_BUILD.
alog_init() {
  ALOG_PROG=$1
  if [[ -n $ALOG_LAYOUT_BIN ]]; then
    ALOG_BUILD=${ALOG_BUILD:-}
  else
    ALOG_BUILD=${ALOG_BUILD:-$ALOG_ROOT/build}
  fi
  alog_rounds=${ROUNDS:-${2-1}}
  alog_rounds_from=ROUNDS
  [[ -n ${ROUNDS:-} ]] || alog_rounds_from=default
  alog_fails=0 alog_targets=0 alog_built=0
}

alog_die() { # message: one line, exit 1 (a run that went wrong)
  echo "$ALOG_PROG: $*" >&2
  exit 1
}

alog_usage() { # message: one line, exit 2 (bad usage)
  echo "$ALOG_PROG: $* (see --help)" >&2
  exit 2
}

# The header comment of the running script, from line 2 to the first line
# that is not a comment.
alog_help() {
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
}

# alog_check KIND WHAT VALUE: int (>= 0), num (>= 0), list (comma list of
# nums); exits 2 naming WHAT and VALUE when VALUE is not one.
alog_check() {
  local re
  case $1 in
  int) re='^[0-9]+$' ;;
  num) re='^[0-9]+([.][0-9]+)?$' ;;
  list) re='^[0-9]+([.][0-9]+)?(,[0-9]+([.][0-9]+)?)*$' ;;
  *) re='.' ;;
  esac
  [[ $3 =~ $re ]] || alog_usage "$2 '$3': must be $(alog_kind_text "$1")"
}

alog_kind_text() {
  case $1 in
  int) echo "a whole number" ;;
  num) echo "a number >= 0" ;;
  list) echo "a comma list of numbers" ;;
  *) echo "a value" ;;
  esac
}

# alog_value VAR KIND OPTION VALUE...: the value of OPTION, checked, into VAR.
alog_value() {
  local var=$1 kind=$2
  shift 2
  (($# >= 2)) || alog_usage "$1: needs a value"
  alog_check "$kind" "$1" "$2"
  printf -v "$var" '%s' "$2"
}

# alog_common ARGS...: one common option; ALOG_SHIFT = arguments it took.
alog_common() {
  case $1 in
  --build)
    (($# >= 2)) && [[ -n $2 ]] || alog_usage "--build: needs a directory"
    ALOG_BUILD=$2 ALOG_SHIFT=2 ;;
  --rounds)
    alog_value alog_rounds int "$@"
    alog_rounds_from=--rounds ALOG_SHIFT=2 ;;
  -h | --help) alog_help; exit 0 ;;
  -*) alog_usage "unknown option '$1'" ;;
  *) alog_usage "unknown argument '$1': a build directory is --build DIR" ;;
  esac
}

# alog_args_done [MIN_ROUNDS]: check the rounds (from --rounds or ROUNDS=)
# when the script has rounds, make the build directory absolute and export
# it for child scripts.
alog_args_done() {
  local what=$alog_rounds_from
  if (($#)); then
    [[ $what != default ]] || what=--rounds
    alog_check int "$what" "$alog_rounds"
    ((alog_rounds >= $1)) || alog_usage "$what '$alog_rounds': must be at least $1"
  fi
  [[ -z $ALOG_BUILD || $ALOG_BUILD == /* ]] || ALOG_BUILD=$PWD/$ALOG_BUILD
  export ALOG_BUILD
}

# alog_knob VAR NAME KIND DEFAULT: the environment knob NAME (COUNT=,
# PACED_S=, ...) or DEFAULT, checked, into VAR.
alog_knob() {
  local v=${!2:-$4}
  alog_check "$3" "$2" "$v"
  printf -v "$1" '%s' "$v"
}

# ---- building ------------------------------------------------------------

# alog_installed: whether the programs are an installed alog's (no build).
alog_installed() { [[ -z $ALOG_BUILD && -n $ALOG_LAYOUT_BIN ]]; }

# alog_bin TARGET: where the build (or the installation) puts TARGET.
alog_bin() {
  if alog_installed; then
    case $1 in
    alog-ref-*) echo "$ALOG_LAYOUT_LIBEXEC/$1" ;;
    *) echo "$ALOG_LAYOUT_BIN/$1" ;;
    esac
    return
  fi
  case $1 in
  alog-omp) echo "$ALOG_BUILD/omp/$1" ;;
  alog-mpi) echo "$ALOG_BUILD/mpi/$1" ;;
  alog-ref-*) echo "$ALOG_BUILD/scripts/ref/$1" ;;
  *) echo "$ALOG_BUILD/$1" ;;
  esac
}

# alog_known TARGET: whether this build has TARGET (the omp and mpi ones
# exist only when cmake found OpenMP or MPI, which made their directory).
alog_known() {
  if alog_installed; then [[ -x $(alog_bin "$1") ]]; return; fi
  case $1 in
  alog-omp | alog-ref-omp) [[ -d $ALOG_BUILD/omp ]] ;;
  alog-mpi | alog-ref-mpi) [[ -d $ALOG_BUILD/mpi ]] ;;
  *) true ;;
  esac
}

# alog_build [TARGET...]: configure if never configured, then build the
# TARGETs this build has (everything when none are named).  Compiler
# errors show; the callers check what they got.
alog_build() {
  ! alog_installed || return 0 # an installed alog builds nothing
  if [[ ! -f $ALOG_BUILD/CMakeCache.txt ]]; then
    cmake -S "$ALOG_ROOT" -B "$ALOG_BUILD" >/dev/null ||
      alog_die "cmake could not configure $ALOG_BUILD"
  fi
  local t known=()
  for t in "$@"; do
    if alog_known "$t"; then known+=("$t"); fi
  done
  (($# == 0 || ${#known[@]})) || return 0
  cmake --build "$ALOG_BUILD" -j"$(nproc)" ${known[@]+--target "${known[@]}"} >/dev/null
}

# alog_ensure_packages [PKG...]: the Debian packages named (default: those
# the project builds, tests and plots with); missing ones are installed
# when run as root (apt-get), otherwise named, and the script stops.
ALOG_PACKAGES=(build-essential cmake pkg-config libcmocka-dev openmpi-bin
               libopenmpi-dev liburing-dev python3 gnuplot-nox)
alog_ensure_packages() {
  local p missing=() want=("$@")
  ((${#want[@]})) || want=("${ALOG_PACKAGES[@]}")
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
      grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "$ALOG_PROG: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "$ALOG_PROG: missing Debian packages: ${missing[*]}" >&2
    alog_die "install them with: sudo apt-get install ${missing[*]}"
  fi
}

# alog_ensure_built TARGET...: build those that are missing, once per run.
# Returns 1 if some are still missing afterwards.
alog_ensure_built() {
  local t missing=()
  for t in "$@"; do [[ -x $(alog_bin "$t") ]] || missing+=("$t"); done
  ((${#missing[@]})) || return 0
  if ((!alog_built)) && ! alog_installed; then
    alog_built=1
    echo "$ALOG_PROG: building ${missing[*]} in $ALOG_BUILD" >&2
    alog_build "${missing[@]}" || true
  fi
  for t in "${missing[@]}"; do [[ -x $(alog_bin "$t") ]] || return 1; done
}

# alog_need TARGET...: as alog_ensure_built, but a missing one is fatal.
alog_need() {
  alog_ensure_built "$@" && return
  local t
  for t in "$@"; do
    [[ -x $(alog_bin "$t") ]] || alog_die "no $(alog_bin "$t") after building (is its model found by cmake?)"
  done
}

# ---- reading reports -----------------------------------------------------

# alog_csv_values KIND COL [FILE]: column COL of every KIND row of an alog
# CSV report, by the names of the 'kind,...' row above the rows.
alog_csv_values() {
  awk -F, -v kind="$1" -v col="$2" '
    $1 == "kind" { split("", idx); for (i = 1; i <= NF; i++) idx[$i] = i; next }
    $1 == kind && (col in idx) { print $idx[col] }' "${3:--}"
}

# alog_csv_col KIND COL [FILE]: the first of them; fails when there is none.
alog_csv_col() {
  alog_csv_values "$@" | awk 'NR == 1 { print; found = 1 } END { exit !found }'
}

# alog_csv_all_ok [FILE]: at least one producer row, and every one 'ok'.
alog_csv_all_ok() {
  awk -F, '$1 == "producer" { n++; if ($3 != "ok") bad++ }
           END { exit !(n > 0 && !bad) }' "${1:--}"
}

# alog_kv KEY [FILE]: VALUE of a 'KEY=VALUE' or '# KEY=VALUE' line (the
# reference programs' output); fails when there is none.
alog_kv() {
  awk -F= -v k="$1" '($1 == k || $1 == "# " k) && !found { print $2; found = 1 }
                     END { exit !found }' "${2:--}"
}

# ---- figures and verdicts ------------------------------------------------

# Debian's python3 first: the scripts call it often, and a python3 found
# on PATH may be a version-manager shim that takes a second to start.
ALOG_PYTHON=${ALOG_PYTHON:-$(command -v /usr/bin/python3 || command -v python3 || true)}
alog_stats() {
  [[ -n $ALOG_PYTHON ]] || alog_die "python3 is needed (apt-get install python3)"
  "$ALOG_PYTHON" "$ALOG_STATS" "$@"
}
alog_median() { alog_stats median "$@"; }             # VALUE... or -
alog_median_ratio() { alog_stats median-ratio "$@"; } # NUM... -- DEN...
alog_ratio() { alog_stats ratio "$@"; }               # NUM DEN, 3 decimals
alog_calc() { awk "BEGIN { printf \"%.6g\", ($*) }"; } # arithmetic, awk syntax

# alog_verdict LABEL VALUE OP TARGET [HIGH]: print the verdict line and
# count it; a value that is not a number counts as a missed target.
alog_verdict() {
  local rc=0
  alog_stats verdict "$@" || rc=$?
  alog_targets=$((alog_targets + 1))
  ((rc == 0)) || alog_fails=$((alog_fails + 1))
}

# alog_info LABEL VALUE [NOTE]: a figure in the verdict columns, no target
# (a value that is not a number is named on stderr, and the run goes on).
alog_info() { alog_stats info "$@" || true; }

# alog_finish: one closing line; exit 1 if any target was missed.
alog_finish() {
  if ((alog_fails)); then
    echo "$ALOG_PROG: $alog_fails of $alog_targets target(s) missed"
    exit 1
  fi
  echo "$ALOG_PROG: all $alog_targets targets met"
  exit 0
}

# alog_header: the '# ' lines every benchmark starts with.
alog_header() {
  echo "# $ALOG_PROG: $(date -u +%Y-%m-%dT%H:%M:%SZ) host=$(uname -n) cores=$(nproc)"
  echo "# build=$ALOG_BUILD rounds=$alog_rounds load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# the machine may be shared with other work: figures move with its load"
}

# alog_interleave ROUNDS STEP...: call every STEP (a command, given the
# round number) in order, round after round: A B A B ..., so a candidate
# and the reference it is divided by share the machine's state.
# Its locals are prefixed: the steps see the caller's variables (bash
# scope is dynamic), and a local named like one of them would hide it.
alog_interleave() {
  local _alog_rounds=$1 _alog_r _alog_step
  shift
  for ((_alog_r = 1; _alog_r <= _alog_rounds; _alog_r++)); do
    for _alog_step in "$@"; do $_alog_step "$_alog_r"; done
  done
}
