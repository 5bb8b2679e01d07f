"""The flight-spec layer: ``fly`` turns a list of per-threat flight specs into one ``Truth``.

Each spec kind (a small frozen dataclass) names a batch kernel in its ``kernel`` class
attribute. ``fly`` groups the specs by kernel and runs every kernel once over all the
threats that use it (the time integration is vectorized over threats; the only Python
loop is over kernels), then scatters the results back into the input order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Protocol

import numpy as np
from numpy.typing import NDArray

from iads.errors import ParameterError
from iads.threats.truth import Truth

__all__ = ["BatchResult", "FlightSpec", "fly", "sample_times"]

# A kernel's result: pos (n_t, m, 3), vel (n_t, m, 3), launch_t_s (m,), end_t_s (m,).
BatchResult = tuple[
    NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]
]


class FlightSpec(Protocol):
    """What every flight spec provides: a launch time and the batch kernel that flies it."""

    launch_t_s: float
    kernel: ClassVar[Callable[[Sequence[Any], NDArray[np.float64]], BatchResult]]


def sample_times(duration_s: float, dt_sample_s: float) -> NDArray[np.float64]:
    """Uniform sample grid ``0, dt, 2 dt, ...`` [s] covering ``[0, duration_s]``."""
    if not (math.isfinite(duration_s) and duration_s >= 0.0):
        raise ParameterError("duration_s", duration_s, "finite and >= 0", "fly")
    if not (math.isfinite(dt_sample_s) and dt_sample_s > 0.0):
        raise ParameterError("dt_sample_s", dt_sample_s, "finite and > 0", "fly")
    n_t = int(math.ceil(duration_s / dt_sample_s - 1e-9)) + 1
    return dt_sample_s * np.arange(max(n_t, 2), dtype=float)


def fly(specs: Sequence[FlightSpec], duration_s: float, dt_sample_s: float = 1.0) -> Truth:
    """Fly every threat of ``specs`` for ``duration_s`` seconds, sampled every ``dt_sample_s``.

    Returns a ``Truth`` whose threat axis follows the order of ``specs``. The grid has at
    least two samples and its last sample is at or after ``duration_s``.
    """
    t_s = sample_times(float(duration_s), float(dt_sample_s))
    n, n_t = len(specs), t_s.shape[0]
    pos = np.zeros((n_t, n, 3))
    vel = np.zeros((n_t, n, 3))
    launch = np.zeros(n)
    end = np.full(n, np.inf)
    groups: dict[Any, list[int]] = {}
    for i, spec in enumerate(specs):
        kernel = getattr(type(spec), "kernel", None)
        if kernel is None:
            raise ParameterError(f"specs[{i}]", spec, "a flight spec (e.g. WaypointFlight)", "fly")
        groups.setdefault(kernel, []).append(i)
    for kernel, idx in groups.items():
        p, v, lt, et = kernel([specs[i] for i in idx], t_s)
        # A run of consecutive threats (the usual case) is a slice: a plain copy.
        sel = slice(idx[0], idx[-1] + 1) if idx[-1] - idx[0] == len(idx) - 1 else idx
        pos[:, sel] = p
        vel[:, sel] = v
        launch[sel] = lt
        end[sel] = et
    return Truth(t_s=t_s, pos_ecef_m=pos, vel_ecef_mps=vel, launch_t_s=launch, end_t_s=end)
