"""Local East-North-Up frames on WGS-84: the ECEF->ENU rotation, points and vectors.

The ENU frame at a reference point (lat0, lon0, h0) has its origin at that point, ``u``
along the ellipsoid normal, ``n`` towards the north pole in the tangent plane and
``e = n x u`` east. Radian kernels (``*_rad``) do no checking; the degree functions
validate and wrap them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.geo import _checks
from iads.geo.ecef import geodetic_to_ecef_rad

__all__ = [
    "ecef_to_enu",
    "ecef_to_enu_rad",
    "ecef_to_enu_vector",
    "ecef_to_enu_vector_rad",
    "enu_rotation",
    "enu_rotation_rad",
    "enu_to_ecef",
    "enu_to_ecef_rad",
    "enu_to_ecef_vector",
    "enu_to_ecef_vector_rad",
]

Arrays3 = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]


def enu_rotation_rad(lat0_rad: ArrayLike, lon0_rad: ArrayLike) -> NDArray[np.float64]:
    """Rotation matrix R taking ECEF vectors into ENU at (lat0, lon0) [rad]: v_enu = R v_ecef.

    Rows are the unit vectors e, n, u expressed in ECEF: the normalised derivatives of the
    geodetic->ECEF map with respect to longitude and latitude, and the ellipsoid normal
    (cos lat cos lon, cos lat sin lon, sin lat). Shape: broadcast(lat0, lon0).shape + (3, 3).
    A covariance transforms as R P R^T; R^T = R^-1 maps ENU back to ECEF.
    """
    lat = np.asarray(lat0_rad, dtype=float)
    lon = np.asarray(lon0_rad, dtype=float)
    sp, cp = np.sin(lat), np.cos(lat)
    sl, cl = np.sin(lon), np.cos(lon)
    sp, cp, sl, cl = np.broadcast_arrays(sp, cp, sl, cl)
    zero = np.zeros_like(sp)
    rows = (
        (-sl, cl, zero),
        (-sp * cl, -sp * sl, cp),
        (cp * cl, cp * sl, sp),
    )
    return np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)


def ecef_to_enu_vector_rad(
    vx: ArrayLike, vy: ArrayLike, vz: ArrayLike, lat0_rad: ArrayLike, lon0_rad: ArrayLike
) -> Arrays3:
    """Rotate an ECEF vector (velocity, offset: any unit) into ENU at (lat0, lon0) [rad].

    Same rows as ``enu_rotation_rad``, written out so nothing of shape (..., 3, 3) is built.
    Inputs broadcast. No checks.
    """
    vx, vy, vz, lat, lon = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (vx, vy, vz, lat0_rad, lon0_rad))
    )
    sp, cp = np.sin(lat), np.cos(lat)
    sl, cl = np.sin(lon), np.cos(lon)
    t = cl * vx + sl * vy  # component along the local meridian plane's horizontal axis
    e = -sl * vx + cl * vy
    n = -sp * t + cp * vz
    u = cp * t + sp * vz
    return e, n, u


def enu_to_ecef_vector_rad(
    ve: ArrayLike, vn: ArrayLike, vu: ArrayLike, lat0_rad: ArrayLike, lon0_rad: ArrayLike
) -> Arrays3:
    """Rotate an ENU vector at (lat0, lon0) [rad] into ECEF (the transpose rotation).

    Inputs broadcast. No checks.
    """
    ve, vn, vu, lat, lon = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (ve, vn, vu, lat0_rad, lon0_rad))
    )
    sp, cp = np.sin(lat), np.cos(lat)
    sl, cl = np.sin(lon), np.cos(lon)
    t = -sp * vn + cp * vu
    return cl * t - sl * ve, sl * t + cl * ve, cp * vn + sp * vu


def ecef_to_enu_rad(
    x_m: ArrayLike,
    y_m: ArrayLike,
    z_m: ArrayLike,
    lat0_rad: ArrayLike,
    lon0_rad: ArrayLike,
    h0_m: ArrayLike,
) -> Arrays3:
    """ECEF point [m] to ENU [m] about the reference (lat0, lon0 [rad], h0 [m]). No checks."""
    x0, y0, z0 = geodetic_to_ecef_rad(lat0_rad, lon0_rad, h0_m)
    dx = np.asarray(x_m, dtype=float) - x0
    dy = np.asarray(y_m, dtype=float) - y0
    dz = np.asarray(z_m, dtype=float) - z0
    return ecef_to_enu_vector_rad(dx, dy, dz, lat0_rad, lon0_rad)


def enu_to_ecef_rad(
    e_m: ArrayLike,
    n_m: ArrayLike,
    u_m: ArrayLike,
    lat0_rad: ArrayLike,
    lon0_rad: ArrayLike,
    h0_m: ArrayLike,
) -> Arrays3:
    """ENU [m] about the reference (lat0, lon0 [rad], h0 [m]) to an ECEF point [m]. No checks."""
    x0, y0, z0 = geodetic_to_ecef_rad(lat0_rad, lon0_rad, h0_m)
    dx, dy, dz = enu_to_ecef_vector_rad(e_m, n_m, u_m, lat0_rad, lon0_rad)
    return x0 + dx, y0 + dy, z0 + dz


def _reference(
    lat0_deg: ArrayLike, lon0_deg: ArrayLike, func: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lat0 = _checks.latitude_deg(lat0_deg, "lat0_deg", func)
    lon0 = _checks.finite(lon0_deg, "lon0_deg", func)
    return np.deg2rad(lat0), np.deg2rad(lon0)


def enu_rotation(lat0_deg: ArrayLike, lon0_deg: ArrayLike) -> NDArray[np.float64]:
    """ECEF->ENU rotation matrix at (lat0, lon0) [deg], shape broadcast(lat0, lon0) + (3, 3).

    ``R @ v_ecef`` gives ENU components of an ECEF vector (velocity, offset);
    ``R @ P @ R.T`` (``R @ P @ np.swapaxes(R, -1, -2)`` for stacks) rotates a covariance.
    """
    return enu_rotation_rad(*_reference(lat0_deg, lon0_deg, "enu_rotation"))


def ecef_to_enu_vector(
    vx: ArrayLike, vy: ArrayLike, vz: ArrayLike, lat0_deg: ArrayLike, lon0_deg: ArrayLike
) -> Arrays3:
    """Rotate an ECEF vector (e.g. velocity [m/s]) into ENU at (lat0, lon0) [deg]; broadcast."""
    func = "ecef_to_enu_vector"
    lat0, lon0 = _reference(lat0_deg, lon0_deg, func)
    return ecef_to_enu_vector_rad(vx, vy, vz, lat0, lon0)


def enu_to_ecef_vector(
    ve: ArrayLike, vn: ArrayLike, vu: ArrayLike, lat0_deg: ArrayLike, lon0_deg: ArrayLike
) -> Arrays3:
    """Rotate an ENU vector at (lat0, lon0) [deg] into ECEF; broadcast."""
    func = "enu_to_ecef_vector"
    lat0, lon0 = _reference(lat0_deg, lon0_deg, func)
    return enu_to_ecef_vector_rad(ve, vn, vu, lat0, lon0)


def ecef_to_enu(
    x_m: ArrayLike,
    y_m: ArrayLike,
    z_m: ArrayLike,
    lat0_deg: ArrayLike,
    lon0_deg: ArrayLike,
    h0_m: ArrayLike,
) -> Arrays3:
    """ECEF point x, y, z [m] to east, north, up [m] about (lat0 [deg], lon0 [deg], h0 [m]).

    All inputs broadcast; outputs have the broadcast shape. Raises ``ParameterError`` for a
    reference latitude outside [-90, 90] or a non-finite reference.
    """
    func = "ecef_to_enu"
    lat0, lon0 = _reference(lat0_deg, lon0_deg, func)
    h0 = _checks.finite(h0_m, "h0_m", func)
    return ecef_to_enu_rad(x_m, y_m, z_m, lat0, lon0, h0)


def enu_to_ecef(
    e_m: ArrayLike,
    n_m: ArrayLike,
    u_m: ArrayLike,
    lat0_deg: ArrayLike,
    lon0_deg: ArrayLike,
    h0_m: ArrayLike,
) -> Arrays3:
    """East, north, up [m] about (lat0 [deg], lon0 [deg], h0 [m]) to ECEF x, y, z [m].

    All inputs broadcast. Raises ``ParameterError`` for a bad reference point.
    """
    func = "enu_to_ecef"
    lat0, lon0 = _reference(lat0_deg, lon0_deg, func)
    h0 = _checks.finite(h0_m, "h0_m", func)
    return enu_to_ecef_rad(e_m, n_m, u_m, lat0, lon0, h0)
