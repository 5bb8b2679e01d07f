"""Batched Kalman kernels against FilterPy's KalmanFilter (and Stone Soup's, where installed),
run one filter per track on identical measurement sequences."""

from __future__ import annotations

import numpy as np
import pytest
from filterpy.kalman import KalmanFilter

from iads.tracking.kalman import inv_sym, kf_predict, kf_update, kf_update_position
from iads.tracking.models import position_matrix, process_noise, transition_matrix


def _random_spd(rng, n, k, scale=1.0):
    A = rng.standard_normal((n, k, k))
    return scale * (A @ np.swapaxes(A, 1, 2) + k * np.eye(k))


@pytest.mark.parametrize("motion,q", [("cv", 0.3), ("ca", 0.05)])
def test_batched_kf_equals_filterpy(motion, q):
    rng = np.random.default_rng(7)
    n, steps, dt = 5, 12, 0.8
    d = {"cv": 6, "ca": 9}[motion]
    x = rng.standard_normal((n, d)) * 100
    P = _random_spd(rng, n, d, 10.0)
    F, Q, H = transition_matrix(motion, dt), process_noise(motion, dt, q), position_matrix(d)
    kfs = []
    for i in range(n):
        kf = KalmanFilter(dim_x=d, dim_z=3)
        kf.x, kf.P, kf.F, kf.Q, kf.H = x[i].copy(), P[i].copy(), F, Q, H
        kfs.append(kf)
    for _ in range(steps):
        z = x[:, :3] + rng.standard_normal((n, 3)) * 20
        R = _random_spd(rng, n, 3, 25.0)
        x, P = kf_predict(x, P, F, Q)
        x, P = kf_update_position(x, P, z, R)
        for i, kf in enumerate(kfs):
            kf.predict()
            kf.update(z[i], R=R[i])
            np.testing.assert_allclose(x[i], kf.x, rtol=1e-9, atol=1e-9)
            np.testing.assert_allclose(P[i], kf.P, rtol=1e-9, atol=1e-9)


def test_per_track_time_steps_equal_shared_matrices():
    rng = np.random.default_rng(3)
    n = 4
    x = rng.standard_normal((n, 6))
    P = _random_spd(rng, n, 6)
    dt = np.array([0.5, 1.0, 2.0, 3.5])
    xb, Pb = kf_predict(x, P, transition_matrix("cv", dt), process_noise("cv", dt, 0.7))
    for i in range(n):
        xi, Pi = kf_predict(
            x[i : i + 1],
            P[i : i + 1],
            transition_matrix("cv", dt[i]),
            process_noise("cv", dt[i], 0.7),
        )
        np.testing.assert_allclose(xb[i], xi[0], rtol=1e-12)
        np.testing.assert_allclose(Pb[i], Pi[0], rtol=1e-12)


def test_position_update_equals_general_update():
    rng = np.random.default_rng(4)
    n = 6
    x, P = rng.standard_normal((n, 9)), _random_spd(rng, n, 9)
    z, R = rng.standard_normal((n, 3)), _random_spd(rng, n, 3)
    a = kf_update_position(x, P, z, R)
    b = kf_update(x, P, z, R, position_matrix(9))
    np.testing.assert_allclose(a[0], b[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-10, atol=1e-12)


def test_inv_sym_closed_form_matches_lapack():
    S = _random_spd(np.random.default_rng(5), 50, 3, 1e4)
    np.testing.assert_allclose(inv_sym(S) @ S, np.broadcast_to(np.eye(3), S.shape), atol=1e-10)


def test_cv_noise_is_the_integrated_white_noise():
    # Q = integral_0^T e^{A s} G q G^T e^{A^T s} ds (Bar-Shalom et al. 2001, eq. 6.2.2-11),
    # evaluated by quadrature for one axis of the CV model.
    T, q = 1.7, 0.9
    s = np.linspace(0, T, 20001)
    Phi = np.stack([np.stack([np.ones_like(s), s], -1), np.stack([0 * s, np.ones_like(s)], -1)], -2)
    g = Phi @ np.array([0.0, 1.0])
    integrand = q * g[:, :, None] * g[:, None, :]
    Qnum = np.trapezoid(integrand, s, axis=0)
    Q = process_noise("cv", T, q)
    np.testing.assert_allclose(Q[np.ix_([0, 3], [0, 3])], Qnum, rtol=1e-6)


def test_kf_equals_stonesoup():
    pytest.importorskip("stonesoup")
    from datetime import datetime, timedelta

    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.types.detection import Detection
    from stonesoup.types.hypothesis import SingleHypothesis
    from stonesoup.types.state import GaussianState
    from stonesoup.updater.kalman import KalmanUpdater

    rng = np.random.default_rng(11)
    q, dt, sigma = 0.4, 1.3, 7.0
    # Stone Soup orders the state [x, vx, y, vy, z, vz]; iads [x, y, z, vx, vy, vz].
    perm = np.array([0, 3, 1, 4, 2, 5])
    tm = CombinedLinearGaussianTransitionModel([ConstantVelocity(q)] * 3)
    R = sigma**2 * np.eye(3)
    mm = LinearGaussian(ndim_state=6, mapping=(0, 2, 4), noise_covar=R)
    predictor, updater = KalmanPredictor(tm), KalmanUpdater(mm)
    x = rng.standard_normal(6) * 50
    P = _random_spd(rng, 1, 6, 20.0)[0]
    t0 = datetime(2020, 1, 1)
    ss = GaussianState(x[perm].reshape(-1, 1), P[np.ix_(perm, perm)], timestamp=t0)
    xb, Pb = x[None], P[None]
    F, Q = transition_matrix("cv", dt), process_noise("cv", dt, q)
    for k in range(1, 10):
        z = xb[0, :3] + rng.standard_normal(3) * sigma
        t = t0 + timedelta(seconds=k * dt)
        pred = predictor.predict(ss, timestamp=t)
        det = Detection(z.reshape(-1, 1), timestamp=t, measurement_model=mm)
        ss = updater.update(SingleHypothesis(pred, det))
        xb, Pb = kf_predict(xb, Pb, F, Q)
        xb, Pb = kf_update_position(xb, Pb, z[None], R[None])
        inv = np.argsort(perm)
        np.testing.assert_allclose(
            xb[0], np.asarray(ss.state_vector, float).ravel()[inv], rtol=1e-9, atol=1e-9
        )
        np.testing.assert_allclose(
            Pb[0], np.asarray(ss.covar, float)[np.ix_(inv, inv)], rtol=1e-9, atol=1e-9
        )


def test_cached_cv_pair_equals_the_general_builders():
    from iads.tracking.models import process_noise, transition_and_noise, transition_matrix

    for dt in np.random.default_rng(6).uniform(0.0, 40.0, 200):
        F, Q = transition_and_noise("cv", dt, 2.5)
        np.testing.assert_array_equal(F, transition_matrix("cv", dt))
        np.testing.assert_array_equal(Q, process_noise("cv", dt, 2.5))
        assert not (F.flags.writeable or Q.flags.writeable)
