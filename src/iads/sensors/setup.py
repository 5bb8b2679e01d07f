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
from iads.sensors.rcs import band_rcs_db
from iads.sensors.terrain import TerrainModel, load_terrain
from iads.units import C_MPS

__all__ = [
    "BEAMWIDTHS_PER_SIGMA",
    "DEFAULTS",
    "band_tables",
    "frequency_assumptions",
    "RANGE_CELLS_PER_SIGMA",
    "radar_arrays",
    "sensing_world",
    "scenario_terrain",
]

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
    "n_tracked": (1e9, "no limit on the targets given track dwells per update"),
    "gain_db": (35.0, "typical gain of a surface-to-air radar antenna (1-2 degree beam)"),
    "noise_figure_db": (3.0, "typical receiver noise figure"),
    "bandwidth_hz": (1e6, "1 MHz noise bandwidth (1 us pulse, matched filter)"),
    "losses_db": (6.0, "typical total system losses"),
    "sidelobe_level_db": (-30.0, "mean sidelobe level of a low-sidelobe antenna"),
    "frequency_hz": (3e9, "S band assumed when the band is not given"),
}
#: Resolution from the accuracy when a catalog radar gives no resolution figures, as the
#: catalog's own rationales relate them: (multiple of the accuracy, rationale).
RANGE_CELLS_PER_SIGMA = (3.0, "range accuracy about 1/3 of a range cell")
BEAMWIDTHS_PER_SIGMA: dict[str, tuple[float, str]] = {
    "multifunction": (20.0, "monopulse angle accuracy about 1/20 of the beamwidth"),
    "fire_control": (20.0, "monopulse angle accuracy about 1/20 of the beamwidth"),
    "surveillance": (5.0, "search-radar angle accuracy about 1/5 of the beamwidth"),
    "low_altitude": (5.0, "search-radar angle accuracy about 1/5 of the beamwidth"),
}
# Nominal band centres (IEEE Std 521-2019 letter bands).
_BANDS = {"VHF": 0.2e9, "UHF": 0.45e9, "L": 1.5e9, "S": 3e9, "C": 6e9, "X": 10e9, "KU": 15e9}
_ROTATING = ("surveillance", "low_altitude")

Columns = dict[str, NDArray[Any]]


class _Figures:
    """The figures of one catalog radar: the catalog's value, or a default that is then
    recorded (when the run needs it) among the assumed figures ``used``."""

    def __init__(self, key: str, entry: Any, used: list[dict[str, Any]]) -> None:
        self.key, self.entry, self._used = key, entry, used

    def given(self, name: str) -> float | None:
        """The catalog's value of ``name``, None when the entry does not give it."""
        f = getattr(self.entry, name, None)
        return None if f is None else float(f.value)

    def assume(self, name: str, value: float, why: str) -> float:
        """Record ``value`` as assumed for ``name`` and return it."""
        self._used.append({"entry": f"radars.{self.key}", "field": name, "value": value,
                           "rationale": f"iads.sensors default: {why}"})  # fmt: skip
        return value

    def get(self, name: str, *, needed: bool = True) -> float:
        """The catalog's value of ``name``, else its ``DEFAULTS`` value (recorded as
        assumed when ``needed``: when the run uses it)."""
        v = self.given(name)
        if v is not None:
            return v
        value, why = DEFAULTS[name]
        return self.assume(name, value, why) if needed else value


