"""The ``comparison`` chapter kind: the same raid against several defences (the arms),
replicated, each metric estimated per arm with its 95 % interval, and the differences
named by the chapter's contrasts tested (Welch t for means, two-proportion z for
P(no leaker)) with Holm's correction over every test of the chapter.

A contrast says what a difference measures: with a control arm (two batteries on their
own pictures) the difference "both integrated − both autonomous" is what integration
changes, and "both autonomous − one battery" is what a second battery (its radars and
magazine) changes; without the control arm the two are confounded.

Every number the text quotes is a cell of the ``estimates`` or ``contrasts`` table.
"""

from __future__ import annotations

import fnmatch
import math
from dataclasses import replace
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from iads.study.chapter import ChapterContext, ChapterResult, Figure, fmt, register
from iads.study.kinds._arms import (
    Arm,
    ArmsChapter,
    Contrast,
    Strict,
    arm_campaign,
    arm_contrasts,
    arm_reps,
)

__all__ = ["Arm", "ComparisonChapter", "Contrast", "MetricDef"]


class MetricDef(Strict):
    """A metric of the comparison: ``column`` names a column of the campaign's summary
    rows; with a ``*`` it is the sum of every column it matches (``asset_hits.*``: hits
    on all assets), null in a replication where one of them is null. ``scale``
    multiplies it (1e-6: dollars to millions)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.]+$")
    label: str
    column: str
    scale: float = 1.0
    test: bool = True


#: The default metrics: what the raid did, what the defence spent, what it wasted.
DEFAULT_METRICS: tuple[MetricDef, ...] = (
    MetricDef(name="totals.threats", label="threats in the raid", column="totals.threats",
              test=False),
    MetricDef(name="totals.killed", label="threats killed", column="totals.killed"),
    MetricDef(name="totals.leaked", label="leakers", column="totals.leaked"),
    MetricDef(name="no_leaker", label="P(no leaker)", column="no_leaker"),
    MetricDef(name="asset_hits.all", label="asset hits", column="asset_hits.*"),
    MetricDef(name="interceptors_fired.all", label="interceptors fired",
              column="interceptors_fired.*"),
    MetricDef(name="cost.interceptors_wasted_on_false_tracks", label="shots at false tracks",
              column="cost.interceptors_wasted_on_false_tracks"),
    MetricDef(name="battle_management.double_engagements", label="double engagements",
              column="battle_management.double_engagements"),
    MetricDef(name="battle_management.missed_threats",
              label="engageable threats never engaged",
              column="battle_management.missed_threats"),
    MetricDef(name="cost.interceptors_musd", label="interceptors spent [M$]",
              column="cost.interceptors_usd", scale=1e-6),
    MetricDef(name="cost.exchange_ratio", label="cost exchange (spent / killed)",
              column="cost.exchange_ratio"),
)


class ComparisonChapter(ArmsChapter):
    """The ``comparison`` chapter block."""

    kind: Literal["comparison"]
    metrics: list[MetricDef] | None = Field(
        default=None, description="the metrics (default: DEFAULT_METRICS)")
    quick_replications: int = Field(default=2, ge=2, le=100, description="per arm with --quick")
    store_events: bool = Field(default=False, description="keep each replication's event log")


class ComparisonKind:
    """Registered as ``comparison``."""

    name = "comparison"
    spec = ComparisonChapter

    def estimate(self, spec: ComparisonChapter, ctx: ChapterContext) -> int:
        return len(spec.arms) * arm_reps(spec, ctx)

    def run(self, spec: ComparisonChapter, ctx: ChapterContext) -> ChapterResult:
        from iads.campaign.analysis import compare_points, point_stats, read_rows

        n = arm_reps(spec, ctx)
        loaded = [ctx.scenario(a.scenario, a.overrides or None) for a in spec.arms]
        labels, camp = arm_campaign(spec, ctx, n, loaded, spec.store_events)
        store = ctx.campaign("campaign", camp)
        metrics = list(spec.metrics or DEFAULT_METRICS)
        # A store may hold more replications than this run asks for (a study resumed
        # with fewer): only replications 0..n-1 count, the same n in every arm.
        raw = read_rows(store)
        raw = raw.filter(pc.less(raw.column("rep"), n))
        rows = _derived_rows(raw, metrics)
        stats = point_stats(rows, metrics=[m.name for m in metrics])
        stats = [_relabel(s, metrics) for s in stats if s.point < len(spec.arms)]
        index = {a.key: i for i, a in enumerate(spec.arms)}
        contrasts = arm_contrasts(spec)
        pairs = [(index[c.a], index[c.b]) for c in contrasts]
        tested = {m.name for m in metrics if m.test}
        diffs = compare_points([s for s in stats if s.metric in tested], alpha=spec.alpha,
                               pairs=pairs)
        return _result(spec, ctx, n, loaded, labels, metrics, rows, stats, contrasts, diffs)


def _derived_rows(raw: pa.Table, metrics: list[MetricDef]) -> pa.Table:
    """One row per replication: point, rep, seed and each metric (float64, null where
    undefined), from the stored summary rows."""
    cols = raw.column_names
    out: dict[str, Any] = {k: raw.column(k) for k in ("point", "rep", "seed")}
    for m in metrics:
        matched = fnmatch.filter(cols, m.column) if "*" in m.column else (
            [m.column] if m.column in cols else [])
        if not matched:
            values = np.zeros(raw.num_rows) if "*" in m.column else np.full(raw.num_rows, np.nan)
        else:
            arrays = [raw.column(c).to_numpy(zero_copy_only=False).astype(float)
                      for c in matched]  # nulls come out as NaN
            values = (np.nansum(arrays, axis=0) if "*" in m.column else arrays[0]) * m.scale
        out[m.name] = pa.array(values, pa.float64(), from_pandas=True)
    return pa.table(out)


def _relabel(s: Any, metrics: list[MetricDef]) -> Any:
    """The chapter's label; counts and costs cannot be negative (interval clipped at 0)."""
    label = next(m.label for m in metrics if m.name == s.metric)
    lo = s.lo if s.kind == "proportion" or not math.isfinite(s.lo) else max(0.0, s.lo)
    return replace(s, label=label, lo=lo)


