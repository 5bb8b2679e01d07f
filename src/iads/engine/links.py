"""Command posts, data links and lost radars at run time: how the defense's network comes
apart under attack (docs/sead.md, "Command posts and data links").

A fire unit in a network decides on the network's picture (``rs.decision[u]``,
``iads.engine.picture``) through two modelled nodes: its own **command post** (its
data-link terminal; a defender's ``command_post``) and the **network's command post**
(its fusion and fire-control centre; a network's ``command_post``). A node is out of
action while one of its ``outages`` windows lasts (a what-if), and for good once a
warhead arrives within its ``kill_radius_m``: a strike's impact at its target
(``impact``) or an anti-radiation missile's impact point. While either node of a unit is
out, the unit is **autonomous**: it tracks on its own radars and decides on its own
picture (battle management forms decision groups from ``rs.decision`` every step, so it
decides alone); when both are back it rejoins. Nodes that are not modelled are never
lost.

- Measurement fusion: the unit's radars stop feeding the network's tracker and feed a
  tracker of its own, which starts empty at the switch (the network's plots went to the
  centre; the battery builds its own tracks from its radars' next scans). Rejoining, its
  radars feed the network's tracker again. When the network's post is lost every member
  falls back and the shared picture is fed no more.
- Track fusion: the unit kept its own tracker all along; it decides on it, and the
  network's fused picture is rebuilt without its tracks (``TrackFusion.cut``).

Interceptors in flight keep the picture they were fired on (``RunState.fire_picture``):
their guidance comes from the firing unit's engagement radar, not through the link.

A radar out of action for good (``destroyed``: an ARM, or a strike's impact within the
unit's ``radar_kill_radius_m``) leaves the picture it fed: the tracks that no live radar
of that picture can look at (inside its instrumented range and 4/3-earth horizon) are
dropped at once (``track_deleted``, reason ``sensor_lost``): their only source is gone.
Tracks that a live radar covers are kept; that radar updates them or books their misses.

Every change is logged: ``command_post_lost`` (``details.cause``: ``destroyed`` or
``outage``), ``command_post_restored``, ``link_lost`` and ``link_restored`` per unit
(``details.reason``: whose post). The summary's ``sead.autonomous_s`` is derived from
them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from iads.c2.network import TrackFusion
from iads.geo import geodetic_to_ecef
from iads.geo.horizon import K_STANDARD
from iads.geo.wgs84 import MEAN_RADIUS_M
from iads.state import Emission, Picture, RunState, lla
from iads.tracking import empty_tracks

__all__ = ["Links", "destroy_radar", "link_assumptions", "next_change_s", "setup_links",
           "update_links", "warhead_arrival"]  # fmt: skip


@dataclass
class Links:
    """The modelled command posts: one row per post (units' first, then networks'), and
    per unit whether it decides on its network's picture now."""

    name: tuple[str, ...]  # "<unit> command post" / "<network> command post"
    unit: NDArray[np.int64]  # (p,) the unit whose post it is, -1: a network's
    network: NDArray[np.int64]  # (p,) the network whose post it is, -1: a unit's
    pos_ecef_m: NDArray[np.float64]  # (p, 3)
    kill_radius_m: NDArray[np.float64]  # (p,)
    outages: tuple[NDArray[np.float64], ...]  # per post (k, 2) [start, end) windows
    destroyed_t_s: NDArray[np.float64]  # (p,) NaN: standing
    up: NDArray[np.bool_]  # (p,) in action now (as last logged)
    linked: NDArray[np.bool_]  # (u,) deciding on its network's picture
    radar_kill_radius_m: NDArray[np.float64]  # (r,) strike kill radius, NaN: none
    network_picture: list[Picture | None] = field(default_factory=list)  # per network
    fusion: list[TrackFusion | None] = field(default_factory=list)  # per network


