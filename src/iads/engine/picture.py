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

import math

import numpy as np
from numba import njit
from numpy.typing import NDArray

from iads.c2.magazine import Magazines
from iads.c2.network import TrackFusion
from iads.sensors.radar import Detections
from iads.sensors.stage import looked_at_tracks
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


def _picture_heads(rs: RunState) -> tuple[NDArray[np.int64], NDArray[np.int64], list, int]:
    """For every unit, the first unit sharing its picture (u,); for every radar, the
    picture it feeds by that first unit (r,); per picture head, the units sharing it; and
    the head every radar feeds when there is one such picture (else -1) (kept between
    steps while the pictures stay the same objects)."""
    key = tuple(map(id, rs.pictures))
    cached = rs.cache.get("picture.heads")
    if cached is not None and cached[0] == key:
        return cached[2]
    head = np.array([key.index(o) for o in key], dtype=np.int64)
    units_of = [np.flatnonzero(head == u) for u in range(head.size)]
    of_radar = head[rs.built.radars.unit]
    solo = int(of_radar[0]) if of_radar.size and bool((of_radar == of_radar[0]).all()) else -1
    out = head, of_radar, units_of, solo
    # (the pictures are held with their ids, so that no new object can take an id)
    rs.cache["picture.heads"] = (key, tuple(rs.pictures), out)
    return out


def update_pictures(rs: RunState, t_s: float, det: Detections, due: NDArray[np.int64]) -> None:
    """Run the tracker of every picture one of whose radars scanned at ``t_s``, then
    refresh the fused picture of every track-fusion network with an updated member."""
    if not rs.decision:
        setup_pictures(rs)
    if due.size == 0:
        return
    head, head_of_radar, units_of, solo = _picture_heads(rs)
    if solo >= 0 and det.radar.size == 0 and rs.pictures[solo].tracks.n == 0:
        return  # nothing seen, nothing to miss
    ran: list[int] = []
    if solo < 0:
        fed = head_of_radar[due]
        of_det = head_of_radar[det.radar]
        if bool((fed == fed[0]).all()) and bool((of_det == fed[0]).all()):
            solo = int(fed[0])  # this step, every due radar and detection feed one picture
    if solo >= 0:  # one picture: the detections as they are, no masks
        if _update_picture(rs, t_s, solo, due, det.z_ecef_m, det.r_ecef_m2, det.radar,
                           det.threat):  # fmt: skip
            ran.append(solo)
    else:
        # the detections grouped by picture once (stable: in their order within a picture)
        by_pic = np.argsort(of_det, kind="stable")
        end = np.cumsum(np.bincount(of_det, minlength=head.size)).tolist()
        for u in np.unique(fed).tolist():  # a shared picture is updated once
            a, b = end[u - 1] if u else 0, end[u]
            if a == b and rs.pictures[u].tracks.n == 0:
                continue  # nothing seen, nothing to miss
            mine = by_pic[a:b]
            z, R, sid = det.z_ecef_m[mine], det.r_ecef_m2[mine], det.radar[mine]
            if _update_picture(rs, t_s, u, due[fed == u], z, R, sid, det.threat[mine]):
                ran.append(u)
    if rs.fusions and ran:
        updated = {int(v) for u in ran for v in units_of[u]}
        for tf in rs.fusions:
            if updated.intersection(tf.members):
                tf.update(rs.pictures, t_s)


