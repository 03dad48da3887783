"""compare_plan.py - what scripts/compare runs: the models and their
variants, the four parts of the experiment, their points and the command
line of each run.  No process is started here (scripts/compare and
compare_run.py do that), so the plan can be checked before anything runs.
"""
import math
import os
from dataclasses import dataclass

PARTS = ("io", "throughput", "primes", "crossover")
PART_TITLES = {
    "io": "I/O-bound: many slow producers",
    "throughput": "Throughput: unthrottled producers",
    "primes": "CPU-bound: primes",
    "crossover": "The crossover: collector-side work per record",
}


@dataclass(frozen=True)
class Variant:
    """One model in one of its variants, as the experiment runs it."""
    name: str        # async-epoll, omp-none, ... (a column of the tables)
    family: str      # async, python, omp, mpi, serial: what --models names
    parts: tuple     # the parts it takes part in
    program: str     # alog-async, alog-omp, alog-mpi or ref (Python)
    args: tuple      # its options
    where: str       # where it handles a record (collector-side work)
    parallel: bool   # that handling runs on every core, not on one


_LOG = ("io", "throughput", "crossover")
_LOG_ONLY = ("io", "throughput")
VARIANTS = (
    Variant("async-epoll", "async", _LOG, "alog-async",
            ("--readers", "epoll"), "the one event loop", False),
    Variant("async-threads", "async", _LOG, "alog-async",
            ("--readers", "threads"), "each reader thread", True),
    Variant("py-threads", "python", _LOG_ONLY, "ref",
            ("--mode", "threads"), "each reader thread (Python)", True),
    Variant("py-asyncio", "python", _LOG_ONLY, "ref",
            ("--mode", "asyncio"), "the asyncio loop (Python)", False),
    Variant("omp-none", "omp", _LOG, "alog-omp",
            ("--collect", "none"), "each producer thread", True),
    Variant("omp-thread", "omp", _LOG, "alog-omp",
            ("--collect", "thread"), "the collector thread", False),
    Variant("mpi-async", "mpi", _LOG, "alog-mpi",
            ("--collect", "async"), "rank 0", False),
    Variant("mpi-blocking", "mpi", _LOG_ONLY, "alog-mpi",
            ("--collect", "blocking"), "rank 0", False),
    Variant("mpi-batched", "mpi", _LOG_ONLY, "alog-mpi",
            ("--collect", "async", "--batch", "64"), "rank 0", False),
    # primes: every run without its own baseline; speedup is the serial
    # run of the same round over the model's time.
    Variant("serial", "serial", ("primes",), "alog-async",
            ("primes",), "one thread", False),
    Variant("async-tasks", "async", ("primes",), "alog-async",
            ("primes",), "P interleaved tasks on one thread", False),
    Variant("processes", "async", ("primes",), "alog-async",
            ("primes", "--processes"), "P child processes", True),
    Variant("omp-threads", "omp", ("primes",), "alog-omp",
            ("primes",), "P OpenMP threads", True),
    Variant("mpi-ranks", "mpi", ("primes",), "alog-mpi",
            ("primes",), "P MPI ranks", True),
)
FAMILIES = ("async", "python", "omp", "mpi", "serial")
BY_NAME = {v.name: v for v in VARIANTS}
# The number the primes part calibrates on (the original's, a prime) and
# the kernel of every primes run: plain `%` by odd divisors, the only
# kernel whose serial time reaches a second on a 64-bit number.
CAL_NUMBER = 10657331232548839
PRIMES_KERNEL = "div"
MAX_NUMBER = 2 ** 64 - 1


class PlanError(Exception):
    """Bad input: one line naming the value (exit 2)."""


def doubling(lo, hi):
    """lo, 2 lo, 4 lo ... up to hi, and hi itself."""
    out, x = [], lo
    while x < hi:
        out.append(x)
        x *= 2
    return out + [hi]


