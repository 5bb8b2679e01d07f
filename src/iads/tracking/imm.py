"""Interacting multiple model (IMM) filter, batched over tracks: two modes sharing the
coordinated-turn state [x, y, z, vx, vy, vz, omega], mode 0 nearly constant velocity (the
turn rate is carried but unused) and mode 1 coordinated turn, for manoeuvring targets.

Cycle of Blom & Bar-Shalom (1988), "The interacting multiple model algorithm for systems
with Markovian switching coefficients", IEEE TAC 33(8); equations as in Bar-Shalom et al.
(2001) §11.6.6: mixing (eqs. 11.6.6-6..11), mode-matched filtering, mode probability update
(eq. 11.6.6-15) and combination (eqs. 11.6.6-17, -18). `TrackSet.mode_p` holds the predicted
mode probabilities after `imm_predict` and the posterior ones after `imm_update`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.tracking.base import TrackerConfig, TrackSet
from iads.tracking.kalman import inv_sym, kf_predict
from iads.tracking.models import process_noise, transition_matrix

__all__ = ["combine", "imm_predict", "imm_update", "mode_transition_matrix"]

N_MODES = 2


def mode_transition_matrix(config: TrackerConfig) -> NDArray[np.float64]:
    """Markov matrix Pi[i, j] = P(mode j next | mode i now)."""
    p = config.imm_transition
    return np.array([[p, 1 - p], [1 - p, p]])


def combine(
    mu: NDArray[np.float64], xm: NDArray[np.float64], Pm: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Moment-matched mean (n, d) and covariance (n, d, d) of mode weights mu (n, r), mode
    means xm (n, r, d) and covariances Pm (n, r, d, d)."""
    x = np.einsum("nr,nrd->nd", mu, xm)
    D = xm - x[:, None, :]
    P = np.einsum("nr,nrij->nij", mu, Pm + D[..., :, None] * D[..., None, :])
    return x, P


def _cv7_predict(x: NDArray, P: NDArray, dt, config: TrackerConfig):
    """CV prediction in the 7-state: F of CV on the first six components, omega kept, and
    the CT process noise (so both modes carry the same omega uncertainty)."""
    dt_a = np.asarray(dt, float)
    F6 = transition_matrix("cv", dt_a)
    F = np.zeros(F6.shape[:-2] + (7, 7))
    F[..., :6, :6] = F6
    F[..., 6, 6] = 1.0
    Q = process_noise("ct", dt_a, config.process_noise, config.turn_rate_noise)
    return kf_predict(x, P, F, Q)


def imm_predict(tracks: TrackSet, config: TrackerConfig, dt, t_s: float) -> TrackSet:
    """Mixing and mode-matched prediction of all tracks by dt [s] (scalar or (n,))."""
    from iads.tracking.nonlinear import ct_predict

    Pi = mode_transition_matrix(config)
    mu = tracks.mode_p  # (n, r)
    c = mu @ Pi  # predicted mode probabilities (n, r)
    w = mu[:, :, None] * Pi[None] / c[:, None, :]  # w[n, i, j] = mu_{i|j}
    xm, Pm = tracks.mode_x, tracks.mode_P
    x0 = np.einsum("nij,nid->njd", w, xm)
    D = xm[:, :, None, :] - x0[:, None, :, :]  # (n, i, j, d)
    P0 = np.einsum("nij,nijab->njab", w, Pm[:, :, None] + D[..., :, None] * D[..., None, :])
    x_cv, P_cv = _cv7_predict(x0[:, 0], P0[:, 0], dt, config)
    x_ct, P_ct = ct_predict(x0[:, 1], P0[:, 1], dt, config)
    mode_x = np.stack([x_cv, x_ct], axis=1)
    mode_P = np.stack([P_cv, P_ct], axis=1)
    x, P = combine(c, mode_x, mode_P)
    return tracks.replace(
        x=x,
        P=P,
        mode_p=c,
        mode_x=mode_x,
        mode_P=mode_P,
        t_s=np.full(tracks.n, float(t_s)),
    )


def imm_update(tracks: TrackSet, config: TrackerConfig, meas) -> dict[str, NDArray]:
    """Mode-matched updates of paired tracks (one measurement per row), mode probabilities
    from the Gaussian likelihoods of the innovations, and the combined estimate."""
    from iads.tracking.kalman import kf_update_position
    from iads.tracking.nonlinear import radar_update

    n, r, d = tracks.mode_x.shape
    xs, Ps, loglik = [], [], []
    for j in range(r):  # a loop over the two modes, vectorized over tracks
        x, P = tracks.mode_x[:, j], tracks.mode_P[:, j]
        if config.measurement == "position":
            S = P[:, :3, :3] + meas.R
            nu = meas.z - x[:, :3]
            xu, Pu = kf_update_position(x, P, meas.z, meas.R)
        else:
            from iads.tracking.models import radar_jacobian, radar_measure
            from iads.tracking.nonlinear import AZIMUTH, wrap_angle

            k4 = meas.z.shape[1] == 4
            H = radar_jacobian(x, meas.sensor_xyz_m, k4, meas.rot)
            S = H @ P @ np.swapaxes(H, 1, 2) + meas.R
            nu = meas.z - radar_measure(x, meas.sensor_xyz_m, k4, meas.rot)
            nu[:, AZIMUTH] = wrap_angle(nu[:, AZIMUTH])
            xu, Pu = radar_update(x, P, meas, config)
        k = nu.shape[1]
        d2 = np.einsum("ni,nij,nj->n", nu, inv_sym(S), nu)
        loglik.append(-0.5 * (d2 + np.log(np.linalg.det(S)) + k * np.log(2 * np.pi)))
        xs.append(xu)
        Ps.append(Pu)
    L = np.stack(loglik, axis=1)
    L -= L.max(axis=1, keepdims=True)  # scale before exp: likelihoods differ by many orders
    mu = tracks.mode_p * np.exp(L)
    mu /= mu.sum(axis=1, keepdims=True)
    mode_x, mode_P = np.stack(xs, axis=1), np.stack(Ps, axis=1)
    x, P = combine(mu, mode_x, mode_P)
    return {"x": x, "P": P, "mode_p": mu, "mode_x": mode_x, "mode_P": mode_P}
