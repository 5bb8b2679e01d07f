"""The campaign commands of the ``iads`` command line (``campaign``, ``summarize``,
``compare``), registered on the app of :mod:`iads.cli`. Thin: parse, call
:mod:`iads.campaign`, print."""

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
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from iads._outputs import check_out_dir
from iads.cli import CatalogOpt, _catalog, app, err, note, out
from iads.errors import InputError

__all__ = ["app", "campaign", "compare", "summarize"]

WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", help="Local worker processes (default: every core).", min=1),
]
DaskOpt = Annotated[
    str | None,
    typer.Option(
        "--dask",
        help="Run on dask.distributed: a scheduler ADDRESS, or 'local' for a LocalCluster.",
    ),
]
ResumeOpt = Annotated[
    bool,
    typer.Option("--resume", help="Finish the campaign stored in --out (only what is missing)."),
]
NoEventsOpt = Annotated[
    bool, typer.Option("--no-events", help="Store summary rows only, not the event logs.")
]
NoPlotOpt = Annotated[bool, typer.Option("--no-plot", help="Do not draw the plots.")]
SeedOpt = Annotated[
    int | None, typer.Option(help="Campaign seed (default: the file's, or the scenario's).", min=0)
]


class _RateColumn(ProgressColumn):
    """Replications per second over the run so far."""

    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("– rep/s" if speed is None else f"{speed:.2f} rep/s", style="cyan")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "campaign"


def _backend(workers: int | None, dask: str | None):
    from iads.campaign import DaskBackend, LocalBackend

    if dask:
        return DaskBackend(dask, workers)
    return LocalBackend(workers)


def _run(camp, out_dir: Path, workers, dask, resume: bool, again: str):
    """Run with a progress bar; on Ctrl-C say what is stored and how to resume."""
    from iads.campaign import run_campaign

    with Progress(
        TextColumn("[bold]{task.description}[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=err,
    ) as bar:
        task = bar.add_task(escape(camp.name), total=camp.n_tasks)
        started: list[int] = []

        def tick(done: int, total: int) -> None:
            if not started:  # replications already stored do not count in the rate
                started.append(done)
                bar.reset(task, total=total - done)
            bar.update(task, completed=done - started[0])

        try:
            stats = run_campaign(
                camp, out_dir, backend=_backend(workers, dask), resume=resume, progress=tick
            )
        except KeyboardInterrupt:
            from iads.campaign import Store

            n = len(Store(out_dir).done()) if (out_dir / "campaign.json").exists() else 0
            bar.stop()
            err.print(
                f"interrupted: {n} of {camp.n_tasks} replications are stored in {out_dir}; "
                f"finish with: {again} --out {out_dir} --resume"
            )
            raise SystemExit(130) from None
    out.print(
        f"{stats.n_run} replication(s) run in {stats.wall_s:.1f} s "
        f"({stats.n_before} already stored); campaign folder: {out_dir}"
    )
    return stats


def _print_summary(folder: Path, plot: bool, conf: float = 0.95, alpha: float = 0.05) -> None:
    from iads.campaign import summarize as summarize_store
    from iads.campaign.analysis import point_labels
    from iads.campaign.render import differences_table, stats_tables

    s = summarize_store(folder, conf=conf, alpha=alpha, plot=plot)
    man = s.manifest
    short = point_labels(man, sorted(s.labels), short=True)
    columns = ", ".join(man.get("parameters", [])) if man.get("kind") == "sweep" else ""
    out.print(stats_tables(s.stats, short, title=man.get("name", ""), columns=columns,
                           width=out.width))  # fmt: skip
    if s.manifest.get("kind") == "compare":
        out.print(differences_table(s.differences, short, width=out.width))
    wrote = [str(s.csv)] + ([str(s.plots[0].parent) + "/"] if len(s.plots) > 1 else [])
    wrote += [str(p) for p in s.plots] if len(s.plots) == 1 else []
    out.print("Wrote: " + ", ".join(wrote))


@app.command()
def campaign(
    file: Annotated[
        Path | None, typer.Argument(help="Campaign file (YAML); or use --scenario.")
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(help="Short form: replicate this scenario (file or built-in name)."),
    ] = None,
    reps: Annotated[
        int | None,
        typer.Option(help="Replications per sweep point (default: the file's, or 100).", min=1),
    ] = None,
    seed: SeedOpt = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Campaign folder (default: campaign-<name>).")
    ] = None,
    workers: WorkersOpt = None,
    dask: DaskOpt = None,
    resume: ResumeOpt = False,
    no_events: NoEventsOpt = False,
    no_plot: NoPlotOpt = False,
    catalog: CatalogOpt = None,
) -> None:
    """Run a Monte Carlo campaign: a campaign FILE (base scenario, replications, sweep),
    or --scenario S --reps N. Each replication is stored as soon as it finishes; then
    prints the estimates with confidence intervals and writes summary.csv and plots."""
    from dataclasses import replace

    from iads.campaign import load_campaign, single_campaign

    if (file is None) == (scenario is None):
        raise InputError("give either a campaign FILE or --scenario (not both)")
    cat = _catalog(catalog)
    if file is not None:
        camp = load_campaign(file, cat, replications=reps, seed=seed)
        again = f"iads campaign {file}"
        default_out = f"campaign-{_slug(file.stem)}"
    else:
        camp = single_campaign(scenario, reps or 100, seed=seed, catalog=cat)
        again = f"iads campaign --scenario {scenario} --reps {camp.replications}"
        default_out = f"campaign-{_slug(Path(scenario).stem)}"
    if no_events:
        camp = replace(camp, store_events=False)
    folder = out_dir or Path(default_out)
    check_out_dir(folder)
    _run(camp, folder, workers, dask, resume, again)
    _print_summary(folder, plot=not no_plot)


