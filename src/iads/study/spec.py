"""Study files: the schema of a study (a YAML document of chapters), reading it with
located errors, and the built-in studies shipped in the package.

A study file names itself, gives a seed and a default number of replications, and lists
its chapters. Each chapter block carries the common keys (``key``, ``kind``, ``title``,
``question``) and the fields of its kind, validated by the kind's own pydantic model
(:data:`iads.study.chapter.KINDS`), so a misspelt field of any chapter is reported with
the file, the line and the YAML path (``chapters[2].arms[0].scenario``), every problem
at once, like scenario and campaign files.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from iads._yamlio import LineMap, _line_for, problems_from_validation, read_yaml_file
from iads.errors import InputError, Problem, ScenarioError

__all__ = [
    "ChapterHead",
    "Study",
    "StudyFile",
    "builtin_studies",
    "load_study",
    "study_path",
]

#: Chapter keys are folder names and HTML anchors.
KEY_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class ChapterHead(BaseModel):
    """The keys every chapter block has, whatever its kind (the kind's model validates
    the whole block, these included)."""

    model_config = ConfigDict(extra="allow", strict=True)

    key: str = Field(pattern=KEY_PATTERN, max_length=64,
                     description="folder name and anchor of the chapter: [a-z0-9-]+")
    kind: str = Field(min_length=1, description="the kind of analysis (iads.study.KINDS)")
    title: str = Field(min_length=1)
    question: str = Field(min_length=1)


class StudyFile(BaseModel):
    """The study document (YAML)."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    name: str = Field(pattern=KEY_PATTERN, max_length=64, description="the study's name")
    title: str = Field(min_length=1)
    description: str = ""
    seed: int = Field(ge=0, description="study seed; each chapter's campaigns derive from it")
    replications: int = Field(
        default=30, ge=2, le=100_000,
        description="replications per arm or point unless a chapter says otherwise; "
        "--reps overrides")
    chapters: list[dict[str, Any]] = Field(min_length=1)


@dataclass(frozen=True)
class Study:
    """A validated study: its document fields, the chapters' validated models (one per
    chapter, the kind's ``spec`` model), the file it came from (``source``; None for
    text), the folder relative scenario paths resolve against (``base_dir``; None for a
    built-in study) and whether it is built in."""

    name: str
    title: str
    description: str
    seed: int
    replications: int
    chapters: tuple[Any, ...]
    source: str | None
    text: str
    base_dir: Path | None
    builtin: bool = False


def _studies_root():
    return resources.files("iads.study") / "data"


def builtin_studies() -> list[str]:
    """Names of the studies shipped in the package (``src/iads/study/data/*.yaml``)."""
    return sorted(p.name[:-5] for p in _studies_root().iterdir() if p.name.endswith(".yaml"))


def study_path(ref: str | Path) -> tuple[Path, bool]:
    """The file of a study: ``ref`` as a path if such a file exists, else the built-in
    study of that name. Returns (path, built-in?); raises an :class:`InputError` naming
    the built-in studies when neither exists."""
    p = Path(ref)
    if p.is_file():
        return p, False
    name = str(ref)
    if name in builtin_studies():
        return Path(str(_studies_root() / f"{name}.yaml")), True
    if p.suffix in (".yaml", ".yml") or p.parent != Path("."):
        raise InputError(f"{ref}: no such study file")
    hint = difflib.get_close_matches(name, builtin_studies(), n=1)
    dym = f"; did you mean '{hint[0]}'?" if hint else ""
    raise InputError(
        f"no study file {ref} and no built-in study named '{name}'{dym} "
        f"(built-in: {', '.join(builtin_studies())})"
    )


def builtin_resolver(ref: str) -> str | Path:
    """A scenario reference of a built-in study: a file of the study data folder
    (``turkey-s400/ankara-s400.yaml``) if there is one, else ``ref`` (a built-in
    scenario's name)."""
    cand = _studies_root() / ref
    if cand.is_file():
        return Path(str(cand))
    return ref


def load_study(ref: str | Path) -> Study:
    """Read and validate a study (a file or a built-in name). Every chapter block is
    validated by its kind's model; every problem of the file is reported at once, each
    with its line and YAML path."""
    from iads.study import kinds  # noqa: F401  (registers the kinds)
    from iads.study.chapter import KINDS

    path, builtin = study_path(ref)
    data, lines = read_yaml_file(path)
    file = str(path)
    if not isinstance(data, dict):
        raise ScenarioError(file, [Problem("", "a study file must be a YAML mapping", 1)])
    problems: list[Problem] = []
    doc = _validate(StudyFile, data, lines, (), problems)
    blocks = data.get("chapters") if isinstance(data.get("chapters"), list) else []
    chapters: list[Any] = []
    seen: dict[str, int] = {}
    for i, block in enumerate(blocks):
        where = ("chapters", i)
        if not isinstance(block, dict):
            problems.append(Problem(f"chapters[{i}]", "a chapter must be a mapping with key, "
                                    "kind, title, question and its kind's fields",
                                    _line_for(where, lines)))
            continue
        head = _validate(ChapterHead, block, lines, where, problems)
        kind_name = block.get("kind")
        kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
        if isinstance(kind_name, str) and kind is None:
            hint = difflib.get_close_matches(kind_name, list(KINDS), n=1)
            dym = f"; did you mean '{hint[0]}'?" if hint else ""
            problems.append(Problem(
                f"chapters[{i}].kind", f"unknown kind '{kind_name}'{dym} (known: "
                f"{', '.join(sorted(KINDS)) or 'none registered'})",
                _line_for((*where, "kind"), lines)))
        if head is None or kind is None:
            continue
        if head.key in seen:
            problems.append(Problem(f"chapters[{i}].key", f"the key '{head.key}' is also "
                                    f"chapter {seen[head.key]}'s; keys name folders and "
                                    "must differ", _line_for((*where, "key"), lines)))
        seen.setdefault(head.key, i)
        spec = _validate(kind.spec, block, lines, where, problems)
        if spec is not None:
            chapters.append(spec)
    if problems:
        raise ScenarioError(file, problems)
    assert doc is not None
    return Study(
        name=doc.name,
        title=doc.title,
        description=doc.description,
        seed=doc.seed,
        replications=doc.replications,
        chapters=tuple(chapters),
        source=file,
        text=path.read_text(encoding="utf-8"),
        base_dir=None if builtin else path.parent,
        builtin=builtin,
    )


def _validate(model: type[BaseModel], data: Any, lines: LineMap, prefix: tuple,
              problems: list[Problem]) -> Any:
    """``model`` validated from ``data``; its problems (located under ``prefix``) are
    appended to ``problems`` and None returned if it does not validate."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found = problems_from_validation(exc, lines, model, prefix)
        # The head's missing keys are the kind model's too: report them once.
        problems.extend(p for p in found if p not in problems)
        return None

