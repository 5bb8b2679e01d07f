"""The result of one run: the event log, the truth, and the summary derived from them.

Every number of the summary is computed from the event log (and the scenario's initial
state), never counted separately during the run. The fate of each entity has one
definition (:data:`OUTCOMES`), used alike by the totals, the per-type counts, the
per-threat rows and the map.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from iads.sensors.exposure import FirstDetections, first_detections
from iads.state import Built
from iads.state.events import of_kind
from iads.threats import Truth

__all__ = ["OUTCOMES", "Fates", "Result"]

#: The fate of an entity at the end of a run, exactly one each:
#: ``killed`` (an interceptor killed it), ``leaked`` (it reached the end of its route
#: alive with a target asset: a ``leak`` event, then an ``impact``), ``survived`` (it
#: reached the end of a route of waypoints only, no target: a ``route_end`` event),
#: ``flying`` (launched, still in the air when the run ended), ``not launched`` (its
#: launch time lies after the end of the run).
OUTCOMES = ("killed", "leaked", "survived", "flying", "not launched")

_COUNTED = ("detected", "engaged", "killed", "leaked", "survived", "flying")


@dataclass(frozen=True)
class Fates:
    """Per entity (threats and friendly aircraft, shape (n,)), what the event log says
    happened to it."""

    launched: NDArray[np.bool_]
    detected: NDArray[np.bool_]
    engaged: NDArray[np.bool_]
    killed: NDArray[np.bool_]
    leaked: NDArray[np.bool_]
    survived: NDArray[np.bool_]
    hostile: NDArray[np.bool_]  # False for the friendly and neutral aircraft
    neutral: NDArray[np.bool_] | None = None  # True for the neutral aircraft (None: none)

    def __post_init__(self) -> None:
        if self.neutral is None:
            object.__setattr__(self, "neutral", np.zeros_like(self.hostile))

    @property
    def flying(self) -> NDArray[np.bool_]:
        return self.launched & ~self.killed & ~self.leaked & ~self.survived

    def outcome(self) -> list[str]:
        """One of :data:`OUTCOMES` per entity."""
        code = np.select(
            [self.killed, self.leaked, self.survived, self.launched],
            [0, 1, 2, 3],
            default=4,
        )
        return [OUTCOMES[c] for c in code]

    def counts(self, sel: NDArray[np.bool_]) -> dict[str, int]:
        """How many of the entities ``sel`` were detected, engaged, killed, leaked,
        survived and are still flying."""
        return {k: int((getattr(self, k) & sel).sum()) for k in _COUNTED}


def _names_of(ids: NDArray[np.integer], names: Sequence[str]) -> pa.DictionaryArray:
    """Dictionary-encoded names of ``ids`` (null where the id is -1: none)."""
    ids = np.asarray(ids, np.int64)
    valid = (ids >= 0) & (ids < len(names))
    return pa.DictionaryArray.from_arrays(
        pa.array(np.where(valid, ids, 0).astype(np.int32), mask=~valid),
        pa.array(list(names) or [""], pa.string()),
    )


@dataclass
class Result:
    """One replication: ``events`` (pyarrow table, :data:`iads.state.events.EVENT_SCHEMA`),
    ``truth`` (the threats' sampled trajectories) and what built them."""

    built: Built
    events: pa.Table
    truth: Truth
    seed: int
    wall_s: float = 0.0
    _summary: dict[str, Any] | None = field(default=None, repr=False)
    #: The air pictures' confirmed tracks (``iads.engine.tracklog``), when recorded.
    tracks: pa.Table | None = field(default=None, repr=False)
    _fates: Fates | None = field(default=None, repr=False)
    _airspace: pa.Table | None = field(default=None, repr=False)
    _first: FirstDetections | None = field(default=None, repr=False)

    # -- event access -------------------------------------------------------------------
    def _kind(self, kind: str, columns: Sequence[str] | None = None) -> pa.Table:
        return of_kind(self.events, kind, columns)

    def events_of(self, kind: str) -> pa.Table:
        """The events of one kind (e.g. ``"intercept"``)."""
        return self._kind(kind)

    def events_with_names(self, start: int = 0, rows: int | None = None) -> pa.Table:
        """The event log as written to ``events.parquet``: the engine's columns
        (:data:`iads.state.events.EVENT_SCHEMA`) and, after them, the names the ids stand
        for: ``threat_name`` (entity name), ``unit_name`` (defense unit), ``radar_name``
        (the radar's catalog key; ``radar_id`` tells two radars of one type apart), null
        where the id is -1 (docs/results.md). ``start``, ``rows``: only those rows of the
        log (all by default; a writer goes slice by slice)."""
        b = self.built
        ev = self.events if start == 0 and rows is None else self.events.slice(start, rows)
        for col, names in (
            ("threat", b.threats.names),
            ("unit", b.units.names),
            ("radar", b.radars.keys),
        ):
            ids = ev.column(f"{col}_id").to_numpy()
            ev = ev.append_column(f"{col}_name", _names_of(ids, names))
        return ev

    def _with_event(self, kind: str) -> NDArray[np.bool_]:
        """(n,) whether each entity has at least one event of ``kind``."""
        col = self._kind(kind, ["threat_id"]).column("threat_id").to_numpy()
        out = np.zeros(self.built.threats.n, bool)
        out[col[col >= 0]] = True
        return out

    def fates(self) -> Fates:
        """What happened to each entity, from the event log."""
        if self._fates is None:
            th = self.built.threats
            self._fates = Fates(
                launched=self._with_event("threat_launch"),
                detected=self._with_event("detection"),
                engaged=self._with_event("launch"),
                killed=self._with_event("intercept"),
                leaked=self._with_event("leak"),
                survived=self._with_event("route_end"),
                hostile=np.asarray(th.hostile, bool),
                neutral=np.asarray(th.neutral, bool),
            )
        return self._fates

    def airspace(self) -> pa.Table:
        """Per airspace polygon and aircraft: entries, time and distance inside, first
        detection after entry (``iads.engine.airspace``; empty without airspaces)."""
        if self._airspace is None:
            from iads.engine.airspace import airspace_table

            self._airspace = airspace_table(self)
        return self._airspace

    def outcomes(self) -> list[str]:
        """The outcome (one of :data:`OUTCOMES`) of every entity, friendlies included,
        indexed like ``threat_id``."""
        return self.fates().outcome()

    # -- summary ------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """The run's summary as a JSON-ready dict (derived from the event log; every key
        is described in docs/results.md)."""
        if self._summary is None:
            self._summary = self._summarize()
        return self._summary

    def _summarize(self) -> dict[str, Any]:
        from iads.engine.airspace import airspace_summary
        from iads.engine.flights import figures_not_flown
        from iads.engine.sead_summary import sead_summary
        from iads.engine.track_hold import track_hold_summary
        from iads.sensors.exposure import exposure_summary

        b = self.built
        fates = self.fates()
        fired_by_type = self._interceptors_fired_by_type()
        bm = self._battle_management(fates)
        sead = sead_summary(b, self.events)
        return {
            **self._run_header(),
            "totals": self._totals(fates),
            "by_threat_type": self._counts_by_threat_type(fates),
            "interceptors_fired": dict(sorted(fired_by_type.items())),
            "units": self._unit_rows(),
            "asset_hits": self._asset_hits(),
            "cost": {
                **self._cost_exchange(fired_by_type, fates),
                **self._false_track_costs(),
                **self._decoy_costs(),
            },
            "battle_management": bm["summary"],
            "friendlies": bm["friendlies"],
            "neutrals": bm["neutrals"],
            "threats": self._threat_rows(fates, bm["kills"]),
            "exposure": exposure_summary(self.events, b, self.truth, self._first_detections()),
            "track_hold": track_hold_summary(
                self.events, b, b.scenario.settings.duration_s
            ),
            "airspace": airspace_summary(self.airspace()),
            "assumed_figures": self._assumed_figures(fates),
            "overrides": [
                {"path": r.path, "figure": r.canonical, "old": r.old, "new": r.new}
                for r in b.catalog.overrides
            ],
            "catalog_figures_not_flown": figures_not_flown(b.catalog, b.threats.type_key),
            **({"sead": sead} if sead is not None else {}),
            "events": self.events.num_rows,
        }

    def _run_header(self) -> dict[str, Any]:
        settings = self.built.scenario.settings
        return {
            "scenario": self.built.scenario.name,
            "seed": self.seed,
            "duration_s": settings.duration_s,
            "time_step_s": settings.time_step_s,
        }

    def _totals(self, fates: Fates) -> dict[str, int]:
        """Counts over the hostile entities (friendly aircraft are never threats)."""
        hostile = fates.hostile
        return {
            "threats": int(hostile.sum()),
            "launched": int((fates.launched & hostile).sum()),
            **fates.counts(hostile),
            "not_launched": int((~fates.launched & hostile).sum()),
        }

    def _counts_by_threat_type(self, fates: Fates) -> dict[str, dict[str, int]]:
        types = np.asarray(self.built.threats.type_key, dtype=object)
        out: dict[str, dict[str, int]] = {}
        for key in dict.fromkeys(types[fates.hostile].tolist()):
            sel = (types == key) & fates.hostile
            out[key] = {"threats": int(sel.sum()), **fates.counts(sel)}
        return out

    def _launch_missile_keys(self) -> list[str]:
        """The missile type of every interceptor launch, in event order."""
        details = self._kind("launch").column("details").to_pylist()
        return [json.loads(d)["missile"] for d in details]

    def _interceptors_fired_by_type(self) -> Counter[str]:
        return Counter(self._launch_missile_keys())

    def _unit_rows(self) -> list[dict[str, Any]]:
        """Per unit: name, system, interceptors fired and left per missile type."""
        b = self.built
        launches = self._kind("launch")
        fired_by = launches.column("unit_id").to_numpy().astype(np.int64)
        missile = np.array(
            [b.missiles.keys.index(k) for k in self._launch_missile_keys()], dtype=np.int64
        )
        fired = np.bincount(fired_by, minlength=b.units.n) if fired_by.size else np.zeros(
            b.units.n, np.int64
        )
        left = b.units.stock0.copy()
        np.subtract.at(left, (fired_by, missile), 1)
        return [
            {
                "name": b.units.names[u],
                "system": b.units.systems[u],
                "fired": int(fired[u]),
                "left": {
                    b.missiles.keys[m]: int(left[u, m])
                    for m in range(b.missiles.n)
                    if b.units.stock0[u, m] > 0
                },
            }
            for u in range(b.units.n)
        ]

    def _asset_hits(self) -> dict[str, int]:
        details = self._kind("impact").column("details").to_pylist()
        hits = Counter(json.loads(d)["asset"] for d in details)
        return {name: int(hits.get(name, 0)) for name in self.built.asset_names}

    def _cost_exchange(self, fired_by_type: Counter[str], fates: Fates) -> dict[str, Any]:
        """Interceptors spent and threats killed at catalog unit costs [USD]; the cost of
        the leakers (each hostile that reached its target at its own unit cost: the
        attacker's weapons that got through, not the damage they did, which iads does not
        price) and of the friendly aircraft the defense shot down; the defense's cost
        (interceptors + friendly aircraft lost) and its ratio to the threats killed. A
        total with an unknown unit cost in it is None (never a partial sum), and so is a
        ratio then: it is complete or absent."""
        b = self.built
        th = b.threats
        unit_cost = {k: float(b.missiles.cost_usd[b.missiles.keys.index(k)]) for k in fired_by_type}
        killed = np.flatnonzero(fates.killed & fates.hostile)
        missing = {
            "interceptors": sorted(k for k, c in unit_cost.items() if not np.isfinite(c)),
            "threats_killed": sorted(
                {th.type_key[i] for i in killed if not np.isfinite(th.cost_usd[i])}
            ),
        }
        spent = (
            None
            if missing["interceptors"]
            else float(sum(n * unit_cost[k] for k, n in fired_by_type.items()))
        )
        destroyed = None if missing["threats_killed"] else float(np.sum(th.cost_usd[killed]))
        ratio = (
            spent / destroyed
            if spent is not None and destroyed is not None and destroyed > 0
            else None
        )
        # What got through and what the defense shot down of its own, at unit costs.
        leaked = np.flatnonzero(fates.leaked & fates.hostile)
        friendly = np.flatnonzero(fates.killed & ~fates.hostile & ~fates.neutral)
        missing["leakers"] = sorted(
            {th.type_key[i] for i in leaked if not np.isfinite(th.cost_usd[i])}
        )
        missing["friendly_aircraft_lost"] = sorted(
            {th.type_key[i] for i in friendly if not np.isfinite(th.cost_usd[i])}
        )
        leak_usd = None if missing["leakers"] else float(np.sum(th.cost_usd[leaked]))
        lost_usd = (
            None if missing["friendly_aircraft_lost"] else float(np.sum(th.cost_usd[friendly]))
        )
        defense = None if spent is None or lost_usd is None else spent + lost_usd
        defense_ratio = (
            defense / destroyed
            if defense is not None and destroyed is not None and destroyed > 0
            else None
        )
        return {
            "interceptors_usd": spent,
            "threats_killed_usd": destroyed,
            "exchange_ratio": ratio,
            "leakers": int(leaked.size),
            "leakers_usd": leak_usd,
            "friendly_aircraft_lost": int(friendly.size),
            "friendly_aircraft_lost_usd": lost_usd,
            "defense_cost_usd": defense,
            "defense_exchange_ratio": defense_ratio,
            "missing_unit_costs": missing,
        }

    def _first_detections(self) -> FirstDetections:
        """Every (target, radar) first detection (``iads.sensors.exposure``), once."""
        if self._first is None:
            self._first = first_detections(self.events, self.built, self.truth)
        return self._first

    def _first_detection_by_threat(self) -> dict[int, dict[str, Any]]:
        """Per detected threat, its first detection over all radars: time, radar, unit,
        true range and whether it is censored (``seen_at_launch``)."""
        b = self.built
        fd = self._first_detections()
        order = np.lexsort((fd.radar, fd.time_s, fd.threat))
        tid = fd.threat[order]
        firsts = order[np.r_[True, tid[1:] != tid[:-1]]] if tid.size else order
        return {
            int(fd.threat[j]): {
                "time_s": round(float(fd.time_s[j]), 3),
                "radar": b.radars.keys[fd.radar[j]],
                "unit": b.units.names[int(b.radars.unit[fd.radar[j]])],
                "range_km": round(float(fd.range_m[j]) / 1000.0, 1),
                "seen_at_launch": bool(fd.seen_at_launch[j]),
            }
            for j in firsts
        }

    def _threat_rows(
        self, fates: Fates, kills: dict[int, dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """One row per hostile entity: id, name, type, outcome, killer, target and first
        detection."""
        b = self.built
        th = b.threats
        outcome = fates.outcome()
        first = self._first_detection_by_threat()
        return [
            {
                "threat_id": int(i),
                "name": th.names[i],
                "type": th.type_key[i],
                "outcome": outcome[i],
                "killed_by": kills.get(int(i)),
                "target": (
                    b.asset_names[int(th.target_asset[i])] if th.target_asset[i] >= 0 else None
                ),
                "first_detection": first.get(int(i)),
            }
            for i in np.flatnonzero(fates.hostile)
        ]

    def _assumed_figures(self, fates: Fates) -> list[dict[str, Any]]:
        from iads.catalog.loader import model_assumptions

        cat = self.built.catalog
        groups = ["weapons.flyout", "c2.threat"] + (["c2.iff"] if (~fates.hostile).any() else [])
        groups += ["behaviour"] if self.built.threats.reactive.any() else []
        return list(self.built.assumptions) + [
            a for g in groups for a in model_assumptions(cat, g)
        ]

    def _false_track_costs(self) -> dict[str, Any]:
        """Interceptors lost on tracks no real object made (``wasted_on_false_track``
        events): their count, by missile type, and their cost at public unit costs (None
        when a type's cost is not public). Their cost is part of ``interceptors_usd``."""
        b = self.built
        ev = self._kind("wasted_on_false_track")
        by_type = Counter(json.loads(d)["missile"] for d in ev.column("details").to_pylist())
        costs = [b.missiles.cost_usd[b.missiles.keys.index(k)] * n for k, n in by_type.items()]
        return {
            "interceptors_wasted_on_false_tracks": int(ev.num_rows),
            "wasted_on_false_tracks_by_missile": dict(sorted(by_type.items())),
            "wasted_on_false_tracks_usd": (
                float(sum(costs)) if all(np.isfinite(c) for c in costs) else None
            ),
        }

    def _decoy_costs(self) -> dict[str, Any]:
        """Interceptors launched at tracks that follow a decoy (launch events flagged
        ``on_decoy``): their count, by missile type, and their cost at public unit costs
        (None when a type's cost is not public); and how many decoys were killed. Their
        cost is part of ``interceptors_usd``."""
        b = self.built
        launches = self._kind("launch")
        tid = launches.column("threat_id").to_numpy().astype(np.int64)
        on = np.zeros(tid.size, bool)
        real = tid >= 0  # -1: a false track
        on[real] = b.threats.decoy[tid[real]]
        keys = self._launch_missile_keys()
        by_type = Counter(k for k, o in zip(keys, on, strict=True) if o)
        costs = [b.missiles.cost_usd[b.missiles.keys.index(k)] * n for k, n in by_type.items()]
        killed = self._kind("intercept").column("threat_id").to_numpy().astype(np.int64)
        return {
            "interceptors_on_decoys": int(on.sum()),
            "on_decoys_by_missile": dict(sorted(by_type.items())),
            "on_decoys_usd": float(sum(costs)) if all(np.isfinite(c) for c in costs) else None,
            "decoys_killed": int(b.threats.decoy[killed[killed >= 0]].sum()),
        }

    def _battle_management(self, fates: Fates) -> dict[str, Any]:
        """Double engagements, missed threats, kills and fratricide, from the event log
        (``iads.c2.outcome``)."""
        from iads.c2.outcome import double_engagements, engageable

        b = self.built
        th = b.threats
        launches = self._kind("launch")
        iid = launches.column("interceptor_id").to_numpy()
        end = np.full(int(iid.max()) + 1 if iid.size else 0, b.scenario.settings.duration_s)
        for kind in ("intercept", "miss", "wasted_on_false_track"):
            ev = self._kind(kind)
            e_id = ev.column("interceptor_id").to_numpy()
            ok = (e_id >= 0) & (e_id < end.size)
            end[e_id[ok]] = ev.column("time_s").to_numpy()[ok]
        l_tid = launches.column("threat_id").to_numpy()
        doubles = double_engagements(
            launches.column("unit_id").to_numpy(),
            np.where(l_tid >= 0, l_tid, -1),
            launches.column("time_s").to_numpy(),
            end[iid] if iid.size else np.empty(0),
        )
        doubles = [
            {**d, "threat": th.names[d["threat"]], "units": [b.units.names[u] for u in d["units"]]}
            for d in doubles
        ]
        can = engageable(b, self.truth) & fates.hostile & fates.detected
        missed = np.flatnonzero(can & ~fates.engaged)
        kills: dict[int, dict[str, Any]] = {}
        ic = self._kind("intercept")
        for row in ic.to_pylist():
            kills[int(row["threat_id"])] = {
                "missile": json.loads(row["details"])["missile"],
                "unit": b.units.names[int(row["unit_id"])],
                "time_s": round(float(row["time_s"]), 3),
                "lat_deg": round(float(row["lat_deg"]), 5),
                "lon_deg": round(float(row["lon_deg"]), 5),
                "alt_m": round(float(row["alt_m"]), 1),
            }
        friendly = ~fates.hostile & ~fates.neutral
        neutral = fates.neutral
        # Engagements (salvos: launches of one unit at one track at one instant) per entity.
        salvo = np.unique(np.stack([launches.column("unit_id").to_numpy(), launches.column(
            "track_id").to_numpy(), launches.column("time_s").to_numpy(), l_tid]), axis=1)
        per = np.bincount(salvo[3][salvo[3] >= 0].astype(np.int64), minlength=th.n)[: th.n] \
            if salvo.size else np.zeros(th.n, np.int64)
        return {
            "summary": {
                "double_engagements": len(doubles),
                "double_engagement_list": doubles,
                "engageable_threats": int(can.sum()),
                "missed_threats": len(missed),
                "missed_threat_names": [th.names[i] for i in missed],
            },
            "friendlies": {
                "aircraft": int(friendly.sum()),
                "engaged": int((fates.engaged & friendly).sum()),
                "engagements": int(per[friendly].sum()),
                "interceptors": int(np.isin(l_tid, np.flatnonzero(friendly)).sum()),
                "lost": int((fates.killed & friendly).sum()),
                "lost_names": [th.names[i] for i in np.flatnonzero(fates.killed & friendly)],
            },
            "neutrals": {
                "aircraft": int(neutral.sum()),
                "engaged": int((fates.engaged & neutral).sum()),
                "engagements": int(per[neutral].sum()),
                "interceptors": int(np.isin(l_tid, np.flatnonzero(neutral)).sum()),
                "lost": int((fates.killed & neutral).sum()),
                "lost_names": [th.names[i] for i in np.flatnonzero(fates.killed & neutral)],
            },
            "kills": kills,
        }
