"""The ``iads`` command line: a thin typer app that parses options, calls the library and
prints. It catches only iads' own input errors (printed plainly, exit status 2); anything
else is a bug and shows its traceback."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from iads.errors import InputError, ParameterError

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

# Markup off: names and paths from the user are plain text, printed as they are (a name
# such as "[/x]" must not be read as rich markup).
out = Console(markup=False)
err = Console(stderr=True, markup=False)


def _version(value: bool) -> None:
    if value:
        from iads import __version__

        out.print(f"iads {__version__}")
        raise typer.Exit()


@app.callback()
def _app(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Operational analysis of integrated air and missile defense by simulation."""


def note(text: str) -> None:
    """A one-line note on standard error (plain text)."""
    from rich.text import Text

    err.print(Text.assemble(("note: ", "yellow"), _printable(text)), soft_wrap=True)


def _printable(text: str) -> str:
    """``text`` with anything the terminal cannot encode (a lone surrogate) escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


#: Rows of truth.parquet above which the default --truth-rate is lowered (a large raid:
#: 1,000 threats over 3 h at 1 Hz would be 10.8 million rows, too many for the replay).
TRUTH_ROWS_AUTO = 1_000_000


ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Run even when the pre-run estimate exceeds the memory or time budget.",
    ),
]

CatalogOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--catalog",
        help="A user catalog file overriding built-in entries by key (repeatable).",
        exists=False,
    ),
]


ParamOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        metavar="NAME=VALUE",
        help="A parameter of a built-in scenario family (repeatable), e.g. "
        "'iads run saturation --param n_threats=5000 --param batteries=5'.",
    ),
]


def _params(items: list[str] | None) -> dict[str, str]:
    """``--param NAME=VALUE`` options as a mapping (values checked by the family)."""
    out: dict[str, str] = {}
    for item in items or ():
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise InputError(f"--param {item!r}: write NAME=VALUE, e.g. --param n_threats=5000")
        out[name.strip()] = value.strip()
    return out


def _catalog(files: list[Path] | None):
    from iads.catalog import load_catalog

    return load_catalog(files or ())


@app.command()
def run(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="Scenario file, or a built-in scenario's name (default: the built-in "
            "default; 'saturation' takes --param)."
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Override the scenario's seed.", min=0)
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("iads-out"),
    catalog: CatalogOpt = None,
    truth_rate: Annotated[
        float | None,
        typer.Option(
            help="Sample rate \\[Hz] of truth.parquet (0: do not write it; default 1 Hz, "
            f"lowered so that the file holds at most {TRUTH_ROWS_AUTO:,} rows).",
            min=0.0,
            max=1e3,
            show_default=False,
        ),
    ] = None,
    plot: Annotated[
        bool, typer.Option("--plot/--no-plot", help="Draw engagement.png.")
    ] = True,
    param: ParamOpt = None,
    force: ForceOpt = False,
) -> None:
    """Run one replication and write events.parquet, summary.json, entities.parquet,
    tracks.parquet, truth.parquet, replay.czml (the 3D replay: 'iads view') and
    engagement.png to the output folder (and scenario.yaml, the generated scenario, for a
    scenario family such as 'saturation')."""
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from iads._outputs import check_out_dir
    from iads.engine import simulate
    from iads.report.export import write_run
    from iads.report.tables import exposure_table, summary_tables
    from iads.scenario import load_scenario
    from iads.scenario.cost import check_cost

    check_out_dir(out_dir)
    params = _params(param)
    loaded = load_scenario(scenario, _catalog(catalog), params)
    if truth_rate is None:
        truth_rate = _auto_truth_rate(loaded.scenario)
    if not force:
        check_cost(loaded.scenario, loaded.catalog, truth_rate, source=loaded.source)
    duration = loaded.scenario.settings.duration_s
    _numba_note()
    wide = err.width >= 100  # at 80 columns: a shorter bar, no elapsed time
    with Progress(
        TextColumn("[bold]simulating[/bold] {task.description}"),
        BarColumn(bar_width=None if wide else 12),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} s"),
        *([TimeElapsedColumn()] if wide else []),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        # The name is cut to what the line leaves beside the bar, the simulated seconds
        # and the times, so that at 80 columns the bar still shows.
        room = max(12, err.width - (62 if wide else 50))
        name = loaded.scenario.name
        name = name if len(name) <= room else name[: room - 1] + "…"
        task = bar.add_task(escape(name), total=duration)
        last = [0.0]

        def tick(t_s: float) -> None:
            if t_s - last[0] >= 10.0 or t_s >= duration:
                bar.update(task, completed=t_s)
                last[0] = t_s

        try:
            result = simulate(loaded, seed, progress=tick, record_tracks=True)
        except ParameterError as exc:
            # A model refused what the schema let through (a ballistic target out of
            # reach of the solver, say): still the scenario's fault, named as such.
            from iads.errors import Problem, ScenarioError

            raise ScenarioError(loaded.source, [Problem(
                "threats", f"the scenario cannot be simulated as given: {exc}")]) from None
    files = write_run(result, out_dir, plot=plot, truth_rate_hz=truth_rate or None)
    from iads.scenario.families import FAMILIES

    if scenario in FAMILIES and not Path(scenario).is_file():
        # The generated scenario, to read, edit and run again as a file.
        from iads._outputs import atomic_write

        files["scenario"] = atomic_write(
            out_dir / "scenario.yaml", lambda p: p.write_text(loaded.text, "utf-8"))
    # The summary last, so that it is what stays on the screen.
    out.print(exposure_table(result.summary()))
    out.print(summary_tables(result.summary()))
    out.print(
        f"Simulated {duration:.0f} s in {result.wall_s:.2f} s wall. Wrote: "
        + ", ".join(str(p) for p in files.values())
    )


def _auto_truth_rate(sc) -> float:
    """1 Hz, or less so that truth.parquet holds at most ``TRUTH_ROWS_AUTO`` rows (said in
    a note)."""
    from iads.scenario.schema import entity_count

    n = sum(entity_count(sc))
    rows = n * sc.settings.duration_s
    if rows <= TRUTH_ROWS_AUTO:
        return 1.0
    rate = TRUTH_ROWS_AUTO / rows
    note(f"truth.parquet sampled every {1 / rate:.0f} s ({n:,} entities over "
         f"{sc.settings.duration_s:,.0f} s); --truth-rate sets the rate")
    return rate


def _numba_note() -> None:
    """Say so when the numba kernels will be compiled (their on-disk cache is cold)."""
    from iads._jitcache import cache_is_cold

    if cache_is_cold():
        note("first run: compiling the numba kernels (up to a minute, once; later runs "
             "use the cache)")


@app.command()
def validate(
    file: Annotated[str, typer.Argument(help="Scenario file (or built-in name) to check.")],
    catalog: CatalogOpt = None,
    param: ParamOpt = None,
    force: ForceOpt = False,
) -> None:
    """Check a scenario file against the schema and the catalog, and its estimated cost
    against the run budgets; exit 2 if it has problems."""
    from iads.scenario import load_scenario
    from iads.scenario.cost import check_cost, estimate_cost

    loaded = load_scenario(file, _catalog(catalog), _params(param))
    sc = loaded.scenario
    if force:
        cost = estimate_cost(sc, loaded.catalog)
    else:
        cost = check_cost(sc, loaded.catalog, source=loaded.source)
    from iads.scenario.schema import entity_count

    n_threats, n_friendly = entity_count(sc)
    out.print(
        f"{loaded.source}: OK — {len(sc.defenders)} defense unit(s), {len(sc.assets)} "
        f"asset(s), {n_threats} threat(s), {n_friendly} friendly aircraft, "
        f"{sc.settings.duration_s:.0f} s; estimated {cost.memory_bytes / 1024**2:,.0f} MiB, "
        f"{cost.time_s:,.0f} s."
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


@catalog_app.command("paths")
def catalog_paths(
    ctx: typer.Context,
    pattern: Annotated[
        str, typer.Argument(help="Only paths matching this glob, e.g. 'threats.f35.*'.")
    ] = "*",
    catalog: CatalogOpt = None,
) -> None:
    """List every figure a scenario's overrides or a campaign sweep can set by path, with
    its value, provenance and allowed range."""
    from iads.catalog.render import paths_table

    out.print(paths_table(_catalog(catalog or ctx.obj), pattern))


@functools.cache
def command():
    """The click command of the app, with boolean flags shown as flags in ``--help`` (the
    rich help of typer prints ``<bool>`` after every option otherwise)."""
    from types import SimpleNamespace

    cmd = typer.main.get_command(app)
    todo = [cmd]
    while todo:
        c = todo.pop()
        subs = list(getattr(c, "commands", {}).values())
        todo += subs
        for sub in subs:  # the command list shows each help's first paragraph on one line
            if sub.help and not sub.short_help:
                sub.short_help = " ".join(sub.help.split("\n\n")[0].split())
        helper = c.get_help_option(SimpleNamespace(help_option_names=["--help"]))
        for p in [*c.params, *([helper] if helper is not None else [])]:
            if getattr(p, "is_flag", False) and p.metavar is None:
                p.metavar = ""
    return cmd


def print_error(exc: BaseException) -> None:
    """Print an iads error on standard error: plain text (never read as markup), with
    any character the terminal cannot take escaped."""
    from rich.text import Text

    err.print(Text.assemble(("error: ", "bold red"), _printable(str(exc))), soft_wrap=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``iads`` script (``argv``: the arguments, default sys.argv)."""
    try:
        command()(argv, standalone_mode=False)
    except InputError as exc:
        print_error(exc)
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
import iads.cli_study  # noqa: E402,F401

if __name__ == "__main__":
    # Run the imported module's app, the one the stage commands registered on.
    from iads.cli import main as _main

    _main()
