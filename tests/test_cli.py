"""The default scenario end to end through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq


def _iads(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "iads.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_run_default_scenario_writes_its_files(tmp_path: Path) -> None:
    # A folder named like the built-in does not hide it (regression: iads run failed).
    (tmp_path / "default").mkdir()
    out = tmp_path / "out"
    proc = _iads("run", "default", "--out", str(out), "--seed", "3", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "killed" in proc.stdout and "leaked" in proc.stdout
    for name in ("events.parquet", "summary.json", "engagement.png", "truth.parquet",
                 "entities.parquet", "tracks.parquet", "replay.czml"):  # fmt: skip
        assert (out / name).stat().st_size > 0, name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["seed"] == 3
    events = pq.read_table(out / "events.parquet")
    assert events.num_rows == summary["events"]
    assert {"threat_name", "unit_name", "radar_name"} <= set(events.column_names)
    assert (out / "engagement.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_schema_prints_json_schema(tmp_path: Path) -> None:
    proc = _iads("schema", cwd=tmp_path)
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert "defenders" in schema["properties"] and "threats" in schema["properties"]


def test_unknown_builtin_scenario_is_an_input_error(tmp_path: Path) -> None:
    proc = _iads("run", "defualt", cwd=tmp_path)
    assert proc.returncode == 2
    assert "did you mean the built-in scenario 'default'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_catalog_list_and_show(tmp_path: Path) -> None:
    proc = _iads("catalog", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "S-400" in proc.stdout and "48N6E3" in proc.stdout
    proc = _iads("catalog", "show", "40N6E", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "max_range" in proc.stdout
    proc = _iads("catalog", "show", "40N6", cwd=tmp_path)
    assert proc.returncode == 2 and "did you mean" in proc.stderr


def test_catalog_paths_lists_settable_figures(tmp_path: Path) -> None:
    proc = _iads("catalog", "paths", "c2.iff.*", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "c2.iff.p_friend_declared_hostile_without_iff" in proc.stdout
    assert "Figures settable by path (7)" in proc.stdout and "[0,1]" in proc.stdout


def test_run_with_a_user_catalog(tmp_path: Path) -> None:
    """A user catalog adds a threat type (and could override built-in keys); a scenario
    uses it by key through `iads run --catalog FILE`."""
    import yaml

    from iads.catalog import builtin_catalog

    cat = builtin_catalog()
    entry = cat.threats["kalibr"].model_dump(exclude_none=True)
    entry["name"] = "Study cruise missile"
    entry["rcs_front_m2"] = {"value": 0.05, "assumed": True, "rationale": "study value"}
    used = {s for f in entry.values() if isinstance(f, dict) for s in f.get("source", [])}
    user = {"sources": {k: cat.sources[k].model_dump(exclude_none=True) for k in used},
            "threats": {"study_cm": entry}}
    (tmp_path / "user.yaml").write_text(yaml.safe_dump(user, allow_unicode=True), "utf-8")
    (tmp_path / "sc.yaml").write_text(
        "settings: {duration_s: 300, seed: 1}\n"
        "assets: [{name: A, position: {lat: 40.0, lon: 32.6}}]\n"
        "defenders: [{name: B, system: S-400, position: {lat: 40.08, lon: 32.57}}]\n"
        "threats: [{type: study_cm, count: 2, launch: {lat: 40.9, lon: 32.6}, target: A}]\n",
        "utf-8")
    proc = _iads("validate", "sc.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and "unknown threat type 'study_cm'" in proc.stderr
    proc = _iads("run", "sc.yaml", "--catalog", "user.yaml", "--no-plot", "--out", "o",
                 cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "o" / "summary.json").read_text("utf-8"))
    assert summary["by_threat_type"]["study_cm"]["threats"] == 2
    assumed = {(a["entry"], a["field"]) for a in summary["assumed_figures"]}
    assert ("threats.study_cm", "rcs_front_m2") in assumed


def test_envelope_command(tmp_path: Path) -> None:
    proc = _iads("envelope", "S-400", "--missile", "48N6E3", "--target", "kalibr", "--out",
                 "env.png", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    # each radar's detection limit against the target, and the kinematic footprint
    # intersected with it (a sea-skimming Kalibr: the horizon limits every radar)
    assert "92N6E: Pd >= 0.5 per scan from" in " ".join(proc.stdout.split())
    text = " ".join(proc.stdout.split())  # the console wraps at its width
    assert "launch now (kinematic)" in text and "seen and launchable" in text
    assert (tmp_path / "env.png").stat().st_size > 10_000
    assert (tmp_path / "env.png").read_bytes()[:4] == b"\x89PNG"
    proc = _iads("envelope", "S-400", "--missile", "PAC-3-MSE", "--target", "kalibr",
                 cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
