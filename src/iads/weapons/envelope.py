"""Engagement envelopes and predicted intercept points (PIP), vectorized.

First-order kinematics: the target keeps its (tracked) velocity, the interceptor flies a
straight line at its mean speed after a launch delay. The PIP is then the earliest root of

    |D + V·τ| = s·(τ − d),       D = target − launcher, τ ≥ d,

a quadratic in τ (the classic constant-velocity intercept problem, e.g. Zarchan,
*Tactical and Strategic Missile Guidance*, 6th ed., ch. 2 on predicted-intercept geometry).
The launch acceptability region is the set of PIPs whose slant range, altitude and target
speed lie inside the missile's figures. ``engagement_options`` evaluates both for every
(track, missile type) pair of one launcher at once, and ``acquisition_probability`` gives
the first-order chance that the terminal phase can correct the aim error the track leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammainc

from iads.geo import _jit as gj
from iads.geo import ecef_to_geodetic_rad
from iads.weapons import _envelope_jit

__all__ = [
    "EngagementOptions",
    "MissileArrays",
    "acquisition_probability",
    "engagement_options",
    "envelope_violation",
    "in_envelope",
    "intercept_time",
]

#: Terrain height [m] at geodetic latitude/longitude [rad] (arrays of one shape), e.g. a
#: run's ``sensing.terrain`` model: weapon altitude floors are heights above it.
Ground = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]


@dataclass(frozen=True)
class MissileArrays:
    """Missile types as arrays over types (shape (m,) each, SI)."""

    keys: tuple[str, ...]
    min_range_m: NDArray[np.float64]
    max_range_m: NDArray[np.float64]
    min_alt_m: NDArray[np.float64]
    max_alt_m: NDArray[np.float64]
    speed_mps: NDArray[np.float64]
    max_target_speed_mps: NDArray[np.float64]
    pk: NDArray[np.float64]  # (m, n_threat_classes)
    cost_usd: NDArray[np.float64]  # NaN where not public
    # (m,) guided through the unit's engagement radar (semi-active, command,
    # track-via-missile): no guidance while that radar is silent. None: none is.
    needs_radar: NDArray[np.bool_] | None = None

    @property
    def n(self) -> int:
        return len(self.keys)


def intercept_time(
    d_m: NDArray[np.float64],
    v_mps: NDArray[np.float64],
    speed_mps: NDArray[np.float64],
    delay_s: NDArray[np.float64] | float = 0.0,
) -> NDArray[np.float64]:
    """Time τ [s] from now until a constant-speed interceptor launched after ``delay_s``
    meets a constant-velocity target; ``inf`` where it cannot.

    ``d_m``: target position relative to the launcher (..., 3); ``v_mps``: target
    velocity (..., 3); ``speed_mps`` and ``delay_s`` broadcast against ``d_m[..., 0]``.
    """
    s2 = np.asarray(speed_mps, dtype=float) ** 2
    dly = np.asarray(delay_s, dtype=float)
    a = np.einsum("...i,...i->...", v_mps, v_mps) - s2
    b = 2.0 * (np.einsum("...i,...i->...", d_m, v_mps) + s2 * dly)
    c = np.einsum("...i,...i->...", d_m, d_m) - s2 * dly**2
    with np.errstate(divide="ignore", invalid="ignore"):
        disc = b * b - 4.0 * a * c
        sq = np.sqrt(np.maximum(disc, 0.0))
        # Numerically stable roots (Press et al., Numerical Recipes, §5.6).
        q = -0.5 * (b + np.copysign(sq, b))
        r1 = np.where(q != 0.0, c / q, np.inf)
        r2 = np.where(a != 0.0, q / a, np.inf)
        # a == 0: target as fast as the interceptor, linear equation b·τ + c = 0.
        lin = np.where(b != 0.0, -c / b, np.inf)
    roots = np.stack(
        [np.where(np.abs(a) > 1e-12, r1, lin), np.where(np.abs(a) > 1e-12, r2, np.inf)]
    )
    roots = np.where((disc >= 0.0) & (roots >= dly - 1e-9) & np.isfinite(roots), roots, np.inf)
    return roots.min(axis=0)


def in_envelope(
    missiles: MissileArrays,
    launcher_ecef_m: NDArray[np.float64],
    pip_ecef_m: NDArray[np.float64],
    target_speed_mps: NDArray[np.float64],
    ground: Ground | None = None,
) -> NDArray[np.bool_]:
    """Whether each PIP lies inside each missile type's envelope.

    ``launcher_ecef_m`` (..., 3), ``pip_ecef_m`` (..., m, 3) with the missile-type axis
    second to last, ``target_speed_mps`` (...,). Returns (..., m). The altitude floor is a
    height above ``ground`` (terrain height [m] at geodetic lat/lon [rad]; sea level when
    None), the ceiling a height above the ellipsoid.
    """
    rng_m = np.linalg.norm(pip_ecef_m - launcher_ecef_m[..., None, :], axis=-1)
    finite = np.all(np.isfinite(pip_ecef_m), axis=-1)
    safe = np.where(finite[..., None], pip_ecef_m, 1.0e7)
    lat, lon, alt_m = ecef_to_geodetic_rad(safe[..., 0], safe[..., 1], safe[..., 2])
    ground_m = None if ground is None else np.asarray(ground(lat, lon))
    return _inside(missiles, rng_m, finite, alt_m, ground_m, target_speed_mps)


def _inside(missiles, rng_m, finite, alt_m, ground_m, target_speed_mps):
    """The envelope test of ``in_envelope`` from the PIPs' slant ranges, finiteness,
    heights and terrain heights under them (..., m; None: sea level)."""
    agl_m = alt_m if ground_m is None else alt_m - ground_m
    return (
        finite
        & (rng_m >= missiles.min_range_m)
        & (rng_m <= missiles.max_range_m)
        & (agl_m >= missiles.min_alt_m)
        & (alt_m <= missiles.max_alt_m)
        & (np.asarray(target_speed_mps)[..., None] <= missiles.max_target_speed_mps)
    )


#: Numerical tolerance [m] of the envelope test on the true geometry: the truth is
#: interpolated between samples and converted to geodetic height, so a threat flying at
#: exactly the floor (a Kalibr at 50 m against a 50 m floor) must not fail by round-off.
GEOMETRY_TOL_M = 1.0


def envelope_violation(
    missiles: MissileArrays,
    m: int,
    launcher_ecef_m: NDArray[np.float64],
    target_ecef_m: NDArray[np.float64],
    target_speed_mps: float,
    ground: Ground | None = None,
) -> str | None:
    """Why missile type ``m`` fired from ``launcher_ecef_m`` (3,) cannot intercept a
    target at ``target_ecef_m`` (3,) flying at ``target_speed_mps``, or None when it can:
    the envelope's physics on the true geometry at the moment of intercept (slant range,
    altitude floor above ``ground`` as in :func:`in_envelope`, ceiling, target speed), to
    ``GEOMETRY_TOL_M``."""
    rng_m = float(np.linalg.norm(np.asarray(target_ecef_m) - launcher_ecef_m))
    p = np.asarray(target_ecef_m, dtype=float)
    lat, lon, alt = ecef_to_geodetic_rad(p[0], p[1], p[2])
    alt_m = float(alt)
    agl_m = alt_m if ground is None else alt_m - float(
        np.asarray(ground(np.atleast_1d(lat), np.atleast_1d(lon)))[0])
    tol = GEOMETRY_TOL_M
    if agl_m < missiles.min_alt_m[m] - tol:
        return "below the altitude floor"
    if alt_m > missiles.max_alt_m[m] + tol:
        return "above the altitude ceiling"
    if rng_m > missiles.max_range_m[m] + tol:
        return "beyond the maximum range"
    if rng_m < missiles.min_range_m[m] - tol:
        return "inside the minimum range"
    if target_speed_mps > missiles.max_target_speed_mps[m]:
        return "target faster than the missile can engage"
    return None


@dataclass(frozen=True)
class EngagementOptions:
    """Every (track, missile type) option of one launcher: shapes (c, m) and (c, m, 3)."""

    tof_s: NDArray[np.float64]  # predicted time of flight, inf where no intercept
    pip_ecef_m: NDArray[np.float64]  # predicted intercept point
    inside: NDArray[np.bool_]  # PIP inside the type's envelope


def engagement_options(
    missiles: MissileArrays,
    launcher_ecef_m: NDArray[np.float64],
    pos_ecef_m: NDArray[np.float64],
    vel_ecef_mps: NDArray[np.float64],
    delay_s: float = 0.0,
    ground: Ground | None = None,
) -> EngagementOptions:
    """PIP, time of flight and envelope test of every track (c,) against every missile
    type (m,) fired from ``launcher_ecef_m`` (3,) after ``delay_s`` [s]; track positions
    and velocities (c, 3) in ECEF [m, m/s]; ``ground`` as in :func:`in_envelope`."""
    if _envelope_jit.ENABLED and 0 < pos_ecef_m.shape[0] * missiles.n <= _COMPILED_MAX_PAIRS:
        out = _options_compiled(missiles, launcher_ecef_m, pos_ecef_m, vel_ecef_mps, delay_s,
                                ground)  # fmt: skip
        if out is not None:
            return out
    d = pos_ecef_m - launcher_ecef_m  # (c, 3)
    v = vel_ecef_mps
    tau = intercept_time(d[:, None, :], v[:, None, :], missiles.speed_mps[None, :], delay_s)
    with np.errstate(invalid="ignore"):
        pip = pos_ecef_m[:, None, :] + v[:, None, :] * tau[..., None]
    speed = np.linalg.norm(v, axis=-1)
    inside = in_envelope(missiles, launcher_ecef_m, pip, speed, ground) & np.isfinite(tau)
    return EngagementOptions(tau, pip, inside)


#: Up to this many (track, missile type) pairs ``engagement_options`` takes the compiled
#: path (``_envelope_jit``: the same bits in a few calls).
_COMPILED_MAX_PAIRS = 4096


def _options_compiled(missiles, launcher_ecef_m, pos_ecef_m, vel_ecef_mps, delay_s, ground):
    """``engagement_options`` by the compiled kernel, or None where it does not apply (a
    PIP inside the evolute of the geodetic solution: the numpy path)."""
    pos = np.ascontiguousarray(pos_ecef_m, dtype=float)
    vel = np.ascontiguousarray(vel_ecef_mps, dtype=float)
    c, m = pos.shape[0], missiles.n
    dly = np.asarray(delay_s, dtype=float)
    tof, rng_m = np.empty((c, m)), np.empty((c, m))
    pip, finite = np.empty((c, m, 3)), np.empty((c, m), dtype=bool)
    w = np.empty((gj.N_ROWS, c * m))
    _envelope_jit.options(
        pos, vel, np.ascontiguousarray(launcher_ecef_m, dtype=float),
        np.ascontiguousarray(missiles.speed_mps, dtype=float), float(dly), float(dly**2),
        tof, pip, rng_m, finite, w,
    )  # fmt: skip
    if not gj.geodetic(w):
        return None
    lat, lon, alt_m = (w[r].reshape(c, m) for r in (gj.LAT, gj.LON, gj.H))
    ground_m = None if ground is None else np.asarray(ground(lat, lon))
    speed = np.linalg.norm(vel, axis=-1)
    inside = _inside(missiles, rng_m, finite, alt_m, ground_m, speed) & np.isfinite(tof)
    return EngagementOptions(tof, pip, inside)


def acquisition_probability(
    sigma_m: NDArray[np.float64] | float, basket_m: float
) -> NDArray[np.float64]:
    """Probability that a 3-D isotropic Gaussian aim error of standard deviation
    ``sigma_m`` per axis [m] lies inside a terminal basket of radius ``basket_m`` [m].

    |e|²/σ² is chi-square with 3 degrees of freedom, so P = F_χ²₃((B/σ)²) =
    P(3/2, B²/(2σ²)) with P the regularized lower incomplete gamma function
    (Abramowitz & Stegun, 26.4.19). First-order: the track's error is taken as isotropic
    (the mean of its per-axis variances) and Gaussian.
    """
    s = np.asarray(sigma_m, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        x = 0.5 * (basket_m / s) ** 2
    return np.where(np.isfinite(x), gammainc(1.5, np.where(np.isfinite(x), x, 0.0)), 1.0)
