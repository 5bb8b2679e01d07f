"""The flyout stage of the engine: midcourse guidance of every interceptor in flight from
its unit's air picture, and the engagements that end inside the step, resolved at their
exact times (see ``iads.weapons.flyout`` for the first-order model)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.state.run import FLYING, KILLED, RunState, lla
from iads.weapons.flyout import resolve_intercept

__all__ = ["flyout"]


def flyout(rs: RunState, t: float, window_s: float) -> NDArray[np.float64]:
    """Re-aim every interceptor in flight and resolve those that end in
    ``(t, t + window_s]``, in time order. Returns the times at which the others will end
    (intercept or self-destruct), for the engine's step scheduling."""
    icp = rs.interceptors
    ids = icp.in_flight()
    if ids.size == 0:
        return np.empty(0)
    tpos = np.full((ids.size, 3), np.nan)
    tvel = np.zeros((ids.size, 3))
    has = np.zeros(ids.size, bool)
    for u in np.unique(icp.unit[ids]):
        sel = np.flatnonzero(icp.unit[ids] == u)
        pic = rs.decision[u] if rs.decision else rs.pictures[u]
        # Track rows of the interceptors' track ids (ids are sorted: searchsorted).
        tids = pic.tracks.ids
        rows = np.searchsorted(tids, icp.track_id[ids[sel]])
        rows = np.minimum(rows, max(tids.size - 1, 0))
        ok = (
            (tids.size > 0) & (tids[rows] == icp.track_id[ids[sel]])
            if tids.size
            else np.zeros(sel.size, bool)
        )
        p_t, v_t = pic.at(t)
        has[sel[ok]] = True
        tpos[sel[ok]] = p_t[rows[ok]]
        tvel[sel[ok]] = v_t[rows[ok]]
    tpos = np.where(has[:, None], tpos, icp.aim_ecef_m[ids])
    tgo = icp.guide(ids, tpos, tvel, has)
    t_hit = t + tgo
    resolve = (tgo <= window_s) & (t_hit <= icp.max_t_s[ids])
    expired = ~resolve & (t + window_s > icp.max_t_s[ids])
    for j in np.flatnonzero(resolve)[np.argsort(t_hit[resolve], kind="stable")]:
        _resolve(rs, int(ids[j]), float(t_hit[j]))
    if expired.any():
        e = ids[expired]
        icp.flying[e] = False
        lat, lon, h = lla(icp.pos_ecef_m[e])
        rs.log.add(
            "miss",
            icp.max_t_s[e],
            interceptor_id=e,
            unit_id=icp.unit[e],
            track_id=icp.track_id[e],
            lat_deg=lat,
            lon_deg=lon,
            alt_m=h,
            details=[{"reason": "out of energy"}] * e.size,
        )
    left = ~resolve & ~expired
    return np.concatenate([t_hit[left], icp.max_t_s[ids[left]]])


def _resolve(rs: RunState, i: int, t_hit: float) -> None:
    """End interceptor ``i`` at its aim point at ``t_hit``: kill the nearest live threat
    inside the terminal basket with the type's Pk against its class, else miss."""
    b, icp = rs.built, rs.interceptors
    icp.flying[i] = False
    aim = icp.aim_ecef_m[i]
    pos, _, active = rs.truth.state_at(t_hit)
    m = int(icp.mtype[i])
    draw = rs.rng["weapons"].random()  # drawn for every resolution, so streams stay aligned
    j, killed, dist = resolve_intercept(
        aim, pos, active & (rs.status == FLYING), b.missiles.pk[m, b.threats.klass], draw
    )
    u = int(icp.unit[i])
    lat, lon, h = lla(aim)
    common = dict(
        interceptor_id=i,
        unit_id=u,
        track_id=int(icp.track_id[i]),
        lat_deg=lat,
        lon_deg=lon,
        alt_m=h,
    )
    mkey = b.missiles.keys[m]
    if j < 0:
        rs.log.add(
            "miss",
            t_hit,
            threat_id=-1,
            details=[{"missile": mkey, "reason": "no target in basket"}],
            **common,
        )
        return
    pk = float(b.missiles.pk[m, int(b.threats.klass[j])])
    detail = {"missile": mkey, "pk": pk, "miss_distance_m": round(dist, 1)}
    if killed:
        rs.status[j] = KILLED
        (rs.decision[u] if rs.decision else rs.pictures[u]).dead[int(icp.track_id[i])] = True
        rs.log.add("intercept", t_hit, threat_id=j, details=[detail], **common)
    else:
        rs.log.add("miss", t_hit, threat_id=j, details=[{**detail, "reason": "pk draw"}], **common)
