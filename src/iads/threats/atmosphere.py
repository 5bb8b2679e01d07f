"""U.S. Standard Atmosphere 1976: temperature, pressure and density versus geometric height.

Below 86 km: the standard's defining layered model (seven layers linear in geopotential
height, hydrostatic pressure), U.S. Standard Atmosphere 1976, NOAA-S/T 76-1562, Part 1,
eqs. 18 (geopotential height), 23 (temperature), 33a/33b (pressure) and 42 (density), with
its constants R* = 8.31432 J/(mol K), M0 = 28.9644 g/mol, g0 = 9.80665 m/s^2,
r0 = 6,356,766 m. Above 86 km the standard's composition model is not reproduced: density
is interpolated log-linearly (piecewise exponential) between the standard's published
table values, and temperature is held at its 86 km value (first-order).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["density_kgpm3", "us1976"]

F64 = NDArray[np.float64]

R_STAR = 8.31432  # J/(mol K), the standard's gas constant
M0_KGPMOL = 28.9644e-3  # sea-level mean molar mass [kg/mol]
G0 = 9.80665  # m/s^2
R0_M = 6_356_766.0  # effective earth radius of the geopotential [m]
_GMR = G0 * M0_KGPMOL / R_STAR  # hydrostatic constant [K/m]

# Layer bases: geopotential height [m'], lapse rate [K/m'] (Part 1, Table 4).
_H_B = np.array([0.0, 11_000.0, 20_000.0, 32_000.0, 47_000.0, 51_000.0, 71_000.0, 84_852.0])
_L_B = np.array([-6.5e-3, 0.0, 1.0e-3, 2.8e-3, 0.0, -2.8e-3, -2.0e-3])
_T_B = np.empty(7)
_P_B = np.empty(7)
_T_B[0], _P_B[0] = 288.15, 101_325.0
for _i in range(6):
    _dh = _H_B[_i + 1] - _H_B[_i]
    _T_B[_i + 1] = _T_B[_i] + _L_B[_i] * _dh
    if _L_B[_i] == 0.0:
        _P_B[_i + 1] = _P_B[_i] * np.exp(-_GMR * _dh / _T_B[_i])
    else:
        _P_B[_i + 1] = _P_B[_i] * (_T_B[_i] / _T_B[_i + 1]) ** (_GMR / _L_B[_i])

# Published densities above 86 km (U.S. Standard Atmosphere 1976, NOAA-S/T 76-1562, Part 4,
# Table I, the rows of its abbreviated listing), geometric height [km] -> density [kg/m^3].
# Between rows the density is interpolated log-linearly (piecewise exponential).
_Z_UP = 1e3 * np.array(
    [86.0, 90.0, 95.0, 100.0, 110.0, 115.0, 120.0, 130.0, 140.0, 150.0, 160.0, 175.0, 180.0,
     200.0, 250.0, 300.0, 350.0, 400.0, 450.0, 500.0, 600.0, 700.0, 800.0, 900.0, 1000.0]
)  # fmt: skip
_LN_RHO_UP = np.log(
    [6.958e-6, 3.416e-6, 1.393e-6, 5.604e-7, 9.708e-8, 4.289e-8, 2.222e-8, 8.152e-9,
     3.831e-9, 2.076e-9, 1.233e-9, 6.339e-10, 5.194e-10, 2.541e-10, 6.073e-11, 1.916e-11,
     7.014e-12, 2.803e-12, 1.184e-12, 5.215e-13, 1.137e-13, 3.070e-14, 1.136e-14,
     5.759e-15, 3.561e-15]
)  # fmt: skip
_Z_86 = 86_000.0


def _lower(z: F64) -> tuple[F64, F64]:
    h = R0_M * z / (R0_M + z)  # geopotential height, eq. 18
    i = np.clip(np.searchsorted(_H_B, h, side="right") - 1, 0, 6)
    lapse, tb, pb, dh = _L_B[i], _T_B[i], _P_B[i], h - _H_B[i]
    t = tb + lapse * dh
    iso = lapse == 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        p_grad = pb * (tb / t) ** (_GMR / np.where(iso, 1.0, lapse))
    p = np.where(iso, pb * np.exp(-_GMR * dh / tb), p_grad)
    return t, p


def us1976(z_m: ArrayLike) -> tuple[F64, F64, F64]:
    """Temperature [K], pressure [Pa] and density [kg/m^3] at geometric height ``z_m`` [m].

    Any shape; heights below 0 use the first layer extended (down to about -5 km is
    physical); above 1000 km the last scale height is extended.
    """
    z = np.asarray(z_m, dtype=float)
    t_lo, p_lo = _lower(np.minimum(z, _Z_86))
    rho_lo = p_lo * M0_KGPMOL / (R_STAR * t_lo)  # eq. 42
    up = z > _Z_86
    if not np.any(up):
        return t_lo, p_lo, rho_lo
    rho_up = _upper_density(z)
    rho = np.where(up, rho_up, rho_lo)
    p = np.where(up, rho * R_STAR * t_lo / M0_KGPMOL, p_lo)
    return t_lo, p, rho


def _upper_density(z: F64) -> F64:
    zc = np.clip(z, _Z_86, None)
    k = np.clip(np.searchsorted(_Z_UP, zc, side="right") - 1, 0, _Z_UP.size - 2)
    slope = (_LN_RHO_UP[k + 1] - _LN_RHO_UP[k]) / (_Z_UP[k + 1] - _Z_UP[k])
    return np.exp(_LN_RHO_UP[k] + slope * (zc - _Z_UP[k]))


def density_kgpm3(z_m: ArrayLike) -> F64:
    """Density [kg/m^3] at geometric height ``z_m`` [m] (the hot-path form of ``us1976``)."""
    z = np.asarray(z_m, dtype=float)
    t, p = _lower(np.minimum(z, _Z_86))
    rho = p * M0_KGPMOL / (R_STAR * t)
    return np.where(z > _Z_86, _upper_density(z), rho)
