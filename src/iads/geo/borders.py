"""Country polygons from Natural Earth shipped in the package, for airspace definitions
and the finer borders of the maps.

Owns the reading of ``iads/geo/data/borders.json.gz`` (made by ``tools/make_borders.py``
from the npm package ``world-atlas``: Natural Earth admin-0 countries, public domain; see
``data/README.md``): 1:50m for the whole world, 1:10m clipped to the region of the
built-in scenarios (:data:`BOX_10M`). Polygons are shapely geometries in lon/lat degrees
whose edges are straight in lon/lat (as Natural Earth and GeoJSON draw them). Nothing is
downloaded at run time.
"""

from __future__ import annotations

import difflib
import functools
import gzip
import json
from importlib import resources
from typing import Any, Literal

import numpy as np
from shapely.geometry import MultiPolygon, Polygon

from iads.errors import ParameterError

__all__ = ["BOX_10M", "RESOLUTIONS", "border_lines", "country_names", "country_polygon"]

RESOLUTIONS = ("10m", "50m")
Resolution = Literal["10m", "50m"]


@functools.lru_cache(maxsize=1)
def _doc() -> dict[str, Any]:
    raw = resources.files("iads.geo").joinpath("data", "borders.json.gz").read_bytes()
    return json.loads(gzip.decompress(raw))


#: (lon_min, lat_min, lon_max, lat_max) [deg] of the 1:10m data shipped (see the module doc).
BOX_10M = (24.0, 29.0, 46.0, 46.0)


def _ring(flat: list[int], scale: float) -> np.ndarray:
    """(n, 2) lon/lat [deg] of a delta-encoded integer ring."""
    q = np.asarray(flat, dtype=np.int64).reshape(-1, 2)
    return np.cumsum(q, axis=0) * scale


def _check_resolution(resolution: str, func: str) -> None:
    if resolution not in RESOLUTIONS:
        raise ParameterError("resolution", resolution, "'10m' or '50m'", func)


def country_names(resolution: Resolution = "50m") -> tuple[str, ...]:
    """The Natural Earth names (``"Turkey"``, ``"Syria"``...) available at ``resolution``."""
    _check_resolution(resolution, "country_names")
    return tuple(sorted(_doc()["resolutions"][resolution]["countries"]))


def _lookup(name: str, resolution: str, func: str) -> dict[str, Any]:
    _check_resolution(resolution, func)
    countries = _doc()["resolutions"][resolution]["countries"]
    if name in countries:
        return countries[name]
    folded = {k.casefold(): k for k in countries}
    if name.casefold() in folded:
        return countries[folded[name.casefold()]]
    near = difflib.get_close_matches(name, list(countries), n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(near)}?)" if near else ""
    where = "" if resolution == "50m" else f" within the 1:10m box {BOX_10M}"
    raise ParameterError(
        "country", name, f"a Natural Earth country name at {resolution}{where}{hint}", func
    )


@functools.lru_cache(maxsize=64)
def country_polygon(name: str, resolution: Resolution = "10m") -> MultiPolygon:
    """The territory of one country (Natural Earth name, case-insensitive) as a shapely
    MultiPolygon in lon/lat degrees. At ``10m`` the polygon is clipped to :data:`BOX_10M`
    (a country reaching beyond it, e.g. Russia, is cut there); ``50m`` is global."""
    entry = _lookup(name, resolution, "country_polygon")
    scale = float(_doc()["resolutions"][resolution]["scale_deg"])
    polys = [
        Polygon(_ring(rings[0], scale), [_ring(h, scale) for h in rings[1:]])
        for rings in entry["polygons"]
    ]
    return MultiPolygon(polys)


@functools.lru_cache(maxsize=2)
def border_lines(resolution: Resolution = "10m") -> tuple[np.ndarray, ...]:
    """Every country outline at ``resolution``, (n, 2) lon/lat [deg] closed rings (for
    maps: at 10m clipped to :data:`BOX_10M`, so the clip edge shows only where a country
    meets it, drawn by the caller as it likes). Read-only arrays."""
    _check_resolution(resolution, "border_lines")
    res = _doc()["resolutions"][resolution]
    scale = float(res["scale_deg"])
    out = []
    for entry in res["countries"].values():
        for rings in entry["polygons"]:
            r = _ring(rings[0], scale)
            r.setflags(write=False)
            out.append(r)
    return tuple(out)
