#!/usr/bin/env python3
"""orig_sender.py - one sender of the original experiment: prints
`Clock <ms> from <pid>` lines on its stdout, one flushed write each.

Record k is due at start + phase + k*interval (CLOCK_MONOTONIC, the
schedule in whole ns): the sender sleeps until each deadline, and a late
record is sent at once, never skipped.  <ms> is CLOCK_MONOTONIC in
milliseconds with 3 decimals (truncated to the microsecond) read at the
moment of printing.  --payload B pads the line with a space and B filler
characters after the pid.

It ends after --count records, before the first record due at or after
start + --duration (unthrottled: once the clock passes it), or when
terminated: SIGTERM and SIGINT end it quietly with status 0, as does a
closed stdout.  Bad input: one line on stderr, exit 2.  Standard library
only; orig_logger.py starts N of these.
"""
import argparse
import os
import signal
import sys
import time

PROG = "orig_sender.py"


class Parser(argparse.ArgumentParser):
    """argparse whose errors are one line, 'orig_sender.py: ...', exit 2."""

    def error(self, message):
        sys.stderr.write(f"{PROG}: {message} (see --help)\n")
        sys.exit(2)


def bad(opt, text, why):
    sys.stderr.write(f"{PROG}: {opt} '{text}': {why}\n")
    sys.exit(2)


def seconds_ns(opt, text, positive):
    """Seconds as given (a decimal number) in whole ns."""
    try:
        v = float(text)
    except ValueError:
        v = float("nan")
    if not (v > 0 if positive else v >= 0) or v > 1e9:
        bad(opt, text, "must be a number of seconds "
            + ("> 0" if positive else ">= 0"))
    return round(v * 1e9)


def whole(opt, text, lo):
    try:
        v = int(text, 10)
    except ValueError:
        v = lo - 1
    if v < lo or v >= 2**63:
        bad(opt, text, f"must be a whole number >= {lo}")
    return v


def parse(argv):
    ap = Parser(prog=PROG, allow_abbrev=False,
                description=__doc__.split("\n\n")[0],
                epilog="Lines: 'Clock <ms> from <pid>[ <B filler>]'.")
    ap.add_argument("--interval", default="0.2", metavar="S",
                    help="seconds between records; 0 = unthrottled "
                         "(default 0.2)")
    ap.add_argument("--count", metavar="K",
                    help="records to send (default: until stopped)")
    ap.add_argument("--duration", metavar="S",
                    help="send no record due at or after start + S")
    ap.add_argument("--start-ns", metavar="NS",
                    help="absolute CLOCK_MONOTONIC start in ns (default: "
                         "now + 5 ms)")
    ap.add_argument("--phase-ns", default="0", metavar="NS",
                    help="offset of this sender's schedule from the start "
                         "(default 0)")
    ap.add_argument("--payload", default="0", metavar="B",
                    help="filler characters after the pid (default 0)")
    a = ap.parse_args(argv)
    a.interval_ns = seconds_ns("--interval", a.interval, False)
    a.count = whole("--count", a.count, 1) if a.count is not None else None
    a.duration_ns = seconds_ns("--duration", a.duration, True) \
        if a.duration is not None else None
    a.start_ns = whole("--start-ns", a.start_ns, 0) \
        if a.start_ns is not None else None
    a.phase_ns = whole("--phase-ns", a.phase_ns, 0)
    a.payload = whole("--payload", a.payload, 0)
    if a.payload > 65536:
        bad("--payload", str(a.payload), "must be at most 65536")
    return a


def quiet_exit(signum, frame):
    # Each line is one write of its own: nothing half sent to flush.
    os._exit(0)


def send(a):
    now = time.monotonic_ns
    start = a.start_ns if a.start_ns is not None else now() + 5000000
    end = start + a.duration_ns if a.duration_ns is not None else None
    tail = (" " + "x" * a.payload if a.payload else "") + "\n"
    head = "Clock "
    mid = f" from {os.getpid()}"
    out = sys.stdout.buffer
    k = 0
    while a.count is None or k < a.count:
        due = start + a.phase_ns + k * a.interval_ns
        if end is not None and due >= end:
            break
        t = now()
        while t < due:
            time.sleep((due - t) / 1e9)
            t = now()
        if end is not None and a.interval_ns == 0 and t >= end:
            break
        us = t // 1000
        out.write(f"{head}{us // 1000}.{us % 1000:03d}{mid}{tail}"
                  .encode("ascii"))
        out.flush()
        k += 1


def main(argv=None):
    a = parse(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, quiet_exit)
    signal.signal(signal.SIGINT, quiet_exit)
    try:
        send(a)
    except BrokenPipeError:
        # The reader went away: end quietly, and keep Python's own flush at
        # exit from failing again on the closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
