"""Ballistic missiles: guided boost, free flight and re-entry, aimed at a ground point.

The flight itself is in ``_ballistic_dynamics`` (ECEF, rotating-earth terms, WGS-84 point
mass + J2 gravity, US 1976 drag, a boost programme that ends at the burnout flight-path
angle and speed it is given, fixed-step RK4 over all missiles at once: the numpy
reference) and its compiled copy ``_ballistic_jit`` (per missile, used by ``fly_ballistic``;
``fly_ballistic_reference`` uses the numpy one, aiming included). This module holds the
spec and the aim, which solves the burnout state: the launch azimuth starts at the
great-circle bearing to the target and is iterated (fixed point on the impact bearing
error, which absorbs earth rotation); the range is solved by Illinois regula falsi,
vectorized over missiles, on the burnout speed at the angle of the vacuum conic from the
burnout point (minimum energy: Lambert's minimum-energy transfer; "apogee": the conic of
the requested apoapsis; ``max_apogee_m`` caps a minimum-energy aim) or on the burnout
angle for a given speed (lofted / depressed). Vacuum spherical-earth closed forms of
Bate, Mueller & White, Fundamentals of Astrodynamics (1971), sec. 6.2, Q = v^2 r / mu:

* free-flight range angle psi: tan(psi/2) = Q sin(g) cos(g) / (1 - Q cos^2 g)   (6.2-16)
* flight-path angles reaching psi: sin(2 g + psi/2) = (2 - Q)/Q sin(psi/2)        (6.2-17)
* minimum-energy angle g* = (pi - psi)/4 and Q* = 2 sin(psi/2)/(1 + sin(psi/2)) (6.2-20/21)
  (``min_energy_burnout`` generalises them to burnout and impact radii that differ).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

from iads.errors import ParameterError
from iads.geo.ecef import ecef_to_geodetic_rad, geodetic_to_ecef_rad
from iads.geo.enu import enu_to_ecef_vector_rad
from iads.geo.wgs84 import GM_M3PS2, MEAN_RADIUS_M, OMEGA_E_RADPS
from iads.threats import _ballistic_jit, _checks, _nav
from iads.threats._ballistic_dynamics import (
    J2_WGS84,
    PITCH_GAIN,
    PROP_FRAC,
    VERT_RISE_FRAC,
    Missiles,
    integrate,
    resample,
)
from iads.threats.flight import BatchResult

__all__ = [
    "BallisticFlight",
    "fly_ballistic",
    "fly_ballistic_reference",
    "time_of_flight_s",
    "vacuum_range_angle",
]

F64 = NDArray[np.float64]
DT_INT_S = 0.5  # RK4 step [s]
TAU_CAP_S = 4.0 * 3600.0  # longest flight followed while aiming [s]
AIM_TOL_M = 1.0  # aiming tolerance on range and cross-range [m]
AIM_MAX_ITER = 20


def vacuum_range_angle(speed_mps: F64, gamma_rad: F64, r_m: float = MEAN_RADIUS_M) -> F64:
    """Free-flight range angle [rad] on a spherical non-rotating earth, burnout and impact at
    radius ``r_m`` (Bate, Mueller & White 1971, eq. 6.2-16, written for tan(psi/2)).
    Returns NaN for an escape or orbital speed (Q >= 2 cos^-2 branch not reached)."""
    q = np.asarray(speed_mps) ** 2 * r_m / GM_M3PS2
    g = np.asarray(gamma_rad)
    den = 1.0 - q * np.cos(g) ** 2
    psi = 2.0 * np.arctan2(q * np.sin(g) * np.cos(g), den)
    return np.where(q < 2.0, psi, np.nan)


@dataclass(frozen=True, eq=False)
class BallisticFlight:
    """A ballistic missile: boost, exo-atmospheric coast and re-entry.

    Aimed (``target_lla`` given): the aim solves the burnout flight-path angle and speed,
    and the guided boost ends there. ``trajectory`` = "minimum_energy": the vacuum
    minimum-energy angle of the burnout point, speed solved for the range (then
    ``burnout_speed_mps`` must be None); with ``max_apogee_m`` given and the minimum-energy
    apogee above it, the trajectory is depressed to that apogee (quasi-ballistic flight);
    "apogee": the vacuum conic through the burnout and impact points with apogee
    ``apogee_m``, speed solved for the range; "lofted" / "depressed": the angle on the high
    / low branch for the given ``burnout_speed_mps``. Unaimed (``target_lla`` None):
    ``elevation_deg`` (burnout flight-path angle), ``azimuth_deg`` and
    ``burnout_speed_mps`` fly as given until the ground is met.

    Args:
        launch_lla: (lat [deg], lon [deg], h [m]) of the launch point.
        target_lla: (lat, lon, h) of the aim point, or None.
        launch_t_s: launch time [s].
        burnout_speed_mps: earth-relative speed at burnout [m/s].
        apogee_m: apogee height [m] of an "apogee" trajectory (above the mean sphere).
        max_apogee_m: highest apogee [m] of a "minimum_energy" trajectory, or None.
        burn_time_s: boost duration [s]; 0 gives the burnout velocity at the launch point.
        ballistic_coefficient_kgpm2: m/(C_D A) [kg/m^2], inf for no drag.
        earth: "wgs84" (ellipsoid, rotating, J2) or "sphere" (mean-radius sphere,
            non-rotating, point-mass gravity: the configuration of the closed forms).
    """

    launch_lla: NDArray[np.float64]
    target_lla: NDArray[np.float64] | None = None
    launch_t_s: float = 0.0
    trajectory: Literal["minimum_energy", "lofted", "depressed", "apogee"] = "minimum_energy"
    burnout_speed_mps: float | None = None
    apogee_m: float | None = None
    max_apogee_m: float | None = None
    burn_time_s: float = 60.0
    ballistic_coefficient_kgpm2: float = 5_000.0
    elevation_deg: float | None = None
    azimuth_deg: float | None = None
    earth: Literal["wgs84", "sphere"] = "wgs84"

    kernel: ClassVar  # = fly_ballistic, bound below its definition

    def __post_init__(self) -> None:
        f = "BallisticFlight"
        set_ = object.__setattr__
        set_(self, "launch_lla", _point(self.launch_lla, "launch_lla", f))
        set_(self, "launch_t_s", _checks.non_negative(self.launch_t_s, "launch_t_s", f))
        set_(self, "burn_time_s", _checks.non_negative(self.burn_time_s, "burn_time_s", f))
        beta = float(self.ballistic_coefficient_kgpm2)
        if not beta > 0.0:
            raise ParameterError("ballistic_coefficient_kgpm2", beta, "> 0 (inf: no drag)", f)
        if self.earth not in ("wgs84", "sphere"):
            raise ParameterError("earth", self.earth, "'wgs84' or 'sphere'", f)
        if self.trajectory not in ("minimum_energy", "lofted", "depressed", "apogee"):
            raise ParameterError(
                "trajectory", self.trajectory,
                "'minimum_energy', 'lofted', 'depressed' or 'apogee'", f,
            )  # fmt: skip
        for name in ("apogee_m", "max_apogee_m"):
            if getattr(self, name) is not None:
                set_(self, name, _checks.positive(getattr(self, name), name, f))
        if (self.trajectory == "apogee") != (self.apogee_m is not None):
            raise ParameterError(
                "apogee_m", self.apogee_m, "given for an 'apogee' trajectory, and only then", f
            )
        v = self.burnout_speed_mps
        if v is not None:
            set_(self, "burnout_speed_mps", _checks.positive(v, "burnout_speed_mps", f))
        if self.target_lla is None:
            if v is None or self.elevation_deg is None or self.azimuth_deg is None:
                raise ParameterError(
                    "target_lla", None,
                    "given, or else elevation_deg, azimuth_deg and burnout_speed_mps given", f,
                )  # fmt: skip
            _checks.in_range(self.elevation_deg, "elevation_deg", f, 0.0, 90.0, "in [0, 90]")
            _checks.finite(self.azimuth_deg, "azimuth_deg", f)
            return
        set_(self, "target_lla", _point(self.target_lla, "target_lla", f))
        if (self.trajectory in ("minimum_energy", "apogee")) != (v is None):
            raise ParameterError(
                "burnout_speed_mps", v,
                "None for a minimum_energy or apogee trajectory and given for "
                "lofted/depressed", f,
            )  # fmt: skip
        psi = _range_angle(self.launch_lla, self.target_lla)
        if psi * MEAN_RADIUS_M < 1_000.0:
            raise ParameterError("target_lla", self.target_lla, "over 1 km from launch", f)
        if v is not None and not np.isfinite(_branch_gammas(np.array([v]), np.array([psi]))[0]):
            q_min = 2.0 * np.sin(psi / 2) / (1.0 + np.sin(psi / 2))
            v_min = float(np.sqrt(q_min * GM_M3PS2 / MEAN_RADIUS_M))
            raise ParameterError(
                "burnout_speed_mps",
                v,
                f"above the vacuum minimum {v_min:.0f} m/s for this range",
                f,
            )


def _point(value, name: str, func: str) -> F64:
    arr = np.array(value, dtype=float).reshape(-1)
    if arr.shape != (3,) or not np.all(np.isfinite(arr)) or abs(arr[0]) > 90.0:
        raise ParameterError(name, value, "(lat_deg in [-90, 90], lon_deg, h_m), finite", func)
    arr.setflags(write=False)
    return arr


def _range_angle(a_lla: F64, b_lla: F64) -> float:
    ua = _nav.unit_vector(np.deg2rad(a_lla[0]), np.deg2rad(a_lla[1]))
    ub = _nav.unit_vector(np.deg2rad(b_lla[0]), np.deg2rad(b_lla[1]))
    return float(_nav.central_angle(ua, ub))


def _branch_gammas(v: F64, psi: F64) -> tuple[F64, F64]:
    """Depressed and lofted vacuum elevations for speed v and range angle psi (6.2-17)."""
    q = v**2 * MEAN_RADIUS_M / GM_M3PS2
    x = (2.0 - q) / q * np.sin(psi / 2.0)
    with np.errstate(invalid="ignore"):
        s = np.where(np.abs(x) <= 1.0, np.arcsin(np.clip(x, -1.0, 1.0)), np.nan)
    return (s - psi / 2.0) / 2.0, (np.pi - s - psi / 2.0) / 2.0


class _Shot(NamedTuple):
    """Impact time of flight (m,) [s] (inf: none), impact position and velocity (m, 3),
    states (n_t, m, 3) at the requested sample times (None if none were requested)."""

    impact_tau: F64
    impact_pos: F64
    impact_vel: F64
    pos: F64 | None
    vel: F64 | None


class _Setup:
    """Launch geometry and per-missile model flags of a batch of ballistic specs."""

    def __init__(self, specs: Sequence[BallisticFlight], compiled: bool) -> None:
        m = len(specs)
        self.compiled = compiled  # numba kernel (_ballistic_jit) or numpy reference
        lla = np.array([s.launch_lla for s in specs])
        self.lat, self.lon = np.deg2rad(lla[:, 0]), np.deg2rad(lla[:, 1])
        self.sph = np.array([s.earth == "sphere" for s in specs])
        pos_ell = np.stack(geodetic_to_ecef_rad(self.lat, self.lon, lla[:, 2]), axis=-1)
        pos_sph = (MEAN_RADIUS_M + lla[:, 2])[:, None] * _nav.unit_vector(self.lat, self.lon)
        self.r0 = np.where(self.sph[:, None], pos_sph, pos_ell)
        self.u0 = _nav.unit_vector(self.lat, self.lon)
        self.launch = np.array([s.launch_t_s for s in specs])
        # Burn times in whole integration steps (the boost is a smooth programme inside
        # its steps; the step that would straddle burnout is not split).
        tb = np.array([s.burn_time_s for s in specs])
        self.t_burn = np.where(tb > 0.0, np.maximum(np.round(tb / DT_INT_S), 1.0) * DT_INT_S, 0.0)
        self.inv_beta = np.array([1.0 / s.ballistic_coefficient_kgpm2 for s in specs])
        self.omega = np.where(self.sph, 0.0, OMEGA_E_RADPS)
        self.j2 = np.where(self.sph, 0.0, J2_WGS84)
        tgt = [s.target_lla if s.target_lla is not None else s.launch_lla for s in specs]
        tgt = np.array(tgt)
        self.aimed = np.array([s.target_lla is not None for s in specs])
        self.h_target = np.where(self.aimed, tgt[:, 2], 0.0)
        self.u_t = _nav.unit_vector(np.deg2rad(tgt[:, 0]), np.deg2rad(tgt[:, 1]))
        self.psi_t = _nav.central_angle(self.u0, self.u_t)
        self.bearing_t = _nav.bearing(self.u0, self.u_t)
        self.mode = np.array([s.trajectory for s in specs])
        self.h0 = lla[:, 2]
        self.apogee = np.array([s.apogee_m or np.nan for s in specs], dtype=float)
        self.max_apogee = np.array([s.max_apogee_m or np.inf for s in specs], dtype=float)
        self.m = m

    def shoot(
        self, idx, gamma: F64, az: F64, v: F64, tau_needed: F64, t_s: F64 | None = None
    ) -> _Shot:
        """Fly missiles ``idx`` with burnout flight-path angle, azimuth [rad] and burnout
        speed [m/s] for at least ``tau_needed`` (m,) [s] or until impact; their states at
        the absolute times ``t_s`` (n_t,) if given."""
        lat, lon = self.lat[idx], self.lon[idx]
        zero = np.zeros(len(lat))
        r0 = self.r0[idx]
        up = r0 / np.linalg.norm(r0, axis=-1, keepdims=True)  # geocentric vertical
        ahead = np.stack(enu_to_ecef_vector_rad(np.sin(az), np.cos(az), zero, lat, lon), -1)
        ahead = ahead - np.sum(ahead * up, axis=-1, keepdims=True) * up
        ahead /= np.linalg.norm(ahead, axis=-1, keepdims=True)
        tb = self.t_burn[idx]
        impulsive = tb <= 0.0
        ms = Missiles(
            spherical=self.sph[idx], omega=self.omega[idx], j2=self.j2[idx],
            inv_beta=self.inv_beta[idx], up=up, ahead=ahead, plane=np.cross(up, ahead),
            gamma=gamma, accel_nom=np.where(impulsive, 0.0, v / np.where(impulsive, 1.0, tb)),
            t_burn=tb, t_vert=VERT_RISE_FRAC * tb, h_target=self.h_target[idx],
        )  # fmt: skip
        d = np.cos(gamma)[:, None] * ahead + np.sin(gamma)[:, None] * up
        v0 = np.where(impulsive[:, None], v[:, None] * d, 0.0)
        if not self.compiled:
            fl = integrate(r0, v0, ms, DT_INT_S, tau_needed)
            pos, vel = resample(fl, self.launch[idx], t_s) if t_s is not None else (None, None)
            return _Shot(fl.impact_tau, fl.impact_pos, fl.impact_vel, pos, vel)
        jit = _ballistic_jit
        par = np.empty((len(idx), jit.N_PAR))
        cols = {
            jit.P_SPH: ms.spherical, jit.P_OMEGA: ms.omega, jit.P_J2: ms.j2,
            jit.P_INV_BETA: ms.inv_beta, jit.P_GAMMA: ms.gamma, jit.P_ACCEL: ms.accel_nom,
            jit.P_T_BURN: ms.t_burn, jit.P_H_TARGET: ms.h_target, jit.P_T_VERT: ms.t_vert,
        }  # fmt: skip
        for c, values in cols.items():
            par[:, c] = values
        par[:, jit.P_PLANE : jit.P_PLANE + 3] = ms.plane
        tau_s = np.empty((0, len(idx))) if t_s is None else t_s[:, None] - self.launch[idx]
        pos, vel, i_tau, i_pos, i_vel = jit.fly(
            r0, v0, par, DT_INT_S, np.asarray(tau_needed, dtype=float), tau_s
        )
        if t_s is None:
            return _Shot(i_tau, i_pos, i_vel, None, None)
        return _Shot(i_tau, i_pos, i_vel, pos, vel)

    def impact_geometry(self, idx, fl: _Shot) -> tuple[F64, F64]:
        """Range angle and bearing [rad] of each impact point from its launch point."""
        p = fl.impact_pos
        lat, lon, _ = ecef_to_geodetic_rad(p[:, 0], p[:, 1], p[:, 2])
        lat_s, lon_s = _nav.lat_lon(p / np.linalg.norm(p, axis=-1, keepdims=True))
        u = _nav.unit_vector(
            np.where(self.sph[idx], lat_s, lat), np.where(self.sph[idx], lon_s, lon)
        )
        psi = np.where(np.isfinite(fl.impact_tau), _nav.central_angle(self.u0[idx], u), 2 * np.pi)
        return psi, _nav.bearing(self.u0[idx], u)


def _boost_polar(gamma: F64, v: F64, t_b: F64, r_start: F64, n: int = 200) -> tuple[F64, F64]:
    """Radius [m] and downrange angle [rad] at burnout of the boost programme
    (``_ballistic_dynamics.boost_acceleration``: speed v ln(1/(1 - z t/t_b)) / ln(1/(1 - z)),
    vertical for ``VERT_RISE_FRAC`` of ``t_b``, then gamma = gamma_bo + (pi/2 - gamma_bo)
    (t_go / (t_b - t_v))^K, the solution of its pitch law): r' = s sin(gamma),
    theta' = s cos(gamma) / r,
    RK4 in ``n`` steps. The programme fixes the kinematics, so this holds on any earth
    (geocentric angles), rotating or not."""
    t_v = VERT_RISE_FRAC * t_b
    h = t_b / n

    def rates(t: F64, r: F64) -> tuple[F64, F64]:
        f = np.clip((t_b - t) / np.maximum(t_b - t_v, 1e-12), 0.0, 1.0)
        g = gamma + (0.5 * np.pi - gamma) * f**PITCH_GAIN
        z = PROP_FRAC * t / np.maximum(t_b, 1e-12)
        s = v * np.log(1.0 / (1.0 - z)) / np.log(1.0 / (1.0 - PROP_FRAC))
        return s * np.sin(g), s * np.cos(g) / r

    r, th = np.asarray(r_start, dtype=float).copy(), np.zeros_like(gamma)
    for k in range(n):
        t = k * h
        k1r, k1t = rates(t, r)
        k2r, k2t = rates(t + 0.5 * h, r + 0.5 * h * k1r)
        k3r, k3t = rates(t + 0.5 * h, r + 0.5 * h * k2r)
        k4r, k4t = rates(t + h, r + h * k3r)
        r = r + h / 6.0 * (k1r + 2 * k2r + 2 * k3r + k4r)
        th = th + h / 6.0 * (k1t + 2 * k2t + 2 * k3t + k4t)
    return r, th


def min_energy_burnout(r1: F64, r2: F64, psi: F64) -> tuple[F64, F64]:
    """Flight-path angle [rad] and speed [m/s] at radius ``r1`` of the vacuum
    minimum-energy conic to radius ``r2`` a range angle ``psi`` [rad] further (Lambert's
    minimum-energy transfer: a = (r1 + r2 + c) / 4, c the chord, the empty focus on the
    chord at 2a - r1 from the start, the tangent bisecting the focal radii; Bate, Mueller &
    White 1971, sec. 5.2). With r1 = r2 it gives BMW's g* = (pi - psi) / 4 and Q*."""
    c = np.sqrt(r1**2 + r2**2 - 2.0 * r1 * r2 * np.cos(psi))
    a = (r1 + r2 + c) / 4.0
    v = np.sqrt(GM_M3PS2 * (2.0 / r1 - 1.0 / a))
    # Plane frame: x up at the start point, y downrange. Unit vectors from the start
    # towards the focus (-1, 0) and the empty focus (along the chord).
    wx, wy = (r2 * np.cos(psi) - r1) / c, r2 * np.sin(psi) / c
    nx, ny = wx - 1.0, wy  # inward normal (bisector of the focal radii)
    gamma = np.arctan2(-ny, nx)  # the tangent (ny, -nx) rotated to point downrange
    gamma = np.where(gamma > 0.5 * np.pi, gamma - np.pi, gamma)
    gamma = np.where(gamma < -0.5 * np.pi, gamma + np.pi, gamma)
    return gamma, v


