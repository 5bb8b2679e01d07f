"""Tests of iads.sensors.rcs: aspect tables, aspect geometry and Swerling draws."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from iads.errors import ParameterError
from iads.sensors.rcs import AspectRcsTable, aspect_angles_rad, draw_rcs, off_nose_angle_rad

# Two types: a fighter-like and a missile-like target (illustrative values only).
TABLE = AspectRcsTable.from_front_side_rear([2.0, 0.05], [10.0, 0.5], [5.0, 0.1])


def test_table_hits_nodes():
    nodes = np.array([0.0, 0.5, 1.0, 1.5]) * np.pi
    np.testing.assert_allclose(TABLE(0, nodes), [2.0, 10.0, 5.0, 10.0], rtol=1e-12)
    np.testing.assert_allclose(TABLE(1, nodes), [0.05, 0.5, 0.1, 0.5], rtol=1e-12)


def test_table_periodic_and_symmetric():
    az = np.linspace(-3 * np.pi, 3 * np.pi, 101)
    for k in (-2, 1, 5):
        np.testing.assert_allclose(TABLE(0, az + 2 * np.pi * k), TABLE(0, az), rtol=1e-10)
    np.testing.assert_allclose(TABLE(1, -az), TABLE(1, az), rtol=1e-10)


def test_table_interpolates_in_db():
    # Halfway between nose (2 m^2) and beam (10 m^2): geometric mean.
    assert TABLE(0, np.pi / 4) == pytest.approx(np.sqrt(20.0))
    # Wrap segment between the last node (3 pi/2) and 2 pi.
    assert TABLE(0, 7 * np.pi / 4) == pytest.approx(np.sqrt(20.0))
    vals = TABLE(0, np.linspace(0, np.pi / 2, 50))
    assert np.all(np.diff(vals) > 0)


def test_table_vectorized_over_targets():
    types = np.array([0, 1, 1, 0])
    az = np.array([0.0, np.pi, np.pi / 2, np.pi])
    np.testing.assert_allclose(TABLE(types, az), [2.0, 0.1, 0.5, 5.0])
    assert TABLE(types[:, None], az[None, :]).shape == (4, 4)


def test_table_with_elevation():
    az = np.array([0.0, np.pi / 2, np.pi, 3 * np.pi / 2])
    el = np.array([-np.pi / 2, 0.0, np.pi / 2])
    rcs = np.array([[[20.0, 40.0, 20.0, 40.0], [1.0, 10.0, 2.0, 10.0], [20.0, 40.0, 20.0, 40.0]]])
    tab = AspectRcsTable(az, rcs, el)
    assert tab(0, np.pi, 0.0) == pytest.approx(2.0)
    assert tab(0, 0.0, -np.pi / 2) == pytest.approx(20.0)
    assert tab(0, 0.0, -np.pi / 4) == pytest.approx(np.sqrt(20.0))
    assert tab(0, np.pi / 2, 2.0) == pytest.approx(40.0)  # clamped beyond the last node
    with pytest.raises(ParameterError, match="aspect_el_rad"):
        tab(0, 0.0)


def _frame(n, rng):
    """Random ECEF-like geometry: target at random place with a random local up."""
    up = rng.normal(size=(n, 3))
    up /= np.linalg.norm(up, axis=1, keepdims=True)
    helper = np.cross(up, rng.normal(size=(n, 3)))
    east = helper / np.linalg.norm(helper, axis=1, keepdims=True)
    north = np.cross(up, east)
    return up, east, north


def test_aspect_angles_canonical_geometry():
    rng = np.random.default_rng(0)
    up, east, north = _frame(5, rng)
    v = 250.0 * north  # flying north, level
    # Radar ahead of the target (target approaching), 10 km and at the same height.
    az, el = aspect_angles_rad(v, -10e3 * north, up)
    np.testing.assert_allclose(az, 0.0, atol=1e-12)
    np.testing.assert_allclose(el, 0.0, atol=1e-12)
    # Radar behind: tail-on; radar to the west (left of a north-bound target): +pi/2.
    az, _ = aspect_angles_rad(v, 10e3 * north, up)
    np.testing.assert_allclose(np.abs(az), np.pi, atol=1e-12)
    az, _ = aspect_angles_rad(v, 10e3 * east, up)  # radar west of the target
    np.testing.assert_allclose(az, np.pi / 2, atol=1e-12)
    # Radar 45 deg below the target's horizon, straight ahead.
    az, el = aspect_angles_rad(v, -10e3 * north + 10e3 * up, up)
    np.testing.assert_allclose(el, -np.pi / 4, atol=1e-12)
    np.testing.assert_allclose(az, 0.0, atol=1e-12)
    # Climbing does not change the azimuth aspect; off-nose angle sees the climb.
    az, _ = aspect_angles_rad(v + 100.0 * up, -10e3 * north, up)
    np.testing.assert_allclose(az, 0.0, atol=1e-12)
    np.testing.assert_allclose(
        off_nose_angle_rad(v + 250.0 * up, -10e3 * north), np.pi / 4, atol=1e-12
    )


def test_aspect_angles_rotation_invariant_and_no_nan():
    rng = np.random.default_rng(1)
    v, los, up = rng.normal(size=(3, 200, 3))
    az, el = aspect_angles_rad(v, los, up)
    rot = Rotation.random(random_state=2)
    az2, el2 = aspect_angles_rad(rot.apply(v), rot.apply(los), rot.apply(up))
    np.testing.assert_allclose(az2, az, atol=1e-9)
    np.testing.assert_allclose(el2, el, atol=1e-9)
    # Degenerate motion: hovering and purely vertical flight give finite, nose-on azimuth.
    az, el = aspect_angles_rad(np.array([[0, 0, 0], [0, 0, -900.0]]), [[1e4, 0, 0]], [0, 0, 1])
    assert np.all(np.isfinite(az)) and np.all(np.isfinite(el))
    np.testing.assert_allclose(az, 0.0)
    assert off_nose_angle_rad([0.0, 0.0, 0.0], [1e4, 0, 0]) == 0.0


@pytest.mark.parametrize(("swerling", "var_factor"), [(1, 1.0), (2, 1.0), (3, 0.5), (4, 0.5)])
def test_draw_rcs_moments(swerling, var_factor):
    rng = np.random.default_rng(10 + swerling)
    mean, n = 3.0, 400_000
    x = draw_rcs(np.full(n, mean), swerling, rng)
    # Sample mean and variance within ~5 standard errors (fourth moments of the gamma).
    assert x.mean() == pytest.approx(mean, abs=5 * np.sqrt(var_factor) * mean / np.sqrt(n))
    assert x.var() == pytest.approx(var_factor * mean**2, rel=0.03)
    assert np.all(x >= 0)


def test_draw_rcs_shapes_seed_and_constant():
    m = np.array([1.0, 10.0])
    a = draw_rcs(m, 1, np.random.default_rng(5), size=(1000, 2))
    b = draw_rcs(m, 1, np.random.default_rng(5), size=(1000, 2))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (1000, 2)
    assert a[:, 1].mean() > 5 * a[:, 0].mean()
    np.testing.assert_array_equal(draw_rcs(m, 0, np.random.default_rng(0)), m)
    with pytest.raises(ParameterError, match="rng"):
        draw_rcs(m, 1, None)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="swerling"):
        draw_rcs(m, 5, np.random.default_rng(0))


def test_table_validation():
    with pytest.raises(ParameterError, match="az_nodes_rad"):
        AspectRcsTable(np.array([0.0, 7.0]), np.ones((1, 2)))
    with pytest.raises(ParameterError, match="rcs_m2"):
        AspectRcsTable(np.array([0.0, 1.0]), np.ones((1, 3)))
    with pytest.raises(ParameterError, match="rcs_m2"):
        AspectRcsTable.from_front_side_rear(1.0, 0.0, 1.0)
    with pytest.raises(ParameterError, match="type_index"):
        TABLE(2, 0.0)
