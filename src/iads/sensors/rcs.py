"""Target radar cross section: mean RCS by aspect (tabulated, interpolated), the aspect
angles from target velocity and line of sight, and Swerling fluctuation draws.

First-order model: the mean RCS of each target type is a table over the aspect azimuth
(angle of the radar seen from the target, measured from the nose in the target's local
horizontal plane; periodic) and optionally the aspect elevation (radar above/below the
target's horizon; clamped at the table's end nodes). Interpolation is linear in dBsm,
i.e. geometric between nodes, because RCS varies over decades with aspect (Knott,
Shaeffer & Tuley, *Radar Cross Section*, 2nd ed., ch. 1: aspect patterns are plotted and
averaged in dBsm). Fluctuations about the mean follow the Swerling models (Swerling 1960;
Richards, *Fundamentals of Radar Signal Processing*, §2.2.7, table 2.3): exponential RCS
(chi-square, 2 dof) for cases 1/2, chi-square with 4 dof for cases 3/4, both with the
mean preserved.

Band dependence (:func:`band_rcs_db`, first-order, see docs/sensors.md "RCS by band"):
the catalog's RCS is a figure at its reference frequency; toward lower frequencies a
shaped low-observable airframe loses its shaping below a limit frequency (its RCS grows as
``(f_limit / f)^p``, ``p = 2`` for the off-specular plate and edge/tip diffraction
envelope, Knott, Shaeffer & Tuley ch. 5-6, up to a cap: an unshaped airframe of its
size), and a body small against the wavelength falls into the Rayleigh region (sphere-like,
``sigma ~ f^4``, Knott et al. §3.2) through a smooth envelope of the Mie series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.errors import ParameterError
from iads.units import C_MPS

__all__ = [
    "AspectRcsTable",
    "aspect_angles_rad",
    "band_rcs_db",
    "draw_rcs",
    "off_nose_angle_rad",
    "rayleigh_envelope",
]

_TWO_PI = 2.0 * np.pi


def _segment(nodes: NDArray, x: NDArray) -> tuple[NDArray, NDArray]:
    """Left node index and weight of ``x`` in increasing ``nodes`` (clamped at both ends)."""
    i = np.clip(np.searchsorted(nodes, x, side="right") - 1, 0, len(nodes) - 2)
    w = np.clip((x - nodes[i]) / (nodes[i + 1] - nodes[i]), 0.0, 1.0)
    return i, w


@dataclass(frozen=True, eq=False)
class AspectRcsTable:
    """Mean RCS [m^2] of ``n_types`` target types over aspect angles.

    Attributes
    ----------
    az_nodes_rad : (k,) strictly increasing aspect azimuths in [0, 2 pi); 0 = nose-on,
        pi = tail-on, pi/2 = radar on the target's left. Interpolation wraps around.
    rcs_m2 : (n_types, k) or, with elevation nodes, (n_types, m, k); values > 0.
    el_nodes_rad : optional (m,) strictly increasing aspect elevations in [-pi/2, pi/2]
        (positive: radar above the target's horizontal plane); clamped outside.
    """

    az_nodes_rad: NDArray[np.float64]
    rcs_m2: NDArray[np.float64]
    el_nodes_rad: NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        func = "AspectRcsTable"
        az = np.asarray(self.az_nodes_rad, dtype=float)
        rcs = np.asarray(self.rcs_m2, dtype=float)
        if (
            az.ndim != 1
            or az.size < 2
            or np.any(np.diff(az) <= 0)
            or az[0] < 0
            or (az[-1] >= _TWO_PI)
        ):
            raise ParameterError(
                "az_nodes_rad", self.az_nodes_rad,
                "a 1-D strictly increasing array of >= 2 angles in [0, 2 pi)", func,
            )  # fmt: skip
        el = self.el_nodes_rad
        if el is not None:
            el = np.asarray(el, dtype=float)
            if (
                el.ndim != 1
                or el.size < 2
                or np.any(np.diff(el) <= 0)
                or np.any(np.abs(el) > np.pi / 2)
            ):
                raise ParameterError(
                    "el_nodes_rad", self.el_nodes_rad,
                    "None or a 1-D strictly increasing array of >= 2 angles in [-pi/2, pi/2]",
                    func,
                )  # fmt: skip
        want = (az.size,) if el is None else (el.size, az.size)
        if rcs.ndim != len(want) + 1 or rcs.shape[1:] != want:
            raise ParameterError(
                "rcs_m2", f"array of shape {rcs.shape}", f"shape (n_types, *{want})", func
            )
        if not np.all(np.isfinite(rcs) & (rcs > 0)):
            raise ParameterError("rcs_m2", self.rcs_m2, "finite values > 0", func)
        # Wrapped azimuth nodes [last - 2 pi, nodes..., first + 2 pi] and dB values.
        az_ext = np.concatenate([[az[-1] - _TWO_PI], az, [az[0] + _TWO_PI]])
        db = 10.0 * np.log10(rcs if el is not None else rcs[:, None, :])
        db_ext = np.concatenate([db[..., -1:], db, db[..., :1]], axis=-1)
        object.__setattr__(self, "az_nodes_rad", az)
        object.__setattr__(self, "el_nodes_rad", el)
        object.__setattr__(self, "rcs_m2", rcs)
        object.__setattr__(self, "_az_ext", az_ext)
        object.__setattr__(self, "_db_ext", db_ext)  # (n_types, m or 1, k + 2)

    @property
    def n_types(self) -> int:
        return self.rcs_m2.shape[0]

    @classmethod
    def from_front_side_rear(
        cls, front_m2: ArrayLike, side_m2: ArrayLike, rear_m2: ArrayLike
    ) -> AspectRcsTable:
        """Left/right symmetric table from nose-on, broadside and tail-on values [m^2]
        (each a scalar or ``(n_types,)``): nodes at 0, pi/2, pi, 3 pi/2."""
        f, s, r = np.broadcast_arrays(
            *(np.atleast_1d(np.asarray(v, dtype=float)) for v in (front_m2, side_m2, rear_m2))
        )
        return cls(np.array([0.0, 0.5, 1.0, 1.5]) * np.pi, np.stack([f, s, r, s], axis=-1))

    def __call__(
        self,
        type_index: ArrayLike,
        aspect_az_rad: ArrayLike,
        aspect_el_rad: ArrayLike | None = None,
    ) -> NDArray[np.float64]:
        """Mean RCS [m^2] for targets of type ``type_index`` (ints in [0, n_types)) seen at
        ``aspect_az_rad`` (any real, taken modulo 2 pi) and, if the table has elevation
        nodes, ``aspect_el_rad``. Arguments broadcast; the result has their shape."""
        func = "AspectRcsTable.__call__"
        t = np.asarray(type_index)
        if t.dtype.kind not in "iu" or np.any((t < 0) | (t >= self.n_types)):
            raise ParameterError("type_index", type_index, f"integers in [0, {self.n_types})", func)
        az = np.mod(np.asarray(aspect_az_rad, dtype=float), _TWO_PI)
        i, wa = _segment(self._az_ext, az)
        if self.el_nodes_rad is None:
            t, i, wa = np.broadcast_arrays(t, i, wa)
            j = np.zeros_like(i)
            we = np.zeros_like(wa)
        else:
            if aspect_el_rad is None:
                raise ParameterError(
                    "aspect_el_rad", None, "given: the table has elevation nodes", func
                )
            j, we = _segment(self.el_nodes_rad, np.asarray(aspect_el_rad, dtype=float))
            t, i, wa, j, we = np.broadcast_arrays(t, i, wa, j, we)
        tab = self._db_ext
        j1 = np.minimum(j + 1, tab.shape[1] - 1)
        lo = tab[t, j, i] * (1.0 - wa) + tab[t, j, i + 1] * wa
        hi = tab[t, j1, i] * (1.0 - wa) + tab[t, j1, i + 1] * wa
        return np.power(10.0, (lo * (1.0 - we) + hi * we) / 10.0)


def _unit(v: NDArray, tiny: float = 1e-12) -> tuple[NDArray, NDArray]:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    ok = n > tiny
    return np.where(ok, v / np.where(ok, n, 1.0), 0.0), ok[..., 0]


def aspect_angles_rad(
    velocity_ecef_mps: ArrayLike, los_ecef_m: ArrayLike, up_ecef: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Aspect azimuth and elevation [rad] of the radar seen from the target.

    Parameters (ECEF, shape (..., 3), broadcast)
    ----------
    velocity_ecef_mps : target velocity; its horizontal part gives the heading (nose).
    los_ecef_m : line of sight from radar to target (target minus radar position).
    up_ecef : local vertical at the target (need not be unit; e.g. the geodetic up, or
        the target's ECEF position for the geocentric up, which differs by < 0.2 deg).

    Returns
    -------
    az : (...,) in (-pi, pi]: 0 nose-on, +-pi tail-on, +pi/2 radar on the target's left.
    el : (...,) in [-pi/2, pi/2]: positive when the radar is above the target's horizon.

    A target with no horizontal velocity (hovering, vertical flight) has no heading; its
    aspect azimuth is then 0 (nose-on) by convention.
    """
    v = np.asarray(velocity_ecef_mps, dtype=float)
    los = np.asarray(los_ecef_m, dtype=float)
    up, _ = _unit(np.asarray(up_ecef, dtype=float))
    to_radar, _ = _unit(-los)
    heading = v - np.sum(v * up, axis=-1, keepdims=True) * up
    x, has_heading = _unit(heading)
    y = np.cross(up, x)
    az = np.arctan2(np.sum(to_radar * y, axis=-1), np.sum(to_radar * x, axis=-1))
    az = np.where(has_heading, az, 0.0)
    el = np.arcsin(np.clip(np.sum(to_radar * up, axis=-1), -1.0, 1.0))
    return az, el


def off_nose_angle_rad(velocity_ecef_mps: ArrayLike, los_ecef_m: ArrayLike) -> NDArray:
    """Angle [rad] between the velocity vector (body axis of a non-manoeuvring missile or
    re-entry vehicle) and the direction to the radar: 0 nose-on, pi tail-on. Shapes
    (..., 3) broadcast; a zero velocity gives 0 (nose-on) by convention."""
    v, ok = _unit(np.asarray(velocity_ecef_mps, dtype=float))
    d, _ = _unit(-np.asarray(los_ecef_m, dtype=float))
    ang = np.arccos(np.clip(np.sum(v * d, axis=-1), -1.0, 1.0))
    return np.where(ok, ang, 0.0)


def draw_rcs(
    mean_rcs_m2: ArrayLike,
    swerling: int,
    rng: np.random.Generator,
    size: int | tuple[int, ...] | None = None,
) -> NDArray[np.float64]:
    """Random RCS draws [m^2] about ``mean_rcs_m2`` for a Swerling case.

    0: constant (the mean); 1/2: exponential (chi-square 2 dof), variance ``mean^2``;
    3/4: chi-square 4 dof scaled to the mean, i.e. Gamma(2, mean/2), variance
    ``mean^2 / 2`` (Richards table 2.3). Cases 1/3 decorrelate scan to scan and 2/4 pulse
    to pulse: the caller decides how often to draw. ``size`` defaults to the shape of
    ``mean_rcs_m2`` and must broadcast with it. ``rng`` is required (no hidden global).
    """
    func = "draw_rcs"
    if not isinstance(rng, np.random.Generator):
        raise ParameterError("rng", rng, "a numpy.random.Generator", func)
    if isinstance(swerling, bool) or swerling not in (0, 1, 2, 3, 4):
        raise ParameterError("swerling", swerling, "one of the integers 0, 1, 2, 3, 4", func)
    mean = np.asarray(mean_rcs_m2, dtype=float)
    if not np.all(np.isfinite(mean) & (mean >= 0)):
        raise ParameterError("mean_rcs_m2", mean_rcs_m2, "finite values >= 0", func)
    shape = mean.shape if size is None else size
    if swerling == 0:
        return np.broadcast_to(mean, shape).astype(float)
    if swerling in (1, 2):
        return rng.exponential(1.0, shape) * mean
    return rng.gamma(2.0, 0.5, shape) * mean


def rayleigh_envelope(ka: ArrayLike) -> NDArray[np.float64]:
    """Smooth envelope of a perfectly conducting sphere's normalized backscatter
    ``sigma / (pi a^2)`` against its electrical size ``ka = 2 pi a / lambda``:
    ``9 (ka)^4 / (1 + 9 (ka)^4)``. It equals the Rayleigh law ``9 (ka)^4`` (Knott, Shaeffer
    & Tuley, *Radar Cross Section*, 2nd ed., §3.2; Ruck et al., *Radar Cross Section
    Handbook*, §3.2.1.1) well below ``ka ~ 0.5`` and the optical limit 1 well above ``ka ~
    2``; the resonance ripple between (up to ~3.6 at ka ~ 1 for the sphere) is left out on
    purpose: a complex target has no coherent creeping wave. ``ka`` >= 0; inf gives 1."""
    x4 = 9.0 * np.asarray(ka, dtype=float) ** 4
    with np.errstate(invalid="ignore"):
        return np.where(np.isinf(x4), 1.0, x4 / (1.0 + x4))


def band_rcs_db(
    rcs_ref_db: ArrayLike,
    freq_hz: ArrayLike,
    ref_freq_hz: ArrayLike,
    shaping_limit_hz: ArrayLike,
    exponent: ArrayLike,
    cap_db: ArrayLike,
    radius_m: ArrayLike,
) -> NDArray[np.float64]:
    """Mean RCS [dBsm] at radar frequency ``freq_hz`` of a target whose RCS is
    ``rcs_ref_db`` at ``ref_freq_hz`` (first-order band model; all arguments broadcast,
    a clean array function with no checks, for the hot path and its compilation).

    1. Shaping: below ``shaping_limit_hz`` the RCS grows as ``(shaping_limit_hz / f)^
       exponent`` relative to its value at the limit (0 for an unshaped airframe), and is
       capped at ``max(cap_db, rcs_ref_db)``: losing its shaping, an airframe is at most as
       bright as an unshaped one of its size (``cap_db`` = +inf: no cap).
    2. Size: multiplied by ``rayleigh_envelope(k a) / rayleigh_envelope(k_ref a)`` with
       ``k = 2 pi f / c`` and ``a = radius_m`` the radius of the equivalent sphere (inf or
       NaN: large against every wavelength, no roll-off).

    At ``freq_hz == ref_freq_hz`` (with the limit at or below it) the result is
    ``rcs_ref_db`` exactly.
    """
    f = np.asarray(freq_hz, dtype=float)
    f_ref = np.asarray(ref_freq_hz, dtype=float)
    lim = np.asarray(shaping_limit_hz, dtype=float)
    ref = np.asarray(rcs_ref_db, dtype=float)
    shaped = ref + 10.0 * np.asarray(exponent, dtype=float) * (
        np.log10(np.maximum(lim / f, 1.0)) - np.log10(np.maximum(lim / f_ref, 1.0))
    )
    shaped = np.minimum(shaped, np.maximum(np.asarray(cap_db, dtype=float), ref))
    a = np.asarray(radius_m, dtype=float)
    a = np.where(np.isnan(a), np.inf, a)
    k_fac = 2.0 * np.pi / C_MPS
    with np.errstate(divide="ignore", invalid="ignore"):
        size = 10.0 * (np.log10(rayleigh_envelope(k_fac * f * a))
                       - np.log10(rayleigh_envelope(k_fac * f_ref * a)))  # fmt: skip
    return shaped + np.where(np.isfinite(a), size, 0.0)
