"""Engagement footprints: the ground region from which a target of given speed and
altitude, flying straight toward a battery, can be engaged by one missile type now (its
PIP inside the envelope). Computed on a local east/north grid around the battery with the
vectorized PIP solver of ``iads.weapons.envelope``; ``plot_footprint`` draws it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from iads.catalog.schema import Catalog
from iads.errors import CatalogError, ParameterError
from iads.geo import enu_to_ecef, enu_to_ecef_vector, geodetic_to_ecef
from iads.weapons.envelope import MissileArrays, engagement_options

__all__ = ["Footprint", "footprint", "missile_arrays", "plot_footprint"]


def missile_arrays(catalog: Catalog, keys: list[str]) -> MissileArrays:
    """MissileArrays of catalog missile ``keys`` (SI; Pk by threat class)."""
    from iads.catalog.schema import THREAT_CLASSES

    for k in keys:
        if k not in catalog.missiles:
            raise CatalogError(f"unknown missile '{k}' (catalog missiles: "
                               f"{', '.join(sorted(catalog.missiles))})")
    ms = [catalog.missiles[k] for k in keys]

    def v(f, default=np.nan):
        return float(f.value) if f is not None else default

    return MissileArrays(
        keys=tuple(keys),
        min_range_m=np.array([v(m.min_range_m) for m in ms]),
        max_range_m=np.array([v(m.max_range_m) for m in ms]),
        min_alt_m=np.array([v(m.min_altitude_m) for m in ms]),
        max_alt_m=np.array([v(m.max_altitude_m) for m in ms]),
        speed_mps=np.array([v(m.mean_speed_mps) for m in ms]),
        max_target_speed_mps=np.array([v(m.max_target_speed_mps) for m in ms]),
        pk=np.array([[v(m.pk.get(c), 0.0) for c in THREAT_CLASSES] for m in ms]),
        cost_usd=np.array([v(m.unit_cost_usd) for m in ms]),
    )


@dataclass(frozen=True)
class Footprint:
    """Launch-now region on an east/north grid [m] about the battery: ``inside`` (n, n)
    at ``east_m`` (n,) × ``north_m`` (n,) (rows: north), with the intercept ranges [m]."""

    east_m: NDArray[np.float64]
    north_m: NDArray[np.float64]
    inside: NDArray[np.bool_]
    intercept_range_m: NDArray[np.float64]
    missile: str
    target_speed_mps: float
    target_alt_m: float


def footprint(
    missiles: MissileArrays,
    lat_deg: float,
    lon_deg: float,
    target_speed_mps: float,
    target_alt_m: float,
    extent_m: float | None = None,
    n: int = 201,
) -> Footprint:
    """The footprint of the first missile type of ``missiles`` for a battery at
    (``lat_deg``, ``lon_deg``, 0 m) against a target at ``target_alt_m`` [m] flying
    level toward the battery at ``target_speed_mps`` [m/s], on an n × n grid spanning
    ±``extent_m`` (default 1.3 × max range)."""
    if not (target_speed_mps >= 0 and np.isfinite(target_speed_mps)):
        raise ParameterError("target_speed_mps", target_speed_mps, "a speed >= 0", "footprint")
    if n < 3:
        raise ParameterError("n", n, "an integer >= 3", "footprint")
    ext = float(extent_m if extent_m is not None else 1.3 * missiles.max_range_m[0])
    axis = np.linspace(-ext, ext, n)
    e, nn = np.meshgrid(axis, axis)
    r = np.hypot(e, nn)
    pos = np.stack(enu_to_ecef(e, nn, np.full_like(e, target_alt_m), lat_deg, lon_deg, 0.0), -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ue, un = np.where(r > 0, -e / r, 0.0), np.where(r > 0, -nn / r, 0.0)
    vel = np.stack(enu_to_ecef_vector(ue, un, np.zeros_like(ue), lat_deg, lon_deg), -1)
    launcher = np.array(geodetic_to_ecef(lat_deg, lon_deg, 0.0))
    one = MissileArrays(*(getattr(missiles, f)[:1] for f in ("keys", "min_range_m",
                        "max_range_m", "min_alt_m", "max_alt_m", "speed_mps",
                        "max_target_speed_mps", "pk", "cost_usd")))
    opt = engagement_options(one, launcher, pos.reshape(-1, 3),
                             target_speed_mps * vel.reshape(-1, 3))
    rng = np.linalg.norm(opt.pip_ecef_m[:, 0] - launcher, axis=-1)
    return Footprint(
        axis, axis, opt.inside[:, 0].reshape(n, n), rng.reshape(n, n), one.keys[0],
        float(target_speed_mps), float(target_alt_m),
    )


def plot_footprint(
    fp: Footprint,
    out: Path,
    title: str,
    horizons_m: dict[str, float] | None = None,
    seen: NDArray[np.bool_] | None = None,
    detection_m: dict[str, tuple[float, float]] | None = None,
) -> Path:
    """Draw ``fp`` (km axes) to an image: the kinematic launch-now region (outlined), a
    dashed ring per radar at the range of its 4/3-earth horizon against the target
    (``horizons_m``: label -> range [m]), and, when ``seen`` (n, n) is given (where the
    radars detect the target on ``fp``'s grid), that region outlined and its intersection
    with the kinematic region shaded, with a ring per radar at its first-detection range
    (``detection_m``: label -> (outer, inner) [m]; NaN: never)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    fig, ax = plt.subplots(figsize=(6.8, 6.4), dpi=120)
    km = 1e-3
    x, y = fp.east_m * km, fp.north_m * km
    handles = []
    kin = fp.inside.astype(float)
    if seen is None:
        ax.contourf(x, y, kin, levels=[0.5, 1.5], colors=["tab:blue"], alpha=0.35)
        handles.append(Patch(color="tab:blue", alpha=0.35,
                             label=f"launch now: {fp.missile} kinematics"))  # fmt: skip
    else:
        ax.contourf(x, y, kin, levels=[0.5, 1.5], colors=["tab:blue"], alpha=0.12)
        both = (fp.inside & seen).astype(float)
        ax.contourf(x, y, both, levels=[0.5, 1.5], colors=["tab:blue"], alpha=0.5)
        ax.contour(x, y, seen.astype(float), levels=[0.5], colors=["tab:red"],
                   linewidths=1.4)  # fmt: skip
        handles += [
            Patch(color="tab:blue", alpha=0.12, label=f"kinematic footprint ({fp.missile})"),
            Patch(fill=False, edgecolor="tab:red", lw=1.4,
                  label="radars see it (Pd >= 0.5, horizon incl.)"),
            Patch(color="tab:blue", alpha=0.5, label="seen and launchable now"),
        ]  # fmt: skip
    ax.contour(x, y, kin, levels=[0.5], colors=["tab:blue"], linewidths=1.0)
    ang = np.linspace(0.0, 2.0 * np.pi, 361)
    styles = ("--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 3)))
    for (label, r_m), ls in zip((horizons_m or {}).items(), styles, strict=False):
        (h,) = ax.plot(r_m * km * np.sin(ang), r_m * km * np.cos(ang), ls=ls, color="0.3",
                       lw=1.0, label=f"{label} horizon ({r_m * km:.0f} km)")  # fmt: skip
        handles.append(h)
    for (label, (r_m, _inner)), ls in zip((detection_m or {}).items(), styles, strict=False):
        if not np.isfinite(r_m):
            handles.append(Patch(fill=False, edgecolor="none", label=f"{label}: not seen"))
            continue
        (h,) = ax.plot(r_m * km * np.sin(ang), r_m * km * np.cos(ang), ls=ls, color="0.25",
                       lw=0.9, label=f"{label}: Pd >= 0.5 from {r_m * km:.0f} km")  # fmt: skip
        handles.append(h)
    (h,) = ax.plot([0], [0], "k^", ms=8, label="battery")
    handles.append(h)
    ax.set_aspect("equal")
    ax.set_xlabel("east [km]")
    ax.set_ylabel("north [km]")
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(handles=handles, loc="upper right", fontsize=7, framealpha=0.85)
    fig.tight_layout()
    out = Path(out)
    fig.savefig(out)
    plt.close(fig)
    return out
