"""The sensing stage of the engine: which radars look at which targets in this step, when
exactly, what they detect and report, and the detection events they log.

Scheduling (first-order):
- every radar sweeps its search volume in azimuth with period ``sweep_s`` (a rotating
  antenna's rotation, or a phased array's search frame); the beam points north at
  ``sweep_phase_s + k sweep_s`` and turns clockwise at a constant rate. A target is
  looked at when the beam passes its azimuth: at each call the stage finds, for the
  window since the radar's last call, the most recent passage over the target's azimuth
  at the step time (the target's own angular motion during one sweep is neglected), and
  evaluates the dwell at that exact time with the target's position then;
- a multifunction (phased-array) radar also runs track dwells every ``track_s`` on the
  targets its unit holds in track, confirmed tracks first, then tentative, oldest first,
  at most ``n_tracked`` of them (the rest only get the search sweep);
- false alarms: a Poisson process in time with ``fa_per_sweep`` per sweep on average
  (the ``iads.sensors.clutter`` count over the resolution cells), each at the beam's
  azimuth at its time and uniform in range and elevation (uniform in cell space),
  reported with threat id -1 and logged as ``false_alarm`` events at their measured
  position (a random cell of the search volume: at long range and high elevation it
  can lie far above any target, e.g. 220 km up at 250 km and 60 degrees).
Draws, in this fixed order per call from ``rs.rng["sensors"]``: one uniform per
radar-target dwell (detection), four normals per report (measurement noise), then for
the false alarms the exponential gaps and three uniforms each.

Spatial gate (exact, for scale): before the radar chain, dwells on targets that cannot
be visible are set aside: farther from the radar than its instrumented range, or than
the 4/3-earth horizon over the largest earth radius of curvature (with 5 % and 1 km to
spare), the target's distance and height taken at the step time and widened by its
largest speed over the run times the dwell's lag. Such a dwell would come out not
visible with Pd = 0 from the chain; it still draws its detection uniform, so the random
streams, and thus every result, are the same as without the gate (``GATE = False``),
while the chain runs on the dwells near enough to matter: in a large raid most
radar-target pairs are beyond the horizon of low drones and cruise missiles.

Compiled path (``iads.sensors._jit`` and ``_jit_step``, on unless ``_jit.ENABLED`` is
False): scheduling, the search and track dwells, the gate and the whole radar chain of
each dwell, the merge of unresolved reports, the measurement, the false alarms'
bookkeeping and the rows of the step's events run as numba kernels, a few calls a step
(`_sense_jit`), with the same draws in the same order; the numpy functions here stay
their reference, held bit-equal to them by the tests. Runs with jammers or terrain
hills take the numpy path.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.geo.horizon import K_STANDARD
from iads.geo.wgs84 import A_M, E2, MEAN_RADIUS_M
from iads.sensors import _jit, _jit_step
from iads.sensors.chain import evaluate_pairs, truth_at
from iads.sensors.geometry import target_geodetic
from iads.sensors.radar import Detections, RadarArrays, measure, merge_unresolved, scans_due
from iads.sensors.terrain_mask import N_AZ
from iads.state.events import EVENT_KINDS
from iads.state.run import FLYING, RadarSchedule, RunState
from iads.tracking.base import TrackStatus

__all__ = ["looked_at", "looked_at_tracks", "sense", "tracked_targets"]

_TWO_PI = 2.0 * np.pi
_CONFIRMED = int(TrackStatus.CONFIRMED)
#: Stand-ins for the emission arrays of a run without emission control (one type).
_NO_EM = (False, np.ones(0, np.bool_), np.zeros(0))
_EMPTY = Detections.empty(0.0)
_EMPTY_FIELDS = dict(_EMPTY.__dict__)
_NO_DUE = np.zeros(0, np.int64)
_NO_DUE.flags.writeable = False
_NO_HIT = (np.zeros(0, np.int64), np.zeros(0))
_NO_PIC = (False, np.zeros(0, np.int8), np.zeros(0, np.int64), np.zeros(0, np.int64))
_LOG_DWELLS = "dwell" in EVENT_KINDS
#: The spatial gate (see the module docstring); False runs the chain on every dwell.
GATE = True
#: Largest radius of curvature of the WGS-84 ellipsoid, a^2 / b [m] (at the poles).
_R_MAX_M = 6_399_593.626


def sense(
    rs: RunState, t_s: float, pos_ecef_m: NDArray[np.float64], active: NDArray[np.bool_]
) -> tuple[Detections, NDArray[np.int64]]:
    """Dwells of every radar due at ``t_s`` over the window since its last call; returns
    the detections (with their exact times) and the indices of the radars processed.

    ``pos_ecef_m`` (n, 3) threat positions at ``t_s``; ``active`` (n,) threats flying."""
    if _jit.ENABLED and rs.built.radars.n and _packed(rs) is not None:
        return _sense_jit(rs, t_s, pos_ecef_m, active)  # (no radar: nothing to compile)
    b = rs.built
    ra = b.radars
    sched = rs.radar_schedule
    due = scans_due(ra, sched, t_s)
    rs.track_dwells = (due[:0], due[:0])
    if rs.emission is not None and due.size:
        # A silent radar looks at nothing: its window restarts when it radiates again.
        off = due[~rs.emission.on[due]]
        sched.last_t_s[off] = t_s
        sched.next_fa_t_s[off] = np.nan
        due = due[rs.emission.on[due]]
    if due.size == 0:
        return Detections.empty(t_s), due
    win0 = sched.last_t_s[due].copy()
    if rs.emission is not None:  # a radar that just came on looks from then on only
        win0 = np.maximum(win0, rs.emission.on_since_s[due])
    sched.win0_s[due] = win0
    sched.last_t_s[due] = t_s
    act = np.flatnonzero(active)
    tr = rs.truth
    ridx, tidx, tp = _search_dwells(ra, due, win0, t_s, pos_ecef_m, act)
    r2, t2 = _track_dwells(rs, due, t_s, active)
    rs.track_dwells = (r2, t2)
    if r2.size:
        if ridx.size:  # a target in track is not searched again by the same radar
            mark = np.zeros((ra.n, pos_ecef_m.shape[0]), bool)
            mark[r2, t2] = True
            keep = ~mark[ridx, tidx]
            ridx, tidx, tp = ridx[keep], tidx[keep], tp[keep]
        ridx, tidx = np.concatenate([ridx, r2]), np.concatenate([tidx, t2])
        tp = np.concatenate([tp, np.full(r2.size, t_s)])
    rng = rs.rng["sensors"]
    parts = []
    if ridx.size:
        ok = (tr.launch_t_s[tidx] <= tp) & (tp < tr.end_t_s[tidx]) & (rs.status[tidx] == FLYING)
        ridx, tidx, tp = ridx[ok], tidx[ok], tp[ok]
    if ridx.size:
        near = _near(rs, ridx, tidx, tp, t_s, pos_ecef_m) if GATE else None
        parts.append(_detect(rs, ridx, tidx, tp, rng, near))
    fa = _false_alarms(ra, sched, due, t_s, rng)
    if fa is not None:
        parts.append(fa)
    if not parts:
        return Detections.empty(t_s), due
    det = _concat(t_s, parts)
    if det.n:
        lat, lon, h = target_geodetic(det.z_ecef_m)
        real = det.threat >= 0
        for kind, sel in (("detection", real), ("false_alarm", ~real)):
            rs.log.add(
                kind,
                det.t_meas_s[sel],
                threat_id=det.threat[sel],
                radar_id=det.radar[sel],
                unit_id=ra.unit[det.radar[sel]],
                lat_deg=np.rad2deg(lat[sel]),
                lon_deg=np.rad2deg(lon[sel]),
                alt_m=h[sel],
            )
    return det, due


def _sense_jit(
    rs: RunState, t_s: float, pos_ecef_m: NDArray[np.float64], active: NDArray[np.bool_]
) -> tuple[Detections, NDArray[np.int64]]:
    """`sense` through the compiled glue (``iads.sensors._jit_step``) and chain: the
    same draws in the same order, the same results and events bit for bit."""
    args = _step_args(rs)
    em = rs.emission
    em_args = _NO_EM if em is None else (True, em.on, em.on_since_s)
    rng = rs.rng["sensors"]
    pic_args = _NO_PIC
    if args.mfr_unit >= 0:  # one picture aims every track dwell: they are done in front
        pic = rs.pictures[args.mfr_unit]
        trk = pic.tracks
        pic_args = (True, trk.status, trk.ids, pic.truth)
    if pos_ecef_m.shape[0] != args.n_threats:
        args.buffers(pos_ecef_m.shape[0])
    b_due, b_dw, b_tp, b_trk = args.bufs
    n_due, n_dw, n_go, n2, fa_due = _jit_step.front(
        t_s, pos_ecef_m, active, *em_args, *pic_args, *args.front, b_due, b_dw, b_tp, b_trk
    )
    # (views of the run's buffers, valid until the next step's call; ``due`` is returned
    # to the other stages: a copy)
    rs.track_dwells = (b_trk[0, :n2], b_trk[1, :n2])
    if n_due == 0:
        return _empty(t_s), _NO_DUE
    due = b_due[0, :n_due].copy()
    ridx, tidx, tp = b_dw[0, :n_dw], b_dw[1, :n_dw], b_tp[:n_dw]
    if n_go and not pic_args[0]:
        go = b_due[1, :n_go]
        rr, tt = [], []
        tr = rs.truth
        for r in go.tolist():  # a loop over multifunction radars, not over targets
            pic = rs.pictures[args.unit[r]]
            trk = pic.tracks
            th, ridx, tidx, tp = _jit_step.track_dwells(
                r, args.n_tracked[r], trk.status, trk.ids, pic.truth, active, _CONFIRMED,
                ridx, tidx, tp, t_s, tr.launch_t_s, tr.end_t_s, rs.status, FLYING,
            )  # fmt: skip
            rr.append(np.full(th.size, r, np.int64))
            tt.append(th)
        rs.track_dwells = (np.concatenate(rr), np.concatenate(tt))
    det = None
    if ridx.size:  # no dwell (nothing flying in a window): no draw, nothing to evaluate
        u = rng.random(ridx.size)
        ints, floats, n_v = _jit_step.detect_step(
            ridx, tidx, tp, u, t_s, GATE, pos_ecef_m, *args.detect
        )
        if _LOG_DWELLS and n_v:
            rs.log.add_rows("dwell", floats[0, :n_v], ints[:, :n_v])
        n_rep = ints.shape[1] - n_v
        if n_rep:
            r, rg = ints[2, n_v:], floats[1, n_v:]
            noise = rng.standard_normal((n_rep, 4))
            z, cov, rrm = _jit.measure(r, rg, floats[2, n_v:], floats[3, n_v:],
                                       floats[4, n_v:], noise, *args.measure)  # fmt: skip
            det = _det(t_s, r, ints[0, n_v:], z, cov, rg, floats[0, n_v:], rrm)
    if fa_due:
        fa = _false_alarms_jit(rs, args, due, t_s, rng)
        if fa is not None:
            det = fa if det is None else _concat(t_s, [det, fa])
    if det is None:
        return _empty(t_s), due
    times, ints, floats, n_real = _jit_step.report_rows(
        det.z_ecef_m, det.threat, det.radar, det.t_meas_s, args.r_unit, A_M, E2
    )
    if n_real:
        rs.log.add_rows("detection", times[:n_real], ints[:, :n_real], floats[:, :n_real])
    if n_real < times.shape[0]:
        rs.log.add_rows("false_alarm", times[n_real:], ints[:, n_real:], floats[:, n_real:])
    return det, due


class _StepArgs:
    """The arguments of the compiled glue that stay the same over a run (the radars, the
    schedule's arrays, the truth, the packed world), gathered once (kept on the run
    state): a step passes them on without looking them up again."""

    __slots__ = ("front", "detect", "measure", "unit", "n_tracked", "mfr_unit", "fa",
                 "fa_scale", "bank", "stack", "truth", "n_threats", "bufs", "r_unit")  # fmt: skip

    def __init__(self, rs: RunState, pk: _jit.Packed) -> None:
        ra, sched, tr = rs.built.radars, rs.radar_schedule, rs.truth
        pk.ensure_masks(np.arange(ra.n))  # every radar's horizon mask, packed once
        pd = pk.pd_arrays()
        self.bank, self.stack = pk.bank, pk.bank._stack
        self.truth = _truth_key(rs)
        n_tracked = np.ascontiguousarray(ra.n_tracked, dtype=np.int64)
        self.front = (
            _front_rows(ra), sched.n_scans_done, sched.last_t_s, sched.win0_s,
            sched.next_fa_t_s, sched.last_track_t_s, ra.pos_ecef_m, ra.rot_enu, n_tracked,
            tr.launch_t_s, tr.end_t_s, rs.status, FLYING, _CONFIRMED,
        )  # fmt: skip
        self.detect = (
            _speed_bound(rs), tr.p, tr.v, tr.k0, tr.nk, tr.row0, tr.t_s, float(tr.dt_s),
            pk.pw_exp, ra.pos_ecef_m, ra.rot_enu,
            _rows(ra.max_range_m, ra.min_el_rad, ra.max_el_rad, ra.lat_rad, ra.height_m,
                  ra.beam_az_rad, ra.beam_el_rad, ra.range_res_m),
            ra.snr1_db, ra.table, pk.rcs_db, pk.rcs_band, pk.rcs_kind, pk.swerling,
            pk.has_terrain, pk.g_lat, pk.g_lon, pk.g_h, pk.g_meta, pk.m_flat, pk.m_off,
            pk.m_nr, pk.m_step, N_AZ, *pd, pk.consts, ra.unit,
        )  # fmt: skip
        self.measure = (ra.pos_ecef_m, ra.rot_enu, ra.sigma_range_m, ra.sigma_angle_rad,
                        ra.sigma_rr_mps)  # fmt: skip
        self.r_unit = ra.unit
        self.unit = ra.unit.tolist()
        self.n_tracked = n_tracked.tolist()
        mfr = np.unique(ra.unit[ra.track_s < np.inf])
        self.mfr_unit = int(mfr[0]) if mfr.size == 1 else -1
        self.fa = (
            ra.sweep_phase_s, ra.sweep_s, ra.max_range_m, ra.min_el_rad, ra.max_el_rad,
            ra.sigma_rr_mps, ra.pos_ecef_m, ra.rot_enu, ra.sigma_range_m, ra.sigma_angle_rad,
        )  # fmt: skip
        # The exponential gaps' scales of every radar (as _false_alarms, elementwise).
        self.fa_scale = ra.sweep_s / np.maximum(ra.fa_per_sweep, 1e-300)
        self.buffers(tr.launch_t_s.shape[0])

    def buffers(self, n_threats: int) -> None:
        """The buffers `_jit_step.front` writes the step's radars and dwells into, for
        ``n_threats`` threats (made once per run, again if the number of threats
        changes): due and go radars (2, radars), dwells (radar, threat) (2, c) and times
        (c,) with c = radars x threats + track dwells, track dwells (2, track dwells)."""
        n_r = len(self.unit)
        n_trk = int(sum(max(c, 0) for c in self.n_tracked))
        cap = n_r * n_threats + n_trk
        self.n_threats = n_threats
        self.bufs = (np.zeros((2, n_r), np.int64), np.zeros((2, cap), np.int64),
                     np.zeros(cap), np.zeros((2, n_trk), np.int64))  # fmt: skip


def _rows(*arrays: NDArray) -> NDArray:
    """Run-constant arrays of one length and dtype stacked as the rows of one read-only
    array (one kernel argument instead of several; read-only as the radar arrays are,
    so that the kernels they are passed on to keep their one specialization)."""
    out = np.ascontiguousarray(np.stack(arrays))
    out.flags.writeable = False
    return out


def _front_rows(ra: RadarArrays) -> NDArray[np.float64]:
    """The radars' rows `_jit_step.front` takes as one argument (5, radars): scan phase,
    revisit, sweep period, sweep phase, track dwell period [s]."""
    return _rows(ra.phase_s, ra.revisit_s, ra.sweep_s, ra.sweep_phase_s, ra.track_s)


def _truth_key(rs: RunState) -> tuple:
    """What the compiled glue's truth arguments were taken from: the truth, its sample
    rows and the status array. A threat launched during the run (``Truth.splice``)
    replaces the truth's row arrays (``p``, ``v``, ``k0``, ``nk``, ``row0`` together),
    so `_StepArgs` is remade when one of these is not the same object any more."""
    return (rs.truth, rs.truth.p, rs.status)


def _step_args(rs: RunState) -> _StepArgs:
    """The run's `_StepArgs` (made on its first step; remade if the Pd tables or the
    truth's arrays were)."""
    args = rs.__dict__.get("_sense_step_args")
    if (
        args is None
        or args.bank._stack is not args.stack
        or args.truth[0] is not rs.truth
        or args.truth[1] is not rs.truth.p
        or args.truth[2] is not rs.status
    ):
        args = _StepArgs(rs, _packed(rs))
        rs.__dict__["_sense_step_args"] = args
    return args


