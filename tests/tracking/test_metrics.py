"""GOSPA and OSPA against brute force over all assignments (and Stone Soup where installed)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from iads.tracking.metrics import gospa, ospa


def _gospa_brute(X, Y, c, p):
    """min over all partial assignments of sum d^p + c^p/2 (unassigned X + unassigned Y),
    with pairs at distance >= c counted as unassigned (Rahmathullah et al. 2017, eq. 2)."""
    n, m = len(X), len(Y)
    best = c**p / 2 * (n + m)
    for k in range(1, min(n, m) + 1):
        for xs in itertools.combinations(range(n), k):
            for ys in itertools.permutations(range(m), k):
                d = np.linalg.norm(X[list(xs)] - Y[list(ys)], axis=1)
                cost = np.sum(np.minimum(d, c) ** p) + c**p / 2 * (n + m - 2 * k)
                best = min(best, cost)
    return best ** (1 / p)


def _ospa_brute(X, Y, c, p):
    n, m = len(X), len(Y)
    if n > m:
        X, Y, n, m = Y, X, m, n
    if m == 0:
        return 0.0
    best = np.inf
    for ys in itertools.permutations(range(m), n):
        d = np.linalg.norm(X - Y[list(ys)], axis=1) if n else np.zeros(0)
        best = min(best, np.sum(np.minimum(d, c) ** p))
    return ((best + c**p * (m - n)) / m) ** (1 / p)


@pytest.mark.parametrize("seed", range(12))
def test_gospa_and_ospa_equal_brute_force(seed):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 10, (rng.integers(0, 5), 2))
    Y = rng.uniform(0, 10, (rng.integers(0, 5), 2))
    c, p = float(rng.uniform(1, 6)), float(rng.choice([1.0, 2.0, 3.0]))
    g = gospa(X, Y, c, p)
    assert np.isclose(g.distance, _gospa_brute(X, Y, c, p), rtol=1e-10)
    assert np.isclose(g.localisation + g.missed + g.false, g.distance**p)
    assert np.isclose(ospa(X, Y, c, p), _ospa_brute(X, Y, c, p), rtol=1e-10)


def test_gospa_parts():
    X = np.array([[0.0, 0, 0], [100, 0, 0]])
    Y = np.array([[3.0, 4, 0], [500, 0, 0], [900, 0, 0]])
    g = gospa(X, Y, c=10.0, p=2)
    assert g.n_assigned == 1 and np.isclose(g.localisation, 25.0)
    assert np.isclose(g.missed, 50.0) and np.isclose(g.false, 100.0)


def test_gospa_equals_stonesoup():
    pytest.importorskip("stonesoup")
    from datetime import datetime

    from stonesoup.metricgenerator.ospametric import GOSPAMetric
    from stonesoup.types.state import State

    rng = np.random.default_rng(5)
    t = datetime(2020, 1, 1)
    for _ in range(5):
        X = rng.uniform(0, 20, (rng.integers(1, 6), 3))
        Y = rng.uniform(0, 20, (rng.integers(1, 6), 3))
        m = GOSPAMetric(c=5.0, p=2)
        ref = m.compute_gospa_metric(
            [State(y.reshape(-1, 1), timestamp=t) for y in Y],
            [State(x.reshape(-1, 1), timestamp=t) for x in X],
        )[0]
        assert np.isclose(gospa(X, Y, 5.0, 2).distance, ref.value["distance"], rtol=1e-9)
