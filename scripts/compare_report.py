"""compare_report.py - from runs.csv to summary.csv and summary.md: per
point and figure the median, mean, standard deviation, min, max and 95%
confidence interval over the repetitions (alog_stats.summary), the models
side by side, and the sentences that say what the figures show
(compare_words.py).
"""
import csv
import math
import os

import alog_stats as st

# Per part, the figures summarized: (metric, runs.csv column, scale, unit,
# what it is).  Latencies are reported in ns and summarized in us.
METRICS = {
    "io": (
        ("collector_cpu_per_record", "collector_cpu_per_record_us", 1, "us",
         "collector CPU per record"),
        ("producers_cpu_per_record", "producers_cpu_per_record_us", 1, "us",
         "producers' CPU per record"),
        ("lat_p50", "lat_p50_ns", 1e-3, "us",
         "latency p50 (median of the producers)"),
        ("lat_p99", "lat_p99_ns", 1e-3, "us",
         "latency p99 (worst producer)"),
        ("late_p99", "late_p99_ns", 1e-3, "us",
         "lateness p99 (worst producer)"),
        ("achieved_ratio", "achieved_ratio", 1, "",
         "achieved rate / target rate"),
    ),
    "throughput": (
        ("records_per_s", "records_per_s", 1e-6, "M records/s",
         "records per second into the collector"),
        ("cpu_per_record", "cpu_per_record_us", 1, "us",
         "CPU per record, collector + producers"),
    ),
    "primes": (
        ("model_s", "model_s", 1, "s", "time"),
        ("speedup", "speedup", 1, "", "speedup over the serial run of the "
         "same round"),
        ("efficiency", "efficiency", 1, "", "efficiency (speedup / P)"),
    ),
    "crossover": (
        ("collected_ratio", "collected_ratio", 1, "",
         "records collected per second / offered"),
        ("lat_p99", "lat_p99_ns", 1e-3, "us",
         "latency p99 (worst producer)"),
        ("collector_cpu_per_record", "collector_cpu_per_record_us", 1, "us",
         "collector CPU per record"),
        ("cpu_per_record", "cpu_per_record_us", 1, "us",
         "CPU per record, collector + producers"),
    ),
}
POINT_KEYS = ("part", "model", "variant", "n", "rate_hz", "collect_work",
              "offered_cores")
STAT_FIELDS = ("reps_ok",) + st.SUMMARY_FIELDS[1:]
SUMMARY_COLUMNS = POINT_KEYS + ("metric", "unit", "runs", "failed") + \
    STAT_FIELDS
GOOD = ("ok", "short")  # runs whose report counts


def point_key(row):
    """The point of a runs.csv or summary.csv row (what --diff joins on:
    the collector-side work is left out, it depends on the machine)."""
    return (row["part"], row["variant"], row["n"], row["rate_hz"],
            row["offered_cores"])


def metric_values(rows, column, scale):
    """The figures of the runs that reported one, scaled."""
    out = []
    for r in rows:
        if r["status"] in GOOD and r.get(column, "") != "":
            out.append(float(r[column]) * scale)
    return out


def summarize(runs):
    """summary.csv rows (dicts) from runs.csv rows, points in the order
    they first ran."""
    groups = {}
    for r in runs:
        groups.setdefault(point_key(r), []).append(r)
    out = []
    for rows in groups.values():
        first = rows[0]
        failed = sum(r["status"] not in GOOD for r in rows)
        for metric, column, scale, unit, _ in METRICS[first["part"]]:
            vals = metric_values(rows, column, scale)
            row = {k: first[k] for k in POINT_KEYS}
            row.update(metric=metric, unit=unit, runs=len(rows),
                       failed=failed)
            if vals:
                s = st.summary(vals)
                row.update({"reps_ok": s["n"]},
                           **{k: s[k] for k in st.SUMMARY_FIELDS[1:]})
            else:
                row.update({k: math.nan for k in STAT_FIELDS}, reps_ok=0)
            out.append(row)
    return out


def write_summary_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(SUMMARY_COLUMNS)
        for r in rows:
            w.writerow([cell(r[c]) for c in SUMMARY_COLUMNS])


def cell(x):
    if isinstance(x, float):
        return "" if math.isnan(x) else f"{x:.6g}"
    return str(x)


