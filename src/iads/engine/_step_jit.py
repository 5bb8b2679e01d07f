"""Compiled (numba) per-step masks of the engine loop (private): two small scans over the
threats that replace a handful of numpy calls each step, with the same comparisons, so
the same booleans (``tests/engine/test_step_jit.py``). ``ENABLED = False`` selects the
numpy reference in ``iads.engine.loop``."""

from __future__ import annotations

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
def keep_flying_ending(active, status, end_t_s, t_s, flying):
    """``active &= status == flying``, in place, and whether some threat with ``status ==
    flying`` has ``end_t_s <= t_s`` (``any_ending``), in one scan."""
    ending = False
    for i in range(active.shape[0]):
        f = status[i] == flying
        active[i] = active[i] and f
        if f and end_t_s[i] <= t_s:
            ending = True
    return ending
