"""The fire decision (WTA wrapped by doctrine), magazines and identification."""

from __future__ import annotations

import numpy as np
import pytest

from iads.c2.engage import assign_engagements
from iads.c2.magazine import Magazines
from iads.c2.wta import solve


def _random(seed: int, n_w: int, n_t: int):
    rng = np.random.default_rng(seed)
    values = rng.uniform(10, 100, n_t)
    pk = rng.uniform(0.3, 0.9, (n_w, n_t)) * (rng.random((n_w, n_t)) < 0.8)
    return values, pk


@pytest.mark.parametrize("seed", range(12))
def test_one_engagement_per_target_within_channels_and_magazines(seed: int) -> None:
    n_units, n_t = 3, 7
    values, pk = _random(seed, 2 * n_units, n_t)
    w_unit = np.repeat(np.arange(n_units), 2)
    salvo = np.full(pk.shape, 2)
    avail = np.array([3, 1, 4, 0, 2, 5])
    free = np.array([3, 4, 2])
    plan = assign_engagements(values, values, pk, salvo, avail, w_unit, free)
    # Never two engagements on one target in one round (two units included).
    assert len(set(plan.target.tolist())) == plan.target.size
    assert np.all(pk[plan.weapon, plan.target] > 0)
    used = np.bincount(plan.weapon, plan.n_shots, minlength=avail.size)
    assert np.all(used <= avail)
    assert np.all(np.bincount(w_unit[plan.weapon], plan.n_shots, minlength=n_units) <= free)
    assert np.all((plan.n_shots >= 1) & (plan.n_shots <= 2))


def test_plenty_of_weapons_engage_every_target_with_the_best() -> None:
    """With more single-shot salvos than targets the assignment equals the WTA optimum
    restricted to one shot per target (here: the best weapon of each target)."""
    values = np.array([50.0, 30.0, 10.0])
    pk = np.array([[0.9, 0.2, 0.5], [0.3, 0.8, 0.6], [0.1, 0.1, 0.7]])
    plan = assign_engagements(
        values, values, pk, np.ones_like(pk, dtype=np.int64), np.full(3, 5), np.arange(3),
        np.full(3, 5),
    )
    got = dict(zip(plan.target.tolist(), plan.weapon.tolist(), strict=True))
    assert got == {0: 0, 1: 1, 2: 2}
    ref = solve(values, pk, "exact")
    assert ref.objective == pytest.approx(50 * 0.1 + 30 * 0.2 + 10 * 0.3)


def test_scarce_channels_go_to_the_most_valuable() -> None:
    values = np.array([5.0, 80.0, 20.0])
    pk = np.full((1, 3), 0.7)
    plan = assign_engagements(
        values, values, pk, np.ones((1, 3), np.int64), np.array([10]), np.array([0]),
        np.array([1]),
    )
    assert plan.target.tolist() == [1]


def test_magazines_reload_after_a_launcher_empties() -> None:
    stock = np.array([[10]])  # 2 launchers of 4: 8 loaded, 2 spare
    mag = Magazines.load(stock, np.array([[2]]), np.array([[4]]), np.array([[600.0]]))
    assert mag.ready(0.0, (1, 1))[0, 0] == 8 and mag.spare[0, 0] == 2
    mag.fire(0, 0, 4, 10.0)  # empties one launcher: it reloads the 2 spares until t=610
    assert mag.ready(10.0, (1, 1))[0, 0] == 4
    assert mag.ready(609.0, (1, 1))[0, 0] == 4
    assert mag.ready(610.0, (1, 1))[0, 0] == 6
    mag.fire(0, 0, 4, 620.0)
    mag.fire(0, 0, 2, 620.0)
    assert mag.ready(1e9, (1, 1))[0, 0] == 0
    with pytest.raises(ValueError):
        mag.fire(0, 0, 1, 1e9)
