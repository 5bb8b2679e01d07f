"""Exposure of each target to each radar, derived from a run's event log: the first
detection (time and range) and the number of detections and, when the log records
dwells, of dwells (beam on the target inside coverage)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from iads.sensors.chain import truth_at
from iads.state.events import EVENT_KINDS

__all__ = ["exposure_summary"]


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


def exposure_summary(events: pa.Table, built: Any, truth: Any) -> list[dict[str, Any]]:
    """Per target detected at least once, per radar that detected it: ``first_time_s``,
    ``first_range_km`` (true range at that time), ``detections`` and ``dwells`` (None when
    the event log has no dwell events). Sorted by target id, then first detection time."""
    ra = built.radars
    tid, rid, t = _pair_counts(_of_kind(events, "detection"), ra.n)
    if tid.size == 0:
        return []
    key = tid * ra.n + rid
    order = np.lexsort((t, key))
    key_s, t_s = key[order], t[order]
    first = np.r_[True, key_s[1:] != key_s[:-1]]
    keys, t0 = key_s[first], t_s[first]
    n_det = np.diff(np.r_[np.flatnonzero(first), key_s.size])
    th, rd = keys // ra.n, keys % ra.n
    pos, _ = truth_at(truth, th, t0)
    rng_km = np.linalg.norm(pos - ra.pos_ecef_m[rd], axis=-1) / 1000.0
    dwells: np.ndarray | None = None
    if "dwell" in EVENT_KINDS:
        dt, dr, _ = _pair_counts(_of_kind(events, "dwell"), ra.n)
        dk = np.sort(dt * ra.n + dr)
        dwells = np.searchsorted(dk, keys, "right") - np.searchsorted(dk, keys, "left")
    out: list[dict[str, Any]] = []
    names = built.threats.names
    for i in np.unique(th):  # a loop over the detected targets to build the JSON rows
        sel = np.flatnonzero(th == i)
        sel = sel[np.argsort(t0[sel], kind="stable")]
        out.append({
            "id": int(i),
            "name": names[i],
            "radars": [
                {
                    "radar": ra.keys[rd[j]],
                    "unit": built.units.names[int(ra.unit[rd[j]])],
                    "first_time_s": round(float(t0[j]), 3),
                    "first_range_km": round(float(rng_km[j]), 1),
                    "detections": int(n_det[j]),
                    "dwells": None if dwells is None else int(dwells[j]),
                }
                for j in sel
            ],
        })  # fmt: skip
    return out
