"""The battle-management stage of the engine. For every decision group (an autonomous fire
unit, or an integrated network deciding on its shared picture), from that picture only:

0. classification of the tracks updated since the last step (``iads.c2.classify``):
   class probabilities from the track's kinematics, revised at every update;
1. identification of the confirmed tracks still pending (``iads.c2.iff``): a look (IFF
   interrogation cued on the track, when the picture can interrogate the allied modes)
   every ``c2.iff.look_period_s``; a valid reply declares friend, enough looks
   without one lead to identification by procedural means, judged once per aircraft and
   sortie; false tracks included (a false track answers no IFF interrogation);
2. threat evaluation (``iads.c2.threat``): expected value and urgency of each track over
   its class probabilities;
3. the tracks the doctrine lets be engaged now: confirmed for the unit's reaction time,
   declared hostile, no engagement of the group still in flight on it (look before
   shooting again, in shoot-look-shoot and shoot-shoot-look alike), fewer engagements so
   far than the doctrine's maximum, weapons free;
4. envelopes: the PIP of every (track, unit, missile type) and whether it lies inside
   (``iads.weapons.envelope``), Pk from the catalog times the probability that the
   terminal phase corrects the aim error the track leaves (track covariance at the PIP);
5. weapon-target assignment over the group (``iads.c2.engage``) within fire channels
   (missiles guided at once per engagement radar), ready missiles on launchers above the
   reserve, and salvo sizes by threat class;
6. the launches: launchers empty (and reload), interceptors take the air.

A track that no real object made is engaged like any other when it looks hostile (the
interceptors fired at it are lost, ``iads.weapons.stage``). The scenario setting
``perfect_classification`` restores the truth-reading shortcut: tracks no real object
made are never engaged and every track's class is its object's true class.
"""

from __future__ import annotations

import numpy as np

from iads.c2 import _jit, _jit_decide
from iads.c2.classify import (
    FLOOR_ALT_M,
    FLOOR_CLIMB_MPS,
    FLOOR_SPEED_MPS,
    HYPOTHESES,
    UNKNOWN,
    UNKNOWN_BOX,
    decided_class,
    features,
    log_likelihood,
    update_log_posterior,
)
from iads.c2.engage import assign_engagements
from iads.c2.iff import HOSTILE, PENDING, identify, p_hostile_declared, sortie_state
from iads.c2.threat import threat_values
from iads.state.run import Picture, RunState, lla
from iads.tracking.base import TrackStatus
from iads.weapons.envelope import acquisition_probability, engagement_options

__all__ = ["battle_management", "lift_holds"]

#: ``TrackStatus.CONFIRMED`` as a plain int: ``TrackSet.confirmed`` compares the int8
#: status with the enum member, ~4 us a call of enum machinery.
_CONFIRMED = int(TrackStatus.CONFIRMED)


def battle_management(rs: RunState, t_s: float) -> None:
    """Decide and log this step's launches for every decision group (the engine has set up
    the decision pictures and magazines before the first step)."""
    perfect = rs.built.scenario.settings.perfect_classification
    step = None  # what the groups share, made when one has a confirmed track
    for group in _groups(rs):
        pic = group[0]
        tr = pic.tracks
        if tr.ids.shape[0] == 0:  # most steps of a quiet picture: nothing to do
            continue
        if not perfect:
            classify_tracks(rs, pic)
        if not tr.status.any():  # no confirmed track: nothing to engage
            continue
        if step is None:
            step = _Step(rs, t_s)
        _decide(rs, group, t_s, step)


class _Step:
    """This step's interceptors in flight (k,) and ready missiles (units, types), computed
    on first use: most steps no group needs the ready missiles."""

    __slots__ = ("_inflight", "_ready", "rs", "t_s")

    def __init__(self, rs: RunState, t_s: float) -> None:
        self.rs, self.t_s = rs, t_s
        self._inflight = self._ready = None

    @property
    def inflight(self) -> np.ndarray:
        if self._inflight is None:
            self._inflight = self.rs.interceptors.in_flight()
        return self._inflight

    @property
    def ready(self) -> np.ndarray:
        if self._ready is None:
            rs = self.rs
            self._ready = rs.magazines.ready(self.t_s, rs.stock.shape)
        return self._ready