def _false_alarms_jit(
    rs: RunState, args: _StepArgs, due, t_s: float, rng: np.random.Generator
) -> Detections | None:
    """`_false_alarms` with its reports made by `_jit_step.fa_reports`: the same draws."""
    nf = rs.radar_schedule.next_fa_t_s  # updated in place
    new = _jit_step.fa_undrawn(due, nf)
    if new.size:  # first processing: the first false alarm after t_s
        nf[new] = t_s + rng.exponential(args.fa_scale[new])
    rows, times = [], []
    prev, gaps = _NO_HIT
    while True:  # a loop over false alarms of one step (rarely more than one)
        r, tm = _jit_step.fa_hits(due, nf, t_s, prev, gaps)
        if r.size == 0:
            break
        rows.append(r)
        times.append(tm)
        prev, gaps = r, rng.exponential(args.fa_scale[r])
    if not rows:
        return None
    if len(rows) == 1:
        r, tm = rows[0], times[0]
    else:
        r, tm = np.concatenate(rows), np.concatenate(times)
    n_fa = r.size
    u = rng.random((3, n_fa))
    rg, z, cov, rrm = _jit_step.fa_reports(r, tm, u, *args.fa)
    return _det(t_s, r, np.full(n_fa, -1, np.int64), z, cov, rg, tm, rrm)


