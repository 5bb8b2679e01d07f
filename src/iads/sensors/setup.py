"""Building the sensing arrays of a run from catalog radar entries and the scenario:
radar parameters in SI with documented defaults for figures the catalog does not give,
the scheduling of each radar, the Pd tables, target RCS tables, terrain and jammers.

Called once by ``iads.engine.build``; everything the hot path needs is precomputed here.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from iads.geo import geodetic_to_ecef, line_of_sight_clear
from iads.sensors.chain import PdBank, SensingWorld
from iads.sensors.clutter import n_resolution_cells
from iads.sensors.radar import RadarArrays, reference_snr_db, rotations
from iads.sensors.radar_equation import noise_power_w, snr_db
from iads.sensors.terrain import load_terrain
from iads.units import C_MPS

__all__ = ["DEFAULTS", "radar_arrays", "sensing_world"]

#: Figures used when a catalog radar entry does not give them: (value, rationale). Each
#: one actually used by a run is listed among the run's assumed figures.
DEFAULTS: dict[str, tuple[float, str]] = {
    "ref_pd": (0.5, "a published detection range is read as 50 % single-dwell detection"),
    "pfa": (1e-6, "conventional false-alarm probability per resolution cell"),
    "min_elevation_deg": (0.0, "search beam down to the horizontal"),
    "max_elevation_deg": (85.0, "search coverage up to near the zenith"),
    "antenna_height_m": (0.0, "antenna at the site's height"),
    "n_pulses": (1.0, "one (coherently integrated) pulse train per dwell"),
    "search_revisit_s": (5.0, "phased-array search frame of a few seconds"),
    "gain_db": (35.0, "typical gain of a surface-to-air radar antenna (1-2 degree beam)"),
    "noise_figure_db": (3.0, "typical receiver noise figure"),
    "bandwidth_hz": (1e6, "1 MHz noise bandwidth (1 us pulse, matched filter)"),
    "losses_db": (6.0, "typical total system losses"),
    "sidelobe_level_db": (-30.0, "mean sidelobe level of a low-sidelobe antenna"),
    "frequency_hz": (3e9, "S band assumed when the band is not given"),
}
# Nominal band centres (IEEE Std 521-2019 letter bands).
_BANDS = {"VHF": 0.2e9, "UHF": 0.45e9, "L": 1.5e9, "S": 3e9, "C": 6e9, "X": 10e9, "KU": 15e9}
_ROTATING = ("surveillance", "low_altitude")


def _fig(entry: Any, name: str) -> float | None:
    f = getattr(entry, name, None)
    return None if f is None else float(f.value)


def radar_arrays(
    rows: list[dict[str, Any]],
    rng: np.random.Generator,
    dt_s: float,
    bank: PdBank,
    need_jamming: bool = False,
) -> tuple[RadarArrays, NDArray[np.float64], list[dict[str, Any]]]:
    """Radar arrays for ``rows`` (dicts with ``key``, ``unit``, ``entry`` (RadarEntry) and
    ``pos`` (scenario Position)); ``rng`` draws one sweep phase per radar; ``dt_s`` the
    engine step. Returns the arrays, the reference SNR (r, 5) and the assumed defaults
    used (dicts like ``iads.catalog.loader.assumed_figures``)."""
    used: list[dict[str, Any]] = []

    def get(i: int, name: str, *, needed: bool = True) -> float:
        v = _fig(rows[i]["entry"], name)
        if v is not None:
            return v
        value, why = DEFAULTS[name]
        if needed:
            used.append({"entry": f"radars.{rows[i]['key']}", "field": name, "value": value,
                         "rationale": f"iads.sensors default: {why}"})  # fmt: skip
        return value

    n = len(rows)
    e = [row["entry"] for row in rows]
    rng_phase = rng.random(n)
    cols: dict[str, list[float]] = {k: [] for k in (
        "lat", "lon", "h", "snr1", "pfa", "npulse", "maxr", "minel", "maxel", "rot", "sweep",
        "track", "ntr", "sr", "sa", "srr", "res", "baz", "bel", "lam", "gain", "sll",
        "noise", "bw", "fa", "refpd", "refr", "refs",
    )}  # fmt: skip
    snr_eq: list[float] = []
    for i, row in enumerate(rows):
        ent = e[i]
        c = cols
        c["lat"].append(row["pos"].lat)
        c["lon"].append(row["pos"].lon)
        c["h"].append(row["pos"].alt_m + get(i, "antenna_height_m"))
        c["pfa"].append(get(i, "pfa"))
        c["npulse"].append(int(get(i, "n_pulses")))
        c["maxr"].append(float(ent.instrumented_range_m.value))
        c["minel"].append(math.radians(get(i, "min_elevation_deg")))
        c["maxel"].append(math.radians(get(i, "max_elevation_deg")))
        rot = ent.role in _ROTATING
        revisit = float(ent.revisit_s.value)
        c["rot"].append(rot)
        c["sweep"].append(revisit if rot else get(i, "search_revisit_s"))
        c["track"].append(math.inf if rot else revisit)
        c["ntr"].append(int(_fig(ent, "n_tracked") or 10**9))
        c["sr"].append(float(ent.range_sigma_m.value))
        c["sa"].append(math.radians(float(ent.angle_sigma_deg.value)))
        c["srr"].append(_fig(ent, "range_rate_sigma_mps") or math.nan)
        # Resolution from the accuracies, as the catalog's rationales state them: range
        # accuracy ~1/3 of a range cell, angle accuracy ~1/5 of a beamwidth.
        res = _fig(ent, "range_resolution_m")
        c["res"].append(res if res is not None else 3.0 * c["sr"][-1])
        baz = _fig(ent, "beamwidth_az_deg")
        c["baz"].append(math.radians(baz) if baz is not None else 5.0 * c["sa"][-1])
        bel = _fig(ent, "beamwidth_el_deg")
        c["bel"].append(math.radians(bel) if bel is not None else c["baz"][-1])
        c["refpd"].append(get(i, "ref_pd"))
        c["refr"].append(float(ent.ref_range_m.value))
        c["refs"].append(float(ent.ref_rcs_m2.value))
        full = _fig(ent, "peak_power_w") is not None and _fig(ent, "gain_db") is not None
        jam = need_jamming or full
        freq = _fig(ent, "frequency_hz")
        if freq is None:
            band = (ent.band or "").upper().split()[0] if ent.band else ""
            freq = _BANDS.get(band) or get(i, "frequency_hz", needed=jam)
        c["lam"].append(C_MPS / freq)
        c["gain"].append(get(i, "gain_db", needed=jam))
        c["sll"].append(get(i, "sidelobe_level_db", needed=need_jamming))
        tau = _fig(ent, "pulse_width_s")
        bw = _fig(ent, "bandwidth_hz") or (1.0 / tau if tau else get(i, "bandwidth_hz",
                                                                        needed=jam))  # fmt: skip
        c["bw"].append(bw)
        nf = get(i, "noise_figure_db", needed=jam)
        c["noise"].append(float(noise_power_w(nf, bandwidth_hz=bw)))
        if full:
            snr_eq.append(float(snr_db(
                _fig(ent, "peak_power_w"), c["gain"][-1], c["gain"][-1], c["lam"][-1], 1.0,
                1.0, nf, bandwidth_hz=bw, losses_db=get(i, "losses_db"),
            )))  # fmt: skip
        else:
            snr_eq.append(math.nan)
        # False alarms per sweep over the searched box. Elevation cells count only when
        # the catalog gives an elevation beamwidth (else one fan beam in elevation); a
        # phased array confirms each search detection with a second dwell, so only Pfa^2
        # of its cells report one.
        el_ext = c["maxel"][-1] - c["minel"][-1] if bel is not None else 0.0
        cells = float(n_resolution_cells(0.0, c["maxr"][-1], c["res"][-1], 2 * math.pi,
                                         c["baz"][-1], el_ext, c["bel"][-1]))  # fmt: skip
        c["fa"].append(cells * c["pfa"][-1] * (1.0 if rot else c["pfa"][-1]))
    a = {k: np.array(v, dtype=float) for k, v in cols.items()}
    npulse = a["npulse"].astype(np.int64)
    ref = np.stack(
        [reference_snr_db(a["refpd"], a["pfa"], sw, npulse) for sw in range(5)], axis=-1
    ).reshape(n, 5)
    # SNR at 1 m against 1 m^2: radar equation when given, else scaled from the reference.
    eq = np.array(snr_eq).reshape(n, 1)
    from_ref = ref + 40.0 * np.log10(a["refr"])[:, None] - 10.0 * np.log10(a["refs"])[:, None]
    snr1 = np.where(np.isnan(eq), from_ref, eq)
    table = np.array(
        [[bank.index(a["pfa"][i], sw, int(npulse[i])) for sw in range(5)] for i in range(n)],
        dtype=np.int64,
    ).reshape(n, 5)
    sweep, track = a["sweep"], a["track"]
    # Processing period: the sweep cut into engine steps; no longer than the track period.
    proc = np.minimum(sweep / np.maximum(np.ceil(sweep / dt_s - 1e-9), 1.0), track)
    sweep_phase = rng_phase * sweep
    lat_r, lon_r = np.deg2rad(a["lat"]), np.deg2rad(a["lon"])
    radars = RadarArrays(
        keys=tuple(row["key"] for row in rows),
        unit=np.array([row["unit"] for row in rows], dtype=np.int64),
        pos_ecef_m=np.stack(geodetic_to_ecef(a["lat"], a["lon"], a["h"]), -1).reshape(-1, 3),
        lat_rad=lat_r,
        lon_rad=lon_r,
        height_m=a["h"],
        rot_enu=rotations(lat_r, lon_r).reshape(-1, 3, 3),
        snr1_db=snr1,
        pfa=a["pfa"],
        n_pulses=npulse,
        table=table,
        max_range_m=a["maxr"],
        min_el_rad=a["minel"],
        max_el_rad=a["maxel"],
        rotating=a["rot"].astype(bool),
        sweep_s=sweep,
        sweep_phase_s=sweep_phase,
        track_s=track,
        n_tracked=a["ntr"].astype(np.int64),
        revisit_s=proc,
        phase_s=np.mod(sweep_phase, proc) if n else proc,
        sigma_range_m=a["sr"],
        sigma_angle_rad=a["sa"],
        sigma_rr_mps=a["srr"],
        range_res_m=a["res"],
        beam_az_rad=a["baz"],
        beam_el_rad=a["bel"],
        wavelength_m=a["lam"],
        gain_db=a["gain"],
        sidelobe_db=a["sll"],
        noise_w=a["noise"],
        bandwidth_hz=a["bw"],
        fa_per_sweep=a["fa"],
    )
    return radars, ref, used


def sensing_world(
    sc: Any,
    source: str,
    radars: RadarArrays,
    names: tuple[str, ...],
    type_keys: tuple[str, ...],
    catalog: Any,
    bank: PdBank,
) -> SensingWorld:
    """Per-threat RCS tables and Swerling cases, terrain and jammers of scenario ``sc``
    (``source`` its file, for relative terrain paths; ``names``/``type_keys`` the threat
    rows)."""
    rcs = []
    for k in type_keys:
        t = catalog.threats[k]
        f = t.rcs_front_m2.value
        s = t.rcs_side_m2.value if t.rcs_side_m2 is not None else f
        r = t.rcs_rear_m2.value if t.rcs_rear_m2 is not None else f
        rcs.append([f, s, r])
    rcs_db = 10.0 * np.log10(np.array(rcs, dtype=float).reshape(-1, 3))
    sw = np.array([catalog.threats[k].swerling for k in type_keys], dtype=np.int64)
    terrain = None
    if sc.terrain is not None:
        p = Path(source)
        terrain = load_terrain(sc.terrain, p.parent if p.exists() else None)
    world = SensingWorld(rcs_db, sw, bank, terrain)
    soj = [j for j in sc.jammers if j.kind == "standoff"]
    ssj = [j for j in sc.jammers if j.kind == "self_screening"]
    if ssj:
        erp = np.zeros(len(names))
        bw = np.ones(len(names))
        for j in ssj:
            on = np.array([nm == j.escorts or nm.startswith(j.escorts + ".") for nm in names])
            erp[on] += j.erp_w
            bw[on] = j.bandwidth_hz
        world.ssj_erp_w, world.ssj_bandwidth_hz = erp, bw
    if soj:
        pj = np.stack(geodetic_to_ecef(
            np.array([j.position.lat for j in soj]), np.array([j.position.lon for j in soj]),
            np.array([j.position.alt_m for j in soj]),
        ), -1).reshape(-1, 3)  # fmt: skip
        erp = np.array([j.erp_w for j in soj])
        bwj = np.array([j.bandwidth_hz for j in soj])
        d = pj[None, :, :] - radars.pos_ecef_m[:, None, :]  # (r, j, 3)
        enu = np.einsum("rik,rjk->rji", radars.rot_enu, d)
        rj = np.linalg.norm(enu, axis=-1)
        clear = line_of_sight_clear(radars.pos_ecef_m[:, None, :], pj[None, :, :])
        frac = np.minimum(1.0, radars.bandwidth_hz[:, None] / bwj[None, :])
        lam = radars.wavelength_m[:, None]
        # Main-beam J/N of each stand-off jammer (TP 8347 §4.7), zero behind the horizon.
        j_w = erp * frac * lam**2 * 10.0 ** (radars.gain_db[:, None] / 10.0) / (
            (4.0 * np.pi) ** 2 * rj**2
        )
        world.soj_jn = np.where(clear, j_w / radars.noise_w[:, None], 0.0)
        world.soj_dir_enu = enu / rj[..., None]
        world.soj_pos_ecef_m, world.soj_erp_w, world.soj_bandwidth_hz = pj, erp, bwj
    return world
