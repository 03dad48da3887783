"""alogexp.report - the ONE reader of alog's reports, for scripts/compare,
the bench scripts and the references alike.

A report (alog's `--format csv -q`, scripts/ref/orig_logger.py's and
orig_primes.py's `--format csv`, ref_collector.py's, alog-ref-c2c's) is
'# key=value' lines, then 'kind,...' rows naming the columns of the rows
after them: producer rows and a total row (the log job), part rows and a
result row (primes).  A reference that prints only '# key=value' lines
is a report with a header and no rows.

The time base of a log run: alog's total row says when the first record
was due and when the last was collected (startup_s, window_s, drain_s,
teardown_s); records_per_s, the CPU seconds and collected_ratio are over
that window only, so spawning and reaping n producers is no part of any
rate.  A report without window_s (an older build) is read on its wall
time instead, and its rows say time_base=wall.
"""
import csv
import math
import statistics


class Report:
    """A parsed report: header keys and the rows of each kind."""

    def __init__(self, text):
        self.header, self.rows = {}, {}
        cols = None
        for line in text.splitlines():
            if line.startswith("#"):
                k, _, v = line[1:].strip().partition("=")
                self.header.setdefault(k.strip(), v.strip())
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

    def kinds(self):
        return set(self.rows)


def num(x):
    """x as a float; NaN for an empty or missing field."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


# The figures of a log run, in the order of runs.csv.
LOG_FIGURES = (
    "time_base", "producers", "producers_ok", "producer_status", "records",
    "expected", "lost", "target_hz", "achieved_hz", "achieved_ratio",
    "offered_per_s", "collected_ratio", "late_p50_ns", "late_p99_ns",
    "late_max_ns", "lat_p50_ns", "lat_p99_ns", "lat_max_ns",
    "late_p99_med_ns", "lat_p99_med_ns", "delay_p99_ns",
    "gaps", "dups",
    "malformed", "bytes", "wall_s", "startup_s", "window_s", "drain_s",
    "teardown_s", "cpu_s", "records_per_s", "bytes_per_s", "peak_rss_bytes",
    "list_bytes", "interrupted", "collector_cpu_s", "producers_cpu_s",
    "collector_cpu_per_record_us", "producers_cpu_per_record_us",
    "cpu_per_record_us", "collector_cores", "peak_rss_mb")
PRIMES_FIGURES = ("number", "kernel", "answer", "steps", "model_s",
                  "speedup", "efficiency")
# Producer columns summed over the producers; the percentiles are the
# median of the producers' p50 and the worst producer's p99 and max.
_SUMMED = ("records", "expected", "lost", "target_hz", "achieved_hz",
           "gaps", "dups", "malformed", "bytes")
_WORST = ("late_p99_ns", "late_max_ns", "lat_p99_ns", "lat_max_ns")
_MEDIAN = ("late_p50_ns", "lat_p50_ns")
_TOTAL = ("records", "expected", "lost", "bytes", "wall_s", "startup_s",
          "window_s", "drain_s", "teardown_s", "cpu_s", "records_per_s",
          "bytes_per_s", "peak_rss_bytes", "list_bytes", "interrupted",
          "collector_cpu_s", "producers_cpu_s", "offered_per_s",
          "collected_ratio")


def _per_record_us(cpu_s, records):
    return cpu_s / records * 1e6 if records > 0 else math.nan


def log_figures(rep, n, rate):
    """The LOG_FIGURES of one log report (NaN where it has none); n and
    rate (Hz per producer, 0 unthrottled) are what the run offered."""
    prods, total = rep.rows.get("producer", []), rep.first("total")
    out = {"producers": len(prods),
           "producers_ok": sum(p.get("status") == "ok" for p in prods)}
    words = sorted({p.get("status", "") for p in prods} - {"ok", ""})
    out["producer_status"] = ";".join(
        f"{w}={sum(p.get('status') == w for p in prods)}" for w in words)
    for k in _SUMMED:
        vals = [num(p.get(k)) for p in prods if k in p]
        out[k] = sum(vals) if vals else math.nan
    for k in _WORST:
        out[k] = max((num(p.get(k)) for p in prods), default=math.nan)
    for k in _MEDIAN:
        vals = [num(p.get(k)) for p in prods]
        out[k] = statistics.median(vals) if vals else math.nan
    for k in _TOTAL:
        if k in total:
            out[k] = num(total[k])
    window = "window_s" in total
    out["time_base"] = "window" if window else "wall"
    offered = n * rate
    if rate:
        out["achieved_ratio"] = out["achieved_hz"] / offered
        if not window or math.isnan(out.get("collected_ratio", math.nan)):
            out["offered_per_s"] = offered
            out["collected_ratio"] = num(total.get("records_per_s")) / offered
    # The crossover's bound holds for both latency and lateness: the worse
    # of the two, each the median producer's p99 (a backlog raises every
    # producer's; one producer's bad luck on a shared core raises one).
    for k in ("lat_p99", "late_p99"):
        vals = [num(p.get(f"{k}_ns")) for p in prods]
        out[f"{k}_med_ns"] = statistics.median(vals) if vals else math.nan
    both = [x for x in (out["lat_p99_med_ns"], out["late_p99_med_ns"])
            if not math.isnan(x)]
    out["delay_p99_ns"] = max(both) if both else math.nan
    rec = out.get("records", math.nan)
    for who in ("collector", "producers"):
        out[f"{who}_cpu_per_record_us"] = _per_record_us(
            num(total.get(f"{who}_cpu_s")), rec)
    out["cpu_per_record_us"] = _per_record_us(
        num(total.get("collector_cpu_s")) + num(total.get("producers_cpu_s")),
        rec)
    span = num(total.get("window_s" if window else "wall_s"))
    out["collector_cores"] = num(total.get("collector_cpu_s")) / span \
        if span > 0 else math.nan
    out["peak_rss_mb"] = num(total.get("peak_rss_bytes")) / 2 ** 20
    known = set(LOG_FIGURES) | {"kind"}
    extra = sorted(k for k in total if k not in known)
    out["counters"] = ";".join(f"{k}={total[k]}" for k in extra)
    return out


def primes_figures(rep):
    r = rep.first("result")
    out = {k: r.get(k, "") for k in ("number", "kernel", "answer")}
    out["steps"], out["model_s"] = num(r.get("steps")), num(r.get("model_s"))
    return out


def figures(part, n, rate, text):
    """The figures of a run's report; {} when it holds no result row."""
    rep = Report(text)
    if part == "primes":
        return primes_figures(rep) if rep.rows.get("result") else {}
    return log_figures(rep, n, rate) if rep.rows.get("total") else {}


def producer_rates(text):
    """achieved_hz of every producer row, and whether every one is ok
    (what the bench scripts read)."""
    rows = Report(text).rows.get("producer", [])
    return [num(r.get("achieved_hz")) for r in rows], \
        bool(rows) and all(r.get("status") == "ok" for r in rows)
