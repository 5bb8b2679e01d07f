"""Stores released at a release point: cruise missiles and decoys an aircraft launches
when it reaches the point its scenario names (a threat group's ``stores`` with a
``release``; docs/sead.md).

The carrier decides from where it is (its own navigation), nothing else: at each step,
every store still aboard a flying carrier is released when the carrier has come within
the model figure ``behaviour.release_radius_m`` (ground distance) of its
release point since the last check, from
the carrier's position at that step; it then flies (``iads.engine.spawn.launch_pooled``,
the same flight models as any threat of its type) through its ``waypoints`` to its
``target``. A carrier that never gets there (shot down, or a reactive aircraft that
turned away and has not come back yet) keeps its stores. The loop is woken in time for a
release (``next_check_t_s``) so a skipped step cannot carry a carrier past its point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from iads.engine.flights import _carriers, _spec, flown_entry
from iads.engine.spawn import launch_pooled
from iads.geo.ecef import ecef_to_geodetic_rad
from iads.geo.wgs84 import MEAN_RADIUS_M
from iads.scenario.schema import Position, ThreatGroup
from iads.state import FLYING, NOT_LAUNCHED, RunState

__all__ = ["Releases", "release_stores", "setup_releases"]


@dataclass
class Releases:
    """The stores with a release point, one row per pooled slot (shape (k,))."""

    slot: NDArray[np.int64]
    carrier: NDArray[np.int64]
    lat_rad: NDArray[np.float64]
    lon_rad: NDArray[np.float64]
    stores: list[Any]  # iads.scenario.schema.Store per slot
    t_checked_s: float = 0.0


def setup_releases(rs: RunState) -> Releases | None:
    """The run's stores with a release point (None when it has none)."""
    b = rs.built
    th = b.threats
    if th.parent is None or not th.pooled.any():
        return None
    rows: list[Any] = [None] * int(np.flatnonzero(~th.pooled).size)
    stores = [st for _, st in _carriers(b.scenario, rows) for _ in range(st.count)]
    slots = np.flatnonzero(th.pooled)
    keep = [k for k, st in enumerate(stores) if getattr(st, "release", None) is not None]
    if not keep or len(stores) != slots.size:
        return None
    sel = [stores[k] for k in keep]
    return Releases(
        slot=slots[keep],
        carrier=th.parent[slots[keep]],
        lat_rad=np.deg2rad([st.release.lat for st in sel]),
        lon_rad=np.deg2rad([st.release.lon for st in sel]),
        stores=sel,
    )


def _ground_m(lat, lon, lat2, lon2) -> NDArray[np.float64]:
    """Great-circle distance on the mean sphere [m] (haversine)."""
    a = np.sin((lat2 - lat) / 2) ** 2 + np.cos(lat) * np.cos(lat2) * np.sin((lon2 - lon) / 2) ** 2
    return 2.0 * MEAN_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def release_stores(rs: RunState, rel: Releases, t_s: float) -> float:
    """Release the stores whose carrier came within the release radius of their point
    in (last check, ``t_s``]; returns the earliest time a carrier could reach a pending
    point at its current speed (for the loop to wake then)."""
    tr = rs.truth
    radius_m = rs.built.catalog.model.behaviour.release_radius_m.value
    pending = (rs.status[rel.slot] == NOT_LAUNCHED) & (rs.status[rel.carrier] == FLYING)
    pending &= tr.launch_t_s[rel.carrier] <= t_s
    j = np.flatnonzero(pending)
    if j.size == 0:
        rel.t_checked_s = t_s
        return np.inf
    h = tr.dt_s
    k0 = int(np.floor(rel.t_checked_s / h))
    k1 = min(int(np.ceil(t_s / h)), tr.t_s.size - 1)
    kk = np.arange(k0, k1 + 1)
    p, _ = tr.samples(kk[:, None], rel.carrier[j][None, :])  # (w, m, 3) over the window
    lat, lon, _ = ecef_to_geodetic_rad(p[..., 0], p[..., 1], p[..., 2])
    d = _ground_m(lat, lon, rel.lat_rad[j], rel.lon_rad[j])
    reached = d.min(axis=0) <= radius_m
    rel.t_checked_s = t_s
    if reached.any():
        _release(rs, rel, j[reached], t_s)
    left = ~reached
    if not left.any():
        return np.inf
    speed = np.linalg.norm(tr.samples(k1, rel.carrier[j[left]])[1], axis=-1)
    gap = np.maximum(d[-1, left] - radius_m, 0.0) / np.maximum(speed, 1.0)
    return float(t_s + gap.min())


def _release(rs: RunState, rel: Releases, j: NDArray[np.int64], t_s: float) -> None:
    b = rs.built
    pos, _, _ = rs.truth.state_of(rel.carrier[j], t_s)
    specs, details = [], []
    for q, a in enumerate(j):  # a loop over the few stores released in one step
        st = rel.stores[a]
        lat, lon, h = ecef_to_geodetic_rad(*pos[q])
        g = ThreatGroup(
            type=st.type,
            launch=Position(lat=float(np.rad2deg(lat)), lon=float(np.rad2deg(lon)),
                               alt_m=float(min(max(h, 0.0), 30_000.0))),
            launch_time_s=t_s,
            waypoints=list(st.waypoints),
            target=st.target,
        )  # fmt: skip
        tgt = None
        if st.target is not None:
            asset = next(x for x in b.scenario.assets if x.name == st.target)
            tgt = (asset.position.lat, asset.position.lon, asset.position.alt_m)
        specs.append(_spec(g, flown_entry(b.catalog, st.type), 0, tgt))
        details.append({"release": "point"})
    launch_pooled(rs, rel.slot[j], specs, details)
