"""Offline basemap: Natural Earth 1:110m coastlines, borders and land, drawn in lon/lat.

Owns the decoding of the TopoJSON file shipped in ``iads/report/data/world_110m.json``
(see ``data/README.md`` for its origin and license), the drawing of that basemap on a
matplotlib Axes and geodesic range rings. Nothing here touches the network.

The map is plain longitude/latitude (equirectangular) with the axes aspect set to
``1 / cos(mean latitude)``, so that east-west and north-south distances look alike at the
centre of the view: right for theatre-sized maps, not for continents near the poles.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter

from iads.errors import ParameterError
from iads.geo.wgs84 import MEAN_RADIUS_M

__all__ = [
    "draw_basemap",
    "draw_range_ring",
    "layer_names",
    "load_country",
    "load_world",
    "range_ring_lonlat",
]

_DATA_FILE = "world_110m.json"
# Derived layer: arcs of the countries layer shared by two countries (land borders only).
_BORDERS = "borders"

_LAND_COLOR = "#efece3"
_WATER_COLOR = "#eaf1f7"
_COAST_COLOR = "0.35"
_BORDER_COLOR = "0.55"


# --------------------------------------------------------------------------- decoding


def _decode_arcs(arcs: list[list[list[int]]], transform: dict[str, Any] | None) -> list[np.ndarray]:
    """Decode quantized, delta-encoded TopoJSON arcs to absolute lon/lat, one (n, 2) array each.

    TopoJSON specification 1.0, section 2.1.2 (transforms) and 2.2 (arcs): in a quantized
    topology every position of an arc but the first is the difference from the previous
    one; the absolute position is then ``q * scale + translate``.
    """
    lengths = np.array([len(a) for a in arcs], dtype=np.int64)
    flat = np.array([p[:2] for a in arcs for p in a], dtype=np.float64).reshape(-1, 2)
    if transform is None:  # an unquantized topology stores absolute positions
        return np.split(flat, np.cumsum(lengths)[:-1])
    # One cumulative sum over all arcs, then take away what the earlier arcs contributed.
    total = np.cumsum(flat, axis=0)
    ends = np.cumsum(lengths)
    before = np.zeros((len(arcs), 2))
    before[1:] = total[ends[:-1] - 1]
    absolute = total - np.repeat(before, lengths, axis=0)
    absolute = absolute * np.asarray(transform["scale"]) + np.asarray(transform["translate"])
    return np.split(absolute, ends[:-1])


def _stitch(indices: Sequence[int], arcs: list[np.ndarray]) -> np.ndarray:
    """Join arcs into one line; index ``~i`` (i.e. ``-i - 1``) means arc i reversed.

    TopoJSON specification 1.0, section 2.2: consecutive arcs share their end point, which
    is kept once.
    """
    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
    return np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])


def _geometry_polygons(geom: dict[str, Any], arcs: list[np.ndarray]) -> list[list[np.ndarray]]:
    """Polygons of one geometry: a list of polygons, each a list of rings (exterior first).

    Line geometries give one "polygon" per line, with that line as its only ring.
    """
    kind, refs = geom.get("type"), geom.get("arcs", [])
    if kind == "LineString":
        return [[_stitch(refs, arcs)]]
    if kind == "MultiLineString":
        return [[_stitch(line, arcs)] for line in refs if line]
    if kind == "Polygon":
        refs = [refs]
    elif kind != "MultiPolygon":  # Point, MultiPoint and null geometries carry no lines
        return []
    return [[_stitch(ring, arcs) for ring in poly if ring] for poly in refs if poly]


@functools.lru_cache(maxsize=1)
def _topology() -> tuple[dict[str, Any], tuple[np.ndarray, ...]]:
    """The parsed TopoJSON document and its decoded arcs (read once per process)."""
    text = resources.files("iads.report").joinpath("data", _DATA_FILE).read_text("utf-8")
    doc = json.loads(text)
    arcs = _decode_arcs(doc["arcs"], doc.get("transform"))
    for a in arcs:
        a.setflags(write=False)  # shared through the cache: nobody may edit them
    return doc, tuple(arcs)


def layer_names() -> tuple[str, ...]:
    """Names accepted by :func:`load_world`: the file's objects plus the derived ``borders``."""
    doc, _ = _topology()
    return (*sorted(doc["objects"]), _BORDERS)


def _check_layer(layer: str, func: str) -> None:
    if layer not in layer_names():
        raise ParameterError("layer", layer, f"one of {', '.join(layer_names())}", func)


