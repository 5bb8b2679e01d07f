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
from iads.threats.truth import PAD, Truth, _window_index, windows

__all__ = ["CHUNK", "CHUNK_BYTES", "BatchResult", "FlightSpec", "fly", "sample_times"]

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


#: Bytes of dense temporaries a kernel call may make: a batch is flown this many bytes'
#: worth of threats at a time (about 16 float64 arrays of (n_t, m) per kernel) before each
#: threat is cut to its window. A kernel flies each threat on its own, so the chunking
#: changes no value; fewer, larger calls cost less (the ballistic kernel's cost is per call).
CHUNK_BYTES = 512 * 1024**2
#: Threats per kernel call when set (tests); else from ``CHUNK_BYTES``.
CHUNK: int | None = None


def fly(
    specs: Sequence[FlightSpec], duration_s: float, dt_sample_s: float = 1.0, pad: int = PAD
) -> Truth:
    """Fly every threat of ``specs`` for ``duration_s`` seconds, sampled every ``dt_sample_s``.

    Returns a ``Truth`` whose threat axis follows the order of ``specs``, each threat stored
    from ``pad`` samples before its launch to ``pad`` after its end (``truth.windows``).
    The grid has at least two samples and its last sample is at or after ``duration_s``.
    Kernels run on a chunk of threats at a time (``CHUNK_BYTES``), so that the dense
    samples of one chunk at most exist at once besides the windowed truth.
    """
    t_s = sample_times(float(duration_s), float(dt_sample_s))
    n, n_t = len(specs), t_s.shape[0]
    launch = np.zeros(n)
    end = np.full(n, np.inf)
    k0 = np.zeros(n, np.int64)
    nk = np.zeros(n, np.int64)
    row0 = np.zeros(n, np.int64)
    groups: dict[Any, list[int]] = {}
    for i, spec in enumerate(specs):
        kernel = getattr(type(spec), "kernel", None)
        if kernel is None:
            raise ParameterError(f"specs[{i}]", spec, "a flight spec (e.g. WaypointFlight)", "fly")
        groups.setdefault(kernel, []).append(i)
    # Rows at most: every threat from its launch window to the grid's end. Pages never
    # written are never resident, and the arrays shrink to the rows used at the end.
    k_launch, _ = windows(t_s, np.array([float(s.launch_t_s) for s in specs]), end, pad)
    bound = max(int(np.sum(n_t - k_launch)), 1)
    p_rows = np.empty((bound, 3))
    v_rows = np.empty((bound, 3))
    cur = 0
    chunk = CHUNK or max(64, CHUNK_BYTES // (16 * 8 * n_t))
    for kernel, all_idx in groups.items():
        for c in range(0, len(all_idx), chunk):
            idx = np.array(all_idx[c : c + chunk], np.int64)
            p, v, lt, et = kernel([specs[i] for i in idx], t_s)
            ck0, cnk = windows(t_s, lt, et, pad)
            kk, jj = _window_index(ck0, cnk)
            m = kk.shape[0]
            if cur + m > p_rows.shape[0]:  # a kernel launched earlier than its spec said
                p_rows = np.concatenate([p_rows, np.empty((m, 3))])
                v_rows = np.concatenate([v_rows, np.empty((m, 3))])
            p_rows[cur : cur + m] = p[kk, jj]
            v_rows[cur : cur + m] = v[kk, jj]
            del p, v
            launch[idx], end[idx], k0[idx], nk[idx] = lt, et, ck0, cnk
            row0[idx] = cur + np.concatenate([[0], np.cumsum(cnk)[:-1]]).astype(np.int64)
            cur += m
    p_rows.resize((cur, 3), refcheck=False)  # in place: no copy of the rows kept
    v_rows.resize((cur, 3), refcheck=False)
    return Truth.from_windows(t_s, launch, end, k0, nk, row0, p_rows, v_rows)
