#!/usr/bin/env python3
"""orig_primes.py - the original experiment's asyncio primes, as a
reference: trial division of --number by its odd divisors up to the
square root, the range split into P contiguous parts run as P coroutines
gathered on ONE asyncio loop (asyncio.gather).  Each part yields (await
asyncio.sleep(0)) after every --yield-every divisors, so the parts
interleave on the one thread; a part that finds a divisor makes the
others stop at their next chunk.  --mode serial runs the same parts one
after the other, without a loop.

The parts are alog's (alog_split of 2..isqrt(n): the same lo and hi as
`alog-async primes -P P`), the candidates its div kernel's: 2, then the
odd divisors; steps counts them.  The report is alog's primes CSV:
'# key=value' header lines (job=primes, model=python, number, parts,
schedule=static, kernel=div), a `kind,part,lo,hi,chunks,steps,divisor,
count,busy_s,stopped,where` row per part (chunks: the chunks it ran,
busy_s: its time in them) and the `kind,job,number,...` result row
(model_s: the whole gather, CLOCK_MONOTONIC).  The answer (prime,
composite with a divisor, neither) is alog's.

Exit status: 0; 2 bad input (one line); 130 interrupted (SIGINT; answer
unknown).  Standard library only.
"""
import argparse
import asyncio
import itertools
import math
import os
import signal
import sys
import time

from orig_cli import Parser, bad, whole

PROG = "orig_primes.py"
MAX_PARTS = 65536
DEFAULT_NUMBER = 10657331232548839


def parse(argv):
    ap = Parser(prog=PROG, allow_abbrev=False,
                formatter_class=argparse.RawDescriptionHelpFormatter,
                description=__doc__.split("\n\n")[0],
                epilog="Exit status: 0 ok, 2 usage, 130 interrupted.")
    ap.add_argument("--number", default=str(DEFAULT_NUMBER), metavar="N",
                    help=f"number to test (default: {DEFAULT_NUMBER})")
    ap.add_argument("-P", "--parts", default="4", metavar="P",
                    help="split the divisors into P parts (default: 4)")
    ap.add_argument("--mode", default="asyncio", metavar="asyncio|serial",
                    help="P coroutines gathered on one loop, or the parts "
                         "one after the other (default: asyncio)")
    ap.add_argument("--yield-every", default="4096", metavar="D",
                    help="divisors a part tries between two yields "
                         "(default: 4096)")
    ap.add_argument("--format", default="csv", metavar="csv",
                    help="the report format: csv only (alog's schema)")
    ap.add_argument("--no-baseline", action="store_true",
                    help="accepted for alog's argument lists: no serial "
                         "baseline is run in any case")
    a = ap.parse_args(argv)
    if a.mode not in ("asyncio", "serial"):
        bad("--mode", a.mode, "use asyncio or serial")
    if a.format != "csv":
        bad("--format", a.format, "use csv")
    a.number = whole("--number", a.number, 0, 2**64 - 1)
    a.parts = whole("--parts", a.parts, 1, MAX_PARTS)
    a.chunk = whole("--yield-every", a.yield_every, 1, 1 << 30)
    return a


def split(lo, hi, k, parts):
    """Part k of [lo, hi] as alog_split: in order, sizes differing by at
    most one, the first ones larger; None when empty."""
    size = hi - lo + 1
    if size <= 0 or k >= parts:
        return None
    q, r = divmod(size, parts)
    a = lo + k * q + min(k, r)
    b = a + q + (1 if k < r else 0) - 1
    return (a, b) if b >= a else None


class Part:
    def __init__(self, k, span):
        self.k = k
        self.lo, self.hi = span if span else (None, None)
        self.chunks = 0
        self.steps = 0
        self.divisor = 0
        self.busy_ns = 0
        self.stopped = 0


