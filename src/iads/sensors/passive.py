"""Passive detection of radar emissions: the one-way (beacon) equation an anti-radiation
seeker or a radar warning receiver works with (docs/sead.md).

First-order model. The power a receiver of gain ``G_r`` at range ``R`` collects from an
emitter of effective radiated power ``ERP = P_t G_t`` (main beam toward it) is

    S = ERP G_r λ² / ((4π)² R² L)                       (one-way equation)

(Skolnik, Introduction to Radar Systems, 3rd ed., §16.3 (ESM); Adamy, EW 101, ch. 5),
so the receiver of sensitivity ``S_min`` detects the emitter out to

    R_max = (λ / 4π) · sqrt(ERP G_r / (S_min L)),

and only inside the 4/3-earth horizon. The seeker must also cover the emitter's
frequency. A rotating radar's main beam sweeps the receiver once per turn: the main-beam
ERP is used (a receiver integrating over a turn sees it); sidelobe detection is not
modelled. The ERP of a catalog radar is its peak power times its gain; where the catalog
gives no power, it is derived from the radar's detection reference (the SNR at 1 m
against 1 m², ``RadarArrays.snr1_db``) by inverting the two-way radar equation
(``emitter_erp_w``), with the documented default losses.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.geo import line_of_sight_clear
from iads.units import C_MPS

__all__ = [
    "DEFAULT_LOSSES_DB",
    "dbm_to_w",
    "emitter_erp_w",
    "passive_detected",
    "passive_range_m",
    "received_power_w",
]

#: Two-way system losses assumed when inverting the radar equation for the ERP (the
#: iads.sensors default, docs/sensors.md).
DEFAULT_LOSSES_DB = 6.0
_FOUR_PI = 4.0 * np.pi


def dbm_to_w(p_dbm: ArrayLike) -> NDArray[np.float64]:
    """Power in dBm -> W."""
    return 10.0 ** ((np.asarray(p_dbm, dtype=float) - 30.0) / 10.0)


def emitter_erp_w(
    snr1_db: ArrayLike, gain_db: ArrayLike, wavelength_m: ArrayLike, noise_w: ArrayLike,
    losses_db: ArrayLike = DEFAULT_LOSSES_DB,
) -> NDArray[np.float64]:
    """Main-beam ERP ``P_t G`` [W] of radars from their SNR at 1 m against 1 m² [dB]
    (shape (r,)): the monostatic radar equation SNR = P_t G² λ² σ / ((4π)³ R⁴ k T F B L)
    (Skolnik §2.2) solved for P_t G at R = 1 m, σ = 1 m²."""
    snr = 10.0 ** (np.asarray(snr1_db, dtype=float) / 10.0)
    g = 10.0 ** (np.asarray(gain_db, dtype=float) / 10.0)
    loss = 10.0 ** (np.asarray(losses_db, dtype=float) / 10.0)
    lam = np.asarray(wavelength_m, dtype=float)
    return snr * _FOUR_PI**3 * np.asarray(noise_w, dtype=float) * loss / (g * lam**2)


def received_power_w(
    erp_w: ArrayLike, rx_gain_db: ArrayLike, wavelength_m: ArrayLike, range_m: ArrayLike,
    losses_db: ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """One-way received power [W] (shapes broadcast): ERP G_r λ² / ((4π)² R² L)."""
    g = 10.0 ** (np.asarray(rx_gain_db, dtype=float) / 10.0)
    loss = 10.0 ** (np.asarray(losses_db, dtype=float) / 10.0)
    lam = np.asarray(wavelength_m, dtype=float)
    r = np.asarray(range_m, dtype=float)
    return np.asarray(erp_w, dtype=float) * g * lam**2 / (_FOUR_PI**2 * r**2 * loss)


def passive_range_m(
    erp_w: ArrayLike, rx_gain_db: ArrayLike, wavelength_m: ArrayLike,
    sensitivity_dbm: ArrayLike, losses_db: ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Free-space passive detection range [m]: (λ / 4π) sqrt(ERP G_r / (S_min L))."""
    g = 10.0 ** (np.asarray(rx_gain_db, dtype=float) / 10.0)
    loss = 10.0 ** (np.asarray(losses_db, dtype=float) / 10.0)
    lam = np.asarray(wavelength_m, dtype=float)
    s_min = dbm_to_w(sensitivity_dbm)
    return lam / _FOUR_PI * np.sqrt(np.asarray(erp_w, dtype=float) * g / (s_min * loss))


def passive_detected(
    emitter_ecef_m: NDArray[np.float64],
    erp_w: NDArray[np.float64],
    wavelength_m: NDArray[np.float64],
    receiver_ecef_m: NDArray[np.float64],
    rx_gain_db: NDArray[np.float64],
    sensitivity_dbm: NDArray[np.float64],
    min_frequency_hz: NDArray[np.float64],
    max_frequency_hz: NDArray[np.float64],
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Which receivers detect which emitters, and the range between them [m].

    Emitters (e,) with positions (e, 3), receivers (c,) with positions (c, 3); results
    (c, e). Detected: the received power reaches the sensitivity, the emitter's frequency
    is inside the receiver's coverage, and the 4/3-earth line of sight is clear."""
    d = emitter_ecef_m[None, :, :] - receiver_ecef_m[:, None, :]
    rng_m = np.linalg.norm(d, axis=-1)
    s = received_power_w(erp_w[None, :], rx_gain_db[:, None], wavelength_m[None, :],
                         np.maximum(rng_m, 1.0))  # fmt: skip
    f = C_MPS / wavelength_m
    band = (min_frequency_hz[:, None] <= f[None, :]) & (f[None, :] <= max_frequency_hz[:, None])
    ok = (s >= dbm_to_w(sensitivity_dbm)[:, None]) & band
    if ok.any():
        ok &= line_of_sight_clear(emitter_ecef_m[None, :, :], receiver_ecef_m[:, None, :])
    return ok, rng_m
