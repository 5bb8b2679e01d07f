"""The compiled path of ``ecef_to_geodetic_rad`` (iads.geo._jit) against its numpy
reference: the same bits on random points from the ground to beyond GEO, the same shapes
and scalars, and the numpy path kept for what is not compiled (the evolute, non-finite
points, large inputs). Bit equality needs numpy's ``hypot`` to be libm's (as on every
glibc machine); elsewhere a relative tolerance of 1e-12 holds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numba import njit

from iads.geo import _jit, ecef, ecef_to_geodetic_rad, geodetic_to_ecef_rad


@njit
def _hypot(x, y):
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = math.hypot(x[i], y[i])
    return out


_X = np.linspace(-3e7, 3e7, 20001)
_EXACT = np.array_equal(_hypot(_X, _X[::-1] * 0.3), np.hypot(_X, _X[::-1] * 0.3))


def _both(monkeypatch, *xyz):
    """(reference, compiled) outputs of ecef_to_geodetic_rad."""
    out = []
    for enabled in (False, True):
        monkeypatch.setattr(_jit, "ENABLED", enabled)
        out.append(ecef_to_geodetic_rad(*xyz))
    return out


def _same(a, b) -> None:
    for u, v in zip(a, b, strict=True):
        assert type(u) is type(v) and np.shape(u) == np.shape(v)
        if _EXACT:
            assert np.array_equal(u, v, equal_nan=True)
        else:
            np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-9)


def test_random_points_equal_the_reference(monkeypatch) -> None:
    rng = np.random.default_rng(2)
    n = 4000
    lat, lon = rng.uniform(-np.pi / 2, np.pi / 2, n), rng.uniform(-np.pi, np.pi, n)
    h = np.concatenate([rng.uniform(-5e3, 5e4, n // 2), rng.uniform(5e4, 4e7, n // 2)])
    x, y, z = geodetic_to_ecef_rad(lat, lon, h)
    x[:5], y[:5], z[5:10] = 0.0, 0.0, 0.0  # the polar axis, the equatorial plane
    ref, got = _both(monkeypatch, x, y, z)
    _same(got, ref)
    assert isinstance(got[0], np.ndarray) and got[0].shape == (n,)
    assert ecef._compiled(x, y, z) is not None  # every point took the compiled path


@pytest.mark.parametrize("shape", [(), (1,), (3, 4)])  # (): the numpy path (scalar math)
def test_shapes_scalars_and_broadcasting(monkeypatch, shape) -> None:
    rng = np.random.default_rng(len(shape))
    x = rng.uniform(3e6, 7e6, shape)
    ref, got = _both(monkeypatch, x, 1.5e6, rng.uniform(-4e6, 4e6, shape))
    _same(got, ref)
    ref, got = _both(monkeypatch, 6378137, 0, 0)  # Python ints
    _same(got, ref)
    assert isinstance(got[2], np.float64)
    ref, got = _both(monkeypatch, [4119328.29033134], 2630936.9363646, 4085271.16854203)
    _same(got, ref)  # a 0-d call would differ: numpy's scalar pow is libm's


def test_what_is_not_compiled_takes_the_numpy_path(monkeypatch) -> None:
    calls = []
    compiled = _jit.geodetic
    monkeypatch.setattr(_jit, "geodetic", lambda w: calls.append(w.shape[1]) or compiled(w))
    pts = [
        ([6.4e6, 1e4], [0.0, 2e4], [1e5, 0.0]),  # inside the evolute (22 km from the centre)
        ([6.4e6, np.nan], [0.0, 1.0], [1e5, 1.0]),  # not finite
        ([6.4e6, np.inf], [0.0, 1.0], [1e5, 1.0]),
    ]
    for x, y, z in pts:
        ref, got = _both(monkeypatch, np.array(x), np.array(y), np.array(z))
        _same(got, ref)
    assert calls == [2, 2, 2]
    big = np.full(ecef._COMPILED_MAX_POINTS + 1, 7e6)
    ref, got = _both(monkeypatch, big, 0.0, 0.0)
    _same(got, ref)
    assert len(calls) == 3
