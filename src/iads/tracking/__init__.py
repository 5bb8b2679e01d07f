"""iads.tracking: multi-target tracking batched over all tracks as arrays.

Filters (KF for CV/CA, EKF/UKF for radar measurements and the coordinated turn, IMM),
association (Mahalanobis gating, GNN, JPDA on clusters), track management (M-of-N,
deletion, quality), fusion (centralized, covariance intersection) and metrics (GOSPA, OSPA,
RMSE, identity switches). The stage interface is `tracker_step(tracks, config, t_s, z, R)`;
`track_scans` runs it standalone over recorded scans and returns a pyarrow Table.
"""

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

__all__ = [
    "TRACK_TABLE_COLUMNS",
    "DeleteReason",
    "FusedTracks",
    "GospaResult",
    "MeasurementBatch",
    "Scan",
    "TrackEvents",
    "TrackSet",
    "TrackStatus",
    "Tracker",
    "TrackMetrics",
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
