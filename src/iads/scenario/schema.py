"""The scenario schema (pydantic v2): defended assets, defense units, friendly and
neutral aircraft (routes or racetrack patrols), threats, airspace polygons and run
settings. Positions are in degrees and metres (the file is an edge of
the program); everything downstream converts once, in ``iads.engine.build``.

Unknown keys are errors everywhere (``extra="forbid"``), so that a typo is never silently
ignored. Types are strict (``true`` or ``"5"`` is no number, ``2.5`` no count), numbers
finite, and every figure has a physical range (see ``iads schema`` and docs/scenario.md);
text is plain (no control characters or lone surrogates). Cross-references (a threat's
target asset, a catalog key) are checked by the loader, which knows the catalog.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from iads.catalog.schema import ThreatClass
from iads.tracking import TrackerConfig

__all__ = [
    "MAX_ASSET_VALUE",
    "MAX_DURATION_S",
    "MAX_FRIENDLY_COUNT",
    "MAX_GROUP_COUNT",
    "MAX_LOADOUT",
    "Airspace",
    "Asset",
    "Defender",
    "Doctrine",
    "Emcon",
    "FriendlyGroup",
    "Hill",
    "Jammer",
    "LatLon",
    "LaunchPoint",
    "NeutralGroup",
    "Patrol",
    "Network",
    "Position",
    "Raid",
    "RaidGroup",
    "RaidSpec",
    "Scenario",
    "entity_count",
    "Settings",
    "Site",
    "Store",
    "Terrain",
    "ThreatGroup",
    "Waypoint",
    "plain_text",
]


#: The longest run a scenario may describe [s] (a week).
MAX_DURATION_S = 7 * 86400.0
#: The most threats in one group, and friendly aircraft in one group.
MAX_GROUP_COUNT = 100_000
MAX_FRIENDLY_COUNT = 10_000
#: Most missiles of one type in a unit's loadout, and held in reserve.
MAX_LOADOUT = 10_000
#: Largest relative value of a defended asset.
MAX_ASSET_VALUE = 1e6


def plain_text(value: str) -> str:
    """``value`` if it is plain text: no control character (but newline and tab) and no lone
    surrogate (which no file can hold); raises ``ValueError`` otherwise."""
    for c in value:
        if 0xD800 <= ord(c) <= 0xDFFF or (
            unicodedata.category(c) == "Cc" and c not in "\n\t"
        ):
            raise ValueError(
                f"must be plain text: the character U+{ord(c):04X} is not allowed"
            )
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _plain(cls, v: Any) -> Any:
        # Before the type check, so that a lone surrogate gets this message, not pydantic's.
        for text in [v] if isinstance(v, str) else list(v) if isinstance(v, (dict, list)) else []:
            if isinstance(text, str):
                plain_text(text)
        return v


Name = Annotated[str, Field(min_length=1, max_length=200)]
Count = Annotated[int, Field(ge=0, le=MAX_LOADOUT)]
TimeS = Annotated[float, Field(ge=0.0, le=MAX_DURATION_S)]


Lat = Annotated[float, Field(ge=-90.0, le=90.0, description="latitude [deg], WGS-84")]
Lon = Annotated[float, Field(ge=-180.0, le=180.0, description="longitude [deg], WGS-84")]


class Position(_Strict):
    """A point on the WGS-84 earth: latitude and longitude in degrees, height in metres
    above the ellipsoid."""

    lat: Lat
    lon: Lon
    alt_m: float = Field(default=0.0, ge=-500.0, le=2_000_000.0, description="height [m]")


def _at_most(alt_max_m: float, what: str):
    def check(p: Position) -> Position:
        if p.alt_m > alt_max_m:
            raise ValueError(f"alt_m of {what} must be at most {alt_max_m:,.0f} m; got {p.alt_m:g}")
        return p

    return AfterValidator(check)


#: A place on the ground (a defended asset, a defense unit): at most 9,000 m high.
Site = Annotated[Position, _at_most(9000.0, "a ground site")]
#: Where a threat or a friendly flight starts, on the ground or from an aircraft: at most
#: 30,000 m high.
LaunchPoint = Annotated[Position, _at_most(30_000.0, "a launch point")]


class Waypoint(Position):
    """A route point; ``alt_m`` absent means the threat's cruise altitude."""

    alt_m: float | None = Field(default=None, ge=-500.0, le=2_000_000.0)  # type: ignore[assignment]


