"""Intercept physics on the true geometry (issue 10, item 8): the decision may use the
track, but whether the interceptor can kill is decided on where the target really is at
the moment of intercept (altitude floor and ceiling, range, target speed)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from iads.engine import simulate
from iads.engine.build import build
from iads.geo import ecef_to_geodetic_rad, geodetic_to_ecef
from iads.scenario import load_scenario
from iads.weapons.envelope import envelope_violation

SCENARIO = """
name: Patriot against sea-skimming cruise missiles under the PAC-3 MSE floor
settings: {duration_s: 1500, time_step_s: 1.0, seed: 5}
# Smooth earth: the missile floor is a height above the ellipsoid, and over the Anatolian
# plateau terrain-following missiles at 20 m above the ground fly ~1,000 m above it.
terrain: {dem: none}
assets:
  - {name: Ankara, position: {lat: 39.9334, lon: 32.8597, alt_m: 0}, value: 100}
defenders:
  - name: Patriot
    system: Patriot
    position: {lat: 39.95, lon: 32.88, alt_m: 0}
    loadout: {PAC-3-MSE: 24}
threats:
  - {type: kalibr, count: 6, launch: {lat: 40.9, lon: 33.2}, target: Ankara, altitude_m: 20,
     kinematics: first_order, spacing_s: 20, lateral_spacing_m: 3000}
"""


@pytest.fixture(scope="module")
def patriot_result(tmp_path_factory):
    path = tmp_path_factory.mktemp("geom") / "patriot.yaml"
    path.write_text(SCENARIO)
    return simulate(load_scenario(path))


def test_envelope_violation_names_the_failed_limit():
    b = build(load_scenario())
    mis = b.missiles
    m = 0
    def at(ground_m: float, alt_m: float) -> np.ndarray:
        lon = ground_m / 111_320.0  # degrees along the equator
        return np.array(geodetic_to_ecef(0.0, lon, alt_m))

    site = at(0.0, 0.0)
    mid = 0.5 * mis.max_range_m[m]
    below = at(mid, mis.min_alt_m[m] - 10.0)
    above = at(1000.0, mis.max_alt_m[m] + 10.0)
    far = at(1.01 * mis.max_range_m[m], mis.min_alt_m[m] + 1000.0)
    ok = at(mid, mis.min_alt_m[m] + 1000.0)
    assert envelope_violation(mis, m, site, below, 200.0) == "below the altitude floor"
    assert envelope_violation(mis, m, site, above, 200.0) == "above the altitude ceiling"
    assert envelope_violation(mis, m, site, far, 200.0) == "beyond the maximum range"
    assert envelope_violation(mis, m, site, ok, 1e9) == "target faster than the missile can engage"
    assert envelope_violation(mis, m, site, ok, 200.0) is None
    # At exactly the floor (to round-off) the target is inside: a Kalibr at 50 m against
    # the PAC-3 MSE's 50 m floor.
    assert envelope_violation(mis, m, site, at(mid, mis.min_alt_m[m] - 1e-6), 200.0) is None


def test_no_kill_below_the_missile_floor_on_the_true_geometry(patriot_result):
    res = patriot_result
    b = res.built
    assert res.events_of("launch").num_rows > 0
    floor_misses = 0
    for kind in ("intercept", "miss"):
        for row in res.events_of(kind).to_pylist():
            d = json.loads(row["details"])
            if row["threat_id"] < 0 or "pk" not in d:
                continue
            m = b.missiles.keys.index(d["missile"])
            p, _, _ = res.truth.state_at(row["time_s"])
            alt = float(ecef_to_geodetic_rad(*p[row["threat_id"]])[2])
            if kind == "intercept":
                assert alt >= b.missiles.min_alt_m[m] - 1.0
            elif alt < b.missiles.min_alt_m[m]:
                assert d["reason"] == "below the altitude floor"
                floor_misses += 1
    # The missiles fly at 20 m, under the PAC-3 MSE's 50 m floor: every end in the basket
    # is a miss for that reason, and none is a kill.
    assert res.events_of("intercept").num_rows == 0
    assert floor_misses > 0
