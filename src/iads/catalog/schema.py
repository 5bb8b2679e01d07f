"""The catalog's schema: systems (radars, command posts, launchers, missiles) and threats,
every numeric figure with its public source or an explicit, marked assumption.

Catalog files are YAML documents with top-level sections ``sources``, ``radars``,
``missiles``, ``launchers``, ``systems`` and ``threats``, each a mapping from a catalog key
(e.g. ``91N6E``) to an entry. A figure is written either as a mapping

    ref_range_m: {value: 600000, source: [S400-SPUTNIK-AR, S400-ALMANAR-16]}
    revisit_s:   {value: 10, assumed: true, rationale: "6 rpm, typical of long-range ..."}

so that no number enters a result without saying where it comes from. Units are in the
field names: SI (``_m``, ``_s``, ``_mps``, ``_m2``, ``_w``, ``_usd``) except angles, which
are in degrees (``_deg``) because a catalog file is an edge of the program; the engine
converts them once when it builds its arrays.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "AntiRadiation",
    "Catalog",
    "CatalogFile",
    "CommandPost",
    "Figure",
    "LauncherEntry",
    "LauncherGroup",
    "MissileEntry",
    "IffFigures",
    "ModelFigures",
    "ThreatEvaluationFigures",
    "ClassificationFigures",
    "FlyoutFigures",
    "OverrideRecord",
    "RadarEntry",
    "RcsBand",
    "Source",
    "SystemEntry",
    "ThreatClass",
    "ThreatEntry",
    "THREAT_CLASSES",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


ThreatClass = Literal[
    "aircraft", "stealth_aircraft", "cruise_missile", "ballistic_missile", "drone"
]
THREAT_CLASSES: tuple[str, ...] = (
    "aircraft",
    "stealth_aircraft",
    "cruise_missile",
    "ballistic_missile",
    "drone",
)


class Source(_Strict):
    """A public source: a URL or a document reference, and what it says."""

    url: str | None = None
    description: str


class Figure(_Strict):
    """One number (or a [min, max] pair) with its provenance.

    Either ``source`` names one or more keys of the catalog's ``sources`` section, or
    ``assumed`` is true and ``rationale`` says in one line why this value was chosen.
    ``value`` is the value used by the simulation; ``published`` may hold the published
    range or figure when ``value`` is a choice inside it. ``range`` ([low, high], in the
    figure's unit, holding ``value``) is the span the figure could take: the published
    spread, or for an assumption the modeller's stated bounds; sensitivity studies vary
    the figure over it (``iads.study.kinds.sensitivity``).
    """

    value: float
    source: list[str] = Field(default_factory=list)
    assumed: bool = False
    rationale: str | None = None
    published: str | None = None
    range: list[float] | None = Field(default=None, min_length=2, max_length=2)

    @model_validator(mode="after")
    def _provenance(self) -> Figure:
        if self.assumed and not self.rationale:
            raise ValueError("an assumed figure needs a one-line 'rationale'")
        if not self.assumed and not self.source:
            raise ValueError(
                "a figure needs a 'source' (keys of the 'sources' section) "
                "or 'assumed: true' with a 'rationale'"
            )
        if self.range is not None and not self.range[0] <= self.value <= self.range[1]:
            raise ValueError(
                f"'range' must be [low, high] with low <= value <= high; got {self.range} "
                f"for value {self.value:g}"
            )
        return self


class RadarEntry(_Strict):
    """A radar. Detection is modelled from a reference range at a reference RCS
    (``ref_range_m`` at ``ref_rcs_m2`` with probability ``ref_pd``), the form in which
    public figures exist; the full radar equation is used when power and gain are given."""

    name: str
    role: Literal["surveillance", "multifunction", "fire_control", "low_altitude"]
    band: str | None = None
    ref_range_m: Figure
    ref_rcs_m2: Figure
    ref_pd: Figure | None = None
    pfa: Figure | None = None
    instrumented_range_m: Figure
    revisit_s: Figure
    min_elevation_deg: Figure | None = None
    max_elevation_deg: Figure | None = None
    antenna_height_m: Figure | None = None
    range_sigma_m: Figure
    angle_sigma_deg: Figure
    n_tracked: Figure | None = None
    n_engaged: Figure | None = None
    peak_power_w: Figure | None = None
    gain_db: Figure | None = None
    frequency_hz: Figure | None = None
    # Optional radar-equation, resolution and scheduling figures (iads.sensors); when
    # absent, the documented defaults of docs/sensors.md apply and are listed as assumptions.
    pulse_width_s: Figure | None = None
    bandwidth_hz: Figure | None = None
    noise_figure_db: Figure | None = None
    losses_db: Figure | None = None
    n_pulses: Figure | None = None
    sidelobe_level_db: Figure | None = None
    beamwidth_az_deg: Figure | None = None
    beamwidth_el_deg: Figure | None = None
    range_resolution_m: Figure | None = None
    range_rate_sigma_mps: Figure | None = None
    search_revisit_s: Figure | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _positive_cells(self) -> RadarEntry:
        # Resolution cells divide the search volume: a zero or negative one has no meaning.
        for name in ("beamwidth_az_deg", "beamwidth_el_deg", "range_resolution_m"):
            f = getattr(self, name)
            if f is not None and not f.value > 0:
                raise ValueError(f"'{name}' must be > 0; got {f.value}")
        return self


class MissileEntry(_Strict):
    """An interceptor: its engagement envelope, kinematics, Pk by threat class, cost."""

    name: str
    min_range_m: Figure
    max_range_m: Figure
    min_altitude_m: Figure
    max_altitude_m: Figure
    mean_speed_mps: Figure
    max_speed_mps: Figure | None = None
    max_target_speed_mps: Figure
    pk: dict[ThreatClass, Figure]
    unit_cost_usd: Figure | None = None
    # Terminal guidance (docs/sead.md): semi-active, command and track-via-missile
    # interceptors need their unit's engagement radar radiating until intercept; an
    # active seeker (or an unknown guidance) does not.
    guidance: Literal["active_radar", "semi_active", "command", "track_via_missile"] | None = (
        None
    )
    notes: str | None = None


class LauncherEntry(_Strict):
    """A launcher type: how many missiles of which type it carries and its reload time."""

    name: str
    missile: str
    missiles_per_launcher: Figure
    reload_s: Figure | None = None


class LauncherGroup(_Strict):
    """A number of launchers of one type inside a system."""

    launcher: str
    count: Figure


class CommandPost(_Strict):
    name: str
    reaction_time_s: Figure


class SystemEntry(_Strict):
    """A fire unit (battery / battalion) as its components, by catalog key."""

    name: str
    country: str | None = None
    radars: list[str]
    optional_radars: list[str] = Field(
        default_factory=list,
        description="radars a scenario unit may add with 'extra_radars' (e.g. low-band "
        "surveillance radars attached to the unit); not part of the unit by default",
    )
    command_post: CommandPost
    launchers: list[LauncherGroup]
    fire_channels: Figure
    notes: str | None = None


class RcsBand(_Strict):
    """How a threat's RCS varies with the radar's frequency (``iads.sensors.rcs.
    band_rcs_db``, docs/sensors.md "RCS by band"). The ``rcs_*_m2`` figures hold at
    ``reference_frequency_hz``. A shaped low-observable airframe gives
    ``shaping_limit_hz`` (below it the shaping loses effect and the RCS grows as
    ``(limit / f)^low_band_exponent``, at most ``low_band_max_m2``); a body that can be
    small against the wavelength gives ``size_m`` (its largest dimension: the equivalent
    sphere's diameter, for the Rayleigh roll-off)."""

    reference_frequency_hz: Figure
    shaping_limit_hz: Figure | None = None
    low_band_exponent: Figure | None = None
    low_band_max_m2: Figure | None = None
    size_m: Figure | None = None

    @model_validator(mode="after")
    def _shaping_complete(self) -> RcsBand:
        given = [f is not None for f in (self.shaping_limit_hz, self.low_band_exponent)]
        if any(given) and not all(given):
            raise ValueError("'shaping_limit_hz' and 'low_band_exponent' go together")
        for name in ("reference_frequency_hz", "shaping_limit_hz", "low_band_max_m2", "size_m"):
            f = getattr(self, name)
            if f is not None and not f.value > 0:
                raise ValueError(f"'{name}' must be > 0; got {f.value}")
        if self.low_band_exponent is not None and not 0 <= self.low_band_exponent.value <= 4:
            raise ValueError(
                f"'low_band_exponent' must be in [0, 4]; got {self.low_band_exponent.value}"
            )
        return self


class AntiRadiation(_Strict):
    """The figures of an anti-radiation missile (docs/sead.md): its passive seeker (the
    carrier fires at the emitters this seeker detects), its homing accuracy on an emitter
    that radiates and on one that went silent, and its warhead's effect on a radar."""

    seeker_sensitivity_dbm: Figure  # weakest main-beam signal the seeker detects [dBm]
    seeker_gain_db: Figure  # receive antenna gain [dBi]
    min_frequency_hz: Figure  # frequency coverage of the seeker
    max_frequency_hz: Figure
    max_launch_range_m: Figure  # the carrier fires only inside this range of the emitter
    homing_sigma_m: Figure  # per-axis miss while the emitter radiates to the end
    bearing_sigma_deg: Figure  # angle error of the seeker's last fix when the emitter stops
    ins_drift_mps: Figure  # inertial velocity error while it flies on its memory
    lethal_radius_m: Figure  # a radar this close is destroyed
    damage_radius_m: Figure  # a radar this close is damaged: out of action for the run


class ThreatEntry(_Strict):
    """A threat type: class, RCS by aspect (and by band), speeds, altitude profile, range,
    cost.

    A decoy (MALD-class) names the entry it imitates in ``imitates``: radars see the
    imitated entry's RCS (its signature augmentation, by band too), and it flies the
    imitated entry's class of flight at its cruise speed and altitude, capped by the
    decoy's own ``max_speed_mps`` and ``max_load_factor`` (docs/sead.md). Its own
    ``threat_class`` (its airframe) sets the interceptors' Pk against it.
    """

    name: str
    threat_class: ThreatClass
    rcs_front_m2: Figure
    rcs_side_m2: Figure | None = None
    rcs_rear_m2: Figure | None = None
    swerling: int = Field(default=1, ge=0, le=4)
    rcs_band: RcsBand | None = None
    cruise_speed_mps: Figure
    max_speed_mps: Figure | None = None
    cruise_altitude_m: Figure
    min_altitude_m: Figure | None = None
    max_altitude_m: Figure | None = None
    range_m: Figure | None = None
    max_load_factor: Figure | None = None
    unit_cost_usd: Figure | None = None
    anti_radiation: AntiRadiation | None = None  # set for anti-radiation missiles
    imitates: str | None = Field(
        default=None, min_length=1, description="catalog key of the threat a decoy imitates"
    )
    notes: str | None = None


# Model figures: the constants of iads's own first-order models that drive results (IFF
# error rates, threat-evaluation weights, the classifier's boxes, the flyout's terminal
# basket), held in ``iads/catalog/data/model.yaml`` with their provenance like every
# catalog figure and overridable by path (``c2.iff.p_hostile_declared_friend``).


class IffFigures(_Strict):
    """The identification chain (``iads.c2.iff``): per sortie, the transponder failure
    and the procedural errors; per look, the reply probability; the looks before a
    track with no valid reply is identified by procedural means."""

    p_transponder_failure: Figure
    p_reply: Figure
    looks_to_declare: Figure
    look_period_s: Figure
    p_friend_declared_hostile_without_iff: Figure
    p_hostile_declared_friend: Figure
    prior_hostile: Figure


class ClassWeights(_Strict):
    """Threat-evaluation weight of each threat class and of the unknown hypothesis."""

    aircraft: Figure
    stealth_aircraft: Figure
    cruise_missile: Figure
    ballistic_missile: Figure
    drone: Figure
    unknown: Figure


class ThreatEvaluationFigures(_Strict):
    """Threat evaluation (``iads.c2.threat``)."""

    class_weight: ClassWeights
    unaimed_fraction: Figure


class ClassificationFigures(_Strict):
    """The kinematic classifier's boxes and update (``iads.c2.classify``)."""

    speed_low_fraction: Figure
    aircraft_speed_low_fraction: Figure
    ballistic_apogee_fraction: Figure
    ballistic_speed_low_fraction: Figure
    aero_climb_fraction: Figure
    memory: Figure
    decide_p: Figure


class C2Figures(_Strict):
    iff: IffFigures
    threat: ThreatEvaluationFigures
    classify: ClassificationFigures


class FlyoutFigures(_Strict):
    """Interceptor flyout (``iads.weapons.flyout``)."""

    seeker_basket_m: Figure
    max_flight_time_factor: Figure


class WeaponsFigures(_Strict):
    flyout: FlyoutFigures


class BehaviourFigures(_Strict):
    """Reactive aircraft (``iads.threats.behaviour``) and stores released at a point
    (``iads.engine.release``)."""

    reaction_s: Figure
    clear_s: Figure
    release_radius_m: Figure


class ModelFigures(_Strict):
    """Every model figure, by group: ``c2``, ``weapons`` and ``behaviour`` (of the
    threats: ``iads.threats.behaviour``; not ``threats``, the catalog section's name)."""

    c2: C2Figures
    weapons: WeaponsFigures
    behaviour: BehaviourFigures


class OverrideRecord(_Strict):
    """One figure set by path (``iads.catalog.overrides``): the path as written, the
    catalog path it resolved to, the value before and after, and where it was set."""

    path: str
    canonical: str
    old: float | int | str | bool | None
    new: float | int | str | bool
    origin: str | None = None


class CatalogFile(_Strict):
    """One catalog YAML document (the built-in one, or a user's overriding file)."""

    sources: dict[str, Source] = Field(default_factory=dict)
    radars: dict[str, RadarEntry] = Field(default_factory=dict)
    missiles: dict[str, MissileEntry] = Field(default_factory=dict)
    launchers: dict[str, LauncherEntry] = Field(default_factory=dict)
    systems: dict[str, SystemEntry] = Field(default_factory=dict)
    threats: dict[str, ThreatEntry] = Field(default_factory=dict)
    # Model figures, merged figure by figure over the files (validated as a whole, as
    # ModelFigures, once merged).
    model: dict[str, Any] = Field(default_factory=dict)


class Catalog(CatalogFile):
    """The merged catalog (built-in files, then user files overriding by key), with its
    cross-references checked: every source key, radar, launcher and missile named exists.
    ``overrides`` lists the figures set by path since (``iads.catalog.overrides``)."""

    model: ModelFigures  # type: ignore[assignment]
    overrides: tuple[OverrideRecord, ...] = ()
