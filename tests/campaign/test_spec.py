"""Campaign files: sweeps applied to the scenario, and located errors naming the campaign
file's line, the sweep path and the scenario's own problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from iads.campaign import load_campaign, parse_sweep_path
from iads.errors import ScenarioError


def _problems(path: Path) -> list:
    with pytest.raises(ScenarioError) as info:
        load_campaign(path)
    assert info.value.file == str(path)
    return info.value.problems


def test_parse_sweep_path() -> None:
    assert parse_sweep_path("threats[0].count") == ("threats", 0, "count")
    assert parse_sweep_path("defenders[1].loadout.48N6E3") == ("defenders", 1, "loadout", "48N6E3")
    assert parse_sweep_path("a[2][3].b") == ("a", 2, 3, "b")
    for bad in ("threats..count", "threats[x].count", "", "threats[0]count"):
        with pytest.raises(ValueError):
            parse_sweep_path(bad)


def test_grid_is_the_full_factorial_and_values_reach_the_scenario(
    tmp_path: Path, write_campaign
) -> None:
    path = write_campaign(
        tmp_path,
        "scenario: small.yaml\nreplications: 3\nseed: 9\nsweep:\n"
        "  threats[0].count: [2, 3, 5]\n  defenders[0].enabled: [false, true]\n",
    )
    camp = load_campaign(path)
    assert len(camp.points) == 6 and camp.n_tasks == 18 and camp.seed == 9
    assert camp.parameters == ("threats[0].count", "defenders[0].enabled")
    seen = set()
    for p in camp.points:
        sc = p.loaded.scenario
        # 'enabled' is absent from small.yaml: the sweep sets a schema default the file left out
        assert sc.threats[0].count == p.params["threats[0].count"]
        assert sc.defenders[0].enabled is p.params["defenders[0].enabled"]
        assert f"count: {sc.threats[0].count}" in p.text  # the resolved text holds the value
        seen.add(tuple(p.params.values()))
    assert len(seen) == 6


def test_zip_pairs_values_and_needs_equal_lengths(tmp_path: Path, write_campaign) -> None:
    body = (
        "scenario: small.yaml\nreplications: 1\nmode: zip\nsweep:\n"
        "  threats[0].count: [2, 6]\n  defenders[0].doctrine.salvo: [1, 2]\n"
    )
    camp = load_campaign(write_campaign(tmp_path, body))
    assert [tuple(p.params.values()) for p in camp.points] == [(2, 1), (6, 2)]
    assert camp.points[1].loaded.scenario.defenders[0].doctrine.salvo == 2
    bad = body.replace("[1, 2]", "[1, 2, 3]")
    (problem,) = _problems(write_campaign(tmp_path, bad))
    assert "same length" in problem.message and problem.line == 4


def test_no_sweep_keeps_the_scenario_text_and_takes_its_seed(
    tmp_path: Path, write_campaign
) -> None:
    camp = load_campaign(write_campaign(tmp_path, "scenario: small.yaml\nreplications: 4\n"))
    assert len(camp.points) == 1 and camp.points[0].params == {}
    assert camp.seed == 5  # the scenario's settings.seed
    assert camp.points[0].text == (tmp_path / "small.yaml").read_text(encoding="utf-8")


def test_builtin_base_scenario_by_name(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("scenario: default\nreplications: 2\nsweep: {'threats[1].count': [1]}\n")
    camp = load_campaign(path)
    assert camp.points[0].loaded.scenario.threats[1].count == 1


def test_unknown_key_in_campaign_file_is_located_with_did_you_mean(
    tmp_path: Path, write_campaign
) -> None:
    path = write_campaign(tmp_path, "scenario: small.yaml\nreplication: 3\n")
    problems = _problems(path)
    msgs = {p.path: p for p in problems}
    assert "did you mean 'replications'" in msgs["replication"].message
    assert msgs["replication"].line == 2
    assert "replications" in msgs  # the required key is reported missing too


def test_sweep_path_that_does_not_exist_names_path_and_scenario(
    tmp_path: Path, write_campaign
) -> None:
    body = (
        "scenario: small.yaml\nreplications: 2\nsweep:\n"
        "  threats[3].count: [1, 2]\n  defenders[0].enabeld: [true]\n"
    )
    problems = _problems(write_campaign(tmp_path, body))
    assert len(problems) == 2
    by_path = {p.path: p for p in problems}
    p1 = by_path["sweep['threats[3].count']"]
    assert p1.line == 4 and "small.yaml" in p1.message and "out of range" in p1.message
    p2 = by_path["sweep['defenders[0].enabeld']"]
    assert p2.line == 5 and "did you mean 'enabled'" in p2.message


def test_sweep_value_that_breaks_the_scenario_is_located_on_its_line(
    tmp_path: Path, write_campaign
) -> None:
    body = (
        "scenario: small.yaml\nreplications: 2\nsweep:\n"
        "  threats[0].count:\n    - 4\n    - 0\n  defenders[0].system: [S-400, S-4000]\n"
    )
    problems = _problems(write_campaign(tmp_path, body))
    by_path = {p.path: p for p in problems}
    count = by_path["sweep['threats[0].count'][1]"]
    assert count.line == 6
    # both the sweep value and the scenario's own located problem are named
    assert "value 0" in count.message and "threats[0].count" in count.message
    assert "greater than or equal to 1" in count.message
    system = by_path["sweep['defenders[0].system'][1]"]
    assert system.line == 7 and "unknown system 'S-4000'" in system.message


def test_combination_invalid_together_is_reported(tmp_path: Path, write_campaign) -> None:
    # a speed in m/s alone is fine, and so is one in Mach; both at once are not
    body = (
        "scenario: small.yaml\nreplications: 1\nsweep:\n"
        "  threats[0].speed_mps: [250]\n  threats[0].speed_mach: [0.8]\n"
    )
    (problem,) = _problems(write_campaign(tmp_path, body))
    assert problem.path == "sweep" and problem.line == 3
    assert "speed_mps=250, threats[0].speed_mach=0.8" in problem.message
    assert "not both" in problem.message


def test_missing_base_scenario_is_located(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("replications: 2\nscenario: defualt\n")
    (problem,) = _problems(path)
    assert problem.path == "scenario" and problem.line == 2
    assert "did you mean the built-in scenario 'default'" in problem.message


def test_errors_of_the_base_scenario_keep_its_own_location(tmp_path: Path, write_campaign) -> None:
    write_campaign(tmp_path, "scenario: small.yaml\nreplications: 1\n")
    small = tmp_path / "small.yaml"
    small.write_text(small.read_text().replace("count: 4", "count: -4"))
    with pytest.raises(ScenarioError) as info:
        load_campaign(tmp_path / "camp.yaml")
    assert info.value.file == str(small)
    assert info.value.problems[0].path == "threats[0].count"
