"""Azimuth, elevation, slant range in a local ENU frame, and the geodetic/ECEF <-> local
conveniences (named after pymap3d's ``geodetic2enu``, ``aer2geodetic``, ...).

Azimuth is clockwise from north in [0, 2 pi) (degrees: [0, 360)), elevation above the
local tangent plane (ellipsoid normal, no refraction) in [-pi/2, pi/2]. A zero-range
point has azimuth 0 and elevation 0. Radian kernels do no checking.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.geo import _checks
from iads.geo.ecef import ecef_to_geodetic_rad, geodetic_to_ecef_rad
from iads.geo.enu import ecef_to_enu_rad, enu_to_ecef_rad

__all__ = [
    "aer_to_ecef",
    "aer_to_enu",
    "aer_to_enu_rad",
    "aer_to_geodetic",
    "ecef_to_aer",
    "enu_to_aer",
    "enu_to_aer_rad",
    "enu_to_geodetic",
    "geodetic_to_aer",
    "geodetic_to_enu",
]

Arrays3 = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]
_TWO_PI = 2.0 * np.pi


def enu_to_aer_rad(e_m: ArrayLike, n_m: ArrayLike, u_m: ArrayLike) -> Arrays3:
    """East, north, up [m] to azimuth [rad] in [0, 2 pi), elevation [rad], slant range [m].

    Inputs broadcast. No NaN anywhere: atan2(0, 0) = 0 at zero range.
    """
    e, n, u = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (e_m, n_m, u_m)))
    horiz = np.hypot(e, n)
    az = np.arctan2(e, n)
    az = np.where(az < 0.0, az + _TWO_PI, az)
    az = np.where(az >= _TWO_PI, 0.0, az)  # -tiny + 2 pi rounds to 2 pi: wrap it to 0
    el = np.arctan2(u, horiz)
    return az[()], el, np.hypot(horiz, u)


def aer_to_enu_rad(az_rad: ArrayLike, el_rad: ArrayLike, range_m: ArrayLike) -> Arrays3:
    """Azimuth [rad], elevation [rad], slant range [m] to east, north, up [m]; broadcast."""
    az, el, r = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (az_rad, el_rad, range_m))
    )
    horiz = r * np.cos(el)
    return horiz * np.sin(az), horiz * np.cos(az), r * np.sin(el)


# ----- degree API ---------------------------------------------------------------------------


def _reference(
    lat0_deg: ArrayLike, lon0_deg: ArrayLike, h0_m: ArrayLike, func: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    lat0 = _checks.latitude_deg(lat0_deg, "lat0_deg", func)
    lon0 = _checks.finite(lon0_deg, "lon0_deg", func)
    h0 = _checks.finite(h0_m, "h0_m", func)
    return np.deg2rad(lat0), np.deg2rad(lon0), h0


def _aer_rad(
    az_deg: ArrayLike, el_deg: ArrayLike, range_m: ArrayLike, func: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    az = _checks.finite(az_deg, "az_deg", func)
    el = _checks.in_range(el_deg, "el_deg", func, -90.0, 90.0, "an elevation in [-90, 90] degrees")
    r = _checks.non_negative(range_m, "range_m", func)
    return np.deg2rad(az), np.deg2rad(el), r


def enu_to_aer(e_m: ArrayLike, n_m: ArrayLike, u_m: ArrayLike) -> Arrays3:
    """East, north, up [m] to azimuth [deg] in [0, 360), elevation [deg], slant range [m]."""
    az, el, r = enu_to_aer_rad(e_m, n_m, u_m)
    return np.rad2deg(az), np.rad2deg(el), r


def aer_to_enu(az_deg: ArrayLike, el_deg: ArrayLike, range_m: ArrayLike) -> Arrays3:
    """Azimuth [deg], elevation [deg] in [-90, 90], slant range [m] >= 0 to east, north, up [m].

    Raises ``ParameterError`` for an elevation outside [-90, 90] or a negative range.
    """
    return aer_to_enu_rad(*_aer_rad(az_deg, el_deg, range_m, "aer_to_enu"))


def geodetic_to_enu(
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    h_m: ArrayLike,
    lat0_deg: ArrayLike,
    lon0_deg: ArrayLike,
    h0_m: ArrayLike,
) -> Arrays3:
    """Geodetic point (lat, lon [deg], h [m]) to east, north, up [m] about (lat0, lon0, h0)."""
    func = "geodetic_to_enu"
    lat = _checks.latitude_deg(lat_deg, "lat_deg", func)
    lon = _checks.finite(lon_deg, "lon_deg", func)
    h = _checks.finite(h_m, "h_m", func)
    ref = _reference(lat0_deg, lon0_deg, h0_m, func)
    x, y, z = geodetic_to_ecef_rad(np.deg2rad(lat), np.deg2rad(lon), h)
    return ecef_to_enu_rad(x, y, z, *ref)


def enu_to_geodetic(
    e_m: ArrayLike,
    n_m: ArrayLike,
    u_m: ArrayLike,
    lat0_deg: ArrayLike,
    lon0_deg: ArrayLike,
    h0_m: ArrayLike,
) -> Arrays3:
    """East, north, up [m] about (lat0, lon0 [deg], h0 [m]) to lat, lon [deg], h [m]."""
    func = "enu_to_geodetic"
    e = _checks.finite(e_m, "e_m", func)
    n = _checks.finite(n_m, "n_m", func)
    u = _checks.finite(u_m, "u_m", func)
    ref = _reference(lat0_deg, lon0_deg, h0_m, func)
    lat, lon, h = ecef_to_geodetic_rad(*enu_to_ecef_rad(e, n, u, *ref))
    return np.rad2deg(lat), np.rad2deg(lon), h


def geodetic_to_aer(
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    h_m: ArrayLike,
    lat0_deg: ArrayLike,
    lon0_deg: ArrayLike,
    h0_m: ArrayLike,
) -> Arrays3:
    """Geodetic target (lat, lon [deg], h [m]) seen from observer (lat0, lon0 [deg], h0 [m]):
    azimuth [deg] in [0, 360), geometric elevation [deg], slant range [m]."""
    e, n, u = geodetic_to_enu(lat_deg, lon_deg, h_m, lat0_deg, lon0_deg, h0_m)
    return enu_to_aer(e, n, u)


def aer_to_geodetic(
    az_deg: ArrayLike,
    el_deg: ArrayLike,
    range_m: ArrayLike,
    lat0_deg: ArrayLike,
    lon0_deg: ArrayLike,
    h0_m: ArrayLike,
) -> Arrays3:
    """Azimuth, elevation [deg], slant range [m] from observer (lat0, lon0 [deg], h0 [m]) to
    the target's lat, lon [deg], h [m]."""
    func = "aer_to_geodetic"
    enu = aer_to_enu_rad(*_aer_rad(az_deg, el_deg, range_m, func))
    ref = _reference(lat0_deg, lon0_deg, h0_m, func)
    lat, lon, h = ecef_to_geodetic_rad(*enu_to_ecef_rad(*enu, *ref))
    return np.rad2deg(lat), np.rad2deg(lon), h


