"""The tracker's data: its parameters (`TrackerConfig`), its state (`TrackSet`, a struct of
arrays over all tracks) and what a step reports (`TrackEvents`).

Vocabulary follows Stone Soup (transition model, initiator, deleter, data associator); the
difference is the layout: one `TrackSet` holds every track as rows of arrays, so a step is a
handful of array operations instead of one Python object per track per scan.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from iads.errors import ParameterError

__all__ = ["TrackEvents", "TrackSet", "TrackStatus", "TrackerConfig", "DeleteReason"]


class TrackStatus(IntEnum):
    """Life stage of a track (stored as int8 in `TrackSet.status`)."""

    TENTATIVE = 0
    CONFIRMED = 1


class DeleteReason(IntEnum):
    """Why a track was deleted (stored as int8 in `TrackEvents.deleted_reason`)."""

    MISSES = 0  # K consecutive scans without an update
    COVARIANCE = 1  # position covariance trace above the bound
    NOT_CONFIRMED = 2  # a tentative track that can no longer reach M hits in N scans


class TrackerConfig(BaseModel):
    """Parameters of the multi-target tracker, validated once when built.

    Units: process noise spectral density in m²/s³ (CV, per axis), m²/s⁵ (CA), with the
    turn-rate noise of CT in rad²/s³; speeds in m/s; variances in m².
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)

    motion: Literal["cv", "ca", "ct", "imm"] = "cv"
    """Transition model: constant velocity, constant acceleration, coordinated turn, or an
    interacting multiple model mixing CV and CT (see `iads.tracking.imm`)."""
    process_noise: float = Field(1.0, gt=0)
    """Spectral density q of the white-noise process (per axis) [m²/s³ for CV, m²/s⁵ for CA]."""
    turn_rate_noise: float = Field(1e-4, gt=0)
    """Spectral density of the turn-rate noise of CT [rad²/s³]."""
    imm_transition: float = Field(0.95, gt=0, lt=1)
    """IMM: probability that the mode stays the same from one scan to the next."""
    measurement: Literal["position", "radar"] = "position"
    """'position': Cartesian (x, y, z) measurements; 'radar': (range, az, el[, range rate])
    relative to a sensor, through an EKF or UKF (`nonlinear`)."""
    nonlinear: Literal["ekf", "ukf"] = "ekf"
    """Filter for the radar measurement path and the CT model."""
    gate_probability: float = Field(0.9997, gt=0, lt=1)
    """Probability that the true measurement falls in the Mahalanobis gate (chi-square)."""
    association: Literal["gnn", "jpda"] = "gnn"
    """Global nearest neighbour (optimal 2-D assignment) or joint probabilistic (JPDA)."""
    detection_probability: float = Field(0.9, gt=0, le=1)
    """P_D, used by JPDA."""
    clutter_density: float = Field(1e-12, gt=0)
    """Spatial density of false measurements [1/m³], used by JPDA."""
    jpda_exact_max_tracks: int = Field(6, ge=1)
    """JPDA: clusters with at most this many tracks are enumerated exactly, larger ones by
    loopy belief propagation (Williams & Lau 2014)."""
    confirm_m: int = Field(3, ge=1)
    """M of the M-of-N confirmation rule."""
    confirm_n: int = Field(5, ge=1, le=32)
    """N of the M-of-N confirmation rule (also the window of the track quality)."""
    delete_misses: int = Field(3, ge=1)
    """A confirmed track is deleted after this many consecutive missed scans."""
    max_position_variance_m2: float = Field(1e10, gt=0)
    """A track is deleted when the trace of its position covariance exceeds this [m²]."""
    init_velocity_sigma_mps: float = Field(300.0, gt=0)
    """Single-point initiation: standard deviation of each velocity component [m/s]. Large
    values make the first update equivalent to two-point differencing."""
    init_acceleration_sigma_mps2: float = Field(30.0, gt=0)
    """Single-point initiation of CA: standard deviation of each acceleration component."""
    init_turn_rate_sigma_rps: float = Field(0.1, gt=0)
    """Single-point initiation of CT: standard deviation of the turn rate [rad/s]."""

    def __init__(self, **data: object) -> None:
        # Bad parameters raise the iads ParameterError (an InputError), naming every problem.
        try:
            super().__init__(**data)
        except ValidationError as exc:
            errs = exc.errors()
            names = ", ".join(".".join(map(str, e["loc"])) or "confirm_m" for e in errs)
            got = errs[0].get("input") if len(errs) == 1 else data
            allowed = "; ".join(e["msg"] for e in errs)
            raise ParameterError(names, got, f"valid ({allowed})", "TrackerConfig") from None

    @model_validator(mode="after")
    def _m_le_n(self) -> TrackerConfig:
        if self.confirm_m > self.confirm_n:
            raise ValueError(
                f"confirm_m={self.confirm_m} must be at most confirm_n={self.confirm_n}"
            )
        return self

    @property
    def gate_d2(self) -> float:
        """Mahalanobis gate on the squared distance, from `gate_probability` (chi-square with
        as many degrees of freedom as the measurement)."""
        return _chi2_ppf(self.gate_probability, self.measurement_dim)

    @property
    def measurement_dim(self) -> int:
        return 3

    @property
    def state_dim(self) -> int:
        """Dimension d of the state vector (see `iads.tracking.models`)."""
        return {"cv": 6, "ca": 9, "ct": 7, "imm": 7}[self.motion]


