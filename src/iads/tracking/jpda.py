"""Joint probabilistic data association (JPDA) on the sparse gated pairs: marginal association
probabilities per (track, measurement), exact by enumeration of the joint events for small
clusters with cycles, and by loopy belief propagation for every other cluster (exact on
clusters without cycles: one track, or one measurement shared by several tracks).

JPDA: Fortmann, Bar-Shalom & Scheffe (1983), IEEE J. Oceanic Eng. 8(3); joint event weights
as in Bar-Shalom, Daum & Huang (2009), "The probabilistic data association filter", IEEE
Control Systems 29(6), eq. (38) (parametric clutter of density lambda). Belief propagation:
Williams & Lau (2014), "Approximate evaluation of marginal association probabilities with
belief propagation", IEEE TAES 50(4), eqs. (30)-(31). The state update is the Gaussian
mixture of the missed-detection prediction and the per-measurement updates, reduced by
moment matching (Bar-Shalom et al. 2009, eqs. (39)-(41) for a common S).
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

from iads.tracking.association import clusters
from iads.tracking.base import TrackerConfig, TrackSet

__all__ = ["jpda_marginals", "jpda_update"]


def _likelihood_ratio(config: TrackerConfig, d2: NDArray, logdet: NDArray, k: int) -> NDArray:
    """r_ij = P_D N(nu; 0, S) / (lambda (1 - P_D P_G)): weight of 'track i made measurement j'
    relative to 'track i missed and j is clutter'."""
    pd = config.detection_probability
    pg = config.gate_probability
    log_n = -0.5 * (d2 + logdet + k * np.log(2 * np.pi))
    denom = config.clutter_density * max(1.0 - pd * pg, 1e-12)
    return pd * np.exp(log_n) / denom


def _bp(rows, cols, r, n_rows, n_cols, n_iter=200, tol=1e-12):
    """Loopy belief propagation for the marginals (Williams & Lau 2014), on all pairs at
    once. Returns beta (p,) per pair and beta0 (n_rows,) per row."""
    mu = np.ones(r.size)  # messages measurement -> track
    for _ in range(n_iter):
        s_row = np.bincount(rows, weights=r * mu, minlength=n_rows)
        nu = r / (1.0 + s_row[rows] - r * mu)  # track -> measurement
        s_col = np.bincount(cols, weights=nu, minlength=n_cols)
        mu_new = 1.0 / (1.0 + s_col[cols] - nu)
        done = np.max(np.abs(mu_new - mu), initial=0.0) < tol
        mu = mu_new
        if done:
            break
    s_row = np.bincount(rows, weights=r * mu, minlength=n_rows)
    return r * mu / (1.0 + s_row[rows]), 1.0 / (1.0 + s_row)


def _exact(rows, cols, r):
    """Exact marginals of one cluster by enumerating all feasible joint events (each track
    takes one of its gated measurements or none, no measurement taken twice)."""
    ur, lr = np.unique(rows, return_inverse=True)
    options = [np.flatnonzero(lr == i) for i in range(ur.size)]  # pair indices per track
    beta = np.zeros(r.size)
    total = 0.0
    for ev in itertools.product(*[[-1, *o] for o in options]):
        taken = [p for p in ev if p >= 0]
        ms = cols[taken]
        if np.unique(ms).size < ms.size:
            continue
        w = float(np.prod(r[taken])) if taken else 1.0
        total += w
        beta[taken] += w
    return beta / total


def jpda_marginals(
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    r: NDArray[np.float64],
    n_rows: int,
    n_cols: int,
    exact_max_tracks: int = 6,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Marginal association probabilities beta (p,) of the pairs (rows, cols) with
    likelihood ratios r (p,), and beta0 (n_rows,) of each row's missed detection."""
    if rows.size == 0:
        return np.zeros(0), np.ones(n_rows)
    beta, beta0 = _bp(rows, cols, r, n_rows, n_cols)
    lab = clusters(rows, cols, n_rows, n_cols)
    n_lab = int(lab.max()) + 1
    # A cluster has a cycle iff it has at least as many pairs as (tracks + measurements).
    n_pairs = np.bincount(lab, minlength=n_lab)
    n_t = np.bincount(lab[np.unique(rows, return_index=True)[1]], minlength=n_lab)
    n_m = np.bincount(lab[np.unique(cols, return_index=True)[1]], minlength=n_lab)
    cyclic = np.flatnonzero((n_pairs >= n_t + n_m) & (n_t <= exact_max_tracks))
    for c in cyclic:  # a loop over small ambiguous clusters, not over tracks
        sel = np.flatnonzero(lab == c)
        b = _exact(rows[sel], cols[sel], r[sel])
        beta[sel] = b
        tr = np.unique(rows[sel])
        beta0[tr] = 1.0 - np.bincount(rows[sel], weights=b, minlength=n_rows)[tr]
    return beta, beta0


def jpda_update(
    tracks: TrackSet,
    config: TrackerConfig,
    meas,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    d2: NDArray[np.float64],
    logdet: NDArray[np.float64],
) -> tuple[NDArray[np.int64], dict[str, NDArray[np.float64]], NDArray[np.float64]]:
    """JPDA update of the tracks that have gated pairs (rows into tracks, cols into meas).

    Returns (updated rows (u,), {'x': (u, d), 'P': (u, d, d)}, beta per pair (p,))."""
    from iads.tracking.filters import update_pairs

    if rows.size == 0:
        return (
            rows,
            {"x": np.zeros((0, tracks.x.shape[1])), "P": np.zeros((0,) + tracks.P.shape[1:])},
            np.zeros(0),
        )
    k = meas.z.shape[1]
    r = _likelihood_ratio(config, d2, logdet, k)
    beta, beta0 = jpda_marginals(rows, cols, r, tracks.n, meas.m, config.jpda_exact_max_tracks)
    upd = update_pairs(tracks, config, meas, rows, cols)
    ur, inv = np.unique(rows, return_inverse=True)
    x0, P0, b0 = tracks.x[ur], tracks.P[ur], beta0[ur]
    x = b0[:, None] * x0
    np.add.at(x, inv, beta[:, None] * upd["x"])
    D0 = x0 - x
    P = b0[:, None, None] * (P0 + D0[:, :, None] * D0[:, None, :])
    Dj = upd["x"] - x[inv]
    np.add.at(P, inv, beta[:, None, None] * (upd["P"] + Dj[:, :, None] * Dj[:, None, :]))
    return ur, {"x": x, "P": P}, beta
