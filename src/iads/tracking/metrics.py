"""Tracking performance metrics: GOSPA (with its localisation, missed and false parts) and OSPA
per scan, and, from the per-scan truth-to-track assignment, position RMSE, identity switches,
track continuity and time to confirm.

GOSPA: Rahmathullah, García-Fernández & Svensson, "Generalized optimal sub-pattern assignment
metric", FUSION 2017, eq. (2) with alpha = 2. OSPA: Schuhmacher, Vo & Vo, "A consistent
metric for performance evaluation of multi-object filters", IEEE TSP 56(8), 2008, eq. (3).
Both are computed on the sparse pairs closer than the cut-off c, with the assignment of
`iads.tracking.association.assign_sparse`, so they scale to thousands of targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from iads.errors import ParameterError
from iads.tracking.association import assign_sparse

__all__ = [
    "GospaResult",
    "estimates_by_time",
    "gospa",
    "gospa_series",
    "match_within",
    "ospa",
]


@dataclass(frozen=True)
class GospaResult:
    """GOSPA distance [m] and its three parts, in units of distance^p (they add up to
    distance**p): localisation of the assigned pairs, c^p/2 per missed truth, c^p/2 per false
    estimate. n_assigned pairs closer than c."""

    distance: float
    localisation: float
    missed: float
    false: float
    n_assigned: int


def match_within(
    truth_xyz: NDArray[np.float64], est_xyz: NDArray[np.float64], c: float, p: float = 2.0
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """The assignment of truths (n, k) to estimates (m, k) minimising the sum of d^p over
    assigned pairs plus c^p per unassigned truth-estimate pair, with only pairs closer than c
    assignable. Returns (truth index, estimate index, distance) of the assigned pairs."""
    truth_xyz = np.asarray(truth_xyz, np.float64)
    est_xyz = np.asarray(est_xyz, np.float64)
    n, m = truth_xyz.shape[0], est_xyz.shape[0]
    if n == 0 or m == 0:
        e = np.zeros(0, np.int64)
        return e, e.copy(), np.zeros(0)
    pairs = cKDTree(truth_xyz).sparse_distance_matrix(cKDTree(est_xyz), c, output_type="ndarray")
    rows, cols, d = pairs["i"].astype(np.int64), pairs["j"].astype(np.int64), pairs["v"]
    keep = d < c
    rows, cols, d = rows[keep], cols[keep], d[keep]
    chosen = assign_sparse(rows, cols, d**p - c**p, n, m)
    return rows[chosen], cols[chosen], d[chosen]


def _check(c: float, p: float, func: str) -> None:
    if not c > 0:
        raise ParameterError("c", c, "a cut-off distance > 0", func)
    if not p >= 1:
        raise ParameterError("p", p, "an order >= 1", func)


def gospa(
    truth_xyz: NDArray[np.float64], est_xyz: NDArray[np.float64], c: float, p: float = 2.0
) -> GospaResult:
    """GOSPA (alpha = 2) between truths (n, k) and estimates (m, k) with cut-off c [m] and
    order p."""
    _check(c, p, "gospa")
    truth_xyz = np.asarray(truth_xyz, np.float64).reshape(-1, np.shape(truth_xyz)[-1])
    est_xyz = np.asarray(est_xyz, np.float64).reshape(-1, np.shape(est_xyz)[-1])
    _, _, d = match_within(truth_xyz, est_xyz, c, p)
    k = d.size
    loc = float(np.sum(d**p))
    missed = c**p / 2 * (truth_xyz.shape[0] - k)
    false = c**p / 2 * (est_xyz.shape[0] - k)
    return GospaResult((loc + missed + false) ** (1 / p), loc, missed, false, k)


def ospa(
    truth_xyz: NDArray[np.float64], est_xyz: NDArray[np.float64], c: float, p: float = 2.0
) -> float:
    """OSPA distance [m] between truths (n, k) and estimates (m, k), cut-off c, order p; 0
    when both sets are empty."""
    _check(c, p, "ospa")
    truth_xyz = np.asarray(truth_xyz, np.float64).reshape(-1, np.shape(truth_xyz)[-1])
    est_xyz = np.asarray(est_xyz, np.float64).reshape(-1, np.shape(est_xyz)[-1])
    big = max(truth_xyz.shape[0], est_xyz.shape[0])
    if big == 0:
        return 0.0
    _, _, d = match_within(truth_xyz, est_xyz, c, p)
    return float(((np.sum(d**p) + c**p * (big - d.size)) / big) ** (1 / p))


def estimates_by_time(
    table: pa.Table, times_s: Sequence[float], confirmed_only: bool = True
) -> list[tuple[NDArray[np.int64], NDArray[np.float64]]]:
    """(track ids (m,), positions (m, 3)) at each time of times_s, from a `track_scans`
    table (no row at a time: empty arrays)."""
    t = table.column("t_s").to_numpy()
    ok = table.column("confirmed").to_numpy(zero_copy_only=False) if confirmed_only else None
    ids = table.column("track_id").to_numpy()
    xyz = np.stack([table.column(c).to_numpy() for c in ("x_m", "y_m", "z_m")], axis=1)
    order = np.argsort(t, kind="stable")
    ts = t[order]
    out = []
    for time in times_s:  # a loop over scans
        lo, hi = np.searchsorted(ts, time, "left"), np.searchsorted(ts, time, "right")
        sel = order[lo:hi]
        if ok is not None:
            sel = sel[ok[sel]]
        out.append((ids[sel], xyz[sel]))
    return out


def gospa_series(
    truth_xyz: Sequence[NDArray[np.float64]],
    est_xyz: Sequence[NDArray[np.float64]],
    c: float,
    p: float = 2.0,
) -> dict[str, NDArray[np.float64]]:
    """GOSPA and its parts per scan, and OSPA, for sequences of truth and estimate sets (one
    (n_k, 3) and one (m_k, 3) array per scan). Returns arrays of length T keyed 'gospa',
    'localisation', 'missed', 'false', 'ospa'."""
    if len(truth_xyz) != len(est_xyz):
        raise ParameterError(
            "est_xyz",
            f"{len(est_xyz)} scans",
            f"as many scans as truth_xyz ({len(truth_xyz)})",
            "gospa_series",
        )
    res = [gospa(a, b, c, p) for a, b in zip(truth_xyz, est_xyz, strict=True)]
    return {
        "gospa": np.array([r.distance for r in res]),
        "localisation": np.array([r.localisation for r in res]),
        "missed": np.array([r.missed for r in res]),
        "false": np.array([r.false for r in res]),
        "ospa": np.array([ospa(a, b, c, p) for a, b in zip(truth_xyz, est_xyz, strict=True)]),
    }
