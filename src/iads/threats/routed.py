"""Kernel of routed flight (aircraft, cruise missiles, drones): turn-, climb- and
speed-limited path following of waypoint legs, integrated in time.

``fly_routed`` runs the compiled integration of ``_routed_jit`` (each threat over its
active window); ``fly_routed_reference`` is the same model in numpy, vectorized over
threats at every step (``_guidance``, ``_advance``), kept as the reference it is tested
against. Per threat the state is (geodetic lat, lon, h, heading psi, active leg j, ground
distance flown s, diving flag). Guidance:

* lateral: follow the great circle of the active leg (on the navigation sphere, see
  ``_nav``) with a look-ahead cross-track law, psi_cmd = psi_leg + atan((xt - y_w)/L1)
  - atan(dy_w/ds), where y_w = A sin(2 pi s / lambda) is the optional weave offset (a
  first-order "nonlinear guidance" law in the spirit of Park, Deyst & How, AIAA GNC 2004);
  the heading rate is limited to the coordinated-turn rate
  omega = g sqrt(n^2 - 1) / v_g, i.e. turn radius v_g^2 / (g sqrt(n^2 - 1))
  (e.g. Anderson, Introduction to Flight, 7th ed., sec. 6.17); the course commanded on
  the navigation sphere is converted to the ellipsoidal heading that moves latitude and
  longitude in the same direction, tan(psi) = tan(chi) (N + h) / (M + h), so guidance and
  flight agree on the ground track (no steady cross-track offset);
* leg switching: fly-by, when the remaining distance to the leg end falls below the turn
  anticipation R_turn tan(|delta chi| / 2) (delta chi: course change at the waypoint);
* vertical: climb/descend towards the commanded height at a rate limit (first-order lag
  with time constant ``TAU_H_S``), the vertical rate changing at most at min(n - 1, 1) g;
  terminal dive as pure pursuit in the vertical plane (vertical rate towards
  -v sin(max(line-of-sight angle, dive angle))), its vertical rate changing at most at
  (n - 1) g, entered when the line of sight from the end of that pull-over reaches the
  dive angle (or the line of sight itself does): no velocity step at the dive, so no
  speed spike in the interpolated truth;
* kinematics: constant true speed v (ground speed v_g = sqrt(v^2 - hdot^2)), position
  rates on WGS-84 d(lat)/dt = v_n / (M + h), d(lon)/dt = v_e / ((N + h) cos lat) and the
  heading transport rate v_e tan(lat) / (N + h) (Titterton & Weston, Strapdown Inertial
  Navigation Technology, 2nd ed., sec. 3.5), midpoint integration. Not valid within a few
  km of the poles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.geo.enu import enu_to_ecef_vector_rad
from iads.geo.wgs84 import meridian_radius_m, prime_vertical_radius_m
from iads.threats import _nav, _routed_jit
from iads.threats.flight import BatchResult
from iads.threats.waypoint import pad_waypoints
from iads.units import G0_MPS2

__all__ = ["RouteParams", "fly_routed", "fly_routed_reference"]

F64 = NDArray[np.float64]
TAU_PSI_S = 1.0  # heading-error time constant of the lateral loop [s]
TAU_H_S = 4.0  # height-error time constant of the vertical loop [s]
LOOKAHEAD_S = 6.0  # cross-track look-ahead L1 = max(LOOKAHEAD_S v_g, 1.5 R_turn) [s]
DT_MAX_S = 0.2  # largest integration step [s]

TERMINAL_NONE, TERMINAL_DIVE, TERMINAL_POPUP = 0, 1, 2


@dataclass(frozen=True)
class RouteParams:
    """One threat's routed-flight parameters, SI (what each spec kind reduces to).

    ``waypoints_lla`` (k, 3) deg/deg/m; ``height_cmd_m`` (k,) the height commanded on the
    leg ending at each waypoint (index 0 is the start height); ``terminal`` one of
    TERMINAL_*; angles in radians.
    """

    waypoints_lla: F64
    height_cmd_m: F64
    speed_mps: float
    launch_t_s: float
    max_load_factor: float
    climb_rate_mps: float
    weave_amplitude_m: float = 0.0
    weave_wavelength_m: float = 1.0
    terminal: int = TERMINAL_NONE
    popup_altitude_m: float = 0.0
    popup_range_m: float = 0.0
    dive_angle_rad: float = 0.5


def _wrap(a: F64) -> F64:
    return (a + np.pi) % (2.0 * np.pi) - np.pi


class _Batch:
    """Struct of arrays of the routed threats of one ``fly`` call (m threats)."""

    def __init__(self, params: Sequence[RouteParams]) -> None:
        m = len(params)
        self.rows = np.arange(m)
        self.u_wp, h_wp, self.k = pad_waypoints([p.waypoints_lla for p in params])
        self.h_wp = h_wp
        h_cmd = np.empty_like(h_wp)
        for i, p in enumerate(params):  # preparation only
            h_cmd[i, : p.height_cmd_m.size] = p.height_cmd_m
            h_cmd[i, p.height_cmd_m.size :] = p.height_cmd_m[-1]
        self.h_cmd = h_cmd

        def col(name: str) -> F64:
            return np.array([getattr(p, name) for p in params], dtype=float)

        self.v = col("speed_mps")
        self.launch = col("launch_t_s")
        self.g_lat = G0_MPS2 * np.sqrt(col("max_load_factor") ** 2 - 1.0)  # lateral accel
        self.climb = col("climb_rate_mps")
        # Vertical acceleration limit of climb/descent transitions: min(n - 1, 1) g.
        self.a_vert = G0_MPS2 * np.minimum(col("max_load_factor") - 1.0, 1.0)
        # Vertical acceleration of the terminal dive's pull-over and pursuit: (n - 1) g.
        self.a_dive = G0_MPS2 * (col("max_load_factor") - 1.0)
        self.weave_a = col("weave_amplitude_m")
        self.weave_k = 2.0 * np.pi / col("weave_wavelength_m")
        self.terminal = col("terminal").astype(int)
        self.popup_h = col("popup_altitude_m")
        self.popup_r = col("popup_range_m")
        self.dive = col("dive_angle_rad")
        self.last_leg = self.k - 2
        # Leg great-circle poles and fly-by turn anticipation angle at each waypoint.
        a, b = self.u_wp[:, :-1], self.u_wp[:, 1:]
        pole = np.cross(a, b)
        norm = np.linalg.norm(pole, axis=-1, keepdims=True)
        self.pole = pole / np.where(norm > 0.0, norm, 1.0)  # pads: zero legs, never active
        course_in = _wrap(_nav.bearing(b, a) + np.pi)  # (m, k_max - 1): arriving at wp j + 1
        course_out = _nav.bearing(a, b)  # leaving wp j
        turn = np.zeros(h_wp.shape)
        turn[:, 1:-1] = np.abs(_wrap(course_out[:, 1:] - course_in[:, :-1]))
        self.half_tan = np.tan(np.minimum(turn, np.deg2rad(170.0)) / 2.0)  # (m, k_max)
        self.leg_m = _nav.R_NAV_M * _nav.central_angle(a, b)
        self.psi0 = course_out[:, 0]


def _guidance(bt: _Batch, lat, lon, h, psi, j, s, diving, hdot0, dt):
    """Commanded heading rate, vertical rate, ground speed and leg geometry."""
    r = bt.rows
    u = _nav.unit_vector(lat, lon)
    b = bt.u_wp[r, j + 1]
    pole = bt.pole[r, j]
    east, north = _nav.east_north(u)
    d = np.cross(pole, u)
    psi_leg = np.arctan2(np.sum(d * east, -1), np.sum(d * north, -1))
    xt = _nav.R_NAV_M * np.arcsin(np.clip(np.sum(u * pole, -1), -1.0, 1.0))  # left > 0
    rem = _nav.R_NAV_M * np.arctan2(np.sum(np.cross(u, b) * pole, -1), np.sum(u * b, -1))
    last = j == bt.last_leg
    h_t = bt.h_wp[r, j + 1]
    popup = last & (bt.terminal == TERMINAL_POPUP) & (rem <= bt.popup_r)
    h_cmd = np.where(popup, bt.popup_h, bt.h_cmd[r, j + 1])
    los = np.arctan2(h - h_t, np.maximum(rem, 1e-3))
    # Dive entry led by the pull-over (vertical rate reaching v sin(dive) at a_dive): the
    # line of sight from where the pull-over ends.
    t_po = bt.v * np.sin(bt.dive) / bt.a_dive
    los_lead = np.arctan2(
        h - h_t - 0.5 * bt.v * np.sin(bt.dive) * t_po,
        np.maximum(rem - 0.5 * bt.v * (1.0 + np.cos(bt.dive)) * t_po, 1e-3),
    )
    entry = (los >= bt.dive) | (los_lead >= bt.dive)
    diving = diving | (last & (bt.terminal != TERMINAL_NONE) & entry)
    hdot = np.clip((h_cmd - h) / TAU_H_S, -bt.climb, bt.climb)
    hdot = hdot0 + np.clip(hdot - hdot0, -bt.a_vert * dt, bt.a_vert * dt)
    d_cmd = -bt.v * np.sin(np.maximum(los, bt.dive))  # the dive line, then pursuit
    hdot_dive = hdot0 + np.clip(d_cmd - hdot0, -bt.a_dive * dt, bt.a_dive * dt)
    hdot = np.where(diving, hdot_dive, hdot)
    vg = np.sqrt(np.maximum(bt.v**2 - hdot**2, 0.0))
    omega = bt.g_lat / np.maximum(vg, 1e-3)
    weave = (bt.weave_a > 0.0) & ~popup & ~diving
    ks = bt.weave_k * s
    y_w = np.where(weave, bt.weave_a * np.sin(ks), 0.0)
    slope = np.where(weave, bt.weave_a * bt.weave_k * np.cos(ks), 0.0)
    l1 = np.maximum(LOOKAHEAD_S * vg, 1.5 * vg / omega)
    chi_cmd = psi_leg + np.arctan((xt - y_w) / l1) - np.arctan(slope)
    # The course is commanded on the navigation sphere; the heading that flies it on the
    # ellipsoid moves lat/lon in the same direction: tan(psi) = tan(chi) (N + h)/(M + h).
    psi_cmd = np.arctan2(
        np.sin(chi_cmd) * (prime_vertical_radius_m(lat) + h),
        np.cos(chi_cmd) * (meridian_radius_m(lat) + h),
    )
    psidot = np.clip(_wrap(psi_cmd - psi) / TAU_PSI_S, -omega, omega)
    return psidot, hdot, vg, rem, last, diving, vg / omega


def _advance(lat, lon, h, psi, psidot, hdot, vg, dt):
    """Midpoint step of the WGS-84 position rates and heading (with transport rate)."""
    psi_m = psi + 0.5 * psidot * dt
    vn, ve = vg * np.cos(psi_m), vg * np.sin(psi_m)
    lat_m = lat + 0.5 * dt * vn / (meridian_radius_m(lat) + h)
    h_m = h + 0.5 * dt * hdot
    n_r = prime_vertical_radius_m(lat_m) + h_m
    lat2 = lat + dt * vn / (meridian_radius_m(lat_m) + h_m)
    lon2 = lon + dt * ve / (n_r * np.cos(lat_m))
    psi2 = _wrap(psi + dt * (psidot + ve * np.tan(lat_m) / n_r))
    return lat2, _wrap(lon2), h + dt * hdot, psi2


def _start(params: Sequence[RouteParams]) -> tuple[F64, F64, F64]:
    """Start latitude, longitude [rad] and height [m] (m,) of each threat."""
    wp0 = np.deg2rad(np.array([p.waypoints_lla[0] for p in params]))
    return wp0[:, 0], wp0[:, 1], np.array([p.waypoints_lla[0, 2] for p in params])


def _to_ecef(rec: F64, t_ref: F64, t_s: F64) -> tuple[F64, F64]:
    """ECEF pos, vel (n_t, m, 3) of recorded geodetic states ``rec`` (6, n_t, m), extended
    at constant velocity from the recorded state's time ``t_ref`` (n_t, m) to ``t_s``."""
    lat_r, lon_r, h_r = rec[0], rec[1], rec[2]
    pos = _nav.to_ecef(lat_r, lon_r, h_r)
    vel = np.stack(enu_to_ecef_vector_rad(rec[3], rec[4], rec[5], lat_r, lon_r), axis=-1)
    return pos + vel * (t_s[:, None] - t_ref)[..., None], vel


