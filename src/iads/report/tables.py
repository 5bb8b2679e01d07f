"""Terminal tables of a run's summary (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table

__all__ = ["summary_tables"]


def summary_tables(summary: dict[str, Any]) -> Group:
    """The run's outcome by threat type, the interceptors fired and the assets hit."""
    t = Table(title=f"{summary['scenario']} (seed {summary['seed']})", title_justify="left")
    for col in ("threat type", "threats", "detected", "engaged", "killed", "leaked", "flying"):
        t.add_column(col, justify="left" if col == "threat type" else "right")
    for key, row in summary["by_threat_type"].items():
        t.add_row(
            key,
            *(
                str(row[c])
                for c in ("threats", "detected", "engaged", "killed", "leaked", "flying")
            ),
        )
    tot = summary["totals"]
    t.add_row(
        "[b]total[/b]",
        *(
            f"[b]{tot[c]}[/b]"
            for c in ("threats", "detected", "engaged", "killed", "leaked", "flying")
        ),
    )
    u = Table(title="Interceptors", title_justify="left")
    for col in ("unit", "system", "fired", "left"):
        u.add_column(col)
    for unit in summary["units"]:
        left = ", ".join(f"{k}: {v}" for k, v in unit["left"].items())
        u.add_row(unit["name"], unit["system"], str(unit["fired"]), left)
    fired = ", ".join(f"{k}: {v}" for k, v in summary["interceptors_fired"].items()) or "none"
    hits = ", ".join(f"{k}: {v}" for k, v in summary["asset_hits"].items()) or "none"
    cost = summary["cost"]
    ratio = cost["exchange_ratio"]
    lines = [
        f"Interceptors fired by type: {fired}",
        f"Asset hits: {hits}",
        "Cost exchange ratio (interceptors spent / threats killed, public unit costs): "
        + (f"{ratio:.2f}" if ratio is not None else "n/a"),
        f"Assumed figures this result depends on: {len(summary['assumed_figures'])} "
        "(listed in summary.json)",
    ]
    return Group(t, u, *lines)
