"""alogexp.plot - the PNG plots of a results folder, with gnuplot: one
line per model at its medians, error bars its 95% interval from order
statistics (the same as the tables'), one colour and marker per model in
every plot, and the bound drawn where one is known (ideal speedup, the
1-core and n-core capacities of the crossover, the latency bound).  Each
plot's gnuplot script (its data inline) is kept in gnuplot/ so that it
can be redrawn.  Without gnuplot: one line naming the package, no plot.
"""
import math
import os
import shutil
import subprocess
import sys

from .plan import BY_NAME
from .summary import by_metric, payloads

# file, part, metric, x label, y label, log x, log y, bound
PLOTS = (
    ("io_cpu_collector.png", "io", "collector_cpu_per_record",
     "paced producers n", "collector CPU per record (us)", True, True, None),
    ("io_memory.png", "io", "peak_rss", "paced producers n",
     "collector's peak resident memory (MB)", True, True, None),
    ("io_cpu_producers.png", "io", "producers_cpu_per_record",
     "paced producers n", "producers' CPU per record (us)", True, True, None),
    ("io_latency_p99.png", "io", "lat_p99", "paced producers n",
     "latency p99, worst producer (us)", True, True, "io_bound"),
    ("throughput.png", "throughput", "records_per_s",
     "unthrottled producers n", "records per second (millions)", True, True,
     None),
    ("primes_speedup.png", "primes", "speedup", "parts P",
     "speedup over serial", False, False, "speedup"),
    ("primes_efficiency.png", "primes", "efficiency", "parts P",
     "efficiency (speedup / P)", False, False, "efficiency"),
    ("crossover_achieved.png", "crossover", "collected_ratio",
     "offered load of collector-side work (cores)",
     "records collected / offered per second", True, False, "capacity"),
    ("crossover_latency_p99.png", "crossover", "delay_p99",
     "offered load of collector-side work (cores)",
     "worse of latency and lateness p99, median producer (us)", True, True,
     "cross_bound"),
)
PLOT_FILES = tuple(p[0] for p in PLOTS)
PACKAGE = "gnuplot-nox"
FALLBACK = ("#7f7f7f", 1)


def style_of(name):
    """(colour, point type) of a model: the same in every plot."""
    v = BY_NAME.get(name)
    if v is None and name.startswith("mpi-batched"):
        v = BY_NAME["mpi-batched"]
    return (v.color, v.marker) if v else FALLBACK


def terminal(gnuplot):
    """pngcairo when this gnuplot has it, else png."""
    p = subprocess.run([gnuplot, "-e", "set terminal"], capture_output=True,
                       text=True)
    return "pngcairo" if "pngcairo" in (p.stdout + p.stderr) else "png"


def bound_lines(kind, xs, meta):
    """[(title, points)] of the bound lines of one plot."""
    cores = int(meta.get("cores", 1))
    if not xs:
        return []
    if kind == "speedup":
        return [("ideal: min(P, cores)", [(x, min(x, cores)) for x in xs])]
    if kind == "efficiency":
        return [("ideal", [(x, min(x, cores) / x) for x in xs])]
    if kind == "capacity":
        lo, hi = min(xs), max(xs)
        grid = [lo * (hi / lo) ** (i / 60) for i in range(61)] if hi > lo \
            else [lo]
        out = [("bound: 1 core (one collector thread)",
                [(x, min(1.0, 1.0 / x)) for x in grid])]
        if cores > 1:
            out.append((f"bound: {cores} cores (per-core workers)",
                        [(x, min(1.0, cores / x)) for x in grid]))
        keep = float(meta.get("keep_ratio", 0.98))
        out.append((f"keeps up: {keep:g}", [(lo, keep), (hi, keep)]))
        return out
    if kind == "cross_bound":
        b = float(meta.get("cross_bound_ns", "nan")) / 1e3
        return [] if math.isnan(b) else [
            (f"bound: {meta.get('settings', {}).get('bound_intervals', '?')}"
             " intervals", [(min(xs), b), (max(xs), b)])]
    if kind == "io_bound":
        rate = float(meta.get("settings", {}).get("io_rate", "nan"))
        return [] if not rate > 0 else [
            ("one interval", [(min(xs), 1e6 / rate), (max(xs), 1e6 / rate)])]
    return []


