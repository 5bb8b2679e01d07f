"""First-order waypoint flight and Truth interpolation, checked against pymap3d and closed forms."""

from __future__ import annotations

import numpy as np
import pymap3d
import pytest
from pymap3d.haversine import anglesep

from iads.errors import ParameterError
from iads.geo.wgs84 import MEAN_RADIUS_M
from iads.threats import Truth, WaypointFlight, fly


def _sphere_dist_m(lat0, lon0, lat1, lon1):
    # pymap3d's angular separation (Vincenty formula on the sphere), in metres on R1.
    ang = np.array(
        [
            anglesep(a, b, c, d, deg=False)
            for a, b, c, d in zip(
                np.deg2rad(lon0), np.deg2rad(lat0), np.deg2rad(lon1), np.deg2rad(lat1), strict=True
            )
        ]
    )
    return ang * MEAN_RADIUS_M


def _geodetic(pos):
    lat, lon, h = pymap3d.ecef2geodetic(pos[..., 0], pos[..., 1], pos[..., 2])
    return np.asarray(lat), np.asarray(lon), np.asarray(h)


def test_covers_speed_times_time_on_a_straight_leg():
    wp = np.array([[48.0, 2.0, 5000.0], [52.0, 13.0, 5000.0]])  # ~ 800 km leg
    spec = WaypointFlight(wp, speed_mps=270.0, launch_t_s=20.0)
    truth = fly([spec], duration_s=1200.0)
    k = np.arange(20, 1200, 37)
    lat, lon, h = _geodetic(truth.pos_ecef_m[k, 0])
    d = _sphere_dist_m(np.full(k.size, 48.0), np.full(k.size, 2.0), lat, lon)
    np.testing.assert_allclose(d[1:], 270.0 * (truth.t_s[k] - 20.0)[1:], rtol=1e-6)
    np.testing.assert_allclose(h, 5000.0, atol=1e-6)


def test_arrives_at_last_waypoint_at_end_time():
    wp = np.array([[10.0, 20.0, 100.0], [10.5, 20.3, 300.0], [10.2, 21.0, 300.0], [9.9, 21.1, 0.0]])
    spec = WaypointFlight(wp, speed_mps=200.0, launch_t_s=5.0)
    truth = fly([spec], duration_s=2000.0)
    total = _sphere_dist_m(wp[:-1, 0], wp[:-1, 1], wp[1:, 0], wp[1:, 1]).sum()
    assert truth.end_t_s[0] == pytest.approx(5.0 + total / 200.0, rel=1e-9)
    pos, _, active = truth.state_at(float(truth.end_t_s[0]) - 1e-9)
    target = np.array(pymap3d.geodetic2ecef(9.9, 21.1, 0.0))
    np.testing.assert_allclose(pos[0], target, atol=1e-3)
    assert active[0]
    assert not truth.state_at(float(truth.end_t_s[0]))[2][0]
    # Every interior waypoint is passed, at the time its cumulative distance says.
    cum = np.cumsum(_sphere_dist_m(wp[:-1, 0], wp[:-1, 1], wp[1:, 0], wp[1:, 1]))
    # (launch shifted so that each passage falls on a sample: corners are not interpolated)
    for c, point in zip(cum[:-1], wp[1:-1], strict=True):
        t_pass = float(np.ceil(c / 200.0))
        shifted = fly([WaypointFlight(wp, 200.0, t_pass - c / 200.0)], t_pass + 1.0)
        p = shifted.pos_ecef_m[int(t_pass), 0]
        np.testing.assert_allclose(p, pymap3d.geodetic2ecef(*point), atol=1e-3)


def test_constant_altitude_overrides_waypoint_heights():
    wp = np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 9000.0]])
    truth = fly([WaypointFlight(wp, 300.0, altitude_m=30.0)], 300.0)
    _, _, h = _geodetic(truth.pos_ecef_m[:, 0])
    np.testing.assert_allclose(h, 30.0, atol=1e-6)


def test_velocity_is_the_derivative_of_position():
    wp = np.array([[60.0, 10.0, 0.0], [61.0, 12.0, 3000.0], [60.5, 14.0, 1000.0]])
    truth = fly([WaypointFlight(wp, 250.0)], 400.0, dt_sample_s=0.05)
    fd = (truth.pos_ecef_m[2:] - truth.pos_ecef_m[:-2]) / 0.1
    mid = truth.vel_ecef_mps[1:-1]
    # Away from the instant turn at the waypoint the central difference is O(dt^2) exact.
    t_turn = truth.t_s[np.argmax(np.linalg.norm(np.diff(truth.vel_ecef_mps[:, 0], axis=0), axis=1))]
    smooth = np.abs(truth.t_s[1:-1] - t_turn) > 0.2
    np.testing.assert_allclose(fd[smooth, 0], mid[smooth, 0], atol=1e-3)


