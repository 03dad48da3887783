"""alogexp.words - the plain sentences of summary.md, made from the
figures of summary.csv and the crossover's bisection (never written by
hand): the short answer that opens it (where async wins, where n cores
win, by how much, on this machine), then what each part shows.
"""
import math

from .plan import BOUND_WORDS
from .summary import by_metric, crossing_text, short


def medians(rows, part, metric):
    """{variant: {x: summary row}} of one figure, and the sorted x."""
    return by_metric(rows, part, metric, None if part != "throughput"
                     else _first_payload(rows))


def _first_payload(rows):
    ps = sorted({int(float(r.get("payload") or 0)) for r in rows
                 if r["part"] == "throughput"})
    return ps[0] if ps else 0


def _m(r):
    return r["median"] if r and r["reps_ok"] else math.nan


def _ci(r, unit=""):
    """'m [lo, hi]' of a summary row."""
    if not r or not r["reps_ok"]:
        return "-"
    return f"{short(r['median'])} [{short(r['ci_lo'])}, " \
        f"{short(r['ci_hi'])}]{unit}"


def _rank(values):
    """[(variant, median)] without NaN, lowest first."""
    return sorted(((v, m) for v, m in values.items() if not math.isnan(m)),
                  key=lambda vm: vm[1])


def _common_top(table, names):
    """The largest x every one of names has."""
    sets = [set(table.get(v, {})) for v in names]
    common = set.intersection(*sets) if sets else set()
    return max(common) if common else None


def _reached(table, ns, least=3):
    """The largest n that at least `least` models (or all, if fewer)
    reached: where the io part compares them."""
    want = min(least, len(table))
    got = [n for n in ns if sum(n in p for p in table.values()) >= want]
    return got[-1] if got else ns[-1]


def io_words(rows, cores):
    col, ns = medians(rows, "io", "collector_cpu_per_record")
    if not ns:
        return []
    out = []
    top = _reached(col, ns)
    at = {v: _m(p.get(top)) for v, p in col.items()}
    ranked = _rank(at)
    short_of = [v for v, p in col.items() if top not in p]
    if ranked:
        out.append(f"With n = {top:g} paced producers the cheapest collector "
                   f"per record is {ranked[0][0]} "
                   f"({_ci(col[ranked[0][0]][top], ' us')}), the dearest "
                   f"{ranked[-1][0]} ({_ci(col[ranked[-1][0]][top], ' us')})"
                   + (f"; {', '.join(short_of)} stop at fewer producers "
                      "(the caps of the io part)" if short_of else "")
                   + ".")
    pair = _pair(rows, "async-threads", "async-epoll")
    if pair:
        n, a, b, ma, mb = pair
        out.append(f"At n = {n:g}, one reader thread per pipe (async-threads)"
                   f" costs {short(a / b)}x the collector CPU per record of "
                   f"one epoll loop ({_ci(ma[0], ' us')} against "
                   f"{_ci(mb[0], ' us')}) and {_ci(ma[1], ' MB')} of memory "
                   f"against {_ci(mb[1], ' MB')}.")
    lat, lat_ns = medians(rows, "io", "lat_p99")
    n = _reached(lat, lat_ns) if lat_ns else None
    if n is not None:
        vals = {v: _m(p.get(n)) for v, p in lat.items() if n in p}
        zero = [v for v, m in vals.items() if m == 0]
        r = _rank({v: m for v, m in vals.items() if m != 0})
        if r:
            out.append(f"Latency p99 at n = {n:g}: lowest {r[0][0]} "
                       f"({short(r[0][1])} us), highest {r[-1][0]} "
                       f"({short(r[-1][1])} us)" +
                       (f"; {', '.join(zero)}: 0, each producer stores its "
                        "own records" if zero else "") + ".")
    ratio, _ = medians(rows, "io", "collected_ratio")
    low = [(v, x, r) for v, p in ratio.items() for x, r in p.items()
           if _m(r) < 0.98]
    if ratio and not low:
        out.append("Every model collected at least 0.98 of what was offered "
                   "at every n (over the window).")
    for v, x, r in low[:4]:
        out.append(f"{v} collected only {_ci(r)} of what was offered at "
                   f"n = {x:g}.")
    return out


