"""iads.c2: battle management: identification (``iff``), threat evaluation (``threat``),
the fire decision by weapon-target assignment (``engage`` over ``iads.c2.wta``), doctrine
and magazines (``magazine``), networks and their fused pictures (``network``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from iads._lazy import lazy_exports

if TYPE_CHECKING:
    from iads.c2.engage import Assignment, assign_engagements
    from iads.c2.iff import identify, sortie_state
    from iads.c2.magazine import Magazines
    from iads.c2.network import GATE_D2, TrackFusion
    from iads.c2.threat import class_weights, threat_priority, threat_values
    from iads.c2.wta import METHODS, WTAResult, solve, surviving_value

_EXPORTS = {
    "Assignment": "iads.c2.engage",
    "assign_engagements": "iads.c2.engage",
    "identify": "iads.c2.iff",
    "sortie_state": "iads.c2.iff",
    "Magazines": "iads.c2.magazine",
    "GATE_D2": "iads.c2.network",
    "TrackFusion": "iads.c2.network",
    "class_weights": "iads.c2.threat",
    "threat_priority": "iads.c2.threat",
    "threat_values": "iads.c2.threat",
    "METHODS": "iads.c2.wta",
    "WTAResult": "iads.c2.wta",
    "solve": "iads.c2.wta",
    "surviving_value": "iads.c2.wta",
}
__all__ = [
    "GATE_D2",
    "METHODS",
    "Assignment",
    "Magazines",
    "TrackFusion",
    "WTAResult",
    "assign_engagements",
    "class_weights",
    "identify",
    "solve",
    "sortie_state",
    "surviving_value",
    "threat_priority",
    "threat_values",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
