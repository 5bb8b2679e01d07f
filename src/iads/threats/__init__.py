"""iads.threats: threat trajectories, precomputed for a whole run and interpolated in time.

``fly(specs, duration_s, dt_sample_s)`` flies a list of flight specs (one small frozen
dataclass per threat kind) and returns a ``Truth`` (ECEF positions/velocities sampled on a
uniform grid, launch and end times) whose ``state_at(t_s)`` interpolates any instant.
"""

from iads.threats.aircraft import AircraftFlight, CruiseMissileFlight, DroneFlight
from iads.threats.ballistic import BallisticFlight
from iads.threats.export import TRUTH_SCHEMA, truth_table
from iads.threats.flight import FlightSpec, fly
from iads.threats.raid import RaidSpec, ThreatGroup, generate_raid
from iads.threats.truth import Truth
from iads.threats.waypoint import WaypointFlight

__all__ = [
    "TRUTH_SCHEMA",
    "AircraftFlight",
    "BallisticFlight",
    "CruiseMissileFlight",
    "DroneFlight",
    "FlightSpec",
    "RaidSpec",
    "ThreatGroup",
    "Truth",
    "WaypointFlight",
    "fly",
    "generate_raid",
    "truth_table",
]
