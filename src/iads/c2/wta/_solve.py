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

__all__ = ["solve", "METHODS", "DEFAULT_TIME_LIMIT_S"]

METHODS = ("auto", "exact", "heuristic", "milp")
_AUTO_EXACT_MAX_SHOTS = 100  # "auto" proves optimality up to this many shots x targets side
DEFAULT_TIME_LIMIT_S = 1.0  # wall-clock budget of every method unless the caller sets one


def solve(
    values: object,
    pk: object,
    method: str = "auto",
    *,
    counts: object | None = None,
    time_limit_s: float | None = DEFAULT_TIME_LIMIT_S,
    node_limit: int | None = None,
    rng: np.random.Generator | None = None,
) -> WTAResult:
    """Solve the static weapon-target assignment problem.

    Minimise the expected surviving value sum_j V_j prod_{shots s on j} (1 - pk[w(s), j]).

    values: (n_targets,) target values V_j >= 0 (any unit; the objective has the same).
    pk: (n_weapons, n_targets) single-shot kill probabilities in [0, 1].
    method: "exact" (heuristic + column-generation bound + branch and bound, proven
        optimal unless a limit stops it), "heuristic" (greedy + local search),
        "milp" (reference outer-approximation MILP by HiGHS; slow, for verification),
        "auto" (exact when n_shots and n_targets are both <= 100, heuristic otherwise;
        both within ``time_limit_s``).
    counts: (n_weapons,) shots available per weapon type (None: one each). Shots are
        listed by type in the result (``np.repeat(arange(n_weapons), counts)``).
    time_limit_s: wall-clock budget in s (default ``DEFAULT_TIME_LIMIT_S`` = 1 s; None: no
        limit, which "exact" and "milp" may need hours to use up beyond ~50 x 100). When it
        stops the search, the best assignment found is returned with optimal=False and its
        proven lower bound (``gap``). Checked between steps: a step already started (the
        heuristic, one column-generation round: up to ~0.5 s at 200 x 400) finishes first.
    node_limit: at most this many branch-and-bound nodes for "exact" (None: no limit). A
        work budget, not a clock: the same input gives the same result on any machine at
        any load, which a time limit cannot promise. Without branch and bound, "exact" is
        bounded (a fixed number of LP rounds, dives and neighbourhood searches), so
        ``time_limit_s=None`` with a node limit is bounded too.
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
    if node_limit is not None and not (
        isinstance(node_limit, int | np.integer) and not isinstance(node_limit, bool)
        and node_limit >= 0
    ):
        raise ParameterError("node_limit", node_limit, "None or an integer >= 0",
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
        x, lower, optimal = exact(v, q, c, deadline=deadline, rng=rng, node_limit=node_limit)
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
