"""The IMM (CV + coordinated turn) against a CV filter on a manoeuvring target, and its
invariants."""

from __future__ import annotations

import numpy as np

from iads.tracking import Tracker, TrackerConfig
from iads.tracking.models import ct_transition


def _turning_target(rng, n_scans=60, sigma=20.0):
    """Straight for 15 s, a 2 g turn (omega = 0.1 rad/s at 200 m/s) for 25 s, straight."""
    x = np.array([[0.0, 0.0, 3000.0, 200.0, 0.0, 0.0, 0.0]])
    truth, zs = [], []
    for k in range(n_scans):
        x[0, 6] = 0.1 if 15 <= k < 40 else 0.0
        x = ct_transition(x, 1.0)
        truth.append(x[0, :3].copy())
        zs.append(x[:, :3] + rng.normal(0, sigma, (1, 3)))
    return np.array(truth), zs


def _run(cfg, zs, sigma=20.0):
    tr = Tracker(cfg)
    est, mode_ct = [], []
    R = sigma**2 * np.eye(3)[None]
    for k, z in enumerate(zs):
        tr.step(float(k + 1), z, R)
        est.append(tr.tracks.x[0, :3].copy())
        if tr.tracks.mode_p.shape[1]:
            mode_ct.append(tr.tracks.mode_p[0, 1])
    return np.array(est), np.array(mode_ct)


def test_imm_beats_cv_on_a_manoeuvring_target():
    """CV with the IMM's own CV-mode noise loses the target in the turn; CV with a noise
    large enough to follow the turn (q = 100 m²/s³) keeps it but is noisier everywhere.
    The IMM beats both."""
    common = dict(init_velocity_sigma_mps=300.0, delete_misses=100, gate_probability=0.999999)
    errs = {"cv1": [], "cv100": [], "imm": []}
    for seed in range(3):
        truth, zs = _turning_target(np.random.default_rng(seed))
        runs = {
            "cv1": _run(TrackerConfig(motion="cv", process_noise=1.0, **common), zs),
            "cv100": _run(TrackerConfig(motion="cv", process_noise=100.0, **common), zs),
            "imm": _run(
                TrackerConfig(motion="imm", process_noise=1.0, turn_rate_noise=1e-3, **common),
                zs,
            ),
        }
        for k, (est, _) in runs.items():
            errs[k].append(np.sqrt(np.mean(np.sum((est[5:] - truth[5:]) ** 2, axis=1))))
        mode_ct = runs["imm"][1]
        assert mode_ct[25:40].mean() > mode_ct[5:15].mean() + 0.3  # the turn mode takes over
    rmse = {k: np.mean(v) for k, v in errs.items()}
    assert rmse["imm"] < 0.1 * rmse["cv1"]
    assert rmse["imm"] < 0.85 * rmse["cv100"]


def test_imm_mode_probabilities_stay_a_distribution():
    truth, zs = _turning_target(np.random.default_rng(9), n_scans=30)
    tr = Tracker(TrackerConfig(motion="imm", init_velocity_sigma_mps=300.0))
    for k, z in enumerate(zs):
        tr.step(float(k + 1), z, 400.0 * np.eye(3)[None])
        mp = tr.tracks.mode_p
        assert np.all(mp >= 0) and np.allclose(mp.sum(axis=1), 1.0)
        assert np.all(np.linalg.eigvalsh(tr.tracks.P) > 0)
