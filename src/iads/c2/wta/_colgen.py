"""Column-generation LP bound of the WTA (one column per target and shot multiset).

Master LP (the set-partitioning form of the WTA; Ahuja et al. 2007 section 4 and Andersen,
Pavlikov and Toffolo 2022 discuss its strength): choose for every target j one multiset A of
shots (z_jA in [0, 1], sum_A z_jA = 1) at cost V_j prod_{i in A} q_ij, with at most c_i shots
of type i in all. Its LP optimum equals the best Lagrangian bound of ``_bound`` and is very
often equal to the WTA optimum. Columns are priced with the LP duals (pi_j for targets,
lambda_i >= 0 for weapon types): reduced cost V_j prod q + sum lambda - pi_j, enumerated
exactly for one, two and three shots (numpy, all pairs / triples at once) and bounded below
for more shots by the sorted relaxation of ``_bound``. Each round adds, per target, the
few best one- and two-shot columns and the best three-shot one (fewer LP solves). Size rule:
three-shot columns are priced from the first round when some type has three shots or more
(the LP of the mu = 3 instances of Andersen et al. 2022 then converges in ~10 rounds instead
of stalling), otherwise only once no one/two-shot column is left. The LP is solved by HiGHS
through ``scipy.optimize.linprog``.
"""

from __future__ import annotations

import time
from functools import lru_cache
from itertools import combinations_with_replacement
from math import comb

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


def lp_bound(values, q, counts, x_start, max_iter=200, tol=1e-9, deadline=None, upper=None,
             triples=None, k_best=3):
    """Column generation from the shot counts ``x_start``.

    Returns (bound, lam, z_cols) where bound is a valid lower bound on the WTA optimum
    (the Lagrangian value at the final duals, every multiset size covered), lam (n_types,)
    the weapon prices and z_cols the LP solution [(value, target, shots)]. ``upper``: the
    incumbent's objective, to stop as soon as the bound proves it; ``deadline``: a
    ``time.perf_counter()`` value after which the best bound so far is returned.
    """
    n_types, n_targets = q.shape
    m = _Master(values, q, counts)
    live = np.flatnonzero(counts > 0)
    # start: no shot, the start solution's column and the k_best most lethal single shots
    # per target (the others are priced in when their reduced cost says so)
    k1 = min(k_best, live.size)
    top = np.argsort(q[live], axis=0)[:k1] if live.size else np.zeros((0, n_targets), int)
    for j in range(n_targets):
        m.add(j, ())
        for i in live[top[:, j]]:
            m.add(j, (i,))
        m.add(j, np.repeat(np.arange(n_types), x_start[:, j]))
    pairs = _pairs(counts)
    qq_t = (q[pairs[0]] * q[pairs[1]]).T.copy()  # (n_targets, n_pairs), reused every round
    scale = max(values.sum(), 1e-300)
    bound = -np.inf
    if triples is None:  # size rule, see the module docstring
        triples = _triples_first(counts, n_targets)
    stale = True  # the master has columns its last solution has not seen
    for _ in range(max_iter):
        if stale:
            obj, z, pi, lam = m.solve()
            lam = np.maximum(lam, 0.0)
        h, new = price(values, q, counts, lam, pairs, triples, k_best, qq_t)
        bound = max(bound, float(h.sum() - lam @ counts))
        added = 0
        for j, shots, val in new:
            if val - pi[j] < -tol * scale:
                m.add(j, shots)
                added += 1
        stale = added > 0
        if added == 0 and not triples:
            triples = True  # same duals, priced again with three-shot columns
            continue
        if added == 0 or obj - bound <= tol * scale:
            break
        if upper is not None and upper - bound <= tol * upper:
            break  # the incumbent is proven optimal already
        if deadline is not None and time.perf_counter() > deadline:
            break
    z_cols = [(z[k], j, s) for k, (j, s) in enumerate(m.cols[: z.size]) if z[k] > 1e-9]
    return min(bound, obj), lam, z_cols


