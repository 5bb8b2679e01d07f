"""Unit conversions and physical constants: the one place where degrees, km, knots, Mach
and dB meet SI. Everything inside iads is SI (m, s, rad, m², W)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Physical constants (CODATA 2018 / standard values)
C_MPS = 299_792_458.0  # speed of light [m/s]
BOLTZMANN_J_PER_K = 1.380649e-23  # Boltzmann constant [J/K]
G0_MPS2 = 9.80665  # standard gravity [m/s²]
T0_K = 290.0  # IEEE standard noise reference temperature [K]
SPEED_OF_SOUND_SL_MPS = 340.294  # US Standard Atmosphere 1976, sea level [m/s]

KM = 1000.0
NMI_M = 1852.0
FT_M = 0.3048
KNOT_MPS = NMI_M / 3600.0


def deg2rad(x: ArrayLike) -> NDArray[np.float64]:
    """Degrees to radians."""
    return np.deg2rad(np.asarray(x, dtype=float))


def rad2deg(x: ArrayLike) -> NDArray[np.float64]:
    """Radians to degrees."""
    return np.rad2deg(np.asarray(x, dtype=float))


def db_to_linear(x_db: ArrayLike) -> NDArray[np.float64]:
    """Power ratio from decibels: 10^(x/10)."""
    return np.power(10.0, np.asarray(x_db, dtype=float) / 10.0)


def linear_to_db(x: ArrayLike) -> NDArray[np.float64]:
    """Power ratio to decibels: 10·log10(x)."""
    return 10.0 * np.log10(np.asarray(x, dtype=float))


def mach_to_mps(mach: ArrayLike) -> NDArray[np.float64]:
    """Mach number to m/s at the sea-level speed of sound (first-order: altitude-independent)."""
    return np.asarray(mach, dtype=float) * SPEED_OF_SOUND_SL_MPS
