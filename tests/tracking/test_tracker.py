"""The tracker as a whole: life cycle rules, ids, events, errors and the standalone entry point."""

from __future__ import annotations

import numpy as np
import pytest

from iads.errors import ParameterError
from iads.tracking import (
    DeleteReason,
    Scan,
    Tracker,
    TrackerConfig,
    TrackStatus,
    estimates_by_time,
    gospa_series,
    track_scans,
)
from iads.tracking.synthetic import simulate_cv

R1 = 25.0 * np.eye(3)[None]


def _scan(tr, t, pts):
    pts = np.atleast_2d(np.asarray(pts, float)).reshape(-1, 3)
    return tr.step(t, pts, np.repeat(R1, pts.shape[0], axis=0))


def test_m_of_n_confirmation_and_deletion_on_misses():
    cfg = TrackerConfig(confirm_m=3, confirm_n=4, delete_misses=2, init_velocity_sigma_mps=50)
    tr = Tracker(cfg)
    ev = _scan(tr, 0.0, [0, 0, 0])
    assert ev.initiated_ids.tolist() == [1]
    assert _scan(tr, 1.0, [10, 0, 0]).confirmed_ids.size == 0
    assert tr.tracks.status[0] == TrackStatus.TENTATIVE
    ev = _scan(tr, 2.0, [20, 0, 0])  # third hit: confirmed
    assert ev.confirmed_ids.tolist() == [1]
    assert tr.tracks.confirmed_t_s[0] == 2.0
    assert np.allclose(tr.tracks.velocity[0], [10, 0, 0], atol=2.0)
    assert _scan(tr, 3.0, np.zeros((0, 3))).deleted_ids.size == 0
    ev = _scan(tr, 4.0, np.zeros((0, 3)))  # second consecutive miss: deleted
    assert ev.deleted_ids.tolist() == [1]
    assert ev.deleted_reason.tolist() == [DeleteReason.MISSES]
    assert tr.tracks.n == 0


def test_tentative_track_deleted_when_m_of_n_unreachable():
    cfg = TrackerConfig(confirm_m=3, confirm_n=3, delete_misses=5)
    tr = Tracker(cfg)
    _scan(tr, 0.0, [0, 0, 0])
    ev = _scan(tr, 1.0, np.zeros((0, 3)))  # 1 hit, 1 scan left: 3 of 3 unreachable
    assert ev.deleted_reason.tolist() == [DeleteReason.NOT_CONFIRMED]


def test_ids_unique_and_events_consistent():
    sc = simulate_cv(np.random.default_rng(0), 30, n_scans=15, clutter_per_scan=10)
    tr = Tracker(TrackerConfig(process_noise=0.05, init_velocity_sigma_mps=50))
    seen: set[int] = set()
    for s in sc.scans:
        ev = tr.step(s.t_s, s.z, s.R)
        new = set(ev.initiated_ids.tolist())
        assert not (new & seen)
        seen |= new
        assert len(set(tr.tracks.ids.tolist())) == tr.tracks.n
        # GNN: each measurement updates at most one track and each track takes at most one.
        assert len(set(ev.assoc_meas_index.tolist())) == ev.assoc_meas_index.size
        assert len(set(ev.assoc_track_ids.tolist())) == ev.assoc_track_ids.size
        assert np.all(np.isfinite(tr.tracks.x)) and np.all(np.isfinite(tr.tracks.P))


def test_track_scans_table_and_gospa_on_separated_targets():
    rng = np.random.default_rng(42)
    sc = simulate_cv(rng, 50, n_scans=25, sigma_m=5.0, clutter_per_scan=5)
    cfg = TrackerConfig(process_noise=0.05, init_velocity_sigma_mps=50)
    tab = track_scans(sc.scans, cfg)
    assert {"t_s", "track_id", "confirmed", "x_m", "covariance"} <= set(tab.column_names)
    est = estimates_by_time(tab, sc.t_s)
    g = gospa_series(list(sc.truth_xyz_m), [e[1] for e in est], c=50.0)
    # After confirmation nearly every target has one track at filter accuracy: GOSPA is close
    # to sqrt(n) times the 3-D position error, far below the c-bound of a missed target.
    assert g["gospa"][-5:].mean() < np.sqrt(50 * 3 * 5.0**2) * 1.5
    assert g["missed"][-1] <= 2 * 50.0**2 / 2


def test_tuple_scans_and_empty_input():
    tab = track_scans([(0.0, np.zeros((0, 3)), np.zeros((0, 3, 3)))])
    assert tab.num_rows == 0


@pytest.mark.parametrize(
    "z,R,name",
    [
        (np.zeros((2, 2)), np.zeros((2, 2, 2)), "z"),
        (np.zeros((2, 3)), np.zeros((3, 3, 3)), "R"),
        (np.full((1, 3), np.nan), np.eye(3)[None], "z, R"),
    ],
)
def test_bad_measurements_raise(z, R, name):
    with pytest.raises(ParameterError, match=f"'{name}'"):
        Tracker().step(0.0, z, R)


