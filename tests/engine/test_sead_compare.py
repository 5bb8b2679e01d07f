"""The SEAD doctrines compared as a campaign (issue 16): a shortened copy of the built-in
``sead`` raid against the battery radiating all the time and under the ``sead_emcon``
doctrine, through ``iads compare``. Deterministic for a seed; the doctrines differ
beyond their Monte Carlo intervals in how long the radars radiate, and in the kills."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from iads.cli_campaign import app
from iads.engine import simulate
from iads.scenario import load_scenario

pytestmark = pytest.mark.slow


def _short(name: str, tmp: Path) -> Path:
    """The built-in scenario ``name`` cut to its ARM phase: 2 F-16s and 2 cruise
    missiles launched closer, no F-35 and no decoy carrier, 600 s."""
    text = (resources.files("iads.scenario") / "builtin" / f"{name}.yaml").read_text("utf-8")
    d = yaml.safe_load(text)
    d["settings"]["duration_s"] = 600
    by_name = {g["name"]: g for g in d["threats"]}
    weasel, tomahawk = by_name["Weasel"], by_name["Tomahawk"]
    weasel.update(count=2, launch={"lat": 40.0, "lon": 30.9})
    tomahawk.update(count=2, launch_time_s=0, launch={"lat": 39.95, "lon": 31.0})
    d["threats"] = [weasel, tomahawk]
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_sead_run_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    from test_engine import identical

    path = _short("sead", tmp_path)
    a, b = simulate(load_scenario(path), seed=4), simulate(load_scenario(path), seed=4)
    assert identical(a.events, b.events)
    assert a.summary()["sead"] == b.summary()["sead"]
    assert a.summary()["sead"]["arms_launched"] == 4


def test_doctrines_differ_beyond_their_intervals(tmp_path: Path) -> None:
    on, emcon = _short("sead", tmp_path), _short("sead_emcon", tmp_path)
    out = tmp_path / "cmp"
    res = CliRunner().invoke(app, ["compare", str(on), str(emcon), "--reps", "3", "--workers",
                                   "1", "--out", str(out), "--no-plot"],
                             catch_exceptions=False)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "interceptors on ARMs" in res.output
    with open(out / "summary.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))

    def ci(metric: str) -> list[tuple[float, float, float]]:
        sel = sorted((r for r in rows if r["metric"] == metric), key=lambda r: r["point"])
        return [(float(r["ci_low"]), float(r["estimate"]), float(r["ci_high"])) for r in sel]

    # The 91N6E (never the nearest emitter, so never fired at) radiates the whole run when
    # always on; blinking under EMCON, a third of it at most: disjoint 95 % intervals.
    (lo_a, _, _), (_, _, hi_b) = ci("sead.radiating_s.S-400 Mürted/91N6E")
    assert hi_b < lo_a
    # The outcome differs too: under EMCON the 48N6E3s lose their guidance whenever the
    # 92N6E falls silent, so the battery kills less (Welch tests, Holm-corrected, printed).
    (_, kills_a, _), (_, kills_b, _) = ci("totals.killed")
    assert kills_b < kills_a
    assert "differences significant" in " ".join(res.output.split())
