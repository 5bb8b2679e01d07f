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


def _table(rows):
    import pyarrow as pa

    t, i, x = zip(*rows, strict=True)
    x = np.array(x, float)
    return pa.table(
        {
            "t_s": list(t),
            "track_id": list(i),
            "confirmed": [True] * len(t),
            "x_m": x[:, 0],
            "y_m": x[:, 1],
            "z_m": x[:, 2],
        }
    )


def test_track_metrics_by_hand():
    from iads.tracking.metrics import track_metrics

    t = np.arange(6.0)
    truth = np.zeros((6, 2, 3))
    truth[:, 0, 0] = 100 * t  # truth 0 moves along x
    truth[:, 1, 1] = 5000.0  # truth 1 still, far away
    truth[0, 1] = np.nan  # truth 1 appears at t = 1
    rows = []
    for k in range(6):
        if k >= 1:  # truth 0: track 5 at t = 1, 2, then track 9 (one identity switch)
            rows.append((t[k], 5 if k <= 2 else 9, truth[k, 0] + [3.0, 4.0, 0.0]))
        if k >= 2 and k != 4:  # truth 1: track 7 from t = 2, missed at t = 4
            rows.append((t[k], 7, truth[k, 1]))
        rows.append((t[k], 99, [1e6, 0, 0]))  # a false track far from everything
    m = track_metrics(t, truth, _table(rows), c=20.0)
    assert m.id_switches == 1
    np.testing.assert_allclose(m.time_to_confirm_s, [1.0, 1.0])
    # truth 0: 3 of 6 scans by track 9; truth 1: 3 of 5 scans by track 7
    assert np.isclose(m.continuity, (3 / 6 + 3 / 5) / 2)
    # 5 pairs at 5 m and 3 pairs at 0 m
    assert np.isclose(m.rmse_m, np.sqrt(5 * 25.0 / 8))
    assert m.matched_ids[4, 1] == -1 and m.matched_ids[3, 0] == 9
