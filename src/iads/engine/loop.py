"""The time-stepped engine: one loop over time steps, each running the stages in order

    threat motion → sensing → tracking → battle management → interceptor flyout → outcome

Each stage is a function in its own package (``iads.sensors.stage``,
``iads.engine.picture``, ``iads.c2.stage``, ``iads.weapons.stage``) that reads the run
state as it was at the start of its turn and writes only its own part (the contract:
``iads.state.stage``). The loop makes a fresh ``RunState`` for every call and never writes
into ``Built``, so one ``Built`` simulated twice gives the same event log. Intercepts are
resolved at their exact time inside a step, leakers at the exact time they reach the end
of their route. Steps in which no stage has work are skipped (their results would be
empty), which changes nothing but the time spent.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from iads.c2.emcon import update_emission
from iads.c2.stage import battle_management
from iads.catalog.schema import THREAT_CLASSES
from iads.engine import _step_jit
from iads.engine.attack import arm_arrival, arm_launches, setup_attack
from iads.engine.links import next_change_s, setup_links, update_links, warhead_arrival
from iads.engine.picture import new_picture, setup_pictures, update_pictures
from iads.engine.release import release_stores, setup_releases
from iads.engine.tracklog import TrackRecorder
from iads.engine.truth_terrain import follow_terrain
from iads.sensors.radar import next_scan_t_s
from iads.sensors.rwr import rwr_warnings
from iads.sensors.stage import sense
from iads.sensors.terrain import terrain_following
from iads.state import (
    FLYING,
    LEAKED,
    NOT_LAUNCHED,
    Built,
    Emission,
    EventLog,
    RadarSchedule,
    RunState,
    Stages,
    lla,
    streams,
)
from iads.threats import Truth, fly
from iads.threats.behaviour import Reactive
from iads.threats.truth import PAD
from iads.tracking import TrackerConfig
from iads.weapons.flyout import Interceptors
from iads.weapons.stage import flyout

__all__ = ["DEFAULT_TRACKER", "STAGES", "simulate_built"]

#: The built-in stages, in the order the loop runs them.
STAGES = Stages(sense=sense, track=update_pictures, decide=battle_management, fly=flyout)

#: Tracker used by every unit (first-order: CV Kalman filter on converted measurements,
#: GNN association, 2-of-3 confirmation). Process noise 50 m²/s³ follows manoeuvring
#: aircraft and turning cruise missiles without losing them at dog-legs.
DEFAULT_TRACKER = TrackerConfig(
    motion="cv",
    process_noise=50.0,
    confirm_m=2,
    confirm_n=3,
    delete_misses=3,
    init_velocity_sigma_mps=400.0,
)


#: Run every per-step call as before (the reference of the loop's guards: links, emission,
#: ARM launches and interceptor motion called on every step, the leak check apart from
#: the flying mask); the same events either way.
LOOP_REFERENCE = False

#: Keep threats above the terrain on dense (n_t, n, 3) samples (the reference of
#: ``iads.engine.truth_terrain``, equal on every sample a flight's interpolation reads).
TERRAIN_DENSE = False


def _over_terrain(b: Built, truth: Truth) -> Truth:
    """``truth`` with every flight but ballistic missiles kept above the scenario's terrain
    (:func:`iads.sensors.terrain.terrain_following`); changed in place (the windowed path:
    ``fly`` made it for this run) or a new one (``TERRAIN_DENSE``)."""
    terrain = b.sensing.terrain if b.sensing is not None else None
    if terrain is None or not terrain.has_grid and terrain.hill_height_m.size == 0:
        return truth
    follow = b.threats.klass != THREAT_CLASSES.index("ballistic_missile")
    if TERRAIN_DENSE:  # the reference: dense samples, windowed again
        pos, vel = terrain_following(truth.pos_ecef_m, truth.vel_ecef_mps, truth.dt_s,
                                     terrain, follow)  # fmt: skip
        return truth.with_samples(pos, vel)
    return follow_terrain(truth, terrain, follow, inplace=True)  # fly made it for this run


def simulate_built(
    b: Built,
    *,
    progress: Callable[[float], None] | None = None,
    tracker: TrackerConfig = DEFAULT_TRACKER,
    stages: Stages = STAGES,
    record: TrackRecorder | None = None,
) -> tuple[EventLog, RunState]:
    """Run the loop over ``b`` (read only); returns the event log and the final run state.
    Each unit tracks with its scenario ``tracker`` settings, or ``tracker`` when it has
    none. The stages' random streams are spawned afresh from ``b.seed``. ``record``
    collects the pictures' confirmed tracks after every tracker update."""
    dt = b.scenario.settings.time_step_s
    duration = b.scenario.settings.duration_s
    h = min(1.0, dt)  # samples kept past a threat's end: a step's queries reach t + dt
    truth = _over_terrain(b, fly(b.threats.specs, duration, h, pad=PAD + math.ceil(dt / h)))
    behaviour = None
    if b.threats.reactive.any():  # reactive aircraft re-plan: their truth is a run's own
        react = np.flatnonzero(b.threats.reactive)
        fig = b.catalog.model.behaviour
        behaviour = Reactive.new(react, b.threats.specs, truth, b.threats.reactive[react] == 2,
                                 fig.reaction_s.value, fig.clear_s.value)  # fmt: skip
        truth = behaviour.truth
    rs = RunState(
        built=b,
        truth=truth,
        log=EventLog(),
        rng=streams(b.seed),
        status=np.where(truth.launch_t_s > duration, NOT_LAUNCHED, FLYING).astype(np.int8),
        stock=b.units.stock0.copy(),
        radar_schedule=RadarSchedule.new(b.radars.n),
        pictures=[new_picture(d.tracker or tracker) for d in b.scenario.defenders if d.enabled],
        interceptors=Interceptors(),
        behaviour=behaviour,
    )
    setup_pictures(rs)
    if (b.emcon is not None and not b.emcon.always_on) or b.threats.pooled.any():
        rs.emission = Emission.new(b.radars.n)
    setup_attack(rs)
    setup_links(rs)  # command posts and data links, when modelled (docs/sead.md)
    releases = setup_releases(rs)  # stores launched at a release point
    wake = np.inf
    _log_launches(rs, duration)
    n_steps = int(math.ceil(duration / dt - 1e-9))
    # What the scenario has, decided once (set up above, never changed by the run): the
    # steps skip the calls whose work would be empty (each returns at once then).
    links = rs.links is not None
    emission = b.emcon is not None and rs.emission is not None
    arms = rs.arm is not None and rs.emission is not None
    fused = _step_jit.ENABLED and releases is None and not LOOP_REFERENCE
    icp = rs.interceptors
    k = 0
    while k <= n_steps:
        t = min(k * dt, duration)
        # 1. threat motion, and leakers at their exact end times
        # (threats launched during the run, iads.engine.spawn, end like the others)
        now = truth.step_state(t, rs.status, FLYING) if fused else None
        if now is not None:  # positions, the flying mask and the leak check in one call
            pos, active, ending = now
            if ending:
                _leak_ended(rs, truth, t)
                # leaks only turn FLYING into LEAKED: masking again gives the same mask
                _step_jit.keep_flying(active, rs.status, FLYING)
        else:
            pos, _, active = truth.state_at(t, velocity=False)
            if _ending_any(rs.status, truth.end_t_s, t):
                _leak_ended(rs, truth, t)
            if releases is not None:  # carriers at their release points launch stores
                wake = release_stores(rs, releases, t)
                pos, _, active = truth.state_at(t, velocity=False)
            if _step_jit.ENABLED:
                _step_jit.keep_flying(active, rs.status, FLYING)
            else:
                active &= rs.status == FLYING
        if links or LOOP_REFERENCE:  # lost or restored command posts: units fall back
            update_links(rs, t)
        if emission or LOOP_REFERENCE:  # emission control: which radars radiate
            update_emission(rs, t)
        if arms or LOOP_REFERENCE:  # attackers fire anti-radiation missiles at what they
            arm_launches(rs, t, pos, active)  # detect of those emissions (sensed next step)
        # 2. sensing, 3. tracking, 4. battle management
        det, due = stages.sense(rs, t, pos, active)
        stages.track(rs, t, det, due)
        if record is not None and due.size:
            record.record(rs, t)
        stages.decide(rs, t)
        window = dt if k < n_steps else 0.0
        if behaviour is not None:  # reactive aircraft hear their RWR and fly (t, t + dt]
            warned, emitter = rwr_warnings(rs, pos, behaviour.idx)
            behaviour.hear(t, warned, emitter)
            behaviour.advance(min(t + window, duration), rs.status == FLYING)
        # 5. flyout: intercepts inside (t, t + dt]
        t_end = stages.fly(rs, t, window)
        woken = min(wake, next_change_s(rs, t)) if links or LOOP_REFERENCE else wake
        k_next = _next_step(rs, k, n_steps, dt, t_end, woken)
        if behaviour is not None:
            behaviour.advance(min(k_next * dt, duration), rs.status == FLYING)
            _log_switches(rs, behaviour)
        if icp.n_flying or LOOP_REFERENCE:
            moving = icp.in_flight()
            if moving.size:
                icp.advance(moving, min(k_next * dt, duration) - t)
        k = k_next
        if progress is not None:
            progress(t)
    return rs.log, rs


