"""Campaign plots (matplotlib, no display needed): each reported metric against the sweep
parameter with its confidence interval as error bars, and the side-by-side bar chart of
a comparison."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from iads.campaign.analysis import MetricStat, reported
from iads.campaign.spec import _show

__all__ = ["plot_compare", "plot_sweep"]


def _file_name(metric: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", metric).strip("_") + ".png"


def _errs(sts: list[MetricStat]) -> np.ndarray:
    """Asymmetric error bars (2, n) from the intervals; 0 where undefined."""
    est = np.array([s.estimate for s in sts], dtype=float)
    lo = np.array([s.lo for s in sts], dtype=float)
    hi = np.array([s.hi for s in sts], dtype=float)
    return np.nan_to_num(np.vstack([est - lo, hi - est]), nan=0.0).clip(min=0.0)


def _with_data(stats: list[MetricStat]) -> list[tuple[str, str, str]]:
    """The reported metrics defined in at least one replication of some point."""
    have = {s.metric for s in stats if s.n > 0}
    return [m for m in reported(stats) if m[0] in have]


def _numeric(values: list[Any]) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def plot_sweep(
    stats: list[MetricStat], manifest: dict[str, Any], out_dir: str | Path
) -> list[Path]:
    """One PNG per reported metric in ``out_dir``: the estimate against the first sweep
    parameter with its interval as error bars, one line per combination of the other
    parameters. Returns the files written (none if the campaign has no sweep)."""
    params: list[str] = manifest.get("parameters", [])
    points = {p["index"]: p["params"] for p in manifest.get("points", [])}
    if not params or not points:
        return []
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    x_key, others = params[0], params[1:]
    xs = list(dict.fromkeys(_show(pp[x_key]) for pp in points.values()))
    raw = {_show(pp[x_key]): pp[x_key] for pp in points.values()}
    numeric = _numeric(list(raw.values()))
    files = []
    by = {(s.point, s.metric): s for s in stats}
    for metric, label, _kind in _with_data(stats):
        fig = Figure(figsize=(6.4, 4.2), layout="constrained")
        ax = fig.add_subplot()
        groups: dict[str, list[int]] = {}
        for i, pp in points.items():
            key = ", ".join(f"{k}={_show(pp[k])}" for k in others)
            groups.setdefault(key, []).append(i)
        for key, idx in groups.items():
            sts = [by[(i, metric)] for i in idx if (i, metric) in by]
            if not sts:
                continue
            x = [
                raw[_show(points[s.point][x_key])]
                if numeric
                else xs.index(_show(points[s.point][x_key]))
                for s in sts
            ]
            ax.errorbar(
                x,
                [s.estimate for s in sts],
                yerr=_errs(sts),
                marker="o",
                capsize=4,
                label=key or None,
            )
        if not numeric:
            ax.set_xticks(range(len(xs)), xs)
        ax.set_xlabel(x_key)
        ax.set_ylabel(label)
        conf = stats[0].conf if stats else 0.95
        ax.set_title(f"{label} ({conf:.0%} CI)", fontsize=10)
        ax.grid(alpha=0.3)
        if others:
            ax.legend(fontsize=8)
        path = out / _file_name(metric)
        fig.savefig(path, dpi=110)
        files.append(path)
    return files


def plot_compare(
    stats: list[MetricStat], labels: dict[int, str], path: str | Path, *, n_cols: int = 3
) -> Path:
    """One bar chart per reported metric (a panel each), one bar per compared scenario
    with its confidence interval; written to ``path`` (PNG)."""
    mets = _with_data(stats)
    points = sorted(labels)
    n = max(1, len(mets))
    n_cols = min(n_cols, n)
    n_rows = math.ceil(n / n_cols)
    fig = Figure(figsize=(4.2 * n_cols, 3.2 * n_rows + 0.6), layout="constrained")
    axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
    by = {(s.point, s.metric): s for s in stats}
    colors = [f"C{i % 10}" for i in range(len(points))]
    for ax, (metric, label, _kind) in zip(axes, mets, strict=False):
        sts = [by.get((p, metric)) for p in points]
        have = [(i, s) for i, s in enumerate(sts) if s is not None and s.n > 0]
        ax.bar(
            [i for i, _ in have],
            [s.estimate for _, s in have],
            yerr=_errs([s for _, s in have]),
            capsize=4,
            color=[colors[i] for i, _ in have],
        )
        ax.set_xticks(range(len(points)), [labels[p] for p in points], rotation=15, fontsize=8)
        ax.set_title(label, fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    for ax in axes[len(mets) :]:
        ax.set_visible(False)
    conf = stats[0].conf if stats else 0.95
    fig.suptitle(f"Comparison, {conf:.0%} confidence intervals", fontsize=11)
    path = Path(path)
    fig.savefig(path, dpi=110)
    return path
