"""Reading a run directory (``events.parquet``, ``truth.parquet``, ``summary.json``,
``entities.parquet``, optional ``tracks.parquet``) for the replay, through one small set
of accessors.

Column names of the result files evolve (frames and units in the names, new id columns):
every column the replay reads is looked up here by a list of accepted names, newest
first, so a rename touches this module only. A missing file or column is an
:class:`~iads.errors.InputError` that names the file and the columns looked for.
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

from iads.errors import InputError
from iads.report.replay.style import EVENT_STYLE
from iads.state.events import of_kind

__all__ = ["COLUMNS", "RunFiles", "column", "has_column", "load_run", "strings"]

#: Accepted names of every column the replay reads, newest first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "time_s": ("time_s", "t_s"),
    "kind": ("kind",),
    "threat_id": ("threat_id",),
    "unit_id": ("unit_id",),
    "radar_id": ("radar_id",),
    "track_id": ("track_id",),
    "interceptor_id": ("interceptor_id",),
    "lat_deg": ("lat_deg",),
    "lon_deg": ("lon_deg",),
    "alt_m": ("alt_hae_m", "alt_m"),
    "details": ("details",),
    # truth.parquet: the entity's name (``id``) and, when written, its threat index
    "name": ("name", "threat_name", "id"),
    "type": ("type", "threat_type"),
    # tracks.parquet
    "sigma_m": ("pos_sigma_m", "sigma_m"),
}


def has_column(table: pa.Table, key: str) -> bool:
    """Whether ``table`` has one of the accepted names of ``key``."""
    return any(n in table.column_names for n in COLUMNS.get(key, (key,)))


def _name(table: pa.Table, key: str, file: str) -> str:
    for n in COLUMNS.get(key, (key,)):
        if n in table.column_names:
            return n
    raise InputError(
        f"{file}: no column {' or '.join(repr(n) for n in COLUMNS.get(key, (key,)))} "
        f"(columns: {', '.join(table.column_names)})"
    )


def column(table: pa.Table, key: str, file: str = "table") -> np.ndarray:
    """The column ``key`` (under any accepted name) as a numpy array; NaN for nulls in
    float columns."""
    col = table.column(_name(table, key, file))
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    if pa.types.is_floating(col.type):
        return col.to_numpy(zero_copy_only=False).astype(float)
    if pa.types.is_integer(col.type):
        return col.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return np.asarray(col.to_pylist(), dtype=object)


def strings(table: pa.Table, key: str, file: str = "table") -> list[str | None]:
    """The column ``key`` as Python strings (dictionary columns decoded)."""
    col = table.column(_name(table, key, file))
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    return col.to_pylist()


@dataclass
class RunFiles:
    """The tables of one run directory."""

    root: Path
    events: pa.Table
    summary: dict[str, Any]
    truth: pa.Table | None
    entities: pa.Table | None
    tracks: pa.Table | None

    def events_of(self, *kinds: str) -> pa.Table:
        """The events whose kind is one of ``kinds`` (in time order)."""
        _name(self.events, "kind", "events.parquet")  # a clear error when it is missing
        return of_kind(self.events, kinds)

    def entities_of(self, kind: str) -> pa.Table:
        """The rows of ``entities.parquet`` of one kind, by index (empty if absent)."""
        if self.entities is None:
            return pa.table({"kind": pa.array([], pa.string())})
        t = self.entities.filter(pc.equal(self.entities.column("kind"), kind))
        return t.sort_by("index")

    @property
    def duration_s(self) -> float:
        """The run's simulated duration [s] (summary.json, else the last event or sample)."""
        d = self.summary.get("duration_s")
        if isinstance(d, int | float) and d > 0:
            return float(d)
        t = [column(self.events, "time_s")]
        if self.truth is not None:
            t.append(column(self.truth, "time_s"))
        t_all = np.concatenate(t)
        return float(t_all.max()) if t_all.size else 0.0


def _parquet(path: Path, kinds: list[str] | None = None) -> pa.Table | None:
    """The table of ``path`` (None when absent); with ``kinds``, only its rows of those
    ``kind`` values (a file without that column is read whole, for a clear error later)."""
    if not path.exists():
        return None
    try:
        if kinds is not None and "kind" in pq.read_schema(path).names:
            return pq.read_table(path, filters=[("kind", "in", kinds)])
        return pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None


def load_run(run_dir: str | Path) -> RunFiles:
    """Read the run directory ``run_dir`` (written by ``iads run``)."""
    root = Path(run_dir)
    if not root.is_dir():
        raise InputError(f"{root}: no such run directory (write one with 'iads run --out DIR')")
    # Only the kinds the replay shows: a raid of thousands of threats logs tens of
    # millions of dwells and detections, which it does not draw.
    events = _parquet(root / "events.parquet", list(EVENT_STYLE))
    if events is None:
        raise InputError(f"{root}: no events.parquet: not a run directory of 'iads run'")
    try:
        summary = json.loads((root / "summary.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{root}: no summary.json: not a run directory of 'iads run'") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{root / 'summary.json'}: not readable JSON ({exc})") from None
    return RunFiles(
        root=root,
        events=events,
        summary=summary,
        truth=_parquet(root / "truth.parquet"),
        entities=_parquet(root / "entities.parquet"),
        tracks=_parquet(root / "tracks.parquet"),
    )
