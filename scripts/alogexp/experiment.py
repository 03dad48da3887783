"""alogexp.experiment - one experiment of scripts/compare, from the build to
the results folder: the programs built when missing, the calibration (ns
per trial-division step, the primes numbers), then each part: its warm-up
runs, its points in adaptive interleaved rounds (adapt.py), the
crossover's bisection (crossover.py); then runs.csv's speedups, the
summary, the plots, env.txt, and the list of failed runs.
"""
import math
import os
import subprocess
import time

from . import adapt, crossover as cx, env as envmod
from . import plan, plot, report, runner, stats as st, summary, words
from .probe import Probe

PROG = "compare"


def ensure_built(launch, variants, note):
    """The variants whose programs exist, after building what is missing
    with the scripts' one build helper (lib.sh: alog_ensure_built
    configures a build never configured, and builds only the targets this
    build has).  The core-to-core probe is built on its own: a build
    without it loses the probe, nothing else."""
    c_programs = {v.program for v in variants if v.program.startswith("alog")}
    programs = c_programs | {"alog-async", "alog-producer"}
    paths = {p: launch.bin(p) for p in programs}

    def build(targets):
        lib = os.path.join(launch.root, "scripts", "lib.sh")
        subprocess.run(["bash", "-c", 'source "$1"; alog_init compare; '
                        'ALOG_BUILD=$2; shift 2; alog_ensure_built "$@"',
                        "compare", lib, launch.build, *targets], check=False,
                       stdout=subprocess.DEVNULL)

    missing = [p for p, path in paths.items() if not os.access(path, os.X_OK)]
    if missing:
        build(missing)
    for p in ("alog-async", "alog-producer"):
        if not os.access(paths[p], os.X_OK):
            raise SystemExit(f"{PROG}: no {paths[p]} after building")
    probe = launch.bin("alog-ref-c2c")
    if not os.access(probe, os.X_OK):
        build(["alog-ref-c2c"])
    keep = []
    for v in variants:
        if v.program in paths and not os.access(paths[v.program], os.X_OK):
            note(f"skipping {v.name}: no {paths[v.program]} (not found by "
                 "cmake?)")
        else:
            keep.append(v)
    return keep


def fill_speedups(runs):
    """speedup and efficiency of every primes run (in place): its
    baseline's run (serial, or py-serial for the Python rows) of the same
    round, or the nearest before it when that round had none."""
    base = {}
    for r in runs:
        if r.get("part") == "primes" and r.get("status") in runner.MEASURED \
                and r.get("variant") in ("serial", "py-serial"):
            base.setdefault(r["variant"], []).append(
                (int(r.get("round") or 0), int(r.get("order") or 0),
                 float(r["model_s"])))
    for r in runs:
        if r.get("part") != "primes" or r.get("status") not in \
                runner.MEASURED or not r.get("model_s"):
            continue
        name = plan.PRIMES_BASE.get(r["variant"], "serial")
        rows = base.get(name, [])
        rd, order = int(r.get("round") or 0), int(r.get("order") or 0)
        same = [t for x, _, t in rows if x == rd]
        before = [(o, t) for _, o, t in rows if o <= order]
        t0 = same[0] if same else (max(before)[1] if before else
                                   (rows[0][2] if rows else math.nan))
        t = float(r["model_s"])
        if t > 0 and t0 > 0:
            r["speedup"] = runner.fmt(t0 / t)
            r["efficiency"] = runner.fmt(t0 / t / int(float(r["n"])))
    return runs


