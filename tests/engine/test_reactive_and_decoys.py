"""Reactive aircraft and decoys through the whole engine (issue 16 items 3 and 4)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from iads._yamlio import load_yaml
from iads.catalog.loader import builtin_catalog, load_catalog, model_assumptions
from iads.engine import simulate
from iads.errors import ScenarioError
from iads.report.classification import classification_confusion
from iads.scenario.loader import parse_scenario
from iads.threats.behaviour import turn_rate_limit_radps

REACTION_S = builtin_catalog().model.behaviour.reaction_s.value


def identical(a, b) -> bool:
    """Bit-identical event tables, NaN equal to NaN (absent positions are NaN)."""
    if a.schema != b.schema or a.num_rows != b.num_rows:
        return False
    return all(
        np.array_equal(a.column(c).to_numpy(), b.column(c).to_numpy(), equal_nan=True)
        if a.column(c).type in ("double", "float") else a.column(c).equals(b.column(c))
        for c in a.column_names
    )


def _loaded(threats: str, duration_s: float = 240.0, hold_fire: bool = True):
    text = f"""
name: h16b test
settings: {{duration_s: {duration_s}, time_step_s: 1.0, seed: 7}}
assets:
  - name: Base
    position: {{lat: 40.0, lon: 33.0}}
defenders:
  - name: SAM
    system: S-400
    position: {{lat: 40.0, lon: 33.0}}
    doctrine: {{hold_fire: {str(hold_fire).lower()}}}
threats:
{threats}
"""
    data, lines = load_yaml(text, "<test>")
    return parse_scenario(data, lines, load_catalog(), "<test>", text)


def _f16(lat: float, behaviour: str, evasion: str = "notch", kind: str = "f16") -> str:
    return f"""  - name: Viper
    type: {kind}
    launch: {{lat: {lat}, lon: 33.0}}
    waypoints:
      - {{lat: 41.0, lon: 33.0}}
    target: Base
    behaviour: {behaviour}
    evasion: {evasion}
"""


def _events(result, kind: str):
    ev = result.events.to_pylist()
    return [e for e in ev if e["kind"] == kind]


@pytest.fixture(scope="module")
def reactive_run():
    return simulate(_loaded(_f16(42.2, "reactive")))


def test_a_reactive_aircraft_turns_away_within_reaction_time_and_load_factor(reactive_run):
    r = reactive_run
    evade = _events(r, "evade")
    assert evade, "the S-400's track dwells must be heard"
    t_e = evade[0]["time_s"]
    # The warning that started it: the first track dwell of a multifunction radar (92N6E)
    # on the F-16; track dwells fall on step times (search dwells at the beam's passage).
    ra = r.built.radars
    track = [e["time_s"] for e in _events(r, "dwell")
             if np.isfinite(ra.track_s[e["radar_id"]]) and e["time_s"] == round(e["time_s"])]
    assert t_e == pytest.approx(min(track) + REACTION_S, abs=0.51)
    tr = r.truth
    v = tr.vel_ecef_mps[:, 0]
    speed = np.linalg.norm(v, axis=-1)
    cosang = np.sum(v[1:] * v[:-1], -1) / (speed[1:] * speed[:-1])
    rate = np.arccos(np.clip(cosang, -1.0, 1.0)) / tr.dt_s
    k = int(t_e)
    assert rate[: k - 1].max() < 1e-3  # straight before the reaction
    assert rate[k: k + 20].max() > 0.02  # turning after it
    limit = turn_rate_limit_radps(speed[k:k + 60], 9.0)
    # Within g sqrt(n^2 - 1) / v, plus the turn of the ECEF velocity that flight over the
    # curved earth adds, v / R = 4e-5 rad/s.
    assert np.all(rate[k:k + 60] <= limit + speed[k:k + 60] / 6.3e6)


def test_reactive_runs_are_deterministic_for_a_seed(reactive_run):
    again = simulate(_loaded(_f16(42.2, "reactive")))
    assert identical(again.events, reactive_run.events)
    np.testing.assert_array_equal(again.truth.pos_ecef_m, reactive_run.truth.pos_ecef_m)


def test_a_reactive_aircraft_that_hears_nothing_flies_as_scripted() -> None:
    # Far beyond the S-400's radars: no track dwell, no warning, no re-planning.
    far = "\n".join(s.replace("lat: 41.0, lon: 33.0", "lat: 45.9, lon: 33.0")
                    for s in [_f16(46.0, "{b}")])  # fmt: skip
    scripted = simulate(_loaded(far.replace("{b}", "scripted"), 120.0))
    reactive = simulate(_loaded(far.replace("{b}", "reactive"), 120.0))
    assert identical(scripted.events, reactive.events)
    np.testing.assert_array_equal(scripted.truth.pos_ecef_m, reactive.truth.pos_ecef_m)
    a, b = scripted.summary(), reactive.summary()
    a.pop("wall_s", None), b.pop("wall_s", None)
    # The same, but for the behaviour model's assumed figures, listed when it is used.
    behaviour = model_assumptions(builtin_catalog(), "behaviour")
    assert b.pop("assumed_figures") == a.pop("assumed_figures") + behaviour
    assert json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def test_only_aircraft_can_be_reactive() -> None:
    with pytest.raises(ScenarioError, match="reactive"):
        _loaded(_f16(42.2, "reactive", kind="tomahawk"))
    with pytest.raises(ScenarioError, match="decoy"):
        _loaded(_f16(42.2, "reactive", kind="mald"))


def test_a_decoy_is_seen_and_classified_like_the_aircraft_it_imitates() -> None:
    # Same geometry, same seeds: the MALD shows the F-16's RCS and flies its profile, so the
    # sensing, tracking and classification chain cannot tell them apart.
    seeds = range(3)
    f16 = classification_confusion(_loaded(_f16(41.8, "scripted"), 150.0), seeds)
    mald = classification_confusion(_loaded(_f16(41.8, "scripted", kind="mald"), 150.0), seeds)
    a, b = f16.by_group["Viper"], mald.by_group["Viper"]
    assert a.sum() > 20
    # Declared-class frequencies agree within their binomial spread.
    pa_, pb = a / a.sum(), b / b.sum()
    se = np.sqrt(pa_ * (1 - pa_) / a.sum() + pb * (1 - pb) / b.sum()) + 1e-9
    assert np.all(np.abs(pa_ - pb) <= 3 * se + 1e-12)
    assert np.argmax(b) == 0  # declared an aircraft (HYPOTHESES[0])


def test_interceptors_spent_on_decoys_are_counted() -> None:
    r = simulate(_loaded(_f16(41.2, "scripted", kind="mald"), 200.0, hold_fire=False))
    launches = _events(r, "launch")
    assert launches
    assert all(json.loads(e["details"]).get("on_decoy") for e in launches)
    cost = r.summary()["cost"]
    assert cost["interceptors_on_decoys"] == len(launches)
    assert sum(cost["on_decoys_by_missile"].values()) == len(launches)
    assert cost["decoys_killed"] == len(_events(r, "intercept"))


def _carrier(behaviour: str) -> str:
    return f"""  - name: Viper
    type: f16
    launch: {{lat: 42.2, lon: 33.0}}
    waypoints:
      - {{lat: 41.5, lon: 33.0}}
    target: Base
    behaviour: {behaviour}
    stores:
      - type: mald
        count: 2
        release: {{lat: 41.5, lon: 33.0}}
        target: Base