def _diff_interval(sa: Any, sb: Any, conf: float = 0.95) -> tuple[float, float]:
    """95 % interval of b − a: Welch-Satterthwaite t for means (Welch 1947); Newcombe's
    hybrid score interval from the two Wilson intervals for proportions (Newcombe 1998,
    Statist. Med. 17:873-890, method 10)."""
    from scipy import stats as sps

    d = sb.estimate - sa.estimate
    if sa.n < 2 or sb.n < 2:
        return math.nan, math.nan
    if sa.kind == "proportion":
        lo = d - math.sqrt((sb.estimate - sb.lo) ** 2 + (sa.hi - sa.estimate) ** 2)
        hi = d + math.sqrt((sb.hi - sb.estimate) ** 2 + (sa.estimate - sa.lo) ** 2)
        return lo, hi
    va, vb = sa.sd**2 / sa.n, sb.sd**2 / sb.n
    if va + vb <= 0.0:
        return d, d
    df = (va + vb) ** 2 / (va**2 / (sa.n - 1) + vb**2 / (sb.n - 1))
    half = float(sps.t.ppf(0.5 + conf / 2.0, df)) * math.sqrt(va + vb)
    return d - half, d + half


def _raid(ld: Any) -> str:
    """``6 kalibr, 6 tomahawk, 4 iskander`` from a scenario's threat groups."""
    counts: dict[str, int] = {}
    for g in ld.scenario.threats:
        groups = getattr(g, "raid", None)
        for sub in (groups.groups if groups is not None else [g]):
            counts[sub.type] = counts.get(sub.type, 0) + sub.count
    return ", ".join(f"{v} {k}" for k, v in counts.items())


def _defence(ld: Any) -> str:
    sc = ld.scenario
    units = ", ".join(f"{d.name} ({d.system})" for d in sc.defenders)
    nets = "; ".join(f"network {n.name}: {' + '.join(n.members)}, {n.fusion} fusion"
                     for n in sc.networks)
    return units + (f"; {nets}" if nets else "; no network (each unit on its own picture)")


