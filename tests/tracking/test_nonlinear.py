"""EKF/UKF radar updates and the coordinated-turn model against FilterPy, pymap3d and finite
differences; the tracker on radar measurements."""

from __future__ import annotations

import numpy as np
import pymap3d
import pytest
from filterpy.kalman import ExtendedKalmanFilter, MerweScaledSigmaPoints, UnscentedKalmanFilter

from iads.tracking import Tracker, TrackerConfig
from iads.tracking.filters import MeasurementBatch
from iads.tracking.kalman import kf_predict
from iads.tracking.models import (
    ct_jacobian,
    ct_transition,
    process_noise,
    radar_jacobian,
    radar_measure,
    transition_matrix,
)
from iads.tracking.nonlinear import ct_predict, ekf_radar_update, radar_update, wrap_angle
from iads.tracking.radar import radar_to_position

SENSOR = np.array([1000.0, -2000.0, 50.0])
R_RADAR = np.diag([30.0**2, 0.004**2, 0.006**2])


def _fd_jacobian(f, x, eps=1e-4):
    cols = []
    for k in range(x.shape[1]):
        e = np.zeros_like(x)
        e[:, k] = eps
        cols.append((f(x + e) - f(x - e)) / (2 * eps))
    return np.stack(cols, axis=-1)


def test_radar_measure_matches_pymap3d_aer():
    rng = np.random.default_rng(0)
    x = np.zeros((20, 6))
    x[:, :3] = rng.uniform(-5e4, 5e4, (20, 3))
    x[:, 2] = np.abs(x[:, 2])
    z = radar_measure(x, np.broadcast_to(SENSOR, (20, 3)))
    d = x[:, :3] - SENSOR
    az, el, rng_m = pymap3d.enu2aer(d[:, 0], d[:, 1], d[:, 2], deg=False)
    np.testing.assert_allclose(z[:, 0], rng_m, rtol=1e-12)
    np.testing.assert_allclose(wrap_angle(z[:, 1] - az), 0, atol=1e-12)
    np.testing.assert_allclose(z[:, 2], el, atol=1e-12)
    pos, _ = radar_to_position(
        z, np.broadcast_to(R_RADAR, (20, 3, 3)), np.broadcast_to(SENSOR, (20, 3))
    )
    np.testing.assert_allclose(pos, x[:, :3], atol=1e-6)


@pytest.mark.parametrize("with_rate", [False, True])
def test_radar_jacobian_equals_finite_differences(with_rate):
    rng = np.random.default_rng(1)
    x = rng.uniform(-2e4, 2e4, (5, 6))
    x[:, 3:] = rng.uniform(-300, 300, (5, 3))
    s = np.broadcast_to(SENSOR, (5, 3))
    th = 0.3
    rot = np.broadcast_to(
        np.array([[np.cos(th), -np.sin(th), 0], [np.sin(th), np.cos(th), 0], [0, 0, 1]]), (5, 3, 3)
    )
    J = radar_jacobian(x, s, with_rate, rot)
    Jn = _fd_jacobian(lambda v: radar_measure(v, s, with_rate, rot), x, eps=1e-3)
    np.testing.assert_allclose(J, Jn, rtol=1e-5, atol=1e-9)


def test_ct_jacobian_and_cv_limit():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 7)) * [1e3, 1e3, 1e3, 200, 200, 10, 0]
    x[:, 6] = [0.0, 1e-9, 0.05, -0.1, 0.3, -0.02]
    J = ct_jacobian(x, 2.0)
    np.testing.assert_allclose(
        J, _fd_jacobian(lambda v: ct_transition(v, 2.0), x, 1e-6), rtol=1e-5, atol=1e-5
    )
    # omega = 0 is straight-line motion
    F = transition_matrix("cv", 2.0)
    np.testing.assert_allclose(ct_transition(x[:1], 2.0)[0, :6], F @ x[0, :6], rtol=1e-12)
    # speed is conserved in a turn
    y = ct_transition(x, 5.0)
    np.testing.assert_allclose(np.hypot(y[:, 3], y[:, 4]), np.hypot(x[:, 3], x[:, 4]), rtol=1e-12)


def _radar_sequence(rng, steps=10):
    x = np.array([[2e4, 3e4, 5e3, -150.0, -80.0, 0.0]])
    zs = []
    truth = x.copy()
    F = transition_matrix("cv", 1.0)
    for _ in range(steps):
        truth = truth @ F.T
        z = radar_measure(truth, SENSOR[None])[0] + rng.multivariate_normal(np.zeros(3), R_RADAR)
        zs.append(z)
    return x, zs


def _hx(v):
    return radar_measure(v[None], SENSOR[None])[0]


def _residual(a, b):
    d = np.subtract(a, b)
    d[1] = wrap_angle(d[1])
    return d


