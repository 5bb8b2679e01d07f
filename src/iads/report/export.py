"""Writing a run's files: ``events.parquet``, ``summary.json``, ``entities.parquet``,
``engagement.png`` and (optionally) ``truth.parquet`` with the ``replay.czml`` built from
them. Every column and key is described in docs/results.md."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from iads.engine.result import Result
from iads.report.entities import entities_table
from iads.threats import truth_table as threat_truth_table

__all__ = ["truth_table", "write_run"]


def truth_table(result: Result, rate_hz: float = 1.0) -> pa.Table:
    """The true trajectories while in flight (until the end of the route or the kill),
    sampled at ``rate_hz``: ``iads.threats.TRUTH_SCHEMA`` (time_s, threat_id as in the
    events, name, type, geodetic lat_deg, lon_deg, alt_m, ECEF velocity vx/vy/vz_ecef_mps)."""
    tr, th = result.truth, result.built.threats
    end = tr.end_t_s.copy()
    kills = result.events_of("intercept")
    np.minimum.at(end, kills.column("threat_id").to_numpy(), kills.column("time_s").to_numpy())
    return threat_truth_table(replace(tr, end_t_s=end), th.names, th.type_key, rate_hz)


def write_run(
    result: Result, out_dir: str | Path, *, plot: bool = True, truth_rate_hz: float | None = None
) -> dict[str, Path]:
    """Write the run's files into ``out_dir`` (created); returns {name: path}."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    files["events"] = out / "events.parquet"
    pq.write_table(result.events_with_names(), files["events"])
    files["summary"] = out / "summary.json"
    files["summary"].write_text(
        json.dumps(result.summary(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if truth_rate_hz:
        files["truth"] = out / "truth.parquet"
        pq.write_table(truth_table(result, truth_rate_hz), files["truth"])
    files["entities"] = out / "entities.parquet"
    pq.write_table(entities_table(result.built), files["entities"])
    if result.tracks is not None:
        files["tracks"] = out / "tracks.parquet"
        pq.write_table(result.tracks, files["tracks"])
    if "truth" in files:
        from iads.report.replay import write_czml

        files["replay"] = write_czml(out)
    if plot:
        from iads.report.map_engagement import plot_engagement

        files["map"] = plot_engagement(result, out / "engagement.png")
    return files
