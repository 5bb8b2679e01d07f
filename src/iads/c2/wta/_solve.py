"""The public entry point of the WTA solvers: validation once, dispatch, exact objective."""

from __future__ import annotations

import time

import numpy as np

from iads.errors import ParameterError

from ._exact import exact
from ._heuristic import heuristic
from ._milp import milp_solve
from ._problem import (
    WTAResult,
    counts_to_assignment,
    drop_useless,
    survival_of_counts,
    validate,
)

__all__ = ["solve", "METHODS"]

METHODS = ("auto", "exact", "heuristic", "milp")
_AUTO_EXACT_MAX_SHOTS = 100  # "auto" proves optimality up to this many shots x targets side


def solve(
    values: object,
    pk: object,
    method: str = "auto",
    *,
    counts: object | None = None,
    time_limit_s: float | None = None,
    rng: np.random.Generator | None = None,
) -> WTAResult:
    """Solve the static weapon-target assignment problem.

    Minimise the expected surviving value sum_j V_j prod_{shots s on j} (1 - pk[w(s), j]).

    values: (n_targets,) target values V_j >= 0 (any unit; the objective has the same).
    pk: (n_weapons, n_targets) single-shot kill probabilities in [0, 1].
    method: "exact" (heuristic + column-generation bound + branch and bound, proven
        optimal unless the time limit stops it), "heuristic" (greedy + local search),
        "milp" (reference outer-approximation MILP by HiGHS; slow, for verification),
        "auto" (exact when n_shots and n_targets are both <= 100, heuristic otherwise).
    counts: (n_weapons,) shots available per weapon type (None: one each). Shots are
        listed by type in the result (``np.repeat(arange(n_weapons), counts)``).
    time_limit_s: wall-clock budget in s for "exact" and "milp" (None: no limit); when it
        stops the search the best assignment found is returned with optimal=False.
    rng: random generator for the heuristic's randomised neighbourhood (None: the
        deterministic variant). The same generator state gives the same result.

    Returns a ``WTAResult``; useless shots (p = 0, value 0, target already certain to die)
    hold fire (-1).
    """
    v, q, c = validate(values, pk, counts)
    if method not in METHODS:
        raise ParameterError("method", method, f"one of {METHODS}", "iads.c2.wta.solve")
    if time_limit_s is not None and not (
        isinstance(time_limit_s, int | float) and np.isfinite(time_limit_s) and time_limit_s > 0
    ):
        raise ParameterError("time_limit_s", time_limit_s, "None or a positive number of s",
                             "iads.c2.wta.solve")
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise ParameterError("rng", rng, "None or a numpy.random.Generator", "iads.c2.wta.solve")
    n_shots, n_targets = int(c.sum()), v.size
    if method == "auto":
        small = n_shots <= _AUTO_EXACT_MAX_SHOTS and n_targets <= _AUTO_EXACT_MAX_SHOTS
        method = "exact" if small else "heuristic"
    deadline = None if time_limit_s is None else time.perf_counter() + time_limit_s
    lower: float | None
    if n_shots == 0 or n_targets == 0:
        x, lower, optimal = np.zeros(q.shape, dtype=np.int64), None, True
    elif method == "heuristic":
        x, lower, optimal = heuristic(v, q, c, deadline=deadline, rng=rng), None, False
    elif method == "exact":
        x, lower, optimal = exact(v, q, c, deadline=deadline, rng=rng)
    else:
        x, lower, optimal = milp_solve(v, q, c, time_limit_s=time_limit_s)
    x = drop_useless(v, q, x)
    objective = float(survival_of_counts(v, q, x).sum())
    if n_shots == 0 or n_targets == 0:
        lower = objective
    if lower is not None:
        lower = min(float(lower), objective)
    return WTAResult(
        assignment=counts_to_assignment(x, c),
        objective=objective,
        lower_bound=lower,
        optimal=bool(optimal),
        method=method,
    )
