"""First-order battle management of one fire unit: threat evaluation and the decision to
fire.

Threat evaluation ranks tracks by the value of the defended asset they close on divided
by their time to go to it (range over closing speed). The fire decision is greedy in that
order: a track is engaged when the unit has a free fire channel and a missile type whose
predicted intercept point lies inside its envelope, choosing the type with the highest Pk
against the threat's class (ties: the cheaper, then the faster intercept). The greedy
allocation loop runs over the few engageable tracks of one unit, in priority order, because
each choice consumes channels and missiles the next one depends on; the PIP and envelope
computations before it are vectorized over all tracks and missile types.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.weapons.envelope import MissileArrays, in_envelope, intercept_time

__all__ = ["FirePlan", "plan_fire", "threat_priority"]


def threat_priority(
    pos_ecef_m: NDArray[np.float64],
    vel_ecef_mps: NDArray[np.float64],
    asset_ecef_m: NDArray[np.float64],
    asset_value: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Priority of each track (n,): max over assets (a,) of value / time to go [1/s];
    0 for tracks closing on no asset."""
    if asset_value.size == 0:
        return np.zeros(pos_ecef_m.shape[0])
    rel = asset_ecef_m[None, :, :] - pos_ecef_m[:, None, :]  # (n, a, 3)
    rng = np.linalg.norm(rel, axis=-1)
    closing = np.einsum("nak,nk->na", rel, vel_ecef_mps) / np.maximum(rng, 1.0)
    with np.errstate(divide="ignore"):
        tgo = np.where(closing > 1.0, rng / closing, np.inf)
    return np.max(asset_value[None, :] / tgo, axis=1)


@dataclass(frozen=True)
class FirePlan:
    """Launches decided for one unit at one time (k engagements)."""

    track_index: NDArray[np.int64]  # (k,) rows of the track arrays given
    mtype: NDArray[np.int64]  # (k,) missile type index
    n_shots: NDArray[np.int64]  # (k,) missiles in the salvo
    aim_ecef_m: NDArray[np.float64]  # (k, 3) predicted intercept point
    tof_s: NDArray[np.float64]  # (k,) predicted time of flight


def plan_fire(
    missiles: MissileArrays,
    launcher_ecef_m: NDArray[np.float64],
    pos_ecef_m: NDArray[np.float64],
    vel_ecef_mps: NDArray[np.float64],
    threat_class: NDArray[np.int64],
    eligible: NDArray[np.bool_],
    priority: NDArray[np.float64],
    stock: NDArray[np.int64],
    reserve: int,
    free_channels: int,
    salvo: int,
) -> FirePlan:
    """Decide which of the unit's tracks (n,) to engage now, with which missile type and
    how many missiles. ``stock`` (m,) missiles left per type; ``eligible`` (n,) tracks
    the doctrine allows to engage now."""
    cand = np.flatnonzero(eligible)
    empty = FirePlan(*(np.empty(0, np.int64),) * 3, np.empty((0, 3)), np.empty(0))
    if cand.size == 0 or free_channels <= 0 or not np.any(stock > reserve):
        return empty
    d = pos_ecef_m[cand] - launcher_ecef_m  # (c, 3)
    v = vel_ecef_mps[cand]
    tau = intercept_time(d[:, None, :], v[:, None, :], missiles.speed_mps[None, :])  # (c, m)
    pip = pos_ecef_m[cand][:, None, :] + v[:, None, :] * tau[..., None]
    speed = np.linalg.norm(v, axis=-1)
    ok = in_envelope(missiles, launcher_ecef_m, pip, speed) & np.isfinite(tau)
    pk = missiles.pk[:, threat_class[cand]].T  # (c, m)
    cost = np.nan_to_num(missiles.cost_usd, nan=np.inf)
    order = np.argsort(-priority[cand], kind="stable")
    left = stock.astype(np.int64).copy()
    chosen_t, chosen_m, shots = [], [], []
    channels = free_channels
    for c in order:
        if channels <= 0:
            break
        feasible = ok[c] & (left > reserve)
        if not feasible.any():
            continue
        # Highest Pk, then lowest cost, then shortest time of flight (lexicographic).
        keys = np.lexsort((tau[c], cost, -pk[c]))
        m = int(next(k for k in keys if feasible[k]))
        n = int(min(salvo, left[m] - reserve, channels))
        left[m] -= n
        channels -= n
        chosen_t.append(c)
        chosen_m.append(m)
        shots.append(n)
    if not chosen_t:
        return empty
    ct = np.asarray(chosen_t)
    cm = np.asarray(chosen_m)
    return FirePlan(cand[ct], cm, np.asarray(shots), pip[ct, cm], tau[ct, cm])
