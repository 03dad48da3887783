#!/usr/bin/env python3
"""Unit test of the statistics (scripts/alogexp/stats.py, through its
command line scripts/alog_stats.py) against values computed by hand.

Fixture A = 2 4 4 4 5 5 7 9 (n = 8):
  mean 40 / 8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32, sample
  variance 32 / 7, sd = sqrt(4.571429) = 2.138090; median (4 + 5) / 2 = 4.5;
  t(0.975, df 7) = 2.3646, half width 2.3646 * 2.138090 / sqrt(8)
  = 2.3646 * 0.755929 = 1.787470, so the interval is 3.212530 .. 6.787470.
Fixture B = 1 2 3: mean 2, sd 1, t(df 2) = 4.3027, half 4.3027 / sqrt(3)
  = 2.484165.
Fixture C = 0 1 repeated 20 times (n = 40, past the t table): mean 0.5,
  sd = sqrt(40 * 0.25 / 39) = 0.506370, half 1.959964 * 0.506370 / sqrt(40)
  = 0.156923.
Ratios: 10/5, 30/10, 20/4 = 2, 3, 5: median of ratios 3 (the ratio of the
  medians would be 20 / 5 = 4).
"""
import io
import math
import os
import random
import subprocess
import sys
import unittest
from contextlib import redirect_stderr, redirect_stdout

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts")
sys.path.insert(0, SCRIPTS)
import alog_stats as st  # noqa: E402

A = [2, 4, 4, 4, 5, 5, 7, 9]
B = [1, 2, 3]
C = [0, 1] * 20


def cli(*args, stdin=None):
    """Run the command line: (exit status, stdout, stderr)."""
    p = subprocess.run([sys.executable, os.path.join(SCRIPTS, "alog_stats.py"),
                        *args], input=stdin, capture_output=True, text=True,
                       timeout=30)
    return p.returncode, p.stdout, p.stderr


class Figures(unittest.TestCase):
    def test_fixture_a(self):
        self.assertEqual(st.mean(A), 5.0)
        self.assertEqual(st.median(A), 4.5)
        self.assertAlmostEqual(st.stdev(A), 2.138090, places=6)
        self.assertEqual(st.minimum(A), 2.0)
        self.assertEqual(st.maximum(A), 9.0)
        lo, hi = st.ci95(A)
        self.assertAlmostEqual(lo, 3.212530, places=5)
        self.assertAlmostEqual(hi, 6.787470, places=5)

    def test_odd_count_median_and_small_interval(self):
        self.assertEqual(st.median([3, 1, 2]), 2.0)
        self.assertEqual(st.stdev(B), 1.0)
        lo, hi = st.ci95(B)
        self.assertAlmostEqual(lo, 2 - 2.484165, places=5)
        self.assertAlmostEqual(hi, 2 + 2.484165, places=5)

    def test_normal_quantile_past_the_table(self):
        self.assertEqual(st.t95(1), 12.7062)
        self.assertEqual(st.t95(30), 2.0423)
        self.assertEqual(st.t95(31), st.Z95)
        self.assertAlmostEqual(st.stdev(C), 0.506370, places=6)
        lo, hi = st.ci95(C)
        self.assertAlmostEqual(lo, 0.5 - 0.156923, places=5)
        self.assertAlmostEqual(hi, 0.5 + 0.156923, places=5)

    def test_one_value_has_no_spread(self):
        self.assertEqual(st.median([7]), 7.0)
        self.assertTrue(math.isnan(st.stdev([7])))
        self.assertTrue(all(math.isnan(v) for v in st.ci95([7])))

    def test_nan_round_makes_every_figure_nan(self):
        xs = [1, float("nan"), 3]
        for f in (st.median, st.mean, st.stdev, st.minimum, st.maximum):
            self.assertTrue(math.isnan(f(xs)), f.__name__)

    def test_no_values_is_an_error(self):
        with self.assertRaises(ValueError):
            st.median([])

    def test_summary_row(self):
        s = st.summary(A)
        self.assertEqual(tuple(s), st.SUMMARY_FIELDS)
        self.assertEqual((s["n"], s["median"], s["mean"], s["min"], s["max"]),
                         (8, 4.5, 5.0, 2.0, 9.0))
        # n = 8: [x(1), x(8)] (99.2%); [x(2), x(7)] covers 93% only
        self.assertEqual((s["ci_lo"], s["ci_hi"]), (2.0, 9.0))
        self.assertAlmostEqual(s["ci_conf"], 1 - 2 / 256)


