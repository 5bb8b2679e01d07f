"""The sensitivity chapter kind: Morris elementary effects (SALib) checked on closed-form
functions, figure ranges, and the kind run end to end on a tiny scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from iads.study.kinds.sensitivity import (
    SensitivitySpec,
    factor_ranges,
    morris_design,
    morris_indices,
)

HERE = Path(__file__).parent

# ---- Morris on analytic functions -----------------------------------------------------

BOUNDS = np.array([[0.0, 1.0], [0.0, 2.0], [0.0, 1.0], [0.0, 1.0]])


def _f(x: np.ndarray) -> np.ndarray:
    """y = 10 x0 + 3 x1 + x2 + 4 x0 x2 (x3 inert). Elementary effects per whole range:
    x0: 10 + 4 x2 in [10, 14]; x1: 3 x 2 = 6 exactly; x2: 1 + 4 x0 in [1, 5]; x3: 0."""
    return 10 * x[:, 0] + 3 * x[:, 1] + x[:, 2] + 4 * x[:, 0] * x[:, 2]


def test_morris_ranks_known_elementary_effects() -> None:
    x = morris_design(BOUNDS, trajectories=20, levels=4, seed=1)
    assert x.shape == (20 * 5, 4)
    assert (x >= BOUNDS[:, 0]).all() and (x <= BOUNDS[:, 1]).all()
    ind = morris_indices(BOUNDS, x, _f(x), levels=4, seed=1)
    assert ind is not None and ind.trajectories == 20
    assert list(np.argsort(-ind.mu_star)) == [0, 1, 2, 3]
    # Closed forms: a linear term's effect is exact and constant (sigma 0); an interaction
    # spreads the effects (sigma > 0) inside the bounds above.
    assert ind.mu_star[1] == pytest.approx(6.0) and ind.sigma[1] == pytest.approx(0.0, abs=1e-9)
    assert ind.mu_star[3] == 0.0 and ind.sigma[3] == 0.0
    assert 10.0 <= ind.mu_star[0] <= 14.0 and ind.sigma[0] > 0
    assert 1.0 <= ind.mu_star[2] <= 5.0 and ind.sigma[2] > 0
    assert ind.mu[1] == pytest.approx(6.0)  # monotone increasing: mu = mu*


def test_morris_signs_and_undefined_trajectories() -> None:
    """A decreasing figure has mu = -mu*; a trajectory with an undefined output is left
    out whole, and too few complete trajectories give no indices."""
    x = morris_design(BOUNDS, trajectories=6, levels=4, seed=3)
    y = -5.0 * x[:, 3] + x[:, 0]
    ind = morris_indices(BOUNDS, x, y, levels=4, seed=3)
    assert ind.mu[3] == pytest.approx(-5.0) and ind.mu_star[3] == pytest.approx(5.0)
    y[2] = np.nan  # a point of the first trajectory
    ind = morris_indices(BOUNDS, x, y, levels=4, seed=3)
    assert ind.trajectories == 5 and ind.mu_star[3] == pytest.approx(5.0)
    y[5 * 2 :] = np.nan
    assert morris_indices(BOUNDS, x, y, levels=4, seed=3) is None


# ---- the chapter block and figure ranges ------------------------------------------------


def _spec(**kw) -> SensitivitySpec:
    block = {
        "key": "hinge", "kind": "sensitivity", "title": "t", "question": "q?",
        "scenario": str(HERE / "tiny_sensitivity.yaml"),
        "factors": [
            {"path": "missiles.PAC-3-MSE.pk.cruise_missile", "low": 0.2, "high": 0.95,
             "label": "PAC-3 Pk vs CM"},
            {"path": "threats.tomahawk.unit_cost_usd"},
        ],
        "answers": [{"metric": "totals.leaked", "label": "leakers"},
                    {"metric": "cost.exchange_ratio", "label": "cost exchange"}],
        "trajectories": 2, "top": 1, "sweep_replications": 2,
        "quick": {"factors": 2, "trajectories": 2, "top": 1, "sweep_replications": 2},
    }  # fmt: skip
    block.update(kw)
    return SensitivitySpec.model_validate(block)


def test_spec_rejects_bad_blocks() -> None:
    with pytest.raises(ValidationError, match="levels"):
        _spec(levels=3)
    with pytest.raises(ValidationError, match="twice"):
        _spec(factors=[{"path": "a.b"}, {"path": "a.b"}])
    with pytest.raises(ValidationError, match="low"):
        _spec(factors=[{"path": "a.b", "low": 1.0}, {"path": "c.d"}])
    with pytest.raises(ValidationError, match="extra"):
        _spec(replicatoins=3)


def test_factor_ranges_from_chapter_catalog_or_spread() -> None:
    from iads.catalog.loader import load_catalog
    from iads.errors import InputError
    from iads.scenario.loader import load_scenario
    from iads.study.kinds.sensitivity import Factor

    loaded = load_scenario(HERE / "tiny_sensitivity.yaml", load_catalog())
    spec = _spec()
    fr = factor_ranges(spec, loaded, [
        *spec.factors, Factor(path="c2.iff.p_hostile_declared_friend"),
        Factor(path="systems.Patriot.command_post.reaction_time_s")])  # fmt: skip
    assert (fr[0].low, fr[0].high, fr[0].origin) == (0.2, 0.95, "chapter")
    cost = loaded.catalog.threats["tomahawk"].unit_cost_usd
    assert (fr[1].low, fr[1].high, fr[1].origin) == (*cost.range, "catalog")
    assert fr[2].origin == "assumed" and fr[2].low == pytest.approx(0.01)  # 0.02 -/+ 50 %
    assert fr[3].low == pytest.approx(0.5 * fr[3].nominal)
    with pytest.raises(InputError, match=r"factors\[0\].*nearest|factors\[0\]"):
        factor_ranges(spec, loaded, [Factor(path="threats.tomahawk.rcs_frnt_m2")])
    with pytest.raises(InputError, match="allowed range"):
        factor_ranges(spec, loaded, [Factor(path="missiles.PAC-3-MSE.pk.aircraft", low=0.5,
                                            high=1.5)])  # fmt: skip


# ---- the kind, end to end --------------------------------------------------------------


@pytest.fixture(scope="module")
def chapter(tmp_path_factory):
    """The kind run on the tiny scenario: 2 figures x 2 trajectories (6 Morris points,
    one replication each), then the top figure at both ends and nominal, 2 replications
    each: 12 runs of a 120 s scenario (the smallest that answers; a few seconds)."""
    from iads.campaign.backends import LocalBackend
    from iads.catalog.loader import load_catalog
    from iads.study.chapter import ChapterContext
    from iads.study.kinds.sensitivity import SensitivityKind

    out = tmp_path_factory.mktemp("hinge")
    ticks: list[int] = []
    ctx = ChapterContext(out_dir=out, reps=2, quick=False, seed=11, catalog=load_catalog(),
                         backend=LocalBackend(workers=1), progress=ticks.append)  # fmt: skip
    kind = SensitivityKind()
    spec = _spec()
    est = kind.estimate(spec, ctx)
    return kind.run(spec, ctx), est, sum(ticks), out


def test_kind_runs_and_reports(chapter) -> None:
    res, est, ticked, out = chapter
    assert est == ticked == 6 + 3 * 2
    assert (out / "morris").is_dir() and (out / "sweep").is_dir()
    morris = res.tables["morris"].to_pylist()
    assert {r["answer"] for r in morris} <= {"leakers", "cost exchange"}
    # The Tomahawk's unit cost cannot change how many leak: its effect on leakers is 0
    # (common random numbers: the same seeds at every point).
    leak = {r["factor"]: r for r in morris if r["metric"] == "totals.leaked"}
    if leak:
        assert leak["tomahawk unit_cost_usd"]["mu_star"] == 0.0
    for r in morris:
        assert res.numbers[f"mu_star.{r['metric']}.{r['path']}"] == r["mu_star"]
    sweep = res.tables["sweep"].to_pylist()
    assert {r["level"] for r in sweep} == {"nominal", "low", "high"}
    for r in sweep:
        key = f"sweep.{r['metric']}.{r['path'] or 'nominal'}.{r['level']}"
        assert res.numbers[key] == r["mean"]
        if r["level"] == "nominal":
            assert r["p_holm"] is None
    assert res.shown == ["factors", "morris", "sweep"]
    assert all(f.png[:8] == b"\x89PNG\r\n\x1a\n" for f in res.figures)
    assert res.assumptions and "catalog's stated range" in res.assumptions[1]


def test_quick_plan_is_smaller() -> None:
    from iads.campaign.backends import LocalBackend
    from iads.catalog.loader import load_catalog
    from iads.study.chapter import ChapterContext
    from iads.study.kinds.sensitivity import SensitivityKind

    spec = _spec(trajectories=6, top=2, sweep_replications=None)
    ctx = ChapterContext(out_dir=Path("."), reps=30, quick=False, seed=1,
                         catalog=load_catalog(), backend=LocalBackend(workers=1))  # fmt: skip
    full = SensitivityKind().estimate(spec, ctx)
    assert full == 6 * 3 + 5 * 30
    ctx.quick = True
    assert SensitivityKind().estimate(spec, ctx) == 2 * 3 + 3 * 2