def link_assumptions(sc: Any) -> list[dict[str, Any]]:
    """The figures a run with modelled command posts depends on, as assumed-figure rows
    (entry, field, value, rationale) for its summary: each post's kill radius, and the
    fallback model."""
    posts = [(f"{d.name} command post", d.command_post) for d in sc.defenders
             if d.enabled and d.command_post is not None]
    posts += [(f"{n.name} command post", n.command_post) for n in sc.networks
              if n.command_post is not None]  # fmt: skip
    if not posts:
        return []
    rows = [{"entry": name, "field": "kill_radius_m", "value": cp.kill_radius_m,
             "rationale": "a warhead arriving this close destroys the post (assumed "
             "vulnerability of a shelter and its vehicles; docs/sead.md)"}
            for name, cp in posts]  # fmt: skip
    rows.append({"entry": "links", "field": "fallback", "value": "own radars, empty start",
                 "rationale": "a unit that loses its link tracks on its own radars from an "
                 "empty picture (measurement fusion) and decides alone (docs/sead.md)"})
    return rows


def setup_links(rs: RunState) -> None:
    """Set ``rs.links`` when the scenario models a command post or a radar's strike
    vulnerability (else leave it None: the run takes the code path it took before).
    Call after ``setup_pictures``."""
    b = rs.built
    sc = b.scenario
    defenders = [d for d in sc.defenders if d.enabled]
    units, ra = b.units, b.radars
    rows = [(u, -1, d.command_post, f"{d.name} command post")
            for u, d in enumerate(defenders) if d.command_post is not None]
    rows += [(-1, k, n.command_post, f"{n.name} command post")
             for k, n in enumerate(sc.networks) if n.command_post is not None]  # fmt: skip
    kill = np.array([np.nan if defenders[int(u)].radar_kill_radius_m is None
                     else defenders[int(u)].radar_kill_radius_m for u in ra.unit], dtype=float)
    if not rows and not np.isfinite(kill).any():
        return
    pos = np.zeros((len(rows), 3))
    for k, (u, _, cp, _) in enumerate(rows):
        if cp.position is None:
            pos[k] = units.pos_ecef_m[u]
        else:
            pos[k] = np.array(geodetic_to_ecef(cp.position.lat, cp.position.lon,
                                               cp.position.alt_m))  # fmt: skip
    pictures: list[Picture | None] = []
    fusions: list[TrackFusion | None] = []
    for k in range(len(b.network_names)):
        members = np.flatnonzero(units.network == k)
        tf = next((f for f in rs.fusions if members.size and f.members[0] == members[0]), None)
        fusions.append(tf)
        pictures.append(rs.decision[int(members[0])] if members.size else None)
    rs.links = Links(
        name=tuple(r[3] for r in rows),
        unit=np.array([r[0] for r in rows], dtype=np.int64),
        network=np.array([r[1] for r in rows], dtype=np.int64),
        pos_ecef_m=pos,
        kill_radius_m=np.array([r[2].kill_radius_m for r in rows], dtype=float),
        outages=tuple(np.array(r[2].outages, dtype=float).reshape(-1, 2) for r in rows),
        destroyed_t_s=np.full(len(rows), np.nan),
        up=np.ones(len(rows), bool),
        linked=units.network >= 0,
        radar_kill_radius_m=kill,
        network_picture=pictures,
        fusion=fusions,
    )
    if rs.emission is None and np.isfinite(kill).any():
        rs.emission = Emission.new(ra.n)  # radars a strike may destroy: their state


def _in_outage(lk: Links, t_s: float) -> NDArray[np.bool_]:
    return np.array([bool(np.any((w[:, 0] <= t_s) & (t_s < w[:, 1]))) for w in lk.outages],
                    dtype=bool)  # fmt: skip


def next_change_s(rs: RunState, t_s: float) -> float:
    """The next outage boundary after ``t_s`` (inf: none), for the loop's step skipping."""
    lk = rs.links
    if lk is None or not lk.outages:
        return np.inf
    edges = np.concatenate([w.ravel() for w in lk.outages]) if lk.outages else np.empty(0)
    edges = edges[edges > t_s]
    return float(edges.min()) if edges.size else np.inf


