"""The engagement map of one run: batteries with range rings, defended assets, and every
entity's path coloured by its outcome (``iads.engine.result.OUTCOMES``; friendly
aircraft apart), over coastlines and borders (lon/lat).

Every outcome draws, including none at all: a run with no threat launched, no unit
enabled, threats still flying at the end or routes of waypoints only gives a map.

Large raids stay readable (a saturation raid draws 1,000 paths or more): lines thin and
turn translucent as their number grows, so that overlapping paths show as density;
leakers are drawn last, on top; the legend counts every category; paths are thinned in
time to at most ``_MAX_POINTS`` points each; with many fire units their range rings fade
and their names shrink."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from iads.engine.result import Result
from iads.geo import ecef_to_geodetic_rad
from iads.report.airspace_layer import (
    draw_airspaces,
    draw_fine_borders,
    fine_borders_resolution,
)
from iads.report.basemap import draw_basemap, draw_range_ring
from iads.report.relief import draw_relief

__all__ = ["OUTCOME_COLORS", "map_categories", "plot_engagement"]

#: Colour of a path per map category: the hostile outcomes, then friendly aircraft
#: (``friendly``; ``friendly lost`` when our own interceptor killed it).
OUTCOME_COLORS = {
    "killed": "tab:green",
    "leaked": "tab:red",
    "survived": "tab:purple",
    "flying": "tab:orange",
    "not launched": "0.6",
    "friendly": "tab:blue",
    "friendly lost": "magenta",
    "neutral": "tab:olive",
    "neutral lost": "darkred",
}

#: Margin [deg] around what is drawn.
_PAD_DEG = 1.0
#: Points per drawn path at most (the truth is thinned in time to this).
_MAX_POINTS = 600
#: Above this many paths, lines thin and fade with their number.
_FEW_PATHS = 100
#: Drawing order: leakers and friendly losses last (on top).
_ORDER = {"leaked": 3, "friendly lost": 2, "survived": 1, "flying": 1}


def map_categories(result: Result) -> list[str]:
    """The map category (a key of :data:`OUTCOME_COLORS`) of every entity, indexed like
    ``threat_id``: the outcome of a hostile entity, ``friendly`` / ``friendly lost`` for
    friendly aircraft."""
    fates = result.fates()
    outcome = fates.outcome()
    side = ["neutral" if fates.neutral[i] else "friendly" for i in range(len(outcome))]
    return [
        o if fates.hostile[i] else (f"{side[i]} lost" if o == "killed" else side[i])
        for i, o in enumerate(outcome)
    ]


def _paths_lonlat(result: Result, max_drawn: int) -> tuple[list[np.ndarray], list[int]]:
    """Each drawn entity's path (k, 2) lon/lat [deg] from its appearance to its kill, the
    end of its route or the end of the run, and the entity index of each path."""
    tr = result.truth
    n_all = result.built.threats.n
    # Past max_drawn, evenly spaced entities (every k-th by id): every raid and wave is
    # sampled, not the first groups only.
    drawn = (np.arange(n_all) if n_all <= max_drawn
             else np.unique(np.linspace(0, n_all - 1, max_drawn).round().astype(np.int64)))
    n = drawn.size
    if n == 0 or tr.t_s.size == 0:
        return [], []
    kills = result.events_of("intercept")
    kill_t = np.full(result.built.threats.n, np.inf)
    np.minimum.at(
        kill_t, kills.column("threat_id").to_numpy(), kills.column("time_s").to_numpy()
    )
    # Thinned in time (every k-th sample), the last sample kept: at most _MAX_POINTS.
    k = max(1, -(-tr.t_s.size // _MAX_POINTS))
    rows = np.unique(np.r_[np.arange(0, tr.t_s.size, k), tr.t_s.size - 1])
    t_s = tr.t_s[rows]
    p = tr.samples(rows[:, None], drawn[None])[0]  # (rows, n, 3): the drawn samples only
    lat, lon, _ = ecef_to_geodetic_rad(p[..., 0], p[..., 1], p[..., 2])
    lat, lon = np.rad2deg(lat), np.rad2deg(lon)  # (n_rows, n)
    paths, who = [], []
    for c, i in enumerate(drawn.tolist()):  # a loop over the drawn paths (plotting edge)
        t0, t_end = float(tr.launch_t_s[i]), min(tr.end_t_s[i], kill_t[i], tr.t_s[-1])
        if not t_end > t0:
            continue
        sel = (t_s > t0) & (t_s < t_end)
        # from where the entity appeared to where it ended (kill, impact), not at the
        # samples around those times
        ends = np.array([tr.state_of([i], t)[0][0] for t in (t0, float(t_end))])
        e_lat, e_lon, _ = ecef_to_geodetic_rad(ends[:, 0], ends[:, 1], ends[:, 2])
        e_xy = np.rad2deg(np.column_stack([e_lon, e_lat]))
        paths.append(np.vstack([e_xy[:1], np.column_stack([lon[sel, c], lat[sel, c]]),
                                e_xy[1:]]))  # fmt: skip
        who.append(i)
    return paths, who


def _extent(points: list[np.ndarray]) -> tuple[tuple[float, float], tuple[float, float]]:
    """(lon, lat) ranges [deg] around ``points`` (each (k, 2) lon/lat), padded and kept in
    the map's bounds; the whole world when there is nothing to show."""
    pts = np.concatenate([p.reshape(-1, 2) for p in points]) if points else np.zeros((0, 2))
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    if pts.size == 0:
        return (-180.0, 180.0), (-90.0, 90.0)
    lon = (max(pts[:, 0].min() - _PAD_DEG, -180.0), min(pts[:, 0].max() + _PAD_DEG, 180.0))
    lat = (max(pts[:, 1].min() - _PAD_DEG, -90.0), min(pts[:, 1].max() + _PAD_DEG, 90.0))
    return lon, lat


