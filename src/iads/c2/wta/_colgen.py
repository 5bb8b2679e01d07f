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

import time

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csc_matrix

__all__ = ["lp_bound"]


def _pairs(counts):
    live = np.flatnonzero(counts > 0)
    iu, ju = np.triu_indices(live.size)
    keep = (iu != ju) | (counts[live][iu] >= 2)
    return live[iu[keep]], live[ju[keep]]


class _Master:
    """The restricted master LP; columns are kept as sparse entries, appended once."""

    def __init__(self, values, q, counts):
        self.values, self.q, self.counts = values, q, counts
        self.cols: list[tuple[int, tuple[int, ...]]] = []
        self.seen: set[tuple[int, tuple[int, ...]]] = set()
        self.rows: list[int] = []
        self.col_of: list[int] = []
        self.cost: list[float] = []

    def add(self, j, shots):
        key = (int(j), tuple(sorted(int(s) for s in shots)))
        if key in self.seen:
            return
        k = len(self.cols)
        self.seen.add(key)
        self.cols.append(key)
        n_targets = self.q.shape[1]
        self.rows.append(key[0])
        self.rows.extend(n_targets + s for s in key[1])
        self.col_of.extend([k] * (1 + len(key[1])))
        c = self.values[key[0]]
        for s in key[1]:
            c *= self.q[s, key[0]]
        self.cost.append(c)

    def solve(self):
        n_types, n_targets = self.q.shape
        a = csc_matrix((np.ones(len(self.rows)), (self.rows, self.col_of)),
                       shape=(n_targets + n_types, len(self.cols)))
        res = linprog(np.array(self.cost), A_eq=a[:n_targets], b_eq=np.ones(n_targets),
                      A_ub=a[n_targets:], b_ub=self.counts.astype(float), bounds=(0, None),
                      method="highs")
        if res.status != 0:
            raise RuntimeError(f"WTA master LP failed: {res.message}")  # a bug, not input
        return res.fun, res.x, res.eqlin.marginals, -res.ineqlin.marginals


def lp_bound(values, q, counts, x_start, max_iter=200, tol=1e-9, deadline=None, upper=None):
    """Column generation from the shot counts ``x_start``.

    Returns (bound, lam, z_cols) where bound is a valid lower bound on the WTA optimum
    (the Lagrangian value at the final duals, every multiset size covered), lam (n_types,)
    the weapon prices and z_cols the LP solution [(value, target, shots)]. ``upper``: the
    incumbent's objective, to stop as soon as the bound proves it; ``deadline``: a
    ``time.perf_counter()`` value after which the best bound so far is returned.
    """
    n_types, n_targets = q.shape
    m = _Master(values, q, counts)
    for j in range(n_targets):
        m.add(j, ())
        for i in np.flatnonzero(counts > 0):
            m.add(j, (i,))
        m.add(j, np.repeat(np.arange(n_types), x_start[:, j]))
    pairs = _pairs(counts)
    scale = max(values.sum(), 1e-300)
    bound = -np.inf
    triples = False  # price three-shot columns only once no one/two-shot column is left
    for _ in range(max_iter):
        obj, z, pi, lam = m.solve()
        lam = np.maximum(lam, 0.0)
        h, new = price(values, q, counts, lam, pairs, triples)
        bound = max(bound, float(h.sum() - lam @ counts))
        added = 0
        for j, shots in new:
            if h[j] - pi[j] < -tol * scale:
                m.add(j, shots)
                added += 1
        if added == 0 and not triples:
            triples = True
            continue
        if added == 0 or obj - bound <= tol * scale:
            break
        if upper is not None and upper - bound <= tol * upper:
            break  # the incumbent is proven optimal already
        if deadline is not None and time.perf_counter() > deadline:
            break
    z_cols = [(z[k], j, s) for k, (j, s) in enumerate(m.cols[: z.size]) if z[k] > 1e-9]
    return min(bound, obj), lam, z_cols