def _empty(t_s: float) -> Detections:
    """``Detections.empty(t_s)`` (the same shared zero-size columns) without the frozen
    dataclass's ``__init__`` (about 2 us, every step without a report)."""
    d = object.__new__(Detections)
    f = d.__dict__
    f.update(_EMPTY_FIELDS)
    f["t_s"] = t_s
    return d


def _det(t_s, radar, threat, z, cov, rg, tm, rrm) -> Detections:
    """``Detections(t_s, radar, threat, z, cov, rg, tm, rrm)`` with every field given
    (so nothing for ``__post_init__`` to fill) without the frozen dataclass's
    ``__init__``: the compiled path's reports."""
    d = object.__new__(Detections)
    f = d.__dict__
    f["t_s"], f["radar"], f["threat"], f["z_ecef_m"] = t_s, radar, threat, z
    f["r_ecef_m2"], f["range_m"], f["t_meas_s"], f["range_rate_mps"] = cov, rg, tm, rrm
    return d


def _search_dwells(ra: RadarArrays, due, win0, t_s, pos, act):
    """(radar, threat, time) of the beam passages over the active threats in each due
    radar's window (win0, t_s]."""
    if act.size == 0:
        z = np.empty(0, np.int64)
        return z, z, np.empty(0)
    d = pos[act][None, :, :] - ra.pos_ecef_m[due][:, None, :]  # (w, m, 3)
    en = np.einsum("wij,wmj->iwm", ra.rot_enu[due, :2], d)  # east, north (2, w, m)
    az = np.arctan2(en[0], en[1])
    omega = _TWO_PI / ra.sweep_s[due]
    beam = omega * (t_s - ra.sweep_phase_s[due])
    lag = np.mod(beam[:, None] - az, _TWO_PI) / omega[:, None]
    tp = t_s - lag
    w, m = np.nonzero(tp > win0[:, None])
    return due[w], act[m], tp[w, m]


