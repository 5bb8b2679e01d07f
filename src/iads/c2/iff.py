"""Identification: whether a fire unit declares a track hostile or friend.

A first-order model of the identification chain with stated figures (the model figures
``c2.iff`` of the catalog, ``iads/catalog/data/model.yaml``: assumed, listed in every
run's summary and overridable by path). docs/identification.md explains it in full.

**The aircraft's sortie** (drawn once per aircraft per run, :func:`sortie_state`): its
transponder answers the allied interrogation modes (Mode 4/5) when it is fitted and
switched on (the scenario's ``transponder``) and has not failed or been loaded with the
wrong codes for this sortie (``p_transponder_failure``); and how its flight reads to
identification by procedural means (corridors, airspace control orders, profile): one
uniform per aircraft, the same for every track of it and every unit that judges it, so
a broken and re-formed track is judged the same way again, not redrawn.

**The unit's looks** (:func:`identify`): a confirmed track is looked at every
``look_period_s`` while it is pending (an interrogation cued on the track's predicted
position, the interrogator beam apart from the radar's scan). A unit that can interrogate the
allied modes (``iff: true``, or a network one of whose units can) interrogates at each
look; a working transponder replies with probability ``p_reply`` per interrogation
(garble, lobing, masking) and one valid reply declares the track friend. After
``looks_to_declare`` looks without a valid reply (a unit that cannot interrogate gets
none), the track is identified by procedural means: a friend or neutral is judged
hostile with probability ``p_friend_declared_hostile_without_iff``, a hostile judged
friend with ``p_hostile_declared_friend`` (a track that no object made answers no
interrogation and is judged like a hostile). Until then the track is pending and not
engaged. The declaration is final for the track.

So a unit outside the allied identification network (``iff: false``) identifies every
friend by procedure, once per aircraft; an interoperable unit does so only for the
friends whose transponder failed (or that never answered in ``looks_to_declare``
interrogations).

The probability that a track declared hostile is hostile follows by Bayes' rule with the
prior ``prior_hostile`` from the rates the unit works with (:func:`p_hostile_declared`);
a track declared friend is never engaged (rules of engagement).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.catalog.schema import IffFigures

__all__ = [
    "FRIEND",
    "HOSTILE",
    "PENDING",
    "SortieIff",
    "identify",
    "p_hostile_declared",
    "p_no_reply",
    "sortie_state",
]

PENDING, HOSTILE, FRIEND = 0, 1, 2


@dataclass(frozen=True)
class SortieIff:
    """Per aircraft (and every other entity, shape (n,)), for the whole run: ``replies``,
    whether its transponder answers the allied interrogation modes this sortie;
    ``procedural_u``, the uniform its procedural identification is judged with."""

    replies: NDArray[np.bool_]
    procedural_u: NDArray[np.float64]


def sortie_state(
    transponder: NDArray[np.bool_], rng: np.random.Generator, rates: IffFigures
) -> SortieIff:
    """Draw the sortie's identification state of n entities: ``transponder`` (n,),
    fitted and switched on (the scenario). Draws 2n uniforms from ``rng``."""
    n = transponder.size
    failed = rng.random(n) < rates.p_transponder_failure.value
    return SortieIff(replies=transponder & ~failed, procedural_u=rng.random(n))


def identify(
    looks: NDArray[np.int64],
    interrogate: bool,
    real: NDArray[np.bool_],
    hostile: NDArray[np.bool_],
    replies: NDArray[np.bool_],
    procedural_u: NDArray[np.float64],
    rng: np.random.Generator,
    rates: IffFigures,
) -> tuple[NDArray[np.int8], NDArray[np.int64]]:
    """One look at k pending tracks.

    ``looks`` (k,): looks so far without a valid reply; ``interrogate``: whether the
    unit can interrogate the allied modes; per track, of the object it follows: ``real``
    (k,) (False: a track no object made), ``hostile`` (k,), ``replies`` (k,) (its
    transponder works this sortie) and ``procedural_u`` (k,) (ignored where not real).
    Draws k uniforms from ``rng`` when ``interrogate`` (the replies), then one per false
    track judged. Returns the declaration (k,) (``PENDING``, ``HOSTILE``, ``FRIEND``) and
    the looks so far (k,).
    """
    k = looks.size
    ident = np.full(k, PENDING, np.int8)
    if interrogate:
        answered = real & replies & (rng.random(k) < rates.p_reply.value)
        ident[answered] = FRIEND
    else:
        answered = np.zeros(k, bool)
    looks = looks + ~answered
    judged = ~answered & (looks >= int(rates.looks_to_declare.value))
    if judged.any():
        u = np.where(real, procedural_u, 0.0)
        fake = judged & ~real
        u[fake] = rng.random(int(fake.sum()))
        p_h = np.where(
            real & ~hostile,
            rates.p_friend_declared_hostile_without_iff.value,
            1.0 - rates.p_hostile_declared_friend.value,
        )
        ident[judged] = np.where(u[judged] < p_h[judged], HOSTILE, FRIEND)
    return ident, looks


def p_no_reply(interrogate: bool, rates: IffFigures) -> float:
    """Probability that a friend with its transponder on gives no valid reply in
    ``looks_to_declare`` looks: 1 for a unit that cannot interrogate; else a failed
    transponder, or a working one missing every interrogation."""
    if not interrogate:
        return 1.0
    p_tf = rates.p_transponder_failure.value
    n = int(rates.looks_to_declare.value)
    return p_tf + (1.0 - p_tf) * (1.0 - rates.p_reply.value) ** n


def p_hostile_declared(interrogate: bool, rates: IffFigures) -> float:
    """P(hostile | declared hostile) by Bayes' rule with the prior ``prior_hostile``:
    (1 − p_hf)·π / ((1 − p_hf)·π + p_fh·(1 − π)), with p_fh the probability that the
    unit declares a friend (transponder on) hostile: :func:`p_no_reply` times the
    procedural error."""
    prior = rates.prior_hostile.value
    p_fh = p_no_reply(interrogate, rates) * rates.p_friend_declared_hostile_without_iff.value
    num = (1.0 - rates.p_hostile_declared_friend.value) * prior
    den = num + p_fh * (1.0 - prior)
    return num / den if den > 0 else 0.0
