"""The CZML replay of a run (``replay.czml``), written from the run directory's tables
with the ``czml3`` library, whose models validate every packet.

What the document holds (packet ids in brackets):

- threats and friendly aircraft [``threat/<threat_id>``]: time-tagged positions from
  ``truth.parquet`` (Cesium interpolates linearly between samples), available from the
  first to the last sample; the point is coloured by type, its outline and trail by
  outcome (killed, leaked, survived, friendly);
- interceptors [``interceptor/<interceptor_id>``]: the first-order flyout of
  ``iads.weapons.flyout`` reconstructed from the event log: a straight line at constant
  speed from the launching unit (``launch`` event) to the point where the engagement
  ended (``intercept``, ``miss`` or ``wasted_on_false_track`` event); coloured by outcome;
  one still in flight when the run ends is shown at its launcher only (the aim point is
  not in the tables);
- defense units [``unit/<unit_id>``], defended assets [``asset/<index>``] and radars
  [``radar/<radar_id>``] with their instrumented range as a ring on the ground, from
  ``entities.parquet``;
- events [``event/<row>``]: threat launches, interceptor launches, intercepts, misses,
  wasted shots, leaks and impacts as points from their time to the end of the run, with
  a label for the first minute;
- air-picture tracks [``track/<picture>/<track_id>``], when the run directory has
  ``tracks.parquet``: estimated position and a sphere of radius one position sigma;
- ``iads/meta``: the epoch, duration, framing rectangle and legend, for the page.

The scenario's time 0 is placed at :data:`REPLAY_EPOCH` (runs have no calendar date);
the replay page shows times as T+ seconds.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from czml3 import (
    Clock,
    Color,
    Document,
    Ellipse,
    Ellipsoid,
    IntervalValue,
    Label,
    Material,
    Packet,
    Path as CzPath,
    Point,
    PolylineMaterial,
    Position,
    SolidColorMaterial,
    TimeInterval,
    TimeIntervalCollection,
)
from czml3.enums import ClockRanges, ClockSteps, InterpolationAlgorithms, LabelStyles
from czml3.properties import EllipsoidRadii

from iads.errors import InputError
from iads.geo import geodetic_to_ecef
from iads.report.replay.runfiles import RunFiles, column, has_column, load_run, strings

__all__ = [
    "EVENT_STYLE",
    "OUTCOME_COLORS",
    "REPLAY_EPOCH",
    "build_document",
    "write_czml",
]

#: Calendar time of the scenario's t = 0 in the replay (a run has no date of its own).
REPLAY_EPOCH = dt.datetime(2000, 1, 1, 0, 0, 0, tzinfo=dt.UTC)

RGBA = tuple[int, int, int, int]

#: Colour of a threat's outline and trail by outcome (summary.json ``threats[].outcome``).
OUTCOME_COLORS: dict[str, RGBA] = {
    "killed": (90, 220, 110, 255),
    "leaked": (255, 60, 50, 255),
    "survived": (255, 200, 40, 255),
    "not launched": (150, 150, 150, 255),
    "friendly": (70, 150, 255, 255),
}

#: Colour of an interceptor by how its flight ended.
INTERCEPTOR_COLORS: dict[str, RGBA] = {
    "intercept": (0, 235, 255, 255),
    "miss": (200, 200, 200, 255),
    "wasted_on_false_track": (200, 90, 255, 255),
    "in flight": (255, 255, 255, 255),
}

#: Event kinds shown as points: label and colour.
EVENT_STYLE: dict[str, tuple[str, RGBA]] = {
    "threat_launch": ("threat launch", (255, 140, 0, 255)),
    "launch": ("interceptor launch", (0, 170, 255, 255)),
    "intercept": ("intercept", (90, 255, 110, 255)),
    "miss": ("miss", (200, 200, 200, 255)),
    "wasted_on_false_track": ("wasted shot", (200, 90, 255, 255)),
    "leak": ("leak", (255, 60, 50, 255)),
    "impact": ("impact", (255, 0, 0, 255)),
}

#: Kinds that end an interceptor's flight.
INTERCEPTOR_END_KINDS = ("intercept", "miss", "wasted_on_false_track")

#: Colours of threat types, assigned in order of first appearance.
TYPE_PALETTE: tuple[RGBA, ...] = (
    (255, 120, 40, 255),
    (230, 60, 200, 255),
    (255, 230, 80, 255),
    (255, 90, 90, 255),
    (160, 110, 255, 255),
    (255, 170, 170, 255),
    (200, 255, 120, 255),
    (255, 150, 230, 255),
)
UNIT_COLOR: RGBA = (40, 130, 255, 255)
RADAR_COLOR: RGBA = (60, 170, 255, 255)
ASSET_COLOR: RGBA = (255, 255, 255, 255)
TRACK_COLOR: RGBA = (255, 255, 0, 255)

EVENT_LABEL_S = 60.0  # an event's label is shown for this long after it [s]


def _iso(t_s: float) -> dt.datetime:
    return REPLAY_EPOCH + dt.timedelta(seconds=float(t_s))


def _interval(t0_s: float, t1_s: float) -> TimeInterval:
    return TimeInterval(start=_iso(t0_s), end=_iso(max(t1_s, t0_s)))


def _color(rgba: RGBA, alpha: int | None = None) -> Color:
    r, g, b, a = rgba
    return Color(rgba=[r, g, b, a if alpha is None else alpha])


def _solid(rgba: RGBA, alpha: int | None = None) -> Material:
    return Material(solidColor=SolidColorMaterial(color=_color(rgba, alpha)))


def _line(rgba: RGBA) -> PolylineMaterial:
    return PolylineMaterial(solidColor=SolidColorMaterial(color=_color(rgba)))


def _fmt_t(t_s: float) -> str:
    m, s = divmod(float(t_s), 60.0)
    return f"T+{int(m):d}:{s:04.1f}"


def _samples(cols: tuple[np.ndarray, ...], decimals: tuple[int, ...]) -> list[float]:
    """Interleave columns into CZML's flat sample list [t, a, b, c, t, ...], rounded."""
    return (
        np.column_stack([np.round(c, d) for c, d in zip(cols, decimals, strict=True)])
        .ravel()
        .tolist()
    )


