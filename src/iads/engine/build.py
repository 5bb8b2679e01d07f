"""Building a run: from a validated scenario and its catalog to the arrays the stages work
on (radars, units, missile types, threats), their flight specs and the random streams.
Degrees and catalog figures are converted to SI here, once; the arrays are frozen
(read-only) so that nothing a run does can change what it was built from."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from iads.c2.classify import classification_assumptions, threat_library
from iads.c2.emcon import emcon_arrays
from iads.catalog.loader import assumed_figures
from iads.catalog.schema import THREAT_CLASSES, Catalog, Figure
from iads.engine.flights import expand_flights
from iads.engine.links import link_assumptions
from iads.geo import geodetic_to_ecef
from iads.scenario.loader import LoadedScenario
from iads.scenario.schema import Scenario
from iads.sensors.chain import PdBank
from iads.sensors.setup import (
    frequency_assumptions,
    radar_arrays,
    scenario_terrain,
    sensing_world,
)
from iads.sensors.terrain import terrain_assumptions
from iads.state.built import STREAMS, Built, Threats, Units, freeze_arrays, streams
from iads.weapons.envelope import MissileArrays

# Built, Threats, Units and the streams live in iads.state (below every stage); they are
# re-exported here, where a run is built.
__all__ = ["STREAMS", "Built", "Threats", "Units", "build", "streams"]


def _v(fig: Figure | None, default: float = np.nan) -> float:
    return float(fig.value) if fig is not None else default


def _ecef(lat: Any, lon: Any, alt: Any) -> NDArray[np.float64]:
    return np.stack(geodetic_to_ecef(lat, lon, alt), axis=-1)


def build(loaded: LoadedScenario, seed: int | None = None) -> Built:
    """Arrays for a run of ``loaded`` (``seed`` overrides the scenario's), read-only."""
    sc, cat = loaded.scenario, loaded.catalog
    seed = sc.settings.seed if seed is None else seed
    rng_build = streams(seed)["build"]
    defenders = [d for d in sc.defenders if d.enabled]
    mkeys = _missile_types(defenders, cat)
    used = _entries_used(defenders, cat, mkeys)
    bank = PdBank()
    terrain = scenario_terrain(sc, loaded.source)
    rows = _radar_rows(defenders, cat)
    radars, _, radar_assumed = radar_arrays(
        rows, rng_build, sc.settings.time_step_s, bank, need_jamming=bool(sc.jammers),
        terrain=terrain,
    )
    asset_names, asset_ecef, asset_value = _assets(sc)
    threats = _threats(sc, cat, list(asset_names), used, rng_build)
    # A decoy shows the radars the signature of the entry it imitates.
    signature = tuple(cat.threats[k].imitates or k for k in threats.type_key)
    sensing = sensing_world(sc, loaded.source, radars, threats.names, signature, cat, bank,
                            terrain)
    if sensing.rcs_band_db is not None:  # the band matters: a defaulted frequency is used
        have = {(a["entry"], a["field"]) for a in radar_assumed}
        radar_assumed += [a for a in frequency_assumptions(rows)
                          if (a["entry"], a["field"]) not in have]  # fmt: skip
    parts = (radars, _units(sc, cat, defenders, mkeys), _missile_arrays(cat, mkeys), threats)
    for part in (*parts, sensing):
        freeze_arrays(part)
    for arr in (asset_ecef, asset_value):
        arr.flags.writeable = False
    return Built(
        scenario=sc,
        catalog=cat,
        radars=radars,
        units=parts[1],
        missiles=parts[2],
        threats=threats,
        asset_names=asset_names,
        asset_ecef_m=asset_ecef,
        asset_value=asset_value,
        assumptions=tuple(
            assumed_figures(cat, used)
            + radar_assumed
            + classification_assumptions(sc.settings.perfect_classification, cat)
            + terrain_assumptions(terrain)
            + link_assumptions(sc)
        ),
        seed=seed,
        network_names=tuple(net.name for net in sc.networks),
        network_fusion=tuple(net.fusion for net in sc.networks),
        sensing=sensing,
        threat_library=freeze_arrays(threat_library(cat)),
        emcon=freeze_arrays(emcon_arrays([defenders[r["unit"]].radar_emcon.get(
            r["key"], defenders[r["unit"]].emcon) for r in rows])),  # fmt: skip
    )


def _missile_types(defenders: list[Any], cat: Catalog) -> list[str]:
    """Every missile type carried by the enabled units, in first-seen order."""
    mkeys: list[str] = []
    for d in defenders:
        for g in cat.systems[d.system].launchers:
            mk = cat.launchers[g.launcher].missile
            if mk not in mkeys:
                mkeys.append(mk)
    return mkeys


def _entries_used(defenders: list[Any], cat: Catalog, mkeys: list[str]) -> list[tuple[str, str]]:
    """The catalog entries a run uses, as (section, key): missiles, then per unit its
    system, launchers and radars (threats are added by ``_threats``)."""
    used = [("missiles", k) for k in mkeys]
    for d in defenders:
        system = cat.systems[d.system]
        used += [("systems", d.system)] + [("launchers", g.launcher) for g in system.launchers]
        used += [("radars", rk) for rk in (*system.radars, *d.extra_radars)]
    return used


def _missile_arrays(cat: Catalog, mkeys: list[str]) -> MissileArrays:
    """One row per missile type: envelope, speed, Pk per threat class, cost."""
    ms = [cat.missiles[k] for k in mkeys]
    return MissileArrays(
        keys=tuple(mkeys),
        min_range_m=np.array([_v(m.min_range_m) for m in ms]),
        max_range_m=np.array([_v(m.max_range_m) for m in ms]),
        min_alt_m=np.array([_v(m.min_altitude_m) for m in ms]),
        max_alt_m=np.array([_v(m.max_altitude_m) for m in ms]),
        speed_mps=np.array([_v(m.mean_speed_mps) for m in ms]),
        max_target_speed_mps=np.array([_v(m.max_target_speed_mps) for m in ms]),
        pk=np.array([[_v(m.pk.get(c), 0.0) for c in THREAT_CLASSES] for m in ms]).reshape(
            len(ms), len(THREAT_CLASSES)
        ),
        cost_usd=np.array([_v(m.unit_cost_usd) for m in ms]),
        needs_radar=np.array(
            [m.guidance in ("semi_active", "command", "track_via_missile") for m in ms], dtype=bool
        ),
    )


def _radar_rows(defenders: list[Any], cat: Catalog) -> list[dict[str, Any]]:
    """One row per radar of the enabled units: catalog key, unit index, entry, site."""
    return [
        {"key": rk, "unit": u, "entry": cat.radars[rk], "pos": d.position}
        for u, d in enumerate(defenders)
        for rk in (*cat.systems[d.system].radars, *d.extra_radars)
    ]


def _launcher_loads(
    defenders: list[Any], cat: Catalog, mkeys: list[str]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Per (unit, missile type): initial missiles (launchers times missiles per launcher,
    or the scenario's ``loadout``), launchers, missiles per launcher, reload time [s]."""
    stock0 = np.zeros((len(defenders), len(mkeys)), dtype=np.int64)
    n_launchers = np.zeros_like(stock0)
    per_launcher = np.zeros_like(stock0)
    reload_s = np.full(stock0.shape, np.inf)
    for u, d in enumerate(defenders):
        for g in cat.systems[d.system].launchers:
            ln = cat.launchers[g.launcher]
            mi = mkeys.index(ln.missile)
            stock0[u, mi] += int(round(g.count.value * ln.missiles_per_launcher.value))
            n_launchers[u, mi] += int(round(g.count.value))
            per_launcher[u, mi] = max(per_launcher[u, mi], int(ln.missiles_per_launcher.value))
            # A launcher without a published or assumed reload time is never reloaded.
            rl = _v(ln.reload_s, np.inf)
            reload_s[u, mi] = rl if not np.isfinite(reload_s[u, mi]) else max(reload_s[u, mi], rl)
        if d.loadout is not None:
            stock0[u, :] = 0
            for k, n in d.loadout.items():
                stock0[u, mkeys.index(k)] = n
    return stock0, n_launchers, per_launcher, reload_s


def _units(sc: Scenario, cat: Catalog, defenders: list[Any], mkeys: list[str]) -> Units:
    """One row per enabled defender: site, magazines, fire channels, doctrine, network."""
    stock0, n_launchers, per_launcher, reload_s = _launcher_loads(defenders, cat, mkeys)
    lat_u = np.array([d.position.lat for d in defenders])
    lon_u = np.array([d.position.lon for d in defenders])
    alt_u = np.array([d.position.alt_m for d in defenders])
    return Units(
        names=tuple(d.name for d in defenders),
        systems=tuple(d.system for d in defenders),
        pos_ecef_m=_ecef(lat_u, lon_u, alt_u).reshape(-1, 3),
        lat_deg=lat_u,
        lon_deg=lon_u,
        stock0=stock0,
        fire_channels=np.array(
            [int(cat.systems[d.system].fire_channels.value) for d in defenders], dtype=np.int64
        ),
        reaction_s=np.array(
            [cat.systems[d.system].command_post.reaction_time_s.value for d in defenders]
        ),
        salvo=np.array(
            [
                max(d.doctrine.salvo, 2 if d.doctrine.policy == "shoot-shoot-look" else 1)
                for d in defenders
            ],
            dtype=np.int64,
        ),
        reserve=np.array([d.doctrine.reserve for d in defenders], dtype=np.int64),
        max_engagements=np.array(
            [d.doctrine.max_engagements_per_threat for d in defenders], dtype=np.int64
        ),
        look=np.array([d.doctrine.policy == "shoot-look-shoot" for d in defenders]),
        salvo_by_class=np.array(
            [[_salvo(d, c) for c in THREAT_CLASSES] for d in defenders], dtype=np.int64
        ).reshape(len(defenders), len(THREAT_CLASSES)),
        hold_fire=np.array([d.doctrine.hold_fire for d in defenders], dtype=bool),
        iff=np.array([d.iff for d in defenders], dtype=bool),
        network=np.array(
            [
                next((k for k, net in enumerate(sc.networks) if d.name in net.members), -1)
                for d in defenders
            ],
            dtype=np.int64,
        ),
        n_launchers=n_launchers,
        per_launcher=per_launcher,
        reload_s=reload_s,
    )


def _assets(sc: Scenario) -> tuple[tuple[str, ...], NDArray[np.float64], NDArray[np.float64]]:
    """Defended assets: names, ECEF positions (a, 3) [m], values."""
    assets = sc.assets
    ecef = _ecef(
        np.array([a.position.lat for a in assets]),
        np.array([a.position.lon for a in assets]),
        np.array([a.position.alt_m for a in assets]),
    ).reshape(-1, 3)
    return tuple(a.name for a in assets), ecef, np.array([a.value for a in assets])


def _salvo(d: Any, klass: str) -> int:
    """Missiles per engagement of defender ``d`` against a threat class: ``salvo_by_class``
    overrides ``salvo``; shoot-shoot-look fires at least two."""
    n = d.doctrine.salvo_by_class.get(klass, d.doctrine.salvo)
    return max(int(n), 2 if d.doctrine.policy == "shoot-shoot-look" else 1)


def _threats(
    sc: Scenario,
    cat: Catalog,
    asset_names: list[str],
    used: list[tuple[str, str]],
    rng: np.random.Generator,
) -> Threats:
    """Threat (and friendly aircraft) arrays from the flights of ``iads.engine.flights``."""
    rows = expand_flights(sc, cat, rng)
    entries = [cat.threats[r.type_key] for r in rows]
    used += [("threats", k) for k in dict.fromkeys(r.type_key for r in rows)]
    used += [("threats", k) for k in dict.fromkeys(e.imitates for e in entries if e.imitates)]
    names = [r.name for r in rows]
    types = [r.type_key for r in rows]
    klass = [THREAT_CLASSES.index(e.threat_class) for e in entries]
    seen = [cat.threats[e.imitates] if e.imitates else e for e in entries]  # signatures
    rcs = [e.rcs_front_m2.value for e in seen]
    sw = [e.swerling for e in seen]
    tgt = [r.target_asset for r in rows]
    cost = [_v(e.unit_cost_usd) for e in entries]
    specs = [r.spec for r in rows]
    friendly = [r.friendly for r in rows]
    transponder = [r.transponder for r in rows]
    neutral = [r.neutral for r in rows]
    parent = [r.parent for r in rows]
    return Threats(
        names=tuple(names),
        type_key=tuple(types),
        klass=np.array(klass, dtype=np.int64),
        rcs_m2=np.array(rcs, dtype=float),
        swerling=np.array(sw, dtype=np.int64),
        target_asset=np.array(tgt, dtype=np.int64),
        cost_usd=np.array(cost, dtype=float),
        specs=tuple(specs),
        friendly=np.array(friendly, dtype=bool),
        transponder=np.array(transponder, dtype=bool),
        neutral=np.array(neutral, dtype=bool),
        decoy=np.array([e.imitates is not None for e in entries], dtype=bool),
        reactive=np.array([r.reactive for r in rows], dtype=np.int8),
        parent=np.array(parent, dtype=np.int64),
    )