class MedianInterval(unittest.TestCase):
    """The median's interval from order statistics, by hand: coverage of
    [x(k), x(n+1-k)] is 1 - 2 P(Bin(n, 1/2) <= k - 1).
      n = 3: k = 1, 1 - 2/8 = 0.75 (no 95% interval below 6 values)
      n = 6: k = 1, 1 - 2/64 = 0.96875
      n = 9: k = 2, P(B <= 1) = 10/512, 1 - 20/512 = 0.9609375
      n = 20: k = 6, P(B <= 5) = (1+20+190+1140+4845+15504)/2^20
              = 21700/1048576, coverage 0.958611; k = 7 would cover
              1 - 2 * 60460/1048576 = 0.884682 only."""

    def test_known_samples(self):
        self.assertEqual(st.median_ci([3, 1, 2]), (1.0, 3.0, 0.75))
        self.assertEqual(st.median_ci([6, 5, 4, 3, 2, 1]),
                         (1.0, 6.0, 0.96875))
        self.assertEqual(st.median_ci(range(1, 10)), (2.0, 8.0, 0.9609375))
        lo, hi, conf = st.median_ci(range(1, 21))
        self.assertEqual((lo, hi), (6.0, 15.0))
        self.assertAlmostEqual(conf, 1 - 2 * 21700 / 1048576)
        self.assertEqual(st.median_ci_rank(5), (1, 0.9375))
        lo, hi, conf = st.median_ci([7])
        self.assertEqual((lo, hi, conf), (7.0, 7.0, 0.0))
        self.assertTrue(all(math.isnan(x) for x in
                            st.median_ci([1, float("nan"), 3])))

    def test_within_the_values(self):
        # never below the smallest value: a time's interval stays >= 0
        lo, hi, _ = st.median_ci([0.001, 0.002, 5.0])
        self.assertEqual((lo, hi), (0.001, 5.0))

    def test_coverage(self):
        """2000 samples of 10 exponential values (true median ln 2): the
        interval [x(2), x(9)] (97.85%) covers it in at least 96% of them."""
        rng = random.Random(7)
        hits = 0
        for _ in range(2000):
            xs = [rng.expovariate(1.0) for _ in range(10)]
            lo, hi, conf = st.median_ci(xs)
            hits += lo <= math.log(2) <= hi
        self.assertAlmostEqual(conf, 1 - 2 * 11 / 1024)
        self.assertGreaterEqual(hits / 2000, 0.96)
        self.assertLessEqual(hits / 2000, 0.995)

    def test_stop_rule(self):
        self.assertTrue(st.converged([100] * 6, 0.05))
        self.assertTrue(st.converged([100, 101, 99, 100, 102, 98], 0.05))
        self.assertFalse(st.converged([100, 101, 99, 100, 102], 0.05),
                         "5 values: [min, max] covers 93.75% < 95%")
        self.assertFalse(st.converged([100] * 5 + [120], 0.05))
        self.assertTrue(st.converged([100] * 5 + [104], 0.05))
        self.assertTrue(st.converged([0] * 6, 0.05))
        self.assertFalse(st.converged([0] * 5 + [1], 0.05))
        self.assertFalse(st.converged([], 0.05))


