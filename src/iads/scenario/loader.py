"""Loading scenarios: from a file or a built-in name, through the safe YAML reader, the
pydantic schema and the cross-reference checks against the catalog. Every problem is
reported at once, each with the file, the YAML path and its line."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from iads._yamlio import LineMap, load_yaml, read_yaml_file, validate
from iads.catalog.loader import load_catalog
from iads.catalog.schema import Catalog
from iads.errors import ParameterError, Problem, ScenarioError
from iads.scenario.schema import Raid, Scenario

__all__ = [
    "LoadedScenario",
    "builtin_names",
    "load_scenario",
    "parse_scenario",
    "with_overrides",
]

DEFAULT_SCENARIO = "default"
#: Threat classes a friendly flight may be (the friendly model is an aircraft's).
FRIENDLY_CLASSES = ("aircraft", "stealth_aircraft")
#: A ballistic missile's target may lie at most this many times its catalog range_m from
#: its launch point (published ranges vary by version and payload).
BALLISTIC_RANGE_MARGIN = 1.5


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with the catalog it was checked against and its origin.
    ``catalog`` has the scenario's ``overrides`` applied; ``base_catalog`` is the catalog
    before them (None: the same)."""

    scenario: Scenario
    catalog: Catalog
    source: str
    text: str
    base_catalog: Catalog | None = None


