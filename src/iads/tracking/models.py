"""Transition and measurement models, batched: matrices for the linear ones (CV, CA, position
measurement) and functions with their Jacobians for the nonlinear ones (coordinated turn,
radar range/azimuth/elevation/range rate).

State layouts (all in the measurement frame, ECEF or local ENU, SI):
    cv: [x, y, z, vx, vy, vz]                      d = 6
    ca: [x, y, z, vx, vy, vz, ax, ay, az]          d = 9
    ct: [x, y, z, vx, vy, vz, omega]               d = 7, omega = turn rate in the x-y plane
Position is always x[:, :3] and velocity x[:, 3:6], so gating, metrics and output need not
know the model.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "STATE_DIM",
    "ct_jacobian",
    "ct_transition",
    "position_matrix",
    "process_noise",
    "radar_jacobian",
    "radar_measure",
    "transition_and_noise",
    "transition_matrix",
]

STATE_DIM = {"cv": 6, "ca": 9, "ct": 7}
_I3 = np.eye(3)


def _blocks(c: NDArray[np.float64]) -> NDArray[np.float64]:
    """Kronecker product of per-axis coefficient blocks c (..., k, k) with I3 -> (..., 3k, 3k)
    in the layout [pos, vel, acc], each block 3x3."""
    k = c.shape[-1]
    out = np.einsum("...ab,ij->...aibj", c, _I3)
    return out.reshape(c.shape[:-2] + (3 * k, 3 * k))


def _dt_array(dt_s: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(dt_s, dtype=np.float64)


@functools.lru_cache(maxsize=256)
def _cached(kind: str, motion: str, dt_s: float, q: float, q_turn: float) -> NDArray:
    out = (transition_matrix if kind == "F" else process_noise)(motion, dt_s, q, q_turn)
    out.flags.writeable = False
    return out


_AX = np.arange(3)


@functools.lru_cache(maxsize=256)
def _cv_cached(dt_s: float, q: float) -> tuple[NDArray, NDArray]:
    """CV (F, Q) for a scalar step by entries: the values of `transition_matrix` and
    `process_noise` (powers taken on an array, as there), at a fraction of their cost, which
    matters when radars scan asynchronously and every step brings a new dt."""
    t = np.array([dt_s])
    a, b = float((q * (t**3 / 3))[0]), float((q * (t**2 / 2))[0])
    F = np.eye(6)
    F[_AX, _AX + 3] = dt_s
    Q = np.zeros((6, 6))
    Q[_AX, _AX] = a
    Q[_AX, _AX + 3] = b
    Q[_AX + 3, _AX] = b
    Q[_AX + 3, _AX + 3] = q * dt_s
    F.flags.writeable = False
    Q.flags.writeable = False
    return F, Q


def transition_and_noise(
    motion: str, dt_s: float, q: float, q_turn: float = 0.0
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(F, Q) for a scalar time step, cached (a tracker fed at a fixed rate asks for the same
    pair every scan). The arrays are read-only."""
    if motion == "cv":
        return _cv_cached(float(dt_s), float(q))
    return (
        _cached("F", motion, float(dt_s), 0.0, 0.0),
        _cached("Q", motion, float(dt_s), float(q), float(q_turn)),
    )


def transition_matrix(motion: str, dt_s: ArrayLike, *_: float) -> NDArray[np.float64]:
    """F of a linear model ('cv' or 'ca') for a time step dt_s [s] (scalar -> (d, d); array
    (n,) -> (n, d, d)). Kinematics of Bar-Shalom, Li & Kirubarajan, *Estimation with
    Applications to Tracking and Navigation* (2001), §6.2.2 (CV) and §6.2.3 (CA)."""
    dt = _dt_array(dt_s)[..., None, None]
    one, zero = np.ones_like(dt), np.zeros_like(dt)
    if motion == "cv":
        c = np.block([[one, dt], [zero, one]])
    elif motion == "ca":
        c = np.block([[one, dt, dt**2 / 2], [zero, one, dt], [zero, zero, one]])
    else:
        raise ValueError(f"transition_matrix: linear model 'cv' or 'ca' expected, got {motion!r}")
    return _blocks(c)


