"""The ``sensitivity`` chapter kind: what the answers hinge on.

A study's answers rest on assumed figures (Pk, reaction times, RCS, radar reference
ranges, IFF error rates, unit costs). This chapter screens them on one scenario in two
steps:

1. **Morris elementary effects** (Morris 1991; Campolongo, Cariboni & Saltelli 2007),
   designed and analysed with SALib: ``trajectories`` one-at-a-time paths through a grid
   of ``levels`` values of every figure over its range, each point a campaign point
   (the scenario with the figures set by path, :func:`iads.scenario.loader.
   with_overrides`), ``replications`` replications each, with common random numbers
   (replication r of every point has one seed). Per answer (a campaign metric) and
   figure: ``mu_star`` (mean absolute elementary effect: how much the answer moves when
   the figure goes across its whole range, in the answer's unit), ``sigma`` (their
   spread: non-linearity or interaction with other figures), ``mu`` (signed mean) and
   SALib's bootstrap 95 % half-width of ``mu_star``.
2. **One at a time**: the ``top`` figures (ranked by their largest ``mu_star`` over the
   answers, each answer's ``mu_star`` scaled by its largest) set to the low and high ends
   of their range, the others nominal, ``sweep_replications`` replications per point
   (common random numbers again), each answer's mean with its 95 % interval and the
   difference from the nominal scenario tested (Welch t, Holm-corrected over every
   figure, end and answer).

A figure's range is the chapter's ``low``/``high`` when given, else the catalog's
stated ``range`` (docs/catalog.md), else ``spread`` either side of its value (flagged
as an assumed range in the chapter's assumptions), always inside the figure's physical
range (:func:`iads.catalog.overrides.allowed_range`).
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, model_validator

from iads.study.chapter import ChapterContext, ChapterResult, Figure, register

__all__ = [
    "Answer",
    "Factor",
    "FactorRange",
    "MorrisIndices",
    "QuickSettings",
    "SensitivitySpec",
    "morris_design",
    "morris_indices",
]


class Factor(BaseModel):
    """One assumed figure to screen: its catalog or model ``path`` (as ``iads catalog
    paths`` lists it) and optionally its ``low``/``high`` ends and a short ``label``."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, description="figure path, e.g. threats.kalibr.rcs_front_m2")
    low: float | None = Field(default=None, allow_inf_nan=False)
    high: float | None = Field(default=None, allow_inf_nan=False)
    label: str | None = Field(default=None, min_length=1, description="short name for charts")

    @model_validator(mode="after")
    def _ordered(self) -> Factor:
        if (self.low is None) != (self.high is None):
            raise ValueError("give both 'low' and 'high', or neither (the catalog's range)")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"'low' must be below 'high'; got {self.low} and {self.high}")
        return self


class Answer(BaseModel):
    """One headline answer: a campaign ``metric`` (a column of the campaign's
    summary.csv: ``totals.leaked``, ``cost.exchange_ratio``, ``friendlies.lost``, ...)
    and its ``label`` in the report."""

    model_config = ConfigDict(extra="forbid")

    metric: str = Field(min_length=1)
    label: str = Field(min_length=1)


class QuickSettings(BaseModel):
    """The smaller screen run with ``--quick``: the first ``factors`` figures only (all
    when None), fewer trajectories, fewer figures swept, fewer replications."""

    model_config = ConfigDict(extra="forbid")

    factors: int | None = Field(default=5, ge=2)
    trajectories: int = Field(default=2, ge=2, le=1000)
    top: int = Field(default=2, ge=1)
    sweep_replications: int = Field(default=2, ge=2)


