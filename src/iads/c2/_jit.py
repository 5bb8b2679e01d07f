"""Compiled (numba) kernels of the classification step of battle management (private);
``ENABLED`` chooses them (True) or the numpy reference path (False), and the tests run both.

`classify_rows` does what ``iads.c2.stage.classify_tracks`` does with the numpy functions
``classify.features`` (its geodetic position by the compiled path of
``geo.ecef_to_geodetic_rad``, ``iads.geo._jit``), ``classify.log_likelihood``
and ``classify.update_log_posterior``, with the same floating-point operations in the same
order, so that the two agree bit for bit (tests assert equality, and of whole runs):

- the elementwise arithmetic, the contractions (``np.einsum`` sums its 9-term quadratic
  forms in row-major order into one sum, or row by row for a single track, its 3-term
  dot products as ``(a0 b0 + a2 b2) + a1 b1``), the norm and the products are compiled;
- ``scipy.special.ndtr`` is ported (`ndtr`: the Cephes algorithm scipy uses, its
  rational approximations of erf and erfc with Cephes's coefficients; only ``exp``
  is a libm call, as in scipy's compiled code); a test holds it equal to scipy's on
  millions of random arguments;
- the transcendental functions numpy computes with its own SIMD code on AVX-512 machines
  (``arctan2``, ``cbrt``, ``power``, ``log``, ``exp``) stay numpy calls, each over all the
  rows of one update at once, between the kernels; ``sin`` and ``cos``, which
  numpy takes from libm there too, are compiled (the tests check it on this platform and
  fall back to a tolerance where they differ, as for the sensing kernels).

So an update is a handful of calls, whatever the number of rows, instead of a hundred
numpy calls on a few elements each. A point inside the evolute of the meridian ellipse
(closer than ~43 km to the earth's centre) sends the whole update to the numpy path.

Compiled with ``cache=True``: the first run after an install compiles them, later
processes load the machine code from numba's cache.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from numpy.typing import NDArray

from iads.geo import _jit as gj
from iads.sensors._jit import _pack_terrain, _terrain_height
from iads.sensors.terrain import TerrainModel

__all__ = ["ENABLED", "CompiledTerrain", "classify_rows", "ndtr", "ndtr_array", "rows_due"]

ENABLED = True
"""Use the compiled kernels (True) or the numpy reference path (False)."""

_SQRT1_2 = 0.7071067811865476  # 1/sqrt(2), C's M_SQRT1_2
_MAXLOG = 7.09782712893383996843e2  # log(DBL_MAX): exp(-MAXLOG) is the smallest normal

# Coefficients of Cephes's rational approximations (Moshier, Cephes Math Library 2.2,
# ndtr.c, as scipy.special uses them), highest degree first; a leading 1 where Cephes's
# p1evl assumes one.
_ERFC_P = np.array([
    2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
    4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
    9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2,
])  # fmt: skip
_ERFC_Q = np.array([
    1.0, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
    9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
    1.65666309194161350182e3, 5.57535340817727675546e2,
])  # fmt: skip
_ERFC_R = np.array([
    5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
    6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0,
])  # fmt: skip
_ERFC_S = np.array([
    1.0, 2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
    1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0,
])  # fmt: skip
_ERF_T = np.array([
    9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
    7.00332514112805075473e3, 5.55923013010394962768e4,
])  # fmt: skip
_ERF_U = np.array([
    1.0, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
    2.26290000613890934246e4, 4.92673942608635921086e4,
])  # fmt: skip


@njit(cache=True)
def _poly(x, c):
    """Horner's evaluation of the polynomial with coefficients ``c`` (highest first)."""
    y = c[0]
    for i in range(1, c.shape[0]):
        y = y * x + c[i]
    return y


@njit(cache=True)
def _erf_small(x):
    """erf(x) for 0 <= x <= 1: x T(x^2) / U(x^2)."""
    z = x * x
    return x * _poly(z, _ERF_T) / _poly(z, _ERF_U)


@njit(cache=True)
def ndtr(a):
    """The standard normal CDF Φ(a), equal bit for bit to ``scipy.special.ndtr``:
    0.5 + 0.5 erf(a/√2) near 0, else 0.5 erfc(|a|/√2) (or 1 minus it)."""
    if a != a:
        return a
    x = a * _SQRT1_2
    z = abs(x)
    if z < _SQRT1_2:
        return 0.5 + 0.5 * (_erf_small(x) if x >= 0.0 else -_erf_small(-x))
    if z < 1.0:
        y = 1.0 - _erf_small(z)
    elif -z * z < -_MAXLOG:
        y = 0.0
    else:
        e = math.exp(-z * z)
        if z < 8.0:
            y = (e * _poly(z, _ERFC_P)) / _poly(z, _ERFC_Q)
        else:
            y = (e * _poly(z, _ERFC_R)) / _poly(z, _ERFC_S)
    y = 0.5 * y
    return 1.0 - y if x > 0.0 else y


