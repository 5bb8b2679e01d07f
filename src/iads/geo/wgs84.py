"""The WGS-84 ellipsoid: its defining constants, the derived ones, and its radii of curvature.

Every other module of ``iads.geo`` takes its earth from here. The two defining geometric
constants are from NGA.STND.0036_1.0.0_WGS84 (2014), Table 3.1; everything else is derived.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "A_M",
    "B_M",
    "E2",
    "EP2",
    "E_ECC",
    "F",
    "GM_M3PS2",
    "INV_F",
    "MEAN_RADIUS_M",
    "OMEGA_E_RADPS",
    "meridian_radius_m",
    "prime_vertical_radius_m",
    "radius_of_curvature_m",
]

# Defining parameters, NGA.STND.0036 (2014) Table 3.1.
A_M = 6_378_137.0  # semi-major axis a [m]
INV_F = 298.257223563  # reciprocal flattening 1/f
GM_M3PS2 = 3.986004418e14  # geocentric gravitational constant GM [m^3/s^2]
OMEGA_E_RADPS = 7.292115e-5  # nominal earth rotation rate [rad/s]

# Derived geometry (NGA.STND.0036 Table 3.4 lists the same values).
F = 1.0 / INV_F  # flattening f = (a - b) / a
B_M = A_M * (1.0 - F)  # semi-minor axis b = 6,356,752.3142 m
E2 = F * (2.0 - F)  # first eccentricity squared e^2 = (a^2 - b^2) / a^2
E_ECC = float(np.sqrt(E2))  # first eccentricity e
EP2 = E2 / (1.0 - E2)  # second eccentricity squared e'^2 = (a^2 - b^2) / b^2

# IUGG mean radius R1 = (2a + b) / 3 = 6,371,008.771 m (Moritz, "Geodetic Reference
# System 1980", Bull. Geod. 54 (1980); the WGS-84 value differs below 1 mm). It is the
# radius of the sphere used by the great-circle and horizon functions.
MEAN_RADIUS_M = (2.0 * A_M + B_M) / 3.0


def prime_vertical_radius_m(lat_rad: ArrayLike) -> NDArray[np.float64]:
    """Radius of curvature in the prime vertical, N = a / sqrt(1 - e^2 sin^2 lat) [m].

    ``lat_rad``: geodetic latitude [rad], any shape. Returns the same shape.
    """
    s = np.sin(np.asarray(lat_rad, dtype=float))
    return A_M / np.sqrt(1.0 - E2 * s * s)


def meridian_radius_m(lat_rad: ArrayLike) -> NDArray[np.float64]:
    """Radius of curvature in the meridian, M = a (1 - e^2) / (1 - e^2 sin^2 lat)^1.5 [m].

    ``lat_rad``: geodetic latitude [rad], any shape. Returns the same shape.
    """
    s = np.sin(np.asarray(lat_rad, dtype=float))
    return A_M * (1.0 - E2) / (1.0 - E2 * s * s) ** 1.5


def radius_of_curvature_m(lat_rad: ArrayLike, az_rad: ArrayLike) -> NDArray[np.float64]:
    """Radius of curvature of the normal section in azimuth ``az_rad`` (Euler's theorem) [m].

    1/R = cos^2(az)/M + sin^2(az)/N (Euler's theorem on normal
    curvature, e.g. Torge & Mueller, Geodesy, 4th ed., 2012, ch. 4).
    ``lat_rad`` geodetic latitude [rad], ``az_rad`` azimuth from north [rad]; broadcast.
    """
    m = meridian_radius_m(lat_rad)
    n = prime_vertical_radius_m(lat_rad)
    c = np.cos(np.asarray(az_rad, dtype=float))
    s = np.sin(np.asarray(az_rad, dtype=float))
    return (m * n) / (n * c * c + m * s * s)