class Asset(_Strict):
    """A defended asset (a city, a base) with a value used by threat evaluation."""

    name: Name
    position: Site
    value: float = Field(
        default=1.0, gt=0.0, le=MAX_ASSET_VALUE, description="relative value of the asset"
    )


class Doctrine(_Strict):
    """Firing doctrine of a defense unit (first-order)."""

    policy: Literal["shoot-look-shoot", "shoot-shoot-look"] = "shoot-look-shoot"
    salvo: int = Field(default=1, ge=1, le=4, description="missiles per engagement")
    salvo_by_class: dict[ThreatClass, Annotated[int, Field(ge=1, le=4)]] = Field(
        default_factory=dict, description="salvo size by threat class, overriding 'salvo'"
    )
    max_engagements_per_threat: int = Field(default=3, ge=1, le=10)
    reserve: int = Field(
        default=0, ge=0, le=MAX_LOADOUT, description="missiles held back per missile type"
    )
    hold_fire: bool = Field(default=False, description="weapons hold: track but never fire")


class Emcon(_Strict):
    """Emission control of a radar (docs/sead.md): when it radiates. A radar that does not
    radiate detects nothing, cannot guide its unit's semi-active, command or
    track-via-missile interceptors, and cannot be detected by an anti-radiation seeker.

    ``mode``: ``on`` (always), ``off`` (never), ``schedule`` (inside the ``windows``
    [start_s, end_s) only), ``blink`` (``on_s`` out of every ``period_s``, from
    ``phase_s``), ``cue`` (while the unit's picture, the network's when it has one, holds
    a confirmed track within ``cue_range_m`` of the radar, and ``cue_hold_s`` after).
    ``arm_shutdown``: whatever the mode, go silent for ``arm_off_s`` when the picture
    holds a confirmed track faster than ``arm_speed_mps`` within ``arm_warning_range_m``
    heading at the radar (velocity within ``arm_heading_deg`` of the line to it)."""

    mode: Literal["on", "off", "schedule", "blink", "cue"] = "on"
    windows: list[Annotated[list[TimeS], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list, description="schedule: [start_s, end_s) radiating windows")
    period_s: float = Field(default=60.0, gt=0.0, le=MAX_DURATION_S, description="blink")
    on_s: float = Field(default=10.0, ge=0.0, le=MAX_DURATION_S, description="blink")
    phase_s: float = Field(default=0.0, ge=0.0, le=MAX_DURATION_S, description="blink")
    cue_range_m: float = Field(default=150_000.0, gt=0.0, le=5_000_000.0, description="cue")
    cue_hold_s: float = Field(default=10.0, ge=0.0, le=MAX_DURATION_S, description="cue")
    arm_shutdown: bool = False
    arm_warning_range_m: float = Field(default=60_000.0, gt=0.0, le=1_000_000.0)
    arm_speed_mps: float = Field(default=450.0, gt=0.0, le=10_000.0)
    arm_heading_deg: float = Field(default=10.0, gt=0.0, le=90.0)
    arm_off_s: float = Field(default=60.0, gt=0.0, le=MAX_DURATION_S)

    @model_validator(mode="after")
    def _mode(self) -> Emcon:
        if self.mode == "schedule" and not self.windows:
            raise ValueError("mode 'schedule' needs 'windows' ([start_s, end_s] pairs)")
        for w in self.windows:
            if not w[0] < w[1]:
                raise ValueError(f"a window must start before it ends; got {w}")
        if self.on_s > self.period_s:
            raise ValueError("blink: 'on_s' must not exceed 'period_s'")
        return self


class CommandPost(_Strict):
    """A command post and its data-link terminal (docs/sead.md, "Command posts and data
    links"): the node through which a fire unit belongs to its network (a defender's
    ``command_post``), or the network's own fusion and fire-control centre (a network's).
    While it is out of action the units behind it fall back to autonomous mode (their own
    radars' picture and their own decisions).

    ``position``: where it stands (a defender's defaults to the unit's position; a
    network's is required). ``kill_radius_m``: a warhead arriving this close (a strike's
    impact at its target, an anti-radiation missile's impact point) destroys it for the
    rest of the run (assumed vulnerability of a shelter and its vehicles; default 100 m).
    ``outages``: [start_s, end_s) windows it is out of action (a what-if: jamming of the
    link, a move, a scheduled loss)."""

    position: Site | None = None
    kill_radius_m: float = Field(default=100.0, gt=0.0, le=100_000.0)
    outages: list[Annotated[list[TimeS], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list, description="[start_s, end_s) windows out of action")

    @model_validator(mode="after")
    def _windows(self) -> CommandPost:
        for w in self.outages:
            if not w[0] < w[1]:
                raise ValueError(f"an outage must start before it ends; got {w}")
        return self


class Defender(_Strict):
    """A defense unit: a system from the catalog at a position, with its missile loadout.

    ``loadout`` maps a missile catalog key to the number of ready missiles; absent, the
    system's launchers are full (missiles per launcher × launchers).
    """

    name: Name
    system: str = Field(min_length=1, description="catalog key of the system, e.g. S-400")
    position: Site
    loadout: dict[str, Count] | None = Field(
        default=None, description=f"missiles by catalog key, each 0 to {MAX_LOADOUT}"
    )
    extra_radars: list[str] = Field(
        default_factory=list,
        description="radars added to the unit at its position, from the system's "
        "'optional_radars' in the catalog (e.g. 55Zh6ME, 59N6E for an S-400)",
    )
    enabled: bool = True
    doctrine: Doctrine = Field(default_factory=Doctrine)
    tracker: TrackerConfig | None = Field(
        default=None, description="the unit's tracker (default: iads.engine's CV/GNN tracker)"
    )
    iff: bool = Field(
        default=True,
        description="whether the unit can interrogate the friendly aircraft's transponders "
        "(false for a battery outside the allied identification network)",
    )
    emcon: Emcon = Field(default_factory=Emcon, description="emission control of its radars")
    radar_emcon: dict[str, Emcon] = Field(
        default_factory=dict,
        description="emission control by radar catalog key, overriding 'emcon' for that radar")
    command_post: CommandPost | None = Field(
        default=None,
        description="the unit's command post and data-link terminal, when it can be lost "
        "(absent: not modelled, the unit never loses its link on its own account)")
    radar_kill_radius_m: float | None = Field(
        default=None, gt=0.0, le=100_000.0,
        description="a strike warhead's impact this close to one of the unit's radars "
        "destroys it (absent: strikes do not damage its radars; ARMs use their own radii)")


class Store(_Strict):
    """Weapons an aircraft carries and launches during the run (``count`` of a catalog
    type per aircraft of the group): anti-radiation missiles are fired at the emitters
    the aircraft detects passively; cruise missiles and decoys with a ``release`` point
    are launched when the aircraft reaches it (docs/sead.md)."""

    type: str = Field(min_length=1, description="catalog key of the store, e.g. agm88")
    count: int = Field(default=1, ge=1, le=64, description="per aircraft of the group")
    release: Waypoint | None = Field(
        default=None,
        description="release point: the stores are launched when their carrier reaches it "
        "(cruise missiles, decoys), flying from there through 'waypoints' to 'target'")
    target: str | None = Field(default=None, description="asset the released stores fly at")
    waypoints: list[Waypoint] = Field(
        default_factory=list, description="route of the released stores after release")

    @model_validator(mode="after")
    def _released(self) -> Store:
        if (self.target is not None or self.waypoints) and self.release is None:
            raise ValueError("'target' and 'waypoints' of a store go with a 'release' point")
        if self.release is not None and self.target is None and not self.waypoints:
            raise ValueError("a store with a 'release' point needs a 'target' or 'waypoints'")
        return self


class ThreatGroup(_Strict):
    """``count`` threats of one catalog type, launched from ``launch`` one after another
    every ``spacing_s`` from ``launch_time_s``, flying through ``waypoints`` to the
    ``target`` asset (or ending at the last waypoint when no target is named).

    Speed and altitude default to the type's catalog cruise figures. Successive threats of
    a group are offset sideways by ``lateral_spacing_m`` so that they do not share one
    track.
    """

    type: str = Field(min_length=1, description="catalog key of the threat type")
    name: Name | None = None
    count: int = Field(default=1, ge=1, le=MAX_GROUP_COUNT)
    launch: LaunchPoint
    launch_time_s: TimeS = Field(default=0.0, description="[s], within the run")
    spacing_s: TimeS = 0.0
    lateral_spacing_m: float = Field(default=0.0, ge=0.0, le=100_000.0)
    target: str | None = None
    waypoints: list[Waypoint] = Field(default_factory=list)
    speed_mps: float | None = Field(default=None, gt=0.0, le=10_000.0)
    speed_mach: float | None = Field(default=None, gt=0.0, le=30.0)
    altitude_m: float | None = Field(default=None, ge=0.0, le=2_000_000.0)
    kinematics: Literal["auto", "first_order"] = Field(
        default="auto",
        description="'auto': the model of the type's class (aircraft with turns and climbs, "
        "cruise missile, drone, ballistic missile); 'first_order': great-circle legs at "
        "constant speed and altitude")
    terminal: Literal["none", "dive", "popup"] = Field(
        default="none", description="cruise missiles and drones: terminal manoeuvre")
    weave_amplitude_m: float = Field(default=0.0, ge=0.0, le=50_000.0)
    trajectory: Literal["minimum_energy", "lofted", "depressed", "apogee"] = Field(
        default="minimum_energy", description="ballistic missiles: trajectory shape")
    apogee_m: float | None = Field(
        default=None, gt=0.0, le=2_000_000.0,
        description="[m] ballistic missiles: apogee of an 'apogee' trajectory (required there)")
    burnout_speed_mps: float | None = Field(
        default=None, gt=0.0, le=8000.0,
        description="ballistic missiles: burnout speed (required for lofted/depressed)")
    burn_time_s: float = Field(default=60.0, gt=0.0, le=600.0)
    behaviour: Literal["scripted", "reactive"] = Field(
        default="scripted",
        description="aircraft: 'scripted' flies the precomputed route; 'reactive' turns away "
        "(notch or egress) when its radar warning receiver hears a fire-control radar track "
        "it or a missile guided at it, and resumes its route when that stops (docs/sead.md)")
    evasion: Literal["notch", "egress"] = Field(
        default="notch",
        description="reactive aircraft: 'notch' flies perpendicular to the threat radar's "
        "line of sight, 'egress' turns its back on it")
    stores: list[Store] = Field(
        default_factory=list,
        description="weapons each aircraft of the group carries and launches during the run")

    @model_validator(mode="after")
    def _route(self) -> ThreatGroup:
        if self.target is None and not self.waypoints:
            raise ValueError("a threat group needs a 'target' asset or 'waypoints'")
        if self.speed_mps is not None and self.speed_mach is not None:
            raise ValueError("give either 'speed_mps' or 'speed_mach', not both")
        if self.trajectory in ("lofted", "depressed") and self.burnout_speed_mps is None:
            raise ValueError(f"a {self.trajectory} trajectory needs 'burnout_speed_mps'")
        if (self.trajectory == "apogee") != (self.apogee_m is not None):
            raise ValueError("'apogee_m' goes with trajectory: apogee, and only there")
        return self


class RaidGroup(_Strict):
    """One group of a raid: ``count`` threats of a catalog type launched from a disc of
    ``radius_m`` centred ``distance_m`` from the target along the raid axis."""

    type: str = Field(min_length=1, description="catalog key of the threat type")
    count: int = Field(ge=1, le=MAX_GROUP_COUNT)
    distance_m: float = Field(gt=0.0, le=20_000_000.0)
    radius_m: float = Field(default=0.0, ge=0.0, le=20_000_000.0)
    speed_mps: float | None = Field(default=None, gt=0.0, le=10_000.0)
    altitude_m: float | None = Field(default=None, ge=0.0, le=2_000_000.0)
    terminal: Literal["none", "dive", "popup"] = "none"
    burn_time_s: float = Field(default=60.0, gt=0.0, le=600.0)

    @model_validator(mode="after")
    def _disc(self) -> RaidGroup:
        if self.radius_m >= self.distance_m:
            raise ValueError("radius_m must be smaller than distance_m")
        return self


class RaidSpec(_Strict):
    """A raid on one asset, expanded deterministically from the scenario seed: groups,
    the axis (bearing from the target toward the launch areas) and its spread, launch start
    time and spread, or a common time on target (launch times back-computed)."""

    name: Name | None = None
    target: str = Field(min_length=1, description="asset name")
    groups: list[RaidGroup] = Field(min_length=1)
    axis_bearing_deg: float = Field(default=0.0, ge=-360.0, le=360.0)
    axis_spread_deg: float = Field(default=0.0, ge=0.0, le=360.0)
    start_time_s: TimeS = 0.0
    time_spread_s: TimeS = 0.0
    time_on_target_s: float | None = Field(default=None, gt=0.0, le=MAX_DURATION_S)


class Raid(_Strict):
    """A ``threats:`` entry that describes a raid (``raid: {...}``)."""

    raid: RaidSpec


def _threat_entry_kind(v: object) -> str:
    if isinstance(v, dict):
        return "Raid" if "raid" in v else "ThreatGroup"
    return "Raid" if isinstance(v, Raid) else "ThreatGroup"


ThreatEntry = Annotated[
    Annotated[ThreatGroup, Tag("ThreatGroup")] | Annotated[Raid, Tag("Raid")],
    Discriminator(_threat_entry_kind),
]


class LatLon(_Strict):
    """A point of a polygon or a patrol: latitude and longitude in degrees (WGS-84)."""

    lat: Lat
    lon: Lon


class Patrol(_Strict):
    """A racetrack orbit (``iads.threats.patrol``): the inbound leg from ``start`` to
    ``end``, 180-degree turns at ``load_factor`` (default: the type's catalog
    ``max_load_factor``) to the ``turn`` side, for ``duration_s`` on station; the
    aircraft appears at ``start`` at its launch time and leaves the run after."""

    start: LatLon
    end: LatLon
    duration_s: float = Field(gt=0.0, le=MAX_DURATION_S, description="[s] on station")
    turn: Literal["right", "left"] = "right"
    load_factor: float | None = Field(
        default=None, gt=1.0, le=12.0, description="n of the end turns (default: catalog)"
    )

    @model_validator(mode="after")
    def _apart(self) -> Patrol:
        if (self.start.lat, self.start.lon) == (self.end.lat, self.end.lon):
            raise ValueError("a patrol's 'start' and 'end' must be different points")
        return self


class FriendlyGroup(_Strict):
    """``count`` own-force aircraft of a catalog type flying either a route (``launch``
    then ``waypoints``) or a racetrack ``patrol``, one after another every ``spacing_s``;
    ``transponder`` says whether they answer IFF."""

    type: str = Field(
        min_length=1, description="catalog key of the aircraft type (an aircraft class)"
    )
    name: Name | None = None
    count: int = Field(default=1, ge=1, le=MAX_FRIENDLY_COUNT)
    launch: LaunchPoint | None = None
    launch_time_s: TimeS = Field(default=0.0, description="[s], within the run")
    spacing_s: TimeS = 0.0
    lateral_spacing_m: float = Field(default=0.0, ge=0.0, le=100_000.0)
    waypoints: list[Waypoint] = Field(default_factory=list)
    patrol: Patrol | None = None
    speed_mps: float | None = Field(default=None, gt=0.0, le=10_000.0)
    speed_mach: float | None = Field(default=None, gt=0.0, le=30.0)
    altitude_m: float | None = Field(default=None, ge=0.0, le=2_000_000.0)
    transponder: bool = True

    @model_validator(mode="after")
    def _route_or_patrol(self) -> FriendlyGroup:
        if self.patrol is not None:
            if self.launch is not None or self.waypoints:
                raise ValueError(
                    "give either 'patrol' or a route ('launch' and 'waypoints'), not both "
                    "(a patrol starts on station at its 'start' point)"
                )
        elif self.launch is None or not self.waypoints:
            raise ValueError("an aircraft group needs 'launch' and 'waypoints', or a 'patrol'")
        if self.speed_mps is not None and self.speed_mach is not None:
            raise ValueError("give either 'speed_mps' or 'speed_mach', not both")
        return self


class NeutralGroup(FriendlyGroup):
    """``count`` neutral aircraft (neither hostile nor own force: an airliner, a third
    country's patrol), flying a route or a patrol like a friendly group. The defense
    cannot interrogate them with its military IFF, so it identifies them by procedural
    means only (``iads.c2.iff``); engaging one is counted as a neutral loss."""

    transponder: Literal[False] = Field(
        default=False, description="always false: the defense's IFF cannot interrogate them"
    )


class Airspace(_Strict):
    """A named airspace polygon: ``polygon`` (at least 3 points, closed implicitly; edges
    straight in lon/lat, as Natural Earth draws borders) or ``country``, a Natural Earth
    country name at ``resolution`` (10m: clipped to the shipped region box; 50m: global;
    see ``iads.geo.borders``)."""

    name: Name
    polygon: list[LatLon] | None = Field(default=None, min_length=3, max_length=100_000)
    country: str | None = Field(default=None, min_length=1, max_length=200)
    resolution: Literal["10m", "50m"] = "10m"

    @model_validator(mode="after")
    def _one(self) -> Airspace:
        if (self.polygon is None) == (self.country is None):
            raise ValueError("an airspace needs exactly one of 'polygon' or 'country'")
        return self


class Network(_Strict):
    """Fire units that share one air picture and one weapon-target assignment. Units in no
    network are autonomous (own radars, own decisions).

    ``fusion``: ``measurement`` (centralized: every member radar's measurements feed one
    tracker) or ``track`` (each unit tracks on its own radars; tracks are fused by
    covariance intersection)."""

    name: Name
    members: list[str] = Field(min_length=1, description="defender names")
    fusion: Literal["measurement", "track"] = "measurement"
    command_post: CommandPost | None = Field(
        default=None,
        description="the network's fusion and fire-control centre (needs 'position'); "
        "while it is out of action every member is autonomous")

    @model_validator(mode="after")
    def _post(self) -> Network:
        if self.command_post is not None and self.command_post.position is None:
            raise ValueError("a network's 'command_post' needs a 'position'")
        return self


class Hill(_Strict):
    """A synthetic Gaussian hill: height_m · exp(−d² / (2·radius_m²)) added to the terrain."""

    lat: Lat
    lon: Lon
    height_m: float = Field(gt=0.0, le=9000.0)
    radius_m: float = Field(gt=0.0, le=500_000.0)


class Terrain(_Strict):
    """Terrain for line-of-sight masking (docs/terrain.md). Without a ``terrain:`` entry a
    run uses the elevation model shipped with iads (``dem: builtin``). ``dem: none``
    switches it off; ``file`` is an elevation grid used inside its extent (GeoTIFF ``.tif``
    with the ``iads[terrain]`` extra, or a NumPy ``.npz`` with ``lat_deg``, ``lon_deg`` and
    ``height_m``; a relative path is read from the scenario's folder), the shipped model
    outside it unless ``dem: none``; ``hills`` (may be empty) are added on top."""

    dem: Literal["builtin", "none"] = "builtin"
    file: str | None = None
    hills: list[Hill] = Field(default_factory=list)


class Jammer(_Strict):
    """A noise jammer. ``standoff``: at a fixed ``position``; ``self_screening``: carried
    by every threat of the group named in ``escorts``. ``erp_w`` is the effective radiated
    power toward the radar (W) over ``bandwidth_hz``."""

    name: Name
    kind: Literal["standoff", "self_screening"]
    position: Position | None = None
    escorts: str | None = None
    erp_w: float = Field(gt=0.0, le=1e9)
    bandwidth_hz: float = Field(gt=0.0, le=1e11)

    @model_validator(mode="after")
    def _where(self) -> Jammer:
        if self.kind == "standoff" and self.position is None:
            raise ValueError("a standoff jammer needs a 'position'")
        if self.kind == "self_screening" and self.escorts is None:
            raise ValueError("a self-screening jammer needs 'escorts' (a threat group name)")
        return self


class Settings(_Strict):
    """Run settings: duration and time step in seconds, the seed of every random
    stream of the run, and ``perfect_classification``: a named shortcut (off by default,
    listed in the run's assumptions when on) letting battle management read each track's
    true origin and class: tracks no real object made are never engaged, every class is
    known exactly."""

    duration_s: float = Field(default=1800.0, gt=0.0, le=MAX_DURATION_S, description="[s]")
    time_step_s: float = Field(default=1.0, gt=0.0, le=60.0, description="[s]")
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    perfect_classification: bool = False

    @model_validator(mode="after")
    def _step(self) -> Settings:
        if self.time_step_s > self.duration_s:
            raise ValueError("time_step_s must not exceed duration_s")
        return self


class Scenario(_Strict):
    """A whole scenario document."""

    name: str = Field(default="unnamed scenario", min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    settings: Settings = Field(default_factory=Settings)
    assets: list[Asset] = Field(default_factory=list)
    defenders: list[Defender] = Field(min_length=1)
    threats: list[ThreatEntry] = Field(default_factory=list)
    friendlies: list[FriendlyGroup] = Field(default_factory=list)
    neutrals: list[NeutralGroup] = Field(default_factory=list)
    airspaces: list[Airspace] = Field(default_factory=list)
    networks: list[Network] = Field(default_factory=list)
    terrain: Terrain | None = None
    jammers: list[Jammer] = Field(default_factory=list)
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="catalog and model figures set by path for this scenario, e.g. "
        "'threats.f35.rcs_front_m2: 0.01' (docs/scenario.md, iads.catalog.overrides)",
    )


def entity_count(sc: Scenario) -> tuple[int, int]:
    """(threats, friendly and neutral aircraft) the scenario will fly; threats include the
    stores aircraft may launch during the run."""
    n = sum(
        sum(g.count for g in e.raid.groups) if isinstance(e, Raid)
        else e.count * (1 + sum(st.count for st in e.stores))
        for e in sc.threats
    )
    return n, sum(g.count for g in [*sc.friendlies, *sc.neutrals])
