"""The ``iads envelope`` command: the engagement footprint of a system's missile against
a target type (registered on ``iads.cli.app``; the CLI module imports this one)."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated

import numpy as np
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
    extra_radar: Annotated[
        list[str] | None,
        typer.Option("--extra-radar", help="An optional radar of the system to add (as a "
                     "scenario unit's extra_radars), e.g. 55Zh6ME; repeat for several."),
    ] = None,
    out_file: Annotated[
        Path, typer.Option("--out", help="Image file (.png, .svg or .pdf).")
    ] = Path("envelope.png"),
    catalog: CatalogOpt = None,
) -> None:
    """Plot the ground region from which a target flying straight at the battery at its
    cruise speed can be engaged now (PIP inside the missile's envelope), where the unit's
    radars see it (single-dwell Pd >= 0.5 with its RCS at each radar's band, nose-on,
    radar horizon included), and their intersection; prints each radar's ranges, also the
    median first-detection range of the target coming in (one look per scan)."""
    from iads._outputs import atomic_write, check_out_file
    from iads.weapons.footprint import footprint, missile_arrays, plot_footprint

    check_out_file(out_file)
    cat = _catalog(catalog)
    _key("system", system, sorted(cat.systems))
    carried = sorted({cat.launchers[g.launcher].missile for g in cat.systems[system].launchers})
    _key(f"missile of {system}", missile, carried)
    _key("target type", target, sorted(cat.threats))
    for rk in extra_radar or []:
        _key(f"optional radar of {system}", rk, list(cat.systems[system].optional_radars))
    entry = cat.threats[target]
    alt_m = float(alt if alt is not None else entry.cruise_altitude_m.value)
    speed = float(entry.cruise_speed_mps.value)
    keys = list(dict.fromkeys([*cat.systems[system].radars, *(extra_radar or [])]))
    det = _detection(cat, keys, target, alt_m, speed)
    m = missile_arrays(cat, [missile])
    seen_max = float(np.nanmax(det.first_detection_m, initial=0.0))
    extent = max(1.3 * float(m.max_range_m[0]), 1.1 * seen_max)
    fp = footprint(m, 0.0, 0.0, speed, alt_m, extent_m=extent)
    r_grid = np.hypot(fp.east_m[None, :], fp.north_m[:, None])
    pd_grid = np.stack([np.interp(r_grid, det.ground_range_m, p, left=p[0], right=0.0)
                        for p in det.pd])  # fmt: skip
    seen = np.any(pd_grid >= det.pd_min, axis=0)
    rings = {k: (float(a), float(b)) for k, a, b in
             zip(keys, det.first_detection_m, det.inner_m, strict=True)}  # fmt: skip
    title = (f"{system} / {missile} vs {target} at {alt_m:.0f} m, {speed:.0f} m/s "
             "flying at the battery")
    path = atomic_write(out_file, lambda p: plot_footprint(fp, p, title, seen=seen,
                                                           detection_m=rings))  # fmt: skip
    both = fp.inside & seen
    for k, first, cum in zip(keys, det.first_detection_m, det.cumulative_m, strict=True):
        at = ("never Pd >= 0.5" if np.isnan(first)
              else f"Pd >= 0.5 per scan from {first / 1e3:.0f} km")  # fmt: skip
        run = "" if np.isnan(cum) else f"; median first detection {cum / 1e3:.0f} km"
        out.print(f"  {k}: {at}{run}")

    def span(mask) -> str:
        if not mask.any():
            return "none"
        return f"{r_grid[mask].min() / 1e3:.0f} to {r_grid[mask].max() / 1e3:.0f} km"

    out.print(f"{title}: launch now (kinematic) {span(fp.inside)}; seen and launchable "
              f"{span(both)} ground range; wrote {path}")


def _detection(cat, keys: list[str], target: str, alt_m: float, speed_mps: float):
    """Single-dwell and cumulative Pd of the radars ``keys`` (at one site) against
    ``target`` flying nose-on at ``alt_m`` and ``speed_mps``, with its RCS at each radar's
    band (iads.sensors)."""
    from types import SimpleNamespace

    from iads.sensors.chain import PdBank
    from iads.sensors.coverage import radial_detection
    from iads.sensors.setup import band_tables, radar_arrays
    from iads.units import C_MPS

    site = SimpleNamespace(lat=0.0, lon=0.0, alt_m=0.0)
    rows = [{"key": k, "unit": 0, "entry": cat.radars[k], "pos": site} for k in keys]
    bank = PdBank()
    ra, _, _ = radar_arrays(rows, np.random.default_rng(0), 1.0, bank)
    t = cat.threats[target]
    band = band_tables((target,), cat, C_MPS / ra.wavelength_m)
    front_db = (np.full(ra.n, 10.0 * np.log10(t.rcs_front_m2.value)) if band is None
                else band[0][:, 0, 0])  # fmt: skip
    reach = float(np.max(ra.max_range_m)) * 1.02
    return radial_detection(ra, bank, front_db, t.swerling, alt_m, reach, speed_mps=speed_mps)
