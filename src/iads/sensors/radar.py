"""The radar stage: which radar sees which target at a scan, and the noisy measurement it
reports, vectorized over all radar-target pairs.

First-order model (named as such; ``iads.sensors`` grows the full physics around it):
- signal-to-noise scales with the radar equation from a reference detection range: a
  radar that detects ``ref_rcs_m2`` at ``ref_range_m`` with probability ``ref_pd`` has
  SNR(R, σ) = SNR_ref + 40·log10(R_ref/R) + 10·log10(σ/σ_ref) (Skolnik, *Introduction to
  Radar Systems*, 3rd ed., eq. 2.1: R_max ∝ σ^¼), where SNR_ref is the single-pulse SNR
  giving ``ref_pd`` at the radar's Pfa for the target's Swerling case;
- a detection is drawn with the exact Swerling probability of detection;
- line of sight: the 4/3-earth radar horizon, the elevation limits and the instrumented
  range;
- each radar scans every ``revisit_s`` (phase drawn from the scenario seed) and reports
  range, azimuth and elevation with Gaussian errors, converted to ECEF with the
  covariance mapped through the Jacobian of the polar-to-Cartesian conversion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from iads.geo import enu_rotation_rad, radar_horizon_m
from iads.sensors.detection import detection_probability, required_snr_db

__all__ = ["Detections", "RadarArrays", "reference_snr_db", "scan"]


@dataclass
class RadarArrays:
    """All radars of a scenario, one row each (shape (r,) unless stated)."""

    keys: tuple[str, ...]
    unit: NDArray[np.int64]  # index of the defender owning the radar
    pos_ecef_m: NDArray[np.float64]  # (r, 3)
    lat_rad: NDArray[np.float64]
    lon_rad: NDArray[np.float64]
    height_m: NDArray[np.float64]  # antenna height above the ellipsoid
    rot_enu: NDArray[np.float64]  # (r, 3, 3) ECEF -> local ENU
    ref_range_m: NDArray[np.float64]
    ref_rcs_m2: NDArray[np.float64]
    ref_pd: NDArray[np.float64]
    pfa: NDArray[np.float64]
    max_range_m: NDArray[np.float64]
    revisit_s: NDArray[np.float64]
    min_el_rad: NDArray[np.float64]
    max_el_rad: NDArray[np.float64]
    sigma_range_m: NDArray[np.float64]
    sigma_angle_rad: NDArray[np.float64]
    phase_s: NDArray[np.float64]  # first scan time in [0, revisit)
    n_scans_done: NDArray[np.int64] = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.n_scans_done is None:
            self.n_scans_done = np.zeros(len(self.keys), dtype=np.int64)

    @property
    def n(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class Detections:
    """Reports of one scan batch (k detections): radar index, true threat index (-1 for a
    false alarm; the trackers never see it, it is kept for scoring), measured position
    in ECEF with its covariance, and range (for the exposure summary)."""

    t_s: float
    radar: NDArray[np.int64]  # (k,)
    threat: NDArray[np.int64]  # (k,)
    z_ecef_m: NDArray[np.float64]  # (k, 3)
    r_ecef_m2: NDArray[np.float64]  # (k, 3, 3)
    range_m: NDArray[np.float64]  # (k,)

    @property
    def n(self) -> int:
        return int(self.radar.size)


def reference_snr_db(ref_pd: NDArray, pfa: NDArray, swerling: int) -> NDArray[np.float64]:
    """Single-pulse SNR [dB] that gives ``ref_pd`` at ``pfa`` for a Swerling target,
    one value per radar (shape of ``ref_pd``)."""
    ref_pd = np.atleast_1d(ref_pd)
    pfa = np.broadcast_to(pfa, ref_pd.shape)
    return np.array(
        [
            float(required_snr_db(pd, float(pf), swerling))
            for pd, pf in zip(ref_pd, pfa, strict=True)
        ]
    )


def scans_due(radars: RadarArrays, t_s: float) -> NDArray[np.int64]:
    """Indices of the radars with a scan due at or before ``t_s`` (and mark them done)."""
    next_t = radars.phase_s + radars.n_scans_done * radars.revisit_s
    due = np.flatnonzero(next_t <= t_s + 1e-9)
    if due.size:
        # A radar faster than the engine step scans once per step (first-order).
        k = np.floor((t_s - radars.phase_s[due]) / radars.revisit_s[due]).astype(np.int64) + 1
        radars.n_scans_done[due] = k
    return due


def scan(
    radars: RadarArrays,
    which: NDArray[np.int64],
    t_s: float,
    pos_ecef_m: NDArray[np.float64],
    rcs_m2: NDArray[np.float64],
    swerling: NDArray[np.int64],
    active: NDArray[np.bool_],
    ref_snr_db: NDArray[np.float64],
    rng: np.random.Generator,
) -> Detections:
    """Detections by the radars ``which`` of the ``active`` targets at ``t_s``.

    ``pos_ecef_m`` (n, 3) true positions, ``rcs_m2`` (n,) mean RCS toward the radars,
    ``swerling`` (n,) Swerling case per target, ``ref_snr_db`` (r, 5) the per-radar SNR
    giving ``ref_pd`` for each Swerling case 0..4.
    """
    tgt = np.flatnonzero(active)
    if which.size == 0 or tgt.size == 0:
        return _empty(t_s)
    rel = pos_ecef_m[tgt][None, :, :] - radars.pos_ecef_m[which][:, None, :]  # (w, m, 3)
    enu = np.einsum("wij,wmj->wmi", radars.rot_enu[which], rel)
    rng_m = np.linalg.norm(enu, axis=-1)
    ground = np.hypot(enu[..., 0], enu[..., 1])
    el = np.arctan2(enu[..., 2], ground)
    az = np.arctan2(enu[..., 0], enu[..., 1])
    h_tgt = _height_above(radars, which, enu, rng_m)
    visible = (
        (rng_m <= radars.max_range_m[which, None])
        & (
            rng_m
            <= radar_horizon_m(
                np.maximum(radars.height_m[which, None], 0.0), np.maximum(h_tgt, 0.0)
            )
        )
        & (el >= radars.min_el_rad[which, None])
        & (el <= radars.max_el_rad[which, None])
        & (rng_m > 0.0)
    )
    w_idx, m_idx = np.nonzero(visible)
    if w_idx.size == 0:
        return _empty(t_s)
    r_ = rng_m[w_idx, m_idx]
    ridx = which[w_idx]
    tidx = tgt[m_idx]
    # Radar equation scaled from the reference range (Skolnik eq. 2.1).
    snr_db = (
        ref_snr_db[ridx, swerling[tidx]]
        + 40.0 * np.log10(radars.ref_range_m[ridx] / r_)
        + 10.0 * np.log10(rcs_m2[tidx] / radars.ref_rcs_m2[ridx])
    )
    pd = np.empty_like(snr_db)
    for sw in np.unique(swerling[tidx]):
        for pf in np.unique(radars.pfa[ridx]):
            sel = (swerling[tidx] == sw) & (radars.pfa[ridx] == pf)
            pd[sel] = detection_probability(snr_db[sel], float(pf), int(sw))
    hit = rng.random(pd.size) < pd
    w_idx, m_idx, ridx, tidx, r_ = w_idx[hit], m_idx[hit], ridx[hit], tidx[hit], r_[hit]
    k = r_.size
    if k == 0:
        return _empty(t_s)
    a_ = az[w_idx, m_idx]
    e_ = el[w_idx, m_idx]
    s_r = radars.sigma_range_m[ridx]
    s_a = radars.sigma_angle_rad[ridx]
    noise = rng.standard_normal((k, 3))
    rm = r_ + s_r * noise[:, 0]
    am = a_ + s_a * noise[:, 1]
    em = e_ + s_a * noise[:, 2]
    ce, se, ca, sa = np.cos(em), np.sin(em), np.cos(am), np.sin(am)
    enu_m = np.stack([rm * ce * sa, rm * ce * ca, rm * se], axis=-1)
    # Jacobian of (r, az, el) -> (e, n, u) at the measurement (Bar-Shalom, Li & Kirubarajan,
    # Estimation with Applications to Tracking and Navigation, §10.4 "converted measurements").
    jac = np.empty((k, 3, 3))
    jac[:, 0, 0], jac[:, 0, 1], jac[:, 0, 2] = ce * sa, rm * ce * ca, -rm * se * sa
    jac[:, 1, 0], jac[:, 1, 1], jac[:, 1, 2] = ce * ca, -rm * ce * sa, -rm * se * ca
    jac[:, 2, 0], jac[:, 2, 1], jac[:, 2, 2] = se, 0.0, rm * ce
    var = np.stack([s_r**2, s_a**2, s_a**2], axis=-1)
    cov_enu = np.einsum("kij,kj,klj->kil", jac, var, jac)
    rot = radars.rot_enu[ridx]  # ECEF -> ENU
    z = radars.pos_ecef_m[ridx] + np.einsum("kji,kj->ki", rot, enu_m)
    cov = np.einsum("kji,kjl,klm->kim", rot, cov_enu, rot)  # Rᵀ C R
    return Detections(t_s, ridx, tidx, z, cov, r_)


def _height_above(radars: RadarArrays, which, enu, rng_m) -> NDArray[np.float64]:
    """Target height above the ellipsoid under the radar, spherical approximation good to
    metres at these ranges: h_t ≈ sqrt(ground² + (R+h_r+u)²) − R (mean earth radius)."""
    r_e = 6_371_008.8
    base = r_e + radars.height_m[which, None]
    return np.sqrt(enu[..., 0] ** 2 + enu[..., 1] ** 2 + (base + enu[..., 2]) ** 2) - r_e


def _empty(t_s: float) -> Detections:
    z = np.empty(0, dtype=np.int64)
    return Detections(t_s, z, z, np.empty((0, 3)), np.empty((0, 3, 3)), np.empty(0))


def rotations(lat_rad: NDArray, lon_rad: NDArray) -> NDArray[np.float64]:
    """ECEF -> ENU rotation per radar (r, 3, 3)."""
    return enu_rotation_rad(lat_rad, lon_rad)
