"""The hot-path kernels of the sensing chain against the library's reference functions
(iads.geo line of sight and geodetic conversion, iads.sensors.rcs aspect tables, the
Truth interpolation, PdTable) and closed forms (jamming burn-through)."""

from __future__ import annotations

import numpy as np
import pytest

import iads.engine  # noqa: F401  (engine before sensors.stage: import order)
from iads.geo import ecef_to_geodetic_rad, geodetic_to_ecef, line_of_sight_clear, los_clearance_m
from iads.sensors.chain import PdBank, SensingWorld, evaluate_pairs, rcs_db_by_aspect, truth_at
from iads.sensors.detection import PdTable, required_snr_db
from iads.sensors.geometry import enu_offsets, los_clear, target_geodetic
from iads.sensors.jamming import burn_through_range_m
from iads.sensors.radar import merge_unresolved, rotations
from iads.sensors.rcs import AspectRcsTable, aspect_angles_rad
from iads.sensors.terrain import TerrainModel
from iads.threats import WaypointFlight, fly

RNG = np.random.default_rng(12)


def _ecef(lat, lon, h):
    return np.stack(geodetic_to_ecef(lat, lon, h), -1)


def _pairs(n=4000):
    lat_r = RNG.uniform(-80, 80, n)
    lon_r = RNG.uniform(-180, 180, n)
    h_r = RNG.uniform(0, 60, n)
    brg = RNG.uniform(0, 2 * np.pi, n)
    d = RNG.uniform(1e3, 5e5, n) / 6.371e6  # central angle [rad]
    la, lo = np.deg2rad(lat_r), np.deg2rad(lon_r)
    lat_t = np.arcsin(np.sin(la) * np.cos(d) + np.cos(la) * np.sin(d) * np.cos(brg))
    lon_t = lo + np.arctan2(np.sin(brg) * np.sin(d) * np.cos(la),
                            np.cos(d) - np.sin(la) * np.sin(lat_t))  # fmt: skip
    h_t = RNG.choice([0.0, 20.0, 300.0, 9000.0, 30000.0], n) + RNG.uniform(0, 50, n)
    return (lat_r, lon_r, h_r), (np.rad2deg(lat_t), np.rad2deg(lon_t), h_t)


def test_target_geodetic_equals_geo() -> None:
    _, (lat, lon, h) = _pairs()
    p = _ecef(lat, lon, h)
    la, lo, hh = target_geodetic(p)
    ref = ecef_to_geodetic_rad(p[:, 0], p[:, 1], p[:, 2])
    assert np.allclose(la, ref[0], atol=1e-11)
    assert np.allclose(lo, ref[1], atol=1e-12)
    assert np.allclose(hh, ref[2], atol=1e-4)


def test_los_clear_equals_geo_line_of_sight() -> None:
    (lr, lor, hr), (lt, lot, ht) = _pairs()
    pr, pt = _ecef(lr, lor, hr), _ecef(lt, lot, ht)
    rot = rotations(np.deg2rad(lr), np.deg2rad(lor))
    enu, _, az, _, ground = enu_offsets(pr, rot, pt)
    la, lo, h = target_geodetic(pt)
    mine = los_clear(enu, az, ground, np.deg2rad(lr), np.deg2rad(lor), hr, la, lo, h)
    ref = line_of_sight_clear(pr, pt)
    margin = np.abs(los_clearance_m(pr, pt)) > 1e-3  # away from exact grazing
    assert np.array_equal(mine[margin], ref[margin])
    assert 0.2 < ref.mean() < 0.95  # both outcomes exercised


