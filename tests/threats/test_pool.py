"""Pooled threat slots (iads.threats.pool): never active until launched, and a launch
spliced into the truth equals the same flight flown from the start."""

from __future__ import annotations

import numpy as np
import pytest

from iads.errors import ParameterError
from iads.threats import PooledSlot, WaypointFlight, fly


def test_pooled_slot_is_never_active_and_a_spliced_launch_flies_like_the_spec() -> None:
    wp = np.array([[40.0, 30.0, 300.0], [40.0, 31.0, 300.0]])
    other = WaypointFlight(np.array([[41.0, 30.0, 1000.0], [41.0, 30.5, 1000.0]]), 200.0, 0.0)
    truth = fly([other, PooledSlot((40.0, 30.0, 300.0))], 600.0, 1.0)
    assert np.isinf(truth.launch_t_s[1]) and not truth.active(0.0)[1]
    assert not any(truth.active(float(t))[1] for t in (0.0, 100.0, 599.0))
    spec = WaypointFlight(wp, 630.0, 50.0)
    truth.splice(np.array([1]), fly([spec], 600.0, 1.0))
    alone = fly([spec], 600.0, 1.0)
    for t in (50.0, 75.3, 120.0):
        p, v, act = truth.state_at(t)
        q, w, _ = alone.state_at(t)
        assert act[1]
        np.testing.assert_array_equal(p[1], q[0])
        np.testing.assert_array_equal(v[1], w[0])
    assert truth.launch_t_s[1] == 50.0 and truth.end_t_s[1] == alone.end_t_s[0]
    # The other threat is untouched.
    np.testing.assert_array_equal(truth.state_at(30.0)[0][0], fly([other], 600.0, 1.0).state_at(
        30.0)[0][0])


def test_splice_needs_the_same_grid() -> None:
    truth = fly([PooledSlot((40.0, 30.0, 0.0))], 100.0, 1.0)
    spec = WaypointFlight(np.array([[40.0, 30.0, 0.0], [40.0, 30.1, 0.0]]), 100.0, 10.0)
    with pytest.raises(ParameterError):
        truth.splice(np.array([0]), fly([spec], 200.0, 1.0))
