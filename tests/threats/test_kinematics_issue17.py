"""Threat kinematics against their references (issue 17): the boost ends at the aim's
burnout state, minimum-energy shots against the closed forms of Bate, Mueller & White
(1971) sec. 6.2, the catalog's apogees, catalog load factors reaching the flight models,
the US 1976 published densities above 86 km, cruise-missile arrival and dive entry."""

from __future__ import annotations

import numpy as np
import pymap3d
import pytest

from iads.catalog.loader import builtin_catalog
from iads.engine.flights import _spec
from iads.errors import ParameterError
from iads.geo import destination_point
from iads.scenario.schema import Position, ThreatGroup, Waypoint
from iads.threats import BallisticFlight, CruiseMissileFlight, DroneFlight, fly
from iads.threats.atmosphere import density_kgpm3

MU = 3.986004418e14
R = 6_371_008.7714
G = 9.80665
INF = float("inf")
DT = 0.5


def _closed_form(psi):
    """Apogee height [m] and time of flight [s] of the vacuum minimum-energy trajectory of
    range angle psi on the sphere (BMW eqs. 6.2-20/21, Kepler's equation)."""
    g = (np.pi - psi) / 4.0
    q = 2.0 * np.sin(psi / 2) / (1.0 + np.sin(psi / 2))
    a = R / (2.0 - q)
    p = (R * np.cos(g)) ** 2 * q / R
    e = np.sqrt(1.0 - p / a)
    e0 = np.arccos((1.0 - R / a) / e)
    return a * (1.0 + e) - R, 2.0 * np.sqrt(a**3 / MU) * (np.pi - e0 + e * np.sin(e0))


def _shot(range_km, burn_s, earth="sphere", beta=INF, **kw):
    lat, lon = destination_point(32.0, 35.0, 60.0, range_km * 1e3)
    spec = BallisticFlight([32.0, 35.0, 0.0], [float(lat), float(lon), 0.0], burn_time_s=burn_s,
                           earth=earth, ballistic_coefficient_kgpm2=beta, **kw)  # fmt: skip
    truth = fly([spec], 1500.0, DT)
    p, v = truth.pos_ecef_m[:, 0], truth.vel_ecef_mps[:, 0]
    act = truth.t_s <= truth.end_t_s[0]
    k = int(round(burn_s / DT))  # burnout sample
    gamma_bo = np.arcsin(p[k] @ v[k] / np.linalg.norm(p[k]) / np.linalg.norm(v[k]))
    apogee = (np.linalg.norm(p[act], axis=1) - R).max()
    return spec, gamma_bo, np.linalg.norm(v[k]), apogee, truth.end_t_s[0]


@pytest.mark.parametrize("range_km", [150.0, 300.0, 500.0])
def test_minimum_energy_shots_against_the_closed_form(range_km):
    from iads.threats.ballistic import _aim, _Setup

    ap_cf, tof_cf = _closed_form(range_km * 1e3 / R)
    # Drag and rotation off, a short burn (20 s): the closed form of a ground burnout.
    spec, g_bo, v_bo, apogee, tof = _shot(range_km, 20.0)
    g_aim, _, v_aim, _ = _aim(_Setup([spec], True), [spec])
    assert np.degrees(abs(g_bo - g_aim[0])) < 1.0  # the boost ends at the aim's angle
    assert v_bo == pytest.approx(v_aim[0], rel=1e-3)
    assert apogee == pytest.approx(ap_cf, rel=0.10)
    assert tof == pytest.approx(tof_cf, rel=0.10)
    # Once 1.91-2.01x the apogee with a final flight-path angle of 54-58 degrees.
    assert 38.0 < np.degrees(g_bo) < 45.0
    # Drag and rotation on (WGS-84, beta 5000 kg/m^2): the aim holds the angle and buys
    # the drag loss with speed, which lofts the coast a little (within 25 %).
    spec_d, g_d, v_d, ap_d, tof_d = _shot(range_km, 20.0, earth="wgs84", beta=5000.0)
    assert np.degrees(abs(g_d - g_bo)) < 1.0
    assert v_d > v_bo and ap_d >= 0.99 * apogee
    assert ap_d == pytest.approx(ap_cf, rel=0.25) and tof_d == pytest.approx(tof_cf, rel=0.25)


