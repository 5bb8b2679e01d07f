"""The reactive aircraft model (iads.threats.behaviour) on its own: warnings fed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from iads.catalog.loader import builtin_catalog
from iads.geo import ecef_to_geodetic_rad, geodetic_to_ecef
from iads.geo.enu import ecef_to_enu_vector_rad
from iads.threats import AircraftFlight, fly
from iads.threats.behaviour import Reactive
from iads.units import G0_MPS2

V, N_MAX = 250.0, 4.0
_FIG = builtin_catalog().model.behaviour
REACTION_S, CLEAR_S = _FIG.reaction_s.value, _FIG.clear_s.value


def _setup(egress: bool = False):
    route = np.array([[40.0, 30.0, 8000.0], [40.0, 31.0, 8000.0], [40.3, 31.8, 8000.0]])
    spec = AircraftFlight(route, speed_mps=V, max_load_factor=N_MAX)
    truth = fly([spec], 1200.0, 1.0)
    react = Reactive.new(np.array([0]), (spec,), truth, np.array([egress]), REACTION_S, CLEAR_S)
    return truth, react


def _heading(tr, k):
    p, v = tr.pos_ecef_m[k, 0], tr.vel_ecef_mps[k, 0]
    lat, lon, _ = ecef_to_geodetic_rad(p[..., 0], p[..., 1], p[..., 2])
    e, n, _ = ecef_to_enu_vector_rad(v[..., 0], v[..., 1], v[..., 2], lat, lon)
    return np.unwrap(np.arctan2(e, n))


def _run(react, warn_until: float, emitter, t_end: float = 1200.0):
    """Warn every second from t = 100 s to ``warn_until``, then fly on quietly."""
    alive = np.ones(1, bool)
    for t in np.arange(0.0, t_end, 1.0):
        if 100.0 <= t <= warn_until:
            react.hear(float(t), np.array([True]), emitter[None])
        react.advance(float(t + 1.0), alive)
    return react.drain()


def test_turns_away_after_its_reaction_time_within_its_load_factor() -> None:
    truth, react = _setup()
    emitter = np.stack(geodetic_to_ecef(39.6, 31.0, 0.0), -1)  # ahead, south of the route
    switches = _run(react, 160.0, emitter)
    tr = react.truth
    # The turn starts REACTION_S after the first warning (within one integration step).
    evade = [s for s in switches if s[1] == "evade"]
    assert evade and evade[0][0] == pytest.approx(100.0 + REACTION_S, abs=0.51)
    k0 = int(100 + REACTION_S)
    np.testing.assert_array_equal(tr.pos_ecef_m[: k0 + 1], truth.pos_ecef_m[: k0 + 1])
    psi = _heading(tr, np.arange(0, 400))
    assert abs(psi[k0 + 10] - psi[k0]) > np.deg2rad(20.0)  # it did turn
    # Never faster than the coordinated-turn rate g sqrt(n^2 - 1) / v.
    rate = np.abs(np.diff(psi))
    assert rate.max() <= G0_MPS2 * np.sqrt(N_MAX**2 - 1.0) / V * 1.0001
    # Notch: after the turn it flies perpendicular to the line of sight to the emitter.
    k = 150
    p = tr.pos_ecef_m[k, 0]
    los = (emitter - p) / np.linalg.norm(emitter - p)
    v = tr.vel_ecef_mps[k, 0] / np.linalg.norm(tr.vel_ecef_mps[k, 0])
    assert abs(float(los @ v)) < 0.05
    # The caller's truth is never written.
    assert not np.shares_memory(tr.pos_ecef_m, truth.pos_ecef_m)


def test_resumes_its_route_when_the_warnings_stop_and_reaches_its_end() -> None:
    _, react = _setup()
    emitter = np.stack(geodetic_to_ecef(39.6, 31.0, 0.0), -1)
    switches = _run(react, 160.0, emitter)
    resume = [s for s in switches if s[1] == "resume"]
    assert resume and resume[0][0] == pytest.approx(160.0 + CLEAR_S, abs=0.51)
    # It reaches the last waypoint of its route (later than scripted: it detoured).
    end = float(react.truth.end_t_s[0])
    assert np.isfinite(end)
    p = react.truth.state_at(end)[0][0]  # the state at the end interpolates right
    lat, lon, _ = ecef_to_geodetic_rad(p[0], p[1], p[2])
    assert np.rad2deg(lat) == pytest.approx(40.3, abs=0.02)
    assert np.rad2deg(lon) == pytest.approx(31.8, abs=0.02)
    assert np.array_equal(react.due_ends(end + 1.0), [0])
    assert react.due_ends(end + 2.0).size == 0  # reported once


def test_egress_turns_its_back_on_the_emitter() -> None:
    _, react = _setup(egress=True)
    emitter = np.stack(geodetic_to_ecef(40.0, 33.0, 0.0), -1)  # ahead on the route
    _run(react, 200.0, emitter, t_end=300.0)
    tr = react.truth
    p = tr.pos_ecef_m[190, 0]
    los = (emitter - p) / np.linalg.norm(emitter - p)
    v = tr.vel_ecef_mps[190, 0] / np.linalg.norm(tr.vel_ecef_mps[190, 0])
    assert float(los @ v) < -0.99


def test_same_warnings_same_path() -> None:
    emitter = np.stack(geodetic_to_ecef(39.6, 31.0, 0.0), -1)
    _, a = _setup()
    _, b = _setup()
    _run(a, 160.0, emitter, 400.0)
    _run(b, 160.0, emitter, 400.0)
    np.testing.assert_array_equal(a.truth.pos_ecef_m, b.truth.pos_ecef_m)