def _groups(rs: RunState) -> list[tuple[Picture, np.ndarray, np.ndarray, int, float]]:
    """The decision groups: (picture, its units (k,), whether each unit is one of them
    (units,), the doctrine's most engagements per track over its units, the shortest
    reaction time [s] of its units not holding fire, inf if none) in the order of their
    first unit, kept while the decision pictures stay the same objects."""
    key = tuple(map(id, rs.decision))
    cached = rs.cache.get("c2.groups")
    if cached is not None and cached[0] == key:
        return cached[1]
    groups: dict[int, list[int]] = {}
    for u in range(rs.built.units.n):
        groups.setdefault(id(rs.decision[u]), []).append(u)
    out = []
    for m in groups.values():
        member = np.zeros(rs.built.units.n, bool)
        member[m] = True
        members = np.array(m)
        units = rs.built.units
        most = int(units.max_engagements[members].max())
        firing = members[~units.hold_fire[members]]
        react = float(units.reaction_s[firing].min()) if firing.size else np.inf
        out.append((rs.decision[m[0]], members, member, most, react))
    rs.cache["c2.groups"] = (key, out)
    return out


def classify_tracks(rs: RunState, pic: Picture) -> None:
    """Update the class posteriors of the tracks of ``pic`` measured since their last
    classification (one fading-memory Bayesian update each, ``iads.c2.classify``)."""
    tr = pic.tracks
    if tr.n == 0:
        return
    ids = tr.ids
    lib = rs.built.threat_library
    if _jit.ENABLED:
        rows = _jit.rows_due(tr.last_update_t_s, pic.class_t_s, ids)
        if rows.size == 0 or _jit.classify_rows(
            rows, ids, tr.x, tr.P, tr.last_update_t_s, pic.class_logp, pic.class_t_s, lib,
            _FLOOR_SQ, _UNKNOWN_LIK,
        ):  # fmt: skip
            return
    last = pic.class_t_s[ids]
    rows = np.flatnonzero(~(tr.last_update_t_s <= last))  # NaN: never classified
    if rows.size == 0:
        return
    tid = ids[rows]
    x, sigma = features(tr.position[rows], tr.velocity[rows], tr.P[rows])
    ll = log_likelihood(lib, x, sigma)
    pic.class_logp[tid] = update_log_posterior(
        pic.class_logp[tid], ll, np.isnan(last[rows]), lib.memory
    )
    pic.class_t_s[tid] = tr.last_update_t_s[rows]


#: The squared floors of the feature errors and the unknown hypothesis's likelihood, as
#: ``classify.log_likelihood`` computes them (the compiled path's constants).
_FLOOR_SQ = np.array([FLOOR_SPEED_MPS, FLOOR_ALT_M, FLOOR_CLIMB_MPS]) ** 2
_UNKNOWN_LIK = float(
    np.prod(1.0 / (np.array([b[1] for b in UNKNOWN_BOX]) - np.array([b[0] for b in UNKNOWN_BOX])))
)


def _class_probabilities(rs: RunState, pic: Picture, tids: np.ndarray) -> np.ndarray:
    """Class probabilities (c, 6) of tracks ``tids`` over ``HYPOTHESES``: the picture's
    posteriors, or (``perfect_classification``) one-hot on the true class."""
    if rs.built.scenario.settings.perfect_classification:
        out = np.zeros((tids.size, len(HYPOTHESES)))
        out[np.arange(tids.size), rs.built.threats.klass[pic.truth[tids]]] = 1.0
        return out
    return np.exp(pic.class_logp[tids])


