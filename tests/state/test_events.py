"""``EventLog.add_rows`` (rows built by compiled stages in the log's own layout) gives the
table ``EventLog.add`` gives for the same events, chunk boundaries included, and refuses
rows of the wrong shape; ``add`` takes the column forms the stages pass."""

from __future__ import annotations

import numpy as np
import pytest

import iads.state.events as events
from iads.state.events import EventLog


@pytest.mark.parametrize("chunk", [3, 16_384])
def test_add_rows_gives_the_table_of_add(monkeypatch, chunk) -> None:
    monkeypatch.setattr(events, "CHUNK_ROWS", chunk)
    rng = np.random.default_rng(0)
    a, b = EventLog(), EventLog()
    for step in range(40):
        n = int(rng.integers(0, 6))
        t = step + rng.random(n)
        ints = np.full((5, n), -1, np.int64)
        ints[:3] = rng.integers(0, 30, (3, n))
        floats = rng.normal(0.0, 50.0, (3, n))
        a.add("dwell", t, threat_id=ints[0], unit_id=ints[1], radar_id=ints[2])
        b.add_rows("dwell", t, ints)
        a.add("detection", t, threat_id=ints[0], unit_id=ints[1], radar_id=ints[2],
              lat_deg=floats[0], lon_deg=floats[1], alt_m=floats[2])  # fmt: skip
        b.add_rows("detection", t, ints, floats)
        a.add("track_start", float(step), track_id=np.arange(2), unit_id=1, threat_id=3)
        b.add("track_start", float(step), track_id=np.arange(2), unit_id=1, threat_id=3)
    assert len(a) == len(b) > 100
    ta, tb = a.table(), b.table()
    assert ta.schema == tb.schema and ta.num_rows == tb.num_rows
    for c in ta.column_names:  # NaN positions too (Table.equals holds NaN != NaN)
        x, y = ta.column(c).to_numpy(), tb.column(c).to_numpy()
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), c


def test_add_rows_refuses_rows_of_the_wrong_shape() -> None:
    log = EventLog()
    with pytest.raises(ValueError):
        log.add_rows("dwell", np.zeros(2), np.zeros((4, 2), np.int64))
    with pytest.raises(ValueError):
        log.add_rows("dwell", np.zeros(2), np.zeros((5, 2), np.int64), np.zeros((3, 1)))
    with pytest.raises(KeyError):
        log.add_rows("nothing", np.zeros(1), np.zeros((5, 1), np.int64))


def test_add_takes_scalars_lists_and_one_element_arrays() -> None:
    log = EventLog()
    log.add("leak", np.float64(3.0), threat_id=np.int64(4), lat_deg=np.array([1.5]),
            alt_m=[7.0])  # fmt: skip
    log.add("dwell", [1.0, 2.0], threat_id=np.array([1, 2], np.int32), radar_id=True)
    with pytest.raises(ValueError, match="shape"):
        log.add("dwell", np.zeros(3), threat_id=np.zeros(2))
    with pytest.raises(ValueError, match="unknown event columns"):
        log.add("dwell", 1.0, bogus=1)
    rows = log.table().to_pylist()
    assert [(r["kind"], r["threat_id"], r["radar_id"]) for r in rows] == [
        ("dwell", 1, 1), ("dwell", 2, 1), ("leak", 4, -1)]  # fmt: skip
    leak = rows[2]
    assert leak["lat_deg"] == 1.5 and leak["alt_m"] == 7.0 and np.isnan(leak["lon_deg"])


def _mixed_log(n: int = 5_000, seed: int = 0):
    rng = np.random.default_rng(seed)
    kinds = np.array(events.EVENT_KINDS)[rng.integers(0, len(events.EVENT_KINDS), n)]
    log = EventLog()
    t = np.sort(rng.uniform(0.0, 100.0, n))
    for k, tt, tid in zip(kinds, t, rng.integers(-1, 50, n), strict=True):
        log.add(str(k), float(tt), threat_id=int(tid), radar_id=int(tid) % 3)
    return log.table(), kinds


@pytest.mark.parametrize("as_strings", [False, True])
def test_of_kind_matches_a_row_by_row_filter(tmp_path, as_strings) -> None:
    """`of_kind` and `kind_mask` pick the rows whose kind is given, on the engine's
    dictionary column and on a plain string column (as another tool may write the file),
    and keep only the columns asked for."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tab, _ = _mixed_log()
    if as_strings:
        tab = tab.set_column(1, "kind", tab.column("kind").cast(pa.string()))
        pq.write_table(tab, tmp_path / "e.parquet")
        tab = pq.read_table(tmp_path / "e.parquet")
    row_kinds = [str(k) for k in tab.column("kind").to_pylist()]
    for want in ("detection", ("launch", "intercept", "dwell"), "no_such_kind"):
        ws = {want} if isinstance(want, str) else set(want)
        expect = np.array([k in ws for k in row_kinds])
        np.testing.assert_array_equal(events.kind_mask(tab, want), expect)
        sub = events.of_kind(tab, want, ["time_s", "threat_id"])
        assert sub.column_names == ["time_s", "threat_id"]
        np.testing.assert_array_equal(
            sub.column("time_s").to_numpy(), tab.column("time_s").to_numpy()[expect])


def test_kind_slices_cover_the_log_in_order() -> None:
    tab, _ = _mixed_log()
    whole = events.of_kind(tab, "dwell", ["time_s", "threat_id"])
    for rows in (1, 333, 10_000):
        parts = list(events.kind_slices(tab, "dwell", ["time_s", "threat_id"], rows=rows))
        assert len(parts) == -(-tab.num_rows // rows)
        got = np.concatenate([p.column("time_s").to_numpy() for p in parts])
        np.testing.assert_array_equal(got, whole.column("time_s").to_numpy())
