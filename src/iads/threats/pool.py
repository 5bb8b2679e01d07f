"""Threat slots launched during the run: a flight spec that holds a slot inactive until
the engine decides, at run time, to launch it (an anti-radiation missile fired when its
carrier detects an emitter, a decoy released at a release point).

Every entity the run may ever hold is allocated when the run is built, so that the
arrays over threats keep one shape for the whole run (the stages index them by threat
id). A pooled slot is flown by ``fly`` like any other spec, as a threat that is never
launched (``launch_t_s = end_t_s = inf``, held at its carrier's start point). When the
engine launches it, it flies the slot's real spec with the same batch kernels on the same
time grid and splices the result into the run's truth (``Truth.splice``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from iads.threats import _nav
from iads.threats.flight import BatchResult

__all__ = ["PooledSlot", "fly_pooled"]


def fly_pooled(specs: Sequence[PooledSlot], t_s: NDArray[np.float64]) -> BatchResult:
    """Batch kernel of ``PooledSlot``: every slot at its hold point at every sample time
    (zero velocity), never launched. Shapes as every kernel: (n_t, m, 3) twice, (m,)
    twice."""
    m = len(specs)
    lla = np.array([s.hold_lla for s in specs], dtype=float).reshape(m, 3)
    p = _nav.to_ecef(np.deg2rad(lla[:, 0]), np.deg2rad(lla[:, 1]), lla[:, 2])
    pos = np.broadcast_to(p[None], (t_s.shape[0], m, 3)).copy()
    return pos, np.zeros_like(pos), np.full(m, np.inf), np.full(m, np.inf)


@dataclass(frozen=True, eq=False)
class PooledSlot:
    """A threat slot that the engine may launch during the run.

    Args:
        hold_lla: (lat [deg], lon [deg], h [m]) where the slot's samples sit until it is
            launched (its carrier's start point); they mean nothing physical (the slot is
            not active).
    """

    hold_lla: tuple[float, float, float]
    launch_t_s: float = np.inf

    kernel: ClassVar = staticmethod(fly_pooled)
