#!/usr/bin/env python3
"""Tests of scripts/compare: the report parsing, the plan, the aggregation
into summary.csv, the sentences, --diff and the bad input, on fixtures
(no run starts), and, as its own ctest (class QuickRun, when
COMPARE_BUILD names a build), one --quick run end to end.  Nothing here
asserts a time: the machine may be loaded.

  python3 tests/test_compare.py            # the fixtures
  COMPARE_BUILD=build python3 tests/test_compare.py QuickRun
"""
import csv
import io
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(ROOT, "scripts")
COMPARE = os.path.join(SCRIPTS, "compare")
sys.path.insert(0, SCRIPTS)
sys.dont_write_bytecode = True
import alog_stats as st  # noqa: E402
import compare_diff as cdiff  # noqa: E402
import compare_plan as plan  # noqa: E402
import compare_plot as cplot  # noqa: E402
import compare_report as crep  # noqa: E402
import compare_run as crun  # noqa: E402
import compare_words as cwords  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"

# An alog CSV report: two producers, one 'where' quoted with a comma, a
# total row with a model-specific counter.
LOG_REPORT = """# alog=1.0.0
# model=mpi
# openmp=4.5 (201511)
kind,producer,status,code,records,expected,target_hz,achieved_hz,\
late_p50_ns,late_p99_ns,late_max_ns,lat_p50_ns,lat_p99_ns,lat_max_ns,gaps,\
dups,malformed,bytes,where
producer,0,ok,0,100,0,1000,990,10,20,30,100,200,300,0,0,0,2400,"cpus=0,2"
producer,1,short,3,50,0,1000,500,12,40,50,300,900,1000,1,0,0,1200,rank=2
kind,records,bytes,wall_s,cpu_s,records_per_s,bytes_per_s,peak_rss_bytes,\
list_bytes,interrupted,messages,collector_cpu_s,producers_cpu_s
total,150,3600,0.1,0.02,1500,36000,100,200,0,150,0.0015,0.003
"""
PRIMES_REPORT = """# alog=1.0.0
kind,part,lo,hi,chunks,steps,divisor,count,busy_s,stopped,where
part,0,2,10,1,5,0,0,0.1,0,task 0
kind,job,number,range_lo,range_hi,parts,schedule,kernel,answer,divisor,\
found_part,found_where,count,steps,serial_steps,serial_s,model_s,speedup,\
efficiency,interrupted
result,number,101,,,1,static,div,prime,0,,,,5,,,0.25,,,0
"""


def run_row(part, variant, n, rep, status="ok", **figs):
    """One runs.csv row (strings, as read back) with the given figures."""
    v = plan.BY_NAME[variant]
    row = {c: "" for c in crun.RUN_COLUMNS}
    row.update(repetition=str(rep), order=str(rep), part=part,
               model=v.family, variant=variant, n=str(n), rate_hz="1000",
               collect_work="0", offered_cores=str(figs.pop("load", 0)),
               exit="0" if status == "ok" else "1", status=status)
    row.update({k: str(x) for k, x in figs.items()})
    return row


def fixture_runs():
    """io at two n, crossover with a fall at load 2 for async-epoll, one
    failed run: every figure chosen by hand."""
    rows = []
    for rep, (a, b) in enumerate(((10, 1.0), (12, 2.0), (11, 3.0)), 1):
        rows.append(run_row("io", "async-epoll", 1, rep,
                            collector_cpu_per_record_us=a, lat_p99_ns=b * 1e3,
                            achieved_ratio=1.0))
        rows.append(run_row("io", "omp-none", 1, rep,
                            collector_cpu_per_record_us=a / 2,
                            lat_p99_ns=0, achieved_ratio=0.999))
        for load, ratio in ((0.1, 0.95), (1, 0.94), (2, 0.5)):
            rows.append(run_row("crossover", "async-epoll", 8, rep, load=load,
                                collected_ratio=ratio - rep * 0.001,
                                cpu_per_record_us=5 + load))
            rows.append(run_row("crossover", "omp-none", 8, rep, load=load,
                                collected_ratio=0.99,
                                cpu_per_record_us=4 + load))
    rows.append(run_row("io", "async-epoll", 1, 4, status="failed"))
    return rows


