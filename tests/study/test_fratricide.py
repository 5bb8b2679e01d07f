"""The fratricide chapter kind on a tiny set-up (two F-16s crossing an S-400's zone, 2
replications per arm): identification figures set so the answer is known (every friend
judged hostile by procedure vs none), the text's numbers equal to the tables' cells, the
summary's fratricide counts equal to the event log, and located errors for bad blocks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pytest
from pydantic import ValidationError

import iads.study.kinds  # noqa: F401  (registers the kinds)
from iads.campaign.backends import LocalBackend
from iads.catalog import builtin_catalog
from iads.errors import InputError
from iads.study.chapter import KINDS, ChapterContext

SCENARIO = """\
name: {name}
settings: {{duration_s: 150, time_step_s: 2.0, seed: 7}}
assets:
  - name: Ankara
    position: {{lat: 39.9334, lon: 32.8597, alt_m: 900}}
defenders:
  - name: S-400 Mürted
    system: S-400
    position: {{lat: 40.0786, lon: 32.5656, alt_m: 850}}
    doctrine: {{policy: shoot-look-shoot, salvo: 2}}
    iff: {iff}
friendlies:
  - name: F-16
    type: f16
    count: 2
    spacing_s: 20
    launch: {{lat: 40.00, lon: 32.10, alt_m: 6000}}
    altitude_m: 6000
    speed_mps: 250
    waypoints:
      - {{lat: 40.15, lon: 33.20}}
"""


def _block(**extra):
    return {
        "key": "identification",
        "kind": "fratricide",
        "title": "t",
        "question": "How often are friends engaged?",
        "arms": [
            {"key": "blind", "scenario": "blind.yaml",
             "overrides": {"c2.iff.p_friend_declared_hostile_without_iff": 1.0}},
            {"key": "iff", "scenario": "iff.yaml"},
        ],
        "contrasts": [{"a": "blind", "b": "iff", "says": "allied IFF"}],
        **extra,
    }


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("frat")
    (d / "blind.yaml").write_text(SCENARIO.format(name="blind", iff="false"), encoding="utf-8")
    (d / "iff.yaml").write_text(SCENARIO.format(name="with iff", iff="true"), encoding="utf-8")
    return d


def _ctx(folder: Path, out: str, reps: int = 2) -> ChapterContext:
    (folder / out).mkdir(exist_ok=True)
    return ChapterContext(out_dir=folder / out, reps=reps, quick=False, seed=11,
                          catalog=builtin_catalog(), backend=LocalBackend(workers=1),
                          base_dir=folder)  # fmt: skip


@pytest.fixture(scope="module")
def result(folder: Path):
    kind = KINDS["fratricide"]
    spec = kind.spec.model_validate(_block())
    ctx = _ctx(folder, "out")
    assert kind.estimate(spec, ctx) == 4
    return kind.run(spec, ctx)


def test_a_unit_judging_every_friend_hostile_engages_them_and_allied_iff_does_not(result):
    est = {r["arm"]: r for r in result.tables["estimates"].to_pylist()}
    blind, iff = est["blind"], est["iff"]
    assert blind["sorties"] == iff["sorties"] == 4
    # procedure declares every friend hostile: each F-16 crossing the zone is engaged
    assert blind["engaged"] == 4 and blind["p_engaged"] == 1.0
    assert blind["engagements"] >= blind["engaged"] >= blind["lost"]
    # allied IFF: a friend is declared hostile only if its transponder failed (1 %) and
    # procedure then erred (30 %): none in 4 sorties here
    assert iff["engagements"] == 0 and iff["p_engaged"] == 0.0
    assert iff["p_engaged_hi"] == pytest.approx(_wilson_hi(0, 4))
    assert iff["engagements_per_sortie_hi"] == pytest.approx(3 / 4)  # rule of three


def _wilson_hi(k: int, n: int, z: float = 1.959963984540054) -> float:
    p = k / n
    return (p + z * z / (2 * n) + z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (
        1 + z * z / n)


def test_every_quoted_number_is_a_table_cell_and_holm_never_lowers_p(result):
    est = {r["arm"]: r for r in result.tables["estimates"].to_pylist()}
    for name, value in result.numbers.items():
        arm, metric = name.split(".", 1)
        assert est[arm][metric] == pytest.approx(value)
    con = result.tables["contrasts"]
    p, q = con.column("p").to_numpy(), con.column("p_holm").to_numpy()
    ok = np.isfinite(p)
    assert np.all(q[ok] >= p[ok] - 1e-15)
    sig = con.filter(pc.field("significant"))
    assert "p_engaged" in sig.column("metric").to_pylist()  # 4/4 vs 0/4
    assert any("allied IFF" in f and "P(sortie engaged)" in f for f in result.findings)
    reps = result.tables["replications"]
    assert reps.num_rows == 4 and set(reps.column("arm").to_pylist()) == {"blind", "iff"}
    assert result.figures[0].png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "c2.iff.p_transponder_failure" in " ".join(result.assumptions)


def test_compare_reports_the_chapters_fratricide_metrics_at_80_columns(result, folder):
    """The chapter's store is a compare campaign: ``iads summarize`` on it (non-tty,
    COLUMNS=80) reports fratricide engagements and friendly losses, names whole."""
    from typer.testing import CliRunner

    from iads.cli_campaign import app

    res = CliRunner().invoke(app, ["summarize", str(folder / "out" / "campaign"), "--no-plot"],
                             env={"COLUMNS": "80"}, catch_exceptions=False)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "fratricide engagements" in res.output and "friendly aircraft lost" in res.output
    assert "…" not in res.output and "with iff" in res.output
    assert max(len(line.rstrip()) for line in res.output.splitlines()) <= 80


def test_the_summary_counts_fratricide_engagements_from_the_event_log(folder: Path):
    from iads.engine import simulate
    from iads.scenario import load_scenario
    from iads.scenario.loader import with_overrides

    loaded = with_overrides(load_scenario(folder / "blind.yaml", builtin_catalog()),
                            {"c2.iff.p_friend_declared_hostile_without_iff": 1.0})
    r = simulate(loaded)
    s = r.summary()
    launches = r.events.filter(pc.equal(r.events.column("kind"), "launch")).to_pylist()
    salvos = {(e["unit_id"], e["track_id"], e["time_s"]) for e in launches}
    friendly = {e["threat_id"] for e in launches}
    assert s["friendlies"]["engagements"] == len(salvos) > 0
    assert s["friendlies"]["interceptors"] == len(launches)
    assert s["friendlies"]["engaged"] == len(friendly)
    assert json.dumps(s["friendlies"])  # plain JSON


def test_bad_blocks_are_refused_with_what_is_allowed(folder: Path):
    kind = KINDS["fratricide"]
    with pytest.raises(ValidationError, match="names arm 'nope'"):
        kind.spec.model_validate(_block(contrasts=[{"a": "nope", "b": "iff", "says": "x"}]))
    with pytest.raises(ValidationError, match="extra"):
        kind.spec.model_validate(_block(replicas=3))
    (folder / "empty.yaml").write_text(
        SCENARIO.format(name="empty", iff="true").split("friendlies:")[0], encoding="utf-8")
    block = _block()
    block["arms"][1]["scenario"] = "empty.yaml"
    spec = kind.spec.model_validate(block)
    with pytest.raises(InputError, match="flies no friendly aircraft"):
        kind.run(spec, _ctx(folder, "empty"))
