"""The summary's figures: costs complete or null, censored first detections, one
definition of each outcome, false alarms apart from detections."""

from __future__ import annotations

from collections import Counter

import numpy as np

from iads.campaign.metrics import flatten_summary
from iads.engine.result import Fates


def _without_cost(r, threats=(), missiles=()):
    """A copy of result ``r`` whose catalog gives no unit cost for the threat and missile
    types named (NaN in the built arrays, as for a figure the catalog leaves out)."""
    import dataclasses

    b = r.built
    tc = b.threats.cost_usd.copy()
    tc[[i for i, k in enumerate(b.threats.type_key) if k in threats]] = np.nan
    mc = b.missiles.cost_usd.copy()
    mc[[i for i, k in enumerate(b.missiles.keys) if k in missiles]] = np.nan
    built = dataclasses.replace(
        b,
        threats=dataclasses.replace(b.threats, cost_usd=tc),
        missiles=dataclasses.replace(b.missiles, cost_usd=mc),
    )
    return dataclasses.replace(r, built=built, _summary=None, _fates=None)


def test_every_catalog_cost_is_given_with_a_range() -> None:
    """Issue 14: the cost exchange is never empty: every interceptor and threat type of
    the built-in catalog has a unit cost (public, or a stated assumption) and the range
    a sensitivity study varies it over, holding the value."""
    from iads.catalog.loader import load_catalog

    cat = load_catalog()
    for key, entry in {**cat.missiles, **cat.threats}.items():
        fig = entry.unit_cost_usd
        assert fig is not None, key
        assert fig.source or fig.assumed, key
        assert fig.range is not None and fig.range[0] <= fig.value <= fig.range[1], key


def test_default_cost_exchange_is_complete(default_result) -> None:
    """With every unit cost in the catalog the default run's exchange is a number, and
    the loss costs add up: leakers at their unit cost, the defense's cost = interceptors
    + friendly aircraft lost."""
    r = default_result
    cost = r.summary()["cost"]
    assert cost["exchange_ratio"] is not None and cost["exchange_ratio"] > 0
    assert not any(cost["missing_unit_costs"].values())
    fates = r.fates()
    leaked = fates.leaked & fates.hostile
    assert cost["leakers"] == int(leaked.sum()) == r.summary()["totals"]["leaked"]
    assert cost["leakers_usd"] == float(r.built.threats.cost_usd[leaked].sum())
    assert cost["defense_cost_usd"] == (
        cost["interceptors_usd"] + cost["friendly_aircraft_lost_usd"]
    )
    m = flatten_summary(r.summary())
    assert m["cost.leakers_usd"] == cost["leakers_usd"]
    assert m["cost.friendly_aircraft_lost"] == cost["friendly_aircraft_lost"]


def test_unknown_costs_are_null_not_zero(default_result) -> None:
    """Regression: cost.interceptors_usd was 0.0 when a fired missile's cost was not in
    the catalog, and a ratio over the known costs only was reported."""
    fired = list(default_result.summary()["interceptors_fired"])
    cost = _without_cost(default_result, missiles=fired[:1]).summary()["cost"]
    assert cost["missing_unit_costs"]["interceptors"] == fired[:1]
    assert cost["interceptors_usd"] is None
    assert cost["exchange_ratio"] is None and cost["defense_exchange_ratio"] is None
    assert "exchange_ratio_known_costs" not in cost


def _fates(n: int, killed: list[int], leaked: list[int] = ()) -> Fates:
    k = np.zeros(n, bool)
    k[killed] = True
    lk = np.zeros(n, bool)
    lk[list(leaked)] = True
    z = np.zeros(n, bool)
    return Fates(launched=~z, detected=~z, engaged=k, killed=k, leaked=lk, survived=z,
                 hostile=~z)  # fmt: skip


def test_a_partial_cost_exchange_is_absent(default_result) -> None:
    """The default raid mixes types: with the Kalibr's cost left out of the catalog,
    killing a Tomahawk and a Kalibr leaves the killed total and the ratio undefined, never
    the spending over the known kill alone (the biased 'known costs' ratio); a leaked
    Kalibr leaves the leakers' cost undefined."""
    r = _without_cost(default_result, threats=("kalibr",))
    types = r.built.threats.type_key
    tom, kal = types.index("tomahawk"), types.index("kalibr")
    cost = r._cost_exchange(Counter(), _fates(r.built.threats.n, [tom, kal]))
    assert cost["threats_killed_usd"] is None and cost["exchange_ratio"] is None
    assert cost["missing_unit_costs"]["threats_killed"] == ["kalibr"]
    cost = r._cost_exchange(Counter(), _fates(r.built.threats.n, [tom], leaked=[kal]))
    assert cost["threats_killed_usd"] == float(r.built.threats.cost_usd[tom]) > 0
    assert cost["interceptors_usd"] == 0.0 and cost["exchange_ratio"] == 0.0
    assert cost["leakers_usd"] is None and cost["missing_unit_costs"]["leakers"] == ["kalibr"]


