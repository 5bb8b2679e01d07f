"""Threat evaluation: the value of engaging each track and the order of urgency.

A track's value is what its destruction is worth to the defence:

    V_j = P(hostile)_j · w(class_j) · A_j,

with w(class_j) the expected class weight Σ_c P(c)_j · w(c) over the track's class
probabilities (``iads.c2.classify``), A_j the value of the defended asset the track
threatens most urgently (the asset maximising value / time to go among those it closes
on), or a floor of ``unaimed_fraction`` × the largest asset value when it closes on none
(a hostile in the envelope still threatens something). The urgency rank is V_j / time to
go, used to order the fire decisions. Time to go is range over closing speed
(first-order: straight-line closing at the current velocity).

The class weights and ``unaimed_fraction`` are the catalog's model figures ``c2.threat``
(``iads/catalog/data/model.yaml``; assumed, listed in every run's summary, overridable
by path): a missile that reaches its target is an impact; an aircraft may release weapons
and return.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.catalog.schema import THREAT_CLASSES, ThreatEvaluationFigures

__all__ = ["class_weights", "threat_priority", "threat_values"]


def class_weights(figures: ThreatEvaluationFigures) -> NDArray[np.float64]:
    """The class weights (6,) over ``THREAT_CLASSES`` then ``unknown``."""
    w = figures.class_weight
    return np.array([getattr(w, c).value for c in (*THREAT_CLASSES, "unknown")], dtype=float)


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
    figures: ThreatEvaluationFigures,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Value V (n,), urgency rank V / time to go (n,) [1/s] and the threatened asset
    (n,) (-1: none) of n tracks with positions/velocities (n, 3) [m, m/s], threat class
    indices (n,) or class probabilities (n, 6) over ``iads.c2.classify.HYPOTHESES``, and
    P(hostile) (n,). Without assets every asset value is taken as 1. ``figures``: the
    catalog's model figures ``c2.threat`` (class weights, unaimed fraction)."""
    n = pos_ecef_m.shape[0]
    klass = np.asarray(klass)
    weights = class_weights(figures)
    if klass.ndim == 2:
        w = (klass @ weights) * p_hostile
    else:
        w = weights[klass] * p_hostile
    if asset_value.size == 0:
        return w, w * 0.0, np.full(n, -1, np.int64)
    tgo = _time_to_go(pos_ecef_m, vel_ecef_mps, asset_ecef_m)  # (n, a)
    urgency = asset_value[None, :] / tgo
    a = np.argmax(urgency, axis=1)
    closing = np.isfinite(tgo[np.arange(n), a])
    base = np.where(closing, asset_value[a], figures.unaimed_fraction.value * asset_value.max())
    value = w * base
    with np.errstate(divide="ignore", invalid="ignore"):
        rank = np.where(closing, value / tgo[np.arange(n), a], 0.0)
    return value, rank, np.where(closing, a, -1).astype(np.int64)