def _block(name, points):
    rows = "\n".join(" ".join(f"{v:.9g}" for v in p) for p in points)
    return f"${name} << EOD\n{rows}\nEOD\n"


def script(spec, rows, meta, term, png):
    """The gnuplot script of one plot; None when it has no data."""
    name, part, metric, xlabel, ylabel, logx, logy, bound = spec
    sizes = payloads(rows, part) if part == "throughput" else []
    table, xs = by_metric(rows, part, metric, sizes[0] if sizes else None)
    series = []
    for v, pts in table.items():
        data = [(x, r["median"], r["ci_lo"], r["ci_hi"])
                for x, r in sorted(pts.items()) if not math.isnan(r["median"])]
        title = v
        if logy:  # a zero (omp-none's latency: no hand-over) has no log
            kept = [(x, m, max(lo, m * 1e-3), hi) for x, m, lo, hi in data
                    if m > 0]
            if len(kept) < len(data):
                title += " (zeros not drawn)" if kept else \
                    " (all 0, not drawn)"
            data = kept
        series.append((v, title, data))
    if not any(d for _, _, d in series):
        return None
    out = [f"set terminal {term} size 1000,620 noenhanced",
           f"set output '{png}'",
           f"set title \"{ylabel} ({meta.get('host', '?')}, "
           f"{meta.get('cores', '?')} cores; median, bars: 95% CI from "
           "order statistics)\"",
           f"set xlabel \"{xlabel}\"", f"set ylabel \"{ylabel}\"",
           "set key outside right top", "set grid", "set bars small",
           "set offsets graph 0.04, graph 0.04, 0, 0"]
    if logx:
        out.append("set logscale x 2" if part != "crossover"
                   else "set logscale x 10")
    else:
        out.append("set xtics 1")
    out.append("set logscale y" if logy else "set yrange [0:*]")
    blocks, plots = [], []
    for i, (v, title, data) in enumerate(series):
        color, pt = style_of(v)
        style = (f"with yerrorlines lw 2 pt {pt} lc rgb '{color}' "
                 f"title '{title}'")
        if not data:  # still named in the key, with nothing to draw
            plots.append(f"keyentry {style}")
            continue
        blocks.append(_block(f"d{i}", data))
        plots.append(f"$d{i} using 1:2:3:4 {style}")
    for j, (title, pts) in enumerate(bound_lines(bound, xs, meta)):
        blocks.append(_block(f"b{j}", pts))
        plots.append(f"$b{j} using 1:2 with lines dt {j + 2} lw 2 "
                     f"lc rgb 'black' title '{title}'")
    return "".join(blocks) + "\n".join(out) + "\nplot " + \
        ", \\\n     ".join(plots) + "\n"


def plot_all(folder, rows, meta, gnuplot=None):
    """Every plot that has data; returns the PNG files written."""
    gnuplot = gnuplot or os.environ.get("GNUPLOT", "gnuplot")
    if not shutil.which(gnuplot):
        print(f"compare: gnuplot not found: no plots (apt-get install "
              f"{PACKAGE}); the CSV and markdown are written",
              file=sys.stderr)
        return []
    term = terminal(gnuplot)
    gdir = os.path.join(folder, "gnuplot")
    os.makedirs(gdir, exist_ok=True)
    written = []
    for spec in PLOTS:
        png = os.path.join(folder, spec[0])
        text = script(spec, rows, meta, term, spec[0])
        if text is None:
            continue
        gp = os.path.join(gdir, spec[0][:-4] + ".gp")
        with open(gp, "w") as f:
            f.write(text)
        # run in the folder: the script names its PNG relative to it
        p = subprocess.run([gnuplot, os.path.join("gnuplot",
                                                  os.path.basename(gp))],
                           capture_output=True, text=True, cwd=folder)
        if p.returncode != 0 or not os.path.isfile(png):
            print(f"compare: gnuplot failed on {gp}: "
                  f"{p.stderr.strip().splitlines()[-1:] or '?'}",
                  file=sys.stderr)
            continue
        written.append(png)
    return written
