"""alogexp.diff - two results folders side by side (scripts/compare --diff
A B), from their runs: per point and figure the medians, the ratio B/A
with its 95% bootstrap interval (seeded: the same folders give the same
answer) and the Mann-Whitney U test's p.  A figure differs when the
ratio's interval excludes 1; those come first, the largest change first.
The crossovers are compared by their brackets.  Before the table, a
warning for each parameter the two runs do not share (the numbers
factored, the machine, the models, the build, the preset's settings):
figures of different experiments differ for reasons of their own.
"""
import csv
import math
import os

from . import stats as st
from .adapt import values
from .env import read_pairs
from .plan import PlanError
from .summary import (METRICS, crossover_results, group_points, read_meta,
                      short)

NEEDED = ("repetition", "part", "variant", "n", "rate_hz", "offered_cores",
          "status")
# meta.txt and env.txt keys whose difference is warned about.
META_KEYS = (("number", "the number factored (primes)"),
             ("py_number", "the number the Python rows factor"),
             ("host", "the machine"), ("cores", "the cores"),
             ("preset", "the preset"), ("step_ns", None))
ENV_KEYS = (("cpu", "the CPU"), ("git", "the build's commit"),
            ("compiler", "the compiler"), ("build", "the build"),
            ("kernel", "the kernel"), ("openmpi", "Open MPI"))


def results_folder(opt, path, names=("runs.csv",)):
    """path when it is a results folder of scripts/compare (with the files
    names); PlanError (one line, exit 2) otherwise."""
    if not os.path.isdir(path):
        raise PlanError(f"{opt} '{path}': not a folder")
    for name in names:
        if not os.path.isfile(os.path.join(path, name)):
            raise PlanError(f"{opt} '{path}': not a results folder of "
                            f"scripts/compare (no {name})")
    with open(os.path.join(path, "runs.csv"), newline="") as f:
        head = next(csv.reader(f), [])
    missing = [c for c in NEEDED if c not in head]
    if missing:
        raise PlanError(f"{opt} '{path}': runs.csv has other columns than "
                        f"scripts/compare writes (no {missing[0]})")
    return path


def read_runs(folder):
    with open(os.path.join(folder, "runs.csv"), newline="") as f:
        return list(csv.DictReader(f))


def parameter_warnings(a, b, runs_a, runs_b):
    """One line per parameter the folders differ in."""
    ma, mb = read_meta(a), read_meta(b)
    ea = read_pairs(os.path.join(a, "env.txt"))
    eb = read_pairs(os.path.join(b, "env.txt"))
    out = []
    for k, what in META_KEYS:
        x, y = ma.get(k), mb.get(k)
        if what and x != y and (x or y):
            out.append(f"{what} differs: A {x or '?'}, B {y or '?'}")
    for k, what in ENV_KEYS:
        x, y = ea.get(k), eb.get(k)
        if x != y and (x or y):
            out.append(f"{what} differs: A '{x or '?'}', B '{y or '?'}'")
    sa, sb = ma.get("settings", {}), mb.get("settings", {})
    for k in sorted(set(sa) | set(sb)):
        if sa.get(k) != sb.get(k) and k != "capped":
            out.append(f"setting {k} differs: A {sa.get(k, '?')}, "
                       f"B {sb.get(k, '?')}")
    va = {r["variant"] for r in runs_a}
    vb = {r["variant"] for r in runs_b}
    if va != vb:
        only_a, only_b = sorted(va - vb), sorted(vb - va)
        out.append("the models differ: " + "; ".join(
            x for x in (f"only in A: {', '.join(only_a)}" if only_a else "",
                        f"only in B: {', '.join(only_b)}" if only_b else "")
            if x))
    return out


def compare_values(xa, xb, seed=1):
    """{a_median, b_median, ratio, ratio_lo, ratio_hi, p, differs}."""
    out = {"a_median": st.median(xa) if xa else math.nan,
           "b_median": st.median(xb) if xb else math.nan,
           "ratio": math.nan, "ratio_lo": math.nan, "ratio_hi": math.nan,
           "p": math.nan, "differs": "-"}
    if len(xa) < 2 or len(xb) < 2:
        return out
    r, lo, hi = st.bootstrap_ratio(xa, xb, seed=seed)
    _, p = st.mann_whitney(xa, xb)
    out.update(ratio=r, ratio_lo=lo, ratio_hi=hi, p=p)
    if not math.isnan(lo):
        out["differs"] = "yes" if lo > 1 or hi < 1 else "no"
    elif out["a_median"] == out["b_median"]:
        out["differs"] = "no"
    return out


def diff_rows(runs_a, runs_b, seed=1):
    """One dict per point and figure of either folder: those that differ
    first (largest change first), then the rest in A's order."""
    ga, gb = group_points(runs_a), group_points(runs_b)
    out = []
    for key in list(ga) + [k for k in gb if k not in ga]:
        ra, rb = ga.get(key, []), gb.get(key, [])
        part = key[0]
        for metric, column, scale, unit, _ in METRICS.get(part, ()):
            xa, xb = values(ra, column, scale), values(rb, column, scale)
            if not xa and not xb:
                continue
            row = {"part": part, "variant": key[1], "n": key[2],
                   "rate_hz": key[3], "offered_cores": key[4],
                   "payload": key[5], "metric": metric, "unit": unit,
                   "a_runs": len(xa), "b_runs": len(xb)}
            row.update(compare_values(xa, xb, seed))
            if not ra or not rb:
                row["differs"] = "only in " + ("A" if ra else "B")
            out.append(row)
    first = [r for r in out if r["differs"] == "yes"]
    first.sort(key=lambda r: -abs(math.log(r["ratio"]))
               if r["ratio"] > 0 else 0)
    return first + [r for r in out if r["differs"] != "yes"]


