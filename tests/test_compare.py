#!/usr/bin/env python3
"""Tests of scripts/compare (the package scripts/alogexp/): the report
reader, the plan and the presets, the adaptive stop rule, the keep-up
decision and the bisection on a synthetic model, the summary with its
warnings, --diff (its order and its parameter warnings), the exit status
of an experiment whose runs fail (on fake programs), every bad option;
and, as its own ctest (class QuickRun, when COMPARE_BUILD names a build),
one --quick run end to end.  The statistics themselves are tested in
tests/test_alog_stats.py.  Nothing here asserts a time: the machine may
be loaded.

  python3 tests/test_compare.py            # the fixtures
  COMPARE_BUILD=build python3 tests/test_compare.py QuickRun
"""
import csv
import io
import math
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import unittest
from contextlib import redirect_stderr, redirect_stdout

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(ROOT, "scripts")
COMPARE = os.path.join(SCRIPTS, "compare")
sys.path.insert(0, SCRIPTS)  # the package next to scripts/compare
sys.dont_write_bytecode = True
from alogexp import adapt, cli, crossover as cx, diff as cdiff  # noqa: E402
from alogexp import plan, plot as cplot, report as crep, runner  # noqa: E402
from alogexp import stats as st, summary as csum, words as cwords  # noqa: E402
from alogexp.experiment import fill_speedups  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"

# An alog CSV report of the contract: two producers (one short, one
# 'where' quoted with a comma), the window columns, a counter.
LOG_REPORT = """# alog=1.0.0
# model=mpi
# openmp=4.5 (201511)
# window=first record due to last collected
kind,producer,status,code,records,expected,lost,target_hz,achieved_hz,\
late_p50_ns,late_p99_ns,late_max_ns,lat_p50_ns,lat_p99_ns,lat_max_ns,gaps,\
dups,malformed,parsed,bytes,where
producer,0,ok,0,100,100,0,1000,990,10,20,30,100,200,300,0,0,0,0,2400,"cpus=0,2"
producer,1,short,3,50,100,0,1000,500,12,4000,5000,300,900,1000,1,0,0,0,1200,rank=2
kind,records,bytes,wall_s,cpu_s,records_per_s,bytes_per_s,peak_rss_bytes,\
list_bytes,interrupted,startup_s,window_s,drain_s,teardown_s,offered_per_s,\
collected_ratio,expected,lost,messages,collector_cpu_s,producers_cpu_s
total,150,3600,0.5,0.0045,1500,36000,2097152,200,0,0.3,0.1,0.001,0.1,2000,\
0.75,200,0,150,0.0015,0.003
"""
# The same run as an older build reported it: no window, no lost.
OLD_REPORT = """# alog=0.9
kind,producer,status,code,records,expected,target_hz,achieved_hz,\
late_p50_ns,late_p99_ns,late_max_ns,lat_p50_ns,lat_p99_ns,lat_max_ns,gaps,\
dups,malformed,bytes,where
producer,0,ok,0,100,0,1000,990,10,20,30,100,200,300,0,0,0,2400,pid 1
kind,records,bytes,wall_s,cpu_s,records_per_s,bytes_per_s,peak_rss_bytes,\
list_bytes,interrupted,collector_cpu_s,producers_cpu_s
total,100,2400,0.2,0.003,500,12000,100,200,0,0.001,0.002
"""
PRIMES_REPORT = """# alog=1.0.0
kind,part,lo,hi,chunks,steps,divisor,count,busy_s,stopped,where
part,0,2,10,1,5,0,0,0.1,0,task 0
kind,job,number,range_lo,range_hi,parts,schedule,kernel,answer,divisor,\
found_part,found_where,count,steps,serial_steps,serial_s,model_s,speedup,\
efficiency,interrupted
result,number,101,,,1,static,div,prime,0,,,,5,,,0.25,,,0
"""


def settings(quick=False):
    return plan.preset(2, quick, 4096)


def variant(name):
    return next(v for v in plan.variants_for(settings(), None) +
                plan.variants_for(settings(), {v.name for v in plan.VARIANTS})
                if v.name == name)


def run_row(part, name, n, rep, status="ok", order=None, **figs):
    """One runs.csv row (strings, as read back) with the given figures."""
    v = variant(name)
    row = {c: "" for c in runner.RUN_COLUMNS}
    row.update(repetition=str(rep), order=str(order or rep), part=part,
               model=v.family, variant=name, n=str(n), rate_hz="1000",
               collect_work="0", offered_cores=str(figs.pop("load", 0)),
               exit="0" if status == "ok" else "1", status=status,
               payload="0", round=str(figs.pop("round", rep)))
    row.update({k: str(x) for k, x in figs.items()})
    return row


def fixture_runs():
    """io at n = 1 for two models over 6 repetitions (one failed run),
    crossover loads of two models: every figure chosen by hand."""
    rows, order = [], 0
    for rep, (a, c2c) in enumerate(((10, 30), (12, 30), (11, 30),
                                    (10.5, 170), (11.5, 170), (11, 170)), 1):
        order += 1
        rows.append(run_row("io", "async-epoll", 1, rep, order=order,
                            collector_cpu_per_record_us=a,
                            lat_p99_ns=1e3 * rep, collected_ratio=1.0,
                            c2c_ns=c2c))
        order += 1
        # omp-none: two modes, by core state (near 5, far 9)
        rows.append(run_row("io", "omp-none", 1, rep, order=order,
                            collector_cpu_per_record_us=5 if c2c == 30 else 9,
                            lat_p99_ns=0, collected_ratio=0.999, c2c_ns=c2c))
    rows.append(run_row("io", "async-epoll", 1, 7, status="failed",
                        order=order + 1))
    order += 1
    for rep in (1, 2, 3):
        for load, ratio, delay in ((0.02, 1.0, 1e6), (0.85, 0.99, 2e6),
                                   (1.2, 0.7, 3e7), (0.98, 0.992, 3e6),
                                   (1.08, 0.9, 2e7)):
            order += 1
            rows.append(run_row("crossover", "async-epoll", 4, rep,
                                order=order, load=load,
                                collected_ratio=ratio - rep * 0.001,
                                delay_p99_ns=delay, cpu_per_record_us=5))
        for load in (0.02, 1.6, 1.92, 2.3):
            order += 1
            rows.append(run_row("crossover", "async-threads", 4, rep,
                                order=order, load=load,
                                collected_ratio=0.995, delay_p99_ns=1e6,
                                cpu_per_record_us=6))
    return rows


