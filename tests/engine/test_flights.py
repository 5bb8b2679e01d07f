"""Scenario entries to flights: each catalog class gets its kinematic model, raids expand
deterministically from the seed, and their mistakes are located like any other."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from iads.engine.build import build
from iads.engine.flights import entity_count
from iads.errors import ScenarioError
from iads.geo import ecef_to_geodetic, great_circle_distance_m
from iads.scenario import load_scenario
from iads.threats import (
    AircraftFlight,
    BallisticFlight,
    CruiseMissileFlight,
    DroneFlight,
    WaypointFlight,
    fly,
)

MIXED = textwrap.dedent("""\
    name: mixed
    settings: {duration_s: 900, time_step_s: 1, seed: 5}
    assets:
      - name: Ankara
        position: {lat: 39.93, lon: 32.86}
    defenders:
      - name: S-400 A
        system: S-400
        position: {lat: 40.08, lon: 32.57}
    threats:
      - {type: f16, count: 2, launch: {lat: 41.5, lon: 30.5}, target: Ankara, spacing_s: 10}
      - {type: kalibr, launch: {lat: 41.8, lon: 34.0}, target: Ankara, terminal: popup}
      - {type: shahed136, launch: {lat: 40.5, lon: 33.5}, target: Ankara}
      - {type: iskander, launch: {lat: 41.9, lon: 34.5}, target: Ankara}
      - {type: su24, launch: {lat: 39.0, lon: 35.0}, target: Ankara, kinematics: first_order}
      - raid:
          name: north
          target: Ankara
          axis_bearing_deg: 0
          axis_spread_deg: 40
          time_spread_s: 60
          groups:
            - {type: kalibr, count: 5, distance_m: 150000, radius_m: 10000}
            - {type: shahed136, count: 3, distance_m: 60000}
    """)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    f = tmp_path_factory.mktemp("sc") / "mixed.yaml"
    f.write_text(MIXED, encoding="utf-8")
    return f


def test_each_class_flies_its_model(mixed: Path) -> None:
    b = build(load_scenario(mixed))
    kinds = [type(s) for s in b.threats.specs]
    assert kinds[:6] == [
        AircraftFlight,
        AircraftFlight,
        CruiseMissileFlight,
        DroneFlight,
        BallisticFlight,
        WaypointFlight,
    ]
    assert kinds[6:11] == [CruiseMissileFlight] * 5 and kinds[11:] == [DroneFlight] * 3
    assert entity_count(load_scenario(mixed).scenario) == (14, 0)
    assert b.threats.names[6].startswith("north.kalibr")


def test_ballistic_missile_lands_on_its_target(mixed: Path) -> None:
    b = build(load_scenario(mixed))
    truth = fly(b.threats.specs[4:5], 900.0, 1.0)
    t_end = float(truth.end_t_s[0])
    assert 60.0 < t_end < 900.0
    p, _, _ = truth.state_at(t_end)
    lat, lon, h = ecef_to_geodetic(*p[0])
    assert great_circle_distance_m(lat, lon, 39.93, 32.86) < 200.0
    assert abs(h) < 50.0


def test_raid_is_deterministic_in_the_seed(mixed: Path) -> None:
    loaded = load_scenario(mixed)
    a = build(loaded, seed=1).threats.specs[6:]
    b = build(loaded, seed=1).threats.specs[6:]
    c = build(loaded, seed=2).threats.specs[6:]
    same = all(np.array_equal(x.waypoints_lla, y.waypoints_lla) for x, y in zip(a, b, strict=True))
    differ = any(
        not np.array_equal(x.waypoints_lla, y.waypoints_lla) for x, y in zip(a, c, strict=True)
    )
    assert same and differ
    # Launch points lie around the axis at the group's distance.
    for s in a[:5]:
        d = great_circle_distance_m(s.waypoints_lla[0, 0], s.waypoints_lla[0, 1], 39.93, 32.86)
        assert 140_000 - 1 <= d <= 160_000 + 1


def test_mixed_scenario_runs(mixed: Path) -> None:
    from iads.engine import simulate

    s = simulate(load_scenario(mixed)).summary()
    t = s["totals"]
    assert t["threats"] == 14
    assert t["killed"] + t["leaked"] + t["flying"] + t["not_launched"] == 14


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        (
            "      target: Ankara\n      axis",
            "      target: Ankra\n      axis",
            "threats[5].raid.target",
            ["unknown asset", "did you mean 'Ankara'"],
        ),
        (
            "{type: shahed136, count: 3",
            "{type: shahed13, count: 3",
            "threats[5].raid.groups[1].type",
            ["unknown threat type", "did you mean 'shahed136'"],
        ),
        (
            "distance_m: 60000}",
            "distance_m: 60000, radius: 5}",
            "threats[5].raid.groups[1].radius",
            ["unknown key 'radius'", "did you mean 'radius_m'"],
        ),
        (
            "terminal: popup}",
            "terminal: loop}",
            "threats[1].terminal",
            ["'none', 'dive' or 'popup'"],
        ),
    ],
)
def test_raid_and_kinematics_mistakes_are_located(tmp_path, old, new, path, words) -> None:
    assert old in MIXED
    f = tmp_path / "bad.yaml"
    f.write_text(MIXED.replace(old, new), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(f)
    probs = exc.value.problems
    assert [p.path for p in probs] == [path]
    for w in words:
        assert w in probs[0].message
    assert probs[0].line is not None


def test_catalog_load_factor_is_used_as_given_never_replaced(mixed: Path) -> None:
    """An explicit catalog load factor reaches the flight model as it is (no ``x or
    default``): a meaningless 0 is refused by the model instead of becoming 3 g."""
    from iads.catalog.schema import Figure
    from iads.engine.flights import _spec
    from iads.errors import ParameterError

    loaded = load_scenario(mixed)
    group = loaded.scenario.threats[0]  # two F-16s
    entry = loaded.catalog.threats["f16"]
    target = (39.93, 32.86, 0.0)
    given = entry.model_copy(update={"max_load_factor": Figure(value=7.5, assumed=True,
                                                               rationale="test")})  # fmt: skip
    assert _spec(group, given, 0, target).max_load_factor == 7.5
    zero = entry.model_copy(update={"max_load_factor": Figure(value=0.0, assumed=True,
                                                              rationale="test")})  # fmt: skip
    with pytest.raises(ParameterError, match="max_load_factor"):
        fly([_spec(group, zero, 0, target)], 60.0, 1.0)


def test_apogee_trajectory_from_a_scenario_reaches_its_apogee(tmp_path) -> None:
    """``trajectory: apogee`` with ``apogee_m`` flies the conic with that apogee (the
    scenario face of ``BallisticFlight``'s "apogee" aim), and lands on its target."""
    f = tmp_path / "apogee.yaml"
    f.write_text(MIXED.replace(
        "{type: iskander, launch: {lat: 41.9, lon: 34.5}, target: Ankara}",
        "{type: iskander, launch: {lat: 41.9, lon: 34.5}, target: Ankara, "
        "trajectory: apogee, apogee_m: 90000}"), encoding="utf-8")  # fmt: skip
    spec = build(load_scenario(f)).threats.specs[4]
    assert isinstance(spec, BallisticFlight) and spec.apogee_m == 90_000.0
    truth = fly([spec], 900.0, 1.0)
    t = np.arange(0.0, float(truth.end_t_s[0]), 1.0)
    h = np.array([ecef_to_geodetic(*truth.state_at(x)[0][0])[2] for x in t])
    assert h.max() == pytest.approx(90_000.0, rel=0.05)  # drag and the ellipsoid: a few %
    p, _, _ = truth.state_at(float(truth.end_t_s[0]))
    lat, lon, _ = ecef_to_geodetic(*p[0])
    assert great_circle_distance_m(lat, lon, 39.93, 32.86) < 200.0


def test_apogee_m_goes_with_the_apogee_trajectory_only(tmp_path) -> None:
    f = tmp_path / "bad.yaml"
    old = "{type: iskander, launch: {lat: 41.9, lon: 34.5}, target: Ankara}"
    assert old in MIXED
    f.write_text(MIXED.replace(old, old[:-1] + ", apogee_m: 90000}"), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(f)
    assert "apogee_m" in exc.value.problems[0].message
