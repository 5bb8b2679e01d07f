"""The SEAD part of a run's summary (docs/sead.md, docs/results.md), derived from the
event log: what the defense's radars radiated, what the anti-radiation missiles did to
them, and what the duel cost each side."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from iads.state import Built

__all__ = ["sead_summary"]

_ATTACKERS = ("aircraft", "stealth_aircraft")


def _col(ev: pa.Table, kind: str, name: str) -> np.ndarray:
    kinds = np.asarray(ev.column("kind").to_pylist(), dtype=object)
    return np.asarray(ev.column(name).to_numpy(zero_copy_only=False))[kinds == kind]


def sead_summary(b: Built, ev: pa.Table) -> dict[str, Any] | None:
    """The ``sead`` summary entry, or None when the run has neither emission control nor
    weapons launched during the run (nothing to say)."""
    kinds = set(ev.column("kind").to_pylist())
    if not (kinds & {"radar_on", "radar_off", "arm_impact"}) and not b.threats.pooled.any():
        return None
    th, ra = b.threats, b.radars
    duration = float(b.scenario.settings.duration_s)
    is_arm = np.array([b.catalog.threats[k].anti_radiation is not None for k in th.type_key])
    is_arm &= th.pooled
    lost_r = _col(ev, "radar_destroyed", "radar_id")
    lost_t = _col(ev, "radar_destroyed", "time_s")
    launch_tid = _col(ev, "launch", "threat_id")
    kill_tid = _col(ev, "intercept", "threat_id")
    launched = _col(ev, "threat_launch", "threat_id")
    klass = np.array([b.catalog.threats[k].threat_class for k in th.type_key], dtype=object)
    attacker = (~th.friendly) & ~th.pooled & np.isin(klass, _ATTACKERS)
    effective: dict[str, float] = {}
    for u, name in enumerate(b.units.names):  # a loop over the few units
        eng = np.flatnonzero((ra.unit == u) & ~ra.rotating)
        t_lost = [float(lost_t[lost_r == r].min()) for r in eng if np.any(lost_r == r)]
        effective[name] = max(t_lost) if eng.size and len(t_lost) == eng.size else duration
    return {
        "radars_lost": int(lost_r.size),
        "radars_lost_list": [
            {"radar": ra.keys[int(r)], "radar_id": int(r), "unit": b.units.names[int(ra.unit[r])],
             "time_s": round(float(t), 3)}
            for r, t in zip(lost_r, lost_t, strict=True)
        ],
        "radiating_s": _radiating_s(b, ev, duration),
        "battery_effective_s": effective,
        "arms_launched": int(np.isin(launched, np.flatnonzero(is_arm)).sum()),
        "arms_shot_down": int(is_arm[kill_tid[kill_tid >= 0]].sum()),
        "interceptors_on_arms": int(is_arm[launch_tid[launch_tid >= 0]].sum()),
        "attackers_lost": int(attacker[kill_tid[kill_tid >= 0]].sum()),
        "strike_targets_hit": int(_col(ev, "impact", "threat_id").size),
    }


def _radiating_s(b: Built, ev: pa.Table, duration: float) -> dict[str, float]:
    """Seconds each radar radiated (from its ``radar_on``/``radar_off`` events; every
    radar radiates from t = 0 until its first switch), keyed ``<unit>/<radar key>``."""
    out: dict[str, float] = {}
    ra = b.radars
    kinds = np.asarray(ev.column("kind").to_pylist(), dtype=object)
    rid = ev.column("radar_id").to_numpy()
    t = ev.column("time_s").to_numpy()
    sw = np.isin(kinds, ["radar_on", "radar_off"])
    for r in range(ra.n):  # a loop over the few radars
        sel = sw & (rid == r)
        on, since, total = True, 0.0, 0.0
        for k, tt in zip(kinds[sel], t[sel], strict=True):
            if k == "radar_off" and on:
                total += tt - since
                on = False
            elif k == "radar_on" and not on:
                since, on = tt, True
        if on:
            total += duration - since
        out[f"{b.units.names[int(ra.unit[r])]}/{ra.keys[r]}"] = round(total, 3)
    return out

