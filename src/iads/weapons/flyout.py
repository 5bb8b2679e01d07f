"""Interceptors in flight, as arrays, and their first-order flyout.

An interceptor flies in a straight line at its type's mean speed toward the predicted
intercept point (PIP). Every step the engagement radar's track updates the PIP from the
interceptor's current position (midcourse update), and when the PIP is less than one step
away the engagement is resolved at the PIP's exact time, not rounded to the step: the
nearest live threat to the aim point is killed with the type's Pk against its class if it
is inside the terminal basket, else the interceptor misses.

The seeker basket is an assumed figure (first-order stand-in for terminal homing and
fuzing): the largest error between the midcourse aim point and the true target that the
terminal phase corrects. It and the flight-time limit (``max_flight_time_factor`` ×
max range / mean speed) are the catalog's model figures ``weapons.flyout``
(``iads/catalog/data/model.yaml``, overridable by path).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from iads.weapons import _flyout_jit
from iads.weapons.envelope import intercept_time

__all__ = ["Interceptors", "resolve_intercept"]


def _grow(a: NDArray, n: int) -> NDArray:
    out = np.empty((n,) + a.shape[1:], dtype=a.dtype)
    out[: a.shape[0]] = a
    return out


@dataclass
class Interceptors:
    """Every interceptor of the run (fired so far), one row each; ``flying`` marks those
    in the air."""

    n: int = 0
    unit: NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))
    mtype: NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))
    track_id: NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))
    launch_t_s: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    max_t_s: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    speed_mps: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    pos_ecef_m: NDArray[np.float64] = field(default_factory=lambda: np.empty((0, 3)))
    aim_ecef_m: NDArray[np.float64] = field(default_factory=lambda: np.empty((0, 3)))
    flying: NDArray[np.bool_] = field(default_factory=lambda: np.empty(0, bool))
    n_flying: int = 0  # flying.sum(), kept by launch and land

    def launch(
        self,
        t_s: float,
        unit: NDArray[np.int64],
        mtype: NDArray[np.int64],
        track_id: NDArray[np.int64],
        pos_ecef_m: NDArray[np.float64],
        aim_ecef_m: NDArray[np.float64],
        speed_mps: NDArray[np.float64],
        max_flight_s: NDArray[np.float64],
    ) -> NDArray[np.int64]:
        """Add k interceptors launched at ``t_s``; returns their ids (row indices)."""
        k = int(np.size(unit))
        if k == 0:
            return np.empty(0, np.int64)
        cap = self.unit.shape[0]
        if self.n + k > cap:
            new = max(2 * cap, self.n + k, 16)
            for name in (
                "unit",
                "mtype",
                "track_id",
                "launch_t_s",
                "max_t_s",
                "speed_mps",
                "pos_ecef_m",
                "aim_ecef_m",
                "flying",
            ):
                setattr(self, name, _grow(getattr(self, name), new))
        s = slice(self.n, self.n + k)
        self.unit[s], self.mtype[s], self.track_id[s] = unit, mtype, track_id
        self.launch_t_s[s] = t_s
        self.max_t_s[s] = t_s + max_flight_s
        self.speed_mps[s] = speed_mps
        self.pos_ecef_m[s] = pos_ecef_m
        self.aim_ecef_m[s] = aim_ecef_m
        self.flying[s] = True
        self.n_flying += k
        ids = np.arange(self.n, self.n + k)
        self.n += k
        return ids

    def in_flight(self) -> NDArray[np.int64]:
        """Ids of the interceptors in the air (k,), ascending (a new array)."""
        if self.n_flying == 0:  # most steps: nothing to look for
            return np.empty(0, np.int64)
        return np.flatnonzero(self.flying[: self.n])

    def land(self, ids: NDArray[np.int64] | int) -> None:
        """End the flight of interceptors ``ids`` (those in the air)."""
        ids = np.unique(np.asarray(ids, np.int64))
        self.n_flying -= int(np.count_nonzero(self.flying[ids]))
        self.flying[ids] = False

    def guide(
        self,
        ids: NDArray[np.int64],
        track_pos_m: NDArray[np.float64],
        track_vel_mps: NDArray[np.float64],
        has_track: NDArray[np.bool_],
    ) -> NDArray[np.float64]:
        """Midcourse update: re-aim interceptors ``ids`` at the PIP of their track's
        current estimate (those without a track keep their aim point). Returns the time
        to go [s] to the aim point, shape (k,)."""
        if _flyout_jit.ENABLED:
            tgo = np.empty(ids.shape[0])
            _flyout_jit.guide(self.pos_ecef_m, self.aim_ecef_m, self.speed_mps,
                              np.asarray(ids, np.int64), np.ascontiguousarray(track_pos_m),
                              np.ascontiguousarray(track_vel_mps), has_track, tgo)  # fmt: skip
            return tgo
        p = self.pos_ecef_m[ids]
        s = self.speed_mps[ids]
        tau = intercept_time(track_pos_m - p, track_vel_mps, s)
        ok = has_track & np.isfinite(tau)
        aim = np.where(
            ok[:, None], track_pos_m + track_vel_mps * tau[:, None], self.aim_ecef_m[ids]
        )
        self.aim_ecef_m[ids] = aim
        return np.linalg.norm(aim - p, axis=-1) / s

    def advance(self, ids: NDArray[np.int64], dt_s: float) -> None:
        """Move interceptors ``ids`` by one step toward their aim points."""
        if _flyout_jit.ENABLED:
            _flyout_jit.advance(self.pos_ecef_m, self.aim_ecef_m, self.speed_mps,
                                np.asarray(ids, np.int64), float(dt_s))  # fmt: skip
            return
        p = self.pos_ecef_m[ids]
        d = self.aim_ecef_m[ids] - p
        dist = np.linalg.norm(d, axis=-1)
        step = np.minimum(self.speed_mps[ids] * dt_s, dist)
        with np.errstate(invalid="ignore", divide="ignore"):
            u = np.where(dist[:, None] > 0, d / dist[:, None], 0.0)
        self.pos_ecef_m[ids] = p + u * step[:, None]


def resolve_intercept(
    aim_ecef_m: NDArray[np.float64],
    pos_ecef_m: NDArray[np.float64],
    live: NDArray[np.bool_],
    pk_by_threat: NDArray[np.float64],
    draw: float,
    basket_m: float,
) -> tuple[int, bool, float]:
    """The end of one interceptor at its aim point (3,): the nearest live threat among
    ``pos_ecef_m`` (n, 3) is killed when it lies inside the terminal basket and the
    uniform ``draw`` falls below its kill probability ``pk_by_threat`` (n,); ``basket_m``
    the seeker basket [m] (catalog ``weapons.flyout.seeker_basket_m``).

    Returns (threat index, or -1 when none is inside the basket; killed; its distance
    from the aim point [m], inf when no threat is live)."""
    dist = np.where(live, np.linalg.norm(pos_ecef_m - aim_ecef_m, axis=-1), np.inf)
    if dist.size == 0:
        return -1, False, float("inf")
    j = int(np.argmin(dist))
    if not np.isfinite(dist[j]) or dist[j] > basket_m:
        return -1, False, float(dist[j])
    return j, bool(draw < pk_by_threat[j]), float(dist[j])