def _props(iads_kind: str, **info: Any) -> dict[str, str]:
    """Custom properties of a packet: plain strings only (Cesium reads arrays and objects
    in ``properties`` as interval data)."""
    return {"iads_kind": iads_kind, "iads_info": json.dumps(info, ensure_ascii=False)}


def _table_html(rows: Iterable[tuple[str, Any]]) -> str:
    cells = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows
    )
    return f'<table class="cesium-infoBox-defaultTable"><tbody>{cells}</tbody></table>'


def _label(
    text: str,
    rgba: RGBA,
    show: TimeIntervalCollection | bool = True,
    offset_px: tuple[int, int] = (10, -10),
) -> Label:
    return Label(
        text=text,
        font="12px sans-serif",
        fillColor=_color(rgba),
        outlineColor=_color((0, 0, 0, 255)),
        outlineWidth=2.0,
        style=LabelStyles.FILL_AND_OUTLINE,
        pixelOffset={"cartesian2": list(offset_px)},
        show=show,
    )


class _Builder:
    """Collects the packets of one run's document."""

    def __init__(self, run: RunFiles) -> None:
        if run.truth is None:
            raise InputError(
                f"{run.root}: no truth.parquet: the replay needs the threats' trajectories "
                "(run 'iads run' with --truth-rate > 0)"
            )
        self.run = run
        self.duration_s = run.duration_s
        self.packets: list[Packet] = []
        self.type_colors: dict[str, RGBA] = {}
        self.lat: list[np.ndarray] = []
        self.lon: list[np.ndarray] = []
        self.counts: dict[str, int] = {}
        ent = run.entities
        self.threat_names: dict[int, str] = {}
        self.friendly: set[str] = set()
        if ent is not None:
            th = run.entities_of("threat")
            for i, n, f in zip(column(th, "index"), strings(th, "name"),
                               th.column("friendly").to_pylist(), strict=True):  # fmt: skip
                self.threat_names[int(i)] = n
                if f:
                    self.friendly.add(n)
        for t in run.summary.get("threats", []):
            self.threat_names.setdefault(int(t["id"]), t["name"])
        self.summary_threat = {t["name"]: t for t in run.summary.get("threats", [])}
        self.unit_names = {int(i): n for i, n in zip(
            column(run.entities_of("unit"), "index"), strings(run.entities_of("unit"), "name"),
            strict=True)} if ent is not None else {}  # fmt: skip
        for u in run.summary.get("units", []):
            self.unit_names.setdefault(len(self.unit_names), u.get("name", "?"))

    # -- helpers ------------------------------------------------------------------------
    def add(self, kind: str, packet: Packet) -> None:
        self.packets.append(packet)
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def type_color(self, key: str) -> RGBA:
        if key not in self.type_colors:
            self.type_colors[key] = TYPE_PALETTE[len(self.type_colors) % len(TYPE_PALETTE)]
        return self.type_colors[key]

    def thing(self, tid: int) -> str:
        return self.threat_names.get(int(tid), f"threat {tid}") if tid >= 0 else "no threat"

    # -- threats ------------------------------------------------------------------------
    def threats(self) -> None:
        tr = self.run.truth
        assert tr is not None
        t = column(tr, "time_s", "truth.parquet")
        names = strings(tr, "name", "truth.parquet")
        types = strings(tr, "type", "truth.parquet") if has_column(tr, "type") else [None] * len(t)
        lat = column(tr, "lat_deg", "truth.parquet")
        lon = column(tr, "lon_deg", "truth.parquet")
        alt = column(tr, "alt_m", "truth.parquet")
        by_name = {n: i for i, n in self.threat_names.items()}
        name_arr = np.asarray(names, dtype=object)
        order = np.lexsort((t, name_arr.astype(str)))
        ends = self._threat_ends()
        launches = self._fired_at()
        uniq, first = np.unique(name_arr[order].astype(str), return_index=True)
        bounds = list(first) + [order.size]
        for k, name in enumerate(uniq):
            rows = order[bounds[k] : bounds[k + 1]]
            rows = rows[np.isfinite(lat[rows]) & np.isfinite(lon[rows]) & np.isfinite(alt[rows])]
            if rows.size == 0:
                continue
            tid = by_name.get(name, -1)
            ts, la, lo, al = t[rows], lat[rows], lon[rows], alt[rows]
            end = ends.get(tid)
            if end is not None and end[0] > ts[-1] + 1e-6 and end[4] == "leak":
                # The truth samples stop before the exact leak time: end on it.
                ts, la, lo, al = (np.append(ts, end[0]), np.append(la, end[1]),
                                  np.append(lo, end[2]), np.append(al, end[3]))  # fmt: skip
            self.lat.append(la)
            self.lon.append(lo)
            ttype = types[rows[0]] or "?"
            info = self.summary_threat.get(name, {})
            friendly = name in self.friendly or (not info and bool(self.summary_threat))
            outcome = "friendly" if friendly else info.get("outcome", "survived")
            if friendly and end is not None and end[4] == "intercept":
                outcome = "friendly"  # lost to fratricide: told by the description
            fired = launches.get(tid, [])
            fd = info.get("first_detection")
            rows_html = [
                ("type", ttype),
                ("side", "friendly" if friendly else "hostile"),
                ("outcome", outcome if not friendly else ("lost" if end and end[4] ==
                                                          "intercept" else "flying / landed")),
                ("target", info.get("target") or "-"),
                ("launched", _fmt_t(ts[0])),
                (
                    "first detection",
                    f"{_fmt_t(fd['time_s'])} by {fd.get('radar', '?')} "
                    f"({fd.get('unit', '?')}) at {fd.get('range_km', float('nan')):.1f} km"
                    if fd
                    else "never detected",
                ),
                ("interceptors fired at it", len(fired)),
            ] + [
                (f"  interceptor {f['interceptor_id']}",
                 f"{f['missile']} from {f['unit']} at {_fmt_t(f['time_s'])}: {f['result']}")
                for f in fired
            ]  # fmt: skip
            samples = _samples((ts, lo, la, al), (2, 6, 6, 1))
            tc = self.type_color(ttype)
            oc = OUTCOME_COLORS.get(outcome, OUTCOME_COLORS["survived"])
            self.add(
                "threat",
                Packet(
                    id=f"threat/{tid if tid >= 0 else name}",
                    name=name,
                    availability=_interval(ts[0], ts[-1]),
                    description=_table_html(rows_html),
                    position=Position(
                        epoch=REPLAY_EPOCH,
                        cartographicDegrees=samples,
                        interpolationAlgorithm=InterpolationAlgorithms.LAGRANGE,
                        interpolationDegree=1,
                    ),
                    point=Point(pixelSize=9, color=_color(tc), outlineColor=_color(oc),
                                outlineWidth=2),  # fmt: skip
                    path=CzPath(
                        leadTime=0,
                        trailTime=self.duration_s,
                        width=2,
                        resolution=5,
                        material=_line(oc),
                    ),
                    label=_label(name, tc, show=False),
                    properties=_props(
                        "threat",
                        threat_id=int(tid),
                        type=ttype,
                        outcome=outcome,
                        friendly=friendly,
                        first_detection=fd,
                        interceptors=[f["interceptor_id"] for f in fired],
                    ),
                ),
            )

    def _threat_ends(self) -> dict[int, tuple[float, float, float, float, str]]:
        ev = self.run.events_of("intercept", "leak")
        out: dict[int, tuple[float, float, float, float, str]] = {}
        for t, tid, la, lo, al, k in zip(
            column(ev, "time_s"), column(ev, "threat_id"), column(ev, "lat_deg"),
            column(ev, "lon_deg"), column(ev, "alt_m"), strings(ev, "kind"), strict=True,
        ):  # fmt: skip
            if tid >= 0 and int(tid) not in out:
                out[int(tid)] = (float(t), float(la), float(lo), float(al), str(k))
        return out

    def _interceptor_ends(self) -> dict[int, tuple[float, float, float, float, str, int]]:
        ev = self.run.events_of(*INTERCEPTOR_END_KINDS)
        out: dict[int, tuple[float, float, float, float, str, int]] = {}
        for t, iid, la, lo, al, k, tid in zip(
            column(ev, "time_s"), column(ev, "interceptor_id"), column(ev, "lat_deg"),
            column(ev, "lon_deg"), column(ev, "alt_m"), strings(ev, "kind"),
            column(ev, "threat_id"), strict=True,
        ):  # fmt: skip
            if iid >= 0 and int(iid) not in out:
                out[int(iid)] = (float(t), float(la), float(lo), float(al), str(k), int(tid))
        return out

    def _launches(self) -> list[dict[str, Any]]:
        ev = self.run.events_of("launch")
        det = strings(ev, "details") if has_column(ev, "details") else [None] * ev.num_rows
        out = []
        for t, iid, tid, uid, la, lo, al, d in zip(
            column(ev, "time_s"), column(ev, "interceptor_id"), column(ev, "threat_id"),
            column(ev, "unit_id"), column(ev, "lat_deg"), column(ev, "lon_deg"),
            column(ev, "alt_m"), det, strict=True,
        ):  # fmt: skip
            details = json.loads(d) if d else {}
            out.append(
                {
                    "time_s": float(t),
                    "interceptor_id": int(iid),
                    "threat_id": int(tid),
                    "unit_id": int(uid),
                    "unit": self.unit_names.get(int(uid), f"unit {uid}"),
                    "missile": details.get("missile", "?"),
                    "lla": (float(la), float(lo), float(al)),
                }
            )
        return out

    def _fired_at(self) -> dict[int, list[dict[str, Any]]]:
        ends = self._interceptor_ends()
        out: dict[int, list[dict[str, Any]]] = {}
        for f in self._launches():
            e = ends.get(f["interceptor_id"])
            res = "in flight at the end" if e is None else e[4].replace("_", " ")
            out.setdefault(f["threat_id"], []).append({**f, "result": res})
        return out

    # -- interceptors -------------------------------------------------------------------
    def interceptors(self) -> None:
        ends = self._interceptor_ends()
        for f in self._launches():
            iid = f["interceptor_id"]
            la0, lo0, al0 = f["lla"]
            e = ends.get(iid)
            if e is None:
                t1, la1, lo1, al1, result = self.duration_s, la0, lo0, al0, "in flight"
            else:
                t1, la1, lo1, al1, result = e[0], e[1], e[2], e[3], e[4]
            if not np.all(np.isfinite([la0, lo0, al0, la1, lo1, al1])):
                continue
            # Straight line at constant speed (the first-order flyout): linear in ECEF.
            x, y, z = geodetic_to_ecef(np.array([la0, la1]), np.array([lo0, lo1]),
                                       np.array([al0, al1]))  # fmt: skip
            t0 = f["time_s"]
            samples = [t0, x[0], y[0], z[0], max(t1, t0 + 1e-3), x[1], y[1], z[1]]
            samples = [round(float(v), 3) for v in samples]
            c = INTERCEPTOR_COLORS.get(result, INTERCEPTOR_COLORS["miss"])
            target = self.thing(e[5] if e is not None and e[5] >= 0 else f["threat_id"])
            self.lat.append(np.array([la0, la1]))
            self.lon.append(np.array([lo0, lo1]))
            self.add(
                "interceptor",
                Packet(
                    id=f"interceptor/{iid}",
                    name=f"{f['missile']} #{iid}",
                    availability=_interval(t0, t1),
                    description=_table_html(
                        [
                            ("missile", f["missile"]),
                            ("fired by", f["unit"]),
                            ("launched", _fmt_t(t0)),
                            ("aimed at", self.thing(f["threat_id"])),
                            ("result", result.replace("_", " ")),
                            ("ended", _fmt_t(t1) if e is not None else "-"),
                            ("threat at the end", target if e is not None else "-"),
                            ("flyout", "straight line at constant speed (first-order model)"),
                        ]
                    ),
                    position=Position(
                        epoch=REPLAY_EPOCH,
                        cartesian=samples,
                        interpolationAlgorithm=InterpolationAlgorithms.LAGRANGE,
                        interpolationDegree=1,
                    ),
                    point=Point(pixelSize=5, color=_color(c)),
                    path=CzPath(leadTime=0, trailTime=self.duration_s, width=1.5,
                                material=_line(c)),  # fmt: skip
                    properties=_props(
                        "interceptor",
                        interceptor_id=iid,
                        threat_id=f["threat_id"],
                        unit=f["unit"],
                        missile=f["missile"],
                        result=result,
                    ),
                ),
            )

    # -- sites --------------------------------------------------------------------------
    def sites(self) -> None:
        run = self.run
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
                self.lat.append(np.array([la]))
                self.lon.append(np.array([lo]))
                rows = [("kind", "defense unit" if kind == "unit" else "defended asset")]
                if s:
                    rows.append(("system", s))
                rows.append(("position", f"{la:.4f}°, {lo:.4f}°, {al:.0f} m"))
                self.add(
                    kind,
                    Packet(
                        id=f"{kind}/{int(i)}",
                        name=n,
                        description=_table_html(rows),
                        position=Position(cartographicDegrees=[float(lo), float(la), float(al)]),
                        point=Point(pixelSize=size, color=_color(color),
                                    outlineColor=_color((0, 0, 0, 255)), outlineWidth=2),  # fmt: skip
                        # Units above their point, assets below: they often share a site.
                        label=_label(n, color, offset_px=(10, -10 if kind == "unit" else 14)),
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
            self.add(
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
    def events(self) -> None:
        ev = self.run.events_of(*EVENT_STYLE)
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
            who = self.thing(tid) if tid >= 0 else ""
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
                rows.append(("unit", self.unit_names.get(int(uid), f"unit {uid}")))
            rows += [(str(a), b) for a, b in sorted(details.items())]
            ref = f"threat/{int(tid)}" if tid >= 0 else (
                f"interceptor/{int(iid)}" if iid >= 0 else None)  # fmt: skip
            self.add(
                "event",
                Packet(
                    id=f"event/{row}",
                    name=text,
                    availability=_interval(t, self.duration_s),
                    description=_table_html(rows),
                    position=Position(cartographicDegrees=[float(lo), float(la), float(al)]),
                    point=Point(pixelSize=7, color=_color(color),
                                outlineColor=_color((0, 0, 0, 255)), outlineWidth=1),  # fmt: skip
                    label=_label(
                        text,
                        color,
                        show=TimeIntervalCollection(
                            values=[
                                IntervalValue(start=_iso(t), end=_iso(t + EVENT_LABEL_S),
                                              value=True),
                                IntervalValue(start=_iso(t + EVENT_LABEL_S),
                                              end=_iso(max(self.duration_s, t + EVENT_LABEL_S)
                                                       + 1), value=False),
                            ]
                        ),
                    ),  # fmt: skip
                    properties=_props("event", kind=k, label=label, time_s=round(float(t), 3),
                                      text=text, entity=ref),  # fmt: skip
                ),
            )

    # -- tracks -------------------------------------------------------------------------
    def tracks(self) -> None:
        tr = self.run.tracks
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
        for a, b in zip(starts, np.r_[starts[1:], order.size], strict=True):
            rows = order[a:b]
            rows = rows[np.isfinite(lat[rows]) & np.isfinite(lon[rows]) & np.isfinite(alt[rows])]
            if rows.size == 0:
                continue
            u, k = int(pic[rows[0]]), int(tid[rows[0]])
            ts = t[rows]
            pos = _samples((ts, lon[rows], lat[rows], alt[rows]), (2, 6, 6, 1))
            s = np.nan_to_num(sig[rows], nan=0.0)
            radii = np.round(np.column_stack([ts, s, s, s]), 1).ravel().tolist()
            pk = Packet(
                id=f"track/{u}/{k}",
                name=f"track {k} ({self.unit_names.get(u, f'unit {u}')})",
                availability=_interval(ts[0], ts[-1]),
                description=_table_html(
                    [("kind", "air-picture track"), ("picture of", self.unit_names.get(u, u)),
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
            self.add("track", pk)

    # -- document -----------------------------------------------------------------------
    def meta(self) -> Packet:
        lat = np.concatenate(self.lat) if self.lat else np.array([0.0])
        lon = np.concatenate(self.lon) if self.lon else np.array([0.0])
        s, n = float(np.min(lat)), float(np.max(lat))
        w, e = float(np.min(lon)), float(np.max(lon))
        pad_lat, pad_lon = max(0.1 * (n - s), 0.2), max(0.1 * (e - w), 0.2)
        bbox = [w - pad_lon, max(s - pad_lat, -89.0), e + pad_lon, min(n + pad_lat, 89.0)]
        legend = {
            "types": {k: list(v) for k, v in self.type_colors.items()},
            "outcomes": {k: list(v) for k, v in OUTCOME_COLORS.items()},
            "interceptors": {k.replace("_", " "): list(v) for k, v in INTERCEPTOR_COLORS.items()},
            "events": {v[0]: list(v[1]) for v in EVENT_STYLE.values()},
            "sites": {"defense unit": list(UNIT_COLOR), "radar range": list(RADAR_COLOR),
                      "defended asset": list(ASSET_COLOR), "track": list(TRACK_COLOR)},
        }  # fmt: skip
        return Packet(
            id="iads/meta",
            name="iads replay",
            properties=_props(
                "meta",
                scenario=self.run.summary.get("scenario", "run"),
                seed=self.run.summary.get("seed"),
                epoch=REPLAY_EPOCH.isoformat().replace("+00:00", "Z"),
                duration_s=self.duration_s,
                bbox_deg=[round(v, 4) for v in bbox],
                legend=legend,
                counts=dict(self.counts),
                tracks=self.run.tracks is not None,
            ),
        )

    def document(self) -> Document:
        self.sites()
        self.threats()
        self.interceptors()
        self.events()
        self.tracks()
        meta = self.meta()
        preamble = Packet(
            id="document",
            name=str(self.run.summary.get("scenario", "iads run")),
            version="1.0",
            clock=Clock(
                interval=_interval(0.0, self.duration_s),
                currentTime=REPLAY_EPOCH,
                multiplier=10,
                range=ClockRanges.LOOP_STOP,
                step=ClockSteps.SYSTEM_CLOCK_MULTIPLIER,
            ),
        )
        return Document(packets=[preamble, meta, *self.packets])


def build_document(run: RunFiles | str | Path) -> Document:
    """The replay of a run (a :class:`RunFiles` or a run directory) as a czml3 Document."""
    if not isinstance(run, RunFiles):
        run = load_run(run)
    return _Builder(run).document()


def write_czml(run_dir: str | Path, out: str | Path | None = None) -> Path:
    """Write the replay of the run in ``run_dir`` to ``out`` (default
    ``run_dir/replay.czml``); the text is validated by czml3 before it is written."""
    run = load_run(run_dir)
    doc = build_document(run)
    text = doc.dumps()
    Document.model_validate_json(text)  # the written text reads back as valid CZML
    path = Path(out) if out is not None else run.root / "replay.czml"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
