"""Track hold from the track events: the union of confirmed-track intervals per object and
picture, checked against intervals worked by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from iads.engine.track_hold import held_intervals, track_hold_summary, union_length
from iads.state.events import EventLog


def test_union_length_of_overlapping_and_disjoint_intervals():
    # [0, 10] U [5, 12] U [20, 25] U [21, 22] = 12 + 5
    start = np.array([5.0, 0.0, 20.0, 21.0])
    assert union_length(start, np.array([12.0, 10.0, 25.0, 22.0])) == 17.0
    assert union_length(np.array([]), np.array([])) == 0.0
    assert union_length(np.array([3.0]), np.array([3.0])) == 0.0


def _log() -> EventLog:
    log = EventLog()
    # Picture of unit 0: track 1 on object 0 confirmed at 10, dropped at 40; track 2 on
    # object 0 confirmed at 35 (overlap), never dropped (run ends at 100); track 3 from a
    # false alarm (-1) is left out.
    log.add("track_start", 8.0, track_id=1, unit_id=0, threat_id=0)
    log.add("track_confirmed", 10.0, track_id=1, unit_id=0, threat_id=0)
    log.add("track_confirmed", 35.0, track_id=2, unit_id=0, threat_id=0)
    log.add("track_deleted", 40.0, track_id=1, unit_id=0, threat_id=0)
    log.add("track_confirmed", 50.0, track_id=3, unit_id=0, threat_id=-1)
    # Picture of unit 1: its own track 1 (ids are per picture) on object 1, 20 -> 30.
    log.add("track_confirmed", 20.0, track_id=1, unit_id=1, threat_id=1)
    log.add("track_deleted", 30.0, track_id=1, unit_id=1, threat_id=1)
    return log


def test_intervals_pair_confirmations_with_deletions_per_picture():
    tid, unit, t0, t1 = held_intervals(_log().table(), end_s=100.0)
    got = sorted(zip(tid.tolist(), unit.tolist(), t0.tolist(), t1.tolist(), strict=True))
    assert got == [(0, 0, 10.0, 40.0), (0, 0, 35.0, 100.0), (1, 1, 20.0, 30.0)]


def test_summary_rows():
    built = SimpleNamespace(threats=SimpleNamespace(names=["F-35", "F-16"]),
                            units=SimpleNamespace(names=["S-400", "Patriot"]))  # fmt: skip
    rows = track_hold_summary(_log().table(), built, end_s=100.0)
    assert rows == [
        {"threat_id": 0, "name": "F-35",
         "pictures": [{"unit": "S-400", "first_confirmed_s": 10.0, "held_s": 90.0, "tracks": 2}]},
        {"threat_id": 1, "name": "F-16",
         "pictures": [{"unit": "Patriot", "first_confirmed_s": 20.0, "held_s": 10.0,
                       "tracks": 1}]},
    ]  # fmt: skip


def test_a_run_summary_holds_only_detected_objects_within_the_run(default_result):
    s = default_result.summary()
    duration = s["duration_s"]
    detected = {e["threat_id"] for e in s["exposure"]}
    assert s["track_hold"]
    for row in s["track_hold"]:
        assert row["threat_id"] in detected  # a track needs measurements of the object
        for pic in row["pictures"]:
            assert pic["tracks"] >= 1
            assert 0.0 <= pic["held_s"] <= duration - pic["first_confirmed_s"] + 1e-9
