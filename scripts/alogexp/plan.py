"""alogexp.plan - what scripts/compare runs: the models and their variants
(one registry), the four parts, the presets (--quick and the default), the
points of the fixed grids and the command line of each run.  No process is
started here, so the plan is checked before anything runs.
"""
import math
import os
from dataclasses import dataclass, replace

from . import layout

PARTS = ("io", "throughput", "primes", "crossover")
PART_TITLES = {
    "io": "I/O-bound: many slow producers (the async model's home ground)",
    "throughput": "Throughput: unthrottled producers",
    "primes": "CPU-bound: primes",
    "crossover": "The crossover: collector-side work per record",
}
LOG_PARTS = ("io", "throughput", "crossover")


@dataclass(frozen=True)
class Variant:
    """One model in one of its variants, as the experiment runs it."""
    name: str        # async-epoll, omp-none, ... (a column of the tables)
    family: str      # async, python, omp, mpi, serial: what --models names
    parts: tuple     # the parts it belongs to
    program: str     # alog-async, -omp, -mpi, orig, orig-primes, refcol
    args: tuple      # its options
    where: str       # where it handles a record (collector-side work)
    bound: str       # "one": one thread carries the collector-side work;
    #                  "cores": it runs on every core (per-core workers)
    color: str       # its colour in every plot
    marker: int      # its gnuplot point type in every plot
    default: bool = True   # runs unless --models names others
    reference: bool = False  # a reference row (another program's model)
    batch: int = 0   # MPI records per message (mpi-batched)


VARIANTS = (
    Variant("async-epoll", "async", LOG_PARTS, "alog-async",
            ("--readers", "epoll"), "the one epoll loop", "one",
            "#1f77b4", 7),
    Variant("async-uring", "async", LOG_PARTS, "alog-async",
            ("--readers", "uring"), "the one io_uring loop", "one",
            "#17becf", 9),
    Variant("async-threads", "async", LOG_PARTS, "alog-async",
            ("--readers", "threads"), "each reader thread", "cores",
            "#aec7e8", 5),
    Variant("omp-none", "omp", LOG_PARTS, "alog-omp",
            ("--collect", "none"), "each producer thread", "cores",
            "#2ca02c", 11),
    Variant("omp-thread", "omp", LOG_PARTS, "alog-omp",
            ("--collect", "thread"), "the one collector thread", "one",
            "#98df8a", 13),
    Variant("mpi-async", "mpi", LOG_PARTS, "alog-mpi",
            ("--collect", "async"), "rank 0", "one", "#d62728", 4),
    Variant("mpi-blocking", "mpi", LOG_PARTS, "alog-mpi",
            ("--collect", "blocking"), "rank 0", "one", "#ff9896", 6),
    Variant("mpi-batched", "mpi", LOG_PARTS, "alog-mpi",
            ("--collect", "async", "--flush-ms", "2"), "rank 0", "one",
            "#8c564b", 8, batch=64),
    # The original experiment's model in Python: Python senders printing
    # `Clock <ms> from <pid>`, read by one thread each or by one asyncio
    # loop (scripts/ref/orig_logger.py).  No collector-side work option:
    # not in the crossover.
    Variant("py-threads", "python", ("io", "throughput"), "orig",
            ("--mode", "threads"), "each reader thread (Python)", "cores",
            "#ff7f0e", 2, reference=True),
    Variant("py-asyncio", "python", ("io", "throughput"), "orig",
            ("--mode", "asyncio"), "the asyncio loop (Python)", "one",
            "#ffbb78", 3, reference=True),
    # C producers into a Python collector (scripts/ref/ref_collector.py):
    # the collector alone, for information; only when --models names it.
    Variant("pyc-threads", "python", ("io", "throughput"), "refcol",
            ("--mode", "threads"), "each reader thread (Python)", "cores",
            "#c5b0d5", 10, default=False, reference=True),
    Variant("pyc-asyncio", "python", ("io", "throughput"), "refcol",
            ("--mode", "asyncio"), "the asyncio loop (Python)", "one",
            "#c49c94", 12, default=False, reference=True),
    # primes: speedup is the serial run of the same round over the model's
    # time (the Python rows: over py-serial's, on their own number).
    Variant("serial", "serial", ("primes",), "alog-async",
            ("primes",), "one thread", "one", "#000000", 1),
    Variant("async-tasks", "async", ("primes",), "alog-async",
            ("primes",), "P interleaved tasks on one thread", "one",
            "#1f77b4", 7),
    Variant("processes", "async", ("primes",), "alog-async",
            ("primes", "--processes"), "P child processes", "cores",
            "#aec7e8", 5),
    Variant("omp-threads", "omp", ("primes",), "alog-omp",
            ("primes",), "P OpenMP threads", "cores", "#2ca02c", 11),
    Variant("mpi-ranks", "mpi", ("primes",), "alog-mpi",
            ("primes",), "P MPI ranks", "cores", "#d62728", 4),
    Variant("py-serial", "python", ("primes",), "orig-primes",
            ("--mode", "serial"), "one thread (Python)", "one", "#7f7f7f",
            1, reference=True),
    Variant("py-tasks", "python", ("primes",), "orig-primes",
            ("--mode", "asyncio"), "P asyncio tasks gathered on one loop "
            "(Python)", "one", "#ff7f0e", 2, reference=True),
)
FAMILIES = ("async", "python", "omp", "mpi", "serial")
BY_NAME = {v.name: v for v in VARIANTS}
# The baseline of each primes row's speedup.
PRIMES_BASE = {"py-serial": "py-serial", "py-tasks": "py-serial"}
BOUND_WORDS = {
    "one": "{where} is one thread: it carries about 1 core of per-record "
           "work at most; beyond it only n cores help",
    "cores": "{where} runs on every core: it carries up to the n cores "
             "less what the producers use",
}
# The number the primes part calibrates on (the original's, a prime) and
# the kernel of every primes run: plain `%` by odd divisors, the
# original's algorithm, the only kernel whose serial time reaches a
# second on a 64-bit number.
CAL_NUMBER = 10657331232548839
PY_CAL_NUMBER = 100000000003
PRIMES_KERNEL = "div"
MAX_NUMBER = 2 ** 64 - 1


