"""alogexp.cli - scripts/compare's command line: ONE option table that
drives the parsing, the checks and --help; bad input is one line naming
the value and exit 2, before anything runs or is written.
"""
import datetime
import math
import os
import shlex
import shutil
import signal
import sys
import time
from dataclasses import dataclass

from . import env as envmod
from . import layout, plan, runner, summary
from .diff import diff_main, results_folder
from .experiment import (Experiment, ensure_built, failures_of,
                         fill_speedups, write_outputs)

PROG = "compare"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
MAX_N = 4096


class Usage(Exception):
    """Bad input: the one line to print before exit 2."""


# ---- value checks: each returns the value or raises Usage naming it --------

def whole(opt, text, least=0):
    if not text.isdigit():
        raise Usage(f"{opt} '{text}': not a whole number")
    x = int(text)
    if x < least:
        raise Usage(f"{opt} '{text}': must be at least {least}")
    return x


def number(opt, text, positive=True):
    try:
        x = float(text)
    except ValueError:
        x = math.nan
    if math.isnan(x) or math.isinf(x) or (x <= 0 if positive else x < 0):
        raise Usage(f"{opt} '{text}': not a number "
                    + ("> 0" if positive else ">= 0"))
    return x


def fraction(opt, text):
    x = number(opt, text)
    if not x < 1:
        raise Usage(f"{opt} '{text}': not a fraction between 0 and 1")
    return x


def whole_list(opt, text, lo=1, hi=MAX_N):
    items = text.split(",")
    if not text or not all(w.isdigit() and lo <= int(w) <= hi
                           for w in items):
        raise Usage(f"{opt} '{text}': not a comma list of whole numbers "
                    f"from {lo} to {hi}")
    return tuple(sorted({int(w) for w in items}))


def name_list(opt, text, allowed=None):
    items = text.split(",")
    if not text or any(not w for w in items):
        raise Usage(f"{opt} '{text}': not a comma list of names")
    for w in items:
        if allowed is not None and w not in allowed:
            raise Usage(f"{opt} '{w}': unknown (use {', '.join(allowed)})")
    return items


def choice(*words):
    def check(opt, text):
        if text not in words:
            raise Usage(f"{opt} '{text}': use {' or '.join(words)}")
        return text
    return check


@dataclass(frozen=True)
class Opt:
    name: str
    metavar: str     # '' for a flag; 'A B' takes two values
    check: object    # check(opt, text) -> value (None: taken as is)
    help: str
    mode: str = "run"  # run: an experiment option; diff, report: alone

    def values(self):
        return 0 if not self.metavar else len(self.metavar.split())


