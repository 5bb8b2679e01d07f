"""iads.state: the types every stage shares, below every stage package.

built   ``Built`` (what a run is built from: read-only arrays) and the random streams
run     ``RunState`` (everything that changes during a run), ``Picture``,
        ``RadarSchedule``, threat status codes
events  the event kinds and the event log schema (``EVENT_KINDS``, ``EVENT_SCHEMA``,
        ``EventLog``)
stage   the stage contract (``SenseStage``, ``TrackStage``, ``DecideStage``,
        ``FlyStage``, ``Stages``)

Stages import this package and never the engine; the engine imports the stages. The
layering is checked by ``tests/test_layers.py`` (import-linter).
"""

from iads.state.built import STREAMS, Built, Threats, Units, freeze_arrays, streams
from iads.state.events import EVENT_KINDS, EVENT_SCHEMA, EventLog
from iads.state.run import (
    FLYING,
    KILLED,
    LEAKED,
    NOT_LAUNCHED,
    Emission,
    Picture,
    RadarSchedule,
    RunState,
    lla,
)
from iads.state.stage import DecideStage, FlyStage, SenseStage, Stages, TrackStage

__all__ = [
    "EVENT_KINDS",
    "EVENT_SCHEMA",
    "FLYING",
    "KILLED",
    "LEAKED",
    "NOT_LAUNCHED",
    "STREAMS",
    "Built",
    "DecideStage",
    "Emission",
    "EventLog",
    "FlyStage",
    "Picture",
    "RadarSchedule",
    "RunState",
    "SenseStage",
    "Stages",
    "Threats",
    "TrackStage",
    "Units",
    "freeze_arrays",
    "lla",
    "streams",
]
