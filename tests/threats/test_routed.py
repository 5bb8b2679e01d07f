"""Routed flight (aircraft, cruise missiles, drones): turn radius, climb rate, weave,
terminal manoeuvres and batch consistency, measured with pymap3d frames."""

from __future__ import annotations

import numpy as np
import pymap3d
import pytest

from iads.errors import ParameterError
from iads.threats import AircraftFlight, CruiseMissileFlight, DroneFlight, WaypointFlight, fly

G = 9.80665


def _enu(truth, i, lat0, lon0, h0=0.0):
    p = truth.pos_ecef_m[:, i]
    v = truth.vel_ecef_mps[:, i]
    e, n, u = pymap3d.ecef2enu(p[:, 0], p[:, 1], p[:, 2], lat0, lon0, h0)
    ve, vn, vu = pymap3d.ecef2enuv(v[:, 0], v[:, 1], v[:, 2], lat0, lon0)
    return np.c_[e, n, u], np.c_[ve, vn, vu]


def _kasa_radius(x, y):
    # Algebraic circle fit (Kasa 1976): x^2 + y^2 + D x + E y + F = 0, least squares.
    a = np.c_[x, y, np.ones_like(x)]
    d, e, f = np.linalg.lstsq(a, -(x * x + y * y), rcond=None)[0]
    return np.sqrt(d * d / 4 + e * e / 4 - f)


@pytest.mark.parametrize(("v", "n"), [(250.0, 3.0), (120.0, 1.5), (300.0, 6.0)])
def test_coordinated_turn_radius(v, n):
    # Level 90-degree turn at (45N, 10E): east then north.
    wp = np.array([[45.0, 10.0, 2000.0], [45.0, 10.6, 2000.0], [45.5, 10.6, 2000.0]])
    truth = fly([AircraftFlight(wp, speed_mps=v, max_load_factor=n)], 600.0, dt_sample_s=0.2)
    pos, vel = _enu(truth, 0, 45.0, 10.6, 2000.0)
    active = (truth.t_s > 0) & (truth.t_s < truth.end_t_s[0])
    psi = np.unwrap(np.arctan2(vel[:, 0], vel[:, 1]))
    rate = np.gradient(psi, truth.t_s)
    r_expected = v**2 / (G * np.sqrt(n**2 - 1.0))
    turning = active & (np.abs(np.abs(rate) - v / r_expected) < 0.01 * v / r_expected)
    assert turning.sum() > 10
    r_fit = _kasa_radius(pos[turning, 0], pos[turning, 1])
    assert r_fit == pytest.approx(r_expected, rel=2e-3)
    # Never faster than the limit.
    assert np.max(np.abs(rate[active][2:-2])) <= v / r_expected * 1.01


def test_speed_is_true_speed_and_velocity_is_the_derivative():
    wp = np.array([[60.0, 20.0, 1000.0], [60.2, 20.5, 4000.0], [59.9, 21.0, 500.0]])
    truth = fly([AircraftFlight(wp, mach=0.7, climb_rate_mps=30.0)], 200.0, dt_sample_s=0.2)
    act = truth.t_s < truth.end_t_s[0]
    speed = np.linalg.norm(truth.vel_ecef_mps[act, 0], axis=1)
    np.testing.assert_allclose(speed, 0.7 * 340.294, rtol=1e-9)
    fd = (truth.pos_ecef_m[2:, 0] - truth.pos_ecef_m[:-2, 0]) / 0.4
    err = np.linalg.norm(fd - truth.vel_ecef_mps[1:-1, 0], axis=1)[act[1:-1]]
    assert np.median(err) < 0.05 and np.max(err) < 5.0  # max: at phase switches


def test_climb_rate_limit_and_final_height():
    wp = np.array([[30.0, 30.0, 1000.0], [30.0, 31.5, 6000.0]])  # ~144 km
    truth = fly([AircraftFlight(wp, speed_mps=200.0, climb_rate_mps=20.0)], 900.0)
    lat, lon, h = pymap3d.ecef2geodetic(*truth.pos_ecef_m[:, 0].T)
    _, _, v_up = pymap3d.ecef2enuv(*truth.vel_ecef_mps[:, 0].T, lat, lon)  # local vertical
    assert np.max(v_up) == pytest.approx(20.0, rel=1e-9)
    # Climbs 5 km at 20 m/s: 250 s at the limit, then a first-order capture.
    k = np.searchsorted(h, 5990.0)
    assert 250.0 < truth.t_s[k] < 280.0
    assert h[int(truth.end_t_s[0]) - 1] == pytest.approx(6000.0, abs=0.5)


