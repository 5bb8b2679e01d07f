"""Heuristic WTA: greedy maximum marginal return, then local search.

Greedy (den Broeder, Ellison and Emerling 1959; Ahuja et al. 2007, section 5.1): repeatedly
fire the (weapon, target) shot of largest marginal return S_j p_ij, where S_j is the
current expected surviving value of target j.

Local search, repeated until no move improves:
- shot moves: one shot of type i leaves target a for target b, gain evaluated for every
  (assigned pair, target) at once; non-conflicting improving moves are applied together;
- an assignment neighbourhood in the spirit of the very large-scale neighbourhood of
  Ahuja et al. (2007, section 6): take one shot off every engaged target and put them back
  optimally, each target receiving at most one of them. With the other shots fixed the cost
  of shot s on target j is exactly -R_j p_sj (R_j: the value left after the removal), so the
  re-insertion is a linear assignment problem, solved by scipy's
  ``linear_sum_assignment``. It contains every swap and every cyclic exchange of those shots.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.optimize import linear_sum_assignment

from . import _jit
from ._problem import survival_of_counts

__all__ = ["greedy", "improve", "heuristic"]


def greedy(values: np.ndarray, q: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Maximum-marginal-return greedy; returns shot counts x (n_types, n_targets) (compiled
    when ``_jit.ENABLED``: the same counts)."""
    n_types, n_targets = q.shape
    if _jit.ENABLED and n_types and n_targets and q.dtype == np.float64:
        return _jit.greedy(values, q, counts)
    p = 1.0 - q
    x = np.zeros((n_types, n_targets), dtype=np.int64)
    s = values.astype(float).copy()
    left = counts.copy()
    gain = p * s
    best_j = np.argmax(gain, axis=1)
    best_g = gain[np.arange(n_types), best_j]
    best_g[left == 0] = -1.0
    for _ in range(int(counts.sum())):
        i = int(np.argmax(best_g))
        if best_g[i] <= 0.0:
            break  # no shot left can reduce the surviving value: hold fire
        j = best_j[i]
        x[i, j] += 1
        s[j] *= q[i, j]
        left[i] -= 1
        if left[i] == 0:
            best_g[i] = -1.0
        # Only rows whose best target was j lost their best gain.
        rows = np.flatnonzero((best_j == j) & (left > 0))
        if rows.size:
            g = p[rows] * s
            bj = np.argmax(g, axis=1)
            best_j[rows] = bj
            best_g[rows] = g[np.arange(rows.size), bj]
    return x


def _leave_one_out(values, q, x, s, ti, tj):
    """Surviving value of target tj[k] with one shot of type ti[k] taken off it."""
    qk = q[ti, tj]
    r = np.empty(ti.size)
    ok = qk > 0.0
    r[ok] = s[tj[ok]] / qk[ok]
    for k in np.flatnonzero(~ok):  # a p = 1 shot: recompute the product without it
        col = x[:, tj[k]].copy()
        col[ti[k]] -= 1
        r[k] = values[tj[k]] * np.prod(np.power(q[:, tj[k]], col))
    return r


def _moves(values, q, p, x, s, tol):
    """Apply improving non-conflicting single-shot moves; return True if any."""
    ti, ta = np.nonzero(x)
    if ti.size == 0:
        return False
    r = _leave_one_out(values, q, x, s, ti, ta)
    delta = (r - s[ta])[:, None] - p[ti] * s[None, :]
    delta[np.arange(ti.size), ta] = np.inf
    best_b = np.argmin(delta, axis=1)
    best_d = delta[np.arange(ti.size), best_b]
    cand = np.flatnonzero(best_d < -tol)
    if cand.size == 0:
        return False
    cand = cand[np.argsort(best_d[cand])]
    touched = np.zeros(s.size, dtype=bool)
    for k in cand:
        a, b = ta[k], best_b[k]
        if touched[a] or touched[b]:
            continue
        touched[a] = touched[b] = True
        x[ti[k], a] -= 1
        x[ti[k], b] += 1
    cols = np.flatnonzero(touched)
    s[cols] = survival_of_counts(values[cols], q[:, cols], x[:, cols])
    return True


