"""Campaign specifications: the campaign file schema, sweeps over scenario parameters by
YAML path (full factorial ``grid`` or ``zip``), and the validated sweep points.

A campaign is a list of :class:`Point` (one validated scenario each) and a number of
replications per point. Three ways to build one: a campaign file
(:func:`load_campaign`), one scenario (:func:`single_campaign`) or several scenarios
side by side (:func:`compare_campaign`). Every sweep value is applied to the base
scenario's raw YAML data and validated exactly like a scenario, so that a bad value is
reported with the campaign file's line and the scenario's own message.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from iads._yamlio import LineMap, _fields_at, _line_for, format_path, load_yaml, read_yaml_file
from iads._yamlio import validate as validate_model
from iads.catalog.loader import load_catalog
from iads.catalog.schema import Catalog
from iads.errors import Problem, ScenarioError
from iads.scenario import LoadedScenario, Scenario, builtin_names, load_scenario, parse_scenario

__all__ = [
    "Campaign",
    "CampaignFile",
    "Point",
    "compare_campaign",
    "load_campaign",
    "parse_sweep_path",
    "single_campaign",
]

PathKey = tuple[str | int, ...]
#: Sweep paths under this key set catalog and model figures by their path
#: (``overrides.threats.f35.rcs_front_m2``), through the scenario's ``overrides``.
OVERRIDES = "overrides"
# One path segment: a key (any characters but . [ ]) followed by zero or more [index].
_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")


class CampaignFile(BaseModel):
    """The campaign file document (YAML)."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    name: str | None = Field(default=None, description="campaign name (default: file stem)")
    description: str | None = None
    scenario: str = Field(
        min_length=1,
        description="base scenario: a file path relative to the campaign file, or the name "
        "of a built-in scenario",
    )
    replications: int = Field(ge=1, le=10_000_000, description="replications per sweep point")
    seed: int | None = Field(
        default=None, ge=0, description="campaign seed (default: the base scenario's seed)"
    )
    mode: Literal["grid", "zip"] = Field(
        default="grid",
        description="grid: every combination of the sweep values (full factorial); zip: the "
        "i-th value of every path together (all lists of one length)",
    )
    sweep: dict[str, Annotated[list[Any], Field(min_length=1)]] = Field(
        default_factory=dict, description="YAML path in the scenario -> list of values"
    )
    store_events: bool = Field(
        default=True, description="store each replication's event log next to its summary row"
    )


@dataclass(frozen=True)
class Point:
    """One sweep point: the sweep values applied (``params``, path -> value, in the order
    of the sweep), the validated scenario and its resolved YAML text."""

    index: int
    params: dict[str, Any]
    loaded: LoadedScenario
    text: str

    @property
    def label(self) -> str:
        """``threats[0].count=24, defenders[0].enabled=true`` (the scenario name if none)."""
        if not self.params:
            return self.loaded.scenario.name
        return ", ".join(f"{k}={_show(v)}" for k, v in self.params.items())


@dataclass(frozen=True)
class Campaign:
    """A validated campaign: ``replications`` replications of every point, seeded from
    ``seed``. ``kind`` is ``sweep`` (one base scenario) or ``compare`` (one scenario per
    point, the parameter being ``scenario``)."""

    name: str
    seed: int
    replications: int
    points: tuple[Point, ...]
    parameters: tuple[str, ...]
    kind: Literal["sweep", "compare"] = "sweep"
    store_events: bool = True
    source: str | None = None
    text: str | None = None
    mode: str = "grid"
    description: str | None = field(default=None)
    #: Common random numbers: replication r of every point runs with the same seed (that
    #: of point 0), so that differences between points are not masked by sampling noise
    #: (sensitivity screens, ``iads.study.kinds.sensitivity``).
    common_seeds: bool = False

    @property
    def n_tasks(self) -> int:
        """Replications in the whole campaign (points × replications)."""
        return len(self.points) * self.replications


