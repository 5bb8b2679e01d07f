"""Ballistic missiles against the closed forms of Bate, Mueller & White (1971) sec. 6.2,
energy / Jacobi-integral invariants, and the US 1976 atmosphere's published table."""

from __future__ import annotations

import numpy as np
import pymap3d
import pytest

from iads.errors import ParameterError
from iads.threats import BallisticFlight, fly
from iads.threats.atmosphere import density_kgpm3, us1976

MU = 3.986004418e14
R = 6_371_008.7714
INF = float("inf")


def _bmw_range_angle(v, gamma):
    # BMW eq. 6.2-16: cos(psi/2) = (1 - Q cos^2 g) / sqrt(1 + Q (Q - 2) cos^2 g).
    q = v * v * R / MU
    c2 = np.cos(gamma) ** 2
    return 2.0 * np.arccos((1.0 - q * c2) / np.sqrt(1.0 + q * (q - 2.0) * c2))


def _vacuum(v, el_deg, az_deg=45.0):
    return BallisticFlight(
        [20.0, 30.0, 0.0], burnout_speed_mps=v, burn_time_s=0.0, elevation_deg=el_deg,
        azimuth_deg=az_deg, ballistic_coefficient_kgpm2=INF, earth="sphere",
    )  # fmt: skip


def _impact_angle(truth, i):
    p = truth.state_at(float(truth.end_t_s[i]))[0][i]  # extended = impact state at end
    p0 = truth.pos_ecef_m[0, i]
    return np.arctan2(np.linalg.norm(np.cross(p0, p)), p0 @ p)


@pytest.mark.parametrize(("v", "el"), [(2000.0, 45.0), (3000.0, 20.0), (5000.0, 60.0)])
def test_vacuum_range_matches_closed_form(v, el):
    truth = fly([_vacuum(v, el)], 3000.0)
    psi = _impact_angle(truth, 0)
    assert psi == pytest.approx(_bmw_range_angle(v, np.deg2rad(el)), rel=1e-6)


def test_minimum_energy_angle_maximises_range():
    psi_target = 0.3  # rad, ~1900 km
    q = 2 * np.sin(psi_target / 2) / (1 + np.sin(psi_target / 2))  # BMW 6.2-21
    v = np.sqrt(q * MU / R)
    g_star = np.rad2deg((np.pi - psi_target) / 4)  # BMW 6.2-20
    truth = fly([_vacuum(v, g_star - 3), _vacuum(v, g_star), _vacuum(v, g_star + 3)], 3000.0)
    psis = [_impact_angle(truth, i) for i in range(3)]
    assert psis[1] == pytest.approx(psi_target, rel=1e-6)
    assert psis[0] < psis[1] and psis[2] < psis[1]


def _aimed(traj, v=None, target=(25.0, 40.0, 0.0)):
    return BallisticFlight(
        [20.0, 30.0, 0.0], list(target), trajectory=traj, burnout_speed_mps=v,
        burn_time_s=0.0, ballistic_coefficient_kgpm2=INF, earth="sphere",
    )  # fmt: skip


def test_aiming_finds_the_closed_form_solutions():
    lat0, lon0, lat1, lon1 = np.deg2rad([20.0, 30.0, 25.0, 40.0])
    psi = np.arccos(np.sin(lat0) * np.sin(lat1) + np.cos(lat0) * np.cos(lat1) * np.cos(lon1 - lon0))
    q_star = 2 * np.sin(psi / 2) / (1 + np.sin(psi / 2))
    v_star = np.sqrt(q_star * MU / R)
    v = 1.05 * v_star
    q = v * v * R / MU
    s = np.arcsin((2 - q) / q * np.sin(psi / 2))  # BMW 6.2-17
    g_dep, g_lof = (s - psi / 2) / 2, (np.pi - s - psi / 2) / 2
    specs = [_aimed("minimum_energy"), _aimed("lofted", v), _aimed("depressed", v)]
    truth = fly(specs, 4000.0)
    v0 = truth.vel_ecef_mps[0]
    up = truth.pos_ecef_m[0] / np.linalg.norm(truth.pos_ecef_m[0], axis=1, keepdims=True)
    speed = np.linalg.norm(v0, axis=1)
    el = np.arcsin(np.sum(v0 * up, axis=1) / speed)
    assert speed[0] == pytest.approx(v_star, rel=1e-6)
    assert el[0] == pytest.approx((np.pi - psi) / 4, rel=1e-9)
    assert el[1] == pytest.approx(g_lof, rel=1e-5)
    assert el[2] == pytest.approx(g_dep, rel=1e-5)
    for i in range(3):
        assert _impact_angle(truth, i) == pytest.approx(psi, abs=1.0 / R)


