"""The ``coverage`` chapter kind: what one battery's radars see of an airspace, and how long
the aircraft patrolling near it stay seen and engageable.

A chapter of this kind answers three questions about one defender (``unit``) of one
scenario and one of its airspaces (``airspace``: a country border or a polygon):

1. **Coverage.** At each of ``altitudes_m``, with the scenario's terrain and over a smooth
   (4/3-earth) earth, the area of the airspace where each radar of the unit, and the unit
   as a whole, detects the ``target`` (its catalog frontal RCS and Swerling case) with a
   single-dwell Pd >= ``pd_min``: the engine's sensing chain on a lon/lat grid of cell
   ``grid_km`` (:func:`iads.sensors.coverage.pd_at_points`: instrumented range, elevation
   limits, 4/3-earth horizon, terrain horizon masks, SNR, Pd). The unit's Pd at a point is
   ``1 - prod(1 - Pd_r)`` (one dwell of each radar, independent). Areas are sums of the
   spherical areas of the cells whose centre lies in the airspace (mean earth radius), as
   km² and as shares of the airspace and of its part within ``reach_km`` of the unit.
2. **First detection.** A Monte Carlo campaign of the scenario (``ctx.campaign``); per
   aircraft of ``side`` and type ``target``: the time after it appeared and the range at
   which the unit first detected it (the run summary's exposure rows: the sensing chain
   decides), mean with a 95 % t interval over the replications.
3. **Engagement zone and border.** The unit's engagement zone against the aircraft at its
   flight altitude and speed (their medians over the flights): the launch-now footprint of
   any of the unit's missile types for a target closing on the battery
   (:func:`iads.weapons.envelope.engagement_options`, altitude floors above the terrain),
   intersected with where the unit's engagement radars (catalog role ``multifunction`` or
   ``fire_control``: they guide the missiles) detect it with Pd >= ``pd_min`` (terrain
   line of sight, or smooth earth). Along each aircraft's flown path (the truth the engine
   flies, sampled at 1 s) until it ends or is shot down (the run's ``intercept`` event),
   the time inside that zone, with terrain and without, and inside both the zone and the
   airspace; the time inside the airspace comes from the run's airspace outputs
   (``airspace.parquet``/summary, crossings refined by bisection), the time across the
   border (outside the airspace) from the same 1 s path samples as the zone times. Means
   with 95 % intervals; losses with Wilson intervals.

Coverage is a deterministic function of the model (no sampling), so the terrain effects
are exact differences of the grid; their resolution is the grid cell.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import shapely
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from iads.study.chapter import ChapterContext, ChapterResult, Figure, fmt, register

__all__ = ["CoverageChapter", "CoverageKind", "airspace_grid", "zone_mask"]

_R_KM = 6371.0088  # mean earth radius [km] (iads.geo.wgs84.MEAN_RADIUS_M)
_BATTERY = "battery"
#: The two cases: (label, column prefix in the coverage table).
_CASES = (("terrain", "terrain"), ("smooth earth", "smooth"))


class CoverageChapter(BaseModel):
    """A ``coverage`` chapter block of a study file."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: Literal["coverage"]
    title: str = Field(min_length=1)
    question: str = Field(min_length=1)
    scenario: str = Field(min_length=1, description="built-in name or file (relative to "
                          "the study file)")  # fmt: skip
    airspace: str = Field(min_length=1, description="name of one of the scenario's airspaces")
    unit: str | None = Field(default=None, description="defender name (default: the first)")
    altitudes_m: list[float] = Field(default=[150.0, 1500.0, 9000.0], min_length=1,
                                     max_length=6)  # fmt: skip
    target: str = Field(default="f16", description="catalog threat: RCS, Swerling case, and "
                        "the type of the aircraft followed")  # fmt: skip
    side: Literal["neutral", "friendly", "hostile"] = "neutral"
    pd_min: float = Field(default=0.5, gt=0.0, lt=1.0)
    grid_km: float = Field(default=5.0, ge=0.5, le=100.0)
    quick_grid_km: float = Field(default=15.0, ge=0.5, le=200.0)
    reach_km: float | None = Field(default=None, gt=0.0, le=2000.0, description="default: "
                                   "the unit's longest missile range")  # fmt: skip
    replications: int | None = Field(default=None, ge=2, le=10_000, description="runs "
                                     "(at most the study's; --reps sets it)")  # fmt: skip