OPTIONS = (
    Opt("--quick", "", None, "the CI preset: 3 to 6 runs per point, short "
        "runs, fewer points, every model in every part it belongs to; "
        "under 90 s on 2 cores"),
    Opt("--parts", "LIST", lambda o, t: name_list(o, t, plan.PARTS),
        "the parts to run: io, throughput, primes, crossover (default all)"),
    Opt("--models", "LIST", name_list, "the models: families async, "
        "python, omp, mpi, serial, or variant names (default: every "
        "default variant); each runs in every part it belongs to"),
    Opt("--n", "LIST", whole_list, "producers of io and throughput, and "
        "parts P of primes (default: io 1,4,16,64,256,1024,4096 as the "
        "limits allow, quick 1,8,64; throughput and primes 1 .. 2x the "
        "cores, quick 2x the cores)"),
    Opt("--reps", "R", lambda o, t: whole(o, t, 3), "exactly R runs per "
        "point: --min-reps R --max-reps R (at least 3)"),
    Opt("--min-reps", "R", lambda o, t: whole(o, t, 3), "runs of every "
        "point at least (default 6, quick 3; 6 is the fewest whose "
        "interval reaches 95%)"),
    Opt("--max-reps", "R", lambda o, t: whole(o, t, 3), "runs of a point "
        "at most, its budget (default 12, quick 6)"),
    Opt("--ci-target", "F", fraction, "a point stops once its 95% "
        "interval lies within +-F of its median (default 0.05)"),
    Opt("--budget", "S", lambda o, t: number(o, t, positive=False),
        "seconds after which no run beyond --min-reps starts, shared "
        "among the parts by their expected cost (default 1020, quick 55; "
        "0: no limit)"),
    Opt("--warmup", "K", whole, "unrecorded runs of each model before "
        "its first point (once for the log parts, once for primes), in "
        "runs.csv as repetition 0 (default 1)"),
    Opt("--duration", "S", number, "seconds of every paced run (io, "
        "crossover; default io 1, crossover 0.5; quick 0.15 and 0.2)"),
    Opt("--rate", "HZ", number, "records/s of each producer in io "
        "(default 10, quick 100)"),
    Opt("--cross-rate", "HZ", number, "records/s of each producer in the "
        "crossover (default 1000)"),
    Opt("--phase", "spread|aligned", choice("spread", "aligned"),
        "paced producers' first records spread over the interval, so that "
        "latency measures the collector, or all due at once (bursts) "
        "(default spread)"),
    Opt("--payload", "LIST", lambda o, t: whole_list(o, t, 0, 65536),
        "record sizes of the throughput part in bytes, one series each "
        "(0: the natural size; default 0)"),
    Opt("--batch", "LIST", lambda o, t: whole_list(o, t, 1, 65536),
        "records per message of mpi-batched, one variant each "
        "(mpi-batched-K when more than one; default 64)"),
    Opt("--number", "N", lambda o, t: whole(o, t, 2), "the primes number "
        "(default: calibrated to a serial second, quick 0.15 s)"),
    Opt("--seed", "N", whole, "the seed of the order of the runs in each "
        "round (default 1)"),
    Opt("--out", "DIR", None, "results folder (default results/<date>-"
        "<host>/); with --diff, the markdown file", mode="any"),
    Opt("--hostfile", "FILE", None, "mpirun --hostfile for the MPI runs"),
    Opt("--launcher", "mpirun|srun", choice("mpirun", "srun"),
        "how MPI runs start: mpirun (default) or srun --mpi=pmix -n NP"),
    Opt("--build", "DIR", None, "build directory (default $ALOG_BUILD, else "
        "build/, or an installed alog's programs); built first when a "
        "program is missing"),
    Opt("--diff", "A B", None, "two results folders compared: per point "
        "and figure B/A with its 95% bootstrap interval and the rank "
        "test's p, those that differ first, warnings where A and B differ "
        "in parameters (stdout and markdown)", mode="diff"),
    Opt("--report", "DIR", None, "summary, tables and plots again from "
        "DIR/runs.csv", mode="report"),
    Opt("--help", "", None, "this help", mode="any"),
)
BY_OPT = {o.name: o for o in OPTIONS}


def parse(argv):
    """{option name: value} of argv; Usage on the first bad word."""
    got = {}
    i = 0
    while i < len(argv):
        word = argv[i]
        name, eq, inline = word.partition("=")
        if word == "-h":
            name, eq = "--help", ""
        o = BY_OPT.get(name)
        if o is None:
            raise Usage(f"unknown option '{word}'" if word.startswith("-")
                        else f"unknown argument '{word}'")
        if name in got:
            raise Usage(f"{name}: given twice")
        k = o.values()
        if k == 0:
            if eq:
                raise Usage(f"{name}: takes no value")
            got[name] = True
            i += 1
            continue
        if eq:
            vals = [inline]
            i += 1
        else:
            vals = argv[i + 1:i + 1 + k]
            i += 1 + k
        if len(vals) < k or (not eq and any(v.startswith("--") for v in vals)
                             and name not in ("--out",)):
            raise Usage(f"{name}: needs {o.metavar}")
        if k == 1 and eq and len(vals) != 1:
            raise Usage(f"{name}: needs {o.metavar}")
        if o.check is not None:
            got[name] = o.check(name, vals[0])
        elif k == 2:
            got[name] = tuple(vals)
        else:
            if vals[0] == "":
                raise Usage(f"{name} '': needs {o.metavar.lower()}")
            got[name] = vals[0]
    return got