def test_energy_is_conserved_without_drag():
    truth = fly([_vacuum(4000.0, 50.0)], 1200.0)
    act = truth.t_s < truth.end_t_s[0]
    r = np.linalg.norm(truth.pos_ecef_m[act, 0], axis=1)
    v = np.linalg.norm(truth.vel_ecef_mps[act, 0], axis=1)
    eps = v**2 / 2 - MU / r
    np.testing.assert_allclose(eps, eps[0], rtol=1e-6)


def test_jacobi_integral_in_the_rotating_frame_with_j2():
    # Drag-free WGS-84 run: C = v^2/2 + U_J2(r) - (w^2/2)(x^2 + y^2) is constant in ECEF.
    a, j2, w = 6_378_137.0, 1.08262998905e-3, 7.292115e-5
    spec = BallisticFlight(
        [50.0, 10.0, 0.0], burnout_speed_mps=5000.0, burn_time_s=0.0, elevation_deg=40.0,
        azimuth_deg=80.0, ballistic_coefficient_kgpm2=INF,
    )  # fmt: skip
    truth = fly([spec], 1500.0)
    act = truth.t_s < truth.end_t_s[0]
    p, v = truth.pos_ecef_m[act, 0], truth.vel_ecef_mps[act, 0]
    r = np.linalg.norm(p, axis=1)
    s2 = (p[:, 2] / r) ** 2
    u = -MU / r * (1 - j2 * (a / r) ** 2 * (3 * s2 - 1) / 2)  # Vallado eq. 8-20 (P2 term)
    c = np.sum(v * v, axis=1) / 2 + u - 0.5 * w * w * (p[:, 0] ** 2 + p[:, 1] ** 2)
    np.testing.assert_allclose(c, c[0], rtol=1e-7)
    assert act.sum() > 100


def test_wgs84_aimed_missile_with_boost_and_drag_hits_the_target():
    specs = [
        BallisticFlight([32.0, 35.0, 0.0], [34.0, 40.0, 0.0], launch_t_s=12.0),
        BallisticFlight([32.0, 35.0, 0.0], [33.0, 36.5, 50.0], trajectory="lofted",
                        burnout_speed_mps=2000.0, burn_time_s=50.0),
    ]  # fmt: skip
    truth = fly(specs, 1200.0)
    for i, (lat, lon, h) in enumerate([(34.0, 40.0, 0.0), (33.0, 36.5, 50.0)]):
        p = truth.state_at(float(truth.end_t_s[i]))[0][i]
        e, n, u = pymap3d.ecef2enu(*p, lat, lon, h)
        assert np.hypot(e, n) < 5.0 and abs(u) < 1.0
    assert not truth.state_at(11.0)[2][0] and truth.state_at(13.0)[2][0]
    # Re-entry with drag: slower at impact than at apogee-equivalent vacuum speed.
    v_end = np.linalg.norm(truth.state_at(float(truth.end_t_s[0]) - 1e-6)[1][0])
    assert v_end < np.linalg.norm(truth.vel_ecef_mps[:, 0], axis=1).max()


@pytest.mark.parametrize(
    ("z_m", "t_k", "rho"),
    [  # U.S. Standard Atmosphere 1976, geometric-height table (SI)
        (0.0, 288.15, 1.2250),
        (10_000.0, 223.252, 4.1351e-1),
        (20_000.0, 216.650, 8.8910e-2),
        (30_000.0, 226.509, 1.8410e-2),
        (50_000.0, 270.650, 1.0269e-3),
        (70_000.0, 219.585, 8.2829e-5),
        (80_000.0, 198.639, 1.8458e-5),
    ],
)
def test_us1976_table_values(z_m, t_k, rho):
    t, p, d = us1976(z_m)
    assert t == pytest.approx(t_k, abs=0.002)
    assert d == pytest.approx(rho, rel=1e-4)
    assert density_kgpm3(np.array([z_m]))[0] == pytest.approx(d, rel=1e-12)


def test_us1976_upper_density_is_continuous_and_decreasing():
    z = np.linspace(0.0, 900e3, 5000)
    rho = density_kgpm3(z)
    assert np.all(np.diff(rho) < 0)
    lo, hi = density_kgpm3(np.array([86e3 - 1e-3, 86e3 + 1e-3]))
    assert hi == pytest.approx(lo, rel=1e-4)
    assert density_kgpm3(np.array([100e3]))[0] == pytest.approx(5.6044e-7, rel=1e-4)


