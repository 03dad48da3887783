"""alogexp.simcli - scripts/simulate's command line and its sweep: alog-mpi
under smpirun on clusters of a given shape, one run per point (a
simulation is deterministic: repeating it gives the same figures), the
results folder of scripts/compare (runs.csv, reports/, summary.md,
plots), and the calibration and validation (calibrate.py).

Bad input is one line naming the value and exit 2, before anything runs.
"""
import datetime
import json
import math
import os
import platform
import sys

from . import env as envmod
from . import layout, runner, scale, smpi
from .cli import Usage, name_list, number, whole, whole_list
from .report import figures

PROG = "simulate"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
COLLECTS = ("blocking", "async", "batched", "tree")
# What each collect word runs (batched: as scripts/compare's mpi-batched).
COLLECT_ARGS = {
    "blocking": ("--collect", "blocking"),
    "async": ("--collect", "async"),
    "batched": ("--collect", "async", "--batch", "64", "--flush-ms", "2"),
    "tree": ("--collect", "tree"),
}
EXTRA_COLUMNS = ("collect", "hosts", "per_host", "simulated_s", "real_s",
                 "saturated", "delay_p99_intervals")

USAGE = """usage: scripts/simulate [run] [options]
       scripts/simulate calibrate [--build DIR] [--out FILE] [--no-cluster]
       scripts/simulate validate [--build DIR] [--calibration FILE] [--out DIR] [--no-cluster]

alog-mpi on simulated clusters (SimGrid SMPI, built by -DALOG_SMPI into
BUILD/smpi): every point is one simulated run of alog-mpi on H hosts of K
cores (rank 0 collects, ranks 1..N-1 produce).  A point is saturated when
collected/offered < 0.98 or the p99 delay passes 10 intervals.  Manual:
doc/scale.md.

run options:
  --ranks LIST        ranks N (default 2,4,8,16,32,64; at most 4096)
  --per-host K        cores and ranks per simulated host (default: the
                      calibration's cores, 2)
  --rate LIST         Hz per producer rank; 0: unthrottled (default 100)
  --collect LIST      blocking, async, batched, tree (default
                      blocking,async,batched)
  --duration S        simulated seconds of a paced run (default 1)
  --count N           records per producer of an unthrottled run (default 2000)
  --calibration FILE  the figures of `simulate calibrate` (default
                      BUILD/smpi/calibration.json, else this machine's of
                      doc/scale.md)
  --keep-going        run every point (default: a (collect, rate) stops at
                      its first saturated rank count, larger ones skipped)
  --budget S          start no run after S s of wall time (the rest skipped,
                      named in summary.md)
  --timeout S         one run's wall-time limit (default 900)
  --build DIR         the build directory (default build)
  --out DIR           results folder (default results/simulate-<date>-<host>)
  --help              this text
"""


def _opts():
    return {
        "--ranks": lambda o, t: whole_list(o, t, 2, 4096),
        "--per-host": lambda o, t: whole(o, t, 1),
        "--rate": _rates,
        "--collect": lambda o, t: tuple(name_list(o, t, COLLECTS)),
        "--duration": number,
        "--count": lambda o, t: whole(o, t, 1),
        "--calibration": _file,
        "--budget": number,
        "--timeout": number,
        "--build": lambda o, t: t,
        "--out": lambda o, t: t,
    }


def _rates(opt, text):
    items = text.split(",")
    out = []
    for w in items:
        x = number(opt, w, positive=False) if w else None
        if x is None:
            raise Usage(f"{opt} '{text}': not a comma list of rates")
        out.append(x)
    return tuple(sorted(set(out)))


def _file(opt, text):
    if not os.path.isfile(text):
        raise Usage(f"{opt} '{text}': no such file")
    return text


def parse(argv, flags=("--keep-going",), opts=None):
    """{option: value} of argv; Usage on bad input."""
    opts = _opts() if opts is None else opts
    got, i = {}, 0
    while i < len(argv):
        a = argv[i]
        name, eq, val = a.partition("=")
        if a in flags:
            got[a] = True
            i += 1
            continue
        if name not in opts:
            raise Usage(f"unknown option '{a}' (see --help)")
        if not eq:
            if i + 1 >= len(argv):
                raise Usage(f"{name}: missing value (see --help)")
            val = argv[i + 1]
            i += 1
        got[name] = opts[name](name, val)
        i += 1
    return got


def load_calibration(path, build):
    """The calibration dict: DEFAULT_CAL with the file's figures."""
    cal = dict(smpi.DEFAULT_CAL)
    path = path or os.path.join(build, "smpi", "calibration.json")
    if os.path.isfile(path):
        with open(path) as f:
            cal.update(json.load(f))
        cal["source"] = path
    else:
        cal["source"] = "defaults (doc/scale.md; no calibration.json)"
    return cal


def binary(build, name="alog-mpi"):
    sub = "mpi" if name == "alog-mpi" else os.path.join("scripts", "ref")
    return os.path.join(build, "smpi", sub, name)


def log_args(rate, duration, count):
    if rate:
        return ["--rate", f"{rate:g}", "--duration", f"{duration:g}",
                "--phase", "spread"]
    return ["--interval", "0", "--count", str(count)]


