"""The fire decision of one decision group (an autonomous fire unit, or an integrated
network of them): which tracks to engage now, from which unit, with which missile type and
how many missiles, by weapon-target assignment (``iads.c2.wta.solve``).

Weapons are (unit, missile type) pairs; one engagement is a salvo whose size the doctrine
sets by threat class. The WTA maximises the expected destroyed value with the salvo kill
probabilities 1 − (1 − p)^s, each weapon offering as many salvos as its ready missiles
(above the reserve) and its unit's free fire channels allow. The doctrine then binds: a
track receives at most one engagement per decision round (so an integrated network never
engages one threat from two units at once), in order of urgency, each within the exact
channel and magazine limits left; shots the WTA gave to an already-served track are freed
and the WTA is solved again over the tracks still open, until nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.c2.wta import solve

__all__ = ["Assignment", "assign_engagements", "DECISION_NODE_LIMIT"]

# The engine's WTA budget per solve: branch-and-bound nodes, not seconds, so a run gives
# the same engagements on any machine and any load (a wall-clock limit would not); the
# rest of "exact" is a fixed amount of work. Decision groups rarely exceed a few weapons x
# tens of tracks, proven optimal in far fewer nodes; beyond, the best assignment found is
# fired.
DECISION_NODE_LIMIT = 20_000


@dataclass(frozen=True)
class Assignment:
    """Engagements decided in one round (k of them)."""

    weapon: NDArray[np.int64]  # (k,) row of the weapon arrays
    target: NDArray[np.int64]  # (k,) row of the target arrays
    n_shots: NDArray[np.int64]  # (k,) missiles in the salvo


def assign_engagements(
    values: NDArray[np.float64],
    rank: NDArray[np.float64],
    pk: NDArray[np.float64],
    salvo: NDArray[np.int64],
    available: NDArray[np.int64],
    weapon_unit: NDArray[np.int64],
    free_channels: NDArray[np.int64],
    method: str = "auto",
    node_limit: int = DECISION_NODE_LIMIT,
) -> Assignment:
    """Decide the engagements of one round.

    values (n,) of the targets (>= 0), rank (n,) their urgency (higher first); pk (w, n)
    single-shot kill probability of each weapon against each target (0: not engageable);
    salvo (w, n) missiles per engagement; available (w,) missiles each weapon may fire;
    weapon_unit (w,) the unit (index into free_channels) owning each weapon;
    free_channels (units,) missiles each unit can still guide. node_limit: the WTA budget
    per solve in branch-and-bound nodes (no wall-clock limit: reproducible decisions).
    """
    n_w, n_t = pk.shape
    left = available.astype(np.int64).copy()
    chan = free_channels.astype(np.int64).copy()
    open_t = (values > 0) & np.any(pk > 0, axis=0)
    chosen_w: list[int] = []
    chosen_t: list[int] = []
    chosen_n: list[int] = []
    while True:
        cap = np.minimum(left, chan[weapon_unit]) if n_w else left
        w_ok = np.flatnonzero(cap > 0)
        t_ok = np.flatnonzero(open_t)
        if w_ok.size == 0 or t_ok.size == 0:
            break
        p = pk[np.ix_(w_ok, t_ok)]
        s = np.minimum(salvo[np.ix_(w_ok, t_ok)], cap[w_ok, None])
        p_salvo = 1.0 - (1.0 - p) ** s  # independent shots in one salvo
        s_min = np.maximum(np.min(np.where(p > 0, s, np.iinfo(np.int64).max), axis=1), 1)
        counts = np.where(np.any(p > 0, axis=1), -(-cap[w_ok] // s_min), 0)
        if counts.sum() == 0:
            break
        res = solve(values[t_ok], p_salvo, method, counts=counts, time_limit_s=None,
                    node_limit=node_limit)
        shot_w = np.repeat(np.arange(w_ok.size), counts)
        fired = res.assignment >= 0
        if not fired.any():
            break
        pairs_w, pairs_t = shot_w[fired], res.assignment[fired]
        accepted = False
        # Tracks in order of urgency; each served once, by its best assigned weapon that
        # still has channels and missiles (a loop over the few tracks engaged this round).
        for j in sorted(set(pairs_t.tolist()), key=lambda j: (-rank[t_ok[j]], t_ok[j])):
            cands = np.unique(pairs_w[pairs_t == j])
            cands = cands[np.argsort(-p_salvo[cands, j], kind="stable")]
            for wi in cands:
                w = int(w_ok[wi])
                n = int(min(salvo[w, t_ok[j]], left[w], chan[weapon_unit[w]]))
                if n <= 0:
                    continue
                left[w] -= n
                chan[weapon_unit[w]] -= n
                open_t[t_ok[j]] = False
                chosen_w.append(w)
                chosen_t.append(int(t_ok[j]))
                chosen_n.append(n)
                accepted = True
                break
        if not accepted:
            break
    return Assignment(
        np.asarray(chosen_w, dtype=np.int64),
        np.asarray(chosen_t, dtype=np.int64),
        np.asarray(chosen_n, dtype=np.int64),
    )
