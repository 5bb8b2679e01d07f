"""The result of one run: the event log, the truth, and the summary derived from them.

Every number of the summary is computed from the event log (and the scenario's initial
state), never counted separately during the run.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from iads.state import Built
from iads.threats import Truth

__all__ = ["Result"]


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

    # -- event access -------------------------------------------------------------------
    def _kind(self, kind: str) -> pa.Table:
        kinds = self.events.column("kind").combine_chunks()
        idx = kinds.dictionary.index(kind).as_py() if kind in kinds.dictionary.to_pylist() else -1
        mask = np.asarray(kinds.indices) == idx
        return self.events.filter(pa.array(mask))

    def events_of(self, kind: str) -> pa.Table:
        """The events of one kind (e.g. ``"intercept"``)."""
        return self._kind(kind)

    # -- summary ------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """The run's summary as a JSON-ready dict (derived from the event log)."""
        if self._summary is None:
            self._summary = self._summarize()
        return self._summary

    def _summarize(self) -> dict[str, Any]:
        b = self.built
        th = b.threats
        n = th.n
        ids = np.arange(n)

        def threat_ids(kind: str) -> np.ndarray:
            col = self._kind(kind).column("threat_id").to_numpy()
            return col[col >= 0]

        launched = np.zeros(n, bool)
        launched[threat_ids("threat_launch")] = True
        detected = np.zeros(n, bool)
        detected[threat_ids("detection")] = True
        engaged = np.zeros(n, bool)
        engaged[threat_ids("launch")] = True
        killed = np.zeros(n, bool)
        killed[threat_ids("intercept")] = True
        leaked = np.zeros(n, bool)
        leaked[threat_ids("leak")] = True
        flying = launched & ~killed & ~leaked
        # Friendly aircraft fly among the threats; threat totals never count them.
        friendly = getattr(th, "friendly", np.zeros(n, bool))
        hostile = ~friendly
        bm = self._battle_management(engaged, killed, detected, hostile)

        launches = self._kind("launch")
        fired_type = Counter(
            json.loads(d)["missile"] for d in launches.column("details").to_pylist()
        )
        fired_unit = (
            np.bincount(launches.column("unit_id").to_numpy(), minlength=b.units.n)
            if launches.num_rows
            else np.zeros(b.units.n, int)
        )
        m_unit = launches.column("unit_id").to_numpy()
        m_type = np.array(
            [
                b.missiles.keys.index(json.loads(d)["missile"])
                for d in launches.column("details").to_pylist()
            ],
            dtype=np.int64,
        )
        left = b.units.stock0.copy()
        np.subtract.at(left, (m_unit, m_type), 1)

        # First detection per threat: time, radar and range from the radar.
        det = self._kind("detection")
        first: dict[int, dict[str, Any]] = {}
        if det.num_rows:
            t = det.column("time_s").to_numpy()
            tid = det.column("threat_id").to_numpy()
            rid = det.column("radar_id").to_numpy()
            keep = tid >= 0
            order = np.lexsort((t[keep], tid[keep]))
            tk, tt, rk = tid[keep][order], t[keep][order], rid[keep][order]
            firsts = np.flatnonzero(np.r_[True, tk[1:] != tk[:-1]]) if tk.size else []
            for j in firsts:
                i, ti, r = int(tk[j]), float(tt[j]), int(rk[j])
                p, _, _ = self.truth.state_at(ti)
                rng_m = float(np.linalg.norm(p[i] - b.radars.pos_ecef_m[r]))
                first[i] = {
                    "time_s": round(ti, 3),
                    "radar": b.radars.keys[r],
                    "unit": b.units.names[int(b.radars.unit[r])],
                    "range_km": round(rng_m / 1000.0, 1),
                }

        cost_fired = sum(
            cnt * float(np.nan_to_num(b.missiles.cost_usd[b.missiles.keys.index(k)]))
            for k, cnt in fired_type.items()
        )
        cost_killed = float(np.nansum(th.cost_usd[killed & hostile]))
        missing_costs = {
            "interceptors": sorted(
                k for k in fired_type
                if not np.isfinite(b.missiles.cost_usd[b.missiles.keys.index(k)])
            ),
            "threats_killed": sorted(
                {th.type_key[i] for i in np.flatnonzero(killed & hostile)
                 if not np.isfinite(th.cost_usd[i])}
            ),
        }
        impacts = self._kind("impact")
        hits = Counter(json.loads(d)["asset"] for d in impacts.column("details").to_pylist())

        by_type: dict[str, dict[str, int]] = {}
        for key in dict.fromkeys(th.type_key):
            sel = np.array([k == key for k in th.type_key]) & hostile
            if not sel.any():
                continue
            by_type[key] = {
                "threats": int(sel.sum()),
                "detected": int((detected & sel).sum()),
                "engaged": int((engaged & sel).sum()),
                "killed": int((killed & sel).sum()),
                "leaked": int((leaked & sel).sum()),
                "flying": int((flying & sel).sum()),
            }
        from iads.c2.iff import ASSUMPTIONS as IFF_ASSUMPTIONS
        from iads.c2.threat import ASSUMPTIONS as THREAT_ASSUMPTIONS
        from iads.engine.flights import figures_not_flown
        from iads.sensors.exposure import exposure_summary
        from iads.weapons.flyout import ASSUMPTIONS as FLYOUT_ASSUMPTIONS

        C2_ASSUMPTIONS = THREAT_ASSUMPTIONS + (IFF_ASSUMPTIONS if friendly.any() else [])

        return {
            "scenario": b.scenario.name,
            "seed": self.seed,
            "duration_s": b.scenario.settings.duration_s,
            "time_step_s": b.scenario.settings.time_step_s,
            "totals": {
                "threats": int(hostile.sum()),
                "launched": int((launched & hostile).sum()),
                "detected": int((detected & hostile).sum()),
                "engaged": int((engaged & hostile).sum()),
                "killed": int((killed & hostile).sum()),
                "leaked": int((leaked & hostile).sum()),
                "flying": int((flying & hostile).sum()),
                "not_launched": int((~launched & hostile).sum()),
            },
            "by_threat_type": by_type,
            "interceptors_fired": dict(sorted(fired_type.items())),
            "units": [
                {
                    "name": b.units.names[u],
                    "system": b.units.systems[u],
                    "fired": int(fired_unit[u]),
                    "left": {
                        b.missiles.keys[m]: int(left[u, m])
                        for m in range(b.missiles.n)
                        if b.units.stock0[u, m] > 0
                    },
                }
                for u in range(b.units.n)
            ],
            "asset_hits": {name: int(hits.get(name, 0)) for name in b.asset_names},
            "cost": {
                "interceptors_usd": cost_fired,
                "threats_killed_usd": cost_killed,
                # None when a unit cost on either side is not public (listed below): a
                # ratio over the known costs only would be biased.
                "exchange_ratio": (
                    cost_fired / cost_killed
                    if cost_killed > 0 and not any(missing_costs.values())
                    else None
                ),
                "exchange_ratio_known_costs": (
                    cost_fired / cost_killed if cost_killed > 0 and cost_fired > 0 else None
                ),
                "missing_unit_costs": missing_costs,
            },
            "battle_management": bm["summary"],
            "friendlies": bm["friendlies"],
            "threats": [
                {
                    "id": int(i),
                    "name": th.names[i],
                    "type": th.type_key[i],
                    "outcome": (
                        "killed"
                        if killed[i]
                        else "leaked"
                        if leaked[i] and th.target_asset[i] >= 0
                        else "survived"
                        if launched[i]
                        else "not launched"
                    ),
                    "killed_by": bm["kills"].get(int(i)),
                    "target": (
                        b.asset_names[int(th.target_asset[i])] if th.target_asset[i] >= 0 else None
                    ),
                    "first_detection": first.get(int(i)),
                }
                for i in ids[hostile]
            ],
            "exposure": exposure_summary(self.events, b, self.truth),
            "assumed_figures": list(b.assumptions) + FLYOUT_ASSUMPTIONS + C2_ASSUMPTIONS,
            "catalog_figures_not_flown": figures_not_flown(b.catalog, th.type_key),
            "events": self.events.num_rows,
        }

    def _battle_management(
        self, engaged: np.ndarray, killed: np.ndarray, detected: np.ndarray, hostile: np.ndarray
    ) -> dict[str, Any]:
        """Double engagements, missed threats, kills and fratricide, from the event log
        (``iads.c2.outcome``)."""
        from iads.c2.outcome import double_engagements, engageable

        b = self.built
        th = b.threats
        launches = self._kind("launch")
        iid = launches.column("interceptor_id").to_numpy()
        end = np.full(int(iid.max()) + 1 if iid.size else 0, b.scenario.settings.duration_s)
        for kind in ("intercept", "miss"):
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
        can = engageable(b, self.truth) & hostile & detected
        missed = np.flatnonzero(can & ~engaged)
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
        friendly = ~hostile
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
                "engaged": int((engaged & friendly).sum()),
                "lost": int((killed & friendly).sum()),
                "lost_names": [th.names[i] for i in np.flatnonzero(killed & friendly)],
            },
            "kills": kills,
        }
