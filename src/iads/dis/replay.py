"""A run as a time-ordered list of DIS PDUs: Entity State PDUs for every defense unit,
threat and interceptor, Fire PDUs at launches, Detonation PDUs where flights end.

Entity ids (site, application, entity): site ``site`` (1 by default); application 1 for
defense units (entity = unit id + 1), 2 for threats (threat id + 1), 3 for interceptors
(interceptor id + 1). Event ids: (site, application of the firer, running number from 1);
a Detonation carries the event id of the Fire it ends.

What each entity's PDUs hold (see ``iads.dis.schedule`` for when they are issued):

- defense unit: its position, static (dead reckoning "static"), every heartbeat;
- threat: the samples of ``truth.parquet``; a last PDU at its end (the intercept or
  impact event's time) marked destroyed and deactivated: at an impact the event's
  position, at an intercept the truth extrapolated from the last sample (dead reckoning
  over less than one sample interval);
- interceptor: the flight rebuilt by ``iads.report.flyout_tracks`` (straight line at
  constant speed from launch to end), sampled on the truth grid, a last PDU at its end.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

from iads.dis import codec
from iads.dis.entity_types import (
    DETONATION_RESULT,
    DR_FVW,
    DR_STATIC,
    FORCE_FRIENDLY,
    FORCE_NEUTRAL,
    FORCE_OPPOSING,
    KIND_MUNITION,
    EntityType,
    defense_type,
    interceptor_type,
    threat_type,
)
from iads.dis.run_tables import RunTables
from iads.dis.schedule import HEARTBEAT_S, acceleration, body_axes, euler_angles
from iads.dis.states import (
    APP_DEFENSE,
    APP_INTERCEPTOR,
    APP_THREAT,
    EntityStates,
    interceptor_states,
    schedule,
    threat_states,
)
from iads.errors import InputError, ParameterError
from iads.geo import geodetic_to_ecef
from iads.report.flyout_tracks import interceptor_flights

__all__ = [
    "APP_DEFENSE",
    "APP_INTERCEPTOR",
    "APP_THREAT",
    "DEFAULT_START_UTC",
    "DisOptions",
    "Timeline",
    "dis_timeline",
]

#: Default wall-clock time of the run's t = 0 (the top of an hour, so DIS timestamps
#: read as run time modulo one hour).
DEFAULT_START_UTC = datetime(2000, 1, 1, tzinfo=UTC)

# PDU status: LVC indicator (bits 1-2) = 3, constructive simulation.
PDU_STATUS = 3 << 1

# Sort order of PDUs at one instant: a launch's Fire before the munition's first state,
# a Detonation before the final state of the entities it ends.
_ORDER_FIRE, _ORDER_STATE, _ORDER_DETONATION, _ORDER_FINAL = 0, 1, 2, 3


@dataclass(frozen=True)
class DisOptions:
    """Options of the DIS export: exercise id, site id, the UTC time of t = 0."""

    exercise_id: int = 1
    site: int = 1
    start_utc: datetime = DEFAULT_START_UTC

    def __post_init__(self) -> None:
        if not 1 <= self.exercise_id <= 255:
            raise ParameterError("exercise_id", self.exercise_id, "in 1..255", "DisOptions")
        if not 1 <= self.site <= 65534:
            raise ParameterError("site", self.site, "in 1..65534", "DisOptions")


@dataclass
class Timeline:
    """The PDUs of a run in time order: ``t_s`` (N,) run time [s], ``pdus`` (N,) bytes,
    ``pdu_type`` (N,); ``start_utc`` the wall-clock time of t = 0; ``notes`` what was
    left out and why."""

    t_s: NDArray[np.float64]
    pdus: list[bytes]
    pdu_type: NDArray[np.int64]
    start_utc: datetime
    notes: list[str] = field(default_factory=list)


def _ascii(name: str) -> bytes:
    """An entity marking: 11 ASCII characters (accents dropped)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore")
    return plain[:11]


def _eid(app: NDArray | int, number: NDArray | int, site: int) -> NDArray:
    """Entity (or event) ids (site, application, number); number 0 gives the null id
    0:0:0 ("no entity", "target unknown")."""
    n = np.atleast_1d(np.asarray(number, dtype=np.int64))
    if (n > 65534).any():
        raise InputError(
            f"the run has {int(n.max())} entities of one kind; DIS entity numbers are 16 bits "
            "(at most 65534 threats, interceptors or units)"
        )
    a = np.broadcast_to(np.asarray(app, dtype=np.int64), n.shape)
    out = np.zeros(n.shape, codec.ENTITY_ID)
    out["site"] = np.where(n > 0, site, 0)
    out["application"] = np.where(n > 0, a, 0)
    out["entity"] = np.maximum(n, 0)
    return out


