"""alogexp.summary - from runs.csv to summary.csv, crossover.csv and
summary.md: per point and figure the median with its 95% interval from
order statistics (stats.median_ci), whether it converged, and its
warnings (outliers, two modes, the core-to-core state of the runs); per
model of the crossover the bisection replayed from the runs; then the
tables, the sentences (words.py) and the closing note.
"""
import csv
import math
import os

from . import stats as st
from .adapt import values
from .crossover import Bisection, decide
from .plan import BY_NAME, PART_TITLES, VARIANTS, point_key
from .runner import MEASURED

# Per part, the figures summarized: (metric, runs.csv column, scale, unit,
# what it is).  The first is the part's primary figure: the one whose
# interval decides when a point has run enough.
METRICS = {
    "io": (
        ("collector_cpu_per_record", "collector_cpu_per_record_us", 1, "us",
         "collector CPU per record"),
        ("producers_cpu_per_record", "producers_cpu_per_record_us", 1, "us",
         "producers' CPU per record"),
        ("peak_rss", "peak_rss_mb", 1, "MB",
         "collector's peak resident memory"),
        ("lat_p99", "lat_p99_ns", 1e-3, "us",
         "latency p99 (worst producer)"),
        ("late_p99", "late_p99_ns", 1e-3, "us",
         "lateness p99 (worst producer)"),
        ("collected_ratio", "collected_ratio", 1, "",
         "collected / offered per second (window)"),
    ),
    "throughput": (
        ("records_per_s", "records_per_s", 1e-6, "M records/s",
         "records per second into the collector (window)"),
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
         "collected / offered per second (window)"),
        ("delay_p99", "delay_p99_ns", 1e-3, "us",
         "worse of latency and lateness p99 (median producer)"),
        ("collector_cpu_per_record", "collector_cpu_per_record_us", 1, "us",
         "collector CPU per record"),
        ("cpu_per_record", "cpu_per_record_us", 1, "us",
         "CPU per record, collector + producers"),
    ),
}
PRIMARY = {p: m[0][0] for p, m in METRICS.items()}
POINT_KEYS = ("part", "model", "variant", "n", "rate_hz", "payload",
              "collect_work", "offered_cores")
STAT_FIELDS = ("reps_ok",) + st.SUMMARY_FIELDS[1:]
SUMMARY_COLUMNS = POINT_KEYS + ("metric", "unit", "runs", "failed") + \
    STAT_FIELDS + ("converged", "decision", "flags")
CROSSOVER_COLUMNS = (
    "variant", "where", "bound", "bound_cores", "light_load",
    "light_ratio", "light_ratio_lo", "light_ratio_hi", "result",
    "kept_load", "lost_load", "crossover", "reason", "steps", "uncertain",
    "loads")


def recorded(runs):
    """The runs that count: not the warm-ups (repetition 0)."""
    return [r for r in runs if r.get("repetition") not in ("0", 0)]


def c2c_threshold(runs):
    """The core-to-core latency that splits near from far runs: the
    geometric middle of the lowest and highest probes when they differ
    by 2x or more; None (one state) otherwise or without probes."""
    xs = [float(r["c2c_ns"]) for r in runs if r.get("c2c_ns")]
    if not xs or min(xs) <= 0 or max(xs) < 2 * min(xs):
        return None
    return math.sqrt(min(xs) * max(xs))


def c2c_state(row, threshold):
    if threshold is None or not row.get("c2c_ns"):
        return ""
    return "far" if float(row["c2c_ns"]) >= threshold else "near"


