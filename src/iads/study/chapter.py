"""The contract between the study runner and its chapter kinds.

A study (``iads study``) is a list of chapters; each chapter is one question answered by
one *kind* of analysis (``comparison``, ``exposure``, ``fratricide``, ``coverage``,
``sensitivity``). A kind is a module in :mod:`iads.study.kinds` that registers a
:class:`ChapterKind`: a pydantic model of its YAML block (validated like scenarios, with
located errors), an estimate of its work for the study's single progress bar, and a
``run`` that does the work through a :class:`ChapterContext` and returns a
:class:`ChapterResult`. The runner writes the result's tables as Parquet and renders the
report from it, so every number in the report is a cell of a written table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pyarrow as pa
    from pydantic import BaseModel

    from iads.campaign.backends import Backend
    from iads.campaign.spec import Campaign
    from iads.campaign.store import Store
    from iads.catalog.schema import Catalog
    from iads.scenario.loader import LoadedScenario

__all__ = [
    "KINDS",
    "ChapterContext",
    "ChapterKind",
    "ChapterResult",
    "Figure",
    "fmt",
    "register",
]


@dataclass(frozen=True)
class Figure:
    """One figure of a chapter: ``png`` bytes (matplotlib ``savefig(format="png")``),
    embedded in report.html as a data URI and written beside report.md as
    ``<chapter>/<name>.png``. ``caption`` says what it shows, with units."""

    name: str
    title: str
    png: bytes
    caption: str = ""


@dataclass
class ChapterResult:
    """What a chapter answers, in the report's order: its ``question``; the ``setup``
    (markdown: scenarios, arms, replications, what is assumed); the ``answer`` (markdown,
    headline numbers with their 95 % intervals); ``findings``, the differences that are
    significant after Holm's correction (one sentence each; empty when none is);
    ``tables`` (name -> Arrow table, written as ``<chapter>/<name>.parquet``); ``shown``,
    the tables rendered in the report, in order (every number the text quotes is in one
    of them); ``figures``; ``assumptions``, the assumed figures the answer rests on (text
    lines); ``numbers``, headline numbers by name, each also a cell of a table, so tests
    can check the text against the tables.

    Rendering: a column ``X`` with sibling columns ``X_lo`` and ``X_hi`` is shown as one
    column, ``X [lo, hi]`` (an estimate and its interval); numbers are shown by
    :func:`fmt`, so a kind that quotes a cell in its text with :func:`fmt` quotes exactly
    what the table shows."""

    question: str
    setup: str
    answer: str
    findings: list[str] = field(default_factory=list)
    tables: dict[str, pa.Table] = field(default_factory=dict)
    shown: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    numbers: dict[str, float | None] = field(default_factory=dict)


@dataclass
class ChapterContext:
    """What a chapter may use while it runs.

    ``out_dir`` is the chapter's own folder (it exists); ``reps`` the replications per
    arm the study asks for (``--reps``, else the study file's); ``quick`` asks for the
    smallest run that still answers (fewer replications, coarser grids, shorter raids:
    the whole built-in study must run in under 3 minutes on 2 cores with ``--quick``);
    ``reps_given`` is True when ``--reps`` set ``reps`` (it then overrides a chapter's
    own count, and ``quick``'s); ``seed`` the study seed; ``catalog`` the study's
    catalog; ``base_dir`` the folder of the study file (relative scenario paths resolve
    against it; None for a built-in study, whose scenarios are package data resolved
    by :attr:`resolve`).

    ``campaign(name, campaign)`` runs (or, with ``--resume``, completes) a campaign in
    ``out_dir/name`` on the study's backend under the study's single progress bar and
    returns its store; ``tick(n)`` advances the bar by ``n`` units of work that are not
    replications (coverage grids, analytic sweeps), which the kind counted in its
    ``estimate``."""

    out_dir: Path
    reps: int
    quick: bool
    seed: int
    catalog: Catalog
    backend: Backend
    resume: bool = False
    reps_given: bool = False
    base_dir: Path | None = None
    resolve: Callable[[str], str | Path] = str
    progress: Callable[[int], None] = lambda n: None

    def campaign(self, name: str, campaign: Campaign) -> Store:
        """Run ``campaign`` into ``out_dir/name``; resume it when ``resume`` is set and
        the store exists (finished replications are re-used, not re-run)."""
        from iads.campaign.run import run_campaign

        folder = self.out_dir / name
        resume = self.resume and folder.exists()
        last = [0]

        def tick(done: int, total: int) -> None:
            if done > last[0]:
                self.progress(done - last[0])
                last[0] = done

        stats = run_campaign(
            campaign, folder, backend=self.backend, resume=resume, progress=tick
        )
        return stats.store

    def tick(self, n: int = 1) -> None:
        """Advance the study's progress bar by ``n`` units of non-campaign work."""
        self.progress(n)

    def scenario(self, ref: str, overrides: dict[str, Any] | None = None) -> LoadedScenario:
        """Load a scenario by built-in name or path (relative to the study file), with
        catalog/model figures set by path (``overrides``), validated with located
        errors."""
        from iads.scenario.loader import load_scenario, with_overrides

        path = Path(ref)
        if self.base_dir is not None and not path.is_absolute():
            cand = self.base_dir / path
            if cand.is_file():
                ref = str(cand)
        else:
            ref = str(self.resolve(ref))
        loaded = load_scenario(ref, self.catalog)
        return with_overrides(loaded, overrides) if overrides else loaded


class ChapterKind(Protocol):
    """A kind of chapter. ``name`` is the ``kind:`` value in the study file; ``spec`` the
    pydantic model of the chapter block (``extra="forbid"``; the common keys ``kind``,
    ``key``, ``title``, ``question`` are validated by the runner and passed on in the
    model too); ``estimate`` the units of work ``run`` will report (replications plus
    ticks) for the progress bar; ``run`` does the work and returns the result."""

    name: str
    spec: type[BaseModel]

    def estimate(self, spec: Any, ctx: ChapterContext) -> int: ...

    def run(self, spec: Any, ctx: ChapterContext) -> ChapterResult: ...


KINDS: dict[str, ChapterKind] = {}


def fmt(x: float | int | None) -> str:
    """A number as the report shows it: integers as integers (thousands separated),
    other numbers to about three significant figures (below 1e-9 in magnitude: 0, the
    rounding noise of an interval's bound), "–" for a missing one."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}"
    a = abs(x)
    if a < 1e-9:
        return "0.00"
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 0.01 or a == 0:
        return f"{x:.2f}"
    return f"{x:.2g}"


def register(kind: ChapterKind) -> ChapterKind:
    """Add a chapter kind to :data:`KINDS` (called at import of its module)."""
    KINDS[kind.name] = kind
    return kind