class PlanError(Exception):
    """Bad input: one line naming the value (exit 2)."""


def doubling(lo, hi, factor=2):
    """lo, factor lo, factor^2 lo ... up to hi, and hi itself."""
    out, x = [], lo
    while x < hi:
        out.append(x)
        x *= factor
    return out + [hi]


@dataclass
class Settings:
    """Everything a preset and the options decide."""
    cores: int
    preset: str = "full"
    min_reps: int = 6              # runs of every point at least
    max_reps: int = 12             # ... and at most (the per-point budget)
    ci_target: float = 0.05        # stop when the interval is within +-5%
    budget_s: float = 0.0          # no extra runs once spent (0: none)
    warmup: int = 1                # unrecorded runs per model and part
    phase: str = "spread"
    seed: int = 1                  # the order of the runs in each round
    io_rate: float = 10.0          # Hz per paced producer
    io_n: tuple = ()
    io_duration: float = 1.0       # s per paced run
    tp_n: tuple = ()
    tp_records: int = 1000000      # records per unthrottled C run (all n)
    tp_py_records: int = 20000     # the same for the Python references
    payloads: tuple = (0,)         # record sizes of the throughput part
    primes_p: tuple = ()
    primes_seconds: float = 1.0    # serial time the calibration aims at
    py_primes_seconds: float = 0.5  # the same for the Python rows
    number: int = 0                # the primes number (0: calibrate)
    py_number: int = 0             # the Python rows' number (0: calibrate)
    cross_n: int = 0
    cross_rate: float = 1000.0     # Hz per producer in the crossover
    cross_duration: float = 0.5    # s per crossover run
    cross_light: float = 0.02      # the lightest load tried, in cores
    cross_top: float = 0.0         # the heaviest, in cores (0: 2x cores)
    cross_tol: float = 0.10        # bisection until hi - lo <= tol x lo
    keep_ratio: float = 0.98       # collected/offered a model keeps up at
    bound_intervals: float = 10.0  # latency and lateness p99 bound
    batches: tuple = (64,)         # records per message of mpi-batched
    mpi_max_n: int = 64            # ranks beyond start too slowly here
    py_max_n: int = 64             # Python senders: their start-up (io)
    py_tp_max_n: int = 64          # ... in the throughput part
    max_n: int = 4096              # the machine's limit (fds, processes)
    big_n_models: tuple = ()       # the only models run beyond big_n
    big_n: int = 1024
    only: dict = None              # part -> variants it runs (None: all)
    launcher: str = "mpirun"

    def bound_s(self, rate):
        """The latency and lateness bound of a paced run, in seconds."""
        return self.bound_intervals / rate


