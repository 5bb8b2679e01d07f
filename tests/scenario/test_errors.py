"""Every kind of scenario mistake gives one clear, located message (file, YAML path, line,
what is allowed), all problems at once, and no traceback from the CLI."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from iads.errors import ScenarioError
from iads.scenario import load_scenario

GOOD = textwrap.dedent("""\
    name: test
    settings: {duration_s: 600, time_step_s: 1, seed: 1}
    assets:
      - name: Ankara
        position: {lat: 39.93, lon: 32.86}
        value: 10
    defenders:
      - name: S-400 A
        system: S-400
        position: {lat: 40.08, lon: 32.57}
    threats:
      - type: kalibr
        count: 2
        launch: {lat: 41.5, lon: 33.5}
        target: Ankara
    """)


def _problems(tmp_path: Path, text: str) -> list:
    f = tmp_path / "s.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(f)
    assert exc.value.file == str(f)
    return exc.value.problems


def test_good_file_loads(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(GOOD, encoding="utf-8")
    sc = load_scenario(f).scenario
    assert sc.threats[0].count == 2 and sc.defenders[0].system == "S-400"


@pytest.mark.parametrize(
    ("old", "new", "path", "line", "words"),
    [
        (
            "lat: 40.08",
            "lat: 140.08",
            "defenders[0].position.lat",
            10,
            ["less than or equal to 90", "140.08"],
        ),
        ("seed: 1}", "sede: 1}", "settings.sede", 2, ["unknown key 'sede'", "did you mean 'seed'"]),
        (
            "system: S-400",
            "system: S-4OO",
            "defenders[0].system",
            9,
            ["unknown system", "did you mean 'S-400'"],
        ),
        (
            "type: kalibr",
            "type: kalibir",
            "threats[0].type",
            12,
            ["unknown threat type", "did you mean 'kalibr'"],
        ),
        (
            "target: Ankara",
            "target: Ankra",
            "threats[0].target",
            15,
            ["unknown asset", "did you mean 'Ankara'"],
        ),
        ("count: 2", "count: -2", "threats[0].count", 13, ["greater than or equal to 1"]),
        ("count: 2", "count: many", "threats[0].count", 13, ["valid integer", "many"]),
        ("duration_s: 600", "duration_s: -600", "settings.duration_s", 2, ["greater than 0"]),
        (
            "    value: 10",
            "    value: 10\n    colour: red",
            "assets[0].colour",
            7,
            ["unknown key 'colour'"],
        ),
        ("    target: Ankara\n", "", "threats[0]", 12, ["'target' asset or 'waypoints'"]),
    ],
)
def test_each_mistake_is_named_with_path_and_line(tmp_path, old, new, path, line, words) -> None:
    assert old in GOOD
    problems = _problems(tmp_path, GOOD.replace(old, new))
    assert len(problems) == 1, problems
    p = problems[0]
    assert p.path == path
    assert p.line == line
    for w in words:
        assert w in p.message


def test_missing_required_key(tmp_path: Path) -> None:
    problems = _problems(tmp_path, GOOD.replace("    position: {lat: 40.08, lon: 32.57}\n", ""))
    assert [p.path for p in problems] == ["defenders[0].position"]
    assert "required" in problems[0].message.lower()


def test_all_problems_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("seed: 1}", "sede: 1}").replace("lat: 40.08", "lat: 140.08")
    assert {p.path for p in _problems(tmp_path, text)} == {
        "settings.sede",
        "defenders[0].position.lat",
    }


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    problems = _problems(tmp_path, GOOD.replace("{lat: 41.5, lon: 33.5}", "{lat: 41.5, lon: 33.5"))
    assert "YAML syntax error" in problems[0].message and problems[0].line is not None


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    problems = _problems(tmp_path, GOOD.replace("name: test\n", "name: test\nname: again\n"))
    assert "duplicate key" in problems[0].message


def test_loadout_missile_not_carried(tmp_path: Path) -> None:
    text = GOOD.replace(
        "position: {lat: 40.08, lon: 32.57}",
        "position: {lat: 40.08, lon: 32.57}\n    loadout: {PAC-3 MSE: 4}",
    )
    problems = _problems(tmp_path, text)
    assert problems[0].path == "defenders[0].loadout.PAC-3 MSE"
    assert "not carried by S-400" in problems[0].message


def test_safe_loader_refuses_python_tags(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path, "name: !!python/object/apply:os.system ['echo hi']\n" + GOOD[11:]
    )
    assert "YAML" in problems[0].message


def test_not_a_mapping_and_missing_file(tmp_path: Path) -> None:
    assert "mapping" in _problems(tmp_path, "- 1\n- 2\n")[0].message
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nope.yaml")


def test_cli_validate_exit_2_and_no_traceback(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(GOOD.replace("lat: 40.08", "lat: 140.08"), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "iads.cli", "validate", str(f)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "defenders[0].position.lat" in proc.stderr and f"{f}:10" in proc.stderr
    ok = tmp_path / "ok.yaml"
    ok.write_text(GOOD, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "iads.cli", "validate", str(ok)], capture_output=True, text=True
    )
    assert proc.returncode == 0 and "OK" in proc.stdout


def test_builtin_default_scenario_validates() -> None:
    sc = load_scenario().scenario
    assert sum(g.count for g in sc.threats) >= 20
    assert {d.system for d in sc.defenders} == {"S-400"}


def test_terrain_entry_shapes(tmp_path: Path) -> None:
    """``hills: []`` and ``terrain: {}`` are valid (the shipped DEM stays on); a wrong
    ``dem`` and a GeoTIFF that is no file are located errors."""
    f = tmp_path / "s.yaml"
    for entry in ("terrain: {hills: []}", "terrain: {}", "terrain: {dem: none, hills: []}"):
        f.write_text(GOOD + entry + "\n", encoding="utf-8")
        assert load_scenario(f).scenario.terrain is not None
    probs = _problems(tmp_path, GOOD + "terrain: {dem: srtm}\n")
    assert probs[0].path == "terrain.dem" and "'builtin'" in probs[0].message
    probs = _problems(tmp_path, GOOD + "terrain: {file: nowhere.tif}\n")
    assert probs[0].path == "terrain.file" and "nowhere.tif" in probs[0].message
