"""The event log: one typed table (pyarrow) of everything that happened in a run.

Stages return their events as column arrays; :class:`EventLog` writes them into
columnar chunks (preallocated numpy arrays, no Python object per event) and builds the
table once at the end. Summaries are derived from this table, never kept separately by
hand. A log of more than :data:`SPILL_ROWS` events (a raid of thousands of threats)
writes its full chunks to a temporary Arrow file as it goes and ends as a table mapped
from disk (:class:`_Spill`), so that its size is not held in memory.
"""

from __future__ import annotations

import ctypes
import functools
import json
import shutil
import sys
import tempfile
import weakref
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["EVENT_KINDS", "EVENT_SCHEMA", "EventLog", "kind_mask", "kind_slices", "of_kind",
           "release_mapped_pages"]

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
#: Events held in memory before the log starts writing its full chunks to disk (about
#: 460 MB at 57 bytes an event; the saturation raid logs 5 million events at 1,000
#: threats, 50 million at 10,000). Runs below it never touch the disk.
SPILL_ROWS = 8_000_000
#: Rows of one output window when a spilled log is sorted back (``_Spill.table``).
WINDOW_ROWS = 1_000_000
_KIND_DICT = pa.array(list(EVENT_KINDS), pa.string())


def kind_mask(events: pa.Table, kinds: str | Sequence[str]) -> np.ndarray:
    """(rows,) bool: whether each event's kind is ``kinds`` (one kind or several). Reads
    the kind column chunk by chunk (dictionary codes, or strings as read back from a
    file): no Python object per event, whatever the size of the log."""
    want = {kinds} if isinstance(kinds, str) else set(kinds)
    parts = []
    for ch in events.column("kind").chunks:
        if pa.types.is_dictionary(ch.type):
            lut = np.array([k in want for k in ch.dictionary.to_pylist()], bool)
            codes = ch.indices.to_numpy(zero_copy_only=False)
            parts.append(lut[codes])
        else:
            hit = pc.is_in(ch, value_set=pa.array(sorted(want), ch.type))
            parts.append(hit.fill_null(False).to_numpy(zero_copy_only=False))
    return np.concatenate(parts) if parts else np.zeros(events.num_rows, bool)


def of_kind(
    events: pa.Table, kinds: str | Sequence[str], columns: Sequence[str] | None = None
) -> pa.Table:
    """The events of one kind or several (``kinds``), in log order, with only ``columns``
    (all when None): a log of tens of millions of events is filtered without copying the
    columns a caller does not read, slice by slice (:func:`kind_slices`)."""
    if events.num_rows <= SLICE_ROWS:
        return _filter(events, kinds, columns)
    return pa.concat_tables(kind_slices(events, kinds, columns))


def _filter(
    events: pa.Table, kinds: str | Sequence[str], columns: Sequence[str] | None
) -> pa.Table:
    tab = events if columns is None else events.select(list(columns))
    return tab.filter(pa.array(kind_mask(events, kinds)))


#: Rows of the log read at once by :func:`kind_slices` (a bounded working set).
SLICE_ROWS = 1 << 20


def kind_slices(
    events: pa.Table,
    kinds: str | Sequence[str],
    columns: Sequence[str] | None = None,
    rows: int | None = None,
) -> Iterator[pa.Table]:
    """The events of ``kinds`` (as :func:`of_kind`), in log order, one table per slice of
    ``rows`` rows of the log (:data:`SLICE_ROWS` when None): a summary that reduces them
    slice by slice holds at most a slice, however long the log."""
    rows = SLICE_ROWS if rows is None else rows
    for off in range(0, events.num_rows, rows):
        out = _filter(events.slice(off, rows), kinds, columns)
        release_mapped_pages()  # the slice is copied out: its mapped pages can go
        yield out


