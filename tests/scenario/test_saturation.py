"""The ``saturation`` scenario family: parameters, threat mix, network, determinism, errors,
and a small raid run end to end."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from iads.engine.build import build
from iads.errors import InputError
from iads.scenario import builtin_names, load_scenario
from iads.scenario.cost import estimate_cost
from iads.scenario.families import parse_params


def _mix(n: int, b: int = 3, **kw) -> Counter:
    ld = load_scenario("saturation", params={"n_threats": n, "batteries": b, **kw})
    return Counter(build(ld).threats.type_key)


@pytest.mark.parametrize(("n", "want"), [(100, (85, 10, 5)), (1000, (850, 100, 50)),
                                         (7, (6, 1, 0)), (1, (1, 0, 0))])
def test_the_mix_is_85_10_5_percent_rounded_to_the_count(n, want) -> None:
    mix = _mix(n)
    assert (mix["shahed136"], mix["kalibr"], mix["iskander"]) == want
    assert sum(mix.values()) == n


def test_the_mix_follows_the_fraction_parameters() -> None:
    mix = _mix(200, drone_fraction="0.5", cruise_fraction=0.2)
    assert (mix["shahed136"], mix["kalibr"], mix["iskander"]) == (100, 40, 60)


@pytest.mark.parametrize("b", [1, 5, 20])
def test_batteries_cycle_the_four_systems_over_the_cities(b) -> None:
    sc = load_scenario("saturation", params={"n_threats": 10, "batteries": b}).scenario
    systems = [d.system for d in sc.defenders]
    assert len(systems) == b
    assert systems == [("S-400", "Patriot", "NASAMS", "SAMP/T")[i % 4] for i in range(b)]
    # every battery in at most one network, and networks only where a city has two
    members = [m for net in sc.networks for m in net.members]
    assert len(members) == len(set(members))
    per_city = Counter(i % 5 for i in range(b))
    assert len(sc.networks) == sum(1 for c in per_city.values() if c >= 2)
    assert {a.name for a in sc.assets} >= {"Ankara", "Konya"}


def test_every_threat_is_launched_and_arrives_within_the_run() -> None:
    ld = load_scenario("saturation", params={"n_threats": 60, "batteries": 2})
    b = build(ld)
    launch = np.array([s.launch_t_s for s in b.threats.specs])
    assert launch.min() >= 0.0 and launch.max() < ld.scenario.settings.duration_s
    assert set(b.threats.target_asset) <= set(range(len(ld.scenario.assets)))


def test_same_seed_same_raid_other_seed_other_raid() -> None:
    ld = load_scenario("saturation", params={"n_threats": 40, "batteries": 2})

    def launches(seed):
        return np.array([s.launch_t_s for s in build(ld, seed).threats.specs])

    assert np.array_equal(launches(3), launches(3))
    assert not np.array_equal(launches(3), launches(4))
    assert load_scenario("saturation").text == load_scenario("saturation").text


def test_default_is_1000_threats_on_20_batteries_and_listed_as_builtin() -> None:
    assert "saturation" in builtin_names()
    sc = load_scenario("saturation").scenario
    assert sum(g.count for e in sc.threats for g in e.raid.groups) == 1000
    assert len(sc.defenders) == 20


def test_bad_parameters_are_all_reported_with_what_is_allowed() -> None:
    with pytest.raises(InputError) as e:
        parse_params("saturation", {"n_threats": "many", "batterys": "3", "batteries": 0})
    msg = str(e.value)
    assert "3 problems" in msg
    assert "--param n_threats: must be an integer in [1, 100000]; got 'many'" in msg
    assert "did you mean 'batteries'" in msg
    assert "--param batteries: must be an integer in [1, 200]; got 0" in msg
    with pytest.raises(InputError, match="must sum to at most 1"):
        parse_params("saturation", {"drone_fraction": 0.9, "cruise_fraction": 0.2})
    with pytest.raises(InputError, match="an integer"):
        parse_params("saturation", {"n_threats": "2.5"})
    with pytest.raises(InputError, match="takes none"):
        load_scenario("default", params={"n_threats": 5})


def test_the_cost_estimate_accepts_the_default_and_refuses_a_giant() -> None:
    ld = load_scenario("saturation")
    cost = estimate_cost(ld.scenario, ld.catalog)
    assert cost.problems() == []
    big = load_scenario("saturation", params={"n_threats": 100_000, "batteries": 200})
    assert estimate_cost(big.scenario, big.catalog).problems()


def test_a_log_past_the_spill_size_counts_in_memory_up_to_it() -> None:
    """At 10,000 threats the event log (tens of millions of events) goes to disk past
    SPILL_ROWS, so the estimate counts the truth and the in-memory part of the log only
    (the events were 6.9 GiB of the estimate before)."""
    from iads.scenario import cost
    from iads.state import events

    assert cost.SPILL_ROWS == events.SPILL_ROWS
    ld = load_scenario("saturation", params={"n_threats": 10_000})
    c = estimate_cost(ld.scenario, ld.catalog)
    assert c.n_detections_max > cost.SPILL_ROWS  # it will spill
    assert c.memory_bytes - c.truth_bytes <= cost.SPILL_ROWS * cost._EVENT_BYTES


def test_cli_param_errors_exit_2(capsys) -> None:
    from iads.cli import main

    with pytest.raises(SystemExit) as e:
        main(["validate", "saturation", "--param", "n_threats"])
    assert e.value.code == 2
    assert "write NAME=VALUE" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["validate", "saturation", "--param", "n_threats=0"])
    assert e.value.code == 2
    main(["validate", "saturation", "--param", "n_threats=50", "--param", "batteries=2"])
    assert "50 threat(s)" in capsys.readouterr().out


@pytest.mark.slow  # the raid lasts 3 simulated hours: ~20 s on one free core
def test_a_small_saturation_raid_runs_from_the_cli(tmp_path, capsys) -> None:
    from iads.cli import main

    out = tmp_path / "run"
    main(["run", "saturation", "--param", "n_threats=20", "--param", "batteries=1",
          "--out", str(out), "--no-plot", "--truth-rate", "0"])
    import json

    s = json.loads((out / "summary.json").read_text("utf-8"))
    t = s["totals"]
    assert t["threats"] == t["launched"] == 20
    assert t["killed"] + t["leaked"] + t["survived"] + t["flying"] == 20
    # the generated scenario is written beside the outputs and runs again as a file
    again = load_scenario(out / "scenario.yaml")
    assert again.scenario == load_scenario(
        "saturation", params={"n_threats": 20, "batteries": 1}).scenario
