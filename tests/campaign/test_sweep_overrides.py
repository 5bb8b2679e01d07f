"""Campaign sweeps over catalog and model figures by path (``overrides.<path>``): each
arm runs with its own figure, the swept path is a factor column, results are
reproducible per seed, and a bad value is located in the campaign file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from iads.campaign import LocalBackend, load_campaign, read_rows, run_campaign, summarize
from iads.engine import simulate
from iads.errors import ScenarioError

PK = "overrides.systems.S-400.missiles.48N6E3.pk.cruise_missile"
PK40 = "overrides.missiles.40N6E.pk.cruise_missile"
BODY = f"""\
scenario: small.yaml
replications: 1
seed: 7
mode: zip
sweep:
  {PK}: [0.0, 1.0]
  {PK40}: [0.0, 1.0]
"""


def test_sweep_by_path_sets_the_figure_per_point(tmp_path: Path, write_campaign) -> None:
    camp = load_campaign(write_campaign(tmp_path, BODY))
    assert camp.parameters == (PK, PK40)
    for p, v in zip(camp.points, (0.0, 1.0), strict=True):
        cat = p.loaded.catalog
        assert cat.missiles["48N6E3"].pk["cruise_missile"].value == v
        assert cat.missiles["40N6E"].pk["cruise_missile"].value == v
        assert [r.canonical for r in cat.overrides] == [
            "missiles.48N6E3.pk.cruise_missile", "missiles.40N6E.pk.cruise_missile"
        ]
        assert "overrides:" in p.text  # the resolved scenario carries the figures


def test_sweep_arms_differ_and_replications_reproduce(tmp_path: Path, write_campaign,
                                                     small_text) -> None:  # fmt: skip
    path = write_campaign(tmp_path, BODY)
    # Over smooth earth: over the shipped terrain these Kalibrs (30 m above the ground)
    # stay hidden from the battery, and a Pk never drawn cannot show its effect.
    (tmp_path / "small.yaml").write_text(small_text + "terrain: {dem: none}\n", "utf-8")
    camp = load_campaign(path)
    run_campaign(camp, tmp_path / "out", backend=LocalBackend(1))
    rows = read_rows(tmp_path / "out").to_pylist()
    kills = {(r["point"], r["rep"]): r["totals.killed"] for r in rows}
    # Pk 0 kills nothing; Pk 1 kills what it engages
    assert kills[(0, 0)] == 0 and kills[(1, 0)] > 0
    row = next(r for r in rows if (r["point"], r["rep"]) == (1, 0))
    again = simulate(camp.points[1].loaded, row["seed"]).summary()
    assert again["totals"]["killed"] == row["totals.killed"]
    assert again["overrides"][0]["new"] == 1.0
    s = summarize(tmp_path / "out", plot=False)
    with open(s.csv, newline="", encoding="utf-8") as f:
        head = next(csv.reader(f))
    assert head[1:3] == [PK, PK40]  # the swept paths are factor columns


def test_bad_override_in_a_sweep_is_located(tmp_path: Path, write_campaign) -> None:
    body = BODY.replace("[0.0, 1.0]\n  overrides.missiles", "[0.0, 1.5]\n  overrides.missiles")
    path = write_campaign(tmp_path, body)
    with pytest.raises(ScenarioError) as info:
        load_campaign(path)
    (p,) = info.value.problems
    assert p.path == f"sweep['{PK}'][1]" and p.line == 6
    assert "must be a number in [0, 1]; got 1.5" in p.message
    bad = BODY.replace("pk.cruise_missile: [0.0", "pk.cruise: [0.0")
    with pytest.raises(ScenarioError) as info:
        load_campaign(write_campaign(tmp_path, bad))
    assert "nearest valid paths" in info.value.problems[0].message
