"""Magazines of the fire units: launchers as counts per missile type with ready times.

Every (unit, missile type) has ``n_launchers`` launchers of ``per_launcher`` missiles each.
A unit's missiles of one type (its loadout, or full launchers) are loaded onto its
launchers first; what does not fit is the reload stock. A launcher that fires its last
missile is unavailable until it is reloaded ``reload_s`` later from that stock (never, when
the stock is empty or no reload time is known). Only missiles on ready launchers can be
fired.

First-order: a launcher fires its missiles at any rate, reloads take a fixed time and one
crew reloads every empty launcher of a unit in parallel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Magazines"]


@dataclass
class Magazines:
    """Launcher rows (L,) over all units and types, and the reload stock (u, m)."""

    unit: NDArray[np.int64]  # (L,)
    mtype: NDArray[np.int64]  # (L,)
    capacity: NDArray[np.int64]  # (L,) missiles a full launcher holds
    rounds: NDArray[np.int64]  # (L,) missiles loaded
    ready_t_s: NDArray[np.float64]  # (L,) time from which the launcher can fire [s]
    reload_s: NDArray[np.float64]  # (L,) reload time [s], inf: never reloaded
    spare: NDArray[np.int64]  # (u, m) reload stock

    @classmethod
    def load(
        cls,
        stock: NDArray[np.int64],
        n_launchers: NDArray[np.int64],
        per_launcher: NDArray[np.int64],
        reload_s: NDArray[np.float64],
    ) -> Magazines:
        """Load ``stock`` (u, m) missiles onto ``n_launchers`` (u, m) launchers of
        ``per_launcher`` (u, m) each, in launcher order; the rest is the reload stock.
        A (unit, type) with missiles but no launcher gets one launcher holding them all
        (a loadout without launcher data)."""
        n_l = np.where((n_launchers <= 0) & (stock > 0), 1, n_launchers)
        cap = np.where(n_launchers <= 0, stock, per_launcher)
        u_idx, m_idx = np.nonzero(n_l > 0)
        counts = n_l[u_idx, m_idx]
        unit = np.repeat(u_idx, counts)
        mtype = np.repeat(m_idx, counts)
        capacity = np.repeat(cap[u_idx, m_idx], counts)
        # Position of each launcher inside its (unit, type) group.
        first = np.repeat(np.cumsum(counts) - counts, counts)
        k = np.arange(unit.size) - first
        loaded = np.clip(stock[unit, mtype] - k * capacity, 0, capacity)
        spare = stock - np.minimum(stock, n_l * cap)
        return cls(
            unit=unit.astype(np.int64),
            mtype=mtype.astype(np.int64),
            capacity=capacity.astype(np.int64),
            rounds=loaded.astype(np.int64),
            ready_t_s=np.zeros(unit.size),
            reload_s=np.repeat(reload_s[u_idx, m_idx], counts).astype(float),
            spare=spare.astype(np.int64),
        )

    def ready(self, t_s: float, shape: tuple[int, int]) -> NDArray[np.int64]:
        """Missiles on launchers ready at ``t_s``, per (unit, type), shape ``shape``."""
        out = np.zeros(shape, dtype=np.int64)
        ok = self.ready_t_s <= t_s
        np.add.at(out, (self.unit[ok], self.mtype[ok]), self.rounds[ok])
        return out

    def fire(self, u: int, m: int, n: int, t_s: float) -> None:
        """Fire ``n`` missiles of type ``m`` from unit ``u``'s ready launchers at ``t_s``
        (fullest launcher first, which keeps launchers in service longest); emptied
        launchers start reloading from the stock."""
        rows = np.flatnonzero(
            (self.unit == u) & (self.mtype == m) & (self.ready_t_s <= t_s) & (self.rounds > 0)
        )
        if int(self.rounds[rows].sum()) < n:
            raise ValueError(f"unit {u} has fewer than {n} ready missiles of type {m}")
        # A loop over the few launchers of one unit and type (<= tens).
        for r in rows[np.argsort(-self.rounds[rows], kind="stable")]:
            if n == 0:
                break
            k = min(n, int(self.rounds[r]))
            self.rounds[r] -= k
            n -= k
            if self.rounds[r] == 0 and self.spare[u, m] > 0 and np.isfinite(self.reload_s[r]):
                load = min(int(self.capacity[r]), int(self.spare[u, m]))
                self.spare[u, m] -= load
                self.rounds[r] = load
                self.ready_t_s[r] = t_s + self.reload_s[r]