@functools.cache
def _polygons(layer: str) -> tuple[tuple[np.ndarray, ...], ...]:
    """Polygons of a layer as stored (tuples of rings, exterior not necessarily first)."""
    doc, arcs = _topology()
    if layer == _BORDERS:
        # An arc used by two countries is a land border; used once it is a coast.
        refs = [
            i if i >= 0 else ~i
            for g in doc["objects"]["countries"]["geometries"]
            for poly in ([g["arcs"]] if g.get("type") == "Polygon" else g.get("arcs", []))
            for ring in poly
            for i in ring
        ]
        n_uses = np.bincount(np.asarray(refs, dtype=np.int64), minlength=len(arcs))
        return tuple((arcs[i],) for i in np.flatnonzero(n_uses >= 2))
    geoms = doc["objects"][layer]["geometries"]
    return tuple(tuple(p) for g in geoms for p in _geometry_polygons(g, list(arcs)))


def _boxes(items: Sequence[np.ndarray]) -> np.ndarray:
    """(n, 4) boxes lon_min, lon_max, lat_min, lat_max of (m, 2) lon/lat arrays."""
    return np.array(
        [[a[:, 0].min(), a[:, 0].max(), a[:, 1].min(), a[:, 1].max()] for a in items]
    ).reshape(-1, 4)


def _cut_antimeridian(line: np.ndarray) -> list[np.ndarray]:
    """Pieces of a (n, 2) lon/lat line, cut where it jumps across the antimeridian."""
    cuts = np.flatnonzero(np.abs(np.diff(line[:, 0])) > 180.0) + 1
    return [piece for piece in np.split(line, cuts) if len(piece) >= 2]


@functools.cache
def _lines(layer: str) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Lines of a layer cut where they jump across the antimeridian, and their boxes."""
    lines = [piece for p in _polygons(layer) for r in p for piece in _cut_antimeridian(r)]
    for a in lines:
        a.setflags(write=False)  # shared through the cache: nobody may edit them
    return tuple(lines), _boxes(lines)


def _signed_area(ring: np.ndarray) -> float:
    """Shoelace area of a closed ring in deg^2, positive when counter-clockwise."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def _unwrap_ring(ring: np.ndarray) -> np.ndarray:
    """Ring with continuous longitudes; a ring around a pole is closed through that pole."""
    step = (np.diff(ring[:, 0]) + 180.0) % 360.0 - 180.0
    lon = ring[0, 0] + np.concatenate([[0.0], np.cumsum(step)])
    out = np.column_stack([lon, ring[:, 1]])
    if abs(lon[-1] - lon[0]) > 180.0:  # went once around the globe: encloses a pole
        pole = math.copysign(90.0, float(ring[:, 1].mean()))
        out = np.vstack([out, [[lon[-1], pole], [lon[0], pole]], out[:1]])
    return out


@functools.cache
def _fills(layer: str) -> tuple[tuple[tuple[np.ndarray, ...], ...], np.ndarray]:
    """Fillable polygons of a layer and their boxes.

    Each polygon has its exterior (the ring of largest area) first and counter-clockwise,
    its holes clockwise; a polygon crossing the antimeridian is unwrapped and also given
    shifted by 360 deg, so that the part beyond +-180 shows on the other side.
    """
    fills = []
    for poly in _polygons(layer):
        rings = [_unwrap_ring(r) for r in poly]
        areas = [_signed_area(r) for r in rings]
        k_ext = int(np.argmax(np.abs(areas)))
        ext = rings[k_ext]
        ext = ext - [360.0 * math.floor((ext[:, 0].min() + 180.0) / 360.0), 0.0]
        centre = 0.5 * (ext[:, 0].min() + ext[:, 0].max())
        out = [ext if areas[k_ext] > 0 else ext[::-1]]
        for k, r in enumerate(rings):
            if k != k_ext:
                r = r + [360.0 * round((centre - r[:, 0].mean()) / 360.0), 0.0]
                out.append(r[::-1] if areas[k] > 0 else r)
        fills.append(tuple(out))
        if ext[:, 0].max() > 180.0:
            fills.append(tuple(r - [360.0, 0.0] for r in out))
    return tuple(fills), _boxes([np.vstack(p) for p in fills])


def load_world(layer: str = "countries") -> list[np.ndarray]:
    """Every line of one Natural Earth 1:110m layer, as (n_points, 2) arrays of lon, lat in deg.

    ``layer`` is one of :func:`layer_names`: ``coastlines``, ``land``, ``countries``,
    ``ocean``, ``lakes``, ``rivers``, ``subunits`` (objects of the shipped file) or
    ``borders`` (arcs shared by two countries: land borders without coasts). Polygon
    layers give each ring (exterior and holes) as a closed line, first point == last point,
    except the few rings that cross the antimeridian (Russia, Fiji, Antarctica...), which are
    cut there so that no line jumps across the map. Longitudes are in [-180, 180],
    latitudes in [-90, 90]. The arrays are read-only (they are cached); copy to modify.
    """
    _check_layer(layer, "load_world")
    return list(_lines(layer)[0])


