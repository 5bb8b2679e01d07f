"""Airspace incursions of a run: per aircraft (threat, friendly or neutral) and airspace
polygon of the scenario, the time and distance spent inside, the entries, and the first
detection (time, radar) after the aircraft first entered.

Derived from the truth and the event log, like the rest of the summary. Membership is
tested on each aircraft's geodetic latitude/longitude (WGS-84) against the polygon in
lon/lat (edges straight in lon/lat, as Natural Earth and GeoJSON draw them; shapely's
``contains_xy``). The trajectory is taken at the truth's samples (the run's time step);
each boundary crossing between two samples is refined by bisection on the chord between
them (to ~1e-6 of the step), so the time inside is exact to well under a second for a
straight crossing. An aircraft counts from its launch to its end (route end, leak,
impact or kill).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pyarrow as pa
import shapely
from numpy.typing import NDArray
from shapely.geometry import MultiPolygon, Polygon

from iads.geo.borders import country_polygon
from iads.geo.ecef import ecef_to_geodetic
from iads.scenario.schema import Airspace
from iads.state.events import of_kind
from iads.threats.truth import Truth

__all__ = [
    "AIRSPACE_SCHEMA",
    "airspace_geojson",
    "airspace_geometry",
    "airspace_summary",
    "airspace_table",
]

#: Bisection steps refining a crossing inside one sample interval (2^-30 of a step).
_BISECT = 30

AIRSPACE_SCHEMA = pa.schema(
    [
        pa.field("airspace", pa.string(), nullable=False),
        pa.field("threat_id", pa.int32(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("type", pa.string(), nullable=False),
        pa.field("side", pa.string(), nullable=False),  # hostile, friendly or neutral
        pa.field("entries", pa.int32(), nullable=False),
        pa.field("first_entry_s", pa.float64(), nullable=True),
        pa.field("time_inside_s", pa.float64(), nullable=False),
        pa.field("distance_inside_m", pa.float64(), nullable=False),
        pa.field("first_detection_after_entry_s", pa.float64(), nullable=True),
        pa.field("first_detection_radar", pa.string(), nullable=True),
        pa.field("first_detection_unit", pa.string(), nullable=True),
    ]
)


def airspace_geometry(a: Airspace) -> MultiPolygon | Polygon:
    """The shapely polygon (lon/lat deg) of one scenario airspace."""
    if a.country is not None:
        return country_polygon(a.country, a.resolution)
    return _polygon(tuple((p.lon, p.lat) for p in a.polygon or []))


def airspace_geojson(airspaces: list[Airspace]) -> dict[str, Any]:
    """The airspaces as a GeoJSON FeatureCollection (RFC 7946: lon/lat degrees), one
    Feature each with its ``name`` (and ``country``, ``resolution`` when a country)."""
    from shapely.geometry import mapping

    feats = []
    for a in airspaces:
        props: dict[str, Any] = {"name": a.name}
        if a.country is not None:
            props |= {"country": a.country, "resolution": a.resolution}
        feats.append({"type": "Feature", "properties": props,
                      "geometry": mapping(airspace_geometry(a))})  # fmt: skip
    return {"type": "FeatureCollection", "features": feats}


@functools.lru_cache(maxsize=32)
def _polygon(points: tuple[tuple[float, float], ...]) -> Polygon:
    return Polygon(points)


def _lonlat(pos: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lat, lon, _ = ecef_to_geodetic(pos[..., 0], pos[..., 1], pos[..., 2])
    return np.asarray(lon), np.asarray(lat)


def _inside(geom, pos: NDArray[np.float64]) -> NDArray[np.bool_]:
    lon, lat = _lonlat(pos)
    return shapely.contains_xy(geom, lon, lat)


def _crossing(geom, p0: NDArray, p1: NDArray, in0: NDArray[np.bool_]) -> NDArray:
    """Fraction c in [0, 1] (k,) along the chords p0 -> p1 (k, 3) where membership
    changes from ``in0``, by bisection."""
    lo = np.zeros(in0.shape)
    hi = np.ones(in0.shape)
    for _ in range(_BISECT):
        mid = 0.5 * (lo + hi)
        same = _inside(geom, p0 + mid[:, None] * (p1 - p0)) == in0
        lo = np.where(same, mid, lo)
        hi = np.where(same, hi, mid)
    return 0.5 * (lo + hi)


def _end_times(events: pa.Table, truth: Truth) -> NDArray[np.float64]:
    """(n,) end of each aircraft's flight: route end or kill, whichever first."""
    end = truth.end_t_s.copy()
    ic = of_kind(events, "intercept", ["threat_id", "time_s"])
    tid = ic.column("threat_id").to_numpy()
    t = ic.column("time_s").to_numpy()
    ok = tid >= 0
    np.minimum.at(end, tid[ok], t[ok])
    return end


