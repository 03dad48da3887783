#!/usr/bin/env python3
"""orig_logger.py - the original experiment's main application, as a
reference: N orig_sender.py processes print `Clock <ms> from <pid>` lines
at their own interval and this collector keeps one list per sender.

--mode threads (the original design): one reader thread per sender pipe,
each appending (arrival time, parsed line) to its own list.  --mode
asyncio: one asyncio loop reading every sender's stdout
(asyncio.create_subprocess_exec, one task per stream).

The senders share one start on CLOCK_MONOTONIC, far enough ahead that all
are up: alog's 30 ms + 5 ms per sender, plus the interpreter start-up this
process measured for itself for each round of senders the cores start at
once (--lead-ms sets it instead).  --phase spread offsets sender i by
i*interval/N, aligned starts them together.  With --count each sender is
ended (SIGTERM) once its count is collected, as alog-async --exec --count
ends its commands; with --duration the run ends when every sender did.

The report is alog's CSV (--format csv), so one parser reads both:
'# key=value' header lines, then the record rows and the timeline (event
rows, by produce time), shown with --timeline or up to 1000 records unless
-q, then one producer row per sender and the total row.  Record times are
ns since the first due time; sched_ns is the due time at the wire's
resolution (the microsecond: <ms> has 3 decimals), produce_ns the printed
<ms>, collect_ns the arrival.  Percentiles are nearest-rank as in
src/stats.c.  Totals: wall_s (command start to report) = startup_s (to the
first due time) + window_s (to the last record collected) + teardown_s
(reaping); drain_s is last due to last collected; records_per_s,
bytes_per_s and collector_cpu_s over the window; producers_cpu_s is the
senders' CPU over it (their CPU when reaped less each one's
/proc/PID/schedstat just before the start).

Exit status: 0; 1 a sender could not be started; 2 bad input (one line,
nothing started); 3 a sender short or failed; 130 interrupted (SIGINT;
SIGTERM/SIGHUP 128 + the signal), with what was collected.  Standard
library only.
"""
import time

T_CMD = time.monotonic_ns()  # the command's start, before the imports

import argparse  # noqa: E402
import asyncio  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

from orig_cli import Parser, bad, decimal, whole  # noqa: E402

PROG = "orig_logger.py"
SENDER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "orig_sender.py")
SHOW_MAX = 1000     # records shown without --timeline (alog's bound)
GRACE_S = 2.0       # a sender's time to end once told, then SIGKILL
MAX_PRODUCERS = 256
MAX_PAYLOAD = 65536
MIN_RATE = 1 / 86400  # one a day, as alog


