"""Coverage analysis: the single-dwell detection probability of each radar of a scenario,
and of the network, over a longitude/latitude grid at a fixed target altitude and RCS.

Each grid point is a target at ``alt_m`` (raised over land as flights are, to at least
``ground + min(alt_m, 300 m)``: :func:`iads.sensors.terrain.flight_floor_m`) with a
constant mean RCS
(no aspect) and the chosen Swerling case, seen through the same chain as the engine
(:func:`iads.sensors.chain.evaluate_pairs`: coverage limits, 4/3-earth and terrain line of
sight, SNR, stand-off jamming, Pd). The network Pd is the probability that at least one
radar detects in one dwell each, ``1 - prod(1 - Pd_r)`` (independent radars).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from iads.errors import ParameterError
from iads.geo import destination_point_rad, geodetic_to_ecef
from iads.geo.wgs84 import MEAN_RADIUS_M
from iads.sensors.chain import PdBank, SensingWorld, evaluate_pairs
from iads.sensors.radar import RadarArrays
from iads.sensors.terrain import flight_floor_m

__all__ = [
    "Coverage",
    "RadialDetection",
    "coverage",
    "default_extent",
    "pd_at_points",
    "radial_detection",
    "write_coverage",
]

_CHUNK = 400_000  # grid points per radar evaluated at once (bounds memory, ~100 MB)


@dataclass(frozen=True)
class Coverage:
    """``lon_deg`` (nx,), ``lat_deg`` (ny,), ``pd`` (r, ny, nx) per radar, ``network``
    (ny, nx), and the radar keys (r,)."""

    lon_deg: NDArray[np.float64]
    lat_deg: NDArray[np.float64]
    pd: NDArray[np.float64]
    network: NDArray[np.float64]
    radar_keys: tuple[str, ...]
    rcs_m2: float
    alt_m: float


def default_extent(built, margin: float = 1.1, cap_m: float = 700e3) -> tuple[tuple, tuple]:
    """Lon/lat ranges [deg] covering every radar's instrumented range (capped at
    ``cap_m``) with a ``margin``."""
    ra = built.radars
    reach = np.minimum(ra.max_range_m, cap_m) * margin
    dlat = np.rad2deg(reach / 6.371e6)
    lat, lon = np.rad2deg(ra.lat_rad), np.rad2deg(ra.lon_rad)
    dlon = dlat / np.maximum(np.cos(ra.lat_rad), 0.05)
    return (
        (float(max(-180.0, np.min(lon - dlon))), float(min(180.0, np.max(lon + dlon)))),
        (float(max(-89.9, np.min(lat - dlat))), float(min(89.9, np.max(lat + dlat)))),
    )


def coverage(
    built,
    rcs_m2: float,
    alt_m: float,
    lon_range_deg: tuple[float, float] | None = None,
    lat_range_deg: tuple[float, float] | None = None,
    n: int = 500,
    swerling: int = 1,
) -> Coverage:
    """Pd of every radar of ``built`` (an :class:`iads.engine.Built`) on an ``n`` x ``n``
    grid over the given (or :func:`default_extent`) lon/lat ranges, for a target of mean
    RCS ``rcs_m2`` [m^2] at ``alt_m`` [m] above the ellipsoid."""
    func = "coverage"
    if not (np.isfinite(rcs_m2) and rcs_m2 > 0):
        raise ParameterError("rcs_m2", rcs_m2, "a finite RCS > 0 m^2", func)
    if not (np.isfinite(alt_m) and -500.0 <= alt_m <= 2e6):
        raise ParameterError("alt_m", alt_m, "a height in [-500, 2e6] m", func)
    if not (isinstance(n, int) and 2 <= n <= 5000):
        raise ParameterError("n", n, "an integer in [2, 5000]", func)
    if swerling not in (0, 1, 2, 3, 4):
        raise ParameterError("swerling", swerling, "one of 0, 1, 2, 3, 4", func)
    ext = default_extent(built)
    lon_r = lon_range_deg or ext[0]
    lat_r = lat_range_deg or ext[1]
    lon = np.linspace(lon_r[0], lon_r[1], n)
    lat = np.linspace(lat_r[0], lat_r[1], n)
    glat, glon = np.meshgrid(lat, lon, indexing="ij")
    pd = pd_at_points(built, glat.ravel(), glon.ravel(), alt_m, rcs_m2, swerling)
    pd = pd.reshape(built.radars.n, n, n)
    network = 1.0 - np.prod(1.0 - pd, axis=0)
    return Coverage(lon, lat, pd, network, built.radars.keys, float(rcs_m2), float(alt_m))


def pd_at_points(
    built,
    lat_deg: NDArray[np.float64],
    lon_deg: NDArray[np.float64],
    alt_m: float | NDArray[np.float64],
    rcs_m2: float,
    swerling: int = 1,
) -> NDArray[np.float64]:
    """Single-dwell Pd (r, p) of every radar of ``built`` against targets of mean RCS
    ``rcs_m2`` [m^2] (no aspect) at the points ``lat_deg``, ``lon_deg`` (p,) and
    ``alt_m`` [m] above the ellipsoid (a scalar or (p,)), raised over land as
    :func:`coverage` does; the engine's chain (:func:`iads.sensors.chain.evaluate_pairs`)
    with the scenario's terrain and stand-off jammers."""
    lat = np.asarray(lat_deg, dtype=float).ravel()
    lon = np.asarray(lon_deg, dtype=float).ravel()
    src = built.sensing
    h = np.broadcast_to(np.asarray(alt_m, dtype=float), lat.shape).copy()
    if src.terrain is not None:  # over land the target keeps its height above the ground
        ground = src.terrain(np.deg2rad(lat), np.deg2rad(lon))
        h = flight_floor_m(h, ground)
    pts = np.stack(geodetic_to_ecef(lat, lon, h), -1).reshape(-1, 3)
    # One pseudo-target row: the requested Swerling case, no self-screening jammer.
    world = SensingWorld(np.zeros((1, 3)), np.array([swerling]), src.pd_bank, src.terrain)
    world.soj_jn, world.soj_dir_enu = src.soj_jn, src.soj_dir_enu
    ra = built.radars
    pd = np.empty((ra.n, pts.shape[0]))
    zero_v = np.zeros((min(_CHUNK, pts.shape[0]), 3))
    rcs_db = np.full(zero_v.shape[0], 10.0 * np.log10(rcs_m2))
    for r in range(ra.n):  # a loop over radars; each is vectorized over the points
        for a in range(0, pts.shape[0], _CHUNK):
            p = pts[a : a + _CHUNK]
            k = p.shape[0]
            res = evaluate_pairs(ra, world, np.full(k, r), np.zeros(k, np.int64), p,
                                 zero_v[:k], rcs_db[:k])  # fmt: skip
            pd[r, a : a + k] = res.pd
    return pd