def _pair(rows, a, b):
    """(n, cpu a, cpu b, (cpu row a, rss row a), (cpu row b, rss row b))
    at the largest n both have in the io part; None without both."""
    col, _ = medians(rows, "io", "collector_cpu_per_record")
    rss, _ = medians(rows, "io", "peak_rss")
    if a not in col or b not in col:
        return None
    n = _common_top(col, [a, b])
    if n is None:
        return None
    ca, cb = _m(col[a][n]), _m(col[b][n])
    if not (ca > 0 and cb > 0):
        return None
    return (n, ca, cb, (col[a][n], rss.get(a, {}).get(n)),
            (col[b][n], rss.get(b, {}).get(n)))


def throughput_words(rows):
    rate, ns = medians(rows, "throughput", "records_per_s")
    if not ns:
        return []
    n = _common_top(rate, list(rate)) or ns[-1]
    ranked = _rank({v: _m(p.get(n)) for v, p in rate.items()})
    if not ranked:
        return []
    out = [f"Unthrottled, with n = {n:g} producers, the most records per "
           f"second went to {ranked[-1][0]} "
           f"({_ci(rate[ranked[-1][0]][n], ' M/s')}), the fewest to "
           f"{ranked[0][0]} ({_ci(rate[ranked[0][0]][n], ' M/s')})."]
    for c, ref in (("async-threads", "py-threads"),
                   ("async-epoll", "py-asyncio")):
        a = _m(rate.get(c, {}).get(n))
        b = _m(rate.get(ref, {}).get(n))
        if b > 0 and not math.isnan(a):
            out.append(f"{c} collected {short(a / b)}x the records per "
                       f"second of the original's model in Python ({ref}) "
                       f"at n = {n:g}.")
    return out


def primes_words(rows, cores, meta):
    sp, ps = medians(rows, "primes", "speedup")
    if not ps:
        return []
    p = max([x for x in ps if x <= cores] or ps)
    at = {v: q.get(p) for v, q in sp.items()
          if v not in ("serial", "py-serial") and p in q}
    par = ", ".join(f"{v} {_ci(r)}" for v, r in at.items()
                    if v not in ("async-tasks", "py-tasks"))
    out = [f"On {meta.get('number', '?')} (serial "
           f"{short(meta.get('serial_s', math.nan))} s), at P = {p:g} the "
           f"speedup is {par or '-'}" +
           (f"; async-tasks ({p:g} tasks interleaved on one thread) "
            f"{_ci(at['async-tasks'])}" if "async-tasks" in at else "") +
           (f"; the original's asyncio primes (py-tasks, against py-serial)"
            f" {_ci(at['py-tasks'])}" if "py-tasks" in at else "") +
           f" (ideal {min(p, cores):g})."]
    top = max(ps)
    if top > p:
        best = _rank({v: _m(q.get(top)) for v, q in sp.items()})
        if best:
            out.append(f"At P = {top:g} ({short(top / cores)}x the cores) "
                       f"the best speedup is {short(best[-1][1])} "
                       f"({best[-1][0]}; ideal {cores}, the cores).")
    return out


def cross_sentence(c, cores):
    """One model's line: where it crosses, and why, for a newcomer."""
    v, where = c["variant"], c["where"]
    why = BOUND_WORDS.get(c["bound"], "").format(where=where)
    if c["result"] == "below":
        return (f"{v} (work in {where}) did not keep up even at the lightest "
                f"load tried, {c['lost_load']:g} cores"
                + (f" ({c['reason']})" if c["reason"] else "") + ".")
    if c["result"] == "above":
        return (f"{v} (work in {where}) kept up at every load tried, up to "
                f"{c['kept_load']:g} cores: {why}.")
    return (f"{v} (work in {where}) keeps up to {crossing_text(c)} cores of "
            f"collector-side work; above it "
            f"{c['reason'] or 'it falls behind'}. Its bound is "
            f"{c['bound_cores']:g} core{'s' if c['bound_cores'] != 1 else ''}"
            f": {why}.")


