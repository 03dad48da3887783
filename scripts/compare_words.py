"""compare_words.py - the plain sentences at the end of summary.md, made
from the medians of summary.csv (never written by hand): the load at which
each model falls behind, the cheapest model below it, the speedups, and
what the I/O-bound and throughput parts show.
"""
import math

from compare_plan import BY_NAME
from compare_report import by_metric, short

# A model keeps up while its records collected per second over offered
# (the median over the repetitions) stay above this share of its own value
# at the lightest load: that value is below 1 by the start-up and drain
# the run's wall time includes (spawning 4x-the-cores processes, say),
# which is no falling behind.
KEEP_UP = 0.9


def medians(rows, part, metric):
    """{variant: {x: median}} of one figure, and the sorted x values."""
    table, xs = by_metric(rows, part, metric)
    return {v: {x: r["median"] for x, r in pts.items()}
            for v, pts in table.items()}, xs


def _rank(values):
    """[(variant, median)] without NaN, lowest first."""
    return sorted(((v, m) for v, m in values.items() if not math.isnan(m)),
                  key=lambda vm: vm[1])


def _list(pairs, unit):
    return ", ".join(f"{v} {short(m)}{unit}" for v, m in pairs)


def fall_loads(rows):
    """{variant: (load it fell behind at or None, last load kept up at,
    collected ratio there)} from the crossover's collected_ratio."""
    ratio, loads = medians(rows, "crossover", "collected_ratio")
    out = {}
    for v, pts in ratio.items():
        kept, fell = None, None
        light = pts[min(pts)]
        for x in loads:
            if x not in pts:
                continue
            if math.isnan(pts[x]) or not pts[x] >= KEEP_UP * light:
                fell = (x, pts[x])
                break
            kept = x
        out[v] = (fell, kept, pts[max(pts)] if pts else math.nan)
    return out


def _fall_sentence(v, fell, kept, last, cores):
    where = BY_NAME[v].where if v in BY_NAME else "its collector"
    if fell is None:
        return (f"{v} (work in {where}) kept up at every load tried, up to "
                f"{short(kept)} cores (collected/offered "
                f"{short(last)} there).")
    load, r = fell
    since = f"it kept up at {short(kept)}" if kept is not None \
        else "already at the lowest load tried"
    return (f"{v} (work in {where}) fell behind at {short(load)} "
            f"core{'s' if load != 1 else ''} of offered load "
            f"({short(load / cores)}x the {cores} cores; collected/offered "
            f"{short(r)}; {since}).")


def crossover_words(rows, cores):
    falls = fall_loads(rows)
    if not falls:
        return []
    out = [f"A model falls behind where its records collected per second "
           f"over offered drop below {KEEP_UP:g} of its own value at the "
           "lightest load."]
    out += [_fall_sentence(v, *falls[v], cores) for v in falls]
    fell = [f[0][0] for f in falls.values() if f[0] is not None]
    cpu, loads = medians(rows, "crossover", "cpu_per_record")
    below = [x for x in loads if not fell or x < min(fell)]
    if below:
        for x in sorted({below[0], below[-1]}):
            ranked = _rank({v: p.get(x, math.nan) for v, p in cpu.items()})
            if len(ranked) >= 2:
                lo = min(fell) if fell else 0
                lead = (f"Below {short(lo)} core{'s' if lo != 1 else ''}, "
                        "where every model kept up," if fell
                        else "Where every model kept up,")
                out.append(f"{lead} at {short(x)} cores the cheapest in CPU "
                           f"per record (collector + producers) is "
                           f"{ranked[0][0]} ({short(ranked[0][1])} us), the "
                           f"dearest {ranked[-1][0]} ({short(ranked[-1][1])} "
                           f"us); all: {_list(ranked, ' us')}.")
    return out


