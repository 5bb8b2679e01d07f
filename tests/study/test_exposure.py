"""The ``exposure`` chapter kind on tiny specs: it runs through the study contract, its
headline numbers are cells of its tables, its figures are PNGs, and the radar equation's
closed form holds: for one radar, where neither the horizon nor the instrumented range
binds, the ratio of median first-detection ranges of two targets is the fourth root of
their RCS ratio (Skolnik, Introduction to Radar Systems, 3rd ed., eq. 2.1: R^4 ~ sigma)
when both fly at speeds in that same ratio, so each gets the same number of scans over
the same fraction of its detection range."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml

import iads.study.kinds  # noqa: F401  (registers the kinds)
from iads.campaign.backends import LocalBackend
from iads.catalog.loader import load_catalog
from iads.errors import ScenarioError
from iads.study.chapter import KINDS, ChapterContext

# One 91N6E alone (the other radars silent), smooth earth, its reference range lowered so
# that an F-16 at 3,000 m is seen well inside the 4/3-earth horizon (~245 km). At 3,000 m
# the slant range closes at the ground speed to within 0.5 % for both aircraft (at 9,000 m
# the F-35, seen at ~33 km, would close 3 % slower and get 3 % more looks).
BASE = {
    "name": "exposure test: one 91N6E",
    "settings": {"duration_s": 600, "time_step_s": 1.0, "seed": 1},
    "terrain": {"dem": "none"},
    "overrides": {"radars.91N6E.ref_range_m": 150000.0},
    "defenders": [{
        "name": "S-400",
        "system": "S-400",
        "position": {"lat": 40.0, "lon": 33.0, "alt_m": 0.0},
        "radar_emcon": {"92N6E": {"mode": "off"}, "96L6E": {"mode": "off"}},
    }],
}  # fmt: skip
SIGMA_F35, SIGMA_F16 = 0.003, 2.0  # catalog frontal RCS [m^2]; the 91N6E (3 GHz) is above
# the F-35's 2 GHz shaping limit, so it sees the catalog figure.
RATIO = (SIGMA_F35 / SIGMA_F16) ** 0.25
V_F35 = 120.0


def _ctx(tmp: Path, reps: int = 2, quick: bool = False) -> ChapterContext:
    return ChapterContext(
        out_dir=tmp, reps=reps, quick=quick, seed=7, catalog=load_catalog(),
        backend=LocalBackend(workers=1), base_dir=tmp, progress=lambda n: None,
    )  # fmt: skip


@pytest.fixture(scope="module")
def chapter(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exposure")
    (tmp / "base.yaml").write_text(yaml.safe_dump(BASE, sort_keys=False))
    block = {
        "key": "exposure", "kind": "exposure", "title": "t", "question": "How early?",
        "scenario": "base.yaml", "altitudes_m": [3000.0], "aspects": ["ingress"],
        # Paths scaled like the detection ranges: the same scans per fraction of range.
        "ingress_start_km": {"f35": 70.0, "f16": 70.0 / RATIO},
        "ingress_end_km": {"f35": 8.0, "f16": 8.0 / RATIO}, "per_cell": 12,
        "cell_spacing_deg": 30.0, "speed_mps": {"f35": V_F35, "f16": V_F35 / RATIO},
        "rcs_cases": [{"name": "catalog"}], "replications": 2,
    }  # fmt: skip
    kind = KINDS["exposure"]
    spec = kind.spec.model_validate(block)
    ticks: list[int] = []
    ctx = _ctx(tmp)
    ctx.progress = ticks.append
    return kind, spec, ctx, kind.run(spec, ctx), ticks


def test_estimate_counts_the_replications_run(chapter):
    kind, spec, ctx, _, ticks = chapter
    assert sum(ticks) == kind.estimate(spec, ctx) == 2 * 2


def test_headline_numbers_are_table_cells(chapter):
    res = chapter[3]
    assert res.numbers
    head = res.tables["headline"]
    cells = dict(zip(head["name"].to_pylist(), head["value"].to_pylist(), strict=True))
    for name, value in res.numbers.items():
        assert cells[name] == value
    for name in res.shown:
        assert name in res.tables
    for fig in res.figures:
        assert fig.png[:8] == b"\x89PNG\r\n\x1a\n"


def test_detection_table_matches_the_per_run_rows(chapter):
    res = chapter[3]
    det = res.tables["per_run_detection"]
    shown = res.tables["first_detection"]
    for t in ("f35", "f16"):
        rows = det.filter(pc.and_(pc.equal(det["aircraft"], t), pc.equal(det["radar"], "91N6E")))
        ok = pc.and_(rows["detected"], pc.invert(rows["censored"]))
        km = np.array(rows.filter(ok)["first_range_km"].to_pylist())
        row = shown.filter(pc.and_(pc.equal(shown["aircraft"], t),
                                   pc.equal(shown["radar"], "91N6E"))).to_pylist()[0]  # fmt: skip
        assert row["runs"] == 2 * 12
        assert row["first_km"] == pytest.approx(round(float(km.mean()), 1))
        assert row["first_km_median"] == pytest.approx(round(float(np.median(km)), 1))
        assert row["first_km_lo"] < row["first_km"] < row["first_km_hi"]
    # The silent radars detect nothing.
    off = det.filter(pc.is_in(det["radar"], pa.array(["92N6E", "96L6E"])))
    assert off.num_rows and not any(off["detected"].to_pylist())


def test_median_range_ratio_is_the_fourth_root_of_the_rcs_ratio(chapter):
    """The engine's ratio of medians against (sigma ratio)^(1/4), within the Monte Carlo
    tolerance: the 99 % bootstrap interval of the ratio over the runs' first detections."""
    res = chapter[3]
    shown = res.tables["first_detection"].to_pylist()
    med = {r["aircraft"]: r["first_km_median"] for r in shown if r["radar"] == "91N6E"}
    det = res.tables["per_run_detection"]
    km = {}
    for t in ("f35", "f16"):
        rows = det.filter(pc.and_(pc.equal(det["aircraft"], t), pc.equal(det["radar"], "91N6E")))
        assert not any(rows["censored"].to_pylist()) and all(rows["detected"].to_pylist())
        km[t] = np.array(rows["first_range_km"].to_pylist())
    assert np.median(km["f16"]) < 200.0  # inside the horizon, far below 600 km instrumented
    rng = np.random.default_rng(3)
    boot = np.median(rng.choice(km["f35"], (2000, km["f35"].size)), axis=1) / np.median(
        rng.choice(km["f16"], (2000, km["f16"].size)), axis=1
    )
    lo, hi = np.quantile(boot, [0.005, 0.995])
    assert lo <= RATIO <= hi
    # ... and tight enough to tell the exponent 1/4 from 1/3 or 1/5.
    for wrong in (1.0 / 3.0, 1.0 / 5.0):
        assert not lo <= (SIGMA_F35 / SIGMA_F16) ** wrong <= hi
    assert res.numbers["ratio.91N6E"] == pytest.approx(med["f35"] / med["f16"], abs=1e-3)
    assert res.numbers["ratio_predicted.91N6E"] == pytest.approx(RATIO, abs=1e-3)


