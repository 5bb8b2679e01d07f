"""`iads.c2.outcome.engageable` evaluates its (sample, entity) pairs in chunks, so that its
memory stays bounded at any raid size: the answer does not depend on the chunk size."""

from __future__ import annotations

import numpy as np

import iads.c2.outcome as outcome
from iads.engine import simulate
from iads.scenario import load_scenario


def test_engageable_is_the_same_in_chunks_of_any_size(monkeypatch) -> None:
    r = simulate(load_scenario("default"), seed=0)
    whole = outcome.engageable(r.built, r.truth)
    assert whole.any()
    for size in (1, 7, 1000):
        monkeypatch.setattr(outcome, "_PAIRS_PER_CHUNK", size)
        np.testing.assert_array_equal(outcome.engageable(r.built, r.truth), whole)