def radar_arrays(
    rows: list[dict[str, Any]],
    rng: np.random.Generator,
    dt_s: float,
    bank: PdBank,
    need_jamming: bool = False,
    terrain: TerrainModel | None = None,
) -> tuple[RadarArrays, NDArray[np.float64], list[dict[str, Any]]]:
    """Radar arrays for ``rows`` (dicts with ``key``, ``unit``, ``entry`` (RadarEntry) and
    ``pos`` (scenario Position)), each antenna its antenna height above the higher of its
    site's ``alt_m`` and the ``terrain`` there (a site stands on the ground: ``alt_m: 0``
    inland means the ground); ``rng`` draws one sweep phase per radar; ``dt_s`` the
    engine step. Returns the arrays, the reference SNR (r, 5) and the assumed defaults
    used (dicts like ``iads.catalog.loader.assumed_figures``)."""
    phase_fraction = rng.random(len(rows))
    used: list[dict[str, Any]] = []
    figs = [_Figures(row["key"], row["entry"], used) for row in rows]
    site = _site_columns(rows, figs, terrain)
    coverage = _coverage_columns(figs)
    scan = _scan_columns(figs, dt_s, phase_fraction)
    accuracy = _accuracy_columns(figs)
    rf = _rf_columns(figs, need_jamming)
    full_equation = rf.pop("snr_equation_db")
    coverage["fa_per_sweep"] = _false_alarms_per_sweep(figs, coverage, scan, accuracy)
    snr1_db, ref_snr_db, table = _snr_tables(coverage, full_equation, bank)
    for k in ("ref_pd", "ref_range_m", "ref_rcs_m2"):
        coverage.pop(k)
    order = {f"radars.{row['key']}": i for i, row in reversed(list(enumerate(rows)))}
    used.sort(key=lambda u: order[u["entry"]])  # radar by radar, in row order
    radars = RadarArrays(
        keys=tuple(row["key"] for row in rows),
        unit=np.array([row["unit"] for row in rows], dtype=np.int64),
        snr1_db=snr1_db,
        table=table,
        **site, **coverage, **scan, **accuracy, **rf,
    )  # fmt: skip
    return radars, ref_snr_db, used


def _site_columns(
    rows: list[dict[str, Any]], figs: list[_Figures], terrain: TerrainModel | None
) -> Columns:
    """Antenna position: geodetic (rad), height above the ellipsoid, ECEF, ENU rotation."""
    lat = np.array([row["pos"].lat for row in rows], dtype=float)
    lon = np.array([row["pos"].lon for row in rows], dtype=float)
    site = np.array([row["pos"].alt_m for row in rows], dtype=float)
    if terrain is not None and site.size:
        site = np.maximum(site, np.maximum(terrain(np.deg2rad(lat), np.deg2rad(lon)), 0.0))
    h = site + np.array([f.get("antenna_height_m") for f in figs], dtype=float)
    lat_r, lon_r = np.deg2rad(lat), np.deg2rad(lon)
    return {
        "pos_ecef_m": np.stack(geodetic_to_ecef(lat, lon, h), -1).reshape(-1, 3),
        "lat_rad": lat_r,
        "lon_rad": lon_r,
        "height_m": h,
        "rot_enu": rotations(lat_r, lon_r).reshape(-1, 3, 3),
    }


def _coverage_columns(figs: list[_Figures]) -> Columns:
    """Detection reference (range, RCS, Pd), Pfa, pulses, instrumented range, elevations."""
    return {
        "pfa": np.array([f.get("pfa") for f in figs], dtype=float),
        "n_pulses": np.array([int(f.get("n_pulses")) for f in figs], dtype=np.int64),
        "ref_pd": np.array([f.get("ref_pd") for f in figs], dtype=float),
        "ref_range_m": np.array([float(f.entry.ref_range_m.value) for f in figs], dtype=float),
        "ref_rcs_m2": np.array([float(f.entry.ref_rcs_m2.value) for f in figs], dtype=float),
        "max_range_m": np.array([float(f.entry.instrumented_range_m.value) for f in figs],
                                dtype=float),  # fmt: skip
        "min_el_rad": np.deg2rad([f.get("min_elevation_deg") for f in figs]).astype(float),
        "max_el_rad": np.deg2rad([f.get("max_elevation_deg") for f in figs]).astype(float),
    }


