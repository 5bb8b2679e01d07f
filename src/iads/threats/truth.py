"""The precomputed truth of every threat over a run, and its interpolation in time.

Threats do not react to the defence, so their trajectories are computed once, for the
whole run and all threats at once, sampled on a uniform time grid, and interpolated by
the engine at any instant (intercepts are resolved at exact times inside a step).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.errors import ParameterError

__all__ = ["Truth"]


@dataclass(frozen=True)
class Truth:
    """Sampled truth of ``n`` threats on a uniform grid of ``n_t`` times.

    Attributes:
        t_s: (n_t,) sample times [s], uniform, ``t_s[0] = 0``.
        pos_ecef_m: (n_t, n, 3) WGS-84 ECEF positions [m].
        vel_ecef_mps: (n_t, n, 3) ECEF velocities [m/s] (earth-relative), the time
            derivative of ``pos_ecef_m``.
        launch_t_s: (n,) time each threat appears (launch or entry) [s].
        end_t_s: (n,) time each threat reaches its target point / impacts [s], ``inf``
            if it does not within the run.

    Before its launch a threat's samples continue its launch state backwards at constant
    velocity, and after its end forwards at its end velocity, so that interpolation across
    those instants stays smooth; such samples are not "active" and mean nothing physical.
    """

    t_s: NDArray[np.float64]
    pos_ecef_m: NDArray[np.float64]
    vel_ecef_mps: NDArray[np.float64]
    launch_t_s: NDArray[np.float64]
    end_t_s: NDArray[np.float64]

    @property
    def n(self) -> int:
        """Number of threats."""
        return int(self.launch_t_s.shape[0])

    @property
    def dt_s(self) -> float:
        """Sample interval [s]."""
        return float(self.t_s[1] - self.t_s[0]) if self.t_s.shape[0] > 1 else 0.0

    def splice(self, idx: NDArray[np.int64], other: Truth) -> None:
        """Write the threats of ``other`` (flown on the same time grid) into the slots
        ``idx`` of this truth, in place: how a threat launched during the run (a pooled
        slot, ``iads.threats.pool``) gets its trajectory. The arrays are the run's own
        (``fly`` made them for this run), so no other run sees the change."""
        idx = np.asarray(idx, dtype=np.int64)
        if other.t_s.shape != self.t_s.shape or other.n != idx.size:
            raise ParameterError("other", other.n, f"{idx.size} threats on this truth's grid",
                                 "Truth.splice")  # fmt: skip
        self.pos_ecef_m[:, idx] = other.pos_ecef_m
        self.vel_ecef_mps[:, idx] = other.vel_ecef_mps
        self.launch_t_s[idx] = other.launch_t_s
        self.end_t_s[idx] = other.end_t_s

    def active(self, t_s: float) -> NDArray[np.bool_]:
        """(n,) mask of threats in flight at ``t_s``: ``launch_t_s <= t_s < end_t_s``."""
        return (self.launch_t_s <= t_s) & (t_s < self.end_t_s)

    def state_at(
        self, t_s: float, velocity: bool = True
    ) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.bool_]]:
        """Position (n, 3) [m], velocity (n, 3) [m/s] and active mask (n,) at time ``t_s``.

        Cubic Hermite interpolation between the two bracketing samples using positions
        and velocities (exact for constant-acceleration motion, C1-continuous in time).
        ``t_s`` must lie in ``[0, t_s[-1]]``. ``velocity=False`` skips the velocity (None
        in its place): the engine's step needs positions only.
        """
        t = float(t_s)
        t_end = float(self.t_s[-1])
        if not (0.0 <= t <= t_end * (1.0 + 1e-12) + 1e-9):
            raise ParameterError("t_s", t_s, f"a time in [0, {t_end}] s", "Truth.state_at")
        n_t = self.t_s.shape[0]
        if n_t == 1:
            return self.pos_ecef_m[0].copy(), self.vel_ecef_mps[0].copy(), self.active(t)
        h = self.dt_s
        k = min(int(t // h), n_t - 2)
        tau = min(max((t - k * h) / h, 0.0), 1.0)
        p0, p1 = self.pos_ecef_m[k], self.pos_ecef_m[k + 1]
        m0, m1 = self.vel_ecef_mps[k] * h, self.vel_ecef_mps[k + 1] * h
        # Cubic Hermite basis (e.g. Burden & Faires, Numerical Analysis, sec. 3.4), written
        # with dp = p1 - p0 (h00 + h01 = 1) to avoid cancellation on ECEF-sized numbers.
        t2, t3 = tau * tau, tau * tau * tau
        h01, h10, h11 = -2 * t3 + 3 * t2, t3 - 2 * t2 + tau, t3 - t2
        dp = p1 - p0
        pos = p0 + h01 * dp + h10 * m0 + h11 * m1
        if not velocity:
            return pos, None, self.active(t)
        # Derivatives of the basis, divided by h to return to seconds.
        d01, d10, d11 = -6 * t2 + 6 * tau, 3 * t2 - 4 * tau + 1, 3 * t2 - 2 * tau
        vel = (d01 * dp + d10 * m0 + d11 * m1) / h
        return pos, vel, self.active(t)