@functools.lru_cache(maxsize=64)
def _chi2_ppf(p: float, dof: int) -> float:
    from scipy.stats import chi2  # here, not at the top: scenario validation imports this module

    return float(chi2.ppf(p, dof))


def _f(n: int, d: int = 0) -> NDArray[np.float64]:
    return np.zeros((n,) if d == 0 else (n, d), dtype=np.float64)


@dataclass(frozen=True)
class TrackSet:
    """All tracks as a struct of arrays; row i is one track.

    Shapes: n tracks, state dimension d. State layout is position (3), velocity (3), then
    model-specific terms (`iads.tracking.models`); position is ``x[:, :3]`` in the frame of
    the measurements (ECEF or local ENU) [m].
    """

    ids: NDArray[np.int64]  # (n,) unique track ids, never reused
    x: NDArray[np.float64]  # (n, d) state estimate at t_s
    P: NDArray[np.float64]  # (n, d, d) state covariance
    status: NDArray[np.int8]  # (n,) TrackStatus
    hits: NDArray[np.int32]  # (n,) number of updates since initiation
    misses: NDArray[np.int32]  # (n,) consecutive scans without update
    age: NDArray[np.int32]  # (n,) scans since initiation (1 at initiation)
    history: NDArray[np.uint32]  # (n,) bit k set if updated k scans ago (bit 0: last scan)
    quality: NDArray[np.float64]  # (n,) fraction of the last N scans with an update
    t_s: NDArray[np.float64]  # (n,) time of x and P [s]
    last_update_t_s: NDArray[np.float64]  # (n,) time of the last measurement update [s]
    initiated_t_s: NDArray[np.float64]  # (n,) time of initiation [s]
    confirmed_t_s: NDArray[np.float64]  # (n,) time of confirmation, NaN if tentative [s]
    mode_p: NDArray[np.float64]
    """(n, r) IMM mode probabilities; (n, 0) for a single model."""
    mode_x: NDArray[np.float64]
    """(n, r, d) IMM mode-conditioned states; (n, 0, d) for a single model."""
    mode_P: NDArray[np.float64]
    """(n, r, d, d) IMM mode-conditioned covariances; (n, 0, d, d) for a single model."""
    next_id: int = 1
    """Id the next initiated track receives (ids are unique over the tracker's life)."""

    @property
    def n(self) -> int:
        return int(self.ids.shape[0])

    @property
    def position(self) -> NDArray[np.float64]:
        """(n, 3) position estimates [m]."""
        return self.x[:, :3]

    @property
    def velocity(self) -> NDArray[np.float64]:
        """(n, 3) velocity estimates [m/s]."""
        return self.x[:, 3:6]

    @property
    def confirmed(self) -> NDArray[np.bool_]:
        return self.status == TrackStatus.CONFIRMED

    @classmethod
    def empty(cls, state_dim: int, n_modes: int = 0, next_id: int = 1) -> TrackSet:
        """A set with no track, for a state of dimension `state_dim`."""
        return cls(
            ids=np.zeros(0, np.int64),
            x=_f(0, state_dim),
            P=np.zeros((0, state_dim, state_dim)),
            status=np.zeros(0, np.int8),
            hits=np.zeros(0, np.int32),
            misses=np.zeros(0, np.int32),
            age=np.zeros(0, np.int32),
            history=np.zeros(0, np.uint32),
            quality=_f(0),
            t_s=_f(0),
            last_update_t_s=_f(0),
            initiated_t_s=_f(0),
            confirmed_t_s=_f(0),
            mode_p=np.zeros((0, n_modes)),
            mode_x=np.zeros((0, n_modes, state_dim)),
            mode_P=np.zeros((0, n_modes, state_dim, state_dim)),
            next_id=next_id,
        )

    def replace(self, **changes: object) -> TrackSet:
        """A copy with some fields replaced, as `dataclasses.replace` without its per-call
        field introspection (which costs more than the array work of a small scan)."""
        new = object.__new__(TrackSet)
        d = new.__dict__
        d.update(self.__dict__)
        d.update(changes)
        return new

    def take(self, index: NDArray) -> TrackSet:
        """The tracks selected by an integer index or a boolean mask (same next_id)."""
        d = self.__dict__
        return self.replace(**{f: d[f][index] for f in _ARRAY_FIELDS})

    def concat(self, other: TrackSet) -> TrackSet:
        """This set followed by `other`; next_id is the larger of the two."""
        a, b = self.__dict__, other.__dict__
        return self.replace(
            **{f: np.concatenate((a[f], b[f])) for f in _ARRAY_FIELDS},
            next_id=max(self.next_id, other.next_id),
        )


