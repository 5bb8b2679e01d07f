"""Command posts, data links and lost radars (docs/sead.md, "Command posts and data
links"): a networked unit whose link is lost decides on its own picture only, a radar
out of action feeds the network nothing and its uncovered tracks leave the picture, and
every change is logged and summed in the summary."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import yaml

from iads.catalog.loader import load_catalog
from iads.engine import simulate
from iads.errors import ScenarioError
from iads.geo import geodetic_to_ecef
from iads.scenario.loader import parse_scenario

#: A NASAMS (A) whose radar never radiates, so that every track it can fire on is one
#: its network partner B (an S-400 holding fire, 51 km east) sees; two waves of two
#: F-16s fly at A's city. The network's command post is out from 20 s to 40 s, and A's
#: own command post, 70 km north-west, is struck by a Tomahawk at about 109 s.
BASE = """\
name: link test
settings: {duration_s: 200, time_step_s: 1.0, seed: 5}
terrain: {dem: none}
assets:
  - name: city
    position: {lat: 40.0, lon: 32.0}
  - name: post
    position: {lat: 40.6, lon: 31.5}
defenders:
  - name: A
    system: NASAMS
    position: {lat: 40.0, lon: 32.0}
    emcon: {mode: "off"}
    command_post: {position: {lat: 40.6, lon: 31.5}}
  - name: B
    system: S-400
    position: {lat: 40.0, lon: 32.6}
    doctrine: {hold_fire: true}
networks:
  - name: net
    members: [A, B]
    command_post: {position: {lat: 40.0, lon: 32.3}, outages: [[20, 40]]}
threats:
  - {name: early, type: f16, count: 2, spacing_s: 5, launch: {lat: 40.0, lon: 31.4},
     altitude_m: 6000, target: city}
  - {name: late, type: f16, count: 2, spacing_s: 5, launch_time_s: 130,
     launch: {lat: 40.0, lon: 31.4}, altitude_m: 6000, target: city}
  - {name: strike, type: tomahawk, launch: {lat: 40.6, lon: 31.3}, launch_time_s: 40,
     target: post}
"""

_CAT = load_catalog()


def _run(edit=None):
    data = yaml.safe_load(BASE)
    if edit is not None:
        edit(data)
    return simulate(parse_scenario(data, {}, _CAT, "<link test>"))


def _events(result, kind: str) -> list[dict]:
    return [{**e, "details": json.loads(e["details"]) if e["details"] else {}}
            for e in result.events.to_pylist() if e["kind"] == kind]  # fmt: skip


def _no_post(d):
    del d["defenders"][0]["command_post"]


def _strike_b_radars(d):
    """No command post; the Tomahawk strikes B's site instead, where its radars stand."""
    _no_post(d)
    del d["networks"][0]["command_post"]
    d["assets"].append({"name": "B site", "position": {"lat": 40.0, "lon": 32.6}})
    d["defenders"][1]["radar_kill_radius_m"] = 300.0
    d["threats"][2] = {"name": "strike", "type": "tomahawk", "launch_time_s": 10,
                       "launch": {"lat": 40.2, "lon": 32.6}, "target": "B site"}


def _track_fusion(d):
    d["networks"][0]["fusion"] = "track"


@pytest.fixture(scope="module")
def runs():
    return {"post": _run(), "baseline": _run(_no_post), "radars": _run(_strike_b_radars),
            "track": _run(_track_fusion)}


def _switch_t(r) -> float:
    return next(e["time_s"] for e in _events(r, "link_lost")
                if e["unit_id"] == 0 and e["details"]["reason"] == "command_post")


def test_outages_and_destroyed_posts_are_logged_and_summed(runs) -> None:
    r = runs["post"]
    lost = _events(r, "command_post_lost")
    assert [(e["time_s"], e["details"]["post"], e["details"]["cause"]) for e in lost[:1]] == [
        (20.0, "net command post", "outage")]
    assert [e["time_s"] for e in _events(r, "command_post_restored")] == [40.0]
    hit = lost[1]
    assert hit["details"] == {"post": "A command post", "unit": "A", "cause": "destroyed",
                              "distance_m": pytest.approx(0.0, abs=100.0)}
    impact = _events(r, "impact")[0]
    assert hit["time_s"] == impact["time_s"] and hit["threat_id"] == impact["threat_id"]
    links = [(e["time_s"], e["unit_id"]) for e in _events(r, "link_lost")]
    t_sw = _switch_t(r)
    assert links == [(20.0, 0), (20.0, 1), (t_sw, 0)]
    assert hit["time_s"] <= t_sw < hit["time_s"] + 1.0  # the next step
    assert sorted((e["time_s"], e["unit_id"]) for e in _events(r, "link_restored")) == [
        (40.0, 0), (40.0, 1)]
    sd = r.summary()["sead"]
    assert sd["autonomous_s"] == {"A": pytest.approx(20.0 + 200.0 - t_sw), "B": 20.0}
    assert sd["links_lost"] == 3
    assert [p["post"] for p in sd["command_posts_lost"]] == ["net command post",
                                                             "A command post"]
    # The posts' kill radii are listed with the run's assumed figures.
    rows = {(a["entry"], a["field"]): a["value"] for a in r.summary()["assumed_figures"]}
    assert rows[("A command post", "kill_radius_m")] == 100.0
    assert rows[("net command post", "kill_radius_m")] == 100.0
    # Runs that model no command post keep their summary as it was.
    assert "autonomous_s" not in runs["radars"].summary()["sead"]
    assert not [a for a in runs["radars"].summary()["assumed_figures"]
                if a["entry"] == "links"]


