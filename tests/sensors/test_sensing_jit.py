"""The compiled sensing kernels (iads.sensors._jit) against their numpy references: the
same outputs bit for bit, kernel by kernel on random geometry and on the built default
scenario (terrain, horizon masks, Pd tables), and a whole run giving the same event log.

Bit equality holds where numpy's transcendental functions are glibc's (every x86-64
machine without AVX-512, where numpy dispatches its own SIMD versions) and its small
matrix products OpenBLAS's FMA kernels; elsewhere the kernels agree to rounding and
these tests fall back to a relative tolerance of 1e-12 (``_EXACT`` says which)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

import iads.sensors.stage as stage
from iads.engine import build, simulate
from iads.geo import enu_rotation_rad
from iads.geo.wgs84 import A_M, E2
from iads.scenario import load_scenario
from iads.sensors import _jit, _jit_step
from iads.sensors.chain import _HERMITE, evaluate_pairs, truth_at
from iads.sensors.geometry import target_geodetic
from iads.sensors.radar import measure, merge_unresolved, scans_due
from iads.state.run import FLYING
from iads.threats import Truth, fly


def _platform_exact() -> bool:
    """numpy's libm functions and its 1x4 @ 4x4 and 2x4 @ 4x4 products are those the
    kernels reproduce (so equality must be exact)."""
    x = np.linspace(-3.0, 3.0, 4001)
    y = _jit.geodetic(np.stack([x * 1e6 + 4e6, x * 2e5, x * 3e6], -1), A_M, E2)
    ref = target_geodetic(np.stack([x * 1e6 + 4e6, x * 2e5, x * 3e6], -1))
    tau = np.array([0.1234567, 0.7654321])
    pw = tau[:, None] ** np.arange(4.0)
    ok_blas = np.array_equal(
        np.array([_jit._hermite_weights(t, np.array([2.0, 3.0]), False)[:4] for t in tau]),
        pw @ _HERMITE,
    )
    return all(np.array_equal(a, b) for a, b in zip(y, ref, strict=True)) and ok_blas


_EXACT = _platform_exact()


def _same(a, b) -> None:
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype
    if _EXACT or a.dtype.kind != "f":
        assert np.array_equal(a, b, equal_nan=True)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-9)


def _same_events(ea, eb, at_least: int) -> None:
    """Two event tables equal column by column (floats through `_same`), with more than
    ``at_least`` rows."""
    assert ea.num_rows == eb.num_rows and ea.num_rows > at_least
    for c in ea.column_names:
        x, y = ea.column(c).to_numpy(), eb.column(c).to_numpy()
        if x.dtype.kind == "f":
            _same(y, x)
        else:
            assert list(x) == list(y), c


def _freeze(ra):
    """The radar arrays read-only, as a built run's are (so that the kernels are compiled
    once for the tests and the runs: numba specialises on the flag)."""
    for v in vars(ra).values():
        if isinstance(v, np.ndarray):
            v.flags.writeable = False
    return ra


def _radars(rng, n):
    lat, lon = rng.uniform(-1.3, 1.3, n), rng.uniform(-3.0, 3.0, n)
    h = rng.uniform(0.0, 2000.0, n)
    pos = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1)
    return SimpleNamespace(
        pos_ecef_m=pos * (6.371e6 + h)[:, None], rot_enu=enu_rotation_rad(lat, lon),
        sweep_s=rng.uniform(2.0, 12.0, n), sweep_phase_s=rng.uniform(0.0, 10.0, n),
        sigma_range_m=rng.uniform(5.0, 200.0, n), sigma_angle_rad=rng.uniform(1e-4, 1e-2, n),
        sigma_rr_mps=np.where(rng.random(n) < 0.3, np.nan, rng.uniform(0.5, 5.0, n)),
    )  # fmt: skip


@pytest.mark.parametrize("due", [[4], [0, 2, 3, 6]])
def test_search_dwells_equal_the_reference(due) -> None:
    rng = np.random.default_rng(len(due))
    ra = _radars(rng, 7)
    due = np.array(due)
    launch, end = rng.uniform(0.0, 95.0, 300), rng.uniform(95.0, 200.0, 300)
    status = rng.choice(np.array([FLYING, FLYING, FLYING + 1], np.int8), 300)
    n = 0
    for _ in range(20):
        pos = ra.pos_ecef_m[rng.integers(0, 7, 300)] + rng.normal(0.0, 2e5, (300, 3))
        win0 = 100.0 - rng.uniform(0.5, 12.0, due.size)
        act = np.sort(rng.choice(300, 250, replace=False))
        ref = stage._search_dwells(ra, due, win0, 100.0, pos, act)
        ok = (launch[ref[1]] <= ref[2]) & (ref[2] < end[ref[1]]) & (status[ref[1]] == FLYING)
        got = _jit.search_dwells(due, win0, 100.0, pos, act, ra.pos_ecef_m, ra.rot_enu,
                                 ra.sweep_s, ra.sweep_phase_s, launch, end, status, FLYING)
        for a, b in zip(got, ref, strict=True):
            _same(a, b[ok])
        n += int(ok.sum())
    assert n > 500


def test_scans_due_and_looked_at_equal_the_reference() -> None:
    rng = np.random.default_rng(4)
    n = 9
    ra = _radars(rng, n)
    ra.phase_s, ra.revisit_s = rng.uniform(0.0, 5.0, n), rng.uniform(1.0, 5.0, n)
    ra.height_m = rng.uniform(0.0, 50.0, n)
    ra.max_range_m = rng.uniform(1e5, 4e5, n)
    ra.track_s = np.where(rng.random(n) < 0.5, np.inf, 1.0)
    _freeze(ra)
    s1 = SimpleNamespace(n_scans_done=rng.integers(0, 20, n))
    s2 = SimpleNamespace(n_scans_done=s1.n_scans_done.copy())
    for t in (3.0, 17.5, 40.0, 40.0, 52.25):
        _same(_jit.scans_due(ra.phase_s, ra.revisit_s, s1.n_scans_done, t),
              scans_due(ra, s2, t))
        _same(s1.n_scans_done, s2.n_scans_done)
    sched = SimpleNamespace(win0_s=100.0 - rng.uniform(0.0, 15.0, n),
                            last_track_t_s=np.where(rng.random(n) < 0.5, 100.0, 99.0))
    radars = np.array([0, 2, 3, 5, 8])
    pos = ra.pos_ecef_m[rng.integers(0, n, 2000)] + rng.normal(0.0, 1.5e5, (2000, 3))
    seen = []
    for enabled in (False, True):
        _jit.ENABLED = enabled
        try:
            seen.append(stage.looked_at(ra, sched, radars, 100.0, pos))
        finally:
            _jit.ENABLED = True
    assert 100 < seen[0].sum() < 1900
    _same(seen[1], seen[0])
    # the tracking stage's call: track states (position, velocity, acceleration) at
    # their own times, moved on to the scan time inside the kernel
    x = np.concatenate([pos - 40.0 * rng.normal(0.0, 300.0, (2000, 3)),
                        rng.normal(0.0, 300.0, (2000, 6))], axis=1)  # fmt: skip
    t_trk = 100.0 - rng.choice([0.5, 1.0, 3.0], 2000)
    rs = SimpleNamespace(built=SimpleNamespace(radars=ra), radar_schedule=sched)
    for enabled in (False, True):
        _jit.ENABLED = enabled
        try:
            seen.append(stage.looked_at_tracks(rs, radars, 100.0, x, t_trk))
        finally:
            _jit.ENABLED = True
    assert 100 < seen[2].sum() < 1900
    _same(seen[3], seen[2])
    nf = np.array([np.nan, 5.0, 120.0])
    assert _jit.false_alarm_due(np.array([0]), nf, 100.0)
    assert _jit.false_alarm_due(np.array([1]), nf, 100.0)
    assert not _jit.false_alarm_due(np.array([2]), nf, 100.0)


@pytest.mark.parametrize("p", [1, 2, 3, 40])
def test_truth_at_equals_the_reference(p) -> None:
    rng = np.random.default_rng(p)
    launch, end = rng.uniform(0, 30, 9), rng.uniform(20, 80, 9)  # windows inside and not
    tr = Truth(np.arange(60.0), rng.normal(4e6, 1e5, (60, 9, 3)), rng.normal(0, 300, (60, 9, 3)),
               np.minimum(launch, end), end)  # fmt: skip
    for _ in range(200 if p == 1 else 20):
        tidx, t_s = rng.integers(0, 9, p), rng.uniform(0.0, 59.5, p)
        ref = truth_at(tr, tidx, t_s)
        got = _jit.truth_at(tr.p, tr.v, tr.k0, tr.nk, tr.row0, tr.t_s, 1.0, tidx, t_s,
                            np.array([2.0, 3.0]))  # fmt: skip
        _same(got[0], ref[0])
        _same(got[1], ref[1])


def test_measure_and_geodetic_equal_the_reference() -> None:
    rng = np.random.default_rng(3)
    ra = _freeze(_radars(rng, 5))
    k = 500
    r = rng.integers(0, 5, k)
    args = (rng.uniform(1e3, 4e5, k), rng.uniform(-np.pi, np.pi, k), rng.uniform(-0.1, 1.4, k),
            rng.normal(0.0, 300.0, k), rng.standard_normal((k, 4)))  # fmt: skip
    ref = measure(ra, r, *args)
    got = _jit.measure(r, *args, ra.pos_ecef_m, ra.rot_enu, ra.sigma_range_m,
                       ra.sigma_angle_rad, ra.sigma_rr_mps)  # fmt: skip
    for a, b in zip(got, ref, strict=True):
        _same(a, b)
    for a, b in zip(_jit.geodetic(ref[0], A_M, E2), target_geodetic(ref[0]), strict=True):
        _same(a, b)


@pytest.fixture(scope="module")
def default_world():
    loaded = load_scenario("default")
    b = build(loaded, 0)
    st = loaded.scenario.settings
    truth = fly(b.threats.specs, st.duration_s, min(1.0, st.time_step_s))
    return b, truth


@pytest.mark.parametrize("gate", [True, False])
def test_detect_pairs_equals_the_numpy_chain(default_world, gate) -> None:
    """Random dwells of the default scenario's radars on its threats: visibility (the
    4/3-earth, terrain height and horizon mask included), detections against the same
    uniforms, and the range, angles, SNR and radial velocity of each detection."""
    b, tr = default_world
    ra, world = b.radars, b.sensing
    rng = np.random.default_rng(11)
    n_vis = 0
    rs = SimpleNamespace(built=b, truth=tr, speed_bound_mps=None)
    pk = _jit.Packed(world, ra)
    n_hit = 0
    for t_s in np.arange(150.0, 2700.0, 100.0):
        n_thr = tr.pos_ecef_m.shape[1]
        ridx = np.repeat(np.arange(ra.n), n_thr)
        tidx = np.tile(np.arange(n_thr), ra.n)
        tp = t_s - rng.uniform(0.0, 10.0, ridx.size)
        pos_step = tr.pos_ecef_m[int(t_s / tr.dt_s)]
        u = rng.random(ridx.size) * rng.choice([0.2, 1.0], ridx.size)
        near = stage._near(rs, ridx, tidx, tp, t_s, pos_step) if gate else None
        at = np.arange(ridx.size) if near is None else np.flatnonzero(near)
        pos, vel = truth_at(tr, tidx[at], tp[at])
        res = evaluate_pairs(ra, world, ridx[at], tidx[at], pos, vel)
        vis = np.zeros(ridx.size, bool)
        vis[at] = res.visible
        hit = np.flatnonzero(u[at] < res.pd)
        los = res.enu[hit] / res.range_m[hit][:, None]
        rr = np.einsum("kij,kj,ki->k", ra.rot_enu[ridx[at][hit]], vel[hit], los)
        ref_f = np.stack([res.range_m[hit], res.az_rad[hit], res.el_rad[hit],
                          res.snr_db[hit], rr])  # fmt: skip
        pk.ensure_masks(ridx)
        got_vis, got_i, got_f = _jit.detect_pairs(
            ridx, tidx, tp, u, t_s, gate, pos_step, stage._speed_bound(rs), tr.p, tr.v,
            tr.k0, tr.nk, tr.row0, tr.t_s, float(tr.dt_s), pk.pw_exp, ra.pos_ecef_m, ra.rot_enu,
            ra.max_range_m, ra.min_el_rad, ra.max_el_rad, ra.lat_rad, ra.height_m, ra.snr1_db,
            ra.table, pk.rcs_db, pk.rcs_band, pk.rcs_kind, pk.swerling, pk.has_terrain,
            pk.g_lat, pk.g_lon, pk.g_h, pk.g_meta, pk.m_flat, pk.m_off, pk.m_nr, pk.m_step,
            stage.N_AZ, *pk.pd_arrays(), pk.consts,
        )  # fmt: skip
        _same(got_vis, vis)
        _same(got_i, at[hit])
        _same(got_f, ref_f)
        n_vis += int(vis.sum())
        n_hit += hit.size
    assert n_vis > 150 and n_hit > 30, (n_vis, n_hit)


def test_a_run_is_the_same_compiled_and_not(monkeypatch) -> None:
    """A 700 s cut of the default scenario: the same event log, every column."""
    loaded = load_scenario("default")
    sc = loaded.scenario
    loaded = type(loaded)(sc.model_copy(update={"settings": sc.settings.model_copy(
        update={"duration_s": 700.0})}), loaded.catalog, loaded.source, loaded.text)
    runs = []
    for enabled in (False, True):
        monkeypatch.setattr(_jit, "ENABLED", enabled)
        runs.append(simulate(loaded, seed=3))
    _same_events(runs[0].events, runs[1].events, at_least=100)
    assert runs[0].summary() == runs[1].summary()


def test_the_numpy_path_is_kept_for_what_is_not_compiled() -> None:
    b, _ = build(load_scenario("default"), 0), None
    assert _jit.supported(b.sensing)
    w = SimpleNamespace(soj_jn=np.ones((2, 1)), ssj_erp_w=None, terrain=None)
    assert not _jit.supported(w)
    w = SimpleNamespace(soj_jn=None, ssj_erp_w=np.array([0.0, 5.0]), terrain=None)
    assert not _jit.supported(w)
    assert math.isfinite(float(_jit._dot3(1.0, 2.0, 3.0, 4.0, 5.0, 6.0)))


# ---- the compiled glue of a step (iads.sensors._jit_step) against the numpy path ----


def _tracks(rng, n_tracks, n_threats):
    """A picture's arrays: track status (int8), ids (int64) and track -> threat truth."""
    ids = np.sort(rng.choice(3 * n_tracks + 1, n_tracks, replace=False)).astype(np.int64)
    status = rng.integers(0, 2, n_tracks).astype(np.int8)
    truth = np.full(3 * n_tracks + 1, -1, np.int64)
    truth[ids] = np.where(rng.random(n_tracks) < 0.2, -1, rng.integers(0, n_threats, n_tracks))
    return status, ids, truth


