"""alogexp.bench - the bench scripts' engine: the one command-line
convention (--rounds N, --build DIR, -h/--help, environment knobs, one
line naming a bad value and exit 2), interleaved A/B rounds (a candidate
is divided by the reference run just before it, in the same round), the
median of those ratios with the same 95% interval from order statistics
that scripts/compare reports, and the verdict lines (PASS/FAIL, exit 1
when a target is missed).  Runs go through runner.run_process and
reports through report.Report, as in compare.

A bench script on it is a thin main:

    b = Bench("bench-x", __doc__, default_rounds=7, least_rounds=1)
    b.parse(sys.argv[1:], knobs={"COUNT": ("int", 4000000)})
    b.need("alog-omp", "alog-ref-omp")
    ... b.run(argv) -> (exit, stdout); b.rounds(...); b.verdict(...)
    sys.exit(b.finish())

scripts/bench-omp is the first; bench-async, bench-mpi and bench-primes
are bash on scripts/lib.sh still (its helpers call alog_stats.py, the
same statistics): each would follow by turning its round functions into
Python steps that return a figure per round, its awk report readers into
report.Report, and its alog_verdict calls into Bench.verdict.
"""
import os
import subprocess
import sys
import time

from . import stats as st
from .report import Report
from .runner import run_process

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class BenchUsage(Exception):
    pass


def check(kind, what, text):
    """int (>= 0) or num (>= 0); BenchUsage naming what and text."""
    ok = text.isdigit() if kind == "int" else \
        text.replace(".", "", 1).isdigit()
    if not ok:
        raise BenchUsage(f"{what} '{text}': must be "
                         + ("a whole number" if kind == "int"
                            else "a number >= 0"))
    return int(text) if kind == "int" else float(text)


class Bench:
    def __init__(self, prog, doc, default_rounds=5, least_rounds=1):
        self.prog, self.doc = prog, doc
        self.rounds_n = default_rounds
        self.least = least_rounds
        self.build = os.environ.get("ALOG_BUILD") or \
            os.path.join(ROOT, "build")
        self.knobs = {}
        self.fails = self.targets = 0
        self.env = dict(os.environ)

    # ---- the command line ---------------------------------------------------

    def parse(self, argv, knobs=None):
        """--build DIR, --rounds N, -h/--help, and the environment knobs
        {NAME: (kind, default)}; a bad value: one line, exit 2."""
        try:
            self._parse(list(argv), knobs or {})
        except BenchUsage as e:
            print(f"{self.prog}: {e} (see --help)", file=sys.stderr)
            sys.exit(2)

    def _parse(self, argv, knobs):
        rounds_from = "ROUNDS"
        rounds = os.environ.get("ROUNDS") or None
        while argv:
            a = argv.pop(0)
            if a in ("-h", "--help"):
                print(self.doc.strip())
                sys.exit(0)
            if a in ("--build", "--rounds"):
                if not argv or not argv[0]:
                    raise BenchUsage(f"{a}: needs a "
                                     + ("directory" if a == "--build"
                                        else "value"))
                v = argv.pop(0)
                if a == "--build":
                    self.build = v
                else:
                    rounds, rounds_from = v, "--rounds"
            elif a.startswith("-"):
                raise BenchUsage(f"unknown option '{a}'")
            else:
                raise BenchUsage(f"unknown argument '{a}': a build "
                                 "directory is --build DIR")
        if rounds is not None:
            self.rounds_n = check("int", rounds_from, rounds)
        if self.rounds_n < self.least:
            raise BenchUsage(f"{rounds_from} '{self.rounds_n}': must be at "
                             f"least {self.least}")
        self.build = os.path.abspath(self.build)
        os.environ["ALOG_BUILD"] = self.env["ALOG_BUILD"] = self.build
        for name, (kind, default) in knobs.items():
            self.knobs[name] = check(kind, name,
                                     os.environ.get(name) or str(default))

    # ---- the programs -------------------------------------------------------

    def bin(self, target):
        sub = {"alog-omp": "omp", "alog-mpi": "mpi"}.get(target, "")
        if target.startswith("alog-ref-"):
            sub = os.path.join("scripts", "ref")
        return os.path.join(self.build, sub, target)

    def need(self, *targets):
        """Build what is missing (lib.sh's alog_ensure_built); a target
        still missing ends the script (exit 1)."""
        missing = [t for t in targets if not os.access(self.bin(t), os.X_OK)]
        if missing:
            lib = os.path.join(ROOT, "scripts", "lib.sh")
            subprocess.run(["bash", "-c", 'source "$1"; alog_init "$2"; '
                            'ALOG_BUILD=$3; shift 3; alog_ensure_built "$@"',
                            "bench", lib, self.prog, self.build, *missing],
                           check=False)
        for t in targets:
            if not os.access(self.bin(t), os.X_OK):
                self.die(f"no {self.bin(t)} after building (is its model "
                         "found by cmake?)")

    def die(self, msg):
        print(f"{self.prog}: {msg}", file=sys.stderr)
        sys.exit(1)

    def run(self, argv, timeout=600):
        """stdout of one run; exit 1 naming the command when it fails."""
        code, out, err, _ = run_process(argv, timeout, self.env)
        if code != 0:
            last = (err.strip().splitlines() or [f"exit {code}"])[-1]
            self.die(f"{' '.join(argv)}: {last}")
        return out

    def report(self, argv):
        return Report(self.run(argv))

    # ---- rounds and figures -------------------------------------------------

    def interleave(self, *steps):
        """Every step (a function of the round number) in order, round
        after round: A B A B ..., so that a candidate and the reference
        it is divided by share the machine's state."""
        for r in range(1, self.rounds_n + 1):
            for step in steps:
                step(r)

    @staticmethod
    def median_ratio(nums, dens):
        """(median of the per-round ratios, lo, hi, confidence)."""
        rs = st.ratios(nums, dens)
        lo, hi, conf = st.median_ci(rs)
        return st.median(rs), lo, hi, conf

    @staticmethod
    def interval(values):
        """'m [lo, hi] (conf%)' of values, as compare writes it."""
        lo, hi, conf = st.median_ci(values)
        return f"{st.median(values):.3g} [{lo:.3g}, {hi:.3g}] " \
            f"({conf * 100:.0f}%)"

    # ---- the output ---------------------------------------------------------

    def header(self):
        load = open("/proc/loadavg").read().split()[:3] \
            if os.path.exists("/proc/loadavg") else ["?"]
        now = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
        print(f"# {self.prog}: {now} host={os.uname().nodename} "
              f"cores={os.cpu_count()}")
        print(f"# build={self.build} rounds={self.rounds_n} "
              f"load={' '.join(load)}")
        print("# the machine may be shared with other work: figures move "
              "with its load")
        sys.stdout.flush()

    def verdict(self, label, value, op, target, high=None, ci=None):
        """One verdict line (and its interval, when given, after it)."""
        ok, line = st.verdict(label, value, op, target, high)
        self.targets += 1
        self.fails += not ok
        if ci is not None:
            line += f"  median of ratios [{ci[0]:.3g}, {ci[1]:.3g}] " \
                f"({ci[2] * 100:.0f}%)"
        print(line)

    def info(self, label, value, note=""):
        print(st.info_line(label, value, note))

    def finish(self):
        """The closing line; 1 if any target was missed."""
        if self.fails:
            print(f"{self.prog}: {self.fails} of {self.targets} target(s) "
                  "missed")
            return 1
        print(f"{self.prog}: all {self.targets} targets met")
        return 0