def write_folder(folder, runs):
    """A results folder from runs.csv rows: runs.csv and summary.csv."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "runs.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, crun.RUN_COLUMNS)
        w.writeheader()
        w.writerows(runs)
    rows = crep.summarize(crun.read_runs(folder))
    crep.write_summary_csv(os.path.join(folder, "summary.csv"), rows)
    return rows


def recomputed_medians(folder):
    """{(point key, metric): median} straight from runs.csv."""
    runs = crun.read_runs(folder)
    out = {}
    for s in crep.read_summary(folder):
        col, scale = next((c, k) for m, c, k, _, _ in crep.METRICS[s["part"]]
                          if m == s["metric"])
        vals = [float(r[col]) * scale for r in runs
                if crep.point_key(r) == crep.point_key(s)
                and r["status"] in ("ok", "short") and r[col] != ""]
        out[crep.point_key(s) + (s["metric"],)] = \
            st.median(vals) if vals else math.nan
    return out


class Reports(unittest.TestCase):
    def test_log_report(self):
        p = plan.Point("io", plan.BY_NAME["mpi-async"], 2, 1000.0)
        f = crun.figures(p, LOG_REPORT)
        self.assertEqual(f["producers"], 2)
        self.assertEqual(f["producers_ok"], 1)
        self.assertEqual(f["records"], 150)         # the total row's
        self.assertEqual(f["lat_p99_ns"], 900)      # worst producer
        self.assertEqual(f["lat_p50_ns"], 200)      # median of 100, 300
        self.assertEqual(f["gaps"], 1)
        self.assertAlmostEqual(f["achieved_ratio"], 1490 / 2000)
        self.assertAlmostEqual(f["collected_ratio"], 1500 / 2000)
        self.assertAlmostEqual(f["collector_cpu_per_record_us"], 10.0)
        self.assertAlmostEqual(f["producers_cpu_per_record_us"], 20.0)
        self.assertAlmostEqual(f["cpu_per_record_us"], 30.0)
        self.assertEqual(f["counters"], "messages=150")
        self.assertEqual(crun.Report(LOG_REPORT).header["openmp"],
                         "4.5 (201511)")

    def test_primes_report_and_status(self):
        p = plan.Point("primes", plan.BY_NAME["serial"], 1)
        f = crun.figures(p, PRIMES_REPORT)
        self.assertEqual((f["answer"], f["model_s"]), ("prime", 0.25))
        self.assertEqual(crun.figures(p, "# only a header\n"), {})
        self.assertEqual(crun.status_of(0, f), "ok")
        self.assertEqual(crun.status_of(3, f), "short")
        self.assertEqual(crun.status_of(1, {}), "failed")
        self.assertEqual(crun.status_of(124, {}), "timeout")

    def test_columns_documented(self):
        code, out, _ = compare("--help")
        self.assertEqual(code, 0)
        text = " ".join(out.split())
        for c in crun.RUN_COLUMNS + crep.SUMMARY_COLUMNS:
            self.assertRegex(text, rf"\b{c}\b")

    def test_cells(self):
        self.assertEqual(crun.fmt(float("nan")), "")
        self.assertEqual(crun.fmt(3.0), "3")
        self.assertEqual(crun.fmt(0.125), "0.125")


class Plan(unittest.TestCase):
    def test_models(self):
        names = [v.name for v in plan.select_variants(["omp", "processes"])]
        self.assertEqual(names, ["omp-none", "omp-thread", "serial",
                                 "processes", "omp-threads"])
        with self.assertRaises(plan.PlanError):
            plan.select_variants(["gpu"])

    def test_points_and_work(self):
        s = plan.preset(2, quick=False)
        vs = plan.select_variants(["async-epoll"])
        pts = plan.plan_points(s, vs, ["io", "crossover"], 2e-9)
        io = [p for p in pts if p.part == "io"]
        self.assertEqual([p.n for p in io], [1, 2, 4, 8])
        cross = [p for p in pts if p.part == "crossover"]
        self.assertEqual(cross[0].load, 0.02)
        self.assertEqual(cross[-1].load, 4)
        for p in cross:  # offered load = n x rate x W x step
            self.assertAlmostEqual(p.n * p.rate * p.work * 2e-9, p.load,
                                   delta=p.load * 0.01)

    def test_commands(self):
        s = plan.preset(2, quick=True)
        s.number = 101
        launch = plan.Launch("/b", "/r", "/usr/bin/python3", 2)
        mpi = plan.Point("io", plan.BY_NAME["mpi-async"], 8, 1000.0)
        argv = plan.command(mpi, s, launch)
        self.assertEqual(argv[:7], ["mpirun", "-q", "--oversubscribe", "--mca",
                                    "mpi_yield_when_idle", "1", "-np"])
        self.assertEqual(argv[7:9], ["9", "/b/mpi/alog-mpi"])
        launch.hostfile = "/h"
        self.assertIn("--hostfile", plan.command(mpi, s, launch))
        launch.launcher = "srun"
        primes = plan.Point("primes", plan.BY_NAME["mpi-ranks"], 1)
        self.assertEqual(plan.command(primes, s, launch)[:5],
                         ["srun", "--mpi=pmix", "-n", "2", "/b/mpi/alog-mpi"])
        ref = plan.Point("throughput", plan.BY_NAME["py-threads"], 2)
        argv = plan.command(ref, s, launch)
        self.assertNotIn("--interval", argv)
        self.assertEqual(argv[-4:], ["--count", "15000", "--format", "csv"])

    def test_number(self):
        self.assertTrue(plan.is_prime(1000000000000000003))
        self.assertFalse(plan.is_prime(1000000000000000001))
        n = plan.choose_number(0.1, 0.4)  # 4x the time: 16x the number
        self.assertTrue(plan.is_prime(n))
        self.assertAlmostEqual(n / (16 * plan.CAL_NUMBER), 1, places=3)
        self.assertEqual(plan.choose_number(0.001, 100), 2 ** 64 - 59)


class Aggregation(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="compare-test.")
        self.rows = write_folder(os.path.join(self.tmp, "a"), fixture_runs())

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def find(self, part, variant, metric, x="0"):
        col = "offered_cores" if part == "crossover" else "n"
        return next(r for r in self.rows if r["part"] == part and
                    r["variant"] == variant and r["metric"] == metric and
                    float(r[col]) == float(x))

    def test_summary_figures(self):
        r = self.find("io", "async-epoll", "collector_cpu_per_record", 1)
        self.assertEqual((r["runs"], r["failed"], r["reps_ok"]), (4, 1, 3))
        self.assertEqual(r["median"], 11)
        self.assertEqual(r["mean"], 11)
        self.assertAlmostEqual(r["sd"], 1.0)
        # mean 11, sd 1, t(df 2) 4.3027: 11 -+ 4.3027 / sqrt(3)
        self.assertAlmostEqual(r["ci95_lo"], 11 - 2.484165, places=5)
        lat = self.find("io", "async-epoll", "lat_p99", 1)
        self.assertEqual(lat["median"], 2.0)  # ns to us
        got = recomputed_medians(os.path.join(self.tmp, "a"))
        for s in crep.read_summary(os.path.join(self.tmp, "a")):
            want = got[crep.point_key(s) + (s["metric"],)]
            if math.isnan(want):
                self.assertTrue(math.isnan(s["median"]))
            else:
                self.assertAlmostEqual(s["median"], want, places=4)

    def test_sentences(self):
        falls = cwords.fall_loads(self.rows)
        self.assertEqual(falls["async-epoll"][0][0], 2.0)
        self.assertEqual(falls["async-epoll"][1], 1.0)
        self.assertIsNone(falls["omp-none"][0])
        meta = {"cores": 2, "host": "h", "started": "t", "command": "c",
                "reps": 3, "settings": {}}
        words = cwords.sentences(self.rows, meta)
        text = " ".join(words)
        self.assertIn("async-epoll (work in the one event loop) fell behind "
                      "at 2 cores", text)
        self.assertIn("omp-none (work in each producer thread) kept up", text)
        self.assertIn("omp-none: latency 0", text)
        md = crep.summary_md(self.rows, meta, words)
        self.assertIn("| n producers | async-epoll | omp-none |", md)
        self.assertIn("11.0 ±2.48 (3/4)", md)
        self.assertTrue(md.rstrip().endswith(words[-1]))

    def test_no_gnuplot(self):
        err = io.StringIO()
        with redirect_stderr(err):
            got = cplot.plot_all(os.path.join(self.tmp, "a"), self.rows,
                                 {"host": "h", "cores": 2, "reps": 3},
                                 gnuplot="/nonexistent/gnuplot")
        self.assertEqual(got, [])
        lines = err.getvalue().splitlines()
        self.assertEqual(len(lines), 1)
        self.assertIn("gnuplot-nox", lines[0])


class Diff(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="compare-test.")
        self.a = os.path.join(self.tmp, "a")
        write_folder(self.a, fixture_runs())

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_itself(self):
        rows = cdiff.diff_rows(crep.read_summary(self.a),
                               crep.read_summary(self.a))
        for r in rows:
            if r["a_median"] and not math.isnan(r["a_median"]):
                self.assertEqual(r["ratio"], 1.0)
            self.assertIn(r["overlap"], ("yes", "-"))
        self.assertTrue(any(r["overlap"] == "yes" for r in rows))

    def test_twice_as_much(self):
        b = os.path.join(self.tmp, "b")
        runs = fixture_runs()
        for r in runs:
            if r["collector_cpu_per_record_us"]:
                r["collector_cpu_per_record_us"] = str(
                    2 * float(r["collector_cpu_per_record_us"]))
        write_folder(b, runs)
        rows = cdiff.diff_rows(crep.read_summary(self.a),
                               crep.read_summary(b))
        r = next(r for r in rows if r["metric"] == "collector_cpu_per_record"
                 and r["variant"] == "async-epoll")
        self.assertEqual((r["ratio"], r["overlap"]), (2.0, "no"))
        out = io.StringIO()
        with redirect_stdout(out):
            cdiff.diff_main(self.a, b, os.path.join(self.tmp, "d.md"))
        with open(os.path.join(self.tmp, "d.md")) as f:
            self.assertIn("| part | model | n |", f.read())

    def test_not_a_results_folder(self):
        for bad in (os.path.join(self.tmp, "none"), SCRIPTS):
            with self.assertRaises(plan.PlanError):
                cdiff.results_folder("--diff", bad)
        with open(os.path.join(self.a, "summary.csv"), "w") as f:
            f.write("x,y\n")
        with self.assertRaises(plan.PlanError):
            cdiff.results_folder("--diff", self.a)


def compare(*args, env=None):
    p = subprocess.run([sys.executable, COMPARE, *args], capture_output=True,
                       text=True, timeout=600, env=env,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


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
        (["--reps", "0"], "'0'"),
        (["--reps", "2"], "'2'"),
        (["--reps", "three"], "'three'"),
        (["--rate", "fast"], "'fast'"),
        (["--number", "1"], "'1'"),
        (["--hostfile", "/nonexistent/hosts"], "'/nonexistent/hosts'"),
        (["--launcher", "ssh"], "'ssh'"),
        (["--diff", SCRIPTS, SCRIPTS], SCRIPTS),
        (["--report", SCRIPTS], SCRIPTS),
        (["--bogus"], "--bogus"),
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
                    self.assertFalse(os.path.exists(out))
        finally:
            shutil.rmtree(tmp)


@unittest.skipUnless(os.environ.get("COMPARE_BUILD"), "COMPARE_BUILD unset")
class QuickRun(unittest.TestCase):
    """One --quick run end to end, then --diff of it against itself."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="compare-quick.")
        cls.out = os.path.join(cls.tmp, "quick")
        cls.code, cls.stdout, cls.stderr = compare(
            "--quick", "--out", cls.out, "--build",
            os.environ["COMPARE_BUILD"])
        print(cls.stderr, file=sys.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_runs_csv(self):
        self.assertEqual(self.code, 0, self.stderr)
        m = re.search(r"compare: (\d+) runs in ", self.stderr)
        self.assertTrue(m, self.stderr)
        with open(os.path.join(self.out, "runs.csv"), newline="") as f:
            r = csv.reader(f)
            self.assertEqual(tuple(next(r)), crun.RUN_COLUMNS)
        runs = crun.read_runs(self.out)
        self.assertEqual(len(runs), int(m.group(1)))
        seen = {crep.point_key(r) + (r["repetition"],) for r in runs}
        self.assertEqual(len(seen), len(runs))  # one row per point and round
        self.assertEqual({r["part"] for r in runs}, set(plan.PARTS))
        for r in runs:
            self.assertEqual(len(r), len(crun.RUN_COLUMNS))
        self.assertTrue(os.path.isfile(os.path.join(
            self.out, "reports", f"{len(runs):04d}.csv")))

    def test_summary_matches_runs(self):
        got = recomputed_medians(self.out)
        summary = crep.read_summary(self.out)
        self.assertTrue(summary)
        for s in summary:
            want = got[crep.point_key(s) + (s["metric"],)]
            with self.subTest(point=crep.point_key(s), metric=s["metric"]):
                if math.isnan(want):
                    self.assertTrue(math.isnan(s["median"]))
                else:  # summary.csv keeps 6 significant digits
                    self.assertAlmostEqual(s["median"], want,
                                           delta=abs(want) * 1e-5)
        with open(os.path.join(self.out, "summary.md")) as f:
            md = f.read()
        self.assertIn("## What the figures say", md)
        self.assertIn("fell behind" if "fell behind" in md else "kept up", md)
        self.assertIn(md.splitlines()[0], self.stdout)

    def test_plots(self):
        if not shutil.which("gnuplot"):
            self.assertIn("gnuplot-nox", self.stderr)
            return
        for name in cplot.PLOT_FILES:
            path = os.path.join(self.out, name)
            with self.subTest(plot=name):
                self.assertTrue(os.path.isfile(path))
                with open(path, "rb") as f:
                    head = f.read(8)
                self.assertEqual(head, PNG)
                self.assertGreater(os.path.getsize(path), 1000)

    def test_env(self):
        with open(os.path.join(self.out, "env.txt")) as f:
            keys = {ln.split(":", 1)[0] for ln in f}
        for k in ("command", "cpu", "cores", "memory", "kernel",
                  "clocksource", "governor", "compiler", "git", "openmpi",
                  "openmp", "load_before", "load_after"):
            self.assertIn(k, keys)

    def test_diff_itself(self):
        md = os.path.join(self.tmp, "self.md")
        code, so, se = compare("--diff", self.out, self.out, "--out", md)
        self.assertEqual(code, 0, se)
        rows = cdiff.diff_rows(crep.read_summary(self.out),
                               crep.read_summary(self.out))
        self.assertTrue(rows)
        for r in rows:
            if r["a_median"] and not math.isnan(r["a_median"]):
                self.assertEqual(r["ratio"], 1.0)
            self.assertIn(r["overlap"], ("yes", "-"))
        self.assertTrue(os.path.isfile(md))
        self.assertIn("B/A", so)


if __name__ == "__main__":
    unittest.main()
