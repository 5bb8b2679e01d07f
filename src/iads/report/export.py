"""Writing a run's files: ``events.parquet``, ``summary.json``, ``engagement.png`` and
(optionally) ``truth.parquet``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from iads.engine.result import Result
from iads.geo import ecef_to_geodetic_rad

__all__ = ["truth_table", "write_run"]


def truth_table(result: Result, rate_hz: float = 1.0) -> pa.Table:
    """The threats' true trajectories while in flight, sampled at ``rate_hz``: time_s,
    threat_id, name, type, lat_deg, lon_deg, alt_m and ECEF velocity (vx, vy, vz) [m/s]."""
    tr, th = result.truth, result.built.threats
    t = np.arange(0.0, tr.t_s[-1] + 1e-9, 1.0 / rate_hz)
    kills = result.events_of("intercept")
    end = tr.end_t_s.copy()
    for i, tk in zip(
        kills.column("threat_id").to_pylist(), kills.column("time_s").to_pylist(), strict=True
    ):
        end[i] = min(end[i], tk)
    cols: dict[str, list] = {
        k: []
        for k in (
            "time_s",
            "threat_id",
            "lat_deg",
            "lon_deg",
            "alt_m",
            "vx_mps",
            "vy_mps",
            "vz_mps",
        )
    }
    for ti in t:  # a loop over output samples; each is vectorized over threats
        p, v, _ = tr.state_at(float(ti))
        act = np.flatnonzero((tr.launch_t_s <= ti) & (ti <= end))
        if act.size == 0:
            continue
        la, lo, h = ecef_to_geodetic_rad(p[act, 0], p[act, 1], p[act, 2])
        cols["time_s"].append(np.full(act.size, ti))
        cols["threat_id"].append(act)
        cols["lat_deg"].append(np.rad2deg(la))
        cols["lon_deg"].append(np.rad2deg(lo))
        cols["alt_m"].append(h)
        for k, c in zip(("vx_mps", "vy_mps", "vz_mps"), range(3), strict=True):
            cols[k].append(v[act, c])
    arrays = {k: (np.concatenate(v) if v else np.empty(0)) for k, v in cols.items()}
    ids = arrays["threat_id"].astype(np.int32)
    names = np.asarray(th.names, dtype=object)
    types = np.asarray(th.type_key, dtype=object)
    return pa.table(
        {
            "time_s": arrays["time_s"],
            "threat_id": ids,
            "name": pa.array(names[ids].tolist(), pa.string()),
            "type": pa.array(types[ids].tolist(), pa.string()),
            "lat_deg": arrays["lat_deg"],
            "lon_deg": arrays["lon_deg"],
            "alt_m": arrays["alt_m"],
            "vx_mps": arrays["vx_mps"],
            "vy_mps": arrays["vy_mps"],
            "vz_mps": arrays["vz_mps"],
        }
    )


def write_run(
    result: Result, out_dir: str | Path, *, plot: bool = True, truth_rate_hz: float | None = None
) -> dict[str, Path]:
    """Write the run's files into ``out_dir`` (created); returns {name: path}."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    files["events"] = out / "events.parquet"
    pq.write_table(result.events, files["events"])
    files["summary"] = out / "summary.json"
    files["summary"].write_text(
        json.dumps(result.summary(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if truth_rate_hz:
        files["truth"] = out / "truth.parquet"
        pq.write_table(truth_table(result, truth_rate_hz), files["truth"])
    if plot:
        from iads.report.map_engagement import plot_engagement

        files["map"] = plot_engagement(result, out / "engagement.png")
    return files