def price(values, q, counts, lam, pairs, triples=True, k_best=1, qq_t=None):
    """Per-target subproblem h_j = min_A V_j prod_A q + sum_A lambda (Lagrangian pricing).

    Exact for up to three shots (two without ``triples``), bounded below beyond (sorted q
    times sorted prices, ``_bound``). Returns (h (n_targets,), candidates) with candidates
    [(target, multiset, value)]: per target the ``k_best`` best one-shot and two-shot
    multisets and the best three-shot one (several columns per round: fewer LP solves).
    ``qq_t`` (n_targets, n_pairs): q_aj q_bj of every pair, computed here when None.
    """
    n_types, n_targets = q.shape
    live = np.flatnonzero(counts > 0)
    h = values.astype(float).copy()
    cands: list[tuple[int, tuple[int, ...], float]] = []
    if live.size == 0:
        return h, cands
    one = values[None, :] * q[live] + lam[live, None]
    h = np.minimum(h, one.min(axis=0))
    cands += _top(one, k_best, lambda k: (int(live[k]),))
    pa, pb = pairs
    lb3 = np.full(n_targets, np.inf)
    if pa.size:
        if qq_t is None:
            qq_t = (q[pa] * q[pb]).T.copy()
        l2 = lam[pa] + lam[pb]
        two = values[:, None] * qq_t + l2  # (n_targets, n_pairs), rows contiguous
        # three shots (a, b, c) >= the best pair at value V_j q_cj, q_cj >= min_c q_cj,
        # plus the cheapest price: a filter before the exact enumeration
        lb3 = np.min((values * q[live].min(axis=0))[:, None] * qq_t + l2, axis=1) \
            + lam[live].min()
        h = np.minimum(h, two.min(axis=1))
        cands += _top(two.T, k_best, lambda k: (int(pa[k]), int(pb[k])), axis=1)
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
        sel = np.flatnonzero(lb3 < h) if triples else np.zeros(0, dtype=np.int64)
        hard = _pareto_triples(values, q, counts, lam, live, pairs, qq_t, sel, h, cands)
        if hard.size:  # exact enumeration where the Pareto shortcut broke the counts
            ta, tb, tc = _triples(counts, live)
            val, k = _best_triples(values[hard], q[:, hard], lam, h[hard], ta, tb, tc)
            for j, vj, kj in zip(hard, val, k, strict=True):
                if vj < h[j]:
                    h[j] = vj
                    cands.append((int(j), (int(ta[kj]), int(tb[kj]), int(tc[kj])), float(vj)))
        if not triples:
            h = np.minimum(h, lb3)
            h = np.minimum(h, lb4)  # four shots or more: a lower bound, no column
        else:  # four shots or more: exact when few multisets exist, else the bound
            rest = np.full(n_targets, tail)
            for r, k in enumerate(range(4, k_top + 1), start=1):
                combos = _combos(live.size, k)
                if combos is None:
                    rest = np.minimum(rest, lb[r])
                    continue
                for j in np.flatnonzero(lb[r] < h):
                    t = _best_multiset(values[j], q[:, j], counts, lam, live[combos])
                    if t is not None and t[0] < h[j]:
                        h[j] = t[0]
                        cands.append((int(j), t[1], t[0]))
            h = np.minimum(h, rest)
    return h, cands


def _top(val, k_best, shots_of, axis=0):
    """The k_best smallest entries of each target of val (n_options, n_targets); with
    axis=1 val is a transposed view and the partition runs on its contiguous rows."""
    k = min(k_best, val.shape[0])
    if k < val.shape[0]:
        idx = np.argpartition(val.T, k - 1, axis=1)[:, :k].T if axis == 1 \
            else np.argpartition(val, k - 1, axis=0)[:k]
    else:
        idx = np.broadcast_to(np.arange(val.shape[0])[:, None], val.shape)
    out = []
    for r in range(k):
        for j in range(val.shape[1]):
            out.append((j, shots_of(idx[r, j]), float(val[idx[r, j], j])))
    return out


_MAX_MULTISETS = 20_000  # exact pricing of a multiset size when it has at most this many