def test_state_at_is_exact_at_samples_and_continuous():
    wp = np.array([[35.0, 35.0, 2000.0], [36.0, 36.0, 2000.0], [36.0, 37.5, 500.0]])
    truth = fly([WaypointFlight(wp, 220.0, 3.3), WaypointFlight(wp[::-1], 150.0, 0.0)], 900.0)
    for k in (0, 1, 17, 400, 900):
        p, v, _ = truth.state_at(float(truth.t_s[k]))
        np.testing.assert_array_equal(p, truth.pos_ecef_m[k])
        np.testing.assert_allclose(v, truth.vel_ecef_mps[k], atol=1e-9)
    for k in (1, 17, 400):
        t = float(truth.t_s[k])
        p_lo, v_lo, _ = truth.state_at(t - 1e-7)
        p_hi, v_hi, _ = truth.state_at(t + 1e-7)
        np.testing.assert_allclose(p_lo, p_hi, atol=1e-3)
        np.testing.assert_allclose(v_lo, v_hi, atol=1e-3)
    # Between samples the interpolant stays within metres of a fine-grid truth.
    fine = fly(
        [WaypointFlight(wp, 220.0, 3.3), WaypointFlight(wp[::-1], 150.0, 0.0)],
        900.0,
        dt_sample_s=0.1,
    )
    for t in (12.35, 250.05, 777.77):
        k = int(round(t / 0.1))
        p, _, _ = truth.state_at(t)
        p_ref, _, _ = fine.state_at(k * 0.1)
        p_ref = p_ref + fine.vel_ecef_mps[k] * (t - k * 0.1)
        assert np.max(np.linalg.norm(p - p_ref, axis=1)) < 1.0


def test_hermite_is_exact_for_constant_acceleration():
    t = np.arange(0.0, 11.0, 1.0)
    a = np.array([3.0, -9.8, 0.5])
    v0 = np.array([100.0, 200.0, -50.0])
    x0 = np.array([6.4e6, 1e5, 2e5])
    pos = x0 + v0 * t[:, None] + 0.5 * a * t[:, None] ** 2
    vel = v0 + a * t[:, None]
    truth = Truth(t, pos[:, None], vel[:, None], np.zeros(1), np.full(1, np.inf))
    for tq in (0.0, 0.37, 4.5, 9.999, 10.0):
        p, v, active = truth.state_at(tq)
        np.testing.assert_allclose(p[0], x0 + v0 * tq + 0.5 * a * tq**2, rtol=0, atol=1e-6)
        np.testing.assert_allclose(v[0], v0 + a * tq, rtol=0, atol=1e-9)
        assert active[0]
    with pytest.raises(ParameterError, match="t_s"):
        truth.state_at(10.5)


def test_active_window_and_input_order():
    wp = np.array([[0.0, 0.0, 0.0], [0.0, 0.1, 0.0]])  # 11.1 km
    specs = [WaypointFlight(wp, 100.0, 50.0), WaypointFlight(wp, 200.0, 0.0)]
    truth = fly(specs, 200.0)
    np.testing.assert_allclose(truth.launch_t_s, [50.0, 0.0])
    assert not truth.state_at(49.0)[2][0]
    assert truth.state_at(50.0)[2][0]
    # The fast one (11.1 km at 200 m/s) has arrived by t = 60 s; the slow one flies on.
    np.testing.assert_array_equal(truth.state_at(60.0)[2], [True, False])
    np.testing.assert_array_equal(truth.state_at(170.0)[2], [False, False])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"waypoints_lla": [[0.0, 0.0, 0.0]], "speed_mps": 1.0}, "waypoints_lla"),
        ({"waypoints_lla": [[0.0, 0.0, 0.0], [0.0, 0.0, 5.0]], "speed_mps": 1.0}, "waypoints_lla"),
        ({"waypoints_lla": [[95.0, 0.0, 0.0], [0.0, 1.0, 0.0]], "speed_mps": 1.0}, "waypoints_lla"),
        (
            {"waypoints_lla": [[0.0, 0.0, 0.0], [0.0, 180.0, 0.0]], "speed_mps": 1.0},
            "waypoints_lla",
        ),
        ({"waypoints_lla": [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]], "speed_mps": 0.0}, "speed_mps"),
        (
            {
                "waypoints_lla": [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
                "speed_mps": 1.0,
                "launch_t_s": -1.0,
            },
            "launch_t_s",
        ),
    ],
)
def test_bad_parameters_are_named(kwargs, name):
    with pytest.raises(ParameterError, match=name):
        WaypointFlight(**kwargs)


def test_fly_rejects_bad_grid():
    wp = np.array([[0.0, 0.0, 0.0], [0.0, 0.1, 0.0]])
    with pytest.raises(ParameterError, match="dt_sample_s"):
        fly([WaypointFlight(wp, 100.0)], 10.0, dt_sample_s=0.0)
