"""iads.tracking: multi-target tracking batched over all tracks as arrays.

Filters (KF for CV/CA, EKF/UKF for radar measurements and the coordinated turn, IMM),
association (Mahalanobis gating, GNN, JPDA on clusters), track management (M-of-N,
deletion, quality), fusion (centralized, covariance intersection) and metrics (GOSPA, OSPA,
RMSE, identity switches). The stage interface is `tracker_step(tracks, config, t_s, z, R)`;
`track_scans` runs it standalone over recorded scans and returns a pyarrow Table.
"""

from iads.tracking.base import DeleteReason, TrackerConfig, TrackEvents, TrackSet, TrackStatus
from iads.tracking.metrics import GospaResult, estimates_by_time, gospa, gospa_series, ospa
from iads.tracking.scans import TRACK_TABLE_COLUMNS, Scan, track_scans
from iads.tracking.tracker import Tracker, empty_tracks, tracker_step

__all__ = [
    "TRACK_TABLE_COLUMNS",
    "DeleteReason",
    "GospaResult",
    "Scan",
    "TrackEvents",
    "TrackSet",
    "TrackStatus",
    "Tracker",
    "TrackerConfig",
    "empty_tracks",
    "estimates_by_time",
    "gospa",
    "gospa_series",
    "ospa",
    "track_scans",
    "tracker_step",
]