def _scan_columns(figs: list[_Figures], dt_s: float, phase_fraction: NDArray) -> Columns:
    """Search sweep and track-dwell periods and the stage's processing schedule. A
    rotating radar's ``revisit_s`` is its rotation; a phased array's is its track update,
    its search frame ``search_revisit_s``."""
    rotating = np.array([f.entry.role in _ROTATING for f in figs], dtype=bool)
    revisit = np.array([float(f.entry.revisit_s.value) for f in figs], dtype=float)
    rows = list(zip(figs, revisit, rotating, strict=True))
    sweep = np.array([r if rot else f.get("search_revisit_s") for f, r, rot in rows], dtype=float)
    track = np.where(rotating, np.inf, revisit)
    # Track dwells (phased arrays only): at most n_tracked targets per update.
    n_tracked = np.array([0 if rot else int(f.get("n_tracked")) for f, _, rot in rows],
                         dtype=np.int64)  # fmt: skip
    # Processing period: the sweep cut into engine steps; no longer than the track period.
    proc = np.minimum(sweep / np.maximum(np.ceil(sweep / dt_s - 1e-9), 1.0), track)
    sweep_phase = phase_fraction * sweep
    return {
        "rotating": rotating,
        "sweep_s": sweep,
        "sweep_phase_s": sweep_phase,
        "track_s": track,
        "n_tracked": n_tracked,
        "revisit_s": proc,
        "phase_s": np.mod(sweep_phase, proc) if len(figs) else proc,
    }


def _accuracy_columns(figs: list[_Figures]) -> Columns:
    """Measurement accuracies and resolution cells. Beamwidths and range resolution come
    from the catalog; a radar without them gets them from its accuracies by the ratios the
    catalog's rationales state (``RANGE_CELLS_PER_SIGMA``, ``BEAMWIDTHS_PER_SIGMA``),
    recorded as assumed figures."""
    cols: dict[str, list[float]] = {k: [] for k in ("sigma_range_m", "sigma_angle_rad",
        "sigma_rr_mps", "range_res_m", "beam_az_rad", "beam_el_rad")}  # fmt: skip
    for f in figs:
        sigma_r = float(f.entry.range_sigma_m.value)
        sigma_a_deg = float(f.entry.angle_sigma_deg.value)
        sigma_rr = f.given("range_rate_sigma_mps")
        res = f.given("range_resolution_m")
        if res is None:
            k, why = RANGE_CELLS_PER_SIGMA
            res = f.assume("range_resolution_m", k * sigma_r, f"{k:g} x range_sigma_m ({why})")
        baz = f.given("beamwidth_az_deg")
        if baz is None:
            k, why = BEAMWIDTHS_PER_SIGMA[f.entry.role]
            baz = f.assume("beamwidth_az_deg", k * sigma_a_deg,
                           f"{k:g} x angle_sigma_deg ({why})")  # fmt: skip
        bel = f.given("beamwidth_el_deg")
        if bel is None:
            why = "the azimuth beamwidth; one fan beam in the false-alarm cell count"
            bel = f.assume("beamwidth_el_deg", baz, why)
        cols["sigma_range_m"].append(sigma_r)
        cols["sigma_angle_rad"].append(math.radians(sigma_a_deg))
        cols["sigma_rr_mps"].append(math.nan if sigma_rr is None else sigma_rr)  # NaN: none
        cols["range_res_m"].append(res)
        cols["beam_az_rad"].append(math.radians(baz))
        cols["beam_el_rad"].append(math.radians(bel))
    return {k: np.array(v, dtype=float) for k, v in cols.items()}


def _rf_columns(figs: list[_Figures], need_jamming: bool) -> Columns:
    """Wavelength, antenna gain and sidelobes, receiver noise and bandwidth, and the SNR
    at 1 m against 1 m² from the full radar equation where power and gain are given
    (``snr_equation_db``, NaN elsewhere). Defaults are recorded only when used: for the
    radar equation or jamming."""
    cols: dict[str, list[float]] = {k: [] for k in ("wavelength_m", "gain_db", "sidelobe_db",
        "noise_w", "bandwidth_hz", "snr_equation_db")}  # fmt: skip
    for f in figs:
        power = f.given("peak_power_w")
        full = power is not None and f.given("gain_db") is not None
        needed = need_jamming or full
        freq = _given_frequency(f.entry)
        if freq is None:
            freq = f.get("frequency_hz", needed=needed)
        gain = f.get("gain_db", needed=needed)
        bw = f.given("bandwidth_hz")
        if bw is None:
            tau = f.given("pulse_width_s")
            bw = 1.0 / tau if tau is not None else f.get("bandwidth_hz", needed=needed)
        nf = f.get("noise_figure_db", needed=needed)
        lam = C_MPS / freq
        cols["wavelength_m"].append(lam)
        cols["gain_db"].append(gain)
        cols["sidelobe_db"].append(f.get("sidelobe_level_db", needed=need_jamming))
        cols["bandwidth_hz"].append(bw)
        cols["noise_w"].append(float(noise_power_w(nf, bandwidth_hz=bw)))
        cols["snr_equation_db"].append(float(snr_db(
            power, gain, gain, lam, 1.0, 1.0, nf, bandwidth_hz=bw, losses_db=f.get("losses_db"),
        )) if full else math.nan)  # fmt: skip
    return {k: np.array(v, dtype=float) for k, v in cols.items()}


