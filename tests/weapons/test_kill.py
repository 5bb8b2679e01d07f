"""The intercept resolution kernel against the closed forms of raid annihilation and
shoot-look-shoot (e.g. Przemieniecki, Mathematical Methods in Defense Analyses, 3rd ed.,
ch. 4 on salvo and shoot-look-shoot kill probabilities)."""

from __future__ import annotations

import numpy as np
import pytest

from iads.catalog import builtin_catalog
from iads.weapons.flyout import resolve_intercept

SEEKER_BASKET_M = builtin_catalog().model.weapons.flyout.seeker_basket_m.value
B = SEEKER_BASKET_M


def _raid(n: int) -> np.ndarray:
    """n threats 20 km apart (far outside each other's terminal basket)."""
    return np.column_stack([np.arange(n) * 20_000.0, np.zeros(n), np.full(n, 6.4e6)])


def _within(p_hat: float, p: float, reps: int, z: float = 4.0) -> bool:
    return abs(p_hat - p) <= z * np.sqrt(p * (1 - p) / reps) + 1e-12


@pytest.mark.parametrize(("n", "k", "p"), [(3, 2, 0.6), (4, 1, 0.8), (2, 3, 0.4)])
def test_raid_annihilation_matches_closed_form(n: int, k: int, p: float) -> None:
    """n threats each engaged by k independent shots of Pk p: P(all killed) =
    (1 − (1 − p)^k)^n."""
    rng = np.random.default_rng(11)
    pos = _raid(n)
    reps = 3000
    annihilated = 0
    for _ in range(reps):
        live = np.ones(n, bool)
        for j in range(n):
            for _ in range(k):  # a salvo: every shot flies, killed targets absorb none
                aim = pos[j] + rng.normal(0.0, 100.0, 3)
                hit, killed, _ = resolve_intercept(aim, pos, live, np.full(n, p), rng.random(), B)
                if killed:
                    live[hit] = False
        annihilated += not live.any()
    assert _within(annihilated / reps, (1 - (1 - p) ** k) ** n, reps)


def test_shoot_look_shoot_matches_closed_form() -> None:
    """Up to N single shots, each after seeing the last miss: P(kill) = 1 − (1 − p)^N and
    E[shots] = (1 − (1 − p)^N) / p."""
    rng = np.random.default_rng(3)
    p, n_max, reps = 0.55, 3, 4000
    pos = _raid(1)
    kills, shots = 0, 0
    for _ in range(reps):
        live = np.ones(1, bool)
        for _ in range(n_max):
            shots += 1
            _, killed, _ = resolve_intercept(pos[0], pos, live, np.array([p]), rng.random(), B)
            if killed:
                live[0] = False
                kills += 1
                break
    q = (1 - p) ** n_max
    assert _within(kills / reps, 1 - q, reps)
    assert shots / reps == pytest.approx((1 - q) / p, rel=0.03)


def test_outside_basket_never_kills() -> None:
    pos = _raid(2)
    aim = pos[0] + np.array([0.0, SEEKER_BASKET_M * 1.01, 0.0])
    j, killed, dist = resolve_intercept(aim, pos, np.ones(2, bool), np.ones(2), 0.0, B)
    assert j == -1 and not killed and dist == pytest.approx(SEEKER_BASKET_M * 1.01)
    j, killed, _ = resolve_intercept(pos[1], pos, np.array([True, False]), np.ones(2), 0.0, B)
    assert j == -1 and not killed
