"""The ``iads export`` command group (exports of a run directory to other tools' formats:
``export czml``) and ``iads view`` (the offline 3D replay page), registered on
``iads.cli.app``; the CLI module imports this one."""

from __future__ import annotations

import sys
import time
import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from iads.cli import app, err, out

__all__ = ["export_app", "export_czml", "view"]

export_app = typer.Typer(
    help="Export a run directory (written by 'iads run') to other tools' formats.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")

RunDirArg = Annotated[
    Path, typer.Argument(help="Run directory written by 'iads run' (default: iads-out).")
]


@export_app.command("czml")
def export_czml(
    out_dir: RunDirArg = Path("iads-out"),
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="CZML file to write (default: OUT_DIR/replay.czml)."),
    ] = None,
) -> None:
    """Write the run's 3D replay as CZML (Cesium's time-dynamic scene format) from its
    events.parquet, truth.parquet, entities.parquet and summary.json."""
    from iads.report.replay import write_czml

    t0 = time.perf_counter()
    path = write_czml(out_dir, output)
    out.print(
        f"Wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s"
    )


@app.command("view")
def view(
    out_dir: RunDirArg = Path("iads-out"),
    port: Annotated[
        int, typer.Option(help="Port on 127.0.0.1 (0: any free port).", min=0, max=65535)
    ] = 0,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Serve the page without opening a browser.")
    ] = False,
) -> None:
    """Replay a run on a 3D globe in the browser, offline: serves the packaged page and
    the run's replay.czml on 127.0.0.1 (written first when missing) until Ctrl+C."""
    from iads.report.replay import write_czml
    from iads.report.replay.server import start_server

    if not (out_dir / "replay.czml").is_file():
        write_czml(out_dir)
        err.print(f"wrote {out_dir / 'replay.czml'}")
    server = start_server(out_dir, port)
    out.print(f"Replay of {out_dir} at {server.url}  (Ctrl+C to stop)", soft_wrap=True)
    sys.stdout.flush()  # the URL must reach a pipe (scripts, tests) before the wait
    if not no_browser:
        webbrowser.open(server.url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()


# Format commands in their own modules register themselves on ``export_app``.
import iads.cli_dis  # noqa: E402,F401