def preset(cores, quick, limits=None):
    """The default experiment (under 20 minutes on 2 cores), or --quick's
    (under 90 s: what CI runs).  limits: the largest n the machine allows
    (open files, processes), from env.max_producers()."""
    c = cores
    top = limits or 4096
    if quick:
        return Settings(
            cores=c, preset="quick", min_reps=3, max_reps=6, budget_s=55,
            warmup=1, io_rate=100.0, io_n=(1, 8, 64), io_duration=0.15,
            tp_n=(2 * c,), tp_records=200000, tp_py_records=5000,
            primes_p=(c,), primes_seconds=0.15, py_primes_seconds=0.1,
            cross_n=2 * c, cross_duration=0.2, mpi_max_n=4, py_max_n=1,
            py_tp_max_n=2 * c, max_n=min(64, top))
    io_n = tuple(x for x in (1, 16, 256, 1024, 4096) if x <= top)
    return Settings(
        cores=c, io_n=io_n, tp_n=tuple(doubling(1, 2 * c)), py_max_n=16,
        primes_p=tuple(doubling(1, 2 * c)), cross_n=4 * c, budget_s=1020,
        max_n=top, big_n_models=("async-epoll", "async-uring"))


def variants_for(s, names=None):
    """The variants of the experiment: the registry, mpi-batched once per
    --batch value (mpi-batched-K when more than one), restricted to the
    names given (None: the default ones)."""
    out = []
    for v in VARIANTS:
        if v.name == "mpi-batched":
            ks = s.batches
            for k in ks:
                name = v.name if len(ks) == 1 else f"mpi-batched-{k}"
                out.append(replace(v, name=name, batch=k))
        else:
            out.append(v)
    if names is None:
        return [v for v in out if v.default]
    return [v for v in out if v.name in names]


def select_variants(s, words):
    """The variants a --models list names (families or variant names);
    PlanError naming the first unknown word."""
    every = variants_for(s, {v.name for v in VARIANTS} |
                         {f"mpi-batched-{k}" for k in s.batches})
    names = {v.name for v in every}
    chosen = []
    for w in words:
        if w in names:
            hits = [v for v in every if v.name == w]
        elif w == "mpi-batched":
            hits = [v for v in every if v.name.startswith("mpi-batched")]
        elif w in FAMILIES:
            hits = [v for v in every if v.family == w and v.default]
        else:
            raise PlanError(f"--models '{w}': unknown model (use "
                            f"{', '.join(FAMILIES)} or one of "
                            f"{', '.join(v.name for v in VARIANTS)})")
        chosen += [v for v in hits if v not in chosen]
    # speedup needs the serial run of every round (each row's baseline)
    for v in list(chosen):
        if "primes" in v.parts:
            base = PRIMES_BASE.get(v.name, "serial")
            if all(c.name != base for c in chosen):
                chosen.append(next(x for x in every if x.name == base))
    return [v for v in every if v in chosen]


@dataclass(frozen=True)
class Point:
    """One point of the experiment: run once per round."""
    part: str
    variant: Variant
    n: int                # producers, or parts P (primes)
    rate: float = 0.0     # Hz per producer, 0 = unthrottled
    work: int = 0         # collector-side steps per record (crossover)
    load: float = 0.0     # offered load in cores (crossover)
    payload: int = 0      # record size on the wire (0: natural)

    def key(self):
        """What identifies the point in runs.csv and summary.csv."""
        return point_key({"part": self.part, "variant": self.variant.name,
                          "n": self.n, "rate_hz": self.rate,
                          "offered_cores": self.load,
                          "payload": self.payload})

    def label(self):
        s = f"{self.part} {self.variant.name} n={self.n}"
        if self.payload:
            s += f" payload={self.payload}"
        return s + (f" load={self.load:.3g}" if self.part == "crossover"
                    else "")


