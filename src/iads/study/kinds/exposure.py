"""The ``exposure`` chapter kind: how early, how often and how long each radar of the
defense sees each aircraft type, over altitude, aspect and the RCS range the sources give.

Set-up. The chapter's ``scenario`` holds the defense only (its units, co-located, weapons
held); the kind adds the aircraft. For every altitude and aspect one path is flown per
aircraft type, on the same bearing for every type so that terrain is shared:

- ``ingress``: nose-on, radially from ``ingress_start_km`` to ``ingress_end_km`` from the
  first unit's site (the catalog's frontal RCS faces every radar of the site);
- ``crossing``: a straight pass at ``crossing_offset_km`` closest approach, from
  ``crossing_half_length_km`` before it to as far after (the aspect turns from nose-on
  through beam, the catalog's side RCS, to tail). The aspect dependence is the catalog's
  own first-order model (frontal, side, rear figures interpolated in dBsm,
  ``iads.sensors.rcs``), and each radar sees the RCS at its band (``rcs_band``).

Each RCS case (``rcs_cases``) sets figures by path (``threats.f35.rcs_front_m2``), so the
sourced ranges are flown, optionally on fewer paths. One campaign point per (case, type);
``per_cell`` aircraft per path and replication, spread ``cell_spacing_deg`` apart.

Everything is measured by the engine's sensing chain and read from each run's summary
(``exposure``: first detection per radar with its true range and censoring, detections and
dwells; ``track_hold``: time each picture held a confirmed track). Truth serves the
scoring only (true range at the first detection).

Statistics, 95 %: Wilson for the probability of detection, Student t for means over
replications; F-35 vs F-16 compared per radar and path (Welch), Holm over the family.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, model_validator

from iads.study.chapter import ChapterContext, ChapterResult, register

__all__ = ["ExposureKind", "ExposureSpec", "RcsCase"]

Aspect = Literal["ingress", "crossing"]
#: A flight altitude [m] above the ellipsoid (low flights follow the ground, docs/terrain.md).
Altitude = Annotated[float, Field(ge=10.0, le=25_000.0)]
Km = Annotated[float, Field(gt=0.0, le=2000.0)]


def per_type(value: float | dict[str, float], typ: str) -> float:
    """A figure given once or per aircraft type."""
    return value[typ] if isinstance(value, dict) else value


class RcsCase(BaseModel):
    """One RCS case: figures set by path (``threats.f35.rcs_front_m2: 0.001``), flown on
    the chapter's paths or on the ``altitudes_m`` and ``aspects`` given here."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9 _.+-]+$")
    overrides: dict[str, float] = Field(default_factory=dict)
    altitudes_m: list[Altitude] | None = Field(default=None, min_length=1)
    aspects: list[Aspect] | None = Field(default=None, min_length=1)
    note: str = Field(default="", max_length=400, description="where the figures come from")


