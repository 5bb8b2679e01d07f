"""Setting catalog and model figures by path, and listing every figure that can be set.

A path names one leaf of the catalog: a section, an entry key, then fields, with list
indexes in brackets::

    threats.f35.rcs_front_m2
    missiles.48N6E3.pk.aircraft
    systems.S-400.command_post.reaction_time_s
    systems.S-400.launchers[0].count
    c2.iff.p_friend_declared_hostile_without_iff      (a model figure, data/model.yaml)

Two shorthands reach an entry through the system that uses it:
``systems.S-400.missiles.48N6E3.pk.aircraft`` is ``missiles.48N6E3.pk.aircraft`` (and
``systems.S-400.radars.92N6E.ref_range_m`` is ``radars.92N6E.ref_range_m``): the missile
or radar entry is changed for every system that uses it. ``…​.value`` may end a path to a
figure. A figure the entry leaves out (``radars.92N6E.peak_power_w``) is created.

:func:`apply` returns a new catalog with the values set (the catalog it is given is not
changed), validated against the catalog schema (pydantic) and the physical range of each
figure (:func:`allowed_range`), every problem at once with the path, the value received,
what is allowed and the nearest valid paths. A figure set by path keeps no source: it
becomes ``assumed`` with a rationale that says it was overridden (and from what), and the
catalog's ``overrides`` lists every one (path, old value, new value), which each run's
summary and assumptions report. :func:`figures` lists every numeric leaf that can be set,
with its value, whether it is assumed, its allowed range and its stated range (the
catalog's ``range: [low, high]``), for sensitivity studies.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from iads._yamlio import LineMap, format_path
from iads.catalog.schema import THREAT_CLASSES, Catalog, Figure, ModelFigures, OverrideRecord
from iads.errors import Problem, ScenarioError

__all__ = [
    "FigureInfo",
    "allowed_range",
    "apply",
    "figures",
    "model_figure",
    "parse_path",
    "resolve",
    "value_at",
]

PathKey = tuple[str | int, ...]
#: Catalog sections whose entries can be set by path (``sources`` holds no figures).
SECTIONS = ("radars", "missiles", "launchers", "systems", "threats")
_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")
_INF = math.inf


@dataclass(frozen=True)
class FigureInfo:
    """One numeric leaf that can be set by path: its canonical ``path``, ``value``,
    whether it is ``assumed`` (an assumption rather than a sourced figure), its
    ``source`` keys and its allowed range ``[lo, hi]`` (``integer`` when it is a count)."""

    path: str
    value: float
    assumed: bool
    source: tuple[str, ...]
    lo: float
    hi: float
    integer: bool = False
    lo_exclusive: bool = False  # the range is (lo, hi] (an RCS, a speed: > 0)
    #: the span the figure could take, as the catalog states it (``range: [low, high]``:
    #: a published spread or the modeller's bounds); None when the catalog gives none
    stated: tuple[float, float] | None = None


def parse_path(path: str) -> PathKey:
    """``"systems.S-400.launchers[0].count"`` -> ``("systems", "S-400", "launchers", 0,
    "count")``; raises ValueError if the text is not a path."""
    out: list[str | int] = []
    for seg in str(path).split("."):
        m = _SEGMENT.fullmatch(seg)
        if m is None or m.group(1) != m.group(1).strip():
            raise ValueError(
                f"'{path}' is not a figure path (keys joined by '.', list indexes as [i], "
                "e.g. threats.f35.rcs_front_m2)"
            )
        out.append(m.group(1))
        out.extend(int(i) for i in re.findall(r"\[(\d+)\]", m.group(2)))
    return tuple(out)


# Physical range of a figure from its name (SI units in the names, docs/catalog.md):
# (pattern on the name, or on "parent.name", lo, hi, lo exclusive, integer).
_RULES: tuple[tuple[str, float, float, bool, bool], ...] = (
    (r"pk\.\w+", 0.0, 1.0, False, False),
    (r"(class_weight\.\w+|ref_pd|p_\w+|prior_\w+|\w+_fraction|memory|decide_p)", 0, 1, False,
     False),
    (r"pfa", 0.0, 1.0, True, False),
    (r"looks_to_declare", 1, 100, False, True),
    # counts: bounded like the scenario's loadouts (a run's arrays are sized by them)
    (r"(count|fire_channels|missiles_per_launcher)", 0, 10_000, False, True),
    (r"(n_tracked|n_engaged)", 0, 1e9, False, True),
    (r"n_pulses", 1.0, 1e6, False, True),
    (r"\w*elevation_deg", -90.0, 90.0, False, False),
    (r"\w+_deg", 0.0, 360.0, True, False),
    (r"\w+_(m2|hz|factor|mps)|max_load_factor|ref_range_m|instrumented_range_m", 0, _INF,
     True, False),
    (r"\w+_(m|s|w|usd)", 0.0, _INF, False, False),
    (r"swerling", 0.0, 4.0, False, True),
)


def allowed_range(path: PathKey | str) -> tuple[float, float, bool, bool]:
    """(lo, hi, lo exclusive, integer) of the figure at a canonical ``path`` (from its
    name; decibels and unnamed quantities: any finite number)."""
    key = parse_path(path) if isinstance(path, str) else path
    names = [p for p in key if isinstance(p, str)]
    tail = ".".join(names[-2:])
    for pattern, lo, hi, open_lo, integer in _RULES:
        if re.fullmatch(pattern, names[-1]) or re.fullmatch(pattern, tail):
            return float(lo), float(hi), open_lo, integer
    return -_INF, _INF, False, False


def _describe(rng: tuple[float, float, bool, bool]) -> str:
    lo, hi, open_lo, integer = rng
    kind = "a whole number" if integer else "a number"
    if lo == -_INF and hi == _INF:
        return f"{kind} (finite)"
    if hi == _INF:
        return f"{kind} {'>' if open_lo else '>='} {lo:g}"
    return f"{kind} {'in (' if open_lo else 'in ['}{lo:g}, {hi:g}]"


def _in_range(value: float, rng: tuple[float, float, bool, bool]) -> bool:
    lo, hi, open_lo, integer = rng
    if not math.isfinite(value) or value > hi or value < lo or (open_lo and value == lo):
        return False
    return not integer or float(value).is_integer()


# ---- walking the catalog ------------------------------------------------------------


def _root(cat: Catalog, key: PathKey) -> tuple[PathKey, str | None]:
    """The canonical path of ``key`` (model groups under ``model``, the system shorthands
    resolved), or why it names nothing."""
    head = key[0]
    groups = list(type(cat.model).model_fields)
    if head == "model":
        key = key[1:]
        head = key[0] if key else ""
    if head in groups:
        return ("model",) + key, None
    if head not in SECTIONS:
        allowed = list(SECTIONS) + groups
        return key, f"no section '{head}'{_dym(str(head), allowed)} (allowed: {', '.join(allowed)})"
    if head == "systems" and len(key) >= 4 and key[1] in cat.systems and isinstance(key[3], str):
        sys_ = cat.systems[key[1]]
        if key[2] == "missiles":
            carried = [cat.launchers[g.launcher].missile for g in sys_.launchers]
            if key[3] not in carried:
                return key, (f"{key[1]} carries no missile '{key[3]}'{_dym(key[3], carried)} "
                             f"(carried: {', '.join(dict.fromkeys(carried))})")
            return ("missiles",) + key[3:], None
        if key[2] == "radars":
            if key[3] not in sys_.radars:
                return key, (f"{key[1]} has no radar '{key[3]}'{_dym(key[3], sys_.radars)} "
                             f"(radars: {', '.join(sys_.radars)})")
            return ("radars",) + key[3:], None
        if key[2] == "launchers":
            names = [g.launcher for g in sys_.launchers]
            if key[3] not in names:
                return key, (f"{key[1]} has no launcher '{key[3]}'{_dym(key[3], names)} "
                             f"(launchers: {', '.join(names)})")
            return key[:3] + (names.index(key[3]),) + key[4:], None
    return key, None


def _dym(word: str, options: Any) -> str:
    hint = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.5)
    return f"; did you mean '{hint[0]}'?" if hint else ""


def _optional_figure(model: BaseModel, name: str) -> bool:
    ann = type(model).model_fields[name].annotation
    return Figure in getattr(ann, "__args__", ()) or ann is Figure


@dataclass(frozen=True)
class _Target:
    canonical: PathKey  # ends at the leaf (a Figure's path ends at the figure, not .value)
    old: Any  # the Figure, the plain value, or None when the figure is absent
    is_figure: bool


def resolve(cat: Catalog, path: str) -> PathKey:
    """The canonical path (a tuple) of ``path`` in ``cat``; raises ``ValueError`` with why
    the path names no leaf (and the nearest valid paths)."""
    target = _resolve(cat, path)
    if isinstance(target, str):
        raise ValueError(target)
    return target.canonical


def value_at(cat: Catalog, path: str) -> Any:
    """The value at ``path`` in ``cat`` (a figure's value; None for a figure the entry
    leaves out); raises ``ValueError`` when the path names no leaf."""
    target = _resolve(cat, path)
    if isinstance(target, str):
        raise ValueError(target)
    return target.old.value if isinstance(target.old, Figure) else target.old


def _resolve(cat: Catalog, path: str) -> _Target | str:
    try:
        key = parse_path(path)
    except ValueError as exc:
        return str(exc)
    key, why = _root(cat, key)
    if why is not None:
        return why + _nearest(cat, path)
    obj: Any = cat
    for depth, part in enumerate(key):
        here = _public(key[:depth]) or "the catalog"
        rest = key[depth:]
        if isinstance(obj, Figure):
            if rest == ("value",):
                return _Target(key[:depth], obj, True)
            return f"'{here}' is a figure: only its value can be set" + _nearest(cat, path)
        if isinstance(obj, list):
            if not isinstance(part, int) or part >= len(obj):
                n = len(obj)
                return f"'{here}' is a list of {n}: give an index [0] to [{n - 1}]" + _nearest(
                    cat, path
                )
            obj = obj[part]
        elif isinstance(obj, dict):
            if part not in obj:
                if here.endswith(".pk") and part in THREAT_CLASSES and depth == len(key) - 1:
                    return _Target(key, None, True)  # a Pk the entry leaves out
                what = "entry" if depth == 1 else "key"
                return (f"'{here}' has no {what} '{part}'{_dym(str(part), obj)} "
                        f"(allowed: {', '.join(map(str, obj))})") + _nearest(cat, path)
            obj = obj[part]
        elif isinstance(obj, BaseModel):
            fields = [f for f in type(obj).model_fields if f not in ("notes", "overrides")]
            if not isinstance(part, str) or part not in fields:
                return (f"'{here}' has no field '{part}'{_dym(str(part), fields)} "
                        f"(allowed: {', '.join(fields)})") + _nearest(cat, path)
            value = getattr(obj, part)
            if value is None and _optional_figure(obj, part) and rest[1:] in ((), ("value",)):
                return _Target(key[: depth + 1], None, True)
            obj = value
        else:
            return f"'{here}' is a value, not a mapping" + _nearest(cat, path)
    if isinstance(obj, Figure):
        return _Target(key, obj, True)
    if isinstance(obj, (BaseModel, dict, list)):
        return f"'{_public(key)}' is not a single figure: name one of its fields" + _nearest(
            cat, path
        )
    return _Target(key, obj, False)


def _nearest(cat: Catalog, path: str) -> str:
    names = [f.path for f in figures(cat)]
    hint = difflib.get_close_matches(path, names, n=3, cutoff=0.6)
    return f" (nearest valid paths: {', '.join(hint)})" if hint else ""


def _public(key: PathKey) -> str:
    """The path as users write it (model figures without the ``model.`` prefix)."""
    return format_path(key[1:] if key[:1] == ("model",) else key)


# ---- applying ---------------------------------------------------------------------------


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _set(data: Any, key: PathKey, value: Any) -> None:
    cur = data
    for part in key[:-1]:
        cur = cur[part]
    cur[key[-1]] = value


def apply(
    catalog: Catalog,
    overrides: Mapping[str, Any],
    *,
    file: str | None = None,
    lines: LineMap | None = None,
    where: PathKey = ("overrides",),
) -> Catalog:
    """A copy of ``catalog`` with each ``path -> value`` of ``overrides`` set.

    A number sets a figure's value (or a numeric field such as ``swerling``); a mapping
    replaces a whole figure (``{value: 0.01, source: [...]}``); text sets a text field.
    Raises :class:`~iads.errors.ScenarioError` listing every problem, located in ``file``
    at ``where + (path,)`` (lines from ``lines`` when given). ``catalog.overrides`` of
    the result lists every value set (a path set twice keeps its first old value)."""
    problems: list[Problem] = []

    def bad(path: str, msg: str) -> None:
        loc = where + (path,)
        line = (lines or {}).get(loc)
        problems.append(Problem(f"{format_path(where)}['{path}']", msg, line))

    data = catalog.model_dump(exclude={"overrides"})
    records: list[OverrideRecord] = []
    seen: dict[PathKey, str] = {}
    origin = file or "a library call"
    for path, value in overrides.items():
        target = _resolve(catalog, path)
        if isinstance(target, str):
            bad(path, f"unknown path: {target}")
            continue
        key = target.canonical
        if isinstance(value, float) and not math.isfinite(value):
            bad(path, f"must be a finite number; got {value!r}")
            continue
        if key in seen:
            bad(path, f"sets the same figure as '{seen[key]}' ({_public(key)})")
            continue
        seen[key] = path
        old = target.old
        old_value = old.value if isinstance(old, Figure) else old
        if target.is_figure and _number(value):
            rng = allowed_range(key)
            if not _in_range(float(value), rng):
                bad(path, f"must be {_describe(rng)}; got {value!r}")
                continue
            was = "absent" if old is None else _provenance(old)
            new: Any = {
                "value": float(value),
                "assumed": True,
                "rationale": f"override in {origin}: {_public(key)} = {value:g} (catalog: {was})",
            }
        elif target.is_figure and isinstance(value, dict):
            new = value
            if _number(value.get("value")):
                rng = allowed_range(key)
                if not _in_range(float(value["value"]), rng):
                    bad(path, f"value must be {_describe(rng)}; got {value['value']!r}")
                    continue
        elif target.is_figure:
            bad(path, f"a figure takes a number (or a figure mapping); got {value!r}")
            continue
        else:
            if _number(old_value) and _number(value):
                rng = allowed_range(key)
                if not _in_range(float(value), rng):
                    bad(path, f"must be {_describe(rng)}; got {value!r}")
                    continue
            new = value
            # A whole float for an integer field (e.g. swerling 1.0, as figures() lists it).
            if (isinstance(old_value, int) and not isinstance(old_value, bool)
                    and isinstance(value, float) and value.is_integer()):  # fmt: skip
                new = int(value)
        _set(data, key, new)
        shown = value.get("value") if isinstance(value, dict) else value
        scalar = (int, float, str, bool)
        records.append(
            OverrideRecord(path=str(path), canonical=_public(key),
                           old=old_value if isinstance(old_value, scalar) else None,
                           new=shown if isinstance(shown, scalar) else str(value), origin=file)
        )  # fmt: skip
    if problems:
        raise ScenarioError(file, problems)
    data["overrides"] = tuple(catalog.overrides) + tuple(records)
    try:
        out = Catalog.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            path = next((p for p, k in _paths(catalog, overrides) if loc[: len(k)] == k), None)
            bad(path or format_path(loc), f"{err['msg']} (at {_public(loc)})")
        raise ScenarioError(file, problems) from None
    from iads.catalog.loader import reference_problems

    for loc, msg in reference_problems(out):
        path = next((p for p, k in _paths(catalog, overrides) if loc[: len(k)] == k), None)
        bad(path or format_path(loc), msg)
    if problems:
        raise ScenarioError(file, problems)
    return out


def _paths(cat: Catalog, overrides: Mapping[str, Any]) -> list[tuple[str, PathKey]]:
    out = []
    for p in overrides:
        t = _resolve(cat, p)
        if not isinstance(t, str):
            out.append((p, t.canonical))
    return out


def _provenance(fig: Figure) -> str:
    if fig.source and not fig.assumed:
        return f"{fig.value:g}, source {', '.join(fig.source)}"
    return f"{fig.value:g}, assumed"


# ---- listing ---------------------------------------------------------------------------


def figures(catalog: Catalog) -> list[FigureInfo]:
    """Every numeric leaf of ``catalog`` that :func:`apply` can set (figures present in the
    catalog and numeric fields), with its canonical path, value, provenance and allowed
    range, in catalog order: sections, then model figures."""
    out: list[FigureInfo] = []

    def walk(obj: Any, key: PathKey) -> None:
        if isinstance(obj, Figure):
            lo, hi, open_lo, integer = allowed_range(key)
            stated = None if obj.range is None else (float(obj.range[0]), float(obj.range[1]))
            out.append(FigureInfo(_public(key), float(obj.value), bool(obj.assumed),
                                  tuple(obj.source), lo, hi, integer, open_lo,
                                  stated))  # fmt: skip
        elif isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, key + (k,))
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                walk(v, key + (i,))
        elif isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                v = getattr(obj, name)
                if _number(v) and name != "overrides":
                    lo, hi, open_lo, integer = allowed_range(key + (name,))
                    out.append(FigureInfo(_public(key + (name,)), float(v), False, (), lo, hi,
                                          integer, open_lo))  # fmt: skip
                else:
                    walk(v, key + (name,))

    for section in SECTIONS:
        walk(getattr(catalog, section), (section,))
    walk(catalog.model, ("model",))
    return out


def model_figure(catalog: Catalog, path: str) -> float:
    """The value of the model figure at ``path`` (``c2.iff.prior_hostile``)."""
    obj: Any = catalog.model
    for part in parse_path(path):
        obj = getattr(obj, str(part))
    return float(obj.value)


# Re-exported for the schema check of every model group.
MODEL_GROUPS = tuple(ModelFigures.model_fields)
