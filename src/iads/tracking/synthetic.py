"""Synthetic multi-target scans for tests, benchmarks and examples: nearly-constant-velocity
targets seen through linear-Gaussian position measurements with missed detections and
uniform clutter (the classic benchmark set-up, e.g. Stone Soup's multi-target tutorials).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.errors import ParameterError
from iads.tracking.models import process_noise as _process_noise
from iads.tracking.models import transition_matrix
from iads.tracking.scans import Scan

__all__ = ["CvScenario", "simulate_cv"]


@dataclass(frozen=True)
class CvScenario:
    """Truth and scans of `simulate_cv`.

    truth_xyz_m (T, n, 3) and truth_v_mps (T, n, 3) at each scan time t_s (T,); scans has one
    `Scan` per time with the detections (in random order) and the clutter.
    """

    t_s: NDArray[np.float64]
    truth_xyz_m: NDArray[np.float64]
    truth_v_mps: NDArray[np.float64]
    scans: list[Scan]


def simulate_cv(
    rng: np.random.Generator,
    n_targets: int,
    n_scans: int = 20,
    dt_s: float = 1.0,
    extent_m: float = 1e4,
    speed_mps: float = 30.0,
    process_noise: float = 0.05,
    sigma_m: float = 5.0,
    detection_probability: float = 0.95,
    clutter_per_scan: float = 5.0,
) -> CvScenario:
    """Targets start uniformly in a cube of side extent_m [m] (scaled with sqrt(n_targets) in
    x and y so that the target density stays constant) with random headings at about
    speed_mps [m/s], and move as nearly-constant-velocity targets with spectral density
    process_noise [m²/s³]. Each is detected with probability detection_probability with
    isotropic position noise sigma_m [m]; a Poisson number (mean clutter_per_scan) of false
    measurements fall uniformly in the surveillance volume."""
    if n_targets < 0:
        raise ParameterError("n_targets", n_targets, "a count >= 0", "simulate_cv")
    side = extent_m * max(1.0, np.sqrt(n_targets / 100.0))
    x0 = np.zeros((n_targets, 6))
    x0[:, 0:2] = rng.uniform(0, side, (n_targets, 2))
    x0[:, 2] = rng.uniform(0, extent_m / 10, n_targets)
    heading = rng.uniform(0, 2 * np.pi, n_targets)
    x0[:, 3] = speed_mps * np.cos(heading)
    x0[:, 4] = speed_mps * np.sin(heading)
    F = transition_matrix("cv", dt_s)
    Q = _process_noise("cv", dt_s, process_noise)
    L = np.linalg.cholesky(Q + 1e-12 * np.eye(6))
    t = np.arange(n_scans) * dt_s
    xs = np.zeros((n_scans, n_targets, 6))
    x = x0
    for k in range(n_scans):  # a loop over time steps, vectorized over targets
        if k:
            x = x @ F.T + rng.standard_normal((n_targets, 6)) @ L.T
        xs[k] = x
    R1 = sigma_m**2 * np.eye(3)
    lo = np.array([0.0, 0.0, 0.0])
    volume_hi = np.array([side, side, extent_m / 10])
    scans = []
    for k in range(n_scans):
        det = rng.random(n_targets) < detection_probability
        zd = xs[k, det, :3] + sigma_m * rng.standard_normal((int(det.sum()), 3))
        n_c = rng.poisson(clutter_per_scan * max(1.0, n_targets / 100.0))
        zc = rng.uniform(lo, volume_hi, (n_c, 3))
        z = np.concatenate([zd, zc])
        z = z[rng.permutation(z.shape[0])]
        scans.append(Scan(t_s=float(t[k]), z=z, R=np.broadcast_to(R1, (z.shape[0], 3, 3)).copy()))
    return CvScenario(t, xs[:, :, :3].copy(), xs[:, :, 3:6].copy(), scans)
