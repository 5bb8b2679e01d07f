"""iads.threats: threat trajectories, precomputed for a whole run and interpolated in time.

``fly(specs, duration_s, dt_sample_s)`` flies a list of flight specs (one small frozen
dataclass per threat kind) and returns a ``Truth`` (ECEF positions/velocities sampled on a
uniform grid, launch and end times) whose ``state_at(t_s)`` interpolates any instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iads._lazy import lazy_exports

if TYPE_CHECKING:
    from iads.threats.aircraft import AircraftFlight, CruiseMissileFlight, DroneFlight
    from iads.threats.ballistic import BallisticFlight
    from iads.threats.export import TRUTH_SCHEMA, truth_table
    from iads.threats.flight import FlightSpec, fly
    from iads.threats.patrol import PatrolFlight
    from iads.threats.pool import PooledSlot
    from iads.threats.raid import RaidSpec, ThreatGroup, generate_raid
    from iads.threats.truth import Truth
    from iads.threats.waypoint import WaypointFlight

_EXPORTS = {
    "AircraftFlight": "iads.threats.aircraft",
    "CruiseMissileFlight": "iads.threats.aircraft",
    "DroneFlight": "iads.threats.aircraft",
    "BallisticFlight": "iads.threats.ballistic",
    "TRUTH_SCHEMA": "iads.threats.export",
    "truth_table": "iads.threats.export",
    "FlightSpec": "iads.threats.flight",
    "fly": "iads.threats.flight",
    "PatrolFlight": "iads.threats.patrol",
    "PooledSlot": "iads.threats.pool",
    "RaidSpec": "iads.threats.raid",
    "ThreatGroup": "iads.threats.raid",
    "generate_raid": "iads.threats.raid",
    "Truth": "iads.threats.truth",
    "WaypointFlight": "iads.threats.waypoint",
}
__all__ = [
    "TRUTH_SCHEMA",
    "AircraftFlight",
    "BallisticFlight",
    "CruiseMissileFlight",
    "DroneFlight",
    "FlightSpec",
    "PatrolFlight",
    "PooledSlot",
    "RaidSpec",
    "ThreatGroup",
    "Truth",
    "WaypointFlight",
    "fly",
    "generate_raid",
    "truth_table",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