@njit(cache=True)
def ndtr_array(a):
    """`ndtr` of each element of a 1-d array (for the tests)."""
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        out[i] = ndtr(a[i])
    return out


@njit(cache=True)
def rows_due(last_update_t_s, class_t_s, ids):
    """Rows (k,) of the tracks measured since their last classification (never classified:
    NaN): ``flatnonzero(~(last_update_t_s <= class_t_s[ids]))``."""
    n = ids.shape[0]
    out = np.empty(n, np.int64)
    k = 0
    for i in range(n):
        if not (last_update_t_s[i] <= class_t_s[ids[i]]):
            out[k] = i
            k += 1
    return out[:k]


@njit(cache=True)
def _gather(rows, x, w):
    """The ECEF positions ``x[rows, :3]`` into the rows X, Y, Z of a geodetic work array,
    then the first terms of the geodetic conversion (``geo._jit.geodetic``'s first
    kernel); False if a position is not finite."""
    for i in range(rows.shape[0]):
        w[gj.X, i], w[gj.Y, i], w[gj.Z, i] = x[rows[i], 0], x[rows[i], 1], x[rows[i], 2]
    return gj._terms(w)


@njit(cache=True)
def _features(rows, x, cov, w, feat, lo, hi, klass, floor, unknown, lik):
    """Features and their errors (``classify.features``) into ``feat`` (m, 6), and the
    likelihoods (before the log) of ``classify.log_likelihood`` into ``lik`` (m, C + 1),
    with NaN for a likelihood of 0 (so that the log raises no division by zero; `_prior`
    floors -inf and NaN alike). ``w`` holds half the latitude (``geodetic`` before its
    last doubling)."""
    n_class = lik.shape[1] - 1
    n_type = lo.shape[0]
    for i in range(rows.shape[0]):
        j = rows[i]
        lat, lon, h = 2.0 * w[gj.LAT, i], w[gj.LON, i], w[gj.H, i]
        cl = math.cos(lat)
        u0, u1, u2 = cl * math.cos(lon), cl * math.sin(lon), math.sin(lat)
        v0, v1, v2 = x[j, 3], x[j, 4], x[j, 5]
        speed = math.sqrt(v0 * v0 + v1 * v1 + v2 * v2)
        if speed > 0.0:
            a0, a1, a2 = v0 / speed, v1 / speed, v2 / speed
        else:
            a0, a1, a2 = u0, u1, u2
        single = rows.shape[0] == 1
        var0 = _quad(a0, a1, a2, cov, j, 3, single)
        var1 = _quad(u0, u1, u2, cov, j, 0, single)
        var2 = _quad(u0, u1, u2, cov, j, 3, single)
        climb = (v0 * u0 + v2 * u2) + v1 * u1
        feat[i, 0], feat[i, 1], feat[i, 2] = speed, h, climb
        feat[i, 3] = math.sqrt(0.0 if var0 < 0.0 else var0)
        feat[i, 4] = math.sqrt(0.0 if var1 < 0.0 else var1)
        feat[i, 5] = math.sqrt(0.0 if var2 < 0.0 else var2)
        for c in range(n_class):
            lik[i, c] = 0.0
        for t in range(n_type):
            prod = 1.0
            for f in range(3):
                sg = feat[i, 3 + f]
                s = math.sqrt(sg * sg + floor[f])
                xf = feat[i, f]
                dens = (ndtr((hi[t, f] - xf) / s) - ndtr((lo[t, f] - xf) / s)) / (
                    hi[t, f] - lo[t, f]
                )
                prod = dens if f == 0 else prod * dens
            lik[i, klass[t]] += prod
        for c in range(n_class):
            if lik[i, c] == 0.0:
                lik[i, c] = np.nan
        lik[i, n_class] = unknown


@njit(cache=True)
def _quad(a0, a1, a2, cov, j, o, single):
    """a' cov[j, o:o+3, o:o+3] a summed as ``np.einsum("ni,nij,nj->n")`` does: the nine
    terms (a_i c_ij) a_j in row-major order into one sum, or (``single``: an einsum over
    one track, which iterates over i and j only) row by row, each row summed apart."""
    a = (a0, a1, a2)
    s = 0.0
    for i in range(3):
        r = 0.0
        for k in range(3):
            t = a[i] * cov[j, o + i, o + k] * a[k]
            if single:
                r += t
            else:
                s += t
        if single:
            s += r
    return s


