"""compare_exp.py - one experiment of scripts/compare, from the build to
the results folder: the programs built when missing, the calibration (ns
per trial-division step, the primes number), one unrecorded warm-up run
per program, the rounds (every point once per round), then runs.csv,
summary.csv, summary.md, env.txt and the plots.
"""
import os
import subprocess
import sys
import time

import alog_stats as st
import compare_env
import compare_plan as plan
import compare_plot
import compare_report as report
import compare_run as runner
from compare_words import sentences

PROG = "compare"


def note(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)


def ensure_built(launch, variants):
    """The variants whose programs exist, after building what is missing
    with the scripts' one build helper (lib.sh: alog_ensure_built
    configures a build never configured, and builds only the targets
    this build has)."""
    programs = {v.program for v in variants} | {"alog-async", "alog-producer"}
    paths = {p: launch.bin(p) for p in programs if p != "ref"}
    missing = [p for p, path in paths.items() if not os.access(path, os.X_OK)]
    if missing:
        lib = os.path.join(launch.root, "scripts", "lib.sh")
        subprocess.run(["bash", "-c", 'source "$1"; alog_init compare; '
                        'ALOG_BUILD=$2; shift 2; alog_ensure_built "$@"',
                        "compare", lib, launch.build, *missing], check=False)
    for p in ("alog-async", "alog-producer"):
        if not os.access(paths[p], os.X_OK):
            raise SystemExit(f"{PROG}: no {paths[p]} after building")
    keep = []
    for v in variants:
        if v.program == "ref" or os.access(paths[v.program], os.X_OK):
            keep.append(v)
        else:
            note(f"skipping {v.name}: no {paths[v.program]} (not found by "
                 "cmake?)")
    return keep