def _leak_ended(rs: RunState, truth: Truth, t: float) -> None:
    """End the flights of the flying threats whose end time is at or before ``t``, in
    order of their end times: leakers (or route ends) and ARM arrivals."""
    ended = np.flatnonzero((rs.status == FLYING) & (truth.end_t_s <= t))
    for i in ended[np.argsort(truth.end_t_s[ended], kind="stable")]:
        _leak(rs, int(i))
        arm_arrival(rs, int(i))  # an anti-radiation missile at its emitter


def _ending_any(status: np.ndarray, end_t_s: np.ndarray, t: float) -> bool:
    """Whether a flying threat reached its end time by ``t``."""
    if _step_jit.ENABLED:
        return bool(_step_jit.any_ending(status, end_t_s, t, FLYING))
    return bool(((status == FLYING) & (end_t_s <= t)).any())


def _log_launches(rs: RunState, duration: float) -> None:
    truth = rs.truth
    launched = np.flatnonzero(truth.launch_t_s <= duration)
    if launched.size == 0:
        return
    starts = np.empty((launched.size, 3))
    for t in np.unique(truth.launch_t_s[launched]):  # a loop over distinct launch times
        sel = truth.launch_t_s[launched] == t
        starts[sel] = truth.state_of(launched[sel], float(t))[0]
    lat, lon, h = lla(starts)
    rs.log.add(
        "threat_launch",
        truth.launch_t_s[launched],
        threat_id=launched,
        lat_deg=lat,
        lon_deg=lon,
        alt_m=h,
    )