def _given_frequency(entry: Any) -> float | None:
    """The catalog's frequency [Hz] of a radar: ``frequency_hz``, else the centre of its
    ``band`` letter (IEEE Std 521), else None."""
    if entry.frequency_hz is not None:
        return float(entry.frequency_hz.value)
    band = entry.band.upper().split()[0] if entry.band else ""
    return _BANDS.get(band)


def frequency_assumptions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The assumed-figure records of the radars of ``rows`` (as :func:`radar_arrays`)
    whose frequency is the default: for a run in which the band matters (band-dependent
    RCS) even without jamming or the full radar equation."""
    value, why = DEFAULTS["frequency_hz"]
    return [{"entry": f"radars.{row['key']}", "field": "frequency_hz", "value": value,
             "rationale": f"iads.sensors default: {why}"}
            for row in rows if _given_frequency(row["entry"]) is None]  # fmt: skip


def band_tables(
    type_keys: tuple[str, ...], catalog: Any, freq_hz: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]] | None:
    """Mean RCS [dBsm] by aspect (front, side, rear) of each distinct threat type of
    ``type_keys`` at each radar frequency ``freq_hz`` (r,): ``(r, k, 3)``, and each
    threat's type row (n,); None when no type's RCS depends on the band (then every radar
    sees the catalog's figures). Types without ``rcs_band`` keep their figures at every
    frequency."""
    kinds = list(dict.fromkeys(type_keys))
    entries = [catalog.threats[k] for k in kinds]
    if not any(t.rcs_band is not None for t in entries):
        return None
    ref_db = 10.0 * np.log10(np.array([_aspects(t) for t in entries], dtype=float))
    cols = np.array([_band_params(t.rcs_band) for t in entries], dtype=float).reshape(-1, 5)
    f_ref, lim, expo, cap_m2, size_m = cols[:, 0], cols[:, 1], cols[:, 2], cols[:, 3], cols[:, 4]
    with np.errstate(divide="ignore"):
        cap_db = 10.0 * np.log10(cap_m2)
    tab = band_rcs_db(ref_db[None], freq_hz[:, None, None], f_ref[None, :, None],
                      lim[None, :, None], expo[None, :, None], cap_db[None, :, None],
                      0.5 * size_m[None, :, None])  # fmt: skip
    kind = np.array([kinds.index(k) for k in type_keys], dtype=np.int64)
    return np.ascontiguousarray(tab), kind


def _aspects(t: Any) -> list[float]:
    f = t.rcs_front_m2.value
    s = t.rcs_side_m2.value if t.rcs_side_m2 is not None else f
    r = t.rcs_rear_m2.value if t.rcs_rear_m2 is not None else f
    return [f, s, r]


def _band_params(b: Any) -> list[float]:
    """(reference frequency, shaping limit, exponent, cap [m^2], size [m]) of a threat's
    ``rcs_band`` (None: band-independent: no shaping loss, no roll-off)."""
    if b is None:
        return [1.0, 0.0, 0.0, math.inf, math.inf]
    v = lambda f, d: float(f.value) if f is not None else d  # noqa: E731
    return [float(b.reference_frequency_hz.value), v(b.shaping_limit_hz, 0.0),
            v(b.low_band_exponent, 0.0), v(b.low_band_max_m2, math.inf),
            v(b.size_m, math.inf)]  # fmt: skip


def _false_alarms_per_sweep(
    figs: list[_Figures], coverage: Columns, scan: Columns, accuracy: Columns
) -> NDArray[np.float64]:
    """Mean false alarms per sweep over the searched box: resolution cells times Pfa.
    Elevation cells count only when the catalog gives an elevation beamwidth (else one
    fan beam in elevation); a phased array confirms each search detection with a second
    dwell, so only Pfa^2 of its cells report one."""
    fa = np.empty(len(figs))
    for i, f in enumerate(figs):
        el_extent = (coverage["max_el_rad"][i] - coverage["min_el_rad"][i]
                     if f.given("beamwidth_el_deg") is not None else 0.0)  # fmt: skip
        cells = float(n_resolution_cells(
            0.0, coverage["max_range_m"][i], accuracy["range_res_m"][i], 2 * math.pi,
            accuracy["beam_az_rad"][i], el_extent, accuracy["beam_el_rad"][i],
        ))  # fmt: skip
        pfa = coverage["pfa"][i]
        fa[i] = cells * pfa * (1.0 if scan["rotating"][i] else pfa)
    return fa


def _snr_tables(
    coverage: Columns, snr_equation_db: NDArray[np.float64], bank: PdBank
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """SNR at 1 m against 1 m² per Swerling case (r, 5): the radar equation where given,
    else scaled from the reference detection (SNR giving ``ref_pd`` at ``ref_range_m``
    against ``ref_rcs_m2``, R^4 law); that reference SNR (r, 5); the Pd table index of
    each (radar, Swerling case) in ``bank`` (r, 5)."""
    n = coverage["pfa"].size
    pfa, n_pulses = coverage["pfa"], coverage["n_pulses"]
    ref = np.stack(
        [reference_snr_db(coverage["ref_pd"], pfa, sw, n_pulses) for sw in range(5)], axis=-1
    ).reshape(n, 5)
    from_ref = (ref + 40.0 * np.log10(coverage["ref_range_m"])[:, None]
                - 10.0 * np.log10(coverage["ref_rcs_m2"])[:, None])  # fmt: skip
    eq = snr_equation_db.reshape(n, 1)
    snr1 = np.where(np.isnan(eq), from_ref, eq)
    table = np.array(
        [[bank.index(pfa[i], sw, int(n_pulses[i])) for sw in range(5)] for i in range(n)],
        dtype=np.int64,
    ).reshape(n, 5)
    return snr1, ref, table


_LOAD: Any = object()  # sensing_world's "load the scenario's terrain" default


def scenario_terrain(sc: Any, source: str) -> TerrainModel | None:
    """The terrain of scenario ``sc`` read from file ``source``: its ``terrain:`` entry, or
    the shipped elevation model when it has none; ``None`` when switched off."""
    p = Path(source)
    return load_terrain(sc.terrain, p.parent if p.exists() else None)


def sensing_world(
    sc: Any,
    source: str,
    radars: RadarArrays,
    names: tuple[str, ...],
    type_keys: tuple[str, ...],
    catalog: Any,
    bank: PdBank,
    terrain: Any = _LOAD,
) -> SensingWorld:
    """Per-threat RCS tables and Swerling cases, terrain and jammers of scenario ``sc``
    (``source`` its file, for relative terrain paths; ``names``/``type_keys`` the threat
    rows; ``terrain`` the scenario's when already loaded, see :func:`scenario_terrain`)."""
    rcs = [_aspects(catalog.threats[k]) for k in type_keys]
    rcs_db = 10.0 * np.log10(np.array(rcs, dtype=float).reshape(-1, 3))
    sw = np.array([catalog.threats[k].swerling for k in type_keys], dtype=np.int64)
    if terrain is _LOAD:
        terrain = scenario_terrain(sc, source)
    world = SensingWorld(rcs_db, sw, bank, terrain)
    band = band_tables(tuple(type_keys), catalog, C_MPS / radars.wavelength_m)
    if band is not None:
        world.rcs_band_db, world.rcs_kind = band
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

