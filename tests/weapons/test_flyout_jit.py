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


@pytest.mark.parametrize("n", [1, 2, 3, 8, 31])
def test_guide_equals_the_reference(monkeypatch, n) -> None:
    rng = np.random.default_rng(n)
    for _ in range(20):
        a, b = _fleet(rng, n), None
        b = Interceptors(**{k: getattr(a, k) for k in ("n", "n_flying")})
        for name in ("unit", "mtype", "track_id", "launch_t_s", "max_t_s", "speed_mps",
                     "pos_ecef_m", "aim_ecef_m", "flying"):  # fmt: skip
            setattr(b, name, getattr(a, name).copy())
        ids = np.sort(rng.choice(n, max(n - 1, 1), replace=False))
        k = ids.size
        tpos = a.pos_ecef_m[ids] + rng.normal(0.0, 5e4, (k, 3))
        tvel = rng.normal(0.0, 800.0, (k, 3))
        tvel[::3] *= 3.0  # faster than the interceptor: often no intercept
        tvel[1::4] = 0.0
        tpos[2::5] = a.pos_ecef_m[ids][2::5]  # target at the interceptor
        has = rng.random(k) < 0.8
        monkeypatch.setattr(_flyout_jit, "ENABLED", True)
        got = a.guide(ids, tpos, tvel, has)
        monkeypatch.setattr(_flyout_jit, "ENABLED", False)
        ref = b.guide(ids, tpos, tvel, has)
        assert np.array_equal(got, ref, equal_nan=True)
        assert np.array_equal(a.aim_ecef_m, b.aim_ecef_m, equal_nan=True)