def num_key(x):
    """A number as it is written in a key: %.6g of its float."""
    try:
        return f"{float(x):.6g}"
    except (TypeError, ValueError):
        return "0"


def point_key(row):
    """The point of a runs.csv or summary.csv row (what --diff joins on:
    the collector-side work is left out, it depends on the machine)."""
    return (row["part"], row["variant"], str(int(float(row["n"]))),
            num_key(row["rate_hz"]), num_key(row["offered_cores"]),
            str(int(float(row.get("payload") or 0))))


def work_steps(load, n, rate, step_s):
    """Collector-side steps per record that make n producers at rate Hz
    offer `load` cores of work (load = n x rate x steps x step_s)."""
    return max(1, round(load / (n * rate * step_s)))


def cap_of(s, v):
    """The largest n variant v runs at in the io part, and why not more."""
    if v.program == "alog-mpi":
        return s.mpi_max_n, (f"MPI at most {s.mpi_max_n} producers (each "
                             "rank's MPI start costs about 30 ms of a core "
                             "here)")
    if v.program in ("orig", "refcol"):
        return s.py_max_n, (f"Python senders at most {s.py_max_n} (each "
                            "is an interpreter to start)")
    if s.big_n_models and v.name not in s.big_n_models:
        return s.big_n, (f"beyond {s.big_n} producers only "
                         f"{', '.join(s.big_n_models)}")
    return s.max_n, f"the machine allows {s.max_n} producers"


def grid_points(s, variants, parts):
    """Every point of the fixed grids (io, throughput, primes) of the
    chosen parts, and the caps that left points out ({variant: why})."""
    pts, capped = [], {}
    for part in ("io", "throughput", "primes"):
        if part not in parts:
            continue
        only = (s.only or {}).get(part)
        for v in (v for v in variants if part in v.parts
                  and (only is None or v.name in only)):
            if part == "io":
                cap, why = cap_of(s, v)
                ns = sorted({min(n, cap) for n in s.io_n})
                if max(s.io_n) > cap:
                    capped[v.name] = why
                pts += [Point(part, v, n, s.io_rate) for n in ns]
            elif part == "throughput":
                cap = s.py_tp_max_n if v.program in ("orig", "refcol") \
                    else s.max_n
                pts += [Point(part, v, n, payload=b) for b in s.payloads
                        for n in sorted({min(n, cap) for n in s.tp_n})]
            else:
                base = v.name in ("serial", "py-serial")
                ps = (1,) if base else s.primes_p
                pts += [Point(part, v, p) for p in ps]
    return pts, capped


def crossover_variants(s, variants):
    only = (s.only or {}).get("crossover")
    return [v for v in variants if "crossover" in v.parts
            and (only is None or v.name in only)]


@dataclass
class Launch:
    """Where the programs are and how MPI runs start."""
    build: str
    root: str
    python: str
    cores: int
    launcher: str = "mpirun"
    hostfile: str = ""

    def bin(self, program):
        return layout.program(self.build, program)

    def ref(self, name):
        return os.path.join(self.root, "scripts", "ref", name)

    def mpi(self, np):
        """The launcher's words for np ranks."""
        if self.launcher == "srun":
            return ["srun", "--mpi=pmix", "-n", str(np)]
        cmd = ["mpirun", "-q", "--oversubscribe"]
        if self.hostfile:
            cmd += ["--hostfile", self.hostfile]
        else:
            # ob1 is the pml Open MPI selects on one node anyway; naming it
            # skips the UCX probe (0.2 s of every start here)
            cmd += ["--mca", "pml", "ob1"]
            if np > self.cores:
                # ranks beyond the cores give their CPU back while they wait
                cmd += ["--mca", "mpi_yield_when_idle", "1"]
        return cmd + ["-np", str(np)]