def test_tracked_targets_and_track_dwells_equal_the_reference() -> None:
    rng = np.random.default_rng(21)
    n_thr = 40
    for _ in range(60):
        status, ids, truth = _tracks(rng, int(rng.integers(0, 30)), n_thr)
        active = rng.random(n_thr) < 0.7
        cap = int(rng.integers(0, 12))
        pic = SimpleNamespace(tracks=SimpleNamespace(status=status, ids=ids, n=ids.size),
                              truth=truth)  # fmt: skip
        ref = stage.tracked_targets(SimpleNamespace(pictures=[pic]), 0, active, cap)
        _same(_jit_step.tracked_targets(status, ids, truth, active, cap, 1), ref)
        # merged into a dwell list: radar 2's searches on those targets dropped, the track
        # dwells on flying threats appended (stage.sense's numpy path)
        p = int(rng.integers(0, 50))
        ridx, tidx = rng.integers(0, 4, p), rng.integers(0, n_thr, p)
        tp = 100.0 - rng.uniform(0.0, 5.0, p)
        launch, end = rng.uniform(0.0, 120.0, n_thr), rng.uniform(90.0, 300.0, n_thr)
        st = rng.choice(np.array([FLYING, FLYING + 1], np.int8), n_thr)
        th, r2, t2, tp2 = _jit_step.track_dwells(
            2, cap, status, ids, truth, active, 1, ridx, tidx, tp, 100.0, launch, end, st, FLYING
        )
        _same(th, ref)
        keep = ~np.isin(tidx, ref) | (ridx != 2)
        ok = (launch[ref] <= 100.0) & (100.0 < end[ref]) & (st[ref] == FLYING)
        _same(r2, np.concatenate([ridx[keep], np.full(ok.sum(), 2)]))
        _same(t2, np.concatenate([tidx[keep], ref[ok]]))
        _same(tp2, np.concatenate([tp[keep], np.full(ok.sum(), 100.0)]))


