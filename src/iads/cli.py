"""The ``iads`` command line: a thin typer app that parses options, calls the library and
prints. It catches only iads' own input errors (printed plainly, exit status 2); anything
else is a bug and shows its traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from iads.errors import InputError

app = typer.Typer(
    name="iads",
    help="Operational analysis of integrated air and missile defense by simulation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
catalog_app = typer.Typer(
    help="List the catalog, or show one entry with its sources.", invoke_without_command=True
)
app.add_typer(catalog_app, name="catalog")

out = Console()
err = Console(stderr=True)

CatalogOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--catalog",
        help="A user catalog file overriding built-in entries by key (repeatable).",
        exists=False,
    ),
]


def _catalog(files: list[Path] | None):
    from iads.catalog import load_catalog

    return load_catalog(files or ())


@app.command()
def run(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="Scenario file, or a built-in scenario's name (default: the built-in default)."
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Override the scenario's seed.")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("iads-out"),
    catalog: CatalogOpt = None,
    truth_rate: Annotated[
        float, typer.Option(help="Sample rate [Hz] of truth.parquet (0: do not write it).", min=0.0)
    ] = 1.0,
    no_plot: Annotated[bool, typer.Option("--no-plot", help="Do not draw engagement.png.")] = False,
) -> None:
    """Run one replication and write events.parquet, summary.json, entities.parquet,
    tracks.parquet, truth.parquet, replay.czml (the 3D replay: 'iads view') and
    engagement.png to the output folder."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from iads.engine import simulate
    from iads.report.export import write_run
    from iads.report.tables import exposure_table, summary_tables
    from iads.scenario import load_scenario

    loaded = load_scenario(scenario, _catalog(catalog))
    duration = loaded.scenario.settings.duration_s
    with Progress(
        TextColumn("[bold]simulating[/bold] {task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} s"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(loaded.scenario.name, total=duration)
        last = [0.0]

        def tick(t_s: float) -> None:
            if t_s - last[0] >= 10.0 or t_s >= duration:
                bar.update(task, completed=t_s)
                last[0] = t_s

        result = simulate(loaded, seed, progress=tick, record_tracks=True)
    out.print(summary_tables(result.summary()))
    out.print(exposure_table(result.summary()))
    files = write_run(result, out_dir, plot=not no_plot, truth_rate_hz=truth_rate or None)
    out.print(
        f"Simulated {duration:.0f} s in {result.wall_s:.2f} s wall. Wrote: "
        + ", ".join(str(p) for p in files.values())
    )


@app.command()
def validate(
    file: Annotated[str, typer.Argument(help="Scenario file (or built-in name) to check.")],
    catalog: CatalogOpt = None,
) -> None:
    """Check a scenario file against the schema and the catalog; exit 2 if it has problems."""
    from iads.scenario import load_scenario

    loaded = load_scenario(file, _catalog(catalog))
    sc = loaded.scenario
    from iads.scenario.schema import entity_count

    n_threats, n_friendly = entity_count(sc)
    out.print(
        f"{loaded.source}: OK — {len(sc.defenders)} defense unit(s), {len(sc.assets)} "
        f"asset(s), {n_threats} threat(s), {n_friendly} friendly aircraft, "
        f"{sc.settings.duration_s:.0f} s."
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files."""
    from iads.scenario import Scenario

    sys.stdout.write(json.dumps(Scenario.model_json_schema(), indent=2) + "\n")


@catalog_app.callback()
def catalog_list(ctx: typer.Context, catalog: CatalogOpt = None) -> None:
    """List every catalog entry (systems, radars, missiles, launchers, threats)."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = catalog
        return
    from iads.catalog.render import catalog_table

    out.print(catalog_table(_catalog(catalog)))


@catalog_app.command("show")
def catalog_show(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Catalog key.")],
    catalog: CatalogOpt = None,
) -> None:
    """Show one catalog entry with the source of every figure."""
    from iads.catalog.render import entry_view

    out.print(entry_view(_catalog(catalog or ctx.obj), key))


def main() -> None:
    """Entry point of the ``iads`` script."""
    try:
        app(standalone_mode=False)
    except InputError as exc:
        err.print(
            f"[bold red]error:[/bold red] {exc}", highlight=False, markup=True, soft_wrap=True
        )
        raise SystemExit(2) from None
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", getattr(exc, "code", 0))
        raise SystemExit(code) from None
    except typer.Abort:
        err.print("aborted")
        raise SystemExit(130) from None
    except Exception as exc:
        # Usage errors of the (vendored) click layer carry their own message and exit code
        # (2); anything else is a bug and shows its traceback.
        if hasattr(exc, "show") and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            raise SystemExit(exc.exit_code) from None
        raise


# Commands defined beside their stages register themselves on ``app``.
import iads.cli_c2  # noqa: E402,F401
import iads.cli_campaign  # noqa: E402,F401
import iads.cli_export  # noqa: E402,F401
import iads.cli_sensors  # noqa: E402,F401

if __name__ == "__main__":
    # Run the imported module's app, the one the stage commands registered on.
    from iads.cli import main as _main

    _main()