def test_compiled_density_equals_the_numpy_model():
    from iads.threats._ballistic_jit import _density

    z = np.concatenate([np.linspace(-2e3, 1.2e6, 3001), [11e3, 20e3, 32e3, 47e3, 51e3, 71e3, 86e3]])
    got = np.array([_density(float(x)) for x in z])
    np.testing.assert_allclose(got, density_kgpm3(z), rtol=1e-12, atol=0.0)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"target_lla": None}, "target_lla"),
        ({"target_lla": [20.0, 30.001, 0.0]}, "target_lla"),
        ({"target_lla": [25.0, 40.0, 0.0], "trajectory": "lofted"}, "burnout_speed_mps"),
        ({"target_lla": [25.0, 40.0, 0.0], "burnout_speed_mps": 3000.0}, "burnout_speed_mps"),
        (
            {"target_lla": [25.0, 40.0, 0.0], "trajectory": "lofted", "burnout_speed_mps": 500.0},
            "burnout_speed_mps",
        ),
        (
            {"target_lla": [25.0, 40.0, 0.0], "ballistic_coefficient_kgpm2": 0.0},
            "ballistic_coefficient_kgpm2",
        ),
        ({"target_lla": [25.0, 40.0, 0.0], "earth": "flat"}, "earth"),
    ],
)
def test_bad_parameters_are_named(kwargs, name):
    with pytest.raises(ParameterError, match=name):
        BallisticFlight([20.0, 30.0, 0.0], **kwargs)


def test_compiled_kernel_equals_the_numpy_reference():
    # The compiled per-missile RK4 (aiming included) must reproduce the vectorized numpy
    # reference: boost, drag (US 1976 below and above 86 km), J2 and rotation, the impact
    # search, sampling before launch, after impact and while still flying at the end.
    from iads.threats.ballistic import fly_ballistic, fly_ballistic_reference
    from iads.threats.flight import sample_times

    specs = [
        BallisticFlight([32.0, 35.0, 0.0], [32.15, 35.2, 20.0], launch_t_s=3.3,
                        burn_time_s=10.0, ballistic_coefficient_kgpm2=2e4),
        BallisticFlight([32.0, 35.0, 0.0], [32.15, 35.2, 0.0], trajectory="depressed",
                        burnout_speed_mps=900.0, burn_time_s=0.0, launch_t_s=20.0,
                        ballistic_coefficient_kgpm2=INF),
        BallisticFlight([10.0, 20.0, 100.0], burnout_speed_mps=2500.0, burn_time_s=0.0,
                        elevation_deg=35.0, azimuth_deg=200.0, ballistic_coefficient_kgpm2=8e3,
                        launch_t_s=170.0),  # still flying at the end of the run
        _vacuum(1200.0, 50.0),
        BallisticFlight([0.0, 0.0, 0.0], [1.0, 1.0, 0.0], launch_t_s=1e4),  # never launched
    ]  # fmt: skip
    t_s = sample_times(200.0, 1.0)
    ref = fly_ballistic_reference(specs, t_s)
    out = fly_ballistic(specs, t_s)
    assert np.sum(np.isfinite(ref[3])) == 3  # impacts inside the run are compared
    for a, b in zip(ref, out, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-6)


def test_velocity_is_the_derivative_of_position_up_to_impact():
    # Samples inside the last integration step before impact must lie on the same arc as
    # the impact point (they once used the impact state as the end of a full step: speed
    # off by tens of m/s). Central differences of 0.05 s samples vs velocity, and the
    # acceleration between samples.
    spec = BallisticFlight([32.0, 35.0, 0.0], burnout_speed_mps=900.0, burn_time_s=10.0,
                           elevation_deg=50.0, azimuth_deg=60.0)  # fmt: skip
    for fly_ in (fly, _fly_reference):
        truth = fly_([spec], 200.0, 0.05)
        t_end = truth.end_t_s[0]
        assert np.isfinite(t_end)
        k = np.flatnonzero((truth.t_s > t_end - 1.0) & (truth.t_s < t_end - 0.05))
        assert k.size >= 15
        fd = (truth.pos_ecef_m[k + 1, 0] - truth.pos_ecef_m[k - 1, 0]) / 0.1
        err = np.linalg.norm(fd - truth.vel_ecef_mps[k, 0], axis=1)
        assert np.max(err) < 0.01  # central-difference error of the smooth arc ~2e-4 m/s
        # Acceleration below gravity plus sea-level drag (~10 m/s^2 at 320 m/s, beta 5000).
        acc = np.linalg.norm(np.diff(truth.vel_ecef_mps[k, 0], axis=0), axis=1) / 0.05
        assert np.max(acc) < 25.0


def _fly_reference(specs, duration_s, dt_sample_s):
    from iads.threats.ballistic import fly_ballistic_reference
    from iads.threats.flight import sample_times
    from iads.threats.truth import Truth

    t_s = sample_times(duration_s, dt_sample_s)
    p, v, launch, end = fly_ballistic_reference(specs, t_s)
    return Truth(t_s=t_s, pos_ecef_m=p, vel_ecef_mps=v, launch_t_s=launch, end_t_s=end)
