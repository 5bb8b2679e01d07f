"""Suppression of the defense: anti-radiation missiles (ARMs) fired by aircraft at the
radars they detect passively, and what an ARM does to the radar it reaches (docs/sead.md).

Truth rule: an attacker decides from what the defense emits, never from its internal
state. An aircraft carrying ARMs (pooled slots, ``iads.engine.spawn``) fires one at a
radar when its seeker would detect that radar's emission now (one-way equation, frequency
coverage, 4/3-earth line of sight: ``iads.sensors.passive``) inside the ARM's launch
range: one ARM per radar per aircraft, the nearest detected radar first, at most one
launch per aircraft per step. The emitter is located where it radiates from (first-order:
a passive fix of a static emitter).

The ARM flies straight at that position at its catalog speed (a first-order waypoint
flight) and can be detected, tracked and engaged by the defense like any other threat.
Its miss distance at the end is drawn from a circular Gaussian of per-axis

    σ(t_s) = sqrt(σ_h² + (k t_s)²),  k = sqrt((σ_θ v)² + δv²),

where t_s is how long the emitter has been silent at the ARM's arrival (0 if it
radiates): σ_h the homing accuracy on a radiating emitter; σ_θ v t_s the cross-range
error of the seeker's last bearing fix (σ_θ) taken at the range v t_s the missile still
had to fly when the emitter stopped (v its speed); δv t_s the drift of its inertial
memory flight (velocity error δv). The first-order model grows linearly with silence; a
radar that radiates again before the arrival is reacquired (t_s restarts at 0). A radar
within the lethal radius is destroyed, within the damage radius damaged: either way it
is silent for the rest of the run (``radar_destroyed``), its unit's and network's
picture lose its measurements (and the tracks no other live radar of theirs covers,
``iads.engine.links``) and its unit loses the guidance it gave. A command post within its
kill radius of the impact point is destroyed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.engine.links import destroy_radar, warhead_arrival
from iads.engine.spawn import launch_pooled
from iads.sensors.passive import emitter_erp_w, passive_detected
from iads.state import FLYING, NOT_LAUNCHED, RunState, lla
from iads.threats import WaypointFlight

__all__ = ["ArmState", "arm_arrival", "arm_launches", "miss_sigma_m", "setup_attack"]


@dataclass
class ArmState:
    """Per threat (shape (n,)) the ARM figures of its type (NaN for non-ARMs), the radar
    each launched ARM flies at (-1: none), and per (carrier, radar) (n, r) whether that
    carrier has fired at that radar. ``erp_w`` (r,) is each radar's main-beam ERP."""

    is_arm: NDArray[np.bool_]
    sensitivity_dbm: NDArray[np.float64]
    gain_db: NDArray[np.float64]
    fmin_hz: NDArray[np.float64]
    fmax_hz: NDArray[np.float64]
    launch_range_m: NDArray[np.float64]
    speed_mps: NDArray[np.float64]
    homing_sigma_m: NDArray[np.float64]
    bearing_sigma_rad: NDArray[np.float64]
    drift_mps: NDArray[np.float64]
    lethal_m: NDArray[np.float64]
    damage_m: NDArray[np.float64]
    erp_w: NDArray[np.float64]
    target_radar: NDArray[np.int64]
    fired: NDArray[np.bool_]


def setup_attack(rs: RunState) -> None:
    """Set ``rs.arm`` when the run holds pooled ARM slots (else leave it None)."""
    b = rs.built
    th = b.threats
    entries = [b.catalog.threats[k].anti_radiation for k in th.type_key]
    is_arm = np.array([e is not None for e in entries], dtype=bool) & th.pooled
    if not is_arm.any():
        return

    def fig(name: str) -> NDArray[np.float64]:
        return np.array([float(getattr(e, name).value) if e is not None else np.nan
                         for e in entries], dtype=float)  # fmt: skip

    ra = b.radars
    rs.arm = ArmState(
        is_arm=is_arm,
        sensitivity_dbm=fig("seeker_sensitivity_dbm"),
        gain_db=fig("seeker_gain_db"),
        fmin_hz=fig("min_frequency_hz"),
        fmax_hz=fig("max_frequency_hz"),
        launch_range_m=fig("max_launch_range_m"),
        speed_mps=np.array([b.catalog.threats[k].cruise_speed_mps.value for k in th.type_key],
                           dtype=float),  # fmt: skip
        homing_sigma_m=fig("homing_sigma_m"),
        bearing_sigma_rad=np.deg2rad(fig("bearing_sigma_deg")),
        drift_mps=fig("ins_drift_mps"),
        lethal_m=fig("lethal_radius_m"),
        damage_m=fig("damage_radius_m"),
        erp_w=emitter_erp_w(ra.snr1_db[:, 1], ra.gain_db, ra.wavelength_m, ra.noise_w),
        target_radar=np.full(th.n, -1, np.int64),
        fired=np.zeros((th.n, ra.n), bool),
    )


