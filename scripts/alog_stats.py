#!/usr/bin/env python3
"""alog_stats.py - the statistics of alog's scripts, in one place.

Importable (scripts/compare, the tests) and a command line for the bash
scripts (scripts/lib.sh wraps it).  Python 3 standard library only.

Every figure is over a list of numbers, one per round.  A NaN among them
(a round that produced no figure) makes the figure NaN, and a NaN never
passes a target: a broken round shows, it is never sorted away.

  alog_stats.py [--fmt F] median|mean|sd|min|max|ci95|summary VALUE...
  alog_stats.py [--fmt F] ratio NUM DEN
  alog_stats.py [--fmt F] ratios|median-ratio NUM... -- DEN...
  alog_stats.py verdict LABEL VALUE OP TARGET [HIGH]     (OP: >=, <=, in)
  alog_stats.py info LABEL VALUE [NOTE]

A VALUE of '-' reads whitespace-separated values from stdin.  --fmt is a
printf format for the numbers printed (default %.10g; ratio and ratios,
the per-round ratios for display: %.3f).
ci95 prints 'lo hi'; summary prints 'key=value' pairs on one line.
verdict prints one line and exits 0 on PASS, 1 on FAIL; bad usage prints
one line naming the bad value and exits 2.
"""
import math
import statistics
import sys

# Two-sided 95% quantiles of Student's t (the 0.975 quantile), df 1..30.
T95 = (12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060,
       2.2622, 2.2281, 2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199,
       2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687, 2.0639,
       2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423)
Z95 = 1.959964  # beyond df 30 the normal quantile is within 4% of t's

NAN = float("nan")
OPS = (">=", "<=", "in")
# The columns summary() fills, in the order a summary.csv row wants them.
SUMMARY_FIELDS = ("n", "median", "mean", "sd", "min", "max",
                  "ci95_lo", "ci95_hi")


def _numbers(values):
    """values as a list of floats; ValueError when there are none."""
    out = [float(v) for v in values]
    if not out:
        raise ValueError("no values")
    return out


def _has_nan(xs):
    return any(math.isnan(x) for x in xs)


def median(values):
    """Middle value (mean of the two middle ones for an even count)."""
    xs = _numbers(values)
    return NAN if _has_nan(xs) else float(statistics.median(xs))


def mean(values):
    xs = _numbers(values)
    return NAN if _has_nan(xs) else float(statistics.fmean(xs))


def stdev(values):
    """Sample standard deviation (n - 1); NaN for a single value."""
    xs = _numbers(values)
    if len(xs) < 2 or _has_nan(xs):
        return NAN
    return float(statistics.stdev(xs))


def minimum(values):
    xs = _numbers(values)
    return NAN if _has_nan(xs) else min(xs)


def maximum(values):
    xs = _numbers(values)
    return NAN if _has_nan(xs) else max(xs)


def t95(df):
    """The 0.975 quantile of Student's t with df degrees of freedom."""
    if df < 1:
        raise ValueError(f"df {df}: must be at least 1")
    return T95[df - 1] if df <= len(T95) else Z95


def ci95(values):
    """95% confidence interval of the mean, (lo, hi), from t with n - 1
    degrees of freedom; (NaN, NaN) for a single value."""
    xs = _numbers(values)
    sd = stdev(xs)
    if math.isnan(sd):
        return (NAN, NAN)
    m = mean(xs)
    half = t95(len(xs) - 1) * sd / math.sqrt(len(xs))
    return (m - half, m + half)


def ratio(num, den):
    """num / den, NaN unless den > 0 (rates and times are positive)."""
    num, den = float(num), float(den)
    return num / den if den > 0 else NAN


def ratios(nums, dens):
    """Per-round ratios: nums[i] / dens[i], candidate over the reference
    measured in the same round."""
    nums, dens = _numbers(nums), _numbers(dens)
    if len(nums) != len(dens):
        raise ValueError(f"{len(nums)} numerators but {len(dens)} denominators")
    return [ratio(n, d) for n, d in zip(nums, dens)]


def median_ratio(nums, dens):
    """Median of the per-round ratios (not the ratio of the medians: a
    round's candidate is only compared with its own round's reference)."""
    return median(ratios(nums, dens))


def summary(values):
    """Every figure of SUMMARY_FIELDS as a dict, for one summary row."""
    xs = _numbers(values)
    lo, hi = ci95(xs)
    return {"n": len(xs), "median": median(xs), "mean": mean(xs),
            "sd": stdev(xs), "min": minimum(xs), "max": maximum(xs),
            "ci95_lo": lo, "ci95_hi": hi}


def passes(value, op, target, high=None):
    """value >= target, value <= target, or target <= value <= high ('in').
    NaN never passes."""
    value, target = float(value), float(target)
    if op not in OPS:
        raise ValueError(f"operator '{op}': use >=, <= or in")
    if op == "in" and high is None:
        raise ValueError("operator 'in' needs a high bound")
    if math.isnan(value):
        return False
    if op == ">=":
        return value >= target
    if op == "<=":
        return value <= target
    return target <= value <= float(high)


