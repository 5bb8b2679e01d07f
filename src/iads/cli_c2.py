"""The ``iads envelope`` command: the engagement footprint of a system's missile against
a target type (registered on ``iads.cli.app``; the CLI module imports this one)."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated

import typer

from iads.cli import CatalogOpt, _catalog, app, out
from iads.errors import CatalogError

__all__ = ["envelope"]


def _key(kind: str, key: str, options: list[str]) -> None:
    if key not in options:
        hint = difflib.get_close_matches(key, options, n=1, cutoff=0.5)
        extra = f"; did you mean '{hint[0]}'?" if hint else ""
        raise CatalogError(f"unknown {kind} '{key}'{extra} (allowed: {', '.join(options)})")


@app.command()
def envelope(
    system: Annotated[str, typer.Argument(help="Catalog key of the system, e.g. S-400.")],
    missile: Annotated[str, typer.Option("--missile", help="Missile type the system carries.")],
    target: Annotated[str, typer.Option("--target", help="Catalog key of the target type.")],
    alt: Annotated[
        float | None,
        typer.Option("--alt", help="Target altitude \\[m] (default: its cruise).", min=0.0,
                     max=2_000_000.0),
    ] = None,
    out_file: Annotated[
        Path, typer.Option("--out", help="Image file (.png, .svg or .pdf).")
    ] = Path("envelope.png"),
    catalog: CatalogOpt = None,
) -> None:
    """Plot the ground region from which a target flying straight at the battery at its
    cruise speed can be engaged now (PIP inside the missile's envelope)."""
    from iads._outputs import atomic_write, check_out_file
    from iads.weapons.footprint import footprint, missile_arrays, plot_footprint

    check_out_file(out_file)
    cat = _catalog(catalog)
    _key("system", system, sorted(cat.systems))
    carried = sorted({cat.launchers[g.launcher].missile for g in cat.systems[system].launchers})
    _key(f"missile of {system}", missile, carried)
    _key("target type", target, sorted(cat.threats))
    entry = cat.threats[target]
    alt_m = float(alt if alt is not None else entry.cruise_altitude_m.value)
    speed = float(entry.cruise_speed_mps.value)
    fp = footprint(missile_arrays(cat, [missile]), 0.0, 0.0, speed, alt_m)
    inside = fp.intercept_range_m[fp.inside]
    title = (f"{system} / {missile} vs {target} at {alt_m:.0f} m, {speed:.0f} m/s "
             "flying at the battery")
    from iads.geo import radar_horizon_m

    horizons = {}
    for rk in cat.systems[system].radars:
        mast = cat.radars[rk].antenna_height_m
        horizons[rk] = float(radar_horizon_m(mast.value if mast else 0.0, alt_m))
    path = atomic_write(out_file, lambda p: plot_footprint(fp, p, title, horizons))
    seen = max(horizons.values(), default=float("inf"))
    if inside.size:
        r = (fp.east_m[None, :] ** 2 + fp.north_m[:, None] ** 2) ** 0.5
        out.print(
            f"{title}: launch now from {r[fp.inside].min() / 1e3:.0f} to "
            f"{r[fp.inside].max() / 1e3:.0f} km ground range (radar horizon against it: "
            f"{seen / 1e3:.0f} km); wrote {path}"
        )
    else:
        out.print(f"{title}: no launch-now region (target outside the envelope); wrote {path}")