def looked_at(
    ra: RadarArrays,
    sched: RadarSchedule,
    radars: NDArray[np.int64],
    t_s: float,
    pos_ecef_m: NDArray[np.float64],
) -> NDArray[np.bool_]:
    """Which of the points ``pos_ecef_m`` (m, 3) (track estimates) the radars ``radars``
    (processed at ``t_s``) looked at in their last window: inside the instrumented range
    and the 4/3-earth horizon, and either swept by the search beam in the window or
    covered by the track dwells the radar ran at ``t_s``. A tracker counts a missed
    update only for such tracks. Shape (m,)."""
    m = pos_ecef_m.shape[0]
    if radars.size == 0 or m == 0:
        return np.zeros(m, bool)
    if _jit.ENABLED:
        return _jit.looked_at(radars, np.ascontiguousarray(pos_ecef_m, dtype=np.float64),
                              ra.pos_ecef_m, ra.rot_enu, ra.height_m, ra.max_range_m,
                              ra.sweep_s, ra.sweep_phase_s, ra.track_s, sched.win0_s,
                              sched.last_track_t_s, float(t_s), MEAN_RADIUS_M,
                              2.0 * K_STANDARD * MEAN_RADIUS_M)  # fmt: skip
    d = pos_ecef_m[None, :, :] - ra.pos_ecef_m[radars][:, None, :]  # (w, m, 3)
    enu = np.einsum("wij,wmj->wmi", ra.rot_enu[radars], d)
    rng_m = np.linalg.norm(enu, axis=-1)
    r_e = MEAN_RADIUS_M
    base = r_e + ra.height_m[radars, None]
    h_t = np.sqrt(enu[..., 0] ** 2 + enu[..., 1] ** 2 + (base + enu[..., 2]) ** 2) - r_e
    # 4/3-earth radar horizon (Skolnik, Introduction to Radar Systems, 3rd ed., §8.4).
    k_r = 2.0 * K_STANDARD * r_e
    horizon = np.sqrt(k_r * np.maximum(ra.height_m[radars, None], 0.0)) + np.sqrt(
        k_r * np.maximum(h_t, 0.0))
    inside = (rng_m <= ra.max_range_m[radars, None]) & (rng_m <= horizon)
    az = np.arctan2(enu[..., 0], enu[..., 1])
    omega = _TWO_PI / ra.sweep_s[radars]
    beam = omega * (t_s - ra.sweep_phase_s[radars])
    lag = np.mod(beam[:, None] - az, _TWO_PI) / omega[:, None]
    swept = (t_s - lag > sched.win0_s[radars, None]) | (
        ra.sweep_s[radars, None] <= t_s - sched.win0_s[radars, None])
    tracked = (ra.track_s[radars] < np.inf) & (sched.last_track_t_s[radars] == t_s)
    return np.any(inside & (swept | tracked[:, None]), axis=0)


