"""Writing a run's files: ``events.parquet``, ``summary.json``, ``entities.parquet``,
``airspace.parquet`` and ``airspaces.geojson`` (when the scenario has airspaces),
``engagement.png`` and
(optionally) ``truth.parquet`` with the ``replay.czml`` built from them. Every column and
key is described in docs/results.md."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from iads._outputs import atomic_write
from iads.engine.result import Result
from iads.errors import OutputError
from iads.report.entities import entities_table
from iads.state import events as event_log
from iads.threats import truth_table as threat_truth_table

__all__ = ["truth_table", "write_events", "write_run"]


def truth_table(result: Result, rate_hz: float = 1.0) -> pa.Table:
    """The true trajectories while in flight (until the end of the route or the kill),
    sampled at ``rate_hz``: ``iads.threats.TRUTH_SCHEMA`` (time_s, threat_id as in the
    events, name, type, geodetic lat_deg, lon_deg, alt_m, ECEF velocity vx/vy/vz_ecef_mps)."""
    tr, th = result.truth, result.built.threats
    end = tr.end_t_s.copy()
    kills = result.events_of("intercept")
    np.minimum.at(end, kills.column("threat_id").to_numpy(), kills.column("time_s").to_numpy())
    return threat_truth_table(tr.with_end(end), th.names, th.type_key, rate_hz)


def write_events(result: Result, path: Path) -> None:
    """``events.parquet`` (:meth:`Result.events_with_names`), written slice by slice of the
    log so that a log of tens of millions of events, mapped from disk, is never held whole
    in memory (``iads.state.events``)."""
    n = result.events.num_rows
    with pq.ParquetWriter(path, result.events_with_names(0, 0).schema) as w:
        step = event_log.SLICE_ROWS
        for start in range(0, n, step):
            w.write_table(result.events_with_names(start, step))
            event_log.release_mapped_pages()
        if n == 0:
            w.write_table(result.events_with_names())


def write_run(
    result: Result, out_dir: str | Path, *, plot: bool = True, truth_rate_hz: float | None = None
) -> dict[str, Path]:
    """Write the run's files into ``out_dir`` (created); returns {name: path}."""
    out = Path(out_dir)
    files: dict[str, Path] = {}
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(out, exc) from None
    # Each file goes to a temporary name and is moved into place: a failure never leaves
    # a truncated file, and the error lists what was written (data first, the map last).
    summary = json.dumps(result.summary(), indent=2, ensure_ascii=False) + "\n"
    jobs: list[tuple[str, Path, Callable[[Path], object]]] = [
        ("events", out / "events.parquet",
         lambda p: write_events(result, p)),
        ("summary", out / "summary.json", lambda p: p.write_text(summary, encoding="utf-8")),
    ]
    if truth_rate_hz:
        jobs.append(("truth", out / "truth.parquet",
                     lambda p: pq.write_table(truth_table(result, truth_rate_hz), p)))
    jobs.append(("entities", out / "entities.parquet",
                 lambda p: pq.write_table(entities_table(result.built), p)))
    if result.built.scenario.airspaces:
        from iads.engine.airspace import airspace_geojson

        shapes = json.dumps(airspace_geojson(result.built.scenario.airspaces))
        jobs.append(("airspace", out / "airspace.parquet",
                     lambda p: pq.write_table(result.airspace(), p)))
        jobs.append(("airspaces", out / "airspaces.geojson",
                     lambda p: p.write_text(shapes, encoding="utf-8")))
    if result.tracks is not None:
        jobs.append(("tracks", out / "tracks.parquet",
                     lambda p: pq.write_table(result.tracks, p)))
    for name, path, write in jobs:
        try:
            files[name] = atomic_write(path, write)
        except OutputError as exc:
            raise exc.with_written(list(files.values())) from None
    jobs = []
    if "truth" in files:
        from iads.report.replay import write_czml

        try:
            files["replay"] = write_czml(out)
        except OSError as exc:
            raise OutputError(out / "replay.czml", exc, list(files.values())) from None
    if plot:
        from iads.report.map_engagement import plot_engagement

        jobs.append(("map", out / "engagement.png", lambda p: plot_engagement(result, p)))
    for name, path, write in jobs:
        try:
            files[name] = atomic_write(path, write)
        except OutputError as exc:
            raise exc.with_written(list(files.values())) from None
    return files
