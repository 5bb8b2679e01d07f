"""Noise (barrage/spot) jamming of a radar: J/N, S/(J+N), stand-off detection range and
self-screening burn-through range. First-order: free-space propagation, constant-power
noise jammer, jammer noise white over its band and added to thermal noise.

References: NAWCWPNS TP 8347, *Electronic Warfare and Radar Systems Engineering Handbook*
(1999), §4.7 (J/S, constant-power jamming), §4.8 (burn-through / crossover range), §4.9
(support jamming); Adamy, *EW 101: A First Course in Electronic Warfare* (2001), ch. 9
(jamming: J/S, burn-through).

Jammer power at the radar receiver output (one-way link through the radar antenna gain
toward the jammer, mainlobe for a self-screening jammer SSJ, usually a sidelobe for a
stand-off jammer SOJ):

    J = ERP_j lambda^2 G_r(theta_j) / ((4 pi)^2 R_j^2 L_j) * min(1, B_r / B_j)

where ``ERP_j = P_j G_j`` and ``min(1, B_r/B_j)`` is the fraction of the jammer noise
falling inside the radar noise bandwidth ``B_r``. ``J/N = J / (k T F B_r)`` and the
signal-to-interference ratio is ``S/(J+N) = SNR / (1 + J/N)`` (linear; jammers add).
Coherent integration raises the signal but not the noise-like jamming, so ``SNR`` here is
the radar-equation SNR after integration and ``J/N`` is per sample.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.errors import ParameterError
from iads.sensors.radar_equation import (
    _positive,  # one argument check for both
    max_detection_range_m,
    noise_power_w,
)
from iads.units import T0_K

__all__ = [
    "burn_through_range_m",
    "jammer_power_w",
    "jammer_to_noise_db",
    "signal_to_interference_db",
    "soj_detection_range_m",
    "total_jnr_db",
]

_FOUR_PI_SQUARED = (4.0 * np.pi) ** 2



def _finite(name: str, value: ArrayLike, func: str) -> NDArray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(name, value, "finite values", func)
    return arr


def jammer_power_w(
    jammer_erp_w: ArrayLike,
    jammer_bandwidth_hz: ArrayLike,
    jammer_range_m: ArrayLike,
    radar_gain_toward_jammer_db: ArrayLike,
    wavelength_m: ArrayLike,
    radar_bandwidth_hz: ArrayLike,
    jammer_losses_db: ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Noise-jammer power [W] inside the radar's noise bandwidth (TP 8347 §4.7, one-way).

    ``jammer_erp_w``: jammer effective radiated power toward the radar, ``P_j G_j`` [W] (>= 0);
    ``jammer_bandwidth_hz`` / ``radar_bandwidth_hz`` [Hz]; ``jammer_range_m`` jammer-radar
    range [m]; ``radar_gain_toward_jammer_db`` radar receive gain in the jammer's direction
    [dBi]; ``jammer_losses_db`` polarization and other jammer-path losses [dB]. Broadcasts.
    """
    func = "jammer_power_w"
    erp = _positive("jammer_erp_w", jammer_erp_w, func, allow_zero=True)
    bj = _positive("jammer_bandwidth_hz", jammer_bandwidth_hz, func)
    rj = _positive("jammer_range_m", jammer_range_m, func)
    gr_db = _finite("radar_gain_toward_jammer_db", radar_gain_toward_jammer_db, func)
    lam = _positive("wavelength_m", wavelength_m, func)
    br = _positive("radar_bandwidth_hz", radar_bandwidth_hz, func)
    lj_db = _finite("jammer_losses_db", jammer_losses_db, func)
    in_band = np.minimum(1.0, br / bj)
    return (
        erp * lam**2 * np.power(10.0, (gr_db - lj_db) / 10.0) / (_FOUR_PI_SQUARED * rj**2)
    ) * in_band


def jammer_to_noise_db(
    jammer_erp_w: ArrayLike,
    jammer_bandwidth_hz: ArrayLike,
    jammer_range_m: ArrayLike,
    radar_gain_toward_jammer_db: ArrayLike,
    wavelength_m: ArrayLike,
    radar_bandwidth_hz: ArrayLike,
    noise_figure_db: ArrayLike = 0.0,
    jammer_losses_db: ArrayLike = 0.0,
    temperature_k: ArrayLike = T0_K,
) -> NDArray[np.float64]:
    """Jammer-to-noise ratio J/N [dB] at the radar receiver: :func:`jammer_power_w` over
    ``k T F B_r`` (:func:`iads.sensors.radar_equation.noise_power_w`). Broadcasts."""
    j = jammer_power_w(
        jammer_erp_w, jammer_bandwidth_hz, jammer_range_m, radar_gain_toward_jammer_db,
        wavelength_m, radar_bandwidth_hz, jammer_losses_db,
    )  # fmt: skip
    n = noise_power_w(noise_figure_db, bandwidth_hz=radar_bandwidth_hz, temperature_k=temperature_k)
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(j / n)