def looked_at_tracks(
    rs: RunState,
    radars: NDArray[np.int64],
    t_s: float,
    x: NDArray[np.float64],
    t_trk_s: NDArray[np.float64],
) -> NDArray[np.bool_]:
    """`looked_at` of the tracks with states ``x`` (m, d) (position [m] then velocity
    [m/s] first) at times ``t_trk_s`` (m,) [s], moved on to ``t_s`` at their velocity
    (the positions of ``Picture.at(t_s)``), by the radars ``radars`` of the run. One
    compiled call when ``_jit.ENABLED`` and the arrays are contiguous; else the numpy
    extrapolation and `looked_at` (the same bits). Shape (m,)."""
    m = x.shape[0]
    if not _jit.ENABLED or radars.size == 0 or m == 0 or not (
        x.flags.c_contiguous and t_trk_s.flags.c_contiguous
    ):
        at = x[:, :3] + x[:, 3:6] * (t_s - t_trk_s)[:, None]
        return looked_at(rs.built.radars, rs.radar_schedule, radars, t_s, at)
    ra, sched = rs.built.radars, rs.radar_schedule
    cached = rs.__dict__.get("_looked_at_args")
    if cached is None or cached[0] is not ra or cached[1] is not sched:
        cached = (ra, sched, (ra.pos_ecef_m, ra.rot_enu, ra.height_m, ra.max_range_m,
                              ra.sweep_s, ra.sweep_phase_s, ra.track_s, sched.win0_s,
                              sched.last_track_t_s))  # fmt: skip
        rs.__dict__["_looked_at_args"] = cached
    return _jit_step.looked_at_tracks(radars, x, t_trk_s, float(t_s), *cached[2], MEAN_RADIUS_M,
                                      _K_R)  # fmt: skip