class TwoSamples(unittest.TestCase):
    def test_rank_test_exact(self):
        # every b above every a: U = 0, P(U <= 0) = 1/C(6,3) = 1/20
        self.assertEqual(st.mann_whitney([1, 2, 3], [4, 5, 6]), (0.0, 0.1))
        self.assertEqual(st.min_p(3, 3), 0.1)
        # a = 1.1 2.3 3.5 4.0, b = 2.0 5.1 6.2 7.3 8.0: a above b in 3
        # pairs (2.3, 3.5, 4.0 over 2.0); U <= 3 in 1+1+2+3 = 7 of
        # C(9,4) = 126 arrangements: p = 2 * 7/126 = 0.111111
        u, p = st.mann_whitney([1.1, 2.3, 3.5, 4.0], [2.0, 5.1, 6.2, 7.3, 8.0])
        self.assertEqual(u, 3.0)
        self.assertAlmostEqual(p, 14 / 126)
        u2, p2 = st.mann_whitney([2.0, 5.1, 6.2, 7.3, 8.0],
                                 [1.1, 2.3, 3.5, 4.0])
        self.assertEqual((u2, p2), (17.0, p))

    def test_rank_test_ties(self):
        # a = 1 2 2 3, b = 2 3 4 5: mid-ranks 1, 3, 3, 5.5 -> U = 2.5;
        # mean 8, variance 16/12 * (9 - 30/56) = 11.285714, z =
        # (5.5 - 0.5) / 3.359422 = 1.488351, p = erfc(z / sqrt 2) = 0.136660
        u, p = st.mann_whitney([1, 2, 2, 3], [2, 3, 4, 5])
        self.assertEqual(u, 2.5)
        self.assertAlmostEqual(p, 0.136660, places=5)
        self.assertEqual(st.mann_whitney([1, 1, 1], [1, 1, 1])[1], 1.0)

    def test_bootstrap_is_seeded(self):
        a = [1.0, 1.1, 0.9, 1.05, 0.95, 1.0]
        b = [2.0, 2.2, 1.9, 2.1, 1.95, 2.05]
        r1 = st.bootstrap_ratio(a, b, seed=3)
        self.assertEqual(r1, st.bootstrap_ratio(a, b, seed=3))
        self.assertAlmostEqual(r1[0], 2.025 / 1.0)
        self.assertGreater(r1[1], 1.0)           # excludes 1: differs
        self.assertLessEqual(r1[1], r1[0])
        self.assertGreaterEqual(r1[2], r1[0])
        same = st.bootstrap_ratio(a, a, seed=3)
        self.assertLessEqual(same[1], 1.0)
        self.assertGreaterEqual(same[2], 1.0)
        self.assertNotEqual(st.bootstrap_ratio(a, b + [3.0], seed=3), r1)


class PointChecks(unittest.TestCase):
    def test_outliers(self):
        self.assertEqual(st.outliers([10, 10.1, 9.9, 10, 10.2, 30]), [30.0])
        self.assertEqual(st.outliers([1, 1, 1, 1, 1.02]), [])  # under 5%
        self.assertEqual(st.outliers([1, 2, 30]), [])          # below 4

    def test_bimodal(self):
        lo, hi = st.bimodal([12.1, 10, 10.1, 12, 10.2, 12.2])
        self.assertEqual((lo, hi), ([10.0, 10.1, 10.2], [12.0, 12.1, 12.2]))
        self.assertIsNone(st.bimodal([10, 11, 12, 13, 14, 15]))
        self.assertIsNone(st.bimodal([1.0, 1.0, 1.001, 1.001]))  # 0.1%
        self.assertIsNone(st.bimodal([1, 5, 9]))
        # one value apart is an outlier, not a mode
        self.assertIsNone(st.bimodal([10, 10.1, 10.2, 10.1, 10, 15]))


class Ratios(unittest.TestCase):
    def test_median_of_per_round_ratios(self):
        self.assertEqual(st.ratios([10, 30, 20], [5, 10, 4]), [2.0, 3.0, 5.0])
        self.assertEqual(st.median_ratio([10, 30, 20], [5, 10, 4]), 3.0)
        self.assertEqual(st.median_ratio([1, 2, 3, 4], [1, 1, 1, 1]), 2.5)

    def test_zero_reference_is_nan(self):
        self.assertTrue(math.isnan(st.ratio(1, 0)))
        self.assertTrue(math.isnan(st.median_ratio([1, 2], [1, 0])))

    def test_rounds_must_pair(self):
        with self.assertRaises(ValueError):
            st.ratios([1, 2], [1])


