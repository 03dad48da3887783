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
records_per_s, bytes_per_s.  With --format csv (and --store record) it
prints a report shaped like alog's CSV instead, so scripts/compare reads
both alike: '# key=value' lines, then 'kind,...' rows naming the columns of
the producer rows (records, rates, nearest-rank lateness and latency
percentiles, as src/stats.c computes them) and of the total row (wall_s,
cpu_s, records_per_s, collector_cpu_s: this process, producers_cpu_s: its
reaped children).  --rate and --duration pace the producers (alog-producer
--rate, --duration) instead of --interval 0 --count.  Standard library only.
"""
import argparse
import asyncio
import math
import os
import resource
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


def producer_argv(path, i, args):
    """alog-producer's command: unthrottled --count records, or paced at
    --rate, for --duration seconds when given."""
    argv = [path, "--id", str(i), "--payload", str(args.payload),
            "--wire", "text"]
    argv += ["--rate", str(args.rate)] if args.rate else ["--interval", "0"]
    argv += ["--duration", str(args.duration)] if args.duration \
        else ["--count", str(args.count)]
    return argv


def run_threads(args):
    lists = [[] for _ in range(args.producers)]
    t0 = time.monotonic()
    procs = [subprocess.Popen(producer_argv(args.producer, i, args),
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
        *producer_argv(args.producer, i, args),
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


def nearest_rank(sorted_values, p):
    """The p-th percentile by nearest rank (src/stats.c's definition)."""
    n = len(sorted_values)
    if n == 0:
        return 0
    rank = math.ceil(p * n / 100.0)
    return sorted_values[max(rank, 1) - 1]


def producer_row(i, lst, code, args):
    """One producer's figures, as alog's producer row names them."""
    late = sorted(r[3] - r[2] for r in lst)
    lat = sorted(r[4] - r[3] for r in lst)
    achieved = 0.0
    if len(lst) >= 2 and lst[-1][3] > lst[0][3]:
        achieved = (len(lst) - 1) * 1e9 / (lst[-1][3] - lst[0][3])
    expected = 0 if args.duration else args.count
    status = "ok" if code == 0 and (not expected or len(lst) == expected) \
        else "short"
    return [i, status, code, len(lst), expected, args.rate or 0,
            f"{achieved:.6g}", nearest_rank(late, 50), nearest_rank(late, 99),
            late[-1] if late else 0, nearest_rank(lat, 50),
            nearest_rank(lat, 99), lat[-1] if lat else 0]


def cpu_seconds(who):
    ru = resource.getrusage(who)
    return ru.ru_utime + ru.ru_stime


def print_csv(args, lists, secs, codes, cpu0):
    """The report in alog's CSV shape (header keys, producer and total
    rows); CPU counted from cpu0 = (self, children) at the start, so the
    interpreter's start-up (and a launcher's reaped children) is not in
    it."""
    records = sum(len(lst) for lst in lists)
    print("# alog=ref_collector.py")
    print("# model=python")
    print("# job=log")
    print("# clock=CLOCK_MONOTONIC")
    print(f"# producers={args.producers}")
    print(f"# mode={args.mode}")
    print(f"# rate={args.rate or 0}")
    print(f"# duration={args.duration or 0}")
    print("kind,producer,status,code,records,expected,target_hz,achieved_hz,"
          "late_p50_ns,late_p99_ns,late_max_ns,lat_p50_ns,lat_p99_ns,"
          "lat_max_ns")
    for i, (lst, code) in enumerate(zip(lists, codes)):
        print("producer," + ",".join(map(str, producer_row(i, lst, code, args))))
    print("kind,records,wall_s,cpu_s,records_per_s,collector_cpu_s,"
          "producers_cpu_s")
    mine = cpu_seconds(resource.RUSAGE_SELF) - cpu0[0]
    children = cpu_seconds(resource.RUSAGE_CHILDREN) - cpu0[1]
    print(f"total,{records},{secs:.9f},{mine + children:.6f},"
          f"{records / secs:.6g},{mine:.6f},{children:.6f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--producer", default=os.environ.get("ALOG_PRODUCER"),
                    help="path of alog-producer (default $ALOG_PRODUCER)")
    ap.add_argument("-n", "--producers", type=int, default=1)
    ap.add_argument("--count", type=int, default=1000000,
                    help="records per producer")
    ap.add_argument("--rate", type=float, default=0,
                    help="records per second per producer (default 0: "
                         "unthrottled)")
    ap.add_argument("--duration", type=float, default=0,
                    help="seconds the producers run instead of --count")
    ap.add_argument("--payload", type=int, default=64)
    ap.add_argument("--mode", choices=("threads", "asyncio"),
                    default="threads")
    ap.add_argument("--bufsize", type=int, default=-1,
                    help="pipe buffer of each reader (default -1: Python's "
                         "own, as the original used)")
    ap.add_argument("--store", choices=tuple(STORES), default="record",
                    help="record: timestamp and parse each line like alog "
                         "(default); raw: keep the bytes")
    ap.add_argument("--format", choices=("keys", "csv"), default="keys",
                    help="keys: '# key=value' lines (default); csv: a "
                         "report shaped like alog's (needs --store record)")
    args = ap.parse_args()
    if not args.producer or not os.access(args.producer, os.X_OK):
        sys.exit("ref_collector.py: no alog-producer (use --producer PATH)")
    if args.producers < 1 or args.count < 1:
        sys.exit("ref_collector.py: --producers and --count must be >= 1")
    if args.rate < 0 or args.duration < 0:
        sys.exit("ref_collector.py: --rate and --duration must be >= 0")
    if args.format == "csv" and args.store != "record":
        sys.exit("ref_collector.py: --format csv needs --store record")

    cpu0 = (cpu_seconds(resource.RUSAGE_SELF),
            cpu_seconds(resource.RUSAGE_CHILDREN))
    if args.mode == "threads":
        lists, secs, codes = run_threads(args)
    else:
        lists, secs, codes = asyncio.run(run_asyncio_main(args))
    records = sum(len(lst) for lst in lists)
    if args.format == "csv":
        print_csv(args, lists, secs, codes, cpu0)
        return 3 if any(codes) else 0
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