def _draw_units(ax: Any, result: Result) -> None:
    b = result.built
    many = b.units.n > 6
    for u in range(b.units.n):
        site = (b.units.lon_deg[u], b.units.lat_deg[u])
        ax.plot(*site, marker="^", color="navy", ms=6 if many else 10, zorder=5)
        ax.annotate(b.units.names[u], site, textcoords="offset points", xytext=(5, -9),
                    fontsize=5 if many else 8, color="navy", zorder=7)  # fmt: skip
        for m in np.flatnonzero(b.units.stock0[u] > 0):
            r_m = float(b.missiles.max_range_m[m])
            if not (np.isfinite(r_m) and r_m > 0.0):
                continue
            draw_range_ring(ax, b.units.lat_deg[u], b.units.lon_deg[u], r_m, color="navy",
                            linewidth=0.5 if many else 0.8, linestyle="--",
                            alpha=0.25 if many else 0.6, zorder=4)  # fmt: skip


def _asset_lonlat(result: Result) -> np.ndarray:
    """(a, 2) lon/lat [deg] of the defended assets."""
    b = result.built
    if not b.asset_names:
        return np.zeros((0, 2))
    e = np.asarray(b.asset_ecef_m, float).reshape(-1, 3)
    lat, lon, _ = ecef_to_geodetic_rad(e[:, 0], e[:, 1], e[:, 2])
    return np.column_stack([np.rad2deg(lon), np.rad2deg(lat)])


def _draw_assets(ax: Any, result: Result, hits: dict[str, int]) -> None:
    for (alon, alat), name in zip(_asset_lonlat(result), result.built.asset_names, strict=True):
        ax.plot(alon, alat, marker="*", color="gold", mec="k", ms=14, zorder=6)
        ax.annotate(f"{name} ({hits.get(name, 0)} hits)", (alon, alat),
                    textcoords="offset points", xytext=(8, 6), fontsize=8)  # fmt: skip


def plot_engagement(result: Result, path: str | Path, *, max_threats_drawn: int = 2000) -> Path:
    """Write the engagement map of ``result`` to ``path`` (PNG) and return the path. At
    most ``max_threats_drawn`` entities are drawn (evenly spaced by ``threat_id``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    b = result.built
    s = result.summary()
    category = map_categories(result)
    fig, ax = plt.subplots(figsize=(10, 8), dpi=110)
    paths, who = _paths_lonlat(result, max_threats_drawn)
    n_p = len(paths)
    # Line width and opacity fall with the number of paths: overlaps read as density.
    lw = 1.2 if n_p <= _FEW_PATHS else max(0.25, 1.2 * np.sqrt(_FEW_PATHS / n_p))
    alpha = 1.0 if n_p <= _FEW_PATHS else max(0.15, np.sqrt(_FEW_PATHS / n_p))
    if paths:
        order = sorted(range(n_p), key=lambda j: _ORDER.get(category[who[j]], 0))
        paths, who = [paths[j] for j in order], [who[j] for j in order]
        colors = [OUTCOME_COLORS[category[i]] for i in who]
        ax.add_collection(LineCollection(paths, colors=colors, linewidths=lw, alpha=alpha,
                                         zorder=3))  # fmt: skip
    for cat, marker in (("killed", "x"), ("friendly lost", "x"), ("neutral lost", "x"),
                        ("leaked", "o")):
        ends = np.array([sg[-1] for sg, i in zip(paths, who, strict=True) if category[i] == cat])
        if ends.size:
            ax.scatter(ends[:, 0], ends[:, 1], marker=marker, c=OUTCOME_COLORS[cat],
                       s=30 if n_p <= _FEW_PATHS else 8, linewidths=1.0 if n_p <= _FEW_PATHS
                       else 0.6, alpha=min(1.0, 2 * alpha), zorder=4)  # fmt: skip
    _draw_units(ax, result)
    _draw_assets(ax, result, s["asset_hits"])
    sites = [np.column_stack([b.units.lon_deg, b.units.lat_deg]), _asset_lonlat(result)]
    lon_rng, lat_rng = _extent(paths + sites)
    coarse = fine_borders_resolution(lon_rng, lat_rng) is None  # else finer layers below
    draw_basemap(ax, lon_rng, lat_rng, borders=coarse, coastlines=coarse, land=coarse)
    draw_fine_borders(ax, lon_rng, lat_rng)
    draw_relief(ax, b.sensing.terrain if b.sensing is not None else None, lon_rng, lat_rng)
    spaces = draw_airspaces(ax, b.scenario)
    counts = {k: category.count(k) for k in OUTCOME_COLORS}
    handles = [Line2D([], [], color=c, label=f"{k} ({counts[k]:,})")
               for k, c in OUTCOME_COLORS.items() if counts[k]]  # fmt: skip
    if len(category) > n_p and b.threats.n > max_threats_drawn:
        handles.append(Line2D([], [], color="none",
                              label=f"{max_threats_drawn:,} of {b.threats.n:,} drawn (evenly)"))
    if b.units.n:
        handles.append(Line2D([], [], color="navy", ls="--", label="max range per missile type"))
    handles += [Line2D([], [], color=c, lw=1.3, label=f"airspace: {n}") for n, c in spaces]
    if handles:
        ax.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.9)
    tot = s["totals"]
    ax.set_title(
        f"{s['scenario']} — seed {s['seed']}: {tot['killed']} killed, {tot['leaked']} leaked, "
        f"{tot['survived']} survived, {tot['flying']} flying",
        fontsize=10,
    )
    path = Path(path)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path
