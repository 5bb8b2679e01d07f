"""Radar-target geometry over pairs: local ENU offset, range, azimuth, elevation, and line of
sight over the 4/3 effective earth with optional terrain masking along the ray.

The line-of-sight kernel is the hot-path form of :func:`iads.geo.los_clearance_m` (same
geometry: the radar and target on the sphere osculating WGS-84 at the radar's foot in the
target's azimuth, refraction by the effective-earth factor k, Skolnik, *Introduction to
Radar Systems*, 3rd ed., §8.4), fed with quantities the stage already has (ENU offset,
radar latitude, target height) and without argument checks; the tests hold it equal to
the ``iads.geo`` function. Terrain (first-order): the ray is sampled at ``n_samples``
points evenly spaced in ground distance; at each the ray's height above the effective
earth is compared with the terrain height there (heights are preserved by the k-earth
transformation, so the comparison is the same as over the curved true earth with a bent
ray). Samples are located on the great circle from the radar's foot to the target's foot.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.geo.horizon import GRAZING_TOL_M, K_STANDARD
from iads.geo.wgs84 import A_M, E2
from iads.sensors.terrain import TerrainModel

__all__ = ["enu_offsets", "los_clear", "target_geodetic"]


def enu_offsets(
    radar_pos: NDArray[np.float64], rot_enu: NDArray[np.float64], target_pos: NDArray[np.float64]
) -> tuple[NDArray, NDArray, NDArray, NDArray, NDArray]:
    """ENU offset (p, 3), range (p,) [m], azimuth (p,) [rad from north, clockwise] and
    elevation (p,) [rad, geometric] of targets (p, 3) ECEF from radars (p, 3) with ECEF->ENU
    rotations (p, 3, 3). Leading shapes may be any broadcastable (..., 3)."""
    d = target_pos - radar_pos
    enu = np.einsum("...ij,...j->...i", rot_enu, d)
    e, n, u = enu[..., 0], enu[..., 1], enu[..., 2]
    ground = np.hypot(e, n)
    rng = np.hypot(ground, u)
    return enu, rng, np.arctan2(e, n), np.arctan2(u, ground), ground


def target_geodetic(pos: NDArray[np.float64]) -> tuple[NDArray, NDArray, NDArray]:
    """Geodetic latitude, longitude [rad] and height [m] of ECEF points (..., 3) by two
    Bowring iterations (Bowring 1976; sub-millimetre below 1,000 km height), the hot-path
    form of :func:`iads.geo.ecef_to_geodetic_rad` (no checks)."""
    x, y, z = pos[..., 0], pos[..., 1], pos[..., 2]
    p = np.hypot(x, y)
    lon = np.arctan2(y, x)
    lat = np.arctan2(z, p * (1.0 - E2))
    for _ in range(2):
        s = np.sin(lat)
        n = A_M / np.sqrt(1.0 - E2 * s * s)
        lat = np.arctan2(z + E2 * n * s, p)
    s, c = np.sin(lat), np.cos(lat)
    n = A_M / np.sqrt(1.0 - E2 * s * s)
    # h = p cos(lat) + z sin(lat) - a^2 / N: stable at every latitude.
    h = p * c + z * s - A_M * A_M / n
    return lat, lon, h


def los_clear(
    enu: NDArray[np.float64],
    az: NDArray[np.float64],
    ground: NDArray[np.float64],
    radar_lat: NDArray[np.float64],
    radar_lon: NDArray[np.float64],
    radar_h: NDArray[np.float64],
    target_lat: NDArray[np.float64],
    target_lon: NDArray[np.float64],
    target_h: NDArray[np.float64],
    terrain: TerrainModel | None = None,
    n_samples: int = 48,
    k: float = K_STANDARD,
) -> NDArray[np.bool_]:
    """True where the ray radar -> target clears the k-earth and the terrain (shapes (p,)).

    ``enu`` (p, 3), ``az``, ``ground`` (p,) from :func:`enu_offsets`; radar and target
    geodetic coordinates [rad, m] per pair. Without terrain this equals
    ``iads.geo.line_of_sight_clear`` (both endpoints judged at their ellipsoidal heights).
    """
    u = enu[..., 2]
    sl = np.sin(radar_lat)
    w2 = 1.0 - E2 * sl * sl
    n_pv = A_M / np.sqrt(w2)
    m_mer = A_M * (1.0 - E2) / (w2 * np.sqrt(w2))
    ca, sa = np.cos(az), np.sin(az)
    r_alpha = 1.0 / (ca * ca / m_mer + sa * sa / n_pv)  # Euler's theorem
    c = r_alpha + radar_h
    w = c + u
    r2 = np.hypot(ground, w)
    dh = (ground * ground + u * u + 2.0 * c * u) / (r2 + c)
    theta_e = np.arctan2(ground, w) / k
    r_eff = k * r_alpha
    rho1 = r_eff + radar_h
    rho2 = rho1 + dh
    horiz = rho2 * np.sin(theta_e)
    vert = dh - 2.0 * rho2 * np.sin(0.5 * theta_e) ** 2
    d2 = horiz * horiz + vert * vert
    safe = np.where(d2 > 0.0, d2, 1.0)
    t_star = -rho1 * vert / safe
    interior = (d2 > 0.0) & (t_star > 0.0) & (t_star < 1.0)
    h_tan = rho1 * horiz / np.sqrt(safe) - r_eff
    lowest = np.minimum(radar_h, target_h)
    lowest = np.where(interior, np.minimum(lowest, h_tan), lowest)
    clear = lowest >= -GRAZING_TOL_M
    if terrain is None:
        return clear
    # Terrain: endpoints above their own terrain, and every ray sample above the terrain.
    clear &= target_h >= terrain(target_lat, target_lon) - GRAZING_TOL_M
    # Only rays dipping below the highest terrain can be masked: sample those alone.
    todo = np.flatnonzero(clear & (lowest < terrain.max_height_m))
    if todo.size == 0:
        return clear
    f = (np.arange(1, n_samples + 1) / (n_samples + 1))[None, :]  # ground fractions
    th = theta_e[todo, None]
    phi = f * th  # effective central angle of each sample
    # Height of the straight chord above the effective sphere at central angle phi: the
    # chord from (0, rho1) to (horiz, rho1 + vert) in the plane through the centre.
    x1, y1 = 0.0, rho1[todo, None]
    x2, y2 = horiz[todo, None], rho1[todo, None] + vert[todo, None]
    sp, cp = np.sin(phi), np.cos(phi)
    # Intersection of the chord with the ray from the centre at angle phi (2-D lines).
    num = x1 * y2 - y1 * x2
    den = sp * (y2 - y1) - cp * (x2 - x1)
    ray_r = num / np.where(np.abs(den) > 0, den, 1e-300)
    ray_h = ray_r - r_eff[todo, None]
    lat_s, lon_s = _slerp(radar_lat[todo], radar_lon[todo], target_lat[todo],
                          target_lon[todo], f)  # fmt: skip
    blocked = np.any(ray_h < terrain(lat_s, lon_s) - GRAZING_TOL_M, axis=1)
    clear[todo[blocked]] = False
    return clear


def _slerp(lat1, lon1, lat2, lon2, f):
    """Points at fractions ``f`` (1, s) along the great circles (p,) -> lat, lon (p, s)."""
    c1, c2 = np.cos(lat1), np.cos(lat2)
    a = np.stack([c1 * np.cos(lon1), c1 * np.sin(lon1), np.sin(lat1)], -1)
    b = np.stack([c2 * np.cos(lon2), c2 * np.sin(lon2), np.sin(lat2)], -1)
    ang = np.arccos(np.clip(np.sum(a * b, -1), -1.0, 1.0))[:, None]
    s = np.sin(ang)
    small = s < 1e-12
    wa = np.where(small, 1.0 - f, np.sin((1.0 - f) * ang) / np.where(small, 1.0, s))
    wb = np.where(small, f, np.sin(f * ang) / np.where(small, 1.0, s))
    v = wa[..., None] * a[:, None, :] + wb[..., None] * b[:, None, :]
    return np.arctan2(v[..., 2], np.hypot(v[..., 0], v[..., 1])), np.arctan2(v[..., 1], v[..., 0])
