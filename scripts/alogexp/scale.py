"""alogexp.scale - the scale result of scripts/simulate: which points
saturated (the crossover rule of scripts/compare: collected/offered below
0.98, or the p99 delay past 10 intervals), the cost model's prediction
of where rank 0 saturates, summary.md and the plots.

The cost model: rank 0 is one core that pays c_msg per message it
receives and c_rec per record it stores.  N - 1 producers at R Hz, in
messages of b records, offer (N - 1) R records/s and (N - 1) R / b
messages/s; rank 0 keeps up while (N - 1) R (c_rec + c_msg / b) < 1, so
it saturates at N* = 1 + 1 / (R (c_rec + c_msg / b)) ranks.  A batch of
--batch B with --flush-ms F holds b = min(B, max(1, R F)) records on
average: a slow producer's batch leaves after F ms with what it has.
"""
import math
import os
import shutil
import subprocess

from .report import num
from .runner import MEASURED

KEEP_RATIO = 0.98   # the crossover rule of scripts/compare
BOUND_INTERVALS = 10
BATCH = {"blocking": (1, 0.0), "async": (1, 0.0), "batched": (64, 0.002),
         "tree": (1, 0.0)}


def per_message(collect, rate):
    """Records per message b of a collect mode at rate Hz."""
    batch, flush_s = BATCH.get(collect, (1, 0.0))
    if batch == 1 or rate <= 0:
        return float(batch)
    return float(min(batch, max(1.0, rate * flush_s)))


def capacity(cal, collect, rate):
    """Records/s rank 0 can take: 1 / (c_rec + c_msg / b)."""
    b = per_message(collect, rate)
    cost = cal["model_rec_s"] + cal["model_msg_s"] / b
    return 1.0 / cost if cost > 0 else math.inf


def predicted_ranks(cal, collect, rate):
    """N*: the ranks at which rank 0 saturates (flat collection)."""
    if rate <= 0:
        return 2.0  # unthrottled: saturated from the first producer on
    return 1.0 + capacity(cal, collect, rate) / rate


def saturated(row, rate):
    """('yes'|'no'|'', p99 delay in intervals) of a run's figures."""
    if row.get("status") not in MEASURED:
        return "", math.nan
    if not rate:
        return "", math.nan
    ratio = num(row.get("collected_ratio"))
    delay = num(row.get("delay_p99_ns"))
    intervals = delay / (1e9 / rate) if not math.isnan(delay) else math.nan
    bad = (not math.isnan(ratio) and ratio < KEEP_RATIO) or \
        (not math.isnan(intervals) and intervals > BOUND_INTERVALS)
    return ("yes" if bad else "no"), intervals


def one_line(row):
    return (f"{row['collect']} {num(row['rate_hz']):g} Hz, "
            f"{int(row['n']) + 1} ranks: {row['status']}, "
            f"{num(row.get('records_per_s')):.0f} rec/s, ratio "
            f"{num(row.get('collected_ratio')):.3f}, p99 "
            f"{num(row.get('delay_p99_intervals')):.2f} intervals, "
            f"sim {num(row.get('simulated_s')):.2f} s in "
            f"{num(row.get('seconds')):.0f} s")


def _f(x, fmt="{:.3g}"):
    x = num(x)
    return "" if math.isnan(x) else fmt.format(x)


def first_saturated(rows, collect, rate):
    """(last kept-up ranks, first saturated ranks) of a (collect, rate)."""
    kept, sat = None, None
    for r in sorted((r for r in rows if r["collect"] == collect
                     and num(r["rate_hz"]) == rate),
                    key=lambda r: int(r["n"])):
        n = int(r["n"]) + 1
        if r["saturated"] == "yes" and sat is None:
            sat = n
        elif r["saturated"] == "no" and sat is None:
            kept = n
    return kept, sat