META = {"host": "h", "cores": 2, "started": "t", "command": "c",
        "preset": "test", "min_reps": 3, "max_reps": 6, "ci_target": 0.05,
        "keep_ratio": 0.98, "cross_bound_ns": 1e7, "cross_top": 4.0,
        "cross_tol": 0.1, "settings": {"io_rate": "10"}}


def write_folder(folder, runs, meta=META, env=None):
    """A results folder from runs.csv rows: runs.csv, meta.txt, env.txt."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "runs.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, runner.RUN_COLUMNS)
        w.writeheader()
        w.writerows(runs)
    csum.write_meta(folder, meta)
    with open(os.path.join(folder, "env.txt"), "w") as f:
        for k, v in (env or {"git": "abc", "cpu": "x"}).items():
            f.write(f"{k}: {v}\n")
    return folder


def compare(*args, env=None, timeout=600):
    p = subprocess.run([sys.executable, COMPARE, *args], capture_output=True,
                       text=True, timeout=timeout, env=env,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


class Reports(unittest.TestCase):
    def test_window_report(self):
        f = crep.figures("io", 2, 1000.0, LOG_REPORT)
        self.assertEqual(f["time_base"], "window")
        self.assertEqual((f["producers"], f["producers_ok"]), (2, 1))
        self.assertEqual(f["producer_status"], "short=1")
        self.assertEqual(f["records"], 150)          # the total row's
        self.assertEqual((f["expected"], f["lost"]), (200, 0))
        self.assertEqual(f["lat_p99_ns"], 900)       # worst producer
        self.assertEqual(f["lat_p50_ns"], 200)       # median of 100, 300
        self.assertEqual(f["lat_p99_med_ns"], 550)   # median of 200, 900
        self.assertEqual(f["late_p99_med_ns"], 2010)
        self.assertEqual(f["delay_p99_ns"], 2010)    # the worse of the two
        self.assertEqual(f["collected_ratio"], 0.75)  # the report's own
        self.assertEqual((f["window_s"], f["startup_s"]), (0.1, 0.3))
        self.assertAlmostEqual(f["achieved_ratio"], 1490 / 2000)
        self.assertAlmostEqual(f["collector_cpu_per_record_us"], 10.0)
        self.assertAlmostEqual(f["producers_cpu_per_record_us"], 20.0)
        self.assertAlmostEqual(f["collector_cores"], 0.015)  # over window
        self.assertAlmostEqual(f["peak_rss_mb"], 2.0)
        self.assertEqual(f["counters"], "messages=150")
        self.assertEqual(crep.Report(LOG_REPORT).header["openmp"],
                         "4.5 (201511)")

    def test_old_report_falls_back_to_wall_time(self):
        f = crep.figures("io", 1, 1000.0, OLD_REPORT)
        self.assertEqual(f["time_base"], "wall")
        self.assertAlmostEqual(f["collected_ratio"], 0.5)  # 500 / 1000
        self.assertTrue(math.isnan(f["lost"]))

    def test_primes_report_and_status(self):
        f = crep.figures("primes", 1, 0, PRIMES_REPORT)
        self.assertEqual((f["answer"], f["model_s"]), ("prime", 0.25))
        self.assertEqual(crep.figures("primes", 1, 0, "# header\n"), {})
        self.assertEqual(runner.status_of(0, f), "ok")
        self.assertEqual(runner.status_of(3, f), "short")
        self.assertEqual(runner.status_of(4, f), "lost")
        self.assertEqual(runner.status_of(1, {}), "failed")
        self.assertEqual(runner.status_of(124, {}), "timeout")
        self.assertEqual(runner.MEASURED, ("ok", "short"))

    def test_run_process(self):
        code, out, err, _ = runner.run_process(
            ["sh", "-c", "echo out; echo err >&2; exit 7"], 30, None)
        self.assertEqual((code, out, err), (7, "out\n", "err\n"))
        code, _, err, _ = runner.run_process(["sleep", "30"], 0.5, None)
        self.assertEqual(code, 124)
        self.assertIn("timed out", err)

    def test_cells(self):
        self.assertEqual(runner.fmt(float("nan")), "")
        self.assertEqual(runner.fmt(3.0), "3")
        self.assertEqual(runner.fmt(0.125), "0.125")


class Plan(unittest.TestCase):
    def test_registry(self):
        names = [v.name for v in plan.select_variants(settings(),
                                                      ["omp", "processes"])]
        self.assertEqual(names, ["omp-none", "omp-thread", "serial",
                                 "processes", "omp-threads"])
        with self.assertRaises(plan.PlanError):
            plan.select_variants(settings(), ["gpu"])
        # py-tasks brings its own baseline
        self.assertEqual([v.name for v in plan.select_variants(
            settings(), ["py-tasks"])], ["py-serial", "py-tasks"])
        s = settings()
        s.batches = (8, 64)
        got = [v.name for v in plan.select_variants(s, ["mpi-batched"])]
        self.assertEqual(got, ["mpi-batched-8", "mpi-batched-64"])
        styles = {(v.color, v.marker) for v in plan.VARIANTS
                  if "primes" not in v.parts}
        self.assertEqual(len(styles), len([v for v in plan.VARIANTS
                                           if "primes" not in v.parts]))

    def test_every_model_in_every_part_in_quick(self):
        s = settings(quick=True)
        vs = plan.variants_for(s)
        pts, capped = plan.grid_points(s, vs, plan.PARTS)
        log = {v.name for v in vs if "io" in v.parts}
        self.assertEqual(log, {"async-epoll", "async-uring", "async-threads",
                               "omp-none", "omp-thread", "mpi-async",
                               "mpi-blocking", "mpi-batched", "py-threads",
                               "py-asyncio"})
        for part in ("io", "throughput"):
            self.assertEqual({p.variant.name for p in pts if p.part == part},
                             log)
        self.assertEqual({p.variant.name for p in pts
                          if p.part == "primes"},
                         {"serial", "async-tasks", "processes", "omp-threads",
                          "mpi-ranks", "py-serial", "py-tasks"})
        self.assertEqual({v.name for v in plan.crossover_variants(s, vs)},
                         log - {"py-threads", "py-asyncio"})
        io_n = {(p.variant.name, p.n) for p in pts if p.part == "io"}
        self.assertIn(("async-epoll", 64), io_n)
        # MPI runs at its cap instead of beyond it, and says so
        self.assertEqual(sorted(n for v, n in io_n if v == "mpi-async"),
                         [1, s.mpi_max_n])
        self.assertIn("mpi-async", capped)

    def test_full_preset(self):
        s = plan.preset(2, False, 4096)
        self.assertEqual(s.io_n[-1], 4096)
        self.assertEqual(s.io_rate, 10)
        self.assertEqual((s.min_reps, s.ci_target, s.cross_tol),
                         (6, 0.05, 0.1))
        vs = plan.variants_for(s)
        pts, _ = plan.grid_points(s, vs, ["io"])
        big = {p.variant.name for p in pts if p.n == 4096}
        self.assertEqual(big, set(s.big_n_models))
        self.assertEqual(plan.preset(2, False, 500).io_n, (1, 16, 256))

    def test_commands(self):
        s = settings(quick=True)
        s.number, s.py_number = 101, 103
        launch = plan.Launch("/b", "/r", "/usr/bin/python3", 2)
        mpi = plan.Point("io", variant("mpi-async"), 8, 10.0)
        argv = plan.command(mpi, s, launch)
        self.assertEqual(argv[:9], ["mpirun", "-q", "--oversubscribe",
                                    "--mca", "pml", "ob1", "--mca",
                                    "mpi_yield_when_idle", "1"])
        self.assertEqual(argv[9:12], ["-np", "9", "/b/mpi/alog-mpi"])
        self.assertIn("--phase", argv)
        launch.hostfile = "/h"
        argv = plan.command(mpi, s, launch)
        self.assertIn("--hostfile", argv)
        self.assertNotIn("ob1", argv)
        launch.launcher = "srun"
        primes = plan.Point("primes", variant("mpi-ranks"), 1)
        self.assertEqual(plan.command(primes, s, launch)[:5],
                         ["srun", "--mpi=pmix", "-n", "2", "/b/mpi/alog-mpi"])
        batched = plan.Point("throughput", variant("mpi-batched"), 2)
        argv = plan.command(batched, s, launch)
        self.assertEqual(argv[argv.index("--batch") + 1], "64")
        self.assertEqual(argv[argv.index("--flush-ms") + 1], "2")
        orig = plan.Point("io", variant("py-threads"), 4, 10.0)
        argv = plan.command(orig, s, launch)
        self.assertEqual(argv[:2], ["/usr/bin/python3",
                                    "/r/scripts/ref/orig_logger.py"])
        self.assertEqual(argv[argv.index("--mode") + 1], "threads")
        tasks = plan.Point("primes", variant("py-tasks"), 2)
        argv = plan.command(tasks, s, launch)
        self.assertEqual(argv[1:], ["/r/scripts/ref/orig_primes.py",
                                    "--number", "103", "-P", "2", "--mode",
                                    "asyncio", "--format", "csv"])
        uring = plan.Point("crossover", variant("async-uring"), 4, 1000.0,
                           500, 0.5)
        argv = plan.command(uring, s, launch)
        self.assertEqual(argv[argv.index("--readers") + 1], "uring")
        self.assertEqual(argv[argv.index("--collect-work") + 1], "500")

    def test_number_and_work(self):
        self.assertTrue(plan.is_prime(1000000000000000003))
        self.assertFalse(plan.is_prime(1000000000000000001))
        n = plan.choose_number(0.1, 0.4)  # 4x the time: 16x the number
        self.assertTrue(plan.is_prime(n))
        self.assertAlmostEqual(n / (16 * plan.CAL_NUMBER), 1, places=3)
        self.assertEqual(plan.choose_number(0.001, 100), 2 ** 64 - 59)
        # offered load = n x rate x W x step
        w = plan.work_steps(1.0, 8, 1000.0, 2e-9)
        self.assertAlmostEqual(8 * 1000 * w * 2e-9, 1.0, places=3)


def fake_measure(series):
    """A measure() for the engine: each point's figures from series[name]
    in turn (None: a failed run); the order of the calls is kept."""
    calls = []

    def measure(p, rep):
        calls.append((p, rep))
        vals = series[p]
        x = vals[min(rep, len(vals)) - 1] if rep else 0
        if x is None:
            return {"status": "failed"}
        return {"status": "ok", "v": str(x)}
    return measure, calls


class Adaptive(unittest.TestCase):
    def test_stop_rule(self):
        series = {"steady": [10] * 20,
                  "noisy": [10, 20, 5, 40, 1, 30, 2, 50, 3, 60, 4, 70],
                  "broken": [None] * 20,
                  "late": [10, 10, 10, 10, 10, 12, 10, 10, 10, 10]}
        measure, calls = fake_measure(series)
        eng = adapt.Engine(measure, seed=1)
        got = eng.run(list(series), adapt.metric_rule("v", 0.05), 3, 8)
        runs = {p: len(r) for p, r in got.items()}
        self.assertEqual(runs["steady"], 6)   # 6: the first 95% interval
        self.assertEqual(runs["noisy"], 8)    # its budget, max-reps
        self.assertEqual(runs["broken"], 3)   # min-reps, then no more
        # one run 20% off keeps [min, max] wide up to 8 runs (k = 1 up to
        # n = 8: [x(2), x(7)] of 8 covers 93% only): the budget ends it
        self.assertEqual(runs["late"], 8)
        self.assertEqual(eng.unsettled, {"noisy": "max-reps 8 spent",
                                         "broken": "every run failed",
                                         "late": "max-reps 8 spent"})

    def test_interleaved_rounds(self):
        series = {p: [1, 2, 3, 4] for p in "ABC"}
        measure, calls = fake_measure(series)
        eng = adapt.Engine(measure, seed=5)
        eng.run(list("ABC"), lambda rows: False, 3, 3)
        # round-major: every point once per round, in a shuffled order
        reps = [rep for _, rep in calls]
        self.assertEqual(reps, [1, 1, 1, 2, 2, 2, 3, 3, 3])
        for k in range(3):
            self.assertEqual(sorted(p for p, _ in calls[3 * k:3 * k + 3]),
                             list("ABC"))
        measure2, calls2 = fake_measure(series)
        adapt.Engine(measure2, seed=5).run(list("ABC"), lambda r: False, 3, 3)
        self.assertEqual(calls, calls2)  # the seed fixes the order

    def test_budget(self):
        series = {"noisy": [1, 9, 1, 9, 1, 9, 1, 9]}
        measure, _ = fake_measure(series)
        eng = adapt.Engine(measure, clock=lambda: 100.0)
        got = eng.run(["noisy"], adapt.metric_rule("v", 0.05), 3, 8,
                      deadline=50.0)
        self.assertEqual(len(got["noisy"]), 3)  # min-reps only, then stop
        self.assertEqual(eng.unsettled["noisy"], "time budget spent")
        d = adapt.part_deadlines(0.0, 100, {"io": 1, "crossover": 3})
        self.assertEqual(d, {"io": 25.0, "crossover": 100.0})
        self.assertEqual(adapt.part_deadlines(0.0, 0, {"io": 1}),
                         {"io": None})

    def test_warm_up_is_repetition_zero(self):
        measure, calls = fake_measure({"A": [1]})
        adapt.Engine(measure).warm_up(["A"], 2)
        self.assertEqual(calls, [("A", 0), ("A", 0)])


def synthetic_rows(load, capacity, runs=3, noise=0.0):
    """Runs of a model that carries `capacity` cores: collected/offered
    min(1, capacity / load), p99 1 ms below it and growing above."""
    out = []
    for i in range(runs):
        ratio = min(1.0, capacity / load) * (1 - noise * i)
        delay = 1e6 if load <= capacity else 1e6 + 1e8 * (load - capacity)
        out.append({"status": "ok", "collected_ratio": str(ratio),
                    "delay_p99_ns": str(delay)})
    return out


def bisect(capacity, guess, light=0.02, top=4.0):
    b = cx.Bisection(light, top, 0.10)
    while True:
        x = b.next_load()
        if x is None:
            return b
        b.record(x, cx.decide(synthetic_rows(x, capacity), 0.98, 1e7))
        if len(b.steps) == 1:
            b.guess = guess


class Crossover(unittest.TestCase):
    def test_decide(self):
        d = cx.decide(synthetic_rows(0.5, 1.0), 0.98, 1e7)
        self.assertEqual((d.verdict, d.lean, d.reason), ("kept", "kept", ""))
        d = cx.decide(synthetic_rows(2.0, 1.0), 0.98, 1e7)
        self.assertEqual(d.verdict, "lost")
        self.assertEqual(d.reason, "collected/offered 0.5 < 0.98")
        slow = [{"status": "ok", "collected_ratio": "1",
                 "delay_p99_ns": str(x)} for x in (2e7, 3e7, 2.5e7)]
        d = cx.decide(slow, 0.98, 1e7)
        self.assertEqual((d.verdict, d.reason),
                         ("lost", "p99 25 ms over the 10 ms bound"))
        mixed = [{"status": "ok", "collected_ratio": x, "delay_p99_ns": "1"}
                 for x in ("0.99", "0.95", "0.99")]
        d = cx.decide(mixed, 0.98, 1e7)
        self.assertEqual((d.verdict, d.lean), ("uncertain", "kept"))
        self.assertFalse(cx.settled(0.98, 1e7)(mixed))
        failed = [{"status": "failed"}] * 3
        self.assertEqual(cx.decide(failed, 0.98, 1e7).verdict, "failed")

    def test_bisection_finds_the_capacity(self):
        for capacity, guess in ((0.9, 0.85), (0.6, 0.85), (1.8, 1.6),
                                (1.03, 0.85), (0.3, 1.7)):
            b = bisect(capacity, guess)
            kind, lo, hi = b.result()
            with self.subTest(capacity=capacity, guess=guess):
                self.assertEqual(kind, "between")
                self.assertLessEqual(lo, capacity)
                self.assertGreater(hi, capacity)
                self.assertLessEqual(hi, lo * 1.1)  # within 10% of the load
                self.assertLessEqual(len(b.steps), 9)
                self.assertEqual(b.steps[0][0], 0.02)  # the lightest first

    def test_ends(self):
        b = bisect(0.01, 0.85)
        self.assertEqual(b.result()[:1], ("below",))
        self.assertEqual(len(b.steps), 1)
        b = bisect(10.0, 3.4)
        self.assertEqual(b.result()[:2], ("above", 4.0))

    def test_noise_does_not_move_the_bracket(self):
        b = cx.Bisection(0.02, 4.0)
        kept = cx.Decision("kept", "kept", (1, 1, 1), (0, 0, 0), 3, "")
        lost = cx.Decision("lost", "lost", (0.5, 0.5, 0.5), (0, 0, 0), 3, "x")
        b.record(0.02, kept)
        b.record(0.8, lost)
        b.record(0.6, kept)
        b.record(1.2, kept)  # a kept load above the lowest lost: noise
        self.assertEqual((b.kept, b.lost), (0.6, 0.8))

    def test_first_guess(self):
        light = [{"status": "ok", "producers_cpu_s": "0.05",
                  "window_s": "0.5"}] * 3
        self.assertAlmostEqual(cx.first_guess(light, 0.02, 2, "one"), 0.85)
        self.assertAlmostEqual(cx.first_guess(light, 0.02, 2, "cores"),
                               0.85 * 1.9)


class Aggregation(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="compare-test.")
        self.folder = write_folder(os.path.join(self.tmp, "a"),
                                   fixture_runs())
        self.runs = runner.read_runs(self.folder)
        self.rows = csum.summarize(self.runs, META)
        self.cross = csum.crossover_results(self.runs, META)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def find(self, part, name, metric, x):
        col = "offered_cores" if part == "crossover" else "n"
        return next(r for r in self.rows if r["part"] == part and
                    r["variant"] == name and r["metric"] == metric and
                    float(r[col]) == float(x))

    def test_summary_figures(self):
        r = self.find("io", "async-epoll", "collector_cpu_per_record", 1)
        self.assertEqual((r["runs"], r["failed"], r["reps_ok"]), (7, 1, 6))
        self.assertEqual(r["median"], 11)
        self.assertEqual((r["ci_lo"], r["ci_hi"]), (10, 12))  # [min, max]
        self.assertAlmostEqual(r["ci_conf"], 0.96875)
        self.assertEqual(r["converged"], "no")  # 12 is 9% above 11
        self.assertEqual(r["flags"], "")
        lat = self.find("io", "async-epoll", "lat_p99", 1)
        self.assertEqual(lat["median"], 3.5)  # ns to us
        omp = self.find("io", "omp-none", "collector_cpu_per_record", 1)
        self.assertIn("two modes: 3 runs near 5, 3 near 9", omp["flags"])
        self.assertIn("core state: near 5 (3 runs), far 9 (3)", omp["flags"])

    def test_c2c_threshold(self):
        self.assertAlmostEqual(csum.c2c_threshold(self.runs),
                               math.sqrt(30 * 170))
        self.assertIsNone(csum.c2c_threshold([{"c2c_ns": "30"},
                                              {"c2c_ns": "40"}]))

    def test_crossover_replayed(self):
        c = {x["variant"]: x for x in self.cross}
        e = c["async-epoll"]
        self.assertEqual((e["result"], e["kept_load"], e["lost_load"]),
                         ("between", 0.98, 1.08))
        self.assertAlmostEqual(e["light_ratio"], 0.998)
        self.assertEqual(e["reason"], "collected/offered 0.898 < 0.98")
        t = c["async-threads"]
        self.assertEqual((t["result"], t["kept_load"]), ("above", 2.3))

    def test_markdown(self):
        words = cwords.sentences(self.rows, self.cross, META)
        text = " ".join(words)
        self.assertIn("async-epoll (work in the one epoll loop) keeps up to "
                      "1.03 (0.98..1.08) cores", text)
        self.assertIn("the one epoll loop is one thread", text)
        self.assertIn("async-threads (work in each reader thread) kept up "
                      "at every load tried, up to 2.3 cores", text)
        self.assertIn("omp-none: 0, each producer stores its own", text)
        short = cwords.short_answer(self.rows, self.cross, META)
        self.assertLessEqual(len(short), 5)
        self.assertTrue(short[-1].startswith("On this machine: h, 2 cores"))
        md = csum.summary_md(self.rows, self.cross, META, words, short,
                             ["#9 io async-epoll n=1 rep 7: failed, x"], [])
        self.assertIn("| n producers | async-epoll | omp-none |", md)
        self.assertIn("**collector CPU per record** (us): median [95% CI "
                      "from order statistics]", md)
        self.assertIn("11.0 [10.0, 12.0]~ (6/7)", md)
        self.assertIn("- ! omp-none at n producers 1: two modes", md)
        self.assertIn("## The short answer", md.split("## How to read")[0])
        closing = md.split("## Closing note")[1]
        self.assertIn("| async-epoll | 0.998 [0.997, 0.999] (crossover, "
                      "0.02 cores) | 1.03 (0.98..1.08) |", closing)
        self.assertIn("**1 run(s) failed**", closing)
        self.assertRegex(closing, r"\d+ of \d+ points did not converge")

    def test_speedups_from_the_same_round(self):
        runs = [run_row("primes", "serial", 1, 1, round=4, order=2,
                        model_s=1.0),
                run_row("primes", "omp-threads", 2, 1, round=4, order=1,
                        model_s=0.5),
                run_row("primes", "omp-threads", 2, 2, round=9, order=5,
                        model_s=0.25),
                run_row("primes", "py-serial", 1, 1, round=4, order=3,
                        model_s=3.0),
                run_row("primes", "py-tasks", 2, 1, round=4, order=4,
                        model_s=4.0)]
        fill_speedups(runs)
        self.assertEqual(runs[1]["speedup"], "2")      # same round
        self.assertEqual(runs[1]["efficiency"], "1")
        self.assertEqual(runs[2]["speedup"], "4")      # nearest before
        self.assertEqual(runs[4]["speedup"], "0.75")   # py-serial's

    def test_no_gnuplot(self):
        err = io.StringIO()
        with redirect_stderr(err):
            got = cplot.plot_all(self.folder, self.rows, META,
                                 gnuplot="/nonexistent/gnuplot")
        self.assertEqual(got, [])
        lines = err.getvalue().splitlines()
        self.assertEqual(len(lines), 1)
        self.assertIn("gnuplot-nox", lines[0])

    def test_plot_scripts(self):
        spec = next(p for p in cplot.PLOTS if p[0] == "crossover_achieved.png")
        text = cplot.script(spec, self.rows, META, "png", "x.png")
        self.assertIn("bound: 1 core (one collector thread)", text)
        self.assertIn("bound: 2 cores (per-core workers)", text)
        self.assertIn("median, bars: 95% CI from order statistics", text)
        color, pt = cplot.style_of("async-epoll")
        self.assertIn(f"pt {pt} lc rgb '{color}' title 'async-epoll'", text)
        spec = next(p for p in cplot.PLOTS if p[0] == "primes_speedup.png")
        self.assertIsNone(cplot.script(spec, self.rows, META, "png", "y"))


class Diff(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="compare-test.")
        self.a = write_folder(os.path.join(self.tmp, "a"), fixture_runs())

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_itself(self):
        rows = cdiff.diff_rows(runner.read_runs(self.a),
                               runner.read_runs(self.a))
        self.assertTrue(rows)
        for r in rows:
            self.assertIn(r["differs"], ("no", "-"))
        self.assertEqual(cdiff.parameter_warnings(self.a, self.a, [], []), [])

    def test_changes_come_first(self):
        runs = fixture_runs()
        for r in runs:
            if r["variant"] == "omp-none" and r["collector_cpu_per_record_us"]:
                r["collector_cpu_per_record_us"] = str(
                    3 * float(r["collector_cpu_per_record_us"]))
            if r["variant"] == "async-epoll" and r["collected_ratio"] and \
                    r["part"] == "io":
                r["collected_ratio"] = "0.5"
        b = write_folder(os.path.join(self.tmp, "b"), runs)
        rows = cdiff.diff_rows(runner.read_runs(self.a), runner.read_runs(b))
        first = [(r["variant"], r["metric"]) for r in rows[:2]]
        self.assertEqual(first, [("omp-none", "collector_cpu_per_record"),
                                 ("async-epoll", "collected_ratio")])
        self.assertEqual([r["differs"] for r in rows[:2]], ["yes", "yes"])
        self.assertAlmostEqual(rows[0]["ratio"], 3.0)
        self.assertTrue(all(r["differs"] != "yes" for r in rows[2:]))
        out = io.StringIO()
        with redirect_stdout(out):
            cdiff.diff_main(self.a, b, os.path.join(self.tmp, "d.md"))
        self.assertIn("2 of ", out.getvalue())
        with open(os.path.join(self.tmp, "d.md")) as f:
            md = f.read()
        self.assertIn("| part | model | n |", md)
        self.assertNotIn("not the same experiment", md)

    def test_parameter_warnings(self):
        meta = dict(META, number="101", host="other", cores=4)
        runs = [r for r in fixture_runs() if r["variant"] != "omp-none"]
        runs.append(run_row("io", "mpi-async", 1, 1, collected_ratio=1))
        b = write_folder(os.path.join(self.tmp, "b"), runs, meta,
                         env={"git": "def (with local changes)", "cpu": "x"})
        a_meta = dict(META, number="97")
        write_folder(self.a, fixture_runs(), a_meta)
        w = cdiff.parameter_warnings(self.a, b, runner.read_runs(self.a),
                                     runner.read_runs(b))
        text = "\n".join(w)
        self.assertIn("the number factored (primes) differs: A 97, B 101",
                      text)
        self.assertIn("the machine differs: A h, B other", text)
        self.assertIn("the cores differs: A 2, B 4", text)
        self.assertIn("the build's commit differs: A 'abc', B 'def (with "
                      "local changes)'", text)
        self.assertIn("the models differ: only in A: omp-none; only in B: "
                      "mpi-async", text)
        code, so, _ = compare("--diff", self.a, b, "--out",
                              os.path.join(self.tmp, "w.md"))
        self.assertEqual(code, 0)
        self.assertIn("compare: warning: the machine differs", so)

    def test_not_a_results_folder(self):
        for bad in (os.path.join(self.tmp, "none"), SCRIPTS):
            with self.assertRaises(plan.PlanError):
                cdiff.results_folder("--diff", bad)
        with open(os.path.join(self.a, "runs.csv"), "w") as f:
            f.write("x,y\n")
        with self.assertRaises(plan.PlanError):
            cdiff.results_folder("--diff", self.a)


# A fake build: every program one Python script that prints a report
# shaped like alog's from its arguments, and fails (exit 1, one line) when
# FAKE_FAIL is one of them.
FAKE = r'''#!/usr/bin/env python3
import os, sys
a = sys.argv[1:]
bad = os.environ.get("FAKE_FAIL")
if bad and bad in a:
    print(os.path.basename(sys.argv[0]) + ": fake failure", file=sys.stderr)
    sys.exit(1)
if os.path.basename(sys.argv[0]) == "alog-ref-c2c":
    print("# c2c_cpus=0,1\n# c2c_ns=%s" % os.environ.get("FAKE_C2C", "40"))
    sys.exit(0)
def val(k, d):
    return a[a.index(k) + 1] if k in a else d
if "primes" in a:
    print("kind,job,number,steps,model_s,answer,kernel")
    p = int(val("-P", "1"))
    print("result,number,%s,50000000,%g,prime,div" % (val("--number", "1"),
          0.1 / (p if "--processes" in a else 1)))
    sys.exit(0)
n = int(val("-n", "1")); rate = float(val("--rate", "0"))
print("# alog=fake\nkind,producer,status,code,records,expected,lost,"
      "target_hz,achieved_hz,late_p99_ns,lat_p50_ns,lat_p99_ns")
for i in range(n):
    print("producer,%d,ok,0,10,10,0,%g,%g,1000,500,2000" % (i, rate, rate))
print("kind,records,wall_s,window_s,records_per_s,offered_per_s,"
      "collected_ratio,peak_rss_bytes,collector_cpu_s,producers_cpu_s")
print("total,%d,0.2,0.1,%g,%g,1.0,1048576,0.001,0.002"
      % (10 * n, 100 * n, n * rate))
'''


class Failures(unittest.TestCase):
    """An experiment on fake programs: a failing run makes the exit
    status 1 and is listed at the end, while the experiment goes on."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="compare-fake.")
        build = os.path.join(cls.tmp, "build")
        for sub in ("", "omp", os.path.join("scripts", "ref")):
            os.makedirs(os.path.join(build, sub), exist_ok=True)
        fake = os.path.join(build, "fake.py")
        with open(fake, "w") as f:
            f.write(FAKE)
        os.chmod(fake, 0o755)
        for name in ("alog-async", "alog-producer", "omp/alog-omp",
                     "scripts/ref/alog-ref-c2c"):
            os.symlink(fake, os.path.join(build, name))
        cls.build = build

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def run_fake(self, out, fail=None):
        env = dict(os.environ, FAKE_FAIL=fail or "", GNUPLOT="/nonexistent")
        return compare("--parts", "io", "--models", "async-epoll,"
                       "async-threads,omp-none", "--n", "1,2", "--reps", "3",
                       "--warmup", "0", "--build", self.build, "--out", out,
                       env=env, timeout=120)

    def test_failed_runs(self):
        out = os.path.join(self.tmp, "fail")
        code, so, se = self.run_fake(out, fail="threads")
        self.assertEqual(code, 1, se)
        self.assertIn("compare: 6 run(s) failed:", se)
        self.assertEqual(len(re.findall(r"^  #\d+ io async-threads n=\d "
                                        r"rep \d: failed, alog-async: fake "
                                        r"failure$", se, re.M)), 6)
        runs = runner.read_runs(out)
        self.assertEqual(len(runs), 18)  # the experiment went on
        self.assertEqual({r["status"] for r in runs
                          if r["variant"] == "async-threads"}, {"failed"})
        self.assertEqual({r["status"] for r in runs
                          if r["variant"] != "async-threads"}, {"ok"})
        with open(os.path.join(out, "summary.md")) as f:
            md = f.read()
        self.assertIn("**6 run(s) failed** (the exit status is 1)", md)
        self.assertIn("| all 3 runs failed |", md)
        self.assertEqual(compare("--report", out)[0], 1)

    def test_all_measured(self):
        out = os.path.join(self.tmp, "ok")
        code, so, se = self.run_fake(out)
        self.assertEqual(code, 0, se)
        self.assertIn("No run failed.", so)
        runs = runner.read_runs(out)
        self.assertEqual({r["c2c_ns"] for r in runs}, {"40"})
        self.assertEqual(compare("--report", out)[0], 0)


