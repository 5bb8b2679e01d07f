"""Standalone use: run the tracker over a recorded sequence of scans and get the tracks over
time as one pyarrow Table, without the simulation engine.

    from iads.tracking import Scan, TrackerConfig, track_scans
    table = track_scans([Scan(t_s, z, R), ...], TrackerConfig(process_noise=0.5))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from iads.errors import ParameterError
from iads.tracking.base import TrackerConfig, TrackEvents, TrackStatus

__all__ = ["Scan", "TRACK_TABLE_COLUMNS", "track_scans"]

TRACK_TABLE_COLUMNS = {
    "t_s": "scan time [s]",
    "track_id": "unique track id",
    "confirmed": "True once the track passed M-of-N confirmation",
    "x_m": "position estimate, first axis of the measurement frame [m]",
    "y_m": "position estimate, second axis [m]",
    "z_m": "position estimate, third axis [m]",
    "vx_mps": "velocity estimate [m/s]",
    "vy_mps": "velocity estimate [m/s]",
    "vz_mps": "velocity estimate [m/s]",
    "pos_var_m2": "trace of the position covariance [m²]",
    "hits": "updates since initiation",
    "misses": "consecutive scans without update",
    "quality": "fraction of the last N scans with an update",
    "state": "full state vector (layout in iads.tracking.models)",
    "covariance": "full state covariance, row-major",
}


@dataclass(frozen=True)
class Scan:
    """One scan of measurements at time t_s [s]: z (m, 3) positions [m] in ECEF or a local
    Cartesian frame and their covariances R (m, 3, 3) [m²] (radar: z (m, 3|4) range, azimuth,
    elevation[, range rate] with sensor_xyz_m (m, 3) and optionally rot (m, 3, 3), the
    rotation from the tracking frame to each sensor's ENU frame); sensor_id (m,) optional."""

    t_s: float
    z: NDArray[np.float64]
    R: NDArray[np.float64]
    sensor_id: NDArray | None = None
    sensor_xyz_m: NDArray[np.float64] | None = None
    rot: NDArray[np.float64] | None = None


def track_scans(
    scans: Iterable[Scan | tuple],
    config: TrackerConfig | None = None,
    *,
    confirmed_only: bool = False,
    frame: str = "local",
    events: list[TrackEvents] | None = None,
) -> pa.Table:
    """Track a sequence of scans in time order and return every track after every scan.

    scans: `Scan` objects or (t_s, z, R) tuples. config: the tracker's parameters
    (defaults: `TrackerConfig()`). confirmed_only: keep only confirmed tracks' rows.
    frame: a label of the measurement frame ('ecef', 'enu', 'local'), stored in the table's
    metadata. events: if a list is given, each scan's `TrackEvents` is appended to it.

    Returns a pyarrow Table with one row per (scan, track alive after it), columns as in
    `TRACK_TABLE_COLUMNS`.
    """
    from iads.tracking.tracker import empty_tracks, tracker_step

    config = config if config is not None else TrackerConfig()
    tracks = empty_tracks(config)
    d = config.state_dim
    parts: list[tuple] = []
    for k, scan in enumerate(scans):
        if not isinstance(scan, Scan):
            try:
                scan = Scan(*scan)
            except TypeError as exc:
                raise ParameterError(
                    f"scans[{k}]",
                    type(scan).__name__,
                    "a Scan or a (t_s, z, R) tuple",
                    "track_scans",
                ) from exc
        tracks, ev = tracker_step(
            tracks,
            config,
            scan.t_s,
            scan.z,
            scan.R,
            sensor_id=scan.sensor_id,
            sensor_xyz_m=scan.sensor_xyz_m,
            rot=scan.rot,
        )
        if events is not None:
            events.append(ev)
        cols = (tracks.ids, tracks.status, tracks.x, tracks.P, tracks.hits)
        cols += (tracks.misses, tracks.quality)
        if confirmed_only:  # only the columns of the table are copied
            keep = tracks.confirmed
            cols = tuple(c[keep] for c in cols)
        parts.append((np.full(cols[0].size, float(scan.t_s)), *cols))
    if parts:
        t, ids, st, x, P, hits, misses, q = (np.concatenate(c) for c in zip(*parts, strict=True))
    else:
        t, ids, st = np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int8)
        x, P = np.zeros((0, d)), np.zeros((0, d, d))
        hits, misses, q = np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0)
    cols = {
        "t_s": pa.array(t, pa.float64()),
        "track_id": pa.array(ids, pa.int64()),
        "confirmed": pa.array(st == TrackStatus.CONFIRMED, pa.bool_()),
        "x_m": x[:, 0],
        "y_m": x[:, 1],
        "z_m": x[:, 2],
        "vx_mps": x[:, 3],
        "vy_mps": x[:, 4],
        "vz_mps": x[:, 5],
        "pos_var_m2": P[:, 0, 0] + P[:, 1, 1] + P[:, 2, 2],
        "hits": pa.array(hits, pa.int32()),
        "misses": pa.array(misses, pa.int32()),
        "quality": q,
        "state": pa.FixedSizeListArray.from_arrays(pa.array(x.reshape(-1)), d),
        "covariance": pa.FixedSizeListArray.from_arrays(pa.array(P.reshape(-1)), d * d),
    }
    meta = {"frame": frame, "motion": config.motion, "config": config.model_dump_json()}
    return pa.table(cols).replace_schema_metadata(meta)
