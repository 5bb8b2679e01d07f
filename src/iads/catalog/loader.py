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
from iads.catalog.schema import Catalog, CatalogFile, Figure
from iads.errors import CatalogError, Problem, ScenarioError

__all__ = ["SECTIONS", "assumed_figures", "builtin_catalog", "load_catalog", "lookup"]

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
    for file, data, lines in docs:
        parsed = validate(CatalogFile, data or {}, lines, file)
        for section in SECTIONS:
            for key, entry in getattr(parsed, section).items():
                merged[section][key] = entry
                origin[(section, key)] = (file, lines)
    catalog = Catalog(**merged)
    _check_references(catalog, origin)
    return catalog


def _check_references(cat: Catalog, origin: dict[tuple[str, str], tuple[str, LineMap]]) -> None:
    problems: dict[str, list[Problem]] = {}

    def bad(section: str, key: str, sub: tuple, msg: str) -> None:
        file, lines = origin[(section, key)]
        path = (section, key) + sub
        line = next((lines[path[:i]] for i in range(len(path), 0, -1) if path[:i] in lines), None)
        from iads._yamlio import format_path

        problems.setdefault(file, []).append(Problem(format_path(path), msg, line))

    def need(kind: str, name: str, table: dict, section: str, key: str, sub: tuple) -> None:
        if name not in table:
            hint = difflib.get_close_matches(name, list(table), n=1)
            did = f"; did you mean '{hint[0]}'?" if hint else ""
            bad(section, key, sub, f"unknown {kind} '{name}'{did}")

    for section in SECTIONS[1:]:
        for key, entry in getattr(cat, section).items():
            for sub, fig in _figures(entry):
                for src in fig.source:
                    need("source", src, cat.sources, section, key, sub + ("source",))
    for key, ln in cat.launchers.items():
        need("missile", ln.missile, cat.missiles, "launchers", key, ("missile",))
    for key, sys_ in cat.systems.items():
        for i, r in enumerate(sys_.radars):
            need("radar", r, cat.radars, "systems", key, ("radars", i))
        for i, g in enumerate(sys_.launchers):
            need(
                "launcher", g.launcher, cat.launchers, "systems", key, ("launchers", i, "launcher")
            )
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


def assumed_figures(catalog: Catalog, keys: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """The assumed figures of the given entries ``[(section, key), ...]``: one dict each
    with the entry, the field path, the value and the rationale."""
    out = []
    seen = set()
    for section, key in keys:
        if (section, key) in seen:
            continue
        seen.add((section, key))
        entry = getattr(catalog, section)[key]
        for sub, fig in _figures(entry):
            if fig.assumed:
                from iads._yamlio import format_path

                out.append(
                    {
                        "entry": f"{section}.{key}",
                        "field": format_path(sub),
                        "value": fig.value,
                        "rationale": fig.rationale,
                    }
                )
    return out
