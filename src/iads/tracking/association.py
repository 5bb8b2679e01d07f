"""Data association: Mahalanobis gating, clusters of tracks and measurements that share gates,
and global nearest neighbour (GNN) as an optimal 2-D assignment.

Everything works on the sparse list of gated (track, measurement) pairs, never on a dense
n x m matrix: a k-d tree proposes the candidate pairs, the Mahalanobis test keeps the gated
ones, and the assignment is solved per connected cluster, so cost grows with the number of
pairs (about linearly in the number of targets when targets are not all crowded together).
"""

from __future__ import annotations

from itertools import chain

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from iads.tracking import _jit
from iads.tracking.kalman import inv_sym

__all__ = ["assign_sparse", "candidate_pairs", "clusters", "gate_position"]

_DENSE_MAX_PAIRS = 150_000


def candidate_pairs(
    track_xyz_m: NDArray[np.float64],
    radius_m: NDArray[np.float64],
    meas_xyz_m: NDArray[np.float64],
    k_nearest: int = 4,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """All (track i, measurement j) with |meas_j - track_i| <= radius_i, by a k-d tree over
    the measurements. track_xyz_m (n, 3), radius_m (n,), meas_xyz_m (m, 3) [m].

    One vectorized k-nearest query (bounded by the radius) serves the tracks with fewer than
    `k_nearest` measurements in reach, which is nearly all of them; only the tracks whose
    k-th neighbour is still in reach are asked again for every point in their ball.
    Returns (rows, cols) int arrays of the pairs."""
    n, m = track_xyz_m.shape[0], meas_xyz_m.shape[0]
    if n == 0 or m == 0:
        e = np.zeros(0, np.int64)
        return e, e.copy()
    if n * m <= _DENSE_MAX_PAIRS:  # small problems: all distances at once beat a tree
        d2 = cdist(track_xyz_m, meas_xyz_m, "sqeuclidean")
        rows, cols = np.nonzero(d2 <= (radius_m * radius_m)[:, None])
        return rows.astype(np.int64), cols.astype(np.int64)
    tree = cKDTree(meas_xyz_m)
    k = min(k_nearest, m)
    # The k-nearest search prunes with one bound, so tracks with small gates are queried apart
    # from the few with wide ones (tentative tracks), whose bound would slow them all down.
    wide = radius_m > 2.0 * radius_m.min()
    rows_l, cols_l = [], []
    for sel in (np.flatnonzero(~wide), np.flatnonzero(wide)):
        if sel.size == 0:
            continue
        rad = radius_m[sel]
        dist, idx = tree.query(track_xyz_m[sel], k=k, distance_upper_bound=float(rad.max()))
        dist, idx = dist.reshape(sel.size, k), idx.reshape(sel.size, k)
        inside = dist <= rad[:, None]
        full = inside[:, -1].copy()
        inside[full] = False
        r, c = np.nonzero(inside)
        rows_l += [sel[r]]
        cols_l += [idx[r, c]]
        if np.any(full):
            fi = sel[full]
            hits = tree.query_ball_point(track_xyz_m[fi], radius_m[fi], return_sorted=False)
            lens = np.fromiter(map(len, hits), np.int64, fi.size)
            rows_l += [np.repeat(fi, lens)]
            cols_l += [np.fromiter(chain.from_iterable(hits), np.int64, int(lens.sum()))]
    rows, cols = np.concatenate(rows_l), np.concatenate(cols_l)
    return rows.astype(np.int64), cols.astype(np.int64)


def gate_position(
    z_pred: NDArray[np.float64],
    S_pred: NDArray[np.float64],
    z: NDArray[np.float64],
    R: NDArray[np.float64],
    gate_d2: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """Gated pairs for Cartesian position measurements.

    z_pred (n, 3) predicted positions, S_pred (n, 3, 3) their covariance H P H^T, z (m, 3) and
    R (m, 3, 3) the measurements. A pair is gated when d² = nu^T (S_pred + R)^-1 nu <= gate_d2
    (Bar-Shalom et al. 2001, §5.4.2 eq. 5.4.2-4). The k-d tree prefilter uses the radius
    sqrt(gate_d2 · (tr S_pred + max tr R)), an upper bound of the gate's largest semi-axis,
    so it drops no gated pair.

    Returns rows, cols, d2 (p,) and the inverse innovation covariances Sinv (p, 3, 3).
    """
    tr_R = np.trace(R, axis1=1, axis2=2).max(initial=0.0)
    radius = np.sqrt(gate_d2 * (np.trace(S_pred, axis1=1, axis2=2) + tr_R))
    rows, cols = candidate_pairs(z_pred, radius, z)
    Sinv = inv_sym(S_pred[rows] + R[cols])
    nu = z[cols] - z_pred[rows]
    d2 = np.einsum("pi,pij,pj->p", nu, Sinv, nu)
    keep = d2 <= gate_d2
    return rows[keep], cols[keep], d2[keep], Sinv[keep]


def clusters(
    rows: NDArray[np.int64], cols: NDArray[np.int64], n_rows: int, n_cols: int
) -> NDArray[np.int64]:
    """Cluster label of each pair: connected components of the bipartite graph whose edges
    are the pairs (tracks and measurements linked through shared gates)."""
    if rows.size == 0:
        return np.zeros(0, np.int64)
    g = coo_matrix(
        (np.ones(rows.size, np.int8), (rows, n_rows + cols)), shape=(n_rows + n_cols,) * 2
    )
    _, node_label = connected_components(g, directed=False)
    return node_label[rows].astype(np.int64)


def assign_sparse(
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    cost: NDArray[np.float64],
    n_rows: int,
    n_cols: int,
) -> NDArray[np.bool_]:
    """Optimal partial assignment on a sparse list of pairs: the set of pairs, at most one per
    row and one per column, with the smallest total cost. Only pairs with negative cost can be
    worth taking (cost is relative to leaving both ends unassigned), so write the cost of a
    pair as c_ij - miss_i - miss_j.

    Solved per connected cluster: a cluster with a single row or a single column (found from
    the degrees, without a graph search) takes its cheapest pair, vectorized over all such
    clusters; the others, found as connected components, go to
    `scipy.optimize.linear_sum_assignment` (Crouse 2016, shortest augmenting path), one
    small dense problem per cluster. Returns a boolean mask over the pairs.
    """
    if _jit.ENABLED:
        chosen, general, label = _jit.assign_stars(rows, cols, cost, n_rows, n_cols)
        if general.size:
            bounds = np.flatnonzero(label[1:] != label[:-1]) + 1
            _assign_clusters(rows, cols, cost, np.split(general, bounds), chosen)
        return chosen
    chosen = np.zeros(rows.size, dtype=bool)
    neg = cost < 0
    idx = np.flatnonzero(neg)
    if idx.size == 0:
        return chosen
    r, c, w = rows[idx], cols[idx], cost[idx]
    # Stars need no graph search: a column all of whose rows have no other pair (or a row all
    # of whose columns have no other pair) is a whole cluster, and takes its cheapest pair.
    deg_r = np.bincount(r, minlength=n_rows)
    deg_c = np.bincount(c, minlength=n_cols)
    col_star = np.bincount(c, weights=deg_r[r] > 1, minlength=n_cols) == 0
    row_star = np.bincount(r, weights=deg_c[c] > 1, minlength=n_rows) == 0
    by_col, by_row = col_star[c], row_star[r]
    star = by_col | by_row
    s = np.flatnonzero(star)
    if s.size:
        key = np.where(by_col[s], c[s], n_cols + r[s])
        order = np.lexsort((w[s], key))
        first = np.ones(order.size, bool)
        first[1:] = key[order][1:] != key[order][:-1]
        chosen[idx[s[order[first]]]] = True
    # General clusters: one dense assignment each (a loop over clusters, not over tracks).
    g = np.flatnonzero(~star)
    if g.size:
        lab = clusters(r[g], c[g], n_rows, n_cols)
        order = np.argsort(lab, kind="stable")
        bounds = np.flatnonzero(np.diff(lab[order])) + 1
        _assign_clusters(rows, cols, cost, np.split(idx[g[order]], bounds), chosen)
    return chosen


def _assign_clusters(rows, cols, cost, parts, chosen) -> None:
    """Dense optimal assignment of each cluster (pair indices, increasing), into chosen."""
    for part in parts:
        ur, lr = np.unique(rows[part], return_inverse=True)
        uc, lc = np.unique(cols[part], return_inverse=True)
        M = np.zeros((ur.size, uc.size))
        M[lr, lc] = cost[part]
        ai, aj = linear_sum_assignment(M)
        take = M[ai, aj] < 0
        key = np.full((ur.size, uc.size), -1, np.int64)
        key[lr, lc] = part
        chosen[key[ai[take], aj[take]]] = True
