"""The engine loop's compiled per-step masks equal their numpy reference."""

from __future__ import annotations

import numpy as np

from iads.engine import _step_jit
from iads.engine.loop import _ending_any
from iads.state.run import FLYING


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