class Job:
    def __init__(self, n, parts, chunk):
        self.n = n
        self.chunk = chunk
        root = math.isqrt(n)
        self.parts = [Part(k, split(2, root, k, parts))
                      for k in range(parts)]
        self.found = None      # the part that found a divisor
        self.interrupted = 0

    def stop_now(self):
        return self.found is not None or self.interrupted

    def chunks_of(self, p):
        """The candidates of part p, chunk by chunk, at most self.chunk
        divisors each: 2 when the part holds it, then the odd ones."""
        if p.lo is None:
            return
        d = max(p.lo, 3) | 1
        size = self.chunk
        if p.lo <= 2 <= p.hi:
            stop = min(d + 2 * (size - 1), p.hi + 1)
            yield itertools.chain((2,), range(d, stop, 2))
            d = stop if stop % 2 else stop + 1
        while d <= p.hi:
            stop = min(d + 2 * size, p.hi + 1)
            yield range(d, stop, 2)
            d = stop if stop % 2 else stop + 1

    def run_chunk(self, p, r):
        """Trial division over r, the original's loop; True if found."""
        n = self.n
        t = time.monotonic_ns()
        tried = 0
        for d in r:
            tried += 1
            if n % d == 0:
                p.divisor = d
                break
        p.busy_ns += time.monotonic_ns() - t
        p.steps += tried
        p.chunks += 1
        if p.divisor:
            self.found = p
            return True
        return False

    async def part_task(self, p):
        for r in self.chunks_of(p):
            if self.stop_now():
                p.stopped = 1
                return
            if self.run_chunk(p, r):
                return
            await asyncio.sleep(0)

    async def gather(self):
        """The P coroutines on this one loop; the time is the gather's,
        not the loop's set-up."""
        t = time.monotonic_ns()
        await asyncio.gather(*(self.part_task(p) for p in self.parts))
        self.model_ns = time.monotonic_ns() - t

    def serial(self):
        t = time.monotonic_ns()
        self._serial()
        self.model_ns = time.monotonic_ns() - t

    def _serial(self):
        for p in self.parts:
            for r in self.chunks_of(p):
                if self.stop_now():
                    p.stopped = 1
                    break
                if self.run_chunk(p, r):
                    break


def g9(x):
    return f"{x:.9g}"


def main(argv=None):
    a = parse(sys.argv[1:] if argv is None else argv)
    n = a.number
    root = math.isqrt(n)
    total = max(root - 1, 0)  # integers 2..isqrt(n)
    if a.parts > max(total, 1):
        what = f"({2}..{root})" if total else f"for {n}"
        bad("--parts", str(a.parts),
            f"more parts than the {total} divisors to try {what}")
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    job = Job(n, a.parts, a.chunk)

    def on_sigint(signum, frame):
        job.interrupted = signum

    signal.signal(signal.SIGINT, on_sigint)
    if a.mode == "asyncio":
        asyncio.run(job.gather())
    else:
        job.serial()
    model_ns = job.model_ns

    f = job.found
    if job.interrupted and f is None:
        answer = "unknown"
    elif n < 2:
        answer = "neither"
    elif f is not None:
        answer = "composite"
    else:
        answer = "prime"
    where = "coroutine" if a.mode == "asyncio" else "serial part"

    out = sys.stdout
    w = out.write
    for k, v in (("alog", PROG), ("model", "python"), ("mode", a.mode),
                 ("job", "primes"), ("clock", "CLOCK_MONOTONIC"),
                 ("host", os.uname().nodename),
                 ("cores", len(os.sched_getaffinity(0))),
                 ("pid", os.getpid()), ("started", started), ("number", n),
                 ("parts", a.parts), ("schedule", "static"),
                 ("kernel", "div"), ("simd", "none"), ("baseline", "none"),
                 ("tasks", a.parts if a.mode == "asyncio" else 1),
                 ("threads", 1), ("yield_every", a.chunk),
                 ("python", sys.version.split()[0])):
        w(f"# {k}={v}\n")
    w("kind,part,lo,hi,chunks,steps,divisor,count,busy_s,stopped,where\n")
    for p in job.parts:
        lo = "" if p.lo is None else p.lo
        hi = "" if p.hi is None else p.hi
        w(f"part,{p.k},{lo},{hi},{p.chunks},{p.steps},{p.divisor},0,"
          f"{g9(p.busy_ns / 1e9)},{p.stopped},{where} {p.k}\n")
    w("kind,job,number,range_lo,range_hi,parts,schedule,kernel,answer,"
      "divisor,found_part,found_where,count,steps,serial_steps,serial_s,"
      "model_s,speedup,efficiency,interrupted\n")
    fpart = f.k if f is not None else ""
    fwhere = f"part {f.k} [{f.lo}..{f.hi}] {where} {f.k}" \
        if f is not None else ""
    steps = sum(p.steps for p in job.parts)
    w(f"result,number,{n},,,{a.parts},static,div,{answer},"
      f"{f.divisor if f else 0},{fpart},{fwhere},,{steps},,,"
      f"{g9(model_ns / 1e9)},,,{1 if job.interrupted else 0}\n")
    out.flush()
    return 130 if job.interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
