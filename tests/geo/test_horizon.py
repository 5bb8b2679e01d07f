"""Radar horizon and k-earth line of sight.

References: the 4.12 (sqrt(h_r) + sqrt(h_t)) km rule (Skolnik, Introduction to Radar
Systems, 3rd ed., section 8.4); exact circle geometry along the equator, where the WGS-84
section is a circle of radius a; pymap3d's geometric elevation for k = 1.
"""

from __future__ import annotations

import numpy as np
import pymap3d
import pytest

import iads.geo as geo
from iads.errors import ParameterError
from iads.geo.wgs84 import A_M, meridian_radius_m

K = 4.0 / 3.0


def _equator(lon_deg, h_m):
    return np.stack(geo.geodetic_to_ecef(0.0, lon_deg, h_m), axis=-1)


def _grazing_angle_rad(h1, h2, k=K, r=A_M):
    """Exact central angle (true earth) at which the ray between heights h1, h2 grazes a
    sphere of radius r on the k-earth: two tangent segments on the effective sphere."""
    re = k * r
    return k * (np.arccos(re / (re + h1)) + np.arccos(re / (re + h2)))


@pytest.mark.parametrize("h_r", [1.0, 10.0, 30.0, 300.0, 3000.0, 20000.0])
@pytest.mark.parametrize("h_t", [0.0, 50.0, 1000.0, 10000.0])
def test_horizon_matches_the_4_12_km_rule(h_r, h_t):
    rule_m = 4120.0 * (np.sqrt(h_r) + np.sqrt(h_t))
    assert geo.radar_horizon_m(h_r, h_t) == pytest.approx(rule_m, rel=0.005)


def test_horizon_broadcasts_and_is_zero_at_zero_height():
    d = geo.radar_horizon_m(np.array([0.0, 100.0])[:, None], np.array([0.0, 100.0, 400.0]))
    assert d.shape == (2, 3)
    assert d[0, 0] == 0.0
    np.testing.assert_allclose(d[1, 2] / d[1, 1], 1.5)  # sqrt(100) + sqrt(400) = 30 vs 20


@pytest.mark.parametrize("h_r,h_t", [(10.0, 0.0), (30.0, 100.0), (500.0, 5000.0), (5.0, 1.2e4)])
def test_line_of_sight_flips_at_the_radar_horizon_along_a_meridian(h_r, h_t):
    # radar on the equator looking north: the local radius is the meridian radius M(0)
    m0 = float(meridian_radius_m(0.0))
    d = geo.radar_horizon_m(h_r, h_t, radius_m=m0)
    dlat = np.rad2deg(np.array([0.99, 1.01]) * d / m0)
    radar = np.stack(geo.geodetic_to_ecef(0.0, 30.0, h_r), axis=-1)
    target = np.stack(geo.geodetic_to_ecef(dlat, 30.0, h_t), axis=-1)
    assert geo.line_of_sight_clear(radar, target).tolist() == [True, False]


@pytest.mark.parametrize("k", [1.0, K, 2.0])
@pytest.mark.parametrize("h1,h2", [(10.0, 0.0), (100.0, 3000.0), (2e4, 4e5)])
def test_clearance_is_zero_at_exact_grazing_on_the_equator(k, h1, h2):
    ang = _grazing_angle_rad(h1, h2, k)
    lon = np.rad2deg(ang) * np.array([0.999, 1.0, 1.001]) - 60.0
    radar, target = _equator(-60.0, h1), _equator(lon, h2)
    c = geo.los_clearance_m(radar, target, k)
    assert abs(c[1]) < 1e-3
    assert c[0] >= 0.0 > c[2]  # inside the horizon the lowest point may be the target itself
    assert geo.line_of_sight_clear(radar, target[[0, 2]], k).tolist() == [True, False]


@pytest.mark.parametrize("k", [1.0, K, 4.0])
def test_mid_path_clearance_is_the_effective_sagitta(k):
    h = 500.0
    ang = np.deg2rad(np.array([0.1, 0.5, 1.0, 2.0]))
    radar, target = _equator(170.0, h), _equator(170.0 + np.rad2deg(ang), h)  # crosses 180
    expected = (k * A_M + h) * np.cos(ang / (2.0 * k)) - k * A_M
    np.testing.assert_allclose(geo.los_clearance_m(radar, target, k), expected, atol=1e-6)


def test_elevation_on_the_equator_matches_circle_geometry():
    h1, h2 = 50.0, np.array([10.0, 1e3, 1e4, 1e5])
    ang = np.deg2rad(np.array([0.2, 1.0, 2.0, 5.0]))
    re = K * A_M
    th = ang / K
    expected = np.arctan2((re + h2) * np.cos(th) - (re + h1), (re + h2) * np.sin(th))
    el = geo.elevation_angle_rad(_equator(0.0, h1), _equator(-np.rad2deg(ang), h2))
    np.testing.assert_allclose(el, expected, atol=1e-12)


