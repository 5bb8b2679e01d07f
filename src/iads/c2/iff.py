"""Identification: whether a fire unit declares a track hostile or friend.

A first-order model with stated error rates (assumed figures, listed in every run's
summary): a battery that can interrogate the aircraft's transponder (IFF interoperable,
transponder on) rarely mistakes a friend for a hostile; a battery outside the allied
identification network, or facing a friend whose transponder is off, identifies by
procedural means only (flight profile, airspace control orders) and errs far more often;
a hostile is occasionally declared friend (e.g. flying a friendly corridor). The
declaration is drawn once per track, when the track is first evaluated.

The probability that a track declared hostile is hostile follows by Bayes' rule with an
even prior; a track declared friend is never engaged (rules of engagement), so its
probability of being hostile is set to 0 for threat evaluation.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "ASSUMPTIONS",
    "P_FRIEND_HOSTILE_IFF",
    "P_FRIEND_HOSTILE_NO_IFF",
    "P_HOSTILE_FRIEND",
    "declare",
]

#: P(friend declared hostile) when the unit interrogates a friend's working transponder.
P_FRIEND_HOSTILE_IFF = 0.01
#: P(friend declared hostile) without interrogation (no IFF interoperability, or no
#: transponder reply).
P_FRIEND_HOSTILE_NO_IFF = 0.30
#: P(hostile declared friend).
P_HOSTILE_FRIEND = 0.02
#: Prior probability that an unidentified track is hostile (for the posterior).
PRIOR_HOSTILE = 0.5

HOSTILE, FRIEND = 1, 2

ASSUMPTIONS = [
    {
        "entry": "c2.iff",
        "field": "p_friend_declared_hostile_with_iff",
        "value": P_FRIEND_HOSTILE_IFF,
        "rationale": "Mode 4/5 interrogation of a working transponder: residual errors from "
        "garbling, lobing and crew error; assumed",
    },
    {
        "entry": "c2.iff",
        "field": "p_friend_declared_hostile_without_iff",
        "value": P_FRIEND_HOSTILE_NO_IFF,
        "rationale": "identification by procedural means only (corridors, profile); "
        "fratricide history (e.g. 2003 Patriot incidents) shows large error rates; assumed",
    },
    {
        "entry": "c2.iff",
        "field": "p_hostile_declared_friend",
        "value": P_HOSTILE_FRIEND,
        "rationale": "a hostile flying a friendly profile or corridor; assumed",
    },
]


def declare(
    friendly: NDArray[np.bool_],
    transponder: NDArray[np.bool_],
    unit_iff: bool,
    rng: np.random.Generator,
) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    """Draw the identity a unit declares for k tracks.

    ``friendly`` (k,): the true identity of the aircraft each track follows;
    ``transponder`` (k,): whether it answers IFF; ``unit_iff``: whether the unit can
    interrogate allied transponders. Draws k uniforms from ``rng`` in order. Returns the
    declaration (k,) (1 hostile, 2 friend) and P(hostile | declaration) (k,), the latter
    from the error rates the unit works with (it cannot know a friend's transponder is off).
    """
    p_fh = np.where(unit_iff & transponder, P_FRIEND_HOSTILE_IFF, P_FRIEND_HOSTILE_NO_IFF)
    p_declared_hostile = np.where(friendly, p_fh, 1.0 - P_HOSTILE_FRIEND)
    hostile = rng.random(friendly.size) < p_declared_hostile
    # Bayes: P(H | declared H) = (1 - p_hf)·π / ((1 - p_hf)·π + p_fh·(1 - π)).
    p_unit = P_FRIEND_HOSTILE_IFF if unit_iff else P_FRIEND_HOSTILE_NO_IFF
    num = (1.0 - P_HOSTILE_FRIEND) * PRIOR_HOSTILE
    post = num / (num + p_unit * (1.0 - PRIOR_HOSTILE))
    ident = np.where(hostile, HOSTILE, FRIEND).astype(np.int8)
    return ident, np.where(hostile, post, 0.0)
