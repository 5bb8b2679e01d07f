"""Reading YAML input files with a safe loader while keeping the line of every node, and
turning pydantic validation errors into located, readable problems (file, YAML path, line,
what is allowed, a "did you mean" for misspelt keys). Shared by scenarios, catalogs and
campaign files.

The reader is bounded, so that no input file can hang or exhaust it: at most
``MAX_FILE_BYTES`` of text, ``MAX_DEPTH`` levels of nesting (a recursive alias counts as
infinitely deep) and ``MAX_NODES`` values after alias expansion (a "billion laughs"
document stops there). Mapping keys must be plain scalars. Numbers follow YAML 1.2, so
that ``1e6`` is a number, as a reader expects, and not the text "1e6" of YAML 1.1.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from iads.errors import Problem, ScenarioError

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "LineMap",
    "format_path",
    "load_yaml",
    "problems_from_validation",
    "read_yaml_file",
    "validate",
]

#: Largest input file read [bytes] (a scenario is a few kilobytes).
MAX_FILE_BYTES = 4 * 1024 * 1024
#: Deepest nesting of mappings and lists (a scenario needs about 6).
MAX_DEPTH = 50
#: Most values (mapping/list/scalar nodes) in a document after expanding its aliases.
MAX_NODES = 100_000

PathKey = tuple[str | int, ...]
LineMap = dict[PathKey, int]
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def format_path(path: Iterable[str | int]) -> str:
    """``("defenders", 0, "position", "lat")`` -> ``defenders[0].position.lat``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _Loader(yaml.SafeLoader):
    """The safe loader with YAML 1.2 floats (``1e6``) and a nesting limit while composing
    (checked as the parser goes, so that a deeply nested document stops early: PyYAML's
    scanner slows down quadratically with the nesting depth)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nesting deeper than {MAX_DEPTH} levels (the limit of iads' "
                    "YAML reader)", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# YAML 1.1 (PyYAML) reads 1e6 as text: add YAML 1.2's float forms without a dot.
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


class _Budget:
    """Counts the values built, so that aliases cannot expand a document without bound;
    holds the document's scalar constructor (which remembers the nodes it built)."""

    def __init__(self) -> None:
        self.n = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def take(self, node: yaml.Node) -> None:
        self.n += 1
        if self.n > MAX_NODES:
            raise yaml.constructor.ConstructorError(
                None, None, f"the document expands to more than {MAX_NODES:,} values (aliases "
                "expanding without bound, a 'billion laughs'?); iads reads at most that many",
                node.start_mark)


def _construct(
    node: yaml.Node, path: PathKey, lines: LineMap, budget: _Budget | None = None
) -> Any:
    """Build Python data from a composed node, recording the line of every node by path."""
    budget = budget or _Budget()
    budget.take(node)
    if len(path) > MAX_DEPTH:
        raise yaml.constructor.ConstructorError(
            None, None, f"nesting deeper than {MAX_DEPTH} levels (a recursive alias?)",
            node.start_mark)
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
        # Only plain YAML data: a tag such as !!python/object is refused, never obeyed.
        raise yaml.constructor.ConstructorError(
            None, None, f"tag {node.tag!r} is not allowed", node.start_mark
        )
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be plain text or a number, not a "
                    f"{'mapping' if isinstance(key_node, yaml.MappingNode) else 'list'}",
                    key_node.start_mark)
            key = _scalar(key_node, budget)
            lines[path + (str(key),)] = key_node.start_mark.line + 1
            if key in out:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            out[key] = _construct(value_node, path + (str(key),), lines, budget)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, path + (i,), lines, budget) for i, v in enumerate(node.value)]
    return _scalar(node, budget)


def _scalar(node: yaml.Node, budget: _Budget) -> Any:
    return budget.constructor.construct_object(node, deep=True)


