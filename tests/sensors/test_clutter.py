"""Tests of iads.sensors.clutter: false-alarm counts and positions."""

from __future__ import annotations

import numpy as np
import pytest

from iads.errors import ParameterError
from iads.sensors.clutter import draw_false_alarms, expected_false_alarms, n_resolution_cells


def test_cell_count():
    # 150 m range cells over 0-300 km, 1 deg beam over 360 deg, one elevation beam.
    n = n_resolution_cells(0.0, 300e3, 150.0, 2 * np.pi, np.deg2rad(1.0))
    assert n == 2000 * 360
    # Partial cells count as whole ones; 3 elevation beams of 10 deg over 25 deg.
    n = n_resolution_cells(1e3, 2e3, 300.0, np.deg2rad(90), np.deg2rad(2.0), np.deg2rad(25),
                           np.deg2rad(10))  # fmt: skip
    assert n == 4 * 45 * 3
    assert expected_false_alarms(1e-6, 720_000) == pytest.approx(0.72)


def test_mean_count_matches_poisson():
    rng = np.random.default_rng(42)
    pfa = np.array([1e-5, 1e-4])  # two radars
    n_cells = n_resolution_cells(0.0, 100e3, 100.0, 2 * np.pi, np.deg2rad(2.0))
    n_scans = 400
    counts = np.zeros((n_scans, 2))
    for k in range(n_scans):
        fa = draw_false_alarms(rng, pfa, 0.0, 100e3, 100.0, 0.0, 2 * np.pi, np.deg2rad(2.0))
        counts[k] = np.bincount(fa.radar_index, minlength=2)
    lam = pfa * n_cells  # 1.8 and 18 per scan
    se = np.sqrt(lam / n_scans)
    assert np.all(np.abs(counts.mean(axis=0) - lam) < 4.5 * se)
    # Poisson: variance equals the mean (loose check).
    np.testing.assert_allclose(counts.var(axis=0), lam, rtol=0.25)


def test_positions_inside_volume_and_uniform_in_cell_space():
    rng = np.random.default_rng(1)
    # A sector across north: centre 350 deg, 60 deg wide -> [320, 360) U [0, 20).
    fa = draw_false_alarms(rng, 1e-2, 20e3, 80e3, 50.0, np.deg2rad(350), np.deg2rad(60),
                           np.deg2rad(1.5), np.deg2rad(1.0), np.deg2rad(30.0),
                           np.deg2rad(3.0))  # fmt: skip
    assert fa.range_m.size > 3_000  # mean 1e-2 * 1200 * 40 * 10 = 4800
    assert np.all((fa.range_m >= 20e3) & (fa.range_m <= 80e3))
    az_deg = np.rad2deg(fa.az_rad)
    assert np.all((az_deg >= 0) & (az_deg < 360))
    assert np.all((az_deg >= 320) | (az_deg <= 20))
    assert np.all((fa.el_rad >= np.deg2rad(1.0)) & (fa.el_rad <= np.deg2rad(30.0)))
    # Uniform in range (not in volume): the near and far halves hold equal shares.
    near = np.mean(fa.range_m < 50e3)
    assert near == pytest.approx(0.5, abs=4.5 * 0.5 / np.sqrt(fa.range_m.size))


def test_seeded_and_empty():
    a = draw_false_alarms(np.random.default_rng(9), 1e-3, 0.0, 50e3, 100.0, 0.0, 1.0, 0.05)
    b = draw_false_alarms(np.random.default_rng(9), 1e-3, 0.0, 50e3, 100.0, 0.0, 1.0, 0.05)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    fa = draw_false_alarms(np.random.default_rng(0), 1e-12, 0.0, 1e3, 100.0, 0.0, 1.0, 0.5)
    assert fa.range_m.shape == (0,) and fa.radar_index.dtype.kind == "i"


def test_invalid_parameters():
    rng = np.random.default_rng(0)
    with pytest.raises(ParameterError, match="rng"):
        draw_false_alarms(None, 1e-6, 0.0, 1e3, 10.0, 0.0, 1.0, 0.1)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="pfa"):
        draw_false_alarms(rng, 0.0, 0.0, 1e3, 10.0, 0.0, 1.0, 0.1)
    with pytest.raises(ParameterError, match="range_max_m"):
        draw_false_alarms(rng, 1e-6, 2e3, 1e3, 10.0, 0.0, 1.0, 0.1)
    with pytest.raises(ParameterError, match="az_extent_rad"):
        n_resolution_cells(0.0, 1e3, 10.0, 7.0, 0.1)
