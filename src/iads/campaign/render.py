"""Terminal tables of a campaign (rich): estimates with confidence intervals per sweep
point, and the statistically significant differences of a comparison."""

from __future__ import annotations

import math

from rich.console import Group
from rich.table import Table
from rich.text import Text

from iads.campaign.analysis import Difference, MetricStat, reported

__all__ = ["differences_table", "fmt", "stats_tables"]


def fmt(x: float) -> str:
    """A number with about three significant figures, '–' if undefined."""
    if x is None or not math.isfinite(x):
        return "–"
    a = abs(x)
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def _cell(s: MetricStat | None) -> str:
    if s is None or s.n == 0:
        return "–"
    if not math.isfinite(s.lo):
        return fmt(s.estimate)
    return f"{fmt(s.estimate)}\n[{fmt(s.lo)}, {fmt(s.hi)}]"


def stats_tables(
    stats: list[MetricStat],
    labels: dict[int, str],
    *,
    title: str = "",
    columns: str = "",
    per_table: int = 5,
) -> Group:
    """The reported metrics (rows) at each point (columns, ``per_table`` at a time):
    estimate over [interval]; ``columns`` says what the column labels are. Metrics
    undefined at every point are left out. Proportions use Wilson intervals, means t
    intervals."""
    points = sorted(labels)
    by = {(s.point, s.metric): s for s in stats}
    n_rows = {p: max((s.n for s in stats if s.point == p), default=0) for p in points}
    conf = stats[0].conf if stats else 0.95
    tables = []
    for start in range(0, max(1, len(points)), per_table):
        chunk = points[start : start + per_table]
        head = (title + " " if title else "") + f"(estimate [{conf:.0%} CI])"
        t = Table(
            title=Text(head + (f"\ncolumns: {columns}" if columns else "")),
            title_justify="left",
            show_lines=True,
        )
        t.add_column("metric")
        for p in chunk:
            t.add_column(Text(f"{labels[p]}\nn={n_rows[p]}"), justify="right")
        for metric, label, kind in reported(stats):
            if all(by.get((p, metric)) is None or by[(p, metric)].n == 0 for p in points):
                continue
            name = label + (" *" if kind == "proportion" else "")
            t.add_row(Text(name), *(Text(_cell(by.get((p, metric)))) for p in chunk))
        tables.append(t)
    tables_note = "* proportion: Wilson score interval; other rows: Student t interval"
    return Group(*tables, Text(tables_note))


def differences_table(diffs: list[Difference], labels: dict[int, str]) -> Group:
    """The differences found significant after Holm's correction (B − A), with the test
    and the raw and adjusted p values; says so when none is."""
    sig = [d for d in diffs if d.significant]
    alpha = diffs[0].alpha if diffs else 0.05
    head = (
        f"{len(sig)} of {len(diffs)} differences significant at alpha={alpha:g} "
        f"(Holm correction over all {len(diffs)} tests)"
    )
    if not sig:
        return Group(head)
    t = Table(title="Significant differences", title_justify="left")
    for col in ("metric", "B − A", "difference", "test", "p", "p (Holm)"):
        t.add_column(col, justify="right" if col in ("difference", "p", "p (Holm)") else "left")
    for d in sig:
        t.add_row(
            Text(d.label),
            Text(f"{labels.get(d.b, d.b)} − {labels.get(d.a, d.a)}"),
            f"{d.diff:+.3g}",
            d.test,
            f"{d.p:.2g}",
            f"{d.p_holm:.2g}",
        )
    return Group(t, head)