def test_flat_terrain_changes_nothing_and_a_hill_masks() -> None:
    (lr, lor, hr), (lt, lot, ht) = _pairs(2000)
    pr, pt = _ecef(lr, lor, hr), _ecef(lt, lot, ht)
    rot = rotations(np.deg2rad(lr), np.deg2rad(lor))
    enu, _, az, _, ground = enu_offsets(pr, rot, pt)
    la, lo, h = target_geodetic(pt)
    args = (enu, az, ground, np.deg2rad(lr), np.deg2rad(lor), hr, la, lo, h)
    flat = TerrainModel(np.deg2rad([-90.0, 90.0]), np.deg2rad([-180.0, 180.0]), np.zeros((2, 2)))
    assert np.array_equal(los_clear(*args), los_clear(*args, terrain=flat))
    # A 1,000 m hill half-way between a radar at 10 m and a target at 300 m, 60 km apart.
    r = _ecef(40.0, 32.0, 10.0)[None]
    t = _ecef(40.0, 32.0 + 60e3 / (111.32e3 * np.cos(np.deg2rad(40))), 300.0)[None]
    rt = rotations(np.deg2rad([40.0]), np.deg2rad([32.0]))
    e, _, a, _, g = enu_offsets(r, rt, t)
    la, lo, h = target_geodetic(t)
    base = (e, a, g, np.deg2rad([40.0]), np.deg2rad([32.0]), np.array([10.0]), la, lo, h)
    mid = np.deg2rad([40.0]), np.deg2rad([32.0 + 30e3 / (111.32e3 * np.cos(np.deg2rad(40)))])
    hill = TerrainModel(hill_lat_rad=mid[0], hill_lon_rad=mid[1], hill_height_m=np.array([1e3]),
                        hill_radius_m=np.array([3e3]))  # fmt: skip
    low = TerrainModel(hill_lat_rad=mid[0], hill_lon_rad=mid[1], hill_height_m=np.array([50.0]),
                       hill_radius_m=np.array([3e3]))  # fmt: skip
    assert los_clear(*base)[0]
    assert not los_clear(*base, terrain=hill)[0]
    assert los_clear(*base, terrain=low)[0]  # the ray passes ~100 m above mid-path


def test_grid_terrain_bilinear() -> None:
    lat = np.deg2rad([39.0, 40.0, 41.0])
    lon = np.deg2rad([32.0, 33.0])
    h = np.array([[0.0, 100.0], [200.0, 300.0], [400.0, 500.0]])
    tm = TerrainModel(lat, lon, h)
    q = tm(np.deg2rad(np.array([39.5, 40.0, 45.0])), np.deg2rad(np.array([32.5, 33.0, 32.5])))
    assert np.allclose(q, [150.0, 300.0, 0.0])


def test_rcs_by_aspect_equals_aspect_table() -> None:
    n = 3000
    pos = _ecef(RNG.uniform(-60, 60, n), RNG.uniform(-180, 180, n), RNG.uniform(0, 2e4, n))
    vel = RNG.normal(size=(n, 3)) * 250.0
    los = RNG.normal(size=(n, 3)) * 1e5
    front, side, rear = RNG.uniform(-30, 10, (3, n))
    tab = AspectRcsTable.from_front_side_rear(10 ** (front / 10), 10 ** (side / 10),
                                              10 ** (rear / 10))  # fmt: skip
    az, el = aspect_angles_rad(vel, los, pos)
    ref = 10 * np.log10(tab(np.arange(n), az))
    mine = rcs_db_by_aspect(np.stack([front, side, rear], -1), vel, los, pos)
    assert np.allclose(mine, ref, atol=1e-9)


def test_truth_at_equals_state_at() -> None:
    specs = [
        WaypointFlight(np.array([[40.0, 30.0, 100.0], [40.5, 31.0, 5000.0]]), 250.0, 0.0),
        WaypointFlight(np.array([[41.0, 33.0, 50.0], [40.0, 32.0, 50.0]]), 240.0, 20.0),
    ]
    truth = fly(specs, 300.0, 1.0)
    t = RNG.uniform(0, 300, 200)
    tid = RNG.integers(0, 2, 200)
    pos, vel = truth_at(truth, tid, t)
    for k in range(t.size):
        p, v, _ = truth.state_at(float(t[k]))
        assert np.allclose(pos[k], p[tid[k]], atol=1e-6)
        assert np.allclose(vel[k], v[tid[k]], atol=1e-6)


