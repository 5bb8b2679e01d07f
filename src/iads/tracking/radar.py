"""Radar measurements in the tracker: conversion of (range, azimuth, elevation) to Cartesian
position with its covariance (for initiation and the gating prefilter), and gating in
measurement space.

Azimuth is clockwise from north and elevation above the horizontal of the sensor's local
east-north-up frame (the convention of pymap3d's aer); `rot` (m, 3, 3) turns the tracking
frame (ECEF or a common ENU) into each sensor's ENU frame.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.tracking.association import candidate_pairs
from iads.tracking.base import TrackerConfig, _chi2_ppf
from iads.tracking.kalman import inv_sym
from iads.tracking.models import radar_jacobian, radar_measure
from iads.tracking.nonlinear import AZIMUTH, wrap_angle

__all__ = ["gate_radar", "radar_to_position"]


def radar_to_position(
    z: NDArray[np.float64],
    R: NDArray[np.float64],
    sensor_xyz_m: NDArray[np.float64],
    rot: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Cartesian positions (m, 3) [m] and covariances (m, 3, 3) [m²] of radar measurements
    z (m, 3|4) (range, az, el[, range rate]) with covariances R, by first-order propagation
    through the polar-to-Cartesian conversion (Bar-Shalom et al. 2001, §10.4.3)."""
    r, az, el = z[:, 0], z[:, 1], z[:, 2]
    ce, se, ca, sa = np.cos(el), np.sin(el), np.cos(az), np.sin(az)
    local = np.stack([r * ce * sa, r * ce * ca, r * se], axis=1)
    J = np.zeros((z.shape[0], 3, 3))
    J[:, :, 0] = np.stack([ce * sa, ce * ca, se], axis=1)
    J[:, :, 1] = np.stack([r * ce * ca, -r * ce * sa, np.zeros_like(r)], axis=1)
    J[:, :, 2] = np.stack([-r * se * sa, -r * se * ca, r * ce], axis=1)
    C = J @ R[:, :3, :3] @ np.swapaxes(J, 1, 2)
    if rot is not None:
        rt = np.swapaxes(rot, 1, 2)
        local = np.einsum("mij,mj->mi", rt, local)
        C = rt @ C @ rot
    return sensor_xyz_m + local, C


def gate_radar(
    x: NDArray[np.float64], P: NDArray[np.float64], config: TrackerConfig, meas
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """Gated (track, measurement) pairs for radar measurements: a Cartesian prefilter with a
    doubled radius (the polar gate is not an ellipsoid in Cartesian space), then the
    Mahalanobis test in measurement space with the EKF linearization at each track, the
    azimuth innovation wrapped. Returns rows, cols, d2, ln det S."""
    k = meas.z.shape[1]
    G = _chi2_ppf(config.gate_probability, k)
    pos, C = radar_to_position(meas.z, meas.R, meas.sensor_xyz_m, meas.rot)
    tr_C = np.trace(C, axis1=1, axis2=2).max(initial=0.0)
    radius = 2.0 * np.sqrt(G * (np.trace(P[:, :3, :3], axis1=1, axis2=2) + tr_C))
    rows, cols = candidate_pairs(x[:, :3], radius, pos)
    rot = None if meas.rot is None else meas.rot[cols]
    s = meas.sensor_xyz_m[cols]
    H = radar_jacobian(x[rows], s, k == 4, rot)
    zp = radar_measure(x[rows], s, k == 4, rot)
    S = H @ P[rows] @ np.swapaxes(H, 1, 2) + meas.R[cols]
    nu = meas.z[cols] - zp
    nu[:, AZIMUTH] = wrap_angle(nu[:, AZIMUTH])
    d2 = np.einsum("pi,pij,pj->p", nu, inv_sym(S), nu)
    keep = d2 <= G
    return rows[keep], cols[keep], d2[keep], np.log(np.linalg.det(S[keep]))
