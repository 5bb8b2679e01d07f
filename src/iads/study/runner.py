"""Running a study: every chapter's work estimated first (one progress bar over the whole
study), then the chapters in order, each in its own folder of the output. A chapter that
fails is recorded with its error and the others still run; after each chapter its tables
(Parquet), figures (PNG), ``study.json`` and the report (report.md, report.html) are
written, so that nothing computed is lost when a later chapter fails or the run is
interrupted. ``resume`` completes the chapters' campaigns from their stores.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from iads._outputs import atomic_write
from iads.errors import InputError
from iads.study.chapter import KINDS, ChapterContext, ChapterResult
from iads.study.spec import Study, builtin_resolver

__all__ = ["ChapterRun", "StudyRun", "run_study"]


@dataclass
class ChapterRun:
    """One chapter of a run: its spec, the result (None if it failed or was not run),
    the error text if it failed, and its wall time [s]."""

    spec: Any
    result: ChapterResult | None = None
    error: str | None = None
    wall_s: float = 0.0

    @property
    def key(self) -> str:
        return self.spec.key


@dataclass
class StudyRun:
    """A study run: the study, its output folder, the chapters in order, the
    replications asked (``reps``), ``quick`` and the files written."""

    study: Study
    out_dir: Path
    chapters: list[ChapterRun]
    reps: int
    quick: bool
    written: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> list[ChapterRun]:
        return [c for c in self.chapters if c.error is not None]


def _contexts(study: Study, out_dir: Path, *, backend, reps: int | None, quick: bool,
              resume: bool, progress: Callable[[int], None]) -> list[ChapterContext]:
    from iads.catalog import load_catalog

    catalog = load_catalog()
    return [
        ChapterContext(
            out_dir=out_dir / spec.key,
            reps=reps or study.replications,
            quick=quick,
            seed=study.seed,
            catalog=catalog,
            backend=backend,
            resume=resume,
            reps_given=reps is not None,
            base_dir=study.base_dir,
            resolve=builtin_resolver if study.builtin else str,
            progress=progress,
        )
        for spec in study.chapters
    ]


def check_output(out_dir: Path, resume: bool) -> None:
    """A study may not overwrite another run's folder unless asked to resume it."""
    if resume or not out_dir.exists():
        return
    if (out_dir / "study.json").exists() or any(
        (out_dir / p).is_dir() and (out_dir / p / "campaign").exists()
        for p in (c.name for c in out_dir.iterdir())
    ):
        raise InputError(f"{out_dir} already holds a study run; use --resume to finish it, "
                         "or another --out folder")


def run_study(
    study: Study,
    out_dir: str | Path,
    *,
    backend=None,
    reps: int | None = None,
    quick: bool = False,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    on_chapter: Callable[[ChapterRun, int], None] | None = None,
) -> StudyRun:
    """Run every chapter of ``study`` into ``out_dir``. ``on_total(units)`` is called
    once with the work of the whole study (replications plus ticks, the kinds'
    estimates), ``progress(n)`` as units finish, ``on_chapter(chapter, i)`` before
    each chapter starts. ``reps`` overrides every chapter's replications. A chapter's
    exception other than an interrupt is recorded in the report, not raised."""
    from iads.campaign.backends import LocalBackend

    out = Path(out_dir)
    check_output(out, resume)
    out.mkdir(parents=True, exist_ok=True)
    backend = backend or LocalBackend()
    progress = progress or (lambda n: None)
    ctxs = _contexts(study, out, backend=backend, reps=reps, quick=quick, resume=resume,
                     progress=progress)
    run = StudyRun(study, out, [ChapterRun(s) for s in study.chapters],
                   reps or study.replications, quick)
    total = 0
    for ch, ctx in zip(run.chapters, ctxs, strict=True):
        total += int(KINDS[ch.spec.kind].estimate(ch.spec, ctx))
    if on_total:
        on_total(total)
    for i, (ch, ctx) in enumerate(zip(run.chapters, ctxs, strict=True)):
        if on_chapter:
            on_chapter(ch, i)
        ctx.out_dir.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        try:
            ch.result = KINDS[ch.spec.kind].run(ch.spec, ctx)
        except KeyboardInterrupt:
            ch.error = "interrupted"
            _write(run)
            raise
        except Exception as exc:  # a failed chapter is reported; the others still run
            ch.error = "".join(traceback.format_exception_only(exc)).strip()
            (ctx.out_dir / "error.txt").write_text(traceback.format_exc(), encoding="utf-8")
        ch.wall_s = time.perf_counter() - t0
        _write(run)
    return run


def _write(run: StudyRun) -> None:
    """Write every finished chapter's tables and figures, study.json and the report."""
    from iads.study.report import write_reports

    written: list[Path] = []
    for ch in run.chapters:
        if ch.result is None:
            continue
        folder = run.out_dir / ch.key
        for name, table in ch.result.tables.items():
            path = folder / f"{name}.parquet"
            atomic_write(path, lambda p, t=table: pq.write_table(t, p))
            written.append(path)
        for fig in ch.result.figures:
            path = folder / f"{fig.name}.png"
            atomic_write(path, lambda p, b=fig.png: p.write_bytes(b))
            written.append(path)
    manifest = {
        "study": run.study.name,
        "title": run.study.title,
        "source": run.study.source,
        "seed": run.study.seed,
        "replications": run.reps,
        "quick": run.quick,
        "chapters": [
            {"key": ch.key, "kind": ch.spec.kind, "title": ch.spec.title,
             "status": "done" if ch.result else ("failed" if ch.error else "not run"),
             "error": ch.error, "wall_s": round(ch.wall_s, 3),
             "numbers": ch.result.numbers if ch.result else {}}
            for ch in run.chapters
        ],
    }
    path = run.out_dir / "study.json"
    atomic_write(path, lambda p: p.write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8"))
    (run.out_dir / "study.yaml").write_text(run.study.text, encoding="utf-8")
    run.written = [*written, path, *write_reports(run)]
