"""JPDA marginals against brute-force enumeration and the single-track PDA closed form; the
tracker with JPDA."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from iads.tracking import TrackerConfig, estimates_by_time, gospa_series, track_scans
from iads.tracking.jpda import jpda_marginals
from iads.tracking.synthetic import simulate_cv


def _brute(rows, cols, r, n_rows):
    """Marginals by summing over every subset of pairs that is a matching."""
    p = rows.size
    beta, total = np.zeros(p), 0.0
    for k in range(p + 1):
        for sub in itertools.combinations(range(p), k):
            s = list(sub)
            if len(set(rows[s])) < k or len(set(cols[s])) < k:
                continue
            w = float(np.prod(r[s])) if k else 1.0
            total += w
            beta[s] += w
    beta /= total
    beta0 = 1 - np.bincount(rows, weights=beta, minlength=n_rows)
    return beta, beta0


@pytest.mark.parametrize("seed", range(8))
def test_exact_marginals_equal_brute_force(seed):
    rng = np.random.default_rng(seed)
    nt, nm = int(rng.integers(2, 4)), int(rng.integers(2, 5))
    mask = rng.random((nt, nm)) < 0.7
    mask[0, :2] = mask[1, :2] = True  # at least one cycle
    rows, cols = np.nonzero(mask)
    r = rng.uniform(0.1, 20, rows.size)
    beta, beta0 = jpda_marginals(rows, cols, r, nt, nm)
    bb, bb0 = _brute(rows, cols, r, nt)
    np.testing.assert_allclose(beta, bb, rtol=1e-10)
    np.testing.assert_allclose(beta0, bb0, rtol=1e-10, atol=1e-12)


def test_single_track_is_the_pda_closed_form():
    r = np.array([2.0, 0.5, 7.0])
    beta, beta0 = jpda_marginals(np.zeros(3, np.int64), np.arange(3), r, 1, 3)
    np.testing.assert_allclose(beta, r / (1 + r.sum()), rtol=1e-12)
    np.testing.assert_allclose(beta0, 1 / (1 + r.sum()), rtol=1e-12)


def test_belief_propagation_is_close_on_large_clusters():
    rng = np.random.default_rng(3)
    nt, nm = 4, 4
    mask = rng.random((nt, nm)) < 0.8
    rows, cols = np.nonzero(mask)
    r = rng.uniform(0.1, 5, rows.size)
    approx, _ = jpda_marginals(rows, cols, r, nt, nm, exact_max_tracks=1)
    exact, _ = _brute(rows, cols, r, nt)
    assert np.max(np.abs(approx - exact)) < 0.1
    assert np.all(np.bincount(rows, weights=approx, minlength=nt) <= 1 + 1e-12)


def test_tracker_with_jpda_tracks_in_clutter():
    sc = simulate_cv(np.random.default_rng(6), 30, n_scans=20, clutter_per_scan=20)
    out = {}
    for assoc in ("gnn", "jpda"):
        cfg = TrackerConfig(
            association=assoc,
            process_noise=0.05,
            init_velocity_sigma_mps=50,
            clutter_density=20 / (1e4 * 1e4 * 1e3),
        )
        tab = track_scans(sc.scans, cfg)
        est = estimates_by_time(tab, sc.t_s)
        out[assoc] = gospa_series(list(sc.truth_xyz_m), [e[1] for e in est], c=50.0)["gospa"]
    assert out["jpda"][-5:].mean() < 1.2 * out["gnn"][-5:].mean()
    assert out["jpda"][-5:].mean() < np.sqrt(30 * 3 * 25.0) * 1.5
