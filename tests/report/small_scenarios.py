"""Checks of a run's files and tables, and small scenarios for the report tests: a
Patriot battery defending a town against a few entities whose fate the scenario fixes
(flying at the end, leaked, survived a route of waypoints only, friendly, never launched,
no unit enabled)."""

from __future__ import annotations

import io
import json
from collections import Counter
from typing import Any

from PIL import Image
from rich.console import Console

from iads.catalog import load_catalog
from iads.engine.result import OUTCOMES
from iads.report.export import write_run
from iads.report.map_engagement import map_categories
from iads.report.tables import exposure_table, summary_tables
from iads.scenario import LoadedScenario, parse_scenario

TOWN = {"lat": 40.0, "lon": 33.0}


def small_scenario(
    threats: list[dict[str, Any]],
    *,
    friendlies: list[dict[str, Any]] | None = None,
    duration_s: float = 120.0,
    enabled: bool = True,
    hold_fire: bool = False,
    seed: int = 1,
) -> LoadedScenario:
    """A scenario dict around one town and one battery, validated like a file."""
    data = {
        "name": "small",
        "settings": {"duration_s": duration_s, "time_step_s": 1.0, "seed": seed},
        "assets": [{"name": "Town", "position": dict(TOWN)}],
        "defenders": [
            {
                "name": "Battery",
                "system": "Patriot",
                "position": {"lat": 40.05, "lon": 33.0},
                "enabled": enabled,
                "doctrine": {"hold_fire": hold_fire},
            }
        ],
        "threats": threats,
        "friendlies": friendlies or [],
    }
    return parse_scenario(data, {}, load_catalog(), "<small scenario>")


def drone_to_town(km_east: float, **kw: Any) -> dict[str, Any]:
    """A drone (or the type ``kw["type"]``) launched ``km_east`` km east of the town, aimed
    at it."""
    return {"type": "shahed136", "name": "drone", "target": "Town",
            "launch": {"lat": TOWN["lat"], "lon": TOWN["lon"] + km_east / 85.0}, **kw}


def waypoint_route(km: float, **kw: Any) -> dict[str, Any]:
    """A drone flying ``km`` km north-east of the town along waypoints only (no target)."""
    lat, lon = TOWN["lat"] + 0.3, TOWN["lon"] + 0.3
    return {"type": "shahed136", "name": "scout", "launch": {"lat": lat, "lon": lon},
            "waypoints": [{"lat": lat + km / 111.0, "lon": lon}], **kw}


def check_outputs(result, out_dir) -> dict:
    """Write every file, render every table, and check that the counts agree."""
    files = write_run(result, out_dir, truth_rate_hz=1.0)
    s = json.loads(files["summary"].read_text(encoding="utf-8"))
    with Image.open(files["map"]) as im:
        assert im.size[0] > 200 and im.size[1] > 200
    console = Console(width=80, file=io.StringIO())
    console.print(summary_tables(s))
    console.print(exposure_table(s))
    # One definition of each outcome: totals == per-threat outcomes == per-type counts.
    tot = s["totals"]
    per_threat = Counter(t["outcome"] for t in s["threats"])
    for k in ("killed", "leaked", "survived", "flying"):
        assert tot[k] == per_threat[k] == sum(row[k] for row in s["by_threat_type"].values())
    assert tot["not_launched"] == per_threat["not launched"]
    assert sum(tot[k] for k in ("killed", "leaked", "survived", "flying", "not_launched")) == (
        tot["threats"]
    )
    assert set(per_threat) <= set(OUTCOMES)
    assert len(map_categories(result)) == result.built.threats.n
    return s
