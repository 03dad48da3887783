"""alogexp.runner - one run: a process started in its own session, killed
as a group on its timeout, its exit status and report turned into one row
of runs.csv; the progress line; runs.csv itself.
"""
import csv
import math
import os
import signal
import subprocess
import sys
import time

from .report import LOG_FIGURES, PRIMES_FIGURES

# The experiment's columns of runs.csv (the first eleven are those of
# every earlier version: scripts reading status as column 11 still do),
# then the figures of a log run, then those of a primes run.
RUN_KEYS = ("repetition", "order", "part", "model", "variant", "n",
            "rate_hz", "collect_work", "offered_cores", "exit", "status",
            "payload", "batch", "round", "step", "seconds", "c2c_ns")
RUN_COLUMNS = RUN_KEYS + LOG_FIGURES + PRIMES_FIGURES + (
    "counters", "error", "command")
# The status words of a run and which of them count as measured.
STATUS_WORDS = {
    "ok": "exit 0, a report",
    "short": "exit 3: a producer fell short of its schedule or failed "
             "(measured: an overloaded run)",
    "lost": "exit 4: records lost or duplicated (a failure)",
    "timeout": "killed after its timeout (a failure)",
    "failed": "no report, or another exit status (a failure)",
}
MEASURED = ("ok", "short")


# Every run is a child of a small shell, never of this process: Linux keeps
# a process's peak resident memory (getrusage's ru_maxrss, the reports'
# peak_rss_bytes) across fork and exec, so a program started straight from
# Python would report Python's 18 MB as its own peak.
SHIM = ["/bin/sh", "-c", '"$@"; exit $?', "sh"]


def run_process(argv, timeout, env):
    """(exit, stdout, stderr, seconds) of argv, killed as a process group
    after timeout s (exit 124, as timeout(1) says)."""
    t0 = time.monotonic()
    try:
        p = subprocess.Popen(SHIM + list(argv), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, env=env, text=True,
                             start_new_session=True)
    except OSError as e:
        return 127, "", f"{argv[0]}: {e.strerror}", time.monotonic() - t0
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
    """ok (exit 0), short (exit 3: the report is kept), lost (exit 4),
    timeout, or failed (no report, or another status)."""
    if code == 124:
        return "timeout"
    if not figs:
        return "failed"
    return {0: "ok", 3: "short", 4: "lost"}.get(code, "failed")


def last_error(err, code):
    lines = [ln for ln in err.strip().splitlines() if ln.strip()
             and "warning" not in ln]
    return lines[-1][:200] if lines else f"exit {code}"


def fmt(x):
    """A cell of runs.csv: numbers short but exact enough, NaN empty."""
    if isinstance(x, float):
        if math.isnan(x):
            return ""
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 \
            else f"{x:.9g}"
    return str(x)


def clock(seconds):
    s = int(seconds + 0.5)
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


class Progress:
    """'run k, elapsed, left' on stderr: rewritten in place on a terminal,
    otherwise a line every 10 s."""

    def __init__(self, prog="compare"):
        self.prog = prog
        self.t0 = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.last = -10.0
        self.k = 0

    def elapsed(self):
        return time.monotonic() - self.t0

    def tick(self, label, left=None):
        self.k += 1
        now = self.elapsed()
        line = (f"{self.prog}: run {self.k} ({label}), elapsed {clock(now)}"
                + (f", left ~{clock(left)}" if left is not None else ""))
        if self.tty:
            sys.stderr.write("\r\033[K" + line)
            sys.stderr.flush()
        elif now - self.last >= 10:
            print(line, file=sys.stderr)
            self.last = now

    def note(self, msg):
        if self.tty:
            sys.stderr.write("\r\033[K")
        print(f"{self.prog}: {msg}", file=sys.stderr)

    def done(self):
        if self.tty:
            sys.stderr.write("\r\033[K")
        return self.elapsed()


class RunsWriter:
    """runs.csv, written a row at a time (a stopped experiment keeps what
    ran), and each run's report as reports/<order>.csv."""

    def __init__(self, folder):
        self.folder = folder
        os.makedirs(os.path.join(folder, "reports"), exist_ok=True)
        self.f = open(os.path.join(folder, "runs.csv"), "w", newline="")
        self.w = csv.writer(self.f)
        self.w.writerow(RUN_COLUMNS)
        self.rows = []

    def add(self, row, report_text):
        self.w.writerow([fmt(row.get(c, "")) for c in RUN_COLUMNS])
        self.f.flush()
        self.rows.append({c: fmt(row.get(c, "")) for c in RUN_COLUMNS})
        name = os.path.join(self.folder, "reports", f"{row['order']:04d}.csv")
        with open(name, "w") as f:
            f.write(report_text)

    def close(self):
        self.f.close()


def read_runs(folder):
    """The rows of folder/runs.csv as dicts of strings."""
    with open(os.path.join(folder, "runs.csv"), newline="") as f:
        return list(csv.DictReader(f))