@pytest.mark.parametrize("emission", [False, True])
def test_front_equals_the_reference(emission) -> None:
    """Schedule, emission filter, windows, search dwells on flying threats, the radars
    whose track dwells fall now and their track dwells, the false-alarm check."""
    rng = np.random.default_rng(5 + emission)
    n, n_thr = 6, 60
    ra = _radars(rng, n)
    ra.phase_s, ra.revisit_s = rng.uniform(0.0, 3.0, n), rng.choice([1.0, 2.0, 4.0], n)
    ra.track_s = np.where(rng.random(n) < 0.5, np.inf, 1.0)
    ra.n_tracked = np.where(ra.track_s < np.inf, rng.integers(1, 20, n), 0).astype(np.int64)
    _freeze(ra)
    launch, end = rng.uniform(0.0, 60.0, n_thr), rng.uniform(60.0, 400.0, n_thr)
    status = rng.choice(np.array([FLYING, FLYING, FLYING + 1], np.int8), n_thr)
    mk = lambda: SimpleNamespace(  # noqa: E731
        n_scans_done=np.zeros(n, np.int64), last_t_s=np.zeros(n), win0_s=np.zeros(n),
        next_fa_t_s=np.where(rng.random(n) < 0.3, np.nan, rng.uniform(0.0, 200.0, n)),
        last_track_t_s=np.full(n, -np.inf))  # fmt: skip
    s1 = mk()
    s2 = SimpleNamespace(**{k: v.copy() for k, v in vars(s1).items()})
    rk = stage._front_rows(ra)
    n_trk = int(ra.n_tracked.sum())
    cap = n * n_thr + n_trk
    bufs = (np.full((2, n), -7), np.full((2, cap), -7), np.full(cap, -7.0),
            np.full((2, n_trk), -7))  # fmt: skip
    n_dwells = n_go = 0
    for t in np.arange(1.0, 150.0, 1.0):
        pos = ra.pos_ecef_m[rng.integers(0, n, n_thr)] + rng.normal(0.0, 2e5, (n_thr, 3))
        active = rng.random(n_thr) < 0.8
        on, since = rng.random(n) < 0.7, t - rng.uniform(0.0, 10.0, n)
        status_t, ids, truth = _tracks(rng, 15, n_thr)
        w, p, g, q, fa_due = _jit_step.front(
            t, pos, active, emission, on, since, True, status_t, ids, truth, rk,
            s1.n_scans_done, s1.last_t_s, s1.win0_s, s1.next_fa_t_s, s1.last_track_t_s,
            ra.pos_ecef_m, ra.rot_enu, ra.n_tracked, launch, end, status, FLYING, 1, *bufs,
        )  # fmt: skip
        b_due, b_dw, b_tp, b_trk = bufs
        got = (b_due[0, :w], b_dw[0, :p], b_dw[1, :p], b_tp[:p], b_due[1, :g],
               b_trk[0, :q], b_trk[1, :q], fa_due)  # fmt: skip
        # the numpy path of stage.sense
        due = scans_due(ra, s2, t)
        if emission and due.size:
            off = due[~on[due]]
            s2.last_t_s[off] = t
            s2.next_fa_t_s[off] = np.nan
            due = due[on[due]]
        _same(got[0], due)
        if due.size == 0:
            continue
        win0 = s2.last_t_s[due].copy()
        if emission:
            win0 = np.maximum(win0, since[due])
        s2.win0_s[due], s2.last_t_s[due] = win0, t
        ridx, tidx, tp = stage._search_dwells(ra, due, win0, t, pos, np.flatnonzero(active))
        ok = (launch[tidx] <= tp) & (tp < end[tidx]) & (status[tidx] == FLYING)
        ridx, tidx, tp = ridx[ok], tidx[ok], tp[ok]
        last = s2.last_track_t_s
        go = due[(ra.track_s[due] < np.inf) & (t - last[due] >= ra.track_s[due] - 1e-9)]
        last[go] = t
        pic = SimpleNamespace(tracks=SimpleNamespace(status=status_t, ids=ids, n=ids.size),
                              truth=truth)  # fmt: skip
        r2, t2 = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
        for r in go:
            th = stage.tracked_targets(SimpleNamespace(pictures=[pic]), 0, active,
                                       int(ra.n_tracked[r]))  # fmt: skip
            keep = ~((ridx == r) & np.isin(tidx, th))
            fly_ = (launch[th] <= t) & (t < end[th]) & (status[th] == FLYING)
            ridx = np.concatenate([ridx[keep], np.full(fly_.sum(), r)])
            tidx = np.concatenate([tidx[keep], th[fly_]])
            tp = np.concatenate([tp[keep], np.full(fly_.sum(), t)])
            r2.append(np.full(th.size, r))
            t2.append(th)
        for a, b in zip(got[1:], (ridx, tidx, tp, go, np.concatenate(r2), np.concatenate(t2)),
                        strict=False):  # fmt: skip
            _same(a, b)
        nf = s2.next_fa_t_s[due]
        assert got[7] == bool(np.any(np.isnan(nf) | (nf <= t)))
        for k in vars(s1):
            _same(getattr(s1, k), getattr(s2, k))
        n_dwells += ridx.size
        n_go += go.size
    assert n_dwells > 1000 and n_go > 50


