"""Terminal tables of a run's summary (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table

__all__ = ["exposure_table", "summary_tables"]


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
        *_battle_management_lines(summary),
        f"Assumed figures this result depends on: {len(summary['assumed_figures'])} "
        "(listed in summary.json)",
    ]
    return Group(t, u, *lines)


def _battle_management_lines(summary: dict[str, Any]) -> list[str]:
    """Double engagements, missed threats, fratricide and missing costs (when present)."""
    lines = []
    bm = summary.get("battle_management")
    if bm is not None:
        lines.append(
            f"Double engagements: {bm['double_engagements']}; missed threats (engageable, "
            f"never engaged): {bm['missed_threats']}"
        )
    fr = summary.get("friendlies")
    if fr and fr["aircraft"]:
        lines.append(
            f"Friendly aircraft: {fr['aircraft']}, engaged: {fr['engaged']}, "
            f"lost (fratricide): {fr['lost']}"
        )
    missing = summary["cost"].get("missing_unit_costs") or {}
    if any(missing.values()):
        lines.append(
            "Unit costs not public (not invented): "
            + "; ".join(f"{k}: {', '.join(v)}" for k, v in missing.items() if v)
        )
    return lines


def exposure_table(summary: dict[str, Any], max_rows: int = 40) -> Table:
    """Per target and radar: first detection time and range, detections and dwells (from
    the summary's ``exposure``; at most ``max_rows`` rows, earliest targets first)."""
    t = Table(title="Exposure (first detection per target and radar)", title_justify="left")
    for col in ("target", "radar", "unit", "first det. [s]", "range [km]", "detections",
                "dwells"):  # fmt: skip
        t.add_column(col, justify="left" if col in ("target", "radar", "unit") else "right")
    n = 0
    for row in summary.get("exposure", []):
        for r in row["radars"]:
            if n >= max_rows:
                t.caption = "... (full list in summary.json)"
                return t
            dwells = "-" if r["dwells"] is None else str(r["dwells"])
            t.add_row(row["name"], r["radar"], r["unit"], f"{r['first_time_s']:.1f}",
                      f"{r['first_range_km']:.1f}", str(r["detections"]), dwells)  # fmt: skip
            n += 1
    return t
