"""Building a run: from a validated scenario and its catalog to the arrays the stages work
on (radars, units, missile types, threats), their flight specs and the random streams.
Degrees and catalog figures are converted to SI here, once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from iads.catalog.loader import assumed_figures
from iads.catalog.schema import THREAT_CLASSES, Catalog, Figure
from iads.engine.flights import expand_flights
from iads.geo import geodetic_to_ecef
from iads.scenario.loader import LoadedScenario
from iads.scenario.schema import Scenario
from iads.sensors.chain import PdBank, SensingWorld
from iads.sensors.radar import RadarArrays
from iads.sensors.setup import radar_arrays, sensing_world
from iads.threats import FlightSpec
from iads.weapons.envelope import MissileArrays

__all__ = ["STREAMS", "Built", "build", "streams"]

#: The named random streams of a run, each spawned from the scenario seed in this order.
STREAMS = ("build", "sensors", "tracking", "c2", "weapons")

def streams(seed: int) -> dict[str, np.random.Generator]:
    """One independent Generator per stage, spawned from ``seed`` (numpy SeedSequence)."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(STREAMS, children, strict=True)}


@dataclass
class Units:
    """Defense units (fire units), one row each (shape (u,))."""

    names: tuple[str, ...]
    systems: tuple[str, ...]
    pos_ecef_m: NDArray[np.float64]  # (u, 3)
    lat_deg: NDArray[np.float64]
    lon_deg: NDArray[np.float64]
    stock0: NDArray[np.int64]  # (u, m) initial missiles per type (on launchers + reloads)
    fire_channels: NDArray[np.int64]
    reaction_s: NDArray[np.float64]
    salvo: NDArray[np.int64]
    reserve: NDArray[np.int64]
    max_engagements: NDArray[np.int64]
    look: NDArray[np.bool_]  # True: shoot-look-shoot
    salvo_by_class: NDArray[np.int64]  # (u, n_threat_classes) missiles per engagement
    hold_fire: NDArray[np.bool_]  # (u,) weapons hold: track, never fire
    iff: NDArray[np.bool_]  # (u,) can interrogate the friendly transponders
    network: NDArray[np.int64]  # (u,) index into Built.network_names, -1: autonomous
    n_launchers: NDArray[np.int64]  # (u, m) launchers per missile type
    per_launcher: NDArray[np.int64]  # (u, m) missiles one launcher holds
    reload_s: NDArray[np.float64]  # (u, m) time to reload an empty launcher [s]

    @property
    def n(self) -> int:
        return len(self.names)


@dataclass
class Threats:
    """Threats, one row each (shape (n,)); the truth itself is flown by iads.threats."""

    names: tuple[str, ...]
    type_key: tuple[str, ...]
    klass: NDArray[np.int64]  # index into THREAT_CLASSES
    rcs_m2: NDArray[np.float64]
    swerling: NDArray[np.int64]
    target_asset: NDArray[np.int64]  # -1: none
    cost_usd: NDArray[np.float64]  # NaN where not public
    specs: list[FlightSpec]
    friendly: NDArray[np.bool_]  # (n,) friendly aircraft flown among the threats
    transponder: NDArray[np.bool_]  # (n,) answers IFF (friendlies only; False for threats)

    @property
    def n(self) -> int:
        return len(self.names)


@dataclass
class Built:
    """Everything a run needs, as arrays."""

    scenario: Scenario
    catalog: Catalog
    radars: RadarArrays
    units: Units
    missiles: MissileArrays
    threats: Threats
    asset_names: tuple[str, ...]
    asset_ecef_m: NDArray[np.float64]  # (a, 3)
    asset_value: NDArray[np.float64]
    assumptions: list[dict[str, Any]]
    rng: dict[str, np.random.Generator]
    network_names: tuple[str, ...] = ()
    network_fusion: tuple[str, ...] = ()  # per network: "measurement" or "track"
    sensing: SensingWorld | None = None  # target RCS, terrain, jammers, Pd tables


def _v(fig: Figure | None, default: float = np.nan) -> float:
    return float(fig.value) if fig is not None else default


def _ecef(lat: Any, lon: Any, alt: Any) -> NDArray[np.float64]:
    return np.stack(geodetic_to_ecef(lat, lon, alt), axis=-1)