_K_R = 2.0 * K_STANDARD * MEAN_RADIUS_M


def tracked_targets(rs: RunState, u: int, active: NDArray[np.bool_], cap: int) -> NDArray:
    """The threats (at most ``cap``) that unit ``u`` holds in track and that get track
    dwells: confirmed tracks first, then tentative ones, oldest track first. The dwell is
    pointed with the track; that it falls on its threat (the picture's bookkeeping) is the
    first-order part."""
    pic = rs.pictures[u]
    tr = pic.tracks
    if tr.n == 0 or cap <= 0:
        return np.empty(0, np.int64)
    # Tracks are kept in id order: a stable sort on the status keeps the oldest first.
    order = np.argsort(tr.status != TrackStatus.CONFIRMED, kind="stable")
    th = pic.truth[tr.ids[order]]
    th = th[th >= 0]
    th = th[active[th]]
    _, first = np.unique(th, return_index=True)
    return th[np.sort(first)][:cap]


def _track_dwells(rs: RunState, due, t_s, active):
    ra, sched = rs.built.radars, rs.radar_schedule
    last = sched.last_track_t_s
    go = due[(ra.track_s[due] < np.inf) & (t_s - last[due] >= ra.track_s[due] - 1e-9)]
    rr, tt = [], []
    for r in go:  # a loop over multifunction radars, not over targets
        last[r] = t_s
        th = tracked_targets(rs, int(ra.unit[r]), active, int(ra.n_tracked[r]))
        rr.append(np.full(th.size, r, np.int64))
        tt.append(th)
    if not rr:
        z = np.empty(0, np.int64)
        return z, z
    return np.concatenate(rr), np.concatenate(tt)


