"""Covariance intersection: consistency under any correlation, optimality of omega; track
fusion and centralized measurement fusion."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from iads.errors import ParameterError
from iads.tracking import Tracker, TrackerConfig
from iads.tracking.fusion import covariance_intersection, fuse_tracks
from iads.tracking.synthetic import simulate_cv


def _spd(rng, n, d, scale=1.0):
    A = rng.standard_normal((n, d, d))
    return scale * (A @ np.swapaxes(A, 1, 2) + 0.5 * np.eye(d))


def test_omega_minimises_the_trace():
    rng = np.random.default_rng(0)
    xa, xb = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    Pa, Pb = _spd(rng, 5, 3), _spd(rng, 5, 3, 3.0)
    _, P, w = covariance_intersection(xa, Pa, xb, Pb)
    for i in range(5):

        def tr(om, i=i):
            return np.trace(
                np.linalg.inv(om * np.linalg.inv(Pa[i]) + (1 - om) * np.linalg.inv(Pb[i]))
            )

        ref = minimize_scalar(tr, bounds=(0, 1), method="bounded", options={"xatol": 1e-10})
        assert np.trace(P[i]) <= ref.fun + 1e-8
        assert abs(w[i] - ref.x) < 1e-4 or min(w[i], 1 - w[i]) < 1e-9


@pytest.mark.parametrize("rho", [-0.9, 0.0, 0.5, 0.99])
def test_ci_is_consistent_for_any_correlation(rho):
    rng = np.random.default_rng(1)
    d = 3
    Pa, Pb = _spd(rng, 1, d)[0], _spd(rng, 1, d, 2.0)[0]
    La, Lb = np.linalg.cholesky(Pa), np.linalg.cholesky(Pb)
    Pab = rho * La @ Lb.T  # a valid cross-covariance for |rho| <= 1
    joint = np.block([[Pa, Pab], [Pab.T, Pb]])
    _, P, w = covariance_intersection(np.zeros((1, d)), Pa[None], np.zeros((1, d)), Pb[None])
    Ka = P[0] @ (w[0] * np.linalg.inv(Pa))
    Kb = P[0] @ ((1 - w[0]) * np.linalg.inv(Pb))
    K = np.hstack([Ka, Kb])
    actual = K @ joint @ K.T
    assert np.linalg.eigvalsh(P[0] - actual).min() > -1e-9


def test_ci_with_fixed_weights_and_bad_weight():
    rng = np.random.default_rng(2)
    xa, xb = rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    Pa, Pb = _spd(rng, 2, 4), _spd(rng, 2, 4)
    x, P, _ = covariance_intersection(xa, Pa, xb, Pb, omega=1.0)
    np.testing.assert_allclose(x, xa, atol=1e-10)
    np.testing.assert_allclose(P, Pa, rtol=1e-10)
    with pytest.raises(ParameterError, match="'omega'"):
        covariance_intersection(xa, Pa, xb, Pb, omega=1.5)


def _track(seed, scans, cfg):
    tr = Tracker(cfg)
    rng = np.random.default_rng(seed)
    for s in scans:
        z = s.z + rng.normal(0, 3.0, s.z.shape)
        tr.step(s.t_s, z, s.R + 9.0 * np.eye(3))
    return tr.tracks


def test_fuse_tracks_matches_the_same_targets():
    sc = simulate_cv(
        np.random.default_rng(3), 20, n_scans=12, clutter_per_scan=0, detection_probability=1.0
    )
    cfg = TrackerConfig(process_noise=0.05, init_velocity_sigma_mps=50)
    a, b = _track(10, sc.scans, cfg), _track(11, sc.scans, cfg)
    fused = fuse_tracks(a, b)
    both = (fused.id_a >= 0) & (fused.id_b >= 0)
    assert both.sum() == 20 and fused.x.shape[0] == 20
    tr_f = np.trace(fused.P[both][:, :3, :3], axis1=1, axis2=2)
    ia = np.searchsorted(a.ids, fused.id_a[both])
    assert np.all(tr_f <= np.trace(a.P[ia][:, :3, :3], axis1=1, axis2=2) + 1e-9)
    late = dataclasses.replace(b, t_s=b.t_s + 5.0)
    with pytest.raises(ParameterError, match="'b'"):
        fuse_tracks(a, late)


def test_centralized_fusion_makes_one_track_per_target():
    sc = simulate_cv(
        np.random.default_rng(4), 15, n_scans=10, clutter_per_scan=0, detection_probability=1.0
    )
    tr = Tracker(TrackerConfig(process_noise=0.05, init_velocity_sigma_mps=50))
    rng = np.random.default_rng(5)
    for s in sc.scans:  # two radars see every target; their measurements come in one scan
        z2 = s.z + rng.normal(0, 5.0, s.z.shape)
        z = np.concatenate([s.z, z2])
        sid = np.repeat([7, 3], s.z.shape[0])
        tr.step(s.t_s, z, np.concatenate([s.R, 2.0 * s.R]), sensor_id=sid)
    assert tr.tracks.n == 15 and np.all(tr.tracks.confirmed)