class BadInput(unittest.TestCase):
    """Each class of bad input: one line naming the value, exit 2, and
    nothing written (no results folder)."""
    CASES = (
        (["--parts", "disk"], "'disk'"),
        (["--models", "gpu"], "'gpu'"),
        (["--models", ""], "''"),
        (["--n", ""], "''"),
        (["--n", "1,x"], "'1,x'"),
        (["--n", "1,,2"], "'1,,2'"),
        (["--n", "5000"], "'5000'"),
        (["--reps", "2"], "'2'"),
        (["--reps", "three"], "'three'"),
        (["--reps", "3", "--min-reps", "3"], "--min-reps"),
        (["--min-reps", "2"], "'2'"),
        (["--min-reps", "6", "--max-reps", "4"], "'4'"),
        (["--ci-target", "1.5"], "'1.5'"),
        (["--ci-target", "0"], "'0'"),
        (["--budget", "-1"], "'-1'"),
        (["--warmup", "x"], "'x'"),
        (["--duration", "0"], "'0'"),
        (["--rate", "fast"], "'fast'"),
        (["--cross-rate", "nan"], "'nan'"),
        (["--phase", "burst"], "'burst'"),
        (["--payload", "x"], "'x'"),
        (["--batch", "0"], "'0'"),
        (["--seed", "-3"], "'-3'"),
        (["--number", "1"], "'1'"),
        (["--number", "18446744073709551616"], "'18446744073709551616'"),
        (["--hostfile", "/nonexistent/hosts"], "'/nonexistent/hosts'"),
        (["--launcher", "ssh"], "'ssh'"),
        (["--quick", "--quick"], "--quick"),
        (["--quick=yes"], "--quick"),
        (["--rate"], "--rate"),
        (["--diff", SCRIPTS, SCRIPTS], SCRIPTS),
        (["--diff", SCRIPTS], "--diff"),
        (["--report", SCRIPTS], SCRIPTS),
        (["--report", SCRIPTS, "--quick"], "--quick"),
        (["--bogus"], "--bogus"),
        (["stray"], "'stray'"),
    )

    def test_each(self):
        tmp = tempfile.mkdtemp(prefix="compare-test.")
        try:
            for args, named in self.CASES:
                out = os.path.join(tmp, "res")
                more = [] if args[0] in ("--diff", "--report") else \
                    ["--out", out]
                code, so, se = compare(*args, *more)
                with self.subTest(args=args):
                    self.assertEqual(code, 2)
                    self.assertEqual(so, "")
                    self.assertEqual(len(se.splitlines()), 1, se)
                    self.assertIn(named, se)
                    self.assertTrue(se.startswith("compare: "))
                    self.assertTrue(se.rstrip().endswith("(see --help)"))
                    self.assertFalse(os.path.exists(out))
        finally:
            shutil.rmtree(tmp)

    def test_parse(self):
        got = cli.parse(["--quick", "--n=1,4", "--phase", "aligned",
                         "--diff", "a", "b"])
        self.assertEqual(got, {"--quick": True, "--n": (1, 4),
                               "--phase": "aligned", "--diff": ("a", "b")})

    def test_help_documents_everything(self):
        code, out, err = compare("--help")
        self.assertEqual((code, err), (0, ""))
        text = " ".join(out.split())
        for o in cli.OPTIONS:
            self.assertIn(o.name, text)
        for c in runner.RUN_COLUMNS + csum.SUMMARY_COLUMNS + \
                csum.CROSSOVER_COLUMNS:
            self.assertRegex(text, rf"\b{c}\b")
        for v in plan.VARIANTS:
            self.assertIn(v.name, text)
        self.assertEqual(compare("-h")[1], out)