def short(x):
    """A figure for a table: 3 significant digits, no exponent."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    a = abs(x)
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1 or a == 0:
        return f"{x:.3g}"
    return f"{x:.2g}"


def flags_of(vals, rows, column, scale, threshold):
    """The warnings of one figure of one point, in words ('' if none)."""
    out = []
    odd = st.outliers(vals)
    if odd:
        out.append(f"outliers {', '.join(short(x) for x in odd)}")
    two = st.bimodal(vals)
    if two:
        out.append(f"two modes: {len(two[0])} runs near "
                   f"{short(st.median(two[0]))}, {len(two[1])} near "
                   f"{short(st.median(two[1]))}")
    if threshold is not None:
        by = {}
        for r in rows:
            s = c2c_state(r, threshold)
            v = values([r], column, scale)
            if s and v:
                by.setdefault(s, []).append(v[0])
        if len(by.get("near", [])) >= 2 and len(by.get("far", [])) >= 2:
            mn, mf = st.median(by["near"]), st.median(by["far"])
            if abs(mf - mn) > 0.1 * max(abs(mn), abs(mf)):
                out.append(f"core state: near {short(mn)} "
                           f"({len(by['near'])} runs), far {short(mf)} "
                           f"({len(by['far'])})")
    return "; ".join(out)


def group_points(runs):
    """{point key: [rows]} in the order the points first ran."""
    groups = {}
    for r in recorded(runs):
        groups.setdefault(point_key(r), []).append(r)
    return groups


def summarize(runs, meta):
    """summary.csv rows (dicts) from runs.csv rows.  A crossover point's
    primary figure converges when its keep-up decision is clear."""
    target = float(meta.get("ci_target", 0.05))
    keep = float(meta.get("keep_ratio", 0.98))
    bound_ns = float(meta.get("cross_bound_ns", 5e6))
    threshold = c2c_threshold(recorded(runs))
    out = []
    for rows in group_points(runs).values():
        first = rows[0]
        failed = sum(r["status"] not in MEASURED for r in rows)
        decision = decide(rows, keep, bound_ns).verdict \
            if first["part"] == "crossover" else ""
        for metric, column, scale, unit, _ in METRICS[first["part"]]:
            vals = values(rows, column, scale)
            row = {k: first.get(k, "") for k in POINT_KEYS}
            row.update(metric=metric, unit=unit, runs=len(rows),
                       failed=failed, decision=decision)
            if vals:
                s = st.summary(vals)
                row.update({"reps_ok": s["n"]},
                           **{k: s[k] for k in st.SUMMARY_FIELDS[1:]})
                row["converged"] = "yes" if st.converged(vals, target) \
                    else "no"
                row["flags"] = flags_of(vals, rows, column, scale, threshold)
            else:
                row.update({k: math.nan for k in STAT_FIELDS}, reps_ok=0,
                           converged="no", flags="")
            if decision and metric == PRIMARY["crossover"]:
                row["converged"] = "no" if decision == "uncertain" else "yes"
            out.append(row)
    return out


def crossover_results(runs, meta):
    """Per crossover model: the bisection replayed from its runs (in the
    order they ran) and the lightest load's collected/offered."""
    keep = float(meta.get("keep_ratio", 0.98))
    bound_ns = float(meta.get("cross_bound_ns", 5e6))
    cores = int(meta.get("cores", 1))
    by_model = {}
    for key, rows in group_points(runs).items():
        if key[0] != "crossover":
            continue
        by_model.setdefault(rows[0]["variant"], []).append(rows)
    out = []
    for name in sorted(by_model, key=registry_order):
        points = by_model[name]
        loads = [(float(p[0]["offered_cores"]), p) for p in points]
        light = min(x for x, _ in loads)
        b = Bisection(light, float(meta.get("cross_top", 4)),
                      float(meta.get("cross_tol", 0.1)))
        reasons = {}
        for x, rows in loads:
            d = decide(rows, keep, bound_ns)
            b.record(x, d)
            reasons[x] = (d, rows)
        kind, lo, hi = b.result()
        d_light = reasons[light][0]
        lost_reason = reasons[hi][0].reason if hi == hi and hi in reasons \
            else ""
        v = BY_NAME.get(name) or BY_NAME.get(name.split("-batched")[0] +
                                             "-batched")
        bound = 1.0 if v is None or v.bound == "one" else float(cores)
        out.append({
            "variant": name, "where": v.where if v else "?",
            "bound": v.bound if v else "one", "bound_cores": bound,
            "light_load": light, "light_ratio": d_light.ratio[0],
            "light_ratio_lo": d_light.ratio[1],
            "light_ratio_hi": d_light.ratio[2], "result": kind,
            "kept_load": lo, "lost_load": hi,
            "crossover": math.sqrt(lo * hi) if kind == "between" else
            (lo if kind == "above" else hi),
            "reason": lost_reason, "steps": len(b.steps),
            "uncertain": b.uncertain_steps(),
            "loads": ";".join(f"{x:g}:{v_}" for x, v_, _ in b.steps),
            "decisions": reasons})
    return out


META_INTS = ("cores", "min_reps", "max_reps", "warmup", "seed")
META_FLOATS = ("ci_target", "budget_s", "serial_s", "step_ns", "keep_ratio",
               "cross_bound_ns", "cross_top", "cross_tol")


def write_meta(folder, meta):
    """meta.txt: key=value lines, the settings as settings.key=value."""
    with open(os.path.join(folder, "meta.txt"), "w") as f:
        for k, v in meta.items():
            if k != "settings":
                f.write(f"{k}={v}\n")
        for k, v in meta.get("settings", {}).items():
            f.write(f"settings.{k}={v}\n")


