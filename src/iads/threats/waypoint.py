"""First-order waypoint flight: constant ground speed along great-circle legs.

The threat leaves its first waypoint at ``launch_t_s`` and flies each leg on the great
circle of the navigation sphere (the IUGG mean-radius sphere, see ``_nav``) at constant
ground speed, turning instantly at each waypoint, and ends at the last waypoint (its
target). Height is constant (``altitude_m``) or varies linearly with ground distance
between waypoint heights. First-order: no turn radius, no acceleration, no climb limit;
see ``routed`` for the aircraft / cruise-missile / drone model that has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.threats import _checks, _nav
from iads.threats.flight import BatchResult

__all__ = ["WaypointFlight", "fly_waypoints", "pad_waypoints"]

F64 = NDArray[np.float64]


def pad_waypoints(routes: Sequence[F64]) -> tuple[F64, F64, NDArray[np.int64]]:
    """Pad per-threat (k_i, 3) deg/deg/m waypoint arrays to a common length.

    Returns unit vectors (m, k_max, 3) on the navigation sphere, heights (m, k_max) [m]
    (rows padded by repeating the last waypoint) and the counts k_i (m,).
    """
    k = np.array([r.shape[0] for r in routes], dtype=np.int64)
    k_max = int(k.max())
    wp = np.empty((len(routes), k_max, 3))
    for i, r in enumerate(routes):  # preparation only: not in the time integration
        wp[i, : r.shape[0]] = r
        wp[i, r.shape[0] :] = r[-1]
    u = _nav.unit_vector(np.deg2rad(wp[..., 0]), np.deg2rad(wp[..., 1]))
    return u, wp[..., 2], k


def fly_waypoints(specs: Sequence[WaypointFlight], t_s: F64) -> BatchResult:
    """Batch kernel of ``WaypointFlight``: all threats at all sample times ``t_s`` (n_t,).

    Returns pos (n_t, m, 3) [m], vel (n_t, m, 3) [m/s] (WGS-84 ECEF), launch_t_s (m,),
    end_t_s (m,) [s].
    """
    m = len(specs)
    u_wp, h_wp, k_wp = pad_waypoints([s.waypoints_lla for s in specs])
    speed = np.array([s.speed_mps for s in specs])
    launch = np.array([s.launch_t_s for s in specs])
    alt = np.array([np.nan if s.altitude_m is None else s.altitude_m for s in specs])
    leg_ang = _nav.central_angle(u_wp[:, :-1], u_wp[:, 1:])  # (m, k_max - 1)
    # Pad legs are exactly 0 (arccos of a rounded 1 can leave ~1e-8 rad, which would make
    # a pad leg "active" at the end of the route and divide by ~0 there).
    leg_ang = np.where(np.arange(leg_ang.shape[1])[None, :] < (k_wp - 1)[:, None], leg_ang, 0.0)
    leg_m = _nav.R_NAV_M * leg_ang
    cum = np.concatenate([np.zeros((m, 1)), np.cumsum(leg_m, axis=1)], axis=1)  # (m, k_max)
    total = cum[:, -1]
    end = launch + total / speed

    # Ground distance flown at each sample, clipped to the route; outside [launch, end] the
    # state is extended at constant velocity (see Truth).
    t_c = np.clip(t_s[:, None], launch, end)  # (n_t, m)
    d = speed * (t_c - launch)
    # Active leg j: the number of interior waypoints strictly passed (pads never count).
    j = np.sum(cum[None, :, 1:-1] < d[..., None], axis=-1)  # (n_t, m)
    # d can exceed the route length by rounding at the end time: stay on the last real leg.
    j = np.minimum(j, (k_wp - 2)[None, :])
    rows = np.arange(m)[None, :]
    a, b = u_wp[rows, j], u_wp[rows, j + 1]  # (n_t, m, 3)
    omega = leg_ang[rows, j]
    sigma = (d - cum[rows, j]) / _nav.R_NAV_M  # angle flown along leg j
    sin_om = np.sin(omega)
    # Spherical linear interpolation along the leg's great circle and its unit tangent.
    ca = (np.sin(omega - sigma) / sin_om)[..., None]
    cb = (np.sin(sigma) / sin_om)[..., None]
    u = ca * a + cb * b
    tangent = (-np.cos(omega - sigma)[..., None] * a + np.cos(sigma)[..., None] * b) / sin_om[
        ..., None
    ]
    lat, lon = _nav.lat_lon(u)

    h_a, h_b = h_wp[rows, j], h_wp[rows, j + 1]
    frac = (d - cum[rows, j]) / leg_m[rows, j]
    const = ~np.isnan(alt)
    h = np.where(const, alt, h_a + frac * (h_b - h_a))
    v_u = np.where(const, 0.0, speed * (h_b - h_a) / leg_m[rows, j])

    east, north = _nav.east_north(u)
    v_e = speed * np.sum(tangent * east, axis=-1)
    v_n = speed * np.sum(tangent * north, axis=-1)
    pos = _nav.to_ecef(lat, lon, h)
    vel = _nav.ecef_velocity(lat, lon, h, v_e, v_n, v_u)
    pos = pos + vel * (t_s[:, None] - t_c)[..., None]  # constant-velocity extension
    return pos, vel, launch, end


@dataclass(frozen=True, eq=False)
class WaypointFlight:
    """First-order flight along great-circle legs at constant ground speed.

    Args:
        waypoints_lla: (k, 3) rows of (lat [deg], lon [deg], h [m] above WGS-84), k >= 2;
            the first is the entry point, the last the target where the flight ends.
        speed_mps: ground speed along the navigation sphere [m/s], > 0.
        launch_t_s: time the threat appears at the first waypoint [s], >= 0.
        altitude_m: constant height [m]; ``None`` interpolates the waypoint heights
            linearly in ground distance along each leg.
    """

    waypoints_lla: NDArray[np.float64]
    speed_mps: float
    launch_t_s: float = 0.0
    altitude_m: float | None = None

    kernel: ClassVar = staticmethod(fly_waypoints)

    def __post_init__(self) -> None:
        f = "WaypointFlight"
        wp: ArrayLike = self.waypoints_lla
        object.__setattr__(self, "waypoints_lla", _checks.waypoints(wp, "waypoints_lla", f))
        object.__setattr__(self, "speed_mps", _checks.positive(self.speed_mps, "speed_mps", f))
        object.__setattr__(
            self, "launch_t_s", _checks.non_negative(self.launch_t_s, "launch_t_s", f)
        )
        if self.altitude_m is not None:
            object.__setattr__(self, "altitude_m", _checks.finite(self.altitude_m, "altitude_m", f))