def total_jnr_db(jnr_db: ArrayLike, axis: int = -1) -> NDArray[np.float64]:
    """Combined J/N [dB] of several independent noise jammers along ``axis`` (powers add)."""
    x = np.asarray(jnr_db, dtype=float)
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(np.sum(np.power(10.0, x / 10.0), axis=axis))


def signal_to_interference_db(snr_db: ArrayLike, jnr_db: ArrayLike) -> NDArray[np.float64]:
    """``S/(J+N)`` [dB] from SNR [dB] and total J/N [dB]: ``SNR - 10 log10(1 + J/N)``.

    Feed the result to :func:`iads.sensors.detection.detection_probability` in place of the
    SNR (noise jamming raises the noise floor; the CFAR threshold follows it). Broadcasts;
    ``jnr_db = -inf`` means no jamming.
    """
    snr = np.asarray(snr_db, dtype=float)
    jnr = np.asarray(jnr_db, dtype=float)
    return snr - 10.0 * np.log10(1.0 + np.power(10.0, jnr / 10.0))


def soj_detection_range_m(free_range_m: ArrayLike, jnr_db: ArrayLike) -> NDArray[np.float64]:
    """Detection range [m] under stand-off jamming of fixed J/N (TP 8347 §4.9).

    With the jammer range independent of the target's, the noise floor rises by
    ``1 + J/N`` and, since SNR ~ R^-4, the range at the same required SNR shrinks to
    ``R_free (1 + J/N)^(-1/4)``. ``free_range_m`` is the unjammed detection range
    (e.g. :func:`iads.sensors.radar_equation.max_detection_range_m`). Broadcasts.
    """
    r0 = _positive("free_range_m", free_range_m, "soj_detection_range_m")
    jnr = np.asarray(jnr_db, dtype=float)
    return r0 * np.power(1.0 + np.power(10.0, jnr / 10.0), -0.25)


def burn_through_range_m(
    required_snr_db: ArrayLike,
    peak_power_w: ArrayLike,
    gain_db: ArrayLike,
    wavelength_m: ArrayLike,
    rcs_m2: ArrayLike,
    jammer_erp_w: ArrayLike,
    jammer_bandwidth_hz: ArrayLike,
    radar_bandwidth_hz: ArrayLike,
    noise_figure_db: ArrayLike = 0.0,
    *,
    losses_db: ArrayLike = 0.0,
    jammer_losses_db: ArrayLike = 0.0,
    n_pulses_coherent: ArrayLike = 1,
    temperature_k: ArrayLike = T0_K,
    include_noise: bool = True,
) -> NDArray[np.float64]:
    """Self-screening-jammer burn-through range [m]: where ``S/(J+N)`` equals the requirement.

    The jammer rides on the target, in the radar mainlobe (``gain_db`` for transmit,
    receive and toward the jammer). With ``S/N = a / R^4`` and ``J/N = b / R^2``
    (``a`` = SNR at 1 m from the radar equation, ``b`` = J/N at 1 m), the condition
    ``(a/R^4) / (1 + b/R^2) = q`` is a quadratic in ``R^2`` whose positive root is

        R_bt^2 = 2 R0^4 / (b + sqrt(b^2 + 4 R0^4)),   R0 = (a/q)^(1/4)

    (``R0`` the unjammed detection range; written to avoid cancellation). With
    ``include_noise=False`` thermal noise is neglected (``J >> N``), giving the classical
    closed form ``R_bt^2 = a / (q b)``, i.e. TP 8347 §4.8 / Adamy ch. 9:
    ``R_bt = sqrt(Pt G sigma B_j L_j n_c / (4 pi ERP_j B_r L q))`` for ``B_j >= B_r``.

    ``required_snr_db`` is the S/(J+N) needed [dB] (e.g. from
    :func:`iads.sensors.detection.required_snr_db`); other parameters as in
    :func:`iads.sensors.radar_equation.snr_db` and :func:`jammer_power_w`. Broadcasts.
    """
    func = "burn_through_range_m"
    r0 = max_detection_range_m(
        required_snr_db, peak_power_w, gain_db, gain_db, wavelength_m, rcs_m2, noise_figure_db,
        bandwidth_hz=radar_bandwidth_hz, losses_db=losses_db,
        n_pulses_coherent=n_pulses_coherent, temperature_k=temperature_k,
    )  # fmt: skip
    b = np.power(
        10.0,
        jammer_to_noise_db(
            jammer_erp_w, jammer_bandwidth_hz, 1.0, gain_db, wavelength_m, radar_bandwidth_hz,
            noise_figure_db, jammer_losses_db, temperature_k,
        ) / 10.0,
    )  # fmt: skip
    if not isinstance(include_noise, bool):
        raise ParameterError("include_noise", include_noise, "a bool", func)
    r0_4 = r0**4
    with np.errstate(divide="ignore"):
        if include_noise:
            r2 = 2.0 * r0_4 / (b + np.sqrt(b**2 + 4.0 * r0_4))
        else:
            r2 = r0_4 / b
    return np.sqrt(r2)
