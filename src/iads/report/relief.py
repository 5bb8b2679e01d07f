"""Shaded relief under the maps: the run's terrain model evaluated on an image grid over
the view and shaded by matplotlib's ``LightSource`` (sun from the north-west, 45 degrees
high; Horn's slope as in matplotlib), drawn over land above the basemap's land fill and
below its borders, coastlines and everything the map plots."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["draw_relief"]

_ZORDER = 0.2  # above the land fill (0.1) and lakes (0.15), below borders (0.3)


def draw_relief(ax: Any, terrain: Any, lon_range_deg: Sequence[float],
                lat_range_deg: Sequence[float], n: int = 500, alpha: float = 0.8) -> None:
    """Hillshade of ``terrain`` (an ``iads.sensors.terrain.TerrainModel`` or ``None``: no
    relief) over the lon/lat view, ``n`` pixels across; sea (height <= 0 m) left clear."""
    if terrain is None:
        return
    from matplotlib.colors import LightSource

    (lo0, lo1), (la0, la1) = lon_range_deg, lat_range_deg
    ny = max(2, int(n * (la1 - la0) / max(lo1 - lo0, 1e-9)))
    lon = np.linspace(lo0, lo1, n)
    lat = np.linspace(la0, la1, min(ny, 2000))
    glat, glon = np.meshgrid(np.deg2rad(lat), np.deg2rad(lon), indexing="ij")
    h = terrain(glat, glon)
    if not np.any(h > 0.0):
        return
    # Pixel sizes in metres (mean earth radius; cos(lat) at the view centre).
    dy = math.radians(lat[1] - lat[0]) * 6.371e6
    dx = math.radians(lon[1] - lon[0]) * 6.371e6 * math.cos(math.radians(0.5 * (la0 + la1)))
    # Lambert shading against matplotlib's LightSource direction, relative to flat ground:
    # slopes facing away from the sun darken the land colour, slopes facing it lighten it
    # (an overlay: flat ground stays the basemap's land colour).
    sun = LightSource(azdeg=315, altdeg=45).direction  # (east, north, up) unit vector
    gy, gx = np.gradient(3.0 * h, dy, dx)  # vertical exaggeration 3
    norm = np.sqrt(gx * gx + gy * gy + 1.0)
    lit = (-gx * sun[0] - gy * sun[1] + sun[2]) / norm
    dark = np.clip((sun[2] - lit) / sun[2], 0.0, 1.0)
    light = np.clip((lit - sun[2]) / (1.0 - sun[2]), 0.0, 1.0)
    rgba = np.zeros(h.shape + (4,))
    rgba[..., :3] = np.where((light > dark)[..., None], 1.0, 0.15)
    rgba[..., 3] = np.where(h > 0.0, alpha * np.maximum(dark, 0.6 * light), 0.0)
    ax.imshow(rgba, extent=(lo0, lo1, la0, la1), origin="lower", zorder=_ZORDER,
              interpolation="bilinear", aspect="auto")
