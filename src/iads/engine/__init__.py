"""iads.engine: building a run from a scenario, the time-stepped loop over the stages, the
event log and the result.

    result = iads.engine.simulate(load_scenario("default"), seed=1)
    result.summary(); result.events  # pyarrow table
"""

from __future__ import annotations

import time
from collections.abc import Callable

from iads.engine.build import build
from iads.engine.loop import simulate_built
from iads.engine.result import Result
from iads.scenario.loader import LoadedScenario
from iads.state import EVENT_KINDS, EVENT_SCHEMA, STREAMS, Built, EventLog, streams

__all__ = [
    "EVENT_KINDS",
    "EVENT_SCHEMA",
    "STREAMS",
    "Built",
    "EventLog",
    "Result",
    "build",
    "simulate",
    "streams",
]


def simulate(
    loaded: LoadedScenario,
    seed: int | None = None,
    *,
    progress: Callable[[float], None] | None = None,
    record_tracks: bool = False,
) -> Result:
    """Run one replication of a loaded scenario (``seed`` overrides the scenario's);
    ``record_tracks`` keeps the air pictures' confirmed tracks (``Result.tracks``)."""
    from iads.engine.tracklog import TrackRecorder

    t0 = time.perf_counter()
    built = build(loaded, seed)
    rec = TrackRecorder() if record_tracks else None
    log, state = simulate_built(built, progress=progress, record=rec)
    used_seed = loaded.scenario.settings.seed if seed is None else seed
    return Result(
        built,
        log.table(),
        state.truth,
        used_seed,
        time.perf_counter() - t0,
        tracks=rec.table() if rec is not None else None,
    )
