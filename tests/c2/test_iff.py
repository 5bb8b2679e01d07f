"""The identification chain (iads.c2.iff) against closed forms: per-sortie transponder
failure, per-look replies, procedural identification judged once per aircraft (a
re-formed track is not redrawn) and Bayes' rule for P(hostile | declared hostile)."""

from __future__ import annotations

import numpy as np
import pytest

from iads.c2.iff import (
    FRIEND,
    HOSTILE,
    PENDING,
    identify,
    p_hostile_declared,
    p_no_reply,
    sortie_state,
)
from iads.catalog import builtin_catalog
from iads.catalog.overrides import apply

RATES = builtin_catalog().model.c2.iff
N_LOOKS = int(RATES.looks_to_declare.value)


def _bound(p: float, n: int) -> float:
    return 4.0 * np.sqrt(p * (1.0 - p) / n) + 1e-12


def _declare(interrogate, real, hostile, replies, u, rng, rates=RATES):
    """Look at k tracks until every one is declared; returns (ident, looks used)."""
    k = real.size
    looks = np.zeros(k, np.int64)
    ident = np.full(k, PENDING, np.int8)
    for _ in range(int(rates.looks_to_declare.value)):
        todo = ident == PENDING
        got, lk = identify(looks[todo], interrogate, real[todo], hostile[todo],
                           replies[todo], u[todo], rng, rates)  # fmt: skip
        ident[todo], looks[todo] = got, lk
    return ident, looks


def test_a_friend_answering_iff_is_declared_hostile_at_the_closed_form_rate() -> None:
    n = 60_000
    rng = np.random.default_rng(3)
    ones = np.ones(n, bool)
    sortie = sortie_state(ones, rng, RATES)
    assert np.mean(~sortie.replies) == pytest.approx(
        RATES.p_transponder_failure.value, abs=_bound(RATES.p_transponder_failure.value, n))
    ident, looks = _declare(True, ones, ~ones, sortie.replies, sortie.procedural_u, rng)
    assert not (ident == PENDING).any()
    # P(declared hostile) = P(no valid reply in N looks) x P(procedural error), with
    # P(no reply) = p_tf + (1 - p_tf)(1 - p_reply)^N.
    p_tf, p_r = RATES.p_transponder_failure.value, RATES.p_reply.value
    no_reply = p_tf + (1 - p_tf) * (1 - p_r) ** N_LOOKS
    assert p_no_reply(True, RATES) == pytest.approx(no_reply)
    p = no_reply * RATES.p_friend_declared_hostile_without_iff.value
    assert np.mean(ident == HOSTILE) == pytest.approx(p, abs=_bound(p, n))
    # a friend replying is declared at its first valid reply, before N looks
    first = (ident == FRIEND) & (looks == 0)
    assert np.mean(first) == pytest.approx((1 - p_tf) * p_r, abs=_bound(p_r, n))


def test_a_unit_that_cannot_interrogate_judges_every_friend_by_procedure() -> None:
    n = 60_000
    rng = np.random.default_rng(4)
    ones = np.ones(n, bool)
    sortie = sortie_state(ones, rng, RATES)
    ident, looks = _declare(False, ones, ~ones, sortie.replies, sortie.procedural_u, rng)
    assert np.all(looks == N_LOOKS)  # no reply can shorten it: N looks, then procedure
    p = RATES.p_friend_declared_hostile_without_iff.value
    assert np.mean(ident == HOSTILE) == pytest.approx(p, abs=_bound(p, n))
    hostile = _declare(True, ones, ones, ~ones, sortie.procedural_u, rng)[0]
    q = RATES.p_hostile_declared_friend.value
    assert np.mean(hostile == FRIEND) == pytest.approx(q, abs=_bound(q, n))


def test_re_formed_tracks_of_one_aircraft_are_judged_the_same() -> None:
    """Regression (the Hmeimim defect): each new track of an aircraft redrew its IFF
    error, so an aircraft whose track broke k times was declared hostile with
    1 - (1 - p)^k. Judged once per sortie, every track of it gets one declaration."""
    n_aircraft, k = 2_000, 6
    rng = np.random.default_rng(5)
    sortie = sortie_state(np.zeros(n_aircraft, bool), rng, RATES)  # neutrals: no reply
    j = np.repeat(np.arange(n_aircraft), k)  # k tracks per aircraft
    ones = np.ones(j.size, bool)
    ident, _ = _declare(True, ones, ~ones, sortie.replies[j], sortie.procedural_u[j], rng)
    per = ident.reshape(n_aircraft, k)
    assert np.all(per == per[:, :1])
    p = RATES.p_friend_declared_hostile_without_iff.value
    assert np.mean(per[:, 0] == HOSTILE) == pytest.approx(p, abs=_bound(p, n_aircraft))


def test_false_tracks_answer_no_interrogation_and_are_judged_like_hostiles() -> None:
    n = 40_000
    rng = np.random.default_rng(6)
    zeros = np.zeros(n, bool)
    ident, _ = _declare(True, zeros, zeros, np.ones(n, bool), np.zeros(n), rng)
    q = RATES.p_hostile_declared_friend.value
    assert np.mean(ident == FRIEND) == pytest.approx(q, abs=_bound(q, n))


def test_one_look_when_fewer_looks_are_needed() -> None:
    cat = apply(builtin_catalog(), {"c2.iff.looks_to_declare": 1})
    rates = cat.model.c2.iff
    ident, looks = identify(np.zeros(3, np.int64), False, np.ones(3, bool), np.zeros(3, bool),
                            np.zeros(3, bool), np.array([0.0, 0.5, 0.99]),
                            np.random.default_rng(0), rates)  # fmt: skip
    p = rates.p_friend_declared_hostile_without_iff.value
    assert list(ident) == [HOSTILE, HOSTILE if 0.5 < p else FRIEND, FRIEND]
    assert list(looks) == [1, 1, 1]


@pytest.mark.parametrize("interrogate", [True, False])
def test_p_hostile_given_declared_hostile_is_bayes_rule(interrogate: bool) -> None:
    pi = RATES.prior_hostile.value
    tp = 1 - RATES.p_hostile_declared_friend.value
    fp = p_no_reply(interrogate, RATES) * RATES.p_friend_declared_hostile_without_iff.value
    bayes = tp * pi / (tp * pi + fp * (1 - pi))
    assert p_hostile_declared(interrogate, RATES) == pytest.approx(bayes)
    # an interoperable unit trusts its hostile declarations more
    assert p_hostile_declared(True, RATES) > p_hostile_declared(False, RATES)
