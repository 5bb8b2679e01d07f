"""Reactive aircraft: a behaviour model that re-plans their path during the run from what
their own radar warning receiver (RWR) hears, and the small kinematic state it flies.

Only aircraft with ``behaviour: reactive`` are here; every other threat stays on its
precomputed, vectorized truth (``iads.threats.fly``). A reactive aircraft rides its
precomputed route until its first reaction; from then on this model integrates it step
by step and writes its samples into the run's ``Truth`` (so the sensors, the flyout and
the scoring see the path it really flew).

Behaviour (first-order; the model figures ``behaviour`` of the catalog,
``catalog/data/model.yaml``):

* **warning** (``hear``): the RWR reports a fire-control radar's track beam or a missile's
  guidance directed at the aircraft (``iads.sensors.rwr``: emissions only, never the
  defense's internal decisions). The aircraft keeps the direction of the nearest such
  emitter.
* **evade**: ``reaction_s`` after the first warning (crew and RWR processing), it turns
  away: ``notch`` flies perpendicular to the line of sight to the emitter (the side
  nearer its heading), so its radial velocity, what a pulse-Doppler radar measures,
  falls towards zero; ``egress`` turns its back on the emitter. It holds its height.
* **resume**: ``clear_s`` after the last warning it flies back to the end of the route
  leg it left (direct, great-circle bearing) and on along its waypoints to the end.

Kinematics (the routed kernel's first-order laws, ``iads.threats.routed``): constant true
speed v; heading rate towards the commanded heading with time constant ``TAU_PSI_S``,
limited to the coordinated-turn rate omega = g sqrt(n^2 - 1) / v_g (Anderson,
Introduction to Flight, 7th ed., sec. 6.17); vertical rate towards the commanded height
with time constant ``TAU_H_S``, limited to the climb rate; position rates on WGS-84
d(lat)/dt = v_n / (M + h), d(lon)/dt = v_e / ((N + h) cos lat) (Titterton & Weston, 2nd
ed., sec. 3.5), explicit Euler steps of at most ``DT_MAX_S``; the heading transport rate
is neglected (leg ends are steered to by bearing, so no drift accumulates). A waypoint is
passed when it lies within one turn radius v^2 / (g sqrt(n^2 - 1)). The leg an aircraft
was on when it left its route is the one its precomputed flight had reached at constant
ground speed (great-circle leg lengths). Not valid within a few km of the poles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.geo.ecef import ecef_to_geodetic_rad, geodetic_to_ecef_rad
from iads.geo.enu import ecef_to_enu_vector_rad, enu_to_ecef_vector_rad
from iads.geo.wgs84 import MEAN_RADIUS_M, meridian_radius_m, prime_vertical_radius_m
from iads.threats.aircraft import AircraftFlight
from iads.threats.truth import Truth
from iads.units import G0_MPS2

__all__ = ["Reactive", "turn_rate_limit_radps"]

F64 = NDArray[np.float64]
TAU_PSI_S = 1.0  # heading-error time constant (as iads.threats.routed) [s]
TAU_H_S = 4.0  # height-error time constant (as iads.threats.routed) [s]
DT_MAX_S = 0.5  # largest integration step [s]

ROUTE, EVADE = 0, 1

def turn_rate_limit_radps(speed_mps: F64, max_load_factor: F64) -> F64:
    """Coordinated-turn rate limit g sqrt(n^2 - 1) / v [rad/s] (Anderson, sec. 6.17)."""
    return G0_MPS2 * np.sqrt(max_load_factor**2 - 1.0) / speed_mps


def _wrap(a: F64) -> F64:
    return (a + np.pi) % (2.0 * np.pi) - np.pi


def _bearing(lat: F64, lon: F64, lat2: F64, lon2: F64) -> tuple[F64, F64]:
    """Initial great-circle bearing [rad, from north, clockwise] and distance [m] on the
    mean sphere from (lat, lon) to (lat2, lon2) [rad] (haversine; e.g. Williams, Aviation
    Formulary)."""
    dlon = lon2 - lon
    c2 = np.cos(lat2)
    y = np.cos(lat) * np.sin(lat2) - np.sin(lat) * c2 * np.cos(dlon)
    brg = np.arctan2(np.sin(dlon) * c2, y)
    a = np.sin((lat2 - lat) / 2) ** 2 + np.cos(lat) * c2 * np.sin(dlon / 2) ** 2
    return brg, 2.0 * MEAN_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


@dataclass
class Reactive:
    """The behaviour and kinematic state of the reactive aircraft of one run, arrays over
    them (shape (m,)); ``idx`` their threat indices. Made by :meth:`new`; the run writes
    ``truth`` (a private copy) as it advances."""

    idx: NDArray[np.int64]
    truth: Truth
    speed: F64
    n_max: F64
    climb: F64
    launch: F64
    wp_lat: F64  # (m, k) waypoint latitudes [rad] (padded with the last one)
    wp_lon: F64  # (m, k) waypoint longitudes [rad]
    wp_h: F64  # (m, k) heights commanded on the leg ending at each waypoint [m]
    n_wp: NDArray[np.int64]  # (m,) waypoints of each route
    cum_m: list[F64]  # per aircraft (k,) cumulative great-circle distance at each waypoint
    egress: NDArray[np.bool_]
    reaction_s: float = 2.0  # RWR warning to the start of the turn [s]
    clear_s: float = 10.0  # last RWR warning to resuming the route [s]
    t_s: float = 0.0  # time of the integrated state (a sample time of truth)
    deviated: NDArray[np.bool_] | None = None
    mode: NDArray[np.int64] | None = None
    leg: NDArray[np.int64] | None = None  # index of the waypoint flown to
    evade_t: F64 | None = None  # when a scheduled evasion starts (inf: none)
    last_warn_t: F64 | None = None  # last RWR warning [s] (-inf: none)
    emitter: F64 | None = None  # (m, 3) ECEF of the emitter evaded
    em_lat: F64 | None = None  # its latitude and longitude [rad]
    em_lon: F64 | None = None
    lat: F64 | None = None
    lon: F64 | None = None
    h: F64 | None = None
    psi: F64 | None = None
    hdot: F64 | None = None
    h_hold: F64 | None = None
    switches: list | None = None  # (t, "evade"/"resume", index) since last drained
    ended: NDArray[np.bool_] | None = None  # route end reached (end_t_s set)
    reported: NDArray[np.bool_] | None = None  # route end handed to the loop

    @classmethod
    def new(
        cls,
        idx: NDArray[np.int64],
        specs: tuple,
        truth: Truth,
        egress: NDArray[np.bool_],
        reaction_s: float,
        clear_s: float,
    ) -> Reactive:
        """The state before the first step for the threats ``idx`` (their ``specs`` are
        ``AircraftFlight``), with the model figures ``reaction_s`` and ``clear_s`` [s];
        ``truth`` is copied, so the caller's is never written."""
        m = idx.size
        rp = [specs[int(i)].route_params() for i in idx]
        for i in idx:
            if not isinstance(specs[int(i)], AircraftFlight):
                raise TypeError(f"threat {int(i)}: a reactive threat flies an AircraftFlight")
        k_max = max(p.waypoints_lla.shape[0] for p in rp)
        wp_lat, wp_lon, wp_h = np.zeros((m, k_max)), np.zeros((m, k_max)), np.zeros((m, k_max))
        cum = []
        for a, p in enumerate(rp):  # preparation only: one route per aircraft
            w = np.deg2rad(p.waypoints_lla[:, :2])
            k = w.shape[0]
            wp_lat[a], wp_lon[a] = w[-1, 0], w[-1, 1]
            wp_lat[a, :k], wp_lon[a, :k] = w[:, 0], w[:, 1]
            wp_h[a] = p.height_cmd_m[-1]
            wp_h[a, :k] = p.height_cmd_m
            _, seg = _bearing(w[:-1, 0], w[:-1, 1], w[1:, 0], w[1:, 1])
            cum.append(np.concatenate([[0.0], np.cumsum(seg)]))
        own = truth.copy(full=np.asarray(idx, np.int64))  # re-planned: every sample writable
        z = np.zeros(m)
        return cls(
            idx=np.asarray(idx, np.int64),
            truth=own,
            speed=np.array([p.speed_mps for p in rp], float),
            n_max=np.array([p.max_load_factor for p in rp], float),
            climb=np.array([p.climb_rate_mps for p in rp], float),
            launch=np.array([p.launch_t_s for p in rp], float),
            wp_lat=wp_lat,
            wp_lon=wp_lon,
            wp_h=wp_h,
            n_wp=np.array([p.waypoints_lla.shape[0] for p in rp], np.int64),
            cum_m=cum,
            egress=np.asarray(egress, bool),
            reaction_s=float(reaction_s),
            clear_s=float(clear_s),
            deviated=np.zeros(m, bool),
            mode=np.full(m, ROUTE, np.int64),
            leg=np.ones(m, np.int64),
            evade_t=np.full(m, np.inf),
            last_warn_t=np.full(m, -np.inf),
            emitter=np.zeros((m, 3)),
            em_lat=z.copy(),
            em_lon=z.copy(),
            lat=z.copy(), lon=z.copy(), h=z.copy(), psi=z.copy(), hdot=z.copy(),
            h_hold=z.copy(),
            switches=[],
            ended=np.zeros(m, bool),
            reported=np.zeros(m, bool),
        )  # fmt: skip

    # -- decisions ----------------------------------------------------------------------
    def hear(self, t_s: float, warned: NDArray[np.bool_], emitter_ecef: F64) -> None:
        """The RWR's warnings at ``t_s`` for the reactive aircraft (``warned`` (m,), the
        emitter heard (m, 3)): a first warning schedules the turn ``reaction_s`` later;
        every warning keeps the aircraft evading until ``clear_s`` after it."""
        w = np.asarray(warned, bool) & ~self.ended
        if not w.any():
            return
        start = w & (self.mode != EVADE) & ~np.isfinite(self.evade_t)
        self.evade_t[start] = t_s + self.reaction_s
        self.last_warn_t[w] = t_s
        self.emitter[w] = emitter_ecef[w]
        e = emitter_ecef[w]
        lat, lon, _ = ecef_to_geodetic_rad(e[:, 0], e[:, 1], e[:, 2])
        self.em_lat[w], self.em_lon[w] = lat, lon

    def next_decision_t(self) -> float:
        """Earliest scheduled change of behaviour (turn or resume) after the state's time."""
        cand = np.concatenate([self.evade_t, self.last_warn_t + self.clear_s])
        cand = cand[np.isfinite(cand) & (cand > self.t_s)]
        return float(cand.min()) if cand.size else np.inf

    # -- motion -------------------------------------------------------------------------
    def advance(self, t_to: float, alive: NDArray[np.bool_]) -> None:
        """Integrate to the first sample time of ``truth`` at or after ``t_to`` and write the
        deviated aircraft's samples; ``alive`` (n,) marks threats still flying."""
        tr = self.truth
        h_s = tr.dt_s
        k_end = min(int(np.ceil(t_to / h_s - 1e-9)), tr.t_s.size - 1)
        k = int(round(self.t_s / h_s))
        n_sub = max(1, int(np.ceil(h_s / DT_MAX_S - 1e-9)))
        dt = h_s / n_sub
        live = alive[self.idx]
        while k < k_end:
            for s in range(n_sub):
                t = k * h_s + s * dt
                self._switch(t, live)
                fly = self.deviated & live & ~self.ended
                if fly.any():
                    self._step(np.flatnonzero(fly), t, dt)
            k += 1
            self.t_s = k * h_s
            # An aircraft that ended in this interval gets one more sample, continued at
            # its end velocity, so that its state at the end time interpolates right.
            just = self.ended & (self.truth.end_t_s[self.idx] > self.t_s - h_s - 1e-9)
            self._write(k, self.deviated & live & (~self.ended | just))

    def due_ends(self, t_s: float) -> NDArray[np.int64]:
        """Threat indices whose re-planned route ended at or before ``t_s`` (once each)."""
        sel = self.ended & ~self.reported & (self.truth.end_t_s[self.idx] <= t_s)
        self.reported |= sel
        return self.idx[sel]

    def _switch(self, t: float, live: NDArray[np.bool_]) -> None:
        """Mode changes scheduled at or before ``t``: start evading, or resume the route."""
        go = live & ~self.ended & (self.evade_t <= t + 1e-9)
        if go.any():
            new = go & ~self.deviated
            if new.any():
                self._leave_route(np.flatnonzero(new), t)
            self.mode[go] = EVADE
            self.evade_t[go] = np.inf
            self.h_hold[go] = self.h[go]
            self.switches += [(t, "evade", int(a)) for a in np.flatnonzero(go)]
        back = (self.mode == EVADE) & (self.last_warn_t + self.clear_s <= t + 1e-9)
        if back.any():
            self.mode[back] = ROUTE
            self.switches += [(t, "resume", int(a)) for a in np.flatnonzero(back)]

    def drain(self) -> list[tuple[float, str, int, NDArray[np.float64]]]:
        """The behaviour switches since the last call: (time, "evade" or "resume", threat
        index, emitter ECEF (3,)), in time order."""
        out = [(t, k, int(self.idx[a]), self.emitter[a].copy()) for t, k, a in self.switches]
        self.switches = []
        return out

    def _leave_route(self, j: NDArray[np.int64], t: float) -> None:
        """Start integrating aircraft ``j`` from their precomputed state at ``t``."""
        tr = self.truth
        p, v, _ = tr.state_of(self.idx[j], t)
        lat, lon, h = ecef_to_geodetic_rad(p[:, 0], p[:, 1], p[:, 2])
        e, n, u = ecef_to_enu_vector_rad(v[:, 0], v[:, 1], v[:, 2], lat, lon)
        self.lat[j], self.lon[j], self.h[j] = lat, lon, h
        self.psi[j] = np.arctan2(e, n)
        self.hdot[j] = u
        for a in j:  # a loop over the aircraft leaving their route at this instant
            s = self.speed[a] * (t - self.launch[a])
            cum = self.cum_m[a]
            self.leg[a] = int(min(np.searchsorted(cum, s, side="right"), cum.size - 1))
        self.deviated[j] = True
        tr.end_t_s[self.idx[j]] = np.inf  # the precomputed end no longer holds

    def _step(self, j: NDArray[np.int64], t: float, dt: float) -> None:
        lat, lon, h = self.lat[j], self.lon[j], self.h[j]
        v = self.speed[j]
        psi_cmd = np.empty(j.size)
        h_cmd = np.empty(j.size)
        ev = self.mode[j] == EVADE
        if ev.any():
            je = j[ev]
            brg, _ = _bearing(lat[ev], lon[ev], self.em_lat[je], self.em_lon[je])
            psi0 = self.psi[je]
            right = _wrap(psi0 - brg - np.pi / 2) ** 2 <= _wrap(psi0 - brg + np.pi / 2) ** 2
            notch = brg + np.where(right, np.pi / 2, -np.pi / 2)
            psi_cmd[ev] = np.where(self.egress[je], brg + np.pi, notch)
            h_cmd[ev] = self.h_hold[je]
        rt = ~ev
        if rt.any():
            jr = j[rt]
            leg = self.leg[jr]
            _, dist = _bearing(lat[rt], lon[rt], self.wp_lat[jr, leg], self.wp_lon[jr, leg])
            r_turn = v[rt] ** 2 / (G0_MPS2 * np.sqrt(self.n_max[jr] ** 2 - 1.0))
            passed = dist <= np.maximum(r_turn, 2.0 * v[rt] * dt)
            if passed.any():
                last = passed & (leg >= self.n_wp[jr] - 1)
                for a in jr[last]:  # the aircraft reaching the end of their route
                    self._end(int(a), t)
                self.leg[jr[passed & ~last]] += 1
                leg = self.leg[jr]
            brg, _ = _bearing(lat[rt], lon[rt], self.wp_lat[jr, leg], self.wp_lon[jr, leg])
            psi_cmd[rt] = brg
            h_cmd[rt] = self.wp_h[jr, leg]
        # Vertical: first-order lag towards the commanded height, rate-limited.
        hdot = np.clip((h_cmd - h) / TAU_H_S, -self.climb[j], self.climb[j])
        vg = np.sqrt(np.maximum(v**2 - hdot**2, 1e-6))
        # Lateral: heading-error lag, limited to the coordinated-turn rate.
        w_max = turn_rate_limit_radps(vg, self.n_max[j])
        rate = np.clip(_wrap(psi_cmd - self.psi[j]) / TAU_PSI_S, -w_max, w_max)
        psi = self.psi[j] + rate * dt
        vn, ve = vg * np.cos(psi), vg * np.sin(psi)
        self.lat[j] = lat + vn / (meridian_radius_m(lat) + h) * dt
        self.lon[j] = lon + ve / ((prime_vertical_radius_m(lat) + h) * np.cos(lat)) * dt
        self.h[j] = h + hdot * dt
        self.psi[j] = _wrap(psi)
        self.hdot[j] = hdot

    def _end(self, a: int, t: float) -> None:
        self.ended[a] = True
        self.truth.end_t_s[self.idx[a]] = t

    def _write(self, k: int, sel: NDArray[np.bool_]) -> None:
        """Samples k of the aircraft ``sel`` from the integrated state."""
        j = np.flatnonzero(sel)
        if j.size == 0:
            return
        lat, lon, h = self.lat[j], self.lon[j], self.h[j]
        vg = np.sqrt(np.maximum(self.speed[j] ** 2 - self.hdot[j] ** 2, 0.0))
        pos = np.stack(geodetic_to_ecef_rad(lat, lon, h), -1)
        vel = np.stack(
            enu_to_ecef_vector_rad(vg * np.sin(self.psi[j]), vg * np.cos(self.psi[j]),
                                   self.hdot[j], lat, lon), -1)  # fmt: skip
        end = self.truth.end_t_s[self.idx[j]]
        past = np.where(self.ended[j], self.truth.t_s[k] - end, 0.0)  # after the end [s]
        pos = pos + vel * past[:, None]
        self.truth.write(k, self.idx[j], pos, vel)