def _result(spec, ctx, n, loaded, labels, metrics, rows, stats, contrasts, diffs):
    by = {(s.point, s.metric): s for s in stats}
    arms = spec.arms
    names = [m.name for m in metrics]
    # estimates: one row per metric, per arm the estimate and its interval.
    est: dict[str, list] = {"metric": [m.label for m in metrics]}
    for i, lab in enumerate(labels):
        for suffix, attr in (("", "estimate"), ("_lo", "lo"), ("_hi", "hi")):
            est[lab + suffix] = [_finite(getattr(by[(i, m)], attr)) if (i, m) in by else None
                                 for m in names]
    long = {
        "arm": [arms[s.point].key for s in stats], "label": [labels[s.point] for s in stats],
        "metric": [s.metric for s in stats], "metric_label": [s.label for s in stats],
        "n": [s.n for s in stats], "estimate": [_finite(s.estimate) for s in stats],
        "sd": [_finite(s.sd) for s in stats], "lo": [_finite(s.lo) for s in stats],
        "hi": [_finite(s.hi) for s in stats], "interval": [s.method for s in stats],
    }
    says = {(spec.arms.index(next(a for a in arms if a.key == c.a)),
             spec.arms.index(next(a for a in arms if a.key == c.b))): c.says for c in contrasts}
    crow: dict[str, list] = {k: [] for k in (
        "contrast", "b − a", "metric", "difference", "difference_lo", "difference_hi",
        "p (Holm)", "significant")}
    for d in diffs:
        lo, hi = _diff_interval(by[(d.a, d.metric)], by[(d.b, d.metric)])
        crow["contrast"].append(says[(d.a, d.b)])
        crow["b − a"].append(f"{labels[d.b]} − {labels[d.a]}")
        crow["metric"].append(d.label)
        crow["difference"].append(_finite(d.diff))
        crow["difference_lo"].append(_finite(lo))
        crow["difference_hi"].append(_finite(hi))
        crow["p (Holm)"].append(_finite(d.p_holm))
        crow["significant"].append("yes" if d.significant else "no")
    tables = {
        "estimates": pa.table(est),
        "contrasts": pa.table(crow, schema=pa.schema([
            ("contrast", pa.string()), ("b − a", pa.string()), ("metric", pa.string()),
            ("difference", pa.float64()), ("difference_lo", pa.float64()),
            ("difference_hi", pa.float64()), ("p (Holm)", pa.float64()),
            ("significant", pa.string())])),
        "stats": pa.table(long),
        "replications": rows,
    }
    numbers: dict[str, float] = {}
    for (i, m), s in by.items():
        for attr in ("estimate", "lo", "hi"):
            v = _finite(getattr(s, attr))
            if v is not None:
                numbers[f"{arms[i].key}.{m}{'' if attr == 'estimate' else '.' + attr}"] = v
    key_of = {(i, j): f"{arms[j].key}-{arms[i].key}" for (i, j) in says}
    for k, d in enumerate(diffs):
        for col in ("difference", "difference_lo", "difference_hi", "p (Holm)"):
            v = crow[col][k]
            if v is not None:
                numbers[f"{key_of[(d.a, d.b)]}.{d.metric}.{col}"] = v

    def q(i: int, m: str) -> str:
        s = by.get((i, m))
        if s is None or not math.isfinite(s.estimate):
            return "–"
        if not math.isfinite(s.lo):
            return fmt(s.estimate)
        return f"{fmt(s.estimate)} [{fmt(s.lo)}, {fmt(s.hi)}]"

    lines = []
    for i, lab in enumerate(labels):
        parts = [f"kills {q(i, 'totals.killed')} of {q(i, 'totals.threats')} threats",
                 f"{q(i, 'totals.leaked')} leak", f"{q(i, 'asset_hits.all')} asset hits",
                 f"{q(i, 'interceptors_fired.all')} interceptors fired"]
        parts = [p for p, m in zip(parts, ("totals.killed", "totals.leaked", "asset_hits.all",
                                            "interceptors_fired.all"), strict=True)
                 if m in names]
        lines.append(f"- **{lab}**: " + ", ".join(parts) + ".")
    findings: list[str] = []
    for c in contrasts:
        ia = next(i for i, a in enumerate(arms) if a.key == c.a)
        ib = next(i for i, a in enumerate(arms) if a.key == c.b)
        sig = [(k, d) for k, d in enumerate(diffs) if (d.a, d.b) == (ia, ib) and d.significant]
        head = f"**{c.says}** ({labels[ib]} − {labels[ia]}): "
        if not sig:
            lines.append(head + "no metric differs significantly.")
            continue
        said = [f"{d.label} {_signed(crow['difference'][k])} "
                f"[{_signed(crow['difference_lo'][k])}, {_signed(crow['difference_hi'][k])}]"
                for k, d in sig]
        lines.append(head + "; ".join(said) + ".")
        findings += [f"{c.says}: {d.label} {_signed(crow['difference'][k])} "
                     f"[{_signed(crow['difference_lo'][k])}, "
                     f"{_signed(crow['difference_hi'][k])}] ({labels[ib]} − {labels[ia]}, "
                     f"Holm p = {fmt(crow['p (Holm)'][k])})" for k, d in sig]
    n_tests = len(diffs)
    answer = ("Estimates per replication with 95 % intervals (Student t; Wilson for "
              "P(no leaker)):\n\n" + "\n".join(lines[: len(labels)]) + "\n\n"
              "What each contrast changes (differences with their unadjusted 95 % "
              "intervals; named only when significant after Holm's correction over all "
              f"{n_tests} tests at "
              f"α = {spec.alpha:g}):\n\n" + "\n".join(f"- {x}" for x in lines[len(labels):]))
    setup = "\n".join(
        [f"{n} replications per arm (seeds from the study seed {ctx.seed}); every arm flies "
         f"the same raid ({_raid(loaded[0])}).", ""]
        + [f"- **{lab}** (`{a.scenario}`): {_defence(ld)}."
           + (f" Overrides: {', '.join(f'{k} = {v}' for k, v in a.overrides.items())}."
              if a.overrides else "")
           for a, lab, ld in zip(arms, labels, loaded, strict=True)]
        + ["", "Contrasts: " + "; ".join(
            f"{c.says} = {labels[[a.key for a in arms].index(c.b)]} − "
            f"{labels[[a.key for a in arms].index(c.a)]}" for c in contrasts) + "."])
    if any(_raid(ld) != _raid(loaded[0]) for ld in loaded[1:]):
        setup += "\n\nNote: the arms' raids differ, so this compares raids as well as defences."
    figures = [_figure(stats, labels, metrics, n)]
    return ChapterResult(
        question=spec.question,
        setup=setup,
        answer=answer,
        findings=findings,
        tables=tables,
        shown=["estimates", "contrasts"],
        figures=figures,
        assumptions=_assumptions(loaded),
        numbers=numbers,
    )