def process_noise(motion: str, dt_s: ArrayLike, q: float, q_turn: float = 0.0) -> NDArray:
    """Q of the continuous white-noise models integrated over dt_s [s] (scalar -> (d, d);
    array (n,) -> (n, d, d)); q is the spectral density per axis.

    CV: continuous white noise acceleration, Bar-Shalom et al. (2001) eq. 6.2.2-12.
    CA: continuous Wiener process acceleration, Bar-Shalom et al. (2001) eq. 6.2.3-8.
    CT: the CV block for x, y, z plus q_turn·dt on the turn rate (first-order: the
    acceleration noise is applied along fixed axes, Bar-Shalom et al. (2001) §11.7.2).
    """
    t = _dt_array(dt_s)[..., None, None]
    if motion in ("cv", "ct"):
        c = q * np.block([[t**3 / 3, t**2 / 2], [t**2 / 2, t]])
    elif motion == "ca":
        c = q * np.block(
            [
                [t**5 / 20, t**4 / 8, t**3 / 6],
                [t**4 / 8, t**3 / 3, t**2 / 2],
                [t**3 / 6, t**2 / 2, t],
            ]
        )
    else:
        raise ValueError(f"process_noise: model 'cv', 'ca' or 'ct' expected, got {motion!r}")
    Q = _blocks(c)
    if motion == "ct":
        shape = Q.shape[:-2]
        Qct = np.zeros(shape + (7, 7))
        Qct[..., :6, :6] = Q
        Qct[..., 6, 6] = q_turn * t[..., 0, 0]
        return Qct
    return Q


def position_matrix(state_dim: int) -> NDArray[np.float64]:
    """H (3, d) that reads the position out of a state of dimension d."""
    H = np.zeros((3, state_dim))
    H[:, :3] = _I3
    return H


# ---------------------------------------------------------------- coordinated turn


def _turn_terms(w: NDArray, T: NDArray):
    """a = sin(wT)/w, b = (1 - cos wT)/w and their derivatives in w, with the series at
    small wT so that w -> 0 gives the CV limit without division by zero."""
    wt = w * T
    small = np.abs(wt) < 1e-4
    ws = np.where(small, 1.0, w)
    s, c = np.sin(wt), np.cos(wt)
    a = np.where(small, T * (1 - wt**2 / 6), s / ws)
    b = np.where(small, w * T**2 / 2 * (1 - wt**2 / 12), (1 - c) / ws)
    da = np.where(small, -w * T**3 / 3, (T * c * ws - s) / ws**2)
    db = np.where(small, T**2 / 2 - w**2 * T**4 / 8, (T * s * ws - (1 - c)) / ws**2)
    return s, c, a, b, da, db


def ct_transition(x: NDArray[np.float64], dt_s: ArrayLike) -> NDArray[np.float64]:
    """Propagate (n, 7) coordinated-turn states by dt_s [s] (scalar or (n,)): a turn at
    constant speed and rate omega in the x-y plane, constant velocity in z. Bar-Shalom et al.
    (2001) eq. 11.7.1-4, with omega a state component (§11.7.2)."""
    T = np.broadcast_to(_dt_array(dt_s), x.shape[:1])
    w = x[:, 6]
    s, c, a, b, _, _ = _turn_terms(w, T)
    vx, vy = x[:, 3], x[:, 4]
    out = x.copy()
    out[:, 0] = x[:, 0] + a * vx - b * vy
    out[:, 1] = x[:, 1] + b * vx + a * vy
    out[:, 2] = x[:, 2] + T * x[:, 5]
    out[:, 3] = c * vx - s * vy
    out[:, 4] = s * vx + c * vy
    return out


