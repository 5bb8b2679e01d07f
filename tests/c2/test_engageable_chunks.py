"""`iads.c2.outcome.engageable` evaluates its (sample, entity) pairs in chunks, so that its
memory stays bounded at any raid size, and skips the pairs out of a unit's reach: the
answer depends on neither."""

from __future__ import annotations

import numpy as np
import pytest

import iads.c2.outcome as outcome
from iads.engine import simulate
from iads.scenario import load_scenario
from iads.weapons.envelope import intercept_time


def test_engageable_is_the_same_in_chunks_of_any_size(monkeypatch) -> None:
    r = simulate(load_scenario("default"), seed=0)
    whole = outcome.engageable(r.built, r.truth)
    assert whole.any()
    for size in (1, 7, 1000):
        monkeypatch.setattr(outcome, "_PAIRS_PER_CHUNK", size)
        np.testing.assert_array_equal(outcome.engageable(r.built, r.truth), whole)


@pytest.mark.parametrize(
    ("name", "params"),
    [("default", {}), ("saturation", {"n_threats": 60, "batteries": 5})],
)
def test_the_reach_prefilter_changes_nothing(monkeypatch, name, params) -> None:
    r = simulate(load_scenario(name, params=params), seed=1)
    fast = outcome.engageable(r.built, r.truth)
    monkeypatch.setattr(outcome, "PREFILTER", False)
    full = outcome.engageable(r.built, r.truth)
    np.testing.assert_array_equal(fast, full)
    assert full.any()


def test_reach_lower_bound_holds_against_the_intercept_solution() -> None:
    """The bound s·d/(s+v) never exceeds the slant range s·τ of the exact intercept
    (`intercept_time`, the quadratic's root) over random geometries, and is reached by a
    target flying straight at the launcher."""
    rng = np.random.default_rng(7)
    n = 200_000
    d = rng.normal(size=(n, 3)) * rng.uniform(1e3, 4e5, (n, 1))
    v = rng.normal(size=(n, 3)) * rng.uniform(0.0, 2500.0, (n, 1))
    s = rng.uniform(200.0, 2000.0, n)
    tau = intercept_time(d, v, s)
    ok = np.isfinite(tau)
    assert ok.mean() > 0.25  # a third of the targets outrun their interceptor
    lb = outcome.reach_lower_bound_m(np.linalg.norm(d, axis=-1), np.linalg.norm(v, axis=-1), s)
    assert np.all(lb[ok] <= s[ok] * tau[ok] * (1 + 1e-12) + 1e-6)
    head_on = -d / np.linalg.norm(d, axis=-1, keepdims=True) * 300.0
    tau0 = intercept_time(d, head_on, s)
    lb0 = outcome.reach_lower_bound_m(np.linalg.norm(d, axis=-1), np.full(n, 300.0), s)
    np.testing.assert_allclose(s * tau0, lb0, rtol=1e-9)