def _update_picture(
    rs: RunState,
    t_s: float,
    u: int,
    scanned: NDArray[np.int64],
    z: NDArray[np.float64],
    R: NDArray[np.float64],
    sid: NDArray[np.int64],
    origin_all: NDArray[np.int64],
) -> bool:
    """One scan of unit u's picture by its radars ``scanned`` with their detections z (k, 3)
    [m], R (k, 3, 3) [m²] of radars sid (k,) and true origins origin_all (k,) (scoring
    only); returns whether the tracker ran."""
    pic = rs.pictures[u]
    tracks = pic.tracks
    if z.shape[0] == 0 and tracks.n == 0:
        return False
    # Only the tracks these radars looked at in this window can be missed by them.
    if tracks.n:  # at the positions of ``Picture.at(t_s)``
        observed = looked_at_tracks(rs, scanned, t_s, tracks.x, tracks.t_s)
    else:
        observed = _NONE_OBSERVED
    pic.tracks, ev = tracker_step(tracks, pic.config, t_s, z, R, sensor_id=sid, observed=observed)
    pic.ensure(pic.tracks.next_id)
    if LABELS_JIT:
        tr = pic.tracks
        _labels(pic.truth, ev.assoc_track_ids, ev.assoc_meas_index, ev.assoc_weight,
                origin_all, ev.initiated_ids, tr.ids, tr.x, z)  # fmt: skip
    else:
        _labels_reference(pic, ev, z, origin_all)
    log = rs.log
    if ev.initiated_ids.size:
        log.add("track_start", t_s, track_id=ev.initiated_ids, unit_id=u,
                threat_id=pic.truth[ev.initiated_ids])  # fmt: skip
    if ev.confirmed_ids.size:
        log.add("track_confirmed", t_s, track_id=ev.confirmed_ids, unit_id=u,
                threat_id=pic.truth[ev.confirmed_ids])  # fmt: skip
    if ev.deleted_ids.size:
        log.add("track_deleted", t_s, track_id=ev.deleted_ids, unit_id=u,
                threat_id=pic.truth[ev.deleted_ids])  # fmt: skip
    return True


_NONE_OBSERVED = np.zeros(0, bool)

LABELS_JIT = True
"""Label the tracks with their true objects (scoring) in one compiled call (True) or with
the numpy reference `_labels_reference` (False); the two agree bit for bit."""


def _labels_reference(pic, ev, z, origin_all) -> None:
    """The truth labels of one scan's tracks (``pic.truth``, by track id): an updated track
    takes the true object of its best measurement unless that is a false alarm; a new track
    the object of the measurement nearest to it."""
    ids, meas = ev.best_assoc()  # under JPDA a track has several weighted pairs
    if ids.size:
        # A track follows the last real object whose measurement it took: a false
        # alarm it takes now and then does not relabel it (scoring only).
        origin = origin_all[meas]
        pic.truth[ids] = np.where(origin >= 0, origin, pic.truth[ids])
    new = ev.initiated_ids
    if new.size and z.shape[0]:
        # A new track starts at its measurement: the nearest one is its origin.
        rows = np.searchsorted(pic.tracks.ids, new)
        ok = rows < pic.tracks.n
        rows, new = rows[ok], new[ok]
        ok = pic.tracks.ids[rows] == new
        d = np.linalg.norm(pic.tracks.position[rows[ok]][:, None, :]
                           - z[None, :, :], axis=-1)  # fmt: skip
        pic.truth[new[ok]] = origin_all[np.argmin(d, axis=1)]


@njit(cache=True)
def _labels(truth, pair_ids, pair_meas, pair_w, origin, new_ids, ids, x, z):
    """`_labels_reference` in one pass: truth (ids,) updated in place from the pairs
    (track ids (p,), measurement indices (p,), weights (p,); per track the pair of highest
    weight, the first listed on ties), the origins (k,) of the measurements z (k, 3) [m],
    and the new track ids (q,) among the tracks ids (n,) at x (n, d)."""
    p = pair_ids.shape[0]
    if p:
        best = np.full(truth.shape[0], -1, np.int64)
        for k in range(p):
            t = pair_ids[k]
            if best[t] < 0 or pair_w[k] > pair_w[best[t]]:
                best[t] = k
        for k in range(p):
            t = pair_ids[k]
            if best[t] == k and origin[pair_meas[k]] >= 0:
                truth[t] = origin[pair_meas[k]]
    m, n = z.shape[0], ids.shape[0]
    if m == 0:
        return
    for q in range(new_ids.shape[0]):
        t = new_ids[q]
        i = np.searchsorted(ids, t)
        if i >= n or ids[i] != t:
            continue  # deleted in its first scan
        jbest, dbest = 0, np.inf
        for j in range(m):
            a = x[i, 0] - z[j, 0]
            b = x[i, 1] - z[j, 1]
            c = x[i, 2] - z[j, 2]
            dj = math.sqrt((a * a + b * b) + c * c)  # as np.linalg.norm sums the squares
            if dj < dbest:
                jbest, dbest = j, dj
        truth[t] = origin[jbest]