def parse(argv):
    ap = Parser(prog=PROG, allow_abbrev=False,
                formatter_class=argparse.RawDescriptionHelpFormatter,
                description=__doc__.split("\n\n")[0],
                epilog="Exit status: 0 ok, 1 a sender not started, 2 "
                       "usage, 3 a sender short or failed, 130 interrupted.")
    ap.add_argument("-n", "--producers", metavar="N",
                    help="senders (intervals are cycled over them) "
                         "(default: one per interval)")
    ap.add_argument("--interval", metavar="LIST",
                    help="seconds between records, comma list cycled over "
                         "the senders; 0 = unthrottled (default: "
                         "0.2,0.1,1,0.01)")
    ap.add_argument("--rate", metavar="HZ",
                    help="records per second for every sender (instead "
                         "of --interval)")
    ap.add_argument("--count", metavar="K",
                    help="records per sender (default: 10, or unlimited "
                         "with --duration)")
    ap.add_argument("--duration", metavar="S",
                    help="no record due at or after start + S")
    ap.add_argument("--payload", default="0", metavar="B",
                    help="filler characters after the pid (default: 0)")
    ap.add_argument("--phase", default="spread", metavar="spread|aligned",
                    help="spread: sender i starts i*interval/N after the "
                         "first; aligned: all at once (default: spread)")
    ap.add_argument("--mode", default="threads", metavar="threads|asyncio",
                    help="threads: a reader thread per sender (the "
                         "original); asyncio: one loop (default: threads)")
    ap.add_argument("--lead-ms", metavar="MS",
                    help="the common start this far ahead of the spawn "
                         "(default: 30 + 5 per sender + the interpreter's "
                         "start-up per round of senders on the cores)")
    ap.add_argument("--format", default="table", metavar="csv|table",
                    help="csv (alog's schema) or table (default: table)")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="show only the report")
    ap.add_argument("--timeline", action="store_true",
                    help="always show records by sender and the timeline "
                         "(default: only up to 1000 records)")
    a = ap.parse_args(argv)

    for opt, val, names in (("--mode", a.mode, ("threads", "asyncio")),
                            ("--phase", a.phase, ("spread", "aligned")),
                            ("--format", a.format, ("csv", "table"))):
        if val not in names:
            bad(opt, val, "use " + " or ".join(names))
    if a.rate is not None and a.interval is not None:
        bad("--rate", a.rate, "give --rate or --interval, not both")
    if a.rate is not None:
        hz = decimal("--rate", a.rate)
        if hz < MIN_RATE:
            bad("--rate", a.rate, f"must be at least {MIN_RATE:g}")
        a.intervals_ns = [round(1e9 / hz)]
        a.intervals_text = f"rate={hz:g}"
    else:
        text = a.interval if a.interval is not None else "0.2,0.1,1,0.01"
        items = text.split(",")
        secs = [decimal("--interval", text, s) for s in items]
        for s, v in zip(items, secs):
            if v < 0 or v > 86400:
                bad("--interval", text, f"'{s}' must be from 0 to 86400")
        a.intervals_ns = [round(v * 1e9) for v in secs]
        a.intervals_text = ",".join(f"{v:g}" for v in secs)
    a.producers = whole("--producers", a.producers, 1, MAX_PRODUCERS) \
        if a.producers is not None else len(a.intervals_ns)
    if a.count is not None:
        a.count = whole("--count", a.count, 1, 2**62)
    a.duration_ns = 0
    if a.duration is not None:
        d = decimal("--duration", a.duration)
        if not d > 0 or d > 1e6:
            bad("--duration", a.duration, "must be greater than 0 (and at "
                "most 1e6)")
        a.duration_ns = round(d * 1e9)
        a.duration_text = f"{d:g}"
    elif a.count is None:
        a.count = 10
    a.payload = whole("--payload", a.payload, 0, MAX_PAYLOAD)
    if a.lead_ms is not None:
        ms = decimal("--lead-ms", a.lead_ms)
        if not 0 <= ms <= 60000:
            bad("--lead-ms", a.lead_ms, "must be from 0 to 60000")
        a.lead_ns = round(ms * 1e6)
    else:
        a.lead_ns = None
    return a


# ---- one sender ---------------------------------------------------------