def ecef_to_aer(
    x_m: ArrayLike,
    y_m: ArrayLike,
    z_m: ArrayLike,
    lat0_deg: ArrayLike,
    lon0_deg: ArrayLike,
    h0_m: ArrayLike,
) -> Arrays3:
    """ECEF target [m] seen from observer (lat0, lon0 [deg], h0 [m]): az, el [deg], range [m]."""
    func = "ecef_to_aer"
    x = _checks.finite(x_m, "x_m", func)
    y = _checks.finite(y_m, "y_m", func)
    z = _checks.finite(z_m, "z_m", func)
    return enu_to_aer(*ecef_to_enu_rad(x, y, z, *_reference(lat0_deg, lon0_deg, h0_m, func)))


def aer_to_ecef(
    az_deg: ArrayLike,
    el_deg: ArrayLike,
    range_m: ArrayLike,
    lat0_deg: ArrayLike,
    lon0_deg: ArrayLike,
    h0_m: ArrayLike,
) -> Arrays3:
    """Azimuth, elevation [deg], slant range [m] from observer (lat0, lon0 [deg], h0 [m]) to
    the target's ECEF x, y, z [m]."""
    func = "aer_to_ecef"
    enu = aer_to_enu_rad(*_aer_rad(az_deg, el_deg, range_m, func))
    return enu_to_ecef_rad(*enu, *_reference(lat0_deg, lon0_deg, h0_m, func))
