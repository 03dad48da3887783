"""compare_plot.py - the PNG plots of a results folder, with gnuplot: one
line per model at its medians, error bars from the smallest to the
largest of the repetitions, the ideal line where there is one.  Each
plot's gnuplot script (its data inline) is kept in gnuplot/ so that it
can be redrawn.  Without gnuplot: one line naming the package, no plot.
"""
import math
import os
import shutil
import subprocess
import sys

from compare_report import by_metric

# file, part, metric, x label, y label, log x, log y, ideal
PLOTS = (
    ("io_cpu_collector.png", "io", "collector_cpu_per_record",
     "paced producers n", "collector CPU per record (us)", True, True, None),
    ("io_cpu_producers.png", "io", "producers_cpu_per_record",
     "paced producers n", "producers' CPU per record (us)", True, True, None),
    ("io_latency_p99.png", "io", "lat_p99", "paced producers n",
     "latency p99, worst producer (us)", True, True, None),
    ("throughput.png", "throughput", "records_per_s",
     "unthrottled producers n", "records per second (millions)", True, True,
     None),
    ("primes_speedup.png", "primes", "speedup", "parts P",
     "speedup over serial", False, False, "speedup"),
    ("primes_efficiency.png", "primes", "efficiency", "parts P",
     "efficiency (speedup / P)", False, False, "efficiency"),
    ("crossover_latency_p99.png", "crossover", "lat_p99",
     "offered load of collector-side work (cores)",
     "latency p99, worst producer (us)", True, True, None),
    ("crossover_achieved.png", "crossover", "collected_ratio",
     "offered load of collector-side work (cores)",
     "records collected / offered per second", True, False, "one"),
)
PLOT_FILES = tuple(p[0] for p in PLOTS)
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
          "#e377c2", "#17becf", "#7f7f7f", "#bcbd22")
PACKAGE = "gnuplot-nox"


def terminal(gnuplot):
    """pngcairo when this gnuplot has it, else png."""
    p = subprocess.run([gnuplot, "-e", "set terminal"], capture_output=True,
                       text=True)
    return "pngcairo" if "pngcairo" in (p.stdout + p.stderr) else "png"


def ideal_points(kind, xs, cores):
    if kind == "speedup":
        return [(x, min(x, cores)) for x in xs]
    if kind == "efficiency":
        return [(x, min(x, cores) / x) for x in xs]
    return [(x, 1.0) for x in xs]


def _block(name, points):
    rows = "\n".join(" ".join(f"{v:.9g}" for v in p) for p in points)
    return f"${name} << EOD\n{rows}\nEOD\n"


def script(spec, rows, meta, term, png):
    """The gnuplot script of one plot; None when it has no data."""
    name, part, metric, xlabel, ylabel, logx, logy, ideal = spec
    table, xs = by_metric(rows, part, metric)
    series = []
    for v, pts in table.items():
        data = [(x, r["median"], r["min"], r["max"])
                for x, r in sorted(pts.items()) if not math.isnan(r["median"])]
        if logy:  # a zero (omp-none's latency: no hand-over) has no log
            kept = [(x, m, max(lo, m * 1e-3), hi) for x, m, lo, hi in data
                    if m > 0]
            if len(kept) < len(data):
                v += " (zeros not drawn)" if kept else " (all 0, not drawn)"
            data = kept
        series.append((v, data))
    if not any(d for _, d in series):
        return None
    out = [f"set terminal {term} size 960,600 noenhanced",
           f"set output '{png}'",
           f"set title \"{ylabel} ({meta['host']}, {meta['cores']} cores;"
           f" median of {meta['reps']} runs, bars min..max)\"",
           f"set xlabel \"{xlabel}\"", f"set ylabel \"{ylabel}\"",
           "set key outside right top", "set grid", "set bars small",
           # room for the error bars of the first and last points
           "set offsets graph 0.04, graph 0.04, 0, 0"]
    if logx:
        out.append("set logscale x 2" if part != "crossover"
                   else "set logscale x 10")
    else:
        out.append("set xtics 1")
    if logy:
        out.append("set logscale y")
    if not logy:
        out.append("set yrange [0:*]")
    blocks, plots = [], []
    for i, (v, data) in enumerate(series):
        style = (f"with yerrorlines lw 2 pt {i + 1} "
                 f"lc rgb '{COLORS[i % len(COLORS)]}' title '{v}'")
        if not data:  # still named in the key, with nothing to draw
            plots.append(f"keyentry {style}")
            continue
        blocks.append(_block(f"d{i}", data))
        plots.append(f"$d{i} using 1:2:3:4 {style}")
    if ideal:
        blocks.append(_block("ideal", ideal_points(ideal, xs, meta["cores"])))
        plots.append("$ideal using 1:2 with lines dt 2 lw 2 lc rgb 'black' "
                     "title 'ideal'")
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
