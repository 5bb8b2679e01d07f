"""The compiled WTA greedy (iads.c2.wta._jit) against the numpy reference
(``_heuristic.greedy`` with the switch off), bit for bit on random problems: ties between
equal values and equal probabilities, certain (q = 0) and useless (q = 1) shots, types
without shots, one type or one target."""

from __future__ import annotations

import numpy as np
import pytest

from iads.c2.wta import _heuristic, _jit


def _problem(rng):
    n_types, n_targets = int(rng.integers(1, 6)), int(rng.integers(1, 12))
    values = (
        rng.choice([1.0, 2.0, 5.0], n_targets)
        if rng.random() < 0.3
        else rng.uniform(0.0, 10.0, n_targets)
    )
    q = rng.uniform(0.0, 1.0, (n_types, n_targets))
    if rng.random() < 0.3:
        q = np.round(q, 1)  # ties, certain and useless shots
    counts = rng.integers(0, 6, n_types).astype(np.int64)
    return values, q, counts


@pytest.mark.parametrize("seed", range(3))
def test_greedy_equals_the_reference(monkeypatch, seed) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(700):
        values, q, counts = _problem(rng)
        monkeypatch.setattr(_jit, "ENABLED", False)
        ref = _heuristic.greedy(values, q, counts)
        monkeypatch.setattr(_jit, "ENABLED", True)
        got = _heuristic.greedy(values, q, counts)
        assert got.dtype == ref.dtype and np.array_equal(got, ref)
