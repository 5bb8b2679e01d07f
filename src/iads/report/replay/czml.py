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
- airspaces [``airspace/<k>/<ring>``], when the run directory has ``airspaces.geojson``:
  each polygon's outline clamped to the ground;
- ``iads/meta``: the epoch, duration, framing rectangle and legend, for the page.

The scenario's time 0 is placed at :data:`REPLAY_EPOCH` (runs have no calendar date);
the replay page shows times as T+ seconds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from czml3 import (
    Clock,
    Document,
    Packet,
    Point,
    Position,
)
from czml3 import (
    Path as CzPath,
)
from czml3.enums import ClockRanges, ClockSteps, InterpolationAlgorithms

from iads.errors import InputError
from iads.geo import geodetic_to_ecef
from iads.report.replay.runfiles import RunFiles, column, has_column, load_run, strings
from iads.report.replay.style import (
    ASSET_COLOR,
    DENSE,
    EVENT_STYLE,
    INTERCEPTOR_COLORS,
    INTERCEPTOR_END_KINDS,
    OUTCOME_COLORS,
    RADAR_COLOR,
    REPLAY_EPOCH,
    RGBA,
    TRACK_COLOR,
    TYPE_PALETTE,
    UNIT_COLOR,
    _color,
    _fmt_t,
    _interval,
    _label,
    _line,
    _props,
    _samples,
    _table_html,
)

__all__ = [
    "EVENT_STYLE",
    "OUTCOME_COLORS",
    "REPLAY_EPOCH",
    "build_document",
    "write_czml",
]

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
        self.neutral: set[str] = set()
        if ent is not None:
            th = run.entities_of("threat")
            neutral = (th.column("neutral").to_pylist() if "neutral" in th.column_names
                       else [False] * th.num_rows)  # fmt: skip
            for i, n, f, ne in zip(column(th, "index"), strings(th, "name"),
                                   th.column("friendly").to_pylist(), neutral,
                                   strict=True):  # fmt: skip
                self.threat_names[int(i)] = n
                if f or ne:
                    self.friendly.add(n)  # not hostile: drawn as a friend
                if ne:
                    self.neutral.add(n)
        for t in run.summary.get("threats", []):
            self.threat_names.setdefault(int(t["threat_id"]), t["name"])
        self.summary_threat = {t["name"]: t for t in run.summary.get("threats", [])}
        self.unit_names = {int(i): n for i, n in zip(
            column(run.entities_of("unit"), "index"), strings(run.entities_of("unit"), "name"),
            strict=True)} if ent is not None else {}  # fmt: skip
        for u in run.summary.get("units", []):
            self.unit_names.setdefault(len(self.unit_names), u.get("name", "?"))
        #: a large raid, drawn lighter (``style.DENSE``)
        self.dense = len(self.threat_names) > DENSE.threats

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
                ("side", "neutral" if name in self.neutral
                 else "friendly" if friendly else "hostile"),
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
                    point=Point(pixelSize=DENSE.point_px if self.dense else 9,
                                color=_color(tc), outlineColor=_color(oc),
                                outlineWidth=1 if self.dense else 2),  # fmt: skip
                    path=CzPath(
                        leadTime=0,
                        trailTime=DENSE.trail_s if self.dense else self.duration_s,
                        width=1 if self.dense else 2,
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
                    path=CzPath(leadTime=0, width=1 if self.dense else 1.5,
                                trailTime=DENSE.interceptor_trail_s if self.dense
                                else self.duration_s, material=_line(c)),  # fmt: skip
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

    # -- document -----------------------------------------------------------------------
    def meta(self) -> Packet:
        lat = np.concatenate(self.lat) if self.lat else np.array([0.0])
        lon = np.concatenate(self.lon) if self.lon else np.array([0.0])
        s, n = float(np.min(lat)), float(np.max(lat))
        w, e = float(np.min(lon)), float(np.max(lon))
        # A margin of a quarter of the extent (at least 1°): the coasts and cities
        # around the engagement give the picture its bearings.
        pad_lat, pad_lon = max(0.25 * (n - s), 1.0), max(0.25 * (e - w), 1.0)
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
        from iads.report.replay import layers

        layers.sites(self)
        layers.airspaces(self)
        self.threats()
        self.interceptors()
        layers.events(self)
        layers.tracks(self)
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