class Sender:
    """A sender's plan (interval, phase, expected records), its process and
    its list: (collect_ns, produce_ns, line) per record, absolute ns."""

    def __init__(self, i, a, n):
        self.i = i
        self.interval_ns = a.intervals_ns[i % len(a.intervals_ns)]
        # A whole microsecond (the wire's resolution), so that a due time
        # on the wire's grid is never later than the <ms> printed for it.
        self.phase_ns = (i * self.interval_ns // n) // 1000 * 1000 \
            if a.phase == "spread" else 0
        self.count = a.count  # None: by time
        self.expected = self.schedule_count(a)
        self.records = []
        self.malformed = 0
        self.proc = None
        self.pid = None
        self.cpu0_ns = 0
        self.cut = False     # we ended it (its count was in, or SIGINT)
        self.finished = False

    def schedule_count(self, a):
        """Records the schedule holds: --count, or those due before the
        end of --duration (0: unthrottled by time, no fixed number)."""
        n = a.count
        if a.duration_ns:
            if self.interval_ns == 0:
                return n or 0
            d = a.duration_ns - self.phase_ns
            by_time = max(0, -(-d // self.interval_ns))
            n = by_time if n is None else min(n, by_time)
        return n

    def argv(self, a, start_ns):
        argv = [sys.executable, "-S", SENDER,
                "--interval", f"{self.interval_ns / 1e9:.9f}",
                "--start-ns", str(start_ns), "--phase-ns", str(self.phase_ns),
                "--payload", str(a.payload)]
        if a.count is not None:
            argv += ["--count", str(a.count)]
        if a.duration_ns:
            argv += ["--duration", f"{a.duration_ns / 1e9:.9f}"]
        return argv

    def parse(self, line):
        """'Clock <ms> from <pid>[ filler]' -> the printed clock in ns, or
        None (counted malformed)."""
        f = line.split(None, 4)
        if len(f) < 4 or f[0] != b"Clock" or f[2] != b"from" \
                or f[3] != self.pid_bytes:
            return None
        whole_ms, dot, frac = f[1].partition(b".")
        if not dot or len(frac) != 3 or not whole_ms.isdigit() \
                or not frac.isdigit():
            return None
        return (int(whole_ms) * 1000 + int(frac)) * 1000

    def started(self, proc, pid):
        self.proc = proc
        self.pid = pid
        self.pid_bytes = str(pid).encode()


def schedstat_ns(pid):
    """CPU time of a process so far (ns), 0 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def cpu_s(who):
    ru = resource.getrusage(who)
    return ru.ru_utime + ru.ru_stime


def own_startup_ns():
    """This process's start-up so far: its start (/proc/self/stat, clock
    ticks since boot) to now on CLOCK_BOOTTIME, at most 1 s."""
    try:
        with open("/proc/self/stat") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        now = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
        ns = now - ticks * 1000000000 // os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        ns = 100000000
    return min(max(ns, 0), 1000000000)


class Run:
    """What both modes share: the senders, the start, the window's edges
    and the interruption."""

    def __init__(self, a):
        self.a = a
        n = a.producers
        self.senders = [Sender(i, a, n) for i in range(n)]
        self.cores = len(os.sched_getaffinity(0))
        if a.lead_ns is None:
            rounds = -(-n // max(self.cores, 1))
            a.lead_ns = 30000000 + 5000000 * n + rounds * own_startup_ns()
        self.lead_ns = a.lead_ns
        self.t0 = None            # the first due time (abs ns)
        self.cpu0 = None          # collector CPU just before it
        self.cpu_end = None       # and right after the last record
        self.children0 = cpu_s(resource.RUSAGE_CHILDREN)
        self.interrupted = 0      # the signal number
        self.failed = False       # a sender could not be started
        self.pending = n
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.t_end = None

    def plan_start(self):
        # On a whole microsecond: the due times and the printed <ms> share
        # the wire's grid.
        start = time.monotonic_ns() + self.lead_ns
        self.t0 = -(-start // 1000) * 1000
        return self.t0

    def sample_start(self):
        """The window's first edge: this process's CPU and each sender's."""
        self.cpu0 = cpu_s(resource.RUSAGE_SELF)
        for s in self.senders:
            if s.pid is not None:
                s.cpu0_ns = schedstat_ns(s.pid)

    def finish(self, s):
        """Sender s has all it will send (its count, or its end of file);
        the last one closes the window."""
        with self.lock:
            if s.finished:
                return
            s.finished = True
            self.pending -= 1
            last = self.pending == 0
        if last:
            self.cpu_end = cpu_s(resource.RUSAGE_SELF)
            self.done.set()

    def spawn_failed(self, s, e):
        """A sender that could not start: say so, end the others."""
        sys.stderr.write(f"{PROG}: cannot start sender {s.i}: "
                         f"{e.strerror or e}\n")
        self.failed = True
        self.finish(s)
        self.stop(0)

    def stop(self, signum):
        """SIGINT/SIGTERM/SIGHUP: end every sender; what came is kept."""
        if not self.interrupted:
            self.interrupted = signum
        for s in self.senders:
            if not s.finished:
                s.cut = True
                self.terminate(s)

    def terminate(self, s):
        if s.pid is None:
            return
        try:
            s.proc.send_signal(signal.SIGTERM)
        except (ProcessLookupError, OSError):
            pass


def delay_until(abs_ns):
    left = abs_ns - time.monotonic_ns()
    return left / 1e9 if left > 0 else 0


# ---- --mode threads: a reader thread per sender (the original) ----------

def take(s, t, line):
    """One line of sender s arrived at t: parsed into its list (or counted
    malformed).  True once its count is reached: stop reading it."""
    p = s.parse(line)
    if p is None:
        s.malformed += 1
        return False
    s.records.append((t, p, line))
    return s.count is not None and len(s.records) >= s.count


def done_reading(run, s, enough):
    """s's stream ended, or its count was reached (then it is told to end,
    as the original did)."""
    run.finish(s)
    if enough:
        s.cut = True
        run.terminate(s)


def read_thread(run, s):
    now = time.monotonic_ns
    enough = False
    for line in s.proc.stdout:
        if take(s, now(), line):
            enough = True
            break
    done_reading(run, s, enough)


def run_threads(run):
    a = run.a
    start = run.plan_start()
    threads = []
    for s in run.senders:
        if run.interrupted or run.failed:
            run.finish(s)
            continue
        try:
            p = subprocess.Popen(s.argv(a, start), stdout=subprocess.PIPE,
                                 stdin=subprocess.DEVNULL)
        except OSError as e:
            run.spawn_failed(s, e)
            continue
        s.started(p, p.pid)
        t = threading.Thread(target=read_thread, args=(run, s), daemon=True)
        t.start()
        threads.append(t)
    time.sleep(delay_until(start - 500000))
    run.sample_start()
    while not run.done.wait(0.5):
        pass
    for t in threads:
        t.join()
    deadline = time.monotonic() + GRACE_S
    for s in run.senders:
        if s.proc is None:
            continue
        try:
            s.proc.wait(timeout=max(deadline - time.monotonic(), 0.01))
        except subprocess.TimeoutExpired:
            s.proc.kill()
            s.proc.wait()
        s.proc.stdout.close()
        s.code = s.proc.returncode


# ---- --mode asyncio: one loop, a task per stream ---------------------------

async def read_task(run, s):
    now = time.monotonic_ns
    stream = s.proc.stdout
    enough = False
    while not enough:
        line = await stream.readline()
        if not line:
            break
        enough = take(s, now(), line)
    done_reading(run, s, enough)


async def run_asyncio_main(run):
    a = run.a
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, run.stop, sig)
    start = run.plan_start()
    tasks = []
    for s in run.senders:
        if run.interrupted or run.failed:
            run.finish(s)
            continue
        try:
            p = await asyncio.create_subprocess_exec(
                *s.argv(a, start), stdout=asyncio.subprocess.PIPE,
                stdin=asyncio.subprocess.DEVNULL, limit=MAX_PAYLOAD + 4096)
        except OSError as e:
            run.spawn_failed(s, e)
            continue
        s.started(p, p.pid)
        tasks.append(asyncio.create_task(read_task(run, s)))
    await asyncio.sleep(delay_until(start - 500000))
    run.sample_start()
    await asyncio.gather(*tasks)
    for s in run.senders:
        if s.proc is None:
            continue
        try:
            await asyncio.wait_for(s.proc.wait(), GRACE_S)
        except asyncio.TimeoutError:
            s.proc.kill()
            await s.proc.wait()
        s.code = s.proc.returncode


# ---- the report -------------------------------------------------------------

def nearest_rank(v, p):
    """v sorted; the p-th percentile by nearest rank (src/stats.c)."""
    if not v:
        return 0
    i = math.ceil(p * len(v) / 100.0)
    return v[min(max(i, 1), len(v)) - 1]


def g9(x):
    return f"{x:.9g}"


def deep_size(lists):
    """Bytes the lists hold: each list, its tuples and their items."""
    total = 0
    for lst in lists:
        total += sys.getsizeof(lst)
        for r in lst:
            total += sys.getsizeof(r) + sum(sys.getsizeof(x) for x in r)
    return total


def status_of(run, s):
    """alog's status words and the exit code of the producer row."""
    code = getattr(s, "code", None)
    short = s.expected and len(s.records) < s.expected
    halted = run.interrupted or run.failed  # we ended the senders early
    if s.pid is None:
        return "stopped", 0
    if code is not None and code < 0:
        # Killed by a signal: ours after its count or an interrupt is not
        # a failure of the sender.
        if s.cut and not short:
            return "ok", 0
        return ("stopped" if halted and s.cut else "signal"), -code
    if code:
        return "exit", code
    if short:
        return ("stopped" if halted and s.cut else "short"), 0
    if halted and s.cut and s.count is None and s.expected == 0:
        return "stopped", 0
    return "ok", 0


def build_report(run):
    a = run.a
    t0 = run.t0
    rows = []          # (producer, seq, sched, produce, collect, bytes, text)
    prods = []
    last_collect = last_due = None
    for s in run.senders:
        iv, ph = s.interval_ns, s.phase_ns
        late, lat = [], []
        nbytes = 0
        for k, (c, p, line) in enumerate(s.records):
            due = ph + k * iv
            sched = due // 1000 * 1000
            prod, coll = p - t0, c - t0
            text = line.rstrip(b"\n").rstrip(b"\r").decode("ascii",
                                                           "replace")
            rows.append((s.i, k, sched, prod, coll, len(line), text))
            late.append(prod - sched)
            lat.append(coll - prod)
            nbytes += len(line)
            if last_collect is None or c > last_collect:
                last_collect = c
            if last_due is None or t0 + due > last_due:
                last_due = t0 + due
        late.sort()
        lat.sort()
        n = len(s.records)
        achieved = 0.0
        if n >= 2 and s.records[-1][1] > s.records[0][1]:
            achieved = (n - 1) * 1e9 / (s.records[-1][1] - s.records[0][1])
        status, code = status_of(run, s)
        lost = max(s.expected - n, 0) if status in ("ok", "short") else 0
        prods.append({
            "producer": s.i, "status": status, "code": code, "records": n,
            "expected": s.expected, "lost": lost,
            "target_hz": g9(1e9 / iv) if iv else "0",
            "achieved_hz": g9(achieved),
            "late_p50_ns": nearest_rank(late, 50),
            "late_p99_ns": nearest_rank(late, 99),
            "late_max_ns": late[-1] if late else 0,
            "lat_p50_ns": nearest_rank(lat, 50),
            "lat_p99_ns": nearest_rank(lat, 99),
            "lat_max_ns": lat[-1] if lat else 0,
            "gaps": 0, "dups": 0, "malformed": s.malformed, "parsed": n,
            "bytes": nbytes,
            "where": f"pid {s.pid}" if s.pid is not None else "not started"})

    children = cpu_s(resource.RUSAGE_CHILDREN) - run.children0
    before = sum(s.cpu0_ns for s in run.senders) / 1e9
    producers_cpu = max(children - before, 0.0)
    cpu0 = run.cpu0 if run.cpu0 is not None else cpu_s(resource.RUSAGE_SELF)
    cpu_end = run.cpu_end if run.cpu_end is not None \
        else cpu_s(resource.RUSAGE_SELF)
    collector_cpu = max(cpu_end - cpu0, 0.0)
    records = len(rows)
    nbytes = sum(r[5] for r in rows)
    end_window = last_collect if last_collect is not None else t0
    window = max(end_window - t0, 0) / 1e9
    drain = (last_collect - last_due) / 1e9 if last_collect is not None \
        else 0.0
    teardown = max(run.t_end - max(end_window, t0), 0) / 1e9
    offered = 0.0
    if all(s.interval_ns for s in run.senders):
        offered = sum(1e9 / s.interval_ns for s in run.senders)
    rps = records / window if window > 0 else 0.0
    total = {
        "records": records, "bytes": nbytes,
        "wall_s": None,  # set when the report is written
        "cpu_s": f"{collector_cpu + producers_cpu:.6f}",
        "records_per_s": g9(rps),
        "bytes_per_s": g9(nbytes / window if window > 0 else 0.0),
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        * 1024,
        "list_bytes": deep_size([s.records for s in run.senders]),
        "interrupted": 1 if run.interrupted else 0,
        "startup_s": f"{max(t0 - T_CMD, 0) / 1e9:.9f}",
        "window_s": f"{window:.9f}",
        "drain_s": f"{drain:.9f}",
        "teardown_s": f"{teardown:.9f}",
        "offered_per_s": g9(offered),
        "collected_ratio": g9(rps / offered if offered > 0 else 0.0),
        "expected": sum(p["expected"] for p in prods),
        "lost": sum(p["lost"] for p in prods),
        "collector_cpu_s": f"{collector_cpu:.6f}",
        "producers_cpu_s": f"{producers_cpu:.6f}",
    }
    return rows, prods, total


REC_COLS = ("kind", "producer", "seq", "sched_ns", "produce_ns", "collect_ns",
            "bytes", "value", "text")
PROD_COLS = ("kind", "producer", "status", "code", "records", "expected",
             "lost", "target_hz", "achieved_hz", "late_p50_ns", "late_p99_ns",
             "late_max_ns", "lat_p50_ns", "lat_p99_ns", "lat_max_ns", "gaps",
             "dups", "malformed", "parsed", "bytes", "where")
TOTAL_COLS = ("kind", "records", "bytes", "wall_s", "cpu_s", "records_per_s",
              "bytes_per_s", "peak_rss_bytes", "list_bytes", "interrupted",
              "startup_s", "window_s", "drain_s", "teardown_s",
              "offered_per_s", "collected_ratio", "expected", "lost",
              "collector_cpu_s", "producers_cpu_s")


def header(run, started):
    a = run.a
    n = a.producers
    keys = [
        ("alog", PROG), ("model", "python"), ("mode", a.mode), ("job", "log"),
        ("clock", "CLOCK_MONOTONIC"), ("host", os.uname().nodename),
        ("cores", run.cores), ("pid", os.getpid()), ("started", started),
        ("producers", n), ("intervals", a.intervals_text),
        ("count", a.count or 0),
        ("duration", a.duration_text if a.duration_ns else 0),
        ("payload", a.payload), ("phase", a.phase), ("format", a.format),
        ("readers", a.mode), ("wire", "text"),
        ("sender", "orig_sender.py"),
        ("python", sys.version.split()[0]),
        ("lead_ms", f"{run.lead_ns / 1e6:.3f}"),
        ("oversubscribed", "yes" if n + 1 > run.cores else "no"),
    ]
    return keys


def csv_text(s):
    return '"' + s.replace('"', '""') + '"'


def csv_field(v):
    s = str(v)
    if any(c in s for c in ',"\n\r'):
        return csv_text(s)
    return s


def write_csv(out, keys, rows, prods, total, show):
    w = out.write
    for k, v in keys:
        w(f"# {k}={v}\n")
    if show:
        for kind, order in (("record", rows),
                            ("event", sorted(rows,
                                             key=lambda r: (r[3], r[0],
                                                            r[1])))):
            w(",".join(REC_COLS) + "\n")
            for r in order:
                w(f"{kind},{r[0]},{r[1]},{r[2]},{r[3]},{r[4]},{r[5]},,"
                  f"{csv_text(r[6])}\n")
    w(",".join(PROD_COLS) + "\n")
    for p in prods:
        w("producer," + ",".join(csv_field(p[c]) for c in PROD_COLS[1:])
          + "\n")
    w(",".join(TOTAL_COLS) + "\n")
    w("total," + ",".join(csv_field(total[c]) for c in TOTAL_COLS[1:]) + "\n")


def write_table(out, keys, rows, prods, total, show):
    w = out.write
    for k, v in keys:
        w(f"# {k}={v}\n")
    if show:
        w("\n== records by producer ==\n")
        for p in prods:
            mine = [r for r in rows if r[0] == p["producer"]]
            w(f"\n-- producer {p['producer']} ({p['where']}): "
              f"{len(mine)} records --\n")
            w(f"{'seq':>8}  {'t_ms':>12}  {'late_us':>10}  "
              f"{'latency_us':>10}  text\n")
            for r in mine:
                w(f"{r[1]:>8}  {r[3] / 1e6:>12.3f}  {(r[3] - r[2]) / 1e3:>10.3f}"
                  f"  {(r[4] - r[3]) / 1e3:>10.3f}  {r[6]}\n")
        w("\n== timeline ==\n")
        w(f"{'t_ms':>12}  {'producer':>8}  {'seq':>8}  text\n")
        for r in sorted(rows, key=lambda r: (r[3], r[0], r[1])):
            w(f"{r[3] / 1e6:>12.3f}  {r[0]:>8}  {r[1]:>8}  {r[6]}\n")
    w("\n== report ==\n")
    cols = [c for c in PROD_COLS[1:]]
    cells = [[str(p[c]) for c in cols] for p in prods]
    width = [max([len(c)] + [len(x[j]) for x in cells])
             for j, c in enumerate(cols)]
    w("  ".join(c.rjust(width[j]) for j, c in enumerate(cols)) + "\n")
    for x in cells:
        w("  ".join(v.rjust(width[j]) for j, v in enumerate(x)) + "\n")
    w("\n== totals ==\n")
    for c in TOTAL_COLS[1:]:
        w(f"  {c:<20} {total[c]}\n")


def main(argv=None):
    a = parse(sys.argv[1:] if argv is None else argv)
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    run = Run(a)
    if a.mode == "threads":
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda signum, frame: run.stop(signum))
        run_threads(run)
    else:
        asyncio.run(run_asyncio_main(run))
    run.t_end = time.monotonic_ns()
    rows, prods, total = build_report(run)
    show = a.timeline or (not a.quiet and len(rows) <= SHOW_MAX)
    keys = header(run, started)
    total["wall_s"] = f"{(time.monotonic_ns() - T_CMD) / 1e9:.9f}"
    write = write_csv if a.format == "csv" else write_table
    try:
        write(sys.stdout, keys, rows, prods, total, show)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    if run.interrupted:
        return 128 + run.interrupted
    if run.failed:
        return 1
    return 3 if any(p["status"] != "ok" for p in prods) else 0


if __name__ == "__main__":
    sys.exit(main())
