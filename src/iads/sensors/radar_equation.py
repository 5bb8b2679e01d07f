"""The monostatic radar range equation: SNR of a point target, maximum detection range, and
the reference-range form that turns a catalog figure ("detects sigma0 at R0") into a model.

Radar range equation (Skolnik, *Introduction to Radar Systems*, 3rd ed., eq. 2.61;
Richards, *Fundamentals of Radar Signal Processing*, 2nd ed., ch. 2, radar range equation
with the thermal noise power ``k T F B``):

    SNR = Pt Gt Gr lambda^2 sigma n_c / ((4 pi)^3 R^4 k T F B L)

with ``n_c`` pulses integrated coherently, noise power ``N = k T F B`` (``T`` the reference
temperature of the noise figure, 290 K by IEEE convention), ``B`` the receiver noise
bandwidth (``B = 1 / tau`` for a matched filter on a simple pulse, Richards ch. 2) and
``L >= 1`` the total system loss. Everything broadcasts (numpy rules); dB only where the
name says ``_db``.

The reference-range form uses the R^-4 and sigma^1 dependences alone (Skolnik §2.2):
``SNR(R, sigma) = SNR0 + 40 log10(R0 / R) + 10 log10(sigma / sigma0)`` [dB], so detection
range at fixed Pd scales as ``sigma^(1/4)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.errors import ParameterError
from iads.sensors.detection import required_snr_db
from iads.units import BOLTZMANN_J_PER_K, T0_K

__all__ = [
    "max_detection_range_m",
    "noise_power_w",
    "reference_snr_db",
    "scaled_detection_range_m",
    "snr_db",
    "snr_from_reference_db",
]

_FOUR_PI_CUBED = (4.0 * np.pi) ** 3


def _positive(name: str, value: ArrayLike, func: str, allow_zero: bool = False) -> NDArray:
    arr = np.asarray(value, dtype=float)
    ok = (arr >= 0.0) if allow_zero else (arr > 0.0)
    if not np.all(ok & np.isfinite(arr)):
        what = "finite values >= 0" if allow_zero else "finite values > 0"
        raise ParameterError(name, value, what, func)
    return arr


def _finite(name: str, value: ArrayLike, func: str) -> NDArray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(name, value, "finite values", func)
    return arr


def _bandwidth(bandwidth_hz: ArrayLike | None, pulse_width_s: ArrayLike | None, func: str):
    if (bandwidth_hz is None) == (pulse_width_s is None):
        raise ParameterError(
            "bandwidth_hz/pulse_width_s",
            (bandwidth_hz, pulse_width_s),
            "exactly one of the two given (B = 1/tau for a matched filter)",
            func,
        )
    if bandwidth_hz is not None:
        return _positive("bandwidth_hz", bandwidth_hz, func)
    return 1.0 / _positive("pulse_width_s", pulse_width_s, func)


def noise_power_w(
    noise_figure_db: ArrayLike = 0.0,
    *,
    bandwidth_hz: ArrayLike | None = None,
    pulse_width_s: ArrayLike | None = None,
    temperature_k: ArrayLike = T0_K,
) -> NDArray[np.float64]:
    """Receiver thermal noise power ``N = k T F B`` [W] (Richards ch. 2; IEEE F at 290 K).

    Give exactly one of ``bandwidth_hz`` [Hz] or ``pulse_width_s`` [s] (then ``B = 1/tau``).
    ``temperature_k`` is the reference temperature of the noise figure (290 K standard);
    all arguments broadcast.
    """
    func = "noise_power_w"
    b = _bandwidth(bandwidth_hz, pulse_width_s, func)
    t = _positive("temperature_k", temperature_k, func)
    f = _finite("noise_figure_db", noise_figure_db, func)
    return BOLTZMANN_J_PER_K * t * np.power(10.0, f / 10.0) * b


def _snr_at_1m_linear(
    func: str,
    peak_power_w,
    gain_tx_db,
    gain_rx_db,
    wavelength_m,
    rcs_m2,
    noise_figure_db,
    bandwidth_hz,
    pulse_width_s,
    losses_db,
    n_pulses_coherent,
    temperature_k,
) -> NDArray[np.float64]:
    """``Pt Gt Gr lambda^2 sigma n_c / ((4 pi)^3 k T F B L)``: linear SNR at R = 1 m."""
    pt = _positive("peak_power_w", peak_power_w, func)
    lam = _positive("wavelength_m", wavelength_m, func)
    sigma = _positive("rcs_m2", rcs_m2, func, allow_zero=True)
    n_c = _positive("n_pulses_coherent", n_pulses_coherent, func)
    gains_db = _finite("gain_tx_db", gain_tx_db, func) + _finite("gain_rx_db", gain_rx_db, func)
    loss_db = _finite("losses_db", losses_db, func)
    noise = noise_power_w(
        noise_figure_db,
        bandwidth_hz=bandwidth_hz,
        pulse_width_s=pulse_width_s,
        temperature_k=temperature_k,
    )
    # Skolnik eq. 2.61, range factor left out.
    return (
        pt
        * np.power(10.0, (gains_db - loss_db) / 10.0)
        * lam**2
        * sigma
        * n_c
        / (_FOUR_PI_CUBED * noise)
    )


def snr_db(
    peak_power_w: ArrayLike,
    gain_tx_db: ArrayLike,
    gain_rx_db: ArrayLike,
    wavelength_m: ArrayLike,
    rcs_m2: ArrayLike,
    range_m: ArrayLike,
    noise_figure_db: ArrayLike = 0.0,
    *,
    bandwidth_hz: ArrayLike | None = None,
    pulse_width_s: ArrayLike | None = None,
    losses_db: ArrayLike = 0.0,
    n_pulses_coherent: ArrayLike = 1,
    temperature_k: ArrayLike = T0_K,
) -> NDArray[np.float64]:
    """Monostatic radar-equation SNR [dB] of a point target (Skolnik eq. 2.61).

    Parameters (all broadcast; e.g. radar parameters of shape ``(n_radars, 1)`` against
    ``range_m`` / ``rcs_m2`` of shape ``(n_radars, n_targets)``)
    ----------
    peak_power_w : transmitter peak power [W], > 0.
    gain_tx_db, gain_rx_db : antenna gains toward the target [dBi].
    wavelength_m : [m], > 0.
    rcs_m2 : target radar cross section [m^2], >= 0 (0 gives -inf dB).
    range_m : radar-target range [m], > 0.
    noise_figure_db : receiver noise figure [dB].
    bandwidth_hz | pulse_width_s : exactly one; noise bandwidth is ``B`` or ``1/tau``.
    losses_db : total system losses [dB] (>= 0 for a loss).
    n_pulses_coherent : number of pulses integrated coherently (ideal gain ``n``).
    temperature_k : noise reference temperature [K], 290 by default.

    Returns
    -------
    SNR [dB] after coherent integration: the per-pulse SNR to feed
    :func:`iads.sensors.detection.detection_probability` when ``n_pulses_coherent = 1``.
    """
    func = "snr_db"
    s1 = _snr_at_1m_linear(
        func, peak_power_w, gain_tx_db, gain_rx_db, wavelength_m, rcs_m2, noise_figure_db,
        bandwidth_hz, pulse_width_s, losses_db, n_pulses_coherent, temperature_k,
    )  # fmt: skip
    r = _positive("range_m", range_m, func)
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(s1) - 40.0 * np.log10(r)


def max_detection_range_m(
    required_snr_db: ArrayLike,
    peak_power_w: ArrayLike,
    gain_tx_db: ArrayLike,
    gain_rx_db: ArrayLike,
    wavelength_m: ArrayLike,
    rcs_m2: ArrayLike,
    noise_figure_db: ArrayLike = 0.0,
    *,
    bandwidth_hz: ArrayLike | None = None,
    pulse_width_s: ArrayLike | None = None,
    losses_db: ArrayLike = 0.0,
    n_pulses_coherent: ArrayLike = 1,
    temperature_k: ArrayLike = T0_K,
) -> NDArray[np.float64]:
    """Range [m] at which :func:`snr_db` equals ``required_snr_db`` (Skolnik eq. 2.61 solved
    for R): ``R = (SNR_1m / SNR_req)^(1/4)``. Free space, no horizon or propagation factor.

    Same parameters as :func:`snr_db`, ``required_snr_db`` [dB] in place of the range;
    everything broadcasts.
    """
    func = "max_detection_range_m"
    s1 = _snr_at_1m_linear(
        func, peak_power_w, gain_tx_db, gain_rx_db, wavelength_m, rcs_m2, noise_figure_db,
        bandwidth_hz, pulse_width_s, losses_db, n_pulses_coherent, temperature_k,
    )  # fmt: skip
    req = _finite("required_snr_db", required_snr_db, func)
    return np.power(s1 / np.power(10.0, req / 10.0), 0.25)


def snr_from_reference_db(
    range_m: ArrayLike,
    rcs_m2: ArrayLike,
    ref_range_m: ArrayLike,
    ref_rcs_m2: ArrayLike,
    ref_snr_db: ArrayLike,
) -> NDArray[np.float64]:
    """SNR [dB] scaled from a reference point (Skolnik eq. 2.61 ratios):

    ``ref_snr_db + 40 log10(ref_range_m / range_m) + 10 log10(rcs_m2 / ref_rcs_m2)``.

    ``range_m``, ``ref_range_m``, ``ref_rcs_m2`` > 0 [m, m^2]; ``rcs_m2`` >= 0. Broadcasts.
    """
    func = "snr_from_reference_db"
    r = _positive("range_m", range_m, func)
    sigma = _positive("rcs_m2", rcs_m2, func, allow_zero=True)
    r0 = _positive("ref_range_m", ref_range_m, func)
    sigma0 = _positive("ref_rcs_m2", ref_rcs_m2, func)
    snr0 = _finite("ref_snr_db", ref_snr_db, func)
    with np.errstate(divide="ignore"):
        return snr0 + 40.0 * np.log10(r0 / r) + 10.0 * np.log10(sigma / sigma0)


def reference_snr_db(pd: ArrayLike, pfa: float, swerling: int, n_pulses: int = 1) -> NDArray:
    """Per-pulse SNR [dB] implied by a catalog figure "detects at R0 with probability Pd".

    A published detection range is read as: at ``R0`` against ``sigma0`` the radar reaches
    ``pd`` with false-alarm probability ``pfa`` for a ``swerling`` target integrating
    ``n_pulses`` non-coherently; the per-pulse SNR there is the exact
    :func:`iads.sensors.detection.required_snr_db`. Feed it to
    :func:`snr_from_reference_db` as ``ref_snr_db`` to get SNR at any range and RCS.
    """
    return required_snr_db(pd, pfa, swerling, n_pulses)


def scaled_detection_range_m(
    rcs_m2: ArrayLike, ref_range_m: ArrayLike, ref_rcs_m2: ArrayLike
) -> NDArray[np.float64]:
    """Detection range [m] for RCS ``rcs_m2`` at the Pd that gives ``ref_range_m`` against
    ``ref_rcs_m2``: ``R0 (sigma / sigma0)^(1/4)`` (Skolnik eq. 2.61, free space)."""
    func = "scaled_detection_range_m"
    sigma = _positive("rcs_m2", rcs_m2, func, allow_zero=True)
    r0 = _positive("ref_range_m", ref_range_m, func)
    sigma0 = _positive("ref_rcs_m2", ref_rcs_m2, func)
    return r0 * np.power(sigma / sigma0, 0.25)