def apogee_burnout(r1: F64, r2: F64, psi: F64, r_a: F64) -> tuple[F64, F64]:
    """Flight-path angle [rad] and speed [m/s] at radius ``r1`` of the vacuum conic with
    apoapsis radius ``r_a`` through radius ``r2`` a range angle ``psi`` further, apoapsis
    between the two (r = p / (1 + e cos(theta - w)), p = r_a (1 - e); bisection on the
    apse angle w). NaN where no such conic exists (r_a below r1 or r2)."""

    def ecc(w):
        return (r_a - r1) / (r1 * np.cos(w) + r_a)

    def f(w):
        e = ecc(w)
        return r2 * (1.0 + e * np.cos(psi - w)) - r_a * (1.0 - e)

    lo, hi = np.full_like(psi, -np.pi + 1e-9), psi - np.pi - 1e-9
    with np.errstate(all="ignore"):
        return _apogee_bisect(f, ecc, lo, hi, r1, r2, r_a)


def _apogee_bisect(f, ecc, lo, hi, r1, r2, r_a):
    f_lo = f(lo)
    ok = (r_a > r1) & (r_a > r2) & (np.sign(f_lo) != np.sign(f(hi)))
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        f_mid = f(mid)
        left = np.sign(f_mid) == np.sign(f_lo)
        lo, f_lo = np.where(left, mid, lo), np.where(left, f_mid, f_lo)
        hi = np.where(left, hi, mid)
    w = 0.5 * (lo + hi)
    e = ecc(w)
    h = np.sqrt(GM_M3PS2 * r_a * (1.0 - e))
    v_t, v_r = h / r1, -GM_M3PS2 / h * e * np.sin(w)
    return np.where(ok, np.arctan2(v_r, v_t), np.nan), np.where(ok, np.hypot(v_t, v_r), np.nan)