def miss_sigma_m(
    silent_s: NDArray[np.float64] | float,
    homing_sigma_m: NDArray[np.float64] | float,
    bearing_sigma_rad: NDArray[np.float64] | float,
    speed_mps: NDArray[np.float64] | float,
    drift_mps: NDArray[np.float64] | float,
) -> NDArray[np.float64]:
    """Per-axis miss σ [m] of an ARM whose emitter has been silent ``silent_s`` [s] at its
    arrival (first-order model of the module docstring)."""
    k2 = (np.asarray(bearing_sigma_rad) * speed_mps) ** 2 + np.asarray(drift_mps) ** 2
    return np.sqrt(np.asarray(homing_sigma_m) ** 2 + k2 * np.asarray(silent_s, float) ** 2)


def arm_launches(rs: RunState, t_s: float, pos_ecef_m: NDArray[np.float64],
                 active: NDArray[np.bool_]) -> None:  # fmt: skip
    """Fire the ARMs that carriers decide to fire at ``t_s`` from their passive detection
    of the radars radiating now (``pos_ecef_m`` (n, 3) threat positions, ``active`` (n,)
    flying)."""
    a, em = rs.arm, rs.emission
    if a is None or em is None:
        return
    radiating = np.flatnonzero(em.on & ~em.lost)
    if radiating.size == 0:
        return
    th = rs.built.threats
    free = np.flatnonzero(a.is_arm & (rs.status == NOT_LAUNCHED))
    if free.size == 0:
        return
    carriers, first = np.unique(th.parent[free], return_index=True)
    slot = free[first]  # each carrier's next ARM
    ok = active[carriers] & (rs.status[carriers] == FLYING)
    carriers, slot = carriers[ok], slot[ok]
    if carriers.size == 0:
        return
    ra = rs.built.radars
    det, rng_m = passive_detected(
        ra.pos_ecef_m[radiating], a.erp_w[radiating], ra.wavelength_m[radiating],
        pos_ecef_m[carriers], a.gain_db[slot], a.sensitivity_dbm[slot], a.fmin_hz[slot],
        a.fmax_hz[slot],
    )  # fmt: skip
    det &= rng_m <= a.launch_range_m[slot][:, None]
    det &= ~a.fired[carriers][:, radiating]
    go = np.flatnonzero(det.any(axis=1))
    if go.size == 0:
        return
    pick = np.argmin(np.where(det[go], rng_m[go], np.inf), axis=1)
    r = radiating[pick]
    c, s = carriers[go], slot[go]
    c_lat, c_lon, c_h = lla(pos_ecef_m[c])
    specs = [
        WaypointFlight(
            np.array([[c_lat[k], c_lon[k], c_h[k]],
                      [np.rad2deg(ra.lat_rad[r[k]]), np.rad2deg(ra.lon_rad[r[k]]),
                       ra.height_m[r[k]]]]),  # fmt: skip
            float(a.speed_mps[s[k]]),
            t_s,
        )
        for k in range(go.size)  # a loop over this step's launches
    ]
    a.fired[c, r] = True
    a.target_radar[s] = r
    launch_pooled(rs, s, specs, [{"radar": ra.keys[int(x)], "radar_id": int(x),
                                  "range_m": round(float(rng_m[g, p]), 1)}
                                 for x, g, p in zip(r, go, pick, strict=True)])  # fmt: skip


def arm_arrival(rs: RunState, i: int) -> None:
    """ARM ``i`` reached the position of the radar it was fired at: draw its miss from the
    emitter's silence, destroy or damage the radar inside the radii, log ``arm_impact``
    (and ``radar_destroyed``)."""
    a, em = rs.arm, rs.emission
    if a is None or em is None or a.target_radar[i] < 0:
        return
    r = int(a.target_radar[i])
    t = float(rs.truth.end_t_s[i])
    silent = 0.0 if em.on[r] or np.isnan(em.off_since_s[r]) else t - float(em.off_since_s[r])
    sigma = float(miss_sigma_m(silent, a.homing_sigma_m[i], a.bearing_sigma_rad[i],
                               a.speed_mps[i], a.drift_mps[i]))  # fmt: skip
    xy = rs.rng["weapons"].standard_normal(2)  # drawn for every arrival: aligned streams
    miss = sigma * float(np.hypot(xy[0], xy[1]))
    effect = ("destroyed" if miss <= a.lethal_m[i] else
              "damaged" if miss <= a.damage_m[i] else "none")  # fmt: skip
    if em.lost[r]:
        effect = "none"  # already out of action
    ra = rs.built.radars
    lat, lon = float(np.rad2deg(ra.lat_rad[r])), float(np.rad2deg(ra.lon_rad[r]))
    ids = dict(threat_id=i, radar_id=r, unit_id=int(ra.unit[r]), lat_deg=lat, lon_deg=lon,
               alt_m=float(ra.height_m[r]))  # fmt: skip
    rs.log.add("arm_impact", t, details=[{"radar": ra.keys[r], "silent_s": round(silent, 3),
               "miss_sigma_m": round(sigma, 2), "miss_distance_m": round(miss, 2),
               "effect": effect}], **ids)  # fmt: skip
    if rs.links is not None:  # a command post near the impact point (iads.engine.links)
        point = ra.pos_ecef_m[r] + sigma * (xy[0] * ra.rot_enu[r, 0] + xy[1] * ra.rot_enu[r, 1])
        warhead_arrival(rs, point, t, i, strike=False)
    if effect != "none":
        destroy_radar(rs, r, t, effect, i)
