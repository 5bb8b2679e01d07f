"""The event log: one typed table (pyarrow) of everything that happened in a run.

Stages return their events as column arrays; :class:`EventLog` appends them batch by
batch (no per-event Python objects) and builds the table once at the end. Summaries are
derived from this table, never kept separately by hand.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["EVENT_KINDS", "EVENT_SCHEMA", "EventLog"]

#: Every kind of event, in the order of the pipeline.
EVENT_KINDS = (
    "threat_launch",  # a threat appears (launch or entry into the scenario)
    "dwell",  # a radar looks at a target (search beam passing it, or a track dwell)
    "detection",  # a radar reports a real target (threat_id >= 0), at its measured position
    "false_alarm",  # a radar reports a noise crossing (no target), at its measured position
    "track_start",  # a tentative track is initiated
    "track_confirmed",  # a track is confirmed (M of N)
    "track_deleted",  # a track is dropped
    "launch",  # an interceptor is fired at a track
    "intercept",  # an interceptor kills a threat
    "miss",  # an interceptor fails (Pk draw, threat out of the basket or envelope)
    "wasted_on_false_track",  # an interceptor fired at a track no real object made is lost
    "leak",  # a threat with a target asset reaches the end of its route alive
    "impact",  # a leaker hits a defended asset (follows its leak)
    "route_end",  # an entity with no target asset (waypoints only) ends its route alive
)

EVENT_SCHEMA = pa.schema(
    [
        pa.field("time_s", pa.float64(), nullable=False),
        pa.field("kind", pa.dictionary(pa.int8(), pa.string()), nullable=False),
        pa.field("threat_id", pa.int32(), nullable=False),  # -1: none / false alarm
        pa.field("unit_id", pa.int32(), nullable=False),  # defender index, -1: none
        pa.field("radar_id", pa.int32(), nullable=False),  # radar index, -1: none
        pa.field("track_id", pa.int64(), nullable=False),  # -1: none
        pa.field("interceptor_id", pa.int32(), nullable=False),
        pa.field("lat_deg", pa.float64(), nullable=False),
        pa.field("lon_deg", pa.float64(), nullable=False),
        pa.field("alt_m", pa.float64(), nullable=False),
        pa.field("details", pa.string(), nullable=True),  # JSON object or null
    ],
    metadata={"iads.event_log": "1"},
)

_INT_COLS = ("threat_id", "unit_id", "radar_id", "track_id", "interceptor_id")
_FLOAT_COLS = ("lat_deg", "lon_deg", "alt_m")


class EventLog:
    """Accumulates event batches as numpy columns; ``table()`` returns the pyarrow table
    sorted by time (stable, so events of one time keep the pipeline's order)."""

    def __init__(self) -> None:
        self._batches: list[dict[str, Any]] = []

    def add(
        self,
        kind: str,
        time_s: np.ndarray | float,
        *,
        details: list[dict[str, Any]] | None = None,
        **cols: np.ndarray | float | int,
    ) -> None:
        """Append ``n`` events of one kind. ``time_s`` and the columns are arrays of
        length ``n`` or scalars broadcast to it; missing id columns are -1, missing
        positions NaN. ``details`` is one dict per event (JSON-encoded) or None."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        t = np.atleast_1d(np.asarray(time_s, dtype=float))
        n = max([t.size] + [np.size(v) for v in cols.values()])
        if n == 0:
            return
        unknown = set(cols) - set(_INT_COLS) - set(_FLOAT_COLS)
        if unknown:
            raise ValueError(f"unknown event columns {sorted(unknown)}")
        batch: dict[str, Any] = {"time_s": np.broadcast_to(t, (n,)), "kind": kind, "n": n}
        for c in _INT_COLS:
            batch[c] = np.broadcast_to(np.asarray(cols.get(c, -1), dtype=np.int64), (n,))
        for c in _FLOAT_COLS:
            batch[c] = np.broadcast_to(np.asarray(cols.get(c, np.nan), dtype=float), (n,))
        if details is not None:
            if len(details) != n:
                raise ValueError("details must have one entry per event")
            batch["details"] = [json.dumps(d, sort_keys=True) if d else None for d in details]
        else:
            batch["details"] = None
        self._batches.append(batch)

    def __len__(self) -> int:
        return sum(b["n"] for b in self._batches)

    def table(self) -> pa.Table:
        """The log as one pyarrow table with :data:`EVENT_SCHEMA`, sorted by time."""
        if not self._batches:
            return EVENT_SCHEMA.empty_table()
        n_tot = len(self)
        cols: dict[str, Any] = {
            "time_s": np.concatenate([b["time_s"] for b in self._batches]),
        }
        kinds = np.concatenate(
            [np.full(b["n"], EVENT_KINDS.index(b["kind"]), dtype=np.int8) for b in self._batches]
        )
        for c in _INT_COLS + _FLOAT_COLS:
            cols[c] = np.concatenate([b[c] for b in self._batches])
        details: list[str | None] = []
        for b in self._batches:
            details.extend(b["details"] if b["details"] is not None else [None] * b["n"])
        order = np.argsort(cols["time_s"], kind="stable")
        arrays = [
            pa.array(cols["time_s"][order], pa.float64()),
            pa.DictionaryArray.from_arrays(
                pa.array(kinds[order], pa.int8()), pa.array(list(EVENT_KINDS), pa.string())
            ),
        ]
        for c in _INT_COLS:
            typ = EVENT_SCHEMA.field(c).type
            arrays.append(pa.array(cols[c][order].astype(typ.to_pandas_dtype()), typ))
        for c in _FLOAT_COLS:
            arrays.append(pa.array(cols[c][order], pa.float64()))
        det = np.asarray(details, dtype=object)[order] if n_tot else np.asarray([], dtype=object)
        arrays.append(pa.array(det.tolist(), pa.string()))
        return pa.Table.from_arrays(arrays, schema=EVENT_SCHEMA)
