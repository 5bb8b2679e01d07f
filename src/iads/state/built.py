"""What a run is built from: the arrays over radars, fire units, missile types, threats and
assets (``Built``), made once by ``iads.engine.build`` and never changed afterwards, and the
named random streams of a run.

``Built`` and its parts are frozen dataclasses whose arrays are read-only
(``ndarray.flags.writeable`` is False, see :func:`freeze_arrays`): a stage that tries to
write into them raises ``ValueError: assignment destination is read-only``. Everything
that changes while a run goes on lives in ``iads.state.run.RunState``, so one ``Built``
can be simulated any number of times with identical results.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:  # annotations only: the state sits below the packages that define these
    from iads.c2.classify import ThreatLibrary
    from iads.catalog.schema import Catalog
    from iads.scenario.schema import Scenario
    from iads.sensors.chain import SensingWorld
    from iads.sensors.radar import RadarArrays
    from iads.threats import FlightSpec
    from iads.weapons.envelope import MissileArrays

__all__ = ["STREAMS", "Built", "Threats", "Units", "freeze_arrays", "streams"]

#: The named random streams of a run, each spawned from the scenario seed in this order.
#: ``build`` is used while building; the others by the stages, fresh for every run
#: (``iff``: the aircraft's sortie identification state and the IFF replies, apart from
#: ``c2`` so that a change of the identification chain leaves the other draws alone).
#: SeedSequence children depend on their index only: a stream appended at the end leaves
#: the earlier ones unchanged.
STREAMS = ("build", "sensors", "tracking", "c2", "weapons", "iff")


def streams(seed: int) -> dict[str, np.random.Generator]:
    """One independent Generator per stage, spawned from ``seed`` (numpy SeedSequence)."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(STREAMS, children, strict=True)}


def freeze_arrays(obj: Any) -> Any:
    """Make every numpy array field of the dataclass ``obj`` read-only, in place (arrays
    another object shares are frozen with it); returns ``obj``."""
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if isinstance(v, np.ndarray):
            v.flags.writeable = False
    return obj


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Threats:
    """Threats, one row each (shape (n,)); the truth itself is flown by iads.threats."""

    names: tuple[str, ...]
    type_key: tuple[str, ...]
    klass: NDArray[np.int64]  # index into THREAT_CLASSES
    rcs_m2: NDArray[np.float64]
    swerling: NDArray[np.int64]
    target_asset: NDArray[np.int64]  # -1: none
    cost_usd: NDArray[np.float64]  # NaN where not public
    specs: tuple[FlightSpec, ...]
    friendly: NDArray[np.bool_]  # (n,) own-force aircraft flown among the threats
    transponder: NDArray[np.bool_]  # (n,) answers IFF (friendlies only; False for threats)
    neutral: NDArray[np.bool_]  # (n,) neutral aircraft (neither hostile nor own force)
    decoy: NDArray[np.bool_]  # (n,) a decoy (its catalog entry imitates another)
    # (n,) int8: 0 flies its precomputed path; re-plans it during the run when its RWR
    # warns (iads.threats.behaviour): 1 by notching, 2 by egressing
    reactive: NDArray[np.int8]
    # (n,) for a slot launched during the run (iads.threats.pool): the index of the
    # entity carrying it; -1 for the scenario's own entities.
    parent: NDArray[np.int64] | None = None

    @property
    def n(self) -> int:
        return len(self.names)

    @property
    def hostile(self) -> NDArray[np.bool_]:
        """(n,) true hostiles: neither own-force nor neutral aircraft."""
        return ~(self.friendly | self.neutral)

    @property
    def pooled(self) -> NDArray[np.bool_]:
        """(n,) slots whose launch the engine decides during the run."""
        if self.parent is None:
            return np.zeros(self.n, bool)
        return self.parent >= 0


@dataclass(frozen=True)
class Built:
    """Everything a run is built from, as read-only arrays. ``seed`` is the scenario seed
    the run's random streams are spawned from (:func:`streams`)."""

    scenario: Scenario
    catalog: Catalog
    radars: RadarArrays
    units: Units
    missiles: MissileArrays
    threats: Threats
    asset_names: tuple[str, ...]
    asset_ecef_m: NDArray[np.float64]  # (a, 3)
    asset_value: NDArray[np.float64]
    assumptions: tuple[dict[str, Any], ...]
    seed: int
    network_names: tuple[str, ...] = ()
    network_fusion: tuple[str, ...] = ()  # per network: "measurement" or "track"
    sensing: SensingWorld | None = None  # target RCS, terrain, jammers, Pd tables
    threat_library: ThreatLibrary | None = None  # the classifier's feature boxes (c2)
    emcon: Any = None  # iads.c2.emcon.EmconArrays: when each radar radiates (None: always)
