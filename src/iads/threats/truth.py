"""The precomputed truth of every threat over a run, and its interpolation in time.

Threats do not react to the defence, so their trajectories are computed once, for the
whole run and all threats at once, sampled on a uniform time grid, and interpolated by
the engine at any instant (intercepts are resolved at exact times inside a step).

Each threat is stored only over its own window of samples, from a few samples before its
launch to a few after its end (``PAD``), in flat ``(rows, 3)`` arrays (one contiguous run
of rows per threat): a drone flying 1.2 h of a 3 h raid costs 40 % of its dense rows.
Outside its window a sample is the window's end sample extended at constant velocity
(what the flight kernels store there too, to rounding); such samples belong to a threat
not in flight and mean nothing physical. The engine's interpolation of every threat at
one time is compiled (``iads.threats._truth_jit``, with its numpy reference).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.errors import ParameterError
from iads.threats import _truth_jit

__all__ = ["PAD", "Truth", "windows"]

#: Samples kept before a threat's launch sample and after its end sample.
PAD = 2

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


def windows(t_s: F64, launch_t_s: F64, end_t_s: F64, pad: int = PAD) -> tuple[I64, I64]:
    """First stored sample ``k0`` and number of samples ``nk`` (n,) of each threat: from
    ``pad`` samples before the last sample at or before its launch to ``pad`` after the
    first sample at or after its end (the whole grid's end for ``end = inf``), at least
    two samples, inside the grid."""
    n_t = t_s.shape[0]
    k_l = np.searchsorted(t_s, launch_t_s, side="right") - 1
    k_e = np.searchsorted(t_s, end_t_s, side="left")
    k0 = np.clip(k_l - pad, 0, max(n_t - 2, 0)).astype(np.int64)
    k1 = np.clip(k_e + pad, k0 + 1, n_t - 1).astype(np.int64)
    return k0, np.minimum(k1 - k0 + 1, n_t).astype(np.int64)


class Truth:
    """Sampled truth of ``n`` threats on a uniform grid of ``n_t`` times, each threat
    stored over its own window of samples.

    Attributes:
        t_s: (n_t,) sample times [s], uniform, ``t_s[0] = 0``.
        launch_t_s: (n,) time each threat appears (launch or entry) [s].
        end_t_s: (n,) time each threat reaches its target point / impacts [s], ``inf``
            if it does not within the run.
        k0, nk, row0: (n,) first stored sample, number of stored samples, and the row of
            sample ``k0`` in ``p``, ``v``.
        p, v: (rows, 3) stored WGS-84 ECEF positions [m] and velocities [m/s]
            (earth-relative, the time derivative of the positions).

    Before its launch a threat's samples continue its launch state backwards at constant
    velocity, and after its end forwards at its end velocity, so that interpolation across
    those instants stays smooth; such samples are not "active" and mean nothing physical.

    ``Truth(t_s, pos_ecef_m, vel_ecef_mps, launch_t_s, end_t_s)`` windows dense
    (n_t, n, 3) samples; ``Truth.from_windows`` takes the stored rows directly (``fly``).
    """

    __slots__ = ("_h", "_t_last", "end_t_s", "k0", "launch_t_s", "nk", "p", "row0", "t_s", "v")

    def __init__(self, t_s: F64, pos_ecef_m: F64, vel_ecef_mps: F64, launch_t_s: F64,
                 end_t_s: F64, pad: int = PAD) -> None:  # fmt: skip
        t_s = np.asarray(t_s, dtype=float)
        launch = np.asarray(launch_t_s, dtype=float)
        end = np.asarray(end_t_s, dtype=float)
        k0, nk = windows(t_s, launch, end, pad)
        rows0 = np.concatenate([[0], np.cumsum(nk)[:-1]]).astype(np.int64)
        k, i = _window_index(k0, nk)
        p = np.ascontiguousarray(np.asarray(pos_ecef_m, float)[k, i])
        v = np.ascontiguousarray(np.asarray(vel_ecef_mps, float)[k, i])
        self._set(t_s, launch, end, k0, nk, rows0, p, v)

    def _set(self, t_s, launch, end, k0, nk, row0, p, v) -> None:
        self.t_s, self.launch_t_s, self.end_t_s = t_s, launch, end
        # the grid's interval and last time as Python floats (read every step)
        self._h = float(t_s[1] - t_s[0]) if t_s.shape[0] > 1 else 0.0
        self._t_last = float(t_s[-1])
        self.k0, self.nk, self.row0, self.p, self.v = k0, nk, row0, p, v

    @classmethod
    def from_windows(cls, t_s: F64, launch_t_s: F64, end_t_s: F64, k0: I64, nk: I64,
                     row0: I64, p: F64, v: F64) -> Truth:  # fmt: skip
        """A truth from its stored rows (attributes of the class docstring)."""
        self = cls.__new__(cls)
        self._set(t_s, launch_t_s, end_t_s, k0, nk, row0, p, v)
        return self

    @property
    def n(self) -> int:
        """Number of threats."""
        return int(self.launch_t_s.shape[0])

    @property
    def dt_s(self) -> float:
        """Sample interval [s]."""
        return self._h

    @property
    def nbytes(self) -> int:
        """Bytes held by the stored samples and their index."""
        return sum(int(a.nbytes) for a in (self.p, self.v, self.k0, self.nk, self.row0))

    def samples(self, k: NDArray[np.integer], i: NDArray[np.integer]) -> tuple[F64, F64]:
        """Samples ``k`` of threats ``i`` (broadcast together to shape s): positions and
        velocities (*s, 3), each the stored row inside the threat's window, the window's
        end row extended at constant velocity outside it."""
        k, i = np.broadcast_arrays(np.asarray(k, np.int64), np.asarray(i, np.int64))
        j = k - self.k0[i]
        jb = np.clip(j, 0, self.nk[i] - 1)
        r = self.row0[i] + jb
        p, v = self.p[r], self.v[r]
        out = j != jb
        if out.any():  # outside the window: the same operations as _truth_jit._sample
            d = self.t_s[k[out]] - self.t_s[(self.k0[i] + jb)[out]]
            p[out] = p[out] + v[out] * d[:, None]
        return p, v

    def speed_max_mps(self) -> F64:
        """(n,) each threat's largest sampled speed [m/s] (over its window, which holds its
        extension's constant velocity as well), computed a few hundred threats at a time."""
        out = np.zeros(self.n)
        for c in range(0, self.n, 512):
            i = np.arange(c, min(c + 512, self.n))
            k, j = _window_index(self.k0[i], self.nk[i])
            s = np.linalg.norm(self.v[self.row0[i][j] + (k - self.k0[i][j])], axis=-1)
            out[i] = np.maximum.reduceat(s, np.concatenate([[0], np.cumsum(self.nk[i])[:-1]]))
        return out

    @property
    def pos_ecef_m(self) -> F64:
        """(n_t, n, 3) dense positions [m] (a new array: post-run analyses and tests;
        n_t x n x 24 bytes)."""
        return self.samples(np.arange(self.t_s.shape[0])[:, None], np.arange(self.n)[None])[0]

    @property
    def vel_ecef_mps(self) -> F64:
        """(n_t, n, 3) dense velocities [m/s] (a new array, as ``pos_ecef_m``)."""
        return self.samples(np.arange(self.t_s.shape[0])[:, None], np.arange(self.n)[None])[1]

    def copy(self, full: NDArray[np.int64] | None = None) -> Truth:
        """A copy owning its arrays; threats ``full`` get a window over the whole grid
        (so that every sample of theirs can be written, ``write``)."""
        out = Truth.from_windows(self.t_s, self.launch_t_s.copy(), self.end_t_s.copy(),
                                 self.k0.copy(), self.nk.copy(), self.row0.copy(),
                                 self.p.copy(), self.v.copy())  # fmt: skip
        if full is not None and np.size(full):
            idx = np.asarray(full, np.int64)
            n_t = self.t_s.shape[0]
            p, v = self.samples(np.arange(n_t)[None, :], idx[:, None])  # (m, n_t, 3)
            out._append(idx, np.zeros(idx.size, np.int64), np.full(idx.size, n_t, np.int64),
                        p.reshape(-1, 3), v.reshape(-1, 3))  # fmt: skip
        return out

    def with_samples(self, pos_ecef_m: F64, vel_ecef_mps: F64) -> Truth:
        """A truth on the same windows holding the dense samples ``pos_ecef_m``,
        ``vel_ecef_mps`` (n_t, n, 3) there."""
        k, i = _window_index(self.k0, self.nk)
        return Truth.from_windows(self.t_s, self.launch_t_s.copy(), self.end_t_s.copy(),
                                  self.k0.copy(), self.nk.copy(),
                                  np.concatenate([[0], np.cumsum(self.nk)[:-1]]).astype(np.int64),
                                  np.ascontiguousarray(pos_ecef_m[k, i]),
                                  np.ascontiguousarray(vel_ecef_mps[k, i]))  # fmt: skip

    def with_end(self, end_t_s: F64) -> Truth:
        """The same samples (shared, not copied) with other end times [s] (n,): what is
        active changes, not where the threats were."""
        return Truth.from_windows(self.t_s, self.launch_t_s, np.asarray(end_t_s, float),
                                  self.k0, self.nk, self.row0, self.p, self.v)  # fmt: skip

    def _append(self, idx: I64, k0: I64, nk: I64, p: F64, v: F64) -> None:
        """Give threats ``idx`` new windows ``k0``, ``nk`` with rows ``p``, ``v`` appended
        (their old rows stay, unused)."""
        base = self.p.shape[0]
        self.row0 = self.row0.copy()
        self.k0, self.nk = self.k0.copy(), self.nk.copy()
        self.k0[idx], self.nk[idx] = k0, nk
        self.row0[idx] = base + np.concatenate([[0], np.cumsum(nk)[:-1]]).astype(np.int64)
        self.p = np.concatenate([self.p, p])
        self.v = np.concatenate([self.v, v])

    def write(self, k: int, idx: I64, pos: F64, vel: F64) -> None:
        """Overwrite sample ``k`` of threats ``idx`` with ``pos``, ``vel`` (m, 3), in place;
        ``k`` must lie in their windows (``copy(full=...)``)."""
        j = k - self.k0[idx]
        if np.any((j < 0) | (j >= self.nk[idx])):
            raise ParameterError("k", k, "a sample inside the threats' windows", "Truth.write")
        self.p[self.row0[idx] + j] = pos
        self.v[self.row0[idx] + j] = vel

    def splice(self, idx: NDArray[np.int64], other: Truth) -> None:
        """Write the threats of ``other`` (flown on the same time grid) into the slots
        ``idx`` of this truth, in place: how a threat launched during the run (a pooled
        slot, ``iads.threats.pool``) gets its trajectory. The arrays are the run's own
        (``fly`` made them for this run), so no other run sees the change."""
        idx = np.asarray(idx, dtype=np.int64)
        if other.t_s.shape != self.t_s.shape or other.n != idx.size:
            raise ParameterError("other", other.n, f"{idx.size} threats on this truth's grid",
                                 "Truth.splice")  # fmt: skip
        k, i = _window_index(other.k0, other.nk)
        r = other.row0[i] + (k - other.k0[i])
        self._append(idx, other.k0, other.nk, other.p[r], other.v[r])
        self.launch_t_s[idx] = other.launch_t_s
        self.end_t_s[idx] = other.end_t_s

    def active(self, t_s: float) -> NDArray[np.bool_]:
        """(n,) mask of threats in flight at ``t_s``: ``launch_t_s <= t_s < end_t_s``."""
        return (self.launch_t_s <= t_s) & (t_s < self.end_t_s)

    def step_state(
        self, t_s: float, status: NDArray[np.int8], flying: int
    ) -> tuple[NDArray[np.float64], NDArray[np.bool_], bool] | None:
        """The engine step's threat state at ``t_s`` in one compiled call: positions
        (n, 3) [m] as ``state_at(t_s, velocity=False)``, the active mask of the threats
        whose ``status`` (n,) is ``flying`` too, and whether some such threat's flight
        ended by ``t_s``. None where it does not apply (the compiled path off, a single
        sample): call ``state_at`` then."""
        t = float(t_s)
        n_t = self.t_s.shape[0]
        if not _truth_jit.ENABLED or n_t == 1:
            return None
        if not (0.0 <= t <= self._t_last * (1.0 + 1e-12) + 1e-9):
            raise ParameterError("t_s", t_s, f"a time in [0, {self._t_last}] s",
                                 "Truth.step_state")  # fmt: skip
        h = self._h
        k = min(int(t // h), n_t - 2)
        tau = min(max((t - k * h) / h, 0.0), 1.0)
        n = self.launch_t_s.shape[0]
        pos, act = np.empty((n, 3)), np.empty(n, np.bool_)
        ending = _truth_jit.step_state(self.p, self.v, self.k0, self.nk, self.row0, self.t_s,
                                       k, h, tau, self.launch_t_s, self.end_t_s, t, status,
                                       flying, pos, act)  # fmt: skip
        return pos, act, ending

    def state_at(
        self, t_s: float, velocity: bool = True
    ) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.bool_]]:
        """Position (n, 3) [m], velocity (n, 3) [m/s] and active mask (n,) at time ``t_s``.

        Cubic Hermite interpolation between the two bracketing samples using positions
        and velocities (exact for constant-acceleration motion, C1-continuous in time).
        ``t_s`` must lie in ``[0, t_s[-1]]``. ``velocity=False`` skips the velocity (None
        in its place): the engine's step needs positions only.
        """
        return self._interpolate(t_s, None, velocity)

    def state_of(
        self, idx: NDArray[np.integer] | list[int], t_s: float, velocity: bool = True
    ) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.bool_]]:
        """:meth:`state_at` of the threats ``idx`` (m,) only: position (m, 3) [m], velocity
        (m, 3) [m/s] and active mask (m,), the same bits as those rows of ``state_at``. An
        event about one threat (a launch, a leak, an intercept) costs O(1), not O(n)."""
        return self._interpolate(t_s, np.asarray(idx, dtype=np.int64).reshape(-1), velocity)

    def _interpolate(
        self, t_s: float, idx: NDArray[np.int64] | None, velocity: bool
    ) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.bool_]]:
        """``state_at`` (``idx`` None: every threat) or ``state_of`` (threats ``idx``)."""
        t = float(t_s)
        t_end = self._t_last
        if not (0.0 <= t <= t_end * (1.0 + 1e-12) + 1e-9):
            raise ParameterError("t_s", t_s, f"a time in [0, {t_end}] s", "Truth.state_at")
        every = np.arange(self.n) if idx is None else idx
        n_t = self.t_s.shape[0]
        if n_t == 1:
            p, v = self.samples(np.zeros(every.size, np.int64), every)
            return p, v, self.active(t)[every]
        h = self.dt_s
        k = min(int(t // h), n_t - 2)
        tau = min(max((t - k * h) / h, 0.0), 1.0)
        if _truth_jit.ENABLED:  # the basis and the mask computed alike in the kernel
            n = every.shape[0]
            pos = np.empty((n, 3))
            vel = np.empty((n, 3)) if velocity else pos
            act = np.empty(n, np.bool_)
            args = (self.p, self.v, self.k0, self.nk, self.row0, self.t_s, k, h, tau,
                    velocity, self.launch_t_s, self.end_t_s, t)  # fmt: skip
            if idx is None:
                _truth_jit.state_at(*args, pos, vel, act)
            else:
                _truth_jit.state_of(*args, idx, pos, vel, act)
            return pos, (vel if velocity else None), act
        # Cubic Hermite basis (e.g. Burden & Faires, Numerical Analysis, sec. 3.4), written
        # with dp = p1 - p0 (h00 + h01 = 1) to avoid cancellation on ECEF-sized numbers.
        t2, t3 = tau * tau, tau * tau * tau
        h01, h10, h11 = -2 * t3 + 3 * t2, t3 - 2 * t2 + tau, t3 - t2
        # Derivatives of the basis, divided by h to return to seconds.
        d01, d10, d11 = -6 * t2 + 6 * tau, 3 * t2 - 4 * tau + 1, 3 * t2 - 2 * tau
        p0, m0 = self.samples(np.full(every.size, k), every)
        p1, m1 = self.samples(np.full(every.size, k + 1), every)
        m0, m1 = m0 * h, m1 * h
        dp = p1 - p0
        pos = p0 + h01 * dp + h10 * m0 + h11 * m1
        act = self.active(t) if idx is None else self.active(t)[idx]
        if not velocity:
            return pos, None, act
        vel = (d01 * dp + d10 * m0 + d11 * m1) / h
        return pos, vel, act


def _window_index(k0: I64, nk: I64) -> tuple[I64, I64]:
    """Sample and threat index (rows,) of every stored row, threat by threat."""
    i = np.repeat(np.arange(k0.shape[0], dtype=np.int64), nk)
    start = np.concatenate([[0], np.cumsum(nk)[:-1]]).astype(np.int64)
    k = np.arange(i.shape[0], dtype=np.int64) - start[i] + k0[i]
    return k, i
