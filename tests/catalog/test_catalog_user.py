"""User catalog files: they override built-in entries by key, add new ones, and a malformed
file is reported with its path, the YAML path inside it and the line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from iads.catalog.loader import builtin_catalog, load_catalog, lookup
from iads.errors import CatalogError, ScenarioError

USER_OK = """\
sources:
  MY-NOTE:
    description: "Analyst note, 2026: F-16 with conformal tanks and a pod"
threats:
  f16:
    name: "F-16 with external stores"
    threat_class: aircraft
    rcs_front_m2: {value: 5.0, source: [MY-NOTE]}
    cruise_speed_mps: {value: 230, assumed: true, rationale: "heavier aircraft, slower cruise"}
    cruise_altitude_m: {value: 7000, assumed: true, rationale: "ingress altitude of the study"}
  mig29:
    name: "MiG-29"
    threat_class: aircraft
    rcs_front_m2: {value: 5.0, source: [RCS-SKOLNIK]}
    cruise_speed_mps: {value: 250, assumed: true, rationale: "high subsonic cruise"}
    cruise_altitude_m: {value: 8000, assumed: true, rationale: "medium altitude transit"}
"""


def _write(tmp_path: Path, text: str, name: str = "user.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_user_file_overrides_a_builtin_key_and_adds_new_keys(tmp_path):
    cat = load_catalog([_write(tmp_path, USER_OK)])
    assert cat.threats["f16"].name == "F-16 with external stores"
    assert cat.threats["f16"].rcs_front_m2.value == 5.0
    assert "mig29" in cat.threats
    # a built-in source can be cited from the user file, and built-in entries remain
    assert cat.threats["mig29"].rcs_front_m2.source == ["RCS-SKOLNIK"]
    assert "S-400" in cat.systems and "tomahawk" in cat.threats
    # the cached built-in catalog is not modified by loading a user file
    assert builtin_catalog().threats["f16"].name == "F-16 Fighting Falcon"
    assert "mig29" not in builtin_catalog().threats


def test_later_user_files_win(tmp_path):
    first = _write(tmp_path, USER_OK, "a.yaml")
    second = _write(tmp_path, USER_OK.replace("F-16 with external stores", "F-16 block 70"),
                    "b.yaml")
    assert load_catalog([first, second]).threats["f16"].name == "F-16 block 70"
    assert load_catalog([second, first]).threats["f16"].name == "F-16 with external stores"


def test_user_launcher_may_point_to_builtin_missile(tmp_path):
    text = """\
    launchers:
      5P85TE2-9M96E2:
        name: "towed launcher with 9M96E2"
        missile: 9M96E2
        missiles_per_launcher: {value: 16, assumed: true, rationale: "study variant"}
    """
    cat = load_catalog([_write(tmp_path, text)])
    assert cat.launchers["5P85TE2-9M96E2"].missile == "9M96E2"


def _problems(exc: ScenarioError) -> list:
    return [(p.path, p.message, p.line) for p in exc.problems]


def test_unknown_source_is_located(tmp_path):
    text = """\
    threats:
      drone_x:
        name: "Drone X"
        threat_class: drone
        rcs_front_m2: {value: 0.05, source: [NO-SUCH-SOURCE]}
        cruise_speed_mps: {value: 40, assumed: true, rationale: "slow"}
        cruise_altitude_m: {value: 200, assumed: true, rationale: "low"}
    """
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_catalog([path])
    exc = info.value
    assert exc.file == str(path)
    [(where, message, line)] = _problems(exc)
    assert where == "threats.drone_x.rcs_front_m2.source"
    assert "NO-SUCH-SOURCE" in message
    assert line == 5
    assert f"{path}:5" in str(exc)


def test_misspelt_source_gets_a_suggestion(tmp_path):
    text = """\
    threats:
      drone_y:
        name: "Drone Y"
        threat_class: drone
        rcs_front_m2: {value: 0.05, source: [RCS-SKOLNICK]}
        cruise_speed_mps: {value: 40, assumed: true, rationale: "slow"}
        cruise_altitude_m: {value: 200, assumed: true, rationale: "low"}
    """
    with pytest.raises(ScenarioError) as info:
        load_catalog([_write(tmp_path, text)])
    assert "did you mean 'RCS-SKOLNIK'" in str(info.value)


def test_misspelt_section_gets_did_you_mean_with_line(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_catalog([_write(tmp_path, "sources: {}\nthreat: {}\n")])
    [(where, message, line)] = _problems(info.value)
    assert where == "threat"
    assert "did you mean 'threats'" in message
    assert line == 2


def test_unknown_key_gets_did_you_mean_with_line(tmp_path):
    text = """\
    radars:
      my_radar:
        name: "Study radar"
        role: surveillance
        ref_range_m: {value: 100000, assumed: true, rationale: "study value"}
        ref_rcs_m2: {value: 1, assumed: true, rationale: "study value"}
        instrumented_range_m: {value: 150000, assumed: true, rationale: "study value"}
        revisit_s: {value: 5, assumed: true, rationale: "study value"}
        range_sigma_m: {value: 50, assumed: true, rationale: "study value"}
        angle_sigma_deg: {value: 0.2, assumed: true, rationale: "study value"}
        antena_height_m: {value: 10, assumed: true, rationale: "study value"}
    """
    with pytest.raises(ScenarioError) as info:
        load_catalog([_write(tmp_path, text)])
    [(where, message, line)] = _problems(info.value)
    assert where == "radars.my_radar.antena_height_m"
    assert "did you mean 'antenna_height_m'" in message
    assert line == 11


def test_figure_without_provenance_is_rejected(tmp_path):
    text = """\
    threats:
      drone_z:
        name: "Drone Z"
        threat_class: drone
        rcs_front_m2: {value: 0.05}
        cruise_speed_mps: {value: 40, assumed: true}
        cruise_altitude_m: {value: 200, assumed: true, rationale: "low"}
    """
    with pytest.raises(ScenarioError) as info:
        load_catalog([_write(tmp_path, text)])
    probs = _problems(info.value)
    paths = {p[0] for p in probs}
    assert "threats.drone_z.rcs_front_m2" in paths
    assert "threats.drone_z.cruise_speed_mps" in paths
    assert all(p[2] is not None for p in probs)
    messages = " ".join(p[1] for p in probs)
    assert "source" in messages and "rationale" in messages


def test_unknown_missile_in_a_launcher_is_located(tmp_path):
    text = """\
    launchers:
      bad_launcher:
        name: "Bad launcher"
        missile: 48N6E4
        missiles_per_launcher: {value: 4, assumed: true, rationale: "study"}
    """
    with pytest.raises(ScenarioError) as info:
        load_catalog([_write(tmp_path, text)])
    [(where, message, line)] = _problems(info.value)
    assert where == "launchers.bad_launcher.missile"
    assert "48N6E4" in message and "did you mean" in message
    assert line == 4


def test_yaml_syntax_error_and_missing_file_are_input_errors(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_catalog([_write(tmp_path, "threats:\n  f16: [unclosed\n")])
    assert info.value.problems[0].line is not None
    with pytest.raises(ScenarioError):
        load_catalog([tmp_path / "does_not_exist.yaml"])


def test_lookup_unknown_key_suggests(tmp_path):
    with pytest.raises(CatalogError, match="did you mean 'tomahawk'"):
        lookup(builtin_catalog(), "threats", "tomahwak")
