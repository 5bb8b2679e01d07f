"""Tests of iads.sensors.jamming: closed forms and the burn-through consistency condition."""

from __future__ import annotations

import numpy as np
import pytest

from iads.errors import ParameterError
from iads.sensors.jamming import (
    burn_through_range_m,
    jammer_power_w,
    jammer_to_noise_db,
    signal_to_interference_db,
    soj_detection_range_m,
    total_jnr_db,
)
from iads.sensors.radar_equation import max_detection_range_m, noise_power_w, snr_db

RADAR = dict(peak_power_w=1e6, gain_db=35.0, wavelength_m=0.1, noise_figure_db=3.0,
             losses_db=4.0, radar_bandwidth_hz=1e6)  # fmt: skip


def _sinr_db(range_m, rcs_m2, jammer_erp_w, jammer_bandwidth_hz, radar=RADAR):
    """The vectorized S/(J+N) kernel chain for a self-screening jammer at the target."""
    s = snr_db(radar["peak_power_w"], radar["gain_db"], radar["gain_db"], radar["wavelength_m"],
               rcs_m2, range_m, radar["noise_figure_db"], bandwidth_hz=radar["radar_bandwidth_hz"],
               losses_db=radar["losses_db"])  # fmt: skip
    j = jammer_to_noise_db(jammer_erp_w, jammer_bandwidth_hz, range_m, radar["gain_db"],
                           radar["wavelength_m"], radar["radar_bandwidth_hz"],
                           radar["noise_figure_db"])  # fmt: skip
    return signal_to_interference_db(s, j)


def test_jammer_power_one_way_closed_form():
    # J = ERP lambda^2 G_r / ((4 pi)^2 R^2 L_j) * B_r / B_j (TP 8347 §4.7), by hand:
    erp, lam, gr_db, r, br, bj = 500.0, 0.03, 10.0, 40e3, 2e6, 50e6
    expected = erp * lam**2 * 10.0 / ((4 * np.pi) ** 2 * r**2) * br / bj
    assert jammer_power_w(erp, bj, r, gr_db, lam, br) == pytest.approx(expected, rel=1e-12)
    # Range: -20 dB per decade; a jammer narrower than the radar band puts all power inside.
    j1 = jammer_to_noise_db(erp, bj, [r, 10 * r], gr_db, lam, br, 3.0)
    assert j1[0] - j1[1] == pytest.approx(20.0)
    assert jammer_power_w(erp, 0.5 * br, r, gr_db, lam, br) == pytest.approx(expected * bj / br)
    # J/N is J over kTFB.
    jn = jammer_to_noise_db(erp, bj, r, gr_db, lam, br, 3.0)
    n = noise_power_w(3.0, bandwidth_hz=br)
    assert jn == pytest.approx(10 * np.log10(expected / n))


def test_sinr_combination():
    assert signal_to_interference_db(20.0, -np.inf) == pytest.approx(20.0)
    assert signal_to_interference_db(20.0, 0.0) == pytest.approx(20.0 - 10 * np.log10(2))
    assert total_jnr_db([[10.0, 10.0, -np.inf]]) == pytest.approx(10 + 10 * np.log10(2))
    assert total_jnr_db([-np.inf, -np.inf]) == -np.inf


def test_burn_through_jammer_dominated_closed_form():
    # Classical SSJ burn-through with J >> N (TP 8347 §4.8):
    # R_bt = sqrt(Pt G sigma B_j / (4 pi ERP_j B_r L q)).
    q_db, sigma, erp, bj = 13.0, 5.0, 100.0, 100e6
    r = burn_through_range_m(q_db, rcs_m2=sigma, jammer_erp_w=erp, jammer_bandwidth_hz=bj,
                             include_noise=False, **RADAR)  # fmt: skip
    pt, g, br = RADAR["peak_power_w"], 10**3.5, RADAR["radar_bandwidth_hz"]
    loss, q = 10 ** (RADAR["losses_db"] / 10), 10 ** (q_db / 10)
    expected = np.sqrt(pt * g * sigma * bj / (4 * np.pi * erp * br * loss * q))
    assert r == pytest.approx(expected, rel=1e-12)


def test_sinr_equals_requirement_at_burn_through():
    rng = np.random.default_rng(3)
    q_db = rng.uniform(5.0, 20.0, 50)
    sigma = 10 ** rng.uniform(-2, 2, 50)
    erp = 10 ** rng.uniform(-2, 4, 50)  # from weak to strong jammers
    bj = 10 ** rng.uniform(6, 9, 50)
    r = burn_through_range_m(q_db, rcs_m2=sigma, jammer_erp_w=erp, jammer_bandwidth_hz=bj,
                             **RADAR)  # fmt: skip
    np.testing.assert_allclose(_sinr_db(r, sigma, erp, bj), q_db, atol=1e-9)
    assert np.all(_sinr_db(0.9 * r, sigma, erp, bj) > q_db)
    assert np.all(_sinr_db(1.1 * r, sigma, erp, bj) < q_db)
    # Burn-through lies inside the unjammed range, which it reaches as the jammer vanishes.
    free = max_detection_range_m(q_db, RADAR["peak_power_w"], 35.0, 35.0, 0.1, sigma, 3.0,
                                 bandwidth_hz=1e6, losses_db=4.0)  # fmt: skip
    assert np.all(r < free)
    weak = burn_through_range_m(q_db, rcs_m2=sigma, jammer_erp_w=1e-12, jammer_bandwidth_hz=bj,
                                **RADAR)  # fmt: skip
    np.testing.assert_allclose(weak, free, rtol=1e-6)


def test_soj_detection_range():
    q_db, sigma = 13.0, 2.0
    free = max_detection_range_m(q_db, 1e6, 35.0, 35.0, 0.1, sigma, 3.0, bandwidth_hz=1e6)
    jnr = np.array([-np.inf, 0.0, 10.0, 30.0])  # sidelobe jammer J/N, target-independent
    r = soj_detection_range_m(free, jnr)
    s = snr_db(1e6, 35.0, 35.0, 0.1, sigma, r, 3.0, bandwidth_hz=1e6)
    np.testing.assert_allclose(signal_to_interference_db(s, jnr), q_db, atol=1e-10)
    assert r[0] == pytest.approx(free)
    assert r[3] == pytest.approx(free * (1 + 1e3) ** -0.25)


def test_invalid_parameters():
    with pytest.raises(ParameterError, match="jammer_range_m"):
        jammer_power_w(100.0, 1e6, 0.0, 30.0, 0.1, 1e6)
    with pytest.raises(ParameterError, match="jammer_bandwidth_hz"):
        jammer_to_noise_db(100.0, -1.0, 1e4, 30.0, 0.1, 1e6)
    with pytest.raises(ParameterError, match="jammer_erp_w"):
        jammer_power_w(-1.0, 1e6, 1e4, 30.0, 0.1, 1e6)
    with pytest.raises(ParameterError, match="free_range_m"):
        soj_detection_range_m(-5.0, 3.0)
