"""From scenario entries to flight specs: one row per entity that flies (threats, then
friendly aircraft, then neutral aircraft), with the kinematic model of its catalog class.
Friendly and neutral groups fly a route or a racetrack patrol (``iads.threats.patrol``).

``kinematics: auto`` (the default) flies aircraft with coordinated turns and climb limits,
cruise missiles at their sea-skimming altitude with an optional terminal manoeuvre, drones
slow and low, and ballistic missiles from boost to re-entry (``iads.threats``);
``kinematics: first_order`` flies great-circle legs at constant speed and altitude. Raids
are expanded here, deterministically, from the ``build`` random stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from iads.catalog.schema import Catalog, ThreatEntry
from iads.geo import destination_point, initial_bearing_deg
from iads.scenario.schema import (
    FriendlyGroup,
    NeutralGroup,
    Raid,
    Scenario,
    ThreatGroup,
    entity_count,
)
from iads.threats import (
    AircraftFlight,
    BallisticFlight,
    CruiseMissileFlight,
    DroneFlight,
    FlightSpec,
    PatrolFlight,
    PooledSlot,
    RaidSpec,
    WaypointFlight,
    generate_raid,
)
from iads.threats import ThreatGroup as RaidKindGroup
from iads.units import mach_to_mps

__all__ = ["FlightRow", "entity_count", "expand_flights", "figures_not_flown"]

_RAID_KIND = {
    "aircraft": "aircraft",
    "stealth_aircraft": "aircraft",
    "cruise_missile": "cruise_missile",
    "drone": "drone",
    "ballistic_missile": "ballistic",
}


#: The kinematic figures of a catalog threat entry.
KINEMATIC_FIGURES = (
    "cruise_speed_mps",
    "max_speed_mps",
    "cruise_altitude_m",
    "min_altitude_m",
    "max_altitude_m",
    "range_m",
    "max_load_factor",
)
_AIR = ("cruise_speed_mps", "cruise_altitude_m", "max_load_factor")
#: The figures ``_spec`` passes to the flight model of each threat class (speed and
#: altitude as defaults a scenario may override; for ballistic missiles the apogee cap of
#: a minimum-energy aim).
FLOWN_FIGURES = {
    "aircraft": _AIR,
    "stealth_aircraft": _AIR,
    "cruise_missile": _AIR,
    "drone": _AIR,
    "ballistic_missile": ("max_altitude_m",),
}
#: The decoy's own figures that cap the imitated entry's (``flown_entry``).
DECOY_CAPS = ("max_speed_mps", "max_load_factor")
_WHY_NOT = {
    "max_speed_mps": "flights hold their cruise speed (no dash)",
    "min_altitude_m": "altitudes come from the scenario or the cruise figure (over land "
    "raised to follow the terrain, docs/terrain.md)",
    "max_altitude_m": "no ceiling is enforced on routed flight",
    "range_m": "routes are not checked against the range (no fuel model)",
}
_WHY_NOT_BALLISTIC = {
    "cruise_speed_mps": "the burnout speed is solved by the aim",
    "max_speed_mps": "the burnout speed is solved by the aim",
    "cruise_altitude_m": "the apogee comes from the aim (max_altitude_m caps it)",
    "min_altitude_m": "the trajectory comes from the aim",
    "range_m": "targets are not checked against the range (no propellant model)",
    "max_load_factor": "no manoeuvre after burnout",
}


def figures_not_flown(cat: Catalog, type_keys: Sequence[str]) -> list[dict[str, Any]]:
    """The kinematic figures of the given threat types that no flight model uses, one dict
    each (entry, field, value, why), for the run's summary."""
    out = []
    for key in dict.fromkeys(type_keys):
        entry = cat.threats[key]
        if entry.imitates is not None:  # its max speed and load factor cap what it flies
            why_decoy = f"a decoy flies the figures of threats.{entry.imitates} (capped)"
            out += [
                {"entry": f"threats.{key}", "field": name, "value": getattr(entry, name).value,
                 "why": _WHY_NOT.get(name, why_decoy)}
                for name in KINEMATIC_FIGURES
                if getattr(entry, name) is not None and name not in DECOY_CAPS
            ]  # fmt: skip
            continue
        flown = FLOWN_FIGURES[entry.threat_class]
        why = _WHY_NOT_BALLISTIC if entry.threat_class == "ballistic_missile" else _WHY_NOT
        for name in KINEMATIC_FIGURES:
            fig = getattr(entry, name)
            if fig is not None and name not in flown:
                out.append(
                    {"entry": f"threats.{key}", "field": name, "value": fig.value,
                     "why": why[name]}
                )  # fmt: skip
    return out