def load_yaml(text: str, file: str | None = None) -> tuple[Any, LineMap]:
    """Parse YAML text with the safe loader; return (data, {path: line}).

    Syntax errors and documents past the reader's limits raise :class:`ScenarioError` with
    the parser's line.
    """
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(file, [Problem(
            "", f"the document is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB, the limit "
            "of iads' YAML reader")])
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        msg = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(file, [Problem("", f"YAML syntax error: {msg}", line)]) from None
    lines: LineMap = {}
    if node is None:
        return {}, lines
    try:
        return _construct(node, (), lines), lines
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(file, [Problem("", f"YAML error: {exc.problem}", line)]) from None
    except (ValueError, OverflowError) as exc:  # a scalar PyYAML cannot convert
        raise ScenarioError(file, [Problem("", f"YAML error: {exc}")]) from None


def read_yaml_file(path: str | Path) -> tuple[Any, LineMap]:
    """Read and parse a YAML file; a missing or unreadable file is an input error."""
    p = Path(path)
    try:
        if p.is_dir():
            raise ScenarioError(str(p), [Problem("", "is a folder, not a YAML file")])
        if p.stat().st_size > MAX_FILE_BYTES:
            raise ScenarioError(str(p), [Problem(
                "", f"the file is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB, the limit "
                "of iads' YAML reader")])
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(p), [Problem("", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(p), [Problem("", f"cannot read the file: {exc}")]) from None
    return load_yaml(text, str(p))


def _line_for(path: PathKey, lines: LineMap) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def _fields_at(model: type[BaseModel], loc: PathKey) -> list[str]:
    """The field names allowed at the parent of ``loc`` (for a 'did you mean'). Keys of a
    ``dict[str, Model]`` field (catalog entries, say) are stepped over, and the members of
    a union are followed by the field names they have."""
    cands: list[Any] = [model]
    skip_key = False
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if skip_key:
            skip_key = False
            continue
        nxt: list[Any] = []
        for c in cands:
            fields = getattr(c, "model_fields", None) or {}
            if part in fields:
                ann = fields[part].annotation
                skip_key = skip_key or _is_dict(ann)
                nxt += _models_in(ann)
        if not nxt:
            return []
        cands = nxt
    out: list[str] = []
    for c in cands:
        out += [f for f in (getattr(c, "model_fields", None) or {}) if f not in out]
    return out


def _is_dict(ann: Any) -> bool:
    import typing

    if typing.get_origin(ann) is dict:
        return True
    return any(_is_dict(a) for a in typing.get_args(ann))


def _models_in(ann: Any) -> list[Any]:
    """Every pydantic model class inside an annotation (unions, lists, dicts, Annotated)."""
    import typing

    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [ann]
    out: list[Any] = []
    for arg in typing.get_args(ann):
        out += _models_in(arg)
    return out


#: Tags of discriminated unions in our schemas: pydantic puts them in error locations.
UNION_TAGS = frozenset({"ThreatGroup", "Raid"})


def _is_tag(part: str) -> bool:
    return part.startswith("function-") or part in UNION_TAGS


def problems_from_validation(
    exc: ValidationError, lines: LineMap, model: type[BaseModel], prefix: PathKey = ()
) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located by YAML path and line."""
    problems = []
    for err in exc.errors(include_url=False):
        # Drop pydantic's union/discriminator tags (e.g. 'function-after[...]', 'waypoints')
        loc: PathKey = prefix + tuple(
            p for p in err["loc"] if isinstance(p, int) or not _is_tag(str(p))
        )
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = _fields_at(model, loc[len(prefix) :])
            hint = difflib.get_close_matches(key, allowed, n=1)
            msg = f"unknown key '{key}'"
            if hint:
                msg += f"; did you mean '{hint[0]}'?"
            if allowed:
                msg += f" (allowed: {', '.join(allowed)})"
        else:
            msg = err["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, ") :]
            if (
                kind not in ("missing",)
                and "input" in err
                and not isinstance(err["input"], (dict, list))
            ):
                msg += f"; got {err['input']!r}"
        problems.append(Problem(format_path(loc), msg, _line_for(loc, lines)))
    return problems


def validate(model: type[BaseModel], data: Any, lines: LineMap, file: str | None, context=None):
    """Validate ``data`` against ``model``; raise a located :class:`ScenarioError`."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise ScenarioError(file, problems_from_validation(exc, lines, model)) from None
