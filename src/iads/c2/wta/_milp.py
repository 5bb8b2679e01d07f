"""Reference MILP for the WTA: outer approximation solved by HiGHS (scipy.optimize.milp).

Variables: integer x_ij in [0, c_i] (shots of type i on target j), y_j = sum_i x_ij ln(1 - p_ij)
(the log-survival of target j) and s_j (its surviving value). The convex constraint
s_j >= V_j exp(y_j) is replaced by tangent cuts s_j >= V_j e^t (1 + y_j - t), which
under-estimate it, so every MILP optimum is a lower bound (Kelley's cutting planes; the
WTA outer approximation of Andersen, Pavlikov and Toffolo 2022, section 3). The loop adds
the tangent at each y_j of the incumbent until the cuts are tight there, then the incumbent
is evaluated exactly. p = 1 is capped at ln(1e-12) in y (a 1e-12 relative error in s).
"""

from __future__ import annotations

import time

import numpy as np
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import coo_matrix, csr_matrix, hstack

from ._problem import survival_of_counts

__all__ = ["milp_solve"]

_LN_FLOOR = np.log(1e-12)


def milp_solve(values, q, counts, *, time_limit_s=None, rtol=1e-9, max_rounds=60):
    """Solve by outer approximation; returns (x, lower_bound, proven_optimal)."""
    t0 = time.perf_counter()
    # HiGHS stops at an absolute gap of 1e-6: scale the objective to sum V = 1e4 so that
    # this is a relative 1e-10, and scale the bound back at the end.
    total = float(values.sum())
    scale = 1e4 / total if total > 0 else 1.0
    values = values * scale
    n_types, n_targets = q.shape
    nx = n_types * n_targets
    a = np.log(np.maximum(q, np.exp(_LN_FLOOR)))  # (n_types, n_targets), <= 0
    y_min = (a * counts[:, None]).sum(axis=0)  # most negative log-survival per target
    # variable order: x (row-major i, j), y (n_targets), s (n_targets)
    nv = nx + 2 * n_targets
    cost = np.concatenate([np.zeros(nx + n_targets), np.ones(n_targets)])
    lb = np.concatenate([np.zeros(nx), y_min, np.zeros(n_targets)])
    ub = np.concatenate([np.repeat(counts, n_targets).astype(float), np.zeros(n_targets),
                         values.astype(float)])
    integrality = np.concatenate([np.ones(nx), np.zeros(2 * n_targets)])
    rows_i = np.repeat(np.arange(n_types), n_targets)
    a_cap = csr_matrix((np.ones(nx), (rows_i, np.arange(nx))), shape=(n_types, nv))
    cons = [LinearConstraint(a_cap, -np.inf, counts.astype(float))]
    # y_j - sum_i a_ij x_ij = 0
    cols_j = np.tile(np.arange(n_targets), n_types)
    link = hstack([
        csr_matrix((-a.ravel(), (cols_j, np.arange(nx))), shape=(n_targets, nx)),
        csr_matrix(np.eye(n_targets)),
        csr_matrix((n_targets, n_targets)),
    ])
    cons.append(LinearConstraint(link, 0.0, 0.0))
    # initial tangents on a grid of y per target
    grid = np.linspace(0.0, 1.0, 6)[None, :] * y_min[:, None]  # (n_targets, 6)
    cut_rows = [np.repeat(np.arange(n_targets), grid.shape[1])]
    cut_t = [grid.ravel()]

    def cut_matrix(j, t):
        # s_j - V_j e^t y_j >= V_j e^t (1 - t)
        k = np.arange(j.size)
        slope = values[j] * np.exp(t)
        m = coo_matrix(
            (np.concatenate([np.ones(j.size), -slope]),
             (np.concatenate([k, k]), np.concatenate([nx + n_targets + j, nx + j]))),
            shape=(j.size, nv),
        )
        return m.tocsr(), slope * (1.0 - t)

    best_x, best_obj, lower = None, np.inf, -np.inf
    for _ in range(max_rounds):
        j_all, t_all = np.concatenate(cut_rows), np.concatenate(cut_t)
        m, rhs = cut_matrix(j_all, t_all)
        opts = {"mip_rel_gap": rtol / 10}
        if time_limit_s is not None:
            left = time_limit_s - (time.perf_counter() - t0)
            if left <= 0:
                break
            opts["time_limit"] = left
        res = milp(cost, constraints=[*cons, LinearConstraint(m, rhs, np.inf)],
                   integrality=integrality, bounds=(lb, ub), options=opts)
        if res.x is None:
            break
        x = np.rint(res.x[:nx]).reshape(n_types, n_targets).astype(np.int64)
        if res.status == 0:
            lower = max(lower, res.mip_dual_bound if res.mip_dual_bound is not None else res.fun)
        s_true = survival_of_counts(values, q, x)
        obj = s_true.sum()
        if obj < best_obj:
            best_x, best_obj = x, obj
        if res.status != 0 or best_obj - lower <= rtol * max(abs(best_obj), 1e-300):
            break
        y = (a * x).sum(axis=0)
        s_lp = res.x[nx + n_targets:]
        viol = values * np.exp(y) > s_lp + 1e-12 * max(values.sum(), 1e-300)
        if not viol.any():
            break
        cut_rows.append(np.flatnonzero(viol))
        cut_t.append(y[viol])
    if best_x is None:
        best_x = np.zeros((n_types, n_targets), dtype=np.int64)
    optimal = bool(np.isfinite(lower) and best_obj - lower <= rtol * max(abs(best_obj), 1e-300))
    return best_x, (float(lower) / scale if np.isfinite(lower) else None), optimal

