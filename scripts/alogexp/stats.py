"""alogexp.stats - the statistics of alog's scripts, in one place.

The experiment's one location and one interval: the MEDIAN of the
repetitions with its distribution-free confidence interval from order
statistics (the interval [x(k), x(n+1-k)] of the sorted values, k the
largest whose binomial coverage 1 - 2 P(Bin(n, 1/2) <= k - 1) is at least
95%).  It assumes nothing about the shape of the values (run times on a
shared machine are skewed and often bimodal), never leaves the range of
the values (a time's interval never reaches below zero), and is what
Hoefler and Belli (SC'15, rule 5) ask for.  With fewer than 6 values no
pair of order statistics covers 95%: the interval is then [min, max] and
its own confidence (75% with 3 values, 87.5% with 4, 93.75% with 5) is
stated beside it, and a point with it counts as not converged.

Also here: the mean's t interval (kept for the bench scripts' command
line), the Mann-Whitney U rank test and a seeded bootstrap of a ratio of
medians (scripts/compare --diff), the outlier and bimodality checks of a
point, the stop rule of the adaptive repetitions, and the verdict lines
of the bench scripts.  Every figure is over a list of numbers, one per
run; a NaN among them makes the figure NaN (a broken run shows, it is
never sorted away).  Python 3 standard library only.
"""
import math
import random
import statistics

NAN = float("nan")
CONFIDENCE = 0.95   # the level of every interval
MIN_FULL_CI = 6     # fewest values whose order statistics reach 95%

# Two-sided 95% quantiles of Student's t (the 0.975 quantile), df 1..30.
T95 = (12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060,
       2.2622, 2.2281, 2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199,
       2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687, 2.0639,
       2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423)
Z95 = 1.959964  # beyond df 30 the normal quantile is within 4% of t's

OPS = (">=", "<=", "in")
# What summary() fills, in the order a summary.csv row wants it.
SUMMARY_FIELDS = ("n", "median", "ci_lo", "ci_hi", "ci_conf", "min", "max",
                  "mean", "sd")


def _numbers(values):
    """values as a list of floats; ValueError when there are none."""
    out = [float(v) for v in values]
    if not out:
        raise ValueError("no values")
    return out


def _has_nan(xs):
    return any(math.isnan(x) for x in xs)


def median(values):
    """Middle value (mean of the two middle ones for an even count)."""
    xs = _numbers(values)
    return NAN if _has_nan(xs) else float(statistics.median(xs))


def mean(values):
    xs = _numbers(values)
    return NAN if _has_nan(xs) else float(statistics.fmean(xs))


def stdev(values):
    """Sample standard deviation (n - 1); NaN for a single value."""
    xs = _numbers(values)
    if len(xs) < 2 or _has_nan(xs):
        return NAN
    return float(statistics.stdev(xs))


def minimum(values):
    xs = _numbers(values)
    return NAN if _has_nan(xs) else min(xs)


def maximum(values):
    xs = _numbers(values)
    return NAN if _has_nan(xs) else max(xs)