def fly_routed(params: Sequence[RouteParams], t_s: F64) -> BatchResult:
    """Fly routed threats at the sample times ``t_s`` (n_t,); see the module docstring.

    Returns pos (n_t, m, 3) [m], vel (n_t, m, 3) [m/s] (WGS-84 ECEF), launch_t_s (m,),
    end_t_s (m,) [s] (``inf`` for threats still flying at ``t_s[-1]``). Compiled
    integration (``_routed_jit``), each threat over its active window only; agrees with
    ``fly_routed_reference`` to rounding.
    """
    bt = _Batch(params)
    start = np.stack([*_start(params), bt.psi0], axis=-1)
    jit = _routed_jit
    par = np.empty((len(params), jit.N_PAR))
    cols = {
        jit.P_LAUNCH: bt.launch, jit.P_V: bt.v, jit.P_G_LAT: bt.g_lat, jit.P_CLIMB: bt.climb,
        jit.P_A_VERT: bt.a_vert, jit.P_WEAVE_A: bt.weave_a, jit.P_WEAVE_K: bt.weave_k,
        jit.P_TERMINAL: bt.terminal, jit.P_POPUP_H: bt.popup_h, jit.P_POPUP_R: bt.popup_r,
        jit.P_DIVE: bt.dive, jit.P_A_DIVE: bt.a_dive,
    }  # fmt: skip
    for c, values in cols.items():
        par[:, c] = values
    cst = (TAU_H_S, TAU_PSI_S, LOOKAHEAD_S, float(TERMINAL_NONE), float(TERMINAL_POPUP))
    rec, t_ref, end = jit.integrate(
        np.ascontiguousarray(t_s, dtype=float), bt.u_wp, bt.pole, bt.h_wp, bt.h_cmd,
        bt.half_tan, bt.last_leg, start, par, DT_MAX_S, cst,
    )  # fmt: skip
    pos, vel = _to_ecef(rec, t_ref, t_s)
    return pos, vel, bt.launch, end


