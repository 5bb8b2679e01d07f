"""The event log's columnar chunks: batches that cross a chunk boundary, scalars broadcast,
defaults, details kept only where given, and the table sorted stably by time."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest

import iads.state.events as events
from iads.state.events import EVENT_SCHEMA, EventLog


def test_batches_across_chunks_give_the_table_of_their_rows(monkeypatch) -> None:
    monkeypatch.setattr(events, "CHUNK_ROWS", 4)  # small chunks: every batch crosses one
    log = EventLog()
    log.add("dwell", np.array([3.0, 1.0, 2.0]), threat_id=[7, 8, 9], radar_id=1)
    log.add("launch", 1.0, threat_id=5, unit_id=2, details=[{"missile": "48N6"}])
    log.add("detection", np.arange(6.0), threat_id=np.arange(6), lat_deg=np.full(6, 40.0))
    log.add("track_start", 2.0, track_id=np.array([11, 12]))
    assert len(log) == 12
    t = log.table()
    assert t.schema == EVENT_SCHEMA and t.num_rows == 12
    rows = t.to_pylist()
    times = [r["time_s"] for r in rows]
    assert times == sorted(times)
    # stable: at t = 1 the dwell (added first), the launch, then the detection
    at1 = [(r["kind"], r["threat_id"]) for r in rows if r["time_s"] == 1.0]
    assert at1 == [("dwell", 8), ("launch", 5), ("detection", 1)]
    launch = next(r for r in rows if r["kind"] == "launch")
    assert json.loads(launch["details"]) == {"missile": "48N6"}
    assert launch["unit_id"] == 2 and launch["radar_id"] == -1 and launch["track_id"] == -1
    assert np.isnan(launch["lat_deg"])
    assert sum(r["details"] is not None for r in rows) == 1
    assert [r["radar_id"] for r in rows if r["kind"] == "dwell"] == [1, 1, 1]
    assert sorted(r["track_id"] for r in rows if r["kind"] == "track_start") == [11, 12]
    assert all(r["lat_deg"] == 40.0 for r in rows if r["kind"] == "detection")


def test_bad_batches_are_refused() -> None:
    log = EventLog()
    with pytest.raises(ValueError, match="unknown event kind"):
        log.add("explosion", 1.0)
    with pytest.raises(ValueError, match="unknown event columns"):
        log.add("dwell", 1.0, colour=3)
    with pytest.raises(ValueError, match="one entry per event"):
        log.add("miss", [1.0, 2.0], details=[{}])
    with pytest.raises(ValueError, match="shape"):
        log.add("dwell", np.zeros(3), threat_id=np.arange(2))
    log.add("dwell", np.zeros(0))
    assert len(log) == 0 and log.table().num_rows == 0


def _assert_same_table(t: pa.Table, ref: pa.Table) -> None:
    """Two event tables with the same schema and values, column by column (NaN positions
    compare equal, as they should; chunking and dictionaries may differ)."""
    assert t.schema == ref.schema and t.num_rows == ref.num_rows
    for name in EVENT_SCHEMA.names:
        a, b = t.column(name), ref.column(name)
        if name == "kind":
            a, b = a.cast(pa.string()), b.cast(pa.string())
        np.testing.assert_array_equal(
            a.to_numpy(zero_copy_only=False), b.to_numpy(zero_copy_only=False), err_msg=name
        )


def _reference_table(batches: list[tuple]) -> pa.Table:
    """The table of ``batches`` built row by row from Python values, sorted stably by
    time: what the columnar log must equal."""
    rows = []
    for kind, times, cols, details in batches:
        for j, t in enumerate(times):
            r = {"time_s": float(t), "kind": kind}
            for c in ("threat_id", "unit_id", "radar_id", "track_id", "interceptor_id"):
                r[c] = int(cols[c][j]) if c in cols else -1
            for c in ("lat_deg", "lon_deg", "alt_m"):
                r[c] = float(cols[c][j]) if c in cols else float("nan")
            d = details[j] if details is not None else None
            r["details"] = json.dumps(d, sort_keys=True) if d else None
            rows.append(r)
    rows.sort(key=lambda r: r["time_s"])  # Python's sort is stable
    return pa.Table.from_pylist(rows, schema=EVENT_SCHEMA)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_logs_equal_the_row_by_row_table(monkeypatch, seed: int) -> None:
    """Many batches across small chunks, times out of order with ties, some details: the
    table built column by column (releasing chunks) equals the row-by-row reference."""
    monkeypatch.setattr(events, "CHUNK_ROWS", 7)
    rng = np.random.default_rng(seed)
    log, batches = EventLog(), []
    for _ in range(60):
        n = int(rng.integers(1, 12))
        kind = str(rng.choice(["dwell", "detection", "launch", "track_start"]))
        times = np.round(rng.uniform(0.0, 20.0, n), 1)  # ties on purpose
        cols = {"threat_id": rng.integers(-1, 50, n), "track_id": rng.integers(0, 2**40, n)}
        if rng.random() < 0.5:
            cols["lat_deg"] = rng.uniform(-90, 90, n)
        details = None
        if kind == "launch":
            details = [{"k": int(x)} if x % 2 else {} for x in rng.integers(0, 9, n)]
        if details is None and rng.random() < 0.3:  # the compiled stages' layout
            ids = np.full((5, n), -1, np.int64)
            ids[0], ids[3] = cols["threat_id"], cols["track_id"]
            ids[2] = cols["radar_id"] = rng.integers(0, 9, n)
            ll = None
            if "lat_deg" in cols:
                ll = np.full((3, n), np.nan)
                ll[0] = cols["lat_deg"]
            log.add_rows(kind, times, ids, ll)
        else:
            log.add(kind, times, details=details, **cols)
        batches.append((kind, times, cols, details))
    t = log.table()
    ref = _reference_table(batches)
    _assert_same_table(t, ref)
    assert log.table() is t  # sealed: the same table again
    with pytest.raises(RuntimeError, match="sealed"):
        log.add("dwell", 1.0)
    with pytest.raises(RuntimeError, match="sealed"):
        log.add_rows("dwell", np.zeros(1), np.zeros((5, 1), np.int64))


def test_a_sorted_log_is_not_reordered() -> None:
    log = EventLog()
    log.add("dwell", np.arange(5.0), threat_id=np.arange(5))
    log.add("launch", 5.0, details=[{"a": 1}])
    t = log.table()
    assert t.column("threat_id").to_pylist() == [0, 1, 2, 3, 4, -1]
    assert t.column("details").to_pylist() == [None] * 5 + ['{"a": 1}']


@pytest.mark.parametrize("seed", [0, 1])
def test_a_spilled_log_gives_the_same_table(monkeypatch, seed: int) -> None:
    """A log past its memory budget writes its chunks to disk and sorts them back by
    windows of time: the same rows in the same order as the row-by-row reference (small
    chunks, budget and windows, so that runs straddle windows and the first run, with
    its future times, spans them all)."""
    monkeypatch.setattr(events, "CHUNK_ROWS", 5)
    monkeypatch.setattr(events, "WINDOW_ROWS", 17)
    rng = np.random.default_rng(seed)
    log, batches = EventLog(spill_rows=12), []
    first = np.arange(6) * 7.5  # logged first, at later times (as threat launches are)
    log.add("threat_launch", first, threat_id=np.arange(6))
    batches.append(("threat_launch", first, {"threat_id": np.arange(6)}, None))
    for step in range(40):
        n = int(rng.integers(1, 9))
        times = step + np.round(rng.uniform(-1.5, 0.0, n), 1)  # out of order, ties
        cols = {"threat_id": rng.integers(0, 6, n), "track_id": rng.integers(0, 2**40, n)}
        kind = "launch" if step % 7 == 0 else "dwell"
        details = [{"step": step}] * n if kind == "launch" else None
        log.add(kind, times, details=details, **cols)
        batches.append((kind, times, cols, details))
    assert log._spill is not None  # it did spill
    t = log.table()
    ref = _reference_table(batches)
    _assert_same_table(t, ref)


def test_a_run_spilled_to_disk_has_the_same_events_and_summary(monkeypatch) -> None:
    """The default scenario with a memory budget of 500 events in chunks of 100 (it logs
    ~3,000): the event table (mapped from disk, in windows) equals the in-memory one, and
    so does the summary computed from it."""
    from iads.engine import simulate
    from iads.scenario import load_scenario

    loaded = load_scenario("default")
    ref = simulate(loaded, seed=1)
    monkeypatch.setattr(events, "SPILL_ROWS", 500)
    monkeypatch.setattr(events, "CHUNK_ROWS", 100)
    monkeypatch.setattr(events, "WINDOW_ROWS", 400)
    got = simulate(loaded, seed=1)
    assert got.events.num_rows == ref.events.num_rows > 500
    assert got.events.column("time_s").num_chunks > 1  # it was read back in windows
    _assert_same_table(got.events, ref.events)
    assert got.summary() == ref.summary()


def test_released_pages_of_a_mapped_log_read_back_unchanged(monkeypatch) -> None:
    """`release_mapped_pages` hands back the pages of a log mapped from disk: the table
    reads the same afterwards (its mapping is file-backed), the pages it had touched are
    no longer resident (Linux), and the log's entry goes when its table is collected."""
    import gc
    import sys

    monkeypatch.setattr(events, "CHUNK_ROWS", 4096)
    log = EventLog(spill_rows=8192)
    for step in range(60):
        log.add("dwell", np.full(4096, float(step)), threat_id=np.arange(4096) % 97,
                lat_deg=np.linspace(0.0, 1.0, 4096))  # fmt: skip
    t = log.table()
    assert len(events._MAPPED) >= 1
    before = t.column("lat_deg").to_numpy().sum(), t.column("threat_id").to_numpy().sum()

    def resident_kib() -> int:
        with open("/proc/self/status") as f:
            return next(int(x.split()[1]) for x in f if x.startswith("RssFile"))

    if sys.platform.startswith("linux"):
        touched = resident_kib()
        events.release_mapped_pages()
        assert resident_kib() < touched - 1024  # ~3 MB of mapped columns let go
    else:
        events.release_mapped_pages()
    after = t.column("lat_deg").to_numpy().sum(), t.column("threat_id").to_numpy().sum()
    assert after == before
    n = len(events._MAPPED)
    del t, log  # the sealed log keeps its table
    gc.collect()
    assert len(events._MAPPED) == n - 1
