"""Map layers of airspace: the scenario's airspace polygons and the finer Natural Earth
country outlines (1:10m inside the shipped region box, else 1:50m; ``iads.geo.borders``)
drawn over the 1:110m basemap on the engagement and coverage maps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.collections import LineCollection

from iads.geo.borders import BOX_10M, border_lines

__all__ = ["draw_airspaces", "draw_fine_borders", "fine_borders_resolution"]

#: Views wider than this [deg of longitude] keep the 1:110m borders only.
MAX_FINE_VIEW_DEG = 60.0
_LAND, _WATER = "#efece3", "#eaf1f7"  # the basemap's land and water colours
_AIRSPACE_COLORS = ("crimson", "darkorange", "purple", "teal", "saddlebrown")


def fine_borders_resolution(lon: Sequence[float], lat: Sequence[float]) -> str | None:
    """'10m' when the view lies inside the shipped 1:10m box, '50m' for other views up to
    :data:`MAX_FINE_VIEW_DEG` wide, None (keep the basemap's 1:110m) beyond."""
    if lon[1] - lon[0] > MAX_FINE_VIEW_DEG:
        return None
    lo_min, la_min, lo_max, la_max = BOX_10M
    inside = lon[0] >= lo_min and lon[1] <= lo_max and lat[0] >= la_min and lat[1] <= la_max
    return "10m" if inside else "50m"


def draw_fine_borders(ax: Any, lon: Sequence[float], lat: Sequence[float]) -> str | None:
    """Draw the country outlines at the resolution :func:`fine_borders_resolution` picks
    (only those whose box meets the view), with land and water fills at that resolution
    (the caller draws the basemap without its coarse land, coasts and borders); returns
    that resolution (None: nothing drawn, the caller keeps the basemap's own layers)."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    res = fine_borders_resolution(lon, lat)
    if res is None:
        return None
    lines = border_lines(res)  # type: ignore[arg-type]
    segs = [
        r for r in lines
        if r[:, 0].max() >= lon[0] and r[:, 0].min() <= lon[1]
        and r[:, 1].max() >= lat[0] and r[:, 1].min() <= lat[1]
    ]  # fmt: skip
    if segs:
        codes = [np.full(len(r), Path.LINETO, dtype=Path.code_type) for r in segs]
        for c in codes:
            c[0], c[-1] = Path.MOVETO, Path.CLOSEPOLY
        land = Path(np.concatenate(segs), np.concatenate(codes))
        ax.set_facecolor(_WATER)
        ax.add_patch(PathPatch(land, facecolor=_LAND, edgecolor="none", zorder=0.12))
    ax.add_collection(
        LineCollection(segs, colors="0.45", linewidths=0.6, zorder=0.32), autolim=False
    )
    return res


def _rings(geom: Any) -> list[np.ndarray]:
    polys = getattr(geom, "geoms", [geom])
    return [np.asarray(p.exterior.coords) for p in polys]


def draw_airspaces(ax: Any, scenario: Any) -> list[tuple[str, str]]:
    """Outline and lightly fill each airspace of ``scenario`` on ``ax`` (lon/lat), labelled
    at its representative point; returns (name, colour) for a legend."""
    from matplotlib.patches import Polygon as MplPolygon

    from iads.engine.airspace import airspace_geometry

    out = []
    for k, a in enumerate(scenario.airspaces):
        color = _AIRSPACE_COLORS[k % len(_AIRSPACE_COLORS)]
        geom = airspace_geometry(a)
        for ring in _rings(geom):
            ax.add_patch(MplPolygon(ring, closed=True, facecolor=color, alpha=0.07,
                                    edgecolor=color, linewidth=1.3, zorder=1.5))  # fmt: skip
        out.append((a.name, color))
    return out
