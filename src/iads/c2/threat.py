"""Threat evaluation: the value of engaging each track and the order of urgency.

A track's value is what its destruction is worth to the defence:

    V_j = P(hostile)_j · w(class_j) · A_j,

with w(class_j) the expected class weight Σ_c P(c)_j · w(c) over the track's class
probabilities (``iads.c2.classify``), A_j the value of the defended asset the track
threatens most urgently (the asset maximising value / time to go among those it closes
on), or a floor of ``UNAIMED_FRACTION`` × the largest asset value when it closes on none
(a hostile in the envelope still threatens something). The urgency rank is V_j / time to
go, used to order the fire decisions. Time to go is range over closing speed
(first-order: straight-line closing at the current velocity).

The class weights are assumed figures (listed in every run's summary): a missile that
reaches its target is an impact; an aircraft may release weapons and return.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.catalog.schema import THREAT_CLASSES

__all__ = ["ASSUMPTIONS", "CLASS_WEIGHT", "UNAIMED_FRACTION", "threat_priority", "threat_values"]

#: Weight of each threat class (order of ``THREAT_CLASSES``), assumed.
_WEIGHTS = {
    "aircraft": 0.8,
    "stealth_aircraft": 0.9,
    "cruise_missile": 1.0,
    "ballistic_missile": 1.0,
    "drone": 0.6,
}
CLASS_WEIGHT = np.array([_WEIGHTS[c] for c in THREAT_CLASSES])
#: Weight of a track the classifier explains by no catalog type (``unknown``), assumed.
UNKNOWN_WEIGHT = 0.6
UNAIMED_FRACTION = 0.1

ASSUMPTIONS = [
    {
        "entry": "c2.threat",
        "field": f"class_weight.{c}",
        "value": float(CLASS_WEIGHT[k]),
        "rationale": "missiles that reach a target are impacts (1.0); aircraft may turn back "
        "after release (0.8, stealth 0.9); one-way drones carry small warheads (0.6); assumed",
    }
    for k, c in enumerate(THREAT_CLASSES)
] + [
    {
        "entry": "c2.threat",
        "field": "class_weight.unknown",
        "value": UNKNOWN_WEIGHT,
        "rationale": "a track no catalog threat type explains is worth the least of the "
        "classes (0.6, as a drone); assumed",
    },
    {
        "entry": "c2.threat",
        "field": "unaimed_fraction",
        "value": UNAIMED_FRACTION,
        "rationale": "value of a hostile closing on no defended asset, as a fraction of the "
        "largest asset value; assumed",
    }
]


def _time_to_go(
    pos_ecef_m: NDArray[np.float64],
    vel_ecef_mps: NDArray[np.float64],
    asset_ecef_m: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Time to go [s] of each track (n,) to each asset (a,): (n, a), inf if not closing."""
    rel = asset_ecef_m[None, :, :] - pos_ecef_m[:, None, :]  # (n, a, 3)
    rng = np.linalg.norm(rel, axis=-1)
    closing = np.einsum("nak,nk->na", rel, vel_ecef_mps) / np.maximum(rng, 1.0)
    with np.errstate(divide="ignore"):
        return np.where(closing > 1.0, rng / closing, np.inf)


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
    tgo = _time_to_go(pos_ecef_m, vel_ecef_mps, asset_ecef_m)
    return np.max(asset_value[None, :] / tgo, axis=1)


def threat_values(
    pos_ecef_m: NDArray[np.float64],
    vel_ecef_mps: NDArray[np.float64],
    klass: NDArray[np.int64],
    p_hostile: NDArray[np.float64],
    asset_ecef_m: NDArray[np.float64],
    asset_value: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Value V (n,), urgency rank V / time to go (n,) [1/s] and the threatened asset
    (n,) (-1: none) of n tracks with positions/velocities (n, 3) [m, m/s], threat class
    indices (n,) or class probabilities (n, 6) over ``iads.c2.classify.HYPOTHESES``, and
    P(hostile) (n,). Without assets every asset value is taken as 1."""
    n = pos_ecef_m.shape[0]
    klass = np.asarray(klass)
    if klass.ndim == 2:
        weights = np.append(CLASS_WEIGHT, UNKNOWN_WEIGHT)
        w = (klass @ weights) * p_hostile
    else:
        w = CLASS_WEIGHT[klass] * p_hostile
    if asset_value.size == 0:
        return w, w * 0.0, np.full(n, -1, np.int64)
    tgo = _time_to_go(pos_ecef_m, vel_ecef_mps, asset_ecef_m)  # (n, a)
    urgency = asset_value[None, :] / tgo
    a = np.argmax(urgency, axis=1)
    closing = np.isfinite(tgo[np.arange(n), a])
    base = np.where(closing, asset_value[a], UNAIMED_FRACTION * asset_value.max())
    value = w * base
    with np.errstate(divide="ignore", invalid="ignore"):
        rank = np.where(closing, value / tgo[np.arange(n), a], 0.0)
    return value, rank, np.where(closing, a, -1).astype(np.int64)
