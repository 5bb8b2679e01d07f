"""The run state, re-exported from its home ``iads.state.run`` (below every stage, so that
stages need not import the engine)."""

from iads.state.run import (
    FLYING,
    KILLED,
    LEAKED,
    NOT_LAUNCHED,
    Picture,
    RadarSchedule,
    RunState,
    lla,
)

__all__ = [
    "FLYING",
    "KILLED",
    "LEAKED",
    "NOT_LAUNCHED",
    "Picture",
    "RadarSchedule",
    "RunState",
    "lla",
]