def _identify(rs: RunState, pic: Picture, t_s: float) -> None:
    """Look at the pending confirmed tracks of ``pic`` not looked at in the last
    ``c2.iff.look_period_s`` (an interrogation cued on the track) and declare those the
    look decides
    (``iads.c2.iff.identify``). The IFF reply comes from the object the track follows
    (the transponder answers, a physical signal); its procedural judgement is the
    aircraft's sortie draw (``iads.c2.iff.sortie_state``), so a broken and re-formed track
    on the same aircraft is judged the same way again. A track that no real object made
    replies to no interrogation, like a hostile (with ``perfect_classification`` such
    tracks are skipped)."""
    b = rs.built
    rates = b.catalog.model.c2.iff
    th = b.threats
    if rs.sortie_iff is None:
        rs.sortie_iff = sortie_state(np.asarray(th.transponder, bool), rs.rng["iff"], rates)
    tr = pic.tracks
    if _jit_decide.ENABLED:
        new = _jit_decide.looks_due(
            tr.status, tr.ids, pic.ident, pic.truth, pic.look_t_s, float(t_s),
            rates.look_period_s.value - 1e-9, b.scenario.settings.perfect_classification,
        )  # fmt: skip
    else:
        ids = tr.ids[tr.status == _CONFIRMED]
        keep = pic.ident[ids] == PENDING
        if b.scenario.settings.perfect_classification:
            keep &= pic.truth[ids] >= 0
        ids = ids[keep]
        if ids.size == 0:
            return
        last = pic.look_t_s[ids]
        due = np.isnan(last) | (t_s - last >= rates.look_period_s.value - 1e-9)
        new = ids[due]
    if new.size == 0:
        return
    j = pic.truth[new]
    real = j >= 0
    jj = np.where(real, j, 0)
    sortie = rs.sortie_iff
    # A neutral is no hostile but never answers the unit's military IFF (its transponder
    # flag is False): identified by procedural means, like a friend without IFF.
    ident, looks = identify(
        pic.looks[new],
        pic.iff,
        real,
        real & th.hostile[jj] if th.n else np.zeros(new.size, bool),
        real & sortie.replies[jj] if th.n else np.zeros(new.size, bool),
        sortie.procedural_u[jj] if th.n else np.zeros(new.size),
        rs.rng["iff"],
        rates,
    )
    pic.looks[new] = looks
    pic.look_t_s[new] = t_s
    pic.ident[new] = ident
    pic.p_hostile[new] = np.where(ident == HOSTILE, p_hostile_declared(pic.iff, rates), 0.0)


def lift_holds(pic: Picture) -> None:
    """Kill assessment (``Picture.dead``): lift the hold on the tracks a measurement has
    updated since their interceptor's intercept time (the look found the object still
    flying). The compiled doctrine test does the same in its loop."""
    ids = pic.tracks.ids
    seen = pic.dead[ids] & (pic.tracks.last_update_t_s > pic.assess_t_s[ids])
    pic.dead[ids[seen]] = False


