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
_FLOAT_COLS = ("lat_deg", "lon_deg", "alt_m")
_KIND_CODE = {k: i for i, k in enumerate(EVENT_KINDS)}
#: Rows per column chunk: a chunk is filled in place and a new one started when full, so
#: a long run never copies what it logged before and holds no Python object per event.
CHUNK_ROWS = 16_384


class _Chunk:
    """One chunk of the log: a preallocated numpy array per column, filled up to ``n``."""

    __slots__ = ("time_s", "kind", "ints", "floats", "n")

    def __init__(self, rows: int) -> None:
        self.time_s = np.empty(rows)
        self.kind = np.empty(rows, np.int8)
        self.ints = np.empty((len(_INT_COLS), rows), np.int64)
        self.floats = np.empty((len(_FLOAT_COLS), rows))
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
        code = _KIND_CODE.get(kind)
        if code is None:
            raise ValueError(f"unknown event kind {kind!r}")
        n = _size(time_s)
        for v in cols.values():
            s = _size(v)
            if s > n:
                n = s
        if n == 0:
            return
        where = []  # (row block 0: ints / 1: floats, row, value) of each given column
        for c, v in cols.items():
            i = _INT_INDEX.get(c)
            if i is not None:
                where.append((0, i, v))
                continue
            i = _FLOAT_INDEX.get(c)
            if i is None:
                unknown = set(cols) - set(_INT_COLS) - set(_FLOAT_COLS)
                raise ValueError(f"unknown event columns {sorted(unknown)}")
            where.append((1, i, v))
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
            whole = k == n
            ch.time_s[dst] = _part(time_s, src, n, whole)
            ch.kind[dst] = code
            # Defaults first (one fill per block), then the given columns over them.
            ch.ints[:, dst] = -1
            ch.floats[:, dst] = np.nan
            blocks = (ch.ints, ch.floats)
            for b, i, v in where:
                blocks[b][i, dst] = _part(v, src, n, whole)
            ch.n += k
            done += k
        if details is not None:
            for j, d in enumerate(details):
                if d:
                    self._details_rows.append(self._n + j)
                    self._details.append(json.dumps(d, sort_keys=True))
        self._n += n

    def add_rows(
        self,
        kind: str,
        time_s: np.ndarray,
        ints: np.ndarray,
        floats: np.ndarray | None = None,
    ) -> None:
        """Append ``n`` events of one kind given in the log's own layout (for compiled
        stages that build them in one pass): ``time_s`` (n,), ``ints`` (5, n) the id
        columns in the order threat, unit, radar, track, interceptor (-1: none),
        ``floats`` (3, n) latitude, longitude [deg] and altitude [m] or None (NaN).
        The same rows as :meth:`add` with those columns; no details."""
        n = time_s.shape[0]
        if n == 0:
            return
        code = _KIND_CODE[kind]
        if ints.shape != (len(_INT_COLS), n) or (
            floats is not None and floats.shape != (len(_FLOAT_COLS), n)
        ):
            raise ValueError("add_rows needs ints (5, n) and floats (3, n) or None")
        ch = self._chunks[-1] if self._chunks else None
        if ch is None or ch.time_s.size - ch.n < n:  # rare: a new chunk, or spill over
            cols = dict(zip(_INT_COLS, ints, strict=True))
            if floats is not None:
                cols.update(zip(_FLOAT_COLS, floats, strict=True))
            self.add(kind, time_s, **cols)
            return
        dst = slice(ch.n, ch.n + n)
        ch.time_s[dst] = time_s
        ch.kind[dst] = code
        ch.ints[:, dst] = ints
        ch.floats[:, dst] = np.nan if floats is None else floats
        ch.n += n
        self._n += n

    def __len__(self) -> int:
        return self._n

    def table(self) -> pa.Table:
        """The log as one pyarrow table with :data:`EVENT_SCHEMA`, sorted by time."""
        if self._n == 0:
            return EVENT_SCHEMA.empty_table()
        chunks = self._chunks
        t = np.concatenate([c.time_s[: c.n] for c in chunks])
        kinds = np.concatenate([c.kind[: c.n] for c in chunks])
        ints = np.concatenate([c.ints[:, : c.n] for c in chunks], axis=1)
        floats = np.concatenate([c.floats[:, : c.n] for c in chunks], axis=1)
        order = np.argsort(t, kind="stable")
        arrays = [
            pa.array(t[order], pa.float64()),
            pa.DictionaryArray.from_arrays(
                pa.array(kinds[order], pa.int8()), pa.array(list(EVENT_KINDS), pa.string())
            ),
        ]
        for c, i in _INT_INDEX.items():
            typ = EVENT_SCHEMA.field(c).type
            arrays.append(pa.array(ints[i, order].astype(typ.to_pandas_dtype()), typ))
        for _, i in _FLOAT_INDEX.items():
            arrays.append(pa.array(floats[i, order], pa.float64()))
        if self._details:
            det = np.full(self._n, None, dtype=object)
            det[np.asarray(self._details_rows)] = self._details
            arrays.append(pa.array(det[order], pa.string()))
        else:
            arrays.append(pa.nulls(self._n, pa.string()))
        return pa.Table.from_arrays(arrays, schema=EVENT_SCHEMA)


_INT_INDEX = {c: i for i, c in enumerate(_INT_COLS)}
_FLOAT_INDEX = {c: i for i, c in enumerate(_FLOAT_COLS)}


def _size(v: Any) -> int:
    """``np.size`` of an event column, fast for arrays and Python scalars."""
    if type(v) is np.ndarray:
        return v.size
    if type(v) is float or type(v) is int:
        return 1
    return int(np.size(v))


def _part(v: Any, src: slice, n: int, whole: bool = False) -> Any:
    """The rows ``src`` of a column given as a scalar or an array of ``n`` (or 1) values
    (``whole``: ``src`` is all ``n`` rows)."""
    if type(v) is np.ndarray:
        if v.shape == (n,):
            return v if whole else v[src]
        a = v
    elif type(v) is float or type(v) is int:
        return v
    else:
        if np.ndim(v) == 0:
            return v
        a = np.asarray(v)
    if a.size == 1:
        return a.reshape(())
    if a.shape != (n,):
        raise ValueError(f"an event column has shape {a.shape}, not ({n},)")
    return a[src]
