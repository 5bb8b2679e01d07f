"""The engine's step scheduling (``loop._next_step``: the earliest time of each kind of
work, then its step) against the reference it replaced, which took the step of every
candidate time and then the earliest step, checked at every step of a short run of an
integrated network with launches, intercepts and reloads."""

from __future__ import annotations

import numpy as np

from iads.engine import loop, simulate
from iads.scenario import LoadedScenario, load_scenario
from iads.sensors.radar import next_scan_t_s


def _reference(rs, k, n_steps, dt, t_end, wake=np.inf) -> int:
    b = rs.built
    t = k * dt
    cand = [np.ceil(next_scan_t_s(b.radars, rs.radar_schedule) / dt - 1e-9)]
    if np.isfinite(wake):
        cand.append(np.array([np.ceil(wake / dt - 1e-9)]))
    if t_end.size:
        cand.append(np.ceil(t_end / dt - 1e-9) - 1.0)
    for u, pic in enumerate(rs.decision or rs.pictures):
        ready = pic.tracks.confirmed_t_s + b.units.reaction_s[u]
        cand.append(np.ceil(ready[np.isfinite(ready)] / dt - 1e-9))
    if rs.magazines is not None:
        reload = rs.magazines.ready_t_s
        cand.append(np.ceil(reload[(reload > t) & np.isfinite(reload)] / dt - 1e-9))
    nxt = min((float(np.min(c)) for c in cand if c.size), default=np.inf)
    if k >= n_steps:
        return n_steps + 1
    return int(min(max(k + 1, nxt), n_steps))


def test_next_step_equals_reference(monkeypatch):
    loaded = load_scenario("network_demo")
    sc = loaded.scenario
    short = sc.model_copy(update={"settings": sc.settings.model_copy(update={"duration_s": 440.0})})
    calls = {"n": 0, "confirmed": 0, "interceptors": 0}
    fast = loop._next_step

    def checked(rs, k, n_steps, dt, t_end, wake=np.inf):
        got = fast(rs, k, n_steps, dt, t_end, wake)
        assert got == _reference(rs, k, n_steps, dt, t_end, wake), k
        calls["n"] += 1
        calls["interceptors"] += int(t_end.size > 0)
        calls["confirmed"] += int(any(p.tracks.status.any() for p in rs.decision))
        return got

    monkeypatch.setattr(loop, "_next_step", checked)
    result = simulate(LoadedScenario(short, loaded.catalog, loaded.source, loaded.text), seed=0)
    assert calls["n"] > 100 and calls["confirmed"] > 0 and calls["interceptors"] > 0
    assert "launch" in result.events.column("kind").to_pylist()
