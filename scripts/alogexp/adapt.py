"""alogexp.adapt - the repetitions: warm-up runs that count nowhere, then
interleaved rounds (every point still wanting runs once per round, in an
order shuffled per round from a recorded seed, so that drift and the
machine's state hit every model alike), each point repeated until its
stop rule holds or its budget is spent.

The stop rule of a point (stats.converged): the 95% interval of its
primary figure's median lies within +-ci_target of the median; the
crossover's points stop once their keep-up decision is clear.  A point
runs at least min_reps and at most max_reps times (its budget), and no
run beyond min_reps starts after the part's deadline (the time budget).
"""
import random
import time

from . import stats as st
from .runner import MEASURED


def values(rows, column, scale=1.0):
    """The figures of the measured runs, scaled."""
    out = []
    for r in rows:
        if r.get("status") in MEASURED:
            x = r.get(column, "")
            if x != "" and x is not None:
                x = float(x)
                if x == x:  # not NaN
                    out.append(x * scale)
    return out


def metric_rule(column, target, scale=1.0):
    """The usual stop rule: column's median interval within target."""
    def settled(rows):
        return st.converged(values(rows, column, scale), target)
    return settled


class Engine:
    """Runs points through measure(point, repetition) -> row (a dict with
    at least 'status'), keeping every point's rows."""

    def __init__(self, measure, seed=1, clock=time.monotonic):
        self.measure = measure
        self.seed = seed
        self.clock = clock
        self.rows = {}       # point -> [rows]
        self.unsettled = {}  # point -> why it stopped unsettled
        self.rounds = 0

    def warm_up(self, points, count):
        """count unrecorded runs of each point given (repetition 0)."""
        for _ in range(count):
            for p in points:
                self.measure(p, 0)

    def run(self, points, settled, min_reps, max_reps, deadline=None):
        """Rounds until every point is settled (or spent); returns
        {point: rows}.  settled(rows) says whether a point may stop."""
        for p in points:
            self.rows.setdefault(p, [])
        rep = 0
        while True:
            rep += 1
            late = deadline is not None and self.clock() >= deadline
            todo = []
            for p in points:
                rows = self.rows[p]
                got = len(rows)
                if got < min_reps:
                    todo.append(p)
                elif settled(rows) or got >= max_reps:
                    continue
                elif all(r.get("status") not in MEASURED for r in rows):
                    continue  # every run failed: more would too
                elif not late:
                    todo.append(p)
            if not todo:
                break
            rng = random.Random(self.seed * 1000003 + self.rounds)
            rng.shuffle(todo)
            self.rounds += 1
            for p in todo:
                self.rows[p].append(self.measure(p, len(self.rows[p]) + 1))
        for p in points:
            rows = self.rows[p]
            if not settled(rows):
                if all(r.get("status") not in MEASURED for r in rows):
                    why = "every run failed"
                elif len(rows) >= max_reps:
                    why = f"max-reps {max_reps} spent"
                else:
                    why = "time budget spent"
                self.unsettled[p] = why
            else:
                self.unsettled.pop(p, None)
        return {p: self.rows[p] for p in points}


def part_deadlines(start, budget_s, weights):
    """{part: deadline} sharing budget_s seconds from start among the
    parts in proportion to their weights (their expected cost); None
    everywhere without a budget."""
    total = sum(weights.values())
    if not budget_s or total <= 0:
        return {p: None for p in weights}
    out, t = {}, start
    for p, w in weights.items():
        t += budget_s * w / total
        out[p] = t
    return out