def build(loaded: LoadedScenario, seed: int | None = None) -> Built:
    """Arrays for a run of ``loaded`` (``seed`` overrides the scenario's)."""
    sc, cat = loaded.scenario, loaded.catalog
    rng = streams(sc.settings.seed if seed is None else seed)
    defenders = [d for d in sc.defenders if d.enabled]
    used: list[tuple[str, str]] = []

    # Missile types: every type carried by an enabled unit, in first-seen order.
    mkeys: list[str] = []
    for d in defenders:
        for g in cat.systems[d.system].launchers:
            mk = cat.launchers[g.launcher].missile
            if mk not in mkeys:
                mkeys.append(mk)
    ms = [cat.missiles[k] for k in mkeys]
    used += [("missiles", k) for k in mkeys]
    missiles = MissileArrays(
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
    )

    # Units and their radars.
    stock0 = np.zeros((len(defenders), len(mkeys)), dtype=np.int64)
    n_launchers = np.zeros_like(stock0)
    per_launcher = np.zeros_like(stock0)
    reload_s = np.full(stock0.shape, np.inf)
    radar_rows: list[dict[str, Any]] = []
    for u, d in enumerate(defenders):
        system = cat.systems[d.system]
        used += [("systems", d.system)] + [("launchers", g.launcher) for g in system.launchers]
        for g in system.launchers:
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
        for rk in system.radars:
            used.append(("radars", rk))
            radar_rows.append({"key": rk, "unit": u, "entry": cat.radars[rk], "pos": d.position})
    lat_u = np.array([d.position.lat for d in defenders])
    lon_u = np.array([d.position.lon for d in defenders])
    units = Units(
        names=tuple(d.name for d in defenders),
        systems=tuple(d.system for d in defenders),
        pos_ecef_m=_ecef(lat_u, lon_u, np.array([d.position.alt_m for d in defenders])).reshape(
            -1, 3
        ),
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
    bank = PdBank()
    # The stages read the SNR from radars.snr1_db (scaled to 1 m and 1 m² per Swerling
    # case); the per-radar reference SNR also returned is not kept twice.
    radars, _, radar_assumed = radar_arrays(
        radar_rows, rng["build"], sc.settings.time_step_s, bank, need_jamming=bool(sc.jammers)
    )

    assets = sc.assets
    asset_ecef = _ecef(
        np.array([a.position.lat for a in assets]),
        np.array([a.position.lon for a in assets]),
        np.array([a.position.alt_m for a in assets]),
    ).reshape(-1, 3)
    threats = _threats(sc, cat, [a.name for a in assets], used, rng["build"])
    sensing = sensing_world(sc, loaded.source, radars, threats.names, threats.type_key, cat, bank)

    return Built(
        scenario=sc,
        catalog=cat,
        radars=radars,
        units=units,
        missiles=missiles,
        threats=threats,
        asset_names=tuple(a.name for a in assets),
        asset_ecef_m=asset_ecef,
        asset_value=np.array([a.value for a in assets]),
        assumptions=assumed_figures(cat, used) + radar_assumed,
        rng=rng,
        network_names=tuple(net.name for net in sc.networks),
        network_fusion=tuple(net.fusion for net in sc.networks),
        sensing=sensing,
    )


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
    names = [r.name for r in rows]
    types = [r.type_key for r in rows]
    klass = [THREAT_CLASSES.index(e.threat_class) for e in entries]
    rcs = [e.rcs_front_m2.value for e in entries]
    sw = [e.swerling for e in entries]
    tgt = [r.target_asset for r in rows]
    cost = [_v(e.unit_cost_usd) for e in entries]
    specs = [r.spec for r in rows]
    friendly = [r.friendly for r in rows]
    transponder = [r.transponder for r in rows]
    return Threats(
        names=tuple(names),
        type_key=tuple(types),
        klass=np.array(klass, dtype=np.int64),
        rcs_m2=np.array(rcs, dtype=float),
        swerling=np.array(sw, dtype=np.int64),
        target_asset=np.array(tgt, dtype=np.int64),
        cost_usd=np.array(cost, dtype=float),
        specs=specs,
        friendly=np.array(friendly, dtype=bool),
        transponder=np.array(transponder, dtype=bool),
    )
