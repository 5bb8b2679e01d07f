"""Interceptor flights rebuilt from the event log agree with the engine's flyout kernel
(``iads.weapons.flyout.Interceptors``) flown toward the same end point."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pymap3d

from iads.engine.events import EVENT_SCHEMA
from iads.report.flyout_tracks import interceptor_flights
from iads.weapons.flyout import Interceptors


def _events(rows: list[dict]) -> pa.Table:
    cols = {f.name: [r.get(f.name) for r in rows] for f in EVENT_SCHEMA}
    for k in ("threat_id", "unit_id", "radar_id", "track_id", "interceptor_id"):
        cols[k] = [-1 if v is None else v for v in cols[k]]
    return pa.Table.from_pydict(cols, schema=EVENT_SCHEMA)


def test_rebuilt_flight_matches_the_flyout_kernel():
    launch = dict(lat_deg=40.0786, lon_deg=32.5656, alt_m=0.0)
    end = dict(lat_deg=40.19, lon_deg=33.03, alt_m=6800.0)
    ev = _events(
        [
            dict(
                time_s=100.0,
                kind="launch",
                threat_id=3,
                unit_id=0,
                track_id=7,
                interceptor_id=0,
                details=json.dumps({"missile": "48N6E3"}),
                **launch,
            ),
            dict(
                time_s=100.0,
                kind="launch",
                threat_id=-1,
                unit_id=0,
                track_id=8,
                interceptor_id=1,
                details=json.dumps({"missile": "48N6E3"}),
                **launch,
            ),
            dict(
                time_s=131.5,
                kind="intercept",
                threat_id=3,
                unit_id=0,
                track_id=7,
                interceptor_id=0,
                details=json.dumps({"pk": 0.7}),
                **end,
            ),
        ]
    )
    fl = interceptor_flights(ev)
    assert fl.n == 1 and fl.n_unfinished == 1  # interceptor 1 never ended
    assert fl.threat_id.tolist() == [3] and fl.end_kind == ("intercept",)
    p0 = np.array(pymap3d.geodetic2ecef(launch["lat_deg"], launch["lon_deg"], launch["alt_m"]))
    p1 = np.array(pymap3d.geodetic2ecef(end["lat_deg"], end["lon_deg"], end["alt_m"]))
    speed = np.linalg.norm(p1 - p0) / 31.5
    icp = Interceptors()
    ids = icp.launch(
        100.0,
        np.array([0]),
        np.array([0]),
        np.array([7]),
        p0[None],
        p1[None],
        np.array([speed]),
        np.array([60.0]),
    )
    t = 100.0
    while t < 131.0:
        icp.advance(ids, 1.0)
        t += 1.0
        pos, live = fl.positions_at(t)
        assert live[0, 0]
        np.testing.assert_allclose(pos[0, 0], icp.pos_ecef_m[0], atol=1e-6)
    np.testing.assert_allclose(fl.velocity_ecef_mps[0], (p1 - p0) / 31.5)


def test_a_shot_wasted_on_a_false_track_ends_its_flight():
    """An interceptor fired at a track no object made ends with ``wasted_on_false_track``:
    its flight is finished (drawn and sent), not left out as still flying."""
    launch = dict(lat_deg=40.0, lon_deg=32.5, alt_m=0.0)
    end = dict(lat_deg=40.3, lon_deg=32.9, alt_m=5000.0)
    ev = _events(
        [
            dict(time_s=10.0, kind="launch", threat_id=-1, unit_id=0, track_id=4,
                 interceptor_id=0, details=json.dumps({"missile": "48N6E3"}), **launch),
            dict(time_s=70.0, kind="wasted_on_false_track", threat_id=-1, unit_id=0,
                 track_id=4, interceptor_id=0,
                 details=json.dumps({"missile": "48N6E3", "reason": "false track"}), **end),
        ]
    )  # fmt: skip
    fl = interceptor_flights(ev)
    assert fl.n_unfinished == 0 and fl.end_kind == ("wasted_on_false_track",)
    assert fl.end_reason == ("false track",) and fl.end_t_s.tolist() == [70.0]