def _reassign(values, q, p, x, s, tol, pick, memo):
    """Assignment neighbourhood: one shot off every engaged target, re-inserted by LSA.

    ``memo`` holds the rows (shot types) and base values of the last assignment problem
    solved; the current solution is optimal for it, so the same problem again is skipped
    (with one shot per target every pick selects the same rows: one LSA instead of three).
    """
    ti, ta = np.nonzero(x)
    if ti.size == 0:
        return False
    r = _leave_one_out(values, q, x, s, ti, ta)
    contrib = r - s[ta]
    # choose one (type, target) pair per engaged target, by `pick` priority
    order = np.lexsort((pick(contrib), ta))
    first = np.ones(order.size, dtype=bool)
    first[1:] = ta[order][1:] != ta[order][:-1]
    sel = order[first]
    si, sa = ti[sel], ta[sel]
    base = s.copy()
    base[sa] = r[sel]
    rows = np.sort(si).tobytes()
    if memo.get("rows") == rows and np.abs(base - memo["base"]).sum() <= 0.5 * tol:
        # each column is used once and |p| <= 1: both the current and the best cost
        # moved by at most sum |d base|, so no gain larger than tol can exist
        return False
    memo["rows"], memo["base"] = rows, base
    cost = -p[si] * base[None, :]
    _, cols = linear_sum_assignment(cost)
    old = s.sum()
    new_cost = cost[np.arange(si.size), cols].sum() + base.sum()
    if new_cost >= old - tol:
        return False
    x[si, sa] -= 1
    np.add.at(x, (si, cols), 1)
    touched = np.unique(np.concatenate([sa, cols]))
    s[touched] = survival_of_counts(values[touched], q[:, touched], x[:, touched])
    return True


def _retype(values, q, x, s, tol):
    """Take every shot of one type off and re-insert them by greedy, one type at a time.

    For a single type the objective sum_j R_j q_ij^k_j is separable and convex in the
    shot numbers k_j, so greedy re-insertion is optimal for that type (Fox 1966).
    """
    improved = False
    for i in np.flatnonzero(x.sum(axis=1) > 1):
        xi = x[i].copy()
        cols = np.flatnonzero(xi)
        x[i] = 0
        base = s.copy()  # surviving values without the shots of type i
        pw = q[i, cols] ** xi[cols]  # the survival factor of type i's shots per target
        ok = pw > 0.0
        base[cols[ok]] = s[cols[ok]] / pw[ok]
        if not ok.all():  # a p = 1 shot, or a factor that underflows: recompute exactly
            c0 = cols[~ok]
            base[c0] = survival_of_counts(values[c0], q[:, c0], x[:, c0])
        new_i = greedy(base, q[i : i + 1], np.array([xi.sum()]))[0]
        touched = np.flatnonzero(new_i | xi)
        new = base[touched] * q[i, touched] ** new_i[touched]
        if new.sum() < s[touched].sum() - tol:
            x[i] = new_i
            s[touched] = survival_of_counts(values[touched], q[:, touched], x[:, touched])
            improved = True
        else:
            x[i] = xi
    return improved


def improve(values, q, x, *, deadline=None, rng=None):
    """Local search from shot counts x (modified copy returned) until a local optimum."""
    x = x.copy()
    p = 1.0 - q
    s = survival_of_counts(values, q, x)
    tol = 1e-12 * max(values.sum(), 1e-300)
    picks = [lambda c: c, lambda c: -c]
    if rng is not None:
        picks.append(lambda c: rng.random(c.size))
    stall = 0
    k = 0
    memo: dict = {}
    while stall < len(picks):
        if deadline is not None and time.perf_counter() > deadline:
            break
        while _moves(values, q, p, x, s, tol):
            pass
        if x.sum() > x.shape[0] and _retype(values, q, x, s, tol):
            stall = 0
        elif _reassign(values, q, p, x, s, tol, picks[k % len(picks)], memo):
            stall = 0
        else:
            stall += 1
        k += 1
    return x


def heuristic(values, q, counts, *, deadline=None, rng=None):
    """Greedy then local search; returns shot counts x (n_types, n_targets)."""
    return improve(values, q, greedy(values, q, counts), deadline=deadline, rng=rng)
