"""Figures set by path (iads.catalog.overrides): exactly the named figure changes, the
change is reported, and bad paths and values get located errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from iads.c2.iff import sortie_state
from iads.catalog import builtin_catalog
from iads.catalog import overrides as ov
from iads.errors import ScenarioError
from iads.scenario import load_scenario

SCENARIO = """\
name: overrides
settings: {duration_s: 120, seed: 2}
assets:
  - name: Ankara
    position: {lat: 39.93, lon: 32.86}
defenders:
  - name: S400
    system: S-400
    position: {lat: 40.08, lon: 32.57}
threats:
  - {type: kalibr, count: 2, launch: {lat: 40.3, lon: 33.1}, target: Ankara}
"""


def _leaves(obj: Any, key: tuple = ()) -> dict[tuple, Any]:
    """Every leaf of a dumped catalog (dicts and lists walked)."""
    if isinstance(obj, dict):
        out: dict[tuple, Any] = {}
        for k, v in obj.items():
            out.update(_leaves(v, key + (k,)))
        return out
    if isinstance(obj, (list, tuple)):
        out = {}
        for i, v in enumerate(obj):
            out.update(_leaves(v, key + (i,)))
        return out
    return {key: obj}


@pytest.mark.parametrize(
    ("path", "value", "canonical"),
    [
        ("threats.f35.rcs_front_m2", 0.01, ("threats", "f35", "rcs_front_m2")),
        ("missiles.48N6E3.pk.aircraft", 0.5, ("missiles", "48N6E3", "pk", "aircraft")),
        # through the system that carries the missile
        ("systems.S-400.missiles.48N6E3.pk.aircraft", 0.4,
         ("missiles", "48N6E3", "pk", "aircraft")),
        ("systems.S-400.radars.92N6E.ref_range_m.value", 2.0e5,
         ("radars", "92N6E", "ref_range_m")),
        ("systems.S-400.command_post.reaction_time_s", 4.0,
         ("systems", "S-400", "command_post", "reaction_time_s")),
        ("systems.S-400.launchers[1].count", 4, ("systems", "S-400", "launchers", 1, "count")),
        ("c2.iff.p_friend_declared_hostile_without_iff", 0.1,
         ("model", "c2", "iff", "p_friend_declared_hostile_without_iff")),
        ("weapons.flyout.seeker_basket_m", 800.0,
         ("model", "weapons", "flyout", "seeker_basket_m")),
        ("threats.kalibr.swerling", 3, ("threats", "kalibr", "swerling")),
    ],
)
def test_an_override_changes_exactly_that_figure(path: str, value: float, canonical) -> None:
    cat = builtin_catalog()
    before = _leaves(cat.model_dump(exclude={"overrides"}))
    new = ov.apply(cat, {path: value})
    after = _leaves(new.model_dump(exclude={"overrides"}))
    changed = {k for k in before.keys() | after.keys() if before.get(k, 0) != after.get(k, 0)}
    # the value, and the figure's provenance (no source any more: assumed, overridden)
    assert (canonical + ("value",) in changed) or (canonical in changed)
    assert all(k[: len(canonical)] == canonical for k in changed), changed
    numeric = {f.path: f.value for f in ov.figures(cat)}
    numeric_new = {f.path: f.value for f in ov.figures(new)}
    diff = [p for p in numeric if numeric[p] != numeric_new[p]]
    assert len(diff) == 1 and numeric_new[diff[0]] == value
    (rec,) = new.overrides
    assert (rec.path, rec.new, rec.old) == (path, value, numeric[diff[0]])
    assert cat.overrides == ()  # the catalog given is unchanged


def test_an_overridden_figure_says_so_and_keeps_no_source() -> None:
    cat = builtin_catalog()
    assert cat.missiles["48N6E3"].max_range_m.source  # a sourced figure
    new = ov.apply(cat, {"missiles.48N6E3.max_range_m": 200_000}, file="study.yaml")
    fig = new.missiles["48N6E3"].max_range_m
    assert fig.value == 200_000 and fig.assumed and fig.source == []
    assert "override in study.yaml" in fig.rationale and "250000" in fig.rationale


def test_an_absent_figure_is_created() -> None:
    cat = builtin_catalog()
    assert cat.radars["92N6E"].peak_power_w is None
    new = ov.apply(cat, {"radars.92N6E.peak_power_w": 1.0e6})
    assert new.radars["92N6E"].peak_power_w.value == 1.0e6
    assert new.overrides[0].old is None


def test_listing_covers_model_figures_with_assumed_flag_and_range() -> None:
    figs = {f.path: f for f in ov.figures(builtin_catalog())}
    f = figs["c2.iff.p_transponder_failure"]
    assert f.assumed and (f.lo, f.hi) == (0.0, 1.0) and f.value == 0.01
    looks = figs["c2.iff.looks_to_declare"]
    assert looks.integer and looks.lo == 1
    assert figs["missiles.48N6E3.pk.ballistic_missile"].hi == 1.0
    channels = figs["systems.S-400.fire_channels"]
    assert channels.integer and channels.hi == 1e4
    assert not figs["radars.96L6E.ref_range_m"].assumed and figs["radars.96L6E.ref_range_m"].source
    # every listed figure can be set to its own value
    cat = builtin_catalog()
    sample = list(figs)[::25]
    new = ov.apply(cat, {p: figs[p].value for p in sample})
    assert len(new.overrides) == len(sample)


def test_the_iff_model_reads_its_rates_from_the_catalog() -> None:
    rates = ov.apply(builtin_catalog(), {"c2.iff.p_transponder_failure": 0.25})
    n = 20_000
    sortie = sortie_state(np.ones(n, bool), np.random.default_rng(0), rates.model.c2.iff)
    assert np.mean(~sortie.replies) == pytest.approx(0.25, abs=4 * np.sqrt(0.25 * 0.75 / n))


def _load(tmp_path: Path, overrides: str) -> Any:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO + "overrides:\n" + overrides, encoding="utf-8")
    return path, load_scenario(path)


def test_scenario_overrides_reach_the_run_and_its_summary(tmp_path: Path) -> None:
    from iads.engine import simulate

    _, loaded = _load(
        tmp_path,
        "  threats.kalibr.rcs_front_m2: 0.05\n"
        "  c2.threat.class_weight.cruise_missile: 0.9\n",
    )
    assert loaded.catalog.threats["kalibr"].rcs_front_m2.value == 0.05
    assert loaded.base_catalog.threats["kalibr"].rcs_front_m2.value == 0.5
    s = simulate(loaded).summary()
    assert s["overrides"] == [
        {"path": "threats.kalibr.rcs_front_m2", "figure": "threats.kalibr.rcs_front_m2",
         "old": 0.5, "new": 0.05},
        {"path": "c2.threat.class_weight.cruise_missile",
         "figure": "c2.threat.class_weight.cruise_missile", "old": 1.0, "new": 0.9},
    ]
    marked = {(a["entry"], a["field"]): a for a in s["assumed_figures"]
              if a.get("provenance") == "override"}
    assert marked[("threats.kalibr", "rcs_front_m2")]["catalog_value"] == 0.5
    assert marked[("c2.threat", "class_weight.cruise_missile")]["value"] == 0.9


@pytest.mark.parametrize(
    ("line", "expect"),
    [
        ("  threats.f35.rcs_m2.frontal: 0.01\n",
         ["unknown path", "'threats.f35' has no field 'rcs_m2'",
          "nearest valid paths: threats.f35.rcs_front_m2"]),
        ("  c2.iff.p_friend_hostile: 0.1\n",
         ["unknown path", "nearest valid paths: c2.iff."]),
        ("  threats.f35.rcs_front_m2: fast\n", ["a figure takes a number", "'fast'"]),
        ("  missiles.48N6E3.pk.aircraft: 1.5\n", ["must be a number in [0, 1]; got 1.5"]),
        ("  threats.f35.rcs_front_m2: -1\n", ["must be a number > 0; got -1"]),
        ("  systems.S-400.fire_channels: 2.5\n", ["must be a whole number in [0, 10000]"]),
        ("  systems.S-400.missiles.PAC-3-MSE.pk.drone: 0.5\n",
         ["S-400 carries no missile 'PAC-3-MSE'", "carried: 48N6E3, 40N6E"]),
        ("  launchers.5P85TE2.missile: 48N6E9\n", ["unknown missile '48N6E9'",
                                                  "did you mean '48N6E3'"]),
    ],
)
def test_bad_overrides_are_located(tmp_path: Path, line: str, expect: list[str]) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO + "overrides:\n" + line, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (p,) = info.value.problems
    key = line.split(":")[0].strip()
    assert info.value.file == str(path) and p.path == f"overrides['{key}']"
    assert p.line == SCENARIO.count("\n") + 2
    for text in expect:
        assert text in p.message, p.message


def test_every_problem_at_once(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO + "overrides:\n  threats.f35.rcs: 1\n  c2.iff.prior_hostile: 2\n",
                    encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert len(info.value.problems) == 2


def test_every_builtin_figure_lies_in_its_allowed_range() -> None:
    out = [(f.path, f.value) for f in ov.figures(builtin_catalog())
           if not (f.lo <= f.value <= f.hi and (not f.integer or float(f.value).is_integer()))]
    assert out == []


def test_compare_carries_override_paths_as_factor_columns(tmp_path: Path) -> None:
    from iads.campaign import compare_campaign

    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(SCENARIO.replace("name: overrides", "name: a"), encoding="utf-8")
    b.write_text(SCENARIO.replace("name: overrides", "name: b")
                 + "overrides:\n  threats.kalibr.rcs_front_m2: 0.05\n", encoding="utf-8")
    camp = compare_campaign([a, b], 1)
    assert camp.parameters == ("scenario", "overrides.threats.kalibr.rcs_front_m2")
    assert [p.params["overrides.threats.kalibr.rcs_front_m2"] for p in camp.points] == [0.5, 0.05]


def test_with_overrides_adds_figures_to_a_loaded_scenario(tmp_path: Path) -> None:
    from iads.scenario import with_overrides

    _, loaded = _load(tmp_path, "  threats.kalibr.rcs_front_m2: 0.05\n")
    more = with_overrides(loaded, {"c2.iff.prior_hostile": 0.7,
                                   "threats.kalibr.rcs_front_m2": 0.2})
    assert more.catalog.model.c2.iff.prior_hostile.value == 0.7
    assert more.catalog.threats["kalibr"].rcs_front_m2.value == 0.2
    assert [r.old for r in more.catalog.overrides] == [0.5, 0.5]  # from the catalog's values
    assert "prior_hostile: 0.7" in more.text
    with pytest.raises(ScenarioError, match="must be a number in"):
        with_overrides(loaded, {"c2.iff.prior_hostile": 7})


def test_override_problems_come_with_the_scenario_s_other_problems(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.replace("system: S-400", "system: S-4000")
                    + "overrides:\n  c2.iff.prior_hostile: 2\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert {p.path for p in info.value.problems} == {
        "overrides['c2.iff.prior_hostile']", "defenders[0].system"}
