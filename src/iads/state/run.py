"""The mutable state of one run, shared by the stages: the threats' truth and status, the
radars' scan schedule, the air picture of each fire unit, magazines, interceptors in
flight, the random streams and the event log.

Stages read it as it was at the start of their turn and write only their own part:
sensing writes ``radar_schedule`` (and returns detections), tracking writes ``pictures``,
battle management writes ``stock`` and launches into ``interceptors``, flyout ends
interceptors and sets ``status`` of the threats it kills. What the run is built from
(``built``) is read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from iads.geo import ecef_to_geodetic_rad
from iads.state.built import Built
from iads.state.events import EventLog

if TYPE_CHECKING:  # annotations only: the state sits below the packages that define these
    from iads.threats import Truth
    from iads.tracking import TrackerConfig, TrackSet
    from iads.weapons.flyout import Interceptors

__all__ = [
    "Emission",
    "FLYING",
    "KILLED",
    "LEAKED",
    "NOT_LAUNCHED",
    "Picture",
    "RadarSchedule",
    "RunState",
    "lla",
]

# Threat status codes (per threat, int8)
FLYING, KILLED, LEAKED, NOT_LAUNCHED = 0, 1, 2, 3


def lla(ecef: NDArray[np.float64]) -> tuple[NDArray, NDArray, NDArray]:
    """ECEF (..., 3) [m] -> latitude [deg], longitude [deg], height [m] (for the event log)."""
    lat, lon, h = ecef_to_geodetic_rad(ecef[..., 0], ecef[..., 1], ecef[..., 2])
    return np.rad2deg(lat), np.rad2deg(lon), h


@dataclass
class RadarSchedule:
    """Where each radar's scanning stands, one row per radar (shape (r,)); written by the
    sensing stage (``iads.sensors.stage``), read by the tracking stage and the loop."""

    n_scans_done: NDArray[np.int64]  # processings done so far
    last_t_s: NDArray[np.float64]  # time of the last processing [s]
    last_track_t_s: NDArray[np.float64]  # time of the last track dwells [s]
    next_fa_t_s: NDArray[np.float64]  # time of the next false alarm (NaN: not drawn yet)
    win0_s: NDArray[np.float64]  # start of the window of the last processing [s]

    @classmethod
    def new(cls, n_radars: int) -> RadarSchedule:
        """The schedule before the first step: nothing scanned yet."""
        return cls(
            n_scans_done=np.zeros(n_radars, dtype=np.int64),
            last_t_s=np.zeros(n_radars),
            last_track_t_s=np.full(n_radars, -np.inf),
            next_fa_t_s=np.full(n_radars, np.nan),  # drawn at the radar's first processing
            win0_s=np.zeros(n_radars),
        )


@dataclass
class Emission:
    """Which radars radiate, one row per radar (shape (r,)); written by the emission
    control step (``iads.c2.emcon``) and by anti-radiation missiles that destroy a radar
    (``iads.engine.attack``), read by sensing (a silent radar detects nothing), battle
    management and flyout (a silent engagement radar guides no semi-active, command or
    track-via-missile interceptor) and the attackers' passive detection."""

    on: NDArray[np.bool_]  # radiating now
    lost: NDArray[np.bool_]  # destroyed or damaged by an ARM: silent for good
    off_since_s: NDArray[np.float64]  # when it last went silent (NaN: radiating)
    on_since_s: NDArray[np.float64]  # when it last started radiating
    quiet_until_s: NDArray[np.float64]  # ARM-warning shutdown lasts until then
    cue_until_s: NDArray[np.float64]  # on-cue radiation lasts until then

    @classmethod
    def new(cls, n_radars: int) -> Emission:
        """Every radar radiating, nothing lost (the state before the first step)."""
        return cls(
            on=np.ones(n_radars, bool),
            lost=np.zeros(n_radars, bool),
            off_since_s=np.full(n_radars, np.nan),
            on_since_s=np.zeros(n_radars),
            quiet_until_s=np.full(n_radars, -np.inf),
            cue_until_s=np.full(n_radars, -np.inf),
        )


