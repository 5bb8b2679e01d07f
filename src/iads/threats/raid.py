"""Raid generator: a ``RaidSpec`` (groups of threats, launch areas along an axis from the
target, time spread or time-on-target) expanded deterministically into flight specs.

Each threat draws, from the ``numpy.random.Generator`` passed in: a bearing from the target
within the axis spread, a launch point uniform over its group's launch disc, a launch time
within the time spread, and for cruise missiles a dog-leg point. With ``time_on_target_s``
the launch times are back-computed so that all threats arrive together: route length over
speed for air-breathing threats (first-order: turns and climbs not counted) and, for
ballistic missiles, the time of flight of their aimed trajectory as flown
(``ballistic.time_of_flight_s``: boost, drag and earth rotation included, so they arrive
on time to the integration's accuracy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from iads.errors import ParameterError
from iads.threats import _checks, _nav
from iads.threats.aircraft import AircraftFlight, CruiseMissileFlight, DroneFlight
from iads.threats.ballistic import BallisticFlight, time_of_flight_s
from iads.threats.flight import FlightSpec

__all__ = ["RaidSpec", "ThreatGroup", "generate_raid"]

Kind = Literal["aircraft", "cruise_missile", "drone", "ballistic"]
_DEFAULT_SPEED = {"aircraft": 250.0, "cruise_missile": 240.0, "drone": 50.0}
_DEFAULT_ALT = {"aircraft": 6000.0, "cruise_missile": 30.0, "drone": 150.0}


@dataclass(frozen=True)
class ThreatGroup:
    """``count`` threats of one ``kind`` launched from one area.

    ``distance_m``: from the target to the centre of the launch area along the raid axis;
    ``radius_m``: radius of the launch disc; ``speed_mps`` / ``altitude_m``: cruise values
    (kind defaults if None; unused for ballistic); ``terminal``: cruise-missile terminal
    manoeuvre; ``burn_time_s``: ballistic boost duration; ``max_load_factor``: turn load
    factor of air-breathing threats (the spec kind's default if None);
    ``max_apogee_m``: ballistic apogee cap (``BallisticFlight.max_apogee_m``).
    """

    kind: Kind
    count: int
    distance_m: float
    radius_m: float = 0.0
    speed_mps: float | None = None
    altitude_m: float | None = None
    terminal: Literal["none", "dive", "popup"] = "none"
    burn_time_s: float = 60.0
    max_load_factor: float | None = None
    max_apogee_m: float | None = None

    def __post_init__(self) -> None:
        f = "ThreatGroup"
        if self.kind not in ("aircraft", "cruise_missile", "drone", "ballistic"):
            raise ParameterError(
                "kind", self.kind, "'aircraft', 'cruise_missile', 'drone' or 'ballistic'", f
            )
        if int(self.count) != self.count or self.count < 0:
            raise ParameterError("count", self.count, "an integer >= 0", f)
        _checks.positive(self.distance_m, "distance_m", f)
        _checks.non_negative(self.radius_m, "radius_m", f)
        if self.radius_m >= self.distance_m:
            raise ParameterError("radius_m", self.radius_m, "< distance_m", f)


@dataclass(frozen=True)
class RaidSpec:
    """A raid on one target: groups, axis (bearing from the target towards the launch
    areas [deg]) and its spread [deg, full width], launch start time and spread [s], or a
    common time on target [s]."""

    target_lla: tuple[float, float, float]
    groups: tuple[ThreatGroup, ...] = field(default_factory=tuple)
    axis_bearing_deg: float = 0.0
    axis_spread_deg: float = 0.0
    start_t_s: float = 0.0
    time_spread_s: float = 0.0
    time_on_target_s: float | None = None

    def __post_init__(self) -> None:
        f = "RaidSpec"
        t = np.asarray(self.target_lla, dtype=float)
        if t.shape != (3,) or not np.all(np.isfinite(t)) or abs(t[0]) > 90:
            raise ParameterError("target_lla", self.target_lla, "(lat_deg, lon_deg, h_m)", f)
        _checks.in_range(self.axis_spread_deg, "axis_spread_deg", f, 0.0, 360.0, "in [0, 360]")
        _checks.non_negative(self.start_t_s, "start_t_s", f)
        _checks.non_negative(self.time_spread_s, "time_spread_s", f)


def _ballistic(grp: ThreatGroup, lat: float, lon: float, tgt, t_launch: float) -> BallisticFlight:
    return BallisticFlight(
        [lat, lon, 0.0], [tgt[0], tgt[1], tgt[2]], launch_t_s=t_launch,
        burn_time_s=grp.burn_time_s, max_apogee_m=grp.max_apogee_m,
    )  # fmt: skip


def generate_raid(raid: RaidSpec, rng: np.random.Generator) -> tuple[list[FlightSpec], list[str]]:
    """Expand ``raid`` into flight specs and their kind names, drawing from ``rng``.

    Same raid and same generator state give the same specs. Threats are listed group by
    group, in group order.
    """
    if not isinstance(rng, np.random.Generator):
        raise ParameterError("rng", rng, "a numpy.random.Generator", "generate_raid")
    tgt = np.asarray(raid.target_lla, dtype=float)
    u_t = _nav.unit_vector(np.deg2rad(tgt[0]), np.deg2rad(tgt[1]))
    specs: list[FlightSpec] = []
    kinds: list[str] = []
    for grp in raid.groups:
        n = int(grp.count)
        if n == 0:
            continue
        half = np.deg2rad(raid.axis_spread_deg) / 2.0
        brg = np.deg2rad(raid.axis_bearing_deg) + rng.uniform(-half, half, n)
        centre = _nav.destination(np.repeat(u_t[None], n, 0), brg, np.full(n, grp.distance_m))
        # Uniform point on the launch disc: radius sqrt(U) R, uniform direction.
        rad = grp.radius_m * np.sqrt(rng.uniform(0.0, 1.0, n))
        launch_u = _nav.destination(centre, rng.uniform(0.0, 2 * np.pi, n), rad)
        lat, lon = np.rad2deg(_nav.lat_lon(launch_u))
        dist = _nav.R_NAV_M * _nav.central_angle(launch_u, u_t[None])
        t0 = raid.start_t_s + rng.uniform(0.0, raid.time_spread_s, n)
        speed = grp.speed_mps or _DEFAULT_SPEED.get(grp.kind, 0.0)
        alt = grp.altitude_m if grp.altitude_m is not None else _DEFAULT_ALT.get(grp.kind, 0.0)
        mid_u = dogleg_u = None
        if grp.kind == "cruise_missile":
            # Dog-leg: a point at mid-route offset sideways by up to 15 % of the route.
            back = _nav.bearing(u_t[None], launch_u)
            mid_u = _nav.destination(np.repeat(u_t[None], n, 0), back, dist / 2.0)
            side = back + np.pi / 2 * np.where(rng.uniform(size=n) < 0.5, -1.0, 1.0)
            dogleg_u = _nav.destination(mid_u, side, dist * rng.uniform(0.0, 0.15, n))
            leg1 = _nav.R_NAV_M * _nav.central_angle(launch_u, dogleg_u)
            leg2 = _nav.R_NAV_M * _nav.central_angle(dogleg_u, u_t[None])
            route = leg1 + leg2
        else:
            route = dist
        if raid.time_on_target_s is not None:
            if grp.kind == "ballistic":
                shots = [_ballistic(grp, lat[i], lon[i], tgt, 0.0) for i in range(n)]
                tof = time_of_flight_s(shots)
            else:
                tof = route / speed
            t0 = raid.time_on_target_s - tof
            if np.any(t0 < 0.0):
                raise ParameterError(
                    "time_on_target_s", raid.time_on_target_s,
                    f"late enough for the {grp.kind} group to launch at t >= 0 "
                    f"(needs >= {float(np.max(tof)):.0f} s)", "generate_raid",
                )  # fmt: skip
        nk = {} if grp.max_load_factor is None else {"max_load_factor": grp.max_load_factor}
        for i in range(n):  # building the specs (not the time integration)
            start = [lat[i], lon[i], 0.0]
            end = [tgt[0], tgt[1], tgt[2]]
            if grp.kind == "ballistic":
                specs.append(_ballistic(grp, lat[i], lon[i], tgt, float(t0[i])))
            elif grp.kind == "cruise_missile":
                dl = np.rad2deg(_nav.lat_lon(dogleg_u[i]))
                wp = np.array([start, [dl[0], dl[1], alt], end])
                specs.append(
                    CruiseMissileFlight(
                        wp,
                        speed_mps=speed,
                        launch_t_s=t0[i],
                        cruise_altitude_m=alt,
                        terminal=grp.terminal,
                        **nk,
                    )
                )
            elif grp.kind == "aircraft":
                wp = np.array([[lat[i], lon[i], alt], [tgt[0], tgt[1], alt]])
                specs.append(AircraftFlight(wp, speed_mps=speed, launch_t_s=t0[i], **nk))
            else:
                wp = np.array([[lat[i], lon[i], alt], end])
                specs.append(
                    DroneFlight(wp, speed_mps=speed, launch_t_s=t0[i], terminal_dive_deg=30.0, **nk)
                )
            kinds.append(grp.kind)
    return specs, kinds
