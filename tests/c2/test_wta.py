"""Tests of iads.c2.wta against brute force, HiGHS (scipy.optimize.milp) and invariants."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from iads.c2.wta import METHODS, WTAResult, solve, surviving_value
from iads.c2.wta._bound import optimize_prices
from iads.c2.wta._exact import _BranchAndBound
from iads.c2.wta._heuristic import greedy
from iads.c2.wta._problem import survival_of_counts
from iads.errors import ParameterError

REF_S = 60.0  # budget of the reference solves (HiGHS MILP): generous, they take < 1 s


def _instance(seed, n_weapons, n_targets, p_lo=0.6, p_hi=0.9):
    """Ahuja et al. (2007) random scheme: values U[25, 100], Pk U[0.6, 0.9]."""
    rng = np.random.default_rng(seed)
    return rng.uniform(25, 100, n_targets), rng.uniform(p_lo, p_hi, (n_weapons, n_targets))


def _objective(values, pk, assignment):
    """Independent evaluation: a plain loop over shots."""
    surv = np.array(values, dtype=float)
    for w, j in enumerate(assignment):
        if j >= 0:
            surv[j] *= 1.0 - pk[w, j]
    return surv.sum()


def _brute_force(values, pk):
    """Enumerate every assignment (targets or hold fire) of every weapon."""
    n_w, n_t = pk.shape
    best = np.inf
    for a in itertools.product(range(-1, n_t), repeat=n_w):
        best = min(best, _objective(values, pk, a))
    return best


@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (4, 4), (2, 5)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_equals_brute_force(shape, seed):
    values, pk = _instance(seed, *shape, p_lo=0.2, p_hi=0.95)
    ref = _brute_force(values, pk)
    for method in ("exact", "milp"):
        res = solve(values, pk, method, time_limit_s=REF_S)
        assert res.optimal
        assert res.objective == pytest.approx(ref, rel=1e-9)
    assert solve(values, pk, "heuristic").objective >= ref * (1 - 1e-12)


@pytest.mark.parametrize("n", [5, 6, 8])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_equals_highs_milp(n, seed):
    values, pk = _instance(100 + seed, n, n)
    ex = solve(values, pk, "exact")
    ref = solve(values, pk, "milp", time_limit_s=REF_S)
    assert ex.optimal and ref.optimal
    assert ex.objective == pytest.approx(ref.objective, rel=1e-6)
    assert ex.lower_bound <= ex.objective
    assert ref.lower_bound <= ex.objective * (1 + 1e-6)


@pytest.mark.parametrize("seed", [0, 1])
def test_counts_equal_repeated_rows(seed):
    values, pk = _instance(200 + seed, 4, 7)
    counts = np.array([2, 1, 3, 2])
    rep = np.repeat(pk, counts, axis=0)
    a = solve(values, pk, "exact", counts=counts)
    b = solve(values, rep, "milp", time_limit_s=REF_S)
    c = solve(values, pk, "milp", counts=counts, time_limit_s=REF_S)
    assert a.optimal and b.optimal and c.optimal
    assert a.assignment.shape == (counts.sum(),)
    assert a.objective == pytest.approx(b.objective, rel=1e-6)
    assert a.objective == pytest.approx(c.objective, rel=1e-6)
    assert a.objective == pytest.approx(_objective(values, rep, a.assignment), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_branch_and_bound_alone_is_exact(seed):
    """The B&B without the LP shortcut, started from the greedy, reaches the MILP optimum."""
    values, pk = _instance(300 + seed, 6, 5, p_lo=0.3, p_hi=0.9)
    q = 1.0 - pk
    counts = np.ones(6, dtype=np.int64)
    x0 = greedy(values, q, counts)
    ub = survival_of_counts(values, q, x0).sum()
    lam, lb = optimize_prices(values, q, counts, ub, n_iter=20)
    bb = _BranchAndBound(values, q, counts, lam, x0, ub, None)
    bb.run()
    assert bb.complete
    assert lb <= bb.ub * (1 + 1e-9)
    ref = solve(values, pk, "milp", time_limit_s=REF_S)
    assert bb.ub == pytest.approx(ref.objective, rel=1e-6)


@pytest.mark.parametrize("n", [20, 30])
def test_heuristic_close_to_exact(n):
    values, pk = _instance(7, n, n)
    ex = solve(values, pk, "exact")
    he = solve(values, pk, "heuristic")
    assert ex.optimal
    assert he.objective >= ex.objective * (1 - 1e-12)
    assert he.objective <= ex.objective * 1.01
    assert ex.lower_bound == pytest.approx(ex.objective, rel=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_objective_matches_assignment(method):
    values, pk = _instance(11, 6, 5)
    res = solve(values, pk, method)
    assert isinstance(res, WTAResult)
    assert res.assignment.dtype == np.int64 and res.assignment.shape == (6,)
    assert np.all((res.assignment >= -1) & (res.assignment < 5))
    assert res.objective == pytest.approx(_objective(values, pk, res.assignment), rel=1e-12)
    assert res.objective == pytest.approx(surviving_value(values, pk, res.assignment), rel=1e-12)


def test_hold_fire_and_edges():
    values = np.array([10.0, 0.0, 5.0])
    pk = np.array([
        [0.0, 0.9, 0.0],  # useless: only hits the zero-value target
        [1.0, 0.5, 0.2],
        [1.0, 0.3, 0.1],
        [0.5, 0.0, 0.8],
    ])
    for method in ("exact", "milp", "heuristic"):
        res = solve(values, pk, method, time_limit_s=REF_S)
        a = res.assignment
        assert a[0] == -1  # nothing to gain: hold fire
        assert res.objective == pytest.approx(_brute_force(values, pk), abs=1e-9)
        # one certain kill on target 0, the other p = 1 weapon is not wasted on it
        assert np.sum(a == 0) == 1
        assert np.all(a != 1)  # the zero-value target is never engaged
    assert solve(values, np.zeros((2, 3))).objective == pytest.approx(15.0)
    assert np.all(solve(values, np.zeros((2, 3))).assignment == -1)
    assert solve(np.zeros(3), pk).objective == 0.0


def test_empty_problems():
    res = solve(np.array([3.0, 4.0]), np.zeros((0, 2)))
    assert res.objective == 7.0 and res.assignment.shape == (0,) and res.optimal
    res = solve(np.zeros(0), np.zeros((3, 0)))
    assert res.objective == 0.0 and np.all(res.assignment == -1)


def test_same_rng_same_result():
    values, pk = _instance(5, 60, 50)
    a = solve(values, pk, "heuristic", rng=np.random.default_rng(42))
    b = solve(values, pk, "heuristic", rng=np.random.default_rng(42))
    np.testing.assert_array_equal(a.assignment, b.assignment)
    assert a.objective == b.objective


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(values=[1.0, -2.0], pk=[[0.5, 0.5]]), "values"),
        (dict(values=[1.0, np.nan], pk=[[0.5, 0.5]]), "values"),
        (dict(values=[[1.0, 2.0]], pk=[[0.5, 0.5]]), "values"),
        (dict(values=[1.0, 2.0], pk=[[0.5, 1.5]]), "pk"),
        (dict(values=[1.0, 2.0], pk=[[0.5, -0.1]]), "pk"),
        (dict(values=[1.0, 2.0], pk=[[0.5, 0.5, 0.5]]), "pk"),
        (dict(values=[1.0, 2.0], pk=[0.5, 0.5]), "pk"),
        (dict(values=[1.0, 2.0], pk=[[0.5, np.inf]]), "pk"),
        (dict(values=[1.0, 2.0], pk=[[0.5, 0.5]], counts=[-1]), "counts"),
        (dict(values=[1.0, 2.0], pk=[[0.5, 0.5]], counts=[1.5]), "counts"),
        (dict(values=[1.0, 2.0], pk=[[0.5, 0.5]], counts=[1, 2]), "counts"),
        (dict(values=[1.0, 2.0], pk=[[0.5, 0.5]], method="best"), "method"),
        (dict(values=[1.0, 2.0], pk=[[0.5, 0.5]], time_limit_s=-1.0), "time_limit_s"),
        (dict(values=[1.0, 2.0], pk=[[0.5, 0.5]], rng=42), "rng"),
    ],
)
def test_invalid_inputs(kwargs, name):
    with pytest.raises(ParameterError) as err:
        solve(**kwargs)
    assert err.value.name == name


def test_one_target_shortcut_gives_the_lp_proven_assignment(monkeypatch):
    """One target, every useful shot on it: the same result as the LP-proven path (the
    shortcut of ``_exact``), on random salvo problems with useless and certain shots."""
    from iads.c2.wta import _exact

    rng = np.random.default_rng(15)
    probs = []
    for k in range(400):
        n = int(rng.integers(1, 5))
        pk = rng.uniform(0.0, 1.0, (n, 1))
        r = rng.random((n, 1))
        pk[r < 0.15], pk[(r > 0.15) & (r < 0.2)] = 0.0, 1.0
        pk[(r > 0.2) & (r < 0.25)] = rng.choice([1e-15, 1e-9, 1.0 - 1e-10])
        values = np.array([0.0 if k % 10 == 0 else rng.uniform(0.1, 10.0)])
        probs.append((values, pk, rng.integers(0, 6, n)))
    results = []
    for shortcut in (False, True):
        monkeypatch.setattr(_exact, "ONE_TARGET_SHORTCUT", shortcut)
        results.append([solve(v, p, counts=c, time_limit_s=None) for v, p, c in probs])
    for a, b in zip(*results, strict=True):
        assert np.array_equal(a.assignment, b.assignment) and a.optimal == b.optimal
        assert a.objective == b.objective
        assert b.lower_bound == pytest.approx(a.lower_bound, rel=1e-12, abs=1e-300)


def test_one_target_local_search_keeps_greedy():
    """The shortcut's premise: with one target the local search never changes greedy's
    answer (extreme values, useless, certain and near-useless shots)."""
    from iads.c2.wta._heuristic import heuristic

    rng = np.random.default_rng(16)
    extreme = [1e-300, 1e-17, 1e-15, 1e-13, 1e-9, 1 - 1e-10, 1 - 1e-16, 0.5]
    for _ in range(2000):
        n = int(rng.integers(1, 6))
        pk, r = rng.uniform(0.0, 1.0, (n, 1)), rng.random((n, 1))
        pk[r < 0.1], pk[(r > 0.1) & (r < 0.15)] = 0.0, 1.0
        pk[(r > 0.15) & (r < 0.25)] = rng.choice(extreme)
        v = np.array([rng.choice([0.0, 1e-300, 1.0, rng.uniform(0.1, 1e6), 1e300])])
        c, q = rng.integers(0, 8, n), 1.0 - pk
        assert np.array_equal(greedy(v, q, c), heuristic(v, q, c))
