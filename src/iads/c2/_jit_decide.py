"""Compiled (numba) tests of the battle-management decision that come before the
envelopes (private); ``ENABLED`` chooses them (True) or the numpy reference path of
``iads.c2.stage`` (False), and the tests run both.

At most steps a group with confirmed tracks decides nothing: every confirmed track is
identified already and every hostile one has an engagement in flight (look before
shooting again). The reference path finds that with ~40 numpy calls on a few elements
(~50 us); here it is two calls:

- `looks_due`: the pending confirmed tracks due for an identification look
  (``stage._identify``'s selection);
- `eligible_rows`: the rows of the tracks the doctrine lets be engaged now (confirmed,
  not dead, fewer engagements than the doctrine's maximum, declared hostile, no
  engagement of the group in flight on it), ``stage._decide``'s eligibility test; none
  when every one of them is still inside the group's shortest reaction time (no unit
  could fire at it: its Pk would be zeroed).

Both are comparisons and integer logic only (the one subtraction, ``t_s - last``, is the
same IEEE operation), so they equal the reference bit for bit; the tests compare them
on random inputs and on whole runs. Compiled with ``cache=True``.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

__all__ = ["ENABLED", "eligible_rows", "looks_due"]

ENABLED = True
"""Use the compiled tests (True) or the numpy reference path (False)."""

_CONFIRMED = 1  # iads.tracking.base.TrackStatus.CONFIRMED
_PENDING, _HOSTILE = 0, 1  # iads.c2.iff.PENDING, HOSTILE


@njit(cache=True)
def looks_due(
    status: NDArray[np.int8],
    ids: NDArray[np.int64],
    ident: NDArray[np.int8],
    truth: NDArray[np.int64],
    look_t_s: NDArray[np.float64],
    t_s: float,
    period_s: float,
    real_only: bool,
) -> NDArray[np.int64]:
    """Ids (k,) of the confirmed tracks (``status``, ``ids`` (n,)) still pending
    (``ident`` by id) whose last look (``look_t_s`` by id [s], NaN: never) is at least
    ``period_s`` old at ``t_s`` [s] (``t_s - last >= period_s``), in track order;
    ``real_only``: only tracks a real object made (``truth`` by id >= 0)."""
    out = np.empty(ids.shape[0], np.int64)
    k = 0
    for i in range(ids.shape[0]):
        j = ids[i]
        if status[i] != _CONFIRMED or ident[j] != _PENDING or (real_only and truth[j] < 0):
            continue
        last = look_t_s[j]
        if last != last or t_s - last >= period_s:
            out[k] = j
            k += 1
    return out[:k]


@njit(cache=True)
def eligible_rows(
    status: NDArray[np.int8],
    ids: NDArray[np.int64],
    dead: NDArray[np.bool_],
    assess_t_s: NDArray[np.float64],
    last_update_t_s: NDArray[np.float64],
    shots: NDArray[np.int64],
    max_engagements: int,
    ident: NDArray[np.int8],
    truth: NDArray[np.int64],
    real_only: bool,
    inflight: NDArray[np.int64],
    icp_unit: NDArray[np.int64],
    icp_track: NDArray[np.int64],
    member: NDArray[np.bool_],
    confirmed_t_s: NDArray[np.float64],
    t_s: float,
    reaction_s: float,
) -> NDArray[np.int64]:
    """Rows (k,) of the tracks (``status``, ``ids`` (n,)) the doctrine lets be engaged:
    confirmed, not ``dead`` (held for kill assessment; the hold is lifted here, in place,
    for a track updated after its ``assess_t_s`` (by id): ``last_update_t_s`` (n,) later),
    fewer ``shots`` than ``max_engagements``, ``ident`` hostile
    (arrays by track id), no interceptor of ``inflight`` (interceptor ids) fired by a unit
    of the group (``member`` by unit, ``icp_unit``) on it (``icp_track``);
    ``real_only``: only tracks a real object made (``truth`` by id >= 0). None (k = 0)
    when each of them is still inside ``reaction_s`` [s] (the group's shortest reaction
    time) at ``t_s`` [s], ``t_s - confirmed_t_s < reaction_s``: no unit could fire."""
    on = np.empty(inflight.shape[0], np.int64)
    n_on = 0
    for i in inflight:
        if member[icp_unit[i]]:
            on[n_on] = icp_track[i]
            n_on += 1
    out = np.empty(ids.shape[0], np.int64)
    k = 0
    for r in range(ids.shape[0]):
        j = ids[r]
        if dead[j] and last_update_t_s[r] > assess_t_s[j]:
            dead[j] = False  # looked at after the intercept time: still there
        if (
            status[r] != _CONFIRMED
            or dead[j]
            or not shots[j] < max_engagements
            or ident[j] != _HOSTILE
            or (real_only and truth[j] < 0)
        ):
            continue
        flying = False
        for q in range(n_on):
            if on[q] == j:
                flying = True
                break
        if not flying:
            out[k] = r
            k += 1
    for i in range(k):
        if not t_s - confirmed_t_s[out[i]] < reaction_s:
            return out[:k]
    return out[:0]
