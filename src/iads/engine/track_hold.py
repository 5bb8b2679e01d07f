"""Track hold: how long each air picture held a confirmed track on each real object,
derived from a run's track events (``track_confirmed`` / ``track_deleted``).

A track counts as held from its confirmation to its deletion, or to the end of the run if
it was never dropped; it belongs to the object it followed when it was confirmed (the
scoring label ``threat_id`` the tracking stage logs; a track started by a false alarm has
-1 and is left out). Several tracks on one object in one picture (a drop and a new track,
or two tracks at once) count once per instant: the held time is the length of the union
of their intervals. A track coasts a few scans after its object stops being seen (out of
coverage, end of its route) before it is dropped; that coasting is held time too, as it is
for the battery that decides on the picture.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from iads.state.events import of_kind

__all__ = ["held_intervals", "track_hold_summary", "union_length"]


def _of_kind(events: pa.Table, kind: str) -> pa.Table:
    return of_kind(events, kind, ["threat_id", "unit_id", "track_id", "time_s"])


def held_intervals(
    events: pa.Table, end_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Confirmed-track intervals ``(threat, unit, start_s, stop_s)``, arrays of shape (k,):
    one per confirmed track on a real object, from its confirmation to its deletion (or
    ``end_s``). ``unit`` is the picture's unit id as logged (the first unit of a shared
    picture)."""
    conf = _of_kind(events, "track_confirmed")
    dele = _of_kind(events, "track_deleted")
    c_tid = conf.column("threat_id").to_numpy().astype(np.int64)
    c_unit = conf.column("unit_id").to_numpy().astype(np.int64)
    c_track = conf.column("track_id").to_numpy().astype(np.int64)
    c_t = conf.column("time_s").to_numpy().astype(float)
    keep = c_tid >= 0
    c_tid, c_unit, c_track, c_t = c_tid[keep], c_unit[keep], c_track[keep], c_t[keep]
    d_unit = dele.column("unit_id").to_numpy().astype(np.int64)
    d_track = dele.column("track_id").to_numpy().astype(np.int64)
    d_t = dele.column("time_s").to_numpy().astype(float)
    stop = np.full(c_t.size, float(end_s))
    if d_t.size and c_t.size:
        # Track ids are unique within a picture: key (unit, track) -> deletion time.
        span = int(max(c_track.max(initial=0), d_track.max(initial=0))) + 1
        d_key = d_unit * span + d_track
        order = np.argsort(d_key, kind="stable")
        d_key, d_ts = d_key[order], d_t[order]
        c_key = c_unit * span + c_track
        pos = np.searchsorted(d_key, c_key)
        ok = pos < d_key.size
        ok[ok] = d_key[pos[ok]] == c_key[ok]
        stop[ok] = np.maximum(d_ts[pos[ok]], c_t[ok])
    return c_tid, c_unit, c_t, stop


def union_length(start_s: np.ndarray, stop_s: np.ndarray) -> float:
    """Length [s] of the union of the intervals [start, stop] (shape (k,))."""
    if start_s.size == 0:
        return 0.0
    order = np.argsort(start_s, kind="stable")
    a, b = start_s[order], stop_s[order]
    reach = np.maximum.accumulate(b)
    # A new block starts where an interval begins after everything before it has ended.
    new = np.r_[True, a[1:] > reach[:-1]]
    blocks = np.cumsum(new) - 1
    n = int(blocks[-1]) + 1
    lo = np.full(n, np.inf)
    hi = np.full(n, -np.inf)
    np.minimum.at(lo, blocks, a)
    np.maximum.at(hi, blocks, b)
    return float(np.sum(hi - lo))


def track_hold_summary(events: pa.Table, built: Any, end_s: float) -> list[dict[str, Any]]:
    """Per real object held in track at least once (``threat_id``, ``name``), per picture
    that held it (``pictures[]``, by the name of its first unit): ``first_confirmed_s``
    (time of the first confirmation), ``held_s`` (union of its confirmed tracks'
    intervals, see the module docstring) and ``tracks`` (confirmed tracks on it). Sorted
    by object, then first confirmation."""
    tid, unit, t0, t1 = held_intervals(events, end_s)
    out: list[dict[str, Any]] = []
    names = built.threats.names
    units = built.units.names
    if tid.size == 0:
        return out
    order = np.lexsort((unit, tid))  # by object, then picture
    tid, unit, t0, t1 = tid[order], unit[order], t0[order], t1[order]
    new_obj = np.r_[True, tid[1:] != tid[:-1]]
    new_pic = new_obj | np.r_[True, unit[1:] != unit[:-1]]
    obj_at = np.flatnonzero(new_obj)
    pic_at = np.r_[np.flatnonzero(new_pic), tid.size]
    p = 0
    for a, z in zip(obj_at, np.r_[obj_at[1:], tid.size], strict=True):  # tracked objects
        rows = []
        while pic_at[p] < z:  # the pictures that held this object
            sel = slice(pic_at[p], pic_at[p + 1])
            rows.append({
                "unit": units[int(unit[pic_at[p]])],
                "first_confirmed_s": round(float(t0[sel].min()), 3),
                "held_s": round(union_length(t0[sel], t1[sel]), 3),
                "tracks": int(pic_at[p + 1] - pic_at[p]),
            })  # fmt: skip
            p += 1
        rows.sort(key=lambda r: r["first_confirmed_s"])
        out.append({"threat_id": int(tid[a]), "name": names[int(tid[a])], "pictures": rows})
    return out
