"""Terrain following on the windowed truth equals the dense reference
(``iads.sensors.terrain.terrain_following``) bit for bit on every stored sample but the
two end samples of each window (whose time derivative is one-sided there)."""

from __future__ import annotations

import numpy as np

import iads.engine.loop as loop
from iads.catalog.schema import THREAT_CLASSES
from iads.engine import build
from iads.scenario import load_scenario
from iads.threats import fly


def test_windowed_terrain_following_equals_the_dense_one(monkeypatch) -> None:
    b = build(load_scenario("saturation", params={"n_threats": 30, "batteries": 1}), seed=2)
    assert b.sensing is not None and b.sensing.terrain is not None
    truth = fly(b.threats.specs, 1800.0, 1.0)
    monkeypatch.setattr(loop, "TERRAIN_DENSE", True)
    ref = loop._over_terrain(b, truth)
    monkeypatch.setattr(loop, "TERRAIN_DENSE", False)
    got = loop._over_terrain(b, fly(b.threats.specs, 1800.0, 1.0))
    assert not np.array_equal(got.p, truth.p)  # it did lift some
    ballistic = b.threats.klass == THREAT_CLASSES.index("ballistic_missile")
    assert np.array_equal(got.pos_ecef_m[:, ballistic], truth.pos_ecef_m[:, ballistic])
    k = np.arange(truth.t_s.size)[:, None]
    inner = (k > truth.k0) & (k < truth.k0 + truth.nk - 1)  # (n_t, n)
    for a, r in ((got.pos_ecef_m, ref.pos_ecef_m), (got.vel_ecef_mps, ref.vel_ecef_mps)):
        assert np.array_equal(a[inner], r[inner])
