"""Terminal tables of a campaign (rich): estimates with confidence intervals per sweep
point, and the statistically significant differences of a comparison.

Given the console ``width``, a table whose words cannot all fit (long scenario names at
80 columns, a pipe's default width) is not cut: the same numbers are laid out one point
(or one difference) after the other, each name whole on its own line."""

from __future__ import annotations

import io
import math

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from iads.campaign.analysis import Difference, MetricStat, reported

__all__ = ["differences_table", "fits", "fmt", "stats_tables"]


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
    width: int | None = None,
) -> Group:
    """The reported metrics (rows) at each point (columns, ``per_table`` at a time):
    estimate over [interval]; ``columns`` says what the column labels are. Metrics
    undefined at every point are left out. Proportions use Wilson intervals, means t
    intervals. With ``width`` (the console's), a table that would cut a word to fit is
    replaced by one block per point (:func:`_stats_blocks`)."""
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
    if width is not None and not all(fits(t, width) for t in tables):
        return Group(*_stats_blocks(stats, labels, title, columns, conf, n_rows),
                     Text(tables_note))  # fmt: skip
    return Group(*tables, Text(tables_note))


def fits(table: Table, width: int) -> bool:
    """Whether ``table`` prints in ``width`` columns without cutting a word: rendered
    at that width, no cell or header shows rich's ellipsis (a word wider than the width
    rich could give its column) that its text did not already hold."""
    console = Console(width=width, file=io.StringIO(), markup=False, color_system=None)
    console.print(table)
    shown = console.file.getvalue().count("…")  # type: ignore[attr-defined]
    held = sum(str(c.header).count("…") + sum(str(x).count("…") for x in c._cells)
               for c in table.columns)  # fmt: skip
    return shown <= held


def _stats_blocks(
    stats: list[MetricStat],
    labels: dict[int, str],
    title: str,
    columns: str,
    conf: float,
    n_rows: dict[int, int],
) -> list[Text | Table]:
    """The estimates one point after the other: its full label, then one line per metric
    (``metric  estimate [lo, hi]``), for a console too narrow for the columns."""
    by = {(s.point, s.metric): s for s in stats}
    points = sorted(labels)
    head = (title + " " if title else "") + f"(estimate [{conf:.0%} CI])"
    out: list[Text | Table] = [Text(head + (f"\npoints: {columns}" if columns else ""))]
    rows = [
        (metric, label + (" *" if kind == "proportion" else ""))
        for metric, label, kind in reported(stats)
        if not all(by.get((p, metric)) is None or by[(p, metric)].n == 0 for p in points)
    ]
    for p in points:
        out.append(Text(f"{labels[p]} (n={n_rows[p]})", style="bold"))
        t = Table(show_header=False, box=None, padding=(0, 1, 0, 2))
        t.add_column("metric", overflow="fold")
        t.add_column("estimate", justify="right", no_wrap=True)
        for metric, name in rows:
            t.add_row(Text(name), Text(_cell(by.get((p, metric))).replace("\n", " ")))
        out.append(t)
    return out


def differences_table(
    diffs: list[Difference], labels: dict[int, str], width: int | None = None
) -> Group:
    """The differences found significant after Holm's correction (B − A), with the test
    and the raw and adjusted p values; says so when none is. With ``width``, a table that
    would cut a word is replaced by one line per difference, names whole."""
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
    if width is not None and not fits(t, width):
        lines = [Text("Significant differences")]
        for d in sig:
            lines.append(Text(
                f"- {d.label}: {d.diff:+.3g} ({labels.get(d.b, d.b)} − {labels.get(d.a, d.a)}); "
                f"{d.test}, p {d.p:.2g}, p (Holm) {d.p_holm:.2g}"))
        return Group(*lines, head)
    return Group(t, head)
