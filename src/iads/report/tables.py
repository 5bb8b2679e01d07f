"""Terminal tables of a run's summary (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

__all__ = ["exposure_table", "summary_tables"]


#: The per-type counts shown (``iads.engine.result.OUTCOMES``: one definition each).
_COUNT_COLUMNS = ("threats", "detected", "engaged", "killed", "leaked", "survived", "flying")


def _usd(value: float | None) -> str:
    return "unknown (a unit cost is not public)" if value is None else f"{value:,.0f} USD"


def summary_tables(summary: dict[str, Any]) -> Group:
    """The run's outcome by threat type, the interceptors fired and the assets hit."""
    # Left padding only: the eight columns fit an 80-column terminal.
    t = Table(title=f"{summary['scenario']} (seed {summary['seed']})", title_justify="left",
              padding=(0, 0, 0, 1))  # fmt: skip
    t.add_column("threat type", no_wrap=True)
    for col in _COUNT_COLUMNS:
        t.add_column(col, justify="right")
    for key, row in summary["by_threat_type"].items():
        t.add_row(key, *(str(row[c]) for c in _COUNT_COLUMNS))
    tot = summary["totals"]
    # Text, not markup: the CLI prints with markup off (names may hold "[...]")
    t.add_row(Text("total", style="bold"),
              *(Text(str(tot[c]), style="bold") for c in _COUNT_COLUMNS))  # fmt: skip
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
        f"Cost: interceptors {_usd(cost['interceptors_usd'])}, threats killed "
        f"{_usd(cost['threats_killed_usd'])}; exchange ratio (spent / killed): "
        + (f"{ratio:.2f}" if ratio is not None else "n/a"),
        *_loss_cost_lines(cost),
        *_battle_management_lines(summary),
        *_sead_lines(summary),
        f"Assumed figures this result depends on: {len(summary['assumed_figures'])} "
        "(listed in summary.json)",
        *[
            f"Override: {o['figure']} = {o['new']} (catalog: {o['old']})"
            for o in summary.get("overrides", [])
        ],
    ]
    return Group(t, u, *lines, *_airspace_tables(summary))


def _airspace_tables(summary: dict[str, Any], max_rows: int = 20) -> list[Table]:
    """Per airspace, the aircraft that entered it: side, time and distance inside, first
    detection after entry (the summary's ``airspace``; at most ``max_rows`` rows each)."""
    out = []
    for a in summary.get("airspace", []):
        t = Table(title=Text(f"Airspace {a['airspace']}"), title_justify="left",
                  padding=(0, 0, 0, 1))  # fmt: skip
        t.add_column("aircraft", overflow="fold")
        t.add_column("side")
        for col in ("entered [s]", "inside [s]", "[km]", "seen +[s]"):
            t.add_column(Text(col), justify="right")  # Text: never read as markup
        t.add_column("by", overflow="fold")
        for r in a["aircraft"][:max_rows]:
            d = r["first_detection_after_entry"]
            t.add_row(r["name"], r["side"], f"{r['first_entry_s']:.1f}",
                      f"{r['time_inside_s']:.1f}", f"{r['distance_inside_km']:.1f}",
                      "-" if d is None else f"{d['delay_s']:.1f}",
                      "-" if d is None else d["radar"])  # fmt: skip
        if not a["aircraft"]:
            t.caption = "no aircraft entered"
        elif len(a["aircraft"]) > max_rows:
            t.caption = "... (full list in summary.json and airspace.parquet)"
        out.append(t)
    return out


def _battle_management_lines(summary: dict[str, Any]) -> list[str]:
    """Double engagements, missed threats, fratricide and missing costs (when present)."""
    lines = []
    bm = summary.get("battle_management")
    if bm is not None:
        lines.append(
            f"Double engagements: {bm['double_engagements']}; missed threats (engageable, "
            f"never engaged): {bm['missed_threats']}"
        )
    wasted = summary["cost"].get("interceptors_wasted_on_false_tracks")
    if wasted is not None:
        lines.append(f"Interceptors wasted on false tracks: {wasted}")
    fr = summary.get("friendlies")
    if fr and fr["aircraft"]:
        lines.append(
            f"Friendly aircraft: {fr['aircraft']}, engaged: {fr['engaged']} "
            f"(fratricide engagements: {fr.get('engagements', fr['engaged'])}), "
            f"lost (fratricide): {fr['lost']}"
        )
    ne = summary.get("neutrals")
    if ne and ne["aircraft"]:
        lines.append(
            f"Neutral aircraft: {ne['aircraft']}, engaged: {ne['engaged']} "
            f"(engagements: {ne.get('engagements', ne['engaged'])}), "
            f"lost (neutral losses): {ne['lost']}"
        )
    missing = summary["cost"].get("missing_unit_costs") or {}
    if any(missing.values()):
        lines.append(
            "Unit costs missing from the catalog (not invented): "
            + "; ".join(f"{k}: {', '.join(v)}" for k, v in missing.items() if v)
        )
    return lines