def fly_routed_reference(params: Sequence[RouteParams], t_s: F64) -> BatchResult:
    """``fly_routed`` in numpy, vectorized over threats at every step (the reference the
    compiled path is tested against; same arguments and result)."""
    bt = _Batch(params)
    m, n_t = len(params), t_s.shape[0]
    lat, lon, h = _start(params)
    psi = bt.psi0.copy()
    j = np.zeros(m, dtype=np.int64)
    s = np.zeros(m)
    diving = np.zeros(m, dtype=bool)
    done = np.zeros(m, dtype=bool)
    end = np.full(m, np.inf)
    vel_enu = np.stack([bt.v * np.sin(psi), bt.v * np.cos(psi), np.zeros(m)])  # (3, m)
    rec = np.empty((6, n_t, m))  # lat, lon, h, v_e, v_n, v_u at each sample
    t_ref = np.empty((n_t, m))  # time of the recorded state (extension below)

    def record(k: int, t: float) -> None:
        rec[0, k], rec[1, k], rec[2, k] = lat, lon, h
        rec[3:, k] = vel_enu
        t_ref[k] = np.where(done, end, np.where(t < bt.launch, bt.launch, t))

    record(0, 0.0)
    for k in range(1, n_t):
        t0, t1 = t_s[k - 1], t_s[k]
        n_sub = int(np.ceil((t1 - t0) / DT_MAX_S - 1e-9))
        h_sub = (t1 - t0) / n_sub
        for i in range(n_sub):
            ta = t0 + i * h_sub
            tb = ta + h_sub
            dt = np.where(done, 0.0, np.clip(tb - np.maximum(ta, bt.launch), 0.0, h_sub))
            if not np.any(dt > 0.0):
                continue
            psidot, hdot, vg, rem, last, dive2, r_turn = _guidance(
                bt, lat, lon, h, psi, j, s, diving, vel_enu[2], dt
            )
            new = _advance(lat, lon, h, psi, psidot, hdot, vg, dt)
            u_new = _nav.unit_vector(new[0], new[1])
            b = bt.u_wp[bt.rows, j + 1]
            pole = bt.pole[bt.rows, j]
            rem2 = _nav.R_NAV_M * np.arctan2(
                np.sum(np.cross(u_new, b) * pole, -1), np.sum(u_new * b, -1)
            )
            h_t = bt.h_wp[bt.rows, j + 1]
            moving = dt > 0.0
            ended = moving & last & ((rem2 <= 0.0) | (dive2 & (new[2] <= h_t)))
            if np.any(ended):
                # Pull the ending threats back to the crossing instant (linear in the step).
                f_r = np.where(rem2 <= 0.0, rem / np.maximum(rem - rem2, 1e-12), 1.0)
                f_h = np.where(
                    dive2 & (new[2] <= h_t), (h - h_t) / np.maximum(h - new[2], 1e-12), 1.0
                )
                frac = np.clip(np.minimum(f_r, f_h), 0.0, 1.0)
                dt = np.where(ended, frac * dt, dt)
                new = _advance(lat, lon, h, psi, psidot, hdot, vg, dt)
                end = np.where(ended, np.maximum(ta, bt.launch) + dt, end)
            lat, lon, h, psi = (
                np.where(moving, x_new, x) for x_new, x in zip(new, (lat, lon, h, psi), strict=True)
            )
            s = s + vg * dt
            diving = np.where(moving, dive2, diving)
            vel_enu = np.where(
                moving, np.stack([vg * np.sin(psi), vg * np.cos(psi), hdot]), vel_enu
            )
            done = done | ended
            switch = moving & ~last & ~ended & (rem2 <= r_turn * bt.half_tan[bt.rows, j + 1])
            j = j + switch
        record(k, float(t1))

    pos, vel = _to_ecef(rec, t_ref, t_s)
    return pos, vel, bt.launch, end
