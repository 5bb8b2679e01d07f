"""Exact WTA: heuristic incumbent, column-generation LP bound, then branch and bound.

1. The heuristic (``_heuristic``) gives the incumbent, usually optimal already; with one
   target and every useful shot (q < 1) on it, it is optimal without further proof (the
   salvo decisions of one track, the common case in a run).
2. The column-generation LP (``_colgen``) gives a lower bound and the weapon prices
   lambda; when bound and incumbent meet (relative 1e-9) the incumbent is proven optimal.
   Two incumbents from the LP solution: its rounding, and a dive that keeps the targets
   whose LP column is integral and solves the residual problem (the fractional targets and
   the shots left) by this same method under a time share (a heuristic, no proof).
   From 100 targets on, a large neighbourhood search follows: the LP-fractional targets plus
   a block of others are re-solved by the same nested method with the shots they hold.
3. Otherwise a depth-first branch and bound assigns the shots one by one (types in order of
   decreasing price, copies of one type in non-decreasing target order to break symmetry),
   bounding each node by the Lagrangian with the root prices (``_bound``): for residual
   values V' and remaining shots c', L = sum_j h_j(V'_j) - sum_i lambda_i c'_i (Ahuja et
   al. 2007, section 4: a Lagrangian bound within branch and bound). Every child bound costs
   one vector operation over the targets.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from ._bound import options
from ._colgen import lp_bound
from ._heuristic import greedy, heuristic, improve
from ._problem import survival_of_counts

__all__ = ["exact"]

_RTOL = 1e-9
_MAX_DEPTH = 40  # nested dives (each fixes at least one target)
_LNS_MIN_TARGETS = 100  # below, the branch and bound gets all the time left
_N_LNS = 20  # rounds of the large neighbourhood search without a deadline
_N_DIVES = 3  # LP dives at the top level (each ~ a few small LPs)
ONE_TARGET_SHORTCUT = True
"""One target (the salvo decision of one track): take greedy's answer without the local
search, which cannot change it, and return it, when it holds every useful shot, without
the LP that would prove it (True); or run the heuristic and the LP as for every other
problem (False: the reference path, the same assignment; the tests compare both)."""


def exact(values, q, counts, *, deadline=None, rng=None, node_limit=None, n_dives=_N_DIVES,
          nested=0):
    """Return (x, lower_bound, optimal) for shot counts x (n_types, n_targets).

    ``deadline``: a ``time.perf_counter()`` value, checked between steps and at every
    branch-and-bound node; ``node_limit``: at most this many branch-and-bound nodes. Either
    stopping the search gives the best x found, a valid lower bound and optimal=False.
    ``nested`` > 0: called by a dive at that depth (no branch and bound; no further dive
    beyond ``_MAX_DEPTH``, which bounds the recursion).
    """
    if ONE_TARGET_SHORTCUT and rng is None and q.shape[1] == 1:
        # One target: no shot can move to another target, re-inserting one type's shots or
        # one shot greedily gives them back, so the local search keeps greedy's answer
        x = greedy(values, q, counts)
    else:
        x = heuristic(values, q, counts, deadline=deadline, rng=rng)
    ub = float(survival_of_counts(values, q, x).sum())
    if ub <= 0.0:
        return x, 0.0, True
    if ONE_TARGET_SHORTCUT and q.shape[1] == 1 and np.all((x[:, 0] == counts) | (q[:, 0] >= 1.0)):
        # One target with every useful shot on it: each other assignment leaves it fewer
        # shots with q < 1, so a larger survival (no LP needed; the x the LP would prove)
        return x, ub, True
    lb, lam, z_cols = lp_bound(values, q, counts, x, deadline=deadline, upper=ub)
    if ub - lb <= _RTOL * ub:
        return x, lb, True
    # LP rounding (optimal when the LP solution is integral), repaired and improved
    xz = _round(values, q, counts, z_cols)
    obj = float(survival_of_counts(values, q, xz).sum())
    if obj < ub:
        x, ub = xz, obj
    if ub - lb <= _RTOL * ub:
        return x, lb, True
    # LP dives: keep the targets whose LP column is integral plus one fractional column,
    # solve the rest by this method (nested: no branch and bound); each dive fixes another
    # fractional column first
    for pick in range(n_dives if nested < _MAX_DEPTH else 0):
        if deadline is not None and time.perf_counter() > deadline:
            break
        xd = _dive(values, q, counts, z_cols, deadline, pick, nested)
        if xd is None:
            break
        obj = float(survival_of_counts(values, q, xd).sum())
        if obj < ub:
            x, ub = xd, obj
        if ub - lb <= _RTOL * ub:
            return x, lb, True
    if nested:
        return x, max(lb, 0.0), False
    if q.shape[1] >= _LNS_MIN_TARGETS:
        x, ub = _lns(values, q, x, ub, z_cols, deadline, rng)
        if ub - lb <= _RTOL * ub:
            return x, lb, True
    bb = _BranchAndBound(values, q, counts, lam, x, ub, deadline, node_limit)
    bb.run()
    # a complete search proves the incumbent optimal
    return bb.x_best, (bb.ub if bb.complete else max(lb, 0.0)), bb.complete


def _lns(values, q, x, ub, z_cols, deadline, rng):
    """Large neighbourhood search (Shaw 1998, CP-98) around the incumbent x: free the LP-
    fractional targets plus a block of others, re-solve them with the shots they hold by a
    nested ``exact`` (LP and dives), keep improvements. ``_N_LNS`` rounds without a
    deadline, else until half the time left before ``deadline``. Blocks: random with
    ``rng``, else interleaved slices of the other targets ordered by surviving value.
    Returns (x, objective).
    """
    n_targets = q.shape[1]
    frac = np.unique([j for z, j, _ in z_cols if z < 1.0 - 1e-6]).astype(np.int64)
    others = np.setdiff1d(np.arange(n_targets), frac)
    n_free = min(others.size, max(10, n_targets // 7))
    if frac.size == 0 or n_free == 0:
        return x, ub
    now = time.perf_counter()
    stop = None if deadline is None else now + 0.5 * (deadline - now)
    s = survival_of_counts(values, q, x)
    ranked = others[np.argsort(-s[others], kind="stable")]
    n_blocks = max(1, others.size // n_free)
    for k in range(_N_LNS if stop is None else 1 << 30):
        if stop is not None and time.perf_counter() > stop:
            break
        block = rng.choice(others, n_free, replace=False) if rng is not None \
            else ranked[k % n_blocks :: n_blocks][:n_free]
        free = np.union1d(frac, block)
        x_free, _, _ = exact(values[free], q[:, free], x[:, free].sum(axis=1),
                             deadline=stop, n_dives=1, nested=1)
        new = float(survival_of_counts(values[free], q[:, free], x_free).sum())
        if new < float(s[free].sum()) - _RTOL * ub:
            x = x.copy()
            x[:, free] = x_free
            x = improve(values, q, x)
            s = survival_of_counts(values, q, x)
            ub = float(s.sum())
    return x, ub


def _dive(values, q, counts, z_cols, deadline, pick, depth=0):
    """Fix the targets whose LP solution is one column (z = 1) and the ``pick``-th largest
    fractional column that fits the counts, solve the residual problem (the other targets,
    the shots left) with a nested ``exact`` (heuristic, LP, rounding, dives; no branch and
    bound); None when no such column is left. A feasible assignment, not a proof.
    """
    n_types, n_targets = q.shape
    x = np.zeros((n_types, n_targets), dtype=np.int64)
    fixed = np.zeros(n_targets, dtype=bool)
    frac = []
    for z, j, shots in sorted(z_cols, key=lambda c: -c[0]):
        col = np.bincount(np.asarray(shots, dtype=np.int64), minlength=n_types)
        if z > 1.0 - 1e-6:
            fixed[j] = True
            x[:, j] = col
        else:
            frac.append((j, col))
    frac = [(j, col) for j, col in frac if not fixed[j] and np.all(x.sum(axis=1) + col <= counts)]
    if pick >= len(frac):
        return None
    j, col = frac[pick]
    fixed[j] = True
    x[:, j] = col
    free = np.flatnonzero(~fixed)
    if free.size == 0:
        return x
    left = counts - x.sum(axis=1)
    x_free, _, _ = exact(values[free], q[:, free], left, deadline=deadline, n_dives=1,
                         nested=depth + 1)
    x[:, free] = x_free
    return improve(values, q, x)


def _round(values, q, counts, z_cols):
    """Largest-z column per target, excess shots dropped, free shots re-inserted greedily."""
    n_types, n_targets = q.shape
    best = {}
    for z, j, shots in z_cols:
        if z > best.get(j, (0.0, ()))[0]:
            best[j] = (z, shots)
    x = np.zeros((n_types, n_targets), dtype=np.int64)
    for j, (_, shots) in best.items():
        for i in shots:
            x[i, j] += 1
    for i in np.flatnonzero(x.sum(axis=1) > counts):  # over-used type: keep its best shots
        while x[i].sum() > counts[i]:
            s = survival_of_counts(values, q, x)
            tgt = np.flatnonzero(x[i])
            loss = s[tgt] / np.maximum(q[i, tgt], 1e-300) - s[tgt]
            x[i, tgt[np.argmin(loss)]] -= 1
    free = counts - x.sum(axis=1)
    if free.any():  # greedy insertion of the free shots on top of the rounded ones
        s = survival_of_counts(values, q, x)
        x = x + greedy(s, q, free)
    return improve(values, q, x)


class _BranchAndBound:
    def __init__(self, values, q, counts, lam, x0, ub, deadline, node_limit=None):
        self.values, self.q, self.lam = values, q, lam
        self.alpha, self.beta = options(q, counts, lam)
        order = np.argsort(-lam, kind="stable")
        self.shots = np.repeat(order, counts[order])
        self.x_best, self.ub = x0.copy(), ub
        self.deadline = deadline
        self.node_limit = node_limit
        self.complete = True
        self.n_nodes = 0
        self.eps = _RTOL * ub

    def _h(self, v):
        return np.min(self.alpha * v[:, None] + self.beta, axis=1)

    def run(self):
        n = self.shots.size
        v = self.values.astype(float).copy()
        rem = np.bincount(self.shots, minlength=self.q.shape[0]).astype(float)
        bound = self._h(v).sum() - self.lam @ rem
        x = np.zeros_like(self.x_best)
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 4 * n + 100))
        try:
            self._node(0, v, self._h(v), bound, x, 0)
        finally:
            sys.setrecursionlimit(old)

    def _node(self, k, v, h, bound, x, j_min):
        self.n_nodes += 1
        if k == self.shots.size:
            obj = v.sum()
            if obj < self.ub - self.eps:
                self.ub, self.x_best = obj, x.copy()
                self.eps = _RTOL * obj
            return
        # checked at every node: a node costs a vector op over the targets, far more than
        # the clock read
        if (self.deadline is not None and time.perf_counter() > self.deadline) or (
            self.node_limit is not None and self.n_nodes > self.node_limit
        ):
            self.complete = False
            return
        i = self.shots[k]
        v_child = v * self.q[i]
        h_child = self._h(v_child)
        child = bound + self.lam[i] + h_child - h
        child[:j_min] = np.inf
        nxt_same = k + 1 < self.shots.size and self.shots[k + 1] == i
        for j in np.argsort(child, kind="stable"):
            if child[j] >= self.ub - self.eps:
                break
            vj, hj = v[j], h[j]
            v[j], h[j] = v_child[j], h_child[j]
            x[i, j] += 1
            self._node(k + 1, v, h, child[j], x, j if nxt_same else 0)
            x[i, j] -= 1
            v[j], h[j] = vj, hj
            if not self.complete:
                return
