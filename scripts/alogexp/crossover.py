"""alogexp.crossover - where each model stops keeping up, found by
bisection.

Keeping up at offered load L (cores of collector-side work): the
median's 95% interval of collected/offered per second lies at or above
keep_ratio (0.98), and that of the worse of latency p99 and lateness p99
(worst producer) at or below the bound (10 intervals of the producers'
schedule).  Lost: collected/offered's interval entirely below keep_ratio,
or the p99's entirely above the bound.  Anything else is uncertain: more
repetitions, and when they are spent the medians decide (the step is
marked uncertain).

The search: the lightest load first (a model that loses there is
reported so), then a first guess of the capacity (0.85 of its bound, or of
the cores the producers leave it at the lightest load), grown by 1.2x
until a kept and a lost load bracket the crossover, then bisection (the
geometric middle; from the lost side by 1.2^2 when the guess itself was
lost, by 1.2 while the bracket is between 1.2^2 and 4 wide) until the
lowest lost load is within tol (10%) of the highest kept one.
The crossover is reported as that bracket.
"""
import math
from dataclasses import dataclass, field

from . import stats as st
from .adapt import values

GROW = 1.2   # 1.2 <= 1.1^2: one bisection of a grown bracket reaches 10%
FAR = 4.0       # a bracket wider than this is halved, not shrunk
MAX_STEPS = 16  # a search never runs longer (noise cannot loop it)


@dataclass
class Decision:
    verdict: str      # kept, lost, uncertain, failed
    lean: str         # kept or lost: what the medians say
    ratio: tuple      # (median, lo, hi) of collected/offered
    delay: tuple      # (median, lo, hi) of max(lat_p99, late_p99), ns
    runs: int
    reason: str       # why it was lost (or would be), in words


def _med_ci(xs):
    if not xs:
        return (math.nan, math.nan, math.nan)
    lo, hi, _ = st.median_ci(xs)
    return (st.median(xs), lo, hi)


def delays(rows):
    """Per measured run: the worse of latency p99 and lateness p99 of the
    median producer (ns), as the report reader wrote it (delay_p99_ns)."""
    return values(rows, "delay_p99_ns")


def ms(ns):
    x = ns / 1e6
    return f"{x:.3g} ms"


def decide(rows, keep_ratio, bound_ns):
    """The Decision of one load from its runs."""
    ratio = _med_ci(values(rows, "collected_ratio"))
    delay = _med_ci(delays(rows))
    n = len(values(rows, "collected_ratio"))
    if n == 0:
        return Decision("failed", "lost", ratio, delay, 0,
                        "every run failed")
    r_m, r_lo, r_hi = ratio
    d_m, d_lo, d_hi = delay
    if math.isnan(d_m):  # no latency figures: the ratio alone
        d_m = d_lo = d_hi = 0.0
    kept = r_lo >= keep_ratio and d_hi <= bound_ns
    lost = r_hi < keep_ratio or d_lo > bound_ns
    lean = "kept" if r_m >= keep_ratio and d_m <= bound_ns else "lost"
    if r_m < keep_ratio:
        reason = f"collected/offered {r_m:.3g} < {keep_ratio:g}"
    elif d_m > bound_ns:
        reason = f"p99 {ms(d_m)} over the {ms(bound_ns)} bound"
    elif lean == "kept" and not kept:
        reason = "kept by the medians, not by their intervals"
    else:
        reason = ""
    verdict = "kept" if kept else "lost" if lost else "uncertain"
    return Decision(verdict, lean, ratio, delay, n, reason)


def settled(keep_ratio, bound_ns):
    """The crossover's stop rule: the decision is clear."""
    def rule(rows):
        return decide(rows, keep_ratio, bound_ns).verdict != "uncertain"
    return rule


def round_load(x):
    """Loads as they are written: 3 significant digits."""
    return float(f"{x:.3g}")


@dataclass
class Bisection:
    """The search of one model; loads in cores."""
    light: float
    top: float
    tol: float = 0.10
    kept: float = None      # the highest load kept
    lost: float = None      # the lowest load lost
    guess: float = None     # the first guess of the capacity
    steps: list = field(default_factory=list)  # (load, verdict, lean)

    def next_load(self):
        """The next load to try; None when the search is over."""
        tried = {x for x, _, _ in self.steps}
        if not self.steps:
            return self.light
        if self.kept is None:
            return None           # lost at the lightest load
        if len(self.steps) >= MAX_STEPS:
            return None
        if self.lost is None:     # still looking for a lost load
            if self.kept >= self.top:
                return None
            g = round_load(self.guess) if self.guess is not None else None
            x = g if g is not None and g > self.kept and g not in tried \
                else self.kept * GROW
            return round_load(min(x, self.top))
        if self.lost <= self.kept * (1 + self.tol):
            return None
        wide = self.lost / self.kept
        if wide > FAR and self.guess is not None and \
                self.lost == round_load(self.guess):
            x = round_load(self.lost / GROW ** 2)  # just above: shrink
        elif GROW ** 2 < wide <= FAR:
            x = round_load(self.lost / GROW)  # the guess was high: shrink
        else:                                 # far off, or close: halve
            x = round_load(math.sqrt(self.kept * self.lost))
        if x in tried or not self.kept < x < self.lost:
            return None           # rounding leaves nothing between them
        return x

    def record(self, load, decision):
        """A decided load: the lean of an uncertain one counts.  The
        bracket is the lowest lost load and the highest kept one below it
        (a kept load above a lost one, noise, does not move it)."""
        side = decision.verdict if decision.verdict in ("kept", "lost") \
            else decision.lean
        self.steps.append((load, decision.verdict, side))
        lost = [x for x, _, s in self.steps if s == "lost"]
        self.lost = min(lost) if lost else None
        kept = [x for x, _, s in self.steps if s == "kept"
                and (self.lost is None or x < self.lost)]
        self.kept = max(kept) if kept else None

    def result(self):
        """(kind, lo, hi): 'between' lo and hi, 'above' lo (kept at the
        heaviest load tried), or 'below' hi (lost at the lightest)."""
        if self.kept is None:
            return ("below", math.nan, self.lost)
        if self.lost is None:
            return ("above", self.kept, math.nan)
        return ("between", self.kept, self.lost)

    def uncertain_steps(self):
        return sum(v == "uncertain" for _, v, _ in self.steps)


def first_guess(light_rows, light, cores, bound):
    """The first load tried after the lightest: 0.85 of what the model's
    design leaves it on this machine, min(bound, cores less what the
    producers used at the lightest load).  (The collector's own CPU at the
    lightest load says little: MPI's rank 0 and the OpenMP collector
    thread poll, and use a core whatever the load.)"""
    prod = []
    for r in light_rows:
        try:
            cpu = float(r.get("producers_cpu_s") or "nan")
            span = float(r.get("window_s") or r.get("wall_s") or "nan")
        except ValueError:
            continue
        if span > 0 and cpu == cpu:
            prod.append(cpu / span)
    used = st.median(prod) if prod else 0.0
    room = min(1.0 if bound == "one" else float(cores),
               max(0.1, cores - used))
    return max(light * 2, 0.85 * room)


def bound_cores(variant, cores):
    """What the model's design lets it carry at most, in cores."""
    return 1.0 if variant.bound == "one" else float(cores)