class Experiment:
    def __init__(self, s, parts, variants, launch, folder, env, command):
        self.s, self.parts, self.variants = s, parts, variants
        self.launch, self.folder, self.env = launch, folder, env
        self.command = command
        self.step_ns = self.cal_s = self.serial_s = float("nan")
        self.versions = {}
        self.started = time.strftime("%Y-%m-%d %H:%M %Z")

    def _primes_run(self, number):
        """model_s and steps of one serial div run of number."""
        argv = [self.launch.bin("alog-async"), "primes", "--number",
                str(number), "--kernel", plan.PRIMES_KERNEL, "-P", "1",
                "--no-baseline", "--format", "csv"]
        code, out, err, _ = runner.run_process(argv, 120, self.env)
        r = runner.Report(out).first("result")
        if code != 0 or not r:
            raise SystemExit(f"{PROG}: calibration failed: "
                             f"{' '.join(argv)}: {err.strip()}")
        return float(r["model_s"]), float(r["steps"])

    def calibrate(self):
        """ns per trial-division step (3 runs on plan.CAL_NUMBER, median)
        and the primes number with its expected serial time."""
        runs = [self._primes_run(plan.CAL_NUMBER) for _ in range(3)]
        self.cal_s = st.median([t for t, _ in runs])
        self.step_ns = st.median([t / n * 1e9 for t, n in runs])
        if "primes" in self.parts:
            if not self.s.number:
                self.s.number = plan.choose_number(self.cal_s,
                                                   self.s.primes_seconds)
            self.serial_s = plan.estimate_serial(self.s.number, self.cal_s)
        note(f"calibration: {self.step_ns:.3g} ns per trial-division step"
             + (f"; primes number {self.s.number} (serial ~"
                f"{self.serial_s:.2f} s)" if "primes" in self.parts else ""))

    def warm_up(self, points):
        """One short unrecorded run per program (the first point of each,
        made small); keeps the versions the reports name."""
        seen = set()
        for p in points:
            key = (p.variant.program, p.part == "primes")
            if key in seen:
                continue
            seen.add(key)
            small = plan.Point(p.part, p.variant, 1, 0.0 if p.part != "io"
                               else p.rate)
            s = plan.Settings(cores=self.s.cores, io_duration=0.05,
                              tp_records=2000, tp_py_records=2000,
                              number=plan.CAL_NUMBER)
            argv = plan.command(small, s, self.launch)
            _, out, _, _ = runner.run_process(argv, 120, self.env)
            head = runner.Report(out).header
            for k in ("openmp", "mpi_library"):
                if k in head:  # the log job's header says the most
                    self.versions.setdefault(k, head[k])

    def _row(self, point, rep, order, result):
        code, out, err, secs = result
        figs = runner.figures(point, out)
        row = {"repetition": rep, "order": order, "part": point.part,
               "model": point.variant.family, "variant": point.variant.name,
               "n": point.n, "rate_hz": point.rate,
               "collect_work": point.work, "offered_cores": point.load,
               "exit": code, "status": runner.status_of(code, figs),
               "seconds": secs, "command": " ".join(self._argv)}
        row.update(figs)
        if row["status"] not in report.GOOD:
            lines = [ln for ln in err.strip().splitlines() if ln.strip()]
            row["error"] = lines[-1][:200] if lines else f"exit {code}"
        return row

    def _speedup(self, row, serial):
        """speedup and efficiency against the serial run of the round."""
        t = row.get("model_s", float("nan"))
        if row["variant"] == "serial":
            serial[row["repetition"]] = t
        base = serial.get(row["repetition"], float("nan"))
        if t > 0 and base > 0:
            row["speedup"] = base / t
            row["efficiency"] = row["speedup"] / row["n"]

    def run(self, points):
        """Every point once per round, rounds repeated; runs.csv."""
        guess = [plan.expected_seconds(p, self.s, self.serial_s)
                 for p in points]
        total = len(points) * self.s.reps
        prog = runner.Progress(total, sum(guess) * self.s.reps)
        out = runner.RunsWriter(self.folder)
        serial, order = {}, 0
        try:
            for rep in range(1, self.s.reps + 1):
                for p, g in zip(points, guess):
                    order += 1
                    prog.tick(order, p.label(), g)
                    self._argv = plan.command(p, self.s, self.launch)
                    result = runner.run_process(self._argv, 30 + 4 * g,
                                                self.env)
                    row = self._row(p, rep, order, result)
                    if p.part == "primes":
                        self._speedup(row, serial)
                    out.add(row, result[1])
        finally:
            out.close()
            self.elapsed = prog.done()

    def finish(self, env_pairs):
        """summary.csv, summary.md (also printed), env.txt, plots."""
        rows = report.summarize(runner.read_runs(self.folder))
        meta = self.meta()
        write_outputs(self.folder, rows, meta)
        compare_env.write(os.path.join(self.folder, "env.txt"), env_pairs + [
            ("load_after", compare_env.loadavg()),
            ("step_ns", f"{self.step_ns:.4g} (alog_work: one trial division "
                        "by an odd divisor, --kernel div)"),
            ("primes_number", str(self.s.number or "-")),
            ("openmp", self.versions.get("openmp", "unknown")),
            ("mpi_library", self.versions.get("mpi_library", "unknown")),
            ("elapsed_s", f"{self.elapsed:.1f}")])

    def meta(self):
        s = self.s
        return {"host": os.uname().nodename, "cores": s.cores,
                "started": self.started,
                "command": self.command, "reps": s.reps,
                "number": s.number, "serial_s": self.serial_s,
                "step_ns": self.step_ns,
                "settings": {"rate": f"{s.rate:g}",
                             "io_duration": f"{s.io_duration:g}",
                             "cross_n": s.cross_n,
                             "cross_duration": f"{s.cross_duration:g}"}}


def write_outputs(folder, rows, meta):
    """summary.csv, summary.md and the plots of summary rows; summary.md
    also to stdout."""
    report.write_summary_csv(os.path.join(folder, "summary.csv"), rows)
    md = report.summary_md(rows, meta, sentences(rows, meta))
    with open(os.path.join(folder, "summary.md"), "w") as f:
        f.write(md)
    with open(os.path.join(folder, "meta.txt"), "w") as f:
        for k, v in meta.items():
            if k != "settings":
                f.write(f"{k}={v}\n")
        for k, v in meta["settings"].items():
            f.write(f"settings.{k}={v}\n")
    compare_plot.plot_all(folder, rows, meta)
    sys.stdout.write(md)


def read_meta(folder):
    """meta.txt of a results folder back into the dict summary_md wants."""
    meta = {"settings": {}}
    path = os.path.join(folder, "meta.txt")
    if os.path.isfile(path):
        with open(path) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                if k.startswith("settings."):
                    meta["settings"][k[9:]] = v
                else:
                    meta[k] = v
    for k in ("cores", "reps"):
        meta[k] = int(meta.get(k) or 0) or os.cpu_count()
    for k in ("serial_s", "step_ns"):
        meta[k] = float(meta.get(k) or "nan")
    for k in ("host", "started", "command", "number"):
        meta.setdefault(k, "?")
    return meta