def test_arrives_at_the_last_waypoint():
    wp = np.array([[52.0, 4.0, 500.0], [52.3, 4.4, 500.0], [52.1, 5.0, 800.0], [52.4, 5.2, 800.0]])
    truth = fly([AircraftFlight(wp, speed_mps=180.0)], 1200.0)
    assert np.isfinite(truth.end_t_s[0])
    p, _, active = truth.state_at(float(truth.end_t_s[0]) - 1e-6)
    assert active[0]
    target = np.array(pymap3d.geodetic2ecef(52.4, 5.2, 800.0))
    assert np.linalg.norm(p[0] - target) < 20.0


def test_weave_amplitude_and_wavelength_on_the_equator():
    # Along the equator the cross-track offset is the latitude: y = M(0) * lat.
    wp = np.array([[0.0, 0.0, 3000.0], [0.0, 3.0, 3000.0]])
    spec = AircraftFlight(wp, speed_mps=250.0, weave_amplitude_m=400.0, weave_wavelength_m=12e3)
    truth = fly([spec], 1000.0, dt_sample_s=0.5)
    lat, lon, _ = pymap3d.ecef2geodetic(*truth.pos_ecef_m[:, 0].T)
    y = np.deg2rad(lat) * 6_335_439.327  # meridian radius of WGS-84 at the equator
    mid = (lon > 0.5) & (lon < 2.5)
    assert np.max(np.abs(y[mid])) == pytest.approx(400.0, rel=0.1)
    crossings = lon[mid][:-1][np.diff(np.sign(y[mid])) != 0]
    spacing_m = np.diff(crossings).mean() * np.pi / 180 * 6_378_137.0
    assert spacing_m == pytest.approx(6e3, rel=0.03)


def test_cruise_missile_popup_then_dive_onto_the_target():
    wp = np.array([[40.0, 20.0, 0.0], [40.2, 20.3, 0.0], [40.1, 20.7, 0.0]])
    spec = CruiseMissileFlight(
        wp, speed_mps=250.0, cruise_altitude_m=20.0, terminal="popup",
        popup_altitude_m=500.0, popup_range_m=6000.0, dive_angle_deg=35.0,
    )  # fmt: skip
    truth = fly([spec], 600.0, dt_sample_s=0.25)
    lat, lon, h = pymap3d.ecef2geodetic(*truth.pos_ecef_m[:, 0].T)
    act = truth.t_s < truth.end_t_s[0]
    t_end = truth.end_t_s[0]
    cruise = act & (truth.t_s > 60.0) & (truth.t_s < t_end - 6000.0 / 250.0 - 5)
    np.testing.assert_allclose(h[cruise], 20.0, atol=0.5)
    assert 480.0 < h[act].max() < 501.0
    p, v, _ = truth.state_at(t_end - 1e-6)
    la, lo, hh = pymap3d.ecef2geodetic(*p[0])
    e, n, u = pymap3d.geodetic2enu(la, lo, hh, 40.1, 20.7, 0.0)
    assert np.hypot(e, n) < 5.0 and abs(u) < 1.0
    ve, vn, vu = pymap3d.ecef2enuv(*v[0], 40.1, 20.7)
    # The pull-over (at (n - 1) g, entered ahead of the dive line) ends a little above the
    # line and pure pursuit then steepens the dive: within 6 degrees of the dive angle.
    assert 35.0 <= np.degrees(np.arctan2(-vu, np.hypot(ve, vn))) <= 41.0


def test_loitering_drone_dives_and_aircraft_level_cruise():
    wp = np.array([[10.0, 10.0, 300.0], [10.05, 10.1, 300.0], [10.1, 10.1, 0.0]])
    truth = fly([DroneFlight(wp, speed_mps=40.0, terminal_dive_deg=45.0)], 900.0)
    t_end = truth.end_t_s[0]
    assert np.isfinite(t_end)
    p, _, _ = truth.state_at(t_end - 1e-6)
    e, n, u = pymap3d.ecef2enu(*p[0], 10.1, 10.1, 0.0)
    assert np.hypot(e, n) < 5.0 and abs(u) < 1.0


