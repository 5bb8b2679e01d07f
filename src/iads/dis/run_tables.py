"""Reading a run directory for replay: ``events.parquet``, ``truth.parquet``,
``summary.json`` and, when the run wrote it, ``entities.parquet`` (positions of the
units; friendly flags), never the engine's objects, through one accessor so that the
result files' column names are spelled in one place.

Threat velocity columns: ``vx_ecef_mps``... (the documented names) or the older
``vx_mps``... Both are ECEF, earth-relative [m/s].
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from numpy.typing import NDArray

from iads.errors import InputError
from iads.geo import geodetic_to_ecef

__all__ = ["RunTables", "ThreatTruth", "Unit", "read_run"]

_VELOCITY_COLUMNS = (("vx_ecef_mps", "vy_ecef_mps", "vz_ecef_mps"), ("vx_mps", "vy_mps", "vz_mps"))


@dataclass(frozen=True)
class ThreatTruth:
    """The sampled truth of the threats, long form sorted by (threat, time), k rows.

    Attributes:
        threat_id: (k,) the summary's threat id of each row.
        t_s: (k,) sample time [s].
        pos_ecef_m: (k, 3) WGS-84 ECEF position [m].
        vel_ecef_mps: (k, 3) ECEF velocity [m/s].
    """

    threat_id: NDArray[np.int64]
    t_s: NDArray[np.float64]
    pos_ecef_m: NDArray[np.float64]
    vel_ecef_mps: NDArray[np.float64]


@dataclass(frozen=True)
class Unit:
    """A defense (fire) unit of the summary: name, system key, ECEF position [m] (None when
    the summary has no position and the unit never fired)."""

    id: int
    name: str
    system: str
    pos_ecef_m: NDArray[np.float64] | None


@dataclass(frozen=True)
class RunTables:
    """What a replay needs from a run directory."""

    directory: Path
    summary: dict[str, Any]
    events: pa.Table
    threats: list[dict[str, Any]]  # the summary's per-threat entries, by id
    truth: ThreatTruth
    units: list[Unit]

    @property
    def duration_s(self) -> float:
        """Simulated duration [s]."""
        return float(self.summary.get("duration_s", 0.0))


def _ecef(lat: Any, lon: Any, alt: Any) -> NDArray[np.float64]:
    x, y, z = geodetic_to_ecef(lat, lon, alt)
    return np.stack([np.atleast_1d(x), np.atleast_1d(y), np.atleast_1d(z)], axis=-1)


def _need(path: Path, what: str) -> Path:
    if not path.is_file():
        raise InputError(
            f"{path}: missing; the run directory must hold {what} "
            "(write it with `iads run --out DIR`; truth.parquet needs --truth-rate > 0)"
        )
    return path


def read_run(run_dir: str | Path) -> RunTables:
    """Read the tables of the run written by ``iads run`` into ``run_dir``."""
    d = Path(run_dir)
    if not d.is_dir():
        raise InputError(f"{d}: not a directory (give the output folder of `iads run`)")
    summary = json.loads(_need(d / "summary.json", "summary.json").read_text(encoding="utf-8"))
    events = pq.read_table(_need(d / "events.parquet", "events.parquet"))
    truth_tab = pq.read_table(_need(d / "truth.parquet", "truth.parquet"))

    # Threat entries carry ``threat_id`` (older runs: ``id``); ``id`` below is that index.
    threats = sorted(
        ({**e, "id": int(e.get("threat_id", e.get("id", -1)))} for e in summary.get("threats", [])),
        key=lambda e: e["id"],
    )
    by_name = {str(e["name"]): int(e["id"]) for e in threats}
    if "threat_id" in truth_tab.column_names:  # the documented column
        tid_col = truth_tab["threat_id"].to_numpy().astype(np.int64)
    else:  # older runs: the threat's name in ``id``
        names = truth_tab["id"].to_pylist()
        unknown = sorted({n for n in names if n not in by_name})
        if unknown:
            raise InputError(
                f"{d / 'truth.parquet'}: threats {unknown[:5]} are not in summary.json's threats"
            )
        tid_col = np.array([by_name[n] for n in names], dtype=np.int64)
    cols = truth_tab.column_names
    vcols = next((v for v in _VELOCITY_COLUMNS if all(c in cols for c in v)), None)
    if vcols is None:
        raise InputError(
            f"{d / 'truth.parquet'}: no velocity columns (expected one of "
            f"{[list(v) for v in _VELOCITY_COLUMNS]}); got {cols}"
        )
    tid = tid_col
    t = truth_tab["time_s"].to_numpy().astype(float)
    order = np.lexsort((t, tid))
    pos = _ecef(
        truth_tab["lat_deg"].to_numpy(),
        truth_tab["lon_deg"].to_numpy(),
        truth_tab["alt_m"].to_numpy(),
    )
    vel = np.stack([truth_tab[c].to_numpy().astype(float) for c in vcols], axis=-1)
    truth = ThreatTruth(tid[order], t[order], pos[order], vel[order])

    # Unit positions: entities.parquet (when the run wrote it), else summary.json, else
    # the launcher position of the unit's first launch.
    entities = _entities(d)
    launches = events.filter(pc.equal(events["kind"].cast(pa.string()), "launch"))
    l_unit = launches["unit_id"].to_numpy()
    units = []
    for u, entry in enumerate(summary.get("units", [])):
        known = entities.get(("unit", u)) or (
            entry if all(k in entry for k in ("lat_deg", "lon_deg", "alt_m")) else None
        )
        if known is not None:
            p = _ecef(known["lat_deg"], known["lon_deg"], known["alt_m"])[0]
        elif (l_unit == u).any():
            i = int(np.flatnonzero(l_unit == u)[0])
            row = launches.slice(i, 1).to_pylist()[0]
            p = _ecef(row["lat_deg"], row["lon_deg"], row["alt_m"])[0]
        else:
            p = None
        units.append(Unit(u, str(entry.get("name", f"unit {u}")), str(entry.get("system", "")), p))
    # Friendly and neutral aircraft are not in summary.json's (hostile) threats: their
    # names and types come from entities.parquet, when the run wrote it.
    known_ids = {int(e["id"]) for e in threats}
    threats += [
        {"id": int(i), "name": r["name"], "type": r.get("system") or ""}
        for (kind, i), r in sorted(entities.items())
        if kind == "threat" and int(i) not in known_ids and (r.get("friendly")
                                                             or r.get("neutral"))
    ]  # fmt: skip
    threats.sort(key=lambda e: e["id"])
    # Friendly aircraft: entities.parquet's flag, or the summary entry's.
    threats = [
        {**e, "friendly": bool(entities.get(("threat", int(e["id"])), e).get("friendly", False)),
         "neutral": bool(entities.get(("threat", int(e["id"])), e).get("neutral", False))}
        for e in threats
    ]  # fmt: skip
    return RunTables(d, summary, events, threats, truth, units)


def _entities(d: Path) -> dict[tuple[str, int], dict[str, Any]]:
    """Rows of the optional ``entities.parquet`` by (kind, index); {} without the file."""
    path = d / "entities.parquet"
    if not path.is_file():
        return {}
    tab = pq.read_table(path)
    need = {"kind", "index", "lat_deg", "lon_deg", "alt_m"}
    if not need <= set(tab.column_names):
        raise InputError(f"{path}: needs the columns {sorted(need)}; got {tab.column_names}")
    return {(str(r["kind"]), int(r["index"])): r for r in tab.to_pylist()}