def test_elevation_with_k_one_is_the_geometric_elevation():
    rng = np.random.default_rng(21)
    n = 2000
    lat0, lon0 = rng.uniform(-90.0, 90.0, n), rng.uniform(-180.0, 180.0, n)
    lat = np.clip(lat0 + rng.uniform(-5.0, 5.0, n), -90.0, 90.0)
    lon = lon0 + rng.uniform(-5.0, 5.0, n)
    h0, h = rng.uniform(0.0, 3e3, n), rng.uniform(0.0, 2e4, n)
    radar = np.stack(pymap3d.geodetic2ecef(lat0, lon0, h0), axis=-1)
    target = np.stack(pymap3d.geodetic2ecef(lat, lon, h), axis=-1)
    _, el_ref, _ = pymap3d.ecef2aer(*target.T, lat0, lon0, h0)
    el = geo.elevation_angle_rad(radar, target, k=1.0)
    assert np.max(np.abs(el - np.deg2rad(el_ref))) < 1e-9
    # standard refraction lifts every target, by about d / (8 R) at ground distance d
    assert np.all(geo.elevation_angle_rad(radar, target) >= el - 1e-12)


def test_zenith_clear_and_below_ground_blocked():
    radar = _equator(0.0, 0.0)
    assert geo.line_of_sight_clear(radar, _equator(0.0, 1e4))
    assert not geo.line_of_sight_clear(radar, _equator(0.0, -1.0))
    # a target 1 km below a raised surface is blocked; the same target over the ellipsoid is not
    assert not geo.line_of_sight_clear(_equator(0.0, 10.0), _equator(0.01, 0.0), surface_h_m=1.0)
    assert geo.line_of_sight_clear(_equator(0.0, 10.0), _equator(0.01, 0.0))


def test_no_nan_at_poles_co_located_and_antimeridian():
    pole = np.stack(geo.geodetic_to_ecef(90.0, 0.0, 100.0), axis=-1)
    points = np.stack(
        geo.geodetic_to_ecef([90.0, 89.9, -90.0, 0.0], [0.0, 180.0, 0.0, -180.0], 100.0), axis=-1
    )
    for k in (1.0, K):
        for f in (geo.elevation_angle_rad, geo.los_clearance_m):
            assert np.all(np.isfinite(f(pole, points, k)))
            assert np.all(np.isfinite(f(points, points, k)))
    assert geo.elevation_angle_rad(pole, pole) == 0.0
    assert geo.line_of_sight_clear(pole, pole)
    assert not geo.line_of_sight_clear(pole, points[2])  # the other pole


def test_broadcasting_radars_against_targets():
    radars = _equator(np.array([0.0, 1.0, 2.0]), 20.0)[:, None, :]
    targets = _equator(np.linspace(0.0, 3.0, 5), 1e3)[None, :, :]
    assert geo.line_of_sight_clear(radars, targets).shape == (3, 5)
    assert geo.elevation_angle_rad(radars, targets, np.array([1.0, K, 2.0])[:, None]).shape == (
        3,
        5,
    )


def test_invalid_arguments_raise_parameter_error():
    with pytest.raises(ParameterError, match="h_radar_m"):
        geo.radar_horizon_m(-1.0)
    with pytest.raises(ParameterError, match="h_target_m"):
        geo.radar_horizon_m(10.0, np.array([1.0, -2.0]))
    with pytest.raises(ParameterError, match="'k'"):
        geo.radar_horizon_m(10.0, k=0.0)
    with pytest.raises(ParameterError, match="radar_ecef"):
        geo.line_of_sight_clear(np.zeros(2), np.zeros(3))
    with pytest.raises(ParameterError, match="target_ecef"):
        geo.elevation_angle_rad(np.zeros(3), np.array([np.nan, 0.0, 0.0]))
    with pytest.raises(ParameterError, match="'k'"):
        geo.los_clearance_m(np.zeros(3), np.ones(3), k=-1.0)


def test_surface_targets_anywhere_are_seen_inside_the_horizon_only():
    rng = np.random.default_rng(22)
    n = 1000
    lat0, lon0 = rng.uniform(-89.0, 89.0, n), rng.uniform(-180.0, 180.0, n)
    h_r = rng.uniform(5.0, 2000.0, n)
    d = geo.radar_horizon_m(h_r) * np.where(np.arange(n) % 2 == 0, 0.7, 1.3)
    lat, lon = geo.destination_point(lat0, lon0, rng.uniform(0.0, 360.0, n), d)
    radar = np.stack(geo.geodetic_to_ecef(lat0, lon0, h_r), axis=-1)
    target = np.stack(geo.geodetic_to_ecef(lat, lon, 0.0), axis=-1)
    clear = geo.line_of_sight_clear(radar, target)
    assert clear[::2].all() and not clear[1::2].any()
