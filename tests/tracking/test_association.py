"""Gating and the sparse optimal assignment against dense brute force."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.tracking.association import assign_sparse, clusters, gate_position


def _brute_force_assignment(rows, cols, cost):
    """Cheapest set of pairs, at most one per row and column, by enumerating all subsets."""
    best, best_set = 0.0, ()
    p = len(rows)
    for r in range(1, p + 1):
        for sub in itertools.combinations(range(p), r):
            if len({rows[i] for i in sub}) < r or len({cols[i] for i in sub}) < r:
                continue
            c = sum(cost[i] for i in sub)
            if c < best - 1e-12:
                best, best_set = c, sub
    return best, best_set


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 5), st.integers(1, 5), st.floats(0.2, 1.0))
def test_assign_sparse_is_optimal(seed, n_rows, n_cols, density):
    rng = np.random.default_rng(seed)
    mask = rng.random((n_rows, n_cols)) < density
    rows, cols = np.nonzero(mask)
    cost = rng.normal(-1.0, 1.0, rows.size)
    chosen = assign_sparse(rows, cols, cost, n_rows, n_cols)
    best, _ = _brute_force_assignment(rows, cols, cost)
    assert np.isclose(cost[chosen].sum(), best)
    assert len(set(rows[chosen])) == chosen.sum() == len(set(cols[chosen]))


def test_gate_matches_dense_mahalanobis():
    rng = np.random.default_rng(2)
    n, m = 40, 60
    zp = rng.uniform(0, 1000, (n, 3))
    A = rng.standard_normal((n, 3, 3))
    S = A @ np.swapaxes(A, 1, 2) * 400 + 100 * np.eye(3)
    z = rng.uniform(0, 1000, (m, 3))
    R = np.broadcast_to(np.diag([25.0, 50.0, 100.0]), (m, 3, 3))
    G = 16.0
    rows, cols, d2, _ = gate_position(zp, S, z, R, G)
    nu = z[None, :, :] - zp[:, None, :]
    Sfull = S[:, None] + R[None]
    dense = np.einsum("nmi,nmij,nmj->nm", nu, np.linalg.inv(Sfull), nu)
    ref = set(zip(*np.nonzero(dense <= G), strict=True))
    assert set(zip(rows.tolist(), cols.tolist(), strict=True)) == ref
    np.testing.assert_allclose(d2, dense[rows, cols], rtol=1e-9)


def test_clusters_are_connected_components():
    rows = np.array([0, 0, 1, 2, 3])
    cols = np.array([0, 1, 1, 2, 3])
    lab = clusters(rows, cols, 4, 4)
    assert lab[0] == lab[1] == lab[2]
    assert len({lab[0], lab[3], lab[4]}) == 3
