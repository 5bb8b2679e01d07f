"""Racetrack patrols (``iads.threats.patrol``): constant speed, turns at the load-factor
limit (closed-form radius), the turn side, the time on station and parameter errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iads.errors import ParameterError
from iads.geo import great_circle_distance_m
from iads.geo.ecef import ecef_to_geodetic
from iads.threats import PatrolFlight, fly
from iads.threats.patrol import turn_radius_m

G = 9.80665
V = 230.0


def _flown(n: float = 2.0, turn: str = "right", dt: float = 0.5):
    spec = PatrolFlight((36.0, 36.0, 8000.0), (36.5, 36.0, 8000.0), V, launch_t_s=10.0,
                        duration_s=1800.0, load_factor=n, turn=turn)  # fmt: skip
    return spec, fly([spec], 1900.0, dt)


def test_radius_is_the_level_turn_closed_form() -> None:
    # Level coordinated turn at bank phi: n = 1 / cos(phi), r = v^2 / (g tan(phi))
    # (e.g. Anderson, Introduction to Flight, sec. 6.17); at 60 deg bank n = 2.
    phi = math.radians(60.0)
    assert float(turn_radius_m(V, 1.0 / math.cos(phi))) == pytest.approx(
        V**2 / (G * math.tan(phi)), rel=1e-12
    )


def test_the_patrol_keeps_its_speed_and_height() -> None:
    spec, tr = _flown()
    on = (tr.t_s >= 10.0) & (tr.t_s <= 1810.0)
    speed = np.linalg.norm(tr.vel_ecef_mps[on, 0], axis=1)
    # Speed is flown on the navigation sphere (as every routed flight); on WGS-84 the
    # east/north scales (N + h)/R, (M + h)/R differ from 1 by < 0.4 % at 36 N.
    assert np.all(np.abs(speed / V - 1.0) < 4e-3)
    step = np.linalg.norm(np.diff(tr.pos_ecef_m[on, 0], axis=0), axis=1) / 0.5
    assert np.all(np.abs(step / V - 1.0) < 4e-3)
    _, _, h = ecef_to_geodetic(*tr.pos_ecef_m[on, 0].T)
    assert np.allclose(h, 8000.0, atol=1e-3)


@pytest.mark.parametrize("n", [1.5, 2.0, 4.0])
def test_the_turns_are_flown_at_the_load_factor_limit(n: float) -> None:
    spec, tr = _flown(n, dt=0.25)
    r = spec.turn_radius_m
    leg = float(great_circle_distance_m(36.0, 36.0, 36.5, 36.0))
    # Mid-turn of the first end turn: after the inbound leg and a quarter circle.
    t_mid = 10.0 + (leg + 0.5 * math.pi * r) / V
    k = int(round(t_mid / 0.25))
    a = (tr.vel_ecef_mps[k + 1, 0] - tr.vel_ecef_mps[k - 1, 0]) / 0.5
    # Horizontal centripetal acceleration v^2/r = g sqrt(n^2 - 1): n = sqrt(1 + (a/g)^2).
    n_flown = math.sqrt(1.0 + (np.linalg.norm(a) / G) ** 2)
    assert n_flown == pytest.approx(n, rel=1e-2)
    # The two legs are 2 r apart: points half a perimeter apart in arc length.
    t1 = 10.0 + 0.5 * leg / V
    t2 = t1 + (leg + math.pi * r) / V
    lat, lon, _ = ecef_to_geodetic(*tr.pos_ecef_m[[round(t1 / 0.25), round(t2 / 0.25)], 0].T)
    sep = float(great_circle_distance_m(lat[0], lon[0], lat[1], lon[1]))
    assert sep == pytest.approx(2.0 * r, rel=1e-3)


@pytest.mark.parametrize(("turn", "sign"), [("right", 1.0), ("left", -1.0)])
def test_the_outbound_leg_lies_on_the_turn_side(turn: str, sign: float) -> None:
    _, tr = _flown(2.0, turn)
    _, lon, _ = ecef_to_geodetic(*tr.pos_ecef_m[tr.t_s <= 1810.0, 0].T)
    # Inbound northbound along 36 E: a right-hand racetrack lies east of it.
    side = sign * (lon - 36.0)
    assert side.min() > -1e-6 and side.max() > 0.05


def test_time_on_station() -> None:
    _, tr = _flown()
    assert tr.launch_t_s[0] == 10.0 and tr.end_t_s[0] == 1810.0
    assert not tr.active(5.0)[0] and tr.active(10.0)[0] and not tr.active(1810.0)[0]


@pytest.mark.parametrize(
    ("kw", "name"),
    [({"load_factor": 1.0}, "load_factor"), ({"speed_mps": 0.0}, "speed_mps"),
     ({"duration_s": -1.0}, "duration_s"), ({"turn": "up"}, "turn"),
     ({"end_lla": (36.0, 36.0, 0.0)}, "end_lla")],  # fmt: skip
)
def test_bad_parameters_are_named(kw: dict, name: str) -> None:
    args = {"start_lla": (36.0, 36.0, 0.0), "end_lla": (36.5, 36.0, 0.0), "speed_mps": V}
    with pytest.raises(ParameterError, match=name):
        PatrolFlight(**{**args, **kw})
