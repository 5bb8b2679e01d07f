"""iads.c2: battle management: threat evaluation, the fire decision and weapon-target
assignment (``iads.c2.wta``)."""

from iads.c2.engage import FirePlan, plan_fire, threat_priority

__all__ = ["FirePlan", "plan_fire", "threat_priority"]
