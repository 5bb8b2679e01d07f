"""iads.c2: battle management: identification (``iff``), threat evaluation (``threat``),
the fire decision by weapon-target assignment (``engage`` over ``iads.c2.wta``), doctrine
and magazines (``magazine``), networks and their fused pictures (``network``)."""

from iads.c2.engage import Assignment, assign_engagements
from iads.c2.magazine import Magazines
from iads.c2.network import TrackFusion
from iads.c2.threat import threat_priority, threat_values

__all__ = [
    "Assignment",
    "Magazines",
    "TrackFusion",
    "assign_engagements",
    "threat_priority",
    "threat_values",
]
