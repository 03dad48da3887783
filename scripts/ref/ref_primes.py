#!/usr/bin/env python3
"""ref_primes.py - the reference of scripts/bench-primes: trial division in
plain Python, the original experiment's algorithm (odd divisors from 3 to
the square root, `for divisor in range(start, stop, 2): if n % divisor ==
0`), on one thread, timed with time.perf_counter.

--fraction F times only the first F of the odd divisors (when the whole
takes too long) and says so; seconds_full is then the time scaled to the
whole range (the cost per divisor does not change along the range).

Prints CSV like alog's reports: '# key=value' lines, then one row:
  kind,number,fraction,divisors,tried,seconds,seconds_full,answer,divisor
"""
import argparse
import math
import sys
import time


def has_divisor(n, start, stop):
    """The original's loop: the first odd divisor in [start, stop), or 0."""
    for divisor in range(start, stop, 2):
        if n % divisor == 0:
            return divisor
    return 0


def parse_u64(text):
    try:
        v = int(text, 10)
    except ValueError:
        v = -1
    if not 0 <= v < 2**64 or not text.isdigit():
        raise argparse.ArgumentTypeError(
            "'%s': must be an unsigned 64-bit integer" % text)
    return v


def parse_fraction(text):
    try:
        v = float(text)
    except ValueError:
        v = -1.0
    if not 0.0 < v <= 1.0:
        raise argparse.ArgumentTypeError("'%s': must be in (0, 1]" % text)
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--number", type=parse_u64, default=10657331232548839)
    ap.add_argument("--fraction", type=parse_fraction, default=1.0,
                    help="time this fraction of the odd divisors (0 < F <= 1)")
    a = ap.parse_args()

    n = a.number
    root = math.isqrt(n)
    # odd divisors 3, 5, ..., root
    total = (root - 1) // 2 if root >= 3 else 0
    tried = total if a.fraction >= 1.0 else max(1, int(total * a.fraction))
    stop = 3 + 2 * tried

    t0 = time.perf_counter()
    if n < 2:
        d = 0
    elif n % 2 == 0:
        d = 2 if n > 2 else 0
    else:
        d = has_divisor(n, 3, min(stop, root + 1))
    seconds = time.perf_counter() - t0

    if n < 2:
        answer = "neither"
    elif d:
        answer = "composite"
    elif tried < total:
        answer = "unknown"  # only part of the range was tried
    else:
        answer = "prime"
    full = seconds * total / tried if tried and d == 0 else seconds

    print("# reference=python")
    print("# python=%s" % sys.version.split()[0])
    print("# algorithm=odd divisors, range(3, isqrt+1, 2), n % d")
    print("# clock=time.perf_counter")
    if tried < total:
        print("# note=timed %d of %d odd divisors (%.3g of the range), "
              "seconds_full scaled x%.4g" % (tried, total, tried / total,
                                             total / tried))
    print("kind,number,fraction,divisors,tried,seconds,seconds_full,answer,"
          "divisor")
    print("python,%d,%.6g,%d,%d,%.9g,%.9g,%s,%d"
          % (n, tried / total if total else 1.0, total, tried, seconds, full,
             answer, d))
    return 0


if __name__ == "__main__":
    sys.exit(main())