"""


def test_stores_are_released_when_the_carrier_reaches_its_release_point() -> None:
    r = simulate(_loaded(_carrier("scripted"), 400.0))
    th = r.built.threats
    rel = [e for e in _events(r, "threat_launch") if e["threat_id"] > 0]
    assert len(rel) == 2 and all(th.decoy[e["threat_id"]] for e in rel)
    assert all(json.loads(e["details"])["carrier"] == "Viper" for e in rel)
    # The F-16 (258 m/s) passes the point 0.7 deg of latitude (77.8 km) from its start.
    t_pass = 77_800.0 / 258.0
    assert t_pass - 2_000.0 / 258.0 - 1.5 <= rel[0]["time_s"] <= t_pass + 1.0
    assert rel[0]["lat_deg"] == pytest.approx(41.5, abs=0.03)
    # Released decoys fly on towards their target (Base, due south) like the F-16 would.
    from iads.geo import ecef_to_geodetic_rad

    p = r.truth.state_at(399.0)[0][rel[0]["threat_id"]]
    lat, lon, _ = ecef_to_geodetic_rad(p[0], p[1], p[2])
    assert 41.0 < np.rad2deg(lat) < 41.45 and np.rad2deg(lon) == pytest.approx(33.0, abs=0.05)


def test_a_reactive_carrier_that_turned_away_keeps_its_stores() -> None:
    # Tracked by the S-400 from the start, the reactive F-16 notches and never gets to
    # its release point in the run: nothing is released.
    r = simulate(_loaded(_carrier("reactive"), 400.0))
    assert _events(r, "evade")
    assert [e for e in _events(r, "threat_launch") if e["threat_id"] > 0] == []


def test_a_decoy_that_gets_through_hits_nothing() -> None:
    """A decoy reaching its target asset leaks (it got through) but logs no impact: it
    carries no warhead, so it adds nothing to the asset hits or strike targets hit."""
    from iads.engine import simulate
    from iads.scenario import load_scenario

    r = simulate(load_scenario("sead"), seed=3)
    ev = r.events
    kinds = ev.column("kind").to_pylist()
    tids = ev.column("threat_id").to_pylist()
    decoy = r.built.threats.decoy
    leaked = {t for k, t in zip(kinds, tids, strict=True) if k == "leak" and decoy[t]}
    hits = {t for k, t in zip(kinds, tids, strict=True) if k == "impact"}
    assert leaked, "no decoy got through in this run: pick a seed where one does"
    assert not (leaked & hits)
    assert any(not decoy[t] for t in hits)  # the real strike still hits