#: The logs mapped from disk and alive (``_Spill.table``): key -> (address, bytes) of the
#: whole file's mapping. An entry is removed when its table is collected, so a range here
#: is always a live read-only file mapping.
_MAPPED: dict[int, tuple[int, int]] = {}
_MADV_DONTNEED = 4  # Linux's value (asm-generic/mman-common.h)


def _register_mapped(table: pa.Table, mapped: pa.MemoryMappedFile) -> None:
    """Note ``table``'s file mapping, for :func:`release_mapped_pages`, while it lives."""
    whole = mapped.read_buffer()  # zero-copy: the mapping from its first byte
    key = id(table)
    _MAPPED[key] = (whole.address, whole.size)
    weakref.finalize(table, _MAPPED.pop, key, None)


def release_mapped_pages() -> None:
    """Give back the pages of the logs mapped from disk that this process has read
    (``madvise(MADV_DONTNEED)`` on their read-only file mappings): they stay in the OS page
    cache and are mapped again, unchanged, on the next access. A pass over a log of tens of
    millions of events then holds at most the slice it reads, not the whole file. A system
    call ctypes reaches (no library wraps it for a mapping pyarrow owns); Linux only."""
    if not _MAPPED or not sys.platform.startswith("linux"):
        return
    madvise = _madvise()
    for address, size in list(_MAPPED.values()):
        madvise(address, size, _MADV_DONTNEED)


@functools.cache
def _madvise() -> Any:
    f = ctypes.CDLL(None, use_errno=True).madvise
    f.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    return f


class _Chunk:
    """One chunk of the log: preallocated numpy arrays in the table's own types, filled
    up to ``n``: times, kinds, the int32 ids (threat, unit, radar, interceptor: rows of
    ``ints``), the int64 track ids (``track``, one row) and the positions (``floats``)."""

    __slots__ = ("time_s", "kind", "ints", "track", "floats", "n")

    def __init__(self, rows: int) -> None:
        self.time_s = np.empty(rows)
        self.kind = np.empty(rows, np.int8)
        self.ints = np.empty((len(_INT_COLS) - 1, rows), np.int32)
        self.track = np.empty((1, rows), np.int64)
        self.floats = np.empty((len(_FLOAT_COLS), rows))
        self.n = 0


class EventLog:
    """Accumulates events in columnar chunks (numpy arrays, :data:`CHUNK_ROWS` rows each);
    ``table()`` returns the pyarrow table sorted by time (stable, so events of one time
    keep the pipeline's order). Only the ``details`` of the few events that have them
    (launches, intercepts, impacts, ...) are kept as JSON strings."""

    def __init__(self, spill_rows: int | None = None) -> None:
        self._chunks: list[_Chunk] = []
        self._n = 0
        #: events held in memory before full chunks go to disk (SPILL_ROWS by default)
        self._spill_rows = SPILL_ROWS if spill_rows is None else spill_rows
        self._spill: _Spill | None = None
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
        n = _size(time_s)
        for v in cols.values():
            s = _size(v)
            if s > n:
                n = s
        if n == 0:
            return
        where = []  # (block: 0 ints, 1 floats, 2 track; row; value) of each given column
        for c, v in cols.items():
            at = _WHERE.get(c)
            if at is None:
                unknown = set(cols) - set(_INT_COLS) - set(_FLOAT_COLS)
                raise ValueError(f"unknown event columns {sorted(unknown)}")
            where.append((*at, v))
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
            ch.track[:, dst] = -1
            ch.floats[:, dst] = np.nan
            blocks = (ch.ints, ch.floats, ch.track)
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
        if self._n > self._spill_rows:
            self._spill_full(final=False)

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
        if self._table is not None:
            raise RuntimeError("the event log is sealed: table() was called")
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
        ch.ints[:3, dst] = ints[:3]  # threat, unit, radar
        ch.ints[3, dst] = ints[4]  # interceptor
        ch.track[0, dst] = ints[3]
        ch.floats[:, dst] = np.nan if floats is None else floats
        ch.n += n
        self._n += n
        if self._n > self._spill_rows:
            self._spill_full(final=False)

    def _spill_full(self, final: bool) -> None:
        """Write the full chunks (``final``: every chunk) to the spill file, each sorted
        by time (stable), with its details; drop them from memory."""
        if self._spill is None:
            self._spill = _Spill()
        keep = [] if final else [c for c in self._chunks[-1:] if c.n < c.time_s.size]
        for ch in self._chunks[: len(self._chunks) - len(keep)]:
            if ch.n == 0:
                continue
            g0 = self._spill.rows
            take = np.searchsorted(self._details_rows, g0 + ch.n)  # details of this chunk
            det = (self._details_rows[:take], self._details[:take])
            del self._details_rows[:take], self._details[:take]
            self._spill.write(_chunk_batch(ch, g0, det))
        self._chunks = keep

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
        if self._spill is not None:
            self._spill_full(final=True)
            self._table = self._spill.table()
            self._spill = None
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
        for c in (*_INT_COLS, *_FLOAT_COLS):  # the schema's order; a block is released
            b, i = _WHERE[c]  # with its last row
            name = ("ints", "floats", "track")[b]
            last = i == getattr(chunks[0], name).shape[0] - 1
            arrays.append(pa.array(gather(lambda ch, n=name, i=i, r=last: _row(ch, n, i, r))))
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