@dataclass(frozen=True)
class FlightRow:
    """One flying entity: its name, catalog type, target asset index (-1: none), whether
    it is own-force (friendly) and answers IFF, its flight spec, whether it is a neutral
    aircraft (neither hostile nor own force), and whether it re-plans its path during the
    run (``behaviour: reactive``; 0 no, 1 by notching, 2 by egressing)."""

    name: str
    type_key: str
    target_asset: int
    friendly: bool
    transponder: bool
    spec: FlightSpec
    neutral: bool = False
    reactive: int = 0
    parent: int = -1  # a pooled slot (launched during the run): its carrier's row


def flown_entry(cat: Catalog, key: str) -> ThreatEntry:
    """The entry whose kinematic figures the threat ``key`` flies: its own, or for a decoy
    the entry it imitates, with the cruise speed capped by the decoy's ``max_speed_mps``
    and the load factor by its ``max_load_factor`` (a decoy cannot outfly its airframe)."""
    entry = cat.threats[key]
    if entry.imitates is None:
        return entry
    model = cat.threats[entry.imitates]
    update: dict[str, Any] = {}
    cap = entry.max_speed_mps
    if cap is not None and model.cruise_speed_mps.value > cap.value:
        update["cruise_speed_mps"] = cap
    n_own, n_model = entry.max_load_factor, model.max_load_factor
    if n_own is not None and (n_model is None or n_model.value > n_own.value):
        update["max_load_factor"] = n_own
    return model.model_copy(update=update)


def _route(
    g: ThreatGroup | FriendlyGroup,
    i: int,
    target: tuple[float, float, float] | None,
    alt_m: float,
    end_alt_m: float | None,
) -> NDArray[np.float64]:
    """The (k, 3) lat/lon/alt route of the i-th entity of a group: launch point (shifted
    sideways by the lateral spacing), waypoints, target (at ``end_alt_m`` if given)."""
    pts = [(g.launch.lat, g.launch.lon, alt_m)]
    pts += [(w.lat, w.lon, alt_m if w.alt_m is None else w.alt_m) for w in g.waypoints]
    if target is not None:
        pts.append((target[0], target[1], alt_m if end_alt_m is None else end_alt_m))
    route = np.array(pts, dtype=float)
    off = (i - (g.count - 1) / 2.0) * g.lateral_spacing_m
    if off != 0.0 and len(route) > 1:
        brg = float(initial_bearing_deg(route[0, 0], route[0, 1], route[1, 0], route[1, 1]))
        lat, lon = destination_point(
            route[0, 0], route[0, 1], brg + np.copysign(90.0, off), abs(off)
        )
        route[0, 0], route[0, 1] = float(lat), float(lon)
    return route


def _speed(g: ThreatGroup | FriendlyGroup, entry: ThreatEntry) -> float:
    if g.speed_mps is not None:
        return float(g.speed_mps)
    if g.speed_mach is not None:
        return float(mach_to_mps(g.speed_mach))
    return float(entry.cruise_speed_mps.value)


def _patrol_spec(g: FriendlyGroup, entry: ThreatEntry, i: int) -> PatrolFlight:
    """The i-th aircraft of a patrol group: on station ``spacing_s`` after the previous
    one, at the group's (or catalog cruise) speed and altitude, turning at the patrol's
    load factor (default the catalog's ``max_load_factor``)."""
    p = g.patrol
    assert p is not None
    alt = g.altitude_m if g.altitude_m is not None else float(entry.cruise_altitude_m.value)
    n = p.load_factor
    if n is None:
        n = float(entry.max_load_factor.value) if entry.max_load_factor is not None else 3.0
    return PatrolFlight(
        (p.start.lat, p.start.lon, alt),
        (p.end.lat, p.end.lon, alt),
        speed_mps=_speed(g, entry),
        launch_t_s=g.launch_time_s + i * g.spacing_s,
        duration_s=p.duration_s,
        load_factor=n,
        turn=p.turn,
    )