def apoapsis_radius(r1: F64, gamma: F64, v: F64) -> F64:
    """Apoapsis radius [m] of the vacuum conic of radius, flight-path angle and speed."""
    eps = 0.5 * v**2 - GM_M3PS2 / r1
    a = -GM_M3PS2 / (2.0 * eps)
    p = (r1 * v * np.cos(gamma)) ** 2 / GM_M3PS2
    return a * (1.0 + np.sqrt(np.maximum(1.0 - p / a, 0.0)))


def _vacuum_aim(st: _Setup, idx, specs) -> tuple[F64, F64]:
    """Burnout flight-path angle and speed of the speed-solved trajectories (minimum
    energy, apogee) from the vacuum conics of the burnout point, by fixed point on the
    boost (the burnout point depends on the angle and speed it ends at)."""
    psi_t, r_s = st.psi_t[idx], MEAN_RADIUS_M + st.h0[idx]
    r2 = MEAN_RADIUS_M + st.h_target[idx]
    ap = st.mode[idx] == "apogee"
    r_cap = MEAN_RADIUS_M + np.where(ap, st.apogee[idx], st.max_apogee[idx])
    gamma = (np.pi - psi_t) / 4.0  # BMW 6.2-20
    q_star = 2.0 * np.sin(psi_t / 2) / (1.0 + np.sin(psi_t / 2))  # BMW 6.2-21
    v = np.sqrt(q_star * GM_M3PS2 / MEAN_RADIUS_M)
    for _ in range(8):
        r1, th1 = _boost_polar(gamma, v, st.t_burn[idx], r_s)
        psi_ff = psi_t - th1
        bad = psi_ff <= 0.0
        if np.any(bad):
            k = int(idx[np.flatnonzero(bad)[0]])
            raise ParameterError(
                f"specs[{k}].target_lla", specs[k].target_lla,
                "farther than the boost phase carries the missile (shorten burn_time_s)", "fly",
            )  # fmt: skip
        g_me, v_me = min_energy_burnout(r1, r2, psi_ff)
        # An apogee at or below the burnout point has no conic: held 1 km above it while
        # the fixed point lowers the burnout (a depressed aim burns out lower).
        r_lim = np.maximum(r1, r2) + 1e3
        r_use = np.maximum(r_cap, r_lim)
        use_ap = ap | (apoapsis_radius(r1, g_me, v_me) > r_use)
        g_ap, v_ap = apogee_burnout(r1, r2, psi_ff, np.where(use_ap, r_use, 2.0 * r1))
        gamma, v = np.where(use_ap, g_ap, g_me), np.where(use_ap, v_ap, v_me)
    bad = ap & (r_cap < r_lim)
    if np.any(bad):
        k = int(idx[np.flatnonzero(bad)[0]])
        raise ParameterError(
            f"specs[{k}].apogee_m", specs[k].apogee_m,
            f"above the burnout height {float(r_lim[bad][0] - 1e3 - MEAN_RADIUS_M):.0f} m "
            "and the target height", "fly",
        )  # fmt: skip
    return gamma, v


