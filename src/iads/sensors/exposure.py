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
from iads.state.events import EVENT_KINDS

__all__ = ["SEEN_PD", "FirstDetections", "exposure_summary", "first_detections"]

#: Tolerance [s] when comparing event times (exact times inside steps, float sums).
_EPS_S = 1e-6
#: Single-look detection probability at the first look above which a target that
#: appeared in coverage counts as seen at launch (0.5: the conventional detection range).
SEEN_PD = 0.5


def _of_kind(events: pa.Table, kind: str) -> pa.Table:
    kinds = events.column("kind").combine_chunks()
    names = kinds.dictionary.to_pylist()
    if kind not in names:
        return events.slice(0, 0)
    return events.filter(pa.array(np.asarray(kinds.indices) == names.index(kind)))


def _pair_counts(tab: pa.Table, n_radars: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(threat, radar, time) of real targets (threat_id >= 0) in ``tab``."""
    tid = tab.column("threat_id").to_numpy().astype(np.int64)
    rid = tab.column("radar_id").to_numpy().astype(np.int64)
    t = tab.column("time_s").to_numpy()
    keep = (tid >= 0) & (rid >= 0) & (rid < n_radars)
    return tid[keep], rid[keep], t[keep]


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
    tid, rid, t = _pair_counts(_of_kind(events, "detection"), ra.n)
    key = tid * ra.n + rid
    order = np.lexsort((t, key))
    key_s, t_s = key[order], t[order]
    first = np.r_[True, key_s[1:] != key_s[:-1]] if key_s.size else np.zeros(0, bool)
    keys, t0 = key_s[first], t_s[first]
    n_det = np.diff(np.r_[np.flatnonzero(first), key_s.size]).astype(np.int64)
    th, rd = keys // ra.n, keys % ra.n
    if keys.size == 0:
        z = np.zeros(0)
        return FirstDetections(th, rd, z, z, n_det, None, np.zeros(0, bool))
    pos, _ = truth_at(truth, th, t0)
    rng_m = np.linalg.norm(pos - ra.pos_ecef_m[rd], axis=-1)
    dwells: NDArray[np.int64] | None = None
    first_look = t0.copy()
    if "dwell" in EVENT_KINDS:
        dt, dr, dtime = _pair_counts(_of_kind(events, "dwell"), ra.n)
        dk = dt * ra.n + dr
        d_order = np.lexsort((dtime, dk))
        dk, dtime = dk[d_order], dtime[d_order]
        lo = np.searchsorted(dk, keys, "left")
        dwells = (np.searchsorted(dk, keys, "right") - lo).astype(np.int64)
        has = dwells > 0
        first_look[has] = np.minimum(t0[has], dtime[lo[has]])
    in_reach = first_look - truth.launch_t_s[th] <= ra.sweep_s[rd] + _EPS_S
    seen = in_reach & (first_look >= t0 - _EPS_S)  # detected on the first look
    ask = np.flatnonzero(in_reach & ~seen)
    if ask.size and getattr(built, "sensing", None) is not None:
        from iads.sensors.chain import evaluate_pairs

        p, v = truth_at(truth, th[ask], first_look[ask])
        pd = evaluate_pairs(ra, built.sensing, rd[ask], th[ask], p, v).pd
        seen[ask] = pd >= SEEN_PD
    return FirstDetections(th, rd, t0, rng_m, n_det, dwells, seen)


def exposure_summary(events: pa.Table, built: Any, truth: Any) -> list[dict[str, Any]]:
    """Per target detected at least once (``threat_id``, ``name``), per radar that
    detected it: ``first_time_s``, ``first_range_km`` (true range at that time),
    ``seen_at_launch`` (censored first detection, see the module docstring),
    ``detections`` and ``dwells`` (None when the event log has no dwell events). Sorted by
    target id, then first detection time."""
    fd = first_detections(events, built, truth)
    ra = built.radars
    out: list[dict[str, Any]] = []
    names = built.threats.names
    for i in np.unique(fd.threat):  # a loop over the detected targets to build the JSON rows
        sel = np.flatnonzero(fd.threat == i)
        sel = sel[np.argsort(fd.time_s[sel], kind="stable")]
        out.append({
            "threat_id": int(i),
            "name": names[i],
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
