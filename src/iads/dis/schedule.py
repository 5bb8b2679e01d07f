"""When an Entity State PDU is due: dead reckoning, thresholds and heartbeat, and the
orientation written in it.

IEEE 1278.1-2012 §5.2.5 and Annex E: a simulation issues an Entity State PDU when an
entity appears, when the position its receivers dead-reckon from the last PDU departs
from the true one by more than a threshold, when the orientation does, when its
appearance changes, and at the latest one heartbeat after the last PDU. The defaults of
the standard's table of DIS parameters (§6.1.7, Table 27) are used: position threshold
1 m, orientation threshold 3 degrees, Entity State heartbeat 5 s.

The dead-reckoning model written is DRM(F, V, W) (algorithm 5): orientation held fixed,
position extrapolated in world coordinates with the velocity and the linear acceleration
of the PDU, p(t) = p0 + v0 dt + a0 dt**2 / 2 (Annex E.5). The acceleration written is the
central difference of the recorded velocities.

Orientation (§6.2.33 and Annex B of 1278.1-2012): Euler angles psi, theta, phi that
rotate the world (ECEF) axes onto the entity's body axes (x forward, y right, z down), in
that order about z, then the new y, then the new x. The body x axis is taken along the
velocity, wings level (body y horizontal at the entity's position: perpendicular to the
ellipsoid normal), which is all a first-order kinematic model knows of an attitude.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.geo import ecef_to_geodetic_rad

__all__ = [
    "HEARTBEAT_S",
    "ORIENTATION_THRESHOLD_RAD",
    "POSITION_THRESHOLD_M",
    "acceleration",
    "body_axes",
    "dead_reckon",
    "due",
    "euler_angles",
    "rotation_angle",
]

POSITION_THRESHOLD_M = 1.0
ORIENTATION_THRESHOLD_RAD = float(np.deg2rad(3.0))
HEARTBEAT_S = 5.0


def body_axes(pos_ecef_m: NDArray[np.float64], vel_ecef_mps: NDArray[np.float64]) -> NDArray:
    """Body axes in ECEF of entities at ``pos_ecef_m`` moving along ``vel_ecef_mps``
    (both (..., 3)): (..., 3, 3) whose columns are the body x (forward), y (right) and z
    (down) unit vectors. Wings level; a zero velocity faces north, level; a vertical one
    keeps y pointing east."""
    p = np.asarray(pos_ecef_m, dtype=float)
    v = np.asarray(vel_ecef_mps, dtype=float)
    lat, lon, _ = ecef_to_geodetic_rad(p[..., 0], p[..., 1], p[..., 2])
    cl, sl, co, so = np.cos(lat), np.sin(lat), np.cos(lon), np.sin(lon)
    up = np.stack([cl * co, cl * so, sl], axis=-1)
    north = np.stack([-sl * co, -sl * so, cl], axis=-1)
    east = np.stack([-so, co, np.zeros_like(co)], axis=-1)
    speed = np.linalg.norm(v, axis=-1, keepdims=True)
    x = np.where(speed > 1e-9, v / np.where(speed > 0, speed, 1.0), north)
    y = np.cross(x, up)
    ny = np.linalg.norm(y, axis=-1, keepdims=True)
    y = np.where(ny > 1e-9, y / np.where(ny > 0, ny, 1.0), east)
    z = np.cross(x, y)
    return np.stack([x, y, z], axis=-1)


def euler_angles(axes: NDArray[np.float64]) -> NDArray[np.float64]:
    """DIS Euler angles (psi, theta, phi) [rad] (..., 3) of body axes (..., 3, 3) given in
    world coordinates (columns x, y, z): x = (cos th cos psi, cos th sin psi, -sin th),
    y_z = sin phi cos th, z_z = cos phi cos th (IEEE 1278.1-2012 Annex B)."""
    x, y, z = axes[..., 0], axes[..., 1], axes[..., 2]
    psi = np.arctan2(x[..., 1], x[..., 0])
    theta = -np.arcsin(np.clip(x[..., 2], -1.0, 1.0))
    phi = np.arctan2(y[..., 2], z[..., 2])
    return np.stack([psi, theta, phi], axis=-1)


def rotation_angle(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Angle [rad] of the rotation taking body axes ``a`` to ``b`` (both (..., 3, 3))."""
    tr = np.einsum("...ij,...ij->...", a, b)  # trace(a^T b)
    return np.arccos(np.clip((tr - 1.0) / 2.0, -1.0, 1.0))