def _set_type(dst: np.ndarray, types: list[EntityType], index: NDArray | None = None) -> None:
    """Write entity types into a structured ``ENTITY_TYPE`` array: ``types[index[i]]``
    into row i (``types[i]`` without an index)."""
    for name, col in zip(EntityType._fields, zip(*types, strict=True), strict=True):
        v = np.asarray(col)
        dst[name] = v if index is None else v[index]


def _entity_state_pdus(
    st: EntityStates,
    acc: NDArray[np.float64],
    types: dict[tuple[int, int], EntityType],
    forces: dict[tuple[int, int], int],
    markings: dict[tuple[int, int], bytes],
    dr: int,
    t_offset_s: float,
    opt: DisOptions,
) -> tuple[np.ndarray, NDArray[np.bool_]]:
    n = st.t_s.shape[0]
    r = np.zeros(n, codec.ENTITY_STATE)
    codec.header(r, codec.PDU_TYPE_ENTITY_STATE, st.t_s + t_offset_s, opt.exercise_id, PDU_STATUS)
    r["entity_id"] = _eid(st.app, st.entity, opt.site)
    # Per-entity fields: looked up once per entity, spread by index.
    uniq, inv = np.unique(np.stack([st.app, st.entity], axis=-1), axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    keys = [(int(a), int(e)) for a, e in uniq]
    r["force_id"] = np.array([forces[k] for k in keys], dtype=np.uint8)[inv]
    if n:
        tys = [types[k] for k in keys]
        _set_type(r["entity_type"], tys, inv)
        _set_type(r["alternative_entity_type"], tys, inv)
        r["marking"] = np.array([markings[k] for k in keys], dtype="S11")[inv]
    r["velocity_mps"] = st.vel
    r["location_m"] = st.pos
    r["orientation_rad"] = euler_angles(body_axes(st.pos, st.vel))
    r["appearance"] = st.appearance
    r["dr_algorithm"] = dr
    r["dr_acceleration_mps2"] = acc
    r["marking_charset"] = 1  # ASCII
    return r, st.forced


def dis_timeline(run: RunTables, options: DisOptions | None = None) -> Timeline:
    """Every PDU of the run ``run`` in time order (see the module docstring)."""
    opt = options or DisOptions()
    start = opt.start_utc.astimezone(UTC)
    t_off = start.minute * 60.0 + start.second + start.microsecond * 1e-6  # past the hour
    notes: list[str] = []
    parts: list[tuple[NDArray, NDArray, np.ndarray]] = []  # (t_s, order, records)

    # Defense units: static, one PDU per heartbeat.
    units = [u for u in run.units if u.pos_ecef_m is not None]
    for u in run.units:
        if u.pos_ecef_m is None:
            notes.append(f"unit {u.name!r} has no position in the run tables: not written")
    hb = np.arange(0.0, run.duration_s + 1e-9, HEARTBEAT_S)
    if units and hb.size:
        m = hb.size
        st = EntityStates(
            app=np.full(len(units) * m, APP_DEFENSE),
            entity=np.repeat([u.id + 1 for u in units], m),
            t_s=np.tile(hb, len(units)),
            pos=np.repeat(np.array([u.pos_ecef_m for u in units]), m, axis=0),
            vel=np.zeros((len(units) * m, 3)),
            forced=np.ones(len(units) * m, bool),
            appearance=np.zeros(len(units) * m, np.int64),
        )
        keys = {(APP_DEFENSE, u.id + 1): u for u in units}
        rec, _ = _entity_state_pdus(
            st,
            np.zeros((st.t_s.size, 3)),
            {k: defense_type(u.system) for k, u in keys.items()},
            dict.fromkeys(keys, FORCE_FRIENDLY),
            {k: _ascii(u.name) for k, u in keys.items()},
            DR_STATIC,
            t_off,
            opt,
        )
        parts.append((st.t_s, np.full(st.t_s.size, _ORDER_STATE), rec))

    # Threats.
    th_st, ends = threat_states(run)
    th_acc = acceleration(th_st.t_s, th_st.vel, th_st.entity[1:] == th_st.entity[:-1])
    klass = _threat_classes({str(e.get("type", "")) for e in run.threats})
    th_types, th_force, th_mark = {}, {}, {}
    for e in run.threats:
        k = (APP_THREAT, int(e["id"]) + 1)
        th_types[k] = threat_type(str(e.get("type", "")), klass.get(str(e.get("type", ""))))
        th_force[k] = (FORCE_NEUTRAL if e.get("neutral")
                       else FORCE_FRIENDLY if e.get("friendly") else FORCE_OPPOSING)  # fmt: skip
        th_mark[k] = _ascii(str(e.get("name", "")))
    keep = schedule(th_st, th_acc)
    sel = EntityStates(*(getattr(th_st, f)[keep] for f in EntityStates.__dataclass_fields__))
    rec, _ = _entity_state_pdus(sel, th_acc[keep], th_types, th_force, th_mark, DR_FVW, t_off, opt)
    order = np.where(sel.appearance != 0, _ORDER_FINAL, _ORDER_STATE)
    parts.append((sel.t_s, order, rec))

    # Threat missile launches (Fire) and impacts (Detonation); event numbers from 1.
    event_no = 0
    fire_parts, det_parts = [], []
    th_first = np.flatnonzero(np.insert(th_st.entity[1:] != th_st.entity[:-1], 0, True))
    th_first = th_first[th_first < th_st.t_s.size]
    th_event: dict[int, int] = {}
    for i in th_first:
        key = (APP_THREAT, int(th_st.entity[i]))
        ty = th_types.get(key)
        if ty is None or ty.kind != KIND_MUNITION:
            continue
        event_no += 1
        th_event[key[1]] = event_no
        f = np.zeros(1, codec.FIRE)
        codec.header(
            f, codec.PDU_TYPE_FIRE, th_st.t_s[i : i + 1] + t_off, opt.exercise_id, PDU_STATUS
        )
        f["firing_id"] = _eid(0, 0, 0)  # the launcher is not simulated
        f["target_id"] = _eid(0, 0, 0)
        f["munition_id"] = _eid(APP_THREAT, key[1], opt.site)
        f["event_id"] = _eid(APP_THREAT, _event(event_no), opt.site)
        f["location_m"] = th_st.pos[i]
        _set_type(f["descriptor"]["entity_type"], [ty])
        f["descriptor"]["quantity"] = 1
        f["velocity_mps"] = th_st.vel[i]
        fire_parts.append((th_st.t_s[i : i + 1], np.array([_ORDER_FIRE]), f))
    for tid, end in ends.items():
        if end["kind"] != "impact":
            continue
        key = (APP_THREAT, tid + 1)
        ty = th_types.get(key)
        if ty is None:
            continue
        munition = ty.kind == KIND_MUNITION
        if key[1] not in th_event:
            event_no += 1
            th_event[key[1]] = event_no
        d = np.zeros(1, codec.DETONATION)
        codec.header(
            d,
            codec.PDU_TYPE_DETONATION,
            np.array([end["time_s"]]) + t_off,
            opt.exercise_id,
            PDU_STATUS,
        )
        # A missile detonates itself; an aircraft's weapons (not simulated) detonate at
        # the asset: the aircraft fires, the munition is unknown.
        d["firing_id"] = _eid(0, 0, 0) if munition else _eid(APP_THREAT, key[1], opt.site)
        d["target_id"] = _eid(0, 0, 0)
        d["munition_id"] = _eid(APP_THREAT, key[1], opt.site) if munition else _eid(0, 0, 0)
        d["event_id"] = _eid(APP_THREAT, _event(th_event[key[1]]), opt.site)
        fin = (th_st.entity == key[1]) & (np.abs(th_st.t_s - end["time_s"]) < 1e-9)
        d["velocity_mps"] = th_st.vel[fin][0] if fin.any() else 0.0
        d["location_m"] = np.column_stack(
            geodetic_to_ecef(end["lat_deg"], end["lon_deg"], end["alt_m"])
        )
        if munition:
            _set_type(d["descriptor"]["entity_type"], [ty])
        d["descriptor"]["quantity"] = 1
        d["result"] = DETONATION_RESULT["impact"]
        det_parts.append((np.array([end["time_s"]]), np.array([_ORDER_DETONATION]), d))

    # Interceptors: states, Fire at launch, Detonation at the end.
    fl = interceptor_flights(run.events)
    if fl.n_unfinished:
        notes.append(
            f"{fl.n_unfinished} interceptor(s) still in flight at the end of the run: not written"
        )
    ic_st = interceptor_states(run, fl)
    ic_acc = np.zeros((ic_st.t_s.size, 3))
    ic_keys = {(APP_INTERCEPTOR, int(i) + 1): j for j, i in enumerate(fl.interceptor_id)}
    ic_types = {k: interceptor_type(fl.missile[j]) for k, j in ic_keys.items()}
    keep = schedule(ic_st, ic_acc)
    sel = EntityStates(*(getattr(ic_st, f)[keep] for f in EntityStates.__dataclass_fields__))
    rec, _ = _entity_state_pdus(
        sel,
        ic_acc[keep],
        ic_types,
        dict.fromkeys(ic_keys, FORCE_FRIENDLY),
        {k: _ascii(f"{fl.missile[j]} {fl.interceptor_id[j]}") for k, j in ic_keys.items()},
        DR_FVW,
        t_off,
        opt,
    )
    parts.append((sel.t_s, np.where(sel.appearance != 0, _ORDER_FINAL, _ORDER_STATE), rec))
    if fl.n:
        k = fl.n
        first_no = event_no + 1
        numbers = _event(first_no + np.arange(k))
        event_no += k
        v = fl.velocity_ecef_mps
        tys = [interceptor_type(m) for m in fl.missile]
        f = np.zeros(k, codec.FIRE)
        codec.header(f, codec.PDU_TYPE_FIRE, fl.launch_t_s + t_off, opt.exercise_id, PDU_STATUS)
        f["firing_id"] = _eid(APP_DEFENSE, fl.unit_id + 1, opt.site)
        f["target_id"] = _eid(
            APP_THREAT, np.where(fl.threat_id >= 0, fl.threat_id + 1, 0), opt.site
        )
        f["munition_id"] = _eid(APP_INTERCEPTOR, fl.interceptor_id + 1, opt.site)
        f["event_id"] = _eid(APP_DEFENSE, numbers, opt.site)
        f["location_m"] = fl.launch_ecef_m
        _set_type(f["descriptor"]["entity_type"], tys)
        f["descriptor"]["quantity"] = 1
        f["velocity_mps"] = v
        f["range_m"] = np.linalg.norm(fl.end_ecef_m - fl.launch_ecef_m, axis=-1)
        fire_parts.append((fl.launch_t_s, np.full(k, _ORDER_FIRE), f))

        d = np.zeros(k, codec.DETONATION)
        codec.header(d, codec.PDU_TYPE_DETONATION, fl.end_t_s + t_off, opt.exercise_id, PDU_STATUS)
        d["firing_id"] = f["firing_id"]
        target = np.where(fl.end_threat_id >= 0, fl.end_threat_id, fl.threat_id)
        d["target_id"] = _eid(APP_THREAT, np.where(target >= 0, target + 1, 0), opt.site)
        d["munition_id"] = f["munition_id"]
        d["event_id"] = f["event_id"]
        d["velocity_mps"] = v
        d["location_m"] = fl.end_ecef_m
        _set_type(d["descriptor"]["entity_type"], tys)
        d["descriptor"]["quantity"] = 1
        d["result"] = [
            DETONATION_RESULT["intercept" if kind == "intercept" else reason]
            if kind == "intercept" or reason in DETONATION_RESULT
            else 0
            for kind, reason in zip(fl.end_kind, fl.end_reason, strict=True)
        ]
        det_parts.append((fl.end_t_s, np.full(k, _ORDER_DETONATION), d))

    return _merge(parts + fire_parts + det_parts, start, notes)


def _event(n):
    """Event numbers (int or array) run 1..65535 and wrap (0 is not used)."""
    return (n - 1) % 65535 + 1


def _threat_classes(type_keys: set[str]) -> dict[str, str]:
    """Threat class of catalog types not in the DIS table (built-in catalog only: the run
    directory does not name user catalogs)."""
    from iads.dis.entity_types import THREAT_TYPES

    missing = {k for k in type_keys if k not in THREAT_TYPES}
    if not missing:
        return {}
    from iads.catalog import load_catalog

    cat = load_catalog(())
    out = {}
    for k in missing:
        entry = cat.threats.get(k) if hasattr(cat, "threats") else None
        if entry is not None:
            klass = getattr(entry, "threat_class", "")
            out[k] = str(getattr(klass, "value", klass))
    return out


def _merge(parts: list[tuple[NDArray, NDArray, np.ndarray]], start: datetime, notes) -> Timeline:
    t = np.concatenate([p[0] for p in parts]) if parts else np.empty(0)
    order = np.concatenate([p[1] for p in parts]) if parts else np.empty(0, np.int64)
    pdus: list[bytes] = []
    types: list[int] = []
    for _, _, rec in parts:
        pdus.extend(codec.encode(rec))
        types.extend([int(rec["header"]["pdu_type"][0])] * rec.shape[0] if rec.shape[0] else [])
    o = np.lexsort((np.arange(t.size), order, t))
    return Timeline(
        t_s=t[o],
        pdus=[pdus[i] for i in o],
        pdu_type=np.asarray(types, dtype=np.int64)[o],
        start_utc=start,
        notes=notes,
    )


def describe(tl: Timeline) -> dict[str, int]:
    """Counts of PDUs by type name, for the CLI's report."""
    names = {1: "entity_state", 2: "fire", 3: "detonation"}
    return {names[k]: int((tl.pdu_type == k).sum()) for k in (1, 2, 3)}
