"""Loading the catalog: the built-in YAML files shipped in ``iads/catalog/data/``, then any
user catalog files, whose entries override built-in ones by key. Cross-references (source
keys, radars, launchers, missiles) are checked once, here, with located errors."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from iads._yamlio import LineMap, load_yaml, read_yaml_file, validate
from iads.catalog.schema import Catalog, CatalogFile, Figure, ModelFigures
from iads.errors import CatalogError, Problem, ScenarioError

__all__ = [
    "SECTIONS",
    "assumed_figures",
    "builtin_catalog",
    "load_catalog",
    "lookup",
    "model_assumptions",
    "reference_problems",
]

SECTIONS = ("sources", "radars", "missiles", "launchers", "systems", "threats")


def _read_builtin() -> list[tuple[str, Any, LineMap]]:
    docs = []
    data_dir = resources.files("iads.catalog") / "data"
    for entry in sorted(data_dir.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            data, lines = load_yaml(text, f"iads/catalog/data/{entry.name}")
            docs.append((f"iads/catalog/data/{entry.name}", data, lines))
    return docs


def _merge(docs: Sequence[tuple[str, Any, LineMap]]) -> Catalog:
    merged: dict[str, dict[str, Any]] = {s: {} for s in SECTIONS}
    origin: dict[tuple[str, str], tuple[str, LineMap]] = {}
    model: dict[str, Any] = {}
    model_at: tuple[str, LineMap] | None = None
    for file, data, lines in docs:
        parsed = validate(CatalogFile, data or {}, lines, file)
        for section in SECTIONS:
            for key, entry in getattr(parsed, section).items():
                merged[section][key] = entry
                origin[(section, key)] = (file, lines)
        if parsed.model:
            _deep_merge(model, parsed.model)
            model_at = (file, lines)
    file, lines = model_at or ("<catalog>", {})
    figures = validate(ModelFigures, model, {k[1:]: v for k, v in lines.items() if k[:1] == (
        "model",)}, file)
    for group in type(figures).model_fields:
        origin[("model", group)] = (file, lines)
    catalog = Catalog(**merged, model=figures)
    _check_references(catalog, origin)
    return catalog


def _deep_merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    """Merge the mapping ``new`` into ``into`` key by key; a figure (a mapping with a
    ``value``) or any non-mapping replaces what was there."""
    for k, v in new.items():
        old = into.get(k)
        if isinstance(v, dict) and isinstance(old, dict) and "value" not in v:
            _deep_merge(old, v)
        else:
            into[k] = v


def reference_problems(cat: Catalog) -> list[tuple[tuple, str]]:
    """Cross-reference problems of ``cat``: (path, message) for every unknown source key,
    missile, radar or launcher named by an entry."""
    problems: list[tuple[tuple, str]] = []

    def need(kind: str, name: str, table: dict, path: tuple) -> None:
        if name not in table:
            hint = difflib.get_close_matches(name, list(table), n=1)
            did = f"; did you mean '{hint[0]}'?" if hint else ""
            problems.append((path, f"unknown {kind} '{name}'{did}"))

    tables = [(s, getattr(cat, s)) for s in SECTIONS[1:]]
    tables.append(("model", {g: getattr(cat.model, g) for g in type(cat.model).model_fields}))
    for section, table in tables:
        for key, entry in table.items():
            for sub, fig in _figures(entry):
                for src in fig.source:
                    need("source", src, cat.sources, (section, key) + sub + ("source",))
    for key, ln in cat.launchers.items():
        need("missile", ln.missile, cat.missiles, ("launchers", key, "missile"))
    for key, sys_ in cat.systems.items():
        for i, r in enumerate(sys_.radars):
            need("radar", r, cat.radars, ("systems", key, "radars", i))
        for i, r in enumerate(sys_.optional_radars):
            need("radar", r, cat.radars, ("systems", key, "optional_radars", i))
        for i, g in enumerate(sys_.launchers):
            at = ("systems", key, "launchers", i, "launcher")
            need("launcher", g.launcher, cat.launchers, at)
    for key, th in cat.threats.items():
        if th.imitates is None:
            continue
        at = ("threats", key, "imitates")
        need("threat", th.imitates, cat.threats, at)
        other = cat.threats.get(th.imitates)
        if other is not None and other.imitates is not None:
            problems.append((at, f"'{th.imitates}' is itself a decoy; a decoy imitates a real "
                                 "threat"))  # fmt: skip
    return problems


def _check_references(cat: Catalog, origin: dict[tuple[str, str], tuple[str, LineMap]]) -> None:
    from iads._yamlio import format_path

    problems: dict[str, list[Problem]] = {}
    for path, msg in reference_problems(cat):
        file, lines = origin[path[:2]]
        line = next((lines[path[:i]] for i in range(len(path), 0, -1) if path[:i] in lines), None)
        problems.setdefault(file, []).append(Problem(format_path(path), msg, line))
    if problems:
        file, probs = next(iter(problems.items()))
        for other in list(problems)[1:]:
            probs = probs + [
                Problem(p.path, f"({other}) {p.message}", p.line) for p in problems[other]
            ]
        raise ScenarioError(file, probs)


def _figures(obj: Any, sub: tuple = ()) -> list[tuple[tuple, Figure]]:
    """Every :class:`Figure` inside a catalog entry with its path below the entry."""
    out: list[tuple[tuple, Figure]] = []
    if isinstance(obj, Figure):
        return [(sub, obj)]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _figures(v, sub + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _figures(v, sub + (i,))
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            out += _figures(getattr(obj, name), sub + (name,))
    return out


@lru_cache(maxsize=1)
def builtin_catalog() -> Catalog:
    """The catalog shipped with iads (cached)."""
    return _merge(_read_builtin())


def load_catalog(user_files: Sequence[str | Path] = ()) -> Catalog:
    """The built-in catalog with ``user_files`` merged over it, in order (later wins)."""
    if not user_files:
        return builtin_catalog()
    docs = _read_builtin()
    for f in user_files:
        data, lines = read_yaml_file(f)
        docs.append((str(f), data, lines))
    return _merge(docs)


def lookup(catalog: Catalog, section: str, key: str) -> Any:
    """The entry ``key`` of ``section``, or a :class:`CatalogError` with a suggestion."""
    table = getattr(catalog, section)
    if key in table:
        return table[key]
    hint = difflib.get_close_matches(key, list(table), n=3)
    did = f"; did you mean {' or '.join(repr(h) for h in hint)}?" if hint else ""
    raise CatalogError(f"unknown {section[:-1]} '{key}'{did} (known: {', '.join(sorted(table))})")


def _assumption(catalog: Catalog, entry: str, field: str, fig: Figure) -> dict[str, Any]:
    """One assumed (or overridden) figure as the runs list it."""
    out: dict[str, Any] = {
        "entry": entry,
        "field": field,
        "value": fig.value,
        "rationale": fig.rationale,
    }
    full = f"{entry}.{field}"
    rec = next((r for r in catalog.overrides if r.canonical == full), None)
    if rec is not None:
        out["provenance"] = "override"
        out["catalog_value"] = rec.old
    return out


def assumed_figures(catalog: Catalog, keys: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """The assumed figures of the given entries ``[(section, key), ...]``: one dict each
    with the entry, the field path, the value and the rationale; a figure set by path
    (``iads.catalog.overrides``) also has ``provenance: override`` and its catalog value."""
    from iads._yamlio import format_path

    out = []
    seen = set()
    for section, key in keys:
        if (section, key) in seen:
            continue
        seen.add((section, key))
        entry = getattr(catalog, section)[key]
        for sub, fig in _figures(entry):
            if fig.assumed:
                out.append(_assumption(catalog, f"{section}.{key}", format_path(sub), fig))
    return out


def model_assumptions(catalog: Catalog, group: str) -> list[dict[str, Any]]:
    """The model figures of ``group`` (``c2.iff``, ``weapons.flyout``, ...) that are
    assumed or overridden, as :func:`assumed_figures` lists them."""
    from iads._yamlio import format_path

    obj: Any = catalog.model
    for part in group.split("."):
        obj = getattr(obj, part)
    return [
        _assumption(catalog, group, format_path(sub), fig)
        for sub, fig in _figures(obj)
        if fig.assumed
    ]
