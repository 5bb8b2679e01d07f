"""The static and event layers of the CZML replay: defense units, assets and radar
coverage (``entities.parquet``), the event points (``events.parquet``) and the optional
air-picture tracks (``tracks.parquet``). Each function adds its packets to the document
being built by :mod:`iads.report.replay.czml`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
from czml3 import (
    Ellipse,
    Ellipsoid,
    IntervalValue,
    Packet,
    Point,
    Position,
    TimeIntervalCollection,
)
from czml3.enums import InterpolationAlgorithms
from czml3.properties import EllipsoidRadii, Polyline, PositionList

from iads.report.replay.runfiles import column, has_column, strings
from iads.report.replay.style import (
    ASSET_COLOR,
    DENSE,
    EVENT_LABEL_S,
    EVENT_STYLE,
    INTERCEPTOR_END_KINDS,
    RADAR_COLOR,
    REPLAY_EPOCH,
    TRACK_COLOR,
    UNIT_COLOR,
    _color,
    _fmt_t,
    _interval,
    _iso,
    _label,
    _line,
    _props,
    _samples,
    _solid,
    _table_html,
)

if TYPE_CHECKING:
    from iads.report.replay.czml import _Builder

__all__ = ["events", "sites", "tracks"]


# -- sites --------------------------------------------------------------------------
def sites(b: _Builder) -> None:
    """Units and assets as points, radars with their instrumented range as a ring."""
    run = b.run
    if run.entities is None:
        return
    for kind, color, size in (("unit", UNIT_COLOR, 12), ("asset", ASSET_COLOR, 10)):
        t = run.entities_of(kind)
        for i, n, s, la, lo, al in zip(
            column(t, "index"), strings(t, "name"),
            strings(t, "system") if "system" in t.column_names else [None] * t.num_rows,
            column(t, "lat_deg"), column(t, "lon_deg"), column(t, "alt_m"), strict=True,
        ):  # fmt: skip
            if not np.isfinite([la, lo, al]).all():
                continue
            b.lat.append(np.array([la]))
            b.lon.append(np.array([lo]))
            rows = [("kind", "defense unit" if kind == "unit" else "defended asset")]
            if s:
                rows.append(("system", s))
            rows.append(("position", f"{la:.4f}°, {lo:.4f}°, {al:.0f} m"))
            b.add(
                kind,
                Packet(
                    id=f"{kind}/{int(i)}",
                    name=n,
                    description=_table_html(rows),
                    position=Position(cartographicDegrees=[float(lo), float(la), float(al)]),
                    point=Point(pixelSize=size, color=_color(color),
                                outlineColor=_color((0, 0, 0, 255)), outlineWidth=2),  # fmt: skip
                    # Units above their point, assets below: they often share a site.
                    label=_label(n, ASSET_COLOR, offset_px=(10, -10 if kind == "unit"
                                                            else 14)),  # fmt: skip
                    properties=_props(kind, index=int(i), system=s),
                ),
            )
    t = run.entities_of("radar")
    for i, n, u, la, lo, al, r in zip(
        column(t, "index"), strings(t, "name"), strings(t, "unit"), column(t, "lat_deg"),
        column(t, "lon_deg"), column(t, "alt_m"), column(t, "max_range_m"), strict=True,
    ):  # fmt: skip
        if not (np.isfinite([la, lo, al]).all() and np.isfinite(r) and r > 0):
            continue
        b.add(
            "radar",
            Packet(
                id=f"radar/{int(i)}",
                name=f"{n} ({u})",
                description=_table_html(
                    [("kind", "radar"), ("unit", u), ("instrumented range", f"{r / 1e3:.0f} km")]
                ),
                position=Position(cartographicDegrees=[float(lo), float(la), float(al)]),
                ellipse=Ellipse(
                    semiMajorAxis=float(r),
                    semiMinorAxis=float(r),
                    height=0.0,
                    fill=True,
                    material=_solid(RADAR_COLOR, 18),
                    outline=True,
                    outlineColor=_color(RADAR_COLOR, 200),
                    outlineWidth=1.0,
                ),
                properties=_props("radar", index=int(i), unit=u, max_range_m=float(r)),
            ),
        )


# -- events -------------------------------------------------------------------------
def events(b: _Builder) -> None:
    """Every shown event as a point from its time on, labelled for a minute."""
    ev = b.run.events_of(*EVENT_STYLE)
    kinds = strings(ev, "kind")
    det = strings(ev, "details") if has_column(ev, "details") else [None] * ev.num_rows
    for row, (t, k, tid, iid, uid, la, lo, al, d) in enumerate(
        zip(
            column(ev, "time_s"), kinds, column(ev, "threat_id"),
            column(ev, "interceptor_id"), column(ev, "unit_id"), column(ev, "lat_deg"),
            column(ev, "lon_deg"), column(ev, "alt_m"), det, strict=True,
        )
    ):  # fmt: skip
        if not np.isfinite([t, la, lo, al]).all():
            continue
        label, color = EVENT_STYLE[k]
        who = b.thing(tid) if tid >= 0 else ""
        if k == "launch":
            text = f"{label} #{iid} → {who or 'track'}"
        elif k in INTERCEPTOR_END_KINDS:
            text = f"{label} #{iid}" + (f": {who}" if who else "")
        else:
            text = f"{label}: {who}"
        details = json.loads(d) if d else {}
        rows = [("event", label), ("time", _fmt_t(t))]
        if tid >= 0:
            rows.append(("threat", who))
        if iid >= 0:
            rows.append(("interceptor", f"#{iid}"))
        if uid >= 0:
            rows.append(("unit", b.unit_names.get(int(uid), f"unit {uid}")))
        rows += [(str(a), b) for a, b in sorted(details.items())]
        ref = f"threat/{int(tid)}" if tid >= 0 else (
            f"interceptor/{int(iid)}" if iid >= 0 else None)  # fmt: skip
        b.add(
            "event",
            Packet(
                id=f"event/{row}",
                name=text,
                availability=_interval(
                    t, min(t + DENSE.event_s, b.duration_s) if b.dense else b.duration_s),
                description=_table_html(rows),
                position=Position(cartographicDegrees=[float(lo), float(la), float(al)]),
                point=Point(pixelSize=DENSE.point_px if b.dense else 7, color=_color(color),
                            outlineColor=_color((0, 0, 0, 255)), outlineWidth=1),  # fmt: skip
                label=_label(
                    text,
                    color,
                    # a large raid's labels would cover each other: the event list has them
                    show=False if b.dense else TimeIntervalCollection(
                        values=[
                            IntervalValue(start=_iso(t), end=_iso(t + EVENT_LABEL_S),
                                          value=True),
                            IntervalValue(start=_iso(t + EVENT_LABEL_S),
                                          end=_iso(max(b.duration_s, t + EVENT_LABEL_S)
                                                   + 1), value=False),
                        ]
                    ),
                ),  # fmt: skip
                properties=_props("event", kind=k, label=label, time_s=round(float(t), 3),
                                  text=text, entity=ref),  # fmt: skip
            ),
        )


# -- tracks -------------------------------------------------------------------------
def tracks(b: _Builder) -> None:
    """Air-picture tracks (``tracks.parquet``), when the run has them."""
    tr = b.run.tracks
    if tr is None or tr.num_rows == 0:
        return
    f = "tracks.parquet"
    t = column(tr, "time_s", f)
    tid = column(tr, "track_id", f)
    pic = column(tr, "unit_id", f) if has_column(tr, "unit_id") else np.zeros(t.size, int)
    lat, lon, alt = column(tr, "lat_deg", f), column(tr, "lon_deg", f), column(tr, "alt_m", f)
    sig = column(tr, "sigma_m", f) if has_column(tr, "sigma_m") else np.full(t.size, np.nan)
    order = np.lexsort((t, tid, pic))
    key = np.stack([pic[order], tid[order]], axis=1)
    starts = np.flatnonzero(np.r_[True, np.any(key[1:] != key[:-1], axis=1)])
    ends = np.r_[starts[1:], order.size]
    if starts.size > DENSE.track_packets:  # the longest-recorded tracks, in their order
        keep = np.sort(np.argsort(starts - ends, kind="stable")[: DENSE.track_packets])
        starts, ends = starts[keep], ends[keep]
    step = max(1, -(-int((ends - starts).sum()) // DENSE.track_samples))  # every k-th
    for i0, i1 in zip(starts, ends, strict=True):
        rows = order[i0:i1]
        rows = rows[np.isfinite(lat[rows]) & np.isfinite(lon[rows]) & np.isfinite(alt[rows])]
        if step > 1 and rows.size > 2:
            rows = rows[np.unique(np.r_[np.arange(0, rows.size, step), rows.size - 1])]
        if rows.size == 0:
            continue
        u, k = int(pic[rows[0]]), int(tid[rows[0]])
        ts = t[rows]
        pos = _samples((ts, lon[rows], lat[rows], alt[rows]), (2, 6, 6, 1))
        s = np.nan_to_num(sig[rows], nan=0.0)
        radii = np.round(np.column_stack([ts, s, s, s]), 1).ravel().tolist()
        pk = Packet(
            id=f"track/{u}/{k}",
            name=f"track {k} ({b.unit_names.get(u, f'unit {u}')})",
            availability=_interval(ts[0], ts[-1]),
            description=_table_html(
                [("kind", "air-picture track"), ("picture of", b.unit_names.get(u, u)),
                 ("track id", k), ("first", _fmt_t(ts[0])), ("last", _fmt_t(ts[-1]))]
            ),  # fmt: skip
            position=Position(
                epoch=REPLAY_EPOCH,
                cartographicDegrees=pos,
                interpolationAlgorithm=InterpolationAlgorithms.LAGRANGE,
                interpolationDegree=1,
            ),
            point=Point(pixelSize=4, color=_color(TRACK_COLOR)),
            ellipsoid=Ellipsoid(
                radii=EllipsoidRadii(epoch=REPLAY_EPOCH, cartesian=radii),
                material=_solid(TRACK_COLOR, 60),
                outline=False,
            )
            if np.any(s > 0)
            else None,
            properties=_props("track", unit_id=u, track_id=k),
        )
        b.add("track", pk)


# -- airspaces -----------------------------------------------------------------------
#: Outline colour of the airspaces (the engagement map's first airspace colour).
AIRSPACE_COLOR = (220, 20, 60, 255)


def airspaces(b: _Builder) -> None:
    """The scenario's airspaces (``airspaces.geojson`` of the run directory, written when
    the scenario has any) as outlines clamped to the ground, one packet per ring."""
    path = b.run.root / "airspaces.geojson"
    if not path.is_file():
        return
    doc = json.loads(path.read_text(encoding="utf-8"))
    for k, feat in enumerate(doc.get("features", [])):
        name = str(feat.get("properties", {}).get("name", f"airspace {k}"))
        geom = feat.get("geometry") or {}
        polys = geom.get("coordinates", [])
        polys = [polys] if geom.get("type") == "Polygon" else polys
        for j, poly in enumerate(polys):
            ring = np.asarray(poly[0], float)[:, :2]
            flat = np.column_stack([ring, np.zeros(len(ring))]).ravel().tolist()
            b.add(
                "airspace",
                Packet(
                    id=f"airspace/{k}/{j}",
                    name=name,
                    description=_table_html([("kind", "airspace"), ("name", name)]),
                    polyline=Polyline(
                        positions=PositionList(cartographicDegrees=flat),
                        clampToGround=True,
                        width=2.0,
                        material=_line(AIRSPACE_COLOR),
                    ),
                    properties=_props("airspace", name=name),
                ),
            )