def _decide(
    rs: RunState,
    group: tuple[Picture, np.ndarray, np.ndarray, int, float],
    t: float,
    step: _Step,
) -> None:
    """Identify, then engage: the launches of one decision group (``_groups``) at ``t``
    [s] on its picture, if any."""
    b, icp = rs.built, rs.interceptors
    pic, members, member, most, react = group
    units = b.units
    tr = pic.tracks
    ids = tr.ids
    perfect = b.scenario.settings.perfect_classification
    # Identification goes on whether or not the group can fire now.
    _identify(rs, pic, t)
    inflight = step.inflight
    if _jit_decide.ENABLED:
        # The doctrine's test first: at most steps no track passes it (each hostile
        # track has an engagement in flight, or a track just declared hostile waits out
        # the reaction time), and it is the cheaper.
        on = inflight
        if on.size and rs.former:
            mine = on[member[icp.unit[on]]]
            on = mine[rs.fired_on(mine, pic)]
        rows = _jit_decide.eligible_rows(
            tr.status, ids, pic.dead, pic.assess_t_s, tr.last_update_t_s, pic.shots, most,
            pic.ident, pic.truth, perfect, on,
            icp.unit, icp.track_id, member, tr.confirmed_t_s, float(t), react,
        )  # fmt: skip
        if rows.size == 0:
            return
    firing = members[~units.hold_fire[members]]
    avail = step.ready[firing] - units.reserve[firing, None]  # (f, m)
    if rs.emission is not None and b.missiles.needs_radar is not None:
        # No launch of radar-guided interceptors while the unit's engagement radar is silent.
        silent = ~rs.guiding()[firing]
        avail = np.where(silent[:, None] & b.missiles.needs_radar[None, :], 0, avail)
    mine = inflight[member[icp.unit[inflight]]]
    busy = np.bincount(icp.unit[mine], minlength=units.n)  # guided missiles per unit
    free = units.fire_channels[firing] - busy[firing].astype(np.int64)
    if firing.size == 0 or not np.any((free[:, None] > 0) & (avail > 0)):
        return
    if not _jit_decide.ENABLED:
        lift_holds(pic)
        eligible = (
            (tr.status == _CONFIRMED)
            & ~pic.dead[ids]
            & (pic.shots[ids] < most)
            & (pic.ident[ids] == HOSTILE)
        )
        if mine.size:  # look before shooting again: no new engagement while one flies
            on = icp.track_id[mine[rs.fired_on(mine, pic)]]  # this picture's
            eligible &= ~(ids[:, None] == on).any(axis=1)  # np.isin without its per-call cost
        if perfect:
            eligible &= pic.truth[ids] >= 0
        if not eligible.any():
            return
        rows = np.flatnonzero(eligible)
    age = t - tr.confirmed_t_s[rows]
    if _jit_decide.ENABLED:
        # Every track still inside the reaction time of every unit that could fire: each
        # unit's Pk would be zeroed below, so no launch (the values and envelopes are
        # pure: skipping them changes nothing). Most decisions past the eligibility test
        # end here: a track just declared hostile waits out the reaction time.
        can = (free > 0) & (avail > 0).any(axis=1)
        if not (~(age[:, None] < units.reaction_s[firing[can]][None, :])).any():
            return
    tids = ids[rows]
    pos, vel = pic.at(t)
    pos, vel = pos[rows], vel[rows]
    class_p = _class_probabilities(rs, pic, tids)  # (c, 6)
    klass = np.argmax(class_p[:, :UNKNOWN], axis=1)  # most probable class: salvo size
    values, rank, _ = threat_values(
        pos, vel, class_p, pic.p_hostile[tids], b.asset_ecef_m, b.asset_value,
        b.catalog.model.c2.threat,
    )  # fmt: skip
    pk_class = expected_pk(b.missiles.pk, class_p)  # (c, m)
    # Track error at the PIP: isotropic per-axis variance of position + τ·velocity.
    P = tr.P[rows]
    var_p = np.trace(P[:, :3, :3], axis1=1, axis2=2) / 3.0
    var_v = np.trace(P[:, 3:6, 3:6], axis1=1, axis2=2) / 3.0
    n_m = b.missiles.n
    basket_m = b.catalog.model.weapons.flyout.seeker_basket_m.value
    ground = _ground(rs)  # floors above ground
    pk_rows, salvo_rows, w_unit, w_type, w_avail, geo = [], [], [], [], [], []
    for fi, u in enumerate(firing):  # a loop over the few units of one group
        if free[fi] <= 0:
            continue
        opt = engagement_options(b.missiles, units.pos_ecef_m[u], pos, vel, ground=ground)
        sigma = np.sqrt(var_p[:, None] + opt.tof_s**2 * var_v[:, None])
        with np.errstate(invalid="ignore"):
            acq = acquisition_probability(np.where(opt.inside, sigma, 0.0), basket_m)
        pk = np.where(opt.inside, pk_class * acq, 0.0)  # (c, m)
        pk[age < units.reaction_s[u]] = 0.0
        for m in range(n_m):
            if avail[fi, m] > 0 and np.any(pk[:, m] > 0):
                pk_rows.append(pk[:, m])
                salvo_rows.append(units.salvo_by_class[u, klass])
                w_unit.append(fi)
                w_type.append(m)
                w_avail.append(int(avail[fi, m]))
                geo.append(opt)
    if not pk_rows:
        return
    plan = assign_engagements(
        values,
        rank,
        np.array(pk_rows),
        np.array(salvo_rows, dtype=np.int64),
        np.array(w_avail, dtype=np.int64),
        np.array(w_unit, dtype=np.int64),
        free,
    )
    for w, c, n in zip(plan.weapon, plan.target, plan.n_shots, strict=True):
        u, m = int(firing[w_unit[w]]), int(w_type[w])
        opt = geo[w]
        _launch(rs, pic, u, m, int(n), int(tids[c]), opt.pip_ecef_m[c, m], float(opt.tof_s[c, m]),
                t, class_p[c])  # fmt: skip