def load_country(iso_a3: str) -> list[np.ndarray]:
    """Outline of one country by ISO 3166-1 alpha-3 code (``"TUR"``): (n, 2) lon/lat deg lines.

    Closed rings, cut at the antimeridian as in :func:`load_world`.
    """
    doc, arcs = _topology()
    geoms = [g for g in doc["objects"]["countries"]["geometries"] if g.get("id") == iso_a3]
    if not geoms:
        known = sorted({str(g.get("id")) for g in doc["objects"]["countries"]["geometries"]})
        near = difflib.get_close_matches(str(iso_a3).upper(), known, n=3)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        allowed = f"an ISO 3166-1 alpha-3 code present in the map{hint}"
        raise ParameterError("iso_a3", iso_a3, allowed, "load_country")
    rings = [r for g in geoms for p in _geometry_polygons(g, list(arcs)) for r in p]
    return [piece for r in rings for piece in _cut_antimeridian(r)]


# --------------------------------------------------------------------------- drawing


def _check_range(name: str, value: Sequence[float], limit: float) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ParameterError(name, value, "a pair (min, max) of numbers", "draw_basemap") from None
    if not (-limit <= lo < hi <= limit):
        allowed = f"a pair (min, max) with -{limit:g} <= min < max <= {limit:g}"
        raise ParameterError(name, value, allowed, "draw_basemap")
    return lo, hi


def _visible(boxes: np.ndarray, lon: tuple[float, float], lat: tuple[float, float]) -> np.ndarray:
    """Indices of the rings whose box meets the view: cheap culling before matplotlib clips."""
    hit = (boxes[:, 1] >= lon[0]) & (boxes[:, 0] <= lon[1])
    hit &= (boxes[:, 3] >= lat[0]) & (boxes[:, 2] <= lat[1])
    return np.flatnonzero(hit)


def _fill_path(polys: Sequence[Sequence[np.ndarray]]) -> Path:
    """One compound path of oriented polygons (see :func:`_fills`): holes stay empty."""
    if not polys:
        return Path(np.zeros((0, 2)))
    verts = [r for p in polys for r in p]
    codes = [np.full(len(r), Path.LINETO, dtype=Path.code_type) for r in verts]
    for c in codes:
        c[0], c[-1] = Path.MOVETO, Path.CLOSEPOLY
    return Path(np.concatenate(verts), np.concatenate(codes))


def _lon_label(x: float, _pos: int) -> str:
    return f"{abs(x):g}°{'E' if x > 0 else 'W' if x < 0 else ''}"


def _lat_label(y: float, _pos: int) -> str:
    return f"{abs(y):g}°{'N' if y > 0 else 'S' if y < 0 else ''}"


def draw_basemap(
    ax: Axes,
    lon_range_deg: Sequence[float] | None = None,
    lat_range_deg: Sequence[float] | None = None,
    *,
    borders: bool = True,
    coastlines: bool = True,
    land: bool = True,
) -> None:
    """Draw coastlines, country borders and a pale land fill on ``ax``, in lon/lat degrees.

    ``lon_range_deg`` / ``lat_range_deg`` are (min, max) pairs in deg within [-180, 180] /
    [-90, 90]; when ``None``, the current axis limits are kept if the axes already holds
    data, else the whole world is shown. The aspect is set to ``1 / cos(mean latitude)``
    (equirectangular projection centred on the view), the grid is light and the ticks are
    labelled in degrees. Everything is drawn below zorder 1, so tracks, sites and rings
    plotted with default zorders come on top. Only the lines whose bounding box meets the
    view are handed to matplotlib.
    """
    has_data = ax.has_data()
    if lon_range_deg is None:
        lon_range_deg = ax.get_xlim() if has_data else (-180.0, 180.0)
    if lat_range_deg is None:
        lat_range_deg = ax.get_ylim() if has_data else (-90.0, 90.0)
    lon = _check_range("lon_range_deg", lon_range_deg, 180.0)
    lat = _check_range("lat_range_deg", lat_range_deg, 90.0)

    if land:
        ax.set_facecolor(_WATER_COLOR)
        for name, color, z in (("land", _LAND_COLOR, 0.1), ("lakes", _WATER_COLOR, 0.15)):
            polys, boxes = _fills(name)
            path = _fill_path([polys[i] for i in _visible(boxes, lon, lat)])
            ax.add_patch(PathPatch(path, facecolor=color, edgecolor="none", zorder=z))
    for on, name, color, width, z in (
        (borders, _BORDERS, _BORDER_COLOR, 0.6, 0.3),
        (coastlines, "coastlines", _COAST_COLOR, 0.7, 0.35),
    ):
        if on:
            lines, boxes = _lines(name)
            segs = [lines[i] for i in _visible(boxes, lon, lat)]
            ax.add_collection(
                LineCollection(segs, colors=color, linewidths=width, zorder=z), autolim=False
            )

    ax.set_xlim(*lon)
    ax.set_ylim(*lat)
    mean_lat = 0.5 * (lat[0] + lat[1])
    # Equirectangular with standard parallel at the view centre (Snyder 1987, USGS PP 1395,
    # ch. 12, eq. 12-1/12-2): x = R lon cos(lat0), y = R lat. Capped near the poles.
    ax.set_aspect(1.0 / max(math.cos(math.radians(mean_lat)), 0.05), adjustable="box")
    ax.set_axisbelow(True)
    ax.grid(True, color="0.8", linewidth=0.4, alpha=0.8)
    ax.xaxis.set_major_formatter(FuncFormatter(_lon_label))
    ax.yaxis.set_major_formatter(FuncFormatter(_lat_label))
    ax.set_xlabel("Longitude (deg)")
    ax.set_ylabel("Latitude (deg)")