def test_merge_of_unresolved_reports_equals_the_reference() -> None:
    rng = np.random.default_rng(8)
    ra = SimpleNamespace(beam_az_rad=np.array([0.02, 0.05, 0.3]),
                         beam_el_rad=np.array([0.02, 0.05, 0.3]),
                         range_res_m=np.array([50.0, 150.0, 400.0]))  # fmt: skip
    n_merged = 0
    for k in (2, 3, 5, 12, 40, 200):
        for _ in range(10):
            r = rng.integers(0, 3, k)
            rg = rng.uniform(1e4, 1.2e4, k)
            az = rng.uniform(-np.pi, np.pi, k) * rng.choice([1.0, 1e-3], k)
            el = rng.uniform(0.0, 0.3, k) * rng.choice([1.0, 1e-2], k)
            snr = np.round(rng.uniform(5.0, 30.0, k))  # ties on purpose
            t, tm, rr = rng.integers(0, 50, k), rng.uniform(0.0, 1.0, k), rng.normal(0, 1e2, k)
            ref_g, ref_k = merge_unresolved(ra, r, rg, az, el, snr)
            hf = np.stack([rg, az, el, snr, rr])
            g, keep = _jit_step.merge_unresolved(r, t, np.arange(k), hf, ra.beam_az_rad,
                                                 ra.beam_el_rad, ra.range_res_m)  # fmt: skip
            _same(g, ref_g)
            _same(keep, ref_k)
            ref = stage._merge_reports(ra, r, t, tm, rg, az, el, snr, rr)
            _same(_jit_step.merge_rows(g, keep, hf), np.stack([ref[3], ref[4], ref[5], ref[6]]))
            n_merged += keep.size < k
    assert n_merged > 20


