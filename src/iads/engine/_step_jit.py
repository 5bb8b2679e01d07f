"""Compiled (numba) per-step scans of the engine loop (private): small scans over the
threats (and the radars' next scan times) that replace a handful of numpy calls each
step, with the same comparisons and arithmetic, so the same results
(``tests/engine/test_step_jit.py``). ``ENABLED = False`` selects the
numpy reference in ``iads.engine.loop``."""

from __future__ import annotations

import math

from numba import njit

#: Use the compiled path (False: the numpy reference, the same booleans).
ENABLED = True


@njit(cache=True)
def any_ending(status, end_t_s, t_s, flying):
    """Whether some threat with ``status == flying`` has ``end_t_s <= t_s``."""
    for i in range(status.shape[0]):
        if status[i] == flying and end_t_s[i] <= t_s:
            return True
    return False


@njit(cache=True)
def keep_flying(active, status, flying):
    """``active &= status == flying``, in place."""
    for i in range(active.shape[0]):
        active[i] = active[i] and status[i] == flying


@njit(cache=True)
def first_scan_t(phase_s, n_done, revisit_s):
    """``np.min(phase_s + n_done * revisit_s)`` (r >= 1 radars; NaN if any is NaN): the
    time [s] of the earliest next radar scan (``iads.sensors.radar.next_scan_t_s``)."""
    best = math.inf
    for r in range(phase_s.shape[0]):
        x = phase_s[r] + n_done[r] * revisit_s[r]
        if x != x:
            return x
        if x < best:
            best = x
    return best