def read_meta(folder):
    """meta.txt back, numbers as numbers ({} of settings without one)."""
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
    for k in META_INTS:
        try:
            meta[k] = int(meta[k])
        except (KeyError, ValueError):
            meta.pop(k, None)
    for k in META_FLOATS:
        try:
            meta[k] = float(meta[k])
        except (KeyError, ValueError):
            meta.pop(k, None)  # the readers' defaults hold
    for k in ("serial_s", "step_ns"):
        meta.setdefault(k, math.nan)
    meta.setdefault("cores", os.cpu_count() or 1)
    return meta


def cell(x):
    if isinstance(x, float):
        return "" if math.isnan(x) else f"{x:.6g}"
    return str(x)


def write_csv(path, rows, columns):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for r in rows:
            w.writerow([cell(r.get(c, "")) for c in columns])


def read_summary(folder):
    """summary.csv rows with the figures as floats (NaN when empty)."""
    with open(os.path.join(folder, "summary.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in STAT_FIELDS:
            r[k] = float(r[k]) if r[k] != "" else math.nan
    return rows


def table_cell(r, unit):
    """median [lo, hi], '~' when not converged, '!' with a warning;
    (k/R) when only k of R runs were measured."""
    if r["reps_ok"] == 0:
        return f"all {r['runs']:g} runs failed"
    f = short if unit else (lambda x: f"{x:.3f}")
    s = f(r["median"])
    if r["reps_ok"] > 1:
        s += f" [{f(r['ci_lo'])}, {f(r['ci_hi'])}]"
    if r.get("converged") == "no":
        s += "~"
    if r.get("flags"):
        s += "!"
    if r["failed"]:
        s += f" ({r['reps_ok']:g}/{r['runs']:g})"
    return s


def axis(part):
    """The column of a part's points that is its x axis, and its name."""
    return {"io": ("n", "n producers"), "throughput": ("n", "n producers"),
            "primes": ("n", "P"),
            "crossover": ("offered_cores", "offered load (cores)")}[part]


def registry_order(name):
    """A model's place in the registry (tables and plots list the models
    in it; mpi-batched-K after mpi-batched, by K)."""
    names = [v.name for v in VARIANTS]
    if name in names:
        return (names.index(name), 0)
    if name.startswith("mpi-batched-"):
        k = name.rsplit("-", 1)[1]
        return (names.index("mpi-batched"), int(k) if k.isdigit() else 0)
    return (len(names), 0)


def by_metric(rows, part, metric, payload=None):
    """{variant: {x: summary row}} (models in registry order) and the
    sorted x values of one figure."""
    col, _ = axis(part)
    table, xs = {}, set()
    for r in rows:
        if r["part"] == part and r["metric"] == metric and \
                (payload is None or int(float(r.get("payload") or 0))
                 == payload):
            table.setdefault(r["variant"], {})[float(r[col])] = r
            xs.add(float(r[col]))
    table = {v: table[v] for v in sorted(table, key=registry_order)}
    return table, sorted(xs)


def payloads(rows, part):
    return sorted({int(float(r.get("payload") or 0)) for r in rows
                   if r["part"] == part})


def md_table(rows, part, metric, unit, what, payload=None):
    """One markdown table: the x values down, the models across; the
    warnings listed under it."""
    table, xs = by_metric(rows, part, metric, payload)
    if not table:
        return []
    _, name = axis(part)
    names = list(table)
    head = f"**{what}**" + (f" ({unit})" if unit else "") + \
        (f", payload {payload} bytes" if payload else "") + \
        ": median [95% CI from order statistics]"
    lines = [head, "", "| " + " | ".join([name] + names) + " |",
             "|" + "---|" * (len(names) + 1)]
    warn = []
    for x in xs:
        lines.append("| " + " | ".join(
            [f"{x:g}"] + [table_cell(table[v][x], unit) if x in table[v]
                          else "" for v in names]) + " |")
        for v in names:
            r = table[v].get(x)
            if r and r.get("flags"):
                warn.append(f"- ! {v} at {name} {x:g}: {r['flags']}")
    return lines + [""] + (warn + [""] if warn else [])


def part_intro(part, meta):
    """One line under a part's heading: what ran."""
    s = meta.get("settings", {})
    if part == "io":
        return (f"n producers paced at {s.get('io_rate', '?')} Hz each for "
                f"{s.get('io_duration', '?')} s, phases {s.get('phase', '?')}"
                " over the interval; no work per record. Rates and CPU "
                "are over the window from the first record due to the last "
                "collected (spawning and reaping are outside it)."
                + (f" Not every model runs every n: {s.get('capped')}."
                   if s.get("capped") else ""))
    if part == "throughput":
        return ("n producers as fast as they can, a fixed number of records "
                "per run (fewer for the Python references); rates over the "
                "window.")
    if part == "primes":
        return (f"Trial division of {meta.get('number', '?')} (kernel div, "
                f"serial {short(meta.get('serial_s', math.nan))} s in the "
                "calibration), split into P parts; speedup against the "
                "serial run of the same round. The Python rows (the "
                "original's asyncio primes and its serial form) factor "
                f"{meta.get('py_number', '?')} instead, their speedup is "
                "against py-serial of the same round.")
    return (f"{s.get('cross_n', '?')} producers at {s.get('cross_rate', '?')}"
            f" Hz for {s.get('cross_duration', '?')} s; every record costs W "
            "trial-division steps where the model stores it (one step = "
            f"{short(meta.get('step_ns', math.nan))} ns), offered load = "
            "n x rate x W x step, in cores. A model keeps up while "
            f"collected/offered stays at or above {s.get('keep_ratio', '?')}"
            f" and the worse of latency and lateness p99 under "
            f"{s.get('bound_intervals', '?')} intervals "
            f"({short(float(meta.get('cross_bound_ns', 'nan')) / 1e6)} ms), "
            "both by their 95% intervals; bisection to within "
            f"{float(s.get('cross_tol', 0.1)) * 100:g}% of the load.")


STATS_WORDS = (
    "Each cell is the median of the runs of a point with its 95% "
    "confidence interval from order statistics, [lo, hi] (distribution-"
    "free: no normality assumed; below 6 runs the interval is [min, max] "
    "and its confidence lower: 75% with 3 runs). `~`: the point did not "
    "converge (its interval is wider than +-{t:g}% of the median, or below "
    "95%); `!`: a warning, listed under the table; (k/R): only k of R runs "
    "were measured. Plots draw the same medians and intervals.")


def crossover_md(cross, meta):
    if not cross:
        return []
    lines = ["**Where each model stops keeping up** (bisection; the "
             "interval is the highest load kept and the lowest lost)", "",
             "| model | work in | bound | collected/offered at the lightest"
             " load | crossover (cores) | why it was lost | steps |",
             "|---|---|---|---|---|---|---|"]
    for c in cross:
        lines.append(
            f"| {c['variant']} | {c['where']} | {c['bound_cores']:g} | "
            f"{c['light_ratio']:.3f} [{c['light_ratio_lo']:.3f}, "
            f"{c['light_ratio_hi']:.3f}] at {c['light_load']:g} | "
            f"{crossing_text(c)} | {c['reason'] or '-'} | {c['steps']}"
            + (f" ({c['uncertain']} uncertain)" if c["uncertain"] else "")
            + " |")
    lines += ["", "**Every load tried**", "",
              "| model | load (cores) | W | collected/offered | p99 (ms) | "
              "runs | decision |", "|---|---|---|---|---|---|---|"]
    for c in cross:
        for x, (d, rows) in sorted(c["decisions"].items()):
            lines.append(
                f"| {c['variant']} | {x:g} | {rows[0].get('collect_work')} "
                f"| {d.ratio[0]:.3f} [{d.ratio[1]:.3f}, {d.ratio[2]:.3f}] | "
                f"{d.delay[0] / 1e6:.3g} [{d.delay[1] / 1e6:.3g}, "
                f"{d.delay[2] / 1e6:.3g}] | {d.runs} | {d.verdict}"
                + (f" ({d.lean})" if d.verdict == "uncertain" else "")
                + " |")
    return lines + [""]


def crossing_text(c):
    if c["result"] == "between":
        return f"{c['crossover']:.3g} ({c['kept_load']:g}..{c['lost_load']:g})"
    if c["result"] == "above":
        return f"above {c['kept_load']:g} (kept at every load tried)"
    return f"below {c['lost_load']:g} (lost at the lightest load)"


def short_window(meta):
    """A note for the io part's collected/offered when its runs hold few
    intervals: k records due over k - 1 intervals (and a phase) make a
    model that collected every one read about k / (k - 1)."""
    s = meta.get("settings", {})
    try:
        k = float(s.get("io_rate")) * float(s.get("io_duration"))
    except (TypeError, ValueError):
        return ""
    if not 1 < k < 100:
        return ""
    return (f"; {k:g} records a producer due over {k - 1:g} intervals: "
            f"above 1 (up to {k / (k - 1):.3f}) is a short window, not "
            "extra records")


def not_converged(rows):
    """{variant: (points not converged, points)} by the primary figure
    (the crossover: its decision stayed uncertain)."""
    out = {}
    for r in rows:
        if r["metric"] != PRIMARY.get(r["part"]):
            continue
        bad, tot = out.get(r["variant"], (0, 0))
        miss = r.get("converged") != "yes"
        out[r["variant"]] = (bad + miss, tot + 1)
    return out


def closing_md(rows, cross, meta, failures, shorts):
    """The closing note: per model collected/offered at the lightest load,
    its crossover and interval, the points that did not converge; then
    the failed runs."""
    nc = not_converged(rows)
    nc = {v: nc[v] for v in sorted(nc, key=registry_order)}
    cx = {c["variant"]: c for c in cross}
    light = {}
    for r in rows:  # models without a crossover: the io part's lightest
        if r["part"] == "io" and r["metric"] == "collected_ratio":
            n = float(r["n"])
            if r["variant"] not in light or n < light[r["variant"]][0]:
                light[r["variant"]] = (n, r)
    out = ["## Closing note", "",
           "| model | collected/offered at the lightest load | crossover "
           "(cores) | points not converged |", "|---|---|---|---|"]
    for v in nc:
        if v in cx:
            c = cx[v]
            ratio = (f"{c['light_ratio']:.3f} [{c['light_ratio_lo']:.3f}, "
                     f"{c['light_ratio_hi']:.3f}] (crossover, "
                     f"{c['light_load']:g} cores)")
            where = crossing_text(c)
        elif v in light and light[v][1]["reps_ok"]:
            n, r = light[v]
            ratio = f"{r['median']:.3f} [{r['ci_lo']:.3f}, " \
                f"{r['ci_hi']:.3f}] (io, n = {n:g}{short_window(meta)})"
            where = "not in the crossover"
        else:
            ratio, where = "- (primes only)", "-"
        bad, tot = nc[v]
        out.append(f"| {v} | {ratio} | {where} | {bad} of {tot} |")
    total_bad = sum(b for b, _ in nc.values())
    total = sum(t for _, t in nc.values())
    out += ["", f"{total_bad} of {total} points did not converge "
            f"(interval within +-{float(meta.get('ci_target', 0.05)) * 100:g}"
            "% of the median at 95%, or a clear keep-up decision)."]
    if shorts:
        out += ["", f"{len(shorts)} run(s) measured with a producer short "
                "of its schedule (exit 3): " + ", ".join(shorts[:12])
                + (" ..." if len(shorts) > 12 else "")]
    if failures:
        out += ["", f"**{len(failures)} run(s) failed** (the exit status "
                "is 1):", ""] + [f"- {f}" for f in failures]
    else:
        out += ["", "No run failed."]
    return out + [""]


def summary_md(rows, cross, meta, words, short_answer, failures=(),
               shorts=()):
    """The whole of summary.md as a string."""
    out = [f"# alog: async I/O against parallel processing on "
           f"{meta.get('host', '?')} ({meta.get('cores', '?')} cores)", "",
           f"{meta.get('started', '?')}, `{meta.get('command', '?')}` "
           f"(preset {meta.get('preset', '?')}).", "",
           "## The short answer", ""]
    out += [f"- {w}" for w in short_answer] or ["- (no figures)"]
    out += ["", "## How to read the tables", "",
            STATS_WORDS.format(t=float(meta.get("ci_target", 0.05)) * 100),
            f"Every point ran {meta.get('min_reps', '?')} to "
            f"{meta.get('max_reps', '?')} times after "
            f"{meta.get('warmup', '?')} unrecorded warm-up run(s) per model "
            "(log parts and primes), the points of a part interleaved in "
            f"rounds (order shuffled per round, seed {meta.get('seed', '?')}). All figures:"
            " summary.csv; every run: runs.csv.", ""]
    k = 0
    for part, title in PART_TITLES.items():
        if not any(r["part"] == part for r in rows):
            continue
        k += 1
        out += [f"## {k}. {title}", "", part_intro(part, meta), ""]
        if part == "crossover":
            out += crossover_md(cross, meta)
        for metric, _, _, unit, what in METRICS[part]:
            if part == "crossover":
                continue  # the loads differ per model: the lists above
            for b in payloads(rows, part) if part == "throughput" else \
                    [None]:
                out += md_table(rows, part, metric, unit, what, b)
    out += ["## What the figures say", ""]
    out += [f"- {w}" for w in words] or ["- (no figures)"]
    out += [""] + closing_md(rows, cross, meta, failures, shorts)
    return "\n".join(out)