@dataclass
class Settings:
    """Everything a preset and the options decide."""
    cores: int
    reps: int = 5
    rate: float = 1000.0          # Hz per paced producer (io, crossover)
    io_n: tuple = ()
    io_duration: float = 1.0      # s per paced run
    tp_n: tuple = ()
    tp_records: int = 1000000     # records per unthrottled C run (all n)
    tp_py_records: int = 100000   # the same for the Python reference
    primes_p: tuple = ()
    primes_seconds: float = 1.0   # serial time the calibration aims at
    number: int = 0               # the primes number (0: calibrate)
    cross_n: int = 0
    cross_loads: tuple = ()       # offered load, in cores
    cross_duration: float = 0.5
    quick: bool = False
    only: dict = None             # part -> the variants it runs (None: all)


def preset(cores, quick):
    """The default experiment, or --quick's (under a minute on 2 cores)."""
    c = cores
    if quick:
        return Settings(cores=c, reps=3, io_n=(1, 4 * c), io_duration=0.2,
                        tp_n=(1, 2 * c), tp_records=300000,
                        tp_py_records=30000, primes_p=(1, c),
                        primes_seconds=0.15, cross_n=4 * c,
                        cross_loads=tuple(f * c for f in (0.05, 0.5, 1)),
                        cross_duration=0.2, quick=True,
                        only=dict(QUICK_MODELS))
    return Settings(cores=c, io_n=tuple(doubling(1, 4 * c)),
                    tp_n=tuple(doubling(1, 2 * c)),
                    primes_p=tuple(doubling(1, 2 * c)), cross_n=4 * c,
                    cross_loads=tuple(f * c for f in (
                        0.01, 0.05, 0.125, 0.25, 0.375, 0.5, 0.75, 1, 2)))


# The variants --quick runs of each part when --models is not given: one
# per kind of collector; MPI (whose start alone takes 1-1.5 s here) in io
# only.
QUICK_MODELS = {
    "io": ("async-epoll", "async-threads", "py-threads", "omp-none",
           "omp-thread", "mpi-async"),
    "throughput": ("async-epoll", "async-threads", "py-threads", "omp-none",
                   "omp-thread"),
    "primes": ("serial", "async-tasks", "processes", "omp-threads"),
    "crossover": ("async-epoll", "async-threads", "omp-none", "omp-thread"),
}


def select_variants(words):
    """The variants a --models list names (families or variant names);
    PlanError naming the first unknown word."""
    chosen = []
    for w in words:
        if w in BY_NAME:
            hits = [BY_NAME[w]]
        elif w in FAMILIES:
            hits = [v for v in VARIANTS if v.family == w]
        else:
            raise PlanError(f"--models '{w}': unknown model (use "
                            f"{', '.join(FAMILIES)} or one of "
                            f"{', '.join(BY_NAME)})")
        chosen += [v for v in hits if v not in chosen]
    # speedup needs the serial run of every round
    serial = BY_NAME["serial"]
    if any("primes" in v.parts for v in chosen) and serial not in chosen:
        chosen.append(serial)
    return [v for v in VARIANTS if v in chosen]


@dataclass(frozen=True)
class Point:
    """One point of the experiment: run once per round."""
    part: str
    variant: Variant
    n: int                # producers, or parts P (primes)
    rate: float = 0.0     # Hz per producer, 0 = unthrottled
    work: int = 0         # collector-side steps per record (crossover)
    load: float = 0.0     # offered load in cores (crossover)

    def key(self):
        """What identifies the point in runs.csv and summary.csv."""
        return (self.part, self.variant.name, self.n, self.rate, self.load)

    def label(self):
        s = f"{self.part} {self.variant.name} n={self.n}"
        return s + (f" load={self.load:g}" if self.part == "crossover" else "")


def work_steps(load, n, rate, step_s):
    """Collector-side steps per record that make n producers at rate Hz
    offer `load` cores of work (load = n x rate x steps x step_s)."""
    return max(1, round(load / (n * rate * step_s)))