def _label_value(label, value):
    return f"  {label:<56} {float(value):>10.4g}"


def verdict_line(label, value, op, target, high=None):
    """The one verdict line format of every script:
    '  <label> <value> <op> <target> PASS|FAIL'."""
    ok = passes(value, op, target, high)
    want = f"in {float(target):g}..{float(high):g}" if op == "in" \
        else f"{op} {float(target):g}"
    return f"{_label_value(label, value)}  {want:<12} {'PASS' if ok else 'FAIL'}"


def verdict(label, value, op, target, high=None):
    """(passed, line) for one target."""
    return passes(value, op, target, high), \
        verdict_line(label, value, op, target, high)


def info_line(label, value, note=""):
    """A figure shown in the verdict columns with no target."""
    return f"{_label_value(label, value)}  {note}".rstrip()


# ---- command line -----------------------------------------------------------

class UsageError(Exception):
    pass


def _cli_values(words):
    """Numbers from the arguments, '-' meaning whitespace-separated stdin."""
    out = []
    for w in words:
        for v in (sys.stdin.read().split() if w == "-" else [w]):
            try:
                out.append(float(v))
            except ValueError:
                raise UsageError(f"'{v}' is not a number") from None
    if not out:
        raise UsageError("no values")
    return out


def _cli_number(word):
    try:
        return float(word)
    except ValueError:
        raise UsageError(f"'{word}' is not a number") from None


def _cli_rounds(cmd, args):
    """NUM... -- DEN...: candidate and reference figures, one per round."""
    if "--" not in args:
        raise UsageError(f"{cmd} NUM... -- DEN...")
    cut = args.index("--")
    nums, dens = _cli_values(args[:cut]), _cli_values(args[cut + 1:])
    if len(nums) != len(dens):
        raise UsageError(f"{len(nums)} numerators but {len(dens)} denominators")
    return nums, dens


def _cli_verdict(args):
    if len(args) not in (4, 5):
        raise UsageError("verdict LABEL VALUE OP TARGET [HIGH]")
    label, value, op, target = args[0], *args[1:4]
    if op not in OPS:
        raise UsageError(f"operator '{op}': use >=, <= or in")
    if (op == "in") != (len(args) == 5):
        raise UsageError("HIGH is given with 'in' and only with 'in'")
    nums = [_cli_number(a) for a in args[1:2] + args[3:]]
    ok, line = verdict(label, nums[0], op, *nums[1:])
    print(line)
    return 0 if ok else 1


FIGURES = {"median": median, "mean": mean, "sd": stdev,
           "min": minimum, "max": maximum}


def _run(cmd, args, fmt):
    """One command; returns the exit status."""
    if cmd == "verdict":
        return _cli_verdict(args)
    if cmd == "info":
        if len(args) not in (2, 3):
            raise UsageError("info LABEL VALUE [NOTE]")
        print(info_line(args[0], _cli_number(args[1]), *args[2:]))
    elif cmd in FIGURES:
        print(fmt % FIGURES[cmd](_cli_values(args)))
    elif cmd == "ci95":
        print(" ".join(fmt % v for v in ci95(_cli_values(args))))
    elif cmd == "summary":
        s = summary(_cli_values(args))
        print(" ".join(f"{k}={s[k] if k == 'n' else fmt % s[k]}"
                       for k in SUMMARY_FIELDS))
    elif cmd == "ratio":
        if len(args) != 2:
            raise UsageError("ratio NUM DEN")
        print(fmt % ratio(_cli_number(args[0]), _cli_number(args[1])))
    elif cmd in ("ratios", "median-ratio"):
        nums, dens = _cli_rounds(cmd, args)
        if cmd == "ratios":
            print(" ".join(fmt % r for r in ratios(nums, dens)))
        else:
            print(fmt % median_ratio(nums, dens))
    else:
        raise UsageError(f"unknown command '{cmd}' (see --help)")
    return 0


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    fmt = None
    if args[:1] == ["--fmt"] and len(args) >= 2:
        fmt, args = args[1], args[2:]
    if not args:
        print("alog_stats.py: a command is needed (see --help)", file=sys.stderr)
        return 2
    if args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    cmd, rest = args[0], args[1:]
    if fmt is None:
        fmt = "%.3f" if cmd in ("ratio", "ratios") else "%.10g"
    try:
        fmt % 1.0
    except (TypeError, ValueError):
        print(f"alog_stats.py: --fmt '{fmt}': not a format for one number",
              file=sys.stderr)
        return 2
    try:
        return _run(cmd, rest, fmt)
    except UsageError as e:
        print(f"alog_stats.py {cmd}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