def test_report_rows_and_false_alarm_reports_equal_the_reference() -> None:
    rng = np.random.default_rng(9)
    ra = _radars(rng, 4)
    ra.max_range_m = rng.uniform(1e5, 4e5, 4)
    ra.min_el_rad, ra.max_el_rad = rng.uniform(0.0, 0.1, 4), rng.uniform(0.3, 1.4, 4)
    ra.unit = np.array([3, 0, 1, 1])
    _freeze(ra)
    k = 300
    r, tm, u = rng.integers(0, 4, k), rng.uniform(0.0, 500.0, k), rng.random((3, k))
    got = _jit_step.fa_reports(r, tm, u, ra.sweep_phase_s, ra.sweep_s, ra.max_range_m,
                               ra.min_el_rad, ra.max_el_rad, ra.sigma_rr_mps, ra.pos_ecef_m,
                               ra.rot_enu, ra.sigma_range_m, ra.sigma_angle_rad)  # fmt: skip
    az = np.mod(2.0 * np.pi * (tm - ra.sweep_phase_s[r]) / ra.sweep_s[r], 2.0 * np.pi)
    az = np.where(az > np.pi, az - 2.0 * np.pi, az)
    rg = u[0] * ra.max_range_m[r]
    el = ra.min_el_rad[r] + u[1] * (ra.max_el_rad[r] - ra.min_el_rad[r])
    rr = np.where(np.isnan(ra.sigma_rr_mps[r]), np.nan, (u[2] - 0.5) * 2000.0)
    ref = (rg, *measure(ra, r, rg, az, el, rr, np.zeros((k, 4))))
    for a, b in zip(got, ref, strict=True):
        _same(a, b)
    threat = np.where(rng.random(k) < 0.3, -1, rng.integers(0, 40, k))
    times, ints, floats, n_real = _jit_step.report_rows(got[1], threat, r, tm, ra.unit, A_M, E2)
    order = np.concatenate([np.flatnonzero(threat >= 0), np.flatnonzero(threat < 0)])
    lat, lon, h = target_geodetic(got[1])
    assert n_real == int((threat >= 0).sum())
    _same(times, tm[order])
    _same(ints, np.stack([threat[order], ra.unit[r][order], r[order], np.full(k, -1),
                          np.full(k, -1)]))  # fmt: skip
    _same(floats, np.stack([np.rad2deg(lat), np.rad2deg(lon), h])[:, order])