def update_links(rs: RunState, t_s: float) -> None:
    """Bring the posts' state and every networked unit's link up to ``t_s``: log the
    outages that start or end and switch the units whose link changed."""
    lk = rs.links
    if lk is None:
        return
    out = _in_outage(lk, t_s)
    up = ~out & np.isnan(lk.destroyed_t_s)
    for p in np.flatnonzero(lk.up & ~up & out & np.isnan(lk.destroyed_t_s)):
        _log_post(rs, "command_post_lost", int(p), t_s, {"cause": "outage"})
    for p in np.flatnonzero(~lk.up & up):
        _log_post(rs, "command_post_restored", int(p), t_s, {})
    lk.up = up
    units = rs.built.units
    unit_up = np.ones(units.n, bool)
    net_up = np.ones(len(rs.built.network_names), bool)
    mine = lk.unit >= 0
    unit_up[lk.unit[mine]] = up[mine]
    net_up[lk.network[~mine]] = up[~mine]
    want = (units.network >= 0) & unit_up & net_up[np.maximum(units.network, 0)]
    for u in np.flatnonzero(want != lk.linked):  # a loop over the few units that switch
        reason = "network_command_post" if not net_up[units.network[u]] else "command_post"
        _switch(rs, int(u), bool(want[u]), t_s, reason)


def _switch(rs: RunState, u: int, link: bool, t_s: float, reason: str) -> None:
    """Unit ``u`` rejoins its network (``link``) or falls back to autonomous mode."""
    lk, b = rs.links, rs.built
    k = int(b.units.network[u])
    rs.former.setdefault(u, []).append((t_s, rs.decision[u]))
    tf, shared = lk.fusion[k], lk.network_picture[k]
    if tf is not None:  # track fusion: the unit's own tracker ran all along
        (tf.cut.discard if link else tf.cut.add)(u)
        rs.decision[u] = shared if link else rs.pictures[u]
        tf.update(rs.pictures, t_s)
    elif link:
        rs.pictures[u] = rs.decision[u] = shared
    else:  # measurement fusion: a tracker of its own, empty at the switch
        d = [d for d in b.scenario.defenders if d.enabled][u]
        own = Picture(d.tracker or shared.config, empty_tracks(d.tracker or shared.config))
        rs.pictures[u] = rs.decision[u] = own
    if not link:
        rs.decision[u].iff = bool(b.units.iff[u])
    lk.linked[u] = link
    lat, lon, h = lla(b.units.pos_ecef_m[u])
    details = {"network": b.network_names[k]}
    if not link:
        details |= {"reason": reason, "mode": "autonomous"}
    rs.log.add("link_restored" if link else "link_lost", t_s, unit_id=u, lat_deg=lat,
               lon_deg=lon, alt_m=h, details=[details])  # fmt: skip


def _log_post(rs: RunState, kind: str, p: int, t_s: float, details: dict,
              threat_id: int = -1) -> None:  # fmt: skip
    lk = rs.links
    lat, lon, h = lla(lk.pos_ecef_m[p])
    who = ({"unit": rs.built.units.names[int(lk.unit[p])]} if lk.unit[p] >= 0
           else {"network": rs.built.network_names[int(lk.network[p])]})  # fmt: skip
    rs.log.add(kind, t_s, threat_id=threat_id, unit_id=int(lk.unit[p]), lat_deg=lat,
               lon_deg=lon, alt_m=h, details=[{"post": lk.name[p], **who, **details}])  # fmt: skip


def warhead_arrival(rs: RunState, point_ecef_m: NDArray[np.float64], t_s: float,
                    threat_id: int, strike: bool) -> None:  # fmt: skip
    """A warhead arrives at ``point_ecef_m`` (3,) at ``t_s``: every standing command post
    within its kill radius is destroyed; with ``strike`` (an impact at a target, not an
    ARM, whose radar effects are its own) so is every radar within its unit's
    ``radar_kill_radius_m``. The links switch at the loop's next ``update_links``."""
    lk = rs.links
    if lk is None:
        return
    d = np.linalg.norm(lk.pos_ecef_m - point_ecef_m, axis=1)
    for p in np.flatnonzero(np.isnan(lk.destroyed_t_s) & (d <= lk.kill_radius_m)):
        lk.destroyed_t_s[p] = t_s
        lk.up[p] = False
        _log_post(rs, "command_post_lost", int(p), t_s,
                  {"cause": "destroyed", "distance_m": round(float(d[p]), 1)}, threat_id)
    if not strike or rs.emission is None:
        return
    ra = rs.built.radars
    dr = np.linalg.norm(ra.pos_ecef_m - point_ecef_m, axis=1)
    for r in np.flatnonzero(~rs.emission.lost & (dr <= lk.radar_kill_radius_m)):
        destroy_radar(rs, int(r), t_s, "destroyed", threat_id, cause="strike")