def write_summary(s, cal, rows, skipped, wall):
    out = [f"# scripts/simulate: {len(rows)} simulated runs in "
           f"{wall / 60:.1f} min", "",
           f"Platform: hosts of {s['per_host']} cores, calibration "
           f"{cal.get('source')}: shared memory {cal['shm_lat_s'] * 1e6:.2f} "
           f"us / {cal['shm_bw_Bps'] / 1e9:.2f} GB/s, TCP "
           f"{cal['tcp_lat_s'] * 1e6:.1f} us / {cal['tcp_bw_Bps'] / 1e9:.2f} "
           f"GB/s; rank 0 {cal['model_msg_s'] * 1e6:.3f} us per message + "
           f"{cal['model_rec_s'] * 1e6:.3f} us per record (cost model), "
           f"MPI overhead injected {cal['recv_msg_s'] * 1e6:.3f} us per "
           "message.", "",
           "| collect | Hz/rank | ranks | hosts | offered/s | collected/s | "
           "collected/offered | p99 delay (intervals) | saturated | status "
           "| sim s | wall s |", "|" + "---|" * 12]
    for r in rows:
        out.append(
            f"| {r['collect']} | {_f(r['rate_hz'], '{:g}')} | "
            f"{int(r['n']) + 1} | {r['hosts']} | "
            f"{_f(r.get('offered_per_s'), '{:.0f}')} | "
            f"{_f(r.get('records_per_s'), '{:.0f}')} | "
            f"{_f(r.get('collected_ratio'))} | "
            f"{_f(r.get('delay_p99_intervals'))} | {r['saturated']} | "
            f"{r['status']} | {_f(r.get('simulated_s'))} | "
            f"{_f(r.get('seconds'), '{:.0f}')} |")
    out += ["", "## Where rank 0 saturates", "",
            "| collect | Hz/rank | kept up at (ranks) | saturated at (ranks) "
            "| cost model N* |", "|---|---|---|---|---|"]
    for collect in s["collect"]:
        for rate in s["rate"]:
            kept, sat = first_saturated(rows, collect, rate)
            model = predicted_ranks(cal, collect, rate)
            out.append(f"| {collect} | {rate:g} | {kept or '-'} | "
                       f"{sat or 'not within ' + str(max(s['ranks']))} | "
                       f"{model:.0f} |")
    if skipped:
        out += ["", "Skipped points (collect, Hz, ranks, why): " + "; ".join(
            f"{c} {r:g} {n} ({why})" for c, r, n, why in skipped) + "."]
    with open(os.path.join(s["out"], "summary.md"), "w") as f:
        f.write("\n".join(out) + "\n")


def _series(rows, collect, rate):
    return [(int(r["n"]) + 1, num(r["records_per_s"]))
            for r in sorted(rows, key=lambda r: int(r["n"]))
            if r["collect"] == collect and num(r["rate_hz"]) == rate
            and r["status"] in MEASURED
            and not math.isnan(num(r["records_per_s"]))]


COLORS = {"blocking": "#ff9896", "async": "#d62728", "batched": "#8c564b",
          "tree": "#1f77b4"}


def plot_script(s, cal, rows, rate, png):
    """gnuplot: records/s collected against ranks at one rate, one line
    per collect mode, the offered load and the model's capacity."""
    blocks, plots = [], []
    xs = sorted({int(r["n"]) + 1 for r in rows})
    if not xs:
        return None
    for i, c in enumerate(s["collect"]):
        pts = _series(rows, c, rate)
        if not pts:
            continue
        blocks.append(f"$d{i} << EOD\n" + "\n".join(
            f"{x} {y:.9g}" for x, y in pts) + "\nEOD\n")
        plots.append(f"$d{i} using 1:2 with linespoints lw 2 pt 7 lc rgb "
                     f"'{COLORS.get(c, '#7f7f7f')}' title 'simulated {c}'")
        cap = capacity(cal, c, rate)
        blocks.append(f"$m{i} << EOD\n" + "\n".join(
            f"{x} {min((x - 1) * rate, cap):.9g}" for x in xs) + "\nEOD\n")
        plots.append(f"$m{i} using 1:2 with lines dt 2 lw 1 lc rgb "
                     f"'{COLORS.get(c, '#7f7f7f')}' title 'cost model {c}'")
    if not plots:
        return None
    blocks.append("$off << EOD\n" + "\n".join(
        f"{x} {(x - 1) * rate:.9g}" for x in xs) + "\nEOD\n")
    plots.append("$off using 1:2 with lines lw 1 lc rgb 'black' "
                 "title 'offered'")
    head = [f"set terminal pngcairo size 1000,620 noenhanced",
            f"set output '{png}'",
            f"set title \"records/s collected at rank 0, {rate:g} Hz per "
            f"rank, simulated hosts of {s['per_host']} cores\"",
            "set xlabel \"ranks N\"", "set ylabel \"records per second\"",
            "set logscale x 2", "set logscale y", "set grid",
            "set key left top"]
    return "".join(blocks) + "\n".join(head) + "\nplot " + \
        ", \\\n     ".join(plots) + "\n"


def plot(s, cal, rows):
    gp = shutil.which("gnuplot")
    if gp is None:
        print("simulate: no plots: apt-get install gnuplot-nox")
        return
    os.makedirs(os.path.join(s["out"], "gnuplot"), exist_ok=True)
    for rate in s["rate"]:
        if not rate:
            continue
        png = os.path.join(s["out"], f"scale_{rate:g}hz.png")
        text = plot_script(s, cal, rows, rate, png)
        if text is None:
            continue
        path = os.path.join(s["out"], "gnuplot", f"scale_{rate:g}hz.gp")
        with open(path, "w") as f:
            f.write(text)
        subprocess.run([gp, path], check=False)