#: Where each id and position column lives in a chunk: (block, row), block 0 the int32
#: ids, 1 the positions, 2 the int64 track ids.
_WHERE = {
    "threat_id": (0, 0),
    "unit_id": (0, 1),
    "radar_id": (0, 2),
    "interceptor_id": (0, 3),
    "track_id": (2, 0),
    "lat_deg": (1, 0),
    "lon_deg": (1, 1),
    "alt_m": (1, 2),
}


def _release(chunk: _Chunk, name: str) -> np.ndarray:
    """``chunk``'s column ``name`` up to its fill, dropping the chunk's reference."""
    a = getattr(chunk, name)[: chunk.n]
    setattr(chunk, name, None)
    return a


def _row(chunk: _Chunk, name: str, i: int, release: bool) -> np.ndarray:
    """Row ``i`` of ``chunk``'s block ``name`` up to its fill; ``release``: drop the
    chunk's reference to the block (its last row is being taken)."""
    a = getattr(chunk, name)[i, : chunk.n]
    if release:
        setattr(chunk, name, None)
    return a


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


def _chunk_batch(ch: _Chunk, g0: int, details: tuple[list[int], list[str]]) -> pa.RecordBatch:
    """Chunk ``ch`` (its rows being the log's rows ``g0`` on) as a record batch with
    :data:`EVENT_SCHEMA`, sorted by time (stable); ``details``: the log rows and JSON of
    its events that have details."""
    n = ch.n
    order = np.argsort(ch.time_s[:n], kind="stable")
    ints, track, floats = ch.ints, ch.track, ch.floats
    cols = {
        "threat_id": ints[0],
        "unit_id": ints[1],
        "radar_id": ints[2],
        "track_id": track[0],
        "interceptor_id": ints[3],
        "lat_deg": floats[0],
        "lon_deg": floats[1],
        "alt_m": floats[2],
    }
    arrays = [
        pa.array(ch.time_s[:n][order]),
        pa.DictionaryArray.from_arrays(pa.array(ch.kind[:n][order]), _KIND_DICT),
        *(pa.array(cols[c][:n][order]) for c in (*_INT_COLS, *_FLOAT_COLS)),
    ]
    rows, texts = details
    if rows:
        pick = np.zeros(n, np.int32)
        has = np.zeros(n, bool)
        local = np.asarray(rows, np.int64) - g0
        has[local] = True
        pick[local] = np.arange(local.size)
        arrays.append(pa.array(texts, pa.string()).take(pa.array(pick[order], mask=~has[order])))
    else:
        arrays.append(pa.nulls(n, pa.string()))
    return pa.RecordBatch.from_arrays(arrays, schema=EVENT_SCHEMA)