def test_config_validation():
    with pytest.raises(ParameterError, match="confirm_m"):
        TrackerConfig(confirm_m=4, confirm_n=3)
    with pytest.raises(ParameterError, match="'association'"):
        TrackerConfig(association="nearest")
    with pytest.raises(ParameterError, match="process_noise"):
        TrackerConfig(process_noise=-1.0)


def test_time_going_backwards_raises():
    tr = Tracker()
    _scan(tr, 5.0, [0, 0, 0])
    with pytest.raises(ParameterError, match="'t_s'"):
        _scan(tr, 4.0, [0, 0, 0])


def test_same_input_same_output():
    sc = simulate_cv(np.random.default_rng(9), 20, n_scans=8)
    a, b = track_scans(sc.scans), track_scans(sc.scans)
    assert a.equals(b)
    assert isinstance(sc.scans[0], Scan)


@pytest.mark.parametrize(
    "kw",
    [
        {"motion": "ca", "process_noise": 0.01},
        {"motion": "ct", "nonlinear": "ekf"},
        {"motion": "ct", "nonlinear": "ukf"},
        {"motion": "imm"},
        {"association": "jpda"},
    ],
)
def test_every_model_tracks_the_scenario(kw):
    """Contract: every motion model and association runs the same scenario to one confirmed
    track per target, finite and with symmetric positive definite covariances."""
    sc = simulate_cv(np.random.default_rng(12), 15, n_scans=12, clutter_per_scan=3)
    cfg = TrackerConfig(init_velocity_sigma_mps=50, **{"process_noise": 0.05, **kw})
    tr = Tracker(cfg)
    for s in sc.scans:
        tr.step(s.t_s, s.z, s.R)
    t = tr.tracks
    assert np.all(np.isfinite(t.x)) and np.all(np.isfinite(t.P))
    np.testing.assert_allclose(t.P, np.swapaxes(t.P, 1, 2), atol=1e-6)
    assert np.all(np.linalg.eigvalsh(t.P) > 0)
    est = t.position[t.confirmed]
    d = np.linalg.norm(sc.truth_xyz_m[-1][:, None, :] - est[None], axis=2)
    assert np.all(d.min(axis=1) < 25.0)  # every target has a confirmed track near it


def test_best_assoc_takes_the_highest_weight_per_track():
    from iads.tracking import TrackEvents

    e = np.zeros(0, np.int64)
    ev = TrackEvents(
        t_s=0.0,
        initiated_ids=e,
        confirmed_ids=e,
        deleted_ids=e,
        deleted_reason=np.zeros(0, np.int8),
        assoc_track_ids=np.array([7, 3, 7, 3, 7, 9, 9]),
        assoc_meas_index=np.array([0, 1, 2, 3, 4, 5, 6]),
        assoc_weight=np.array([0.2, 0.5, 0.7, 0.5, 0.1, 1.0, 1.0]),
    )
    ids, meas = ev.best_assoc()
    assert ids.tolist() == [3, 7, 9]
    assert meas.tolist() == [1, 2, 5]  # ties: the first listed pair


def test_best_assoc_on_jpda_events():
    sc = simulate_cv(np.random.default_rng(8), 30, n_scans=6, clutter_per_scan=20)
    ev = []
    track_scans(sc.scans, TrackerConfig(association="jpda", process_noise=0.05), events=ev)
    for e in ev:
        ids, meas = e.best_assoc()
        assert np.array_equal(ids, np.unique(e.assoc_track_ids))
        for i, j in zip(ids, meas, strict=True):
            w = e.assoc_weight[e.assoc_track_ids == i]
            assert (
                e.assoc_weight[(e.assoc_track_ids == i) & (e.assoc_meas_index == j)][0] == w.max()
            )


def test_unobserved_tracks_are_not_missed():
    """A scan that did not look at a track does not count it as missed."""
    import numpy as np

    from iads.tracking import TrackerConfig, empty_tracks, tracker_step

    cfg = TrackerConfig(confirm_m=1, confirm_n=1, delete_misses=1)
    z = np.array([[0.0, 0.0, 0.0], [1e6, 0.0, 0.0]])
    R = np.repeat(np.eye(3)[None] * 100.0, 2, axis=0)
    tracks, _ = tracker_step(empty_tracks(cfg), cfg, 0.0, z, R)
    assert tracks.n == 2
    # Next scan sees nothing; only track 0 was looked at: it is deleted, track 1 stays.
    after, ev = tracker_step(tracks, cfg, 1.0, np.empty((0, 3)), np.empty((0, 3, 3)),
                             observed=np.array([True, False]))
    assert list(ev.deleted_ids) == [tracks.ids[0]]
    assert list(after.ids) == [tracks.ids[1]]
    assert after.misses[0] == tracks.misses[1] and after.age[0] == tracks.age[1]
    # An unobserved track can still be updated by a measurement that falls on it.
    after, ev = tracker_step(tracks, cfg, 1.0, z[1:], R[1:], observed=np.array([True, False]))
    assert list(after.ids) == [tracks.ids[1]] and after.hits[0] == tracks.hits[1] + 1
    # Without the mask both are missed and deleted.
    after, ev = tracker_step(tracks, cfg, 1.0, np.empty((0, 3)), np.empty((0, 3, 3)))
    assert after.n == 0
