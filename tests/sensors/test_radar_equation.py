"""Tests of iads.sensors.radar_equation against MathWorks' published worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from iads.errors import ParameterError
from iads.sensors.detection import detection_probability
from iads.sensors.radar_equation import (
    max_detection_range_m,
    noise_power_w,
    reference_snr_db,
    scaled_detection_range_m,
    snr_db,
    snr_from_reference_db,
)
from iads.units import C_MPS


def test_mathworks_radareqsnr_examples():
    # MathWorks radareqsnr documentation: 1 GHz, 1 MW, tau 0.2 us, G 20 dB, 1 m^2, 50 km,
    # Ts 290 K, no loss -> 5.5868 dB; 10 GHz, 1 MW, 1 us, G 40 dB, 0.5 m^2, 100 km,
    # Ts 300 K, loss 3 dB -> 14.3778 dB.
    got = snr_db(1e6, 20, 20, C_MPS / 1e9, 1.0, 50e3, pulse_width_s=0.2e-6)
    assert got == pytest.approx(5.5868, abs=1e-3)
    got = snr_db(1e6, 40, 40, C_MPS / 10e9, 0.5, 100e3, pulse_width_s=1e-6,
                 temperature_k=300.0, losses_db=3.0)  # fmt: skip
    assert got == pytest.approx(14.3778, abs=1e-3)


def test_mathworks_radareqrng_examples():
    # MathWorks radareqrng documentation: 10 GHz, SNR 6 dB, tau 10 us, 1 MW, default G 20 dB,
    # 1 m^2 -> 4.1057e4 m; with G 40 dB, 0.1 m^2, loss 3 dB -> 1.9426e5 m.
    lam = C_MPS / 10e9
    got = max_detection_range_m(6.0, 1e6, 20, 20, lam, 1.0, pulse_width_s=10e-6)
    assert got == pytest.approx(4.1057e4, rel=1e-4)
    got = max_detection_range_m(6.0, 1e6, 40, 40, lam, 0.1, pulse_width_s=10e-6, losses_db=3)
    assert got == pytest.approx(1.9426e5, rel=1e-4)


def test_noise_power_kt0b():
    # k T0 = -204 dBW/Hz (Richards ch. 2): 1 MHz, F = 0 dB -> -144 dBW.
    n = noise_power_w(0.0, bandwidth_hz=1e6)
    assert 10 * np.log10(n) == pytest.approx(-144.0, abs=0.03)
    assert noise_power_w(3.0, pulse_width_s=1e-6) == pytest.approx(n * 10**0.3)


def test_range_fourth_power_and_rcs_scaling():
    base = dict(peak_power_w=1e6, gain_tx_db=30, gain_rx_db=30, wavelength_m=0.1,
                noise_figure_db=3.0, bandwidth_hz=1e6, losses_db=5.0)  # fmt: skip
    s1 = snr_db(rcs_m2=1.0, range_m=100e3, **base)
    assert snr_db(rcs_m2=1.0, range_m=200e3, **base) == pytest.approx(s1 - 40 * np.log10(2))
    assert snr_db(rcs_m2=10.0, range_m=100e3, **base) == pytest.approx(s1 + 10.0)
    assert snr_db(rcs_m2=1.0, range_m=100e3, n_pulses_coherent=16, **base) == pytest.approx(
        s1 + 10 * np.log10(16)
    )
    # The maximum range is where the SNR equals the requirement.
    r = max_detection_range_m(13.0, rcs_m2=[0.01, 1.0, 100.0], **base)
    np.testing.assert_allclose(snr_db(rcs_m2=[0.01, 1.0, 100.0], range_m=r, **base), 13.0)
    np.testing.assert_allclose(r[1:] / r[:-1], 100**0.25)


def test_usafa_sigma_quarter_power_example():
    # USAFA ECE 495 (public_figures.md §6c): 1 m^2 -> 472 km, -30 dBsm -> ~84 km.
    assert scaled_detection_range_m(1e-3, 472e3, 1.0) == pytest.approx(84e3, rel=0.005)


def test_reference_form_matches_full_equation():
    base = dict(peak_power_w=2e5, gain_tx_db=35, gain_rx_db=35, wavelength_m=0.03,
                noise_figure_db=4.0, pulse_width_s=2e-6, losses_db=6.0)  # fmt: skip
    r0, sigma0 = 150e3, 2.0
    ref = snr_db(rcs_m2=sigma0, range_m=r0, **base)
    ranges = np.array([[10e3, 80e3], [150e3, 400e3]])
    rcs = np.array([[0.01], [30.0]])
    np.testing.assert_allclose(
        snr_from_reference_db(ranges, rcs, r0, sigma0, ref),
        snr_db(rcs_m2=rcs, range_m=ranges, **base),
        atol=1e-10,
    )


def test_catalog_reference_point_reproduces_pd():
    # "Detects 1 m^2 at 250 km with Pd 0.8" -> a full SNR model.
    ref = reference_snr_db(0.8, 1e-6, 1, 1)
    snr = snr_from_reference_db([250e3, 125e3, 500e3], 1.0, 250e3, 1.0, ref)
    pd = detection_probability(snr, 1e-6, 1, 1)
    assert pd[0] == pytest.approx(0.8, abs=1e-9)
    assert pd[1] > 0.8 > pd[2]
    # Same Pd at the sigma^(1/4)-scaled range for another RCS.
    r = scaled_detection_range_m(0.05, 250e3, 1.0)
    snr = snr_from_reference_db(r, 0.05, 250e3, 1.0, ref)
    assert detection_probability(snr, 1e-6, 1, 1) == pytest.approx(0.8, abs=1e-9)


def test_broadcast_radars_by_targets():
    pt = np.array([[1e6], [2e5]])  # 2 radars
    rng_m = np.linspace(10e3, 300e3, 5)[None, :]  # 5 targets
    out = snr_db(pt, 30, 30, 0.1, 1.0, rng_m, 3.0, bandwidth_hz=1e6)
    assert out.shape == (2, 5)
    assert np.all(np.diff(out, axis=1) < 0)
    assert snr_db(1e6, 30, 30, 0.1, 0.0, 1e4, bandwidth_hz=1e6) == -np.inf


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"peak_power_w": -1.0}, "peak_power_w"),
        ({"wavelength_m": 0.0}, "wavelength_m"),
        ({"range_m": 0.0}, "range_m"),
        ({"rcs_m2": -1.0}, "rcs_m2"),
        ({"bandwidth_hz": None}, "bandwidth_hz"),
        ({"pulse_width_s": 1e-6}, "bandwidth_hz/pulse_width_s"),
        ({"gain_tx_db": np.nan}, "gain_tx_db"),
    ],
)
def test_invalid_parameters(kwargs, name):
    args = dict(peak_power_w=1e6, gain_tx_db=30, gain_rx_db=30, wavelength_m=0.1, rcs_m2=1.0,
                range_m=1e5, bandwidth_hz=1e6) | kwargs  # fmt: skip
    with pytest.raises(ParameterError, match=name):
        snr_db(**args)
