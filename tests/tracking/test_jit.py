"""The compiled kernels (iads.tracking._jit) against their numpy references: the gate, the
update, and whole tracker runs with the kernels on and off."""

from __future__ import annotations

import numpy as np
import pytest

from iads.tracking import TrackerConfig, _jit, track_scans
from iads.tracking.association import gate_position
from iads.tracking.kalman import kf_update_position
from iads.tracking.synthetic import simulate_cv


def _spd(rng, n, scale):
    A = rng.normal(size=(n, 3, 3))
    return scale * (A @ A.transpose(0, 2, 1) + 0.5 * np.eye(3))


def _sorted(rows, cols, *rest):
    o = np.lexsort((cols, rows))
    return (rows[o], cols[o], *(a[o] for a in rest))


@pytest.mark.parametrize(
    "geometry", ["spread", "clustered", "collinear", "one_measurement", "wide_gates", "far"]
)
def test_gate_grid_equals_gate_position(geometry):
    rng = np.random.default_rng(len(geometry))
    n, m = 300, 400
    zp = rng.uniform(0, 5e3, (n, 3))
    z = np.concatenate(
        [zp[: m // 2] + rng.normal(0, 10, (m // 2, 3)), rng.uniform(0, 5e3, (m - m // 2, 3))]
    )
    S, R = _spd(rng, n, 30.0), _spd(rng, m, 20.0)
    if geometry == "clustered":
        zp, z = zp / 100, z / 100
    elif geometry == "collinear":
        zp[:, 1:] = 7.0
        z[:, 1:] = 7.0
    elif geometry == "one_measurement":
        z, R = z[:1], R[:1]
    elif geometry == "wide_gates":
        S[::7] *= 1e4
    elif geometry == "far":  # ECEF-like offsets and a huge extent
        zp += 6.4e6
        z += 6.4e6
        z[0] += 3e6
    ref = _sorted(*gate_position(zp, S, z, R, 16.0))
    got = _sorted(*_jit.gate_grid(zp, S, z, R, 16.0))
    assert ref[0].size > 0
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_array_equal(got[1], ref[1])
    np.testing.assert_allclose(got[2], ref[2], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got[3], ref[3], rtol=1e-9, atol=1e-15)


def test_update_rows_equals_kf_update_position():
    rng = np.random.default_rng(3)
    n, d = 50, 9
    x = rng.normal(size=(n, d))
    A = rng.normal(size=(n, d, d))
    P = A @ A.transpose(0, 2, 1) + np.eye(d)
    z, R = rng.normal(size=(20, 3)), _spd(rng, 20, 1.0)
    rows, cols = rng.permutation(n)[:20], rng.permutation(20)
    Sinv = np.linalg.inv(P[rows, :3, :3] + R[cols])
    xr, Pr = kf_update_position(x[rows], P[rows], z[cols], R[cols])
    xo, Po = _jit.update_rows(x, P, z, Sinv, rows, cols)
    np.testing.assert_allclose(xo[rows], xr, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(Po[rows], Pr, rtol=1e-9, atol=1e-12)
    rest = np.setdiff1d(np.arange(n), rows)
    np.testing.assert_array_equal(xo[rest], x[rest])
    np.testing.assert_array_equal(Po[rest], P[rest])


@pytest.mark.parametrize("motion,association", [("cv", "gnn"), ("ca", "gnn"), ("cv", "jpda")])
def test_tracker_same_with_and_without_kernels(monkeypatch, motion, association):
    sc = simulate_cv(np.random.default_rng(11), 400, n_scans=8, clutter_per_scan=10)
    cfg = TrackerConfig(
        motion=motion, association=association, process_noise=0.05, init_velocity_sigma_mps=50
    )
    out = {}
    for enabled in (True, False):
        monkeypatch.setattr(_jit, "ENABLED", enabled)
        ev = []
        out[enabled] = (track_scans(sc.scans, cfg, events=ev), ev)
    (a, ea), (b, eb) = out[True], out[False]
    for c in ("track_id", "confirmed", "hits", "misses"):
        np.testing.assert_array_equal(a.column(c).to_numpy(), b.column(c).to_numpy())
    for c in ("state", "covariance"):
        va = a.column(c).combine_chunks().flatten().to_numpy()
        vb = b.column(c).combine_chunks().flatten().to_numpy()
        np.testing.assert_allclose(va, vb, rtol=1e-9, atol=1e-9)
    for x, y in zip(ea, eb, strict=True):
        np.testing.assert_array_equal(x.initiated_ids, y.initiated_ids)
        np.testing.assert_array_equal(x.deleted_ids, y.deleted_ids)
        px = _sorted(x.assoc_track_ids, x.assoc_meas_index, x.assoc_weight)
        py = _sorted(y.assoc_track_ids, y.assoc_meas_index, y.assoc_weight)
        np.testing.assert_array_equal(px[0], py[0])
        np.testing.assert_array_equal(px[1], py[1])
        np.testing.assert_allclose(px[2], py[2], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("motion", ["cv", "ca"])
def test_predict_kinematic_equals_kf_predict(motion):
    from iads.tracking.kalman import kf_predict
    from iads.tracking.models import transition_and_noise

    rng = np.random.default_rng(5)
    d = 6 if motion == "cv" else 9
    x = rng.normal(size=(40, d))
    A = rng.normal(size=(40, d, d))
    P = A @ A.transpose(0, 2, 1)
    F, Q = transition_and_noise(motion, 0.7, 0.3)
    xo, Po = _jit.predict_kinematic(x, P, F, Q)
    xr, Pr = kf_predict(x, P, F, Q)
    np.testing.assert_allclose(xo, xr, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Po, Pr, rtol=1e-12, atol=1e-12)


def test_tracker_step_leaves_its_input_unchanged():
    from iads.tracking import empty_tracks, tracker_step

    sc = simulate_cv(np.random.default_rng(2), 50, n_scans=4)
    cfg = TrackerConfig(process_noise=0.05, init_velocity_sigma_mps=50)
    tracks = empty_tracks(cfg)
    for s in sc.scans:
        before = {f: np.copy(v) for f, v in vars(tracks).items() if isinstance(v, np.ndarray)}
        new, _ = tracker_step(tracks, cfg, s.t_s, s.z, s.R)
        for f, v in before.items():
            np.testing.assert_array_equal(getattr(tracks, f), v, err_msg=f)
        tracks = new
    assert tracks.n > 0


@pytest.mark.parametrize("seed", range(5))
def test_assign_sparse_same_with_and_without_kernels(monkeypatch, seed):
    from iads.tracking.association import assign_sparse

    rng = np.random.default_rng(seed)
    n_rows, n_cols, p = 300, 350, 900
    key = rng.choice(n_rows * n_cols, p, replace=False)
    rows, cols = key // n_cols, key % n_cols
    cost = rng.normal(-1.0, 1.0, p).round(1)  # rounded: ties in the star pass too
    out = {}
    for enabled in (True, False):
        monkeypatch.setattr(_jit, "ENABLED", enabled)
        out[enabled] = assign_sparse(rows, cols, cost, n_rows, n_cols)
    np.testing.assert_array_equal(out[True], out[False])


def test_every_track_field_same_with_and_without_kernels(monkeypatch):
    from iads.tracking import empty_tracks, tracker_step

    sc = simulate_cv(np.random.default_rng(4), 60, n_scans=10, clutter_per_scan=15)
    cfg = TrackerConfig(
        process_noise=0.05, init_velocity_sigma_mps=50, confirm_m=3, confirm_n=4,
        delete_misses=2, max_position_variance_m2=3e4,
    )  # fmt: skip
    runs = {}
    for enabled in (True, False):
        monkeypatch.setattr(_jit, "ENABLED", enabled)
        tracks, states = empty_tracks(cfg), []
        for s in sc.scans:
            tracks, ev = tracker_step(tracks, cfg, s.t_s, s.z, s.R)
            states.append((tracks, ev))
        runs[enabled] = states
    reasons = set()
    for (a, ea), (b, eb) in zip(runs[True], runs[False], strict=True):
        for f, v in vars(b).items():
            w = getattr(a, f)
            assert np.shape(w) == np.shape(v) and np.asarray(w).dtype == np.asarray(v).dtype, f
            if isinstance(v, np.ndarray) and v.dtype.kind == "f":
                np.testing.assert_allclose(w, v, rtol=1e-9, atol=1e-9, err_msg=f)
            else:
                np.testing.assert_array_equal(w, v, err_msg=f)
        for f in ("confirmed_ids", "deleted_ids", "deleted_reason"):
            np.testing.assert_array_equal(getattr(ea, f), getattr(eb, f))
        reasons.update(eb.deleted_reason.tolist())
    assert reasons == {0, 1, 2}  # every delete reason occurred