class Verdicts(unittest.TestCase):
    def test_operators(self):
        self.assertTrue(st.passes(0.8, ">=", 0.8))
        self.assertFalse(st.passes(0.79, ">=", 0.8))
        self.assertTrue(st.passes(3, "<=", 3))
        self.assertFalse(st.passes(3.01, "<=", 3))
        self.assertTrue(st.passes(1.1, "in", 0.9, 1.1))
        self.assertFalse(st.passes(0.89, "in", 0.9, 1.1))
        self.assertFalse(st.passes(float("nan"), "<=", 3))
        with self.assertRaises(ValueError):
            st.passes(1, ">", 0)

    def test_line_format(self):
        ok, line = st.verdict("async / ref", 0.745, ">=", 0.7)
        self.assertTrue(ok)
        self.assertEqual(line, "  " + "async / ref".ljust(56) + " "
                         + "0.745".rjust(10) + "  " + ">= 0.7".ljust(12) + " PASS")
        ok, line = st.verdict("async speedup", 0.85, "in", 0.9, 1.1)
        self.assertFalse(ok)
        self.assertTrue(line.endswith("  in 0.9..1.1  FAIL"), line)
        self.assertEqual(st.info_line("div / Python", 18.74, "(info)"),
                         "  " + "div / Python".ljust(56) + " "
                         + "18.74".rjust(10) + "  (info)")


class CommandLine(unittest.TestCase):
    def test_figures(self):
        self.assertEqual(cli("median", "3", "1", "2"), (0, "2\n", ""))
        self.assertEqual(cli("mean", "-", stdin="2 4 4 4\n5 5 7 9\n"), (0, "5\n", ""))
        self.assertEqual(cli("--fmt", "%.4f", "sd", *map(str, A))[1], "2.1381\n")
        self.assertEqual(cli("--fmt", "%.4f", "ci95", *map(str, A))[1],
                         "3.2125 6.7875\n")
        self.assertEqual(cli("median-ratio", "10", "30", "20", "--", "5", "10", "4"),
                         (0, "3\n", ""))
        self.assertEqual(cli("ratio", "1", "3")[1], "0.333\n")
        self.assertEqual(cli("ratios", "10", "30", "1", "--", "5", "10", "0")[1],
                         "2.000 3.000 nan\n")
        self.assertTrue(cli("summary", "5")[1].startswith(
            "n=1 median=5 ci_lo=5 ci_hi=5 ci_conf=0 min=5 max=5 mean=5 sd=nan"))
        self.assertEqual(cli("median-ci", "3", "1", "2"), (0, "1 3 0.75\n", ""))

    def test_verdict_exit_status(self):
        rc, out, _ = cli("verdict", "x", "0.745", ">=", "0.7")
        self.assertEqual((rc, out), (0, st.verdict_line("x", 0.745, ">=", 0.7) + "\n"))
        self.assertEqual(cli("verdict", "x", "nan", "<=", "3")[0], 1)
        self.assertEqual(cli("verdict", "x", "1", "in", "0.9", "1.1")[0], 0)

    def test_bad_usage_names_the_value(self):
        self.assertEqual(cli("median", "1", "abc"),
                         (2, "", "alog_stats.py median: 'abc' is not a number\n"))
        rc, out, err = cli("verdict", "x", "1", ">", "0")
        self.assertEqual((rc, out, err.count("\n")), (2, "", 1))
        self.assertIn("'>'", err)
        self.assertEqual(cli("median")[0], 2)
        self.assertEqual(cli("frobnicate")[0], 2)

    def test_main_is_callable(self):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            self.assertEqual(st.main(["median", "1", "2", "3", "4"]), 0)
        self.assertEqual(out.getvalue(), "2.5\n")


if __name__ == "__main__":
    unittest.main()
