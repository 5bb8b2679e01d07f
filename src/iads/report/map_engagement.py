"""The engagement map of one run: batteries with range rings, defended assets, and every
threat's path coloured by its outcome, over coastlines and borders (lon/lat)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from iads.engine.result import Result
from iads.geo import ecef_to_geodetic_rad
from iads.report.basemap import draw_basemap, draw_range_ring

__all__ = ["OUTCOME_COLORS", "plot_engagement"]

OUTCOME_COLORS = {
    "killed": "tab:green",
    "leaked": "tab:red",
    "flying": "tab:orange",
    "not launched": "0.6",
}


def plot_engagement(result: Result, path: str | Path, *, max_threats_drawn: int = 2000) -> Path:
    """Write the engagement map of ``result`` to ``path`` (PNG) and return the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    b = result.built
    s = result.summary()
    tr = result.truth
    outcome = [t["outcome"] for t in s["threats"]]
    end_t = {
        int(i): float(t)
        for i, t in zip(
            result.events.column("threat_id").to_numpy(),
            result.events.column("time_s").to_numpy(),
            strict=True,
        )
    }
    kills = result.events_of("intercept")
    kill_t = dict(
        zip(kills.column("threat_id").to_pylist(), kills.column("time_s").to_pylist(), strict=True)
    )
    del end_t
    lat, lon, _ = ecef_to_geodetic_rad(
        tr.pos_ecef_m[..., 0], tr.pos_ecef_m[..., 1], tr.pos_ecef_m[..., 2]
    )
    lat, lon = np.rad2deg(lat), np.rad2deg(lon)  # (n_t, n)
    fig, ax = plt.subplots(figsize=(10, 8), dpi=110)
    segs, colors = [], []
    for i in range(min(b.threats.n, max_threats_drawn)):
        t_end = min(tr.end_t_s[i], kill_t.get(i, np.inf), tr.t_s[-1])
        sel = (tr.t_s >= tr.launch_t_s[i]) & (tr.t_s <= t_end)
        if sel.sum() < 2:
            continue
        segs.append(np.column_stack([lon[sel, i], lat[sel, i]]))
        colors.append(OUTCOME_COLORS[outcome[i]])
        if outcome[i] == "killed":
            ax.plot(lon[sel, i][-1], lat[sel, i][-1], marker="x", color="tab:green", ms=6)
    ax.add_collection(LineCollection(segs, colors=colors, linewidths=1.2, zorder=3))
    for u in range(b.units.n):
        ax.plot(b.units.lon_deg[u], b.units.lat_deg[u], marker="^", color="navy", ms=10, zorder=5)
        ax.annotate(
            b.units.names[u],
            (b.units.lon_deg[u], b.units.lat_deg[u]),
            textcoords="offset points",
            xytext=(6, -12),
            fontsize=8,
            color="navy",
        )
        carried = b.units.stock0[u] > 0
        for m in np.flatnonzero(carried):
            draw_range_ring(
                ax,
                b.units.lat_deg[u],
                b.units.lon_deg[u],
                float(b.missiles.max_range_m[m]),
                color="navy",
                linewidth=0.8,
                linestyle="--",
                alpha=0.6,
                zorder=4,
            )
    for a, name in enumerate(b.asset_names):
        alat, alon = (np.rad2deg(x) for x in ecef_to_geodetic_rad(*b.asset_ecef_m[a])[:2])
        ax.plot(alon, alat, marker="*", color="gold", mec="k", ms=14, zorder=6)
        ax.annotate(
            f"{name} ({s['asset_hits'][name]} hits)",
            (alon, alat),
            textcoords="offset points",
            xytext=(8, 6),
            fontsize=8,
        )
    all_lon = np.concatenate([sg[:, 0] for sg in segs] + [b.units.lon_deg])
    all_lat = np.concatenate([sg[:, 1] for sg in segs] + [b.units.lat_deg])
    pad = 1.0
    draw_basemap(
        ax, (all_lon.min() - pad, all_lon.max() + pad), (all_lat.min() - pad, all_lat.max() + pad)
    )
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=c, label=f"{k} ({outcome.count(k)})")
        for k, c in OUTCOME_COLORS.items()
        if outcome.count(k)
    ]
    handles += [Line2D([], [], color="navy", ls="--", label="max range per missile type")]
    ax.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.9)
    ax.set_title(
        f"{s['scenario']} — seed {s['seed']}: {s['totals']['killed']} killed, "
        f"{s['totals']['leaked']} leaked, {s['totals']['flying']} flying",
        fontsize=10,
    )
    path = Path(path)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path
