"""Great-circle distance, bearing, destination and interpolation.

Published reference: the worked LAX -> JFK examples of E. Williams, "Aviation Formulary"
(V1.46): LAX 33deg57'N 118deg24'W, JFK 40deg38'N 73deg47'W; distance 0.623585 rad
(2144 nm), initial course 1.150035 rad (66 deg); 100 nm from LAX on the 66 deg radial is
34deg37'N 116deg33'W; the point 40 % of the way is 38.669 N, 101.63 W.
Ellipsoidal reference: Vincenty's inverse (pymap3d.vincenty.vdist).
"""

from __future__ import annotations

import numpy as np
import pytest
from pymap3d.vincenty import vdist

import iads.geo as geo
from iads.geo.wgs84 import MEAN_RADIUS_M

LAX = (33.0 + 57.0 / 60.0, -(118.0 + 24.0 / 60.0))
JFK = (40.0 + 38.0 / 60.0, -(73.0 + 47.0 / 60.0))
NM_RAD = np.pi / (180.0 * 60.0)  # one nautical mile = one arc-minute of great circle


def test_mean_radius_is_iugg_r1():
    assert MEAN_RADIUS_M == pytest.approx(6_371_008.8, abs=0.05)


def test_lax_jfk_distance_and_course_match_the_aviation_formulary():
    d = geo.great_circle_distance_m(*LAX, *JFK)
    assert d / MEAN_RADIUS_M == pytest.approx(0.623585, abs=1e-6)
    assert d / MEAN_RADIUS_M / NM_RAD == pytest.approx(2144.0, abs=0.5)
    assert np.deg2rad(geo.initial_bearing_deg(*LAX, *JFK)) == pytest.approx(1.150035, abs=1e-6)


def test_lax_radial_point_matches_the_aviation_formulary():
    lat, lon = geo.destination_point(*LAX, 66.0, 100.0 * NM_RAD * MEAN_RADIUS_M)
    assert lat == pytest.approx(34.0 + 37.0 / 60.0, abs=0.5 / 60.0)
    assert lon == pytest.approx(-(116.0 + 33.0 / 60.0), abs=0.5 / 60.0)


def test_lax_jfk_intermediate_point_matches_the_aviation_formulary():
    lat, lon = geo.interpolate_great_circle(*LAX, *JFK, 0.4)
    assert lat == pytest.approx(38.669, abs=1e-3)
    assert lon == pytest.approx(-101.63, abs=1e-2)


def test_distance_within_spherical_tolerance_of_vincenty():
    rng = np.random.default_rng(11)
    n = 500
    lat1, lat2 = rng.uniform(-89.0, 89.0, (2, n))
    lon1, lon2 = rng.uniform(-180.0, 180.0, (2, n))
    ref, _ = vdist(lat1, lon1, lat2, lon2)
    ours = geo.great_circle_distance_m(lat1, lon1, lat2, lon2)
    # a sphere of radius R1 is within about 0.55 % of the WGS-84 geodesic
    assert np.max(np.abs(ours / ref - 1.0)) < 0.006


def test_quarter_meridian_and_antipodes():
    quarter = 0.5 * np.pi * MEAN_RADIUS_M
    assert geo.great_circle_distance_m(0.0, 0.0, 90.0, 0.0) == pytest.approx(quarter, rel=1e-14)
    d = geo.great_circle_distance_m(10.0, 20.0, -10.0, -160.0)
    assert d == pytest.approx(2.0 * quarter, rel=1e-14)
    # across the antimeridian: 179 E to 179 W on the equator is 2 degrees, not 358
    d = geo.great_circle_distance_m(0.0, 179.0, 0.0, -179.0)
    assert d == pytest.approx(np.deg2rad(2.0) * MEAN_RADIUS_M, rel=1e-12)


def test_cardinal_bearings():
    assert geo.initial_bearing_deg(0.0, 0.0, 10.0, 0.0) == pytest.approx(0.0, abs=1e-12)
    assert geo.initial_bearing_deg(0.0, 0.0, 0.0, 10.0) == pytest.approx(90.0, abs=1e-12)
    assert geo.initial_bearing_deg(0.0, 0.0, -10.0, 0.0) == pytest.approx(180.0, abs=1e-12)
    assert geo.initial_bearing_deg(0.0, 0.0, 0.0, -10.0) == pytest.approx(270.0, abs=1e-12)
    assert geo.initial_bearing_deg(0.0, 179.5, 0.0, -179.5) == pytest.approx(90.0, abs=1e-9)


def test_bearing_destination_round_trip():
    rng = np.random.default_rng(12)
    n = 2000
    lat1, lat2 = rng.uniform(-90.0, 90.0, (2, n))
    lon1, lon2 = rng.uniform(-180.0, 180.0, (2, n))
    brg = geo.initial_bearing_deg(lat1, lon1, lat2, lon2)
    d = geo.great_circle_distance_m(lat1, lon1, lat2, lon2)
    lat3, lon3 = geo.destination_point(lat1, lon1, brg, d)
    miss = geo.great_circle_distance_m(lat2, lon2, lat3, lon3)
    ok = d < 0.999 * np.pi * MEAN_RADIUS_M  # near-antipodal bearings are ill-conditioned
    assert np.max(miss[ok]) < 1e-4
    assert np.all((lon3 >= -180.0) & (lon3 < 180.0))


def test_interpolation_is_equally_spaced_on_the_great_circle():
    f = np.linspace(0.0, 1.0, 11)
    lat, lon = geo.interpolate_great_circle(*LAX, *JFK, f)
    assert lat[0] == pytest.approx(LAX[0]) and lon[-1] == pytest.approx(JFK[1])
    steps = geo.great_circle_distance_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
    total = geo.great_circle_distance_m(*LAX, *JFK)
    np.testing.assert_allclose(steps, total / 10.0, rtol=1e-9)

    # every point lies on the plane of the great circle through both ends
    def nvec(la, lo):
        la, lo = np.deg2rad(la), np.deg2rad(lo)
        return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], -1)

    normal = np.cross(nvec(*LAX), nvec(*JFK))
    assert np.max(np.abs(nvec(lat, lon) @ normal)) < 1e-12


def test_interpolation_of_co_located_points_has_no_nan():
    lat, lon = geo.interpolate_great_circle(45.0, 10.0, 45.0, 10.0, np.linspace(0, 1, 5))
    np.testing.assert_allclose(lat, 45.0)
    np.testing.assert_allclose(lon, 10.0)