_ARRAY_FIELDS = tuple(f.name for f in dataclasses.fields(TrackSet) if f.name != "next_id")


@dataclass(frozen=True)
class TrackEvents:
    """What one tracker step did, for the event log.

    ``assoc_track_ids[k]`` was updated with measurement ``assoc_meas_index[k]`` (index into
    the step's measurement array) with weight ``assoc_weight[k]`` (1 for GNN, the marginal
    association probability for JPDA).
    """

    t_s: float
    initiated_ids: NDArray[np.int64]
    confirmed_ids: NDArray[np.int64]
    deleted_ids: NDArray[np.int64]
    deleted_reason: NDArray[np.int8]  # DeleteReason per deleted id
    assoc_track_ids: NDArray[np.int64]
    assoc_meas_index: NDArray[np.int64]
    assoc_weight: NDArray[np.float64]

    def best_assoc(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(track_ids (k,), meas_index (k,)): each updated track once, in increasing id
        order, with the measurement of highest weight in its update (for JPDA the most
        probable origin; a track updated by several sensors in one scan under GNN keeps
        the first pair listed). For truth bookkeeping: ``truth[ids] = origin[meas]``."""
        ids, w = self.assoc_track_ids, self.assoc_weight
        if ids.size < 2 or bool((ids[1:] > ids[:-1]).all()):  # each track once, in order
            return ids.copy(), self.assoc_meas_index.copy()
        order = np.lexsort((-w, ids))  # stable: ties keep the listed order
        first = np.ones(order.size, bool)
        first[1:] = ids[order[1:]] != ids[order[:-1]]
        keep = order[first]
        return ids[keep], self.assoc_meas_index[keep]
