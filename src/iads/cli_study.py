"""The ``study`` command of the ``iads`` command line: run a study (a built-in one by name
or a study file) under one progress bar and write its report. Thin: parse, call
:mod:`iads.study`, print."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

# cli_campaign as a module, not its names: importing iads.cli_campaign first imports
# iads.cli, which imports this module before cli_campaign has defined them (annotations
# resolve later).
from iads import cli_campaign
from iads._outputs import check_out_dir
from iads.cli import app, err, out
from iads.errors import InputError

__all__ = ["study"]

ResumeOpt = Annotated[
    bool,
    typer.Option("--resume", help="Finish the study stored in --out (every stored "
                 "replication is re-used; only what is missing runs)."),
]


def _list() -> None:
    from iads.study.spec import builtin_studies, load_study

    out.print("Built-in studies (iads study NAME):")
    for name in builtin_studies():
        s = load_study(name)
        out.print(f"  {name}: {s.title} ({len(s.chapters)} chapters: "
                  f"{', '.join(c.key for c in s.chapters)})")


@app.command()
def study(
    name: Annotated[
        str | None,
        typer.Argument(help="A built-in study's name or a study file (YAML); none: list "
                       "the built-in studies."),
    ] = None,
    reps: Annotated[
        int | None,
        typer.Option(help="Replications per arm or point in every chapter (default: the "
                     "study's and its chapters').", min=2),
    ] = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="The smallest runs that still answer (minutes).")
    ] = False,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default: study-<name>).")
    ] = None,
    workers: cli_campaign.WorkersOpt = None,
    dask: cli_campaign.DaskOpt = None,
    resume: ResumeOpt = False,
) -> None:
    """Run a study: every chapter (a question answered by replicated runs) under one
    progress bar, into one folder with report.html (self-contained, offline), report.md,
    the figures and the Parquet tables behind every number. --resume finishes an
    interrupted study, re-using every stored replication."""
    from iads.study.runner import run_study
    from iads.study.spec import load_study

    if name is None:
        _list()
        return
    s = load_study(name)
    folder = out_dir or Path("study-" + (re.sub(r"[^A-Za-z0-9_.-]+", "-", s.name) or "study"))
    check_out_dir(folder)
    if resume and not (folder / "study.json").exists() and not any(folder.iterdir()):
        raise InputError(f"--resume: {folder} holds no study run to finish")
    again = f"iads study {name}" + (f" --reps {reps}" if reps else "") + (
        " --quick" if quick else "")
    with Progress(
        TextColumn("[bold]{task.description}[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=err,
    ) as bar:
        task = bar.add_task(escape(s.name), total=None)

        def on_total(n: int) -> None:
            bar.update(task, total=n)

        def on_chapter(ch, i: int) -> None:
            bar.update(task, description=escape(f"{s.name} {i + 1}/{len(s.chapters)} {ch.key}"))

        try:
            backend = cli_campaign._backend(workers, dask)
            run = run_study(s, folder, backend=backend, reps=reps, quick=quick,
                            resume=resume, progress=lambda n: bar.advance(task, n),
                            on_total=on_total, on_chapter=on_chapter)
        except KeyboardInterrupt:
            bar.stop()
            err.print(f"interrupted: the finished replications are stored in {folder}; "
                      f"finish with: {again} --out {folder} --resume")
            raise SystemExit(130) from None
    for ch in run.chapters:
        state = f"failed: {ch.error}" if ch.error else f"{ch.wall_s:.0f} s"
        out.print(f"  {ch.key}: {ch.spec.title} ({state})")
    out.print(f"Report: {folder / 'report.html'} (and report.md); tables and figures in "
              f"{folder}/<chapter>/")
    if run.failed:
        err.print(f"{len(run.failed)} of {len(run.chapters)} chapters failed (see the report)")
        raise SystemExit(1)