def _loss_cost_lines(cost: dict[str, Any]) -> list[str]:
    """Leakers and friendly aircraft lost at unit cost, and the defense's full exchange
    (when the summary has them)."""
    if "leakers_usd" not in cost:
        return []
    ratio = cost.get("defense_exchange_ratio")
    return [
        f"Leakers: {cost['leakers']} ({_usd(cost['leakers_usd'])}); friendly aircraft "
        f"lost: {cost['friendly_aircraft_lost']} ({_usd(cost['friendly_aircraft_lost_usd'])}); "
        "defense cost (interceptors + friendly losses) / killed: "
        + (f"{ratio:.2f}" if ratio is not None else "n/a")
    ]


def _sead_lines(summary: dict[str, Any]) -> list[str]:
    """The SEAD duel (docs/sead.md), when the run has one."""
    sd = summary.get("sead")
    if sd is None:
        return []
    lost = ", ".join(f"{r['radar']} ({r['unit']}) at {r['time_s']:.0f} s"
                     for r in sd["radars_lost_list"]) or "none"  # fmt: skip
    eff = ", ".join(f"{k} {v:.0f} s" for k, v in sd["battery_effective_s"].items())
    on = ", ".join(f"{k} {v:.0f} s" for k, v in sd["radiating_s"].items())
    return [
        f"SEAD: radars lost: {lost}; battery effective: {eff}",
        f"  ARMs launched {sd['arms_launched']}, shot down {sd['arms_shot_down']}; "
        f"interceptors on ARMs {sd['interceptors_on_arms']}; attackers lost "
        f"{sd['attackers_lost']}; strike targets hit {sd['strike_targets_hit']}",
        f"  radiating: {on}",
        *_link_lines(sd),
    ]


def _link_lines(sd: dict[str, Any]) -> list[str]:
    """Command posts lost and time in autonomous mode, when the run models them."""
    if "autonomous_s" not in sd:
        return []
    posts = ", ".join(f"{p['post']} at {p['time_s']:.0f} s ({p['cause']})"
                      for p in sd["command_posts_lost"]) or "none"  # fmt: skip
    auto = ", ".join(f"{k} {v:.0f} s" for k, v in sd["autonomous_s"].items()) or "none"
    return [f"  command posts lost: {posts}", f"  autonomous: {auto}"]


def exposure_table(summary: dict[str, Any], max_rows: int = 40) -> Table:
    """Per target and radar: first detection time and range, detections and dwells (from
    the summary's ``exposure``; at most ``max_rows`` rows, earliest targets first). A range
    marked ``≥`` is censored: the target was seen on the first look after it appeared."""
    t = Table(title="Exposure (first detection per target and radar)", title_justify="left",
              padding=(0, 0, 0, 1))  # fmt: skip
    for col in ("target", "radar", "unit"):
        t.add_column(col, overflow="fold")
    for col in ("first [s]", "range [km]", "detections", "dwells"):
        # Text, not a markup string or escape(): "[s]" and "[km]" show as they are both on
        # a markup console (escape would be needed) and on the CLI's markup-off one (an
        # escape would show its backslash)
        t.add_column(Text(col), justify="right")
    rows = [(row["name"], r) for row in summary.get("exposure", []) for r in row["radars"]]
    captions = []
    if any(r.get("seen_at_launch") for _, r in rows):
        captions.append("≥: seen when it appeared (the range is where it appeared)")
    if len(rows) > max_rows:
        captions.append("... (full list in summary.json)")
    for name, r in rows[:max_rows]:
        dwells = "-" if r["dwells"] is None else str(r["dwells"])
        rng = f"{'≥' if r.get('seen_at_launch') else ''}{r['first_range_km']:.1f}"
        t.add_row(name, r["radar"], r["unit"], f"{r['first_time_s']:.1f}", rng,
                  str(r["detections"]), dwells)  # fmt: skip
    if captions:
        t.caption = "; ".join(captions)
    return t
