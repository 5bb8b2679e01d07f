"""Geodetic/ECEF/ENU/AER conversions against pymap3d on thousands of points.

pymap3d is an independent implementation; its forward conversion (geodetic -> ECEF) is a
closed form, exact to rounding, so the inverse is judged by a round trip through it (its own
inverse is off by centimetres above 1,000 km).
"""

from __future__ import annotations

import numpy as np
import pymap3d
import pytest

import iads.geo as geo

N = 4000
MM = 1e-3


def _points(seed: int, n: int = N):
    """Random points, plus exact poles and antimeridian, heights from -10 km to 1,200 km."""
    rng = np.random.default_rng(seed)
    lat = rng.uniform(-90.0, 90.0, n)
    lon = rng.uniform(-180.0, 180.0, n)
    h = rng.uniform(-10e3, 1.2e6, n)
    lat[:40] = np.tile([90.0, -90.0], 20)
    lon[40:80] = np.tile([180.0, -180.0], 20)
    lat[80:100] = 0.0
    h[100:120] = np.tile([-10e3, 1.2e6], 10)
    h[120:140] = 0.0
    return lat, lon, h


def test_forward_matches_pymap3d_to_a_millimetre():
    lat, lon, h = _points(1)
    ours = np.array(geo.geodetic_to_ecef(lat, lon, h))
    ref = np.array(pymap3d.geodetic2ecef(lat, lon, h))
    assert np.max(np.linalg.norm(ours - ref, axis=0)) < MM


def test_inverse_round_trips_through_pymap3d_forward():
    lat, lon, h = _points(2)
    x, y, z = pymap3d.geodetic2ecef(lat, lon, h)
    lat2, lon2, h2 = geo.ecef_to_geodetic(x, y, z)
    back = np.array(pymap3d.geodetic2ecef(lat2, lon2, h2))
    assert np.max(np.linalg.norm(back - np.array([x, y, z]), axis=0)) < MM
    assert np.max(np.abs(h2 - h)) < MM
    # 1 mm on the ground is ~1e-8 deg; a metre-level angle error would be caught
    assert np.max(np.abs(lat2 - lat)) < 1e-8
    off_pole = np.abs(lat) < 90.0
    dlon = (lon2 - lon + 180.0) % 360.0 - 180.0
    assert np.max(np.abs(dlon[off_pole] * np.cos(np.deg2rad(lat[off_pole])))) < 1e-8


