"""The ``iads coverage`` command: detection coverage of a scenario's radars over a map
(registered on ``iads.cli.app``; the CLI module imports this one)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from iads.cli import CatalogOpt, _catalog, app, out

__all__ = ["coverage_cmd"]


@app.command("coverage")
def coverage_cmd(
    scenario: Annotated[str, typer.Argument(help="Scenario file or built-in name.")],
    rcs: Annotated[
        float, typer.Option("--rcs", help="Target mean RCS \\[m^2].", min=1e-6, max=1e6)
    ] = 1.0,
    alt: Annotated[
        float,
        typer.Option("--alt", help="Target height \\[m] above the ellipsoid.", min=-500.0,
                     max=2_000_000.0),
    ] = 100.0,
    n: Annotated[int, typer.Option("--n", help="Grid points per side.", min=2, max=1000)] = 500,
    swerling: Annotated[
        int, typer.Option("--swerling", help="Swerling case 0-4.", min=0, max=4)
    ] = 1,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("iads-out"),
    catalog: CatalogOpt = None,
) -> None:
    """Pd of every radar and of the network over a lon/lat grid at one altitude and RCS;
    writes coverage.png and coverage.parquet."""
    from iads._outputs import atomic_write, check_out_dir
    from iads.engine import build
    from iads.report.map_coverage import plot_coverage
    from iads.scenario import load_scenario
    from iads.sensors.coverage import coverage, write_coverage

    check_out_dir(out_dir)
    loaded = load_scenario(scenario, _catalog(catalog))
    built = build(loaded)
    t0 = time.perf_counter()
    cov = coverage(built, rcs, alt, n=n, swerling=swerling)
    dt = time.perf_counter() - t0
    out_dir.mkdir(parents=True, exist_ok=True)
    title = f"{loaded.scenario.name}: {rcs:g} m² at {alt:g} m"
    pq = atomic_write(out_dir / "coverage.parquet", lambda p: write_coverage(cov, p))
    png = atomic_write(out_dir / "coverage.png", lambda p: plot_coverage(cov, built, p, title))
    cells = cov.network.size
    out.print(
        f"{built.radars.n} radar(s) x {cells:,} grid points in {dt:.2f} s; network Pd >= 0.5 "
        f"over {100.0 * (cov.network >= 0.5).mean():.1f} % of the map. Wrote {png}, {pq}"
    )