class SensitivitySpec(BaseModel):
    """The chapter block of a ``sensitivity`` chapter."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: Literal["sensitivity"]
    title: str = Field(min_length=1)
    question: str = Field(min_length=1)
    scenario: str = Field(
        min_length=1,
        description="the scenario screened: a built-in name or a path relative to the "
        "study file",
    )
    factors: list[Factor] = Field(min_length=2)
    answers: list[Answer] = Field(min_length=1)
    trajectories: int = Field(default=6, ge=2, le=1000, description="Morris trajectories")
    levels: int = Field(default=4, ge=2, le=20, description="grid levels (even)")
    replications: int = Field(default=1, ge=1, le=1000, description="per Morris point")
    top: int = Field(default=3, ge=1, description="figures swept one at a time")
    sweep_replications: int | None = Field(
        default=None, ge=2, le=100_000, description="per swept point (default: the study's)"
    )
    spread: float = Field(
        default=0.5, gt=0.0, lt=1.0,
        description="a figure with no stated range varies over value x (1 -/+ spread)",
    )
    quick: QuickSettings = Field(default_factory=QuickSettings)

    @model_validator(mode="after")
    def _checks(self) -> SensitivitySpec:
        if self.levels % 2:
            raise ValueError(f"'levels' must be even (Morris' grid); got {self.levels}")
        paths = [f.path for f in self.factors]
        dup = sorted({p for p in paths if paths.count(p) > 1})
        if dup:
            raise ValueError(f"figures listed twice: {', '.join(dup)}")
        return self


# ---- Morris (SALib) ------------------------------------------------------------------


@dataclass(frozen=True)
class MorrisIndices:
    """Morris indices of one output over ``k`` factors (arrays of shape (k,)), from
    ``trajectories`` complete trajectories: ``mu`` (mean elementary effect),
    ``mu_star`` (mean absolute), ``sigma`` (standard deviation) and ``mu_star_conf``
    (bootstrap 95 % half-width of ``mu_star``). An elementary effect is the change of
    the output per change of the factor across its whole range (SALib's unscaled
    effects on the unit hypercube), so indices are in the output's unit and comparable
    between factors."""

    mu: np.ndarray
    mu_star: np.ndarray
    sigma: np.ndarray
    mu_star_conf: np.ndarray
    trajectories: int


def _problem(bounds: np.ndarray) -> dict[str, Any]:
    k = len(bounds)
    return {
        "num_vars": k,
        "names": [f"x{i}" for i in range(k)],
        "bounds": [[float(lo), float(hi)] for lo, hi in bounds],
    }


def morris_design(
    bounds: np.ndarray, trajectories: int, levels: int, seed: int
) -> np.ndarray:
    """The Morris design (SALib ``morris.sample``): ``trajectories * (k + 1)`` points
    (rows) over ``k`` factors whose ranges are ``bounds`` (k, 2), in trajectory order
    (each trajectory ``k + 1`` consecutive rows, one factor changed per step)."""
    from SALib.sample import morris as morris_sample

    x = morris_sample.sample(
        _problem(np.asarray(bounds, float)), trajectories, num_levels=levels, seed=seed
    )
    return np.asarray(x, dtype=float)


def morris_indices(
    bounds: np.ndarray, x: np.ndarray, y: np.ndarray, levels: int, seed: int
) -> MorrisIndices | None:
    """Morris indices (SALib ``morris.analyze``) of the output ``y`` (one value per row
    of the design ``x``). A trajectory with an undefined output (NaN: a ratio without a
    denominator in every replication of a point) is left out whole; None when fewer
    than two trajectories are left."""
    from SALib.analyze import morris as morris_analyze

    bounds = np.asarray(bounds, float)
    k = len(bounds)
    x = np.asarray(x, float).reshape(-1, k + 1, k)
    y = np.asarray(y, float).reshape(-1, k + 1)
    keep = np.isfinite(y).all(axis=1)
    if keep.sum() < 2:
        return None
    x, y = x[keep].reshape(-1, k), y[keep].reshape(-1)
    res = morris_analyze.analyze(
        _problem(bounds), x, y, num_levels=levels, seed=seed, num_resamples=200
    )
    return MorrisIndices(
        mu=np.asarray(res["mu"], float),
        mu_star=np.asarray(res["mu_star"], float),
        sigma=np.nan_to_num(np.asarray(res["sigma"], float)),
        mu_star_conf=np.nan_to_num(np.asarray(res["mu_star_conf"], float)),
        trajectories=int(keep.sum()),
    )


# ---- figures and their ranges ------------------------------------------------------------


@dataclass(frozen=True)
class FactorRange:
    """A screened figure: its ``path`` (as given), ``label``, ``nominal`` value (the
    scenario's), ``low``/``high`` ends, where the range comes from (``chapter``,
    ``catalog`` or ``assumed``: ``spread`` either side) and whether it is a count."""

    path: str
    label: str
    nominal: float
    low: float
    high: float
    origin: str
    integer: bool


def _label(path: str) -> str:
    """``missiles.48N6E3.pk.cruise_missile`` -> ``48N6E3 pk cruise_missile``."""
    parts = [p for p in re.split(r"[.\[\]]", path) if p]
    if parts and parts[0] in ("missiles", "threats", "radars", "launchers", "systems"):
        parts = parts[1:]
    return " ".join(parts)


def factor_ranges(spec: SensitivitySpec, loaded: Any, factors: list[Factor]) -> list[FactorRange]:
    """The range of every factor (see the module docstring), checked against the
    scenario's catalog: a path that names no figure, or a range outside the figure's
    physical range, raises :class:`~iads.errors.InputError` naming the chapter and
    factor."""
    from iads._yamlio import format_path
    from iads.catalog.overrides import allowed_range, figures, resolve, value_at
    from iads.errors import InputError

    cat = loaded.catalog
    stated = {f.path: f.stated for f in figures(cat)}
    out: list[FactorRange] = []
    for i, f in enumerate(factors):
        where = f"chapter '{spec.key}', factors[{i}] ({f.path})"
        try:
            key = resolve(cat, f.path)
            nominal = value_at(cat, f.path)
        except ValueError as exc:
            raise InputError(f"{where}: {exc}") from None
        if nominal is None or isinstance(nominal, bool) or not isinstance(nominal, (int, float)):
            raise InputError(f"{where}: the scenario's catalog gives this figure no number")
        nominal = float(nominal)
        lo_ok, hi_ok, open_lo, integer = allowed_range(key)
        rng = stated.get(format_path(key[1:] if key[0] == "model" else key))
        if f.low is not None and f.high is not None:
            low, high, origin = f.low, f.high, "chapter"
        elif rng is not None:
            low, high, origin = rng[0], rng[1], "catalog"
        else:
            d = abs(nominal) * spec.spread
            low, high, origin = nominal - d, nominal + d, "assumed"
            low, high = max(low, lo_ok), min(high, hi_ok)
            if open_lo and low <= lo_ok:
                low = lo_ok + 0.01 * (high - lo_ok)
        if integer:
            low, high = math.ceil(low), math.floor(high)
        bad = (low < lo_ok or high > hi_ok or (open_lo and low <= lo_ok))
        if bad or not low < high:
            raise InputError(
                f"{where}: range [{low:g}, {high:g}] is not inside the figure's allowed "
                f"range {'(' if open_lo else '['}{lo_ok:g}, {hi_ok:g}] or is empty"
            )
        out.append(FactorRange(f.path, f.label or _label(f.path), nominal, float(low),
                               float(high), origin, integer))  # fmt: skip
    return out


def _value(fr: FactorRange, v: float) -> float | int:
    return int(round(v)) if fr.integer else float(v)


# ---- the chapter -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    factors: list[Factor]
    trajectories: int
    top: int
    sweep_reps: int


def _plan(spec: SensitivitySpec, ctx: ChapterContext) -> _Plan:
    if ctx.quick:
        q = spec.quick
        n = len(spec.factors) if q.factors is None else min(q.factors, len(spec.factors))
        return _Plan(spec.factors[:n], min(q.trajectories, spec.trajectories),
                     min(q.top, spec.top, n), q.sweep_replications)  # fmt: skip
    # --reps (``ctx.reps_given``, when the runner says so) sets the swept points' runs;
    # else the chapter's count, else the study's.
    if ctx.reps_given or spec.sweep_replications is None:
        reps = max(ctx.reps, 2)
    else:
        reps = spec.sweep_replications
    return _Plan(list(spec.factors), spec.trajectories, min(spec.top, len(spec.factors)), reps)


class SensitivityKind:
    """The ``sensitivity`` chapter kind (see the module docstring)."""

    name = "sensitivity"
    spec = SensitivitySpec

    def estimate(self, spec: SensitivitySpec, ctx: ChapterContext) -> int:
        plan = _plan(spec, ctx)
        k = len(plan.factors)
        # At most: an end of a range at the nominal value is not run again.
        return plan.trajectories * (k + 1) * spec.replications + (2 * plan.top + 1) * (
            plan.sweep_reps
        )

    def run(self, spec: SensitivitySpec, ctx: ChapterContext) -> ChapterResult:
        from iads.campaign.analysis import compare_points, point_stats, read_rows

        plan = _plan(spec, ctx)
        base = ctx.scenario(spec.scenario)
        ranges = factor_ranges(spec, base, plan.factors)
        k = len(ranges)
        bounds = np.array([[fr.low, fr.high] for fr in ranges])
        # The design as SALib drew it (the analysis needs its exact steps); a count is
        # rounded only in the scenario it sets.
        x = morris_design(bounds, plan.trajectories, spec.levels, ctx.seed)
        points = [
            {fr.path: _value(fr, v) for fr, v in zip(ranges, row, strict=True)} for row in x
        ]
        store = ctx.campaign("morris", _campaign(f"{spec.key}-morris", base, points,
                                                 spec.replications, ctx.seed))  # fmt: skip
        rows = read_rows(store)
        metrics = [a.metric for a in spec.answers]
        _check_metrics(spec, rows)
        y = {m: _point_means(rows, m, len(points)) for m in metrics}
        indices = {m: morris_indices(bounds, x, y[m], spec.levels, ctx.seed) for m in metrics}

        # Rank the figures: each answer's mu* scaled by its largest, the largest over answers.
        score = np.zeros(k)
        for ind in indices.values():
            if ind is not None and np.nanmax(ind.mu_star) > 0:
                score = np.maximum(score, ind.mu_star / np.nanmax(ind.mu_star))
        top = [int(i) for i in np.argsort(-score, kind="stable")[: plan.top]]

        sweep_points: list[dict[str, Any]] = [{}]
        sweep_keys: list[tuple[int, str]] = [(-1, "nominal")]
        for j in top:
            fr = ranges[j]
            for level, v in (("low", fr.low), ("high", fr.high)):
                if _value(fr, v) == _value(fr, fr.nominal):
                    continue  # an end at the nominal value is the nominal point
                sweep_points.append({fr.path: _value(fr, v)})
                sweep_keys.append((j, level))
        sstore = ctx.campaign("sweep", _campaign(f"{spec.key}-sweep", base, sweep_points,
                                                 plan.sweep_reps, ctx.seed + 1))  # fmt: skip
        skipped = 2 * len(top) + 1 - len(sweep_points)
        ctx.tick(skipped * plan.sweep_reps)  # the estimate counted them
        stats = point_stats(sstore, metrics=metrics)
        diffs = compare_points(stats, pairs=[(0, i) for i in range(1, len(sweep_points))])
        return _result(spec, ctx, base, ranges, plan, x, y, indices, top, sweep_keys,
                       sweep_points, stats, diffs)  # fmt: skip


def _campaign(name: str, base: Any, points: list[dict[str, Any]], reps: int, seed: int) -> Any:
    """A campaign of one point per override set (``{path: value}``) on ``base``, with
    common random numbers."""
    from iads.campaign.spec import OVERRIDES, Campaign, Point
    from iads.scenario.loader import with_overrides

    pts = []
    for i, ov in enumerate(points):
        loaded = with_overrides(base, ov) if ov else base
        params = {f"{OVERRIDES}.{p}": v for p, v in ov.items()}
        pts.append(Point(i, params, loaded, loaded.text))
    params_all = tuple(dict.fromkeys(p for pt in pts for p in pt.params))
    return Campaign(name=name, seed=seed, replications=reps, points=tuple(pts),
                    parameters=params_all, kind="sweep", store_events=False,
                    common_seeds=True)  # fmt: skip


def _check_metrics(spec: SensitivitySpec, rows: pa.Table) -> None:
    from iads.errors import InputError

    have = [c for c in rows.column_names if c not in ("point", "rep", "seed", "summary_json")]
    for i, a in enumerate(spec.answers):
        if a.metric not in have:
            import difflib

            hint = difflib.get_close_matches(a.metric, have, n=3)
            raise InputError(
                f"chapter '{spec.key}', answers[{i}]: no metric '{a.metric}' in the "
                f"scenario's runs" + (f"; did you mean {', '.join(hint)}?" if hint else "")
            )


def _point_means(rows: pa.Table, metric: str, n_points: int) -> np.ndarray:
    """(n_points,) mean of ``metric`` over each point's replications where defined (NaN
    where it is undefined in every one)."""
    point = rows.column("point").to_numpy()
    col = rows.column(metric)
    valid = col.is_valid().to_numpy(zero_copy_only=False)
    vals = np.nan_to_num(col.cast(pa.float64()).fill_null(0.0).to_numpy())
    total = np.bincount(point[valid], vals[valid], minlength=n_points)
    count = np.bincount(point[valid], minlength=n_points)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _fmt(v: float) -> str:
    if not math.isfinite(v):
        return "n/a"
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:,.3g} M"
    if a >= 100:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def _result(
    spec: SensitivitySpec,
    ctx: ChapterContext,
    base: Any,
    ranges: list[FactorRange],
    plan: _Plan,
    x: np.ndarray,
    y: dict[str, np.ndarray],
    indices: dict[str, MorrisIndices | None],
    top: list[int],
    sweep_keys: list[tuple[int, str]],
    sweep_points: list[dict[str, Any]],
    stats: list[Any],
    diffs: list[Any],
) -> ChapterResult:
    k = len(ranges)
    numbers: dict[str, float] = {}

    factors_t = pa.table({
        "factor": [fr.label for fr in ranges],
        "path": [fr.path for fr in ranges],
        "low": [fr.low for fr in ranges],
        "nominal": [fr.nominal for fr in ranges],
        "high": [fr.high for fr in ranges],
        "range_from": [fr.origin for fr in ranges],
    })  # fmt: skip

    m_rows: dict[str, list[Any]] = {c: [] for c in (
        "answer", "metric", "rank", "factor", "path", "mu_star", "mu_star_conf", "mu",
        "sigma", "trajectories")}  # fmt: skip
    figures: list[Figure] = []
    answer_lines: list[str] = []
    for a in spec.answers:
        ind = indices[a.metric]
        if ind is None:
            answer_lines.append(
                f"- **{a.label}**: undefined in too many runs for a screen (fewer than two "
                "complete trajectories)."
            )
            continue
        order = np.argsort(-ind.mu_star, kind="stable")
        for rank, j in enumerate(order, 1):
            fr = ranges[j]
            row = {"answer": a.label, "metric": a.metric, "rank": rank, "factor": fr.label,
                   "path": fr.path, "mu_star": float(ind.mu_star[j]),
                   "mu_star_conf": float(ind.mu_star_conf[j]), "mu": float(ind.mu[j]),
                   "sigma": float(ind.sigma[j]), "trajectories": ind.trajectories}  # fmt: skip
            for c, v in row.items():
                m_rows[c].append(v)
            numbers[f"mu_star.{a.metric}.{fr.path}"] = float(ind.mu_star[j])
        firsts = [ranges[j] for j in order[:3] if ind.mu_star[j] > 0]
        if firsts:
            lead = "; ".join(
                f"{fr.label} (mu* {_fmt(float(ind.mu_star[j]))})"
                for fr, j in zip(firsts, order, strict=False)
            )
            answer_lines.append(f"- **{a.label}** hinges most on {lead}.")
        else:
            answer_lines.append(f"- **{a.label}** did not move over any figure's range.")
        figures.append(_mu_star_chart(a, ranges, ind))
    morris_t = pa.table(m_rows)

    # Morris points: the design and each answer's mean per point.
    mp: dict[str, Any] = {"point": list(range(len(x)))}
    for j, fr in enumerate(ranges):
        mp[fr.path] = x[:, j].tolist()
    for m, v in y.items():
        mp[m] = [None if not math.isfinite(t) else float(t) for t in v]
    points_t = pa.table(mp)

    # One at a time.
    by = {(s.point, s.metric): s for s in stats}
    dif = {(d.b, d.metric): d for d in diffs}
    s_rows: dict[str, list[Any]] = {c: [] for c in (
        "factor", "path", "level", "value", "answer", "metric", "n", "mean", "lo", "hi",
        "diff_vs_nominal", "p_holm", "significant")}  # fmt: skip
    findings: list[str] = []
    for i, (j, level) in enumerate(sweep_keys):
        fr = ranges[j] if j >= 0 else None
        for a in spec.answers:
            st = by.get((i, a.metric))
            if st is None:
                continue
            d = dif.get((i, a.metric))
            row = {
                "factor": fr.label if fr else "(all nominal)",
                "path": fr.path if fr else "",
                "level": level,
                "value": (float(sweep_points[i][fr.path]) if fr else None),
                "answer": a.label, "metric": a.metric, "n": st.n,
                "mean": _nan_none(st.estimate), "lo": _nan_none(st.lo), "hi": _nan_none(st.hi),
                "diff_vs_nominal": _nan_none(d.diff) if d else None,
                "p_holm": _nan_none(d.p_holm) if d else None,
                "significant": bool(d.significant) if d else False,
            }  # fmt: skip
            for c, v in row.items():
                s_rows[c].append(v)
            tag = f"{a.metric}.{fr.path if fr else 'nominal'}.{level}"
            numbers[f"sweep.{tag}"] = _nan_none(st.estimate)  # as its cell: JSON has no NaN
            if d is not None and d.significant and fr is not None:
                nom = by[(0, a.metric)]
                findings.append(
                    f"{fr.label} at its {level} end ({_fmt(float(sweep_points[i][fr.path]))}) "
                    f"changes {a.label} from {_fmt(nom.estimate)} [{_fmt(nom.lo)}, "
                    f"{_fmt(nom.hi)}] to {_fmt(st.estimate)} [{_fmt(st.lo)}, {_fmt(st.hi)}] "
                    f"(Holm-adjusted p = {d.p_holm:.3g})."
                )
    sweep_t = pa.table(s_rows)
    if top:
        figures.append(_sweep_chart(spec, ranges, top, sweep_keys, by))

    n_morris = len(x)
    swept = "the figure" if len(top) == 1 else f"the {len(top)} figures"
    setup = (
        f"Scenario: **{base.scenario.name}** ({spec.scenario}). {k} assumed figures screened "
        f"by Morris' elementary effects (SALib): {plan.trajectories} trajectories on a "
        f"{spec.levels}-level grid, {n_morris} points x {spec.replications} replication(s); "
        f"then {swept} with the largest effects set to the low and high ends "
        f"of their ranges one at a time, {plan.sweep_reps} replications per point. Every "
        "point of a step runs replication r with the same seed (common random numbers). "
        "mu* is the mean absolute change of an answer when one figure moves across its "
        "whole range with the others elsewhere on the grid (in the answer's unit); sigma, "
        "the spread of those changes (non-linearity or interaction)."
        + (" Quick run: a subset of the figures, fewer trajectories and replications."
           if ctx.quick else "")
    )
    assumptions = [
        f"{fr.path}: {_fmt(fr.low)} to {_fmt(fr.high)} (nominal {_fmt(fr.nominal)}; range: "
        + {"chapter": "set by the chapter", "catalog": "the catalog's stated range",
           "assumed": f"assumed, nominal -/+ {spec.spread:.0%} (no range stated)"}[fr.origin]
        + ")"
        for fr in ranges
    ]  # fmt: skip
    answer = "\n".join(answer_lines)
    nominal = [
        f"{a.label} {_fmt(st.estimate)} [{_fmt(st.lo)}, {_fmt(st.hi)}]"
        for a in spec.answers
        if (st := by.get((0, a.metric))) is not None
    ]
    if nominal:
        answer += "\n\nWith every figure nominal (95 % intervals): " + "; ".join(nominal) + "."
    if top:
        answer += (
            "\n\nSwept one at a time: " + ", ".join(ranges[j].label for j in top) + "; "
            + (f"{len(findings)} significant change(s) after Holm's correction."
               if findings else "no change significant after Holm's correction.")
        )  # fmt: skip
    return ChapterResult(
        question=spec.question,
        setup=setup,
        answer=answer,
        findings=findings,
        tables={"factors": factors_t, "morris": morris_t, "morris_points": points_t,
                "sweep": sweep_t},
        shown=["factors", "morris", "sweep"],
        figures=figures,
        assumptions=assumptions,
        numbers=numbers,
    )  # fmt: skip


def _nan_none(v: float) -> float | None:
    return None if v is None or not math.isfinite(v) else float(v)


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return buf.getvalue()


def _mu_star_chart(a: Answer, ranges: list[FactorRange], ind: MorrisIndices) -> Figure:
    """Horizontal bars of mu* (with its bootstrap 95 % half-width) per figure, largest at
    the top, and sigma as a marker."""
    from matplotlib.figure import Figure as MplFigure

    order = np.argsort(ind.mu_star, kind="stable")
    labels = [ranges[j].label for j in order]
    fig = MplFigure(figsize=(7.5, 0.42 * len(order) + 1.4))
    ax = fig.add_subplot()
    pos = np.arange(len(order))
    ax.barh(pos, ind.mu_star[order], xerr=ind.mu_star_conf[order], color="#4878a8",
            ecolor="#333333", capsize=3, label="mu* (95 % bootstrap)")  # fmt: skip
    ax.plot(ind.sigma[order], pos, "D", color="#d0743c", label="sigma")
    ax.set_yticks(pos, labels)
    ax.set_xlabel(f"change of {a.label} across the figure's range")
    ax.set_title(f"What {a.label} hinges on (Morris mu*)")
    ax.set_xlim(left=0)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    name = "mu_star_" + re.sub(r"[^A-Za-z0-9]+", "_", a.metric).strip("_")
    return Figure(name, f"What {a.label} hinges on", _png(fig),
                  f"Morris mu* of {a.label} per figure (bars, 95 % bootstrap half-width) "
                  f"and sigma (diamonds), over {ind.trajectories} trajectories; in the "
                  "answer's unit per the figure's whole range.")  # fmt: skip


def _sweep_chart(
    spec: SensitivitySpec,
    ranges: list[FactorRange],
    top: list[int],
    sweep_keys: list[tuple[int, str]],
    by: dict[tuple[int, str], Any],
) -> Figure:
    """One panel per answer: for each swept figure, the answer at its low end, nominal
    and high end with 95 % intervals."""
    from matplotlib.figure import Figure as MplFigure

    n = len(spec.answers)
    fig = MplFigure(figsize=(7.5, 2.2 * n + 0.8))
    axes = fig.subplots(n, 1, squeeze=False)[:, 0]
    idx = {key: i for i, key in enumerate(sweep_keys)}
    for ax, a in zip(axes, spec.answers, strict=True):
        for row, j in enumerate(top):
            pts = [idx.get((j, "low"), 0), 0, idx.get((j, "high"), 0)]  # an end at nominal
            sts = [by.get((p, a.metric)) for p in pts]
            for off, st, color in zip((-0.2, 0.0, 0.2), sts, ("#4878a8", "#777777", "#c44e52"),
                                      strict=True):  # fmt: skip
                if st is None or not math.isfinite(st.estimate):
                    continue
                lo = st.estimate - st.lo if math.isfinite(st.lo) else 0.0
                hi = st.hi - st.estimate if math.isfinite(st.hi) else 0.0
                ax.errorbar(st.estimate, row + off, xerr=[[max(lo, 0)], [max(hi, 0)]], fmt="o",
                            color=color, capsize=3)  # fmt: skip
        ax.set_yticks(range(len(top)), [ranges[j].label for j in top])
        ax.invert_yaxis()
        ax.set_xlabel(a.label)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_title("One at a time: low end (blue), nominal (grey), high end (red)")
    fig.tight_layout()
    return Figure("sweep", "The top figures one at a time", _png(fig),
                  "Each answer (mean and 95 % interval) with one figure at the low or high "
                  "end of its range and every other figure nominal.")  # fmt: skip


register(SensitivityKind())
