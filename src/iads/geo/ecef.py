"""Geodetic (WGS-84 latitude, longitude, ellipsoidal height) <-> ECEF cartesian coordinates.

Radian kernels (``*_rad``) do no checking and are what the engine calls; the degree
functions validate their arguments and wrap them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.geo import _checks
from iads.geo.wgs84 import A_M, E2, E_ECC

__all__ = [
    "ecef_to_geodetic",
    "ecef_to_geodetic_rad",
    "geodetic_to_ecef",
    "geodetic_to_ecef_rad",
]

Arrays3 = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]

_E4 = E2 * E2


def geodetic_to_ecef_rad(lat_rad: ArrayLike, lon_rad: ArrayLike, h_m: ArrayLike) -> Arrays3:
    """Geodetic latitude/longitude [rad] and ellipsoidal height [m] to ECEF x, y, z [m].

    Closed form (NGA.STND.0036 (2014) eq. 4.4). Inputs broadcast; outputs have the
    broadcast shape. No checks.
    """
    lat = np.asarray(lat_rad, dtype=float)
    lon = np.asarray(lon_rad, dtype=float)
    h = np.asarray(h_m, dtype=float)
    lat, lon, h = np.broadcast_arrays(lat, lon, h)  # every output gets the full shape
    sin_lat = np.sin(lat)
    cos_lat = np.cos(lat)
    n = A_M / np.sqrt(1.0 - E2 * sin_lat * sin_lat)  # prime-vertical radius N
    r_xy = (n + h) * cos_lat
    return r_xy * np.cos(lon), r_xy * np.sin(lon), (n * (1.0 - E2) + h) * sin_lat


def ecef_to_geodetic_rad(x_m: ArrayLike, y_m: ArrayLike, z_m: ArrayLike) -> Arrays3:
    """ECEF x, y, z [m] to geodetic latitude [rad], longitude [rad] in (-pi, pi], height [m].

    Exact closed form of Vermeille, H. (2011), "An analytical method to transform geocentric
    into geodetic coordinates", J. Geodesy 85:105-117: valid everywhere,
    including inside the evolute (near the centre) and on the polar axis. On the
    equatorial disc inside the evolute (z = 0, sqrt(x^2+y^2) < a e^2) the nearest ellipsoid
    point is not unique; the northern solution is returned, derived directly from the
    normal-line condition sqrt(x^2+y^2) = N e^2 cos(lat). At x = y = 0 the longitude is 0.

    Inputs broadcast; outputs have the broadcast shape. Round-trip error < 1e-7 m from the
    centre to GEO altitude (1e-8 m below 1,200 km). No checks.

    Arrays (not 0-d) of up to ``_COMPILED_MAX_POINTS`` finite points outside the evolute
    go through the compiled path (``iads.geo._jit``, the same results bit for bit in a
    few calls).
    """
    x = np.asarray(x_m, dtype=float)
    y = np.asarray(y_m, dtype=float)
    z = np.asarray(z_m, dtype=float)
    x, y, z = np.broadcast_arrays(x, y, z)
    if x.ndim and x.size <= _COMPILED_MAX_POINTS:  # 0-d: numpy's scalar math, libm's pow
        out = _compiled(x, y, z)
        if out is not None:
            return out
    rho = np.hypot(x, y)
    lon = np.arctan2(y, x)

    p = (rho / A_M) ** 2
    q = (1.0 - E2) * (z / A_M) ** 2
    r = (p + q - _E4) / 6.0
    evol = 8.0 * r**3 + _E4 * p * q  # > 0 outside the evolute of the meridian ellipse
    e4pq = _E4 * p * q

    with np.errstate(invalid="ignore", divide="ignore"):
        # Outside the evolute (every point more than ~43 km from the centre): Vermeille (2011).
        out = evol > 0.0
        rad1 = np.sqrt(np.where(out, evol, 0.0))
        rad2 = np.sqrt(e4pq)
        c1 = np.cbrt((rad1 + rad2) ** 2)
        c2 = np.cbrt((rad1 - rad2) ** 2)
        u_far = r + 0.5 * c1 + 2.0 * r * r / np.where(c1 > 0.0, c1, 1.0)
        u_mid = r + 0.5 * c1 + 0.5 * c2
        u_out = np.where(evol > 10.0 * E2, u_far, u_mid)  # split chosen to avoid cancellation
        # Inside the evolute (deep inside the earth): trigonometric solution (ibid.).
        rad1i = np.sqrt(np.where(out, 0.0, -evol))
        rad2i = np.sqrt(np.where(out, 0.0, -8.0 * r**3))
        ang = 2.0 / 3.0 * np.arctan2(rad2, rad1i + rad2i)
        u_in = -4.0 * r * np.sin(ang) * np.cos(np.pi / 6.0 + ang)
        u = np.where(out, u_out, u_in)

        v = np.sqrt(u * u + _E4 * q)
        w = E2 * (u + v - q) / (2.0 * v)
        k = (u + v) / (np.sqrt(w * w + u + v) + w)
        d = k * rho / (k + E2)
        dz = np.hypot(d, z)
        lat = 2.0 * np.arctan2(z, dz + d)
        h = (k + E2 - 1.0) * dz / k

        # Equatorial disc inside the evolute (q = 0 and evol <= 0): the formulas above are
        # 0/0 there. Normal-line condition rho = N e^2 cos(lat) solved for cos(lat).
        disc = (~out) & (q == 0.0)
        if np.any(disc):
            pd = np.where(disc, p, 0.0)
            cos_lat = np.sqrt(pd * (1.0 - E2)) / (E_ECC * np.sqrt(np.maximum(E2 - pd, 0.0)))
            cos_lat = np.clip(cos_lat, 0.0, 1.0)
            lat_disc = np.arccos(cos_lat)
            sin_d = np.sin(lat_disc)
            h_disc = -A_M * (1.0 - E2) / np.sqrt(1.0 - E2 * sin_d * sin_d)  # -N (1 - e^2)
            lat = np.where(disc, lat_disc, lat)
            h = np.where(disc, h_disc, h)
    return lat[()], lon[()], h[()]  # [()] turns 0-d arrays into scalars, keeps n-d arrays


#: Up to this many points ``ecef_to_geodetic_rad`` takes the compiled path (``_jit``: the
#: same bits in a few calls); beyond, the numpy path's per-call cost is amortized anyway.
_COMPILED_MAX_POINTS = 4096


def _compiled(x: NDArray, y: NDArray, z: NDArray) -> Arrays3 | None:
    """``ecef_to_geodetic_rad`` of broadcast arrays by the compiled path (``iads.geo._jit``,
    imported on first use: numba only when needed), or None where it does not apply."""
    from iads.geo import _jit

    if not _jit.ENABLED:
        return None
    w = np.empty((_jit.N_ROWS, x.size))
    for row, a in ((_jit.X, x), (_jit.Y, y), (_jit.Z, z)):
        np.copyto(w[row].reshape(x.shape), a)
    if not _jit.geodetic(w):
        return None
    return tuple(w[row].reshape(x.shape) for row in (_jit.LAT, _jit.LON, _jit.H))


def geodetic_to_ecef(lat_deg: ArrayLike, lon_deg: ArrayLike, h_m: ArrayLike) -> Arrays3:
    """Geodetic latitude/longitude [deg] and WGS-84 ellipsoidal height [m] to ECEF x, y, z [m].

    Inputs broadcast (any shape); outputs have the broadcast shape.
    Raises ``ParameterError`` for a latitude outside [-90, 90] or a non-finite input.
    """
    func = "geodetic_to_ecef"
    lat = _checks.latitude_deg(lat_deg, "lat_deg", func)
    lon = _checks.finite(lon_deg, "lon_deg", func)
    h = _checks.finite(h_m, "h_m", func)
    return geodetic_to_ecef_rad(np.deg2rad(lat), np.deg2rad(lon), h)


def ecef_to_geodetic(x_m: ArrayLike, y_m: ArrayLike, z_m: ArrayLike) -> Arrays3:
    """ECEF x, y, z [m] to geodetic latitude [deg], longitude [deg] in (-180, 180], height [m].

    Exact (Vermeille 2011, see ``ecef_to_geodetic_rad``); inputs broadcast.
    Raises ``ParameterError`` for a non-finite input.
    """
    func = "ecef_to_geodetic"
    x = _checks.finite(x_m, "x_m", func)
    y = _checks.finite(y_m, "y_m", func)
    z = _checks.finite(z_m, "z_m", func)
    lat, lon, h = ecef_to_geodetic_rad(x, y, z)
    return np.rad2deg(lat), np.rad2deg(lon), h