class BenchOmp(unittest.TestCase):
    """scripts/bench-omp on the engine: the scripts' one command-line
    convention (bad input: one line naming the value, exit 2)."""
    BENCH = os.path.join(SCRIPTS, "bench-omp")

    def bench(self, *args, **env):
        p = subprocess.run([sys.executable, self.BENCH, *args],
                           capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, **env),
                           stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr

    def test_bad_input(self):
        for args, env, line in (
                (["--rounds", "x"], {}, "bench-omp: --rounds 'x': must be a "
                 "whole number (see --help)"),
                (["--bogus"], {}, "bench-omp: unknown option '--bogus' (see "
                 "--help)"),
                (["--build"], {}, "bench-omp: --build: needs a directory "
                 "(see --help)"),
                ([], {"ROUNDS": "0"}, "bench-omp: ROUNDS '0': must be at "
                 "least 1 (see --help)"),
                ([], {"COUNT": "many"}, "bench-omp: COUNT 'many': must be a "
                 "whole number (see --help)")):
            with self.subTest(args=args, env=env):
                self.assertEqual(self.bench(*args, **env), (2, "", line + "\n"))

    def test_help(self):
        code, out, _ = self.bench("--help")
        self.assertEqual(code, 0)
        self.assertTrue(out.startswith("bench-omp - the OpenMP model"))

    def test_median_of_ratios(self):
        from alogexp.bench import Bench
        m, lo, hi, conf = Bench.median_ratio([10, 30, 20], [5, 10, 4])
        self.assertEqual((m, lo, hi, conf), (3.0, 2.0, 5.0, 0.75))


