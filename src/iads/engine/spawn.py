"""Threats launched during the run: activating pooled slots (``iads.threats.pool``).

What a run may ever hold is allocated when it is built (``Built.threats.parent`` names
the carrier of each pooled slot), so the arrays over threats keep one shape. A decision
taken during the run (an aircraft firing an anti-radiation missile at an emitter it
detected, releasing a decoy) calls :func:`launch_pooled` with the slots and their flight
specs: the specs are flown by the same batch kernels (``iads.threats.fly``) on the run's
time grid, spliced into the run's truth, the slots become FLYING and a ``threat_launch``
event is logged for each. Everything downstream (sensing, tracking, battle management,
flyout, leakers) then sees them like any other threat.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from iads.state import FLYING, NOT_LAUNCHED, RunState, lla
from iads.threats import FlightSpec, fly
from iads.threats.truth import PAD

__all__ = ["free_slots", "launch_pooled"]


def free_slots(rs: RunState, carrier: int, type_key: str | None = None) -> NDArray[np.int64]:
    """Pooled slots of ``carrier`` (optionally of one catalog type) not launched yet, in
    index order."""
    th = rs.built.threats
    if th.parent is None:
        return np.empty(0, np.int64)
    sel = (th.parent == carrier) & (rs.status == NOT_LAUNCHED)
    if type_key is not None:
        sel &= np.array([k == type_key for k in th.type_key])
    return np.flatnonzero(sel)


def launch_pooled(
    rs: RunState,
    slots: NDArray[np.int64],
    specs: Sequence[FlightSpec],
    details: list[dict[str, Any]] | None = None,
) -> None:
    """Launch the pooled ``slots`` (k,) with their flight ``specs`` (k; each spec's
    ``launch_t_s`` is the launch time, at or after the current step); logs one
    ``threat_launch`` per slot with ``details`` (k dicts) added to the carrier's name."""
    slots = np.asarray(slots, dtype=np.int64)
    if slots.size == 0:
        return
    th = rs.built.threats
    if not np.all(th.pooled[slots]) or not np.all(rs.status[slots] == NOT_LAUNCHED):
        raise ValueError("launch_pooled: only pooled slots not launched yet can be launched")
    truth = rs.truth
    step = rs.built.scenario.settings.time_step_s  # the run truth's windows (engine.loop)
    grid = fly(specs, float(truth.t_s[-1]), truth.dt_s, pad=PAD + math.ceil(step / truth.dt_s))
    truth.splice(slots, grid)
    if rs.speed_bound_mps is not None:  # the sensing gate's speed bound (iads.sensors.stage)
        v = np.maximum.reduceat(np.linalg.norm(grid.v, axis=-1), grid.row0)  # (k,) windows
        rs.speed_bound_mps[slots] = 1.1 * v + 50.0
    rs.status[slots] = FLYING
    t = truth.launch_t_s[slots]
    starts = np.empty((slots.size, 3))
    for k, s in enumerate(slots):  # a loop over the few slots launched in one step
        starts[k] = truth.state_of([s], float(t[k]))[0][0]
    lat, lon, h = lla(starts)
    extra = details or [{} for _ in range(slots.size)]
    rs.log.add(
        "threat_launch",
        t,
        threat_id=slots,
        lat_deg=lat,
        lon_deg=lon,
        alt_m=h,
        details=[{"carrier": th.names[int(th.parent[s])], **d} for s, d in zip(slots, extra,
                                                                               strict=True)],
    )
