"""The time-stepped engine: one loop over time steps, each running the stages in order

    threat motion → sensing → tracking → battle management → interceptor flyout → outcome

Each stage reads the world as it was at the start of its turn and returns what it
produced; the loop only wires them together and records events. Intercepts are resolved at
their exact time inside a step (see ``iads.weapons.flyout``), leakers at the exact time
they reach the end of their route.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.c2.engage import plan_fire, threat_priority
from iads.engine.build import Built
from iads.engine.events import EventLog
from iads.geo import ecef_to_geodetic_rad
from iads.sensors.radar import Detections, scan, scans_due
from iads.threats import Truth, fly
from iads.tracking import TrackerConfig, empty_tracks, tracker_step
from iads.weapons.flyout import MAX_FLIGHT_MARGIN, SEEKER_BASKET_M, Interceptors

__all__ = ["FLYING", "KILLED", "LEAKED", "NOT_LAUNCHED", "simulate_built"]

# Threat status codes (per threat, int8)
FLYING, KILLED, LEAKED, NOT_LAUNCHED = 0, 1, 2, 3

#: Tracker used by every unit (first-order: CV Kalman filter on converted measurements,
#: GNN association, 2-of-3 confirmation). Process noise 50 m²/s³ follows manoeuvring
#: aircraft and turning cruise missiles without losing them at dog-legs.
DEFAULT_TRACKER = TrackerConfig(motion="cv", process_noise=50.0, confirm_m=2, confirm_n=3,
                                delete_misses=3, init_velocity_sigma_mps=400.0)


def _lla(ecef: NDArray[np.float64]) -> tuple[NDArray, NDArray, NDArray]:
    lat, lon, h = ecef_to_geodetic_rad(ecef[..., 0], ecef[..., 1], ecef[..., 2])
    return np.rad2deg(lat), np.rad2deg(lon), h


@dataclass
class _UnitTracks:
    """Tracking and engagement bookkeeping of one fire unit."""

    tracks: object
    truth: NDArray[np.int64]          # track id -> threat index of its last measurement
    shots: NDArray[np.int64]          # track id -> engagements so far
    dead: NDArray[np.bool_]           # track id -> killed (kill assessment after a look)

    def ensure(self, next_id: int) -> None:
        if next_id > self.truth.size:
            n = max(2 * self.truth.size, next_id)
            for name, fill in (("truth", -1), ("shots", 0), ("dead", False)):
                old = getattr(self, name)
                new = np.full(n, fill, dtype=old.dtype)
                new[: old.size] = old
                setattr(self, name, new)


def simulate_built(
    b: Built,
    *,
    progress: Callable[[float], None] | None = None,
    tracker: TrackerConfig = DEFAULT_TRACKER,
) -> tuple[EventLog, Truth, dict]:
    """Run the loop over ``b``; returns the event log, the truth and the final state
    (status per threat, missiles left per unit and type)."""
    st = b.scenario.settings
    dt = st.time_step_s
    duration = st.duration_s
    th = b.threats
    truth = fly(th.specs, duration, min(1.0, dt))
    log = EventLog()
    n = th.n
    status = np.full(n, FLYING, dtype=np.int8)
    status[truth.launch_t_s > duration] = NOT_LAUNCHED
    launched = np.flatnonzero(truth.launch_t_s <= duration)
    if launched.size:
        p0, _, _ = truth.state_at(0.0)
        starts = np.stack([truth.state_at(t)[0][i] for i, t in
                           zip(launched, truth.launch_t_s[launched], strict=True)]) \
            if launched.size < 2000 else p0[launched]
        lat, lon, h = _lla(starts)
        log.add("threat_launch", truth.launch_t_s[launched], threat_id=launched,
                lat_deg=lat, lon_deg=lon, alt_m=h)
    end_order = np.argsort(truth.end_t_s, kind="stable")
    end_ptr = 0

    units = b.units
    stock = units.stock0.copy()
    ut = [_UnitTracks(empty_tracks(tracker), np.full(64, -1, np.int64),
                      np.zeros(64, np.int64), np.zeros(64, bool)) for _ in range(units.n)]
    icp = Interceptors()
    rng_s, rng_w = b.rng["sensors"], b.rng["weapons"]

    n_steps = int(math.ceil(duration / dt - 1e-9))
    t_prev = -np.inf
    for k in range(n_steps + 1):
        t = min(k * dt, duration)
        # 1. threat motion and leakers (exact end times)
        pos, vel, active = truth.state_at(t)
        active &= status == FLYING
        while end_ptr < n and truth.end_t_s[end_order[end_ptr]] <= t:
            i = end_order[end_ptr]
            end_ptr += 1
            if status[i] == FLYING and truth.end_t_s[i] > t_prev - 1e-9:
                _leak(log, truth, th, b, i, status)
        active &= status == FLYING
        # 2. sensing
        due = scans_due(b.radars, t)
        det = scan(b.radars, due, t, pos, th.rcs_m2, th.swerling, active, b.ref_snr_db, rng_s)
        if det.n:
            lat, lon, h = _lla(det.z_ecef_m)
            log.add("detection", t, threat_id=det.threat, radar_id=det.radar,
                    unit_id=b.radars.unit[det.radar], lat_deg=lat, lon_deg=lon, alt_m=h)
        # 3. tracking, per unit on its own radars
        scanned_units = np.unique(b.radars.unit[due]) if due.size else due
        for u in scanned_units:
            _track(u, t, det, ut[u], tracker, b, log)
        # 4. battle management
        inflight = icp.in_flight()
        for u in range(units.n):
            _engage(u, t, ut[u], b, stock, icp, inflight, log)
        # 5. interceptor flyout and intercepts inside (t, t + dt]
        step = dt if k < n_steps else 0.0
        _flyout(t, step, icp, ut, truth, th, b, status, log, rng_w)
        t_prev = t
        if progress is not None:
            progress(t)
    return log, truth, {"status": status, "stock": stock, "interceptors": icp}


def _leak(log: EventLog, truth: Truth, th, b: Built, i: int, status: NDArray) -> None:
    status[i] = LEAKED
    t_end = float(truth.end_t_s[i])
    p, _, _ = truth.state_at(t_end - 1e-6)
    lat, lon, h = _lla(p[i])
    a = int(th.target_asset[i])
    log.add("leak", t_end, threat_id=i, lat_deg=lat, lon_deg=lon, alt_m=h)
    if a >= 0:
        log.add("impact", t_end, threat_id=i, lat_deg=lat, lon_deg=lon, alt_m=h,
                details=[{"asset": b.asset_names[a]}])


def _track(u: int, t: float, det: Detections, ut: _UnitTracks, cfg: TrackerConfig, b: Built,
           log: EventLog) -> None:
    mine = np.flatnonzero(b.radars.unit[det.radar] == u) if det.n else np.empty(0, np.int64)
    ut.tracks, ev = tracker_step(ut.tracks, cfg, t, det.z_ecef_m[mine], det.r_ecef_m2[mine],
                                 sensor_id=det.radar[mine])
    ut.ensure(ut.tracks.next_id)
    if ev.assoc_track_ids.size:
        ut.truth[ev.assoc_track_ids] = det.threat[mine][ev.assoc_meas_index]
    for kind, ids in (("track_start", ev.initiated_ids), ("track_confirmed", ev.confirmed_ids),
                      ("track_deleted", ev.deleted_ids)):
        if ids.size:
            log.add(kind, t, track_id=ids, unit_id=u, threat_id=ut.truth[ids])


def _engage(u: int, t: float, ut: _UnitTracks, b: Built, stock: NDArray, icp: Interceptors,
            inflight: NDArray, log: EventLog) -> None:
    units = b.units
    tr = ut.tracks
    if tr.n == 0 or not np.any(stock[u] > units.reserve[u]):
        return
    mine = inflight[icp.unit[inflight] == u]
    free = int(units.fire_channels[u]) - mine.size
    if free <= 0:
        return
    ids = tr.ids
    busy = np.isin(ids, icp.track_id[mine]) if units.look[u] else np.zeros(ids.size, bool)
    ready = tr.confirmed & (t - tr.confirmed_t_s >= units.reaction_s[u])
    eligible = ready & ~busy & ~ut.dead[ids] & (ut.shots[ids] < units.max_engagements[u]) \
        & (ut.truth[ids] >= 0)
    if not eligible.any():
        return
    pos, vel = tr.position, tr.velocity
    prio = threat_priority(pos, vel, b.asset_ecef_m, b.asset_value)
    klass = b.threats.klass[np.maximum(ut.truth[ids], 0)]
    plan = plan_fire(b.missiles, units.pos_ecef_m[u], pos, vel, klass, eligible, prio,
                     stock[u], int(units.reserve[u]), free, int(units.salvo[u]))
    if plan.track_index.size == 0:
        return
    rep = np.repeat(np.arange(plan.track_index.size), plan.n_shots)
    m = plan.mtype[rep]
    tids = ids[plan.track_index[rep]]
    np.subtract.at(stock[u], plan.mtype, plan.n_shots)
    ut.shots[ids[plan.track_index]] += 1
    speed = b.missiles.speed_mps[m]
    new = icp.launch(t, np.full(rep.size, u), m, tids, np.repeat(units.pos_ecef_m[u][None], rep.size, 0),
                     plan.aim_ecef_m[rep], speed,
                     MAX_FLIGHT_MARGIN * b.missiles.max_range_m[m] / speed)
    lat, lon, h = _lla(np.repeat(units.pos_ecef_m[u][None], rep.size, 0))
    log.add("launch", t, unit_id=u, track_id=tids, interceptor_id=new,
            threat_id=ut.truth[tids], lat_deg=lat, lon_deg=lon, alt_m=h,
            details=[{"missile": b.missiles.keys[j], "tof_s": round(float(plan.tof_s[r]), 3)}
                     for j, r in zip(m, rep, strict=True)])


def _flyout(t: float, dt: float, icp: Interceptors, ut: list[_UnitTracks], truth: Truth, th,
            b: Built, status: NDArray, log: EventLog, rng: np.random.Generator) -> None:
    ids = icp.in_flight()
    if ids.size == 0:
        return
    tpos = np.full((ids.size, 3), np.nan)
    tvel = np.zeros((ids.size, 3))
    has = np.zeros(ids.size, bool)
    for u in np.unique(icp.unit[ids]):
        sel = np.flatnonzero(icp.unit[ids] == u)
        tr = ut[u].tracks
        row = {int(tid): r for r, tid in enumerate(tr.ids)}
        rows = np.array([row.get(int(x), -1) for x in icp.track_id[ids[sel]]], dtype=np.int64)
        ok = rows >= 0
        has[sel[ok]] = True
        tpos[sel[ok]] = tr.position[rows[ok]]
        tvel[sel[ok]] = tr.velocity[rows[ok]]
    tpos = np.where(has[:, None], tpos, icp.aim_ecef_m[ids])
    tgo = icp.guide(ids, tpos, tvel, has)
    t_hit = t + tgo
    resolve = (tgo <= dt) & (t_hit <= icp.max_t_s[ids])
    expired = ~resolve & (t + dt > icp.max_t_s[ids])
    for j in np.flatnonzero(resolve)[np.argsort(t_hit[resolve], kind="stable")]:
        _resolve(int(ids[j]), float(t_hit[j]), icp, ut, truth, th, b, status, log, rng)
    if expired.any():
        e = ids[expired]
        icp.flying[e] = False
        lat, lon, h = _lla(icp.pos_ecef_m[e])
        log.add("miss", icp.max_t_s[e], interceptor_id=e, unit_id=icp.unit[e],
                track_id=icp.track_id[e], lat_deg=lat, lon_deg=lon, alt_m=h,
                details=[{"reason": "out of energy"}] * e.size)
    icp.advance(ids[~resolve & ~expired], dt)


def _resolve(i: int, t_hit: float, icp: Interceptors, ut: list[_UnitTracks], truth: Truth, th,
             b: Built, status: NDArray, log: EventLog, rng: np.random.Generator) -> None:
    """End interceptor ``i`` at its aim point at ``t_hit``: kill the nearest live threat
    inside the terminal basket with the type's Pk against its class, else miss."""
    icp.flying[i] = False
    aim = icp.aim_ecef_m[i]
    pos, _, active = truth.state_at(t_hit)
    live = active & (status == FLYING)
    dist = np.where(live, np.linalg.norm(pos - aim, axis=-1), np.inf)
    j = int(np.argmin(dist)) if dist.size else -1
    u = int(icp.unit[i])
    lat, lon, h = _lla(aim)
    common = dict(interceptor_id=i, unit_id=u, track_id=int(icp.track_id[i]),
                  lat_deg=lat, lon_deg=lon, alt_m=h)
    mkey = b.missiles.keys[int(icp.mtype[i])]
    draw = rng.random()   # drawn for every resolution, so streams stay aligned
    if j < 0 or not np.isfinite(dist[j]) or dist[j] > SEEKER_BASKET_M:
        log.add("miss", t_hit, threat_id=-1, details=[{"missile": mkey, "reason": "no target in basket"}],
                **common)
        return
    pk = float(b.missiles.pk[int(icp.mtype[i]), int(th.klass[j])])
    detail = {"missile": mkey, "pk": pk, "miss_distance_m": round(float(dist[j]), 1)}
    if draw < pk:
        status[j] = KILLED
        ut[u].dead[int(icp.track_id[i])] = True
        log.add("intercept", t_hit, threat_id=j, details=[detail], **common)
    else:
        log.add("miss", t_hit, threat_id=j, details=[{**detail, "reason": "pk draw"}], **common)