def read_summary(folder):
    """summary.csv rows with the figures as floats (NaN when empty)."""
    with open(os.path.join(folder, "summary.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in STAT_FIELDS:
            r[k] = float(r[k]) if r[k] != "" else math.nan
    return rows


def short(x):
    """A figure for a table: 3 significant digits, no exponent."""
    if x is None or math.isnan(x):
        return "-"
    a = abs(x)
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 1 or a == 0:
        return f"{x:.3g}" if a < 10 else f"{x:.1f}"
    return f"{x:.2g}"


def table_cell(r, unit):
    """median ±half of the 95% interval (ratios with 3 decimals); (k/R)
    when only k of R runs reported."""
    if r["reps_ok"] == 0:
        return f"failed ({r['failed']:g}/{r['runs']:g})"
    f = short if unit else (lambda x: f"{x:.3f}")
    s = f(r["median"])
    if not math.isnan(r["ci95_hi"]):
        s += f" ±{f((r['ci95_hi'] - r['ci95_lo']) / 2)}"
    if r["failed"]:
        s += f" ({r['reps_ok']:g}/{r['runs']:g})"
    return s


def axis(part):
    """The column of a part's points that is its x axis, and its name."""
    return {"io": ("n", "n producers"), "throughput": ("n", "n producers"),
            "primes": ("n", "P"),
            "crossover": ("offered_cores", "offered load (cores)")}[part]


def by_metric(rows, part, metric):
    """{variant: {x: summary row}} and the sorted x values of one figure."""
    col, _ = axis(part)
    table, xs = {}, set()
    for r in rows:
        if r["part"] == part and r["metric"] == metric:
            table.setdefault(r["variant"], {})[float(r[col])] = r
            xs.add(float(r[col]))
    return table, sorted(xs)


def md_table(rows, part, metric, unit, what):
    """One markdown table: the x values down, the models across."""
    table, xs = by_metric(rows, part, metric)
    if not table:
        return []
    col, name = axis(part)
    names = list(table)
    head = f"**{what}**" + (f" ({unit})" if unit else "")
    lines = [head, "", "| " + " | ".join([name] + names) + " |",
             "|" + "---|" * (len(names) + 1)]
    for x in xs:
        cells = [table[v][x] for v in names if x in table[v]]
        extra = ""
        if part == "crossover" and cells:
            extra = f" (W={cells[0]['collect_work']})"
        lines.append("| " + " | ".join(
            [f"{x:g}{extra}"] + [table_cell(table[v][x], unit) if x in table[v]
                                 else "" for v in names]) + " |")
    return lines + [""]


def part_intro(part, meta):
    """One line under a part's heading: what ran."""
    s = meta.get("settings", {})
    if part == "io":
        return (f"n producers paced at {s.get('rate', '?')} Hz each for "
                f"{s.get('io_duration', '?')} s; no work per record.")
    if part == "throughput":
        return ("n producers as fast as they can, a fixed number of records "
                "per run (fewer for the Python reference).")
    if part == "primes":
        return (f"Trial division of {meta.get('number', '?')} (kernel div, "
                f"serial {short(meta.get('serial_s', math.nan))} s in the "
                "calibration), split into P parts; speedup against the "
                "serial run of the same round.")
    return (f"{s.get('cross_n', '?')} producers at {s.get('rate', '?')} Hz "
            f"for {s.get('cross_duration', '?')} s; every record costs W "
            "trial-division steps where the model stores it (one step = "
            f"{short(meta.get('step_ns', math.nan))} ns), offered load = "
            "n x rate x W x step, in cores.")


def summary_md(rows, meta, words):
    """The whole of summary.md as a string."""
    from compare_plan import PART_TITLES  # noqa: E402 (no cycle at import)
    out = [f"# alog: async I/O against parallel processing on "
           f"{meta['host']} ({meta['cores']} cores)", "",
           f"{meta['started']}, `{meta['command']}`: {meta['reps']} "
           "repetitions of every point, in interleaved rounds. Each cell is "
           "the median ±half the 95% confidence interval of the mean over "
           "the repetitions; (k/R): only k of R runs reported. "
           "All figures: summary.csv; every run: runs.csv.", ""]
    k = 0
    for part, title in PART_TITLES.items():
        if not any(r["part"] == part for r in rows):
            continue
        k += 1
        out += [f"## {k}. {title}", "", part_intro(part, meta), ""]
        for metric, _, _, unit, what in METRICS[part]:
            out += md_table(rows, part, metric, unit, what)
    out += ["## What the figures say", ""]
    out += [f"- {w}" for w in words] or ["- (no figures)"]
    return "\n".join(out) + "\n"
