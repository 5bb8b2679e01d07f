"""The detection-coverage map: the network Pd of ``iads.sensors.coverage`` over the offline
basemap, with each radar's Pd = 0.5 contour and its site (``iads sensors coverage``),
the scenario's airspaces and the finer country outlines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from iads.report.airspace_layer import (
    draw_airspaces,
    draw_fine_borders,
    fine_borders_resolution,
)
from iads.report.basemap import draw_basemap
from iads.report.relief import draw_relief
from iads.sensors.coverage import Coverage

__all__ = ["plot_coverage"]


def plot_coverage(cov: Coverage, built: Any, path: str | Path, title: str | None = None) -> Path:
    """PNG map of the network Pd over the offline basemap, with each radar's Pd = 0.5
    contour and its site."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 7.5))
    extent = (cov.lon_deg[0], cov.lon_deg[-1], cov.lat_deg[0], cov.lat_deg[-1])
    coarse = fine_borders_resolution(extent[:2], extent[2:]) is None  # else finer layers
    draw_basemap(ax, extent[:2], extent[2:], borders=coarse, coastlines=coarse, land=coarse)
    draw_fine_borders(ax, extent[:2], extent[2:])
    sensing = getattr(built, "sensing", None)
    draw_relief(ax, sensing.terrain if sensing is not None else None, extent[:2], extent[2:])
    spaces = draw_airspaces(ax, built.scenario)
    masked = np.ma.masked_less(cov.network, 1e-3)
    im = ax.pcolormesh(cov.lon_deg, cov.lat_deg, masked, cmap="viridis", vmin=0, vmax=1,
                       alpha=0.65, shading="auto", zorder=0.5)  # fmt: skip
    colors = plt.cm.tab10(np.arange(len(cov.radar_keys)) % 10)
    for i, key in enumerate(cov.radar_keys):
        if np.nanmax(cov.pd[i]) > 0.5 > np.nanmin(cov.pd[i]):
            ax.contour(cov.lon_deg, cov.lat_deg, cov.pd[i], levels=[0.5], colors=[colors[i]],
                       linewidths=1.0, zorder=2)  # fmt: skip
        ax.plot(np.rad2deg(built.radars.lon_rad[i]), np.rad2deg(built.radars.lat_rad[i]), "^",
                color=colors[i], label=key, zorder=3)  # fmt: skip
    fig.colorbar(im, ax=ax, shrink=0.8, label="network Pd (one dwell per radar)")
    for name, c in spaces:
        ax.plot([], [], color=c, lw=1.3, label=f"airspace: {name}")
    ax.legend(loc="lower left", fontsize=8, title="radar (Pd = 0.5 contour)")
    ax.set_title(title or f"Detection coverage: {cov.rcs_m2:g} m² at {cov.alt_m:g} m")
    path = Path(path)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return path