def test_unit_whose_post_is_destroyed_ignores_tracks_only_another_unit_sees(runs) -> None:
    """A's radar never radiates: every launch of A is on a track B's radars made. With
    its link, A fires at both waves; from the switch on it decides on its own (empty)
    picture and fires no more, while it was autonomous during the outage as well."""
    base = [e["time_s"] for e in _events(runs["baseline"], "launch")]
    t_sw = _switch_t(runs["post"])
    assert any(t > t_sw for t in base)  # the late wave is engaged on B's tracks
    post = [e["time_s"] for e in _events(runs["post"], "launch")]
    assert post and all(t < t_sw for t in post)
    assert not any(20.0 <= t < 40.0 for t in post + base)
    assert [t for t in base if t < t_sw] == post  # same run until the switch


def test_track_fusion_member_falls_back_to_its_own_tracker(runs) -> None:
    """With track fusion A keeps its own tracker (empty: its radar never radiates) and
    decides on it once its post is lost; while linked it fires on the fused tracks."""
    r = runs["track"]
    t_sw = _switch_t(r)
    assert [(e["time_s"], e["unit_id"]) for e in _events(r, "link_restored")] == [
        (40.0, 0), (40.0, 1)]
    fired = [e["time_s"] for e in _events(r, "launch")]
    assert fired and all(t < t_sw for t in fired)
    assert not any(20.0 <= t < 40.0 for t in fired)


def test_interceptor_in_flight_keeps_the_picture_it_was_fired_on(runs) -> None:
    """An interceptor fired on the network's picture before the switch is scored against
    the object that picture's track followed (it is guided by its unit's radar, not
    through the lost link)."""
    r = runs["post"]
    t_sw = _switch_t(r)
    fired = {e["interceptor_id"]: e for e in _events(r, "launch")}
    late = [e for e in _events(r, "intercept") + _events(r, "miss") if e["time_s"] > t_sw]
    assert late
    for e in late:
        assert fired[e["interceptor_id"]]["time_s"] < t_sw
        assert e["threat_id"] == fired[e["interceptor_id"]]["threat_id"] >= 0


def test_destroyed_radars_leave_the_network_picture(runs) -> None:
    """A strike destroys B's three radars: none detects anything afterwards, the tracks
    no live radar covers are dropped at once, and A, which fired on them, fires no more."""
    r = runs["radars"]
    lost = _events(r, "radar_destroyed")
    assert sorted(e["radar_id"] for e in lost) == [1, 2, 3]
    assert all(e["details"]["cause"] == "strike" for e in lost)
    t_lost = max(e["time_s"] for e in lost)
    for kind in ("detection", "false_alarm", "dwell"):
        for e in _events(r, kind):
            t_r = next(x["time_s"] for x in lost if x["radar_id"] == e["radar_id"])
            assert e["time_s"] <= t_r, (kind, e)
    dropped = [e for e in _events(r, "track_deleted") if e["details"].get("reason")]
    assert dropped and {e["time_s"] for e in dropped} == {t_lost}
    assert all(e["details"]["reason"] == "sensor_lost" for e in dropped)
    # Nothing the picture holds after the loss: no track starts, no launches.
    for kind in ("track_start", "launch"):
        assert not [e for e in _events(r, kind) if e["time_s"] > t_lost], kind
    assert r.summary()["sead"]["radars_lost"] == 3


def test_same_seed_same_links(runs) -> None:
    from test_engine import identical

    again = _run()
    assert identical(again.events, runs["post"].events)
    assert again.summary()["sead"] == runs["post"].summary()["sead"]


def test_lost_picture_coverage_keeps_tracks_a_live_radar_covers(runs) -> None:
    """The coverage test behind the pruning: inside range and 4/3-earth horizon only."""
    from iads.engine.links import _covered

    r = runs["radars"]
    rs = type("RS", (), {"built": r.built})()
    ra = r.built.radars
    b91 = np.array([1])  # B's 91N6E
    lat0, lon0 = np.rad2deg(ra.lat_rad[1]), np.rad2deg(ra.lon_rad[1])
    pts = np.array([geodetic_to_ecef(lat0, lon0 + dlon, h)
                    for dlon, h in ((0.5, 6000.0), (0.5, 10.0), (6.0, 9000.0))])  # fmt: skip
    # 42 km at 6 km: seen; 42 km at 10 m: below the horizon of a 91N6E mast; 510 km:
    # beyond the instrumented range.
    assert _covered(rs, b91, pts).tolist() == [True, False, False]


@pytest.mark.parametrize(
    ("edit", "where", "message"),
    [
        (lambda d: d["networks"][0]["command_post"].pop("position"), "networks[0]",
         "needs a 'position'"),
        (lambda d: d["defenders"][0]["command_post"].update(outages=[[50, 20]]),
         "defenders[0].command_post", "must start before it ends"),
        (lambda d: d["defenders"][0]["command_post"].update(kill_radius_m=-1),
         "defenders[0].command_post.kill_radius_m", "greater than 0"),
    ],
)
def test_bad_command_post_is_a_located_error(edit, where, message) -> None:
    data = copy.deepcopy(yaml.safe_load(BASE))
    edit(data)
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, {}, _CAT, "<link test>")
    text = str(err.value)
    assert where in text and message in text
