"""The compiled interceptor motion equals its numpy reference bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from iads.weapons import _flyout_jit
from iads.weapons.flyout import Interceptors


def _fleet(rng: np.random.Generator, n: int) -> Interceptors:
    icp = Interceptors()
    pos = rng.normal(0.0, 4e6, (n, 3))
    aim = pos + rng.normal(0.0, 2e4, (n, 3))
    aim[::5] = pos[::5]  # at the aim point already
    icp.launch(10.0, np.zeros(n, np.int64), np.zeros(n, np.int64), np.arange(n), pos, aim,
               rng.uniform(300.0, 2000.0, n), np.full(n, 60.0))  # fmt: skip
    return icp


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_advance_equals_the_reference(monkeypatch, seed) -> None:
    rng = np.random.default_rng(seed)
    a, b = _fleet(rng, 23), _fleet(np.random.default_rng(seed), 23)
    ids = np.sort(rng.choice(23, 17, replace=False))
    for dt in (0.5, 1.0, 7.25, 40.0):  # some reach their aim point
        monkeypatch.setattr(_flyout_jit, "ENABLED", True)
        a.advance(ids, dt)
        monkeypatch.setattr(_flyout_jit, "ENABLED", False)
        b.advance(ids, dt)
        assert np.array_equal(a.pos_ecef_m, b.pos_ecef_m)
