"""Radar horizon and line of sight over a smooth earth with first-order refraction (k-earth).

Model (first-order, standard atmosphere): refraction bends radar rays down with a constant
curvature; replacing the earth radius R by an effective radius k R (k = 4/3 for the standard
atmosphere) makes the rays straight while keeping heights and ground distances. Skolnik,
Introduction to Radar Systems, 3rd ed. (2001), section 8.4; Doerry, "Earth Curvature and
Atmospheric Refraction Effects on Radar Signal Propagation", Sandia report SAND2012-10690
(2013). Not modelled: terrain, ducting, the variation of k with height and weather.

The line-of-sight functions place the radar and the target on the sphere that osculates
WGS-84 at the radar's foot point in the target's azimuth (radius from Euler's theorem), so
that with k = 1 the elevation is exactly the geometric (ellipsoidal ENU) elevation; the
target's height above that sphere differs from its ellipsoidal height by O(d^3/R^2), tens of
metres at 400 km; the endpoints themselves are judged by their ellipsoidal heights. Heights
are above the smooth surface (bald earth: the ellipsoid, or the ellipsoid raised by
``surface_h_m``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.geo import _checks
from iads.geo.ecef import ecef_to_geodetic_rad
from iads.geo.enu import ecef_to_enu_vector_rad
from iads.geo.wgs84 import MEAN_RADIUS_M, radius_of_curvature_m

__all__ = [
    "K_STANDARD",
    "elevation_angle_rad",
    "line_of_sight_clear",
    "los_clearance_m",
    "radar_horizon_m",
]

K_STANDARD = 4.0 / 3.0  # effective-earth factor of the standard atmosphere (Skolnik 8.4)
GRAZING_TOL_M = 1e-6  # a ray grazing the surface within 1 um (rounding) counts as clear


def radar_horizon_m(
    h_radar_m: ArrayLike,
    h_target_m: ArrayLike = 0.0,
    k: float = K_STANDARD,
    radius_m: float = MEAN_RADIUS_M,
) -> NDArray[np.float64]:
    """Radar horizon [m]: the longest distance at which a target at ``h_target_m`` [m] is
    visible from a radar at ``h_radar_m`` [m] over a smooth k-earth.

    d = sqrt(2 k R h_r) + sqrt(2 k R h_t) (Skolnik 3rd ed. section 8.4), the first-order form
    (h << k R) of the tangent geometry; with k = 4/3 it is the rule
    d [km] = 4.12 (sqrt(h_r [m]) + sqrt(h_t [m])). It overestimates the exact ground arc
    to the tangent point by about h / (2 k R): 0.05 % at 10 km height, 2.4 % at 500 km.
    Broadcast. Raises ``ParameterError`` for a negative height or a non-positive ``k`` or
    ``radius_m``.
    Raises ``ParameterError`` for a negative height or a non-positive ``k`` or ``radius_m``.
    """
    func = "radar_horizon_m"
    h_r = _checks.non_negative(h_radar_m, "h_radar_m", func)
    h_t = _checks.non_negative(h_target_m, "h_target_m", func)
    ke = _checks.positive(k, "k", func)
    r = _checks.positive(radius_m, "radius_m", func)
    return np.sqrt(2.0 * ke * r * h_r) + np.sqrt(2.0 * ke * r * h_t)


def _k_earth(radar: NDArray[np.float64], target: NDArray[np.float64], k: NDArray[np.float64]):
    """Effective-earth geometry of radar/target pairs, ECEF (..., 3) [m], factor k (...).

    Returns (horizontal, vertical, rho1, r_eff, h1, h2): the radar->target vector in the
    radar's effective-earth vertical plane [m], the radar's distance to the effective
    centre [m], the effective radius [m] and both heights above the osculating sphere [m].
    """
    lat1, lon1, h1 = ecef_to_geodetic_rad(radar[..., 0], radar[..., 1], radar[..., 2])
    d = target - radar
    e, n, u = ecef_to_enu_vector_rad(d[..., 0], d[..., 1], d[..., 2], lat1, lon1)
    s = np.hypot(e, n)
    r_alpha = radius_of_curvature_m(lat1, np.arctan2(e, n))
    c = r_alpha + h1  # radar distance from the osculating sphere's centre
    w = c + u
    r2 = np.hypot(s, w)
    dh = (s * s + u * u + 2.0 * c * u) / (r2 + c)  # = r2 - c = h2 - h1, without cancellation
    h2 = h1 + dh
    theta_e = np.arctan2(s, w) / k  # ground distance kept: effective central angle theta / k
    r_eff = k * r_alpha
    rho1 = r_eff + h1
    rho2 = r_eff + h2
    horizontal = rho2 * np.sin(theta_e)
    vertical = dh - 2.0 * rho2 * np.sin(0.5 * theta_e) ** 2  # = rho2 cos(theta_e) - rho1
    return horizontal, vertical, rho1, r_eff, h1, h2


def _pair(radar_ecef: ArrayLike, target_ecef: ArrayLike, k: ArrayLike, func: str):
    radar = _checks.vectors3(radar_ecef, "radar_ecef", func)
    target = _checks.vectors3(target_ecef, "target_ecef", func)
    ke = _checks.positive(k, "k", func)
    return radar, target, ke


def elevation_angle_rad(
    radar_ecef: ArrayLike, target_ecef: ArrayLike, k: ArrayLike = K_STANDARD
) -> NDArray[np.float64]:
    """Apparent elevation [rad] of a target seen from a radar on a k-earth (first-order
    refraction): the elevation of the straight ray in the effective-earth geometry.

    ``radar_ecef``, ``target_ecef``: ECEF positions [m], shapes (..., 3), broadcast together;
    ``k`` broadcasts over the leading shape. With k = 1 this is the geometric elevation
    (same as ``ecef_to_aer``); k = 4/3 raises low targets by about d / (8 R) rad at ground
    distance d. Co-located points give 0.
    """
    radar, target, ke = _pair(radar_ecef, target_ecef, k, "elevation_angle_rad")
    horizontal, vertical, *_ = _k_earth(radar, target, ke)
    return np.arctan2(vertical, horizontal)


def los_clearance_m(
    radar_ecef: ArrayLike,
    target_ecef: ArrayLike,
    k: ArrayLike = K_STANDARD,
    surface_h_m: ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Lowest height [m] of the radar->target ray above the effective earth's surface.

    Negative: the earth's bulge (or an endpoint below the surface) blocks the ray.
    ``surface_h_m`` raises the smooth surface above the ellipsoid (e.g. the local geoid
    height, or a mean terrain height) and broadcasts like ``k``. Shapes: ECEF (..., 3)
    inputs broadcast, result (...).
    """
    func = "los_clearance_m"
    radar, target, ke = _pair(radar_ecef, target_ecef, k, func)
    surface = _checks.finite(surface_h_m, "surface_h_m", func)
    horizontal, vertical, rho1, r_eff, h1, _ = _k_earth(radar, target, ke)
    # Endpoints are judged by their true ellipsoidal heights: a target on the surface 100 km
    # away sits a few cm off the osculating sphere, which must not decide its visibility.
    h2 = ecef_to_geodetic_rad(target[..., 0], target[..., 1], target[..., 2])[2]
    # Closest approach of the segment radar + t (target - radar) to the effective centre:
    # t* = -rho1 vertical / |D|^2; it is interior when the ray starts downwards and the
    # foot of the perpendicular falls before the target.
    d2 = horizontal * horizontal + vertical * vertical
    safe = np.where(d2 > 0.0, d2, 1.0)
    t_star = -rho1 * vertical / safe
    interior = (d2 > 0.0) & (t_star > 0.0) & (t_star < 1.0)
    h_tangent = rho1 * horizontal / np.sqrt(safe) - r_eff  # |P x D| / |D| - R_eff
    lowest = np.minimum(h1, h2)
    lowest = np.where(interior, np.minimum(lowest, h_tangent), lowest)
    return lowest - surface


def line_of_sight_clear(
    radar_ecef: ArrayLike,
    target_ecef: ArrayLike,
    k: ArrayLike = K_STANDARD,
    surface_h_m: ArrayLike = 0.0,
) -> NDArray[np.bool_]:
    """True where the straight ray radar -> target clears the smooth k-earth (first-order
    refraction, default k = 4/3), i.e. ``los_clearance_m >= -1 um`` (rounding).

    Shapes: ECEF positions (..., 3) [m], broadcast together; result (...) of bool.
    Consistent with ``radar_horizon_m``: a target at height h_t is visible from height h_r
    up to ground distance about sqrt(2 k R h_r) + sqrt(2 k R h_t).
    """
    clearance = los_clearance_m(radar_ecef, target_ecef, k, surface_h_m)
    return clearance >= -GRAZING_TOL_M