@lru_cache(maxsize=64)
def _combos(m, k):
    """All multisets of size k of range(m) as a (n, k) array, or None when too many."""
    if comb(m + k - 1, k) > _MAX_MULTISETS:
        return None
    return np.array(list(combinations_with_replacement(range(m), k)), dtype=np.int64)


def _best_multiset(v, qj, counts, lam, sets):
    """Exact min of v prod q + sum lambda over the multisets ``sets`` (n, k) of types
    that counts allow: (value, multiset) or None."""
    use = np.zeros((sets.shape[0], counts.size), dtype=np.int64)
    np.add.at(use, (np.repeat(np.arange(sets.shape[0]), sets.shape[1]), sets.ravel()), 1)
    ok = np.all(use <= counts, axis=1)
    if not ok.any():
        return None
    sets = sets[ok]
    val = v * np.prod(qj[sets], axis=1) + lam[sets].sum(axis=1)
    m = int(np.argmin(val))
    return float(val[m]), tuple(int(t) for t in sets[m])


def _triples_first(counts, n_targets):
    """Size rule: price three-shot columns from the first round when triples are likely."""
    return bool(counts.max(initial=0) >= 3)


def _pareto_triples(values, q, counts, lam, live, pairs, qq_t, sel, h, cands):
    """Best three-shot multiset on each target of ``sel`` as one type a plus a pair (b, c).

    For a fixed a the value lambda_a + (V_j q_aj) qq_bc + l_bc increases with both the pair's
    product qq_bc and its price l_bc, so only the pairs on the Pareto front of (l, qq) of
    target j can be best: sorting pairs by price once, a pair is on the front when its qq is
    below that of every cheaper pair (a running minimum). Updates h and cands in place;
    returns the targets whose best a + pair breaks the counts (a used too often), which
    need the full enumeration.
    """
    pa, pb = pairs
    if sel.size == 0 or pa.size == 0:
        return np.zeros(0, dtype=np.int64)
    l2 = lam[pa] + lam[pb]
    order = np.argsort(l2, kind="stable")
    qs = qq_t[sel][:, order]  # (n_sel, n_pairs), by increasing price
    front = np.ones(qs.shape, dtype=bool)
    front[:, 1:] = qs[:, 1:] < np.minimum.accumulate(qs, axis=1)[:, :-1]
    hard = []
    la = lam[live][:, None]
    for col, j in enumerate(sel):
        pk = order[front[col]]
        val = la + l2[pk] + (values[j] * q[live, j])[:, None] * qq_t[j, pk]
        r, c = np.unravel_index(int(np.argmin(val)), val.shape)
        a, b, d = sorted((int(live[r]), int(pa[pk[c]]), int(pb[pk[c]])))
        need = 1 + (a == b) + (b == d)
        if counts[d if b == d else a] < need:
            hard.append(j)
        elif val[r, c] < h[j]:
            h[j] = float(val[r, c])
            cands.append((int(j), (a, b, d), float(val[r, c])))
    return np.array(hard, dtype=np.int64)


def _best_triples(v, q_sel, lam, h_sel, ta, tb, tc, chunk_elems=4_000_000):
    """Best three-shot multiset per selected target: (value, triple index), each (n_sel,).

    v (n_sel,), q_sel (n_types, n_sel), h_sel (n_sel,); only triples whose prices alone stay
    below max(h_sel) are evaluated; targets in chunks of about ``chunk_elems`` entries.
    """
    l3 = lam[ta] + lam[tb] + lam[tc]
    keep = np.flatnonzero(l3 < h_sel.max())
    val = np.full(v.size, np.inf)
    best = np.zeros(v.size, dtype=np.int64)
    if keep.size == 0:
        return val, best
    a, b, c, l3 = ta[keep], tb[keep], tc[keep], l3[keep]
    step = max(1, chunk_elems // keep.size)
    for s0 in range(0, v.size, step):
        sl = slice(s0, s0 + step)
        qs = q_sel[:, sl]
        tot = qs[a] * qs[b] * qs[c] * v[None, sl] + l3[:, None]
        k = np.argmin(tot, axis=0)
        val[sl] = tot[k, np.arange(k.size)]
        best[sl] = keep[k]
    return val, best


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