def test_ekf_radar_equals_filterpy():
    rng = np.random.default_rng(3)
    x0, zs = _radar_sequence(rng)
    P0 = np.diag([500.0**2] * 3 + [100.0**2] * 3)
    F, Q = transition_matrix("cv", 1.0), process_noise("cv", 1.0, 0.5)
    ekf = ExtendedKalmanFilter(6, 3)
    ekf.x, ekf.P, ekf.F, ekf.Q, ekf.R = x0[0].copy(), P0.copy(), F, Q, R_RADAR
    x, P = x0.copy(), P0[None].copy()
    for z in zs:
        ekf.predict()
        ekf.update(z, lambda v: radar_jacobian(v[None], SENSOR[None])[0], _hx, residual=_residual)
        x, P = kf_predict(x, P, F, Q)
        x, P = ekf_radar_update(x, P, z[None], R_RADAR[None], SENSOR[None])
        np.testing.assert_allclose(x[0], ekf.x, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(P[0], ekf.P, rtol=1e-9, atol=1e-9)


def test_ukf_radar_equals_filterpy():
    rng = np.random.default_rng(4)
    x0, zs = _radar_sequence(rng)
    P0 = np.diag([500.0**2] * 3 + [100.0**2] * 3)
    F, Q = transition_matrix("cv", 1.0), process_noise("cv", 1.0, 0.5)
    pts = MerweScaledSigmaPoints(6, alpha=1.0, beta=2.0, kappa=0.0)
    ukf = UnscentedKalmanFilter(6, 3, 1.0, _hx, lambda v, dt: F @ v, pts, residual_z=_residual)
    ukf.x, ukf.P, ukf.Q, ukf.R = x0[0].copy(), P0.copy(), Q, R_RADAR
    cfg = TrackerConfig(measurement="radar", nonlinear="ukf")
    x, P = x0.copy(), P0[None].copy()
    for z in zs:
        ukf.predict()
        # iads draws the update's sigma points from the predicted mean and covariance;
        # FilterPy reuses the propagated ones unless told otherwise.
        ukf.sigmas_f = pts.sigma_points(ukf.x, ukf.P)
        ukf.update(z)
        x, P = kf_predict(x, P, F, Q)
        x, P = radar_update(x, P, MeasurementBatch(z[None], R_RADAR[None], SENSOR[None]), cfg)
        np.testing.assert_allclose(x[0], ukf.x, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(P[0], ukf.P, rtol=1e-9, atol=1e-8)


def test_ct_ukf_predict_equals_filterpy():
    x0 = np.array([1e3, 2e3, 500.0, 200.0, -50.0, 3.0, 0.08])
    P0 = np.diag([100.0, 100.0, 100.0, 25.0, 25.0, 4.0, 1e-3])
    cfg = TrackerConfig(motion="ct", nonlinear="ukf", process_noise=0.3, turn_rate_noise=1e-4)
    Q = process_noise("ct", 2.0, 0.3, 1e-4)
    pts = MerweScaledSigmaPoints(7, alpha=1.0, beta=2.0, kappa=0.0)
    ukf = UnscentedKalmanFilter(
        7, 3, 2.0, lambda v: v[:3], lambda v, dt: ct_transition(v[None], dt)[0], pts
    )
    ukf.x, ukf.P, ukf.Q = x0.copy(), P0.copy(), Q
    ukf.predict()
    x, P = ct_predict(x0[None], P0[None], 2.0, cfg)
    np.testing.assert_allclose(x[0], ukf.x, rtol=1e-9)
    np.testing.assert_allclose(P[0], ukf.P, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("nonlinear", ["ekf", "ukf"])
def test_tracker_on_radar_measurements(nonlinear):
    rng = np.random.default_rng(5)
    cfg = TrackerConfig(
        measurement="radar", nonlinear=nonlinear, process_noise=0.5, init_velocity_sigma_mps=300
    )
    tr = Tracker(cfg)
    truth = np.array([[2e4, 3e4, 5e3, -150.0, -80.0, 0.0], [-1e4, 2.5e4, 3e3, 100.0, 0.0, 0.0]])
    F = transition_matrix("cv", 2.0)
    for k in range(15):
        truth = truth @ F.T
        z = radar_measure(truth, np.broadcast_to(SENSOR, (2, 3)))
        z += rng.multivariate_normal(np.zeros(3), R_RADAR, 2)
        tr.step(2.0 * (k + 1), z, np.broadcast_to(R_RADAR, (2, 3, 3)), sensor_xyz_m=SENSOR)
    t = tr.tracks
    assert t.n == 2 and np.all(t.confirmed)
    order = np.argsort(t.x[:, 0])[::-1]
    err = np.linalg.norm(t.x[order, :3] - truth[:, :3], axis=1)
    assert np.all(err < 150.0)  # cross-range sigma at 36 km is 36e3 * 0.004 = 144 m per axis


@pytest.mark.parametrize("nonlinear", ["ekf", "ukf"])
def test_radar_scan_without_any_update(nonlinear):
    # a track exists but the scan's only measurement is far outside its gate: no update
    # (the UKF once failed on the empty batch), one new track
    tr = Tracker(TrackerConfig(measurement="radar", nonlinear=nonlinear))
    z1 = np.array([[20e3, 0.3, 0.05]])
    z2 = np.array([[60e3, 2.5, 0.02]])
    tr.step(0.0, z1, R_RADAR[None], sensor_xyz_m=SENSOR)
    ev = tr.step(1.0, z2, R_RADAR[None], sensor_xyz_m=SENSOR)
    assert ev.assoc_track_ids.size == 0
    assert ev.initiated_ids.tolist() == [2]
    assert tr.tracks.n == 2
