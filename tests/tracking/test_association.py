"""Gating and the sparse optimal assignment against dense brute force."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.tracking.association import assign_sparse, clusters, gate_position


def _milp_assignment(rows, cols, cost, n_rows, n_cols):
    """Cheapest set of pairs, at most one per row and column, by an exact MILP solver
    (scipy's HiGHS): binary x per candidate pair, each row and column used at most once.
    (A brute force over subsets of up to 25 pairs took minutes per example.)"""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    p = len(rows)
    if p == 0:
        return 0.0
    k = np.arange(p)
    a = coo_array((np.ones(2 * p), (np.r_[rows, n_rows + cols], np.r_[k, k])),
                  shape=(n_rows + n_cols, p))  # fmt: skip
    res = milp(cost, integrality=np.ones(p), bounds=Bounds(0, 1),
               constraints=LinearConstraint(a, -np.inf, 1))  # fmt: skip
    assert res.success
    return float(res.fun)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 5), st.integers(1, 5), st.floats(0.2, 1.0))
def test_assign_sparse_is_optimal(seed, n_rows, n_cols, density):
    rng = np.random.default_rng(seed)
    mask = rng.random((n_rows, n_cols)) < density
    rows, cols = np.nonzero(mask)
    cost = rng.normal(-1.0, 1.0, rows.size)
    chosen = assign_sparse(rows, cols, cost, n_rows, n_cols)
    best = _milp_assignment(rows, cols, cost, n_rows, n_cols)
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
