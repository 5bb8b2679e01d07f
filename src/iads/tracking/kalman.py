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
    # Upper triangle a b c / d e / f at flat indices 0 1 2 / 4 5 / 8; the nine cofactors
    # A B C / B D E / C E G come from four gathers, so the cost is a few calls per stack.
    s9 = S.reshape(-1, 9)
    adj = s9[:, _CO1] * s9[:, _CO2] - s9[:, _CO3] * s9[:, _CO4]
    det = s9[:, 0] * adj[:, 0] + s9[:, 1] * adj[:, 1] + s9[:, 2] * adj[:, 2]
    adj /= det[:, None]
    return adj.reshape(S.shape)


# cofactor k = S[_CO1[k]] * S[_CO2[k]] - S[_CO3[k]] * S[_CO4[k]] (flat indices, upper triangle)
_CO1 = np.array([4, 2, 1, 2, 0, 1, 1, 1, 0])  # d c b | c a b | b b a
_CO2 = np.array([8, 5, 5, 5, 8, 2, 5, 2, 4])  # f e e | e f c | e c d
_CO3 = np.array([5, 1, 2, 1, 2, 0, 2, 0, 1])  # e b c | b c a | c a b
_CO4 = np.array([5, 8, 4, 8, 2, 5, 4, 5, 1])  # e f d | f c e | d e b


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
    Sinv: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Kalman update for a position measurement (H = [I3 0]) written with slices instead of
    products with H. z (n, 3), R (n, 3, 3); Sinv (n, 3, 3): the inverse innovation
    covariances (P[:, :3, :3] + R)^-1 when the gate has computed them already.

    Covariance in the form P - K S K^T = P - K (P H^T)^T (Bar-Shalom et al. 2001,
    eq. 5.2.3-15), symmetrized: with the optimal gain it equals the Joseph form of `kf_update`
    to rounding, at a third of the cost."""
    PHt = P[:, :, :3]  # (n, d, 3)
    if Sinv is None:
        Sinv = inv_sym(PHt[:, :3, :] + R)
    K = PHt @ Sinv  # (n, d, 3)
    nu = z - x[:, :3]
    x_new = x + np.einsum("nik,nk->ni", K, nu)
    P_new = P - K @ np.swapaxes(PHt, 1, 2)
    P_new = 0.5 * (P_new + np.swapaxes(P_new, 1, 2))
    return x_new, P_new
