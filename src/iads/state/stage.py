"""The stage contract: the signature of each stage of the loop, which the engine
(``iads.engine.loop``) calls in this order every step:

    sense ─► track ─► decide ─► fly

A stage is a plain function of the run state (``iads.state.run.RunState``) and the step
time ``t_s`` [s]. It reads the state as it was at the start of its turn and writes only
its own part of it; it draws random numbers only from its own stream
(``rs.rng["sensors" | "tracking" | "c2" | "weapons"]``); it logs what happened with
``rs.log.add(kind, ...)``, ``kind`` one of ``iads.state.events.EVENT_KINDS``; it never
writes into ``rs.built``, whose arrays are read-only. Stages import this package, never
the engine; the engine imports the stages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray

from iads.state.run import RunState

if TYPE_CHECKING:  # annotations only
    from iads.sensors.radar import Detections

__all__ = ["DecideStage", "FlyStage", "SenseStage", "Stages", "TrackStage"]


class SenseStage(Protocol):
    """Scan with the radars due at ``t_s``: returns the detections and the indices of the
    radars processed. ``pos_ecef_m`` (n, 3) threat positions at ``t_s``, ``active`` (n,)
    threats flying."""

    def __call__(
        self,
        rs: RunState,
        t_s: float,
        pos_ecef_m: NDArray[np.float64],
        active: NDArray[np.bool_],
    ) -> tuple[Detections, NDArray[np.int64]]: ...


class TrackStage(Protocol):
    """Update the air pictures with the detections ``det`` of the radars ``due``."""

    def __call__(
        self, rs: RunState, t_s: float, det: Detections, due: NDArray[np.int64]
    ) -> None: ...


class DecideStage(Protocol):
    """Battle management: decide and log this step's launches."""

    def __call__(self, rs: RunState, t_s: float) -> None: ...


class FlyStage(Protocol):
    """Interceptor flyout: resolve the engagements ending in ``(t_s, t_s + window_s]``;
    returns the times [s] at which the others will end (for the step scheduling)."""

    def __call__(self, rs: RunState, t_s: float, window_s: float) -> NDArray[np.float64]: ...


@dataclass(frozen=True)
class Stages:
    """The four stages a loop runs (``iads.engine.loop.STAGES`` are the built-in ones)."""

    sense: SenseStage
    track: TrackStage
    decide: DecideStage
    fly: FlyStage