def crossover_rows(a, b, runs_a, runs_b):
    """Per model in both crossovers: the two brackets and whether they
    overlap."""
    ca = {c["variant"]: c for c in crossover_results(runs_a, read_meta(a))}
    cb = {c["variant"]: c for c in crossover_results(runs_b, read_meta(b))}
    out = []
    for v in [x for x in ca if x in cb]:
        x, y = ca[v], cb[v]
        lo_a, hi_a = _span(x)
        lo_b, hi_b = _span(y)
        overlap = lo_a <= hi_b and lo_b <= hi_a
        out.append({"variant": v, "a": _bracket(x), "b": _bracket(y),
                    "differs": "no" if overlap else "yes"})
    return out


def _span(c):
    lo = c["kept_load"] if c["kept_load"] == c["kept_load"] else 0.0
    hi = c["lost_load"] if c["lost_load"] == c["lost_load"] else math.inf
    return lo, hi


def _bracket(c):
    lo, hi = _span(c)
    return f"{lo:g}..{hi:g}"


HEAD = ["part", "model", "n", "rate", "load", "payload", "figure",
        "A median", "B median", "B/A [95% bootstrap]", "U test p",
        "differs"]


def _cells(r):
    load = r["offered_cores"] if r["part"] == "crossover" else ""
    if math.isnan(r["ratio"]):
        ratio = "-"
    else:
        ratio = f"{r['ratio']:.3f} [{r['ratio_lo']:.3f}, {r['ratio_hi']:.3f}]"
    p = "-" if math.isnan(r["p"]) else f"{r['p']:.3g}"
    return [r["part"], r["variant"], r["n"], r["rate_hz"], load,
            r["payload"] if r["payload"] != "0" else "",
            r["metric"] + (f" ({r['unit']})" if r["unit"] else ""),
            f"{short(r['a_median'])} ({r['a_runs']})",
            f"{short(r['b_median'])} ({r['b_runs']})", ratio, p,
            r["differs"]]


def as_text(rows):
    table = [HEAD] + [_cells(r) for r in rows]
    widths = [max(len(str(t[i])) for t in table) for i in range(len(HEAD))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(t, widths))
                     .rstrip() for t in table) + "\n"


def as_markdown(a, b, rows, cross, warnings):
    differ = sum(r["differs"] == "yes" for r in rows)
    same = sum(r["differs"] == "no" for r in rows)
    lines = [f"# {os.path.basename(os.path.abspath(b))} against "
             f"{os.path.basename(os.path.abspath(a))}", "",
             f"A = `{a}`, B = `{b}`. Per point and figure: the medians (runs "
             "in brackets), B/A with its 95% percentile bootstrap interval "
             "(2000 resamples, seed 1) and the Mann-Whitney U test's "
             "two-sided p. A figure differs when the interval of B/A "
             f"excludes 1: {differ} differ, {same} do not; those that differ "
             "come first. With 3 runs against 3 the rank test's smallest "
             "p is 0.1.", ""]
    if warnings:
        lines += ["**Warning: the two runs are not the same experiment**",
                  ""] + [f"- {w}" for w in warnings] + [""]
    lines += ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    lines += ["| " + " | ".join(map(str, _cells(r))) + " |" for r in rows]
    if cross:
        lines += ["", "**Crossover brackets (cores)**", "",
                  "| model | A | B | differ |", "|---|---|---|---|"]
        lines += [f"| {c['variant']} | {c['a']} | {c['b']} | {c['differs']} |"
                  for c in cross]
    return "\n".join(lines) + "\n"


def diff_main(a, b, out=None, prog="compare"):
    """Print the comparison and write it as markdown (out, default
    B/diff-vs-<A's name>.md)."""
    runs_a, runs_b = read_runs(a), read_runs(b)
    warnings = parameter_warnings(a, b, runs_a, runs_b)
    rows = diff_rows(runs_a, runs_b)
    cross = crossover_rows(a, b, runs_a, runs_b)
    for w in warnings:
        print(f"{prog}: warning: {w}")
    print(as_text(rows), end="")
    for c in cross:
        print(f"crossover {c['variant']}: A {c['a']}, B {c['b']}, "
              f"differ: {c['differs']}")
    differ = sum(r["differs"] == "yes" for r in rows)
    print(f"{prog}: {differ} of {len(rows)} figures differ "
          "(B/A's 95% bootstrap interval excludes 1)")
    out = out or os.path.join(
        b, f"diff-vs-{os.path.basename(os.path.abspath(a))}.md")
    with open(out, "w") as f:
        f.write(as_markdown(a, b, rows, cross, warnings))
    print(f"{prog}: wrote {out}")
    return 0