def _speed_bound(rs: RunState) -> NDArray[np.float64]:
    """(n,) bound on each threat's speed over the run [m/s]: its largest sampled speed,
    10 % and 50 m/s to spare for the interpolation between samples (computed once)."""
    if rs.speed_bound_mps is None:
        rs.speed_bound_mps = 1.1 * rs.truth.speed_max_mps() + 50.0
    return rs.speed_bound_mps


def _near(rs: RunState, ridx, tidx, tp, t_s: float, pos_ecef_m) -> NDArray[np.bool_] | None:
    """(p,) the dwells that may be visible (see the module docstring), or None if all."""
    ra = rs.built.radars
    move = _speed_bound(rs)[tidx] * np.abs(t_s - tp)  # how far the target can be [m]
    d = pos_ecef_m[tidx] - ra.pos_ecef_m[ridx]
    rng_m = np.sqrt(np.einsum("pj,pj->p", d, d))
    h_t = target_geodetic(pos_ecef_m[tidx])[2] + move
    k_r = 2.0 * K_STANDARD * _R_MAX_M
    h_r = np.maximum(ra.height_m[ridx], 0.0)
    h_t = np.maximum(h_t, 0.0)
    # Horizon over a sphere of radius R: sqrt(2 R h + h^2) from each end (Skolnik §8.4).
    horizon = np.sqrt(k_r * h_r + h_r * h_r) + np.sqrt(k_r * h_t + h_t * h_t)
    reach = np.minimum(ra.max_range_m[ridx], 1.05 * horizon + h_r + h_t + 1_000.0)
    near = rng_m <= reach + move
    return None if near.all() else near



def _merge_reports(ra: RadarArrays, r, t, tm, rg, az, el, snr, rr):
    """Detections of unresolved targets (``merge_unresolved``) merged into one report at
    their group's centroid (range, elevation, range rate averaged; azimuth averaged as
    offsets from the kept member, so no wrap). Arrays (k,) in, (k',) out, k' <= k."""
    group, keep = merge_unresolved(ra, r, rg, az, el, snr)
    if keep.size < r.size:
        cnt = np.bincount(group)
        rg = np.bincount(group, rg) / cnt
        el = np.bincount(group, el) / cnt
        ref = az[keep][group]
        az = az[keep] + np.bincount(group, np.mod(az - ref + np.pi, _TWO_PI) - np.pi) / cnt
        rr = np.bincount(group, rr) / cnt
        r, t, tm = r[keep], t[keep], tm[keep]
    return r, t, tm, rg, az, el, rr

