"""Emission control and anti-radiation missiles in the engine (docs/sead.md): what a
silent radar sees and guides, which emitters an ARM carrier detects and fires at, the
miss of an ARM whose emitter went silent, and the radars ARMs destroy."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from iads.catalog.loader import load_catalog
from iads.engine import simulate
from iads.engine.attack import miss_sigma_m
from iads.errors import ScenarioError
from iads.geo import geodetic_to_ecef
from iads.scenario.loader import parse_scenario
from iads.sensors.passive import passive_range_m
from iads.units import C_MPS

#: One S-400 battery and one F-16 carrying two ARMs that runs in low from 110 km west
#: and turns north at 60 km; the battery holds fire unless a test says otherwise.
BASE = """\
name: sead test
settings: {duration_s: 330, time_step_s: 1.0, seed: 3}
terrain: {dem: none}  # bald 4/3 earth: the horizon is the closed form the tests check
assets:
  - name: base
    position: {lat: 40.0786, lon: 32.5656, alt_m: 0}
defenders:
  - name: S-400
    system: S-400
    position: {lat: 40.0786, lon: 32.5656, alt_m: 0}
    doctrine: {hold_fire: true}
threats:
  - name: Weasel
    type: f16
    launch: {lat: 40.0786, lon: 31.27}
    altitude_m: 300
    waypoints:
      - {lat: 40.0786, lon: 31.86}
      - {lat: 41.0, lon: 31.86}
    stores:
      - {type: agm88, count: 2}
"""

_CAT = load_catalog()


def _run(edit=None, seed: int | None = None):
    data = yaml.safe_load(BASE)
    if edit is not None:
        edit(data)
    return simulate(parse_scenario(data, {}, _CAT, "<sead test>"), seed=seed)


def _events(result, kind: str) -> list[dict]:
    ev = result.events.to_pylist()
    return [
        {**e, "details": json.loads(e["details"]) if e["details"] else {}}
        for e in ev
        if e["kind"] == kind
    ]


def _arm_launches(result) -> list[dict]:
    return [e for e in _events(result, "threat_launch") if "carrier" in e["details"]]


def test_arms_fired_from_passive_detection_destroy_the_radars_they_reach() -> None:
    r = _run()
    arms = _arm_launches(r)
    assert {a["details"]["radar"] for a in arms} == {"92N6E", "96L6E"}  # the 25 m masts
    b = r.built
    for a in arms:
        # Fired inside the seeker's free-space range and the ARM's launch range.
        assert a["details"]["range_m"] <= 120_000.0
        assert b.threats.parent[a["threat_id"]] == 0
    lost = _events(r, "radar_destroyed")
    assert len(lost) >= 1
    det = _events(r, "detection")
    # The defense sees the ARMs launched during the run (they are threats like the others).
    assert {d["threat_id"] for d in det} & {a["threat_id"] for a in arms}
    for e in lost:  # a destroyed radar detects nothing afterwards
        rid = e["radar_id"]
        assert not any(d["radar_id"] == rid and d["time_s"] > e["time_s"] for d in det)
    s = r.summary()["sead"]
    assert s["arms_launched"] == 2 and s["radars_lost"] == len(lost)


def test_first_arm_launch_is_where_passive_detection_begins() -> None:
    """The carrier fires when the 4/3-earth horizon and the one-way range first allow it,
    not before: at the launch, the range is within a step's flight of the smaller of the
    two, and the seeker's free-space range at that ERP is larger than the launch range."""
    r = _run()
    first = min(_arm_launches(r), key=lambda a: a["time_s"])
    rng = first["details"]["range_m"]
    # Horizon of a 300 m aircraft over a 25 m mast, 4/3 earth (Skolnik eq. 8.24 form).
    k_r = 2 * 4 / 3 * 6_371_000.0
    horizon = np.sqrt(k_r * 300.0) + np.sqrt(k_r * 25.0)
    assert rng == pytest.approx(min(horizon, 120_000.0), abs=2 * 258.0 + 1_500.0)
    ra = r.built.radars
    from iads.sensors.passive import emitter_erp_w

    erp = emitter_erp_w(ra.snr1_db[:, 1], ra.gain_db, ra.wavelength_m, ra.noise_w)
    r_free = passive_range_m(erp[first["details"]["radar_id"]], 0.0,
                             C_MPS / 3e9, -65.0)  # fmt: skip
    assert r_free > rng


def test_radar_off_for_the_whole_run_is_never_hit_and_detects_nothing() -> None:
    def off(d):
        d["defenders"][0]["emcon"] = {"mode": "off"}

    r = _run(off)
    assert _arm_launches(r) == []
    for kind in ("detection", "dwell", "arm_impact", "radar_destroyed", "radar_on"):
        assert _events(r, kind) == [], kind
    offs = _events(r, "radar_off")
    assert sorted(e["radar_id"] for e in offs) == [0, 1, 2]
    assert all(e["time_s"] == 0.0 for e in offs)
    assert r.summary()["sead"]["radiating_s"] == {f"S-400/{k}": 0.0 for k in
                                                  ("91N6E", "92N6E", "96L6E")}  # fmt: skip