def acceleration(
    t_s: NDArray[np.float64], vel: NDArray[np.float64], same: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Acceleration [m/s^2] (k, 3) of long-form samples (k,) sorted by entity then time:
    central differences of the velocity inside each entity's samples, one-sided at its
    ends, zero for an entity with one sample. ``same[i]`` is True when samples i and i+1
    belong to the same entity (shape (k-1,))."""
    k = t_s.shape[0]
    a = np.zeros((k, 3))
    if k < 2:
        return a
    dt = np.diff(t_s)
    with np.errstate(invalid="ignore", divide="ignore"):
        fwd = np.where((same & (dt > 0))[:, None], np.diff(vel, axis=0) / dt[:, None], np.nan)
    ahead = np.vstack([fwd, np.full((1, 3), np.nan)])  # a from sample i to i+1
    behind = np.vstack([np.full((1, 3), np.nan), fwd])  # a from sample i-1 to i
    both = np.isfinite(ahead) & np.isfinite(behind)
    a = np.where(both, (ahead + behind) / 2.0, np.where(np.isfinite(ahead), ahead, behind))
    return np.nan_to_num(a, nan=0.0)


def dead_reckon(
    p0: NDArray[np.float64], v0: NDArray[np.float64], a0: NDArray[np.float64], dt_s: NDArray
) -> NDArray[np.float64]:
    """DRM(F, V, W) position (..., 3) ``dt_s`` after a PDU with p0, v0, a0 (..., 3)."""
    dt = np.asarray(dt_s, dtype=float)[..., None]
    return p0 + v0 * dt + 0.5 * a0 * dt * dt


def due(
    t_s: NDArray[np.float64],
    pos: NDArray[np.float64],
    vel: NDArray[np.float64],
    acc: NDArray[np.float64],
    axes: NDArray[np.float64],
    valid: NDArray[np.bool_],
    forced: NDArray[np.bool_],
    *,
    position_threshold_m: float = POSITION_THRESHOLD_M,
    orientation_threshold_rad: float = ORIENTATION_THRESHOLD_RAD,
    heartbeat_s: float = HEARTBEAT_S,
) -> NDArray[np.bool_]:
    """Which samples an Entity State PDU is issued at, for n entities with up to K samples
    each (rank-aligned: sample j of entity i at ``[i, j]``, padded where ``valid`` is
    False). Shapes: t (n, K), pos/vel/acc (n, K, 3) as written in the PDUs (float32
    velocity and acceleration: what receivers use), axes (n, K, 3, 3), valid/forced
    (n, K). ``forced`` marks samples always sent (first, appearance changes, last).

    Returns (n, K) bool. The loop runs over the sample rank, vectorised over entities:
    each entity's decision depends on the last PDU it issued."""
    n, k_max = valid.shape
    out = np.zeros((n, k_max), bool)
    last_t = np.full(n, -np.inf)
    last_p = np.zeros((n, 3))
    last_v = np.zeros((n, 3))
    last_a = np.zeros((n, 3))
    last_r = np.tile(np.eye(3), (n, 1, 1))
    for j in range(k_max):
        ok = valid[:, j]
        if not ok.any():
            continue
        dt = t_s[:, j] - last_t
        first = ~np.isfinite(last_t)
        dt_safe = np.where(first, 0.0, dt)
        err = np.linalg.norm(pos[:, j] - dead_reckon(last_p, last_v, last_a, dt_safe), axis=-1)
        ang = rotation_angle(last_r, axes[:, j])
        send = ok & (
            first
            | forced[:, j]
            | (dt_safe >= heartbeat_s - 1e-9)
            | (err > position_threshold_m)
            | (ang > orientation_threshold_rad)
        )
        out[:, j] = send
        last_t = np.where(send, t_s[:, j], last_t)
        last_p = np.where(send[:, None], pos[:, j], last_p)
        last_v = np.where(send[:, None], vel[:, j], last_v)
        last_a = np.where(send[:, None], acc[:, j], last_a)
        last_r = np.where(send[:, None, None], axes[:, j], last_r)
    return out
