"""Engine invariants on the default scenario: determinism, conservation of threats,
kinematics of the truth, exact intercept times, and the event log's schema."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute  # noqa: F401
import pytest

from iads.engine import EVENT_SCHEMA, simulate, streams
from iads.geo import great_circle_distance_m


def identical(a: pa.Table, b: pa.Table) -> bool:
    """Bit-identical tables, NaN equal to NaN (absent positions are NaN)."""
    if a.schema != b.schema or a.num_rows != b.num_rows:
        return False
    for name in a.column_names:
        x, y = a.column(name), b.column(name)
        if pa.types.is_floating(x.type):
            if not np.array_equal(x.to_numpy(), y.to_numpy(), equal_nan=True):
                return False
        elif not x.equals(y):
            return False
    return True


def test_same_seed_same_event_log(default_loaded, default_result) -> None:
    again = simulate(default_loaded)
    assert identical(again.events, default_result.events)


def test_other_seed_other_event_log(default_loaded, default_result) -> None:
    other = simulate(default_loaded, seed=default_loaded.scenario.settings.seed + 1)
    assert not identical(other.events, default_result.events)


def test_streams_are_independent_and_reproducible() -> None:
    a, b = streams(7), streams(7)
    draws = {k: a[k].random(4) for k in a}
    for k in b:
        assert np.array_equal(draws[k], b[k].random(4))
    vals = [tuple(v) for v in draws.values()]
    assert len(set(vals)) == len(vals)


def test_event_log_schema(default_result) -> None:
    ev = default_result.events
    assert ev.schema.equals(EVENT_SCHEMA, check_metadata=False)
    t = ev.column("time_s").to_numpy()
    assert np.all(np.diff(t) >= 0)
    kinds = set(ev.column("kind").to_pylist())
    for k in ("threat_launch", "detection", "track_start", "launch", "intercept", "leak", "impact"):
        assert k in kinds, k


def test_every_threat_ends_exactly_once(default_result) -> None:
    """Each launched threat ends killed, leaked or still flying, exactly one of them."""
    ev = default_result.events
    n = default_result.built.threats.n
    kind = np.asarray(ev.column("kind").to_pylist())
    tid = ev.column("threat_id").to_numpy()
    killed = np.bincount(tid[kind == "intercept"], minlength=n)
    leaked = np.bincount(tid[kind == "leak"], minlength=n)
    assert killed.max() <= 1 and leaked.max() <= 1
    assert not np.any((killed == 1) & (leaked == 1))
    s = default_result.summary()["totals"]
    assert s["killed"] + s["leaked"] + s["flying"] + s["not_launched"] == s["threats"] == n
    # Nothing happens to a threat after it ended.
    t = ev.column("time_s").to_numpy()
    for i in range(n):
        ends = t[(tid == i) & np.isin(kind, ["intercept", "leak"])]
        if ends.size:
            later = (
                (tid == i) & (t > ends[0] + 1e-9) & np.isin(kind, ["intercept", "leak", "impact"])
            )
            assert not later.any()


def test_threat_covers_v_times_t(default_result) -> None:
    """Constant-speed flight: ground distance between two instants on one leg is v·Δt."""
    tr = default_result.truth
    spec = default_result.built.threats.specs[0]
    t0 = tr.launch_t_s[0] + 5.0
    t1 = t0 + 60.0
    from iads.geo import ecef_to_geodetic

    p0 = tr.state_at(t0)[0][0]
    p1 = tr.state_at(t1)[0][0]
    la0, lo0, _ = ecef_to_geodetic(*p0)
    la1, lo1, _ = ecef_to_geodetic(*p1)
    d = great_circle_distance_m(la0, lo0, la1, lo1)
    assert d == pytest.approx(spec.speed_mps * 60.0, rel=1e-3)


def test_intercepts_resolved_inside_steps(default_result) -> None:
    """Intercept times are exact (not rounded to the step) and consistent with the
    interceptor's time of flight at its mean speed."""
    b = default_result.built
    ev = default_result.events
    kind = np.asarray(ev.column("kind").to_pylist())
    t = ev.column("time_s").to_numpy()
    iid = ev.column("interceptor_id").to_numpy()
    ends = np.flatnonzero(np.isin(kind, ["intercept"]))
    assert ends.size > 0
    frac = t[ends] - np.floor(t[ends])
    assert np.any((frac > 1e-6) & (frac < 1 - 1e-6))
    launches = {
        int(i): float(tt) for i, tt in zip(iid[kind == "launch"], t[kind == "launch"], strict=True)
    }
    lat = ev.column("lat_deg").to_numpy()
    lon = ev.column("lon_deg").to_numpy()
    alt = ev.column("alt_m").to_numpy()
    from iads.geo import geodetic_to_ecef

    for e in ends:
        tof = t[e] - launches[int(iid[e])]
        det = json.loads(ev.column("details")[int(e)].as_py())
        m = b.missiles.keys.index(det["missile"])
        p = np.array(geodetic_to_ecef(lat[e], lon[e], alt[e]))
        u = int(ev.column("unit_id")[int(e)].as_py())
        straight = np.linalg.norm(p - b.units.pos_ecef_m[u]) / b.missiles.speed_mps[m]
        # Midcourse updates bend the path a little: flown time >= straight-line time.
        assert straight * 0.999 <= tof <= straight * 1.10


def test_magazines_deplete_and_never_go_negative(default_result) -> None:
    s = default_result.summary()
    b = default_result.built
    fired = sum(s["interceptors_fired"].values())
    assert fired == sum(u["fired"] for u in s["units"])
    assert fired <= int(b.units.stock0.sum())
    for u in s["units"]:
        assert all(v >= 0 for v in u["left"].values())


def test_summary_is_sensible_and_lists_assumptions(default_result) -> None:
    s = default_result.summary()
    assert s["totals"]["killed"] > 0
    # Terrain on (the default): low flights behind the hills may never be seen.
    assert 0 < s["totals"]["detected"] <= s["totals"]["launched"]
    assert any(a["entry"].startswith("systems.S-400") for a in s["assumed_figures"])
    json.dumps(s)  # JSON-ready


def test_truth_table(default_result) -> None:
    from iads.report import truth_table

    tt = truth_table(default_result, rate_hz=0.1)
    assert isinstance(tt, pa.Table) and tt.num_rows > 0
    assert set(tt.column_names) >= {"time_s", "threat_id", "name", "type", "lat_deg", "alt_m"}
    # A killed threat has no truth rows after its kill.
    kills = default_result.events_of("intercept")
    i = int(kills.column("threat_id")[0].as_py())
    t_kill = float(kills.column("time_s")[0].as_py())
    times = tt.filter(pa.compute.equal(tt.column("threat_id"), i)).column("time_s").to_numpy()
    assert times.size > 0 and times.max() <= t_kill
