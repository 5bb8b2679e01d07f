"""False tracks in heavy clutter are engaged when they look hostile, and the interceptors
fired at them are lost (``wasted_on_false_track``), counted in the summary and costs.

The test system (data/clutter_catalog.yaml) has an envelope holding every track its radar
can make and unlimited channels and missiles, so a false track is engaged exactly when it
stays confirmed for the reaction time and identification declares it hostile: the number
of false tracks engaged is Binomial(M, 1 - P(hostile declared friend)) with M the false
tracks that lived past the reaction time, counted independently from the event log."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from iads.catalog import load_catalog
from iads.engine import simulate
from iads.scenario import load_scenario

DATA = Path(__file__).parent / "data"


def _load(perfect: bool = False):
    cat = load_catalog([DATA / "clutter_catalog.yaml"])
    loaded = load_scenario(DATA / "clutter.yaml", catalog=cat)
    if perfect:
        sc = loaded.scenario.model_copy(
            update={"settings": loaded.scenario.settings.model_copy(
                update={"perfect_classification": True})}
        )
        loaded = dataclasses.replace(loaded, scenario=sc)
    return loaded


@pytest.fixture(scope="module")
def clutter():
    return simulate(_load())


def _col(res, kind: str, name: str) -> np.ndarray:
    return res.events_of(kind).column(name).to_numpy()


def test_false_tracks_are_engaged_at_the_rate_identification_allows(clutter):
    res = clutter
    dt = res.built.scenario.settings.time_step_s
    duration = res.built.scenario.settings.duration_s
    reaction = float(res.built.units.reaction_s[0])
    conf_id = _col(res, "track_confirmed", "track_id")
    conf_t = _col(res, "track_confirmed", "time_s")
    assert np.all(_col(res, "track_confirmed", "threat_id") == -1)  # no real object flies
    end = dict(zip(_col(res, "track_deleted", "track_id"), _col(res, "track_deleted", "time_s"),
                   strict=True))
    # The first decision at which a track is old enough, and whether it still exists then.
    first = np.ceil((conf_t + reaction) / dt - 1e-9) * dt
    alive = np.array([f < end.get(i, math.inf) and f <= duration
                      for i, f in zip(conf_id, first, strict=True)])
    m = int(alive.sum())
    engaged = np.unique(_col(res, "launch", "track_id"))
    assert m >= 30, "the clutter makes too few false tracks for the test"
    assert set(engaged) <= set(conf_id[alive])
    p = 1.0 - res.built.catalog.model.c2.iff.p_hostile_declared_friend.value
    assert abs(engaged.size - p * m) <= 4.0 * math.sqrt(m * p * (1.0 - p)) + 1.0


def test_interceptors_fired_at_false_tracks_are_lost_and_counted(clutter):
    res = clutter
    launched = _col(res, "launch", "interceptor_id")
    wasted = _col(res, "wasted_on_false_track", "interceptor_id")
    assert np.all(_col(res, "launch", "threat_id") == -1)
    assert res.events_of("intercept").num_rows == 0 and res.events_of("miss").num_rows == 0
    assert set(wasted) <= set(launched) and wasted.size == np.unique(wasted).size
    # Every interceptor launched early enough to end within the run ended wasted.
    b = res.built
    max_flight = 1.25 * b.missiles.max_range_m[0] / b.missiles.speed_mps[0]
    early = launched[_col(res, "launch", "time_s") + max_flight < b.scenario.settings.duration_s]
    assert set(early) <= set(wasted)
    cost = res.summary()["cost"]
    assert cost["interceptors_wasted_on_false_tracks"] == wasted.size
    assert cost["wasted_on_false_tracks_by_missile"] == {"TEST-MISSILE": wasted.size}


def test_perfect_classification_never_engages_false_tracks():
    res = simulate(_load(perfect=True))
    assert res.events_of("track_confirmed").num_rows > 0
    assert res.events_of("launch").num_rows == 0
    fields = {a["field"] for a in res.summary()["assumed_figures"]}
    assert "perfect_classification" in fields
