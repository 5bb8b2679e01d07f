"""Equations of motion of ballistic missiles and their fixed-step RK4 integration (private;
the numpy reference of the compiled ``_ballistic_jit``, which must agree with it).

State: earth-fixed (ECEF) position r and velocity v. Forces per unit mass, vectorized over
missiles (flags per missile select the earth model):

* gravity: point mass -mu r / |r|^3, plus the J2 zonal term (Vallado, Fundamentals of
  Astrodynamics and Applications, 4th ed., 2013, eq. 8-30), WGS-84 mu, a and J2;
* boost (guided, first-order): during the burn the total earth-fixed acceleration follows
  a programme (``boost_acceleration``): speed growing as under a constant mass flow
  (rocket equation, propellant fraction ``PROP_FRAC``) to the burnout speed, a vertical
  rise for the first ``VERT_RISE_FRAC`` of the burn, then a pitch law closed on the
  burnout flight-path angle: the reference gamma_ref = gamma_bo + (pi/2 - gamma_bo)
  (t_go / (t_burn - t_vert))^K (K = 2: the pitch-over comes early, as in a gravity turn,
  and ends on the angle) tracked by d(gamma)/dt = d(gamma_ref)/dt + (gamma_ref - gamma) /
  ``TAU_PITCH_S``, in the launch plane (the geocentric plane of the launch vertical and
  azimuth). The thrust is what the programme needs against gravity, drag and the frame
  terms (propellant margin not modelled), so burnout speed and flight-path angle are
  those the aim asks for;
* drag: -rho(h) |v| v / (2 beta), beta = m / (C_D A) the ballistic coefficient, rho from
  the U.S. Standard Atmosphere 1976 (``atmosphere``), v relative to the rotating air;
* rotating frame: Coriolis -2 w x v and centrifugal -w x (w x r), w = (0, 0, omega_E)
  (e.g. Zipfel, Modeling and Simulation of Aerospace Vehicle Dynamics, 2nd ed., ch. 4);
  with the rotation flag off the ECEF frame is an inertial frame (non-rotating earth).

Height above the surface: |r| minus the ellipsoid radius at the geocentric latitude
(sub-metre from the geodetic height below 100 km), or |r| - R on the spherical earth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.geo.wgs84 import A_M, B_M, GM_M3PS2, MEAN_RADIUS_M
from iads.threats.atmosphere import density_kgpm3

F64 = NDArray[np.float64]
J2_WGS84 = 1.08262998905e-3  # -sqrt(5) C20, NGA.STND.0036 (2014) Table 3.5 (EGM2008 C20)
VERT_RISE_FRAC = 0.1  # vertical rise: this fraction of the burn time (assumed)
T_GO_MIN_S = 1e-3  # floor of the time to go of the pitch law [s]
PITCH_GAIN = 2.0  # K of the pitch reference gamma_bo + (pi/2 - gamma_bo) (t_go/span)^K
TAU_PITCH_S = 1.0  # time constant of the pitch law's feedback on the reference [s]
PROP_FRAC = 0.7  # propellant fraction of the speed programme (assumed, SRBM-like)
SPEED_NORM = PROP_FRAC / np.log(1.0 / (1.0 - PROP_FRAC))  # makes the burn reach v_bo


@dataclass
class Missiles:
    """Struct of arrays of m missiles (per-missile model flags and boost parameters)."""

    spherical: NDArray[np.bool_]  # (m,) spherical non-rotating earth surface
    omega: F64  # (m,) earth rotation rate used [rad/s] (0: non-rotating)
    j2: F64  # (m,) J2 coefficient used (0: point mass)
    inv_beta: F64  # (m,) 1 / ballistic coefficient [m^2/kg] (0: no drag)
    up: F64  # (m, 3) launch-point geocentric vertical (unit r0), earth-fixed
    ahead: F64  # (m, 3) launch-point horizontal (normal to up) along the launch azimuth
    plane: F64  # (m, 3) normal of the launch plane, up x ahead
    gamma: F64  # (m,) burnout flight-path angle above the geocentric horizontal [rad]
    accel_nom: F64  # (m,) speed rate of the burn, burnout speed / t_burn [m/s^2]
    t_burn: F64  # (m,) burn time [s] (0: impulsive, velocity given at launch)
    t_vert: F64  # (m,) end of the vertical rise [s]
    h_target: F64  # (m,) height of the impact surface [m]


def height_m(r: F64, spherical: NDArray[np.bool_]) -> F64:
    """Height [m] of ECEF points r (m, 3) above the ellipsoid (or the sphere)."""
    rn = np.linalg.norm(r, axis=-1)
    s2 = (r[..., 2] / rn) ** 2
    r_ell = A_M * B_M / np.sqrt(B_M**2 * (1.0 - s2) + A_M**2 * s2)
    return rn - np.where(spherical, MEAN_RADIUS_M, r_ell)


def gravity(r: F64, j2: F64) -> F64:
    """Gravitational acceleration (m, 3) [m/s^2]: point mass plus J2 (Vallado eq. 8-30)."""
    rn2 = np.sum(r * r, axis=-1)
    rn = np.sqrt(rn2)
    k = 1.5 * j2 * A_M**2 / rn2
    z2 = r[:, 2] ** 2 / rn2
    f = -GM_M3PS2 / (rn2 * rn)
    fxy = f * (1.0 + k * (1.0 - 5.0 * z2))
    fz = f * (1.0 + k * (3.0 - 5.0 * z2))
    return np.stack([fxy * r[:, 0], fxy * r[:, 1], fz * r[:, 2]], axis=-1)


def boost_acceleration(r: F64, v: F64, tau: float, ms: Missiles) -> F64:
    """Total earth-fixed acceleration (m, 3) of the boost programme at time ``tau``.

    Along the velocity: ``accel_nom`` c / (1 - z tau / t_burn), z = ``PROP_FRAC``,
    c = z / ln(1 / (1 - z)) (the rocket equation's speed at constant mass flow, scaled to
    reach the burnout speed). Normal to it, in the launch plane: zero during the vertical
    rise, then s (d(gamma)/dt - s cos(gamma) / |r|) with
    d(gamma)/dt = d(gamma_ref)/dt + (gamma_ref - gamma) / TAU_PITCH_S (module doc),
    gamma = asin(r_hat . v_hat) the geocentric flight-path angle (the s cos(gamma) / |r|
    term is the turn of the local horizontal).
    At zero speed the velocity direction is taken as the radial.
    """
    rn = np.linalg.norm(r, axis=-1)
    rh = r / rn[:, None]
    s = np.linalg.norm(v, axis=-1)
    vh = np.where((s > 0.0)[:, None], v / np.where(s > 0.0, s, 1.0)[:, None], rh)
    sg = np.clip(np.sum(rh * vh, axis=-1), -1.0, 1.0)
    cg = np.sqrt(1.0 - sg * sg)
    t_go = np.maximum(ms.t_burn - tau, 0.0)
    span = np.maximum(ms.t_burn - ms.t_vert, T_GO_MIN_S)
    d90 = 0.5 * np.pi - ms.gamma
    g_ref = ms.gamma + d90 * (t_go / span) ** PITCH_GAIN
    gdot_ref = -d90 * PITCH_GAIN * t_go ** (PITCH_GAIN - 1.0) / span**PITCH_GAIN
    gdot = gdot_ref + (g_ref - np.arcsin(sg)) / TAU_PITCH_S
    a_n = np.where(tau < ms.t_vert, 0.0, s * (gdot - s * cg / rn))
    n = np.cross(vh, ms.plane)
    t_b = np.where(ms.t_burn > 0.0, ms.t_burn, 1.0)
    a_s = ms.accel_nom * SPEED_NORM / (1.0 - PROP_FRAC * tau / t_b)
    return a_s[:, None] * vh + a_n[:, None] * n


def acceleration(r: F64, v: F64, tau: float, ms: Missiles, tau_step: float) -> F64:
    """Total acceleration (m, 3) in the earth-fixed frame at time ``tau`` since launch;
    the boost applies through the whole step that starts at ``tau_step`` before burnout
    (burn times are whole steps, see ``ballistic``)."""
    g = gravity(r, ms.j2)
    a = g.copy()
    rho = density_kgpm3(height_m(r, ms.spherical))
    speed = np.linalg.norm(v, axis=-1)
    a -= (0.5 * rho * speed * ms.inv_beta)[:, None] * v
    w = ms.omega
    # -2 w x v - w x (w x r) with w = (0, 0, w): components written out.
    a[:, 0] += 2.0 * w * v[:, 1] + w * w * r[:, 0]
    a[:, 1] += -2.0 * w * v[:, 0] + w * w * r[:, 1]
    if tau_step < float(ms.t_burn.max(initial=0.0)):
        burning = (tau_step < ms.t_burn)[:, None]
        a = np.where(burning, boost_acceleration(r, v, tau, ms), a)
    return a


@dataclass
class Flown:
    """Result of ``integrate``: states every ``dt`` since launch and the impact states.

    After the impact step the history holds the impact state; the impact step itself
    keeps its integrated end, so that resampling inside it follows the arc on which the
    impact was located.
    """

    pos: F64  # (n_steps + 1, m, 3)
    vel: F64  # (n_steps + 1, m, 3)
    dt: float
    impact_tau: F64  # (m,) time of flight [s], inf if no impact
    impact_pos: F64  # (m, 3)
    impact_vel: F64  # (m, 3)


def integrate(r0: F64, v0: F64, ms: Missiles, dt: float, tau_needed: F64) -> Flown:
    """RK4 with fixed step ``dt`` from launch (tau = 0) for all missiles at once.

    Stops when every missile has impacted (height below ``h_target`` while descending,
    after burnout) or flown ``tau_needed`` (m,) seconds. Impact time and state are
    interpolated inside the step (linear in height, cubic Hermite in position).
    """
    m = r0.shape[0]
    r, v = r0.copy(), v0.copy()
    pos, vel = [r.copy()], [v.copy()]
    impact_tau = np.full(m, np.inf)
    impact_pos, impact_vel = r0.copy(), v0.copy()
    flying = np.ones(m, dtype=bool)
    h_old = height_m(r, ms.spherical)
    tau = 0.0
    while np.any(flying & (tau < tau_needed)):
        k1v = acceleration(r, v, tau, ms, tau)
        k2r, k2v = (
            v + 0.5 * dt * k1v,
            acceleration(r + 0.5 * dt * v, v + 0.5 * dt * k1v, tau + 0.5 * dt, ms, tau),
        )
        k3r = v + 0.5 * dt * k2v
        k3v = acceleration(r + 0.5 * dt * k2r, k3r, tau + 0.5 * dt, ms, tau)
        k4r = v + dt * k3v
        k4v = acceleration(r + dt * k3r, k4r, tau + dt, ms, tau)
        r_new = r + dt / 6.0 * (v + 2.0 * k2r + 2.0 * k3r + k4r)
        v_new = v + dt / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
        tau_new = tau + dt
        h_new = height_m(r_new, ms.spherical)
        down = np.sum(r_new * v_new, axis=-1) < 0.0
        hit = flying & down & (h_new <= ms.h_target) & (tau_new > ms.t_burn)
        if np.any(hit):
            # Crossing of the impact height on the cubic Hermite arc: secant iterations
            # started from the linear estimate (the linear one alone is off by ~1 m).
            dh0, dh1 = h_old - ms.h_target, h_new - ms.h_target
            fa, fb, ga, gb = np.zeros(m), np.ones(m), dh0, dh1
            for _ in range(4):
                f = np.clip(fa - ga * (fb - fa) / np.where(gb != ga, gb - ga, 1.0), 0.0, 1.0)
                g_f = height_m(_hermite(r, v, r_new, v_new, dt, f)[0], ms.spherical)
                g_f = g_f - ms.h_target
                above = g_f > 0.0
                fa, ga = np.where(above, f, fa), np.where(above, g_f, ga)
                fb, gb = np.where(above, fb, f), np.where(above, gb, g_f)
            p_i, v_i = _hermite(r, v, r_new, v_new, dt, f)
            impact_tau = np.where(hit, tau + f * dt, impact_tau)
            impact_pos = np.where(hit[:, None], p_i, impact_pos)
            impact_vel = np.where(hit[:, None], v_i, impact_vel)
            flying &= ~hit
        keep = (~flying)[:, None]
        # History: the impact step keeps its integrated end (below the surface), so that
        # resampling inside that step stays on the arc the impact point was found on.
        hist_keep = (~flying & ~hit)[:, None]
        pos.append(np.where(hist_keep, impact_pos, r_new))
        vel.append(np.where(hist_keep, impact_vel, v_new))
        r = np.where(keep, impact_pos, r_new)
        v = np.where(keep, impact_vel, v_new)
        h_old = np.where(flying, h_new, h_old)
        tau = tau_new
    return Flown(np.stack(pos), np.stack(vel), dt, impact_tau, impact_pos, impact_vel)


def _hermite(p0: F64, v0: F64, p1: F64, v1: F64, h: float, f: F64) -> tuple[F64, F64]:
    """Cubic Hermite position and velocity at fraction f (m,) of a step of length h."""
    t = f[:, None]
    t2, t3 = t * t, t * t * t
    dp = p1 - p0
    pos = p0 + (-2 * t3 + 3 * t2) * dp + (t3 - 2 * t2 + t) * h * v0 + (t3 - t2) * h * v1
    vel = (-6 * t2 + 6 * t) * dp + (3 * t2 - 4 * t + 1) * h * v0 + (3 * t2 - 2 * t) * h * v1
    return pos, vel / h


def resample(fl: Flown, launch_t_s: F64, t_s: F64) -> tuple[F64, F64]:
    """Positions and velocities (n_t, m, 3) at absolute times ``t_s`` from a ``Flown``.

    Cubic Hermite between integration steps; before launch and after impact (or after the
    last step) the state is extended at constant velocity (see ``Truth``).
    """
    n_steps = fl.pos.shape[0] - 1
    tau = t_s[:, None] - launch_t_s[None, :]  # (n_t, m)
    tau_last = np.minimum(fl.impact_tau, n_steps * fl.dt)
    tau_c = np.clip(tau, 0.0, tau_last)
    k = np.clip(np.floor(tau_c / fl.dt).astype(np.int64), 0, max(n_steps - 1, 0))
    cols = np.arange(fl.pos.shape[1])[None, :]
    if n_steps == 0:
        p, v = fl.pos[0][None].repeat(t_s.size, 0), fl.vel[0][None].repeat(t_s.size, 0)
    else:
        f = ((tau_c - k * fl.dt) / fl.dt).reshape(-1)
        p0, v0 = fl.pos[k, cols].reshape(-1, 3), fl.vel[k, cols].reshape(-1, 3)
        p1, v1 = fl.pos[k + 1, cols].reshape(-1, 3), fl.vel[k + 1, cols].reshape(-1, 3)
        p, v = _hermite(p0, v0, p1, v1, fl.dt, np.clip(f, 0.0, 1.0))
        p, v = p.reshape(tau.shape + (3,)), v.reshape(tau.shape + (3,))
    after = (tau >= fl.impact_tau)[..., None]
    p = np.where(after, fl.impact_pos[None], p)
    v = np.where(after, fl.impact_vel[None], v)
    return p + v * (tau - np.where(tau >= fl.impact_tau, fl.impact_tau, tau_c))[..., None], v