def help_text():
    """--help, generated from the option table and the registries."""
    cols = summary.SUMMARY_COLUMNS
    lines = [
        "compare - async I/O against parallel processing on this machine's "
        "cores:",
        "the whole experiment in one command, its figures in one results "
        "folder.", "",
        "  scripts/compare [--quick] [options]",
        "  scripts/compare --diff A B [--out FILE]",
        "  scripts/compare --report DIR", "",
        "Parts:",
        "  io          n slow paced producers (10 Hz; up to 4096 where the "
        "limits",
        "              allow): collector CPU per record, memory, latency "
        "and",
        "              lateness p99, collected/offered",
        "  throughput  unthrottled producers: records/s, CPU per record",
        "  primes      trial division of a calibrated prime, P = 1 .. 2x "
        "the cores:",
        "              time, speedup and efficiency against the serial run "
        "of the round",
        "  crossover   4x-the-cores producers, W trial-division steps per "
        "record where",
        "              the model stores it; bisection of the load (cores) "
        "where each",
        "              model stops keeping up (collected/offered >= 0.98 "
        "and p99 under",
        "              10 intervals, by their 95% intervals)",
        "Models (--models):"]
    for part in plan.PARTS:
        names = [v.name + ("" if v.default else "*")
                 for v in plan.VARIANTS if part in v.parts]
        row = f"  {part + ':':<12}"
        for nm in names:
            if len(row) + len(nm) + 1 > 78:
                lines.append(row.rstrip())
                row = " " * 14
            row += nm + " "
        lines.append(row.rstrip())
    lines += ["  (* only when named; py-*: the original's model in Python, "
              "reference rows)", "Options:"]
    for o in OPTIONS:
        head = f"  {o.name}" + (f" {o.metavar}" if o.metavar else "")
        if o.name == "--help":
            head = "  -h, --help"
        text = o.help
        width = 76 - 24
        words_, cur, out = text.split(), "", []
        for w in words_:
            if len(cur) + len(w) + 1 > width:
                out.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}".strip()
        out.append(cur)
        if len(head) > 22:
            lines.append(head)
            lines += [" " * 24 + x for x in out]
        else:
            lines.append(f"{head:<24}{out[0]}")
            lines += [" " * 24 + x for x in out[1:]]
    lines += [
        "Statistics: every figure is the median of a point's runs with its "
        "95%",
        "confidence interval from order statistics (distribution-free; "
        "[min, max] and",
        "a lower confidence below 6 runs), the same in tables and plots. "
        "Manual:",
        "doc/compare.md.",
        "The results folder: runs.csv (one row per run; warm-ups are "
        "repetition 0),",
        "summary.csv, crossover.csv, summary.md (also printed), meta.txt, "
        "env.txt,",
        "the PNG plots with their gnuplot/ scripts, reports/ (every run's "
        "report).",
        "Exit status: 0 every run measured; 1 some run failed (listed at "
        "the end of",
        "summary.md); 2 bad input (one line, before anything runs); 130 "
        "interrupted.",
        "runs.csv columns: " + ", ".join(runner.RUN_COLUMNS) + ".",
        "summary.csv columns: " + ", ".join(cols) + ".",
        "crossover.csv columns: " + ", ".join(summary.CROSSOVER_COLUMNS)
        + "."]
    return "\n".join(lines) + "\n"


def settings_from(got, cores):
    """The preset with the options applied; Usage on values that do not
    fit together."""
    s = plan.preset(cores, "--quick" in got, envmod.max_producers(MAX_N))
    if "--reps" in got:
        for k in ("--min-reps", "--max-reps"):
            if k in got:
                raise Usage(f"{k}: not with --reps")
        s.min_reps = s.max_reps = got["--reps"]
    s.min_reps = got.get("--min-reps", s.min_reps)
    s.max_reps = got.get("--max-reps", max(s.max_reps, s.min_reps)
                         if "--min-reps" in got else s.max_reps)
    if s.max_reps < s.min_reps:
        raise Usage(f"--max-reps '{s.max_reps}': below --min-reps "
                    f"{s.min_reps}")
    s.ci_target = got.get("--ci-target", s.ci_target)
    s.budget_s = got.get("--budget", s.budget_s)
    s.warmup = got.get("--warmup", s.warmup)
    if "--duration" in got:
        s.io_duration = s.cross_duration = got["--duration"]
    s.io_rate = got.get("--rate", s.io_rate)
    s.cross_rate = got.get("--cross-rate", s.cross_rate)
    s.phase = got.get("--phase", s.phase)
    s.payloads = got.get("--payload", s.payloads)
    s.batches = got.get("--batch", s.batches)
    s.seed = got.get("--seed", s.seed)
    if "--n" in got:
        ns = got["--n"]
        big = [n for n in ns if n > s.max_n]
        if big:
            raise Usage(f"--n '{big[0]}': above the {s.max_n} producers "
                        "this machine's limits allow")
        s.io_n = s.tp_n = s.primes_p = ns
    if "--number" in got:
        if got["--number"] > plan.MAX_NUMBER:
            raise Usage(f"--number '{got['--number']}': above 2^64 - 1")
        s.number = got["--number"]
    s.launcher = got.get("--launcher", "mpirun")
    return s


def choose(got, s):
    """The parts and variants; Usage when nothing would run."""
    parts = got.get("--parts", list(plan.PARTS))
    if "--models" in got:
        try:
            variants = plan.select_variants(s, got["--models"])
        except plan.PlanError as e:
            raise Usage(str(e)) from None
    else:
        variants = plan.variants_for(s)
    idle = [p for p in parts if not any(p in v.parts for v in variants)]
    if len(idle) == len(parts):
        raise Usage(f"--models '{','.join(got['--models'])}': none of them "
                    f"runs in --parts '{','.join(parts)}'")
    for p in idle:
        print(f"{PROG}: part {p}: none of --models runs it; skipped",
              file=sys.stderr)
    return [p for p in parts if p not in idle], variants