def test_batch_equals_individual_flights():
    wp1 = np.array([[50.0, 5.0, 3000.0], [50.3, 5.5, 5000.0], [50.0, 6.0, 5000.0]])
    wp2 = np.array([[48.0, 2.0, 0.0], [48.1, 2.5, 0.0], [48.0, 3.0, 0.0], [48.2, 3.3, 0.0]])
    specs = [
        AircraftFlight(wp1, speed_mps=230.0, launch_t_s=7.3, weave_amplitude_m=200.0),
        WaypointFlight(wp2, 100.0, 2.0),
        CruiseMissileFlight(wp2, mach=0.85, launch_t_s=30.0, terminal="dive"),
        DroneFlight(wp1, launch_t_s=100.0),
    ]
    batch = fly(specs, 400.0)
    for i, s in enumerate(specs):
        alone = fly([s], 400.0)
        np.testing.assert_allclose(batch.pos_ecef_m[:, i], alone.pos_ecef_m[:, 0], atol=1e-6)
        np.testing.assert_allclose(batch.end_t_s[i], alone.end_t_s[0])
    assert not batch.state_at(99.0)[2][3] and batch.state_at(101.0)[2][3]


@pytest.mark.parametrize(
    ("cls", "kwargs", "name"),
    [
        (AircraftFlight, {"speed_mps": 200.0, "mach": 0.6}, "speed_mps"),
        (AircraftFlight, {}, "speed_mps"),
        (AircraftFlight, {"speed_mps": 200.0, "max_load_factor": 1.0}, "max_load_factor"),
        (AircraftFlight, {"mach": -1.0}, "mach"),
        (AircraftFlight, {"speed_mps": 200.0, "climb_rate_mps": 0.0}, "climb_rate_mps"),
        (CruiseMissileFlight, {"speed_mps": 250.0, "terminal": "loop"}, "terminal"),
        (CruiseMissileFlight, {"speed_mps": 250.0, "dive_angle_deg": 95.0}, "dive_angle_deg"),
        (DroneFlight, {"terminal_dive_deg": 0.0}, "terminal_dive_deg"),
    ],
)
def test_bad_parameters_are_named(cls, kwargs, name):
    wp = np.array([[0.0, 0.0, 100.0], [0.0, 0.5, 100.0]])
    with pytest.raises(ParameterError, match=name):
        cls(wp, **kwargs)


@pytest.mark.parametrize("dt_sample_s", [1.0, 0.7])
def test_compiled_kernel_equals_the_numpy_reference(dt_sample_s):
    # The compiled per-threat integration must reproduce the vectorized numpy reference
    # (same guidance, steps and events) on every branch: weave, leg switches, popup, dive,
    # drone dive, launches inside a step and after the run, arrival inside the run.
    from iads.threats.flight import sample_times
    from iads.threats.routed import fly_routed, fly_routed_reference

    wp1 = np.array([[50.0, 5.0, 3000.0], [50.3, 5.5, 5000.0], [50.0, 6.0, 4000.0]])
    wp2 = np.array([[48.0, 2.0, 0.0], [48.05, 2.2, 0.0], [48.0, 2.4, 0.0], [48.08, 2.5, 0.0]])
    wp3 = np.array([[10.0, 10.0, 300.0], [10.02, 10.04, 300.0], [10.04, 10.04, 0.0]])
    specs = [
        AircraftFlight(wp1, speed_mps=230.0, launch_t_s=7.3, weave_amplitude_m=300.0,
                       weave_wavelength_m=8e3, max_load_factor=4.0),
        CruiseMissileFlight(wp2, mach=0.85, launch_t_s=3.05, terminal="popup",
                            popup_range_m=5e3),
        CruiseMissileFlight(wp2, speed_mps=260.0, launch_t_s=20.0, terminal="dive",
                            weave_amplitude_m=100.0),
        CruiseMissileFlight(wp2[::-1].copy(), speed_mps=240.0, terminal="none"),
        DroneFlight(wp3, speed_mps=45.0, launch_t_s=11.11, terminal_dive_deg=40.0),
        AircraftFlight(wp1, speed_mps=200.0, launch_t_s=1e4),  # never launched in the run
    ]  # fmt: skip
    params = [s.route_params() for s in specs]
    t_s = sample_times(330.0, dt_sample_s)
    ref = fly_routed_reference(params, t_s)
    out = fly_routed(params, t_s)
    assert np.sum(np.isfinite(ref[3])) == 4  # arrivals inside the run are compared
    for a, b in zip(ref, out, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-6)
