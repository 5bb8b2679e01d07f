"""Passive detection of emitters (iads.sensors.passive) against the one-way equation in
its textbook dB form and the published free-space path loss constant."""

from __future__ import annotations

import numpy as np
import pytest

from iads.geo import geodetic_to_ecef
from iads.sensors.passive import (
    emitter_erp_w,
    passive_detected,
    passive_range_m,
    received_power_w,
)
from iads.sensors.radar_equation import noise_power_w, snr_db
from iads.units import C_MPS


def test_free_space_loss_matches_the_published_constant() -> None:
    # FSPL [dB] = 20 log10(d [km]) + 20 log10(f [GHz]) + 92.45 (e.g. ITU-R P.525).
    lam = C_MPS / 1e9
    for d_km, f_ghz in ((1.0, 1.0), (100.0, 3.0), (37.0, 9.4)):
        lam = C_MPS / (f_ghz * 1e9)
        p = received_power_w(1.0, 0.0, lam, d_km * 1e3)
        fspl = 20 * np.log10(d_km) + 20 * np.log10(f_ghz) + 92.45
        assert -10 * np.log10(p) == pytest.approx(fspl, abs=0.01)


@pytest.mark.parametrize(("erp_dbw", "f_hz", "g_r", "s_dbm"),
                         [(60.0, 3e9, 0.0, -65.0), (85.0, 1.2e9, 3.0, -60.0),
                          (40.0, 10e9, -2.0, -70.0)])  # fmt: skip
def test_passive_range_is_the_closed_form_one_way_range(erp_dbw, f_hz, g_r, s_dbm) -> None:
    lam = C_MPS / f_hz
    # Closed form in dB: S = ERP + G_r - 20 log10(4 pi R / lambda)  =>  solve for R.
    r_closed = lam / (4 * np.pi) * 10 ** ((erp_dbw + 30.0 + g_r - s_dbm) / 20.0)
    r = passive_range_m(10 ** (erp_dbw / 10), g_r, lam, s_dbm)
    assert r == pytest.approx(r_closed, rel=1e-12)
    # At that range the received power is the sensitivity.
    s = received_power_w(10 ** (erp_dbw / 10), g_r, lam, r)
    assert 10 * np.log10(s) + 30.0 == pytest.approx(s_dbm, abs=1e-9)


def test_erp_inverts_the_radar_equation() -> None:
    p_w, g_db, f_hz, nf_db, bw, loss = 2e5, 38.0, 3.3e9, 3.0, 2e6, 5.0
    lam = C_MPS / f_hz
    snr1 = float(snr_db(p_w, g_db, g_db, lam, 1.0, 1.0, nf_db, bandwidth_hz=bw, losses_db=loss))
    erp = emitter_erp_w(snr1, g_db, lam, noise_power_w(nf_db, bandwidth_hz=bw), loss)
    assert erp == pytest.approx(p_w * 10 ** (g_db / 10), rel=1e-9)


def _ecef(lat, lon, h):
    return np.stack(geodetic_to_ecef(np.atleast_1d(lat), np.atleast_1d(lon),
                                     np.atleast_1d(h)), -1).reshape(-1, 3)  # fmt: skip


def test_detected_inside_the_range_and_band_and_above_the_horizon_only() -> None:
    emitter = _ecef(40.0, 32.0, 20.0)
    lam = np.array([C_MPS / 3e9])
    erp = np.array([1e4])  # 10 kW: free-space range about 45 km at -65 dBm
    r_max = float(passive_range_m(erp, 0.0, lam, -65.0)[0])
    assert 20e3 < r_max < 100e3
    # Receivers at 10 km height due north, at 0.95 and 1.05 of the range.
    lat = 40.0 + np.array([0.95, 1.05]) * np.sqrt(r_max**2 - 10e3**2) / 111_000.0
    rx = _ecef(lat, np.full(2, 32.0), np.full(2, 10e3))
    ones = np.ones(2)
    det, rng_m = passive_detected(emitter, erp, lam, rx, 0 * ones, -65 * ones, 0.5e9 * ones,
                                  20e9 * ones)  # fmt: skip
    assert det[:, 0].tolist() == [True, False]
    assert rng_m[0, 0] < r_max < rng_m[1, 0]
    # Outside the seeker's frequency coverage: not detected at any range.
    det, _ = passive_detected(emitter, erp, lam, rx, 0 * ones, -65 * ones, 5e9 * ones,
                              20e9 * ones)  # fmt: skip
    assert not det.any()
    # A strong emitter below the horizon of a low receiver 150 km away: not detected.
    low = _ecef(41.35, 32.0, 100.0)
    det, rng_m = passive_detected(emitter, np.array([1e9]), lam, low, np.zeros(1),
                                  np.array([-65.0]), np.array([0.5e9]), np.array([20e9]))
    assert rng_m[0, 0] < float(passive_range_m(1e9, 0.0, lam, -65.0)[0])
    assert not det[0, 0]
