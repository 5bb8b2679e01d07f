"""The flyout stage of the engine: midcourse guidance of every interceptor in flight from
its unit's air picture, and the engagements that end inside the step, resolved at their
exact times (see ``iads.weapons.flyout`` for the first-order model).

Scoring uses the truth: an interceptor flies at what its track follows (the object whose
measurements the track last took, ``Picture.truth``). When the track follows no real
object (a false track), the interceptor is lost (event ``wasted_on_false_track``). Else
the intercept's physics uses the true geometry at the moment of intercept: the object
must be alive, inside the terminal basket around the aim point and inside the missile's
envelope (altitude floor and ceiling, range, target speed), then the catalog Pk against
its true class is drawn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from iads.state.run import FLYING, KILLED, Picture, RunState, lla
from iads.weapons import _flyout_jit
from iads.weapons.envelope import envelope_violation
from iads.weapons.flyout import resolve_intercept

__all__ = ["flyout"]

#: The end times when no interceptor flies (read only, shared by every such step).
_NONE = np.empty(0)
_NONE.flags.writeable = False


def flyout(rs: RunState, t: float, window_s: float) -> NDArray[np.float64]:
    """Re-aim every interceptor in flight and resolve those that end in
    ``(t, t + window_s]``, in time order. Returns the times at which the others will end
    (intercept or self-destruct), for the engine's step scheduling."""
    icp = rs.interceptors
    if icp.n_flying == 0:  # most steps: none in the air
        return _NONE
    ids = icp.in_flight()
    if not _flyout_jit.ENABLED:
        return _flyout_reference(rs, ids, t, window_s)
    k = ids.size
    tpos = icp.aim_ecef_m[ids]  # rows without a track keep their aim point
    tvel = np.zeros((k, 3))
    has = np.zeros(k, bool)
    for pic, sel in _by_picture(rs, ids):
        tr = pic.tracks
        _flyout_jit.track_states(tr.ids, np.ascontiguousarray(tr.x), tr.t_s, float(t),
                                 icp.track_id[ids[sel]], sel, tpos, tvel, has)  # fmt: skip
    tgo = icp.guide(ids, tpos, tvel, has)
    state, out = np.empty(k, np.int8), np.empty(2 * k)
    n_res, n_exp, n_left = _flyout_jit.ends(tgo, icp.max_t_s, ids, float(t), float(window_s),
                                            state, out)  # fmt: skip
    if n_res or n_exp:
        _end_flights(rs, ids, t + tgo, state == 1, state == 2)
    if n_left == k:
        return out
    return np.concatenate([out[:n_left], out[k : k + n_left]])


def _flyout_reference(
    rs: RunState, ids: NDArray[np.int64], t: float, window_s: float
) -> NDArray[np.float64]:
    """``flyout`` on numpy (the reference of the compiled path): the interceptors ``ids``
    in flight."""
    icp = rs.interceptors
    tpos = np.full((ids.size, 3), np.nan)
    tvel = np.zeros((ids.size, 3))
    has = np.zeros(ids.size, bool)
    for pic, sel in _by_picture(rs, ids):
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
    _end_flights(rs, ids, t_hit, resolve, expired)
    left = ~resolve & ~expired
    return np.concatenate([t_hit[left], icp.max_t_s[ids[left]]])


def _end_flights(
    rs: RunState,
    ids: NDArray[np.int64],
    t_hit: NDArray[np.float64],
    resolve: NDArray[np.bool_],
    expired: NDArray[np.bool_],
) -> None:
    """Resolve the interceptors ``ids[resolve]`` at their hit times ``t_hit`` (k,), in
    time order, then end those out of flight time (``expired``) as misses."""
    icp = rs.interceptors
    for j in np.flatnonzero(resolve)[np.argsort(t_hit[resolve], kind="stable")]:
        _resolve(rs, int(ids[j]), float(t_hit[j]))
    if expired.any():
        e = ids[expired]
        icp.land(e)
        false = _followed(rs, e) < 0
        for kind, sel, reason in (
            ("miss", e[~false], "out of energy"),
            ("wasted_on_false_track", e[false], "false track; out of energy"),
        ):
            if sel.size == 0:
                continue
            lat, lon, h = lla(icp.pos_ecef_m[sel])
            rs.log.add(
                kind,
                icp.max_t_s[sel],
                interceptor_id=sel,
                unit_id=icp.unit[sel],
                track_id=icp.track_id[sel],
                lat_deg=lat,
                lon_deg=lon,
                alt_m=h,
                details=[
                    {"missile": rs.built.missiles.keys[int(icp.mtype[i])], "reason": reason}
                    for i in sel
                ],
            )