def _aim(st: _Setup, specs: Sequence[BallisticFlight]) -> tuple[F64, F64, F64, F64]:
    """Burnout flight-path angle, azimuth [rad], burnout speed [m/s] and time of flight [s]
    (inf for unaimed missiles) of every missile (see the module doc)."""
    gamma = np.array([np.deg2rad(s.elevation_deg or 0.0) for s in specs])
    az = np.array([np.deg2rad(s.azimuth_deg or 0.0) for s in specs])
    v = np.array([s.burnout_speed_mps or 0.0 for s in specs])
    tof = np.full(len(specs), np.inf)
    idx = np.flatnonzero(st.aimed)
    if idx.size == 0:
        return gamma, az, v, tof
    psi_t, mode = st.psi_t[idx], st.mode[idx]
    me = (mode == "minimum_energy") | (mode == "apogee")  # speed solved, angle fixed
    lofted = mode == "lofted"
    g_star, v_star = np.zeros(idx.size), np.zeros(idx.size)
    if np.any(me):
        g_star[me], v_star[me] = _vacuum_aim(st, idx[me], specs)
    az_i = st.bearing_t[idx].copy()
    # Brackets. Speed (minimum energy): range grows with speed. Elevation: a coarse scan
    # finds the maximum-range elevation, which splits the depressed and lofted branches.
    lo, hi = 0.3 * v_star, 3.0 * v_star
    f_lo, f_hi = np.full(idx.size, -1.0), np.full(idx.size, 1.0)
    el = ~me
    if np.any(el):
        grid = np.deg2rad(np.linspace(0.0, 89.0, 13))
        ie = idx[el]
        n_g = grid.size
        rep = np.repeat(ie, n_g)
        fl = st.shoot(
            rep, np.tile(grid, ie.size), np.repeat(az_i[el], n_g), np.repeat(v[ie], n_g),
            np.full(rep.size, TAU_CAP_S),
        )  # fmt: skip
        psi_g = st.impact_geometry(rep, fl)[0].reshape(ie.size, n_g) - psi_t[el, None]
        k_max = np.argmax(psi_g, axis=1)
        rows = np.arange(ie.size)
        reach = psi_g[rows, k_max] >= 0.0
        cols = np.arange(n_g)[None, :]
        # depressed: last grid point below the target before the maximum; lofted: last
        # grid point above the target after the maximum.
        dep_k = np.where((psi_g < 0) & (cols < k_max[:, None]), cols, -1).max(axis=1)
        lof_k = np.where((psi_g >= 0) & (cols >= k_max[:, None]), cols, -1).max(axis=1)
        k0 = np.where(lofted[el], lof_k, dep_k)
        k0 = np.clip(k0, 0, n_g - 2)
        ok = reach & np.where(lofted[el], lof_k < n_g - 1, dep_k >= 0)
        if not np.all(ok):
            bad = int(ie[np.flatnonzero(~ok)[0]])
            raise ParameterError(
                f"specs[{bad}].target_lla", specs[bad].target_lla,
                f"reachable on a {specs[bad].trajectory} trajectory with burnout_speed_mps="
                f"{specs[bad].burnout_speed_mps} and these boost and drag parameters", "fly",
            )  # fmt: skip
        lo, hi = np.where(el, 0.0, lo), np.where(el, 0.0, hi)
        lo[el], hi[el] = grid[k0], grid[k0 + 1]
        f_lo[el], f_hi[el] = psi_g[rows, k0], psi_g[rows, k0 + 1]
    # Illinois regula falsi inside the brackets, azimuth corrected by fixed point each pass.
    x = np.where(me, v_star, 0.5 * (lo + hi))
    side = np.zeros(idx.size)
    for _ in range(AIM_MAX_ITER):
        g_i, v_i = np.where(me, g_star, x), np.where(me, x, v[idx])
        fl = st.shoot(idx, g_i, az_i, v_i, np.full(idx.size, TAU_CAP_S))
        psi, brg = st.impact_geometry(idx, fl)
        f = psi - psi_t
        e_az = (st.bearing_t[idx] - brg + np.pi) % (2 * np.pi) - np.pi
        miss_r = np.abs(f) * MEAN_RADIUS_M
        done = (miss_r < AIM_TOL_M) & (np.abs(e_az) * psi_t * MEAN_RADIUS_M < AIM_TOL_M)
        if np.all(done):
            break
        az_i = az_i + e_az
        same_lo = np.sign(f) == np.sign(f_lo)
        lo, f_lo = np.where(same_lo, x, lo), np.where(same_lo, f, f_lo)
        hi, f_hi = np.where(same_lo, hi, x), np.where(same_lo, f_hi, f)
        # Illinois: halve the stale end's value when the same end is kept twice.
        f_hi = np.where(same_lo & (side > 0), 0.5 * f_hi, f_hi)
        f_lo = np.where(~same_lo & (side < 0), 0.5 * f_lo, f_lo)
        side = np.where(same_lo, 1.0, -1.0)
        x_new = (lo * f_hi - hi * f_lo) / np.where(f_hi != f_lo, f_hi - f_lo, 1.0)
        x = np.where(miss_r < AIM_TOL_M, x, x_new)
    else:
        bad = int(idx[np.flatnonzero(~done)[0]])
        raise ParameterError(
            f"specs[{bad}].target_lla", specs[bad].target_lla,
            f"reachable on a {specs[bad].trajectory} trajectory with these boost and drag "
            f"parameters (aiming miss {miss_r[idx == bad][0]:.0f} m)", "fly",
        )  # fmt: skip
    gamma[idx], az[idx], v[idx] = g_i, az_i, v_i
    tof[idx] = fl.impact_tau
    return gamma, az, v, tof