def quantile(values, q):
    """The q-quantile, linear between order statistics (q in 0..1)."""
    xs = sorted(_numbers(values))
    if _has_nan(xs):
        return NAN
    pos = q * (len(xs) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


# ---- the median's interval -------------------------------------------------

def binom_cdf_half(k, n):
    """P(Bin(n, 1/2) <= k), exact."""
    if k < 0:
        return 0.0
    return sum(math.comb(n, i) for i in range(min(k, n) + 1)) / 2.0 ** n


def median_ci_rank(n, confidence=CONFIDENCE):
    """(k, coverage): the interval [x(k), x(n+1-k)] (1-based ranks of the
    sorted values) of the median at the given confidence, k the largest
    that reaches it; k = 1 and its smaller coverage when none does (fewer
    than 6 values at 95%)."""
    if n < 1:
        raise ValueError("no values")
    best = 1
    for k in range(1, n // 2 + 1):
        if 1 - 2 * binom_cdf_half(k - 1, n) >= confidence:
            best = k
        else:
            break
    cover = 1 - 2 * binom_cdf_half(best - 1, n) if n > 1 else 0.0
    return best, cover


def median_ci(values, confidence=CONFIDENCE):
    """(lo, hi, coverage) of the median from order statistics; a single
    value gives (x, x, 0): no interval."""
    xs = sorted(_numbers(values))
    if _has_nan(xs):
        return (NAN, NAN, NAN)
    k, cover = median_ci_rank(len(xs), confidence)
    return (xs[k - 1], xs[len(xs) - k], cover)


def summary(values):
    """Every figure of SUMMARY_FIELDS as a dict, for one summary row."""
    xs = _numbers(values)
    lo, hi, conf = median_ci(xs)
    return {"n": len(xs), "median": median(xs), "ci_lo": lo, "ci_hi": hi,
            "ci_conf": conf, "min": minimum(xs), "max": maximum(xs),
            "mean": mean(xs), "sd": stdev(xs)}


def converged(values, target, confidence=CONFIDENCE):
    """The stop rule of the adaptive repetitions: the median's interval
    reaches the confidence and lies within +-target (a fraction) of the
    median on both sides.  A median of 0 converges only on an interval of
    0 (every value 0)."""
    if not values:
        return False
    lo, hi, conf = median_ci(values, confidence)
    m = median(values)
    if any(math.isnan(x) for x in (lo, hi, m)) or conf < confidence:
        return False
    return max(m - lo, hi - m) <= target * abs(m)


def relative_half_width(values):
    """The interval's larger side over the median (NaN when undefined)."""
    lo, hi, _ = median_ci(values)
    m = median(values)
    if m == 0:
        return 0.0 if lo == hi == 0 else math.inf
    return max(m - lo, hi - m) / abs(m)


# ---- the mean's t interval (the bench scripts' ci95) ----------------------

def t95(df):
    """The 0.975 quantile of Student's t with df degrees of freedom."""
    if df < 1:
        raise ValueError(f"df {df}: must be at least 1")
    return T95[df - 1] if df <= len(T95) else Z95


def ci95(values):
    """95% confidence interval of the MEAN, (lo, hi), from t with n - 1
    degrees of freedom; (NaN, NaN) for a single value.  Not what
    scripts/compare reports (see median_ci); kept for the command line."""
    xs = _numbers(values)
    sd = stdev(xs)
    if math.isnan(sd):
        return (NAN, NAN)
    m = mean(xs)
    half = t95(len(xs) - 1) * sd / math.sqrt(len(xs))
    return (m - half, m + half)


# ---- ratios -----------------------------------------------------------------

def ratio(num, den):
    """num / den, NaN unless den > 0 (rates and times are positive)."""
    num, den = float(num), float(den)
    return num / den if den > 0 else NAN


def ratios(nums, dens):
    """Per-round ratios: nums[i] / dens[i], candidate over the reference
    measured in the same round."""
    nums, dens = _numbers(nums), _numbers(dens)
    if len(nums) != len(dens):
        raise ValueError(f"{len(nums)} numerators but {len(dens)} "
                         "denominators")
    return [ratio(n, d) for n, d in zip(nums, dens)]


def median_ratio(nums, dens):
    """Median of the per-round ratios (not the ratio of the medians: a
    round's candidate is only compared with its own round's reference)."""
    return median(ratios(nums, dens))


# ---- two samples: rank test and bootstrap -----------------------------------

def _ranks(values):
    """Mid-ranks (1-based) of values, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _u_counts(n1, n2):
    """counts[u]: arrangements of n1 + n2 distinct values whose U (of the
    first sample) is u; sum = C(n1 + n2, n1)."""
    # f[i][j] = polynomial of U for samples of i and j values
    prev = [[1] for _ in range(n2 + 1)]  # i = 0: U = 0 whatever j
    for i in range(1, n1 + 1):
        cur = [[1]]                       # j = 0: U = 0
        for j in range(1, n2 + 1):
            # the largest value is the first sample's (adds j to U) or not
            a, b = prev[j], cur[j - 1]
            size = max(len(a) + j, len(b))
            poly = [0] * size
            for u, c in enumerate(a):
                poly[u + j] += c
            for u, c in enumerate(b):
                poly[u] += c
            cur.append(poly)
        prev = cur
    return prev[n2]


def mann_whitney(a, b):
    """(U of a, two-sided p) of the Mann-Whitney U test.  U counts the
    pairs where a's value is above b's (ties count one half).  Exact
    (enumerated) without ties up to 30 values a side; otherwise the normal
    approximation with the tie correction and a continuity correction.
    The smallest p a test of n1 against n2 values can give is
    2 / C(n1 + n2, n1): 0.1 for 3 against 3."""
    a, b = _numbers(a), _numbers(b)
    n1, n2 = len(a), len(b)
    ranks = _ranks(a + b)
    u = sum(ranks[:n1]) - n1 * (n1 + 1) / 2
    ties = len(set(a + b)) < n1 + n2
    if not ties and n1 <= 30 and n2 <= 30:
        counts = _u_counts(n1, n2)
        total = sum(counts)
        lo = min(u, n1 * n2 - u)
        tail = sum(counts[:int(lo) + 1]) / total
        return u, min(1.0, 2 * tail)
    n = n1 + n2
    mu = n1 * n2 / 2
    groups = {}
    for x in a + b:
        groups[x] = groups.get(x, 0) + 1
    tie = sum(t ** 3 - t for t in groups.values())
    var = n1 * n2 / 12 * ((n + 1) - tie / (n * (n - 1)))
    if var <= 0:
        return u, 1.0
    z = (abs(u - mu) - 0.5) / math.sqrt(var)
    return u, min(1.0, math.erfc(max(z, 0) / math.sqrt(2)))


def min_p(n1, n2):
    """The smallest two-sided p the exact rank test of n1 against n2
    values can give."""
    return min(1.0, 2 / math.comb(n1 + n2, n1))


def bootstrap_ratio(a, b, reps=2000, seed=1, confidence=CONFIDENCE):
    """(median(b) / median(a), lo, hi): the ratio of the medians and its
    percentile bootstrap interval (each sample resampled with replacement,
    reps times, from random.Random(seed): the same inputs give the same
    interval).  NaN where a median is not positive."""
    a, b = _numbers(a), _numbers(b)
    point = ratio(median(b), median(a))
    rng = random.Random(seed)
    got = []
    for _ in range(reps):
        ma = median([a[rng.randrange(len(a))] for _ in a])
        mb = median([b[rng.randrange(len(b))] for _ in b])
        got.append(ratio(mb, ma))
    got = sorted(x for x in got if not math.isnan(x))
    if not got:
        return point, NAN, NAN
    tail = (1 - confidence) / 2
    lo = got[min(len(got) - 1, int(math.floor(tail * len(got))))]
    hi = got[min(len(got) - 1, int(math.ceil((1 - tail) * len(got))) - 1)]
    return point, lo, hi


# ---- the checks of one point ------------------------------------------------

OUTLIER_IQR = 3.0     # Tukey's far-out fence
OUTLIER_FLOOR = 0.05  # ... and at least this far from the median (relative)
BIMODAL_GAP = 2.0     # the gap over the larger cluster's spread
BIMODAL_FLOOR = 0.05  # ... and at least this wide against the median


def outliers(values):
    """The values beyond Tukey's far-out fences (Q1 - 3 IQR, Q3 + 3 IQR)
    that are also more than 5% away from the median; none below 4 values."""
    xs = _numbers(values)
    if len(xs) < 4 or _has_nan(xs):
        return []
    q1, q3, m = quantile(xs, 0.25), quantile(xs, 0.75), median(xs)
    iqr = q3 - q1
    return [x for x in xs
            if (x > q3 + OUTLIER_IQR * iqr or x < q1 - OUTLIER_IQR * iqr)
            and abs(x - m) > OUTLIER_FLOOR * abs(m)]


def bimodal(values):
    """(lower cluster, upper cluster) when the sorted values fall into two
    groups of at least 2 values each (and a fifth of them) whose gap is
    more than twice the wider group's spread and more than 5% of the
    median; None otherwise (and below 4 values)."""
    xs = sorted(_numbers(values))
    n = len(xs)
    if n < 4 or _has_nan(xs):
        return None
    least = max(2, math.ceil(n / 5))
    m = median(xs)
    best = None
    for i in range(least, n - least + 1):
        gap = xs[i] - xs[i - 1]
        spread = max(xs[i - 1] - xs[0], xs[-1] - xs[i])
        if gap > BIMODAL_GAP * spread and gap > BIMODAL_FLOOR * abs(m):
            if best is None or gap > best[0]:
                best = (gap, xs[:i], xs[i:])
    return None if best is None else (best[1], best[2])


# ---- verdicts (the bench scripts) -------------------------------------------

def passes(value, op, target, high=None):
    """value >= target, value <= target, or target <= value <= high ('in').
    NaN never passes."""
    value, target = float(value), float(target)
    if op not in OPS:
        raise ValueError(f"operator '{op}': use >=, <= or in")
    if op == "in" and high is None:
        raise ValueError("operator 'in' needs a high bound")
    if math.isnan(value):
        return False
    if op == ">=":
        return value >= target
    if op == "<=":
        return value <= target
    return target <= value <= float(high)


def _label_value(label, value):
    return f"  {label:<56} {float(value):>10.4g}"


def verdict_line(label, value, op, target, high=None):
    """The one verdict line format of every script:
    '  <label> <value> <op> <target> PASS|FAIL'."""
    ok = passes(value, op, target, high)
    want = f"in {float(target):g}..{float(high):g}" if op == "in" \
        else f"{op} {float(target):g}"
    word = "PASS" if ok else "FAIL"
    return f"{_label_value(label, value)}  {want:<12} {word}"


def verdict(label, value, op, target, high=None):
    """(passed, line) for one target."""
    return passes(value, op, target, high), \
        verdict_line(label, value, op, target, high)


def info_line(label, value, note=""):
    """A figure shown in the verdict columns with no target."""
    return f"{_label_value(label, value)}  {note}".rstrip()
