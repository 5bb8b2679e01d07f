"""Compiled (numba) RK4 integration of ballistic missiles (private).

The same forces, steps, impact location and resampling as the numpy reference in
``_ballistic_dynamics`` (``acceleration``, ``integrate``, ``resample``), written per missile
on scalars: each missile is integrated until its own impact or its own needed time of
flight, instead of every missile until the last one is done, and the density of the U.S.
Standard Atmosphere 1976 is evaluated per point (``atmosphere`` holds the model and its
sources; the reference vectorizes it). Tests assert both paths agree to 1e-9.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from iads.geo.wgs84 import A_M, B_M, GM_M3PS2, MEAN_RADIUS_M
from iads.threats._ballistic_dynamics import (
    PITCH_GAIN,
    PROP_FRAC,
    SPEED_NORM,
    T_GO_MIN_S,
    TAU_PITCH_S,
)
from iads.threats.atmosphere import (
    _GMR,
    _H_B,
    _L_B,
    _LN_RHO_UP,
    _P_B,
    _T_B,
    _Z_86,
    _Z_UP,
    M0_KGPMOL,
    R0_M,
    R_STAR,
)

# Columns of the per-missile parameter matrix ``par`` (m, N_PAR) of ``fly``.
P_SPH, P_OMEGA, P_J2, P_INV_BETA, P_GAMMA, P_ACCEL, P_T_BURN, P_H_TARGET = range(8)
P_T_VERT = 8
P_PLANE = 9  # three columns (ECEF unit vector)
N_PAR = 12

_K_J2 = A_M**2  # as in _ballistic_dynamics.gravity
_AB, _A2, _B2 = A_M * B_M, A_M**2, B_M**2


@njit(cache=True, error_model="numpy")
def _density(z: float) -> float:
    """US 1976 density [kg/m^3] at geometric height z [m] (``atmosphere.density_kgpm3``)."""
    if z > _Z_86:
        k = 0  # last table height <= z (the table is short: a linear scan)
        while k < _Z_UP.size - 2 and _Z_UP[k + 1] <= z:
            k += 1
        slope = (_LN_RHO_UP[k + 1] - _LN_RHO_UP[k]) / (_Z_UP[k + 1] - _Z_UP[k])
        return math.exp(_LN_RHO_UP[k] + slope * (z - _Z_UP[k]))
    h = R0_M * z / (R0_M + z)
    i = 0  # layer: last base <= h (searchsorted(side="right") - 1, clipped to 0..6)
    while i < 6 and _H_B[i + 1] <= h:
        i += 1
    lapse, tb, pb, dh = _L_B[i], _T_B[i], _P_B[i], h - _H_B[i]
    t = tb + lapse * dh
    if lapse == 0.0:
        p = pb * math.exp(-_GMR * dh / tb)
    else:
        p = pb * (tb / t) ** (_GMR / lapse)
    return p * M0_KGPMOL / (R_STAR * t)


@njit(cache=True, error_model="numpy")
def _height(x: float, y: float, z: float, sph: bool) -> float:
    """``_ballistic_dynamics.height_m`` of one point."""
    rn = math.sqrt(x * x + y * y + z * z)
    if sph:
        return rn - MEAN_RADIUS_M
    s2 = (z / rn) ** 2
    return rn - _AB / math.sqrt(_B2 * (1.0 - s2) + _A2 * s2)


@njit(cache=True, error_model="numpy")
def _accel(r, v, tau, pr, out, tau_step):
    """``_ballistic_dynamics.acceleration`` of one missile into ``out`` (3,)."""
    x, y, z = r[0], r[1], r[2]
    rn2 = x * x + y * y + z * z
    rn = math.sqrt(rn2)
    k = 1.5 * pr[P_J2] * _K_J2 / rn2
    z2 = z**2 / rn2
    f = -GM_M3PS2 / (rn2 * rn)
    fxy = f * (1.0 + k * (1.0 - 5.0 * z2))
    fz = f * (1.0 + k * (3.0 - 5.0 * z2))
    a0, a1, a2 = fxy * x, fxy * y, fz * z
    inv_beta = pr[P_INV_BETA]
    if inv_beta != 0.0:  # the reference subtracts an exact 0 otherwise
        rho = _density(_height(x, y, z, pr[P_SPH] != 0.0))
        speed = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
        c = 0.5 * rho * speed * inv_beta
        a0, a1, a2 = a0 - c * v[0], a1 - c * v[1], a2 - c * v[2]
    w = pr[P_OMEGA]
    out[0] = a0 + (2.0 * w * v[1] + w * w * x)
    out[1] = a1 + (-2.0 * w * v[0] + w * w * y)
    out[2] = a2
    t_burn = pr[P_T_BURN]
    if tau_step < t_burn:  # the boost programme replaces the sum (``boost_acceleration``)
        rh0, rh1, rh2 = x / rn, y / rn, z / rn
        s = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
        if s > 0.0:
            vh0, vh1, vh2 = v[0] / s, v[1] / s, v[2] / s
        else:
            vh0, vh1, vh2 = rh0, rh1, rh2
        sg = min(max(rh0 * vh0 + rh1 * vh1 + rh2 * vh2, -1.0), 1.0)
        a_n = 0.0
        if not tau < pr[P_T_VERT]:
            cg = math.sqrt(1.0 - sg * sg)
            t_go = max(t_burn - tau, 0.0)
            span = max(t_burn - pr[P_T_VERT], T_GO_MIN_S)
            d90 = 0.5 * np.pi - pr[P_GAMMA]
            g_ref = pr[P_GAMMA] + d90 * (t_go / span) ** PITCH_GAIN
            gdot_ref = -d90 * PITCH_GAIN * t_go ** (PITCH_GAIN - 1.0) / span**PITCH_GAIN
            gdot = gdot_ref + (g_ref - math.asin(sg)) / TAU_PITCH_S
            a_n = s * (gdot - s * cg / rn)
        p0, p1, p2 = pr[P_PLANE], pr[P_PLANE + 1], pr[P_PLANE + 2]
        n0 = vh1 * p2 - vh2 * p1
        n1 = vh2 * p0 - vh0 * p2
        n2 = vh0 * p1 - vh1 * p0
        acc = pr[P_ACCEL] * SPEED_NORM / (1.0 - PROP_FRAC * tau / t_burn)
        out[0] = acc * vh0 + a_n * n0
        out[1] = acc * vh1 + a_n * n1
        out[2] = acc * vh2 + a_n * n2


@njit(cache=True, error_model="numpy")
def _hermite(p0, v0, p1, v1, h, f, pos, vel):
    """``_ballistic_dynamics._hermite`` at one fraction ``f`` into ``pos``, ``vel`` (3,)."""
    t2, t3 = f * f, f * f * f
    c01, c10, c11 = -2 * t3 + 3 * t2, (t3 - 2 * t2 + f) * h, (t3 - t2) * h
    d01, d10, d11 = -6 * t2 + 6 * f, (3 * t2 - 4 * f + 1) * h, (3 * t2 - 2 * f) * h
    for c in range(3):
        dp = p1[c] - p0[c]
        pos[c] = p0[c] + c01 * dp + c10 * v0[c] + c11 * v1[c]
        vel[c] = (d01 * dp + d10 * v0[c] + d11 * v1[c]) / h


@njit(cache=True, error_model="numpy")
def fly(r0, v0, par, dt, tau_needed, tau_samples):
    """RK4 at step ``dt`` [s] of m missiles from launch, each until its impact or until it
    has flown ``tau_needed`` (m,) [s]; arguments and impact rule as
    ``_ballistic_dynamics.integrate``, ``par`` (m, N_PAR) per-missile parameters.

    ``tau_samples`` (n_t, m): times since launch at which to return the state, as
    ``_ballistic_dynamics.resample`` does (n_t may be 0). Returns pos, vel (n_t, m, 3)
    ECEF, impact_tau (m,) [s] (inf if none), impact_pos, impact_vel (m, 3).
    """
    m, n_t = r0.shape[0], tau_samples.shape[0]
    pos_s, vel_s = np.empty((n_t, m, 3)), np.empty((n_t, m, 3))
    imp_tau, imp_pos, imp_vel = np.full(m, np.inf), r0.copy(), v0.copy()
    n_hist = 0
    if n_t > 0:
        n_hist = int(math.ceil(max(0.0, tau_needed.max()) / dt)) + 2
    hist_r, hist_v = np.empty((n_hist, 3)), np.empty((n_hist, 3))
    k1v, k2v, k3v, k4v = np.empty(3), np.empty(3), np.empty(3), np.empty(3)
    k2r, k3r, k4r, tmp = np.empty(3), np.empty(3), np.empty(3), np.empty(3)
    r_new, v_new, p_i, v_i = np.empty(3), np.empty(3), np.empty(3), np.empty(3)
    for i in range(m):
        pr = par[i]
        sph, h_tgt, t_burn = pr[P_SPH] != 0.0, pr[P_H_TARGET], pr[P_T_BURN]
        r, v = r0[i].copy(), v0[i].copy()
        if n_t > 0:
            hist_r[0], hist_v[0] = r, v
        h_old = _height(r[0], r[1], r[2], sph)
        tau = 0.0
        n_steps = 0
        while tau < tau_needed[i]:
            _accel(r, v, tau, pr, k1v, tau)
            for c in range(3):
                k2r[c] = v[c] + 0.5 * dt * k1v[c]
                tmp[c] = r[c] + 0.5 * dt * v[c]
            _accel(tmp, k2r, tau + 0.5 * dt, pr, k2v, tau)
            for c in range(3):
                k3r[c] = v[c] + 0.5 * dt * k2v[c]
                tmp[c] = r[c] + 0.5 * dt * k2r[c]
            _accel(tmp, k3r, tau + 0.5 * dt, pr, k3v, tau)
            for c in range(3):
                k4r[c] = v[c] + dt * k3v[c]
                tmp[c] = r[c] + dt * k3r[c]
            _accel(tmp, k4r, tau + dt, pr, k4v, tau)
            for c in range(3):
                r_new[c] = r[c] + dt / 6.0 * (v[c] + 2.0 * k2r[c] + 2.0 * k3r[c] + k4r[c])
                v_new[c] = v[c] + dt / 6.0 * (k1v[c] + 2.0 * k2v[c] + 2.0 * k3v[c] + k4v[c])
            tau_new = tau + dt
            h_new = _height(r_new[0], r_new[1], r_new[2], sph)
            down = r_new[0] * v_new[0] + r_new[1] * v_new[1] + r_new[2] * v_new[2] < 0.0
            n_steps += 1
            if down and h_new <= h_tgt and tau_new > t_burn:
                # Secant on the Hermite arc, as in the reference.
                fa, fb, ga, gb = 0.0, 1.0, h_old - h_tgt, h_new - h_tgt
                f = 0.0
                for _ in range(4):
                    f = fa - ga * (fb - fa) / (gb - ga if gb != ga else 1.0)
                    f = min(max(f, 0.0), 1.0)
                    _hermite(r, v, r_new, v_new, dt, f, p_i, v_i)
                    g_f = _height(p_i[0], p_i[1], p_i[2], sph) - h_tgt
                    if g_f > 0.0:
                        fa, ga = f, g_f
                    else:
                        fb, gb = f, g_f
                _hermite(r, v, r_new, v_new, dt, f, p_i, v_i)
                imp_tau[i] = tau + f * dt
                imp_pos[i], imp_vel[i] = p_i, v_i
                if n_t > 0:  # the integrated end of the impact step, as the reference
                    hist_r[n_steps], hist_v[n_steps] = r_new, v_new
                break
            r[:], v[:] = r_new, v_new
            h_old = h_new
            tau = tau_new
            if n_t > 0:
                hist_r[n_steps], hist_v[n_steps] = r, v
        if n_t > 0:
            _sample(hist_r, hist_v, n_steps, dt, imp_tau[i], imp_pos[i], imp_vel[i],
                    tau_samples[:, i], pos_s[:, i], vel_s[:, i])  # fmt: skip
    return pos_s, vel_s, imp_tau, imp_pos, imp_vel


@njit(cache=True, error_model="numpy")
def _sample(hist_r, hist_v, n_steps, dt, imp_tau, imp_pos, imp_vel, tau, pos, vel):
    """``_ballistic_dynamics.resample`` of one missile from its step history."""
    tau_last = min(imp_tau, n_steps * dt)
    for s in range(tau.shape[0]):
        tau_c = min(max(tau[s], 0.0), tau_last)
        if n_steps == 0:
            pos[s], vel[s] = hist_r[0], hist_v[0]
        else:
            k = min(max(int(math.floor(tau_c / dt)), 0), n_steps - 1)
            f = min(max((tau_c - k * dt) / dt, 0.0), 1.0)
            _hermite(hist_r[k], hist_v[k], hist_r[k + 1], hist_v[k + 1], dt, f, pos[s], vel[s])
        if tau[s] >= imp_tau:
            pos[s], vel[s] = imp_pos, imp_vel
            ref = imp_tau
        else:
            ref = tau_c
        for c in range(3):
            pos[s, c] = pos[s, c] + vel[s, c] * (tau[s] - ref)
