"""The tracking stage of the engine: each fire unit's air picture is updated from the
detections of its own radars (centralized measurement fusion across them), and the track
events are logged. Which measurement came from which threat is kept beside the picture for
scoring and (first-order) classification; the tracker itself never sees it."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.engine.state import RunState
from iads.sensors.radar import Detections
from iads.tracking import tracker_step

__all__ = ["update_pictures"]


def update_pictures(rs: RunState, t_s: float, det: Detections, due: NDArray[np.int64]) -> None:
    """Run the tracker of every unit one of whose radars scanned at ``t_s``."""
    b = rs.built
    if due.size == 0:
        return
    for u in np.unique(b.radars.unit[due]):
        pic = rs.pictures[u]
        mine = np.flatnonzero(b.radars.unit[det.radar] == u) if det.n else np.empty(0, np.int64)
        if mine.size == 0 and pic.tracks.n == 0:
            continue
        pic.tracks, ev = tracker_step(
            pic.tracks,
            pic.config,
            t_s,
            det.z_ecef_m[mine],
            det.r_ecef_m2[mine],
            sensor_id=det.radar[mine],
        )
        pic.ensure(pic.tracks.next_id)
        if ev.assoc_track_ids.size:
            pic.truth[ev.assoc_track_ids] = det.threat[mine][ev.assoc_meas_index]
        for kind, ids in (
            ("track_start", ev.initiated_ids),
            ("track_confirmed", ev.confirmed_ids),
            ("track_deleted", ev.deleted_ids),
        ):
            if ids.size:
                rs.log.add(kind, t_s, track_id=ids, unit_id=int(u), threat_id=pic.truth[ids])