def run_point(s, cal, ranks, collect, rate, order, timeout):
    """One simulated run: its row of runs.csv and its report text."""
    k = s["per_host"]
    plat, hf = smpi.write_shape(os.path.join(s["out"], "platforms"), cal,
                                ranks, k)
    args = [*COLLECT_ARGS[collect], *log_args(rate, s["duration"],
                                              s["count"]),
            "--format", "csv", "-q"]
    argv = smpi.command(binary(s["build"]), ranks, plat, hf, cal, args)
    code, out, err, secs = runner.run_process(argv, timeout, dict(os.environ))
    figs = figures("log", ranks - 1, rate, out)
    sim_s, real_s = smpi.timing(err)
    row = {"repetition": 1, "order": order, "part": "scale", "model": "mpi",
           "variant": f"smpi-{collect}", "n": ranks - 1, "rate_hz": rate,
           "exit": code, "status": runner.status_of(code, figs),
           "batch": 64 if collect == "batched" else 1, "seconds": secs,
           "collect": collect, "hosts": smpi.hosts_for(ranks, k),
           "per_host": k, "simulated_s": sim_s, "real_s": real_s,
           "command": " ".join(argv)}
    row.update(figs)
    if row["status"] not in runner.MEASURED:
        row["error"] = runner.last_error(err, code)
    row["saturated"], row["delay_p99_intervals"] = scale.saturated(row, rate)
    return row, out


class Writer(runner.RunsWriter):
    """runs.csv with the simulation's columns after compare's."""

    def __init__(self, folder):
        super().__init__(folder)
        self.f.seek(0)
        self.f.truncate()
        self.columns = runner.RUN_COLUMNS + EXTRA_COLUMNS
        self.w.writerow(self.columns)

    def add(self, row, report_text):
        self.w.writerow([runner.fmt(row.get(c, "")) for c in self.columns])
        self.f.flush()
        self.rows.append({c: runner.fmt(row.get(c, "")) for c in self.columns})
        name = os.path.join(self.folder, "reports", f"{row['order']:04d}.csv")
        with open(name, "w") as f:
            f.write(report_text)


def sweep(s, cal, progress):
    """Every point in order; (rows, skipped points)."""
    w = Writer(s["out"])
    skipped, order = [], 0
    for collect in s["collect"]:
        for rate in s["rate"]:
            done = False
            for ranks in s["ranks"]:
                over = s["budget"] and progress.elapsed() > s["budget"]
                if done or over:
                    skipped.append((collect, rate, ranks,
                                    "budget" if over else "past saturation"))
                    continue
                order += 1
                progress.tick(f"{collect} {rate:g} Hz, {ranks} ranks")
                row, text = run_point(s, cal, ranks, collect, rate, order,
                                      s["timeout"])
                w.add(row, text)
                progress.note(scale.one_line(row))
                done = row["saturated"] == "yes" and not s["keep_going"]
    w.close()
    return w.rows, skipped


def settings(got):
    build = os.path.abspath(got.get("--build", os.path.join(ROOT, "build")))
    cal = load_calibration(got.get("--calibration"), build)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
    out = got.get("--out") or os.path.join(
        ROOT, "results", f"simulate-{stamp}-{platform.node()}")
    s = {"build": build, "out": os.path.abspath(out),
         "ranks": got.get("--ranks", (2, 4, 8, 16, 32, 64)),
         "per_host": got.get("--per-host", int(cal.get("cores", 2))),
         "rate": got.get("--rate", (100.0,)),
         "collect": got.get("--collect", ("blocking", "async", "batched")),
         "duration": got.get("--duration", 1.0),
         "count": got.get("--count", 2000),
         "budget": got.get("--budget", 0), "timeout": got.get("--timeout",
                                                              900.0),
         "keep_going": got.get("--keep-going", False)}
    return s, cal


def check_ready(s):
    if smpi.smpirun() is None:
        raise Usage("smpirun not found: apt-get install libsimgrid-dev")
    exe = binary(s["build"])
    if not os.access(exe, os.X_OK):
        if layout.installed() and not os.path.isdir(s["build"]):
            # a package carries the real alog-mpi, not the simulated one
            raise Usage("the simulated alog-mpi is not installed: run "
                        "scripts/simulate from a source tree configured "
                        "with -DALOG_SMPI=ON, or give --build DIR")
        raise Usage(f"--build '{s['build']}': no {exe} (configure with "
                    "-DALOG_SMPI=ON and build)")


def run_main(argv):
    got = parse(argv)
    s, cal = settings(got)
    check_ready(s)
    os.makedirs(s["out"], exist_ok=True)
    extra = {"simgrid": smpi.smpi_version(),
             "calibration": json.dumps(cal, sort_keys=True)}
    envmod.write(os.path.join(s["out"], "env.txt"), envmod.describe(
        ROOT, s["build"], " ".join([PROG] + argv), extra))
    progress = runner.Progress(PROG)
    rows, skipped = sweep(s, cal, progress)
    wall = progress.done()
    scale.write_summary(s, cal, rows, skipped, wall)
    scale.plot(s, cal, rows)
    print(open(os.path.join(s["out"], "summary.md")).read())
    failed = [r for r in rows if r["status"] not in runner.MEASURED]
    return 1 if failed else 0


def main(argv):
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0
    sub = argv[0] if argv and not argv[0].startswith("-") else "run"
    rest = argv[1:] if argv and not argv[0].startswith("-") else argv
    if "--help" in rest or "-h" in rest:
        print(USAGE, end="")
        return 0
    try:
        if sub == "run":
            return run_main(rest)
        if sub in ("calibrate", "validate"):
            from . import calibrate
            return calibrate.main(sub, rest, parse, ROOT)
        raise Usage(f"'{sub}': not a subcommand (run, calibrate, validate)")
    except Usage as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    finally:
        sys.stdout.flush()