def write_coverage(cov: Coverage, path: str | Path) -> Path:
    """Write the grid to Parquet: one row per grid point with ``lon_deg``, ``lat_deg``,
    ``pd_<i>_<radar key>`` per radar and ``pd_network``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    glat, glon = np.meshgrid(cov.lat_deg, cov.lon_deg, indexing="ij")
    cols = {"lon_deg": glon.ravel(), "lat_deg": glat.ravel()}
    for i, key in enumerate(cov.radar_keys):
        cols[f"pd_{i}_{key}"] = cov.pd[i].ravel()
    cols["pd_network"] = cov.network.ravel()
    table = pa.table(cols).replace_schema_metadata(
        {"iads.coverage": f"rcs_m2={cov.rcs_m2} alt_m={cov.alt_m}"}
    )
    path = Path(path)
    pq.write_table(table, path)
    return path


@dataclass(frozen=True)
class RadialDetection:
    """Single-dwell Pd of each radar against a target flying radially (nose-on) at a fixed
    altitude: ``pd`` (r, m) at ``ground_range_m`` (m,), and ``first_detection_m`` (r,):
    the largest ground range from which, coming in, Pd stays >= ``pd_min`` down to
    ``inner_m`` (r,) (the smallest such range: the radar's elevation limit above it);
    NaN where the radar never reaches ``pd_min``. With a target speed, ``cumulative``
    (r, m): the probability that the radar has detected it at least once by the time it
    reaches each range, looking once per scan, and ``cumulative_m`` (r,): the largest
    range where that reaches ``pd_min`` (the median first-detection range of a run)."""

    ground_range_m: NDArray[np.float64]
    pd: NDArray[np.float64]
    first_detection_m: NDArray[np.float64]
    inner_m: NDArray[np.float64]
    pd_min: float
    cumulative: NDArray[np.float64] | None = None
    cumulative_m: NDArray[np.float64] | None = None


def radial_detection(
    radars: RadarArrays,
    bank: PdBank,
    rcs_db: NDArray[np.float64],
    swerling: int,
    alt_m: float,
    max_ground_range_m: float,
    n: int = 4001,
    pd_min: float = 0.5,
    speed_mps: float | None = None,
) -> RadialDetection:
    """Where each radar of ``radars`` detects (single dwell, Pd >= ``pd_min``) a target of
    mean RCS ``rcs_db`` [dBsm] (r,) (its RCS at each radar's band and aspect) at
    ``alt_m`` [m] above the ellipsoid, flying along the meridian north of the radar: the
    engine's chain (:func:`iads.sensors.chain.evaluate_pairs`: instrumented range,
    elevation limits, 4/3-earth horizon, SNR, Pd) on ``n`` ground ranges in
    (0, ``max_ground_range_m``], measured along the great circle of the mean earth radius.

    With ``speed_mps`` [m/s], also the cumulative detection probability of the target
    coming in at that ground speed: one independent look per scan (``radars.sweep_s``:
    the rotation, or a phased array's search frame), one of them at the range itself,
    ``P_cum(d) = 1 - prod_k (1 - Pd(d + u v T + k v T))`` averaged over the scan phase
    ``u ~ U(0, 1)`` (dwells independent, as in the engine's Swerling 1/3 scan-to-scan
    decorrelation); ranges beyond the grid add nothing.
    """
    func = "radial_detection"
    if not (np.isfinite(alt_m) and -500.0 <= alt_m <= 2e6):
        raise ParameterError("alt_m", alt_m, "a height in [-500, 2e6] m", func)
    if not (np.isfinite(max_ground_range_m) and max_ground_range_m > 0):
        raise ParameterError("max_ground_range_m", max_ground_range_m, "a range > 0 m", func)
    if not 0.0 < pd_min < 1.0:
        raise ParameterError("pd_min", pd_min, "a probability in (0, 1)", func)
    d = np.linspace(0.0, max_ground_range_m, n + 1)[1:]
    world = SensingWorld(np.zeros((1, 3)), np.array([swerling]), bank)
    pd = np.empty((radars.n, d.size))
    for r in range(radars.n):  # a loop over radars; each is vectorized over the ranges
        lat, lon = destination_point_rad(radars.lat_rad[r], radars.lon_rad[r], 0.0,
                                         d / MEAN_RADIUS_M)  # fmt: skip
        pos = np.stack(geodetic_to_ecef(np.rad2deg(lat), np.rad2deg(lon),
                                        np.full(d.size, alt_m)), -1)  # fmt: skip
        # Velocity toward the radar (nose-on); only its direction is used (aspect).
        vel = radars.pos_ecef_m[r] - pos
        res = evaluate_pairs(radars, world, np.full(d.size, r), np.zeros(d.size, np.int64),
                             pos, vel, np.full(d.size, float(rcs_db[r])))  # fmt: skip
        pd[r] = res.pd
    first = np.full(radars.n, np.nan)
    inner = np.full(radars.n, np.nan)
    for r in range(radars.n):
        ok = pd[r] >= pd_min
        if ok.any():
            k = np.flatnonzero(ok)[-1]  # farthest range seen, then inward while seen
            gaps = np.flatnonzero(~ok[:k])
            first[r], inner[r] = d[k], d[gaps[-1] + 1 if gaps.size else 0]
    cum = cum_m = None
    if speed_mps is not None:
        if not (np.isfinite(speed_mps) and speed_mps > 0):
            raise ParameterError("speed_mps", speed_mps, "a speed > 0 m/s", func)
        log_miss = np.log1p(-np.minimum(pd, 1.0 - 1e-15))  # (r, m)
        cum = np.empty_like(pd)
        for r in range(radars.n):  # a loop over radars; vectorized over ranges and looks
            step = speed_mps * float(radars.sweep_s[r])
            k = np.arange(int(np.ceil(max_ground_range_m / step)) + 1)[:, None]
            looks = np.interp(d[None, :] + k * step, d, log_miss[r], right=0.0)
            at_d = -np.expm1(looks.sum(axis=0))  # a look exactly at d
            # The scan phase is random: the last look before d is at d + u step, u ~ U(0, 1).
            u = (np.arange(16) + 0.5) / 16
            cum[r] = np.interp(d[None, :] + u[:, None] * step, d, at_d, right=0.0).mean(0)
        cum_m = np.array([d[np.flatnonzero(c >= pd_min)[-1]] if (c >= pd_min).any()
                          else np.nan for c in cum])  # fmt: skip
    return RadialDetection(d, pd, first, inner, float(pd_min), cum, cum_m)
