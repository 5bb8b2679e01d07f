"""Identification: whether a fire unit declares a track hostile or friend.

A first-order model with stated error rates (the model figures ``c2.iff`` of the
catalog, ``iads/catalog/data/model.yaml``: assumed figures, listed in every run's summary
and overridable by path): a battery that can interrogate the aircraft's transponder (IFF
interoperable, transponder on) rarely mistakes a friend for a hostile; a battery outside
the allied identification network, or facing a friend whose transponder is off,
identifies by procedural means only (flight profile, airspace control orders) and errs
far more often; a hostile is occasionally declared friend (e.g. flying a friendly
corridor). The declaration is drawn once per track, when the track is first evaluated.

The probability that a track declared hostile is hostile follows by Bayes' rule with the
prior ``c2.iff.prior_hostile`` (even, 0.5); a track declared friend is never engaged
(rules of engagement), so its probability of being hostile is set to 0 for threat
evaluation.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.catalog.schema import IffFigures

__all__ = ["FRIEND", "HOSTILE", "declare"]

HOSTILE, FRIEND = 1, 2


def declare(
    friendly: NDArray[np.bool_],
    transponder: NDArray[np.bool_],
    unit_iff: bool,
    rng: np.random.Generator,
    rates: IffFigures,
) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    """Draw the identity a unit declares for k tracks.

    ``friendly`` (k,): the true identity of the aircraft each track follows;
    ``transponder`` (k,): whether it answers IFF; ``unit_iff``: whether the unit can
    interrogate allied transponders. Draws k uniforms from ``rng`` in order. Returns the
    declaration (k,) (1 hostile, 2 friend) and P(hostile | declaration) (k,), the latter
    from the error rates the unit works with (it cannot know a friend's transponder is off).
    ``rates``: the catalog's model figures ``c2.iff`` (``catalog.model.c2.iff``).
    """
    p_iff = rates.p_friend_declared_hostile_with_iff.value
    p_no_iff = rates.p_friend_declared_hostile_without_iff.value
    p_hf = rates.p_hostile_declared_friend.value
    prior = rates.prior_hostile.value
    p_fh = np.where(unit_iff & transponder, p_iff, p_no_iff)
    p_declared_hostile = np.where(friendly, p_fh, 1.0 - p_hf)
    hostile = rng.random(friendly.size) < p_declared_hostile
    # Bayes: P(H | declared H) = (1 - p_hf)·π / ((1 - p_hf)·π + p_fh·(1 - π)).
    p_unit = p_iff if unit_iff else p_no_iff
    num = (1.0 - p_hf) * prior
    post = num / (num + p_unit * (1.0 - prior)) if num > 0 else 0.0
    ident = np.where(hostile, HOSTILE, FRIEND).astype(np.int8)
    return ident, np.where(hostile, post, 0.0)