def _finite(x: Any) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def _signed(x: float | None) -> str:
    if x is None:
        return "–"
    return ("+" if x > 0 else "") + fmt(x)


def _assumptions(loaded: list[Any]) -> list[str]:
    """The assumed catalog figures the arms rest on (entry.field = value: rationale),
    each once, from the built runs (iads.engine.build lists them)."""
    from iads.engine import build

    seen: dict[str, str] = {}
    for ld in loaded:
        for a in build(ld).assumptions:
            key = f"{a.get('entry', '')}.{a.get('field', '')}"
            if key not in seen:
                seen[key] = (f"{key} = {a.get('value')}"
                             + (f": {a['rationale']}" if a.get("rationale") else ""))
    return list(seen.values())


def _figure(stats, labels, metrics, n) -> Figure:
    """Bars of the headline metrics per arm with their 95 % intervals."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    want = [m for m in ("totals.killed", "totals.leaked", "asset_hits.all",
                        "interceptors_fired.all", "battle_management.double_engagements",
                        "cost.exchange_ratio") if m in {x.name for x in metrics}]
    label = {m.name: m.label for m in metrics}
    by = {(s.point, s.metric): s for s in stats}
    cols = 3
    rows = max(1, math.ceil(len(want) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(11, 3.4 * rows), squeeze=False)
    colors = plt.get_cmap("tab10").colors
    x = np.arange(len(labels))
    for ax, m in zip(axes.flat, want, strict=False):
        est = np.array([by[(i, m)].estimate if (i, m) in by else np.nan
                        for i in range(len(labels))])
        lo = np.array([by[(i, m)].lo if (i, m) in by else np.nan for i in range(len(labels))])
        hi = np.array([by[(i, m)].hi if (i, m) in by else np.nan for i in range(len(labels))])
        ok = np.isfinite(est)
        ax.bar(x[ok], est[ok], color=[colors[i % 10] for i in np.flatnonzero(ok)], alpha=0.85)
        err = np.isfinite(lo) & np.isfinite(hi) & ok
        ax.errorbar(x[err], est[err], yerr=[est[err] - lo[err], hi[err] - est[err]],
                    fmt="none", ecolor="black", capsize=4, lw=1.2)
        if not ok.any():
            ax.text(0.5, 0.5, "undefined in every arm\n(a unit cost is not public)",
                    transform=ax.transAxes, ha="center", va="center", color="0.4")
        for i in np.flatnonzero(~ok) if ok.any() else []:
            ax.text(i, 0, "n/a", ha="center", va="bottom", fontsize=9, color="0.4")
        ax.set_title(label[m], fontsize=11)
        ax.set_xticks(x, labels, rotation=20, ha="right", fontsize=9)
        ax.grid(axis="y", alpha=0.3)
        ax.set_ylim(bottom=0)
    for ax in list(axes.flat)[len(want):]:
        ax.axis("off")
    fig.suptitle(f"Per replication, mean and 95 % interval ({n} replications per arm)",
                 fontsize=11)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return Figure("arms", "The arms side by side", buf.getvalue(),
                  "Mean per replication of each headline metric, with its 95 % interval "
                  "(Student t); n/a where the metric is undefined (a unit cost not public).")


register(ComparisonKind())