def test_track_hold_is_reported_per_picture(chapter):
    res = chapter[3]
    hold = res.tables["track_hold"].to_pylist()
    assert {r["unit"] for r in hold} == {"S-400"}
    for r in hold:
        assert r["p_tracked"] == 1.0
        # Held from confirmation to the end of the path (plus coasting): at most the run.
        assert 0.0 < r["held_s"] <= 600.0 + 1e-9


def test_a_defense_with_threats_is_refused(tmp_path):
    bad = {**BASE, "threats": [{"type": "f16", "launch": {"lat": 41.0, "lon": 33.0},
                                "waypoints": [{"lat": 40.5, "lon": 33.0}]}]}  # fmt: skip
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad, sort_keys=False))
    kind = KINDS["exposure"]
    spec = kind.spec.model_validate({"key": "x", "kind": "exposure", "title": "t",
                                     "question": "q", "scenario": "bad.yaml"})  # fmt: skip
    with pytest.raises(ScenarioError, match="defense only"):
        kind.run(spec, _ctx(tmp_path))


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ({"ingress_start_km": 10.0, "ingress_end_km": 20.0}, "less than"),
        ({"bearings_deg": [0.0]}, "one bearing per path"),
        ({"rcs_cases": [{"name": "a", "altitudes_m": [3000.0]}]}, "do not have"),
        ({"speed_mps": {"su24": 200.0}}, "not in aircraft"),
        ({"aspects": ["sideways"]}, "ingress"),
    ],
)
def test_spec_errors_say_what_is_allowed(extra, match):
    block = {"key": "x", "kind": "exposure", "title": "t", "question": "q",
             "scenario": "s.yaml", **extra}  # fmt: skip
    with pytest.raises(Exception, match=match):
        KINDS["exposure"].spec.model_validate(block)


def test_fourth_root_constant():
    assert RATIO == pytest.approx(math.pow(0.0015, 0.25))


def test_the_built_in_chapter_builds_its_campaign(tmp_path):
    """The turkey-s400 exposure block validates and its 6 points (3 RCS cases x 2
    aircraft) build from the packaged defense, without running them."""
    from iads.study.kinds.exposure import build_campaign
    from iads.study.spec import builtin_resolver, load_study

    study = load_study("turkey-s400")
    block = next(c for c in study.chapters if c.kind == "exposure")
    ctx = ChapterContext(out_dir=tmp_path, reps=30, quick=True, seed=study.seed,
                         catalog=load_catalog(), backend=None, resolve=builtin_resolver)
    camp, infos, base = build_campaign(block, ctx, 2)
    assert [p.params for p in camp.points][:2] == [
        {"rcs": "catalog", "aircraft": "f35"}, {"rcs": "catalog", "aircraft": "f16"}]
    assert len(camp.points) == 6 and len(infos[0].cells) == 6 and len(infos[2].cells) == 1
    assert KINDS["exposure"].estimate(block, ctx) == 6 * 2  # --quick: 2 per point
    assert all(u.doctrine.hold_fire for p in camp.points for u in p.loaded.scenario.defenders)
