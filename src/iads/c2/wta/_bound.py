"""Lagrangian lower bound of the WTA (weapon constraints relaxed with prices lambda_i >= 0).

Relaxing sum_j x_ij <= c_i with prices lambda_i splits the WTA into one problem per target
(Fisher 1981, "The Lagrangian relaxation method for solving integer programming problems";
for the WTA see Ahuja et al. 2007, section 4, and Andersen et al. 2022, section 2):

    L(lambda) = sum_j h_j(V_j) - sum_i lambda_i c_i,
    h_j(v)    = min over shot multisets A on j of  v prod_{i in A} q_ij + sum_{i in A} lambda_i,

and L(lambda) <= optimum for every lambda >= 0. h_j is bounded below by a minimum of affine
functions of v, one per "option": no shot (v), one shot of type i (v q_ij + lambda_i, exact),
two shots (exact over all pairs of types) and k >= 3 shots (v times the product of the k
smallest q on j plus the sum of the k smallest prices, each sorted on its own, which can only
be lower). Options are precomputed once per lambda as slopes ``alpha`` and intercepts
``beta`` (n_targets, n_options), so the bound of any residual values v is one vector op.
The prices are maximised by a projected subgradient ascent with Polyak steps (Held, Wolfe
and Crowder 1974) towards the heuristic's objective.
"""

from __future__ import annotations

import numpy as np

__all__ = ["options", "h_lower", "optimize_prices"]


def options(q: np.ndarray, counts: np.ndarray, lam: np.ndarray, k_max: int = 12,
            pairs: bool = True):
    """Affine pieces (alpha, beta), each (n_targets, n_options), of a lower bound of h_j.

    Option order: no shot, one shot per live type, exact pairs, sorted k >= 3 (used by
    ``_supergradient`` to read the chosen option back). ``pairs=False``: no exact pairs,
    the sorted relaxation from k = 2 (memory and time linear in the types instead of
    quadratic: the bound of large instances, weaker).
    """
    n_types, n_targets = q.shape
    live = counts > 0
    qi, li = q[live], lam[live]
    ci = counts[live]
    n_live = qi.shape[0]
    al = [np.ones((n_targets, 1)), qi.T]
    be = [np.zeros((n_targets, 1)), np.broadcast_to(li, (n_targets, n_live))]
    # two shots, exact over pairs (a, b), a <= b, a == b only when two copies exist
    if pairs and n_live and counts.sum() >= 2:
        iu, ju = np.triu_indices(n_live)
        keep = (iu != ju) | (ci[iu] >= 2)
        iu, ju = iu[keep], ju[keep]
        al.append((qi[iu] * qi[ju]).T)
        be.append(np.broadcast_to(li[iu] + li[ju], (n_targets, iu.size)))
    n_copies = int(counts.sum())
    k_min = 3 if pairs else 2  # smallest multiset size of the sorted relaxation
    if n_copies >= k_min:
        k_top = min(n_copies, k_max)
        q_copies = np.repeat(q, counts, axis=0)  # (n_copies, n_targets)
        l_copies = np.sort(np.repeat(lam, counts))
        q_small = np.sort(np.partition(q_copies, k_top - 1, axis=0)[:k_top], axis=0) \
            if k_top < n_copies else np.sort(q_copies, axis=0)
        # (n_targets, k_top - k_min + 1): k = k_min .. k_top
        q_prod = np.cumprod(q_small, axis=0)[k_min - 1:k_top].T
        l_sum = np.cumsum(l_copies)[k_min - 1:k_top]
        al.append(q_prod)
        be.append(np.broadcast_to(l_sum, (n_targets, l_sum.size)))
        if k_top < n_copies:  # every k > k_top: survival >= 0, prices >= those of k_top + 1
            al.append(np.zeros((n_targets, 1)))
            be.append(np.full((n_targets, 1), np.cumsum(l_copies)[k_top]))
    return np.hstack(al), np.hstack(be)


def h_lower(v: np.ndarray, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Lower bound of h_j at residual values v (n_targets,); returns (n_targets,)."""
    return np.min(alpha * v[:, None] + beta, axis=1)


def _supergradient(v, q, counts, lam, pairs=True):
    """L(lambda) with the relaxed options and a supergradient (n_types,)."""
    alpha, beta = options(q, counts, lam, pairs=pairs)
    vals = alpha * v[:, None] + beta
    pick = np.argmin(vals, axis=1)
    bound = vals[np.arange(v.size), pick].sum() - lam @ counts
    n_types = q.shape[0]
    live = np.flatnonzero(counts > 0)
    n_live = live.size
    use = np.zeros(n_types)
    one = (pick >= 1) & (pick < 1 + n_live)
    np.add.at(use, live[pick[one] - 1], 1.0)
    iu, ju = np.triu_indices(n_live if pairs and counts.sum() >= 2 else 0)
    keep = (iu != ju) | (counts[live][iu] >= 2)
    iu, ju = iu[keep], ju[keep]
    two = (pick >= 1 + n_live) & (pick < 1 + n_live + iu.size)
    k2 = pick[two] - 1 - n_live
    np.add.at(use, live[iu[k2]], 1.0)
    np.add.at(use, live[ju[k2]], 1.0)
    many = pick >= 1 + n_live + iu.size
    if many.any():
        # k cheapest price copies
        order = np.argsort(np.repeat(lam, counts), kind="stable")
        types = np.repeat(np.arange(n_types), counts)[order]
        for k in pick[many] - (1 + n_live + iu.size) + (3 if pairs else 2):
            np.add.at(use, types[: min(k, types.size)], 1.0)
    return bound, use - counts


def optimize_prices(values, q, counts, upper, lam0=None, n_iter=60, pairs=True):
    """Subgradient ascent of L; returns (best prices (n_types,), best bound).

    ``pairs=False``: the pair-free relaxation of ``options`` (for instances whose
    types x types pairs do not fit in memory)."""
    lam = (np.zeros(q.shape[0]) if lam0 is None else lam0.copy())
    if lam0 is None:
        # start from the greedy's marginal value of one shot of each type
        lam = np.max((1.0 - q) * values[None, :], axis=1) * 0.5
    best_lam, best = lam.copy(), -np.inf
    step = 1.0
    stall = 0
    for _ in range(n_iter):
        bound, g = _supergradient(values, q, counts, lam, pairs)
        if bound > best + 1e-12 * abs(upper):
            best, best_lam, stall = bound, lam.copy(), 0
        else:
            stall += 1
            if stall >= 5:
                step *= 0.5
                stall = 0
        gap = upper - bound
        nrm = g @ g
        if gap <= 1e-9 * abs(upper) or nrm == 0:
            break
        lam = np.maximum(lam + step * gap / nrm * g, 0.0)
    return best_lam, best
