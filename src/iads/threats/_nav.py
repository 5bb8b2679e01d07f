"""Navigation-sphere helpers shared by the threat kernels (private).

Horizontal motion is flown on the IUGG mean-radius sphere (the sphere of
``iads.geo``'s great-circle functions): latitude/longitude are treated as spherical
coordinates there, so legs are great circles and ground speed is speed along that sphere.
Positions are then placed on WGS-84 at the ellipsoidal height ``h`` with
``geodetic_to_ecef``; ECEF velocities are the exact time derivative of that map.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.geo.ecef import geodetic_to_ecef_rad
from iads.geo.enu import enu_to_ecef_vector_rad
from iads.geo.wgs84 import MEAN_RADIUS_M, meridian_radius_m, prime_vertical_radius_m

R_NAV_M = MEAN_RADIUS_M

F64 = NDArray[np.float64]


def unit_vector(lat_rad: F64, lon_rad: F64) -> F64:
    """Unit position vector on the navigation sphere, shape broadcast + (3,)."""
    c = np.cos(lat_rad)
    return np.stack([c * np.cos(lon_rad), c * np.sin(lon_rad), np.sin(lat_rad)], axis=-1)


def lat_lon(u: F64) -> tuple[F64, F64]:
    """Spherical latitude, longitude [rad] of unit vectors ``u`` (..., 3)."""
    lat = np.arctan2(u[..., 2], np.hypot(u[..., 0], u[..., 1]))
    return lat, np.arctan2(u[..., 1], u[..., 0])


def east_north(u: F64) -> tuple[F64, F64]:
    """Local east and north unit vectors (..., 3) at unit vectors ``u`` (any east at a pole)."""
    x, y = u[..., 0], u[..., 1]
    rho = np.hypot(x, y)
    safe = rho > 1e-15
    cl = np.where(safe, x / np.where(safe, rho, 1.0), 1.0)
    sl = np.where(safe, y / np.where(safe, rho, 1.0), 0.0)
    east = np.stack([-sl, cl, np.zeros_like(cl)], axis=-1)
    north = np.cross(u, east)
    return east, north


def to_ecef(lat_rad: F64, lon_rad: F64, h_m: F64) -> F64:
    """WGS-84 ECEF position (..., 3) [m] of geodetic lat/lon [rad] and height [m]."""
    return np.stack(geodetic_to_ecef_rad(lat_rad, lon_rad, h_m), axis=-1)


def ecef_velocity(lat_rad: F64, lon_rad: F64, h_m: F64, v_e: F64, v_n: F64, v_u: F64) -> F64:
    """ECEF velocity (..., 3) [m/s] of a point moving on the navigation sphere.

    ``v_e``, ``v_n`` are east/north speeds on the sphere of radius ``R_NAV_M`` (so
    d(lat)/dt = v_n / R, d(lon)/dt = v_e / (R cos lat)), ``v_u`` = dh/dt. The result is the
    exact derivative of ``to_ecef``: east/north components scale by (N + h) / R and
    (M + h) / R (radii of curvature of WGS-84, Torge & Mueller, Geodesy, ch. 4).
    """
    ve = v_e * (prime_vertical_radius_m(lat_rad) + h_m) / R_NAV_M
    vn = v_n * (meridian_radius_m(lat_rad) + h_m) / R_NAV_M
    return np.stack(enu_to_ecef_vector_rad(ve, vn, v_u, lat_rad, lon_rad), axis=-1)


def central_angle(u: F64, w: F64) -> F64:
    """Great-circle angle [rad] between unit vectors (robust atan2 form)."""
    return np.arctan2(np.linalg.norm(np.cross(u, w), axis=-1), np.sum(u * w, axis=-1))


def bearing(u: F64, w: F64) -> F64:
    """Initial great-circle bearing [rad, clockwise from north] from ``u`` towards ``w``."""
    east, north = east_north(u)
    return np.arctan2(np.sum(w * east, axis=-1), np.sum(w * north, axis=-1))


def destination(u: F64, bearing_rad: F64, dist_m: F64) -> F64:
    """Unit vector reached from ``u`` along a great circle of initial bearing, ``dist_m`` [m]."""
    east, north = east_north(u)
    d = np.sin(bearing_rad)[..., None] * east + np.cos(bearing_rad)[..., None] * north
    a = (dist_m / R_NAV_M)[..., None]
    return np.cos(a) * u + np.sin(a) * d
