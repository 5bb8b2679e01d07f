"""Entity states of a replay, long form: the samples each defense unit, threat and
interceptor could be reported at, and the choice of those an Entity State PDU is issued at
(``iads.dis.schedule``).

Applications (the second part of a DIS entity id): 1 defense units, 2 threats, 3
interceptors; the entity number is the run's index + 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from iads.dis.run_tables import RunTables
from iads.dis.schedule import acceleration, body_axes, dead_reckon, due
from iads.geo import geodetic_to_ecef
from iads.report.flyout_tracks import InterceptorFlights

__all__ = [
    "APPEARANCE_DEACTIVATED",
    "APPEARANCE_DESTROYED",
    "APP_DEFENSE",
    "APP_INTERCEPTOR",
    "APP_THREAT",
    "EntityStates",
    "interceptor_states",
    "schedule",
    "sort_states",
    "threat_states",
]

APP_DEFENSE, APP_THREAT, APP_INTERCEPTOR = 1, 2, 3

# Appearance bits (SISO-REF-010 general appearance, §6.2.26 / UID 31-33): damage in bits
# 3-4 (3 = destroyed), state in bit 23 (1 = deactivated).
APPEARANCE_DESTROYED = 3 << 3
APPEARANCE_DEACTIVATED = 1 << 23
_ENTITY_CHUNK = 256  # entities per scheduling batch (bounds memory, not results)


@dataclass
class EntityStates:
    """Long-form entity states sorted by (entity, time): the input to scheduling."""

    app: NDArray[np.int64]
    entity: NDArray[np.int64]
    t_s: NDArray[np.float64]
    pos: NDArray[np.float64]
    vel: NDArray[np.float64]
    forced: NDArray[np.bool_]
    appearance: NDArray[np.int64]


def threat_states(run: RunTables) -> tuple[EntityStates, dict[int, dict]]:
    """Threat truth plus one final state per ended threat."""
    tr = run.truth
    ev = run.events
    kind = ev["kind"].cast(pa.string())
    ends: dict[int, dict] = {}
    for k in ("intercept", "impact"):
        sub = ev.filter(pc.equal(kind, k))
        for row in sub.to_pylist():
            tid = int(row["threat_id"])
            if tid >= 0 and tid not in ends:
                ends[tid] = {"kind": k, **row}
    t, pos, vel, tid = tr.t_s, tr.pos_ecef_m, tr.vel_ecef_mps, tr.threat_id
    if t.size == 0:
        return _empty(), ends
    same = tid[1:] == tid[:-1]
    acc = acceleration(t, vel, same)
    last = np.flatnonzero(np.append(~same, True))  # last sample of each threat
    first = np.flatnonzero(np.insert(~same, 0, True))
    forced = np.zeros(t.shape[0], bool)
    forced[first] = True
    appearance = np.zeros(t.shape[0], np.int64)
    step = _grid_step(run)
    extra = []  # final states: (tid, t, pos, vel)
    for i in last:
        th = int(tid[i])
        end = ends.get(th)
        if end is not None and end["time_s"] > t[i] + 1e-9:
            dt = end["time_s"] - t[i]
            if end["kind"] == "impact":
                p = np.column_stack(geodetic_to_ecef(end["lat_deg"], end["lon_deg"], end["alt_m"]))[
                    0
                ]
            else:
                p = dead_reckon(pos[i], vel[i], acc[i], dt)
            extra.append((th, end["time_s"], p, vel[i] + acc[i] * dt))
        elif end is not None or t[i] + step < run.duration_s - 1e-9:
            # Ends on its last sample (end of route, or the end event on the sample).
            forced[i] = True
            appearance[i] = APPEARANCE_DEACTIVATED | (APPEARANCE_DESTROYED if end else 0)
    a_extra = np.full(len(extra), APPEARANCE_DEACTIVATED | APPEARANCE_DESTROYED, np.int64)
    st = EntityStates(
        app=np.full(t.shape[0] + len(extra), APP_THREAT),
        entity=np.concatenate([tid, [e[0] for e in extra]]).astype(np.int64) + 1,
        t_s=np.concatenate([t, [e[1] for e in extra]]),
        pos=np.vstack([pos] + [e[2][None] for e in extra]),
        vel=np.vstack([vel] + [e[3][None] for e in extra]),
        forced=np.concatenate([forced, np.ones(len(extra), bool)]),
        appearance=np.concatenate([appearance, a_extra]),
    )
    return sort_states(st), ends


def _empty() -> EntityStates:
    z = np.empty(0)
    i = np.empty(0, np.int64)
    return EntityStates(i, i, z, np.empty((0, 3)), np.empty((0, 3)), z.astype(bool), i)


def sort_states(st: EntityStates) -> EntityStates:
    o = np.lexsort((st.t_s, st.entity, st.app))
    return EntityStates(*(getattr(st, f)[o] for f in EntityStates.__dataclass_fields__))


def _grid_step(run: RunTables) -> float:
    u = np.unique(run.truth.t_s)
    return float(np.min(np.diff(u))) if u.size > 1 else 1.0


def interceptor_states(run: RunTables, flights: InterceptorFlights) -> EntityStates:
    """Rebuilt flights sampled at launch, on the truth grid, and at their end."""
    step = _grid_step(run)
    rows_e, rows_t, rows_f = [], [], []
    for i in range(flights.n):
        t0, t1 = flights.launch_t_s[i], flights.end_t_s[i]
        grid = np.arange(np.floor(t0 / step) + 1, np.ceil(t1 / step)) * step
        grid = grid[(grid > t0) & (grid < t1)]
        ts = np.concatenate([[t0], grid, [t1]])
        rows_e.append(np.full(ts.size, i))
        rows_t.append(ts)
        f = np.zeros(ts.size, bool)
        f[[0, -1]] = True
        rows_f.append(f)
    if not rows_e:
        return _empty()
    e = np.concatenate(rows_e)
    t = np.concatenate(rows_t)
    frac = np.clip(
        (t - flights.launch_t_s[e]) / np.maximum(flights.end_t_s[e] - flights.launch_t_s[e], 1e-12),
        0.0,
        1.0,
    )
    pos = flights.launch_ecef_m[e] + frac[:, None] * (
        flights.end_ecef_m[e] - flights.launch_ecef_m[e]
    )
    forced = np.concatenate(rows_f)
    last = np.append(e[1:] != e[:-1], True)
    appearance = np.where(last, APPEARANCE_DEACTIVATED | APPEARANCE_DESTROYED, 0)
    return sort_states(
        EntityStates(
            app=np.full(t.size, APP_INTERCEPTOR),
            entity=flights.interceptor_id[e] + 1,
            t_s=t,
            pos=pos,
            vel=flights.velocity_ecef_mps[e],
            forced=forced,
            appearance=appearance.astype(np.int64),
        )
    )


def schedule(st: EntityStates, acc: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Samples at which an Entity State PDU is due (long form (k,))."""
    k = st.t_s.shape[0]
    keep = np.zeros(k, bool)
    if k == 0:
        return keep
    key = st.app * 70000 + st.entity
    starts = np.flatnonzero(np.insert(key[1:] != key[:-1], 0, True))
    ends = np.append(starts[1:], k)
    axes = body_axes(st.pos, st.vel)
    vel32 = st.vel.astype(np.float32).astype(float)
    acc32 = acc.astype(np.float32).astype(float)
    for c in range(0, starts.size, _ENTITY_CHUNK):
        s, e = starts[c : c + _ENTITY_CHUNK], ends[c : c + _ENTITY_CHUNK]
        counts = e - s
        k_max = int(counts.max())
        rank = np.arange(k_max)
        valid = rank[None, :] < counts[:, None]
        idx = np.where(valid, s[:, None] + rank[None, :], 0)
        send = due(
            np.where(valid, st.t_s[idx], np.nan),
            st.pos[idx],
            vel32[idx],
            acc32[idx],
            axes[idx],
            valid,
            st.forced[idx] | (st.appearance[idx] != 0),
        )
        keep[idx[send & valid]] = True
    return keep