def _ground(rs: RunState):
    """The terrain under the weapons' altitude floors (None: sea level): the run's model,
    or its compiled lookup (``_jit.CompiledTerrain``, the same heights)."""
    b = rs.built
    terrain = b.sensing.terrain if b.sensing is not None else None
    if terrain is None or not (_jit.ENABLED and _jit.CompiledTerrain.applies(terrain)):
        return terrain
    cached = rs.cache.get("c2.ground")
    if cached is None or cached.terrain is not terrain:
        cached = rs.cache["c2.ground"] = _jit.CompiledTerrain(terrain)
    return cached


def expected_pk(pk_by_class: np.ndarray, class_p: np.ndarray) -> np.ndarray:
    """Expected single-shot Pk (c, m) of each missile type against each track: the
    catalog's Pk (m, n_classes) averaged over the track's class probabilities (c, 6); the
    unknown hypothesis takes the type's mean Pk over the classes."""
    return class_p[:, :UNKNOWN] @ pk_by_class.T + class_p[:, UNKNOWN:] * pk_by_class.mean(1)


def _launch(
    rs: RunState,
    pic: Picture,
    u: int,
    m: int,
    n: int,
    track_id: int,
    aim: np.ndarray,
    tof: float,
    t: float,
    class_p: np.ndarray,
) -> None:
    """Fire a salvo of ``n`` missiles of type ``m`` from unit ``u`` at a track."""
    b = rs.built
    rs.magazines.fire(u, m, n, t)
    rs.stock[u, m] -= n
    pic.shots[track_id] += 1
    speed = float(b.missiles.speed_mps[m])
    margin = b.catalog.model.weapons.flyout.max_flight_time_factor.value
    start = np.repeat(b.units.pos_ecef_m[u][None], n, 0)
    new = rs.interceptors.launch(
        t,
        np.full(n, u),
        np.full(n, m),
        np.full(n, track_id),
        start,
        np.repeat(aim[None], n, 0),
        np.full(n, speed),
        np.full(n, margin * b.missiles.max_range_m[m] / speed),
    )
    lat, lon, h = lla(start)
    target = int(pic.truth[track_id])  # scoring only: the object the track follows
    detail = {
        "missile": b.missiles.keys[m],
        "tof_s": round(tof, 3),
        "salvo": n,
        "class": HYPOTHESES[int(decided_class(class_p[None], b.threat_library.decide_p)[0])],
        "p_class": round(float(class_p.max()), 3),
    }
    if target >= 0 and b.threats.decoy[target]:
        detail["on_decoy"] = True  # an interceptor spent on a decoy (docs/results.md)
    rs.log.add(
        "launch",
        t,
        unit_id=u,
        track_id=track_id,
        interceptor_id=new,
        threat_id=target,
        lat_deg=lat,
        lon_deg=lon,
        alt_m=h,
        details=[detail] * n,
    )