def _spec(
    g: ThreatGroup | FriendlyGroup,
    entry: ThreatEntry,
    i: int,
    target: tuple[float, float, float] | None,
) -> FlightSpec:
    speed = _speed(g, entry)
    alt = g.altitude_m if g.altitude_m is not None else float(entry.cruise_altitude_m.value)
    t0 = g.launch_time_s + i * g.spacing_s
    cls = entry.threat_class
    kinematics = getattr(g, "kinematics", "auto")
    n_max = float(entry.max_load_factor.value) if entry.max_load_factor is not None else None
    if kinematics == "first_order":
        return WaypointFlight(_route(g, i, target, alt, None), speed, t0)
    if cls in ("aircraft", "stealth_aircraft"):
        return AircraftFlight(
            _route(g, i, target, alt, None),
            speed_mps=speed,
            launch_t_s=t0,
            max_load_factor=3.0 if n_max is None else n_max,
            weave_amplitude_m=getattr(g, "weave_amplitude_m", 0.0),
        )
    end_alt = target[2] if target is not None else None
    if cls == "cruise_missile":
        route = _route(g, i, target, alt, end_alt)
        route[0, 2] = g.launch.alt_m
        return CruiseMissileFlight(
            route,
            speed_mps=speed,
            launch_t_s=t0,
            cruise_altitude_m=alt,
            terminal=g.terminal,
            max_load_factor=5.0 if n_max is None else n_max,
            weave_amplitude_m=g.weave_amplitude_m,
        )
    if cls == "drone":
        return DroneFlight(
            _route(g, i, target, alt, end_alt if g.terminal != "none" else None),
            speed_mps=speed,
            launch_t_s=t0,
            terminal_dive_deg=30.0 if g.terminal == "dive" else None,
            **({} if n_max is None else {"max_load_factor": n_max}),
        )
    # Ballistic: from the (laterally shifted) launch point to the target or last waypoint.
    route = _route(g, i, target, 0.0, end_alt)
    return BallisticFlight(
        (route[0, 0], route[0, 1], g.launch.alt_m),
        tuple(route[-1]),
        launch_t_s=t0,
        trajectory=g.trajectory,
        burnout_speed_mps=g.burnout_speed_mps,
        burn_time_s=g.burn_time_s,
        apogee_m=g.apogee_m,
        max_apogee_m=_apogee_cap(g.trajectory, entry),
    )


def _apogee_cap(trajectory: str, entry: ThreatEntry) -> float | None:
    """The catalog's apogee (``max_altitude_m``) caps a minimum-energy trajectory: a
    quasi-ballistic missile (Iskander-class) flies depressed below it at long range."""
    if trajectory != "minimum_energy" or entry.max_altitude_m is None:
        return None
    return float(entry.max_altitude_m.value)


def expand_flights(sc: Scenario, cat: Catalog, rng: np.random.Generator) -> list[FlightRow]:
    """Every flying entity of the scenario, threats first (in file order; raids expanded
    group by group), then friendly aircraft, then neutral aircraft."""
    assets = {a.name: i for i, a in enumerate(sc.assets)}
    rows: list[FlightRow] = []
    for gi, e in enumerate(sc.threats):
        if isinstance(e, Raid):
            rows += _raid_rows(e, gi, sc, cat, rng, assets)
            continue
        entry = flown_entry(cat, e.type)
        a = assets[e.target] if e.target is not None else -1
        tgt = None
        if a >= 0:
            p = sc.assets[a].position
            tgt = (p.lat, p.lon, p.alt_m)
        base = e.name or f"{e.type}#{gi}"
        for i in range(e.count):
            rows.append(
                FlightRow(
                    f"{base}.{i}" if e.count > 1 else base,
                    e.type,
                    a,
                    False,
                    False,
                    _spec(e, entry, i, tgt),
                    reactive=(1 if e.evasion == "notch" else 2) if e.behaviour == "reactive" else 0,
                )
            )
    carriers = _carriers(sc, rows)
    groups: list[tuple[str, int, FriendlyGroup]] = [
        *(("friendly", fi, f) for fi, f in enumerate(sc.friendlies)),
        *(("neutral", ni, f) for ni, f in enumerate(sc.neutrals)),
    ]
    for side, fi, f in groups:
        entry = cat.threats[f.type]
        base = f.name or f"{side} {f.type}#{fi}"
        neutral = isinstance(f, NeutralGroup)
        for i in range(f.count):
            spec = _patrol_spec(f, entry, i) if f.patrol is not None else _spec(f, entry, i, None)
            rows.append(
                FlightRow(
                    f"{base}.{i}" if f.count > 1 else base,
                    f.type,
                    -1,
                    not neutral,
                    f.transponder and not neutral,
                    spec,
                    neutral,
                )
            )
    return rows + _pooled_rows(carriers, rows, assets)


