"""Racetrack patrol orbits: an aircraft on station flying a closed racetrack for a while.

The racetrack is the classic holding/CAP pattern: an inbound leg from ``start`` to ``end``
(a great circle of the navigation sphere, ``_nav``), a 180-degree coordinated turn of
radius r = v^2 / (g sqrt(n^2 - 1)) (level turn at load factor n, e.g. Anderson,
*Introduction to Flight*, 8th ed., sec. 6.17, eq. 6.118), the parallel outbound leg at
2r to the side, a second turn, and again. Speed and height are constant; the aircraft
appears on station at ``start`` at ``launch_t_s`` heading for ``end`` and leaves the run
(its ``end_t_s``) after ``duration_s``.

Closed form in time (no integration), vectorized over aircraft and samples: arc length
s = v (t - t0) folded on the perimeter 2L + 2 pi r gives the along-track coordinate x
and the cross-track offset y (left of the inbound leg positive); the point is reached
from ``start`` by x along the inbound great circle, then y along the great circle
perpendicular to it. Offsets of tens of km keep the outbound leg within (y/R)^2/2 ~ 1e-5
of a true parallel (speed and leg length).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from iads.errors import ParameterError
from iads.threats import _checks, _nav
from iads.threats.flight import BatchResult
from iads.units import G0_MPS2

__all__ = ["PatrolFlight", "fly_patrols", "turn_radius_m"]

F64 = NDArray[np.float64]


def turn_radius_m(speed_mps: F64 | float, load_factor: F64 | float) -> F64:
    """Radius [m] of a level coordinated turn at true speed ``speed_mps`` and load factor
    n > 1: v^2 / (g sqrt(n^2 - 1))."""
    n = np.asarray(load_factor, dtype=float)
    return np.asarray(speed_mps, dtype=float) ** 2 / (
        G0_MPS2 * np.sqrt(n * n - 1.0)
    )


def _local(s: F64, leg: F64, r: F64, v: F64) -> tuple[F64, F64, F64, F64]:
    """Along-track x, cross-track y [m] (y toward the turn side > 0) and their rates
    [m/s] at arc length ``s`` in [0, perimeter) of racetracks (leg, r), speed v.
    Broadcast shapes."""
    half_turn = np.pi * r
    seg1, seg2, seg3 = leg, leg + half_turn, 2.0 * leg + half_turn
    phi1 = (s - seg1) / r
    phi2 = (s - seg3) / r
    x = np.select(
        [s < seg1, s < seg2, s < seg3],
        [s, leg + r * np.sin(phi1), leg - (s - seg2)],
        -r * np.sin(phi2),
    )
    y = np.select(
        [s < seg1, s < seg2, s < seg3],
        [np.zeros_like(s), r - r * np.cos(phi1), 2.0 * r],
        r + r * np.cos(phi2),
    )
    one = np.ones_like(s)
    vx = v * np.select(
        [s < seg1, s < seg2, s < seg3], [one, np.cos(phi1), -one], -np.cos(phi2)
    )
    vy = v * np.select(
        [s < seg1, s < seg2, s < seg3], [0.0 * one, np.sin(phi1), 0.0 * one], -np.sin(phi2)
    )
    return x, y, vx, vy


def fly_patrols(specs: Sequence[PatrolFlight], t_s: F64) -> BatchResult:
    """Batch kernel of ``PatrolFlight``: every patrol at the sample times ``t_s`` (n_t,).

    Returns pos (n_t, m, 3) [m], vel (n_t, m, 3) [m/s] (WGS-84 ECEF), launch_t_s (m,),
    end_t_s (m,) [s]. Before launch and after the end the state continues at constant
    velocity (see ``Truth``).
    """
    start = np.deg2rad(np.array([s.start_lla[:2] for s in specs], float))  # (m, 2)
    end = np.deg2rad(np.array([s.end_lla[:2] for s in specs], float))
    h = np.array([float(s.start_lla[2]) for s in specs])
    v = np.array([float(s.speed_mps) for s in specs])
    t0 = np.array([float(s.launch_t_s) for s in specs])
    t1 = t0 + np.array([float(s.duration_s) for s in specs])
    r = turn_radius_m(v, np.array([float(s.load_factor) for s in specs]))
    side = np.array([1.0 if s.turn == "left" else -1.0 for s in specs])  # +1: y is left
    a = _nav.unit_vector(start[:, 0], start[:, 1])  # (m, 3)
    b = _nav.unit_vector(end[:, 0], end[:, 1])
    leg = _nav.R_NAV_M * _nav.central_angle(a, b)
    pole = np.cross(a, b)
    pole /= np.linalg.norm(pole, axis=-1, keepdims=True)  # left of a -> b
    fwd = np.cross(pole, a)  # along-track direction at a

    tc = np.clip(t_s[:, None], t0, t1)  # (n_t, m)
    s = np.mod(v * (tc - t0), 2.0 * leg + 2.0 * np.pi * r)
    x, y, vx, vy = _local(s, leg, r, v)
    y, vy = side * y, side * vy
    R = _nav.R_NAV_M
    cx, sx, cy, sy = np.cos(x / R), np.sin(x / R), np.cos(y / R), np.sin(y / R)
    p_on = cx[..., None] * a + sx[..., None] * fwd  # point x along the inbound leg
    u = cy[..., None] * p_on + sy[..., None] * pole
    # d u / dt on the unit sphere (times R: m/s), then east/north speeds on the sphere.
    dp = (-sx[..., None] * a + cx[..., None] * fwd) * cy[..., None]
    du_dt = dp * vx[..., None] + (-sy[..., None] * p_on + cy[..., None] * pole) * vy[..., None]
    east, north = _nav.east_north(u)
    v_e = np.sum(du_dt * east, axis=-1)
    v_n = np.sum(du_dt * north, axis=-1)
    lat, lon = _nav.lat_lon(u)
    hh = np.broadcast_to(h, lat.shape)
    pos = _nav.to_ecef(lat, lon, hh)
    vel = _nav.ecef_velocity(lat, lon, hh, v_e, v_n, np.zeros_like(v_e))
    pos = pos + vel * (t_s[:, None] - tc)[..., None]
    return pos, vel, t0, t1


@dataclass(frozen=True, eq=False)
class PatrolFlight:
    """An aircraft flying a racetrack between two points.

    Args:
        start_lla, end_lla: (lat [deg], lon [deg], h [m]) of the two ends of the inbound
            leg; the height of ``start_lla`` is flown throughout.
        speed_mps: constant true speed [m/s] > 0.
        launch_t_s: time the aircraft appears at ``start_lla`` [s] >= 0.
        duration_s: time on station [s] > 0; the aircraft then leaves the run.
        load_factor: n > 1 of the turns at each end.
        turn: "right" (the usual holding pattern) or "left": side of the turns.
    """

    start_lla: tuple[float, float, float]
    end_lla: tuple[float, float, float]
    speed_mps: float
    launch_t_s: float = 0.0
    duration_s: float = 3600.0
    load_factor: float = 1.5
    turn: Literal["right", "left"] = "right"

    kernel: ClassVar = staticmethod(fly_patrols)

    def __post_init__(self) -> None:
        f = "PatrolFlight"
        ends = np.array([self.start_lla, self.end_lla], float)
        pts = _checks.waypoints(ends, "start_lla, end_lla", f)
        if np.allclose(pts[0, :2], pts[1, :2], atol=1e-9):
            raise ParameterError("end_lla", self.end_lla, "a point apart from start_lla", f)
        _checks.positive(self.speed_mps, "speed_mps", f)
        _checks.non_negative(self.launch_t_s, "launch_t_s", f)
        _checks.positive(self.duration_s, "duration_s", f)
        n = _checks.finite(self.load_factor, "load_factor", f)
        if n <= 1.0:
            raise ParameterError("load_factor", self.load_factor, "> 1", f)
        if self.turn not in ("right", "left"):
            raise ParameterError("turn", self.turn, "'right' or 'left'", f)

    @property
    def turn_radius_m(self) -> float:
        """Radius of the end turns [m]."""
        return float(turn_radius_m(self.speed_mps, self.load_factor))
