"""The detection chain over radar-target pairs: geometry -> line of sight -> aspect RCS ->
SNR (radar equation or reference range) -> jamming -> Pd, vectorized over all pairs.

Shared by the engine's sensing stage, the coverage analysis and the benchmark, so that
all three evaluate the same physics. Model choices (see docs/sensors.md):

- SNR [dB] = ``snr1_db[r, swerling] + 10 log10(sigma) - 40 log10(R) - 10 log10(1 + J/N)``
  where ``snr1_db`` is the SNR at 1 m against 1 m^2: from the radar equation when the
  catalog gives power, gain and frequency (Skolnik, *Introduction to Radar Systems*, 3rd
  ed., eq. 2.61), else from the reference figure ``ref_range_m``/``ref_rcs_m2``/``ref_pd``
  (the per-pulse SNR that gives ``ref_pd`` for the target's own Swerling case).
- RCS: the *mean* RCS for the aspect (front/side/rear table, interpolated in dBsm; the
  table at each radar's frequency when the threat's RCS depends on the band, precomputed
  per (radar, threat type) by :func:`iads.sensors.rcs.band_rcs_db`) with
  the Swerling Pd, which already averages over the fluctuation; no RCS is drawn, so the
  fluctuation is not counted twice (Richards, *Fundamentals of Radar Signal Processing*,
  §6.3). Swerling 1/3 scan-to-scan decorrelation is then implicit: dwells are
  independent Bernoulli draws.
- Jamming: noise power adds (TP 8347 §4.7): stand-off jammers through the radar's beam
  pattern toward them (Gaussian main beam floored at the mean sidelobe level), self-
  screening jammers in the main beam at the target's range.
- Pd: tabulated (:class:`iads.sensors.detection.PdTable`) per (Pfa, Swerling, n pulses),
  stacked in a :class:`PdBank` built once per run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from iads.sensors.detection import PdTable
from iads.sensors.geometry import enu_offsets, los_clear, target_geodetic
from iads.sensors.radar import RadarArrays
from iads.sensors.terrain import TerrainModel
from iads.sensors.terrain_mask import pairs_clear

__all__ = ["PairResult", "PdBank", "SensingWorld", "evaluate_pairs", "rcs_db_by_aspect"]

_FOUR_LN2 = 4.0 * np.log(2.0)


#: The Pd tables built in this process, by (pfa, swerling, n_pulses).
_PD_TABLES: dict[tuple[float, int, int], PdTable] = {}


class PdBank:
    """Pd tables for every (pfa, swerling, n_pulses) mode of a run, stacked on one grid so
    that one gather evaluates pairs of mixed modes. ``index(...)`` adds a mode on first
    use; ``__call__(table, snr_db)`` is the hot path (no checks)."""

    def __init__(self) -> None:
        self._modes: list[tuple[float, int, int]] = []
        self._tables: list[PdTable] = []
        self._stack: NDArray[np.float64] | None = None

    def index(self, pfa: float, swerling: int, n_pulses: int) -> int:
        mode = (float(pfa), int(swerling), int(n_pulses))
        if mode not in self._modes:
            table = _PD_TABLES.get(mode)
            if table is None:  # built once per process: a campaign's runs share them
                table = _PD_TABLES[mode] = PdTable(*mode)
                table.snr_grid_db.flags.writeable = False
                table.pd_grid.flags.writeable = False
            self._modes.append(mode)
            self._tables.append(table)
            self._stack = None
        return self._modes.index(mode)

    def __call__(self, table: NDArray[np.int64], snr_db: NDArray[np.float64]) -> NDArray:
        if self._stack is None:
            self._stack = np.stack([t.pd_grid for t in self._tables])
            t0 = self._tables[0]
            self._x0, self._inv, self._last = t0.snr_grid_db[0], t0._inv_step, t0.pd_grid.size - 1
        pos = np.clip((snr_db - self._x0) * self._inv, 0.0, self._last)
        i = np.minimum(pos.astype(np.intp), self._last - 1)
        w = pos - i
        flat = self._stack.ravel()
        base = table * (self._last + 1) + i
        return flat[base] * (1.0 - w) + flat[base + 1] * w


@dataclass
class SensingWorld:
    """What the chain needs beyond the radars: per-threat mean RCS by aspect [dBsm]
    (front, side, rear; (n, 3)) at the catalog's reference band and Swerling case (n,),
    terrain, jammers, Pd tables. When some threat's RCS depends on the band,
    ``rcs_band_db`` (r, k, 3) holds the table of each of the k threat types at each
    radar's frequency and ``rcs_kind`` (n,) the type row of each threat; the chain then
    reads those instead of ``rcs_db``."""

    rcs_db: NDArray[np.float64]  # (n, 3)
    swerling: NDArray[np.int64]  # (n,)
    pd_bank: PdBank
    terrain: TerrainModel | None = None
    soj_pos_ecef_m: NDArray[np.float64] = field(default_factory=lambda: np.empty((0, 3)))
    soj_erp_w: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    soj_bandwidth_hz: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    ssj_erp_w: NDArray[np.float64] | None = None  # (n,) 0 where a threat carries none
    ssj_bandwidth_hz: NDArray[np.float64] | None = None  # (n,)
    soj_jn: NDArray[np.float64] | None = None  # (r, j) main-beam J/N [linear], LOS-masked
    soj_dir_enu: NDArray[np.float64] | None = None  # (r, j, 3) unit vectors to the jammers
    rcs_band_db: NDArray[np.float64] | None = None  # (r, k, 3) [dBsm] at each radar's band
    rcs_kind: NDArray[np.int64] | None = None  # (n,) row of each threat's type in rcs_band_db


@dataclass
class PairResult:
    """Per pair (p,): range [m], azimuth, elevation [rad], ENU offset (p, 3), visible
    (line of sight and coverage), SNR [dB] (S/(J+N); -inf where not visible), Pd."""

    enu: NDArray[np.float64]
    range_m: NDArray[np.float64]
    az_rad: NDArray[np.float64]
    el_rad: NDArray[np.float64]
    visible: NDArray[np.bool_]
    snr_db: NDArray[np.float64]
    pd: NDArray[np.float64]


def rcs_db_by_aspect(
    rcs_db: NDArray[np.float64],
    vel: NDArray[np.float64],
    los: NDArray[np.float64],
    pos: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Mean RCS [dBsm] (p,) from a left/right-symmetric front/side/rear table ``rcs_db``
    (p, 3), linear in dB in the aspect azimuth (as
    :meth:`iads.sensors.rcs.AspectRcsTable.from_front_side_rear`); the aspect azimuth is
    the angle between the target's horizontal heading and the direction to the radar,
    ``los`` (p, 3) radar -> target in ECEF, ``pos`` (p, 3) the target (geocentric up).
    No horizontal velocity: nose-on."""
    up = pos / np.sqrt(np.einsum("pi,pi->p", pos, pos))[:, None]
    h = vel - np.einsum("pi,pi->p", vel, up)[:, None] * up  # horizontal velocity
    to_r = np.einsum("pi,pi->p", los, up)[:, None] * up - los  # horizontal, toward radar
    hh = np.einsum("pi,pi->p", h, h)
    tt = np.einsum("pi,pi->p", to_r, to_r)
    ok = (hh > 1e-18) & (tt > 1e-18 * np.einsum("pi,pi->p", los, los))
    cosa = np.einsum("pi,pi->p", h, to_r) / np.sqrt(np.where(ok, hh * tt, 1.0))
    a = np.arccos(np.clip(np.where(ok, cosa, 1.0), -1.0, 1.0)) * (2.0 / np.pi)  # in [0, 2]
    seg = np.minimum(a.astype(np.intp), 1)  # 0: front-side, 1: side-rear
    lo = np.take_along_axis(rcs_db, seg[:, None], 1)[:, 0]
    hi = np.take_along_axis(rcs_db, seg[:, None] + 1, 1)[:, 0]
    return lo + (hi - lo) * (a - seg)