class Experiment:
    def __init__(self, s, parts, variants, launch, folder, env, command):
        self.s, self.parts, self.variants = s, parts, variants
        self.launch, self.folder, self.env = launch, folder, env
        self.command = command
        self.step_ns = self.cal_s = self.serial_s = math.nan
        self.py_serial_s = math.nan
        self.versions = {}
        self.started = time.strftime("%Y-%m-%d %H:%M %Z")
        self.progress = runner.Progress(PROG)
        self.probe = Probe(launch.bin("alog-ref-c2c"), env)
        self.failures, self.shorts = [], []
        self.order = 0
        self.capped = {}
        self.writer = None
        self.engine = adapt.Engine(self.measure, seed=s.seed)
        self.est_total = self.est_done = 0.0
        self.step = 0
        self.warmed = set()

    def note(self, msg):
        self.progress.note(msg)

    # ---- calibration ------------------------------------------------------

    def _primes_run(self, argv):
        code, out, err, _ = runner.run_process(argv, 120, self.env)
        r = report.Report(out).first("result")
        if code != 0 or not r:
            raise SystemExit(f"{PROG}: calibration failed: "
                             f"{' '.join(argv)}: {err.strip()}")
        return float(r["model_s"]), float(r["steps"])

    def calibrate(self):
        """ns per trial-division step (3 runs on plan.CAL_NUMBER, median),
        the primes number with its expected serial time, and the Python
        rows' number (one run of orig_primes.py --mode serial)."""
        argv = [self.launch.bin("alog-async"), "primes", "--number",
                str(plan.CAL_NUMBER), "--kernel", plan.PRIMES_KERNEL, "-P",
                "1", "--no-baseline", "--format", "csv"]
        runs = [self._primes_run(argv) for _ in range(3)]
        self.cal_s = st.median([t for t, _ in runs])
        self.step_ns = st.median([t / n * 1e9 for t, n in runs])
        if "primes" in self.parts:
            if not self.s.number:
                self.s.number = plan.choose_number(self.cal_s,
                                                   self.s.primes_seconds)
            self.serial_s = plan.estimate_serial(self.s.number, self.cal_s)
            if any(v.program == "orig-primes" for v in self.variants):
                if not self.s.py_number:
                    t, _ = self._primes_run([
                        self.launch.python, self.launch.ref("orig_primes.py"),
                        "--number", str(plan.PY_CAL_NUMBER), "-P", "1",
                        "--mode", "serial", "--format", "csv"])
                    self.s.py_number = plan.choose_number(
                        max(t, 1e-4), self.s.py_primes_seconds,
                        plan.PY_CAL_NUMBER)
                self.py_serial_s = self.s.py_primes_seconds
        self.note(f"calibration: {self.step_ns:.3g} ns per trial-division "
                  "step" + (f"; primes number {self.s.number} (serial ~"
                            f"{self.serial_s:.2f} s)"
                            if "primes" in self.parts else "")
                  + (f", Python rows {self.s.py_number}"
                     if self.s.py_number else ""))

    # ---- one run ------------------------------------------------------------

    def measure(self, point, rep):
        """Run point once (rep 0: a warm-up, recorded as such); its row."""
        c2c = self.probe.measure()
        argv = plan.command(point, self.s, self.launch)
        guess = plan.expected_seconds(point, self.s, self.serial_s,
                                      self.py_serial_s)
        self.order += 1
        left = None
        if self.est_done > 0:
            left = max(0.0, self.est_total - self.est_done) * \
                self.progress.elapsed() / self.est_done
        self.progress.tick(point.label() + (" warm-up" if rep == 0 else ""),
                           left)
        code, out, err, secs = runner.run_process(argv, 30 + 4 * guess,
                                                  self.env)
        self.est_done += guess
        figs = report.figures(point.part, point.n, point.rate, out)
        status = runner.status_of(code, figs)
        row = {"repetition": rep, "order": self.order, "part": point.part,
               "model": point.variant.family,
               "variant": point.variant.name, "n": point.n,
               "rate_hz": point.rate, "collect_work": point.work,
               "offered_cores": point.load, "exit": code, "status": status,
               "payload": point.payload, "batch": point.variant.batch,
               "round": self.engine.rounds, "step": self.step,
               "seconds": secs, "c2c_ns": c2c.get("c2c_ns", math.nan),
               "command": " ".join(argv)}
        row.update(figs)
        if status not in ("ok",):
            row["error"] = runner.last_error(err, code)
        head = report.Report(out).header
        for k in ("openmp", "mpi_library"):
            if k in head:
                self.versions.setdefault(k, head[k])
        self.writer.add(row, out)
        if rep > 0:
            label = f"#{self.order} {point.label()} rep {rep}"
            if status not in runner.MEASURED:
                self.failures.append(f"{label}: {status}, "
                                     f"{row.get('error', '')}")
            elif status == "short":
                self.shorts.append(f"#{self.order} {point.label()}")
        return {k: runner.fmt(v) if not isinstance(v, str) else v
                for k, v in row.items()}

    # ---- the parts ----------------------------------------------------------

    def part_weights(self, grid, cross_variants):
        w = {}
        for part in plan.PARTS:
            if part not in self.parts:
                continue
            if part == "crossover":
                pts = [plan.Point("crossover", v, self.s.cross_n,
                                  self.s.cross_rate, 1, 1.0)
                       for v in cross_variants]
                w[part] = sum(plan.expected_seconds(p, self.s) for p in pts) \
                    * 6 * self.s.min_reps
            else:
                w[part] = sum(plan.expected_seconds(
                    p, self.s, self.serial_s, self.py_serial_s)
                    for p in grid if p.part == part) * self.s.min_reps
        return w

    def run(self):
        """Every chosen part; runs.csv."""
        grid, self.capped = plan.grid_points(self.s, self.variants,
                                             self.parts)
        cross_variants = plan.crossover_variants(self.s, self.variants) \
            if "crossover" in self.parts else []
        weights = self.part_weights(grid, cross_variants)
        self.est_total = sum(weights.values())
        deadlines = adapt.part_deadlines(time.monotonic(), self.s.budget_s,
                                         weights)
        self.writer = runner.RunsWriter(self.folder)
        try:
            for part in plan.PARTS:
                if part not in weights:
                    continue
                if part == "crossover":
                    self.run_crossover(cross_variants, deadlines[part])
                    continue
                pts = [p for p in grid if p.part == part]
                self.warm_up(pts)
                col = dict((m, c) for m, c, *_ in summary.METRICS[part])[
                    summary.PRIMARY[part]]
                rule = adapt.metric_rule(col, self.s.ci_target)
                self.engine.run(pts, rule, self.s.min_reps, self.s.max_reps,
                                deadlines[part])
        finally:
            self.writer.close()
            self.elapsed = self.progress.done()

    def warm_up(self, pts):
        """warmup unrecorded runs of each model's first point, once per
        model and job (the log parts share theirs: the program, its pages
        and its libraries are warm after the first)."""
        first = []
        for p in pts:
            key = (p.variant.name, p.part == "primes")
            if key not in self.warmed:
                self.warmed.add(key)
                first.append(p)
        self.engine.warm_up(first, self.s.warmup)

    def cross_point(self, v, load):
        s = self.s
        return plan.Point("crossover", v, s.cross_n, s.cross_rate,
                          plan.work_steps(load, s.cross_n, s.cross_rate,
                                          self.step_ns * 1e-9), load)

    def run_crossover(self, variants, deadline):
        """Bisection per model, the models' current loads run together in
        interleaved rounds at each step."""
        s = self.s
        bound_ns = s.bound_s(s.cross_rate) * 1e9
        top = s.cross_top or 2.0 * s.cores
        searches = {v.name: cx.Bisection(s.cross_light, top, s.cross_tol)
                    for v in variants}
        by_name = {v.name: v for v in variants}
        self.warm_up([self.cross_point(v, s.cross_light) for v in variants])
        rule = cx.settled(s.keep_ratio, bound_ns)
        while True:
            now = {name: b.next_load() for name, b in searches.items()}
            now = {k: x for k, x in now.items() if x is not None}
            if not now:
                break
            self.step += 1
            pts = {k: self.cross_point(by_name[k], x) for k, x in now.items()}
            got = self.engine.run(list(pts.values()), rule, s.min_reps,
                                  s.max_reps, deadline)
            for k, p in pts.items():
                d = cx.decide(got[p], s.keep_ratio, bound_ns)
                b = searches[k]
                b.record(p.load, d)
                if len(b.steps) == 1:
                    b.guess = cx.round_load(min(top, cx.first_guess(
                        got[p], p.load, s.cores, by_name[k].bound)))
        self.searches = searches

    # ---- the outputs --------------------------------------------------------

    def meta(self):
        s = self.s
        c2c = [float(r["c2c_ns"]) for r in self.writer.rows if r["c2c_ns"]]
        return {"host": os.uname().nodename, "cores": s.cores,
                "started": self.started, "command": self.command,
                "preset": s.preset, "min_reps": s.min_reps,
                "max_reps": s.max_reps, "ci_target": s.ci_target,
                "warmup": s.warmup, "seed": s.seed,
                "budget_s": s.budget_s, "number": s.number,
                "py_number": s.py_number or "-",
                "serial_s": self.serial_s, "step_ns": self.step_ns,
                "keep_ratio": s.keep_ratio,
                "cross_bound_ns": s.bound_s(s.cross_rate) * 1e9,
                "cross_top": s.cross_top or 2.0 * s.cores,
                "cross_tol": s.cross_tol,
                "c2c": (f"{min(c2c):.0f}..{max(c2c):.0f} ns one way over the "
                        "runs" if c2c else ""),
                "elapsed_s": f"{self.elapsed:.1f}",
                "settings": settings_meta(s, self.capped)}

    def finish(self, env_pairs):
        """runs.csv's speedups, summary.csv, crossover.csv, summary.md
        (also printed), env.txt, the plots; the exit status."""
        runs = fill_speedups(runner.read_runs(self.folder))
        rewrite_runs(self.folder, runs)
        meta = self.meta()
        summary.write_meta(self.folder, meta)
        write_outputs(self.folder, runs, meta, self.failures, self.shorts)
        envmod.write(os.path.join(self.folder, "env.txt"), env_pairs + [
            ("load_after", envmod.loadavg()),
            ("step_ns", f"{self.step_ns:.4g} (alog_work: one trial division "
                        "by an odd divisor, --kernel div)"),
            ("primes_number", str(self.s.number or "-")),
            ("py_primes_number", str(self.s.py_number or "-")),
            ("openmp", self.versions.get("openmp", "unknown")),
            ("mpi_library", self.versions.get("mpi_library", "unknown")),
            ("c2c_probe", self.probe.path or "none (alog-ref-c2c not built)"),
            ("elapsed_s", f"{self.elapsed:.1f}")])
        return 1 if self.failures else 0