def _by_picture(rs: RunState, ids: NDArray[np.int64]) -> list[tuple[Any, NDArray[np.int64]]]:
    """The interceptors ``ids`` grouped by the picture they were fired on: (picture, rows
    of ``ids``); their unit's decision picture unless its link changed since the launch
    (``RunState.fire_picture``)."""
    icp = rs.interceptors
    if not rs.former:
        units = icp.unit[ids]
        if units.min() == units.max():  # usually: one unit's interceptors in the air
            u = int(units[0])
            return [(rs.decision[u] if rs.decision else rs.pictures[u],
                     np.arange(ids.size))]  # fmt: skip
        return [(rs.decision[u] if rs.decision else rs.pictures[u],
                 np.flatnonzero(units == u)) for u in np.unique(units)]
    groups: dict[int, tuple[Any, list[int]]] = {}
    for k, i in enumerate(ids):  # a loop over the few interceptors in flight
        pic = rs.fire_picture(int(icp.unit[i]), float(icp.launch_t_s[i]))
        groups.setdefault(id(pic), (pic, []))[1].append(k)
    return [(pic, np.array(rows, np.int64)) for pic, rows in groups.values()]


def _followed(rs: RunState, ids: NDArray[np.int64]) -> NDArray[np.int64]:
    """The true object (-1: none, a false track) that the track of each interceptor
    ``ids`` follows in its unit's decision picture (scoring only)."""
    icp = rs.interceptors
    out = np.empty(ids.size, np.int64)
    for k, i in enumerate(ids):  # a loop over the few interceptors ending in a step
        pic = rs.fire_picture(int(icp.unit[i]), float(icp.launch_t_s[i]))
        out[k] = pic.truth[int(icp.track_id[i])]
    return out


def _await_look(pic: Picture, track: int, t_hit: float) -> None:
    """Kill assessment: the unit learns what its interceptor did only from its picture.
    It holds fire on ``track`` (``dead``) until a measurement updates the track after
    ``t_hit`` [s], the intercept time (``iads.c2.stage`` lifts the hold): a destroyed
    object's track is never updated again and is dropped by the tracker; a survivor's is
    updated at the next look, and the track may be engaged again."""
    pic.dead[track] = True
    pic.assess_t_s[track] = np.fmax(pic.assess_t_s[track], t_hit)


def _resolve(rs: RunState, i: int, t_hit: float) -> None:
    """End interceptor ``i`` at its aim point at ``t_hit``: lost when its track follows
    no real object; else the object the track follows is killed with the type's Pk
    against its class when it is alive, inside the terminal basket and inside the
    missile's envelope on the true geometry; else a miss."""
    b, icp = rs.built, rs.interceptors
    icp.land(i)
    aim = icp.aim_ecef_m[i]
    m = int(icp.mtype[i])
    draw = rs.rng["weapons"].random()  # drawn for every resolution, so streams stay aligned
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
    _await_look(rs.fire_picture(u, float(icp.launch_t_s[i])), int(icp.track_id[i]), t_hit)
    target = int(_followed(rs, np.array([i]))[0])
    if target < 0:
        rs.log.add(
            "wasted_on_false_track",
            t_hit,
            threat_id=-1,
            details=[{"missile": mkey, "reason": "false track"}],
            **common,
        )
        return
    # Only the followed object can be killed: its state alone (row 0).
    pos, vel, active = rs.truth.state_of([target], t_hit)
    live = active & (rs.status[target] == FLYING)
    j, killed, dist = resolve_intercept(
        aim, pos, live, b.missiles.pk[m, b.threats.klass[[target]]], draw,
        b.catalog.model.weapons.flyout.seeker_basket_m.value,
    )  # fmt: skip
    if j < 0:
        rs.log.add(
            "miss",
            t_hit,
            threat_id=target,
            details=[{"missile": mkey, "reason": "no target in basket"}],
            **common,
        )
        return
    j = target
    pk = float(b.missiles.pk[m, int(b.threats.klass[j])])
    detail = {"missile": mkey, "pk": pk, "miss_distance_m": round(dist, 1)}
    needs = b.missiles.needs_radar
    if rs.emission is not None and needs is not None and needs[m] and not rs.guiding()[u]:
        reason = "no guidance: engagement radar silent"
        rs.log.add("miss", t_hit, threat_id=j, details=[{**detail, "reason": reason}], **common)
        return
    outside = envelope_violation(
        b.missiles, m, b.units.pos_ecef_m[u], pos[0], float(np.linalg.norm(vel[0])),
        ground=b.sensing.terrain if b.sensing is not None else None,
    )
    if outside is not None:
        rs.log.add("miss", t_hit, threat_id=j, details=[{**detail, "reason": outside}], **common)
        return
    if killed:
        rs.status[j] = KILLED
        rs.log.add("intercept", t_hit, threat_id=j, details=[detail], **common)
    else:
        rs.log.add("miss", t_hit, threat_id=j, details=[{**detail, "reason": "pk draw"}], **common)
