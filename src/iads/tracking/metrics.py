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
    "TrackMetrics",
    "track_metrics",
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


@dataclass(frozen=True)
class TrackMetrics:
    """Track-level scores from the per-scan truth-to-track assignment (pairs closer than c).

    rmse_m: position RMSE over assigned pairs [m]. id_switches: number of times a truth's
    assigned track id changes (gaps skipped). continuity: mean over truths of the fraction of
    the scans where the truth exists that its most frequent track covers. time_to_confirm_s
    (n,): first assigned scan time minus the truth's first scan time, NaN if never tracked.
    matched_ids (T, n): assigned track id per scan and truth, -1 if none."""

    rmse_m: float
    id_switches: int
    continuity: float
    time_to_confirm_s: NDArray[np.float64]
    matched_ids: NDArray[np.int64]


def track_metrics(
    t_s: NDArray[np.float64],
    truth_xyz: NDArray[np.float64],
    table: pa.Table,
    c: float,
    confirmed_only: bool = True,
) -> TrackMetrics:
    """Scores of a `track_scans` table against the truth at the scan times t_s (T,);
    truth_xyz (T, n, 3) [m] with NaN rows where a truth does not exist."""
    _check(c, 2.0, "track_metrics")
    truth_xyz = np.asarray(truth_xyz, np.float64)
    T, n = truth_xyz.shape[:2]
    est = estimates_by_time(table, t_s, confirmed_only)
    ids = np.full((T, n), -1, np.int64)
    dist = np.full((T, n), np.nan)
    exists = np.all(np.isfinite(truth_xyz), axis=2)
    for k in range(T):  # a loop over scans
        alive = np.flatnonzero(exists[k])
        ti, ei, d = match_within(truth_xyz[k, alive], est[k][1], c)
        ids[k, alive[ti]] = est[k][0][ei]
        dist[k, alive[ti]] = d
    valid = ids >= 0
    rmse = float(np.sqrt(np.nanmean(dist[valid] ** 2))) if valid.any() else float("nan")
    # identity switches: compare each assignment with the previous assigned scan of that truth
    step = np.where(valid, np.arange(T)[:, None], -1)
    last = np.maximum.accumulate(step, axis=0)
    prev = np.vstack([np.full((1, n), -1), last[:-1]])
    has_prev = valid & (prev >= 0)
    prev_ids = ids[np.maximum(prev, 0), np.arange(n)[None, :]]
    switches = int(np.sum(has_prev & (prev_ids != ids)))
    # continuity: share of a truth's life covered by its most frequent track
    tr_idx = np.broadcast_to(np.arange(n)[None, :], (T, n))[valid]
    pairs, counts = np.unique(np.stack([tr_idx, ids[valid]], axis=1), axis=0, return_counts=True)
    best = np.zeros(n)
    if pairs.size:
        np.maximum.at(best, pairs[:, 0], counts)
    life = exists.sum(axis=0)
    lived = life > 0
    continuity = float(np.mean(best[lived] / life[lived])) if lived.any() else float("nan")
    t = np.asarray(t_s, np.float64)[:, None]
    first_seen = np.where(exists, t, np.inf).min(axis=0)
    first_track = np.where(valid, t, np.inf).min(axis=0)
    ttc = np.where(np.isfinite(first_track), first_track - first_seen, np.nan)
    return TrackMetrics(rmse, switches, continuity, ttc, ids)