def _log_switches(rs: RunState, behaviour: Reactive) -> None:
    """Log the reactive aircraft's evade / resume switches at their exact times, with the
    emitter they turned from (what their RWR heard)."""
    for t_s, kind, i, emitter in behaviour.drain():  # a loop over the few switches
        p, _, _ = rs.truth.state_of([i], t_s)
        lat, lon, h = lla(p[0])
        e_lat, e_lon, _ = lla(emitter)
        rs.log.add(kind, t_s, threat_id=i, lat_deg=lat, lon_deg=lon, alt_m=h, details=[
            {"evasion": "egress" if rs.built.threats.reactive[i] == 2 else "notch",
             "emitter_lat_deg": round(float(e_lat), 5),
             "emitter_lon_deg": round(float(e_lon), 5)}])  # fmt: skip


def _leak(rs: RunState, i: int) -> None:
    """Threat ``i`` reached the end of its route alive: with a target asset, a leaker and an
    impact on its asset (none for a decoy, which carries no warhead); with waypoints only,
    the end of its route (it survived)."""
    if rs.status[i] != FLYING:
        return
    rs.status[i] = LEAKED
    t_end = float(rs.truth.end_t_s[i])
    p, _, _ = rs.truth.state_of([i], t_end)
    lat, lon, h = lla(p[0])
    a = int(rs.built.threats.target_asset[i])
    if a < 0:
        rs.log.add("route_end", t_end, threat_id=i, lat_deg=lat, lon_deg=lon, alt_m=h)
        return
    rs.log.add("leak", t_end, threat_id=i, lat_deg=lat, lon_deg=lon, alt_m=h)
    if rs.built.threats.decoy[i]:
        return  # a decoy carries no warhead: it got through, it hit nothing
    rs.log.add(
        "impact",
        t_end,
        threat_id=i,
        lat_deg=lat,
        lon_deg=lon,
        alt_m=h,
        details=[{"asset": rs.built.asset_names[a]}],
    )
    warhead_arrival(rs, p[0], t_end, i, strike=True)  # command posts, radars nearby


