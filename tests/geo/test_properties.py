"""Property-based checks (hypothesis): round trips, orthonormal rotations, and no NaN at the
poles, the antimeridian, co-located points and zero range."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import iads.geo as geo

EDGE_LATS = [90.0, -90.0, 0.0, 89.999999, -89.999999]
EDGE_LONS = [180.0, -180.0, 0.0, 179.999999, -179.999999]
lats = st.one_of(st.sampled_from(EDGE_LATS), st.floats(-90.0, 90.0))
lons = st.one_of(st.sampled_from(EDGE_LONS), st.floats(-180.0, 180.0))
heights = st.one_of(st.sampled_from([0.0, -10e3, 1.2e6]), st.floats(-10e3, 1.2e6))
offsets = st.floats(-2e6, 2e6)

FAST = settings(max_examples=150, deadline=None)


def _ecef_distance(a, b):
    return float(
        np.sqrt(sum((np.asarray(p) - np.asarray(q)) ** 2 for p, q in zip(a, b, strict=True)))
    )


@FAST
@given(lats, lons, heights)
def test_geodetic_ecef_round_trip(lat, lon, h):
    xyz = geo.geodetic_to_ecef(lat, lon, h)
    lat2, lon2, h2 = geo.ecef_to_geodetic(*xyz)
    assert np.isfinite([lat2, lon2, h2]).all()
    assert abs(h2 - h) < 1e-6
    assert _ecef_distance(geo.geodetic_to_ecef(lat2, lon2, h2), xyz) < 1e-6


@FAST
@given(lats, lons, heights, offsets, offsets, offsets)
def test_enu_ecef_round_trip(lat0, lon0, h0, e, n, u):
    xyz = geo.enu_to_ecef(e, n, u, lat0, lon0, h0)
    enu = geo.ecef_to_enu(*xyz, lat0, lon0, h0)
    assert _ecef_distance(enu, (e, n, u)) < 1e-6
    lat, lon, h = geo.enu_to_geodetic(e, n, u, lat0, lon0, h0)
    assert _ecef_distance(geo.geodetic_to_enu(lat, lon, h, lat0, lon0, h0), (e, n, u)) < 1e-6


@FAST
@given(st.floats(0.0, 360.0, exclude_max=True), st.floats(-89.9, 89.9), st.floats(1.0, 5e6))
def test_aer_enu_round_trip(az, el, rng):
    az2, el2, rng2 = geo.enu_to_aer(*geo.aer_to_enu(az, el, rng))
    assert abs(rng2 - rng) < 1e-6 * max(1.0, rng * 1e-3)
    assert abs(el2 - el) < 1e-9
    assert abs((az2 - az + 180.0) % 360.0 - 180.0) < 1e-9
    assert 0.0 <= az2 < 360.0


@FAST
@given(lats, lons)
def test_rotation_is_orthonormal_and_right_handed(lat0, lon0):
    r = geo.enu_rotation(lat0, lon0)
    np.testing.assert_allclose(r @ r.T, np.eye(3), atol=1e-15)
    assert abs(np.linalg.det(r) - 1.0) < 1e-14
    np.testing.assert_allclose(np.cross(r[0], r[1]), r[2], atol=1e-15)  # e x n = u
    # up is the ellipsoid normal: the gradient of the ellipsoid's implicit equation
    x, y, z = geo.geodetic_to_ecef(lat0, lon0, 0.0)
    grad = np.array([x, y, z / (1.0 - geo.wgs84.E2)])
    np.testing.assert_allclose(r[2], grad / np.linalg.norm(grad), atol=1e-12)


@FAST
@given(lats, lons, heights)
def test_no_nan_for_co_located_points(lat, lon, h):
    az, el, rng = geo.geodetic_to_aer(lat, lon, h, lat, lon, h)
    assert (az, el) == (0.0, 0.0) and rng < 1e-6
    xyz = np.stack(geo.geodetic_to_ecef(lat, lon, h), axis=-1)
    assert geo.elevation_angle_rad(xyz, xyz) == 0.0
    assert np.isfinite(geo.los_clearance_m(xyz, xyz))
    assert geo.great_circle_distance_m(lat, lon, lat, lon) == 0.0
    assert np.isfinite(geo.initial_bearing_deg(lat, lon, lat, lon))


@FAST
@given(lats, lons, lats, lons, heights, heights)
def test_no_nan_between_edge_points(lat1, lon1, lat2, lon2, h1, h2):
    out = [
        *geo.geodetic_to_aer(lat2, lon2, h2, lat1, lon1, h1),
        geo.great_circle_distance_m(lat1, lon1, lat2, lon2),
        geo.initial_bearing_deg(lat1, lon1, lat2, lon2),
        *geo.interpolate_great_circle(lat1, lon1, lat2, lon2, np.array([0.0, 0.3, 1.0])),
    ]
    p1 = np.stack(geo.geodetic_to_ecef(lat1, lon1, h1), axis=-1)
    p2 = np.stack(geo.geodetic_to_ecef(lat2, lon2, h2), axis=-1)
    out += [geo.elevation_angle_rad(p1, p2), geo.los_clearance_m(p1, p2)]
    assert all(np.all(np.isfinite(v)) for v in out)


@FAST
@given(lats, lons, lats, lons, lats, lons)
def test_great_circle_is_a_metric(lat1, lon1, lat2, lon2, lat3, lon3):
    d12 = geo.great_circle_distance_m(lat1, lon1, lat2, lon2)
    d21 = geo.great_circle_distance_m(lat2, lon2, lat1, lon1)
    d13 = geo.great_circle_distance_m(lat1, lon1, lat3, lon3)
    d32 = geo.great_circle_distance_m(lat3, lon3, lat2, lon2)
    assert abs(d12 - d21) < 1e-6
    assert d12 <= d13 + d32 + 1e-6
    assert d12 <= np.pi * geo.wgs84.MEAN_RADIUS_M + 1e-6


@FAST
@given(lats, lons, st.floats(0.0, 360.0), st.floats(0.0, 1.5e7))
def test_destination_bearing_distance_round_trip(lat, lon, brg, dist):
    lat2, lon2 = geo.destination_point(lat, lon, brg, dist)
    assert -180.0 <= lon2 < 180.0
    d = geo.great_circle_distance_m(lat, lon, lat2, lon2)
    assert abs(d - dist) < 1e-4
