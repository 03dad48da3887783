"""compare_diff.py - two results folders side by side (scripts/compare
--diff A B): per point and figure, the ratio of B's median to A's and
whether their 95% confidence intervals overlap (when they do, the two
runs do not tell the figures apart).  Printed, and written as markdown.
"""
import csv
import math
import os

from compare_plan import PlanError
from compare_report import SUMMARY_COLUMNS, point_key, read_summary, short

DIFF_COLUMNS = ("part", "variant", "n", "rate_hz", "offered_cores",
                "metric", "unit", "a_median", "b_median", "ratio",
                "overlap")


def results_folder(opt, path, names=("runs.csv", "summary.csv")):
    """path when it is a results folder of scripts/compare (with the files
    names); PlanError (one line, exit 2) otherwise."""
    if not os.path.isdir(path):
        raise PlanError(f"{opt} '{path}': not a folder")
    summary = os.path.join(path, "summary.csv")
    for name in names:
        if not os.path.isfile(os.path.join(path, name)):
            raise PlanError(f"{opt} '{path}': not a results folder of "
                            f"scripts/compare (no {name})")
    if "summary.csv" not in names:
        return path
    with open(summary, newline="") as f:
        head = next(csv.reader(f), [])
    if tuple(head) != SUMMARY_COLUMNS:
        raise PlanError(f"{opt} '{path}': summary.csv has other columns "
                        "than scripts/compare writes")
    return path


def overlap(a, b):
    """'yes' when the two 95% intervals overlap, 'no' when not, '-' when
    one of them is unknown."""
    lo = (a["ci95_lo"], b["ci95_lo"])
    hi = (a["ci95_hi"], b["ci95_hi"])
    if any(math.isnan(x) for x in lo + hi):
        return "-"
    return "yes" if lo[0] <= hi[1] and lo[1] <= hi[0] else "no"


def diff_rows(a_rows, b_rows):
    """One dict per figure of either folder, in A's order, then B's own."""
    def keyed(rows):
        return {point_key(r) + (r["metric"],): r for r in rows}
    ka, kb = keyed(a_rows), keyed(b_rows)
    out = []
    for k in list(ka) + [k for k in kb if k not in ka]:
        a, b = ka.get(k), kb.get(k)
        ref = a or b
        row = {c: ref[c] for c in DIFF_COLUMNS[:7]}
        row["a_median"] = a["median"] if a else math.nan
        row["b_median"] = b["median"] if b else math.nan
        if a and b:
            den = row["a_median"]
            row["ratio"] = row["b_median"] / den if den else math.nan
            row["overlap"] = overlap(a, b)
        else:
            row["ratio"] = math.nan
            row["overlap"] = "only in " + ("A" if a else "B")
        out.append(row)
    return out


def _cells(r):
    load = f"{float(r['offered_cores']):g}" if r["part"] == "crossover" \
        else ""
    ratio = "-" if math.isnan(r["ratio"]) else f"{r['ratio']:.3f}"
    return [r["part"], r["variant"], r["n"], f"{float(r['rate_hz']):g}",
            load, r["metric"] + (f" ({r['unit']})" if r["unit"] else ""),
            short(r["a_median"]), short(r["b_median"]), ratio,
            r["overlap"]]


HEAD = ["part", "model", "n", "rate", "load", "figure", "A median",
        "B median", "B/A", "95% CIs overlap"]


def as_text(rows):
    table = [HEAD] + [_cells(r) for r in rows]
    widths = [max(len(str(t[i])) for t in table) for i in range(len(HEAD))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(t, widths))
                     .rstrip() for t in table) + "\n"


def as_markdown(a, b, rows):
    same = sum(r["overlap"] == "yes" for r in rows)
    differ = sum(r["overlap"] == "no" for r in rows)
    lines = [f"# {os.path.basename(os.path.abspath(b))} against "
             f"{os.path.basename(os.path.abspath(a))}", "",
             f"A = `{a}`, B = `{b}`. B/A is the ratio of the medians; the "
             "last column says whether the 95% confidence intervals "
             f"overlap. {differ} figure(s) differ, {same} overlap.", "",
             "| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    lines += ["| " + " | ".join(map(str, _cells(r))) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def diff_main(a, b, out=None):
    """Print the comparison and write it as markdown (out, default
    B/diff-vs-<A's name>.md)."""
    rows = diff_rows(read_summary(a), read_summary(b))
    print(as_text(rows), end="")
    out = out or os.path.join(
        b, f"diff-vs-{os.path.basename(os.path.abspath(a))}.md")
    with open(out, "w") as f:
        f.write(as_markdown(a, b, rows))
    print(f"compare: wrote {out}")
    return 0

