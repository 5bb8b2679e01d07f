"""Per-radar terrain horizon masks: the highest elevation angle of the terrain seen from a
radar, by azimuth and ground range, over the 4/3 effective earth, so that the line of
sight of any radar-target pair is one table look-up instead of a sampled profile.

Geometry (Skolnik, *Introduction to Radar Systems*, 3rd ed., §8.4): in the effective-earth
plane of an azimuth, a point at central angle ``phi`` and height ``h`` lies at elevation
``atan2((Re + h) cos phi - (Re + hr), (Re + h) sin phi)`` from a radar at height ``hr``
(``Re = k r_alpha``, the radius of curvature in that azimuth times k). Rays are straight
there, so a target is visible over the terrain exactly when its elevation angle is not
below the largest elevation angle of the terrain at smaller range (the running maximum
tabulated here). The profile is sampled along the great circle of each of ``N_AZ``
azimuths every :func:`profile_step_m` in range (2 km on the shipped grid); a target uses
the nearest azimuth and the samples closer than it. Built once per radar site and kept
on the terrain model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.geo.horizon import GRAZING_TOL_M, K_STANDARD
from iads.geo.wgs84 import A_M, E2

__all__ = [
    "HorizonMask",
    "elevation_rad",
    "horizon_mask",
    "pairs_clear",
    "profile_step_m",
    "r_alpha_m",
]

N_AZ = 720  # 0.5 degree: 2.6 km across at 300 km, a third of the shipped 9 km cell
MAX_STEP_M = 2000.0  # a quarter of the shipped cell; finer grids and hills sample finer
MIN_STEP_M = 50.0
MAX_SAMPLES = 4000  # per azimuth: 150 m steps at 600 km (cost ~ N_AZ * MAX_SAMPLES)
MAX_RANGE_M = 800e3


def profile_step_m(terrain) -> float:
    """Range step [m] of the profiles: a quarter of the finest grid spacing or a third of
    the narrowest hill's radius, within [MIN_STEP_M, MAX_STEP_M]."""
    step = MAX_STEP_M
    if terrain.height_m.size:
        cell = min(np.min(np.diff(terrain.lat_rad)), np.min(np.diff(terrain.lon_rad)))
        step = min(step, 0.25 * float(cell) * 6.371e6)
    if terrain.hill_radius_m.size:
        step = min(step, float(terrain.hill_radius_m.min()) / 3.0)
    return max(step, MIN_STEP_M)


def r_alpha_m(lat_rad: NDArray, az_rad: NDArray) -> NDArray:
    """Radius of curvature [m] of WGS-84 at latitude ``lat_rad`` in azimuth ``az_rad``
    (Euler's theorem), as :func:`iads.sensors.geometry.los_clear` uses."""
    sl = np.sin(lat_rad)
    w2 = 1.0 - E2 * sl * sl
    n_pv = A_M / np.sqrt(w2)
    m_mer = A_M * (1.0 - E2) / (w2 * np.sqrt(w2))
    ca, sa = np.cos(az_rad), np.sin(az_rad)
    return 1.0 / (ca * ca / m_mer + sa * sa / n_pv)


def elevation_rad(phi: NDArray, h_m: NDArray, radar_h_m: NDArray, re_m: NDArray) -> NDArray:
    """Elevation [rad] of a point at effective central angle ``phi`` and height ``h_m``
    from a radar at ``radar_h_m``, on an effective earth of radius ``re_m``."""
    rho = re_m + h_m
    return np.arctan2(rho * np.cos(phi) - (re_m + radar_h_m), rho * np.sin(phi))


@dataclass(frozen=True)
class HorizonMask:
    """``max_el_rad`` (n_az, n_r): the largest terrain elevation angle [rad] at ground
    range <= ``(j + 1) * step_m`` in azimuth bin ``i`` (centred on ``i * 2 pi / n_az``)."""

    max_el_rad: NDArray[np.float64]
    step_m: float

    def clear(self, az_rad: NDArray, ground_m: NDArray, el_rad: NDArray) -> NDArray[np.bool_]:
        """True where a target at azimuth ``az_rad``, ground range ``ground_m`` [m] and
        effective-earth elevation ``el_rad`` clears the terrain in front of it (p,)."""
        n_az, n_r = self.max_el_rad.shape
        i = np.rint(np.mod(az_rad, 2 * np.pi) * (n_az / (2 * np.pi))).astype(np.int64) % n_az
        j = np.floor(ground_m / self.step_m).astype(np.int64) - 1  # samples nearer than it
        inside = j >= 0
        m = self.max_el_rad[i, np.clip(j, 0, n_r - 1)]
        tol = GRAZING_TOL_M / np.maximum(ground_m, 1.0)
        return ~inside | (el_rad >= m - tol)