@unittest.skipUnless(os.environ.get("COMPARE_BUILD"), "COMPARE_BUILD unset")
class QuickRun(unittest.TestCase):
    """One --quick run end to end (what CI runs), then --diff of it against
    itself and --report of it."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="compare-quick.")
        cls.out = os.path.join(cls.tmp, "quick")
        t0 = time.monotonic()
        cls.code, cls.stdout, cls.stderr = compare(
            "--quick", "--out", cls.out, "--build",
            os.environ["COMPARE_BUILD"])
        cls.seconds = time.monotonic() - t0
        print(cls.stderr, file=sys.stderr)
        print(f"QuickRun: --quick took {cls.seconds:.0f} s (not asserted)",
              file=sys.stderr)
        cls.runs = runner.read_runs(cls.out) if os.path.isfile(
            os.path.join(cls.out, "runs.csv")) else []

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_exit_and_runs_csv(self):
        self.assertEqual(self.code, 0, self.stderr)
        m = re.search(r"compare: (\d+) runs \((\d+) warm-up\) in ",
                      self.stderr)
        self.assertTrue(m, self.stderr)
        with open(os.path.join(self.out, "runs.csv"), newline="") as f:
            self.assertEqual(tuple(next(csv.reader(f))), runner.RUN_COLUMNS)
        self.assertEqual(len(self.runs), int(m.group(1)))
        self.assertEqual(sum(r["repetition"] == "0" for r in self.runs),
                         int(m.group(2)))
        for r in self.runs:
            self.assertEqual(len(r), len(runner.RUN_COLUMNS))
            self.assertEqual(r["status"], "ok" if r["part"] != "crossover"
                             else r["status"], r)
        self.assertTrue(os.path.isfile(os.path.join(
            self.out, "reports", f"{len(self.runs):04d}.csv")))

    def test_every_model_in_every_part(self):
        got = {}
        for r in csum.recorded(self.runs):
            got.setdefault(r["part"], set()).add(r["variant"])
        s = settings(quick=True)
        vs = plan.variants_for(s)
        for part in plan.PARTS:
            want = {v.name for v in vs if part in v.parts}
            self.assertEqual(got.get(part), want, part)

    def test_repetitions(self):
        s = settings(quick=True)
        for key, rows in csum.group_points(self.runs).items():
            with self.subTest(point=key):
                self.assertGreaterEqual(len(rows), s.min_reps)
                self.assertLessEqual(len(rows), s.max_reps)
                reps = sorted(int(r["repetition"]) for r in rows)
                self.assertEqual(reps, list(range(1, len(rows) + 1)))

    def test_window_time_base(self):
        log = [r for r in csum.recorded(self.runs) if r["part"] != "primes"]
        self.assertEqual({r["time_base"] for r in log}, {"window"})
        light = [float(r["collected_ratio"]) for r in log
                 if r["part"] == "crossover" and
                 float(r["offered_cores"]) == s_light()]
        self.assertTrue(light)
        self.assertGreaterEqual(st.median(light), 0.98)

    def test_summary_matches_runs(self):
        rows = csum.read_summary(self.out)
        self.assertTrue(rows)
        groups = csum.group_points(self.runs)
        for s in rows:
            col, scale = next((c, k) for m, c, k, _, _ in
                              csum.METRICS[s["part"]] if m == s["metric"])
            vals = adapt.values(groups[plan.point_key(s)], col, scale)
            with self.subTest(point=plan.point_key(s), metric=s["metric"]):
                if not vals:
                    self.assertTrue(math.isnan(s["median"]))
                    continue
                want = st.median(vals)
                lo, hi, _ = st.median_ci(vals)
                for k, w in (("median", want), ("ci_lo", lo), ("ci_hi", hi)):
                    self.assertAlmostEqual(s[k], w, delta=abs(w) * 1e-5)

    def test_crossover_and_closing_note(self):
        with open(os.path.join(self.out, "crossover.csv"), newline="") as f:
            cross = list(csv.DictReader(f))
        vs = plan.variants_for(settings(quick=True))
        self.assertEqual({c["variant"] for c in cross},
                         {v.name for v in vs if "crossover" in v.parts})
        tol = plan.preset(2, True).cross_tol
        for c in cross:
            with self.subTest(model=c["variant"]):
                if c["result"] == "between":
                    self.assertLessEqual(float(c["lost_load"]),
                                         float(c["kept_load"]) * (1 + tol)
                                         + 1e-9, c)
                self.assertIn(c["result"], ("between", "above", "below"))
        with open(os.path.join(self.out, "summary.md")) as f:
            md = f.read()
        self.assertIn(md.splitlines()[0], self.stdout)
        self.assertIn("## The short answer", md)
        note = md.split("## Closing note")[1]
        for c in cross:
            self.assertIn(f"| {c['variant']} | ", note)
        self.assertRegex(note, r"\d+ of \d+ points did not converge")
        self.assertIn("No run failed.", note, note)

    def test_plots(self):
        if not shutil.which("gnuplot"):
            self.assertIn("gnuplot-nox", self.stderr)
            return
        for name in cplot.PLOT_FILES:
            path = os.path.join(self.out, name)
            with self.subTest(plot=name):
                self.assertTrue(os.path.isfile(path))
                with open(path, "rb") as f:
                    self.assertEqual(f.read(8), PNG)
                self.assertGreater(os.path.getsize(path), 1000)

    def test_env(self):
        with open(os.path.join(self.out, "env.txt")) as f:
            keys = {ln.split(":", 1)[0] for ln in f}
        for k in ("command", "cpu", "cores", "memory", "kernel",
                  "clocksource", "governor", "compiler", "git", "openmpi",
                  "openmp", "load_before", "load_after", "c2c_probe"):
            self.assertIn(k, keys)

    def test_diff_itself_and_report(self):
        md = os.path.join(self.tmp, "self.md")
        code, so, se = compare("--diff", self.out, self.out, "--out", md)
        self.assertEqual(code, 0, se)
        self.assertIn(" 0 of ", so)
        self.assertNotIn("warning", so)
        self.assertTrue(os.path.isfile(md))
        with open(os.path.join(self.out, "summary.md")) as f:
            before = f.read()
        code, so, se = compare("--report", self.out)
        self.assertEqual(code, 0, se)
        with open(os.path.join(self.out, "summary.md")) as f:
            self.assertEqual(f.read(), before)


def s_light():
    return plan.preset(2, True).cross_light


if __name__ == "__main__":
    unittest.main()