def check_launch(got, variants):
    launcher = got.get("--launcher", "mpirun")
    hostfile = got.get("--hostfile")
    if hostfile is not None:
        if not os.path.isfile(hostfile):
            raise Usage(f"--hostfile '{hostfile}': no such file")
        if launcher == "srun":
            raise Usage(f"--hostfile '{hostfile}': goes with --launcher "
                        "mpirun (srun takes its nodes from Slurm)")
    if any(v.program == "alog-mpi" for v in variants) and \
            not shutil.which(launcher):
        raise Usage(f"--launcher '{launcher}': not found on PATH")


def out_folder(got):
    if "--out" in got:
        out = got["--out"]
        if os.path.exists(out) and not os.path.isdir(out):
            raise Usage(f"--out '{out}': not a folder")
        return out
    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
    # An installed alog's results go to the working directory's results/.
    base = os.path.join("results" if layout.installed() else
                        os.path.join(ROOT, "results"),
                        f"{stamp}-{os.uname().nodename.split('.')[0]}")
    out, k = base, 1
    while os.path.exists(out):
        k += 1
        out = f"{base}-{k}"
    return out


def env_for_runs():
    env = dict(os.environ)
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    return env


def check_alone(got, mode):
    """--diff and --report take no experiment options."""
    for name in got:
        o = BY_OPT[name]
        if o.mode not in ("any", mode):
            raise Usage(f"{name}: not with --{mode}")


def report_again(folder):
    """--report DIR: summary, tables and plots again from runs.csv."""
    runs = fill_speedups(runner.read_runs(folder))  # a stopped run has none
    meta = summary.read_meta(folder)
    fails, shorts = failures_of(runs)
    write_outputs(folder, runs, meta, fails, shorts)
    return 1 if fails else 0


def experiment(got):
    cores = os.cpu_count() or 1
    s = settings_from(got, cores)
    parts, variants = choose(got, s)
    check_launch(got, variants)
    folder = out_folder(got)
    build = got.get("--build") or os.environ.get("ALOG_BUILD") or \
        layout.default_build()
    build = os.path.abspath(build) if build else ""  # "": installed
    python = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) \
        else sys.executable
    hostfile = got.get("--hostfile")
    launch = plan.Launch(build=build, root=ROOT, python=python, cores=cores,
                         launcher=s.launcher,
                         hostfile=os.path.abspath(hostfile) if hostfile
                         else "")
    # Everything above only read and checked; from here on things run.
    command = shlex.join(["scripts/compare"] + sys.argv[1:])
    variants = ensure_built(launch, variants,
                            lambda m: print(f"{PROG}: {m}", file=sys.stderr))
    os.makedirs(folder, exist_ok=True)
    env_pairs = envmod.describe(ROOT, build or os.path.dirname(
        launch.bin("alog-async")), command, {"python_exe": python})
    exp = Experiment(s, parts, variants, launch, folder, env_for_runs(),
                     command)
    t0 = time.monotonic()
    exp.calibrate()
    exp.run()
    code = exp.finish(env_pairs)
    n = len(exp.writer.rows)
    warm = sum(r["repetition"] == "0" for r in exp.writer.rows)
    print(f"{PROG}: {n} runs ({warm} warm-up) in {runner.clock(time.monotonic() - t0)}; results in "
          f"{folder}", file=sys.stderr)
    if exp.failures:
        print(f"{PROG}: {len(exp.failures)} run(s) failed:", file=sys.stderr)
        for f in exp.failures:
            print(f"  {f}", file=sys.stderr)
    return code


def on_term(signum, frame):
    """SIGTERM ends the experiment as ^C does: the run going on is
    stopped (its process group), what ran stays in runs.csv."""
    raise KeyboardInterrupt


def main(argv):
    signal.signal(signal.SIGTERM, on_term)
    try:
        got = parse(argv)
        if "--help" in got:
            sys.stdout.write(help_text())
            return 0
        if "--diff" in got:
            check_alone(got, "diff")
            a, b = got["--diff"]
            return diff_main(results_folder("--diff", a),
                             results_folder("--diff", b), got.get("--out"))
        if "--report" in got:
            check_alone(got, "report")
            return report_again(results_folder("--report", got["--report"]))
        return experiment(got)
    except (Usage, plan.PlanError) as e:
        print(f"{PROG}: {e} (see --help)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted; what ran is in runs.csv",
              file=sys.stderr)
        return 130
    except BrokenPipeError:  # stdout closed early (| head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
