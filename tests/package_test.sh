#!/usr/bin/env bash
# package_test.sh - alog as a package (tests/package.cmake):
#
#   package_test.sh install BUILD SRC   cmake --install into a temporary
#       prefix: the files are there, every installed header compiles
#       alone, tests/consumer/ builds against it through pkg-config and
#       through find_package(alog) and prints what it must, and the
#       installed scripts find the installed programs
#   package_test.sh deb BUILD           cpack -G DEB, dpkg -i, the
#       programs from /usr/bin (mpirun -np 3 alog-mpi), dpkg -r, nothing
#       left; exit 77 (skipped, saying why) without dpkg or root, or with
#       an alog package installed already
# Exit 0 when every check holds, 1 with the failed check on stderr.
set -euo pipefail

fail() {
  echo "package_test: $*" >&2
  exit 1
}

skip() {
  echo "package_test: skipped: $*"
  exit 77
}

# expect WHAT WANT GOT: the two texts are equal, else both are shown.
expect() {
  [[ $2 == "$3" ]] && return
  printf 'package_test: %s: want\n%s\ngot\n%s\n' "$1" "$2" "$3" >&2
  exit 1
}

# What the consumer prints (tests/consumer/consumer.c), version $1.
consumer_output() {
  cat <<EOF
alog $1
wire: Clock 200 from 3 seq 1 sched 0 prod 200000000
merged: 0:0 1:0 1:1 0:1 0:2 1:2
options: count=7 producers=2
bad: 2 consumer: --count '0': must be at least 1 (see --help)
EOF
}

# producers_ok CSV N: how many producer rows of the report are ok with N
# records.
producers_ok() {
  awk -F, -v n="$2" '$1 == "kind" { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $1 == "producer" && $c["status"] == "ok" && $c["records"] == n { k++ }
    END { print k + 0 }' "$1"
}

# headers P: each installed header compiles in a translation unit alone
# (with mpicc when it needs mpi.h).
headers() {
  local h cc
  for h in "$1"/include/alog/*.h; do
    cc=cc
    if grep -q '<mpi.h>' "$h"; then cc=mpicc; fi
    echo "#include <alog/${h##*/}>" |
      "$cc" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fsyntax-only \
        -I"$1/include" -x c - || fail "installed header ${h##*/} does not compile alone"
  done
}