def _f16s_over_smooth_earth():
    """The default scenario's F-16 pair alone, launched at once, over smooth earth
    (``terrain: {dem: none}``), for two minutes."""
    import dataclasses

    from iads.engine import simulate
    from iads.scenario import load_scenario
    from iads.scenario.schema import Terrain

    loaded = load_scenario("default")
    sc = loaded.scenario
    f16 = next(t for t in sc.threats if t.name == "F-16 north-west")
    sc = sc.model_copy(update={
        "threats": [f16.model_copy(update={"launch_time_s": 0.0})],
        "terrain": Terrain(dem="none"),
        "settings": sc.settings.model_copy(update={"duration_s": 120.0}),
    })  # fmt: skip
    return simulate(dataclasses.replace(loaded, scenario=sc))


def test_first_detection_at_appearance_is_censored(default_result) -> None:
    """Over smooth earth the F-16s appear 235 km out inside the S-400's coverage and are
    seen at once: their first detection is flagged and left out of the detection-range
    metric. In the default run (terrain on) the hills hide them until ~180 km and the
    cruise missiles rise over the horizon and the terrain late: nothing is flagged."""
    flat = _f16s_over_smooth_earth().summary()
    assert all(th["first_detection"]["seen_at_launch"] for th in flat["threats"])
    assert flatten_summary(flat)["first_detection_km.f16"] is None  # every range censored
    # Every radar's first F-16 detection is censored, also a radar's that missed its
    # first look (a dwell before the detection) while the target was well within reach.
    f16_rows = [r for row in flat["exposure"] for r in row["radars"]]
    assert len(f16_rows) >= 4 and all(r["seen_at_launch"] for r in f16_rows)
    assert any(r["dwells"] > r["detections"] for r in f16_rows)

    s = default_result.summary()
    by_type: dict[str, list[dict]] = {}
    for th in s["threats"]:
        by_type.setdefault(th["type"], []).append(th["first_detection"])
    for typ in ("tomahawk", "storm_shadow", "su24", "f16"):
        assert not any(fd["seen_at_launch"] for fd in by_type[typ]), typ
    m = flatten_summary(s)
    ranges = [fd["range_km"] for fd in by_type["tomahawk"]]
    assert m["first_detection_km.tomahawk"] == sum(ranges) / len(ranges)


def test_censored_ranges_are_left_out_of_campaign_metrics() -> None:
    """Regression: a range that equals the launch distance entered the mean."""
    fd = [{"range_km": 235.0, "seen_at_launch": True}, {"range_km": 90.0,
          "seen_at_launch": False}, {"range_km": 80.0, "seen_at_launch": False}]  # fmt: skip
    summary = {"threats": [{"type": "f16", "first_detection": d} for d in fd]}
    assert flatten_summary(summary)["first_detection_km.f16"] == 85.0


def test_unknown_cost_is_a_null_metric() -> None:
    m = flatten_summary({"cost": {"interceptors_usd": None, "threats_killed_usd": 1e6,
                                  "exchange_ratio": None}})  # fmt: skip
    assert m["cost.interceptors_usd"] is None and m["cost.threats_killed_usd"] == 1e6


def test_one_definition_of_each_outcome(default_result) -> None:
    s = default_result.summary()
    per_threat = Counter(t["outcome"] for t in s["threats"])
    for k in ("killed", "leaked", "survived", "flying"):
        assert s["totals"][k] == per_threat[k]
    assert s["totals"]["leaked"] == sum(s["asset_hits"].values())  # every leaker hits


def test_false_alarms_are_not_detections(default_result) -> None:
    det = default_result.events_of("detection")
    fa = default_result.events_of("false_alarm")
    assert np.all(det.column("threat_id").to_numpy() >= 0)
    assert fa.num_rows > 0 and np.all(fa.column("threat_id").to_numpy() == -1)
    assert np.all(fa.column("radar_id").to_numpy() >= 0)


def test_first_detections_read_slice_by_slice_match_a_row_by_row_reference(
    default_result, monkeypatch
) -> None:
    """`first_detections` reduces the log slice by slice (bounded memory at tens of
    millions of events): any slice size gives the same pairs, and each pair's first
    time and counts are those of a plain loop over the event rows."""
    import iads.state.events as ev
    from iads.sensors.exposure import first_detections

    r = default_result
    whole = first_detections(r.events, r.built, r.truth)
    monkeypatch.setattr(ev, "SLICE_ROWS", 97)
    part = first_detections(r.events, r.built, r.truth)
    for name in ("threat", "radar", "time_s", "range_m", "detections", "dwells",
                 "seen_at_launch"):  # fmt: skip
        np.testing.assert_array_equal(getattr(part, name), getattr(whole, name))
    first: dict[tuple[int, int], float] = {}
    count: Counter[tuple[int, int]] = Counter()
    dwells: Counter[tuple[int, int]] = Counter()
    for row in r.events.select(["kind", "threat_id", "radar_id", "time_s"]).to_pylist():
        key = (row["threat_id"], row["radar_id"])
        if row["threat_id"] < 0:
            continue
        if row["kind"] == "detection":
            count[key] += 1
            first[key] = min(first.get(key, np.inf), row["time_s"])
        elif row["kind"] == "dwell":
            dwells[key] += 1
    keys = sorted(first)
    assert [(int(a), int(b)) for a, b in zip(whole.threat, whole.radar, strict=True)] == keys
    np.testing.assert_array_equal(whole.time_s, [first[k] for k in keys])
    np.testing.assert_array_equal(whole.detections, [count[k] for k in keys])
    np.testing.assert_array_equal(whole.dwells, [dwells[k] for k in keys])