def _show(v: Any) -> str:
    """A sweep value for labels: YAML scalars as written; a mapping with a ``name`` by its
    name, a list of those as ``[a + b]``; other structures in YAML flow style."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict) and isinstance(v.get("name"), str):
        return v["name"]
    if isinstance(v, list) and v and all(isinstance(x, dict) and "name" in x for x in v):
        return "[" + " + ".join(str(x["name"]) for x in v) + "]"
    if isinstance(v, (dict, list)):
        return yaml.safe_dump(v, default_flow_style=True, allow_unicode=True, width=1 << 16).strip()
    return str(v)


def parse_sweep_path(path: str) -> PathKey:
    """``"threats[0].count"`` -> ``("threats", 0, "count")``; raises ValueError if the
    text is not a YAML path (keys joined by dots, list indexes in brackets)."""
    out: list[str | int] = []
    for seg in path.split("."):
        m = _SEGMENT.fullmatch(seg.strip())
        if m is None or m.group(1) != m.group(1).strip():
            raise ValueError(
                f"'{path}' is not a YAML path (keys joined by '.', list indexes as [i], "
                "e.g. threats[0].count)"
            )
        out.append(m.group(1))
        out.extend(int(i) for i in re.findall(r"\[(\d+)\]", m.group(2)))
    return tuple(out)


def _set_path(data: dict, path: PathKey, value: Any) -> str | None:
    """Set ``value`` at ``path`` in the raw scenario ``data`` (in place). A key absent
    from the file is created when the scenario schema allows it there (a default the file
    left out, such as ``defenders[0].enabled``). Returns why the path does not exist in
    the scenario, or None."""
    cur: Any = data
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        here = format_path(path[:depth]) or "the scenario"
        if isinstance(part, int):
            if not isinstance(cur, list):
                return f"'{here}' is not a list, so it has no index [{part}]"
            if part >= len(cur):
                return f"index [{part}] is out of range: '{here}' has {len(cur)} entries"
        else:
            if not isinstance(cur, dict):
                return f"'{here}' is not a mapping, so it has no key '{part}'"
            if part not in cur or (cur[part] is None and not last):
                allowed = _fields_at(Scenario, path[: depth + 1])
                if allowed and part not in allowed:
                    hint = difflib.get_close_matches(part, allowed, n=1)
                    dym = f"; did you mean '{hint[0]}'?" if hint else ""
                    return f"'{here}' has no key '{part}'{dym} (allowed: {', '.join(allowed)})"
                if not last:
                    if isinstance(path[depth + 1], int):
                        return f"'{format_path(path[: depth + 1])}' is not in the scenario"
                    cur[part] = {}
        if last:
            cur[part] = copy.deepcopy(value)
        else:
            cur = cur[part]
    return None


def _point(
    params: dict[str, Any],
    paths: dict[str, PathKey],
    base: LoadedScenario,
    data: dict,
    lines: LineMap,
) -> LoadedScenario | list[str] | str:
    """The scenario of one point: the validated scenario, the scenario's problems (a
    list of messages) or why a path does not exist (a string)."""
    if not params:
        return base
    d = copy.deepcopy(data)
    for key, value in params.items():
        if len(paths[key]) > 1 and paths[key][0] == OVERRIDES:
            # A catalog or model figure by its path: one key of the scenario's overrides
            # (iads.catalog.overrides), checked when the scenario is validated.
            if not isinstance(d.setdefault(OVERRIDES, {}), dict):
                return "'overrides' in the scenario is not a mapping"
            d[OVERRIDES][key.strip()[len(OVERRIDES) + 1 :]] = copy.deepcopy(value)
            continue
        why = _set_path(d, paths[key], value)
        if why is not None:
            return why
    text = yaml.safe_dump(d, sort_keys=False, allow_unicode=True)
    try:
        catalog = base.base_catalog or base.catalog  # the point's overrides apply afresh
        return parse_scenario(d, lines, catalog, base.source, text)
    except ScenarioError as exc:
        return [p.format(base.source) for p in exc.problems]


def _sweep_points(
    doc: CampaignFile, base: LoadedScenario, file: str, lines: LineMap
) -> tuple[Point, ...]:
    """Every point of the sweep, validated; all problems raised at once."""
    problems: list[Problem] = []

    def where(*key: str | int) -> tuple[str, int | None]:
        loc: PathKey = ("sweep",) + key
        return f"sweep['{key[0]}']" + "".join(f"[{k}]" for k in key[1:]), _line_for(loc, lines)

    if doc.mode == "zip" and len({len(v) for v in doc.sweep.values()}) > 1:
        lengths = ", ".join(f"{k}: {len(v)}" for k, v in doc.sweep.items())
        msg = f"in zip mode every sweep list needs the same length; got {lengths}"
        problems.append(Problem("sweep", msg, _line_for(("sweep",), lines)))
    paths: dict[str, PathKey] = {}
    for key in doc.sweep:
        try:
            paths[key] = parse_sweep_path(key)
        except ValueError as exc:
            problems.append(Problem(*_with(where(key), str(exc))))
    from iads.catalog.overrides import resolve

    for key, path in paths.items():
        if len(path) > 1 and path[0] == OVERRIDES:
            try:  # a figure path is checked once, not once per value
                resolve(base.base_catalog or base.catalog, key.strip()[len(OVERRIDES) + 1 :])
            except ValueError as exc:
                problems.append(Problem(*_with(where(key), f"unknown figure path: {exc}")))
    if problems:
        raise ScenarioError(file, problems)
    data, blines = load_yaml(base.text, base.source)
    # Each value alone first, to locate a bad value on its own line.
    bad = False
    for key, values in doc.sweep.items():
        for j, value in enumerate(values):
            res = _point({key: value}, paths, base, data, blines)
            if isinstance(res, str):
                problems.append(
                    Problem(*_with(where(key), f"path does not exist in {base.source}: {res}"))
                )
                bad = True
                break
            if isinstance(res, list):
                msg = f"value {_show(value)} makes the scenario {base.source} invalid: " + (
                    "; ".join(res)
                )
                problems.append(Problem(*_with(where(key, j), msg)))
                bad = True
    if bad:
        raise ScenarioError(file, problems)
    keys = list(doc.sweep)
    if not keys:
        combos: list[tuple] = [()]
    elif doc.mode == "zip":
        combos = list(zip(*doc.sweep.values(), strict=True))
    else:
        combos = list(itertools.product(*doc.sweep.values()))
    points = []
    for i, combo in enumerate(combos):
        params = dict(zip(keys, combo, strict=True))
        res = _point(params, paths, base, data, blines)
        if isinstance(res, (str, list)):  # values valid alone, invalid together
            label = ", ".join(f"{k}={_show(v)}" for k, v in params.items())
            msg = f"the combination {label} makes the scenario {base.source} invalid: " + (
                res if isinstance(res, str) else "; ".join(res)
            )
            problems.append(Problem("sweep", msg, _line_for(("sweep",), lines)))
            continue
        text = base.text if not params else res.text
        points.append(Point(i, params, res, text))
    if problems:
        raise ScenarioError(file, problems)
    return tuple(points)


def _with(loc: tuple[str, int | None], msg: str) -> tuple[str, str, int | None]:
    return loc[0], msg, loc[1]


def _resolve_base(
    ref: str, folder: Path, catalog: Catalog, file: str, lines: LineMap
) -> LoadedScenario:
    """The base scenario named by a campaign file: a path relative to the campaign
    file's folder, or a built-in scenario's name."""
    path = Path(ref) if Path(ref).is_absolute() else folder / ref
    if path.exists():
        return load_scenario(path, catalog)
    if ref in builtin_names():
        return load_scenario(ref, catalog)
    hint = difflib.get_close_matches(ref, builtin_names(), n=1)
    dym = f"; did you mean the built-in scenario '{hint[0]}'?" if hint else ""
    raise ScenarioError(
        file,
        [
            Problem(
                "scenario",
                f"no file {path} and no built-in scenario named '{ref}'{dym} "
                f"(built-in: {', '.join(builtin_names())})",
                _line_for(("scenario",), lines),
            )
        ],
    )


def load_campaign(
    path: str | Path,
    catalog: Catalog | None = None,
    *,
    replications: int | None = None,
    seed: int | None = None,
) -> Campaign:
    """Read and validate a campaign file; ``replications`` and ``seed`` override the
    file's. Raises :class:`~iads.errors.ScenarioError` with every problem located."""
    catalog = catalog or load_catalog()
    p = Path(path)
    data, lines = read_yaml_file(p)
    file = str(p)
    if not isinstance(data, dict):
        raise ScenarioError(file, [Problem("", "a campaign file must be a YAML mapping", 1)])
    doc = validate_model(CampaignFile, data, lines, file)
    base = _resolve_base(doc.scenario, p.parent, catalog, file, lines)
    points = _sweep_points(doc, base, file, lines)
    return Campaign(
        name=doc.name or p.stem,
        seed=next(s for s in (seed, doc.seed, base.scenario.settings.seed) if s is not None),
        replications=replications or doc.replications,
        points=points,
        parameters=tuple(doc.sweep),
        kind="sweep",
        store_events=doc.store_events,
        source=file,
        text=p.read_text(encoding="utf-8"),
        mode=doc.mode,
        description=doc.description,
    )


