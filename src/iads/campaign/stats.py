"""Statistics of campaigns: confidence intervals for proportions and means, tests of a
difference between two campaigns, and the Holm correction for multiple tests.

Functions take plain counts and moments (what a DuckDB ``GROUP BY`` returns), so that a
campaign of any size is summarized without loading its rows into Python.

References
----------
- E. B. Wilson (1927), "Probable inference, the law of succession, and statistical
  inference", J. Amer. Statist. Assoc. 22(158):209-212 (score interval).
- B. L. Welch (1947), "The generalization of 'Student's' problem when several different
  population variances are involved", Biometrika 34(1/2):28-35; degrees of freedom after
  F. E. Satterthwaite (1946), Biometrics Bulletin 2(6):110-114.
- S. Holm (1979), "A simple sequentially rejective multiple test procedure", Scand. J.
  Statist. 6(2):65-70.
- A. Agresti (2013), Categorical Data Analysis, 3rd ed., sec. 1.4.2 (Wilson interval)
  and sec. 2.1.2-2.1.3 (comparing two proportions).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps

from iads.errors import ParameterError

__all__ = [
    "holm",
    "t_interval",
    "two_proportion_test",
    "welch_test",
    "wilson_interval",
]


def _z(conf: float) -> float:
    if not 0.0 < conf < 1.0:
        raise ParameterError("conf", conf, "a confidence level strictly between 0 and 1")
    return float(sps.norm.ppf(0.5 + conf / 2.0))


def wilson_interval(k: float, n: float, conf: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion from ``k`` successes in ``n`` trials.

    Wilson (1927); Agresti (2013) eq. 1.14: the p solving |p̂ - p| = z·sqrt(p(1-p)/n),
    centre (p̂ + z²/2n)/(1 + z²/n), half-width z/(1 + z²/n)·sqrt(p̂(1-p̂)/n + z²/4n²).
    Unlike the Wald interval it stays inside [0, 1] and keeps near-nominal coverage for
    p̂ = 0 or 1 (no leaker in any replication). Returns (nan, nan) if ``n`` is 0.
    """
    if n < 0 or k < 0 or k > n:
        raise ParameterError("k, n", (k, n), "counts with 0 <= k <= n")
    if n == 0:
        return math.nan, math.nan
    z = _z(conf)
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denom
    half = z / denom * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def t_interval(mean: float, sd: float, n: float, conf: float = 0.95) -> tuple[float, float]:
    """Student-t interval for a mean: mean ± t_{n-1, (1+conf)/2} · sd / sqrt(n), with
    ``sd`` the sample standard deviation (n-1 denominator). Exact for normal data and
    asymptotically right for any finite variance (central limit theorem). Returns
    (nan, nan) for n < 2."""
    if n < 2 or sd is None or not math.isfinite(sd):
        return math.nan, math.nan
    _z(conf)
    half = float(sps.t.ppf(0.5 + conf / 2.0, n - 1)) * sd / math.sqrt(n)
    return mean - half, mean + half


def two_proportion_test(k1: float, n1: float, k2: float, n2: float) -> tuple[float, float]:
    """Two-sided z test of p1 = p2 with the pooled proportion (Agresti 2013, sec. 2.1):
    z = (p̂1 - p̂2) / sqrt(p̂(1-p̂)(1/n1 + 1/n2)), p̂ = (k1+k2)/(n1+n2); z² equals
    Pearson's chi-square of the 2×2 table without continuity correction. Returns
    (z, p value); (0, 1) when both samples are all successes or all failures."""
    if min(n1, n2) <= 0:
        return math.nan, math.nan
    p1, p2, p = k1 / n1, k2 / n2, (k1 + k2) / (n1 + n2)
    var = p * (1.0 - p) * (1.0 / n1 + 1.0 / n2)
    if var <= 0.0:
        return 0.0, 1.0
    z = (p1 - p2) / math.sqrt(var)
    return z, float(2.0 * sps.norm.sf(abs(z)))


def welch_test(
    m1: float, s1: float, n1: float, m2: float, s2: float, n2: float
) -> tuple[float, float, float]:
    """Welch's two-sided t test of equal means with unequal variances (Welch 1947):
    t = (m1 - m2) / sqrt(s1²/n1 + s2²/n2), Welch-Satterthwaite degrees of freedom
    ν = (s1²/n1 + s2²/n2)² / ((s1²/n1)²/(n1-1) + (s2²/n2)²/(n2-1)).
    ``s1``, ``s2`` are sample standard deviations. Returns (t, ν, p value); when both
    samples are constant (to 1e-9 relative), p is 1 if the means are equal (to the same
    tolerance) and 0 if not."""
    if n1 < 2 or n2 < 2:
        return math.nan, math.nan, math.nan
    v1, v2 = s1 * s1 / n1, s2 * s2 / n2
    # Constant samples: a mean summed in another order may differ in its last bits, and
    # a standard deviation of rounding noise is not a variance.
    scale = 1e-9 * max(abs(m1), abs(m2), 1e-300)
    if math.sqrt(v1 + v2) <= scale:
        if abs(m1 - m2) <= scale:
            return 0.0, math.inf, 1.0
        return math.copysign(math.inf, m1 - m2), math.inf, 0.0
    t = (m1 - m2) / math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    return t, df, float(2.0 * sps.t.sf(abs(t), df))


def holm(p_values: np.ndarray | list[float], alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Holm's step-down correction (Holm 1979): sort the m p values, compare the i-th
    smallest (i from 0) with alpha/(m - i) and stop at the first that fails. Controls
    the family-wise error rate at ``alpha`` under any dependence between the tests.

    Returns (adjusted p values, rejected mask), both in the input order; the adjusted
    value is max_{j<=i} min(1, (m - j)·p_(j)). NaN p values are not tests: they are
    left out of m and never rejected.
    """
    if not 0.0 < alpha < 1.0:
        raise ParameterError("alpha", alpha, "a significance level strictly between 0 and 1")
    p = np.asarray(p_values, dtype=float)
    adj = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    m = ok.size
    if m:
        order = ok[np.argsort(p[ok], kind="stable")]
        scaled = np.minimum(1.0, (m - np.arange(m)) * p[order])
        adj[order] = np.maximum.accumulate(scaled)
    return adj, np.nan_to_num(adj, nan=1.0) <= alpha
