"""The radars of a run as arrays, the detections they report, and the measurement model:
range, azimuth, elevation (and range rate) with Gaussian errors converted to ECEF with
their covariance, and the merging of targets a radar cannot resolve.

``RadarArrays`` holds one row per radar (shape (r,) unless stated); it is built once by
``iads.engine.build`` and read-only afterwards: where each radar's scanning stands is the
run's ``iads.state.RadarSchedule``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from iads.geo import enu_rotation_rad
from iads.sensors.detection import required_snr_db
from iads.state.run import RadarSchedule

__all__ = [
    "Detections",
    "RadarArrays",
    "measure",
    "merge_unresolved",
    "next_scan_t_s",
    "reference_snr_db",
    "rotations",
    "scans_due",
]


@dataclass(frozen=True)
class RadarArrays:
    """All radars of a scenario. Angles in rad, SNR in dB, everything else SI."""

    keys: tuple[str, ...]
    unit: NDArray[np.int64]  # index of the defender owning the radar
    pos_ecef_m: NDArray[np.float64]  # (r, 3) antenna phase centre
    lat_rad: NDArray[np.float64]
    lon_rad: NDArray[np.float64]
    height_m: NDArray[np.float64]  # antenna height above the ellipsoid
    rot_enu: NDArray[np.float64]  # (r, 3, 3) ECEF -> local ENU
    snr1_db: NDArray[np.float64]  # (r, 5) SNR at 1 m against 1 m^2, per Swerling case
    pfa: NDArray[np.float64]
    n_pulses: NDArray[np.int64]  # pulses integrated non-coherently per dwell
    table: NDArray[np.int64]  # (r, 5) index of the Pd table per Swerling case
    max_range_m: NDArray[np.float64]  # instrumented range
    min_el_rad: NDArray[np.float64]
    max_el_rad: NDArray[np.float64]
    rotating: NDArray[np.bool_]  # True: mechanically rotating search; False: phased array
    sweep_s: NDArray[np.float64]  # rotation period, or search frame time of a phased array
    sweep_phase_s: NDArray[np.float64]  # times at which the beam points north: phase + k sweep
    track_s: NDArray[np.float64]  # track-dwell update period (inf: no track dwells)
    n_tracked: NDArray[np.int64]  # track-dwell capacity per update
    revisit_s: NDArray[np.float64]  # processing period of the stage (loop scheduling)
    phase_s: NDArray[np.float64]  # first processing time in [0, revisit_s)
    sigma_range_m: NDArray[np.float64]
    sigma_angle_rad: NDArray[np.float64]
    sigma_rr_mps: NDArray[np.float64]  # NaN: no range-rate measurement
    range_res_m: NDArray[np.float64]
    beam_az_rad: NDArray[np.float64]  # 3 dB beamwidths
    beam_el_rad: NDArray[np.float64]
    wavelength_m: NDArray[np.float64]
    gain_db: NDArray[np.float64]
    sidelobe_db: NDArray[np.float64]  # mean sidelobe level relative to the main beam (< 0)
    noise_w: NDArray[np.float64]  # k T0 F B
    bandwidth_hz: NDArray[np.float64]
    fa_per_sweep: NDArray[np.float64]  # mean false alarms reported per sweep

    @property
    def n(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class Detections:
    """Reports of one sensing step (k reports): radar index, true threat index (-1 for a
    false alarm; the trackers never see it, it is kept for scoring), measurement time
    [s] (the beam's exact time on the target, inside the step), measured position in ECEF
    [m] with its covariance [m^2], true range [m] and measured range rate [m/s] (NaN when
    the radar does not measure it)."""

    t_s: float
    radar: NDArray[np.int64]  # (k,)
    threat: NDArray[np.int64]  # (k,)
    z_ecef_m: NDArray[np.float64]  # (k, 3)
    r_ecef_m2: NDArray[np.float64]  # (k, 3, 3)
    range_m: NDArray[np.float64]  # (k,)
    t_meas_s: NDArray[np.float64] = field(default=None)  # type: ignore[assignment]
    range_rate_mps: NDArray[np.float64] = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.t_meas_s is None:
            object.__setattr__(self, "t_meas_s", np.full(self.radar.size, self.t_s))
        if self.range_rate_mps is None:
            object.__setattr__(self, "range_rate_mps", np.full(self.radar.size, np.nan))

    @property
    def n(self) -> int:
        return int(self.radar.size)

    @classmethod
    def empty(cls, t_s: float) -> Detections:
        # Zero-size arrays shared by every empty set (nothing can be written into them).
        return cls(t_s, *_EMPTY_COLUMNS)


_EMPTY_COLUMNS = (
    np.empty(0, dtype=np.int64),
    np.empty(0, dtype=np.int64),
    np.empty((0, 3)),
    np.empty((0, 3, 3)),
    np.empty(0),
    np.empty(0),
    np.empty(0),
)


def reference_snr_db(ref_pd: NDArray, pfa: NDArray, swerling: int, n_pulses=1) -> NDArray:
    """Per-pulse SNR [dB] giving ``ref_pd`` at ``pfa`` for a Swerling target integrating
    ``n_pulses``, one value per radar (shape of ``ref_pd``)."""
    ref_pd = np.atleast_1d(ref_pd)
    pfa = np.broadcast_to(pfa, ref_pd.shape)
    n = np.broadcast_to(n_pulses, ref_pd.shape)
    return np.array(
        [
            _required_snr_db(float(pd), float(pf), swerling, int(k))
            for pd, pf, k in zip(ref_pd, pfa, n, strict=True)
        ]
    )


@functools.lru_cache(maxsize=4096)
def _required_snr_db(pd: float, pfa: float, swerling: int, n_pulses: int) -> float:
    """:func:`required_snr_db` of one mode, computed once per process (a bisection over
    scipy's distributions: most of a run's set-up, and every replication of a campaign
    asks for the same few modes)."""
    return float(required_snr_db(pd, pfa, swerling, n_pulses))


def next_scan_t_s(radars: RadarArrays, schedule: RadarSchedule) -> NDArray[np.float64]:
    """Time [s] of each radar's next processing (r,): ``phase_s + n_scans_done revisit_s``."""
    return radars.phase_s + schedule.n_scans_done * radars.revisit_s


def scans_due(radars: RadarArrays, schedule: RadarSchedule, t_s: float) -> NDArray[np.int64]:
    """Indices of the radars whose processing is due at or before ``t_s`` (and mark them
    done in ``schedule``): ``phase_s + n_scans_done * revisit_s <= t_s``."""
    due = np.flatnonzero(next_scan_t_s(radars, schedule) <= t_s + 1e-9)
    if due.size:
        k = np.floor((t_s + 1e-9 - radars.phase_s[due]) / radars.revisit_s[due]).astype(np.int64)
        schedule.n_scans_done[due] = k + 1
    return due


def measure(
    radars: RadarArrays,
    ridx: NDArray[np.int64],
    rng_m: NDArray[np.float64],
    az: NDArray[np.float64],
    el: NDArray[np.float64],
    rr_mps: NDArray[np.float64],
    noise: NDArray[np.float64],
) -> tuple[NDArray, NDArray, NDArray]:
    """Noisy measurement of k reports and its conversion to ECEF.

    ``ridx`` (k,) radar of each report; true range [m], azimuth, elevation [rad] and range
    rate [m/s] (k,); ``noise`` (k, 4) standard normal draws. Returns the ECEF position
    (k, 3) [m], its covariance (k, 3, 3) [m^2] (the polar covariance mapped through the
    Jacobian of the conversion at the measurement, Bar-Shalom, Li & Kirubarajan,
    *Estimation with Applications to Tracking and Navigation*, §10.4) and the measured
    range rate (k,) (NaN for radars without one).
    """
    s_r = radars.sigma_range_m[ridx]
    s_a = radars.sigma_angle_rad[ridx]
    rm = rng_m + s_r * noise[:, 0]
    am = az + s_a * noise[:, 1]
    em = el + s_a * noise[:, 2]
    rrm = rr_mps + radars.sigma_rr_mps[ridx] * noise[:, 3]
    ce, se, ca, sa = np.cos(em), np.sin(em), np.cos(am), np.sin(am)
    enu_m = np.stack([rm * ce * sa, rm * ce * ca, rm * se], axis=-1)
    k = rm.size
    jac = np.empty((k, 3, 3))
    jac[:, 0, 0], jac[:, 0, 1], jac[:, 0, 2] = ce * sa, rm * ce * ca, -rm * se * sa
    jac[:, 1, 0], jac[:, 1, 1], jac[:, 1, 2] = ce * ca, -rm * ce * sa, -rm * se * ca
    jac[:, 2, 0], jac[:, 2, 1], jac[:, 2, 2] = se, 0.0, rm * ce
    var = np.stack([s_r**2, s_a**2, s_a**2], axis=-1)
    rot = radars.rot_enu[ridx]  # ECEF -> ENU; its transpose takes ENU back to ECEF
    jr = np.einsum("kji,kjl->kil", rot, jac)  # Rᵀ J
    cov = np.einsum("kij,kj,klj->kil", jr, var, jr)  # Rᵀ J Σ Jᵀ R
    z = radars.pos_ecef_m[ridx] + np.einsum("kji,kj->ki", rot, enu_m)
    return z, cov, rrm


def merge_unresolved(
    radars: RadarArrays,
    ridx: NDArray[np.int64],
    rng_m: NDArray[np.float64],
    az: NDArray[np.float64],
    el: NDArray[np.float64],
    snr_db: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Group reports a radar cannot resolve (first-order): reports in the same beam
    position (azimuth and elevation cells of one beamwidth, as a radar's discrete beam
    positions) and closer in range than a range cell (``range_res_m``) to the previous
    one in range order form one group. Returns ``group`` (k,) ids in [0, g) and ``keep``
    (g,) the report that stands for each group (its strongest). Callers place the merged
    report at the group's centroid in (range, az, el)."""
    k = ridx.size
    a_cell = np.floor(np.mod(az, 2 * np.pi) / radars.beam_az_rad[ridx]).astype(np.int64)
    e_cell = np.floor(el / radars.beam_el_rad[ridx]).astype(np.int64)
    order = np.lexsort((rng_m, e_cell, a_cell, ridx))
    r_, rg, ac, ec = ridx[order], rng_m[order], a_cell[order], e_cell[order]
    same = np.zeros(k, bool)
    if k > 1:
        same[1:] = (
            (r_[1:] == r_[:-1])
            & (ac[1:] == ac[:-1])
            & (ec[1:] == ec[:-1])
            & (rg[1:] - rg[:-1] < radars.range_res_m[r_[1:]])
        )
    if not same.any():
        ids = np.arange(k)
        return ids, ids
    gid_sorted = np.cumsum(~same) - 1
    group = np.empty(k, np.int64)
    group[order] = gid_sorted
    # Strongest member of each group: sort by (group, -snr) and take the first of each.
    o2 = np.lexsort((-snr_db, group))
    first = np.r_[True, group[o2][1:] != group[o2][:-1]] if k else np.zeros(0, bool)
    return group, o2[first]


def rotations(lat_rad: NDArray, lon_rad: NDArray) -> NDArray[np.float64]:
    """ECEF -> ENU rotation per radar (r, 3, 3)."""
    return enu_rotation_rad(lat_rad, lon_rad)
