"""Radar detection probability: square-law detector, non-coherent integration, Swerling 0-4.

Owns the statistical link between signal-to-noise ratio and detection: the threshold from
the false-alarm probability, the exact probability of detection for the Swerling target
models, its inverse (required SNR), the Albersheim and Shnidman closed-form approximations,
and a tabulated fast path (:class:`PdTable`) for the simulation hot loop.

Model and notation (Richards, *Fundamentals of Radar Signal Processing*, 2nd ed., §6.2-6.3;
Meyer & Mayer, *Radar Target Detectability*, 1973). Complex baseband noise has unit power
per sample; ``snr`` is the *per-pulse* mean SNR (linear); the detector sums ``n`` squared
magnitudes, ``z = sum_k |x_k|^2``. Under noise alone ``z ~ Gamma(n, 1)``, so

    Pfa = Q(n, T)            ->  T = Q^-1(n, Pfa)           (Richards eq. 6.79)

with ``Q`` the regularized upper incomplete gamma function (``scipy.special.gammaincc``)
and ``P = 1 - Q`` the lower one. Swerling cases (Swerling 1960; Richards table 6.1):

* 0 (steady): ``2z`` is non-central chi-square with ``2n`` dof and non-centrality
  ``2 n snr``; Pd is the generalized Marcum Q function (Richards eq. 6.86).
* 1 (exponential RCS, constant over the n pulses): the signal is one complex Gaussian
  common to all pulses; projecting onto the all-ones vector, ``z = E + G`` with
  ``E ~ Exp(mean 1 + n snr)`` and ``G ~ Gamma(n-1, 1)``, giving (Richards eq. 6.99;
  Mahafza & Elsherbeni, *MATLAB Simulations for Radar Systems Design*, 2004, eq. 2.76)
  ``Pd = Q(n-1,T) + (1 + 1/(n snr))^(n-1) P(n-1, T/(1 + 1/(n snr))) exp(-T/(1 + n snr))``.
* 2 (exponential RCS, independent pulse to pulse): ``z ~ Gamma(n, 1 + snr)``, so
  ``Pd = Q(n, T/(1 + snr))`` (Richards eq. 6.107).
* 3 (chi-square 4 dof RCS, constant over the n pulses): with ``theta = n snr / 2`` and
  ``b = 1 + theta``, the coherent-sum energy has Laplace transform ``(1+t)/(1+b t)^2``,
  i.e. it is the mixture ``(1/b) Gamma(1, b) + (theta/b) Gamma(2, b)``; adding
  ``G ~ Gamma(n-1, 1)`` and integrating gives the closed form in ``_pd_swerling3`` (the
  same function as Richards table 6.1 / Mahafza & Elsherbeni eqs. 2.81-2.82; derivation
  in docs/sensors.md).
* 4 (chi-square 4 dof RCS, independent pulse to pulse): per pulse the transform is
  ``(1+t)/(1+b t)^2`` with ``b = 1 + snr/2``; raised to the n-th power it expands into a
  binomial mixture of gammas, ``Pd = sum_k C(n,k) b^-k (1-1/b)^(n-k) Q(2n-k, T/b)``
  (Shnidman 1998, "Binary integration for Swerling target fluctuations", eq. for case 4;
  Richards table 6.1).

Swerling 1/3 use ``P(a, x) / x^a`` evaluated through Kummer's function where ``P``
underflows, so they stay finite down to ``snr -> 0`` (where ``Pd -> Pfa``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from iads.errors import ParameterError

__all__ = [
    "SWERLING_CASES",
    "PdTable",
    "albersheim_snr_db",
    "detection_probability",
    "detection_threshold",
    "required_snr_db",
    "shnidman_snr_db",
]

SWERLING_CASES = (0, 1, 2, 3, 4)

# Bracket of the vectorized bisection in required_snr_db [dB]; 64 halvings of 200 dB
# leave an interval far below 1e-12 dB.
_SNR_LO_DB, _SNR_HI_DB, _N_BISECT = -60.0, 140.0, 64


def _check_common(pfa: float, swerling: int, n_pulses: int, func: str) -> tuple[float, int, int]:
    """Validate the scalar detection parameters once at the public entry point."""
    try:
        pfa_f = float(pfa)
    except (TypeError, ValueError):
        raise ParameterError("pfa", pfa, "a float in (0, 1)", func) from None
    if not 0.0 < pfa_f < 1.0:
        raise ParameterError("pfa", pfa, "a float in (0, 1)", func)
    if (
        isinstance(swerling, bool)
        or not isinstance(swerling, (int, np.integer))
        or int(swerling) not in SWERLING_CASES
    ):
        raise ParameterError("swerling", swerling, "one of the integers 0, 1, 2, 3, 4", func)
    _check_n(n_pulses, func)
    return pfa_f, int(swerling), int(n_pulses)


def _check_n(n_pulses: int, func: str) -> int:
    if (
        isinstance(n_pulses, bool)
        or not isinstance(n_pulses, (int, np.integer))
        or int(n_pulses) < 1
    ):
        raise ParameterError("n_pulses", n_pulses, "an integer >= 1", func)
    return int(n_pulses)


def detection_threshold(pfa: float, n_pulses: int = 1) -> float:
    """Square-law detector threshold ``T`` on ``sum |x_k|^2`` (unit noise power per pulse).

    ``T = Q^-1(n, Pfa)`` (Richards eq. 6.79). Returns a float (noise-power units).
    """
    pfa_f, _, n = _check_common(pfa, 0, n_pulses, "detection_threshold")
    return float(special.gammainccinv(n, pfa_f))


def _log_p_over_xa(a: int, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """``log(P(a, x) / x**a)`` for integer ``a >= 1`` and ``x >= 0``, without underflow.

    Uses ``P(a, x) = x^a e^-x M(1, a+1, x) / Gamma(a+1)`` (Abramowitz & Stegun 6.5.12 with
    Kummer's transformation 13.1.27) where ``P`` underflows; there ``x << a`` and the
    hypergeometric series converges in a few terms.
    """
    p = special.gammainc(a, x)
    out = np.empty_like(x)
    small = p < 1e-250
    big = ~small
    out[big] = np.log(p[big]) - a * np.log(x[big])
    xs = x[small]
    out[small] = -xs - special.gammaln(a + 1.0) + np.log(special.hyp1f1(1.0, a + 1.0, xs))
    return out


def _gamma_sum_tail(t: float, n: int, b: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """``P(Gamma(k, b) + Gamma(n-1, 1) > t)`` for ``k`` in {1, 2}, ``b >= 1`` (array).

    Exact: with ``G ~ Gamma(n-1, 1)`` of density ``g`` and ``c = 1 - 1/b``,
    ``P = Q(n-1, t) + e^{-t/b} [ (1 + (k-1) t/b) I0 - (k-1)/b I1 ]`` where
    ``I0 = int_0^t g(x) e^{x/b} dx = c^-(n-1) P(n-1, c t)`` and
    ``I1 = int_0^t x g(x) e^{x/b} dx = (n-1) c^-n P(n, c t)``. For ``n = 1`` (no G),
    ``I0 = 1`` and ``I1 = 0``.
    """
    if n == 1:
        i0 = np.exp(-t / b)
        i1 = np.zeros_like(b)
        q = 0.0
    else:
        ct = (1.0 - 1.0 / b) * t
        # c^-(n-1) P(n-1, ct) = t^(n-1) * P(n-1, ct)/(ct)^(n-1); kept in logs.
        i0 = np.exp((n - 1) * np.log(t) - t / b + _log_p_over_xa(n - 1, ct))
        i1 = (n - 1) * np.exp(n * np.log(t) - t / b + _log_p_over_xa(n, ct))
        q = special.gammaincc(n - 1, t)
    if k == 1:
        return q + i0
    return q + (1.0 + t / b) * i0 - i1 / b


def _pd_swerling0(s: NDArray[np.float64], t: float, n: int) -> NDArray[np.float64]:
    # Richards eq. 6.86 (generalized Marcum Q) as a non-central chi-square tail.
    return stats.ncx2.sf(2.0 * t, 2 * n, 2.0 * n * s)


def _pd_swerling1(s: NDArray[np.float64], t: float, n: int) -> NDArray[np.float64]:
    # Richards eq. 6.99 / Mahafza & Elsherbeni eq. 2.76, as P(Exp(1 + n s) + Gamma(n-1) > T).
    return _gamma_sum_tail(t, n, 1.0 + n * s, 1)


def _pd_swerling2(s: NDArray[np.float64], t: float, n: int) -> NDArray[np.float64]:
    # Richards eq. 6.107: z ~ Gamma(n, 1 + s).
    return special.gammaincc(n, t / (1.0 + s))


def _pd_swerling3(s: NDArray[np.float64], t: float, n: int) -> NDArray[np.float64]:
    # Coherent-sum energy is (1/b) Gamma(1, b) + (theta/b) Gamma(2, b), b = 1 + theta.
    theta = 0.5 * n * s
    b = 1.0 + theta
    return (_gamma_sum_tail(t, n, b, 1) + theta * _gamma_sum_tail(t, n, b, 2)) / b


def _pd_swerling4(s: NDArray[np.float64], t: float, n: int) -> NDArray[np.float64]:
    # Binomial mixture of Gamma(2n - k, b), b = 1 + s/2 (Shnidman 1998; Richards table 6.1):
    # Pd = sum_k C(n,k) b^-k (1-1/b)^(n-k) Q(2n-k, T/b). With j = n - k the upper gammas
    # are built upward from Q(n, y) by Q(a+1, y) = Q(a, y) + y^a e^-y / a! (A&S 6.5.21).
    b = (1.0 + 0.5 * s)[..., None]
    y = t / b
    j = np.arange(n + 1)
    log_w = (
        special.gammaln(n + 1.0)
        - special.gammaln(n - j + 1.0)
        - special.gammaln(j + 1.0)
        - (n - j) * np.log(b)
        + special.xlog1py(j, -1.0 / b)
    )
    a = n + j[:-1]
    pois = np.exp(a * np.log(y) - y - special.gammaln(a + 1.0))
    q = special.gammaincc(n, y) + np.concatenate(
        [np.zeros_like(y), np.cumsum(pois, axis=-1)], axis=-1
    )
    return np.sum(np.exp(log_w) * q, axis=-1)


_PD_KERNELS = {
    0: _pd_swerling0,
    1: _pd_swerling1,
    2: _pd_swerling2,
    3: _pd_swerling3,
    4: _pd_swerling4,
}


def _pd_linear(s: NDArray[np.float64], t: float, swerling: int, n: int) -> NDArray[np.float64]:
    """Pd for per-pulse linear SNR ``s`` (array, validated), threshold ``t``."""
    pd = _PD_KERNELS[swerling](s, t, n)
    return np.clip(pd, 0.0, 1.0)


def detection_probability(
    snr_db: ArrayLike, pfa: float, swerling: int, n_pulses: int = 1
) -> NDArray[np.float64]:
    """Exact probability of detection of a square-law detector integrating ``n_pulses``.

    Parameters
    ----------
    snr_db : array_like, any shape
        Mean per-pulse signal-to-noise ratio [dB] (``-inf`` allowed: no signal).
    pfa : float
        False-alarm probability per detection cell, in (0, 1).
    swerling : int
        Target fluctuation model, 0 (steady) or Swerling 1-4.
    n_pulses : int
        Number of pulses integrated non-coherently, >= 1.

    Returns
    -------
    ndarray of float, the shape of ``snr_db``
        Probability of detection in [Pfa, 1].
    """
    pfa_f, sw, n = _check_common(pfa, swerling, n_pulses, "detection_probability")
    snr_db_a = np.asarray(snr_db, dtype=float)
    if np.isnan(snr_db_a).any():
        raise ParameterError("snr_db", "array with NaN", "free of NaN", "detection_probability")
    s = np.atleast_1d(np.power(10.0, snr_db_a / 10.0)).ravel()
    t = float(special.gammainccinv(n, pfa_f))
    return _pd_linear(s, t, sw, n).reshape(snr_db_a.shape)


def required_snr_db(
    pd: ArrayLike, pfa: float, swerling: int, n_pulses: int = 1
) -> NDArray[np.float64]:
    """Per-pulse SNR [dB] at which :func:`detection_probability` equals ``pd`` (exact inverse).

    Swerling 2 (any n) and Swerling 1 with one pulse are inverted in closed form
    (``snr = T / Q^-1(n, Pd) - 1``; ``snr = ln Pfa / ln Pd - 1``, Richards eq. 6.101);
    other cases by a vectorized bisection on the dB axis (monotone Pd), converged to
    better than 1e-9 dB.

    Parameters
    ----------
    pd : array_like, any shape
        Wanted probability of detection, each in (pfa, 1).
    pfa, swerling, n_pulses
        As in :func:`detection_probability`.

    Returns
    -------
    ndarray of float, the shape of ``pd``.
    """
    func = "required_snr_db"
    pfa_f, sw, n = _check_common(pfa, swerling, n_pulses, func)
    pd_a = np.asarray(pd, dtype=float)
    if not np.all((pd_a > pfa_f) & (pd_a < 1.0)):
        raise ParameterError("pd", pd, f"values in (pfa, 1) = ({pfa_f:g}, 1)", func)
    t = float(special.gammainccinv(n, pfa_f))
    p = np.atleast_1d(pd_a).ravel()
    if sw == 2 or (sw == 1 and n == 1):
        # Pd = Q(n, T/(1+s))  =>  s = T / Q^-1(n, Pd) - 1  (n = 1: Richards eq. 6.101).
        s = t / special.gammainccinv(n, p) - 1.0
        return (10.0 * np.log10(s)).reshape(pd_a.shape)
    lo = np.full_like(p, _SNR_LO_DB)
    hi = np.full_like(p, _SNR_HI_DB)
    pd_lo = _pd_linear(10.0 ** (lo / 10.0), t, sw, n)
    pd_hi = _pd_linear(10.0 ** (hi / 10.0), t, sw, n)
    if np.any(p <= pd_lo) or np.any(p >= pd_hi):
        raise ParameterError(
            "pd",
            pd,
            f"reachable with a per-pulse SNR in [{_SNR_LO_DB}, {_SNR_HI_DB}] dB "
            f"(Pd in ({pd_lo.min():.3g}, {pd_hi.max():.12g}))",
            func,
        )
    for _ in range(_N_BISECT):
        mid = 0.5 * (lo + hi)
        above = _pd_linear(10.0 ** (mid / 10.0), t, sw, n) >= p
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return (0.5 * (lo + hi)).reshape(pd_a.shape)


def _approx_args(
    pd: ArrayLike, pfa: ArrayLike, n_pulses: ArrayLike, func: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The checked array arguments of the closed-form approximations (Albersheim,
    Shnidman): 0 < pd < 1, 0 < pfa < 1, n_pulses integers >= 1."""
    pd_a, pfa_a = np.asarray(pd, dtype=float), np.asarray(pfa, dtype=float)
    n_a = np.asarray(n_pulses, dtype=float)
    if not np.all((pd_a > 0) & (pd_a < 1)):
        raise ParameterError("pd", pd, "values in (0, 1)", func)
    if not np.all((pfa_a > 0) & (pfa_a < 1)):
        raise ParameterError("pfa", pfa, "values in (0, 1)", func)
    if not np.all((n_a >= 1) & (n_a == np.round(n_a))):
        raise ParameterError("n_pulses", n_pulses, "integers >= 1", func)
    return pd_a, pfa_a, n_a


def albersheim_snr_db(
    pd: ArrayLike, pfa: ArrayLike, n_pulses: ArrayLike = 1
) -> NDArray[np.float64]:
    """Albersheim's approximation of the per-pulse SNR [dB] for a steady target.

    Albersheim (1981), Proc. IEEE 69(7); Richards eq. 6.82 (linear detector, Swerling 0):
    ``A = ln(0.62/Pfa)``, ``B = ln(Pd/(1-Pd))``,
    ``SNR = -5 log10 N + (6.2 + 4.54/sqrt(N + 0.44)) log10(A + 0.12 A B + 1.7 B)``.
    Stated accuracy 0.2 dB for 0.1 <= Pd <= 0.9, 1e-7 <= Pfa <= 1e-3, 1 <= N <= 8096;
    outside that range it is an extrapolation. All arguments broadcast.
    """
    func = "albersheim_snr_db"
    pd_a, pfa_a, n_a = _approx_args(pd, pfa, n_pulses, func)
    a = np.log(0.62 / pfa_a)
    b = np.log(pd_a / (1.0 - pd_a))
    return -5.0 * np.log10(n_a) + (6.2 + 4.54 / np.sqrt(n_a + 0.44)) * np.log10(
        a + 0.12 * a * b + 1.7 * b
    )


def shnidman_snr_db(
    pd: ArrayLike, pfa: ArrayLike, swerling: int, n_pulses: ArrayLike = 1
) -> NDArray[np.float64]:
    """Shnidman's approximation of the per-pulse SNR [dB], square-law detector, Swerling 0-4.

    Shnidman (2002), "Determination of required SNR values", IEEE Trans. AES 38(3); the
    form of Richards eqs. 6.109-6.112. Stated accuracy about 1 dB (usually much better)
    for 0.1 <= Pd <= 0.99, 1e-9 <= Pfa <= 1e-3, 1 <= N <= 100. ``pd``, ``pfa`` and
    ``n_pulses`` broadcast.
    """
    func = "shnidman_snr_db"
    _check_common(0.5, swerling, 1, func)
    pd_a, pfa_a, n_a = _approx_args(pd, pfa, n_pulses, func)
    # Shnidman (2002) switches alpha at N < 40; MathWorks' shnidman at N <= 40. We follow
    # MathWorks so that its published outputs are reproduced exactly (they differ at N = 40).
    alpha = np.where(n_a <= 40, 0.0, 0.25)
    eta = np.sqrt(-0.8 * np.log(4.0 * pfa_a * (1.0 - pfa_a))) + np.sign(pd_a - 0.5) * np.sqrt(
        -0.8 * np.log(4.0 * pd_a * (1.0 - pd_a))
    )
    x_inf = eta * (eta + 2.0 * np.sqrt(n_a / 2.0 + alpha - 0.25))
    if swerling == 0:
        c_db = np.zeros(np.broadcast(pd_a, pfa_a, n_a).shape)
    else:
        k = {1: 1.0, 2: n_a, 3: 2.0, 4: 2.0 * n_a}[int(swerling)]
        c1 = (((17.7006 * pd_a - 18.4496) * pd_a + 14.5339) * pd_a - 3.525) / k
        c2 = (
            np.exp(27.31 * pd_a - 25.14)
            + (pd_a - 0.8) * (0.7 * np.log(1e-5 / pfa_a) + (2.0 * n_a - 20.0) / 80.0)
        ) / k
        c_db = np.where(pd_a <= 0.872, c1, c1 + c2)
    return 10.0 * np.log10(x_inf / n_a) + c_db


class PdTable:
    """Tabulated ``Pd(snr_db)`` for one (pfa, swerling, n_pulses): the hot-path fast form.

    Pd is evaluated exactly on a uniform grid of ``step_db`` over
    ``[snr_min_db, snr_max_db]`` and linearly interpolated in dB;
    below the grid Pd is held at its value at ``snr_min_db`` (within ``1e-3`` of Pfa for the
    defaults), above at its value at ``snr_max_db``. With the default 0.01 dB step the
    interpolation error is below 1e-5 in Pd (3e-6 worst measured for n <= 100; the tests
    check every Swerling case against the exact form). Building costs well under 0.1 s;
    a call costs about 20-30 ns per element.
    """

    def __init__(
        self,
        pfa: float,
        swerling: int,
        n_pulses: int = 1,
        snr_min_db: float = -40.0,
        snr_max_db: float = 80.0,
        step_db: float = 0.01,
    ):
        self.pfa, self.swerling, self.n_pulses = _check_common(pfa, swerling, n_pulses, "PdTable")
        if not (np.isfinite(snr_min_db) and np.isfinite(snr_max_db) and snr_min_db < snr_max_db):
            raise ParameterError(
                "snr_min_db/snr_max_db",
                (snr_min_db, snr_max_db),
                "finite with min < max",
                "PdTable",
            )
        if not 0.0 < step_db <= 1.0:
            raise ParameterError("step_db", step_db, "a float in (0, 1] dB", "PdTable")
        n_grid = int(np.ceil((snr_max_db - snr_min_db) / step_db)) + 1
        self.snr_grid_db = np.linspace(snr_min_db, snr_max_db, n_grid)
        self.pd_grid = detection_probability(
            self.snr_grid_db, self.pfa, self.swerling, self.n_pulses
        )
        self._inv_step = (n_grid - 1) / (snr_max_db - snr_min_db)

    def __call__(self, snr_db: ArrayLike) -> NDArray[np.float64]:
        """Pd for per-pulse SNR ``snr_db`` [dB], any shape (``-inf`` maps to the low end)."""
        x = np.asarray(snr_db, dtype=float)
        if np.isnan(x).any():
            raise ParameterError("snr_db", "array with NaN", "free of NaN", "PdTable")
        # Uniform grid: the cell index is arithmetic, no search (several times np.interp).
        pos = (x - self.snr_grid_db[0]) * self._inv_step
        pos = np.clip(pos, 0.0, self.snr_grid_db.size - 1.0)
        i = np.minimum(pos.astype(np.intp), self.snr_grid_db.size - 2)
        w = pos - i
        return self.pd_grid[i] * (1.0 - w) + self.pd_grid[i + 1] * w