def plan_points(s, variants, parts, step_s):
    """Every point of the chosen parts, in the order of one round: parts in
    order, then the variants, then n (or the load)."""
    pts = []
    for part in PARTS:
        if part not in parts:
            continue
        only = (s.only or {}).get(part)
        for v in (v for v in variants if part in v.parts
                  and (only is None or v.name in only)):
            if part == "io":
                pts += [Point(part, v, n, s.rate) for n in s.io_n]
            elif part == "throughput":
                pts += [Point(part, v, n) for n in s.tp_n]
            elif part == "primes":
                ps = (1,) if v.name == "serial" else s.primes_p
                pts += [Point(part, v, p) for p in ps]
            else:
                pts += [Point(part, v, s.cross_n, s.rate,
                              work_steps(x, s.cross_n, s.rate, step_s), x)
                        for x in s.cross_loads]
    return pts


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
        sub = {"alog-omp": "omp", "alog-mpi": "mpi"}.get(program, "")
        return os.path.join(self.build, sub, program)

    def mpi(self, np):
        """The launcher's words for np ranks."""
        if self.launcher == "srun":
            return ["srun", "--mpi=pmix", "-n", str(np)]
        cmd = ["mpirun", "-q", "--oversubscribe"]
        if self.hostfile:
            cmd += ["--hostfile", self.hostfile]
        elif np > self.cores:
            # ranks beyond the cores give their CPU back while they wait
            cmd += ["--mca", "mpi_yield_when_idle", "1"]
        return cmd + ["-np", str(np)]


def _log_args(point, s):
    """The producers' schedule and the collector's work of a log run."""
    if point.rate:
        dur = s.cross_duration if point.part == "crossover" else s.io_duration
        a = ["--rate", f"{point.rate:g}", "--duration", f"{dur:g}"]
    elif point.variant.program == "ref":  # unthrottled is its default
        a = ["--count", str(max(1, s.tp_py_records // point.n))]
    else:
        a = ["--interval", "0",
             "--count", str(max(1, s.tp_records // point.n))]
    if point.work:
        a += ["--collect-work", str(point.work)]
    return a


def command(point, s, launch):
    """The argv of one run of point."""
    v = point.variant
    if v.program == "ref":
        return [launch.python,
                os.path.join(launch.root, "scripts", "ref", "ref_collector.py"),
                "--producer", launch.bin("alog-producer"), "-n",
                str(point.n), *v.args, *_log_args(point, s),
                "--format", "csv"]
    prog = [launch.bin(v.program)]
    if point.part == "primes":
        args = [*v.args, "--number", str(s.number), "--kernel",
                PRIMES_KERNEL, "-P", str(point.n), "--no-baseline"]
        np = max(point.n, 2)  # alog-mpi needs a second rank
    else:
        args = [*v.args, *_log_args(point, s)]
        np = point.n + 1      # rank 0 collects
        if v.program != "alog-mpi":
            args = ["-n", str(point.n)] + args
    args += ["--format", "csv", "-q"]
    if v.program == "alog-mpi":
        prog = launch.mpi(np) + prog
    return prog + args


def start_cost(variant):
    """Seconds a run of variant takes to start and end (a guess, for the
    estimated time left and the timeouts)."""
    return {"alog-mpi": 1.2, "ref": 0.3}.get(variant.program, 0.05)


def expected_seconds(point, s, serial_s):
    """A guess of how long a run of point takes."""
    v = point.variant
    if point.part == "io":
        t = s.io_duration
    elif point.part == "throughput":
        t = s.tp_py_records / 3e5 if v.program == "ref" else s.tp_records / 5e6
    elif point.part == "primes":
        split = 1 if v.name in ("serial", "async-tasks") else \
            min(point.n, s.cores)
        t = serial_s / split
    else:
        capacity = s.cores if v.parallel else 1
        t = s.cross_duration * max(1.0, point.load / capacity)
    return t + start_cost(v)


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


def choose_number(cal_seconds, target_seconds):
    """The smallest prime whose serial time should reach target_seconds,
    given cal_seconds for CAL_NUMBER (trial division takes time in
    proportion to the square root); the largest 64-bit prime at most."""
    scale = (target_seconds / cal_seconds) ** 2
    n = min(int(CAL_NUMBER * scale), MAX_NUMBER)
    n = max(n, 1000003) | 1
    while n <= MAX_NUMBER and not is_prime(n):
        n += 2
    if n > MAX_NUMBER:
        n = MAX_NUMBER - 58  # 2^64 - 59, the largest 64-bit prime
        while not is_prime(n):
            n -= 2
    return n


def estimate_serial(number, cal_seconds):
    """Serial seconds expected for number, from the calibration."""
    return cal_seconds * math.sqrt(number / CAL_NUMBER)