def _log_args(point, s):
    """The producers' schedule and the collector's work of a log run."""
    v = point.variant
    if point.rate:
        dur = s.cross_duration if point.part == "crossover" else \
            s.io_duration
        a = ["--rate", f"{point.rate:g}", "--duration", f"{dur:g}",
             "--phase", s.phase]
    else:
        py = v.program in ("orig", "refcol")
        total = s.tp_py_records if py else s.tp_records
        a = ["--interval", "0", "--count", str(max(1, total // point.n))]
    if point.payload:
        a += ["--payload", str(point.payload)]
    if point.work:
        a += ["--collect-work", str(point.work)]
    return a


def command(point, s, launch):
    """The argv of one run of point."""
    v = point.variant
    if v.program == "orig":
        return [launch.python, launch.ref("orig_logger.py"), "-n",
                str(point.n), *v.args, *_log_args(point, s),
                "--format", "csv", "-q"]
    if v.program == "refcol":
        a = [x for x in _log_args(point, s) if x not in ("--phase", s.phase)]
        if not point.rate:  # ref_collector.py: unthrottled is its default
            a = a[2:]
        return [launch.python, launch.ref("ref_collector.py"), "--producer",
                launch.bin("alog-producer"), "-n", str(point.n), *v.args,
                *a, "--format", "csv"]
    if v.program == "orig-primes":
        p = 1 if v.name == "py-serial" else point.n
        return [launch.python, launch.ref("orig_primes.py"), "--number",
                str(s.py_number), "-P", str(p), *v.args, "--format", "csv"]
    prog = [launch.bin(v.program)]
    if point.part == "primes":
        args = [*v.args, "--number", str(s.number), "--kernel",
                PRIMES_KERNEL, "-P", str(point.n), "--no-baseline"]
        np = max(point.n, 2)  # alog-mpi needs a second rank
    else:
        args = [*v.args, *_log_args(point, s)]
        if v.batch:
            args += ["--batch", str(v.batch)]
        np = point.n + 1      # rank 0 collects
        if v.program != "alog-mpi":
            args = ["-n", str(point.n)] + args
    args += ["--format", "csv", "-q"]
    if v.program == "alog-mpi":
        prog = launch.mpi(np) + prog
    return prog + args


def start_cost(variant, n=1):
    """Seconds a run of variant takes to start and end (a guess, for the
    time left and the timeouts)."""
    p = variant.program
    if p == "alog-mpi":
        return 0.25 + 0.02 * n
    if p == "orig":
        return 0.7 + 0.12 * n
    if p in ("refcol", "orig-primes"):
        return 0.2 + 0.002 * n
    return 0.03 + 0.002 * n


def expected_seconds(point, s, serial_s=1.0, py_serial_s=1.0):
    """A guess of how long a run of point takes."""
    v = point.variant
    if point.part == "io":
        t = s.io_duration
    elif point.part == "throughput":
        t = s.tp_py_records / 3e5 if v.program in ("orig", "refcol") \
            else s.tp_records / 5e6
    elif point.part == "primes":
        par = v.name in ("processes", "omp-threads", "mpi-ranks")
        split = min(point.n, s.cores) if par else 1
        base = py_serial_s if v.program == "orig-primes" else serial_s
        t = base / split
    else:
        capacity = s.cores if v.bound == "cores" else 1
        t = s.cross_duration * max(1.0, point.load / capacity)
    return t + start_cost(v, point.n)


def is_prime(n):
    """Miller-Rabin with the bases that are exact below 3.3e24."""
    if n < 2:
        return False
    bases = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
    for p in bases:
        if n % p == 0:
            return n == p
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for a in bases:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def choose_number(cal_seconds, target_seconds, cal_number=CAL_NUMBER):
    """The smallest prime whose serial time should reach target_seconds,
    given cal_seconds for cal_number (trial division takes time in
    proportion to the square root); the largest 64-bit prime at most."""
    scale = (target_seconds / cal_seconds) ** 2
    n = min(int(cal_number * scale), MAX_NUMBER)
    n = max(n, 1000003) | 1
    while n <= MAX_NUMBER and not is_prime(n):
        n += 2
    if n > MAX_NUMBER:
        n = MAX_NUMBER - 58  # 2^64 - 59, the largest 64-bit prime
        while not is_prime(n):
            n -= 2
    return n


def estimate_serial(number, cal_seconds, cal_number=CAL_NUMBER):
    """Serial seconds expected for number, from the calibration."""
    return cal_seconds * math.sqrt(number / cal_number)