def _next_step(
    rs: RunState, k: int, n_steps: int, dt: float, t_end: np.ndarray, wake: float = np.inf
) -> int:
    """The next step with work for some stage: a radar scan due, an interceptor ending
    within that step's window, a confirmed track whose reaction time runs out, or a
    launcher that finishes reloading.

    Each candidate set is reduced to its earliest time before the step index is taken:
    ``ceil(v / dt - 1e-9)`` never decreases as ``v`` grows (each IEEE operation rounds
    monotonically), so the step of the earliest time is the earliest step, exactly.

    The result is ``min(max(k + 1, min(candidates)), n_steps)``: as soon as one candidate
    falls at or before step ``k + 1`` the result is ``k + 1`` whatever the others are
    (a NaN candidate too leaves ``k + 1``), so the radars' scans, the usual such
    candidate, are looked at first and the rest is skipped then."""
    if k >= n_steps:
        return n_steps + 1
    b = rs.built
    t = k * dt

    def step_of(v: float) -> float:  # np.ceil(v / dt - 1e-9) on one float
        x = v / dt - 1e-9
        return float(math.ceil(x)) if math.isfinite(x) else x

    # candidates in a fixed order, each the earliest of its kind (min() as before: NaN too)
    cand: list[float] = []
    ra = b.radars
    if ra.phase_s.shape[0]:  # the earliest next scan (one compiled scan, or numpy)
        if _step_jit.ENABLED:
            t_scan = _step_jit.first_scan_t(ra.phase_s, rs.radar_schedule.n_scans_done,
                                            ra.revisit_s)  # fmt: skip
        else:
            t_scan = np.min(next_scan_t_s(ra, rs.radar_schedule))
        first = step_of(float(t_scan))
        if first <= k + 1:  # the next step has a scan due: nothing can come earlier
            return min(k + 1, n_steps)
        cand.append(first)
    if np.isfinite(wake):  # a carrier may reach its release point then
        cand.append(step_of(float(wake)))
    if t_end.size:
        cand.append(step_of(float(np.min(t_end))) - 1.0)
    reaction = b.units.reaction_s
    for u, pic in enumerate(rs.decision or rs.pictures):
        confirmed = pic.tracks.confirmed_t_s  # NaN while tentative: fmin skips it
        if confirmed.size:
            ready = float(np.fmin.reduce(confirmed, initial=np.inf)) + float(reaction[u])
            if math.isfinite(ready):
                cand.append(step_of(ready))
    if rs.magazines is not None:
        reload = rs.magazines.ready_t_s
        later = reload[(reload > t) & np.isfinite(reload)]
        if later.size:
            cand.append(step_of(float(np.min(later))))
    nxt = min(cand, default=np.inf)
    return int(min(max(k + 1, nxt), n_steps))
