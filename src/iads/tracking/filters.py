"""The tracker's filter layer: predict every track to the scan time, gate measurements against
the predictions, and update tracks from (track, measurement) pairs, choosing the kernels
(linear KF, EKF/UKF, IMM) from the `TrackerConfig`.

Measurements arrive as a `MeasurementBatch`: Cartesian positions (m, 3) with covariances
(m, 3, 3), or radar (range, azimuth, elevation[, range rate]) with the sensor positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from iads.tracking import _jit
from iads.tracking.association import gate_position
from iads.tracking.base import TrackerConfig, TrackSet
from iads.tracking.kalman import det3, kf_predict, kf_update_position
from iads.tracking.models import process_noise, transition_and_noise, transition_matrix

__all__ = ["MeasurementBatch", "gate", "predict", "update_pairs"]


@dataclass(frozen=True)
class MeasurementBatch:
    """Measurements of one scan (or of one sensor within a scan).

    z (m, k): positions [m] (k = 3) for config.measurement == 'position'; for 'radar',
    range [m], azimuth [rad], elevation [rad] and optionally range rate [m/s] (k = 3 or 4).
    R (m, k, k): their covariances. sensor_xyz_m (m, 3): sensor positions (radar only),
    rot (m, 3, 3): tracking frame to the sensor's ENU frame (radar only; None = identity).
    """

    z: NDArray[np.float64]
    R: NDArray[np.float64]
    sensor_xyz_m: NDArray[np.float64] | None = None
    rot: NDArray[np.float64] | None = None

    @property
    def m(self) -> int:
        return int(self.z.shape[0])

    def take(self, index: NDArray) -> MeasurementBatch:
        return MeasurementBatch(
            self.z[index],
            self.R[index],
            None if self.sensor_xyz_m is None else self.sensor_xyz_m[index],
            None if self.rot is None else self.rot[index],
        )

    def positions(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Cartesian positions (m, 3) [m] and their covariances (m, 3, 3) (for initiation)."""
        if self.sensor_xyz_m is None:
            return self.z, self.R
        from iads.tracking.radar import radar_to_position

        return radar_to_position(self.z, self.R, self.sensor_xyz_m, self.rot)


def _dt(tracks: TrackSet, t_s: float) -> float | NDArray[np.float64]:
    t = tracks.t_s
    if t.size and (t == t[0]).all():
        return t_s - float(t[0])  # one shared F and Q: a tracker fed scan by scan
    return t_s - t


def predict(tracks: TrackSet, config: TrackerConfig, t_s: float) -> TrackSet:
    """All tracks predicted from their own time to t_s [s]."""
    if tracks.n == 0:
        return tracks
    dt = _dt(tracks, t_s)
    if config.motion in ("cv", "ca"):
        if isinstance(dt, float):
            F, Q = transition_and_noise(config.motion, dt, config.process_noise)
            kernel = _jit.predict_kinematic if _jit.ENABLED else kf_predict
        else:
            F = transition_matrix(config.motion, dt)
            Q = process_noise(config.motion, dt, config.process_noise)
            kernel = kf_predict
        x, P = kernel(tracks.x, tracks.P, F, Q)
        return tracks.replace(x=x, P=P, t_s=np.full(tracks.n, float(t_s)))
    if config.motion == "ct":
        from iads.tracking.nonlinear import ct_predict

        x, P = ct_predict(tracks.x, tracks.P, dt, config)
        return tracks.replace(x=x, P=P, t_s=np.full(tracks.n, float(t_s)))
    from iads.tracking.imm import imm_predict

    return imm_predict(tracks, config, dt, t_s)


def gate(
    tracks: TrackSet, config: TrackerConfig, meas: MeasurementBatch
) -> tuple[
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64] | None,
]:
    """Gated pairs between the predicted tracks and the measurements.

    Returns rows (track index), cols (measurement index), the squared Mahalanobis distance
    d2 (p,), ln det S (p,) of each pair's innovation covariance (zeros unless JPDA needs it)
    and, for position measurements, the inverses S^-1 (p, 3, 3) that the update reuses
    (None for radar measurements)."""
    if config.measurement == "position":
        if _jit.ENABLED:
            rows, cols, d2, Sinv = _jit.gate_grid(
                tracks.x, tracks.P, meas.z, meas.R, config.gate_d2
            )
        else:
            rows, cols, d2, Sinv = gate_position(
                tracks.x[:, :3], tracks.P[:, :3, :3], meas.z, meas.R, config.gate_d2
            )
        # ln det S only feeds the JPDA likelihoods
        logdet = -np.log(det3(Sinv)) if config.association == "jpda" else np.zeros(d2.size)
        return rows, cols, d2, logdet, Sinv
    from iads.tracking.radar import gate_radar

    return (*gate_radar(tracks.x, tracks.P, config, meas), None)


def update_pairs(
    tracks: TrackSet,
    config: TrackerConfig,
    meas: MeasurementBatch,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    Sinv: NDArray[np.float64] | None = None,
) -> dict[str, NDArray[np.float64]]:
    """Track rows[k] updated with measurement cols[k], for each pair k. Returns the updated
    fields ('x', 'P' and, for IMM, 'mode_p', 'mode_x', 'mode_P') with p rows in pair order,
    for GNN to scatter or JPDA to mix. Sinv (p, 3, 3): the pairs' inverse innovation
    covariances from `gate` (position measurements, single model), if at hand."""
    if config.motion == "imm":
        from iads.tracking.imm import imm_update

        return imm_update(tracks.take(rows), config, meas.take(cols))
    if config.measurement == "position":
        x, P = kf_update_position(tracks.x[rows], tracks.P[rows], meas.z[cols], meas.R[cols], Sinv)
    else:
        from iads.tracking.nonlinear import radar_update

        x, P = radar_update(tracks.x[rows], tracks.P[rows], meas.take(cols), config)
    return {"x": x, "P": P}
