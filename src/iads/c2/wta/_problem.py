"""The static WTA problem: input validation, the result type and the exact objective.

Internal representation shared by every solver: ``values`` (n_targets,), ``q = 1 - pk``
(n_types, n_targets) and ``counts`` (n_types,) shots per weapon type; a solution is the
integer matrix ``x`` (n_types, n_targets) of shots per (type, target). The public
assignment is one entry per shot, shots ordered by type (``np.repeat(arange(n_types),
counts)``), holding the target index or -1 (hold fire).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iads.errors import ParameterError

__all__ = ["WTAResult", "surviving_value"]

_FUNC = "iads.c2.wta.solve"


@dataclass(frozen=True)
class WTAResult:
    """The outcome of a WTA solve.

    assignment: int array (n_shots,), target index fired at by each shot, -1 = hold fire;
        shots ordered by weapon type (``np.repeat(arange(n_weapons), counts)``).
    objective: expected surviving value, sum_j V_j prod_{shots on j} (1 - p), computed
        exactly from ``assignment`` (same unit as ``values``).
    lower_bound: a proven lower bound on the optimum, or None when the method has none.
    optimal: True when the assignment is proven optimal (objective - lower_bound within
        a relative 1e-9); False also when a time or node limit stopped the search.
    method: the method that produced the assignment ("exact", "heuristic", "milp").
    """

    assignment: np.ndarray
    objective: float
    lower_bound: float | None
    optimal: bool
    method: str

    @property
    def gap(self) -> float | None:
        """Relative gap to the proven bound, (objective - lower_bound) / objective: the
        optimum is at most this fraction below ``objective`` (0 when the objective is 0;
        None without a bound)."""
        if self.lower_bound is None:
            return None
        if self.objective <= 0.0:
            return 0.0
        return max(self.objective - self.lower_bound, 0.0) / self.objective


def _as_float_array(name: str, value: object, ndim: int) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise ParameterError(
            name, value, f"a numeric array of {ndim} dimension(s)", _FUNC
        ) from err
    if arr.ndim != ndim:
        raise ParameterError(name, f"array of shape {arr.shape}", f"a {ndim}-d array", _FUNC)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(name, "an array containing NaN or inf", "finite", _FUNC)
    return arr


def validate(values: object, pk: object, counts: object) -> tuple[np.ndarray, ...]:
    """Check the inputs of ``solve`` once; return ``(values, q, counts)`` as fresh arrays.

    values (n_targets,) >= 0, pk (n_weapons, n_targets) in [0, 1], counts (n_weapons,)
    non-negative integers (None means one shot per weapon).
    """
    v = _as_float_array("values", values, 1)
    p = _as_float_array("pk", pk, 2)
    if np.any(v < 0):
        raise ParameterError("values", f"minimum {v.min()!r}", "non-negative", _FUNC)
    if p.shape[1] != v.shape[0]:
        raise ParameterError(
            "pk", f"array of shape {p.shape}", f"of shape (n_weapons, {v.shape[0]})", _FUNC
        )
    if np.any((p < 0) | (p > 1)):
        raise ParameterError("pk", f"range [{p.min()!r}, {p.max()!r}]", "within [0, 1]", _FUNC)
    if counts is None:
        c = np.ones(p.shape[0], dtype=np.int64)
    else:
        c_raw = np.asarray(counts)
        if c_raw.shape != (p.shape[0],):
            raise ParameterError(
                "counts", f"array of shape {c_raw.shape}", f"of shape ({p.shape[0]},)", _FUNC
            )
        if not np.issubdtype(c_raw.dtype, np.number) or np.any(c_raw != np.round(c_raw)):
            raise ParameterError("counts", c_raw.tolist(), "integers", _FUNC)
        c = c_raw.astype(np.int64)
        if np.any(c < 0):
            raise ParameterError("counts", c.tolist(), "non-negative integers", _FUNC)
    return v.copy(), 1.0 - p, c


def survival_of_counts(values: np.ndarray, q: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Expected surviving value per target (n_targets,) for shot counts x (n_types, n_targets)."""
    # Independent shots: P(target j survives) = prod_i (1 - p_ij)^x_ij.
    return values * np.prod(np.power(q, x), axis=0)


def assignment_to_counts(assignment: np.ndarray, counts: np.ndarray, n_targets: int) -> np.ndarray:
    """Shot counts x (n_types, n_targets) from a per-shot assignment (n_shots,)."""
    types = np.repeat(np.arange(counts.size), counts)
    fired = assignment >= 0
    x = np.zeros((counts.size, n_targets), dtype=np.int64)
    np.add.at(x, (types[fired], assignment[fired]), 1)
    return x


def counts_to_assignment(x: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per-shot assignment (n_shots,) from shot counts x; unused shots of a type get -1."""
    n_types, n_targets = x.shape
    fired_type = np.repeat(np.repeat(np.arange(n_types), n_targets), x.ravel())
    fired_tgt = np.repeat(np.tile(np.arange(n_targets), n_types), x.ravel())
    idle = counts - x.sum(axis=1)
    idle_type = np.repeat(np.arange(n_types), idle)
    types = np.concatenate([fired_type, idle_type])
    tgts = np.concatenate([fired_tgt, np.full(idle_type.size, -1, dtype=np.int64)])
    order = np.argsort(types, kind="stable")
    return tgts[order].astype(np.int64)


def drop_useless(values: np.ndarray, q: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Hold fire with every shot whose marginal effect is exactly zero; objective unchanged.

    A shot is useless when p = 0, when its target has value 0, or when another shot with
    p = 1 already covers its target (one p = 1 shot is kept).
    """
    x = x.copy()
    x[:, values == 0] = 0
    x[q == 1.0] = 0
    certain = (q == 0.0) & (x > 0)
    for j in np.flatnonzero(certain.any(axis=0)):
        keep = np.flatnonzero(certain[:, j])[0]
        x[:, j] = 0
        x[keep, j] = 1
    return x


def surviving_value(
    values: object, pk: object, assignment: object, counts: object | None = None
) -> float:
    """Expected surviving value of an assignment (same unit as ``values``).

    values (n_targets,), pk (n_weapons, n_targets), assignment (n_shots,) of target indices
    or -1, shots ordered by weapon type; counts (n_weapons,) shots per weapon (None: one).
    """
    v, q, c = validate(values, pk, counts)
    a = np.asarray(assignment)
    n_shots = int(c.sum())
    if a.shape != (n_shots,) or not np.issubdtype(a.dtype, np.integer):
        raise ParameterError(
            "assignment", f"array of shape {a.shape}", f"an int array of shape ({n_shots},)"
        )
    if np.any((a < -1) | (a >= v.size)):
        raise ParameterError("assignment", a.tolist(), f"in [-1, {v.size - 1}]")
    return float(survival_of_counts(v, q, assignment_to_counts(a, c, v.size)).sum())