def evaluate_pairs(
    radars: RadarArrays,
    world: SensingWorld,
    ridx: NDArray[np.int64],
    tidx: NDArray[np.int64],
    pos: NDArray[np.float64],
    vel: NDArray[np.float64],
    rcs_db: NDArray[np.float64] | None = None,
) -> PairResult:
    """The chain for pairs (radar ``ridx``, threat ``tidx``) with the threats' ECEF
    positions ``pos`` and velocities ``vel`` (p, 3). ``rcs_db`` (p,) overrides the aspect
    RCS (the coverage analysis gives a fixed RCS); ``tidx`` then only selects the rows of
    ``world`` giving the Swerling case and any self-screening jammer."""
    enu, rng_m, az, el, ground = enu_offsets(radars.pos_ecef_m[ridx], radars.rot_enu[ridx], pos)
    lat, lon, h = target_geodetic(pos)
    vis = (
        (rng_m <= radars.max_range_m[ridx])
        & (rng_m > 0.0)
        & (el >= radars.min_el_rad[ridx])
        & (el <= radars.max_el_rad[ridx])
        & los_clear(enu, az, ground, radars.lat_rad[ridx], radars.lon_rad[ridx],
                    radars.height_m[ridx], lat, lon, h)
    )  # fmt: skip
    if world.terrain is not None:  # over the terrain: each radar's cached horizon mask
        vis &= pairs_clear(world.terrain, radars.lat_rad, radars.lon_rad, radars.height_m,
                           radars.max_range_m, ridx, enu, az, ground, lat, lon, h, vis)
    if rcs_db is None:
        table = (world.rcs_db[tidx] if world.rcs_band_db is None
                 else world.rcs_band_db[ridx, world.rcs_kind[tidx]])  # fmt: skip
        rcs_db = rcs_db_by_aspect(table, vel, pos - radars.pos_ecef_m[ridx], pos)
    sw = world.swerling[tidx]
    with np.errstate(divide="ignore"):
        s = radars.snr1_db[ridx, sw] + rcs_db - 40.0 * np.log10(rng_m)
    jn = _jn(radars, world, ridx, tidx, enu, rng_m)
    if jn is not None:
        s = s - 10.0 * np.log10(1.0 + jn)
    snr = np.where(vis, s, -np.inf)
    pd = np.where(vis, world.pd_bank(radars.table[ridx, sw], np.where(vis, s, 0.0)), 0.0)
    return PairResult(enu, rng_m, az, el, vis, snr, pd)


