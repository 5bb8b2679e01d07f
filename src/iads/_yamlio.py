"""Reading YAML input files with a safe loader while keeping the line of every node, and
turning pydantic validation errors into located, readable problems (file, YAML path, line,
what is allowed, a "did you mean" for misspelt keys). Shared by scenarios, catalogs and
campaign files."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from iads.errors import Problem, ScenarioError

__all__ = ["LineMap", "format_path", "load_yaml", "problems_from_validation", "validate"]

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


def _construct(node: yaml.Node, path: PathKey, lines: LineMap) -> Any:
    """Build Python data from a composed node, recording the line of every node by path."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
        # Only plain YAML data: a tag such as !!python/object is refused, never obeyed.
        raise yaml.constructor.ConstructorError(
            None, None, f"tag {node.tag!r} is not allowed", node.start_mark
        )
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            lines[path + (str(key),)] = key_node.start_mark.line + 1
            if key in out:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            out[key] = _construct(value_node, path + (str(key),), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, path + (i,), lines) for i, v in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def load_yaml(text: str, file: str | None = None) -> tuple[Any, LineMap]:
    """Parse YAML text with the safe loader; return (data, {path: line}).

    Syntax errors raise :class:`ScenarioError` with the parser's line.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
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


def read_yaml_file(path: str | Path) -> tuple[Any, LineMap]:
    """Read and parse a YAML file; a missing or unreadable file is an input error."""
    p = Path(path)
    try:
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
