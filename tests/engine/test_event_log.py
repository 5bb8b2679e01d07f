"""The event log's columnar chunks: batches that cross a chunk boundary, scalars broadcast,
defaults, details kept only where given, and the table sorted stably by time."""

from __future__ import annotations

import json

import numpy as np
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
