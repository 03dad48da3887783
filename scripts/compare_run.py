"""compare_run.py - running the points of scripts/compare: one process per
run, its CSV report read into one row of runs.csv, the progress line, and
env.txt.

A report (alog's `--format csv -q`, or ref_collector.py's `--format csv`)
is '# key=value' lines, then 'kind,...' rows naming the columns of the
rows after them: producer rows and a total row (the log job), part rows
and a result row (primes).
"""
import csv
import math
import os
import signal
import statistics
import subprocess
import sys
import time

# The experiment's columns of runs.csv, then the figures of a log run,
# then those of a primes run, then the model-specific counters.
RUN_KEYS = ("repetition", "order", "part", "model", "variant", "n",
            "rate_hz", "collect_work", "offered_cores", "exit", "status",
            "seconds")
LOG_FIGURES = (
    "producers", "producers_ok", "records", "expected", "target_hz",
    "achieved_hz", "achieved_ratio", "collected_ratio", "late_p50_ns",
    "late_p99_ns", "late_max_ns", "lat_p50_ns", "lat_p99_ns", "lat_max_ns",
    "gaps", "dups", "malformed", "bytes", "wall_s", "cpu_s",
    "records_per_s", "bytes_per_s", "peak_rss_bytes", "list_bytes",
    "interrupted", "collector_cpu_s", "producers_cpu_s",
    "collector_cpu_per_record_us", "producers_cpu_per_record_us",
    "cpu_per_record_us")
PRIMES_FIGURES = ("number", "kernel", "answer", "steps", "model_s",
                  "speedup", "efficiency")
RUN_COLUMNS = RUN_KEYS + LOG_FIGURES + PRIMES_FIGURES + (
    "counters", "error", "command")
# Producer columns summed over the producers; the percentiles are the
# median of the producers' p50 and the worst producer's p99 and max.
_SUMMED = ("records", "expected", "target_hz", "achieved_hz", "gaps",
           "dups", "malformed", "bytes")
_WORST = ("late_p99_ns", "late_max_ns", "lat_p99_ns", "lat_max_ns")
_MEDIAN = ("late_p50_ns", "lat_p50_ns")


class Report:
    """A parsed report: header keys and the rows of each kind."""

    def __init__(self, text):
        self.header, self.rows = {}, {}
        cols = None
        for line in text.splitlines():
            if line.startswith("#"):
                k, _, v = line[1:].strip().partition("=")
                self.header.setdefault(k, v)
                continue
            if not line.strip():
                continue
            f = next(csv.reader([line]))
            if f[0] == "kind":
                cols = f
            elif cols:
                self.rows.setdefault(f[0], []).append(dict(zip(cols, f)))

    def first(self, kind):
        return (self.rows.get(kind) or [{}])[0]


def num(x):
    """x as a float; NaN for an empty or missing field."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def _per_record_us(cpu_s, records):
    return cpu_s / records * 1e6 if records > 0 else math.nan


def log_figures(point, rep):
    """The LOG_FIGURES of one log report (NaN where it has none)."""
    prods, total = rep.rows.get("producer", []), rep.first("total")
    out = {"producers": len(prods),
           "producers_ok": sum(p.get("status") == "ok" for p in prods)}
    for k in _SUMMED:
        out[k] = sum(num(p.get(k)) for p in prods) if prods else math.nan
    for k in _WORST:
        out[k] = max((num(p.get(k)) for p in prods), default=math.nan)
    for k in _MEDIAN:
        vals = [num(p.get(k)) for p in prods]
        out[k] = statistics.median(vals) if vals else math.nan
    for k in LOG_FIGURES:
        if k in total:
            out[k] = num(total[k])
    rec = out.get("records", math.nan)
    if point.rate:
        out["achieved_ratio"] = out["achieved_hz"] / (point.n * point.rate)
        out["collected_ratio"] = num(total.get("records_per_s")) / \
            (point.n * point.rate)
    for who in ("collector", "producers"):
        out[f"{who}_cpu_per_record_us"] = _per_record_us(
            num(total.get(f"{who}_cpu_s")), rec)
    out["cpu_per_record_us"] = _per_record_us(
        num(total.get("collector_cpu_s")) + num(total.get("producers_cpu_s")),
        rec)
    extra = sorted(k for k in total if k not in LOG_FIGURES and k != "kind")
    out["counters"] = ";".join(f"{k}={total[k]}" for k in extra)
    return out


def primes_figures(rep):
    r = rep.first("result")
    out = {k: r.get(k, "") for k in ("number", "kernel", "answer")}
    out["steps"], out["model_s"] = num(r.get("steps")), num(r.get("model_s"))
    return out


def figures(point, text):
    """The figures of a run's report; {} when it holds no result row."""
    rep = Report(text)
    if point.part == "primes":
        return primes_figures(rep) if rep.rows.get("result") else {}
    return log_figures(point, rep) if rep.rows.get("total") else {}