def test_inverse_exact_at_poles_and_antimeridian():
    lat, lon, h = geo.ecef_to_geodetic(
        [0.0, 0.0, -6378137.0], [0.0, 0.0, 0.0], [6356752.314245179, -6456752.314245179, 0.0]
    )
    np.testing.assert_allclose(lat, [90.0, -90.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(np.abs(lon), [0.0, 0.0, 180.0], atol=1e-12)
    np.testing.assert_allclose(h, [0.0, 100e3, 0.0], atol=1e-6)


def test_inverse_has_no_nan_deep_inside_the_earth():
    # centre, polar axis, inside the evolute and on the equatorial disc
    x = np.array([0.0, 0.0, 1000.0, 42e3, 42e3, 1e-9, 3e6, 0.0])
    y = np.zeros_like(x)
    z = np.array([0.0, 1e3, 0.0, 0.0, 1e-6, 1e5, 3e6, -5e6])
    lat, lon, h = geo.ecef_to_geodetic(x, y, z)
    assert np.all(np.isfinite(lat) & np.isfinite(lon) & np.isfinite(h))
    back = np.array(pymap3d.geodetic2ecef(lat, lon, h))
    assert np.max(np.linalg.norm(back - np.array([x, y, z]), axis=0)) < MM
    assert h[0] == pytest.approx(-geo.wgs84.B_M, abs=MM)  # nearest surface point: a pole


def test_enu_matches_pymap3d():
    lat, lon, h = _points(3)
    lat0, lon0, h0 = _points(4)
    # keep targets within 2,000 km so the comparison is not dominated by large values
    lat = np.clip(lat0 + (lat - lat0) * 0.1, -90.0, 90.0)
    lon = lon0 + (lon - lon0) * 0.1
    ours = np.array(geo.geodetic_to_enu(lat, lon, h, lat0, lon0, h0))
    ref = np.array(pymap3d.geodetic2enu(lat, lon, h, lat0, lon0, h0))
    assert np.max(np.linalg.norm(ours - ref, axis=0)) < MM
    x, y, z = pymap3d.geodetic2ecef(lat, lon, h)
    ours = np.array(geo.ecef_to_enu(x, y, z, lat0, lon0, h0))
    assert np.max(np.linalg.norm(ours - ref, axis=0)) < MM
    back = np.array(geo.enu_to_ecef(*ref, lat0, lon0, h0))
    assert np.max(np.linalg.norm(back - np.array([x, y, z]), axis=0)) < MM


def test_aer_matches_pymap3d():
    lat, lon, h = _points(5)
    lat0, lon0, h0 = _points(6)
    az, el, rng = geo.geodetic_to_aer(lat, lon, h, lat0, lon0, h0)
    az_r, el_r, rng_r = pymap3d.geodetic2aer(lat, lon, h, lat0, lon0, h0)
    daz = (az - az_r + 180.0) % 360.0 - 180.0
    horiz = rng * np.cos(np.deg2rad(el))
    assert np.max(np.abs(np.deg2rad(daz) * horiz)) < MM  # azimuth error as a distance
    assert np.max(np.abs(np.deg2rad(el - el_r) * rng)) < MM
    assert np.max(np.abs(rng - rng_r)) < MM
    assert np.all((az >= 0.0) & (az < 360.0))

    lat2, lon2, h2 = geo.aer_to_geodetic(az_r, el_r, rng_r, lat0, lon0, h0)
    back = np.array(pymap3d.geodetic2ecef(lat2, lon2, h2))
    ref = np.array(pymap3d.geodetic2ecef(lat, lon, h))
    assert np.max(np.linalg.norm(back - ref, axis=0)) < MM

    x, y, z = geo.aer_to_ecef(az_r, el_r, rng_r, lat0, lon0, h0)
    assert np.max(np.linalg.norm(np.array([x, y, z]) - ref, axis=0)) < MM
    az2, el2, rng2 = geo.ecef_to_aer(*ref, lat0, lon0, h0)
    assert np.max(np.abs(rng2 - rng_r)) < MM


def test_enu_aer_pair_matches_pymap3d():
    rng = np.random.default_rng(7)
    e, n, u = rng.normal(0.0, 1e5, (3, N))
    ours = np.array(geo.enu_to_aer(e, n, u))
    ref = np.array(pymap3d.enu2aer(e, n, u))
    np.testing.assert_allclose(ours[1:], ref[1:], atol=1e-9)
    daz = (ours[0] - ref[0] + 180.0) % 360.0 - 180.0
    assert np.max(np.abs(daz)) < 1e-9
    back = np.array(geo.aer_to_enu(*ref))
    np.testing.assert_allclose(back, [e, n, u], atol=1e-6)


def test_enu_vector_matches_pymap3d():
    rng = np.random.default_rng(8)
    v = rng.normal(0.0, 300.0, (3, N))
    lat0, lon0, _ = _points(9)
    ours = np.array(geo.ecef_to_enu_vector(*v, lat0, lon0))
    ref = np.array(pymap3d.ecef2enuv(*v, lat0, lon0))
    np.testing.assert_allclose(ours, ref, atol=1e-9)
    back = np.array(geo.enu_to_ecef_vector(*ours, lat0, lon0))
    np.testing.assert_allclose(back, v, atol=1e-9)
    rot = geo.enu_rotation(lat0, lon0)
    assert rot.shape == (N, 3, 3)
    np.testing.assert_allclose(np.einsum("nij,jn->in", rot, v), ref, atol=1e-9)


def test_broadcasting_shapes():
    lat = np.linspace(-90.0, 90.0, 5)[:, None]
    lon = np.linspace(-180.0, 180.0, 7)[None, :]
    x, y, z = geo.geodetic_to_ecef(lat, lon, 100.0)
    assert x.shape == y.shape == z.shape == (5, 7)
    assert geo.ecef_to_geodetic(x, y, z)[0].shape == (5, 7)
    assert geo.enu_rotation(lat, lon).shape == (5, 7, 3, 3)
    e, n, u = geo.ecef_to_enu(x, y, z, lat, 0.0, 0.0)
    assert e.shape == (5, 7)
