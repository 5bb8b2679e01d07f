"""iads.tracking: multi-target tracking batched over all tracks as arrays.

Filters (KF for CV/CA, EKF/UKF for radar measurements and the coordinated turn, IMM),
association (Mahalanobis gating, GNN, JPDA on clusters), track management (M-of-N,
deletion, quality), fusion (centralized, covariance intersection) and metrics (GOSPA, OSPA,
RMSE, identity switches). The stage interface is `tracker_step(tracks, config, t_s, z, R)`;
`track_scans` runs it standalone over recorded scans and returns a pyarrow Table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iads._lazy import lazy_exports

if TYPE_CHECKING:
    from iads.tracking.base import DeleteReason, TrackerConfig, TrackEvents, TrackSet, TrackStatus
    from iads.tracking.filters import MeasurementBatch
    from iads.tracking.fusion import FusedTracks, covariance_intersection, fuse_tracks
    from iads.tracking.metrics import (
        GospaResult,
        TrackMetrics,
        estimates_by_time,
        gospa,
        gospa_series,
        ospa,
        track_metrics,
    )
    from iads.tracking.scans import TRACK_TABLE_COLUMNS, Scan, track_scans
    from iads.tracking.tracker import Tracker, empty_tracks, tracker_step

_EXPORTS = {
    "DeleteReason": "iads.tracking.base",
    "TrackEvents": "iads.tracking.base",
    "TrackSet": "iads.tracking.base",
    "TrackStatus": "iads.tracking.base",
    "TrackerConfig": "iads.tracking.base",
    "MeasurementBatch": "iads.tracking.filters",
    "FusedTracks": "iads.tracking.fusion",
    "covariance_intersection": "iads.tracking.fusion",
    "fuse_tracks": "iads.tracking.fusion",
    "GospaResult": "iads.tracking.metrics",
    "TrackMetrics": "iads.tracking.metrics",
    "estimates_by_time": "iads.tracking.metrics",
    "gospa": "iads.tracking.metrics",
    "gospa_series": "iads.tracking.metrics",
    "ospa": "iads.tracking.metrics",
    "track_metrics": "iads.tracking.metrics",
    "Scan": "iads.tracking.scans",
    "TRACK_TABLE_COLUMNS": "iads.tracking.scans",
    "track_scans": "iads.tracking.scans",
    "Tracker": "iads.tracking.tracker",
    "empty_tracks": "iads.tracking.tracker",
    "tracker_step": "iads.tracking.tracker",
}
__all__ = [
    "TRACK_TABLE_COLUMNS",
    "DeleteReason",
    "FusedTracks",
    "GospaResult",
    "MeasurementBatch",
    "Scan",
    "TrackEvents",
    "TrackMetrics",
    "TrackSet",
    "TrackStatus",
    "Tracker",
    "TrackerConfig",
    "covariance_intersection",
    "empty_tracks",
    "estimates_by_time",
    "fuse_tracks",
    "gospa",
    "gospa_series",
    "ospa",
    "track_metrics",
    "track_scans",
    "tracker_step",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