@dataclass
class Picture:
    """The air picture of one fire unit: its tracks and, per track id, the bookkeeping the
    stages attach to it (arrays indexed by track id, grown as ids are issued). Created by
    ``iads.engine.picture.new_picture``."""

    config: TrackerConfig
    tracks: TrackSet
    truth: NDArray[np.int64] = field(default_factory=lambda: np.full(64, -1, np.int64))
    shots: NDArray[np.int64] = field(default_factory=lambda: np.zeros(64, np.int64))
    # Kill assessment: after one of the unit's interceptors reaches its intercept time
    # (``assess_t_s``), the track is held (``dead``) until a measurement updates it after
    # that time (the look of shoot-look-shoot): a killed object's track is never updated
    # again, a survivor's is at the next look. Nothing here reads the truth.
    dead: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(64, bool))
    assess_t_s: NDArray[np.float64] = field(default_factory=lambda: np.full(64, np.nan))
    # Identification (iads.c2.iff): 0 pending, 1 hostile, 2 friend; the probability that
    # a track declared hostile is hostile; looks without a valid IFF reply so far and the
    # time of the last look (NaN: never looked at).
    ident: NDArray[np.int8] = field(default_factory=lambda: np.zeros(64, np.int8))
    p_hostile: NDArray[np.float64] = field(default_factory=lambda: np.zeros(64))
    looks: NDArray[np.int64] = field(default_factory=lambda: np.zeros(64, np.int64))
    look_t_s: NDArray[np.float64] = field(default_factory=lambda: np.full(64, np.nan))
    # Classification (iads.c2.classify): normalized log posterior over the hypotheses
    # (per track id, (ids, 6)) and the track time it was last updated at (NaN: never).
    class_logp: NDArray[np.float64] = field(default_factory=lambda: np.zeros((64, 6)))
    class_t_s: NDArray[np.float64] = field(default_factory=lambda: np.full(64, np.nan))
    iff: bool = True  # whether the picture's units can interrogate friendly transponders

    def ensure(self, next_id: int) -> None:
        """Grow the per-track-id arrays to hold ids below ``next_id``."""
        if next_id > self.truth.size:
            n = max(2 * self.truth.size, next_id)
            for name, fill in (
                ("truth", -1),
                ("shots", 0),
                ("dead", False),
                ("assess_t_s", np.nan),
                ("ident", 0),
                ("p_hostile", 0.0),
                ("looks", 0),
                ("look_t_s", np.nan),
                ("class_logp", 0.0),
                ("class_t_s", np.nan),
            ):
                old = getattr(self, name)
                new = np.full((n, *old.shape[1:]), fill, dtype=old.dtype)
                new[: old.shape[0]] = old
                setattr(self, name, new)

    def at(self, t_s: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Track positions and velocities (n, 3) extrapolated at constant velocity from
        the time of their last scan to ``t_s``."""
        tr = self.tracks
        vel = tr.velocity
        return tr.position + vel * (t_s - tr.t_s)[:, None], vel


@dataclass
class RunState:
    """Everything that changes during one run (made by ``iads.engine.loop``)."""

    built: Built  # read-only
    truth: Truth
    log: EventLog
    rng: dict[str, np.random.Generator]  # the stages' streams, fresh from built.seed
    status: NDArray[np.int8]  # (n_threats,) FLYING / KILLED / LEAKED / ...
    stock: NDArray[np.int64]  # (units, missile types) ready missiles
    radar_schedule: RadarSchedule
    pictures: list[Picture]  # one per fire unit (one shared object per measurement network)
    interceptors: Interceptors
    # Set up by iads.engine.picture.setup_pictures before the first step:
    decision: list[Picture] = field(default_factory=list)  # per unit: picture it fires on
    fusions: list[Any] = field(default_factory=list)  # iads.c2.network.TrackFusion per network
    magazines: Any = None  # iads.c2.magazine.Magazines
    # Set by iads.sensors.stage on its first call: (n_threats,) bound on each threat's
    # speed over the run [m/s], for the sensing stage's exact range/horizon gate.
    speed_bound_mps: Any = None
    # Written by the sensing stage: (radar, threat) of the track dwells of its last call,
    # what a radar warning receiver hears as a fire-control track (iads.sensors.rwr).
    track_dwells: tuple[NDArray[np.int64], NDArray[np.int64]] = field(
        default_factory=lambda: (np.empty(0, np.int64), np.empty(0, np.int64)))
    behaviour: Any = None  # iads.threats.behaviour.Reactive, when a threat is reactive
    emission: Emission | None = None  # None: every radar radiates all the time
    # Anti-radiation missiles (iads.engine.attack): per threat, the radar index it was
    # fired at (-1: none) and its seeker's state.
    arm: Any = None
    # Command posts and data links (iads.engine.links), when the scenario models them.
    links: Any = None
    # Per unit whose decision picture changed during the run (a link lost or restored):
    # [(time of the change [s], the picture it decided on until then), ...] in time order.
    # Interceptors keep the picture they were fired on (``fire_picture``).
    former: dict[int, list[tuple[float, Picture]]] = field(default_factory=dict)
    # Look-ups the stages derive from the run's structure and keep between steps (e.g. the
    # decision groups), each under its owner's key and checked against what it was
    # derived from before use.
    cache: dict[str, Any] = field(default_factory=dict)

    def fire_picture(self, u: int, launch_t_s: float) -> Picture:
        """The decision picture unit ``u`` fired on at ``launch_t_s``: its picture then
        (its current one unless its link changed since)."""
        for t_change, pic in self.former.get(u, ()):
            if launch_t_s < t_change:
                return pic
        return self.decision[u] if self.decision else self.pictures[u]

    def fired_on(self, ids: NDArray[np.int64], pic: Picture) -> NDArray[np.bool_]:
        """(k,) whether each interceptor ``ids`` was fired on the picture ``pic`` (track ids
        are only meaningful in the picture that issued them)."""
        icp = self.interceptors
        if not self.former:
            return np.ones(ids.size, bool)
        return np.array([self.fire_picture(int(icp.unit[i]), float(icp.launch_t_s[i])) is pic
                         for i in ids], dtype=bool)  # fmt: skip
    # Per entity, its sortie's identification state (iads.c2.iff.SortieIff: transponder
    # working, procedural judgement), drawn at the start of the run.
    sortie_iff: Any = None

    def guiding(self) -> NDArray[np.bool_]:
        """(units,) whether each unit has an engagement radar (phased array: multifunction
        or fire control) radiating, without which its semi-active, command and
        track-via-missile interceptors have no guidance."""
        b = self.built
        ra = b.radars
        on = np.ones(ra.n, bool) if self.emission is None else self.emission.on
        eng = on & ~ra.rotating
        out = np.zeros(b.units.n, bool)
        out[ra.unit[eng]] = True
        return out
