"""The summary's figures: costs complete or null, censored first detections, one
definition of each outcome, false alarms apart from detections."""

from __future__ import annotations

from collections import Counter

import numpy as np

from iads.campaign.metrics import flatten_summary
from iads.engine.result import Fates


def test_unknown_costs_are_null_not_zero(default_result) -> None:
    """Regression: cost.interceptors_usd was 0.0 when the S-400's missile costs are not
    public, and a ratio over the known costs only was reported."""
    cost = default_result.summary()["cost"]
    assert cost["missing_unit_costs"]["interceptors"]  # 48N6E3, 40N6E: not public
    assert cost["interceptors_usd"] is None
    assert cost["exchange_ratio"] is None
    assert "exchange_ratio_known_costs" not in cost


def _fates(n: int, killed: list[int]) -> Fates:
    k = np.zeros(n, bool)
    k[killed] = True
    z = np.zeros(n, bool)
    return Fates(launched=~z, detected=~z, engaged=k, killed=k, leaked=z, survived=z,
                 hostile=~z)  # fmt: skip


def test_a_partial_cost_exchange_is_absent(default_result) -> None:
    """The default raid mixes types with public costs (Tomahawk) and without (Kalibr):
    killing one of each leaves the killed total and the ratio undefined, never the
    spending over the known kill alone (the biased 'known costs' ratio)."""
    r = default_result
    types = r.built.threats.type_key
    tom, kal = types.index("tomahawk"), types.index("kalibr")
    # The default run's interceptor types have no public cost: use only a killed threat set.
    cost = r._cost_exchange(Counter(), _fates(r.built.threats.n, [tom, kal]))
    assert cost["threats_killed_usd"] is None and cost["exchange_ratio"] is None
    assert cost["missing_unit_costs"]["threats_killed"] == ["kalibr"]
    cost = r._cost_exchange(Counter(), _fates(r.built.threats.n, [tom]))
    assert cost["threats_killed_usd"] == float(r.built.threats.cost_usd[tom]) > 0
    assert cost["interceptors_usd"] == 0.0 and cost["exchange_ratio"] == 0.0


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