def horizon_mask(terrain, lat_rad: float, lon_rad: float, h_m: float, range_m: float,
                 k: float = K_STANDARD) -> HorizonMask:
    """The :class:`HorizonMask` of a radar at geodetic ``lat_rad``, ``lon_rad``, height
    ``h_m`` out to ``range_m`` (capped at 800 km) over ``terrain`` (a TerrainModel),
    cached on the terrain model."""
    key = (round(lat_rad, 9), round(lon_rad, 9), round(h_m, 2), round(range_m), k)
    cache = terrain.__dict__.setdefault("_masks", {})
    if key in cache:
        return cache[key]
    reach_m = min(range_m, MAX_RANGE_M)
    step_m = max(profile_step_m(terrain), reach_m / MAX_SAMPLES)
    n_r = max(1, int(np.ceil(reach_m / step_m)))
    az = np.arange(N_AZ) * (2 * np.pi / N_AZ)
    s = (np.arange(n_r) + 1.0) * step_m
    ra = r_alpha_m(np.float64(lat_rad), az)[:, None]  # (n_az, 1)
    ang = s[None, :] / ra  # true central angle of each sample
    # Great circle from the radar's foot in azimuth az (spherical destination formula).
    sl, cl = np.sin(lat_rad), np.cos(lat_rad)
    lat = np.arcsin(sl * np.cos(ang) + cl * np.sin(ang) * np.cos(az)[:, None])
    lon = lon_rad + np.arctan2(np.sin(az)[:, None] * np.sin(ang) * cl,
                               np.cos(ang) - sl * np.sin(lat))  # fmt: skip
    lon = np.mod(lon + np.pi, 2 * np.pi) - np.pi
    ground = terrain(lat, lon)
    el = elevation_rad(ang / k, ground, h_m, k * ra)
    mask = HorizonMask(np.maximum.accumulate(el, axis=1), step_m)
    cache[key] = mask
    return mask


def pairs_clear(
    terrain,
    radar_lat_rad: NDArray,
    radar_lon_rad: NDArray,
    radar_h_m: NDArray,
    radar_range_m: NDArray,
    ridx: NDArray[np.int64],
    enu: NDArray,
    az_rad: NDArray,
    ground_m: NDArray,
    target_lat_rad: NDArray,
    target_lon_rad: NDArray,
    target_h_m: NDArray,
    todo: NDArray[np.bool_],
    k: float = K_STANDARD,
) -> NDArray[np.bool_]:
    """Terrain line of sight of pairs (p,) (radar ``ridx`` into the per-radar arrays, ENU
    offset, azimuth, ground range, target geodetic position) through each radar's cached
    :class:`HorizonMask`; evaluated where ``todo`` (True elsewhere). A target below the
    terrain beneath it is never clear. One loop over the radars, vectorized over pairs."""
    out = np.ones(ridx.shape, dtype=bool)
    idx = np.flatnonzero(todo)
    if idx.size == 0:
        return out
    below = target_h_m[idx] < terrain(target_lat_rad[idx], target_lon_rad[idx]) - GRAZING_TOL_M
    out[idx[below]] = False
    idx = idx[~below]
    r_of = ridx[idx]
    for r in np.unique(r_of):
        sel = idx[r_of == r]
        hr = float(radar_h_m[r])
        mask = horizon_mask(terrain, float(radar_lat_rad[r]), float(radar_lon_rad[r]), hr,
                            float(radar_range_m[r]), k)  # fmt: skip
        ra = r_alpha_m(radar_lat_rad[r], az_rad[sel])
        theta = np.arctan2(ground_m[sel], ra + hr + enu[sel, 2])  # true central angle
        el = elevation_rad(theta / k, target_h_m[sel], hr, k * ra)
        out[sel] = mask.clear(az_rad[sel], ground_m[sel], el)
    return out