def price(values, q, counts, lam, pairs, triples=True):
    """Per-target subproblem h_j = min_A V_j prod_A q + sum_A lambda (Lagrangian pricing).

    Exact for up to three shots (two without ``triples``), bounded below beyond (sorted q
    times sorted prices, ``_bound``); returns (h (n_targets,), [(target, best multiset)]).
    """
    n_types, n_targets = q.shape
    live = np.flatnonzero(counts > 0)
    h = values.astype(float).copy()
    best: list[tuple[int, ...]] = [()] * n_targets
    if live.size == 0:
        return h, []
    one = values[None, :] * q[live] + lam[live, None]
    k1 = np.argmin(one, axis=0)
    v1 = one[k1, np.arange(n_targets)]
    better = v1 < h
    h = np.where(better, v1, h)
    for j in np.flatnonzero(better):
        best[j] = (int(live[k1[j]]),)
    pa, pb = pairs
    lb3 = np.full(n_targets, np.inf)
    if pa.size:
        qq = q[pa] * q[pb]
        l2 = (lam[pa] + lam[pb])[:, None]
        two = values[None, :] * qq + l2
        # three shots (a, b, c) >= the best pair at value V_j q_cj, q_cj >= min_c q_cj,
        # plus the cheapest price: a filter before the exact enumeration
        lb3 = np.min(values[None, :] * q[live].min(axis=0) * qq + l2, axis=0) + lam[live].min()
        k2 = np.argmin(two, axis=0)
        v2 = two[k2, np.arange(n_targets)]
        better = v2 < h
        h = np.where(better, v2, h)
        for j in np.flatnonzero(better):
            best[j] = (int(pa[k2[j]]), int(pb[k2[j]]))
    n_copies = int(counts.sum())
    if n_copies >= 3:
        k_top = min(n_copies, 12)
        q_small = np.sort(np.partition(np.repeat(q, counts, axis=0), k_top - 1, axis=0)
                          [:k_top], axis=0) if k_top < n_copies \
            else np.sort(np.repeat(q, counts, axis=0), axis=0)
        l_sum = np.cumsum(np.sort(np.repeat(lam, counts)))
        q_prod = np.cumprod(q_small, axis=0)  # (k_top, n_targets)
        lb = values[None, :] * q_prod[2:] + l_sum[2:k_top, None]  # k = 3 .. k_top
        tail = l_sum[k_top] if k_top < n_copies else np.inf  # k > k_top: survival >= 0
        lb4 = np.minimum(lb[1:].min(axis=0, initial=np.inf), tail)
        lb3 = np.maximum(lb[0], lb3)
        for j in np.flatnonzero(lb3 < h) if triples else []:  # three shots might beat h
            t = _best_triple(values[j], q[:, j], counts, lam, h[j])
            if t is not None and t[0] < h[j]:
                h[j], best[j] = t[0], t[1]
        if not triples:
            h = np.minimum(h, lb3)
        h = np.minimum(h, lb4)  # four shots or more: a lower bound, no column
    return h, [(j, best[j]) for j in range(n_targets)]


def _best_triple(v, qj, counts, lam, h_j):
    """Exact min over 3-shot multisets of v prod q + sum lambda below h_j, or None."""
    l_sorted = np.sort(np.repeat(lam, counts))
    # a type can belong to an improving triple only if its price leaves room for two more
    cand = np.flatnonzero((counts > 0) & (lam + l_sorted[0] + l_sorted[1] < h_j))
    if cand.size == 0:
        return None
    a, b, c = _triples(counts, cand)
    if a.size == 0:
        return None
    val = v * qj[a] * qj[b] * qj[c] + lam[a] + lam[b] + lam[c]
    k = int(np.argmin(val))
    return float(val[k]), (int(a[k]), int(b[k]), int(c[k]))


def _triples(counts, types):
    """Multisets a <= b <= c of ``types`` allowed by counts, as three index arrays."""
    m = types.size
    i, j, k = np.nonzero(np.ones((m, m, m), dtype=bool)) if m <= 120 else _chunked(m)
    keep = (i <= j) & (j <= k)
    i, j, k = types[i[keep]], types[j[keep]], types[k[keep]]
    need = 1 + (i == j) + (j == k)  # copies of the repeated type (i <= j <= k)
    rep = np.where(j == k, k, i)
    ok = counts[rep] >= need
    return i[ok], j[ok], k[ok]


def _chunked(m):
    iu, ju = np.triu_indices(m)
    k = np.arange(m)
    ii = np.repeat(iu, m)
    jj = np.repeat(ju, m)
    kk = np.tile(k, iu.size)
    return ii, jj, kk
