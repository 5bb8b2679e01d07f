"""Argument checks for the public entry points of ``iads.geo`` (never called by kernels)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.errors import ParameterError


def _first_bad(arr: NDArray[np.float64], ok: NDArray[np.bool_]) -> float:
    return float(arr[~ok].flat[0])


def latitude_deg(value: ArrayLike, name: str, func: str) -> NDArray[np.float64]:
    """``value`` as a float array, checked to lie in [-90, 90] degrees (NaN rejected)."""
    return in_range(value, name, func, -90.0, 90.0, "a latitude in [-90, 90] degrees")


def in_range(
    value: ArrayLike, name: str, func: str, lo: float, hi: float, what: str
) -> NDArray[np.float64]:
    """``value`` as a float array, checked to lie in [lo, hi] (NaN rejected)."""
    arr = np.asarray(value, dtype=float)
    ok = (arr >= lo) & (arr <= hi)
    if not np.all(ok):
        raise ParameterError(name, _first_bad(arr, ok), what, func)
    return arr


def finite(value: ArrayLike, name: str, func: str, what: str = "finite") -> NDArray[np.float64]:
    """``value`` as a float array, checked finite."""
    arr = np.asarray(value, dtype=float)
    ok = np.isfinite(arr)
    if not np.all(ok):
        raise ParameterError(name, _first_bad(arr, ok), what, func)
    return arr


def non_negative(value: ArrayLike, name: str, func: str) -> NDArray[np.float64]:
    """``value`` as a float array, checked finite and >= 0."""
    arr = np.asarray(value, dtype=float)
    ok = np.isfinite(arr) & (arr >= 0.0)
    if not np.all(ok):
        raise ParameterError(name, _first_bad(arr, ok), "finite and >= 0", func)
    return arr


def positive(value: ArrayLike, name: str, func: str) -> NDArray[np.float64]:
    """``value`` as a float array, checked finite and > 0."""
    arr = np.asarray(value, dtype=float)
    ok = np.isfinite(arr) & (arr > 0.0)
    if not np.all(ok):
        raise ParameterError(name, _first_bad(arr, ok), "finite and > 0", func)
    return arr


def vectors3(value: ArrayLike, name: str, func: str) -> NDArray[np.float64]:
    """``value`` as a float array of shape (..., 3) with finite entries."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise ParameterError(
            name, f"array of shape {arr.shape}", "an array of shape (..., 3)", func
        )
    return finite(arr, name, func, "finite (no NaN or inf)")
