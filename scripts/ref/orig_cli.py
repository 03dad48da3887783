"""orig_cli.py - what the original's Python reference programs
(orig_logger.py, orig_primes.py) share on their command lines: bad input
is one line naming the value, exit 2.  Standard library only."""
import argparse
import math
import os
import sys

PROG = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "orig"


class Parser(argparse.ArgumentParser):
    """argparse whose errors are one line, exit 2."""

    def error(self, message):
        sys.stderr.write(f"{self.prog}: {message} (see --help)\n")
        sys.exit(2)


def bad(opt, text, why):
    """The one line for a bad value of opt, then exit 2."""
    sys.stderr.write(f"{PROG}: {opt} '{text}': {why} (see --help)\n")
    sys.exit(2)


def whole(opt, text, lo, hi):
    """text as a whole number in lo..hi (digits only), or bad()."""
    if not text.isascii() or not text.isdigit():
        bad(opt, text, "must be an unsigned integer")
    v = int(text)
    if v < lo:
        bad(opt, text, f"must be at least {lo}")
    if v > hi:
        bad(opt, text, f"must be at most {hi}")
    return v


def decimal(opt, text, item=None):
    """text (or one item of it) as a finite decimal number, or bad()."""
    shown = text if item is None else item
    try:
        v = float(shown)
    except ValueError:
        v = float("nan")
    if not math.isfinite(v) or shown.strip() != shown or shown[:1] == "+":
        why = "must be a decimal number" if item is None \
            else f"'{item}' must be a decimal number"
        bad(opt, text, why)
    return v
