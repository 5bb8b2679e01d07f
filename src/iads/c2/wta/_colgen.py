"""Column-generation LP bound of the WTA (one column per target and shot multiset).

Master LP (the set-partitioning form of the WTA; Ahuja et al. 2007 section 4 and Andersen,
Pavlikov and Toffolo 2022 discuss its strength): choose for every target j one multiset A of
shots (z_jA in [0, 1], sum_A z_jA = 1) at cost V_j prod_{i in A} q_ij, with at most c_i shots
of type i in all. Its LP optimum equals the best Lagrangian bound of ``_bound`` and is very
often equal to the WTA optimum. Columns are priced with the LP duals (pi_j for targets,
lambda_i >= 0 for weapon types): reduced cost V_j prod q + sum lambda - pi_j, enumerated
exactly for one, two and three shots (numpy, all pairs / triples at once) and bounded below
for more shots by the sorted relaxation of ``_bound``. The LP is solved by HiGHS through
``scipy.optimize.linprog``.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csc_matrix

__all__ = ["lp_bound"]


def _pairs(counts):
    live = np.flatnonzero(counts > 0)
    iu, ju = np.triu_indices(live.size)
    keep = (iu != ju) | (counts[live][iu] >= 2)
    return live[iu[keep]], live[ju[keep]]


def _triples(counts, types):
    """All multisets of three shots among ``types`` allowed by counts, as (n, 3) array."""
    out = [t for t in itertools.combinations_with_replacement(types.tolist(), 3)
           if all(t.count(a) <= counts[a] for a in set(t))]
    return np.array(out, dtype=np.int64).reshape(-1, 3)


class _Master:
    def __init__(self, values, q, counts):
        self.values, self.q, self.counts = values, q, counts
        self.cols: list[tuple[int, tuple[int, ...]]] = []
        self.seen: set[tuple[int, tuple[int, ...]]] = set()

    def add(self, j, shots):
        key = (int(j), tuple(sorted(int(s) for s in shots)))
        if key not in self.seen:
            self.seen.add(key)
            self.cols.append(key)

    def solve(self):
        n_types, n_targets = self.q.shape
        rows, cols, cost = [], [], []
        for k, (j, shots) in enumerate(self.cols):
            rows.append(j)
            cols.append(k)
            rows.extend(n_targets + s for s in shots)
            cols.extend([k] * len(shots))
            cost.append(self.values[j] * np.prod(self.q[list(shots), j]))
        a = csc_matrix((np.ones(len(rows)), (rows, cols)),
                       shape=(n_targets + n_types, len(self.cols)))
        res = linprog(np.array(cost), A_eq=a[:n_targets], b_eq=np.ones(n_targets),
                      A_ub=a[n_targets:], b_ub=self.counts.astype(float), bounds=(0, None),
                      method="highs")
        if res.status != 0:
            raise RuntimeError(f"WTA master LP failed: {res.message}")  # a bug, not input
        return res.fun, res.x, res.eqlin.marginals, -res.ineqlin.marginals


def lp_bound(values, q, counts, x_start, max_iter=200, tol=1e-9):
    """Column generation from the shot counts ``x_start``.

    Returns (bound, lam, z_cols) where bound is a valid lower bound on the WTA optimum
    (the Lagrangian value at the final duals, pricing proven for any number of shots),
    lam (n_types,) the weapon prices and z_cols the LP solution [(value, target, shots)].
    """
    n_types, n_targets = q.shape
    m = _Master(values, q, counts)
    for j in range(n_targets):
        m.add(j, ())
        for i in np.flatnonzero(counts > 0):
            m.add(j, (i,))
        m.add(j, np.repeat(np.arange(n_types), x_start[:, j]))
    pa, pb = _pairs(counts)
    scale = max(values.sum(), 1e-300)
    for _ in range(max_iter):
        obj, z, pi, lam = m.solve()
        lam = np.maximum(lam, 0.0)
        # two shots: reduced cost of every pair on every target, (n_pairs, n_targets)
        added = 0
        if pa.size:
            rc2 = values[None, :] * q[pa] * q[pb] + (lam[pa] + lam[pb])[:, None] - pi[None, :]
            best = np.argmin(rc2, axis=0)
            for j in np.flatnonzero(rc2[best, np.arange(n_targets)] < -tol * scale):
                m.add(j, (pa[best[j]], pb[best[j]]))
                added += 1
        h, need3 = _h_three_plus(values, q, counts, lam, pi, tol * scale)
        for j, shots in need3:
            m.add(j, shots)
            added += 1
        if added == 0:
            break
    bound = lagrangian(values, q, counts, lam)
    z_cols = [(z[k], j, s) for k, (j, s) in enumerate(m.cols) if z[k] > 1e-9]
    return min(bound, obj), lam, z_cols


def _h_three_plus(values, q, counts, lam, pi, tol):
    """Exact best triple per target where the sorted bound cannot exclude it."""
    n_copies = int(counts.sum())
    out = []
    if n_copies < 3:
        return None, out
    q_copies = np.sort(np.repeat(q, counts, axis=0), axis=0)
    l_sorted = np.sort(np.repeat(lam, counts))
    lb3 = values * np.prod(q_copies[:3], axis=0) + l_sorted[:3].sum() - pi
    for j in np.flatnonzero(lb3 < -tol):
        # only types that could belong to a negative triple: price below the slack
        cand = np.flatnonzero((counts > 0) & (lam < pi[j]))
        t = _triples(counts, cand)
        if t.size == 0:
            continue
        rc = values[j] * np.prod(q[t, j], axis=1) + lam[t].sum(axis=1) - pi[j]
        k = int(np.argmin(rc))
        if rc[k] < -tol:
            out.append((int(j), tuple(t[k])))
    return None, out


def lagrangian(values, q, counts, lam):
    """L(lambda) with exact one/two-shot terms and sorted bounds beyond (a valid bound)."""
    from ._bound import h_lower, options

    alpha, beta = options(q, counts, lam)
    return float(h_lower(values, alpha, beta).sum() - lam @ counts)
