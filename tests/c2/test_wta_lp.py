"""Tests of the WTA column-generation pricing, LP bound, LP dives and the assignment
neighbourhood, against exhaustive enumeration, HiGHS (scipy.optimize.milp) and
scipy.optimize.linear_sum_assignment."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from iads.c2.wta import solve
from iads.c2.wta._colgen import _pairs, lp_bound, price
from iads.c2.wta._exact import _dive
from iads.c2.wta._heuristic import heuristic
from iads.c2.wta._problem import survival_of_counts


def _multisets(counts, size):
    """Every multiset of weapon types of the given size allowed by counts."""
    types = np.flatnonzero(counts > 0)
    for combo in itertools.combinations_with_replacement(types.tolist(), size):
        if np.all(np.bincount(combo, minlength=counts.size) <= counts):
            yield combo


def _h_brute(v, qj, counts, lam, sizes):
    best = v
    for k in sizes:
        for combo in _multisets(counts, k):
            best = min(best, v * np.prod(qj[list(combo)]) + lam[list(combo)].sum())
    return best


@pytest.mark.parametrize("counts", [[1, 3, 2, 1, 3, 1], [2, 2, 2, 2, 2, 2], [1, 1, 1, 1, 1, 1]])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pricing_equals_enumeration(counts, seed):
    """Few types and at most 12 shots: pricing is exact for every multiset size, so the
    best column per target and h both equal the enumeration."""
    rng = np.random.default_rng(seed)
    counts = np.array(counts)
    n_types, n_targets = counts.size, 5
    values = rng.uniform(1, 100, n_targets)
    q = 1.0 - rng.uniform(0.05, 0.999, (n_types, n_targets))
    lam = rng.uniform(0.0, 0.3, n_types) * values.mean()
    h, cands = price(values, q, counts, lam, _pairs(counts), triples=True, k_best=2)
    n_all = int(counts.sum())
    for j in range(n_targets):
        col = [c for c in cands if c[0] == j]
        for _, shots, val in col:  # each column is feasible and priced exactly
            assert np.all(np.bincount(shots, minlength=n_types) <= counts)
            assert val == pytest.approx(values[j] * np.prod(q[list(shots), j])
                                        + lam[list(shots)].sum(), rel=1e-12)
        best_col = min([values[j]] + [c[2] for c in col])
        ref = _h_brute(values[j], q[:, j], counts, lam, range(1, n_all + 1))
        assert best_col == pytest.approx(ref, rel=1e-12)
        assert h[j] == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("mu", [2, 3])
@pytest.mark.parametrize("seed", [0, 1])
def test_lp_bound_and_exact_with_several_shots_per_type(mu, seed):
    """Exact with counts mu (the Andersen et al. 2022 layout) equals HiGHS; LP <= optimum."""
    rng = np.random.default_rng(400 + seed)
    n_types, n_targets = 4, 2 * 4
    values = rng.integers(1, 100, n_targets).astype(float)
    pk = rng.uniform(0.05, 0.95, (n_types, n_targets))
    counts = np.full(n_types, mu)
    ex = solve(values, pk, "exact", counts=counts)
    ref = solve(values, pk, "milp", counts=counts, time_limit_s=60.0)
    assert ex.optimal and ref.optimal
    assert ex.objective == pytest.approx(ref.objective, rel=1e-6)
    q = 1.0 - pk
    x0 = heuristic(values, q, counts)
    lb, lam, z_cols = lp_bound(values, q, counts, x0)
    assert lb <= ref.objective * (1 + 1e-9)
    assert np.all(lam >= 0)
    # the LP solution covers every target once
    cover = np.zeros(n_targets)
    for z, j, _ in z_cols:
        cover[j] += z
    np.testing.assert_allclose(cover, 1.0, atol=1e-7)


def test_dive_is_feasible():
    """Fixing LP columns and solving the rest never exceeds the shot counts."""
    rng = np.random.default_rng(7)
    values = rng.integers(1, 100, 30).astype(float)
    pk = rng.uniform(0.0, 1.0, (15, 30))
    q, counts = 1.0 - pk, np.full(15, 3)
    x0 = heuristic(values, q, counts)
    lb, _, z_cols = lp_bound(values, q, counts, x0)
    for pick in range(3):
        x = _dive(values, q, counts, z_cols, None, pick)
        if x is None:
            break
        assert np.all(x >= 0) and np.all(x.sum(axis=1) <= counts)
        assert survival_of_counts(values, q, x).sum() >= lb * (1 - 1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_heuristic_is_optimal_among_one_shot_per_target(seed):
    """With one shot per target, the local search stops only when the assignment
    neighbourhood (over every shot) fails: the result is the optimal assignment of
    scipy's linear_sum_assignment with costs V_j (1 - p_ij)."""
    rng = np.random.default_rng(500 + seed)
    n = 40
    values = rng.uniform(25, 100, n)
    pk = rng.uniform(0.6, 0.9, (n, n))
    q = 1.0 - pk
    x = heuristic(values, q, np.ones(n, dtype=np.int64))
    rows, cols = linear_sum_assignment(values[None, :] * q)
    lsa = float((values[None, :] * q)[rows, cols].sum())
    obj = float(survival_of_counts(values, q, x).sum())
    assert obj <= lsa * (1 + 1e-12)
    if np.all(x.sum(axis=0) == 1):  # the neighbourhood holds every one-per-target move
        assert obj == pytest.approx(lsa, rel=1e-12)


def test_time_limited_exact_is_honest():
    """A time limit that stops the search gives a feasible assignment, a valid bound and
    optimal=True only with bound and objective equal."""
    rng = np.random.default_rng(11)
    values = rng.integers(1, 100, 40).astype(float)
    pk = rng.uniform(0.0, 1.0, (20, 40))
    counts = np.full(20, 3)
    res = solve(values, pk, "exact", counts=counts, time_limit_s=0.05)
    assert res.lower_bound <= res.objective * (1 + 1e-12)
    assert np.all(np.bincount(np.repeat(np.arange(20), counts)[res.assignment >= 0],
                              minlength=20) <= counts)
    if res.optimal:
        assert res.objective - res.lower_bound <= 1e-9 * res.objective