def settings_meta(s, capped):
    return {"io_rate": f"{s.io_rate:g}", "io_duration": f"{s.io_duration:g}",
            "io_n": ",".join(map(str, s.io_n)), "phase": s.phase,
            "tp_n": ",".join(map(str, s.tp_n)),
            "tp_records": s.tp_records, "tp_py_records": s.tp_py_records,
            "payloads": ",".join(map(str, s.payloads)),
            "primes_p": ",".join(map(str, s.primes_p)),
            "cross_n": s.cross_n, "cross_rate": f"{s.cross_rate:g}",
            "cross_duration": f"{s.cross_duration:g}",
            "cross_light": f"{s.cross_light:g}",
            "keep_ratio": f"{s.keep_ratio:g}",
            "bound_intervals": f"{s.bound_intervals:g}",
            "cross_tol": f"{s.cross_tol:g}",
            "batches": ",".join(map(str, s.batches)),
            "capped": "; ".join(
                f"{', '.join(k for k, w in capped.items() if w == why)}: "
                f"{why}" for why in dict.fromkeys(capped.values()))}


def rewrite_runs(folder, runs):
    import csv
    path = os.path.join(folder, "runs.csv")
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(runner.RUN_COLUMNS)
        for r in runs:
            w.writerow([r.get(c, "") for c in runner.RUN_COLUMNS])
    os.replace(tmp, path)