def range_ring_lonlat(
    lat_deg: float, lon_deg: float, radius_m: float, n_points: int = 361
) -> np.ndarray:
    """Points at great-circle distance ``radius_m`` from a centre, (n_points, 2) lon, lat deg.

    First-order: a sphere of the mean Earth radius ``iads.geo.wgs84.MEAN_RADIUS_M``
    (6,371,008.8 m); on the WGS-84 ellipsoid distances differ by up to ~0.5 %. The ring is
    closed (first point == last point) and its longitudes are continuous around ``lon_deg``
    (they may leave [-180, 180] near the antimeridian, which keeps the line unbroken).
    """
    if not (math.isfinite(lat_deg) and -90.0 <= lat_deg <= 90.0):
        raise ParameterError("lat_deg", lat_deg, "a latitude in [-90, 90] deg", "range_ring")
    if not math.isfinite(lon_deg):
        raise ParameterError("lon_deg", lon_deg, "a finite longitude in deg", "range_ring")
    if not (math.isfinite(radius_m) and 0.0 < radius_m <= math.pi * MEAN_RADIUS_M):
        allowed = f"a distance in (0, {math.pi * MEAN_RADIUS_M:.0f}] m"
        raise ParameterError("radius_m", radius_m, allowed, "range_ring")
    if int(n_points) != n_points or n_points < 3:
        raise ParameterError("n_points", n_points, "an integer >= 3", "range_ring")
    az = np.linspace(0.0, 2.0 * np.pi, int(n_points))
    az[-1] = 0.0  # exactly closed
    phi1, lam1 = math.radians(lat_deg), math.radians(lon_deg)
    c = radius_m / MEAN_RADIUS_M  # angular distance, rad
    # Destination on a sphere given azimuth and angular distance: Snyder, "Map Projections:
    # A Working Manual", USGS PP 1395 (1987), section 5, eq. 5-5 and 5-6.
    sin_phi = math.sin(phi1) * math.cos(c) + math.cos(phi1) * math.sin(c) * np.cos(az)
    phi = np.arcsin(np.clip(sin_phi, -1.0, 1.0))
    lam = lam1 + np.arctan2(
        math.sin(c) * np.sin(az),
        math.cos(phi1) * math.cos(c) - math.sin(phi1) * math.sin(c) * np.cos(az),
    )
    return np.column_stack([np.degrees(lam), np.degrees(phi)])


def draw_range_ring(
    ax: Axes, lat_deg: float, lon_deg: float, radius_m: float, *, n_points: int = 361, **kw: Any
) -> Line2D:
    """Draw the geodesic circle of radius ``radius_m`` (m) around (``lat_deg``, ``lon_deg``).

    See :func:`range_ring_lonlat` for the geometry; ``kw`` goes to ``Axes.plot`` (colour,
    linestyle, label...). Returns the drawn line.
    """
    ring = range_ring_lonlat(lat_deg, lon_deg, radius_m, n_points)
    kw.setdefault("linewidth", 1.0)
    (line,) = ax.plot(ring[:, 0], ring[:, 1], **kw)
    return line
