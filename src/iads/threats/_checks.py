"""Argument checks for the threat specs (run once, when a spec is built; never in kernels)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.errors import ParameterError


def positive(value: float, name: str, func: str) -> float:
    """``value`` as a float, checked finite and > 0."""
    v = float(value)
    if not (math.isfinite(v) and v > 0.0):
        raise ParameterError(name, value, "finite and > 0", func)
    return v


def non_negative(value: float, name: str, func: str) -> float:
    """``value`` as a float, checked finite and >= 0."""
    v = float(value)
    if not (math.isfinite(v) and v >= 0.0):
        raise ParameterError(name, value, "finite and >= 0", func)
    return v


def finite(value: float, name: str, func: str) -> float:
    """``value`` as a float, checked finite."""
    v = float(value)
    if not math.isfinite(v):
        raise ParameterError(name, value, "finite", func)
    return v


def in_range(value: float, name: str, func: str, lo: float, hi: float, what: str) -> float:
    """``value`` as a float, checked to lie in [lo, hi]."""
    v = float(value)
    if not (lo <= v <= hi):
        raise ParameterError(name, value, what, func)
    return v


def waypoints(value: ArrayLike, name: str, func: str, min_points: int = 2) -> NDArray[np.float64]:
    """A (k, 3) array of (lat [deg], lon [deg], h [m]) rows, k >= ``min_points``.

    Latitudes in [-90, 90], all finite, consecutive points distinct (> 1 mm apart on the
    ground) and less than 179 degrees of arc apart (a leg must define one great circle).
    Returned read-only.
    """
    arr = np.array(value, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 3 or arr.shape[0] < min_points:
        raise ParameterError(
            name,
            value,
            f"a (k, 3) array of (lat_deg, lon_deg, h_m) rows with k >= {min_points}",
            func,
        )
    if not np.all(np.isfinite(arr)):
        raise ParameterError(name, value, "finite everywhere", func)
    if np.any(np.abs(arr[:, 0]) > 90.0):
        raise ParameterError(name, value, "latitudes in [-90, 90] degrees", func)
    lat, lon = np.deg2rad(arr[:, 0]), np.deg2rad(arr[:, 1])
    u = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
    ang = np.arctan2(
        np.linalg.norm(np.cross(u[:-1], u[1:]), axis=-1), np.sum(u[:-1] * u[1:], axis=-1)
    )
    if np.any(ang * 6.371e6 < 1e-3):
        raise ParameterError(name, value, "consecutive waypoints more than 1 mm apart", func)
    if np.any(ang > np.deg2rad(179.0)):
        raise ParameterError(name, value, "consecutive waypoints under 179 degrees apart", func)
    arr.setflags(write=False)
    return arr
