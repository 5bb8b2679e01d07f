"""The engine loop's compiled per-step masks equal their numpy reference."""

from __future__ import annotations

import numpy as np

from iads.engine import _step_jit
from iads.engine.loop import _ending_any
from iads.state.run import FLYING
from iads.threats import Truth


def test_step_masks_equal_the_reference(monkeypatch) -> None:
    rng = np.random.default_rng(4)
    for n in (0, 1, 7, 200):
        status = rng.integers(0, 4, n).astype(np.int8)
        end = np.where(rng.random(n) < 0.2, np.inf, rng.uniform(0.0, 100.0, n))
        for t in (0.0, 10.0, 55.5, 100.0):
            got = [], []
            for enabled, out in ((True, got[0]), (False, got[1])):
                monkeypatch.setattr(_step_jit, "ENABLED", enabled)
                out.append(_ending_any(status, end, t))
            assert got[0] == got[1]
            active = rng.random(n) < 0.5
            ref = active & (status == FLYING)
            _step_jit.keep_flying(active, status, FLYING)
            assert np.array_equal(active, ref)


def test_first_scan_equals_the_reference() -> None:
    rng = np.random.default_rng(5)
    for n in (1, 3, 40):
        phase, revisit = rng.uniform(0.0, 12.0, n), rng.uniform(0.5, 12.0, n)
        done = rng.integers(0, 3000, n)
        ref = np.min(phase + done * revisit)
        assert _step_jit.first_scan_t(phase, done, revisit) == ref
        revisit[n // 2] = np.nan
        assert np.isnan(_step_jit.first_scan_t(phase, done, revisit))


def test_step_state_equals_the_reference() -> None:
    rng = np.random.default_rng(6)
    n, t_grid = 30, np.arange(0.0, 101.0)
    launch, end = rng.uniform(0.0, 60.0, n), rng.uniform(40.0, 120.0, n)
    pos = rng.normal(0.0, 5e6, (t_grid.size, n, 3))
    vel = rng.normal(0.0, 300.0, (t_grid.size, n, 3))
    truth = Truth(t_grid, pos, vel, launch, end)
    status = rng.choice(np.array([FLYING, FLYING, FLYING + 1], np.int8), n)
    for t in (0.0, 33.3, 57.25, 100.0):
        p, act, ending = truth.step_state(t, status, FLYING)
        ref_p, _, ref_act = truth.state_at(t, velocity=False)
        assert np.array_equal(p, ref_p)
        assert np.array_equal(act, ref_act & (status == FLYING))
        assert ending == bool(((status == FLYING) & (end <= t)).any())