install_main() {
  local build=$1 src=$2
  # global: the EXIT trap runs after this function's locals are gone
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  local P=$tmp/prefix
  cmake --install "$build" --prefix "$P" >"$tmp/install.log" ||
    fail "cmake --install failed: $(tail -3 "$tmp/install.log")"
  local version f
  version=$("$P/bin/alog-async" --version) || fail "installed alog-async --version failed"
  version=${version#alog-async }
  local want=(bin/alog-async bin/alog-producer bin/alog-compare bin/alog-demo
    bin/alog-cluster include/alog/alog.h include/alog/record.h
    include/alog/options.h include/alog/transport.h
    share/man/man1/alog-async.1 share/man/man1/alog-producer.1
    share/alog/scripts/lib.sh share/alog/scripts/layout
    share/alog/scripts/alogexp/cli.py share/alog/scripts/ref/orig_logger.py
    share/doc/alog/README.md share/doc/alog/doc/install.md
    share/doc/alog/examples/hostfile.example
    share/doc/alog/examples/alog.sbatch libexec/alog/alog-ref-c2c)
  if [[ -x $build/mpi/alog-mpi ]]; then
    want+=(bin/alog-mpi share/man/man1/alog-mpi.1 include/alog/mpi_model.h)
  fi
  if [[ -x $build/omp/alog-omp ]]; then
    want+=(bin/alog-omp share/man/man1/alog-omp.1 include/alog/omp_model.h)
  fi
  for f in "${want[@]}"; do [[ -e $P/$f ]] || fail "not installed: $f"; done
  local pc
  pc=$(find "$P" -name alog.pc) && [[ -n $pc ]] || fail "not installed: alog.pc"
  local libdir=${pc%/pkgconfig/alog.pc}
  for f in libalog.so libalog.so.1 libalog.a; do
    [[ -e $libdir/$f ]] || fail "not installed: ${libdir#"$P"/}/$f"
  done
  headers "$P"

  # pkg-config: the prefix comes from where alog.pc is, not from the build.
  export PKG_CONFIG_PATH=$libdir/pkgconfig
  expect "pkg-config --variable=prefix alog" "$P" \
    "$(cd "$(pkg-config --variable=prefix alog)" && pwd)"
  # shellcheck disable=SC2046 # the flags are words
  cc -std=c11 -o "$tmp/consumer-pc" "$src/tests/consumer/consumer.c" \
    $(pkg-config --cflags --libs alog) -Wl,-rpath,"$libdir" ||
    fail "the consumer does not build with pkg-config"
  expect "consumer (pkg-config)" "$(consumer_output "$version")" "$("$tmp/consumer-pc")"
  # the output taken whole: `ldd | grep -q` under pipefail fails when grep
  # quits early and ldd gets SIGPIPE
  [[ $(ldd "$tmp/consumer-pc") == *"$libdir/libalog.so.1"* ]] ||
    fail "the pkg-config consumer does not load the installed libalog.so.1"

  # find_package(alog): shared, static and the model libraries.
  cmake -S "$src/tests/consumer" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$P" \
    >"$tmp/cm.log" || fail "the consumer's cmake failed: $(tail -5 "$tmp/cm.log")"
  cmake --build "$tmp/cm" >>"$tmp/cm.log" 2>&1 ||
    fail "the consumer does not build with find_package: $(tail -5 "$tmp/cm.log")"
  local exe
  for exe in consumer consumer_static consumer_mpi consumer_omp; do
    case $exe in
    consumer_mpi) [[ -x $build/mpi/alog-mpi ]] || continue ;;
    consumer_omp) [[ -x $build/omp/alog-omp ]] || continue ;;
    esac
    [[ -x $tmp/cm/$exe ]] || fail "find_package built no $exe"
    expect "$exe (find_package)" "$(consumer_output "$version")" "$("$tmp/cm/$exe")"
  done

  # The scripts, run from the prefix, take the installed programs.
  [[ $(env -u ALOG_BUILD "$P/bin/alog-cluster" --help) == "cluster - "* ]] ||
    fail "alog-cluster --help"
  env -u ALOG_BUILD "$P/bin/alog-compare" --help >/dev/null || fail "alog-compare --help"
  expect "alogexp's alog-mpi" "$P/bin/alog-mpi" \
    "$(env -u ALOG_BUILD python3 -c 'import sys; sys.path.insert(0, sys.argv[1])
from alogexp import layout
print(layout.program("", "alog-mpi"))' "$P/share/alog/scripts")"
  expect "lib.sh's alog-ref-c2c" "$P/libexec/alog/alog-ref-c2c" \
    "$(env -u ALOG_BUILD bash -c 'source "$1"; alog_init t; alog_bin alog-ref-c2c' \
      t "$P/share/alog/scripts/lib.sh")"
  (cd "$tmp" && env -u ALOG_BUILD -u ALOG_PRODUCER "$P/bin/alog-demo" -n 2 \
    --interval 0.01 --count 3 --format csv -q >"$tmp/demo.csv") ||
    fail "alog-demo failed"
  # A demo that looked for a build would have made one beside the scripts.
  [[ ! -e $P/share/alog/build ]] || fail "alog-demo made a build in the prefix"
  expect "alog-demo's producers ok with 3 records" 2 "$(producers_ok "$tmp/demo.csv" 3)"
  echo "package_test: installed into a temporary prefix, consumer built both ways: ok"
}