# -- geometry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """Cell centres ``lon_deg`` (nx,), ``lat_deg`` (ny,), their spherical areas
    ``area_km2`` (ny, nx) and ``inside`` (ny, nx): centre inside the airspace."""

    lon_deg: NDArray[np.float64]
    lat_deg: NDArray[np.float64]
    area_km2: NDArray[np.float64]
    inside: NDArray[np.bool_]

    @property
    def lat2d(self) -> NDArray[np.float64]:
        return np.broadcast_to(self.lat_deg[:, None], self.inside.shape)

    @property
    def lon2d(self) -> NDArray[np.float64]:
        return np.broadcast_to(self.lon_deg[None, :], self.inside.shape)


def airspace_grid(geom: Any, bounds: tuple[float, float, float, float], cell_km: float) -> Grid:
    """A lon/lat grid of cells about ``cell_km`` across over ``bounds`` (lon0, lat0, lon1,
    lat1) [deg]; cell areas on the sphere of the mean earth radius,
    ``R² Δλ (sin φ1 - sin φ0)``, and which cell centres ``geom`` (lon/lat) contains."""
    lon0, lat0, lon1, lat1 = bounds
    dlat = math.degrees(cell_km / _R_KM)
    mid = math.radians(0.5 * (lat0 + lat1))
    dlon = dlat / max(math.cos(mid), 0.05)
    ny = max(1, math.ceil((lat1 - lat0) / dlat))
    nx = max(1, math.ceil((lon1 - lon0) / dlon))
    lat_e = np.linspace(lat0, lat1, ny + 1)
    lon_e = np.linspace(lon0, lon1, nx + 1)
    lat = 0.5 * (lat_e[1:] + lat_e[:-1])
    lon = 0.5 * (lon_e[1:] + lon_e[:-1])
    band = np.diff(np.sin(np.deg2rad(lat_e)))  # (ny,)
    area = _R_KM**2 * np.deg2rad(np.diff(lon_e))[None, :] * band[:, None]
    glat, glon = np.meshgrid(lat, lon, indexing="ij")
    inside = shapely.contains_xy(geom, glon, glat)
    return Grid(lon, lat, area, inside)


def _distance_km(lat0: float, lon0: float, lat: NDArray, lon: NDArray) -> NDArray:
    """Great-circle distance [km] on the mean sphere (haversine)."""
    p0, p = math.radians(lat0), np.deg2rad(lat)
    a = (np.sin(0.5 * (p - p0)) ** 2
         + math.cos(p0) * np.cos(p) * np.sin(0.5 * np.deg2rad(lon - lon0)) ** 2)  # fmt: skip
    return 2.0 * _R_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    dlat = math.degrees(radius_km / _R_KM)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.05)
    return (lon - dlon, max(-89.9, lat - dlat), lon + dlon, min(89.9, lat + dlat))


def _meet(a: tuple, b: tuple) -> tuple[float, float, float, float]:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def zone_mask(
    built: Any,
    unit: int,
    lat_deg: NDArray[np.float64],
    lon_deg: NDArray[np.float64],
    alt_m: NDArray[np.float64] | float,
    speed_mps: float,
    rcs_m2: float,
    swerling: int,
    pd_min: float,
    fire_radars: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """Whether the unit ``unit`` of ``built`` can engage now a target at the points (p,)
    (``alt_m`` above the ellipsoid, raised over land as flights are) flying level toward
    it at ``speed_mps``: the predicted intercept point of some missile type the unit holds
    lies inside that type's envelope (altitude floors above ``built``'s terrain), and one
    of its engagement radars ``fire_radars`` detects the target with Pd >= ``pd_min``
    (line of sight over ``built``'s terrain)."""
    from iads.geo import geodetic_to_ecef
    from iads.sensors.coverage import pd_at_points
    from iads.sensors.terrain import flight_floor_m
    from iads.weapons.envelope import engagement_options

    lat = np.asarray(lat_deg, float).ravel()
    lon = np.asarray(lon_deg, float).ravel()
    h = np.broadcast_to(np.asarray(alt_m, float), lat.shape).copy()
    terrain = built.sensing.terrain if built.sensing is not None else None
    if terrain is not None:
        h = flight_floor_m(h, terrain(np.deg2rad(lat), np.deg2rad(lon)))
    pos = np.stack(geodetic_to_ecef(lat, lon, h), -1)
    launcher = built.units.pos_ecef_m[unit]
    # Level flight toward the battery: the horizontal direction to it at each point.
    d = launcher - pos
    up = pos / np.linalg.norm(pos, axis=1, keepdims=True)
    horiz = d - np.einsum("pi,pi->p", d, up)[:, None] * up
    norm = np.linalg.norm(horiz, axis=1, keepdims=True)
    vel = speed_mps * np.where(norm > 0, horiz / np.where(norm > 0, norm, 1.0), 0.0)
    held = np.flatnonzero(built.units.stock0[unit] > 0)
    ms = built.missiles
    sub = dataclasses.replace(
        ms, keys=tuple(ms.keys[i] for i in held),
        **{f.name: getattr(ms, f.name)[held] for f in dataclasses.fields(ms)
           if f.name != "keys" and getattr(ms, f.name) is not None},
    )  # fmt: skip
    ground = terrain if terrain is not None else None
    kin = engagement_options(sub, launcher, pos, vel, ground=ground).inside.any(axis=1)
    seen = np.zeros(lat.size, bool)
    if kin.any() and fire_radars.size:
        pd = pd_at_points(built, lat[kin], lon[kin], h[kin], rcs_m2, swerling)[fire_radars]
        seen[kin] = (pd >= pd_min).any(axis=0)
    return kin & seen


# -- the kind ---------------------------------------------------------------------------


def _variant_smooth(loaded: Any) -> Any:
    """``loaded`` over a smooth earth: ``terrain: {dem: none, hills: []}``."""
    from iads._yamlio import load_yaml
    from iads.scenario.loader import parse_scenario

    data, lines = load_yaml(loaded.text, loaded.source) if loaded.text else ({}, {})
    if not isinstance(data, dict) or not data:
        data = loaded.scenario.model_dump(mode="json", exclude_defaults=True)
    data = dict(data)
    data["terrain"] = {"dem": "none", "hills": []}
    base = loaded.base_catalog or loaded.catalog
    return parse_scenario(data, lines, base, loaded.source, loaded.text)


def _fail(spec: CoverageChapter, msg: str) -> None:
    from iads.errors import InputError

    raise InputError(f"study chapter '{spec.key}' ({spec.kind}): {msg}")


def _reps(spec: CoverageChapter, ctx: ChapterContext) -> int:
    """Runs: ``--reps`` when given (``ctx.reps_given``), else the chapter's count (at most
    the study's), 2 with ``--quick``; at least 2 (an interval needs them)."""
    if ctx.reps_given:
        return max(2, ctx.reps)
    n = ctx.reps if spec.replications is None else min(spec.replications, ctx.reps)
    return max(2, min(n, 2) if ctx.quick else n)


def _cell_km(spec: CoverageChapter, ctx: ChapterContext) -> float:
    return max(spec.quick_grid_km, spec.grid_km) if ctx.quick else spec.grid_km


class CoverageKind:
    """The ``coverage`` chapter kind (see the module docstring)."""

    name = "coverage"
    spec = CoverageChapter

    def estimate(self, spec: CoverageChapter, ctx: ChapterContext) -> int:
        """Replications, one tick per coverage grid (altitudes × 2) and per zone grid
        (2), and one for the path analysis."""
        return _reps(spec, ctx) + 2 * len(spec.altitudes_m) + 3

    def run(self, spec: CoverageChapter, ctx: ChapterContext) -> ChapterResult:
        from iads.campaign.spec import Campaign, Point
        from iads.engine import build
        from iads.engine.airspace import airspace_geometry

        loaded = ctx.scenario(spec.scenario)
        sc = loaded.scenario
        names = [a.name for a in sc.airspaces]
        if spec.airspace not in names:
            _fail(spec, f"airspace '{spec.airspace}' is not in scenario '{spec.scenario}' "
                  f"(its airspaces: {', '.join(names) or 'none'})")
        if spec.target not in loaded.catalog.threats:
            _fail(spec, f"target '{spec.target}' is not a catalog threat")
        geom = airspace_geometry(sc.airspaces[names.index(spec.airspace)])
        built = {"terrain": build(loaded), "smooth earth": build(_variant_smooth(loaded))}
        b = built["terrain"]
        units = list(b.units.names)
        unit = 0 if spec.unit is None else (units.index(spec.unit) if spec.unit in units
                                            else -1)  # fmt: skip
        if unit < 0:
            _fail(spec, f"unit '{spec.unit}' is not a defender of the scenario "
                  f"(defenders: {', '.join(units)})")
        entry = loaded.catalog.threats[spec.target]
        rcs_m2 = float(entry.rcs_front_m2.value)
        swerling = int(entry.swerling)
        lat_u, lon_u = float(b.units.lat_deg[unit]), float(b.units.lon_deg[unit])
        radars = np.flatnonzero(b.radars.unit == unit)
        held = np.flatnonzero(b.units.stock0[unit] > 0)
        reach_km = spec.reach_km or float(np.nanmax(b.missiles.max_range_m[held])) / 1e3
        see_km = float(min(np.max(b.radars.max_range_m[radars]), 800e3)) / 1e3
        cell = _cell_km(spec, ctx)

        # 1. Coverage of the airspace.
        g_all = airspace_grid(geom, geom.bounds, cell)
        box = _meet(geom.bounds, _box(lat_u, lon_u, see_km * 1.01))
        grid = airspace_grid(geom, box, cell)
        dist = _distance_km(lat_u, lon_u, grid.lat2d, grid.lon2d)
        air_km2 = float(g_all.area_km2[g_all.inside].sum())
        reach = grid.inside & (dist <= reach_km)
        reach_km2 = float(grid.area_km2[reach].sum())
        rows: dict[tuple[float, str], dict[str, Any]] = {}
        maps: dict[tuple[str, float], NDArray[np.bool_]] = {}
        keys = [b.radars.keys[r] for r in radars]
        for case, tag in _CASES:
            for alt in spec.altitudes_m:
                pd = pd_at_points(built[case], grid.lat2d.ravel(), grid.lon2d.ravel(), alt,
                                  rcs_m2, swerling)[radars]  # fmt: skip
                pd = pd.reshape(len(radars), *grid.inside.shape)
                net = 1.0 - np.prod(1.0 - pd, axis=0)
                maps[case, alt] = net >= spec.pd_min
                for label, cov in [*zip(keys, pd >= spec.pd_min, strict=True),
                                   (_BATTERY, net >= spec.pd_min)]:  # fmt: skip
                    km2 = float(grid.area_km2[cov & grid.inside].sum())
                    in_reach = float(grid.area_km2[cov & reach].sum())
                    row = rows.setdefault((float(alt), label),
                                          {"altitude_m": float(alt), "radar": label})
                    row[f"{tag}_km2"] = round(km2, 0)
                    row[f"{tag}_pct"] = round(100.0 * km2 / air_km2, 2)
                    if tag == "terrain":  # the share of the airspace within reach
                        row["terrain_reach_pct"] = (round(100.0 * in_reach / reach_km2, 2)
                                                    if reach_km2 > 0 else None)  # fmt: skip
                ctx.tick()
        for row in rows.values():
            lost = row["smooth_km2"] - row["terrain_km2"]
            row["hidden_km2"] = lost
            row["hidden_pct"] = (round(100.0 * lost / row["smooth_km2"], 1)
                                 if row["smooth_km2"] else None)  # fmt: skip
        order = sorted(rows, key=lambda k: (k[0], k[1] != _BATTERY))
        rows = [rows[k] for k in order]  # type: ignore[assignment]
        coverage_t = pa.Table.from_pylist(list(rows))

        # 2. Monte Carlo over the scenario (the sensing chain, tracking, c2, flyout).
        n_reps = _reps(spec, ctx)
        camp = Campaign(name=f"{spec.key}: {sc.name}", seed=ctx.seed,
                        replications=n_reps, points=(Point(0, {}, loaded, loaded.text),),
                        parameters=(), store_events=True)  # fmt: skip
        store = ctx.campaign("runs", camp)

        # 3. Paths, zone, border.
        per_rep, zone_info, paths = _paths(spec, b, built, unit, radars, store, n_reps,
                                           geom, rcs_m2, swerling)  # fmt: skip
        ctx.tick()
        zone_maps = {}
        zbox = _box(lat_u, lon_u, reach_km * 1.15)
        zgrid = airspace_grid(geom, zbox, max(cell / 2.0, 2.0) if not ctx.quick else cell)
        for case, _t in _CASES:
            zm = zone_mask(built[case], unit, zgrid.lat2d.ravel(), zgrid.lon2d.ravel(),
                           zone_info["alt_m"], zone_info["speed_mps"], rcs_m2, swerling,
                           spec.pd_min, zone_info["fire"])  # fmt: skip
            zone_maps[case] = zm.reshape(zgrid.inside.shape)
            ctx.tick()
        region_rows = [
            {"quantity": "airspace area", "terrain": "", "value": round(air_km2, 0),
             "unit": "km2"},
            {"quantity": f"airspace within {reach_km:.0f} km of the battery", "terrain": "",
             "value": round(reach_km2, 0), "unit": "km2"},
            {"quantity": "grid cell", "terrain": "", "value": cell, "unit": "km"},
            {"quantity": "engagement zone altitude", "terrain": "",
             "value": round(zone_info["alt_m"], 0), "unit": "m"},
            {"quantity": "engagement zone speed", "terrain": "",
             "value": round(zone_info["speed_mps"], 1), "unit": "m/s"},
        ]  # fmt: skip
        for case, _t in _CASES:
            zm = zone_maps[case]
            region_rows.append({"quantity": "engagement zone area", "terrain": case,
                                "value": round(float(zgrid.area_km2[zm].sum()), 0),
                                "unit": "km2"})  # fmt: skip
            region_rows.append({"quantity": "engagement zone area inside the airspace",
                                "terrain": case,
                                "value": round(float(zgrid.area_km2[zm & zgrid.inside].sum()),
                                               0), "unit": "km2"})  # fmt: skip
        regions_t = pa.Table.from_pylist(region_rows)
        detect_t, zone_t = _aircraft_tables(per_rep, float(sc.settings.duration_s))
        effect_t = _paired(per_rep, "zone_smooth_s", "zone_terrain_s")
        per_rep_t = pa.Table.from_pylist(per_rep) if per_rep else pa.table({})

        ctx_fig = _FigureContext(spec, b, geom, grid, maps, zgrid, zone_maps, paths,
                                 (lat_u, lon_u), reach_km, see_km, rcs_m2)  # fmt: skip
        figures = [_coverage_figure(ctx_fig), _zone_figure(ctx_fig)]
        result = _write_up(spec, sc, b, unit, keys, coverage_t, detect_t, zone_t, regions_t,
                           n_reps, cell, rcs_m2, reach_km, zone_info, ctx, effect_t)
        result.tables = {"coverage": coverage_t, "first_detection": detect_t,
                         "engagement_zone": zone_t, "terrain_effect_on_zone": effect_t,
                         "regions": regions_t, "replications": per_rep_t}  # fmt: skip
        result.shown = ["coverage", "first_detection", "engagement_zone",
                        "terrain_effect_on_zone", "regions"]
        result.figures = figures
        return result


def pd_at_points(*args: Any, **kw: Any) -> NDArray[np.float64]:
    """:func:`iads.sensors.coverage.pd_at_points` (imported when used)."""
    from iads.sensors.coverage import pd_at_points as f

    return f(*args, **kw)


# -- paths ------------------------------------------------------------------------------


def _paths(spec, b, built, unit, radars, store, n_reps, geom, rcs_m2, swerling):
    """Per replication and followed aircraft: first detection, time alive, in the zone
    (terrain, smooth), in zone and airspace, inside/outside the airspace, lost."""
    import pyarrow.parquet as pq

    from iads.campaign.analysis import read_rows
    from iads.engine.loop import _over_terrain
    from iads.geo.ecef import ecef_to_geodetic
    from iads.threats import fly

    th = b.threats
    side = {"neutral": th.neutral, "friendly": th.friendly, "hostile": th.hostile}[spec.side]
    follow = np.flatnonzero(side & (np.asarray(th.type_key) == spec.target))
    if follow.size == 0:
        _fail(spec, f"the scenario has no {spec.side} aircraft of type '{spec.target}'")
    if th.reactive[follow].any():
        _fail(spec, "the followed aircraft must fly their precomputed paths (behaviour: "
              "scripted): a reactive aircraft re-plans its path in each run")
    settings = b.scenario.settings
    truth = _over_terrain(b, fly(th.specs, settings.duration_s,
                                 min(1.0, settings.time_step_s)))  # fmt: skip
    t = truth.t_s
    dt = truth.dt_s
    pos = truth.pos_ecef_m[:, follow]  # (n_t, k, 3)
    lat, lon, h = ecef_to_geodetic(pos[..., 0], pos[..., 1], pos[..., 2])
    lat, lon, h = np.asarray(lat), np.asarray(lon), np.asarray(h)
    speed = np.linalg.norm(truth.vel_ecef_mps[:, follow], axis=-1)
    flying = (t[:, None] >= truth.launch_t_s[follow]) & (t[:, None] < np.minimum(
        truth.end_t_s[follow], settings.duration_s))  # fmt: skip
    roles = {k: b.catalog.radars[k].role for k in set(b.radars.keys)}
    fire = np.array([r for r in radars if roles[b.radars.keys[r]] in
                     ("multifunction", "fire_control")], np.int64)  # fmt: skip
    info = {"alt_m": float(np.median(h[flying])), "speed_mps": float(np.median(speed[flying])),
            "fire": fire}  # fmt: skip
    in_zone = {}
    for case, _t in _CASES:
        z = np.zeros(flying.shape, bool)
        sel = flying
        z[sel] = zone_mask(built[case], unit, lat[sel], lon[sel], h[sel], info["speed_mps"],
                           rcs_m2, swerling, spec.pd_min, fire)  # fmt: skip
        in_zone[case] = z
    in_air = np.zeros(flying.shape, bool)
    in_air[flying] = shapely.contains_xy(geom, lon[flying], lat[flying])
    rows_t = read_rows(store)
    summaries = [json.loads(s) for s in rows_t.column("summary_json").to_pylist()]
    reps = rows_t.column("rep").to_pylist()
    names = [th.names[i] for i in follow]
    out: list[dict[str, Any]] = []
    for rep, summ in zip(reps, summaries, strict=True):
        if rep >= n_reps:
            continue
        ev = pq.read_table(store.events_path(0, rep), columns=["time_s", "kind", "threat_id"])
        kind = np.asarray(ev.column("kind").cast(pa.string()).to_pylist(), dtype=object)
        tid = ev.column("threat_id").to_numpy()
        tev = ev.column("time_s").to_numpy()
        expo = {e["name"]: e["radars"] for e in summ.get("exposure", [])}
        air = {}
        for a in summ.get("airspace", []):
            if a.get("airspace") == spec.airspace:
                air = {r["name"]: r for r in a.get("aircraft", [])}
        for k, i in enumerate(follow):
            kills = tev[(kind == "intercept") & (tid == i)]
            end = min(float(kills.min()) if kills.size else math.inf,
                      float(truth.end_t_s[i]), float(settings.duration_s))  # fmt: skip
            launch = float(truth.launch_t_s[i])
            alive = flying[:, k] & (t < end)
            first = [r for r in expo.get(names[k], []) if r.get("first_time_s") is not None]
            first.sort(key=lambda r: r["first_time_s"])
            f0 = first[0] if first else None
            a = air.get(names[k], {})
            inside_s = float(a.get("time_inside_s", 0.0))
            alive_s = max(0.0, end - launch)
            out.append({
                "rep": int(rep), "aircraft": names[k],
                "first_detection_after_appearance_s": (
                    round(f0["first_time_s"] - launch, 3) if f0 else None),
                "first_detection_range_km": f0["first_range_km"] if f0 else None,
                "first_detection_radar": f0["radar"] if f0 else None,
                "seen_at_appearance": float(bool(f0 and f0.get("seen_at_launch"))),
                "flight_s": round(alive_s, 3),
                "zone_terrain_s": float(in_zone["terrain"][alive, k].sum() * dt),
                "zone_smooth_s": float(in_zone["smooth earth"][alive, k].sum() * dt),
                "zone_in_airspace_s": float((in_zone["terrain"] & in_air)[alive, k].sum() * dt),
                "inside_airspace_s": round(inside_s, 3),
                "outside_airspace_s": float((alive & ~in_air[:, k]).sum() * dt),
                "lost": float(kills.size > 0),
            })  # fmt: skip
    paths = {"lat": lat, "lon": lon, "flying": flying, "names": names}
    return out, info, paths


_DETECT = (("first_detection_after_appearance_s", "first seen after appearance [s]"),
           ("first_detection_range_km", "first detection range [km]"))  # fmt: skip
_ZONE = (("flight_s", "flight (until end or loss) [s]"),
         ("zone_terrain_s", "in engagement zone, terrain [s]"),
         ("zone_smooth_s", "in engagement zone, smooth earth [s]"),
         ("zone_in_airspace_s", "in zone and in airspace, terrain [s]"),
         ("inside_airspace_s", "inside the airspace [s]"),
         ("outside_airspace_s", "across the border [s]"))  # fmt: skip


def _mean_ci(
    x: list[float], clip: bool = True, upper: float | None = None
) -> tuple[int, float | None, float | None, float | None]:
    """n, mean and 95 % t interval of ``x``, clipped at 0 with ``clip`` (durations and
    ranges) and at ``upper`` (a duration cannot exceed the run's): clipping at a bound
    no value can pass never removes the true mean; a constant sample has the zero-width
    interval at its value."""
    from iads.campaign.stats import t_interval

    v = np.array([a for a in x if a is not None], float)
    if v.size == 0:
        return 0, None, None, None
    mean = math.fsum(v.tolist()) / v.size
    sd = float(np.std(v, ddof=1)) if v.size > 1 else math.nan
    lo, hi = t_interval(mean, sd, v.size)
    if v.size > 1 and sd == 0.0:
        lo = hi = mean
    lo = (max(0.0, lo) if clip else lo) if math.isfinite(lo) else None
    hi = (min(hi, upper) if upper is not None else hi) if math.isfinite(hi) else None
    return int(v.size), round(mean, 2), _r(lo), _r(hi)


def _paired(per_rep: list[dict[str, Any]], a: str, b: str) -> pa.Table:
    """Paired difference ``b - a`` per aircraft over the replications: mean, 95 % t
    interval, two-sided paired t test (constant differences: p = 0 unless all zero),
    Holm-corrected over the aircraft."""
    import scipy.stats as sps

    from iads.campaign.stats import holm

    rows = []
    for name in dict.fromkeys(r["aircraft"] for r in per_rep):
        d = np.array([r[b] - r[a] for r in per_rep if r["aircraft"] == name], float)
        n, mean, lo, hi = _mean_ci(d.tolist(), clip=False)
        sd = float(np.std(d, ddof=1)) if d.size > 1 else math.nan
        if d.size < 2:
            p = math.nan
        elif sd <= 1e-9 * max(abs(float(d.mean())), 1e-300):
            p = 1.0 if np.all(d == 0.0) else 0.0
        else:
            p = float(2.0 * sps.t.sf(abs(float(d.mean())) / (sd / math.sqrt(d.size)),
                                     d.size - 1))  # fmt: skip
        rows.append({"aircraft": name, "n": n, "difference_s": mean, "difference_s_lo": lo,
                     "difference_s_hi": hi, "p": p})  # fmt: skip
    ps = [r["p"] for r in rows]
    ok = [i for i, p in enumerate(ps) if math.isfinite(p)]
    adj, rej = holm([ps[i] for i in ok]) if ok else ([], [])
    for r in rows:
        r["p_holm"], r["significant"] = None, False
    for i, pa_, rj in zip(ok, adj, rej, strict=True):
        rows[i]["p_holm"], rows[i]["significant"] = float(pa_), bool(rj)
    return pa.Table.from_pylist(rows)


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def _aircraft_tables(
    per_rep: list[dict[str, Any]], duration_s: float
) -> tuple[pa.Table, pa.Table]:
    """Mean and 95 % interval per aircraft of the detection and zone metrics (long
    tables: one row per aircraft and metric); time intervals end at ``duration_s``."""
    from iads.campaign.stats import wilson_interval

    names = list(dict.fromkeys(r["aircraft"] for r in per_rep))
    det, zone = [], []
    for name in names:
        rs = [r for r in per_rep if r["aircraft"] == name]
        radars = [r["first_detection_radar"] for r in rs if r["first_detection_radar"]]
        # The most frequent; a tie goes to the one seen first in replication order
        # (Counter keeps insertion order: deterministic, unlike a set of strings).
        top = Counter(radars).most_common(1)[0][0] if radars else None
        seen0 = sum(r["seen_at_appearance"] for r in rs)
        for col, label in _DETECT:
            n, m, lo, hi = _mean_ci([r[col] for r in rs],
                                    upper=duration_s if col.endswith("_s") else None)
            det.append({"aircraft": name, "metric": label, "n": n, "mean": m, "mean_lo": lo,
                        "mean_hi": hi, "first_radar": top,
                        "seen_when_it_appeared": f"{seen0:.0f}/{len(rs)}"})  # fmt: skip
        for col, label in _ZONE:
            n, m, lo, hi = _mean_ci([r[col] for r in rs], upper=duration_s)
            zone.append({"aircraft": name, "metric": label, "n": n, "mean": m, "mean_lo": lo,
                         "mean_hi": hi})  # fmt: skip
        k = sum(r["lost"] for r in rs)
        lo, hi = wilson_interval(k, len(rs))
        zone.append({"aircraft": name, "metric": "P(shot down)", "n": len(rs),
                     "mean": round(k / len(rs), 3), "mean_lo": round(lo, 3),
                     "mean_hi": round(hi, 3)})  # fmt: skip
    return pa.Table.from_pylist(det), pa.Table.from_pylist(zone)


# -- write-up ---------------------------------------------------------------------------


def _cell(table: pa.Table, **where: Any) -> dict[str, Any]:
    for row in table.to_pylist():
        if all(row.get(k) == v for k, v in where.items()):
            return row
    raise KeyError(where)


def _fmt(x: float | int | None, nd: int | None = None) -> str:
    """A table cell as the study report shows it (:func:`iads.study.chapter.fmt`), so the
    text quotes exactly what the tables show. ``nd`` is ignored (kept for call sites)."""
    return fmt(x)


def _write_up(spec, sc, b, unit, keys, cov, det, zone, regions, n_reps, cell, rcs_m2,
              reach_km, info, ctx, effect) -> ChapterResult:
    numbers: dict[str, float] = {}
    air_km2 = _cell(regions, quantity="airspace area")["value"]
    numbers["airspace_km2"] = air_km2
    lines = []
    findings = []
    for alt in spec.altitudes_m:
        r = _cell(cov, altitude_m=float(alt), radar=_BATTERY)
        a = f"{alt:g}"
        for tag in ("terrain", "smooth"):
            numbers[f"battery_km2.{tag}.{a}"] = r[f"{tag}_km2"]
            numbers[f"battery_pct.{tag}.{a}"] = r[f"{tag}_pct"]
        lines.append(
            f"- at {alt:,.0f} m: {_fmt(r['terrain_km2'])} km² "
            f"({_fmt(r['terrain_pct'])} % of {spec.airspace}, "
            f"{_fmt(r['terrain_reach_pct'])} % of it within {reach_km:.0f} km) with "
            f"terrain; {_fmt(r['smooth_km2'])} km² ({_fmt(r['smooth_pct'])} %) over a smooth "
            "earth"
        )
        if r["smooth_km2"] and r["hidden_km2"]:
            lost, pct = r["hidden_km2"], r["hidden_pct"]
            numbers[f"hidden_by_terrain_km2.{a}"] = lost
            numbers[f"hidden_by_terrain_pct.{a}"] = pct
            findings.append(
                f"Terrain {'hides' if lost > 0 else 'adds'} {_fmt(abs(lost))} km² of "
                f"{spec.airspace} at {alt:,.0f} m ({_fmt(abs(pct))} % of the smooth-earth "
                f"coverage of {_fmt(r['smooth_km2'])} km²; exact on the {cell:g} km grid, "
                "no sampling)."
            )
    for row in effect.to_pylist():
        numbers[f"zone_terrain_minus_smooth_s.{row['aircraft']}"] = row["difference_s"]
        if row["significant"] and row["difference_s_lo"] == row["difference_s_hi"]:
            findings.append(
                f"Terrain changes the time {row['aircraft']} spends in the engagement zone "
                f"by {_fmt(row['difference_s'])} s in every one of the {row['n']} runs (the "
                "same path over a different zone: a difference of the geometry, not "
                "sampled)."
            )
        elif row["significant"]:
            findings.append(
                f"Terrain changes the time {row['aircraft']} spends in the engagement zone "
                f"by {_fmt(row['difference_s'])} s (95 % {_fmt(row['difference_s_lo'])} to "
                f"{_fmt(row['difference_s_hi'])} s; paired t test over {row['n']} runs, "
                f"Holm p = {_fmt(row['p_holm'])})."
            )
    det_lines = []
    for row in det.to_pylist():
        if row["metric"] == _DETECT[0][1]:
            rng = _cell(det, aircraft=row["aircraft"], metric=_DETECT[1][1])
            numbers[f"first_seen_s.{row['aircraft']}"] = row["mean"]
            numbers[f"first_range_km.{row['aircraft']}"] = rng["mean"]
            det_lines.append(
                f"- {row['aircraft']}: {_fmt(row['mean'], 2)} s after it appeared "
                f"(95 % {_fmt(row['mean_lo'], 2)}–{_fmt(row['mean_hi'], 2)}), at "
                f"{_fmt(rng['mean'], 1)} km (95 % {_fmt(rng['mean_lo'], 1)}–"
                f"{_fmt(rng['mean_hi'], 1)}), first by the {row['first_radar']}; seen on the "
                f"first look in {row['seen_when_it_appeared']} runs"
            )
    zone_lines = []
    names = list(dict.fromkeys(zone.column("aircraft").to_pylist()))
    for name in names:
        z = {r["metric"]: r for r in zone.to_pylist() if r["aircraft"] == name}
        zt, zs = z[_ZONE[1][1]], z[_ZONE[2][1]]
        fl, ins, out = z[_ZONE[0][1]], z[_ZONE[4][1]], z[_ZONE[5][1]]
        lost = z["P(shot down)"]
        numbers[f"zone_terrain_s.{name}"] = zt["mean"]
        numbers[f"zone_smooth_s.{name}"] = zs["mean"]
        numbers[f"inside_airspace_s.{name}"] = ins["mean"]
        numbers[f"outside_airspace_s.{name}"] = out["mean"]
        numbers[f"p_lost.{name}"] = lost["mean"]
        zone_lines.append(
            f"- {name}: {_fmt(zt['mean'])} s (95 % {_fmt(zt['mean_lo'])}–{_fmt(zt['mean_hi'])}) "
            f"of {_fmt(fl['mean'])} s flown in the zone with terrain, {_fmt(zs['mean'])} s "
            f"over a smooth earth; {_fmt(ins['mean'])} s inside {spec.airspace}, "
            f"{_fmt(out['mean'])} s across the border; P(shot down) {_fmt(lost['mean'])} "
            f"(95 % {_fmt(lost['mean_lo'])}–{_fmt(lost['mean_hi'])})"
        )
    unit_name = b.units.names[unit]
    seen = [r for r in det.to_pylist() if r["metric"] == _DETECT[0][1] and r["mean"] is not None]
    lead = []
    if seen and all(r["seen_when_it_appeared"].split("/")[0] == r["seen_when_it_appeared"]
                    .split("/")[1] for r in seen):  # fmt: skip
        slowest = max(seen, key=lambda r: r["mean"])
        lead = [f"Every {spec.side} {spec.target} followed was seen on the battery's first "
                f"look after it appeared, in every run (at most {_fmt(slowest['mean'])} s on "
                f"average, {slowest['aircraft']}): its patrol lies inside coverage.", ""]
    answer = "\n".join([*lead,
        f"**Coverage of {spec.airspace}** ({_fmt(air_km2)} km²) by {unit_name} against a "
        f"{rcs_m2:g} m² target ({spec.target}, single-dwell Pd ≥ {spec.pd_min:g}):",
        *lines, "",
        f"**First detection** of each {spec.side} {spec.target} ({n_reps} runs, mean and "
        "95 % interval):", *det_lines, "",
        f"**Engagement zone** (launch-now footprint of the battery's missiles against the "
        f"{spec.target} at {info['alt_m']:,.0f} m and {info['speed_mps']:.0f} m/s, where its "
        "engagement radar sees it) and the border:", *zone_lines,
    ])  # fmt: skip
    setup = "\n".join([
        f"Scenario `{spec.scenario}` ({sc.name}); unit {unit_name} with radars "
        f"{', '.join(keys)}. Airspace: {spec.airspace}. Coverage on a {cell:g} km lon/lat "
        f"grid at {', '.join(f'{a:,.0f}' for a in spec.altitudes_m)} m above sea level (over "
        "land at least min(h, 300 m) above the ground, as the engine's flights keep), with "
        "the scenario's terrain and over a smooth 4/3-earth; areas are spherical areas of "
        f"the cells whose centre is in {spec.airspace}.",
        f"First detection and zone times from {n_reps} Monte Carlo runs of the scenario "
        f"(study seed {ctx.seed}){' (--quick)' if ctx.quick else ''}; the aircraft's paths "
        "are the flown truth sampled at 1 s, each ended at its loss.",
    ])  # fmt: skip
    assumptions = [
        f"Target RCS {rcs_m2:g} m² (catalog {spec.target} frontal), no aspect variation in "
        "the coverage grids; Swerling case from the catalog.",
        f"Covered: single-dwell Pd ≥ {spec.pd_min:g}; the battery: 1 − Π(1 − Pd) over its "
        "radars (independent dwells).",
        "Engagement zone: launch-now footprint for a target closing on the battery (the "
        "kinematic envelope), intersected with the engagement radars' detection; a patrol "
        "flying across the battery's bearing is engageable over a smaller region.",
        "Terrain: the shipped elevation model (docs/terrain.md; cell means, summits read "
        "low) with per-radar 4/3-earth horizon masks.",
        f"The followed aircraft's routes, altitudes and speeds are the scenario's "
        f"(`{spec.scenario}`); whether one is shot down depends on the battery's "
        "identification chain (catalog model figures c2.iff.*) and its doctrine.",
    ]  # fmt: skip
    return ChapterResult(question=spec.question, setup=setup, answer=answer,
                         findings=findings, assumptions=assumptions,
                         numbers={k: float(v) for k, v in numbers.items() if v is not None})


# -- figures ----------------------------------------------------------------------------


@dataclass
class _FigureContext:
    spec: CoverageChapter
    built: Any
    geom: Any
    grid: Grid
    maps: dict
    zgrid: Grid
    zone_maps: dict
    paths: dict
    site: tuple[float, float]
    reach_km: float
    see_km: float
    rcs_m2: float


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _base(ax: Any, fc: _FigureContext, lon: tuple, lat: tuple) -> None:
    from matplotlib.patches import Polygon as MplPolygon

    from iads.report.airspace_layer import draw_fine_borders, fine_borders_resolution
    from iads.report.basemap import draw_basemap, draw_range_ring
    from iads.report.relief import draw_relief

    coarse = fine_borders_resolution(lon, lat) is None
    draw_basemap(ax, lon, lat, borders=coarse, coastlines=coarse, land=coarse)
    draw_fine_borders(ax, lon, lat)
    draw_relief(ax, fc.built.sensing.terrain, lon, lat, n=300)
    for poly in getattr(fc.geom, "geoms", [fc.geom]):
        ax.add_patch(MplPolygon(np.asarray(poly.exterior.coords), closed=True, fill=False,
                                edgecolor="crimson", linewidth=1.1, zorder=1.6))  # fmt: skip
    draw_range_ring(ax, fc.site[0], fc.site[1], fc.reach_km * 1e3, color="k", ls=":",
                    linewidth=0.8, zorder=2)  # fmt: skip
    ax.plot(fc.site[1], fc.site[0], "k^", ms=7, zorder=3)


def _coverage_figure(fc: _FigureContext) -> Figure:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    alts = fc.spec.altitudes_m
    g = fc.grid
    lon = (float(g.lon_deg[0]) - 0.3, float(g.lon_deg[-1]) + 0.3)
    lat = (float(g.lat_deg[0]) - 0.3, float(g.lat_deg[-1]) + 0.3)
    fig, axes = plt.subplots(len(alts), 1, figsize=(9.5, 3.4 * len(alts) + 0.4),
                             squeeze=False, layout="constrained")  # fmt: skip
    cm_t = ListedColormap(["#1f77b4"])
    for ax, alt in zip(axes[:, 0], alts, strict=True):
        _base(ax, fc, lon, lat)
        t = fc.maps["terrain", alt] & g.inside
        s = fc.maps["smooth earth", alt] & g.inside
        ax.pcolormesh(g.lon_deg, g.lat_deg, np.ma.masked_where(~t, t.astype(float)),
                      cmap=cm_t, alpha=0.55, shading="nearest", zorder=0.6)  # fmt: skip
        if s.any():
            ax.contour(g.lon_deg, g.lat_deg, s.astype(float), levels=[0.5], colors="orange",
                       linewidths=1.1, zorder=1.7)  # fmt: skip
        ax.set_title(f"{alt:,.0f} m: battery coverage of {fc.spec.airspace} (blue, with "
                     "terrain; orange line: smooth earth)", fontsize=9)  # fmt: skip
        ax.set_xlabel("")
    fig.suptitle(f"Where the battery sees a {fc.rcs_m2:g} m² target over "
                 f"{fc.spec.airspace} (Pd ≥ {fc.spec.pd_min:g}); red: border, dotted: "
                 f"{fc.reach_km:.0f} km", fontsize=10)  # fmt: skip
    return Figure("coverage", f"Coverage of {fc.spec.airspace} by altitude",
                  _png(fig), "Blue: the battery detects the target with terrain (single-dwell "
                  f"Pd ≥ {fc.spec.pd_min:g}); orange: the same over a smooth 4/3-earth; red: "
                  f"{fc.spec.airspace}'s border (Natural Earth); dotted: "
                  f"{fc.reach_km:.0f} km from the battery; shaded relief.")  # fmt: skip


def _zone_figure(fc: _FigureContext) -> Figure:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    g = fc.zgrid
    lon = (float(g.lon_deg[0]), float(g.lon_deg[-1]))
    lat = (float(g.lat_deg[0]), float(g.lat_deg[-1]))
    fig, ax = plt.subplots(figsize=(8.5, 7.5))
    _base(ax, fc, lon, lat)
    zt, zs = fc.zone_maps["terrain"], fc.zone_maps["smooth earth"]
    ax.pcolormesh(g.lon_deg, g.lat_deg, np.ma.masked_where(~zt, zt.astype(float)),
                  cmap=ListedColormap(["#d62728"]), alpha=0.35, shading="nearest",
                  zorder=0.6)  # fmt: skip
    if zs.any():
        ax.contour(g.lon_deg, g.lat_deg, zs.astype(float), levels=[0.5], colors="orange",
                   linewidths=1.2, zorder=1.7)  # fmt: skip
    p = fc.paths
    colors = ("black", "navy", "darkgreen", "purple", "saddlebrown", "teal")
    for k, name in enumerate(p["names"]):
        f = p["flying"][:, k]
        ax.plot(p["lon"][f, k], p["lat"][f, k], lw=1.6, zorder=2.5, label=name,
                color=colors[k % len(colors)])  # fmt: skip
    ax.legend(loc="lower right", fontsize=7)
    ax.set_title(f"Engagement zone against the {fc.spec.target} (red: with terrain; orange "
                 "line: smooth earth) and its paths", fontsize=9)  # fmt: skip
    return Figure("engagement-zone", "Engagement zone and the patrols", _png(fig),
                  "Red: where the battery can engage the aircraft now (launch-now footprint "
                  "of its missiles, closing target, and its engagement radar sees it over "
                  "the terrain); orange: the same over a smooth earth; lines: the aircraft's "
                  "flown paths; red outline: the border; dotted: the longest missile range.")


KIND = register(CoverageKind())
