"""The battle-management stage of the engine: for every fire unit, which of its tracks
to engage now, with which missile type and how many missiles (``iads.c2.engage``), and
the launches that follow (magazines deplete, interceptors take the air)."""

from __future__ import annotations

import numpy as np

from iads.c2.engage import plan_fire, threat_priority
from iads.engine.state import RunState, lla
from iads.weapons.flyout import MAX_FLIGHT_MARGIN

__all__ = ["battle_management"]


def battle_management(rs: RunState, t_s: float) -> None:
    """Decide and log this step's launches for every unit."""
    inflight = rs.interceptors.in_flight()
    for u in range(rs.built.units.n):
        _engage(rs, u, t_s, inflight)


def _engage(rs: RunState, u: int, t: float, inflight: np.ndarray) -> None:
    b, icp, stock = rs.built, rs.interceptors, rs.stock
    units = b.units
    pic = rs.pictures[u]
    tr = pic.tracks
    if tr.n == 0 or not tr.confirmed.any() or not np.any(stock[u] > units.reserve[u]):
        return
    mine = inflight[icp.unit[inflight] == u]
    free = int(units.fire_channels[u]) - mine.size
    if free <= 0:
        return
    ids = tr.ids
    busy = np.isin(ids, icp.track_id[mine]) if units.look[u] else np.zeros(ids.size, bool)
    ready = tr.confirmed & (t - tr.confirmed_t_s >= units.reaction_s[u])
    eligible = (
        ready
        & ~busy
        & ~pic.dead[ids]
        & (pic.shots[ids] < units.max_engagements[u])
        & (pic.truth[ids] >= 0)
    )
    if not eligible.any():
        return
    pos, vel = pic.at(t)
    prio = threat_priority(pos, vel, b.asset_ecef_m, b.asset_value)
    # First-order classification: a track carries the class of the threat it follows.
    klass = b.threats.klass[np.maximum(pic.truth[ids], 0)]
    plan = plan_fire(
        b.missiles,
        units.pos_ecef_m[u],
        pos,
        vel,
        klass,
        eligible,
        prio,
        stock[u],
        int(units.reserve[u]),
        free,
        int(units.salvo[u]),
    )
    if plan.track_index.size == 0:
        return
    rep = np.repeat(np.arange(plan.track_index.size), plan.n_shots)
    m = plan.mtype[rep]
    tids = ids[plan.track_index[rep]]
    np.subtract.at(stock[u], plan.mtype, plan.n_shots)
    pic.shots[ids[plan.track_index]] += 1
    speed = b.missiles.speed_mps[m]
    start = np.repeat(units.pos_ecef_m[u][None], rep.size, 0)
    new = icp.launch(
        t,
        np.full(rep.size, u),
        m,
        tids,
        start,
        plan.aim_ecef_m[rep],
        speed,
        MAX_FLIGHT_MARGIN * b.missiles.max_range_m[m] / speed,
    )
    lat, lon, h = lla(start)
    rs.log.add(
        "launch",
        t,
        unit_id=u,
        track_id=tids,
        interceptor_id=new,
        threat_id=pic.truth[tids],
        lat_deg=lat,
        lon_deg=lon,
        alt_m=h,
        details=[
            {"missile": b.missiles.keys[j], "tof_s": round(float(plan.tof_s[r]), 3)}
            for j, r in zip(m, rep, strict=True)
        ],
    )
