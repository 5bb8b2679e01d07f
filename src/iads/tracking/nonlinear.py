"""Extended and unscented Kalman filter kernels, batched over tracks: the coordinated-turn
prediction and the radar (range, azimuth, elevation[, range rate]) update.

EKF: Bar-Shalom, Li & Kirubarajan (2001) §10.3 (first-order linearization, Joseph-form
covariance as FilterPy's ExtendedKalmanFilter). UKF: Julier & Uhlmann (2004), "Unscented
filtering and nonlinear estimation", Proc. IEEE 92(3), with the scaled sigma points of
Van der Merwe (2004) (FilterPy's MerweScaledSigmaPoints) with alpha = 1, beta = 2, kappa = 0,
which keeps every weight non-negative. Sigma points for the update are drawn from the
predicted mean and covariance.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.tracking.base import TrackerConfig
from iads.tracking.kalman import inv_sym, kf_update
from iads.tracking.models import (
    ct_jacobian,
    ct_transition,
    process_noise,
    radar_jacobian,
    radar_measure,
)

__all__ = [
    "ct_predict",
    "radar_update",
    "sigma_points",
    "sigma_weights",
    "ukf_update",
    "wrap_angle",
]

AZIMUTH = 1  # index of the azimuth in a radar measurement (the only angle that wraps)


def wrap_angle(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """Angles wrapped to [-pi, pi)."""
    return (a + np.pi) % (2 * np.pi) - np.pi


def sigma_weights(
    d: int, alpha: float = 1.0, beta: float = 2.0, kappa: float = 0.0
) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
    """(lambda, Wm (2d+1,), Wc (2d+1,)) of the scaled unscented transform (Van der Merwe 2004,
    eq. 3.12; FilterPy's MerweScaledSigmaPoints)."""
    lam = alpha**2 * (d + kappa) - d
    Wm = np.full(2 * d + 1, 0.5 / (d + lam))
    Wc = Wm.copy()
    Wm[0] = lam / (d + lam)
    Wc[0] = lam / (d + lam) + (1 - alpha**2 + beta)
    return lam, Wm, Wc


def sigma_points(x: NDArray[np.float64], P: NDArray[np.float64], lam: float) -> NDArray:
    """(n, 2d+1, d) sigma points x, x + L_k, x - L_k with L the lower Cholesky factor of
    (d + lam) P (its columns L_k are the rows of FilterPy's upper factor)."""
    d = x.shape[1]
    L = np.linalg.cholesky((d + lam) * P)
    cols = np.swapaxes(L, 1, 2)  # (n, d, d): row k is column k of L
    return np.concatenate([x[:, None, :], x[:, None, :] + cols, x[:, None, :] - cols], axis=1)


def _ut_mean(Y: NDArray, Wm: NDArray, angle: int | None) -> NDArray:
    """Weighted mean of transformed sigma points Y (n, s, k); an angle component is averaged
    as offsets from the first sigma point, so that points straddling +-pi do not cancel."""
    if angle is None:
        return np.einsum("s,nsk->nk", Wm, Y)
    ref = Y[:, 0, angle]
    Y = Y.copy()
    Y[:, :, angle] = ref[:, None] + wrap_angle(Y[:, :, angle] - ref[:, None])
    m = np.einsum("s,nsk->nk", Wm, Y)
    m[:, angle] = wrap_angle(m[:, angle])
    return m


def ct_predict(
    x: NDArray[np.float64], P: NDArray[np.float64], dt_s, config: TrackerConfig
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Coordinated-turn prediction of (n, 7) states by dt_s [s] (scalar or (n,)), by EKF
    (Jacobian of `ct_transition`) or UKF (sigma points through it) as config.nonlinear says."""
    Q = process_noise("ct", dt_s, config.process_noise, config.turn_rate_noise)
    if config.nonlinear == "ekf":
        J = ct_jacobian(x, dt_s)
        return ct_transition(x, dt_s), J @ P @ np.swapaxes(J, 1, 2) + Q
    n, d = x.shape
    lam, Wm, Wc = sigma_weights(d)
    X = sigma_points(x, P, lam)
    dt_rep = np.repeat(np.broadcast_to(np.asarray(dt_s, float), (n,)), 2 * d + 1)
    Xf = ct_transition(X.reshape(-1, d), dt_rep).reshape(n, 2 * d + 1, d)
    m = np.einsum("s,nsd->nd", Wm, Xf)
    D = Xf - m[:, None, :]
    return m, np.einsum("s,nsi,nsj->nij", Wc, D, D) + Q


def ukf_update(
    x: NDArray[np.float64],
    P: NDArray[np.float64],
    z: NDArray[np.float64],
    R: NDArray[np.float64],
    h,
    angle: int | None = AZIMUTH,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Unscented update of (n, d) states with measurements z (n, k), R (n, k, k); h maps
    (n, s, d) sigma points to (n, s, k) measurements. Returns (x, P) with P - K S K^T."""
    n, d = x.shape
    lam, Wm, Wc = sigma_weights(d)
    X = sigma_points(x, P, lam)
    Z = h(X)
    zm = _ut_mean(Z, Wm, angle)
    dZ = Z - zm[:, None, :]
    nu = z - zm
    if angle is not None:
        dZ[:, :, angle] = wrap_angle(dZ[:, :, angle])
        nu[:, angle] = wrap_angle(nu[:, angle])
    S = np.einsum("s,nsi,nsj->nij", Wc, dZ, dZ) + R
    Pxz = np.einsum("s,nsi,nsj->nij", Wc, X - x[:, None, :], dZ)
    K = Pxz @ inv_sym(S)
    x_new = x + np.einsum("nik,nk->ni", K, nu)
    P_new = P - K @ S @ np.swapaxes(K, 1, 2)
    return x_new, 0.5 * (P_new + np.swapaxes(P_new, 1, 2))


def ekf_radar_update(x, P, z, R, sensor_xyz_m, rot=None):
    """EKF update of (n, d) states with radar measurements z (n, 3|4) from sensors at
    sensor_xyz_m (n, 3); the azimuth innovation is wrapped to [-pi, pi)."""
    with_rate = z.shape[1] == 4
    H = radar_jacobian(x, sensor_xyz_m, with_rate, rot)
    zp = radar_measure(x, sensor_xyz_m, with_rate, rot)
    zp_eff = z - _innovation(z, zp)
    return kf_update(x, P, z, R, H, z_pred=zp_eff)


def _innovation(z: NDArray, zp: NDArray) -> NDArray:
    nu = z - zp
    nu[:, AZIMUTH] = wrap_angle(nu[:, AZIMUTH])
    return nu


def radar_update(x, P, meas, config: TrackerConfig):
    """Radar update of paired states: EKF or UKF as config.nonlinear says. meas is a
    `MeasurementBatch` with one measurement per state row."""
    if config.nonlinear == "ekf":
        return ekf_radar_update(x, P, meas.z, meas.R, meas.sensor_xyz_m, meas.rot)
    with_rate = meas.z.shape[1] == 4
    s = meas.sensor_xyz_m
    rot = meas.rot

    def h(X):
        n, ns, d = X.shape
        rr = None if rot is None else np.repeat(rot, ns, axis=0)
        out = radar_measure(X.reshape(-1, d), np.repeat(s, ns, axis=0), with_rate, rr)
        return out.reshape(n, ns, -1)

    return ukf_update(x, P, meas.z, meas.R, h)
