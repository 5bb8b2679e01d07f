"""iads.threats: threat trajectories, precomputed for a whole run and interpolated in time.

``fly(specs, duration_s, dt_sample_s)`` flies a list of flight specs (one small frozen
dataclass per threat kind) and returns a ``Truth`` (ECEF positions/velocities sampled on a
uniform grid, launch and end times) whose ``state_at(t_s)`` interpolates any instant.
"""

from iads.threats.aircraft import AircraftFlight, CruiseMissileFlight, DroneFlight
from iads.threats.ballistic import BallisticFlight
from iads.threats.flight import FlightSpec, fly
from iads.threats.truth import Truth
from iads.threats.waypoint import WaypointFlight

__all__ = [
    "AircraftFlight",
    "BallisticFlight",
    "CruiseMissileFlight",
    "DroneFlight",
    "FlightSpec",
    "Truth",
    "WaypointFlight",
    "fly",
]
