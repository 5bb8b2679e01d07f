"""The sensing stage's spatial gate is exact: it sets aside only dwells the radar chain
would find not visible, and keeps their random draws, so a run gives the same event log
and summary with and without it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import iads.sensors.stage as stage
from iads.engine import simulate
from iads.scenario import load_scenario
from iads.sensors import _jit


def _run(monkeypatch, gate: bool, loaded, counts: list[int] | None = None):
    # The numpy path, where the gate is its own step (the compiled chain folds it into its
    # kernel and is held equal to this path by tests/sensors/test_sensing_jit.py).
    monkeypatch.setattr(_jit, "ENABLED", False)
    monkeypatch.setattr(stage, "GATE", gate)
    if counts is not None:
        near = stage._near

        def counting(*a, **k):
            out = near(*a, **k)
            counts.append(0 if out is None else int(np.count_nonzero(~out)))
            return out

        monkeypatch.setattr(stage, "_near", counting)
    return simulate(loaded, seed=5)


def _same(a, b) -> None:
    ea, eb = a.events, b.events
    assert ea.column_names == eb.column_names and ea.num_rows == eb.num_rows
    for c in ea.column_names:  # NaN (no position) equals NaN; every value else exactly
        x, y = ea.column(c).to_numpy(), eb.column(c).to_numpy()
        if x.dtype.kind == "f":
            assert np.array_equal(x, y, equal_nan=True), c
        else:
            assert list(x) == list(y), c
    assert a.summary() == b.summary()


def test_gate_changes_nothing_on_the_default_scenario(monkeypatch) -> None:
    loaded = load_scenario("default")
    off = _run(monkeypatch, False, loaded)
    pruned: list[int] = []
    on = _run(monkeypatch, True, loaded, pruned)
    assert sum(pruned) > 0  # the gate did set dwells aside (low cruise missiles far out)
    _same(off, on)


@pytest.mark.slow
def test_gate_changes_nothing_on_a_small_saturation_raid(monkeypatch) -> None:
    loaded = load_scenario("saturation", params={"n_threats": 16, "batteries": 2})
    # The first hour of the 3 h raid: drones and the first cruise missiles in flight.
    sc = loaded.scenario
    sc = sc.model_copy(update={"settings": sc.settings.model_copy(update={"duration_s": 3600.0})})
    loaded = dataclasses.replace(loaded, scenario=sc)
    pruned: list[int] = []
    on = _run(monkeypatch, True, loaded, pruned)
    off = _run(monkeypatch, False, loaded)
    assert sum(pruned) > 0
    _same(off, on)
