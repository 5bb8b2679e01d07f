"""iads.scenario: the scenario schema, loading YAML files with located errors, and the
built-in scenarios."""

from iads.scenario.loader import (
    LoadedScenario,
    builtin_names,
    load_scenario,
    parse_scenario,
    with_overrides,
)
from iads.scenario.schema import (
    Asset,
    Defender,
    Doctrine,
    Position,
    Scenario,
    Settings,
    ThreatGroup,
)

__all__ = [
    "Asset",
    "Defender",
    "Doctrine",
    "LoadedScenario",
    "Position",
    "Scenario",
    "Settings",
    "ThreatGroup",
    "builtin_names",
    "load_scenario",
    "parse_scenario",
    "with_overrides",
]