def _carriers(sc: Scenario, rows: list[FlightRow]) -> list[tuple[int, Any]]:
    """(row, store) of every store carried by the threat rows made so far: a threat
    group's ``stores`` go with each of its entities."""
    out: list[tuple[int, Any]] = []
    r = 0
    for e in sc.threats:
        if isinstance(e, Raid):
            r += sum(g.count for g in e.raid.groups)
            continue
        for _ in range(e.count):
            out += [(r, st) for st in e.stores]
            r += 1
    return out


def _pooled_rows(
    carriers: list[tuple[int, Any]], rows: list[FlightRow], assets: dict[str, int]
) -> list[FlightRow]:
    """One pooled slot (``iads.threats.pool``) per store item, after every scenario entity
    so that their indices do not move; held at the carrier's start point. A store released
    at a point at an asset (``iads.engine.release``) has that asset as its target."""
    out = []
    for row, st in carriers:
        carrier = rows[row]
        start = carrier.spec
        hold = _start_lla(start)
        tgt = assets[st.target] if getattr(st, "target", None) is not None else -1
        for k in range(st.count):
            out.append(FlightRow(f"{carrier.name}.{st.type}.{k}", st.type, tgt, False, False,
                                 PooledSlot(hold), parent=row))  # fmt: skip
    return out


def _start_lla(spec: FlightSpec) -> tuple[float, float, float]:
    """The first route point of a flight spec (lat, lon [deg], h [m])."""
    wp = getattr(spec, "waypoints_lla", None)
    if wp is None:
        wp = getattr(spec, "route_lla", None)
    if wp is not None:
        return (float(wp[0][0]), float(wp[0][1]), float(wp[0][2]))
    launch = getattr(spec, "launch_lla", (0.0, 0.0, 0.0))
    return (float(launch[0]), float(launch[1]), float(launch[2]))


def _raid_rows(
    e: Raid, gi: int, sc: Scenario, cat: Catalog, rng: np.random.Generator, assets: dict[str, int]
) -> list[FlightRow]:
    r = e.raid
    a = assets[r.target]
    p = sc.assets[a].position
    groups = []
    for rg in r.groups:
        entry = flown_entry(cat, rg.type)
        kind = _RAID_KIND[entry.threat_class]
        groups.append(
            RaidKindGroup(
                kind=kind,
                count=rg.count,
                distance_m=rg.distance_m,
                radius_m=rg.radius_m,
                speed_mps=rg.speed_mps
                if rg.speed_mps is not None
                else (None if kind == "ballistic" else float(entry.cruise_speed_mps.value)),
                altitude_m=rg.altitude_m
                if rg.altitude_m is not None
                else (None if kind == "ballistic" else float(entry.cruise_altitude_m.value)),
                terminal=rg.terminal,
                burn_time_s=rg.burn_time_s,
                max_load_factor=float(entry.max_load_factor.value)
                if entry.max_load_factor is not None and kind != "ballistic"
                else None,
                max_apogee_m=_apogee_cap("minimum_energy", entry) if kind == "ballistic" else None,
            )
        )
    spec = RaidSpec(
        target_lla=(p.lat, p.lon, p.alt_m),
        groups=tuple(groups),
        axis_bearing_deg=r.axis_bearing_deg,
        axis_spread_deg=r.axis_spread_deg,
        start_t_s=r.start_time_s,
        time_spread_s=r.time_spread_s,
        time_on_target_s=r.time_on_target_s,
    )
    specs, _ = generate_raid(spec, rng)
    rows: list[FlightRow] = []
    base = r.name or f"raid#{gi}"
    k = 0
    for j, rg in enumerate(r.groups):
        for i in range(rg.count):
            rows.append(FlightRow(f"{base}.{rg.type}.{j}.{i}", rg.type, a, False, False, specs[k]))
            k += 1
    return rows
