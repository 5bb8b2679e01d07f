"""The SEAD part of a run's summary (docs/sead.md, docs/results.md), derived from the
event log: what the defense's radars radiated, what the anti-radiation missiles did to
them, and what the duel cost each side."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from iads.state import Built
from iads.state.events import of_kind

__all__ = ["sead_summary"]

_ATTACKERS = ("aircraft", "stealth_aircraft")


def _col(ev: pa.Table, kind: str, name: str) -> np.ndarray:
    return of_kind(ev, kind, [name]).column(name).to_numpy()


def sead_summary(b: Built, ev: pa.Table) -> dict[str, Any] | None:
    """The ``sead`` summary entry, or None when the run has neither emission control nor
    weapons launched during the run (nothing to say)."""
    kinds = set(pc.unique(ev.column("kind")).to_pylist())  # not a string per event
    links = _models_links(b)
    if (not (kinds & {"radar_on", "radar_off", "arm_impact", "radar_destroyed"})
            and not b.threats.pooled.any() and not links):  # fmt: skip
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
    out = {
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
    if links:
        out |= _link_summary(b, ev, duration)
    return out


def _models_links(b: Built) -> bool:
    """Whether the scenario models a command post (iads.engine.links)."""
    sc = b.scenario
    return any(d.command_post is not None for d in sc.defenders if d.enabled) or any(
        n.command_post is not None for n in sc.networks)


def _link_summary(b: Built, ev: pa.Table, duration: float) -> dict[str, Any]:
    """Command posts lost (which, when, why), links lost, and the seconds each networked
    unit spent autonomous (from its ``link_lost`` / ``link_restored`` events)."""
    sub = of_kind(ev, ("command_post_lost", "link_lost", "link_restored"),
                  ["kind", "time_s", "unit_id", "details"])  # fmt: skip
    kinds = np.asarray(sub.column("kind").to_pylist(), dtype=object)  # the few link events
    t = sub.column("time_s").to_numpy()
    uid = sub.column("unit_id").to_numpy()
    det = sub.column("details").to_pylist()
    posts = [{"post": json.loads(det[k])["post"], "time_s": round(float(t[k]), 3),
              "cause": json.loads(det[k])["cause"]}
             for k in np.flatnonzero(kinds == "command_post_lost")]  # fmt: skip
    auto: dict[str, float] = {}
    for u, name in enumerate(b.units.names):  # a loop over the few units
        if b.units.network[u] < 0:
            continue
        total, since = 0.0, None
        for k in np.flatnonzero(np.isin(kinds, ["link_lost", "link_restored"]) & (uid == u)):
            if kinds[k] == "link_lost" and since is None:
                since = float(t[k])
            elif kinds[k] == "link_restored" and since is not None:
                total, since = total + float(t[k]) - since, None
        if since is not None:
            total += duration - since
        auto[name] = round(total, 3)
    return {
        "command_posts_lost": posts,
        "links_lost": int(np.sum(kinds == "link_lost")),
        "autonomous_s": auto,
    }


def _radiating_s(b: Built, ev: pa.Table, duration: float) -> dict[str, float]:
    """Seconds each radar radiated (from its ``radar_on``/``radar_off`` events; every
    radar radiates from t = 0 until its first switch), keyed ``<unit>/<radar key>``."""
    out: dict[str, float] = {}
    ra = b.radars
    sub = of_kind(ev, ("radar_on", "radar_off"), ["kind", "radar_id", "time_s"])
    kinds = np.asarray(sub.column("kind").to_pylist(), dtype=object)  # the few switches
    rid = sub.column("radar_id").to_numpy()
    t = sub.column("time_s").to_numpy()
    for r in range(ra.n):  # a loop over the few radars
        sel = rid == r
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

