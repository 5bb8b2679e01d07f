"""The event log: one typed table (pyarrow) of everything that happened in a run.

Stages return their events as column arrays; :class:`EventLog` writes them into
columnar chunks (preallocated numpy arrays, no Python object per event) and builds the
table once at the end. Summaries are derived from this table, never kept separately by
hand.
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
    "radar_on",  # a radar starts radiating (emission control, docs/sead.md)
    "radar_off",  # a radar stops radiating (emission control, ARM warning, destroyed)
    "arm_impact",  # an anti-radiation missile reaches the emitter it was fired at
    "radar_destroyed",  # an ARM destroys or damages a radar: silent for the rest of the run
    "evade",  # a reactive aircraft starts turning away from an emitter its RWR hears
    "resume",  # a reactive aircraft turns back to its route (its RWR has been quiet)
    "command_post_lost",  # a command post is destroyed or goes out (outage window)
    "command_post_restored",  # a command post's outage window ends
    "link_lost",  # a networked unit loses its link: autonomous (own picture and decisions)
    "link_restored",  # a unit's link is back: it decides on its network's picture again
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
_INT_DTYPES = tuple(EVENT_SCHEMA.field(c).type.to_pandas_dtype() for c in _INT_COLS)
_FLOAT_COLS = ("lat_deg", "lon_deg", "alt_m")
_KIND_CODE = {k: i for i, k in enumerate(EVENT_KINDS)}
#: Rows per column chunk: a chunk is filled in place and a new one started when full, so
#: a long run never copies what it logged before and holds no Python object per event.
CHUNK_ROWS = 16_384


class _Chunk:
    """One chunk of the log: a preallocated numpy array per column (the table's own
    types: int32 ids, int64 track ids, float64 times and positions), filled up to ``n``."""

    __slots__ = ("time_s", "kind", "ints", "floats", "n")

    def __init__(self, rows: int) -> None:
        self.time_s = np.empty(rows)
        self.kind = np.empty(rows, np.int8)
        self.ints = [np.empty(rows, d) for d in _INT_DTYPES]
        self.floats = [np.empty(rows) for _ in _FLOAT_COLS]
        self.n = 0


class EventLog:
    """Accumulates events in columnar chunks (numpy arrays, :data:`CHUNK_ROWS` rows each);
    ``table()`` returns the pyarrow table sorted by time (stable, so events of one time
    keep the pipeline's order). Only the ``details`` of the few events that have them
    (launches, intercepts, impacts, ...) are kept as JSON strings."""

    def __init__(self) -> None:
        self._chunks: list[_Chunk] = []
        self._n = 0
        self._details_rows: list[int] = []
        self._details: list[str] = []
        self._table: pa.Table | None = None

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
        if self._table is not None:
            raise RuntimeError("the event log is sealed: table() was called")
        code = _KIND_CODE.get(kind)
        if code is None:
            raise ValueError(f"unknown event kind {kind!r}")
        n = np.size(time_s)
        for v in cols.values():
            n = max(n, np.size(v))
        if n == 0:
            return
        for c in cols:
            if c not in _INT_INDEX and c not in _FLOAT_INDEX:
                unknown = set(cols) - set(_INT_COLS) - set(_FLOAT_COLS)
                raise ValueError(f"unknown event columns {sorted(unknown)}")
        if details is not None and len(details) != n:
            raise ValueError("details must have one entry per event")
        done = 0
        while done < n:  # a loop over chunks (one, unless this batch fills a chunk)
            ch = self._chunks[-1] if self._chunks else None
            if ch is None or ch.n == ch.time_s.size:
                ch = _Chunk(max(CHUNK_ROWS, n - done))
                self._chunks.append(ch)
            k = min(n - done, ch.time_s.size - ch.n)
            dst = slice(ch.n, ch.n + k)
            src = slice(done, done + k)
            ch.time_s[dst] = _part(time_s, src, n)
            ch.kind[dst] = code
            ints, floats = ch.ints, ch.floats
            for c, i in _INT_INDEX.items():
                ints[i][dst] = _part(cols[c], src, n) if c in cols else -1
            for c, i in _FLOAT_INDEX.items():
                floats[i][dst] = _part(cols[c], src, n) if c in cols else np.nan
            ch.n += k
            done += k
        if details is not None:
            for j, d in enumerate(details):
                if d:
                    self._details_rows.append(self._n + j)
                    self._details.append(json.dumps(d, sort_keys=True))
        self._n += n

    def __len__(self) -> int:
        return self._n

    def table(self) -> pa.Table:
        """The log as one pyarrow table with :data:`EVENT_SCHEMA`, sorted by time (stable).

        Built one column at a time, each chunk's array released as soon as its column is
        gathered, so that the peak is the log's own size (57 bytes an event) plus the sort
        order and one column, not two or three copies of the log. The log is sealed by
        this call: the table is kept and returned again, and ``add`` is refused."""
        if self._table is not None:
            return self._table
        if self._n == 0:
            self._table = EVENT_SCHEMA.empty_table()
            return self._table
        chunks, self._chunks = self._chunks, []

        def gather(take: Any) -> np.ndarray:
            # One column from every chunk (releasing the chunks' arrays), in time order.
            col = np.concatenate([take(c) for c in chunks])
            return col if order is None else col[order]

        order = None
        t = gather(lambda c: _release(c, "time_s"))
        if t.size > 1 and not bool(np.all(t[1:] >= t[:-1])):
            order = np.argsort(t, kind="stable")
            if order.size < 2**31:
                order = order.astype(np.int32)
            t = t[order]
        arrays = [
            pa.array(t, pa.float64()),
            pa.DictionaryArray.from_arrays(
                pa.array(gather(lambda c: _release(c, "kind")), pa.int8()),
                pa.array(list(EVENT_KINDS), pa.string()),
            ),
        ]
        del t
        for i in range(len(_INT_COLS)):
            arrays.append(pa.array(gather(lambda ch, i=i: _release_item(ch, "ints", i))))
        for i in range(len(_FLOAT_COLS)):
            arrays.append(pa.array(gather(lambda ch, i=i: _release_item(ch, "floats", i))))
        arrays.append(self._details_column(order))
        self._table = pa.Table.from_arrays(arrays, schema=EVENT_SCHEMA)
        self._details_rows, self._details = [], []
        return self._table

    def _details_column(self, order: np.ndarray | None) -> pa.Array:
        """The ``details`` column (JSON strings, null where an event has none), in the
        table's row order."""
        if not self._details:
            return pa.nulls(self._n, pa.string())
        rows = np.asarray(self._details_rows, np.int64)  # ascending: appended in order
        has = np.zeros(self._n, bool)
        has[rows] = True
        if order is not None:
            has = has[order]
        where = np.flatnonzero(has)  # output rows with details, in output order
        src = where if order is None else order[where]
        pick = np.zeros(self._n, np.int32)
        pick[where] = np.searchsorted(rows, src)
        return pa.array(self._details, pa.string()).take(pa.array(pick, mask=~has))


_INT_INDEX = {c: i for i, c in enumerate(_INT_COLS)}
_FLOAT_INDEX = {c: i for i, c in enumerate(_FLOAT_COLS)}


def _release(chunk: _Chunk, name: str) -> np.ndarray:
    """``chunk``'s column ``name`` up to its fill, dropping the chunk's reference."""
    a = getattr(chunk, name)[: chunk.n]
    setattr(chunk, name, None)
    return a


def _release_item(chunk: _Chunk, name: str, i: int) -> np.ndarray:
    """Column ``i`` of ``chunk``'s list of columns ``name`` up to its fill, dropping the
    chunk's reference."""
    arrays = getattr(chunk, name)
    a = arrays[i][: chunk.n]
    arrays[i] = None
    return a


def _part(v: Any, src: slice, n: int) -> Any:
    """The rows ``src`` of a column given as a scalar or an array of ``n`` (or 1) values."""
    if np.ndim(v) == 0:
        return v
    a = np.asarray(v)
    if a.size == 1:
        return a.reshape(())
    if a.shape != (n,):
        raise ValueError(f"an event column has shape {a.shape}, not ({n},)")
    return a[src]
