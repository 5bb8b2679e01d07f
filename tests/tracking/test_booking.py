"""Booking a scan by mask (``end_scan(..., booked=mask)``, what the tracker does when a scan
looked at some tracks only) against the reference it replaced: the track set reordered so
that the booked rows come first, booked by count, then put back in id order."""

from __future__ import annotations

import numpy as np
import pytest

from iads.tracking import TrackerConfig, _jit, empty_tracks, tracker_step
from iads.tracking.management import end_scan
from iads.tracking.synthetic import simulate_cv
from iads.tracking.tracker import _booked_first

CFG = TrackerConfig(
    process_noise=0.05, init_velocity_sigma_mps=50, confirm_m=2, confirm_n=4,
    delete_misses=2, max_position_variance_m2=3e4,
)  # fmt: skip


def _reference(tracks, hit, booked, n0, t_s):
    """The permute-book-sort path: booked old rows, other old rows, new rows."""
    perm = np.concatenate(
        [np.flatnonzero(booked[:n0]), np.flatnonzero(~booked[:n0]), np.arange(n0, tracks.n)]
    )
    out, conf, dead, reason = end_scan(tracks.take(perm), CFG, hit[perm], int(booked.sum()), t_s)
    return out.take(np.argsort(out.ids, kind="stable")), conf, dead, reason


def _track_sets():
    """Track sets met along a cluttered run (tentative, confirmed, about to be deleted)."""
    sc = simulate_cv(np.random.default_rng(8), 40, n_scans=9, clutter_per_scan=12)
    tracks, out = empty_tracks(CFG), []
    for s in sc.scans:
        tracks, _ = tracker_step(tracks, CFG, s.t_s, s.z, s.R)
        out.append((tracks, s.t_s + 1.0))
    return out


@pytest.mark.parametrize("enabled", [True, False])
def test_booking_by_mask_equals_reordering(monkeypatch, enabled):
    monkeypatch.setattr(_jit, "ENABLED", enabled)
    rng = np.random.default_rng(1)
    n_events = 0
    for tracks, t_s in _track_sets():
        n = tracks.n
        n0 = n - int(rng.integers(0, 3)) if n > 2 else n  # the last rows: "new" tracks
        for _ in range(4):
            hit = rng.random(n) < 0.5
            booked = np.zeros(n, bool)
            booked[:n0] = (rng.random(n0) < 0.6) | hit[:n0]
            # inflate some covariances so that unbooked rows are deleted too
            P = tracks.P.copy()
            P[rng.random(n) < 0.2] *= 1e4
            tr = tracks.replace(P=P)
            ref = _reference(tr, hit, booked, n0, t_s)
            out, conf, dead, reason = end_scan(tr, CFG, hit, n0, t_s, booked)
            conf = _booked_first(conf, tr.ids, booked, n0)
            dead, reason = _booked_first(dead, tr.ids, booked, n0, reason)
            for f, v in vars(ref[0]).items():
                np.testing.assert_array_equal(getattr(out, f), v, err_msg=f)
            np.testing.assert_array_equal(conf, ref[1])
            np.testing.assert_array_equal(dead, ref[2])
            np.testing.assert_array_equal(reason, ref[3])
            n_events += dead.size + conf.size
    assert n_events > 20  # confirmations and deletions were compared, not only empties