class ExposureSpec(BaseModel):
    """The ``exposure`` chapter block."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: Literal["exposure"]
    title: str
    question: str
    scenario: str = Field(
        min_length=1, description="the defense: a scenario whose co-located units hold fire"
    )
    aircraft: list[str] = Field(default=["f35", "f16"], min_length=1)
    altitudes_m: list[Altitude] = Field(default=[150.0, 1500.0, 9000.0], min_length=1)
    aspects: list[Aspect] = Field(default=["ingress", "crossing"], min_length=1)
    bearings_deg: list[float] | None = Field(
        default=None,
        description="bearing of each path (altitude-major, then aspect); default spread "
        "evenly round the site",
    )
    ingress_start_km: Km | dict[str, Km] = Field(
        default=450.0, description="[km] from the site; one value, or one per aircraft type")
    ingress_end_km: Km | dict[str, Km] = Field(
        default=20.0, description="[km] from the site; one value, or one per aircraft type")
    crossing_offset_km: float = Field(default=50.0, gt=0.0, le=1000.0)
    crossing_half_length_km: float = Field(default=150.0, gt=0.0, le=2000.0)
    per_cell: int = Field(default=1, ge=1, le=64)
    cell_spacing_deg: float = Field(default=15.0, gt=0.0, le=180.0)
    speed_mps: dict[str, float] = Field(default_factory=dict)
    rcs_cases: list[RcsCase] = Field(default_factory=lambda: [RcsCase(name="catalog")])
    replications: int | None = Field(default=None, ge=2, le=10_000)
    quick_replications: int = Field(default=2, ge=2, le=100)
    time_step_s: float | None = Field(default=None, gt=0.0, le=10.0)

    @model_validator(mode="after")
    def _check(self) -> ExposureSpec:
        for name in ("ingress_start_km", "ingress_end_km", "speed_mps"):
            given = getattr(self, name)
            if isinstance(given, dict):
                if name != "speed_mps" and set(given) != set(self.aircraft):
                    raise ValueError(f"{name} by aircraft needs exactly {self.aircraft}; got "
                                     f"{sorted(given)}")
                for k in given:
                    if k not in self.aircraft:
                        raise ValueError(f"{name} names '{k}', which is not in aircraft "
                                         f"{self.aircraft}")
        for t in self.aircraft:
            if per_type(self.ingress_end_km, t) >= per_type(self.ingress_start_km, t):
                raise ValueError("ingress_end_km must be less than ingress_start_km")
        n_paths = len(self.altitudes_m) * len(self.aspects)
        if self.bearings_deg is not None and len(self.bearings_deg) != n_paths:
            raise ValueError(
                f"bearings_deg needs one bearing per path ({len(self.altitudes_m)} altitudes "
                f"x {len(self.aspects)} aspects = {n_paths}); got {len(self.bearings_deg)}"
            )
        for c in self.rcs_cases:
            extra = [a for a in (c.altitudes_m or []) if a not in self.altitudes_m]
            extra += [a for a in (c.aspects or []) if a not in self.aspects]
            if extra:
                raise ValueError(
                    f"rcs_cases '{c.name}' flies {extra}, which the chapter's altitudes_m "
                    f"{self.altitudes_m} / aspects {self.aspects} do not have"
                )
        names = [c.name for c in self.rcs_cases]
        if len(set(names)) < len(names):
            raise ValueError(f"rcs_cases names must differ; got {names}")
        if len(set(self.aircraft)) < len(self.aircraft):
            raise ValueError(f"aircraft must differ; got {self.aircraft}")
        for v in self.speed_mps.values():
            if not 0.0 < v <= 1000.0:
                raise ValueError(f"speed_mps values must be in (0, 1000] m/s; got {v}")
        return self


@dataclass(frozen=True)
class Cell:
    """One aircraft flown in a point: type, path (altitude, aspect), copy index."""

    name: str
    type: str
    altitude_m: float
    aspect: str
    copy: int


def _alt_label(a: float) -> str:
    return f"{a:,.0f} m"


def _paths(spec: ExposureSpec) -> list[tuple[float, str, float]]:
    """(altitude, aspect, bearing) of every path, altitude-major."""
    combos = [(a, asp) for a in spec.altitudes_m for asp in spec.aspects]
    if spec.bearings_deg is not None:
        bearings = spec.bearings_deg
    else:
        step = 360.0 / len(combos)
        bearings = [i * step for i in range(len(combos))]
    return [(a, asp, b) for (a, asp), b in zip(combos, bearings, strict=True)]


def _case_paths(spec: ExposureSpec, case: RcsCase) -> list[tuple[float, str, float]]:
    """The paths an RCS case flies (its own altitudes and aspects, else the chapter's)."""
    alts = set(case.altitudes_m or spec.altitudes_m)
    asps = set(case.aspects or spec.aspects)
    return [p for p in _paths(spec) if p[0] in alts and p[1] in asps]


def _threat_groups(
    spec: ExposureSpec, site: tuple[float, float], typ: str, case: RcsCase
) -> tuple[list[dict[str, Any]], list[Cell], float]:
    """The threat groups of one point (one per aircraft), their cells and the longest
    path length [m]."""
    from iads.geo.greatcircle import destination_point

    lat0, lon0 = site
    groups: list[dict[str, Any]] = []
    cells: list[Cell] = []
    longest = 0.0
    for alt, asp, brg0 in _case_paths(spec, case):
        for c in range(spec.per_cell):
            brg = brg0 + c * spec.cell_spacing_deg
            name = f"{typ} {asp} {alt:g} m #{c}"
            if asp == "ingress":
                start_km = per_type(spec.ingress_start_km, typ)
                end_km = per_type(spec.ingress_end_km, typ)
                a = destination_point(lat0, lon0, brg, start_km * 1e3)
                b = destination_point(lat0, lon0, brg, end_km * 1e3)
                length = (start_km - end_km) * 1e3
            else:
                mid = destination_point(lat0, lon0, brg, spec.crossing_offset_km * 1e3)
                half = spec.crossing_half_length_km * 1e3
                a = destination_point(mid[0], mid[1], brg + 90.0, -half)
                b = destination_point(mid[0], mid[1], brg + 90.0, half)
                length = 2.0 * half
            longest = max(longest, length)
            g: dict[str, Any] = {
                "type": typ,
                "name": name,
                "launch": {"lat": round(float(a[0]), 6), "lon": round(float(a[1]), 6),
                           "alt_m": float(alt)},
                "altitude_m": float(alt),
                "waypoints": [{"lat": round(float(b[0]), 6), "lon": round(float(b[1]), 6)}],
            }  # fmt: skip
            if typ in spec.speed_mps:
                g["speed_mps"] = float(spec.speed_mps[typ])
            groups.append(g)
            cells.append(Cell(name, typ, float(alt), asp, c))
    return groups, cells, longest


@dataclass(frozen=True)
class PointInfo:
    case: str
    type: str
    cells: dict[str, Cell]


def _speed(spec: ExposureSpec, catalog: Any, typ: str) -> float:
    if typ in spec.speed_mps:
        return spec.speed_mps[typ]
    return float(catalog.threats[typ].cruise_speed_mps.value)


def build_campaign(spec: ExposureSpec, ctx: ChapterContext, reps: int):
    """The campaign (one point per RCS case and aircraft type) and what each point flies."""
    from iads._yamlio import load_yaml
    from iads.campaign.spec import Campaign, Point
    from iads.errors import Problem, ScenarioError
    from iads.scenario.loader import parse_scenario

    base = ctx.scenario(spec.scenario)
    where = f"chapter '{spec.key}'"
    unknown = [t for t in spec.aircraft if t not in base.catalog.threats]
    if unknown:
        raise ScenarioError(where, [Problem(
            "aircraft", f"unknown threat type(s) {unknown}; the catalog has "
            f"{sorted(base.catalog.threats)}", None)])  # fmt: skip
    if base.scenario.threats or base.scenario.friendlies or base.scenario.neutrals:
        raise ScenarioError(where, [Problem(
            "scenario", f"{spec.scenario} must hold the defense only (no threats, friendlies "
            "or neutrals): the chapter adds the aircraft", None)])  # fmt: skip
    d0 = base.scenario.defenders[0].position
    data, lines = load_yaml(base.text, base.source)
    points: list[Point] = []
    infos: list[PointInfo] = []
    for case in spec.rcs_cases:
        for typ in spec.aircraft:
            groups, cells, longest = _threat_groups(spec, (d0.lat, d0.lon), typ, case)
            if not groups:
                continue
            d = json.loads(json.dumps(data))
            d["threats"] = groups
            for u in d["defenders"]:
                u.setdefault("doctrine", {})["hold_fire"] = True
            settings = d.setdefault("settings", {})
            settings["duration_s"] = math.ceil(longest / _speed(spec, base.catalog, typ)) + 60.0
            if spec.time_step_s is not None:
                settings["time_step_s"] = spec.time_step_s
            if case.overrides:
                d["overrides"] = {**(d.get("overrides") or {}), **case.overrides}
            import yaml

            text = yaml.safe_dump(d, sort_keys=False, allow_unicode=True)
            cat = base.base_catalog or base.catalog
            loaded = parse_scenario(d, lines, cat, base.source, text)
            points.append(Point(len(points), {"rcs": case.name, "aircraft": typ}, loaded, text))
            infos.append(PointInfo(case.name, typ, {c.name: c for c in cells}))
    camp = Campaign(
        name=spec.key,
        seed=ctx.seed,
        replications=reps,
        points=tuple(points),
        parameters=("rcs", "aircraft"),
        kind="sweep",
        store_events=False,
    )
    return camp, infos, base


def _reps_used(camp: Any) -> int:
    return int(camp.replications)


def _reps(spec: ExposureSpec, ctx: ChapterContext) -> int:
    """Replications per point: ``--reps`` when given; else the chapter's (the study's if
    the chapter sets none); with ``--quick`` at most ``quick_replications``."""
    if ctx.reps_given:
        return ctx.reps
    n = spec.replications or ctx.reps
    return min(n, spec.quick_replications) if ctx.quick else n


def _radars(base: Any) -> list[tuple[str, str]]:
    """(unit name, radar key) of every radar of the defense, in the scenario's order."""
    out: list[tuple[str, str]] = []
    for u in base.scenario.defenders:
        sysent = base.catalog.systems[u.system]
        for r in [*sysent.radars, *u.extra_radars]:
            out.append((u.name, r))
    return out


def per_run_rows(
    rows: pa.Table, infos: list[PointInfo], radars: list[tuple[str, str]]
) -> tuple[pa.Table, pa.Table]:
    """From the stored summary rows: one row per (point, rep, aircraft, radar) with the
    first detection (``detected``, ``first_range_km``, ``first_time_s``, ``censored``),
    ``detections`` and ``dwells``; and one per (point, rep, aircraft, picture) with
    ``tracked``, ``first_confirmed_s`` and ``held_s``."""
    det: dict[str, list] = {k: [] for k in (
        "case", "aircraft", "aspect", "altitude_m", "copy", "rep", "unit", "radar",
        "detected", "censored", "first_range_km", "first_time_s", "detections",
        "dwells")}  # fmt: skip
    hold: dict[str, list] = {k: [] for k in (
        "case", "aircraft", "aspect", "altitude_m", "copy", "rep", "unit", "tracked",
        "first_confirmed_s", "held_s")}  # fmt: skip
    units = list(dict.fromkeys(u for u, _ in radars))
    p_col = rows.column("point").to_pylist()
    r_col = rows.column("rep").to_pylist()
    s_col = rows.column("summary_json").to_pylist()
    for p, rep, text in zip(p_col, r_col, s_col, strict=True):
        info = infos[p]
        s = json.loads(text)
        exp = {(e["name"], r["unit"], r["radar"]): r for e in s["exposure"] for r in e["radars"]}
        th = {(e["name"], q["unit"]): q for e in s.get("track_hold", []) for q in e["pictures"]}
        for name, cell in info.cells.items():
            for unit, radar in radars:
                r = exp.get((name, unit, radar))
                for k, v in (("case", info.case), ("aircraft", cell.type),
                             ("aspect", cell.aspect), ("altitude_m", cell.altitude_m),
                             ("copy", cell.copy), ("rep", rep), ("unit", unit),
                             ("radar", radar)):  # fmt: skip
                    det[k].append(v)
                det["detected"].append(r is not None)
                det["censored"].append(bool(r and r["seen_at_launch"]))
                det["first_range_km"].append(r["first_range_km"] if r else None)
                det["first_time_s"].append(r["first_time_s"] if r else None)
                det["detections"].append(r["detections"] if r else 0)
                det["dwells"].append(r["dwells"] if r else None)
            for unit in units:
                q = th.get((name, unit))
                for k, v in (("case", info.case), ("aircraft", cell.type),
                             ("aspect", cell.aspect), ("altitude_m", cell.altitude_m),
                             ("copy", cell.copy), ("rep", rep), ("unit", unit)):  # fmt: skip
                    hold[k].append(v)
                hold["tracked"].append(q is not None)
                hold["first_confirmed_s"].append(q["first_confirmed_s"] if q else None)
                hold["held_s"].append(q["held_s"] if q else 0.0)
    return pa.table(det), pa.table(hold)


# -- statistics ---------------------------------------------------------------------------


def _mean_ci(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95 % Student t interval (NaN where fewer than 2 values), clipped at 0:
    every quantity here (ranges, times, counts) is non-negative, so the clip never
    removes a true value from the interval."""
    from iads.campaign.stats import t_interval

    x = x[np.isfinite(x)]
    if x.size == 0:
        return math.nan, math.nan, math.nan
    m = float(np.mean(x))
    lo, hi = t_interval(m, float(np.std(x, ddof=1)) if x.size > 1 else math.nan, x.size)
    return m, max(lo, 0.0) if math.isfinite(lo) else lo, hi


def _r(x: float, nd: int = 1) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), nd)


def _groups(tab: pa.Table, keys: list[str]) -> Iterable[tuple[tuple, np.ndarray]]:
    cols = [tab.column(k).to_pylist() for k in keys]
    idx: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(*cols, strict=True)):
        idx.setdefault(key, []).append(i)
    for key, rows in idx.items():
        yield key, np.asarray(rows)


def _col(tab: pa.Table, name: str, rows: np.ndarray) -> np.ndarray:
    v = tab.column(name).to_pylist()
    return np.array([np.nan if v[i] is None else float(v[i]) for i in rows])


DET_KEYS = ["case", "aircraft", "aspect", "altitude_m", "unit", "radar"]
HOLD_KEYS = ["case", "aircraft", "aspect", "altitude_m", "unit"]


def detection_table(det: pa.Table) -> pa.Table:
    """Per (case, aircraft, aspect, altitude, radar): runs, P(detected) with its Wilson
    interval, first-detection range (uncensored: median, mean and t interval), time,
    censored count, detections and dwells (means with t intervals)."""
    from iads.campaign.stats import wilson_interval

    out: dict[str, list] = {k: [] for k in [
        *DET_KEYS, "runs", "p_detected", "p_lo", "p_hi", "first_km_median", "first_km",
        "first_km_lo", "first_km_hi", "first_s", "first_s_lo", "first_s_hi", "censored",
        "detections", "detections_lo", "detections_hi", "dwells", "dwells_lo",
        "dwells_hi"]}  # fmt: skip
    for key, rows in _groups(det, DET_KEYS):
        for k, v in zip(DET_KEYS, key, strict=True):
            out[k].append(v)
        detected = _col(det, "detected", rows) > 0
        censored = _col(det, "censored", rows) > 0
        n = rows.size
        lo, hi = wilson_interval(int(detected.sum()), n)
        out["runs"].append(n)
        out["p_detected"].append(_r(detected.mean(), 3))
        out["p_lo"].append(_r(lo, 3))
        out["p_hi"].append(_r(hi, 3))
        rng = _col(det, "first_range_km", rows)
        rng = rng[detected & ~censored]
        out["first_km_median"].append(_r(float(np.median(rng)) if rng.size else math.nan))
        for name, x in (("first_km", rng),
                        ("first_s", _col(det, "first_time_s", rows)[detected & ~censored]),
                        ("detections", _col(det, "detections", rows)),
                        ("dwells", _col(det, "dwells", rows)[detected])):  # fmt: skip
            m, a, b = _mean_ci(x)
            out[name].append(_r(m))
            out[f"{name}_lo"].append(_r(a))
            out[f"{name}_hi"].append(_r(b))
        out["censored"].append(int(censored.sum()))
    return pa.table(out)


def hold_table(hold: pa.Table) -> pa.Table:
    """Per (case, aircraft, aspect, altitude, picture): P(tracked) with Wilson interval,
    first confirmation time and held time (means with t intervals; held 0 when never
    tracked)."""
    from iads.campaign.stats import wilson_interval

    out: dict[str, list] = {k: [] for k in [
        *HOLD_KEYS, "runs", "p_tracked", "p_lo", "p_hi", "first_confirmed_s",
        "first_confirmed_s_lo", "first_confirmed_s_hi", "held_s", "held_s_lo",
        "held_s_hi"]}  # fmt: skip
    for key, rows in _groups(hold, HOLD_KEYS):
        for k, v in zip(HOLD_KEYS, key, strict=True):
            out[k].append(v)
        tracked = _col(hold, "tracked", rows) > 0
        lo, hi = wilson_interval(int(tracked.sum()), rows.size)
        out["runs"].append(rows.size)
        out["p_tracked"].append(_r(tracked.mean(), 3))
        out["p_lo"].append(_r(lo, 3))
        out["p_hi"].append(_r(hi, 3))
        for name, x in (("first_confirmed_s", _col(hold, "first_confirmed_s", rows)[tracked]),
                        ("held_s", _col(hold, "held_s", rows))):  # fmt: skip
            m, a, b = _mean_ci(x)
            out[name].append(_r(m))
            out[f"{name}_lo"].append(_r(a))
            out[f"{name}_hi"].append(_r(b))
    return pa.table(out)


def compare_types(det: pa.Table, hold: pa.Table, case: str, a: str, b: str) -> pa.Table:
    """Aircraft ``a`` vs ``b`` in RCS case ``case``: per radar and path, Welch's test of
    the uncensored first-detection ranges and of the detections; per picture and path,
    of the held time. Holm over every test of the table. Pairs with fewer than 2 values
    on a side, or no spread on either side, are not tested (no row)."""
    from iads.campaign.stats import holm, welch_test

    rows: dict[str, list] = {k: [] for k in (
        "metric", "aspect", "altitude_m", "unit", "radar", "mean_a", "mean_b", "diff",
        "n_a", "n_b", "p", "p_holm", "significant")}  # fmt: skip

    def test(metric: str, xa: np.ndarray, xb: np.ndarray, key: tuple) -> None:
        xa, xb = xa[np.isfinite(xa)], xb[np.isfinite(xb)]
        if xa.size < 2 or xb.size < 2:
            return
        if np.ptp(xa) == 0.0 and np.ptp(xb) == 0.0:
            return  # no spread in either sample (a count that never varies): no test
        _, _, p = welch_test(float(xa.mean()), float(xa.std(ddof=1)), xa.size,
                             float(xb.mean()), float(xb.std(ddof=1)), xb.size)  # fmt: skip
        asp, alt, unit, radar = key
        for k, v in (("metric", metric), ("aspect", asp), ("altitude_m", alt), ("unit", unit),
                     ("radar", radar), ("mean_a", _r(xa.mean())), ("mean_b", _r(xb.mean())),
                     ("diff", _r(xa.mean() - xb.mean())), ("n_a", xa.size), ("n_b", xb.size),
                     ("p", p)):  # fmt: skip
            rows[k].append(v)

    def pick(tab: pa.Table, keys: list[str]) -> dict[tuple, np.ndarray]:
        return {k: r for k, r in _groups(tab, keys)}

    dg = pick(det, ["case", "aircraft", "aspect", "altitude_m", "unit", "radar"])
    for (c, t, asp, alt, unit, radar), ra in dg.items():
        if c != case or t != a or (c, b, asp, alt, unit, radar) not in dg:
            continue
        rb = dg[(c, b, asp, alt, unit, radar)]
        for metric, col in (("first detection [km]", "first_range_km"),
                            ("detections", "detections")):  # fmt: skip
            xa, xb = _col(det, col, ra), _col(det, col, rb)
            if col == "first_range_km":
                xa = np.where(_col(det, "censored", ra) > 0, np.nan, xa)
                xb = np.where(_col(det, "censored", rb) > 0, np.nan, xb)
            test(metric, xa, xb, (asp, alt, unit, radar))
    hg = pick(hold, ["case", "aircraft", "aspect", "altitude_m", "unit"])
    for (c, t, asp, alt, unit), ra in hg.items():
        if c != case or t != a or (c, b, asp, alt, unit) not in hg:
            continue
        rb = hg[(c, b, asp, alt, unit)]
        test("track held [s]", _col(hold, "held_s", ra), _col(hold, "held_s", rb),
             (asp, alt, unit, ""))  # fmt: skip
    p = np.asarray(rows["p"], float)
    adj, rej = holm(p) if p.size else (p, p.astype(bool))
    rows["p"] = [float(f"{x:.3g}") for x in p]
    rows["p_holm"] = [float(f"{x:.3g}") for x in adj]
    rows["significant"] = [bool(x) for x in rej]
    return pa.table(rows)


# -- the kind ------------------------------------------------------------------------------


class ExposureKind:
    """The ``exposure`` chapter kind (registered as ``exposure``)."""

    name = "exposure"
    spec = ExposureSpec

    def estimate(self, spec: ExposureSpec, ctx: ChapterContext) -> int:
        n_points = sum(len(spec.aircraft) for case in spec.rcs_cases if _case_paths(spec, case))
        return n_points * _reps(spec, ctx)

    def run(self, spec: ExposureSpec, ctx: ChapterContext) -> ChapterResult:
        from iads.campaign.analysis import read_rows
        from iads.study.kinds._exposure_text import write_result

        reps = _reps(spec, ctx)
        camp, infos, base = build_campaign(spec, ctx, reps)
        store = ctx.campaign("runs", camp)
        rows = read_rows(store)
        radars = _radars(base)
        det, hold = per_run_rows(rows, infos, radars)
        dtab = detection_table(det)
        htab = hold_table(hold)
        first_case = spec.rcs_cases[0].name
        comp = (
            compare_types(det, hold, first_case, spec.aircraft[0], spec.aircraft[1])
            if len(spec.aircraft) >= 2
            else None
        )
        return write_result(spec, base, camp, radars, det, hold, dtab, htab, comp)


register(ExposureKind())
