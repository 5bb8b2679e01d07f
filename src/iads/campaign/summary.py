"""Summarizing a campaign folder: statistics per sweep point, ``summary.csv``, plots, and
for comparisons the significance tests and the bar chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iads.campaign.analysis import (
    Difference,
    MetricStat,
    compare_points,
    point_labels,
    point_stats,
    reported,
    write_csv,
)
from iads.campaign.store import Store

__all__ = ["CampaignSummary", "summarize"]


@dataclass(frozen=True)
class CampaignSummary:
    """What :func:`summarize` computed and wrote."""

    manifest: dict[str, Any]
    stats: list[MetricStat]
    labels: dict[int, str]
    csv: Path
    plots: list[Path] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)


def summarize(
    folder: str | Path,
    *,
    conf: float = 0.95,
    alpha: float = 0.05,
    plot: bool = True,
) -> CampaignSummary:
    """Read the campaign store in ``folder`` (DuckDB), compute every metric's estimate and
    interval per point, write ``summary.csv`` and (if ``plot``) the plots: for a sweep,
    ``plots/<metric>.png`` against the sweep parameter; for a comparison, the tests of
    the differences (Holm-corrected at ``alpha``) and ``compare.png``."""
    store = Store.open(folder)
    man = store.manifest()
    stats = point_stats(store, conf=conf)
    labels = point_labels(man, sorted({s.point for s in stats}))
    csv = write_csv(stats, man, store.root / "summary.csv")
    plots: list[Path] = []
    diffs: list[Difference] = []
    if man.get("kind") == "compare":
        keep = {c for c, _, _ in reported(stats)}
        diffs = compare_points([s for s in stats if s.metric in keep], alpha=alpha)
    if plot:
        from iads.campaign.plots import plot_compare, plot_sweep

        if man.get("kind") == "compare":
            plots = [plot_compare(stats, labels, store.root / "compare.png")]
        else:
            plots = plot_sweep(stats, man, store.root / "plots")
    return CampaignSummary(man, stats, labels, csv, plots, diffs)