# ---- the Debian package ------------------------------------------------------

# Remove the package if it is (even half) installed.
deb_remove() {
  local status
  status=$(dpkg-query -W -f='${Status}' alog 2>/dev/null || true)
  if [[ -n $status && $status != *not-installed* ]]; then
    dpkg --purge alog >/dev/null 2>&1 || true
  fi
}

deb_main() {
  local build=$1
  command -v dpkg >/dev/null && command -v dpkg-deb >/dev/null ||
    skip "no dpkg and dpkg-deb (not a Debian system)"
  [[ $(id -u) -eq 0 ]] || skip "dpkg -i needs root"
  # One package test on the machine at a time: the package is global.
  exec 9>/tmp/alog-package-test.lock
  flock 9
  if [[ $(dpkg-query -W -f='${Status}' alog 2>/dev/null) == *"install ok installed"* ]]; then
    skip "a package alog is installed already: not replacing it"
  fi
  tmp=$(mktemp -d) # global, as in install_main
  trap 'deb_remove; rm -rf "$tmp"' EXIT
  (cd "$tmp" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp") \
    >"$tmp/cpack.log" 2>&1 || fail "cpack -G DEB failed: $(tail -5 "$tmp/cpack.log")"
  local deb
  deb=$(find "$tmp" -maxdepth 1 -name 'alog_*.deb') && [[ -n $deb ]] ||
    fail "cpack made no alog_*.deb"
  local depends
  depends=$(dpkg-deb -f "$deb" Depends)
  for p in python3 libc6; do
    [[ $depends == *"$p"* ]] || fail "Depends lacks $p: $depends"
  done
  if [[ -x $build/mpi/alog-mpi ]]; then
    [[ $depends == *openmpi-bin* ]] || fail "Depends lacks openmpi-bin: $depends"
  fi
  # the long description: indented lines of text, not a CMake ;-list
  local desc
  desc=$(dpkg-deb -f "$deb" Description)
  [[ $(wc -l <<<"$desc") -ge 2 && $desc != *";"* ]] ||
    fail "Description is not a summary and indented lines: $desc"
  dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || fail "dpkg -i failed: $(tail -5 "$tmp/dpkg.log")"
  dpkg -L alog >"$tmp/files"
  local version
  version=$(dpkg-deb -f "$deb" Version)
  expect "/usr/bin/alog-async --version" "alog-async $version" "$(/usr/bin/alog-async --version)"
  [[ -f /usr/share/man/man1/alog-async.1 ]] || fail "no /usr/share/man/man1/alog-async.1"
  if [[ -x /usr/bin/alog-mpi ]]; then
    (cd "$tmp" && mpirun --oversubscribe -np 3 /usr/bin/alog-mpi --count 5 \
      --interval 0.01 --format csv -q >"$tmp/mpi.csv") || fail "mpirun -np 3 /usr/bin/alog-mpi failed"
    # Two producer ranks, each with its 5 records (the report's rows).
    expect "producer ranks ok with 5 records" 2 "$(producers_ok "$tmp/mpi.csv" 5)"
  fi
  dpkg -r alog >"$tmp/dpkg-r.log" 2>&1 || fail "dpkg -r failed: $(tail -5 "$tmp/dpkg-r.log")"
  local f left=0
  while read -r f; do
    if [[ -f $f || -L $f ]]; then
      echo "package_test: left after dpkg -r: $f" >&2
      left=1
    fi
  done <"$tmp/files"
  ((!left)) || exit 1
  echo "package_test: $(basename "$deb"): installed, ran, removed without a trace: ok"
}

case ${1-} in
install) (($# == 3)) || fail "usage: install BUILD SRC"; install_main "$2" "$3" ;;
deb) (($# == 2)) || fail "usage: deb BUILD"; deb_main "$2" ;;
*) fail "usage: package_test.sh install BUILD SRC | deb BUILD" ;;
esac