def crossover_words(rows, cross, cores):
    out = [cross_sentence(c, cores) for c in cross]
    cpu, loads = medians(rows, "crossover", "cpu_per_record")
    if loads:
        x = loads[0]
        ranked = _rank({v: _m(p.get(x)) for v, p in cpu.items()})
        if len(ranked) >= 2:
            out.append(f"At the lightest load ({x:g} cores), where every "
                       "model kept up, the cheapest in CPU per record "
                       f"(collector + producers) is {ranked[0][0]} "
                       f"({short(ranked[0][1])} us), the dearest "
                       f"{ranked[-1][0]} ({short(ranked[-1][1])} us).")
    return out


def short_answer(rows, cross, meta):
    """The five lines that open summary.md."""
    cores = int(meta.get("cores", 1))
    host = meta.get("host", "?")
    out = []
    pair = _pair(rows, "async-threads", "async-epoll")
    if pair:
        n, a, b, _, _ = pair
        out.append(f"Where async wins: many slow producers. At n = {n:g} "
                   f"(paced, {meta.get('settings', {}).get('io_rate', '?')} "
                   f"Hz each) one event loop (async-epoll) needs "
                   f"{short(b)} us of collector CPU per record, one thread "
                   f"per pipe (async-threads) {short(a)} us: "
                   f"{short(a / b)}x.")
    sp, ps = medians(rows, "primes", "speedup")
    if ps:
        p = max([x for x in ps if x <= cores] or ps)
        par = _rank({v: _m(q.get(p)) for v, q in sp.items()
                     if v in ("processes", "omp-threads", "mpi-ranks")})
        tasks = _m(sp.get("async-tasks", {}).get(p))
        if par:
            out.append(f"Where n cores win: CPU-bound work. Trial division "
                       f"split over P = {p:g} gives a speedup of "
                       f"{short(par[-1][1])} ({par[-1][0]}; ideal "
                       f"{min(p, cores):g}), async tasks on one loop "
                       f"{short(tasks)}.")
    ones = [c for c in cross if c["bound"] == "one" and c["result"] ==
            "between"]
    many = [c for c in cross if c["bound"] == "cores" and c["result"] in
            ("between", "above")]
    if ones:
        lo = min(c["kept_load"] for c in ones)
        hi = max(c["lost_load"] for c in ones)
        out.append(f"Per-record work at the collector: the one-thread "
                   f"collectors ({', '.join(c['variant'] for c in ones)}) "
                   f"keep up to between {lo:g} and {hi:g} cores of it "
                   "(bound: 1 core).")
    if many:
        best = max(many, key=lambda c: c["kept_load"])
        ratio = ""
        if ones:
            one = max(ones, key=lambda c: c["kept_load"])
            ratio = (f", {short(best['kept_load'] / one['kept_load'])}x "
                     f"what {one['variant']} carries")
        out.append(f"Spread over the cores "
                   f"({', '.join(c['variant'] for c in many)}) it keeps up "
                   f"to {best['kept_load']:g} cores ({best['variant']}; "
                   f"bound: {cores} cores){ratio}.")
    out.append(f"On this machine: {host}, {cores} cores"
               f"{', core-to-core ' + meta['c2c'] if meta.get('c2c') else ''};"
               f" preset {meta.get('preset', '?')}, figures are medians of "
               f"{meta.get('min_reps', '?')} to {meta.get('max_reps', '?')} "
               "runs with their 95% intervals in the tables below.")
    return out[:5]


def sentences(rows, cross, meta):
    """Every sentence, in the order of the parts."""
    cores = int(meta.get("cores", 1))
    return (io_words(rows, cores) + throughput_words(rows) +
            primes_words(rows, cores, meta) +
            crossover_words(rows, cross, cores))
