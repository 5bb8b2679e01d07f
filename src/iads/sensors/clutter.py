"""False alarms of a search radar: how many per scan and where.

First-order model: thermal-noise false alarms in a CFAR detector, independent from cell to
cell with probability ``Pfa`` each (Richards, *Fundamentals of Radar Signal Processing*,
ch. 6: Pfa per threshold test; the false-alarm count over ``n`` independent cells is
binomial, here its Poisson limit for small ``Pfa`` and large ``n``, Richards ch. 6 on
false-alarm rate). The number of resolution cells searched in one scan is

    n_cells = ceil((R_max - R_min) / dR) * ceil(az_extent / theta_az) * n_el,
    n_el = ceil(el_extent / theta_el)  (1 for a single elevation beam / fan beam),

cells partly inside the volume counting as whole cells. Because every cell has the same
Pfa, false alarms are uniform in *cell space*, i.e. uniform in (range, azimuth,
elevation) over the searched box -- not uniform in volume (a far range cell is larger in
metres but no more likely to false-alarm). Positions are drawn continuously inside the
box, not snapped to cell centres; the measurement model may add its own noise. Sea/land
clutter residues are not modelled here.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.errors import ParameterError

__all__ = ["FalseAlarms", "draw_false_alarms", "expected_false_alarms", "n_resolution_cells"]


class FalseAlarms(NamedTuple):
    """False alarms of one scan of ``n_radars`` radars, concatenated (``n`` in total).

    ``radar_index`` (n,) int: which radar (index into the broadcast parameter arrays);
    ``range_m`` (n,) [m]; ``az_rad`` (n,) azimuth in [0, 2 pi) in the radar's azimuth
    convention; ``el_rad`` (n,) elevation [rad].
    """

    radar_index: NDArray[np.intp]
    range_m: NDArray[np.float64]
    az_rad: NDArray[np.float64]
    el_rad: NDArray[np.float64]


def _arr(name: str, value: ArrayLike, func: str, lo: float, strict: bool) -> NDArray:
    a = np.asarray(value, dtype=float)
    ok = np.isfinite(a) & ((a > lo) if strict else (a >= lo))
    if not np.all(ok):
        raise ParameterError(name, value, f"finite values {'>' if strict else '>='} {lo:g}", func)
    return a


def n_resolution_cells(
    range_min_m: ArrayLike,
    range_max_m: ArrayLike,
    range_resolution_m: ArrayLike,
    az_extent_rad: ArrayLike,
    beamwidth_az_rad: ArrayLike,
    el_extent_rad: ArrayLike = 0.0,
    beamwidth_el_rad: ArrayLike = 1.0,
) -> NDArray[np.float64]:
    """Number of range-azimuth-elevation resolution cells searched per scan (see module
    docstring). ``az_extent_rad`` in (0, 2 pi]; ``el_extent_rad`` 0 means one elevation
    beam. Broadcasts; returns float counts (integral values)."""
    func = "n_resolution_cells"
    r0 = _arr("range_min_m", range_min_m, func, 0.0, False)
    r1 = _arr("range_max_m", range_max_m, func, 0.0, True)
    if np.any(r1 <= r0):
        raise ParameterError("range_max_m", range_max_m, "values > range_min_m", func)
    dr = _arr("range_resolution_m", range_resolution_m, func, 0.0, True)
    az = _arr("az_extent_rad", az_extent_rad, func, 0.0, True)
    if np.any(az > 2 * np.pi + 1e-12):
        raise ParameterError("az_extent_rad", az_extent_rad, "values in (0, 2 pi]", func)
    bw_az = _arr("beamwidth_az_rad", beamwidth_az_rad, func, 0.0, True)
    el = _arr("el_extent_rad", el_extent_rad, func, 0.0, False)
    bw_el = _arr("beamwidth_el_rad", beamwidth_el_rad, func, 0.0, True)
    # Tiny tolerance so that an exact multiple (e.g. 360 deg / 1 deg) is not rounded up.
    n_r = np.ceil((r1 - r0) / dr - 1e-9)
    n_az = np.ceil(az / bw_az - 1e-9)
    n_el = np.maximum(1.0, np.ceil(el / bw_el - 1e-9))
    return n_r * n_az * n_el


def expected_false_alarms(pfa: ArrayLike, n_cells: ArrayLike) -> NDArray[np.float64]:
    """Mean number of false alarms per scan, ``Pfa * n_cells`` (Poisson mean)."""
    p = np.asarray(pfa, dtype=float)
    if not np.all((p > 0) & (p < 1)):
        raise ParameterError("pfa", pfa, "values in (0, 1)", "expected_false_alarms")
    return p * np.asarray(n_cells, dtype=float)


def draw_false_alarms(
    rng: np.random.Generator,
    pfa: ArrayLike,
    range_min_m: ArrayLike,
    range_max_m: ArrayLike,
    range_resolution_m: ArrayLike,
    az_center_rad: ArrayLike,
    az_extent_rad: ArrayLike,
    beamwidth_az_rad: ArrayLike,
    el_min_rad: ArrayLike = 0.0,
    el_max_rad: ArrayLike = 0.0,
    beamwidth_el_rad: ArrayLike = 1.0,
) -> FalseAlarms:
    """Draw one scan's false alarms for each radar.

    Per radar, ``count ~ Poisson(Pfa * n_cells)`` (:func:`n_resolution_cells`), then
    positions uniform in range [``range_min_m``, ``range_max_m``], azimuth
    ``az_center_rad +- az_extent_rad / 2`` (wrapped to [0, 2 pi)) and elevation
    [``el_min_rad``, ``el_max_rad``]. All parameters broadcast to the radar axis
    ``(n_radars,)`` (scalars: one radar). ``rng`` is required.
    """
    func = "draw_false_alarms"
    if not isinstance(rng, np.random.Generator):
        raise ParameterError("rng", rng, "a numpy.random.Generator", func)
    el0 = np.asarray(el_min_rad, dtype=float)
    el1 = np.asarray(el_max_rad, dtype=float)
    if not np.all(np.isfinite(el0) & np.isfinite(el1) & (el1 >= el0)):
        raise ParameterError("el_max_rad", el_max_rad, "finite values >= el_min_rad", func)
    n_cells = n_resolution_cells(
        range_min_m, range_max_m, range_resolution_m, az_extent_rad, beamwidth_az_rad,
        el1 - el0, beamwidth_el_rad,
    )  # fmt: skip
    mean = expected_false_alarms(pfa, n_cells)
    r0, r1, azc, aze, el0, el1, mean = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(x, dtype=float)) for x in (
            range_min_m, range_max_m, az_center_rad, az_extent_rad, el0, el1, mean,
        ))
    )  # fmt: skip
    if r0.ndim != 1:
        raise ParameterError("radar parameters", f"shape {r0.shape}", "scalars or 1-D", func)
    counts = rng.poisson(mean)
    idx = np.repeat(np.arange(counts.size), counts)
    u = rng.random((3, idx.size))
    range_m = r0[idx] + (r1[idx] - r0[idx]) * u[0]
    az_rad = np.mod(azc[idx] + aze[idx] * (u[1] - 0.5), 2 * np.pi)
    el_rad = el0[idx] + (el1[idx] - el0[idx]) * u[2]
    return FalseAlarms(idx, range_m, az_rad, el_rad)