def single_campaign(
    scenario: str | Path,
    replications: int,
    *,
    seed: int | None = None,
    catalog: Catalog | None = None,
    store_events: bool = True,
) -> Campaign:
    """``replications`` replications of one scenario (a file or a built-in name)."""
    loaded = load_scenario(scenario, catalog or load_catalog())
    return Campaign(
        name=loaded.scenario.name,
        seed=loaded.scenario.settings.seed if seed is None else seed,
        replications=replications,
        points=(Point(0, {}, loaded, loaded.text),),
        parameters=(),
        store_events=store_events,
    )


def compare_campaign(
    scenarios: list[str | Path],
    replications: int,
    *,
    seed: int | None = None,
    catalog: Catalog | None = None,
    store_events: bool = True,
) -> Campaign:
    """One point per scenario (files or built-in names), compared side by side; the
    parameter ``scenario`` is each scenario's name (its file stem if names repeat)."""
    catalog = catalog or load_catalog()
    loaded = [load_scenario(s, catalog) for s in scenarios]
    names = [ld.scenario.name for ld in loaded]
    if len(set(names)) < len(names):
        names = [Path(str(s)).stem for s in scenarios]
    if len(set(names)) < len(names):
        names = [str(s) for s in scenarios]
    # Figures set by path in any of the scenarios are factors too: one column each, the
    # scenario's value (its override, else its catalog's).
    paths = list(dict.fromkeys(k for ld in loaded for k in ld.scenario.overrides))
    points = tuple(
        Point(i, {"scenario": n, **_override_factors(ld, paths)}, ld, ld.text)
        for i, (n, ld) in enumerate(zip(names, loaded, strict=True))
    )
    return Campaign(
        name=" vs ".join(names),
        seed=loaded[0].scenario.settings.seed if seed is None else seed,
        replications=replications,
        points=points,
        parameters=("scenario", *(f"{OVERRIDES}.{k}" for k in paths)),
        kind="compare",
        store_events=store_events,
    )


def _override_factors(ld: LoadedScenario, paths: list[str]) -> dict[str, Any]:
    """``overrides.<path>`` -> the value of each figure ``paths`` names in scenario ``ld``
    (its override, else its catalog's value; None when neither gives one)."""
    from iads.catalog.overrides import value_at

    out: dict[str, Any] = {}
    for k in paths:
        if k in ld.scenario.overrides:
            out[f"{OVERRIDES}.{k}"] = ld.scenario.overrides[k]
        else:
            try:
                out[f"{OVERRIDES}.{k}"] = value_at(ld.catalog, k)
            except ValueError:
                out[f"{OVERRIDES}.{k}"] = None
    return out


def raid_differs(campaign: Campaign) -> list[Point]:
    """The points whose threats (the raid) differ from the first point's."""
    first = campaign.points[0].loaded.scenario.threats
    return [p for p in campaign.points[1:] if p.loaded.scenario.threats != first]
