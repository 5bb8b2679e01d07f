"""Radar warning receivers (RWR) of reactive aircraft: what they hear of the emissions
directed at them, for the behaviour model (``iads.threats.behaviour``).

First-order model. An aircraft's RWR warns when

* a radar's **track beam** dwells on it (a multifunction radar's track dwells of this
  step, ``RunState.track_dwells``): an RWR tells a track (lock-on) from a search sweep by
  the illumination's dwell and repetition pattern; a search sweep alone does not warn;
* a **missile is guided at it**: an interceptor in flight whose engagement's guidance
  (illumination or uplink from the fire unit) is pointed at it;

and the emitter is above its 4/3-earth radio horizon and within the radar's instrumented
range (the one-way path of an RWR: a radar that tracks an aircraft by its two-way echo
is heard one-way far beyond that, so no power budget is needed at these ranges;
terrain masking is not modelled). A beam or guidance "pointed at it" is the track the
defense holds falling on the aircraft, the same first-order bookkeeping the sensing
stage aims its track dwells with (``iads.sensors.stage.tracked_targets``): what the RWR
uses is the emission reaching the aircraft, never the defense's decisions behind it.
The warning carries the emitter's position (its angle of arrival, and the range a
direction-finding fix gives; first-order: exact).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.geo.ecef import ecef_to_geodetic_rad
from iads.geo.horizon import K_STANDARD
from iads.geo.wgs84 import MEAN_RADIUS_M
from iads.state.run import RunState

__all__ = ["rwr_warnings"]


def _in_view(emit: NDArray, h_emit: NDArray, tgt: NDArray, max_range: NDArray) -> NDArray:
    """(p,) whether each target (p, 3) ECEF sees its emitter (p, 3) at height ``h_emit``:
    within ``max_range`` and the 4/3-earth radio horizon (Skolnik, Introduction to Radar
    Systems, 3rd ed., sec. 8.4)."""
    rng = np.linalg.norm(tgt - emit, axis=-1)
    _, _, h_t = ecef_to_geodetic_rad(tgt[:, 0], tgt[:, 1], tgt[:, 2])
    k_r = 2.0 * K_STANDARD * MEAN_RADIUS_M
    horizon = np.sqrt(k_r * np.maximum(h_emit, 0.0)) + np.sqrt(k_r * np.maximum(h_t, 0.0))
    return (rng <= max_range) & (rng <= horizon)


def rwr_warnings(
    rs: RunState, pos_ecef_m: NDArray[np.float64], listeners: NDArray[np.int64]
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Warnings of the RWRs of the threats ``listeners`` (m,) at this step, given every
    threat's position ``pos_ecef_m`` (n, 3): whether each hears a track beam or missile
    guidance (m,), and the ECEF position (m, 3) of the nearest such emitter."""
    b = rs.built
    ra = b.radars
    n = pos_ecef_m.shape[0]
    best = np.full(n, np.inf)
    emitter = np.zeros((n, 3))
    srcs: list[tuple[NDArray, NDArray, NDArray, NDArray]] = []
    r, th = rs.track_dwells
    if r.size:
        srcs.append((th, ra.pos_ecef_m[r], ra.height_m[r], ra.max_range_m[r]))
    icp = rs.interceptors
    fly = np.flatnonzero(icp.flying[: icp.n]) if icp.n else np.empty(0, np.int64)
    if fly.size:
        u = icp.unit[fly]
        pics = rs.decision or rs.pictures
        tgt = np.array([pics[int(uu)].truth[int(k)] for uu, k in zip(u, icp.track_id[fly],
                                                                         strict=True)])
        ok = tgt >= 0
        if ok.any():
            pos_u = b.units.pos_ecef_m[u[ok]]
            _, _, h_u = ecef_to_geodetic_rad(pos_u[:, 0], pos_u[:, 1], pos_u[:, 2])
            srcs.append((tgt[ok], pos_u, h_u, np.full(pos_u.shape[0], np.inf)))
    for tid, epos, eh, emax in srcs:
        heard = _in_view(epos, eh, pos_ecef_m[tid], emax)
        tid, epos = tid[heard], epos[heard]
        d = np.linalg.norm(pos_ecef_m[tid] - epos, axis=-1)
        for k in np.argsort(-d):  # nearest last, so it wins (a loop over a step's emissions)
            if d[k] < best[tid[k]]:
                best[tid[k]] = d[k]
                emitter[tid[k]] = epos[k]
    warned = np.isfinite(best)
    return warned[listeners], emitter[listeners]
