"""Exposure of each target to each radar, derived from a run's event log: the first
detection (time and range) and the number of detections and, when the log records
dwells, of dwells (beam on the target inside coverage).

A first detection is *censored* (``seen_at_launch``) when the target was already within
the radar's reach when it appeared (see :func:`first_detections`): the range then tells
where the target appeared, not how far the radar sees. Such ranges are reported but left
out of detection-range statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from iads.sensors.chain import truth_at
from iads.state.events import EVENT_KINDS, kind_slices

__all__ = ["SEEN_PD", "FirstDetections", "exposure_summary", "first_detections"]

#: Tolerance [s] when comparing event times (exact times inside steps, float sums).
_EPS_S = 1e-6
#: Single-look detection probability at the first look above which a target that
#: appeared in coverage counts as seen at launch (0.5: the conventional detection range).
SEEN_PD = 0.5


def _pair_firsts(
    events: pa.Table, kind: str, n_threats: int, n_radars: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Per (threat, radar) pair, key ``threat * n_radars + radar`` (shape (n_threats *
    n_radars,)): the number of events of ``kind`` on a real target (threat_id >= 0) and
    the time of the first (inf: none). Reduced slice by slice of the log (bounded memory
    at tens of millions of events)."""
    size = n_threats * n_radars
    count = np.zeros(size, np.int64)
    first = np.full(size, np.inf)
    for tab in kind_slices(events, kind, ["threat_id", "radar_id", "time_s"]):
        tid = tab.column("threat_id").to_numpy().astype(np.int64)
        rid = tab.column("radar_id").to_numpy().astype(np.int64)
        t = tab.column("time_s").to_numpy()
        keep = (tid >= 0) & (tid < n_threats) & (rid >= 0) & (rid < n_radars)
        key = tid[keep] * n_radars + rid[keep]
        count += np.bincount(key, minlength=size)
        np.minimum.at(first, key, t[keep])
    return count, first


@dataclass(frozen=True)
class FirstDetections:
    """One row per (target, radar) pair with at least one detection, sorted by target,
    then radar. Arrays of shape (p,)."""

    threat: NDArray[np.int64]
    radar: NDArray[np.int64]
    time_s: NDArray[np.float64]  # first detection time
    range_m: NDArray[np.float64]  # true radar-target range at that time
    detections: NDArray[np.int64]
    dwells: NDArray[np.int64] | None  # None when the log records no dwells
    seen_at_launch: NDArray[np.bool_]  # censored: seen on the first look after appearing

    @property
    def n(self) -> int:
        return int(self.threat.size)


def first_detections(events: pa.Table, built: Any, truth: Any) -> FirstDetections:
    """The first detection of every target by every radar that detected it, with the
    counts of detections and dwells, and the censoring flag ``seen_at_launch``.

    A first detection is censored when the target was already inside the radar's reach
    at the radar's first look after it appeared: that first look (first dwell, or the
    detection itself) came within one search period (``sweep_s``) of the target's
    appearance, so the target was in coverage from the start, and either the look
    detected it or its single-look detection probability there was at least
    :data:`SEEN_PD` (the radar's conventional detection range, R50, reached beyond the
    point where the target appeared). The range is then a lower bound of the radar's
    reach, not a measure of it. A target that appears in coverage beyond that range and is
    detected later, closer, is not censored."""
    ra = built.radars
    n_det_all, t0_all = _pair_firsts(events, "detection", truth.n, ra.n)
    keys = np.flatnonzero(n_det_all)  # sorted: by target, then radar
    t0, n_det = t0_all[keys], n_det_all[keys]
    th, rd = keys // ra.n, keys % ra.n
    if keys.size == 0:
        z = np.zeros(0)
        return FirstDetections(th, rd, z, z, n_det, None, np.zeros(0, bool))
    pos, _ = truth_at(truth, th, t0)
    rng_m = np.linalg.norm(pos - ra.pos_ecef_m[rd], axis=-1)
    dwells: NDArray[np.int64] | None = None
    first_look = t0.copy()
    if "dwell" in EVENT_KINDS:
        n_dw, t_dw = _pair_firsts(events, "dwell", truth.n, ra.n)
        dwells = n_dw[keys]
        has = dwells > 0
        first_look[has] = np.minimum(t0[has], t_dw[keys][has])
    in_reach = first_look - truth.launch_t_s[th] <= ra.sweep_s[rd] + _EPS_S
    seen = in_reach & (first_look >= t0 - _EPS_S)  # detected on the first look
    ask = np.flatnonzero(in_reach & ~seen)
    if ask.size and getattr(built, "sensing", None) is not None:
        from iads.sensors.chain import evaluate_pairs

        p, v = truth_at(truth, th[ask], first_look[ask])
        pd = evaluate_pairs(ra, built.sensing, rd[ask], th[ask], p, v).pd
        seen[ask] = pd >= SEEN_PD
    return FirstDetections(th, rd, t0, rng_m, n_det, dwells, seen)


def exposure_summary(
    events: pa.Table, built: Any, truth: Any, fd: FirstDetections | None = None
) -> list[dict[str, Any]]:
    """Per target detected at least once (``threat_id``, ``name``), per radar that
    detected it: ``first_time_s``, ``first_range_km`` (true range at that time),
    ``seen_at_launch`` (censored first detection, see the module docstring),
    ``detections`` and ``dwells`` (None when the event log has no dwell events). Sorted by
    target id, then first detection time. ``fd``: the run's :func:`first_detections`,
    when already computed."""
    if fd is None:
        fd = first_detections(events, built, truth)
    ra = built.radars
    out: list[dict[str, Any]] = []
    names = built.threats.names
    order = np.lexsort((fd.time_s, fd.threat))  # stable: radar order among equal times
    starts = np.flatnonzero(np.r_[True, fd.threat[order][1:] != fd.threat[order][:-1]])
    for sel in np.split(order, starts[1:]) if order.size else []:  # per detected target
        out.append({
            "threat_id": int(fd.threat[sel[0]]),
            "name": names[fd.threat[sel[0]]],
            "radars": [
                {
                    "radar": ra.keys[fd.radar[j]],
                    "unit": built.units.names[int(ra.unit[fd.radar[j]])],
                    "first_time_s": round(float(fd.time_s[j]), 3),
                    "first_range_km": round(float(fd.range_m[j]) / 1000.0, 1),
                    "seen_at_launch": bool(fd.seen_at_launch[j]),
                    "detections": int(fd.detections[j]),
                    "dwells": None if fd.dwells is None else int(fd.dwells[j]),
                }
                for j in sel
            ],
        })  # fmt: skip
    return out