@njit(cache=True)
def _prior(loglik, log_post, class_t_s, tid, memory, z):
    """``classify.update_log_posterior`` up to the exponential: the fading-memory sum, the
    non-finite values floored, the row maximum subtracted, into ``z`` (m, 6). A NaN log
    likelihood (`_features`' mark of a zero likelihood) gives a non-finite sum as the
    reference's -inf does: both are floored the same."""
    for i in range(z.shape[0]):
        first = class_t_s[tid[i]] != class_t_s[tid[i]]
        top = -np.inf
        for c in range(z.shape[1]):
            prior = 0.0 if first else log_post[tid[i], c]
            v = memory * prior + loglik[i, c]
            if not math.isfinite(v):
                v = -1e300
            z[i, c] = v
            top = max(top, v)
        for c in range(z.shape[1]):
            z[i, c] -= top


@njit(cache=True)
def _store(z, log_sum, log_post, class_t_s, tid, t_upd, rows):
    """The normalized log posteriors and the classification times into the picture."""
    for i in range(z.shape[0]):
        for c in range(z.shape[1]):
            log_post[tid[i], c] = z[i, c] - log_sum[i]
        class_t_s[tid[i]] = t_upd[rows[i]]


def classify_rows(
    rows: NDArray[np.int64],
    ids: NDArray[np.int64],
    x: NDArray[np.float64],
    P: NDArray[np.float64],
    last_update_t_s: NDArray[np.float64],
    log_post: NDArray[np.float64],
    class_t_s: NDArray[np.float64],
    lib,
    floor_sq: NDArray[np.float64],
    unknown: float,
) -> bool:
    """One fading-memory Bayesian update of the tracks ``rows`` (k,) of a track set (ids
    (n,), states ``x`` (n, ≥6), covariances ``P`` (n, ≥6, ≥6), update times (n,)) into
    the picture's ``log_post`` (ids, 6) and ``class_t_s`` (ids,), in place, as
    ``classify_tracks`` does; ``lib`` the ``ThreatLibrary``, ``floor_sq`` (3,) the squared
    feature floors, ``unknown`` the unknown hypothesis's likelihood. Returns False (and
    changes nothing) when a position lies inside the evolute: use the numpy path."""
    m = rows.shape[0]
    w = np.empty((gj.N_ROWS, m))
    # ``geo._jit.geodetic`` with the gather fused into its first kernel and without the
    # latitude's last doubling (done in ``_features``): two calls fewer.
    if not _gather(rows, x, w):
        return False
    np.power(w[gj._R], 3, out=w[gj._R3])
    if not gj._roots(w):
        return False
    np.cbrt(w[gj._C1 : gj._C2 + 1], out=w[gj._C1 : gj._C2 + 1])
    gj._latitude_args(w)
    np.arctan2(w[gj.Y : gj.Z + 1], w[gj.X : gj._DZD + 1], out=w[gj.LON : gj.LAT + 1])
    feat = np.empty((m, 6))
    lik = np.empty((m, log_post.shape[1]))
    _features(rows, x, P, w, feat, lib.lo, lib.hi, lib.klass, floor_sq, unknown, lik)
    np.log(lik, out=lik)  # no zero: no division by zero to silence
    tid = ids[rows]
    _prior(lik, log_post, class_t_s, tid, lib.memory, lik)
    log_sum = np.log(np.exp(lik).sum(axis=1))
    _store(lik, log_sum, log_post, class_t_s, tid, last_update_t_s, rows)
    return True


@njit(cache=True)
def _heights(lat, lon, g_lat, g_lon, g_h, g_meta, out):
    for i in range(out.shape[0]):
        out[i] = _terrain_height(lat[i], lon[i], g_lat, g_lon, g_h, g_meta)


class CompiledTerrain:
    """A ``TerrainModel`` without hills as the ``ground`` of the engagement envelopes
    (``iads.weapons.envelope``): the same heights by the sensing stage's compiled bilinear
    lookup of its grid chain (``iads.sensors._jit``, held equal to the model by the
    sensing tests) in one call instead of the model's ~30 numpy calls."""

    def __init__(self, terrain: TerrainModel) -> None:
        self.terrain = terrain
        self.packed = _pack_terrain(terrain)

    @staticmethod
    def applies(terrain: object) -> bool:
        """Whether ``terrain`` is a model this class reproduces (grids only, no hills)."""
        return isinstance(terrain, TerrainModel) and not terrain.hill_height_m.size

    def __call__(self, lat_rad: NDArray[np.float64], lon_rad: NDArray[np.float64]) -> NDArray:
        """Terrain height [m] at ``lat_rad``, ``lon_rad`` (same shape, any)."""
        lat = np.ascontiguousarray(lat_rad, dtype=float)
        lon = np.ascontiguousarray(lon_rad, dtype=float)
        out = np.empty(lat.shape)
        _heights(lat.reshape(-1), lon.reshape(-1), *self.packed, out.reshape(-1))
        return out
