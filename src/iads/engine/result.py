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

from iads.engine.build import Built
from iads.threats import Truth

__all__ = ["Result"]


@dataclass
class Result:
    """One replication: ``events`` (pyarrow table, :data:`iads.engine.events.EVENT_SCHEMA`),
    ``truth`` (the threats' sampled trajectories) and what built them."""

    built: Built
    events: pa.Table
    truth: Truth
    seed: int
    wall_s: float = 0.0
    _summary: dict[str, Any] | None = field(default=None, repr=False)

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
        cost_killed = float(np.nansum(th.cost_usd[killed]))
        impacts = self._kind("impact")
        hits = Counter(json.loads(d)["asset"] for d in impacts.column("details").to_pylist())

        by_type: dict[str, dict[str, int]] = {}
        for key in dict.fromkeys(th.type_key):
            sel = np.array([k == key for k in th.type_key])
            by_type[key] = {
                "threats": int(sel.sum()),
                "detected": int((detected & sel).sum()),
                "engaged": int((engaged & sel).sum()),
                "killed": int((killed & sel).sum()),
                "leaked": int((leaked & sel).sum()),
                "flying": int((flying & sel).sum()),
            }
        from iads.weapons.flyout import ASSUMPTIONS as FLYOUT_ASSUMPTIONS

        return {
            "scenario": b.scenario.name,
            "seed": self.seed,
            "duration_s": b.scenario.settings.duration_s,
            "time_step_s": b.scenario.settings.time_step_s,
            "totals": {
                "threats": n,
                "launched": int(launched.sum()),
                "detected": int(detected.sum()),
                "engaged": int(engaged.sum()),
                "killed": int(killed.sum()),
                "leaked": int(leaked.sum()),
                "flying": int(flying.sum()),
                "not_launched": int((~launched).sum()),
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
                "exchange_ratio": (cost_fired / cost_killed) if cost_killed > 0 else None,
            },
            "threats": [
                {
                    "id": int(i),
                    "name": th.names[i],
                    "type": th.type_key[i],
                    "outcome": (
                        "killed"
                        if killed[i]
                        else "leaked"
                        if leaked[i]
                        else "flying"
                        if flying[i]
                        else "not launched"
                    ),
                    "first_detection": first.get(int(i)),
                }
                for i in ids
            ],
            "assumed_figures": b.assumptions + FLYOUT_ASSUMPTIONS,
            "events": self.events.num_rows,
        }
