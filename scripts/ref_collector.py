#!/usr/bin/env python3
"""ref_collector.py - the original experiment's model in Python, as the
reference the C collector is measured against.

N alog-producer processes write text lines to their stdout; the collector
keeps one list per producer and fills it either from one reader thread per
pipe (--mode threads, the original design) or from one asyncio loop
(--mode asyncio).  By default each line gets what the C collector gives
it: an arrival timestamp and its fields parsed into a record (a tuple of
producer, seq, sched, prod, collect), so both sides do the same work.
--store raw keeps the bytes as read instead (the cheapest thing a Python
collector can do), for comparison.

Prints '# key=value' lines: mode, producers, records, seconds,
records_per_s, bytes_per_s.  Standard library only.
"""
import argparse
import asyncio
import os
import subprocess
import sys
import threading
import time


def parse_record(line, now=time.monotonic_ns):
    """'Clock <ms> from <id> seq <n> sched <ns> prod <ns> [filler]' into
    (producer, seq, sched_ns, produce_ns, collect_ns), as alog stores it."""
    f = line.split(None, 10)
    return (int(f[3]), int(f[5]), int(f[7]), int(f[9]), now())


STORES = {"record": parse_record, "raw": lambda line: line}


def producer_argv(path, i, count, payload):
    return [path, "--id", str(i), "--interval", "0", "--count", str(count),
            "--payload", str(payload), "--wire", "text"]


def run_threads(args):
    lists = [[] for _ in range(args.producers)]
    t0 = time.monotonic()
    procs = [subprocess.Popen(producer_argv(args.producer, i, args.count,
                                            args.payload),
                              stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                              bufsize=args.bufsize)
             for i in range(args.producers)]

    store = STORES[args.store]

    def reader(pipe, lst):
        # The original's loop: one line at a time, appended to this
        # producer's own list.
        for line in pipe:
            lst.append(store(line))

    threads = [threading.Thread(target=reader, args=(p.stdout, lst))
               for p, lst in zip(procs, lists)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = [p.wait() for p in procs]
    return lists, time.monotonic() - t0, codes


async def run_asyncio_main(args):
    lists = [[] for _ in range(args.producers)]
    t0 = time.monotonic()
    procs = [await asyncio.create_subprocess_exec(
        *producer_argv(args.producer, i, args.count, args.payload),
        stdout=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL,
        limit=max(args.bufsize, 1 << 16))
        for i in range(args.producers)]

    store = STORES[args.store]

    async def reader(stream, lst):
        while True:
            line = await stream.readline()
            if not line:
                break
            lst.append(store(line))

    await asyncio.gather(*(reader(p.stdout, lst)
                           for p, lst in zip(procs, lists)))
    codes = [await p.wait() for p in procs]
    return lists, time.monotonic() - t0, codes


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--producer", default=os.environ.get("ALOG_PRODUCER"),
                    help="path of alog-producer (default $ALOG_PRODUCER)")
    ap.add_argument("-n", "--producers", type=int, default=1)
    ap.add_argument("--count", type=int, default=1000000,
                    help="records per producer")
    ap.add_argument("--payload", type=int, default=64)
    ap.add_argument("--mode", choices=("threads", "asyncio"),
                    default="threads")
    ap.add_argument("--bufsize", type=int, default=-1,
                    help="pipe buffer of each reader (default -1: Python's "
                         "own, as the original used)")
    ap.add_argument("--store", choices=tuple(STORES), default="record",
                    help="record: timestamp and parse each line like alog "
                         "(default); raw: keep the bytes")
    args = ap.parse_args()
    if not args.producer or not os.access(args.producer, os.X_OK):
        sys.exit("ref_collector.py: no alog-producer (use --producer PATH)")
    if args.producers < 1 or args.count < 1:
        sys.exit("ref_collector.py: --producers and --count must be >= 1")

    if args.mode == "threads":
        lists, secs, codes = run_threads(args)
    else:
        lists, secs, codes = asyncio.run(run_asyncio_main(args))
    records = sum(len(lst) for lst in lists)
    print(f"# mode={args.mode}")
    print(f"# store={args.store}")
    print(f"# producers={args.producers}")
    print(f"# records={records}")
    print(f"# seconds={secs:.6f}")
    print(f"# records_per_s={records / secs:.0f}")
    if args.store == "raw":
        nbytes = sum(len(line) for lst in lists for line in lst)
        print(f"# bytes_per_s={nbytes / secs:.0f}")
    expected = args.producers * args.count
    if any(codes) or records != expected:
        sys.exit(f"ref_collector.py: {records} of {expected} records, "
                 f"exit codes {codes}")


if __name__ == "__main__":
    main()
