"""Fusion across radars.

Two architectures, chosen per battery or network by the caller:
- centralized measurement fusion: one tracker takes every radar's measurements, each radar's
  in turn within a scan (`tracker_step(..., sensor_id=...)`), giving one air picture;
- track-to-track fusion for radars that report tracks: `fuse_tracks` associates two track
  sets (GNN on the statistical distance between tracks) and fuses each matched pair by
  covariance intersection, which stays consistent when the two tracks' errors are
  correlated by an unknown amount (common process noise, shared history).

Covariance intersection: Julier & Uhlmann (1997), "A non-divergent estimation algorithm in
the presence of unknown correlations", ACC, eqs. (6)-(7), with omega minimising the trace of
the fused covariance. Track-to-track association: the chi-square test of Bar-Shalom (1981),
"On the track-to-track correlation problem", IEEE TAC 26(2), first-order: without the
cross-covariance term.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.errors import ParameterError
from iads.tracking.association import assign_sparse, candidate_pairs
from iads.tracking.base import TrackSet, _chi2_ppf
from iads.tracking.kalman import inv_sym

__all__ = ["FusedTracks", "covariance_intersection", "fuse_tracks"]

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def _ci(Ia, Ib, ya, yb, w):
    """Fused (x, P) for weights w (n,): P = (w Ia + (1-w) Ib)^-1, x = P (w Ia xa + ...)."""
    Iw = w[:, None, None] * Ia + (1 - w)[:, None, None] * Ib
    P = np.linalg.inv(Iw)
    x = np.einsum("nij,nj->ni", P, w[:, None] * ya + (1 - w)[:, None] * yb)
    return x, P


def covariance_intersection(
    xa: NDArray[np.float64],
    Pa: NDArray[np.float64],
    xb: NDArray[np.float64],
    Pb: NDArray[np.float64],
    omega: NDArray[np.float64] | float | None = None,
    n_iter: int = 40,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Covariance intersection of n pairs of estimates xa, xb (n, d) with covariances Pa, Pb
    (n, d, d). omega (n,) or scalar in [0, 1] weights a; None chooses, per pair, the omega
    minimising trace(P) by golden-section search (n_iter steps, vectorized over pairs).

    Returns (x (n, d), P (n, d, d), omega (n,))."""
    xa, xb = np.atleast_2d(xa), np.atleast_2d(xb)
    Pa, Pb = np.asarray(Pa, float).reshape(xa.shape + xa.shape[-1:]), np.asarray(Pb, float)
    Pb = Pb.reshape(Pa.shape)
    Ia, Ib = np.linalg.inv(Pa), np.linalg.inv(Pb)
    ya, yb = np.einsum("nij,nj->ni", Ia, xa), np.einsum("nij,nj->ni", Ib, xb)
    n = xa.shape[0]
    if omega is not None:
        w = np.broadcast_to(np.asarray(omega, float), (n,)).copy()
        if np.any((w < 0) | (w > 1)):
            raise ParameterError("omega", omega, "weights in [0, 1]", "covariance_intersection")
        return (*_ci(Ia, Ib, ya, yb, w), w)

    def cost(w):
        Iw = w[:, None, None] * Ia + (1 - w)[:, None, None] * Ib
        return np.trace(np.linalg.inv(Iw), axis1=1, axis2=2)

    # trace((w Ia + (1-w) Ib)^-1) is convex in w, so golden section finds its minimum.
    lo, hi = np.zeros(n), np.ones(n)
    a, b = hi - _GOLDEN * (hi - lo), lo + _GOLDEN * (hi - lo)
    fa, fb = cost(a), cost(b)
    for _ in range(n_iter):
        left = fa < fb
        hi = np.where(left, b, hi)
        lo = np.where(left, lo, a)
        a_new = hi - _GOLDEN * (hi - lo)
        b_new = lo + _GOLDEN * (hi - lo)
        a, b = a_new, b_new
        fa, fb = cost(a), cost(b)
    w = (lo + hi) / 2
    # The ends (one estimate alone) can beat any interior point.
    cands = np.stack([np.zeros(n), w, np.ones(n)], axis=1)
    costs = np.stack([cost(cands[:, k]) for k in range(3)], axis=1)
    w = cands[np.arange(n), np.argmin(costs, axis=1)]
    return (*_ci(Ia, Ib, ya, yb, w), w)


@dataclass(frozen=True)
class FusedTracks:
    """The fused air picture: x (k, d), P (k, d, d) and, per row, the id of the contributing
    track of each input set (-1 where that set had no track for it)."""

    x: NDArray[np.float64]
    P: NDArray[np.float64]
    id_a: NDArray[np.int64]
    id_b: NDArray[np.int64]


def fuse_tracks(
    a: TrackSet, b: TrackSet, gate_probability: float = 0.999, confirmed_only: bool = True
) -> FusedTracks:
    """Associate two track sets of the same time (GNN on the Mahalanobis distance between
    track positions with covariance Pa + Pb) and fuse matched pairs by covariance
    intersection; unmatched tracks pass through. Both sets must share the state layout."""
    if a.x.shape[1] != b.x.shape[1]:
        raise ParameterError(
            "b",
            f"state dimension {b.x.shape[1]}",
            f"the state dimension of a ({a.x.shape[1]})",
            "fuse_tracks",
        )
    if (
        a.n
        and b.n
        and not np.allclose(a.t_s.max(), b.t_s.min())
        and not np.allclose(a.t_s.min(), b.t_s.max())
    ):
        raise ParameterError(
            "b",
            f"tracks at t={b.t_s.min()}..{b.t_s.max()} s",
            f"tracks at the time of a ({a.t_s.max()} s); predict first",
            "fuse_tracks",
        )
    if confirmed_only:
        a, b = a.take(a.confirmed), b.take(b.confirmed)
    G = _chi2_ppf(gate_probability, 3)
    Sa, Sb = a.P[:, :3, :3], b.P[:, :3, :3]
    radius = np.sqrt(
        G * (np.trace(Sa, axis1=1, axis2=2) + np.trace(Sb, axis1=1, axis2=2).max(initial=0.0))
    )
    rows, cols = candidate_pairs(a.x[:, :3], radius, b.x[:, :3])
    nu = b.x[cols, :3] - a.x[rows, :3]
    d2 = np.einsum("pi,pij,pj->p", nu, inv_sym(Sa[rows] + Sb[cols]), nu)
    ok = d2 <= G
    rows, cols, d2 = rows[ok], cols[ok], d2[ok]
    chosen = assign_sparse(rows, cols, d2 - G, a.n, b.n)
    ra, cb = rows[chosen], cols[chosen]
    xf, Pf, _ = covariance_intersection(a.x[ra], a.P[ra], b.x[cb], b.P[cb])
    only_a = np.setdiff1d(np.arange(a.n), ra)
    only_b = np.setdiff1d(np.arange(b.n), cb)
    none_a, none_b = np.full(only_b.size, -1), np.full(only_a.size, -1)
    return FusedTracks(
        x=np.concatenate([xf, a.x[only_a], b.x[only_b]]),
        P=np.concatenate([Pf, a.P[only_a], b.P[only_b]]),
        id_a=np.concatenate([a.ids[ra], a.ids[only_a], none_a]).astype(np.int64),
        id_b=np.concatenate([b.ids[cb], none_b, b.ids[only_b]]).astype(np.int64),
    )
