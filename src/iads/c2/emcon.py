"""Emission control: when each radar of the defense radiates (docs/sead.md).

A radar radiates according to its unit's ``emcon`` (or its own ``radar_emcon``) in the
scenario: always (``on``), never (``off``), in scheduled windows (``schedule``), ``on_s``
out of every ``period_s`` (``blink``), or on cue (``cue``: while the unit's decision
picture, the network's shared one when it has one, holds a confirmed track within
``cue_range_m`` of the radar, and ``cue_hold_s`` after). With ``arm_shutdown`` the radar
also goes silent for ``arm_off_s`` when that picture holds a confirmed track that looks
like an anti-radiation missile coming at it: faster than ``arm_speed_mps``, within
``arm_warning_range_m``, its velocity within ``arm_heading_deg`` of the line to the radar.
Every decision here reads the defense's picture, never the truth. A radar an ARM destroyed
(``Emission.lost``) stays silent. Every switch is logged (``radar_on`` / ``radar_off``
with the reason); the run starts with every radar radiating, so a radar silent at t = 0
logs its ``radar_off`` then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from iads.state.run import Emission, RunState
from iads.tracking.base import TrackStatus

__all__ = ["MODES", "EmconArrays", "emcon_arrays", "update_emission"]

#: Emission-control modes, in the order of their codes.
MODES = ("on", "off", "schedule", "blink", "cue")
_ON, _OFF, _SCHEDULE, _BLINK, _CUE = range(5)


@dataclass(frozen=True)
class EmconArrays:
    """Emission control of every radar (shape (r,) each; times [s], ranges [m])."""

    mode: NDArray[np.int64]  # index into MODES
    windows: tuple[NDArray[np.float64], ...]  # per radar (k, 2) [start, end) windows
    period_s: NDArray[np.float64]
    on_s: NDArray[np.float64]
    phase_s: NDArray[np.float64]
    cue_range_m: NDArray[np.float64]
    cue_hold_s: NDArray[np.float64]
    arm_shutdown: NDArray[np.bool_]
    arm_range_m: NDArray[np.float64]
    arm_speed_mps: NDArray[np.float64]
    arm_cos_heading: NDArray[np.float64]
    arm_off_s: NDArray[np.float64]

    @property
    def always_on(self) -> bool:
        """True when every radar radiates all the time (nothing to decide)."""
        return bool(np.all(self.mode == _ON) and not self.arm_shutdown.any())


def emcon_arrays(settings: list[Any]) -> EmconArrays:
    """Arrays from one scenario ``Emcon`` per radar (in radar order)."""
    def col(name: str) -> NDArray[np.float64]:
        return np.array([float(getattr(e, name)) for e in settings], dtype=float)

    return EmconArrays(
        mode=np.array([MODES.index(e.mode) for e in settings], dtype=np.int64),
        windows=tuple(np.array(e.windows, dtype=float).reshape(-1, 2) for e in settings),
        period_s=col("period_s"),
        on_s=col("on_s"),
        phase_s=col("phase_s"),
        cue_range_m=col("cue_range_m"),
        cue_hold_s=col("cue_hold_s"),
        arm_shutdown=np.array([e.arm_shutdown for e in settings], dtype=bool),
        arm_range_m=col("arm_warning_range_m"),
        arm_speed_mps=col("arm_speed_mps"),
        arm_cos_heading=np.cos(np.deg2rad(col("arm_heading_deg"))),
        arm_off_s=col("arm_off_s"),
    )


def update_emission(rs: RunState, t_s: float) -> None:
    """Decide which radars radiate at ``t_s`` (``rs.emission``) and log the switches."""
    p, e = rs.built.emcon, rs.emission
    if p is None or e is None:
        return
    ra = rs.built.radars
    want = p.mode != _OFF
    for r in np.flatnonzero(p.mode == _SCHEDULE):  # a loop over the few scheduled radars
        w = p.windows[r]
        want[r] = bool(np.any((w[:, 0] <= t_s) & (t_s < w[:, 1])))
    blink = p.mode == _BLINK
    want[blink] = np.mod(t_s - p.phase_s[blink], p.period_s[blink]) < p.on_s[blink]
    cue = np.flatnonzero(p.mode == _CUE)
    warn = np.flatnonzero(p.arm_shutdown)
    for r in np.union1d(cue, warn):  # a loop over radars; tracks are vectors
        pos, vel = _confirmed(rs, int(ra.unit[r]), t_s)
        d = ra.pos_ecef_m[r] - pos  # (k, 3) from each track to the radar
        rng_m = np.linalg.norm(d, axis=1)
        if p.mode[r] == _CUE and np.any(rng_m <= p.cue_range_m[r]):
            e.cue_until_s[r] = t_s + p.cue_hold_s[r]
        if p.arm_shutdown[r] and pos.shape[0]:
            speed = np.linalg.norm(vel, axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                cos_h = np.einsum("kj,kj->k", vel, d) / (speed * rng_m)
            if np.any((speed >= p.arm_speed_mps[r]) & (rng_m <= p.arm_range_m[r])
                      & (cos_h >= p.arm_cos_heading[r])):  # fmt: skip
                e.quiet_until_s[r] = t_s + p.arm_off_s[r]
    want[cue] = t_s <= e.cue_until_s[cue]
    quiet = t_s < e.quiet_until_s
    want &= ~quiet & ~e.lost
    _switch(rs, e, want, quiet, t_s)


def _confirmed(rs: RunState, u: int, t_s: float) -> tuple[NDArray, NDArray]:
    """Positions and velocities (k, 3) of the confirmed tracks of unit ``u``'s decision
    picture, extrapolated to ``t_s``."""
    pic = rs.decision[u] if rs.decision else rs.pictures[u]
    pos, vel = pic.at(t_s)
    ok = pic.tracks.status == TrackStatus.CONFIRMED
    return pos[ok], vel[ok]


def _switch(rs: RunState, e: Emission, want: NDArray, quiet: NDArray, t_s: float) -> None:
    """Apply ``want`` to ``e.on`` and log each switch with its reason."""
    ra, p = rs.built.radars, rs.built.emcon
    for kind, sel in (("radar_on", want & ~e.on), ("radar_off", ~want & e.on)):
        r = np.flatnonzero(sel)
        if r.size == 0:
            continue
        if kind == "radar_off":
            why = np.where(e.lost[r], "destroyed", np.where(quiet[r], "arm_warning",
                           np.array(MODES)[p.mode[r]]))  # fmt: skip
            e.off_since_s[r] = t_s
        else:
            why = np.array(MODES)[p.mode[r]]
            e.off_since_s[r] = np.nan
            e.on_since_s[r] = t_s
        e.on[r] = kind == "radar_on"
        lat, lon = np.rad2deg(ra.lat_rad[r]), np.rad2deg(ra.lon_rad[r])
        rs.log.add(kind, t_s, radar_id=r, unit_id=ra.unit[r], lat_deg=lat, lon_deg=lon,
                   alt_m=ra.height_m[r], details=[{"reason": str(w)} for w in why])  # fmt: skip