class _Spill:
    """A log's chunks on disk: an Arrow IPC file of record batches (runs), each sorted by
    time, in the order the events were logged, in a temporary folder (``TMPDIR``).

    ``table()`` sorts them back into one table by windows of time: for each window, the
    rows of every run overlapping it (runs in logged order, each sorted), sorted stably
    by time; as runs are consecutive stretches of the log, that is the log's stable sort
    by time, window after window. The windows are written to a second file, which is
    mapped (``pyarrow.memory_map``) and deleted at once: the table's pages are read from
    disk as they are used, and the disk space is freed when the table is dropped."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="iads-events-"))
        self._sink = pa.OSFile(str(self.dir / "runs.arrow"), "wb")
        self._writer = pa.ipc.new_file(self._sink, EVENT_SCHEMA)
        self.t_min: list[float] = []
        self.t_max: list[float] = []
        self.n: list[int] = []
        self.rows = 0

    def write(self, batch: pa.RecordBatch) -> None:
        t = batch.column(0)
        self._writer.write_batch(batch)
        self.t_min.append(t[0].as_py())
        self.t_max.append(t[len(t) - 1].as_py())
        self.n.append(batch.num_rows)
        self.rows += batch.num_rows

    def table(self) -> pa.Table:
        """The spilled log as one table sorted by time (stable), mapped from disk."""
        self._writer.close()
        self._sink.close()
        try:
            out_path = self.dir / "events.arrow"
            with (
                pa.OSFile(str(self.dir / "runs.arrow")) as src,
                pa.OSFile(str(out_path), "wb") as sink,
                pa.ipc.new_file(sink, EVENT_SCHEMA) as out,
            ):
                reader = pa.ipc.open_file(src)
                for piece in self._windows(reader):
                    out.write_table(piece)
            mapped = pa.memory_map(str(out_path))
            table = pa.ipc.open_file(mapped).read_all()
            _register_mapped(table, mapped)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)  # a mapped file outlives its name
        return table

    def _windows(self, reader: pa.ipc.RecordBatchFileReader):
        """The sorted windows (tables) of the runs in ``reader``."""
        t_min, t_max = np.asarray(self.t_min), np.asarray(self.t_max)
        n = np.asarray(self.n)
        by_end = np.argsort(t_max, kind="stable")
        edges = []
        acc = 0
        for r in by_end:  # window edges at run ends, about WINDOW_ROWS rows apart
            acc += int(n[r])
            if acc >= WINDOW_ROWS:
                edges.append(float(t_max[r]))
                acc = 0
        edges = sorted(set(edges)) + [np.inf]
        cache: OrderedDict[int, tuple[pa.RecordBatch, np.ndarray]] = OrderedDict()
        lo = -np.inf
        for hi in edges:
            pieces = []
            for r in np.flatnonzero((t_min <= hi) & (t_max > lo)):  # in logged order
                b, t = _cached(cache, reader, int(r))
                a, z = np.searchsorted(t, [lo, hi], side="right")
                if z > a:
                    pieces.append(b.slice(a, z - a))
            if pieces:
                part = pa.Table.from_batches(pieces)
                t = part.column(0).to_numpy()
                yield part.take(np.argsort(t, kind="stable"))
            lo = hi


def _cached(cache: OrderedDict, reader: pa.ipc.RecordBatchFileReader, r: int):
    """Run ``r`` of ``reader`` and its times, through a small LRU ``cache``: a run that
    spans many windows (the threats' launch events, logged first with their future
    times) is read once."""
    hit = cache.get(r)
    if hit is not None:
        cache.move_to_end(r)
        return hit
    b = reader.get_batch(r)
    hit = (b, b.column(0).to_numpy())
    cache[r] = hit
    if len(cache) > 64:
        cache.popitem(last=False)
    return hit