def io_words(rows, cores):
    col, ns = medians(rows, "io", "collector_cpu_per_record")
    if not ns:
        return []
    n = ns[-1]
    out = []
    at = {v: p.get(n, math.nan) for v, p in col.items()}
    tot = {v: at[v] + medians(rows, "io", "producers_cpu_per_record")[0]
           .get(v, {}).get(n, math.nan) for v in at}
    rc, rt = _rank(at), _rank(tot)
    if rc:
        out.append(f"With n = {n:g} paced producers ({short(n / cores)}x the "
                   f"cores), the cheapest collector per record is "
                   f"{rc[0][0]} ({short(rc[0][1])} us), the dearest "
                   f"{rc[-1][0]} ({short(rc[-1][1])} us).")
    if rt:
        out.append(f"Counting the producers' CPU too, the cheapest is "
                   f"{rt[0][0]} ({short(rt[0][1])} us per record), the "
                   f"dearest {rt[-1][0]} ({short(rt[-1][1])} us).")
    lat = {v: p.get(n, math.nan)
           for v, p in medians(rows, "io", "lat_p99")[0].items()}
    # a model that stores its records where they are made has no latency
    zero = [v for v, m in lat.items() if m == 0]
    ranked = _rank({v: m for v, m in lat.items() if m != 0})
    if ranked:
        out.append(f"Latency p99 at n = {n:g}: lowest {ranked[0][0]} "
                   f"({short(ranked[0][1])} us), highest {ranked[-1][0]} "
                   f"({short(ranked[-1][1])} us)" +
                   (f"; {', '.join(zero)}: latency 0, each producer "
                    "stores its own records" if zero else "") + ".")
    ach, _ = medians(rows, "io", "achieved_ratio")
    slow = [(v, x, m) for v, p in ach.items() for x, m in p.items()
            if m < 0.99]
    if ach and not slow:
        out.append("Every model kept its producers within 1% of the target "
                   "rate at every n.")
    for v, x, m in slow:
        out.append(f"{v} reached only {short(m)} of the target rate at "
                   f"n = {x:g}.")
    return out


def throughput_words(rows):
    rate, ns = medians(rows, "throughput", "records_per_s")
    if not ns:
        return []
    n = ns[-1]
    ranked = _rank({v: p.get(n, math.nan) for v, p in rate.items()})
    if not ranked:
        return []
    out = [f"Unthrottled, with n = {n:g} producers, the most records per "
           f"second went to {ranked[-1][0]} ({short(ranked[-1][1])} M/s), "
           f"the fewest to {ranked[0][0]} ({short(ranked[0][1])} M/s)."]
    for c, ref in (("async-threads", "py-threads"),
                   ("async-epoll", "py-asyncio")):
        a = rate.get(c, {}).get(n, math.nan)
        b = rate.get(ref, {}).get(n, math.nan)
        if b > 0 and not math.isnan(a):
            out.append(f"{c} collected {short(a / b)}x the records per "
                       f"second of the Python reference {ref} at n = {n:g}.")
    return out


def primes_words(rows, cores, number, serial_s):
    sp, ps = medians(rows, "primes", "speedup")
    if not ps:
        return []
    p = max([x for x in ps if x <= cores] or ps)
    at = {v: q.get(p, math.nan) for v, q in sp.items() if v != "serial"}
    par = ", ".join(f"{v} {short(m)}" for v, m in at.items()
                    if v != "async-tasks")
    out = [f"On {number} (serial {short(serial_s)} s), at P = {p:g} the "
           f"speedup is {par}" +
           (f"; async-tasks ({p:g} tasks interleaved on one thread) "
            f"{short(at['async-tasks'])}" if "async-tasks" in at else "") +
           f" (ideal {min(p, cores):g})."]
    top = max(ps)
    if top > p:
        best = _rank({v: q.get(top, math.nan) for v, q in sp.items()})
        if best:
            out.append(f"At P = {top:g} ({short(top / cores)}x the cores) "
                       f"the best speedup is {short(best[-1][1])} "
                       f"({best[-1][0]}; ideal {cores}, the cores).")
    return out


def sentences(rows, meta):
    """Every sentence, in the order of the parts."""
    cores = meta["cores"]
    return (io_words(rows, cores) + throughput_words(rows) +
            primes_words(rows, cores, meta.get("number", "?"),
                         meta.get("serial_s", math.nan)) +
            crossover_words(rows, cores))