def destroy_radar(rs: RunState, r: int, t_s: float, effect: str, threat_id: int,
                  cause: str = "arm") -> None:  # fmt: skip
    """Radar ``r`` is out of action for the rest of the run (``effect``: destroyed or
    damaged): log ``radar_destroyed`` (and ``radar_off`` when it radiated), silence it,
    and drop from its picture the tracks no live radar of that picture covers."""
    em = rs.emission
    ra = rs.built.radars
    lat, lon = float(np.rad2deg(ra.lat_rad[r])), float(np.rad2deg(ra.lon_rad[r]))
    ids = dict(radar_id=r, unit_id=int(ra.unit[r]), lat_deg=lat, lon_deg=lon,
               alt_m=float(ra.height_m[r]))  # fmt: skip
    em.lost[r] = True
    detail = {"radar": ra.keys[r], "effect": effect}
    if cause != "arm":
        detail["cause"] = cause
    rs.log.add("radar_destroyed", t_s, threat_id=threat_id, details=[detail], **ids)
    if em.on[r]:
        em.on[r] = False
        em.off_since_s[r] = t_s
        rs.log.add("radar_off", t_s, details=[{"reason": "destroyed"}], **ids)
    _drop_uncovered(rs, int(ra.unit[r]), t_s)


def _drop_uncovered(rs: RunState, u: int, t_s: float) -> None:
    """Drop from unit ``u``'s tracking picture (its own, or its measurement network's)
    the tracks that no live radar feeding it covers, and refresh the fused picture of
    its track-fusion network."""
    if not rs.decision:
        return
    b = rs.built
    pic = rs.pictures[u]
    tr = pic.tracks
    if tr.n:
        feeders = [v for v in range(b.units.n) if rs.pictures[v] is pic]
        live = np.flatnonzero(np.isin(b.radars.unit, feeders) & ~rs.emission.lost)
        keep = _covered(rs, live, pic.at(t_s)[0])
        if not keep.all():
            gone = tr.ids[~keep]
            pic.tracks = tr.take(np.flatnonzero(keep))
            rs.log.add("track_deleted", t_s, track_id=gone, unit_id=u,
                       threat_id=pic.truth[gone],
                       details=[{"reason": "sensor_lost"}] * gone.size)  # fmt: skip
    for tf in rs.fusions:
        if u in tf.members:
            tf.update(rs.pictures, t_s)


def _covered(rs: RunState, radars: NDArray[np.int64], pos_ecef_m: NDArray) -> NDArray:
    """(m,) whether any of ``radars`` covers each point (m, 3): inside its instrumented
    range and the 4/3-earth radar horizon (Skolnik, Introduction to Radar Systems, 3rd
    ed., §8.4) of the antenna and the point's height."""
    m = pos_ecef_m.shape[0]
    if radars.size == 0 or m == 0:
        return np.zeros(m, bool)
    ra = rs.built.radars
    d = pos_ecef_m[None, :, :] - ra.pos_ecef_m[radars][:, None, :]  # (w, m, 3)
    enu = np.einsum("wij,wmj->wmi", ra.rot_enu[radars], d)
    rng_m = np.linalg.norm(enu, axis=-1)
    base = MEAN_RADIUS_M + ra.height_m[radars, None]
    h_t = np.sqrt(enu[..., 0] ** 2 + enu[..., 1] ** 2 + (base + enu[..., 2]) ** 2) - MEAN_RADIUS_M
    k_r = 2.0 * K_STANDARD * MEAN_RADIUS_M
    horizon = np.sqrt(k_r * np.maximum(ra.height_m[radars, None], 0.0)) + np.sqrt(
        k_r * np.maximum(h_t, 0.0))
    return np.any((rng_m <= ra.max_range_m[radars, None]) & (rng_m <= horizon), axis=0)
