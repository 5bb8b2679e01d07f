"""Interceptor flights rebuilt from a run's event log, for replays (DIS, CZML).

The run tables hold no interceptor trajectories: only each interceptor's ``launch`` event
(time, launcher position, target threat, missile type) and the event that ends it
(``intercept``, ``miss`` or ``wasted_on_false_track``, at the interceptor's position).
``iads.weapons.flyout`` flies an interceptor in a straight line at constant speed toward
its aim point; with the aim point taken as the place the interceptor ended, that model
gives the straight segment from launch to end flown at the mean speed of the segment,
which is what this module returns (a first-order reconstruction: the midcourse re-aims
inside the flight are not recorded, so a flight that re-aimed is drawn as its chord).

Interceptors still in flight when the run ended have no end event and are left out
(``n_unfinished`` counts them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from iads.geo import geodetic_to_ecef

__all__ = ["END_KINDS", "InterceptorFlights", "interceptor_flights"]

#: The event kinds that end an interceptor's flight (one per interceptor).
END_KINDS = ("intercept", "miss", "wasted_on_false_track")

ArrayLikeTimes = float | NDArray[np.float64] | list[float]


@dataclass(frozen=True)
class InterceptorFlights:
    """Every finished interceptor flight of a run, one row each (shape (k,)).

    Attributes:
        interceptor_id: (k,) the events' ``interceptor_id``.
        unit_id: (k,) firing unit (the events' ``unit_id``).
        threat_id: (k,) threat the launch was aimed at, -1 when none (false track).
        end_threat_id: (k,) threat named by the end event (killed or missed), -1 if none.
        missile: (k,) missile type key.
        launch_t_s, end_t_s: (k,) launch and end times [s].
        launch_ecef_m, end_ecef_m: (k, 3) WGS-84 ECEF positions [m].
        end_kind: (k,) one of :data:`END_KINDS`.
        end_reason: (k,) the miss reason of the event details ("" for intercepts).
        n_unfinished: interceptors launched with no end event (in flight at run end).
    """

    interceptor_id: NDArray[np.int64]
    unit_id: NDArray[np.int64]
    threat_id: NDArray[np.int64]
    end_threat_id: NDArray[np.int64]
    missile: tuple[str, ...]
    launch_t_s: NDArray[np.float64]
    end_t_s: NDArray[np.float64]
    launch_ecef_m: NDArray[np.float64]
    end_ecef_m: NDArray[np.float64]
    end_kind: tuple[str, ...]
    end_reason: tuple[str, ...]
    n_unfinished: int = 0

    @property
    def n(self) -> int:
        """Number of flights."""
        return int(self.interceptor_id.shape[0])

    @property
    def velocity_ecef_mps(self) -> NDArray[np.float64]:
        """(k, 3) constant ECEF velocity of each flight [m/s] (zero for a zero-time one)."""
        dt = (self.end_t_s - self.launch_t_s)[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            v = (self.end_ecef_m - self.launch_ecef_m) / dt
        return np.where(dt > 0, v, 0.0)

    def positions_at(self, t_s: ArrayLikeTimes) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        """ECEF positions [m] of every flight at times ``t_s`` (shape (m,)): returns
        ((k, m, 3) positions, (k, m) mask of flights in the air, launch <= t <= end).
        Positions outside a flight are clamped to its launch or end point."""
        t = np.atleast_1d(np.asarray(t_s, dtype=float))
        dt = (self.end_t_s - self.launch_t_s)[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            f = np.where(dt > 0, (t[None, :] - self.launch_t_s[:, None]) / dt, 1.0)
        f = np.clip(f, 0.0, 1.0)[..., None]
        p = self.launch_ecef_m[:, None, :] + f * (self.end_ecef_m - self.launch_ecef_m)[:, None, :]
        live = (t[None, :] >= self.launch_t_s[:, None]) & (t[None, :] <= self.end_t_s[:, None])
        return p, live


def _ecef(tab: pa.Table) -> NDArray[np.float64]:
    x, y, z = geodetic_to_ecef(
        tab["lat_deg"].to_numpy(), tab["lon_deg"].to_numpy(), tab["alt_m"].to_numpy()
    )
    return np.stack([np.atleast_1d(x), np.atleast_1d(y), np.atleast_1d(z)], axis=-1).reshape(-1, 3)


def _details(tab: pa.Table) -> list[dict]:
    return [json.loads(d) if d else {} for d in tab["details"].to_pylist()]


def interceptor_flights(events: pa.Table) -> InterceptorFlights:
    """The finished interceptor flights of an event log (``events.parquet`` as a table)."""
    kind = events["kind"].cast(pa.string()) if "kind" in events.column_names else None
    if kind is None:
        raise ValueError("events table has no 'kind' column")
    launches = events.filter(pc.equal(kind, "launch"))
    ends = events.filter(pc.is_in(kind, pa.array(END_KINDS)))
    l_id = launches["interceptor_id"].to_numpy().astype(np.int64)
    e_id = ends["interceptor_id"].to_numpy().astype(np.int64)
    # One end per interceptor; keep the first (an interceptor ends once).
    e_uniq, e_first = np.unique(e_id, return_index=True)
    pos = np.searchsorted(e_uniq, l_id)
    pos = np.minimum(pos, max(e_uniq.size - 1, 0))
    done = (e_uniq.size > 0) & (e_uniq[pos] == l_id) if e_uniq.size else np.zeros(l_id.size, bool)
    li = np.flatnonzero(done)
    ei = e_first[pos[li]]
    l_det, e_det = _details(launches), _details(ends)
    e_kind = ends["kind"].cast(pa.string()).to_pylist()
    return InterceptorFlights(
        interceptor_id=l_id[li],
        unit_id=launches["unit_id"].to_numpy().astype(np.int64)[li],
        threat_id=launches["threat_id"].to_numpy().astype(np.int64)[li],
        end_threat_id=ends["threat_id"].to_numpy().astype(np.int64)[ei],
        missile=tuple(str(l_det[i].get("missile", "")) for i in li),
        launch_t_s=launches["time_s"].to_numpy()[li],
        end_t_s=ends["time_s"].to_numpy()[ei],
        launch_ecef_m=_ecef(launches)[li],
        end_ecef_m=_ecef(ends)[ei],
        end_kind=tuple(e_kind[i] for i in ei),
        end_reason=tuple(str(e_det[i].get("reason", "")) for i in ei),
        n_unfinished=int((~done).sum()),
    )