def fmt(x):
    """A cell of runs.csv: numbers short but exact enough, NaN empty."""
    if isinstance(x, float):
        if math.isnan(x):
            return ""
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 \
            else f"{x:.9g}"
    return str(x)


def run_process(argv, timeout, env):
    """(exit, stdout, stderr, seconds) of argv, killed as a process group
    after timeout s (exit 124, as timeout(1) says)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, env=env, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
        code = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            out, err = p.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
        code = 124
        err = (err or "") + f"\ntimed out after {timeout:.0f} s"
    except KeyboardInterrupt:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait()
        raise
    return code, out or "", err or "", time.monotonic() - t0


def status_of(code, figs):
    """ok (exit 0), short (exit 3: a producer fell short, the report is
    kept), timeout, or failed (no report)."""
    if code == 124:
        return "timeout"
    if not figs:
        return "failed"
    return {0: "ok", 3: "short"}.get(code, "failed")


class Progress:
    """'run k of N, elapsed, left' on stderr: rewritten in place on a
    terminal, otherwise a line every 10 s and at the end."""

    def __init__(self, total_runs, total_guess):
        self.total, self.guess_left = total_runs, total_guess
        self.t0 = time.monotonic()
        self.done_guess = 0.0
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def tick(self, k, label, guess):
        """Run k (1-based) is about to start; guess: its expected seconds."""
        now = time.monotonic() - self.t0
        left = self.guess_left
        if self.done_guess > 0:  # scale the guesses by what they were worth
            left *= now / self.done_guess
        line = (f"compare: run {k} of {self.total} ({label}), elapsed "
                f"{clock(now)}, left ~{clock(left)}")
        if self.tty:
            sys.stderr.write("\r\033[K" + line)
            sys.stderr.flush()
        elif k == 1 or now - self.last >= 10:
            print(line, file=sys.stderr)
            self.last = now
        self.done_guess += guess
        self.guess_left = max(0.0, self.guess_left - guess)

    def done(self):
        if self.tty:
            sys.stderr.write("\n")
        return time.monotonic() - self.t0


def clock(seconds):
    s = int(seconds + 0.5)
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


class RunsWriter:
    """runs.csv, written a row at a time (a stopped experiment keeps what
    ran), and each run's report as reports/<order>.csv."""

    def __init__(self, folder):
        self.folder = folder
        os.makedirs(os.path.join(folder, "reports"), exist_ok=True)
        self.f = open(os.path.join(folder, "runs.csv"), "w", newline="")
        self.w = csv.writer(self.f)
        self.w.writerow(RUN_COLUMNS)

    def add(self, row, report_text):
        self.w.writerow([fmt(row.get(c, "")) for c in RUN_COLUMNS])
        self.f.flush()
        name = os.path.join(self.folder, "reports", f"{row['order']:04d}.csv")
        with open(name, "w") as f:
            f.write(report_text)

    def close(self):
        self.f.close()


def read_runs(folder):
    """The rows of folder/runs.csv as dicts of strings."""
    with open(os.path.join(folder, "runs.csv"), newline="") as f:
        return list(csv.DictReader(f))
