#!/usr/bin/env python3
"""alog_stats.py - the command line of alog's statistics for the bash
scripts (scripts/lib.sh wraps it); the statistics themselves are
scripts/alogexp/stats.py, the same that scripts/compare uses.  Python 3
standard library only.

Every figure is over a list of numbers, one per round.  A NaN among them
(a round that produced no figure) makes the figure NaN, and a NaN never
passes a target: a broken round shows, it is never sorted away.

  alog_stats.py [--fmt F] median|mean|sd|min|max|ci95|median-ci|summary \
                VALUE...
  alog_stats.py [--fmt F] ratio NUM DEN
  alog_stats.py [--fmt F] ratios|median-ratio NUM... -- DEN...
  alog_stats.py verdict LABEL VALUE OP TARGET [HIGH]     (OP: >=, <=, in)
  alog_stats.py info LABEL VALUE [NOTE]

A VALUE of '-' reads whitespace-separated values from stdin.  --fmt is a
printf format for the numbers printed (default %.10g; ratio and ratios,
the per-round ratios for display: %.3f).
median-ci prints 'lo hi confidence': the median's 95% interval from
order statistics (what scripts/compare reports; [min, max] and a lower
confidence below 6 values); ci95 prints 'lo hi', the mean's t interval;
summary prints 'key=value' pairs on one line (the median, its interval,
min, max, mean, sd).
verdict prints one line and exits 0 on PASS, 1 on FAIL; bad usage prints
one line naming the bad value and exits 2.
"""
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

# The statistics live in the experiment engine (scripts/alogexp/stats.py);
# this file is their command line.  Python puts this file's folder on
# sys.path, so the package imports as it is.
from alogexp.stats import *  # noqa: E402,F401,F403

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
        raise UsageError(f"{len(nums)} numerators but {len(dens)} "
                         "denominators")
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
    elif cmd == "median-ci":
        print(" ".join(fmt % v for v in median_ci(_cli_values(args))))
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
        print("alog_stats.py: a command is needed (see --help)",
              file=sys.stderr)
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