def test_miss_sigma_grows_linearly_with_silence_from_the_homing_accuracy() -> None:
    t = np.array([0.0, 10.0, 60.0, 120.0, 600.0])
    s = miss_sigma_m(t, 5.0, np.deg2rad(0.5), 630.0, 1.0)
    assert s[0] == pytest.approx(5.0)
    assert np.all(np.diff(s) > 0)
    k = np.hypot(np.deg2rad(0.5) * 630.0, 1.0)
    assert np.sqrt(s**2 - 25.0) == pytest.approx(k * t, rel=1e-12)


def test_arm_homes_on_last_position_with_miss_from_the_silence() -> None:
    """The 92N6E radiates only for the first 40 s, the others never: the ARM fired at it
    flies on to where it was, and its miss sigma is that of the silence at its arrival."""

    def short(d):
        d["defenders"][0]["emcon"] = {"mode": "off"}
        d["defenders"][0]["radar_emcon"] = {"92N6E": {"mode": "schedule", "windows": [[0, 40]]}}
        d["threats"][0]["launch"]["lon"] = 31.48  # detects the 92N6E at once

    r = _run(short)
    arms = _arm_launches(r)
    assert len(arms) == 1 and arms[0]["details"]["radar"] == "92N6E"
    assert arms[0]["time_s"] < 40.0
    (imp,) = _events(r, "arm_impact")
    d = imp["details"]
    assert d["silent_s"] == pytest.approx(imp["time_s"] - 40.0, abs=1e-3)
    f = _CAT.threats["agm88"].anti_radiation
    sigma = miss_sigma_m(d["silent_s"], f.homing_sigma_m.value,
                         np.deg2rad(f.bearing_sigma_deg.value), 630.0, f.ins_drift_mps.value)
    assert d["miss_sigma_m"] == pytest.approx(float(sigma), abs=0.01)
    # The ARM flew to the radar's position: the impact is logged there.
    assert imp["lat_deg"] == pytest.approx(40.0786) and imp["lon_deg"] == pytest.approx(32.5656)


def test_blink_radiates_on_s_out_of_every_period_and_detects_only_then() -> None:
    def blink(d):
        d["defenders"][0]["emcon"] = {"mode": "blink", "period_s": 60, "on_s": 20}
        d["threats"][0]["stores"] = []
        d["threats"][0]["altitude_m"] = 9000

    r = _run(blink)
    for rid in (0, 1, 2):
        on = [e["time_s"] for e in _events(r, "radar_on") if e["radar_id"] == rid]
        off = [e["time_s"] for e in _events(r, "radar_off") if e["radar_id"] == rid]
        assert on == [60.0 * k for k in range(1, 6)]
        assert off == [20.0 + 60.0 * k for k in range(6)]
    t_det = np.array([e["time_s"] for e in _events(r, "detection")])
    assert t_det.size > 0
    assert np.all(np.mod(t_det, 60.0) <= 20.0 + 1e-9)


def test_silent_engagement_radar_guides_no_track_via_missile() -> None:
    """With the 92N6E silent the battery fires only the 40N6E (guidance not given, so
    not tied to the radar), never the 48N6E3 (track-via-missile through the 92N6E)."""

    def fire(radar_emcon):
        def edit(d):
            d["defenders"][0]["doctrine"] = {"hold_fire": False}
            d["defenders"][0]["radar_emcon"] = radar_emcon
            d["threats"][0]["stores"] = []
            d["threats"][0]["altitude_m"] = 9000
        return edit

    on = _run(fire({}))
    silent = _run(fire({"92N6E": {"mode": "off"}}))
    used_on = {e["details"]["missile"] for e in _events(on, "launch")}
    used_silent = {e["details"]["missile"] for e in _events(silent, "launch")}
    assert "48N6E3" in used_on
    assert "48N6E3" not in used_silent


def test_same_seed_same_duel() -> None:
    from test_engine import identical

    a, b = _run(seed=11), _run(seed=11)
    assert identical(a.events, b.events)
    assert a.summary()["sead"] == b.summary()["sead"]


@pytest.mark.parametrize(("path", "value", "where", "message"), [
    (("defenders", 0, "emcon"), {"mode": "schedule"}, "defenders[0].emcon", "needs 'windows'"),
    (("defenders", 0, "radar_emcon"), {"92N6F": {"mode": "off"}},
     "defenders[0].radar_emcon.92N6F", "did you mean '92N6E'"),
    (("threats", 0, "stores"), [{"type": "tomahawk"}], "threats[0].stores[0].type",
     "anti-radiation missiles: agm88"),
])  # fmt: skip
def test_bad_emcon_or_store_is_a_located_error(path, value, where, message) -> None:
    data = yaml.safe_load(BASE)
    node = data
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, {}, _CAT, "<sead test>")
    text = str(err.value)
    assert message in text and where in text


def test_geometry_helper_is_consistent() -> None:
    # The test scenario's F-16 turns 60 km west of the battery (sanity of the set-up).
    p = np.stack(geodetic_to_ecef(np.array([40.0786, 40.0786]), np.array([32.5656, 31.86]),
                                  np.zeros(2)), -1)  # fmt: skip
    assert 55e3 < np.linalg.norm(p[0] - p[1]) < 65e3