def test_long_burn_follows_the_aims_conic():
    # A 60 s burn: the coast is the vacuum minimum-energy conic of the burnout point.
    from iads.threats.ballistic import apoapsis_radius

    spec, g_bo, v_bo, apogee, _ = _shot(300.0, 60.0)
    p = fly([spec], 61.0, DT).pos_ecef_m[int(60 / DT), 0]
    assert apogee == pytest.approx(apoapsis_radius(np.linalg.norm(p), g_bo, v_bo) - R, rel=1e-3)


@pytest.mark.parametrize(("key", "range_km"), [("scud_b", 300.0), ("iskander", 500.0),
                                               ("atacms", 300.0)])  # fmt: skip
def test_catalog_apogees_reproduced_by_the_default_aim(key, range_km):
    entry = builtin_catalog().threats[key]
    lat, lon = destination_point(32.0, 35.0, 60.0, range_km * 1e3)
    g = ThreatGroup(type=key, launch=Position(lat=32.0, lon=35.0),
                    waypoints=[Waypoint(lat=float(lat), lon=float(lon), alt_m=0.0)])  # fmt: skip
    spec = _spec(g, entry, 0, None)
    truth = fly([spec], 1500.0, DT)
    act = truth.t_s <= truth.end_t_s[0]
    apogee = (np.linalg.norm(truth.pos_ecef_m[act, 0], axis=1) - R).max()
    assert np.isfinite(truth.end_t_s[0])
    assert apogee == pytest.approx(entry.max_altitude_m.value, rel=0.15)


def test_drone_turns_at_the_catalog_load_factor():
    entry = builtin_catalog().threats["shahed136"]
    n = float(entry.max_load_factor.value)
    g = ThreatGroup(
        type="shahed136",
        launch=Position(lat=45.0, lon=10.0),
        waypoints=[Waypoint(lat=45.0, lon=10.06), Waypoint(lat=45.05, lon=10.06)],
    )
    spec = _spec(g, entry, 0, None)  # fmt: skip
    assert isinstance(spec, DroneFlight) and spec.max_load_factor == n
    truth = fly([spec], 600.0, dt_sample_s=0.2)
    v = float(entry.cruise_speed_mps.value)
    vel = truth.vel_ecef_mps[:, 0]
    ve, vn, _ = pymap3d.ecef2enuv(vel[:, 0], vel[:, 1], vel[:, 2], 45.0, 10.06)
    psi = np.unwrap(np.arctan2(ve, vn))
    rate = np.abs(np.gradient(psi, truth.t_s))
    r_turn = v / np.median(rate[rate > 0.9 * rate.max()])
    assert r_turn == pytest.approx(v**2 / (G * np.sqrt(n**2 - 1.0)), rel=0.02)


# U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562, 1976), Part 4 Table I, density at
# geometric height [km] -> [kg/m^3] (the rows of its abbreviated listing above 86 km).
_US1976_UPPER = [
    (86, 6.958e-6), (90, 3.416e-6), (95, 1.393e-6), (100, 5.604e-7), (110, 9.708e-8),
    (115, 4.289e-8), (120, 2.222e-8), (130, 8.152e-9), (140, 3.831e-9), (150, 2.076e-9),
    (160, 1.233e-9), (175, 6.339e-10), (180, 5.194e-10), (200, 2.541e-10), (250, 6.073e-11),
    (300, 1.916e-11), (350, 7.014e-12), (400, 2.803e-12), (450, 1.184e-12), (500, 5.215e-13),
    (600, 1.137e-13), (700, 3.070e-14), (800, 1.136e-14), (900, 5.759e-15), (1000, 3.561e-15),
]  # fmt: skip


@pytest.mark.parametrize(("z_km", "rho"), _US1976_UPPER)
def test_us1976_published_densities_above_86_km(z_km, rho):
    assert density_kgpm3(np.array([z_km * 1e3]))[0] == pytest.approx(rho, rel=1e-3)


def test_cruise_missile_ends_on_its_target_and_holds_its_leg():
    # Guidance on the navigation sphere, flight on the ellipsoid: once -3.9 m off the final
    # leg and 3.7 m from the target.
    wp = np.array([[40.0, 20.0, 50.0], [41.0, 21.0, 50.0], [41.8, 22.5, 50.0]])
    spec = CruiseMissileFlight(wp, speed_mps=245.0, cruise_altitude_m=50.0, max_load_factor=4.0)
    truth = fly([spec], 3000.0)
    p = truth.state_at(float(truth.end_t_s[0]))[0][0]
    e, n, u = pymap3d.ecef2enu(*p, *wp[-1])
    assert np.hypot(e, n) < 1.0 and abs(u) < 1.0


