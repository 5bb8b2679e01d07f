"""Envelopes and PIPs against the closed-form head-on intercept, and the terminal
acquisition probability against scipy's chi-square distribution."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2

from iads.geo import geodetic_to_ecef
from iads.weapons.envelope import (
    MissileArrays,
    acquisition_probability,
    engagement_options,
    intercept_time,
)


def _missile(min_r: float, max_r: float, speed: float) -> MissileArrays:
    return MissileArrays(
        keys=("m",),
        min_range_m=np.array([min_r]),
        max_range_m=np.array([max_r]),
        min_alt_m=np.array([-np.inf]),
        max_alt_m=np.array([np.inf]),
        speed_mps=np.array([speed]),
        max_target_speed_mps=np.array([np.inf]),
        pk=np.ones((1, 5)),
        cost_usd=np.array([np.nan]),
    )


def head_on_range(r0: float, v: float, s: float, d: float) -> float:
    """Closed form: a target at range R0 flying straight at the launcher at speed v meets
    an interceptor of speed s launched after d where s·(τ − d) = R0 − v·τ, so
    τ = (R0 + s·d)/(s + v) and R_i = R0 − v·τ = R0·s/(s + v) − v·s·d/(s + v)."""
    return r0 * s / (s + v) - v * s * d / (s + v)


LAUNCHER = np.array(geodetic_to_ecef(40.0, 32.5, 900.0))


@settings(max_examples=200, deadline=None)
@given(
    r0=st.floats(1_000.0, 400_000.0),
    v=st.floats(50.0, 3_000.0),
    s=st.floats(300.0, 2_500.0),
    d=st.floats(0.0, 30.0),
    az=st.floats(0.0, 2 * np.pi),
    el=st.floats(-0.2, 1.4),
)
def test_pip_inside_exactly_when_head_on_range_is(r0, v, s, d, az, el) -> None:
    if r0 <= v * d * 1.001:
        return  # the target would pass over the launcher before launch
    e = np.array([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)])
    pos, vel = LAUNCHER + r0 * e, -v * e
    min_r, max_r = 20_000.0, 150_000.0
    ri = head_on_range(r0, v, s, d)
    opt = engagement_options(_missile(min_r, max_r, s), LAUNCHER, pos[None], vel[None], d)
    got = float(np.linalg.norm(opt.pip_ecef_m[0, 0] - LAUNCHER))
    assert got == pytest.approx(ri, rel=1e-9, abs=1e-6)
    assert opt.tof_s[0, 0] == pytest.approx((r0 + s * d) / (s + v), rel=1e-9)
    if min(abs(ri - min_r), abs(ri - max_r)) > 1e-3:
        assert bool(opt.inside[0, 0]) == (min_r <= ri <= max_r)


def test_receding_faster_target_has_no_intercept() -> None:
    d = np.array([[50_000.0, 0.0, 0.0]])
    assert np.isinf(intercept_time(d, np.array([[900.0, 0.0, 0.0]]), np.array(800.0)))


def test_envelope_rejects_altitude_and_target_speed() -> None:
    m = MissileArrays(
        keys=("m",),
        min_range_m=np.array([0.0]),
        max_range_m=np.array([1e6]),
        min_alt_m=np.array([100.0]),
        max_alt_m=np.array([20_000.0]),
        speed_mps=np.array([1000.0]),
        max_target_speed_mps=np.array([500.0]),
        pk=np.ones((1, 5)),
        cost_usd=np.array([np.nan]),
    )
    lat, lon = 40.0, 32.5
    launcher = np.array(geodetic_to_ecef(lat, lon, 0.0))
    pts = np.stack([np.array(geodetic_to_ecef(lat + 0.3, lon, h)) for h in (50.0, 5000.0, 30e3)])
    up = pts - launcher
    toward = -up / np.linalg.norm(up, axis=1)[:, None]
    opt = engagement_options(m, launcher, pts, 300.0 * toward)
    assert opt.inside[:, 0].tolist() == [False, True, False]
    fast = engagement_options(m, launcher, pts[1:2], 600.0 * toward[1:2])
    assert not fast.inside[0, 0]


@pytest.mark.parametrize("ratio", [0.2, 0.5, 1.0, 2.0, 5.0])
def test_acquisition_probability_is_chi_square_3(ratio: float) -> None:
    sigma = 700.0
    basket = ratio * sigma
    assert acquisition_probability(sigma, basket) == pytest.approx(chi2.cdf(ratio**2, 3))


def test_acquisition_probability_limits_and_monte_carlo() -> None:
    assert acquisition_probability(0.0, 1500.0) == 1.0
    assert acquisition_probability(np.inf, 1500.0) == 0.0
    rng = np.random.default_rng(5)
    e = rng.normal(0.0, 1000.0, (200_000, 3))
    frac = np.mean(np.linalg.norm(e, axis=1) <= 1500.0)
    assert acquisition_probability(1000.0, 1500.0) == pytest.approx(frac, abs=0.005)


def test_altitude_floor_is_a_height_above_the_ground():
    """A cruise missile 30 m above a 1,000 m plateau is under a 50 m floor (the floor is
    set by clutter and fuzing near the ground, not by the sea), and 100 m above it is
    over it; without a ground model the floor is above the ellipsoid, as before."""
    from iads.weapons.envelope import envelope_violation, in_envelope

    mis = _missile(0.0, 1e6, 1000.0)
    mis = MissileArrays(**{**mis.__dict__, "min_alt_m": np.array([50.0])})
    site = np.array(geodetic_to_ecef(np.deg2rad(39.0), np.deg2rad(33.0), 1000.0))

    def plateau(lat, lon):
        return np.full(np.shape(lat), 1000.0)

    low = np.array(geodetic_to_ecef(np.deg2rad(39.1), np.deg2rad(33.0), 1030.0))
    high = np.array(geodetic_to_ecef(np.deg2rad(39.1), np.deg2rad(33.0), 1100.0))
    assert envelope_violation(mis, 0, site, low, 250.0, ground=plateau) == (
        "below the altitude floor")
    assert envelope_violation(mis, 0, site, high, 250.0, ground=plateau) is None
    assert envelope_violation(mis, 0, site, low, 250.0) is None  # sea-level floor
    pips = np.stack([low, high])[:, None, :]
    got = in_envelope(mis, site, pips, np.array([250.0, 250.0]), plateau)
    assert got[:, 0].tolist() == [False, True]
    opt = engagement_options(mis, site, np.stack([low, high]), np.zeros((2, 3)),
                             ground=plateau)  # fmt: skip
    assert opt.inside[:, 0].tolist() == [False, True]
