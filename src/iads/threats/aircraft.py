"""Flight specs of air-breathing threats flown by the routed kernel (``routed``):
aircraft, cruise missiles, drones and loitering munitions.

Each spec validates its parameters once and reduces to a ``RouteParams``; all routed
kinds share one batch kernel, so a mixed raid is integrated in a single kernel call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from iads.errors import ParameterError
from iads.threats import _checks
from iads.threats.flight import BatchResult
from iads.threats.routed import (
    TERMINAL_DIVE,
    TERMINAL_NONE,
    TERMINAL_POPUP,
    RouteParams,
    fly_routed,
)
from iads.units import mach_to_mps

__all__ = ["AircraftFlight", "CruiseMissileFlight", "DroneFlight", "fly_route_specs"]


def fly_route_specs(specs: Sequence, t_s: NDArray[np.float64]) -> BatchResult:
    """Batch kernel shared by every routed spec kind: reduce to ``RouteParams`` and fly."""
    return fly_routed([s.route_params() for s in specs], t_s)


def _speed(speed_mps: float | None, mach: float | None, func: str) -> float:
    if (speed_mps is None) == (mach is None):
        raise ParameterError("speed_mps", speed_mps, "given, or mach given, but not both", func)
    if mach is not None:
        return float(mach_to_mps(_checks.positive(mach, "mach", func)))
    return _checks.positive(speed_mps, "speed_mps", func)  # type: ignore[arg-type]


def _common(spec, func: str, n_min: float) -> None:
    set_ = object.__setattr__
    set_(spec, "waypoints_lla", _checks.waypoints(spec.waypoints_lla, "waypoints_lla", func))
    set_(spec, "launch_t_s", _checks.non_negative(spec.launch_t_s, "launch_t_s", func))
    n = _checks.finite(spec.max_load_factor, "max_load_factor", func)
    if n <= n_min:
        raise ParameterError("max_load_factor", spec.max_load_factor, f"> {n_min}", func)
    set_(spec, "max_load_factor", n)
    set_(spec, "climb_rate_mps", _checks.positive(spec.climb_rate_mps, "climb_rate_mps", func))


def _weave(spec, func: str) -> None:
    _checks.non_negative(spec.weave_amplitude_m, "weave_amplitude_m", func)
    _checks.positive(spec.weave_wavelength_m, "weave_wavelength_m", func)


@dataclass(frozen=True, eq=False)
class AircraftFlight:
    """A manned or unmanned aircraft flying a waypoint route (fly-by turns).

    Args:
        waypoints_lla: (k, 3) (lat [deg], lon [deg], h [m]); starts at the first point at
            its height and heading along the first leg, climbs/descends on each leg
            towards the height of the leg's end point; ends at the last point.
        speed_mps / mach: constant true speed, exactly one of the two (Mach at the
            sea-level speed of sound, ``iads.units.mach_to_mps``).
        launch_t_s: entry time [s].
        max_load_factor: n > 1 of the coordinated turns, radius v^2 / (g sqrt(n^2 - 1)).
        climb_rate_mps: vertical rate limit [m/s] (climb and descent).
        weave_amplitude_m, weave_wavelength_m: sinusoidal lateral offset A sin(2 pi s/lambda)
            about the route (s: ground distance flown); 0 disables.
    """

    waypoints_lla: NDArray[np.float64]
    speed_mps: float | None = None
    mach: float | None = None
    launch_t_s: float = 0.0
    max_load_factor: float = 3.0
    climb_rate_mps: float = 20.0
    weave_amplitude_m: float = 0.0
    weave_wavelength_m: float = 10_000.0

    kernel: ClassVar = staticmethod(fly_route_specs)

    def __post_init__(self) -> None:
        _common(self, "AircraftFlight", 1.0)
        _weave(self, "AircraftFlight")
        object.__setattr__(self, "_v", _speed(self.speed_mps, self.mach, "AircraftFlight"))

    def route_params(self) -> RouteParams:
        """The SI parameters of the routed kernel."""
        wp = self.waypoints_lla
        return RouteParams(
            wp, wp[:, 2].copy(), self._v, self.launch_t_s, self.max_load_factor,
            self.climb_rate_mps, self.weave_amplitude_m, self.weave_wavelength_m,
        )  # fmt: skip


@dataclass(frozen=True, eq=False)
class CruiseMissileFlight:
    """A cruise missile: low cruise along waypoint dog-legs, then a terminal manoeuvre.

    Args:
        waypoints_lla: (k, 3); the first point is the launch point (its height is the
            launch height), the last the target (its height the impact height); the
            heights of the points between are ignored: the missile cruises at
            ``cruise_altitude_m`` above the ellipsoid (first-order terrain/sea skimming:
            no terrain model).
        speed_mps / mach: constant true speed, exactly one.
        launch_t_s: launch time [s].
        cruise_altitude_m: cruise height [m] > 0.
        terminal: "none" (fly level into the target), "dive" (dive onto the target when
            the line of sight below the horizon reaches ``dive_angle_deg``) or "popup"
            (climb to ``popup_altitude_m`` at ``popup_range_m`` from the target, then dive).
        max_load_factor, climb_rate_mps: turn and vertical-rate limits.
        weave_amplitude_m, weave_wavelength_m: optional weave during cruise.
    """

    waypoints_lla: NDArray[np.float64]
    speed_mps: float | None = None
    mach: float | None = None
    launch_t_s: float = 0.0
    cruise_altitude_m: float = 30.0
    terminal: Literal["none", "dive", "popup"] = "none"
    popup_altitude_m: float = 400.0
    popup_range_m: float = 8_000.0
    dive_angle_deg: float = 30.0
    max_load_factor: float = 5.0
    climb_rate_mps: float = 60.0
    weave_amplitude_m: float = 0.0
    weave_wavelength_m: float = 10_000.0

    kernel: ClassVar = staticmethod(fly_route_specs)

    def __post_init__(self) -> None:
        f = "CruiseMissileFlight"
        _common(self, f, 1.0)
        _weave(self, f)
        object.__setattr__(self, "_v", _speed(self.speed_mps, self.mach, f))
        _checks.positive(self.cruise_altitude_m, "cruise_altitude_m", f)
        if self.terminal not in ("none", "dive", "popup"):
            raise ParameterError("terminal", self.terminal, "'none', 'dive' or 'popup'", f)
        _checks.positive(self.popup_altitude_m, "popup_altitude_m", f)
        _checks.positive(self.popup_range_m, "popup_range_m", f)
        _checks.in_range(self.dive_angle_deg, "dive_angle_deg", f, 1.0, 89.0, "in [1, 89] deg")

    def route_params(self) -> RouteParams:
        """The SI parameters of the routed kernel."""
        wp = self.waypoints_lla
        h_cmd = np.full(wp.shape[0], float(self.cruise_altitude_m))
        h_cmd[0] = wp[0, 2]
        if self.terminal == "none":
            h_cmd[-1] = self.cruise_altitude_m
        else:
            h_cmd[-1] = max(self.cruise_altitude_m, wp[-1, 2])
        code = {"none": TERMINAL_NONE, "dive": TERMINAL_DIVE, "popup": TERMINAL_POPUP}
        return RouteParams(
            wp, h_cmd, self._v, self.launch_t_s, self.max_load_factor, self.climb_rate_mps,
            self.weave_amplitude_m, self.weave_wavelength_m, code[self.terminal],
            float(self.popup_altitude_m), float(self.popup_range_m),
            float(np.deg2rad(self.dive_angle_deg)),
        )  # fmt: skip


@dataclass(frozen=True, eq=False)
class DroneFlight:
    """A slow, low drone or loitering munition on a waypoint route.

    Args:
        waypoints_lla: (k, 3); heights are flown as for ``AircraftFlight``; the last point
            is the target.
        speed_mps: constant true speed [m/s] (default 50 m/s, a light one-way attack drone).
        launch_t_s: launch time [s].
        max_load_factor, climb_rate_mps: turn and vertical-rate limits.
        terminal_dive_deg: if given, dive onto the last point once the line of sight below
            the horizon reaches this angle [deg] (loitering-munition attack); else fly
            into it at its height.
    """

    waypoints_lla: NDArray[np.float64]
    speed_mps: float = 50.0
    launch_t_s: float = 0.0
    max_load_factor: float = 1.5
    climb_rate_mps: float = 5.0
    terminal_dive_deg: float | None = None

    kernel: ClassVar = staticmethod(fly_route_specs)

    def __post_init__(self) -> None:
        f = "DroneFlight"
        _common(self, f, 1.0)
        object.__setattr__(self, "speed_mps", _checks.positive(self.speed_mps, "speed_mps", f))
        if self.terminal_dive_deg is not None:
            _checks.in_range(
                self.terminal_dive_deg, "terminal_dive_deg", f, 1.0, 89.0, "in [1, 89] deg"
            )

    def route_params(self) -> RouteParams:
        """The SI parameters of the routed kernel."""
        wp = self.waypoints_lla
        h_cmd = wp[:, 2].copy()
        dive = self.terminal_dive_deg
        if dive is not None:
            h_cmd[-1] = wp[-2, 2]  # hold the previous height until the dive starts
        return RouteParams(
            wp, h_cmd, self.speed_mps, self.launch_t_s, self.max_load_factor,
            self.climb_rate_mps, terminal=TERMINAL_NONE if dive is None else TERMINAL_DIVE,
            dive_angle_rad=float(np.deg2rad(dive if dive is not None else 45.0)),
        )  # fmt: skip