def test_pd_bank_equals_tables() -> None:
    bank = PdBank()
    modes = [(1e-6, 0, 1), (1e-6, 1, 1), (1e-4, 3, 10), (1e-6, 4, 5)]
    idx = np.array([bank.index(*m) for m in modes])
    snr = RNG.uniform(-50, 90, 5000)
    which = RNG.integers(0, len(modes), 5000)
    got = bank(idx[which], snr)
    for j, m in enumerate(modes):
        sel = which == j
        assert np.allclose(got[sel], PdTable(*m)(snr[sel]), atol=1e-14)
    assert bank.index(*modes[2]) == idx[2]


def _one_radar(jammer_erp_w: float | None, **kw):
    """A radar with full radar-equation figures and, optionally, a self-screening jammer
    on the target; built through iads.sensors.setup like a scenario's."""
    from types import SimpleNamespace as NS

    from iads.catalog.schema import Figure, RadarEntry
    from iads.sensors.setup import radar_arrays

    def f(v):
        return Figure(value=v, assumed=True, rationale="test")

    entry = RadarEntry(
        name="test", role="multifunction", ref_range_m=f(1e5), ref_rcs_m2=f(1.0),
        instrumented_range_m=f(1e6), revisit_s=f(1.0), range_sigma_m=f(10.0),
        angle_sigma_deg=f(0.1), peak_power_w=f(1e6), gain_db=f(40.0), frequency_hz=f(3e9),
        bandwidth_hz=f(1e6), noise_figure_db=f(3.0), losses_db=f(0.0),
        min_elevation_deg=f(-5.0), max_elevation_deg=f(90.0), **kw,
    )  # fmt: skip
    rows = [{"key": "T", "unit": 0, "entry": entry, "pos": NS(lat=0.0, lon=0.0, alt_m=0.0)}]
    bank = PdBank()
    ra, _, _ = radar_arrays(rows, np.random.default_rng(0), 1.0, bank, jammer_erp_w is not None)
    world = SensingWorld(np.zeros((1, 3)), np.array([0]), bank)
    if jammer_erp_w is not None:
        world.ssj_erp_w, world.ssj_bandwidth_hz = np.array([jammer_erp_w]), np.array([10e6])
    return ra, world


def test_self_screening_burn_through_in_the_chain() -> None:
    ra, world = _one_radar(100.0)
    q = float(required_snr_db(0.5, 1e-6, 0))
    r_bt = float(burn_through_range_m(q, 1e6, 40.0, 299792458.0 / 3e9, 1.0, 100.0, 10e6,
                                      1e6, 3.0))  # fmt: skip
    up = ra.pos_ecef_m[0] / np.linalg.norm(ra.pos_ecef_m[0])
    rng_m = np.array([0.5, 1.0, 2.0]) * r_bt
    # Targets straight up (no horizon), 1 m^2 (rcs_db 0), Swerling 0.
    pos = ra.pos_ecef_m[0] + rng_m[:, None] * up
    res = evaluate_pairs(ra, world, np.zeros(3, np.int64), np.zeros(3, np.int64), pos,
                         np.zeros((3, 3)))  # fmt: skip
    assert res.snr_db[1] == pytest.approx(q, abs=1e-6)
    assert res.pd[1] == pytest.approx(0.5, abs=1e-4)
    assert res.pd[0] > 0.5 > res.pd[2]


def test_unresolved_targets_merge() -> None:
    ra, _ = _one_radar(None, range_resolution_m=Figure_(50.0), beamwidth_az_deg=Figure_(1.0))
    r = np.zeros(4, np.int64)
    rng_m = np.array([1e4, 1e4 + 20.0, 2e4, 1e4 + 10.0])
    az = np.deg2rad([10.1, 10.6, 10.1, 30.0])  # 1-degree beam positions
    el = np.deg2rad([1.0, 1.1, 1.0, 1.0])
    group, keep = merge_unresolved(ra, r, rng_m, az, el, np.array([5.0, 9.0, 5.0, 5.0]))
    assert group[0] == group[1] and len(set(group.tolist())) == 3
    assert 1 in keep and 0 not in keep


def Figure_(v):  # noqa: N802
    from iads.catalog.schema import Figure

    return Figure(value=v, assumed=True, rationale="test")