def time_of_flight_s(specs: Sequence[BallisticFlight]) -> F64:
    """Time of flight [s] from launch to impact of each aimed missile (m,), as flown (the
    aim's last shot: boost, drag, rotation included; inf for unaimed ones). The flight is
    time-invariant in the earth-fixed frame, so it does not depend on the launch time."""
    return _aim(_Setup(specs, True), specs)[3]


def fly_ballistic(specs: Sequence[BallisticFlight], t_s: F64) -> BatchResult:
    """Batch kernel of ``BallisticFlight``: aim, fly every missile, sample at ``t_s``.

    Returns pos, vel (n_t, m, 3) ECEF, launch_t_s (m,), end_t_s (m,) (impact time, inf if
    no impact by ``t_s[-1]``). Compiled integration (``_ballistic_jit``), each missile
    until its own impact; agrees with ``fly_ballistic_reference`` to rounding.
    """
    return _fly(specs, t_s, compiled=True)


def fly_ballistic_reference(specs: Sequence[BallisticFlight], t_s: F64) -> BatchResult:
    """``fly_ballistic`` in numpy, vectorized over missiles at every step (the reference
    the compiled path is tested against; same arguments and result)."""
    return _fly(specs, t_s, compiled=False)


def _fly(specs: Sequence[BallisticFlight], t_s: F64, compiled: bool) -> BatchResult:
    st = _Setup(specs, compiled)
    gamma, az, v, _ = _aim(st, specs)
    idx = np.arange(st.m)
    need = np.maximum(t_s[-1] - st.launch, 0.0)
    fl = st.shoot(idx, gamma, az, v, need, t_s)
    end = st.launch + fl.impact_tau
    return fl.pos, fl.vel, st.launch, np.where(end <= t_s[-1], end, np.inf)


BallisticFlight.kernel = staticmethod(fly_ballistic)
