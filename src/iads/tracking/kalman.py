"""Batched Kalman filter kernels: prediction and update of n tracks at once, on plain arrays.

Shapes: x (n, d), P (n, d, d); a matrix argument (F, Q, H) is either shared (d, d) or one per
track (n, d, d). Equations: Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to
Tracking and Navigation* (2001), §5.2.4 (prediction, eqs. 5.2.4-1..5) and update in the Joseph
form (eq. 5.2.3-18), as FilterPy's `KalmanFilter` does.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["det3", "inv_sym", "kf_predict", "kf_update", "kf_update_position"]


def _T(A: NDArray) -> NDArray:
    return np.swapaxes(A, -1, -2)


def inv_sym(S: NDArray[np.float64]) -> NDArray[np.float64]:
    """Inverse of a stack of symmetric positive definite matrices (..., k, k); closed form
    (adjugate over determinant) for k = 3, which is several times faster than LAPACK on
    small stacked matrices."""
    if S.shape[-1] != 3:
        return np.linalg.inv(S)
    a, b, c = S[..., 0, 0], S[..., 0, 1], S[..., 0, 2]
    d, e, f = S[..., 1, 1], S[..., 1, 2], S[..., 2, 2]
    A = d * f - e * e
    B = c * e - b * f
    C = b * e - c * d
    det = a * A + b * B + c * C
    D = a * f - c * c
    E = b * c - a * e
    G = a * d - b * b
    out = np.stack([A, B, C, B, D, E, C, E, G], axis=-1).reshape(S.shape)
    return out / det[..., None, None]


def det3(S: NDArray[np.float64]) -> NDArray[np.float64]:
    """Determinants of a stack of 3x3 matrices (..., 3, 3), closed form."""
    return (
        S[..., 0, 0] * (S[..., 1, 1] * S[..., 2, 2] - S[..., 1, 2] * S[..., 2, 1])
        - S[..., 0, 1] * (S[..., 1, 0] * S[..., 2, 2] - S[..., 1, 2] * S[..., 2, 0])
        + S[..., 0, 2] * (S[..., 1, 0] * S[..., 2, 1] - S[..., 1, 1] * S[..., 2, 0])
    )


def kf_predict(
    x: NDArray[np.float64], P: NDArray[np.float64], F: NDArray[np.float64], Q: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """x' = F x, P' = F P F^T + Q for all tracks. F, Q: (d, d) or (n, d, d)."""
    if F.ndim == 2:
        x_new = x @ F.T
    else:
        x_new = np.einsum("nij,nj->ni", F, x)
    P_new = F @ P @ _T(F) + Q
    return x_new, P_new


def kf_update(
    x: NDArray[np.float64],
    P: NDArray[np.float64],
    z: NDArray[np.float64],
    R: NDArray[np.float64],
    H: NDArray[np.float64],
    z_pred: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Kalman update of n tracks, each with its own measurement z (n, k) and covariance
    R (n, k, k); H (k, d) or (n, k, d). `z_pred` (n, k) replaces H x (the EKF passes h(x));
    returns (x, P) updated. Joseph form keeps P symmetric positive semi-definite."""
    if z_pred is None:
        z_pred = x @ H.T if H.ndim == 2 else np.einsum("nij,nj->ni", H, x)
    PHt = P @ _T(H)  # (n, d, k)
    S = H @ PHt + R
    K = PHt @ inv_sym(S)  # (n, d, k)
    nu = z - z_pred
    x_new = x + np.einsum("nik,nk->ni", K, nu)
    d = x.shape[-1]
    IKH = np.eye(d) - K @ H
    P_new = IKH @ P @ _T(IKH) + K @ R @ _T(K)
    return x_new, P_new


def kf_update_position(
    x: NDArray[np.float64],
    P: NDArray[np.float64],
    z: NDArray[np.float64],
    R: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Kalman update for a position measurement (H = [I3 0]) written with slices instead of
    products with H. z (n, 3), R (n, 3, 3).

    Covariance in the form P - K S K^T = P - K (P H^T)^T (Bar-Shalom et al. 2001,
    eq. 5.2.3-15), symmetrized: with the optimal gain it equals the Joseph form of `kf_update`
    to rounding, at a third of the cost."""
    PHt = P[:, :, :3]  # (n, d, 3)
    S = PHt[:, :3, :] + R
    K = PHt @ inv_sym(S)  # (n, d, 3)
    nu = z - x[:, :3]
    x_new = x + np.einsum("nik,nk->ni", K, nu)
    P_new = P - K @ np.swapaxes(PHt, 1, 2)
    P_new = 0.5 * (P_new + np.swapaxes(P_new, 1, 2))
    return x_new, P_new
