"""Whole runs equal with the loop's guards and the compiled flyout on or off: the
reference path (every per-step call made, the numpy flyout and step masks) gives the same
event table, bit for bit (the flyout kernels call only ``sqrt`` and ``copysign``)."""

from __future__ import annotations

import numpy as np
import pytest

from iads.engine import _step_jit, loop, simulate
from iads.scenario import load_scenario
from iads.weapons import _flyout_jit


def _events(monkeypatch, name: str, reference: bool):
    monkeypatch.setattr(_flyout_jit, "ENABLED", not reference)
    monkeypatch.setattr(_step_jit, "ENABLED", not reference)
    monkeypatch.setattr(loop, "LOOP_REFERENCE", reference)
    return simulate(load_scenario(name), seed=0).events


@pytest.mark.parametrize("name", ["default", "sead_emcon"])
def test_run_equals_the_reference(monkeypatch, name) -> None:
    got, ref = _events(monkeypatch, name, False), _events(monkeypatch, name, True)
    assert got.num_rows == ref.num_rows
    kinds = set(got.column("kind").to_pylist())
    assert {"intercept", "miss"} <= kinds
    for c in got.column_names:
        x, y = got.column(c).to_numpy(zero_copy_only=False), ref.column(c).to_numpy(
            zero_copy_only=False)  # fmt: skip
        if x.dtype.kind == "f":
            assert np.array_equal(x, y, equal_nan=True), c
        else:
            assert list(x) == list(y), c