def ct_jacobian(x: NDArray[np.float64], dt_s: ArrayLike) -> NDArray[np.float64]:
    """(n, 7, 7) Jacobian of `ct_transition` at x (for the EKF prediction)."""
    n = x.shape[0]
    T = np.broadcast_to(_dt_array(dt_s), (n,))
    w = x[:, 6]
    s, c, a, b, da, db = _turn_terms(w, T)
    vx, vy = x[:, 3], x[:, 4]
    J = np.zeros((n, 7, 7))
    J[:, [0, 1, 2, 3, 4, 5, 6], [0, 1, 2, 3, 4, 5, 6]] = 1.0
    J[:, 0, 3], J[:, 0, 4], J[:, 0, 6] = a, -b, da * vx - db * vy
    J[:, 1, 3], J[:, 1, 4], J[:, 1, 6] = b, a, db * vx + da * vy
    J[:, 2, 5] = T
    J[:, 3, 3], J[:, 3, 4], J[:, 3, 6] = c, -s, -T * s * vx - T * c * vy
    J[:, 4, 3], J[:, 4, 4], J[:, 4, 6] = s, c, T * c * vx - T * s * vy
    return J


# ---------------------------------------------------------------- radar measurement


def _local(x: NDArray, sensor_xyz_m: NDArray, rot: NDArray | None):
    d = x[:, :3] - sensor_xyz_m
    v = x[:, 3:6]
    if rot is not None:
        d = np.einsum("nij,nj->ni", rot, d)
        v = np.einsum("nij,nj->ni", rot, v)
    return d, v


def radar_measure(
    x: NDArray[np.float64],
    sensor_xyz_m: NDArray[np.float64],
    with_rate: bool = False,
    rot: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Radar measurement h(x) of (n, d) states seen from sensors at (n, 3) [m]: columns
    range [m], azimuth [rad] (clockwise from north, in (-pi, pi]), elevation [rad] and, if
    `with_rate`, range rate [m/s]. `rot` (n, 3, 3) turns the tracking frame into each sensor's
    local east-north-up frame (None: the tracking frame is already ENU)."""
    d, v = _local(x, sensor_xyz_m, rot)
    e, nn, u = d[:, 0], d[:, 1], d[:, 2]
    r = np.sqrt(e * e + nn * nn + u * u)
    cols = [r, np.arctan2(e, nn), np.arctan2(u, np.hypot(e, nn))]
    if with_rate:
        cols.append(np.einsum("ni,ni->n", d, v) / r)
    return np.stack(cols, axis=1)


def radar_jacobian(
    x: NDArray[np.float64],
    sensor_xyz_m: NDArray[np.float64],
    with_rate: bool = False,
    rot: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """(n, k, d) Jacobian of `radar_measure` with respect to the state (k = 3 or 4)."""
    n, dim = x.shape
    d, v = _local(x, sensor_xyz_m, rot)
    e, nn, u = d[:, 0], d[:, 1], d[:, 2]
    rho2 = e * e + nn * nn
    rho = np.sqrt(rho2)
    r2 = rho2 + u * u
    r = np.sqrt(r2)
    k = 4 if with_rate else 3
    Jl = np.zeros((n, k, 3))  # derivatives with respect to the local position
    Jl[:, 0] = d / r[:, None]
    Jl[:, 1, 0], Jl[:, 1, 1] = nn / rho2, -e / rho2
    Jl[:, 2, 0], Jl[:, 2, 1], Jl[:, 2, 2] = -e * u / (r2 * rho), -nn * u / (r2 * rho), rho / r2
    Jv = np.zeros((n, k, 3))
    if with_rate:
        rdot = np.einsum("ni,ni->n", d, v) / r
        Jl[:, 3] = (v - rdot[:, None] * d / r[:, None]) / r[:, None]
        Jv[:, 3] = d / r[:, None]
    if rot is not None:
        Jl = Jl @ rot
        Jv = Jv @ rot
    J = np.zeros((n, k, dim))
    J[:, :, :3] = Jl
    J[:, :, 3:6] = Jv
    return J