def test_false_alarm_bookkeeping_draws_as_numpy() -> None:
    """`stage._false_alarms_jit` (fa_undrawn, fa_hits, fa_reports) against
    `stage._false_alarms`: the same reports, schedule and generator state."""
    rng = np.random.default_rng(10)
    n = 5
    ra = _radars(rng, n)
    ra.max_range_m = rng.uniform(1e5, 4e5, n)
    ra.min_el_rad, ra.max_el_rad = rng.uniform(0.0, 0.1, n), rng.uniform(0.3, 1.4, n)
    ra.fa_per_sweep = np.array([0.0, 0.3, 2.0, 8.0, 0.05])
    _freeze(ra)
    args = SimpleNamespace(
        fa_scale=ra.sweep_s / np.maximum(ra.fa_per_sweep, 1e-300),
        fa=(ra.sweep_phase_s, ra.sweep_s, ra.max_range_m, ra.min_el_rad, ra.max_el_rad,
            ra.sigma_rr_mps, ra.pos_ecef_m, ra.rot_enu, ra.sigma_range_m,
            ra.sigma_angle_rad),
    )  # fmt: skip
    s1 = SimpleNamespace(next_fa_t_s=np.full(n, np.nan))
    s2 = SimpleNamespace(next_fa_t_s=np.full(n, np.nan))
    g1, g2 = np.random.default_rng(4), np.random.default_rng(4)
    n_fa = 0
    for t in np.arange(1.0, 200.0, 1.0):
        due = np.flatnonzero(rng.random(n) < 0.7)
        ref = stage._false_alarms(ra, s1, due, t, g1)
        got = stage._false_alarms_jit(SimpleNamespace(radar_schedule=s2), args, due, t, g2)
        assert (ref is None) == (got is None)
        if ref is not None:
            for c in ("radar", "threat", "z_ecef_m", "r_ecef_m2", "range_m", "t_meas_s",
                      "range_rate_mps"):  # fmt: skip
                _same(getattr(got, c), getattr(ref, c))
            n_fa += ref.n
        _same(s2.next_fa_t_s, s1.next_fa_t_s)
    assert n_fa > 100
    assert g1.random() == g2.random()


@pytest.mark.parametrize("name,seconds", [("network_demo", 500.0), ("sead_emcon", 600.0)])
def test_runs_with_several_track_pictures_or_emission_control(monkeypatch, name, seconds) -> None:
    """The step's other compiled paths: track dwells aimed with two pictures (their loop
    outside the kernels), radars switched on and off (emission control)."""
    loaded = load_scenario(name)
    sc = loaded.scenario
    settings = sc.settings.model_copy(update={"duration_s": seconds})
    sc = sc.model_copy(update={"settings": settings})
    loaded = type(loaded)(sc, loaded.catalog, loaded.source, loaded.text)
    runs = []
    for enabled in (False, True):
        monkeypatch.setattr(_jit, "ENABLED", enabled)
        runs.append(simulate(loaded, seed=2, record_tracks=True))
    _same_events(runs[0].events, runs[1].events, at_least=50)