def builtin_names() -> list[str]:
    """Names of the scenarios shipped inside the package, files and families
    (``iads.scenario.families``: generated from parameters)."""
    from iads.scenario.families import FAMILIES

    root = resources.files("iads.scenario") / "builtin"
    files = [p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml")]
    return sorted({*files, *FAMILIES})


def _builtin_text(name: str) -> str:
    return (resources.files("iads.scenario") / "builtin" / f"{name}.yaml").read_text("utf-8")


def load_scenario(
    name_or_path: str | Path | None = None,
    catalog: Catalog | None = None,
    params: Mapping[str, Any] | None = None,
) -> LoadedScenario:
    """Load a scenario file, or a built-in scenario by name (``None``: the default).

    A path wins over a built-in name only when it is a file: a folder named ``default``
    in the working directory does not hide the built-in ``default``. ``params`` are the
    parameters of a built-in scenario family (``saturation``: ``n_threats``,
    ``batteries``, ...; values as numbers or text), an error for any other scenario."""
    from iads.scenario.families import FAMILIES, family_text

    catalog = catalog or load_catalog()
    name = DEFAULT_SCENARIO if name_or_path is None else str(name_or_path)
    path = Path(name)
    if not path.is_file() and name in FAMILIES:
        text, source = family_text(name, params)
        data, lines = load_yaml(text, source)
        return parse_scenario(data, lines, catalog, source, text)
    if params:
        from iads.errors import InputError

        raise InputError(
            f"{name}: --param is for the built-in scenario families "
            f"({', '.join(sorted(FAMILIES))}); a scenario file or fixed built-in scenario "
            f"takes none (got {', '.join(params)})"
        )
    if not path.is_file() and name in builtin_names():
        text = _builtin_text(name)
        data, lines = load_yaml(text, f"<built-in scenario '{name}'>")
        return parse_scenario(data, lines, catalog, f"<built-in scenario '{name}'>", text)
    if not path.exists():
        hint = difflib.get_close_matches(name, builtin_names(), n=1)
        extra = f"; did you mean the built-in scenario '{hint[0]}'?" if hint else ""
        raise ScenarioError(
            name,
            [
                Problem(
                    "",
                    f"no such file, and no built-in scenario of that name{extra} "
                    f"(built-in: {', '.join(builtin_names())})",
                )
            ],
        )
    data, lines = read_yaml_file(path)
    return parse_scenario(data, lines, catalog, str(path), path.read_text("utf-8"))


def parse_scenario(
    data: Any, lines: LineMap, catalog: Catalog, file: str, text: str = ""
) -> LoadedScenario:
    """Validate parsed YAML ``data`` (with its line map) into a :class:`LoadedScenario`."""
    if not isinstance(data, dict):
        raise ScenarioError(file, [Problem("", "a scenario must be a YAML mapping", 1)])
    scenario = validate(Scenario, data, lines, file)
    base = catalog
    problems: list[Problem] = []
    if scenario.overrides:
        from iads.catalog.overrides import apply

        try:
            catalog = apply(catalog, scenario.overrides, file=file, lines=lines)
        except ScenarioError as exc:  # reported with the scenario's other problems
            problems += exc.problems
    p = Path(file)
    problems += cross_check(scenario, catalog, lines, p.parent if p.is_file() else None)
    if problems:
        raise ScenarioError(file, problems)
    return LoadedScenario(scenario, catalog, file, text, base)


def with_overrides(loaded: LoadedScenario, overrides: dict[str, Any]) -> LoadedScenario:
    """``loaded`` with more catalog and model figures set by path (``{path: value}``, on
    top of the scenario's own ``overrides:``; a path given again takes the new value),
    validated like a scenario file; its text holds every override, so it reproduces. For
    programmatic studies (sensitivity screens); raises ``ScenarioError`` located in the
    scenario's ``overrides``."""
    import yaml

    data, lines = load_yaml(loaded.text, loaded.source) if loaded.text else ({}, {})
    if not isinstance(data, dict):
        data = loaded.scenario.model_dump(mode="json", exclude_defaults=True)
    own = dict(data.get("overrides") or {})
    own.update(overrides)
    data["overrides"] = own
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    base = loaded.base_catalog or loaded.catalog
    return parse_scenario(data, lines, base, loaded.source, text)


def _did_you_mean(word: str, options: list[str]) -> str:
    hint = difflib.get_close_matches(word, options, n=1, cutoff=0.5)
    return f"; did you mean '{hint[0]}'?" if hint else ""


def cross_check(
    sc: Scenario, catalog: Catalog, lines: LineMap, base_dir: Path | None = None
) -> list[Problem]:
    """Problems with references between the scenario and the catalog, with times outside
    the run, and with the terrain file (read here, from ``base_dir`` when relative, so that
    a bad file fails at validation, not in the middle of a run)."""
    problems: list[Problem] = []

    def add(path: tuple, msg: str) -> None:
        from iads._yamlio import _line_for, format_path

        problems.append(Problem(format_path(path), msg, _line_for(path, lines)))

    asset_names = [a.name for a in sc.assets]
    for kind, names in (("asset", asset_names), ("defender", [d.name for d in sc.defenders])):
        seen: set[str] = set()
        for i, n in enumerate(names):
            if n in seen:
                add((kind + "s", i, "name"), f"duplicate {kind} name '{n}'")
            seen.add(n)
    systems = sorted(catalog.systems)
    for i, d in enumerate(sc.defenders):
        if d.system not in catalog.systems:
            add(
                ("defenders", i, "system"),
                f"unknown system '{d.system}'{_did_you_mean(d.system, systems)} "
                f"(catalog systems: {', '.join(systems)})",
            )
            continue
        system = catalog.systems[d.system]
        optional = list(system.optional_radars)
        for j, rk in enumerate(d.extra_radars):
            if rk not in optional:
                add(
                    ("defenders", i, "extra_radars", j),
                    f"radar '{rk}' is not an optional radar of {d.system}"
                    f"{_did_you_mean(rk, optional)} "
                    f"(allowed: {', '.join(optional) or 'none'})",
                )
            elif rk in d.extra_radars[:j] or rk in system.radars:
                add(("defenders", i, "extra_radars", j), f"radar '{rk}' is already in the unit")
        radars = list(system.radars) + [rk for rk in d.extra_radars if rk in optional]
        for key in d.radar_emcon:
            if key not in radars:
                add(("defenders", i, "radar_emcon", key),
                    f"radar '{key}' is not part of the unit"
                    f"{_did_you_mean(key, radars)} (radars: {', '.join(radars)})")  # fmt: skip
        missiles = sorted({catalog.launchers[g.launcher].missile for g in system.launchers})
        for key in d.loadout or {}:
            if key not in missiles:
                add(
                    ("defenders", i, "loadout", key),
                    f"missile '{key}' is not carried by {d.system}"
                    f"{_did_you_mean(key, missiles)} (allowed: {', '.join(missiles)})",
                )
    defender_names = [d.name for d in sc.defenders]
    seen_member: dict[str, str] = {}
    for i, net in enumerate(sc.networks):
        for j, m in enumerate(net.members):
            if m not in defender_names:
                add(
                    ("networks", i, "members", j),
                    f"unknown defender '{m}'{_did_you_mean(m, defender_names)} "
                    f"(defenders: {', '.join(defender_names)})",
                )
            elif m in seen_member:
                add(
                    ("networks", i, "members", j),
                    f"defender '{m}' is already in network '{seen_member[m]}'",
                )
            else:
                seen_member[m] = net.name
    group_names = [g.name for g in sc.threats if not isinstance(g, Raid) and g.name]
    for i, jm in enumerate(sc.jammers):
        if jm.escorts is not None and jm.escorts not in group_names:
            add(
                ("jammers", i, "escorts"),
                f"unknown threat group '{jm.escorts}'{_did_you_mean(jm.escorts, group_names)} "
                f"(named threat groups: {', '.join(group_names) or 'none'})",
            )
    threats = sorted(catalog.threats)
    aircraft = sorted(k for k, e in catalog.threats.items() if e.threat_class in FRIENDLY_CLASSES)
    for kind, i, g in [
        *(("friendlies", i, g) for i, g in enumerate(sc.friendlies)),
        *(("neutrals", i, g) for i, g in enumerate(sc.neutrals)),
    ]:
        if g.type not in catalog.threats:
            add(
                (kind, i, "type"),
                f"unknown aircraft type '{g.type}'{_did_you_mean(g.type, aircraft)} "
                f"(catalog aircraft: {', '.join(aircraft)})",
            )
        elif catalog.threats[g.type].threat_class not in FRIENDLY_CLASSES:
            add(
                (kind, i, "type"),
                f"'{g.type}' is a {catalog.threats[g.type].threat_class}: friendly and "
                f"neutral flights are aircraft (catalog aircraft: {', '.join(aircraft)})",
            )
        elif g.patrol is not None and g.patrol.load_factor is not None:
            n_max = catalog.threats[g.type].max_load_factor
            if n_max is not None and g.patrol.load_factor > n_max.value:
                add((kind, i, "patrol", "load_factor"),
                    f"must be at most the {g.type}'s catalog max_load_factor "
                    f"{n_max.value:g}; got {g.patrol.load_factor:g}")
    problems += _airspace_problems(sc, add)
    for i, entry in enumerate(sc.threats):
        if isinstance(entry, Raid) or entry.type not in catalog.threats:
            continue
        te = catalog.threats[entry.type]
        if te.threat_class != "ballistic_missile" or te.range_m is None:
            continue
        end = next((a.position for a in sc.assets if a.name == entry.target), None)
        end = entry.waypoints[-1] if entry.waypoints else end
        if end is None:
            continue
        from iads.geo import great_circle_distance_m

        reach = BALLISTIC_RANGE_MARGIN * te.range_m.value
        d = float(great_circle_distance_m(entry.launch.lat, entry.launch.lon, end.lat, end.lon))
        if d > reach:
            add(("threats", i, "launch"),
                f"the target is {d / 1e3:,.0f} km from the launch point, beyond what a "
                f"{entry.type} reaches ({BALLISTIC_RANGE_MARGIN:g} x its catalog range_m "
                f"{te.range_m.value / 1e3:,.0f} km)")
    duration = sc.settings.duration_s
    for kind, groups in (
        ("threats", sc.threats), ("friendlies", sc.friendlies), ("neutrals", sc.neutrals)
    ):
        for i, g in enumerate(groups):
            if isinstance(g, Raid):
                if g.raid.start_time_s >= duration:
                    add((kind, i, "raid", "start_time_s"),
                        f"the raid starts at {g.raid.start_time_s:g} s, not within the run "
                        f"(settings.duration_s = {duration:g} s)")
                continue
            last = g.launch_time_s + (g.count - 1) * g.spacing_s
            if g.launch_time_s >= duration:
                add((kind, i, "launch_time_s"),
                    f"must lie within the run (settings.duration_s = {duration:g} s); "
                    f"got {g.launch_time_s:g}")
            elif last >= duration:
                add((kind, i, "spacing_s"),
                    f"the last of the {g.count} launches is at {last:g} s, after the end of "
                    f"the run (settings.duration_s = {duration:g} s)")
    if sc.terrain is not None and sc.terrain.file is not None:
        from iads.sensors.terrain import load_terrain

        try:
            load_terrain(sc.terrain, base_dir)
        except ParameterError as exc:
            add(("terrain", "file"), str(exc))
    for i, entry in enumerate(sc.threats):
        if isinstance(entry, Raid):
            r = entry.raid
            if r.target not in asset_names:
                allowed = ", ".join(asset_names) if asset_names else "none defined"
                add(("threats", i, "raid", "target"),
                    f"unknown asset '{r.target}'{_did_you_mean(r.target, asset_names)} "
                    f"(assets: {allowed})")
            for j, rg in enumerate(r.groups):
                if rg.type not in catalog.threats:
                    add(("threats", i, "raid", "groups", j, "type"),
                        f"unknown threat type '{rg.type}'{_did_you_mean(rg.type, threats)} "
                        f"(catalog threats: {', '.join(threats)})")
            continue
        g = entry
        if g.type not in catalog.threats:
            add(
                ("threats", i, "type"),
                f"unknown threat type '{g.type}'{_did_you_mean(g.type, threats)} "
                f"(catalog threats: {', '.join(threats)})",
            )
        elif g.behaviour == "reactive":
            t = catalog.threats[g.type]
            if t.threat_class not in ("aircraft", "stealth_aircraft") or t.imitates:
                add(("threats", i, "behaviour"),
                    f"'reactive' is for aircraft (they carry a radar warning receiver); "
                    f"'{g.type}' is a {'decoy' if t.imitates else t.threat_class}")
            elif g.kinematics != "auto":
                add(("threats", i, "behaviour"),
                    "'reactive' needs kinematics: auto (turns at the load-factor limit)")
        for j, st in enumerate(g.stores):
            stores = sorted(k for k, e in catalog.threats.items() if e.anti_radiation)
            if st.release is not None:  # a cruise missile or decoy released at a point
                if st.type not in catalog.threats:
                    add(("threats", i, "stores", j, "type"),
                        f"unknown store type '{st.type}'{_did_you_mean(st.type, threats)} "
                        f"(catalog threats: {', '.join(threats)})")  # fmt: skip
            elif st.type not in stores:
                add(("threats", i, "stores", j, "type"),
                    f"'{st.type}' is no store an aircraft can launch"
                    f"{_did_you_mean(st.type, stores)} (anti-radiation missiles: "
                    f"{', '.join(stores) or 'none in the catalog'}; any catalog threat "
                    f"with a 'release' point)")  # fmt: skip
            if st.target is not None and st.target not in asset_names:
                add(("threats", i, "stores", j, "target"),
                    f"unknown asset '{st.target}'{_did_you_mean(st.target, asset_names)}")
        if g.target is not None and g.target not in asset_names:
            allowed = ", ".join(asset_names) if asset_names else "none defined"
            add(
                ("threats", i, "target"),
                f"unknown asset '{g.target}'{_did_you_mean(g.target, asset_names)} "
                f"(assets: {allowed})",
            )
    return problems


def _airspace_problems(sc: Scenario, add) -> list[Problem]:
    """Duplicate airspace names, unknown countries and invalid polygons (self-crossing,
    zero area), reported through ``add``; returns no extra list (``add`` collects)."""
    from shapely.geometry import Polygon
    from shapely.validation import explain_validity

    from iads.geo.borders import country_polygon

    seen: set[str] = set()
    for i, a in enumerate(sc.airspaces):
        if a.name in seen:
            add(("airspaces", i, "name"), f"duplicate airspace name '{a.name}'")
        seen.add(a.name)
        if a.country is not None:
            try:
                country_polygon(a.country, a.resolution)
            except ParameterError as exc:
                add(("airspaces", i, "country"), str(exc))
            continue
        poly = Polygon([(p.lon, p.lat) for p in a.polygon or []])
        if not poly.is_valid or poly.area == 0.0:
            why = explain_validity(poly) if not poly.is_valid else "zero area"
            add(("airspaces", i, "polygon"),
                f"not a simple polygon ({why}); give the points in order around the "
                f"boundary, without crossing edges (lon/lat, edges straight in lon/lat)")
    return []