def failures_of(runs):
    """The failed and the short runs of a runs.csv, as listed at the end."""
    fails, shorts = [], []
    for r in summary.recorded(runs):
        label = (f"#{r['order']} {r['part']} {r['variant']} n={r['n']}"
                 + (f" load={r['offered_cores']}" if r["part"] == "crossover"
                    else ""))
        if r["status"] not in runner.MEASURED:
            fails.append(f"{label} rep {r['repetition']}: {r['status']}, "
                         f"{r.get('error', '')}")
        elif r["status"] == "short":
            shorts.append(label)
    return fails, shorts


def write_outputs(folder, runs, meta, failures=None, shorts=None):
    """summary.csv, crossover.csv, summary.md and the plots of runs.csv's
    rows; summary.md also to stdout."""
    import sys
    if failures is None:
        failures, shorts = failures_of(runs)
    rows = summary.summarize(runs, meta)
    cross = summary.crossover_results(runs, meta)
    summary.write_csv(os.path.join(folder, "summary.csv"), rows,
                      summary.SUMMARY_COLUMNS)
    summary.write_csv(os.path.join(folder, "crossover.csv"), cross,
                      summary.CROSSOVER_COLUMNS)
    md = summary.summary_md(rows, cross, meta,
                            words.sentences(rows, cross, meta),
                            words.short_answer(rows, cross, meta),
                            failures, shorts)
    with open(os.path.join(folder, "summary.md"), "w") as f:
        f.write(md)
    plot.plot_all(folder, rows, meta)
    sys.stdout.write(md)
    return rows, cross