def _first_detections_after(
    events: pa.Table, t_in: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Per aircraft (n,), the first detection event at or after ``t_in`` (NaN: none):
    its time and radar index (-1: none)."""
    n = t_in.size
    t_det = np.full(n, np.nan)
    radar = np.full(n, -1, np.int64)
    det = of_kind(events, "detection", ["threat_id", "time_s", "radar_id"])
    tid = det.column("threat_id").to_numpy().astype(np.int64)
    t = det.column("time_s").to_numpy()
    rid = det.column("radar_id").to_numpy().astype(np.int64)
    ok = (tid >= 0) & (tid < n)
    tid, t, rid = tid[ok], t[ok], rid[ok]
    after = t >= t_in[tid] - 1e-9  # NaN entry times compare False: never entered
    tid, t, rid = tid[after], t[after], rid[after]
    order = np.lexsort((rid, t, tid))
    tid, t, rid = tid[order], t[order], rid[order]
    first = np.r_[True, tid[1:] != tid[:-1]] if tid.size else np.zeros(0, bool)
    t_det[tid[first]] = t[first]
    radar[tid[first]] = rid[first]
    return t_det, radar


def _one(geom, truth: Truth, end_s: NDArray[np.float64]) -> dict[str, NDArray]:
    """Entries, first entry time, time and distance inside (n,) for one polygon."""
    t = truth.t_s
    dt = truth.dt_s
    pos = truth.pos_ecef_m  # (n_t, n, 3)
    n_t, n = pos.shape[:2]
    active = (truth.launch_t_s[None, :] <= t[:, None] + 1e-9) & (t[:, None] <= end_s[None, :])
    inside = _inside(geom, pos) & active  # (n_t, n)
    both = active[:-1] & active[1:]
    frac = (inside[:-1] & inside[1:]).astype(float)  # (n_t - 1, n)
    change = both & (inside[:-1] != inside[1:])
    k, j = np.nonzero(change)
    c = _crossing(geom, pos[k, j], pos[k + 1, j], inside[k, j]) if k.size else np.zeros(0)
    frac[k, j] = np.where(inside[k, j], c, 1.0 - c)
    seg_m = np.linalg.norm(np.diff(pos, axis=0), axis=-1)  # (n_t - 1, n)
    time_in = frac.sum(axis=0) * dt
    dist_in = (frac * seg_m).sum(axis=0)
    # Entries: inside at the first active sample, then each outside -> inside crossing.
    first_active = np.argmax(active, axis=0)
    starts_in = active.any(axis=0) & inside[first_active, np.arange(n)]
    enter = change & ~inside[:-1]
    entries = enter.sum(axis=0) + starts_in
    t_enter = np.full(n, np.inf)
    if k.size:
        ke = ~inside[k, j]
        np.minimum.at(t_enter, j[ke], t[k[ke]] + c[ke] * dt)
    t_start = np.maximum(t[first_active], truth.launch_t_s)
    t_first = np.where(starts_in, t_start, t_enter)
    return {
        "entries": entries,
        "first_entry_s": np.where(np.isfinite(t_first), t_first, np.nan),
        "time_inside_s": time_in,
        "distance_inside_m": dist_in,
    }


def airspace_table(result: Any) -> pa.Table:
    """One row per airspace and aircraft (:data:`AIRSPACE_SCHEMA`; docs/results.md), from
    a :class:`iads.engine.result.Result`. Empty when the scenario has no airspaces."""
    b = result.built
    th = b.threats
    spaces = b.scenario.airspaces
    if not spaces or th.n == 0:
        return AIRSPACE_SCHEMA.empty_table()
    truth, events = result.truth, result.events
    end = _end_times(events, truth)
    side = np.where(th.neutral, "neutral", np.where(th.friendly, "friendly", "hostile"))
    cols: dict[str, list] = {f.name: [] for f in AIRSPACE_SCHEMA}
    for a in spaces:
        r = _one(airspace_geometry(a), truth, end)
        t_det, radar = _first_detections_after(events, r["first_entry_s"])
        cols["airspace"] += [a.name] * th.n
        cols["threat_id"] += list(range(th.n))
        cols["name"] += list(th.names)
        cols["type"] += list(th.type_key)
        cols["side"] += side.tolist()
        cols["entries"] += r["entries"].astype(int).tolist()
        cols["first_entry_s"] += [None if np.isnan(x) else float(x) for x in r["first_entry_s"]]
        cols["time_inside_s"] += r["time_inside_s"].tolist()
        cols["distance_inside_m"] += r["distance_inside_m"].tolist()
        cols["first_detection_after_entry_s"] += [
            None if np.isnan(x) else float(x) for x in t_det
        ]
        cols["first_detection_radar"] += [b.radars.keys[i] if i >= 0 else None for i in radar]
        cols["first_detection_unit"] += [
            b.units.names[int(b.radars.unit[i])] if i >= 0 else None for i in radar
        ]
    return pa.table(cols, schema=AIRSPACE_SCHEMA)


def airspace_summary(table: pa.Table) -> list[dict[str, Any]]:
    """Per airspace: how many aircraft of each side entered it, and one row per aircraft
    that entered (time and distance inside rounded, first detection after entry)."""
    if table.num_rows == 0:
        return []
    rows = table.to_pylist()
    out = []
    for name in dict.fromkeys(r["airspace"] for r in rows):
        mine = [r for r in rows if r["airspace"] == name and r["entries"] > 0]
        out.append({
            "airspace": name,
            "entered": {s: sum(r["side"] == s for r in mine)
                        for s in ("hostile", "friendly", "neutral")},
            "aircraft": [
                {
                    "name": r["name"],
                    "type": r["type"],
                    "side": r["side"],
                    "entries": r["entries"],
                    "first_entry_s": round(r["first_entry_s"], 3),
                    "time_inside_s": round(r["time_inside_s"], 3),
                    "distance_inside_km": round(r["distance_inside_m"] / 1000.0, 3),
                    "first_detection_after_entry": None
                    if r["first_detection_after_entry_s"] is None
                    else {
                        "time_s": round(r["first_detection_after_entry_s"], 3),
                        "delay_s": round(
                            r["first_detection_after_entry_s"] - r["first_entry_s"], 3
                        ),
                        "radar": r["first_detection_radar"],
                        "unit": r["first_detection_unit"],
                    },
                }
                for r in mine
            ],
        })  # fmt: skip
    return out