def _detect(rs: RunState, ridx, tidx, tp, rng: np.random.Generator, near=None) -> Detections:
    b = rs.built
    ra = b.radars
    n_dwells, t_last = ridx.size, float(tp.max())
    if near is not None:  # the gate: the chain on the near dwells only, same draws
        at = np.flatnonzero(near)
        ridx, tidx, tp = ridx[at], tidx[at], tp[at]
    pos, vel = truth_at(rs.truth, tidx, tp)
    res = evaluate_pairs(ra, b.sensing, ridx, tidx, pos, vel)
    if _LOG_DWELLS and res.visible.any():
        v = res.visible
        rs.log.add("dwell", tp[v], threat_id=tidx[v], radar_id=ridx[v], unit_id=ra.unit[ridx[v]])
    u = rng.random(n_dwells)
    hit = (u if near is None else u[at]) < res.pd
    h = np.flatnonzero(hit)
    if h.size == 0:
        return Detections.empty(t_last)
    r, t, tm = ridx[h], tidx[h], tp[h]
    rg, az, el, snr = res.range_m[h], res.az_rad[h], res.el_rad[h], res.snr_db[h]
    los = res.enu[h] / rg[:, None]
    rr = np.einsum("kij,kj,ki->k", ra.rot_enu[r], vel[h], los)  # radial velocity
    r, t, tm, rg, az, el, rr = _merge_reports(ra, r, t, tm, rg, az, el, snr, rr)
    noise = rng.standard_normal((r.size, 4))
    z, cov, rrm = measure(ra, r, rg, az, el, rr, noise)
    return Detections(float(tm.max()), r, t, z, cov, rg, tm, rrm)


def _packed(rs: RunState) -> _jit.Packed | None:
    """The run's sensing world packed for the compiled chain (made on first use and kept
    on the world), or None when the chain is not compiled for it (jammers, hills)."""
    world = rs.built.sensing
    pk = world.__dict__.get("_jit_packed", False)
    if pk is False:
        pk = _jit.Packed(world, rs.built.radars) if _jit.supported(world) else None
        world.__dict__["_jit_packed"] = pk
    return pk


def _false_alarms(ra: RadarArrays, sched: RadarSchedule, due, t_s, rng: np.random.Generator):
    """False alarms of the due radars up to ``t_s``: a Poisson process in time of rate
    ``fa_per_sweep / sweep_s`` per radar (exponential gaps), each at the beam's azimuth
    at its time, uniform in range and elevation."""
    nf = sched.next_fa_t_s[due]
    scale = ra.sweep_s[due] / np.maximum(ra.fa_per_sweep[due], 1e-300)
    new = np.isnan(nf)
    if new.any():  # first processing: the first false alarm after t_s
        nf[new] = t_s + rng.exponential(scale[new])
    hit = nf <= t_s
    if not hit.any():
        sched.next_fa_t_s[due] = nf
        return None
    rows, times = [], []
    while hit.any():  # a loop over false alarms of one step (rarely more than one)
        rows.append(due[hit])
        times.append(nf[hit])
        nf[hit] += rng.exponential(scale[hit])
        hit = nf <= t_s
    sched.next_fa_t_s[due] = nf
    r, tm = np.concatenate(rows), np.concatenate(times)
    n_fa = r.size
    u = rng.random((3, n_fa))
    az = np.mod(_TWO_PI * (tm - ra.sweep_phase_s[r]) / ra.sweep_s[r], _TWO_PI)
    az = np.where(az > np.pi, az - _TWO_PI, az)
    rg = u[0] * ra.max_range_m[r]
    el = ra.min_el_rad[r] + u[1] * (ra.max_el_rad[r] - ra.min_el_rad[r])
    rr_true = np.where(np.isnan(ra.sigma_rr_mps[r]), np.nan, (u[2] - 0.5) * 2000.0)
    z, cov, rrm = measure(ra, r, rg, az, el, rr_true, np.zeros((n_fa, 4)))
    return Detections(t_s, r, np.full(n_fa, -1, np.int64), z, cov, rg, tm, rrm)


def _concat(t_s: float, parts: list[Detections]) -> Detections:
    if len(parts) == 1:
        d = parts[0]
        return Detections(t_s, d.radar, d.threat, d.z_ecef_m, d.r_ecef_m2, d.range_m,
                          d.t_meas_s, d.range_rate_mps)  # fmt: skip
    cat = np.concatenate
    return Detections(
        t_s,
        cat([p.radar for p in parts]),
        cat([p.threat for p in parts]),
        cat([p.z_ecef_m for p in parts]),
        cat([p.r_ecef_m2 for p in parts]),
        cat([p.range_m for p in parts]),
        cat([p.t_meas_s for p in parts]),
        cat([p.range_rate_mps for p in parts]),
    )
