"""Threat truth kept above the terrain, on the windowed truth (``iads.threats.Truth``).

The same operations as :func:`iads.sensors.terrain.terrain_following` on dense samples,
applied to each threat's stored window, a few hundred threats at a time (no dense
(n_t, n, 3) array): positions raised to :func:`iads.sensors.terrain.flight_floor_m`
along the local vertical, velocities given the lift's time derivative. The derivative is
numpy's ``gradient`` along each window (central inside, one-sided at its two end samples,
which lie ``PAD`` samples or more away from any sample a flight's interpolation reads).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.geo.ecef import ecef_to_geodetic_rad, geodetic_to_ecef_rad
from iads.sensors.terrain import flight_floor_m
from iads.threats import Truth
from iads.threats.truth import _window_index

__all__ = ["follow_terrain"]

_CHUNK = 256  # threats at a time


def follow_terrain(
    truth: Truth, terrain, follow: NDArray[np.bool_], inplace: bool = False
) -> Truth:
    """The truth with the threats ``follow`` (n,) kept above ``terrain``: a new one, or
    ``truth`` itself changed when ``inplace`` (no second copy of the samples); ``truth``
    unchanged when no stored sample of theirs lies below the flight floor."""
    idx = np.flatnonzero(follow)
    if idx.size == 0 or truth.t_s.shape[0] == 0:
        return truth
    chunks = _chunks(idx)
    hit = None  # the first chunk with a sample below the floor, and its lift (kept)
    for i, c in enumerate(chunks):
        lifted = _lift(truth, terrain, c)
        if np.any(lifted[3] > 0.0):
            hit = i, lifted
            break
    if hit is None:
        return truth
    out = truth if inplace else truth.copy()
    dt = truth.dt_s
    for i, c in enumerate(chunks):
        # chunks hold distinct threats' rows: the kept lift is what _lift would give now
        lat, lon, h, lift, r, first, last = hit[1] if i == hit[0] else _lift(truth, terrain, c)
        new = np.stack(geodetic_to_ecef_rad(lat, lon, h + lift), -1)
        up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1)
        rate = np.zeros_like(lift)
        if truth.t_s.shape[0] > 1:  # numpy.gradient along each window
            rate[1:-1] = (lift[2:] - lift[:-2]) / (2.0 * dt)
            rate[first] = (lift[first + 1] - lift[first]) / dt
            rate[last] = (lift[last] - lift[last - 1]) / dt
        out.p[r] = new
        out.v[r] = out.v[r] + rate[:, None] * up
    return out


def _chunks(idx: NDArray[np.int64]) -> list[NDArray[np.int64]]:
    return [idx[c : c + _CHUNK] for c in range(0, idx.size, _CHUNK)]


def _lift(truth: Truth, terrain, c: NDArray[np.int64]):
    """Geodetic latitude, longitude [rad], height [m] and lift [m] of the stored rows
    ``r`` of threats ``c``, with the positions in ``r`` of each window's first and last
    row."""
    k, j = _window_index(truth.k0[c], truth.nk[c])
    r = truth.row0[c][j] + (k - truth.k0[c][j])
    p = truth.p[r]
    lat, lon, h = ecef_to_geodetic_rad(p[:, 0], p[:, 1], p[:, 2])
    lift = flight_floor_m(h, terrain(lat, lon)) - h
    first = np.concatenate([[0], np.cumsum(truth.nk[c])[:-1]]).astype(np.int64)
    return lat, lon, h, lift, r, first, first + truth.nk[c] - 1