@app.command()
def summarize(
    folder: Annotated[Path, typer.Argument(help="Campaign folder (the --out of a campaign).")],
    conf: Annotated[
        float, typer.Option(help="Confidence level of the intervals.", min=0.5, max=0.999)
    ] = 0.95,
    alpha: Annotated[
        float, typer.Option(help="Significance level of comparison tests.", min=0.001, max=0.5)
    ] = 0.05,
    no_plot: NoPlotOpt = False,
) -> None:
    """Print each metric's estimate and confidence interval per sweep point (DuckDB over the
    stored replications); write summary.csv and plots into the folder."""
    _print_summary(folder, plot=not no_plot, conf=conf, alpha=alpha)


@app.command()
def compare(
    scenarios: Annotated[
        list[str], typer.Argument(help="Two or more scenarios (files or built-in names).")
    ],
    reps: Annotated[int, typer.Option(help="Replications per scenario.", min=2)] = 100,
    seed: SeedOpt = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Campaign folder (default: compare-<names>).")
    ] = None,
    alpha: Annotated[
        float, typer.Option(help="Significance level (Holm-corrected).", min=0.001, max=0.5)
    ] = 0.05,
    workers: WorkersOpt = None,
    dask: DaskOpt = None,
    resume: ResumeOpt = False,
    no_events: NoEventsOpt = False,
    no_plot: NoPlotOpt = False,
    catalog: CatalogOpt = None,
) -> None:
    """Run the same number of replications of each scenario (e.g. one raid against several
    defenses) and print them side by side with confidence intervals and the differences
    that are statistically significant; writes summary.csv and compare.png."""
    from iads.campaign import compare_campaign
    from iads.campaign.spec import raid_differs

    if len(scenarios) < 2:
        raise InputError(f"compare needs at least two scenarios; got {len(scenarios)}")
    camp = compare_campaign(
        scenarios, reps, seed=seed, catalog=_catalog(catalog), store_events=not no_events
    )
    for p in raid_differs(camp):
        note(
            f"the threats of '{p.label}' differ from those of "
            f"'{camp.points[0].label}': this compares raids as well as defenses"
        )
    folder = out_dir or Path("compare-" + "-".join(_slug(Path(s).stem) for s in scenarios))
    check_out_dir(folder)
    again = "iads compare " + " ".join(scenarios) + f" --reps {reps}"
    _run(camp, folder, workers, dask, resume, again)
    _print_summary(folder, plot=not no_plot, alpha=alpha)
