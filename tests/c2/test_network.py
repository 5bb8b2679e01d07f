"""Networks in the engine: integrated batteries never engage one threat in the same
assignment round; autonomous ones may, and the summary counts it from the event log."""

from __future__ import annotations

import json

import numpy as np
import pytest

from iads.engine import simulate
from iads.scenario import load_scenario

SCENARIO = """
name: two S-400s
settings: {duration_s: 900, time_step_s: 1.0, seed: 4}
assets:
  - {name: city, position: {lat: 40.0, lon: 33.0}, value: 100}
defenders:
  - name: A
    system: S-400
    position: {lat: 40.02, lon: 33.0}
    loadout: {48N6E3: 3, 40N6E: 0}
    doctrine: {policy: shoot-look-shoot, salvo: 1}
  - name: B
    system: S-400
    position: {lat: 39.98, lon: 33.02}
    doctrine: {policy: shoot-look-shoot, salvo: 1}
NETWORK
threats:
  - name: raid
    type: su24
    count: 6
    launch: {lat: 41.8, lon: 33.0}
    spacing_s: 3
    lateral_spacing_m: 3000
    altitude_m: 4000
    target: city
friendlies:
  - name: patrol
    type: f16
    launch: {lat: 39.5, lon: 32.0}
    altitude_m: 6000
    waypoints: [{lat: 40.3, lon: 33.8}]
"""


def _run(tmp_path, network: str, seed: int | None = None):
    f = tmp_path / "s.yaml"
    f.write_text(SCENARIO.replace("NETWORK", network), encoding="utf-8")
    return simulate(load_scenario(f), seed)


INTEGRATED = "networks: [{name: net, members: [A, B], fusion: measurement}]"
TRACK_FUSED = "networks: [{name: net, members: [A, B], fusion: track}]"


def _launches(result):
    ev = result.events_of("launch")
    return (
        ev.column("time_s").to_numpy(),
        ev.column("unit_id").to_numpy(),
        ev.column("threat_id").to_numpy(),
        ev.column("interceptor_id").to_numpy(),
    )


def _recount_doubles(result) -> int:
    """Independent recount: (threat, unit pair) with overlapping interceptor flights."""
    t, unit, tid, iid = _launches(result)
    ends = {}
    for kind in ("intercept", "miss"):
        ev = result.events_of(kind)
        for i, te in zip(ev.column("interceptor_id").to_pylist(),
                         ev.column("time_s").to_pylist(), strict=True):
            ends[i] = te
    dur = result.built.scenario.settings.duration_s
    pairs = set()
    for a in range(t.size):
        for b in range(t.size):
            if tid[a] >= 0 and tid[a] == tid[b] and unit[a] < unit[b]:
                if t[a] < ends.get(iid[b], dur) and t[b] < ends.get(iid[a], dur):
                    pairs.add((tid[a], unit[a], unit[b]))
    return len(pairs)


@pytest.mark.parametrize("network", [INTEGRATED, TRACK_FUSED])
def test_integrated_batteries_never_double_engage_in_a_round(tmp_path, network) -> None:
    r = _run(tmp_path, network)
    t, unit, tid, _ = _launches(r)
    assert t.size > 0 and np.unique(unit).size == 2  # both batteries fired
    for tt in np.unique(t):
        sel = t == tt
        for j in np.unique(tid[sel]):
            assert np.unique(unit[sel & (tid == j)]).size == 1
    s = r.summary()
    assert s["battle_management"]["double_engagements"] == _recount_doubles(r)
    assert s["totals"]["threats"] == 6  # the friendly is not a threat
    assert s["friendlies"]["aircraft"] == 1


def test_autonomous_batteries_double_engage_and_the_summary_says_so(tmp_path) -> None:
    r = _run(tmp_path, "")
    s = r.summary()["battle_management"]
    # Each battery assumed it had to take the same threats.
    assert s["double_engagements"] == _recount_doubles(r) > 0
    integrated = _run(tmp_path, INTEGRATED).summary()["battle_management"]
    assert integrated["double_engagements"] < s["double_engagements"]


def test_summary_kills_name_missile_unit_time_and_place(tmp_path) -> None:
    r = _run(tmp_path, INTEGRATED)
    s = r.summary()
    ev = r.events_of("intercept")
    killed = {int(i) for i in ev.column("threat_id").to_pylist()}
    for th in s["threats"]:
        if th["threat_id"] in killed:
            k = th["killed_by"]
            assert th["outcome"] == "killed"
            assert k["missile"] in ("48N6E3", "40N6E") and k["unit"] in ("A", "B")
        else:
            assert th["killed_by"] is None
    fired = sum(u["fired"] for u in s["units"])
    assert fired == sum(s["interceptors_fired"].values())
    json.dumps(s)
