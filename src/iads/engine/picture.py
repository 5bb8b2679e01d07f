"""The tracking stage of the engine: the air pictures of the fire units and networks.

An autonomous unit tracks on its own radars. The members of a network with measurement
fusion share one picture, whose tracker is fed by every member radar (centralized
measurement fusion); the members of a network with track fusion keep their own trackers,
and the network's picture is fused from their tracks after every scan
(``iads.c2.network``). Each unit fires on its decision picture (``rs.decision[u]``): its
own, or its network's. Which measurement came from which threat is kept beside the
picture for scoring (``Picture.truth``: the object a track follows); neither the tracker
nor battle management decides from it (unless the run's ``perfect_classification``
shortcut is on).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.c2.magazine import Magazines
from iads.c2.network import TrackFusion
from iads.sensors.radar import Detections
from iads.sensors.stage import looked_at
from iads.state.run import Picture, RunState
from iads.tracking import TrackerConfig, empty_tracks, tracker_step

__all__ = ["new_picture", "setup_pictures", "update_pictures"]


def new_picture(config: TrackerConfig) -> Picture:
    """An empty air picture tracking with ``config``."""
    return Picture(config, empty_tracks(config))


def setup_pictures(rs: RunState) -> None:
    """Share pictures inside networks, create the fused pictures and the magazines (once;
    later calls do nothing)."""
    if rs.decision:
        return
    b = rs.built
    units = b.units
    rs.decision = list(rs.pictures)
    for k, fusion in enumerate(b.network_fusion):
        members = [int(u) for u in np.flatnonzero(units.network == k)]
        if not members:
            continue
        if fusion == "measurement":
            shared = rs.pictures[members[0]]
            for u in members:
                rs.pictures[u] = shared
                rs.decision[u] = shared
        else:
            tf = TrackFusion(members, new_picture(rs.pictures[members[0]].config))
            rs.fusions.append(tf)
            for u in members:
                rs.decision[u] = tf.picture
    # A decision picture identifies with IFF when any of its units can interrogate.
    for pic in {id(p): p for p in rs.decision}.values():
        pic.iff = bool(any(units.iff[u] for u in range(units.n) if rs.decision[u] is pic))
    rs.magazines = Magazines.load(
        units.stock0, units.n_launchers, units.per_launcher, units.reload_s
    )


def _picture_heads(rs: RunState) -> tuple[NDArray[np.int64], NDArray[np.int64], list]:
    """For every unit, the first unit sharing its picture (u,); for every radar, the
    picture it feeds by that first unit (r,); and per picture head, the units sharing it
    (kept between steps while the pictures stay the same objects)."""
    key = tuple(map(id, rs.pictures))
    cached = rs.cache.get("picture.heads")
    if cached is not None and cached[0] == key:
        return cached[2]
    head = np.array([key.index(o) for o in key], dtype=np.int64)
    units_of = [np.flatnonzero(head == u) for u in range(head.size)]
    out = head, head[rs.built.radars.unit], units_of
    # (the pictures are held with their ids, so that no new object can take an id)
    rs.cache["picture.heads"] = (key, tuple(rs.pictures), out)
    return out


def update_pictures(rs: RunState, t_s: float, det: Detections, due: NDArray[np.int64]) -> None:
    """Run the tracker of every picture one of whose radars scanned at ``t_s``, then
    refresh the fused picture of every track-fusion network with an updated member."""
    setup_pictures(rs)
    b = rs.built
    if due.size == 0:
        return
    updated: set[int] = set()
    head, head_of_radar, units_of = _picture_heads(rs)
    fed = head_of_radar[due]
    one = fed.size == 1 or bool((fed == fed[0]).all())  # one picture: no sort, no masks
    for u in fed[:1] if one else np.unique(fed):  # a shared picture is updated once
        pic = rs.pictures[u]
        if one and bool((head_of_radar[det.radar] == u).all()):  # every detection
            z, R, sid, origin_all = det.z_ecef_m, det.r_ecef_m2, det.radar, det.threat
        else:
            mine = np.flatnonzero(head_of_radar[det.radar] == u)
            z, R, sid = det.z_ecef_m[mine], det.r_ecef_m2[mine], det.radar[mine]
            origin_all = det.threat[mine]
        if z.shape[0] == 0 and pic.tracks.n == 0:
            continue
        # Only the tracks these radars looked at in this window can be missed by them.
        scanned = due if one else due[fed == u]
        observed = looked_at(b.radars, rs.radar_schedule, scanned, t_s, pic.at(t_s)[0])
        pic.tracks, ev = tracker_step(
            pic.tracks, pic.config, t_s, z, R, sensor_id=sid, observed=observed
        )
        if rs.fusions:
            updated.update(int(v) for v in units_of[u])
        pic.ensure(pic.tracks.next_id)
        ids, meas = ev.best_assoc()  # under JPDA a track has several weighted pairs
        if ids.size:
            # A track follows the last real object whose measurement it took: a false
            # alarm it takes now and then does not relabel it (scoring only).
            origin = origin_all[meas]
            pic.truth[ids] = np.where(origin >= 0, origin, pic.truth[ids])
        if ev.initiated_ids.size and z.shape[0]:
            # A new track starts at its measurement: the nearest one is its origin.
            rows = np.searchsorted(pic.tracks.ids, ev.initiated_ids)
            ok = rows < pic.tracks.n
            rows, new = rows[ok], ev.initiated_ids[ok]
            ok = pic.tracks.ids[rows] == new
            d = np.linalg.norm(pic.tracks.position[rows[ok]][:, None, :]
                               - z[None, :, :], axis=-1)  # fmt: skip
            pic.truth[new[ok]] = origin_all[np.argmin(d, axis=1)]
        for kind, ids in (
            ("track_start", ev.initiated_ids),
            ("track_confirmed", ev.confirmed_ids),
            ("track_deleted", ev.deleted_ids),
        ):
            if ids.size:
                rs.log.add(kind, t_s, track_id=ids, unit_id=int(u), threat_id=pic.truth[ids])
    for tf in rs.fusions:
        if updated.intersection(tf.members):
            tf.update(rs.pictures, t_s)