@pytest.mark.parametrize("terminal", ["popup", "dive"])
def test_no_speed_spike_when_the_terminal_dive_begins(terminal):
    # The dive once started with a step in vertical rate: 3.5-8.6 % speed dips in the
    # interpolated truth. Speed at 20 Hz from 1 Hz samples stays within 0.5 %.
    v0 = 245.0
    wp = np.array([[40.0, 20.0, 50.0], [40.3, 20.3, 0.0]])
    specs = [CruiseMissileFlight(wp, speed_mps=v0, cruise_altitude_m=50.0, terminal=terminal,
                                 max_load_factor=4.0),
             DroneFlight(np.array([[40.0, 20.0, 300.0], [40.2, 20.2, 0.0]]), speed_mps=50.0,
                         terminal_dive_deg=30.0, max_load_factor=2.0)]  # fmt: skip
    truth = fly(specs, 1000.0)
    for i, v in enumerate([v0, 50.0]):
        t = np.arange(truth.end_t_s[i] - 60.0, truth.end_t_s[i], 0.05)
        speed = np.array([np.linalg.norm(truth.state_at(float(x))[1][i]) for x in t])
        assert np.max(np.abs(speed / v - 1.0)) < 5e-3


@pytest.mark.parametrize("key", sorted(builtin_catalog().threats))
def test_every_catalog_kinematic_figure_is_flown_or_listed(key):
    from iads.engine.flights import (
        DECOY_CAPS,
        FLOWN_FIGURES,
        KINEMATIC_FIGURES,
        figures_not_flown,
        flown_entry,
    )

    cat = builtin_catalog()
    entry = cat.threats[key]
    g = ThreatGroup(type=key, launch=Position(lat=32.0, lon=35.0),
                    waypoints=[Waypoint(lat=32.5, lon=36.0)])  # fmt: skip
    spec = _spec(g, flown_entry(cat, key), 0, None)
    flown = FLOWN_FIGURES[entry.threat_class]
    listed = {f["field"] for f in figures_not_flown(cat, [key])}
    present = {f for f in KINEMATIC_FIGURES if getattr(entry, f) is not None}
    if entry.imitates is not None:  # a decoy flies its model's figures under its own caps
        assert listed == present - set(DECOY_CAPS)
        model = cat.threats[entry.imitates]
        cap = entry.max_speed_mps.value if entry.max_speed_mps is not None else np.inf
        assert spec.speed_mps == min(model.cruise_speed_mps.value, cap)
        assert spec.waypoints_lla[1, 2] == model.cruise_altitude_m.value
        return
    assert listed == present - set(flown)
    value = {f: float(getattr(entry, f).value) for f in present & set(flown)}
    if entry.threat_class == "ballistic_missile":
        assert spec.max_apogee_m == value["max_altitude_m"]
        return
    assert spec.speed_mps == value["cruise_speed_mps"]
    assert spec.waypoints_lla[1, 2] == value["cruise_altitude_m"]
    if "max_load_factor" in value:
        assert spec.max_load_factor == value["max_load_factor"]


def test_apogee_trajectory_reaches_the_requested_apogee():
    # Vacuum sphere: the coast is the aim's conic, so the apogee is the requested one.
    for h_a in (30e3, 60e3, 150e3):
        *_, apogee, _ = _shot(300.0, 40.0, trajectory="apogee", apogee_m=h_a)
        assert apogee == pytest.approx(h_a, rel=2e-3)
    with pytest.raises(ParameterError, match="apogee_m"):
        _shot(1500.0, 60.0, trajectory="apogee", apogee_m=30e3)  # below the burnout


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"trajectory": "apogee"}, "apogee_m"),
        ({"apogee_m": 50e3}, "apogee_m"),
        ({"trajectory": "apogee", "apogee_m": -1.0}, "apogee_m"),
        ({"max_apogee_m": 0.0}, "max_apogee_m"),
        ({"trajectory": "apogee", "apogee_m": 5e4, "burnout_speed_mps": 2e3}, "burnout_speed"),
    ],
)
def test_bad_apogee_parameters_are_named(kwargs, name):
    with pytest.raises(ParameterError, match=name):
        BallisticFlight([20.0, 30.0, 0.0], [22.0, 31.0, 0.0], **kwargs)
