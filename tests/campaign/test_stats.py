"""Statistics against scipy's independent implementations, and the coverage of the
intervals through the whole DuckDB path on synthetic campaigns with known truth."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats as sps

from iads.campaign import (
    compare_points,
    holm,
    point_stats,
    t_interval,
    two_proportion_test,
    welch_test,
    wilson_interval,
)
from iads.errors import ParameterError


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (47, 100), (1, 1000)])
@pytest.mark.parametrize("conf", [0.9, 0.95, 0.99])
def test_wilson_matches_scipy(k: int, n: int, conf: float) -> None:
    ref = sps.binomtest(k, n).proportion_ci(confidence_level=conf, method="wilson")
    lo, hi = wilson_interval(k, n, conf)
    assert lo == pytest.approx(ref.low, abs=1e-12) and hi == pytest.approx(ref.high, abs=1e-12)


def test_t_interval_matches_scipy() -> None:
    x = np.random.default_rng(1).gamma(2.0, 3.0, size=23)
    ref = sps.ttest_1samp(x, 0.0).confidence_interval(0.95)
    lo, hi = t_interval(x.mean(), x.std(ddof=1), x.size)
    assert (lo, hi) == pytest.approx((ref.low, ref.high), rel=1e-12)
    assert all(math.isnan(v) for v in t_interval(1.0, 0.0, 1))


def test_welch_matches_scipy() -> None:
    rng = np.random.default_rng(2)
    a, b = rng.normal(0.0, 1.0, 15), rng.normal(0.7, 3.0, 40)
    ref = sps.ttest_ind(a, b, equal_var=False)
    t, df, p = welch_test(a.mean(), a.std(ddof=1), a.size, b.mean(), b.std(ddof=1), b.size)
    assert t == pytest.approx(ref.statistic, rel=1e-12)
    assert p == pytest.approx(ref.pvalue, rel=1e-10)
    assert df == pytest.approx(ref.df, rel=1e-12)
    assert welch_test(2.0, 0.0, 5, 2.0, 0.0, 5)[2] == 1.0
    assert welch_test(2.0, 0.0, 5, 3.0, 0.0, 5)[2] == 0.0
    # a constant summed in two orders differs in its last bits: not a difference
    assert welch_test(92.1, 1e-14, 30, 92.1 - 2.8e-14, 0.0, 30)[2] == 1.0


def test_two_proportion_z_squared_is_pearson_chi_square() -> None:
    k1, n1, k2, n2 = 37, 80, 52, 90
    z, p = two_proportion_test(k1, n1, k2, n2)
    chi2, p_ref, _, _ = sps.chi2_contingency([[k1, n1 - k1], [k2, n2 - k2]], correction=False)
    assert z * z == pytest.approx(chi2, rel=1e-12) and p == pytest.approx(p_ref, rel=1e-10)
    assert two_proportion_test(10, 10, 20, 20) == (0.0, 1.0)


def test_holm_against_its_definition() -> None:
    rng = np.random.default_rng(3)
    for _ in range(200):
        m = int(rng.integers(1, 12))
        p = rng.uniform(0, 0.1, m) ** rng.uniform(0.5, 2)
        alpha = 0.05
        adj, rej = holm(p, alpha)
        order = np.argsort(p, kind="stable")
        # reject the i-th smallest iff every p_(j), j <= i, is below alpha / (m - j)
        ok = np.cumprod([p[order[j]] <= alpha / (m - j) for j in range(m)]).astype(bool)
        expect = np.zeros(m, bool)
        expect[order] = ok
        assert np.array_equal(rej, expect)
        assert np.all(adj >= p) and np.all(adj <= 1.0)
        assert np.all(np.diff(adj[order]) >= 0)  # monotone in the raw p values
    adj, rej = holm([0.01, np.nan, 0.04], 0.05)
    assert np.isnan(adj[1]) and not rej[1]
    assert adj[0] == pytest.approx(0.02) and adj[2] == pytest.approx(0.04)


def test_bad_levels_are_parameter_errors() -> None:
    with pytest.raises(ParameterError, match="'conf'"):
        wilson_interval(1, 2, 1.5)
    with pytest.raises(ParameterError, match="'alpha'"):
        holm([0.1], 0.0)


def test_wilson_exact_coverage_is_near_nominal() -> None:
    # Exact coverage: sum of binomial probabilities of the k whose interval holds p.
    n = 200
    for p in (0.1, 0.3, 0.5, 0.8):
        k = np.arange(n + 1)
        inside = np.array([lo <= p <= hi for lo, hi in (wilson_interval(i, n) for i in k)])
        coverage = sps.binom.pmf(k, n, p)[inside].sum()
        assert abs(coverage - 0.95) < 0.015, (p, coverage)


def _synthetic(rng: np.random.Generator, n_points: int, n_reps: int, p: float, mu: float):
    """Summary rows of a synthetic campaign: no_leaker ~ Bernoulli(p), kills ~ Poisson(mu)."""
    point = np.repeat(np.arange(n_points), n_reps)
    rep = np.tile(np.arange(n_reps), n_points)
    return pa.table(
        {
            "point": point.astype(np.int64),
            "rep": rep.astype(np.int64),
            "seed": rng.integers(0, 2**62, point.size),
            "no_leaker": (rng.random(point.size) < p).astype(float),
            "totals.killed": rng.poisson(mu, point.size).astype(float),
        }
    )


def test_intervals_cover_the_truth_at_the_nominal_rate() -> None:
    """400 synthetic sweep points of 60 replications each, through DuckDB: the share of
    points whose interval holds the true value is 95 % within binomial tolerance
    (4 standard errors of a proportion over 400 points: ±0.044)."""
    rng = np.random.default_rng(2024)
    n_points, p, mu = 400, 0.35, 4.0
    stats = point_stats(_synthetic(rng, n_points, 60, p, mu))
    by = {}
    for s in stats:
        by.setdefault(s.metric, []).append(s)
    tol = 4.0 * math.sqrt(0.95 * 0.05 / n_points)
    for metric, truth, method in (("no_leaker", p, "wilson"), ("totals.killed", mu, "t")):
        sts = by[metric]
        assert len(sts) == n_points and all(s.method == method and s.n == 60 for s in sts)
        covered = np.mean([s.lo <= truth <= s.hi for s in sts])
        assert abs(covered - 0.95) < tol, (metric, covered)


def test_compare_finds_a_real_difference_and_holds_the_family_error() -> None:
    rng = np.random.default_rng(7)
    # no true difference between points 0 and 1; a large one to point 2
    a = _synthetic(rng, 2, 300, 0.4, 3.0)
    b = _synthetic(rng, 1, 300, 0.8, 5.0)
    b = b.set_column(0, "point", pa.array(np.full(300, 2, np.int64)))
    diffs = compare_points(point_stats(pa.concat_tables([a, b])), alpha=0.05)
    sig = {(d.a, d.b, d.metric) for d in diffs if d.significant}
    assert {(0, 2, "no_leaker"), (1, 2, "no_leaker"), (0, 2, "totals.killed")} <= sig
    tests = {d.test for d in diffs}
    assert tests == {"two-proportion z", "Welch t"}


def test_family_wise_error_under_the_null() -> None:
    """Under no difference at all, the share of synthetic comparisons with any
    significant difference after Holm stays at or below alpha (within tolerance)."""
    rng = np.random.default_rng(11)
    n_trials, any_sig = 300, 0
    stats = point_stats(_synthetic(rng, 3 * n_trials, 40, 0.5, 2.0))
    by_trial: dict[int, list] = {}
    for s in stats:
        by_trial.setdefault(s.point // 3, []).append(s)
    for trial in by_trial.values():
        diffs = compare_points(trial, alpha=0.05)
        assert len(diffs) == 6  # 3 pairs x 2 metrics: the family Holm corrects over
        any_sig += any(d.significant for d in diffs)
    assert any_sig / n_trials < 0.05 + 3.0 * math.sqrt(0.05 * 0.95 / n_trials)


def test_point_stats_do_not_depend_on_row_order() -> None:
    """The same replications stored in another order (several workers finish in any
    order) give the same bits: sums are correctly rounded, not accumulated in store order.
    Also checked against the two-pass textbook formulas in exact rational arithmetic."""
    rng = np.random.default_rng(3)
    n = 500
    rows = pa.table({
        "point": np.repeat(np.arange(2), n // 2).astype(np.int64),
        "rep": np.tile(np.arange(n // 2), 2).astype(np.int64),
        "seed": np.arange(n, dtype=np.int64),
        "first_detection_km.kalibr": rng.uniform(40.0, 60.0, n) * 10.0 ** rng.integers(-3, 4, n),
        "totals.killed": rng.poisson(3.0, n).astype(float),
    })
    ref = point_stats(rows)
    for seed in range(5):
        perm = np.random.default_rng(seed).permutation(n)
        assert point_stats(rows.take(perm)) == ref
    col = rows.column("first_detection_km.kalibr").to_numpy()
    for s in (s for s in ref if s.metric == "first_detection_km.kalibr"):
        x = [Fraction(v) for v in col[s.point * (n // 2) : (s.point + 1) * (n // 2)]]
        mean = sum(x) / len(x)
        assert s.estimate == pytest.approx(float(mean), rel=1e-15)
        var = sum((v - mean) ** 2 for v in x) / (len(x) - 1)
        assert s.sd == pytest.approx(math.sqrt(var), rel=1e-14)
