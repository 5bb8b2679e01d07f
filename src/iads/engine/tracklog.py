"""The air pictures' confirmed tracks over a run (``tracks.parquet``), recorded when asked
(``simulate(..., record_tracks=True)``, as ``iads run`` does) for the replay's track
layer: after every tracker update, each decision picture's confirmed tracks at that
time, with their estimated position and position uncertainty.

Columns (:data:`TRACKS_SCHEMA`): ``time_s`` (time of the estimate), ``unit_id`` (the first
unit firing on the picture: a network's shared or fused picture is recorded once),
``track_id``, ``lat_deg``, ``lon_deg``, ``alt_m`` (WGS-84) and ``pos_sigma_m``, the RMS of
the three position standard deviations, sqrt(trace(P_pos) / 3) [m].
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from iads.state import RunState, lla
from iads.tracking.base import TrackStatus

__all__ = ["TRACKS_SCHEMA", "TrackRecorder"]

TRACKS_SCHEMA = pa.schema(
    [
        pa.field("time_s", pa.float64(), nullable=False),
        pa.field("unit_id", pa.int32(), nullable=False),
        pa.field("track_id", pa.int64(), nullable=False),
        pa.field("lat_deg", pa.float64(), nullable=False),
        pa.field("lon_deg", pa.float64(), nullable=False),
        pa.field("alt_m", pa.float64(), nullable=False),
        pa.field("pos_sigma_m", pa.float64(), nullable=False),
    ],
    metadata={"iads.tracks": "1"},
)


class TrackRecorder:
    """Collects the confirmed tracks of every decision picture, one batch per update."""

    def __init__(self) -> None:
        self._batches: list[tuple[np.ndarray, ...]] = []

    def record(self, rs: RunState, t_s: float) -> None:
        """Record the confirmed tracks whose estimate is at ``t_s`` (updated or coasted
        by this step's scans)."""
        seen: set[int] = set()
        for u, pic in enumerate(rs.decision or rs.pictures):
            if id(pic) in seen:
                continue
            seen.add(id(pic))
            tr = pic.tracks
            if tr.n == 0:
                continue
            sel = (tr.status == TrackStatus.CONFIRMED) & (np.abs(tr.t_s - t_s) < 1e-9)
            if not sel.any():
                continue
            p_pos = tr.P[sel][:, :3, :3]
            sigma = np.sqrt(np.trace(p_pos, axis1=1, axis2=2) / 3.0)
            self._batches.append(
                (np.full(sel.sum(), t_s), np.full(sel.sum(), u), tr.ids[sel],
                 tr.position[sel].copy(), sigma)  # fmt: skip
            )

    def table(self) -> pa.Table:
        """The recorded tracks (:data:`TRACKS_SCHEMA`), in time order."""
        if not self._batches:
            return TRACKS_SCHEMA.empty_table()
        t, u, ids, pos, sig = (np.concatenate(c) for c in zip(*self._batches, strict=True))
        lat, lon, h = lla(pos)
        return pa.table(
            {
                "time_s": t,
                "unit_id": u.astype(np.int32),
                "track_id": ids.astype(np.int64),
                "lat_deg": np.atleast_1d(lat),
                "lon_deg": np.atleast_1d(lon),
                "alt_m": np.atleast_1d(h),
                "pos_sigma_m": sig,
            },
            schema=TRACKS_SCHEMA,
        )