def _jn(radars, world: SensingWorld, r, t, enu, rng_m) -> NDArray | None:
    """Total J/N [linear] per pair from stand-off and self-screening jammers, or None."""
    jn = None
    if world.soj_jn is not None and world.soj_jn.shape[1]:
        u = enu / np.maximum(rng_m, 1e-9)[:, None]
        cos_t = np.einsum("pjk,pk->pj", world.soj_dir_enu[r], u)
        theta = np.arccos(np.clip(cos_t, -1.0, 1.0))
        bw = radars.beam_az_rad[r][:, None]
        # Gaussian main beam, G/G0 = exp(-4 ln2 theta^2 / theta_3dB^2) (Skolnik §9.2),
        # floored at the mean sidelobe level.
        patt = np.maximum(np.exp(-_FOUR_LN2 * (theta / bw) ** 2),
                          10.0 ** (radars.sidelobe_db[r][:, None] / 10.0))  # fmt: skip
        jn = np.sum(world.soj_jn[r] * patt, axis=1)
    if world.ssj_erp_w is not None:
        erp = world.ssj_erp_w[t]
        if np.any(erp > 0):
            frac = np.minimum(1.0, radars.bandwidth_hz[r] / world.ssj_bandwidth_hz[t])
            lam = radars.wavelength_m[r]
            # One-way jammer power in the main beam over noise (TP 8347 §4.7).
            j = erp * frac * lam**2 * 10.0 ** (radars.gain_db[r] / 10.0) / (
                (4.0 * np.pi) ** 2 * rng_m**2
            )
            jn = j / radars.noise_w[r] + (0.0 if jn is None else jn)
    return jn


# Cubic Hermite basis on [1, tau, tau^2, tau^3] for (p0, p1, m0, m1) and its derivative
# (e.g. Burden & Faires, *Numerical Analysis*, §3.4), as Truth.state_at uses it.
_HERMITE = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [-3, 3, -2, -1], [2, -2, 1, 1]], float)
_HERMITE_D = np.array([[0, 0, 1, 0], [-6, 6, -4, -2], [6, -6, 3, 3], [0, 0, 0, 0]], float)


def truth_at(truth, tidx: NDArray[np.int64], t_s: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    """Positions and velocities (p, 3) of threats ``tidx`` at per-pair times ``t_s`` (p,),
    by the cubic Hermite interpolation of :meth:`iads.threats.Truth.state_at`, per pair."""
    h = truth.dt_s
    n_t = truth.t_s.shape[0]
    if n_t == 1 or h == 0.0:
        return truth.samples(0, tidx)
    k = np.minimum((t_s // h).astype(np.intp), n_t - 2)
    tau = np.clip(t_s / h - k, 0.0, 1.0)
    kk = np.stack([k, k + 1])
    # (4, p, 3): p0, p1, m0 = h v0, m1 = h v1
    q, m = truth.samples(kk, tidx)
    pts = np.concatenate([q, m * h])
    powers = tau[:, None] ** np.arange(4.0)
    pos = np.einsum("pk,kpj->pj", powers @ _HERMITE, pts)
    vel = np.einsum("pk,kpj->pj", powers @ _HERMITE_D, pts) / h
    return pos, vel
