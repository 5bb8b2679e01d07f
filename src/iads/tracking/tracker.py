"""The multi-target tracker: `tracker_step` is the whole algorithm (predict, associate, update,
initiate, confirm, delete) as a pure function of (tracks, config, scan); `Tracker` holds the
state for convenience.

One step, as Stone Soup's `MultiTargetTracker` reads, but over arrays:
1. predict every track to the scan time;
2. per sensor (one group when no sensor ids are given), associate confirmed tracks with the
   measurements (GNN or JPDA), then tentative tracks with the measurements left (GNN), and
   initiate tentative tracks from the measurements still unused, so that the next sensor's
   measurements of a new target update the track the previous sensor started (centralized
   measurement fusion);
3. book the scan (hits, misses, quality), confirm (M of N), delete.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.errors import ParameterError
from iads.tracking import _jit, _jit_scan
from iads.tracking.association import assign_sparse
from iads.tracking.base import TrackerConfig, TrackEvents, TrackSet, TrackStatus, _chi2_ppf
from iads.tracking.filters import MeasurementBatch, gate, predict, update_pairs
from iads.tracking.management import end_scan, initial_covariance, initiate

__all__ = ["Tracker", "empty_tracks", "tracker_step"]


_CONFIRMED = int(TrackStatus.CONFIRMED)


@functools.lru_cache(maxsize=32)
def _prior_var(config: TrackerConfig) -> NDArray[np.float64]:
    """(d,) diagonal of the single-point initiation prior (position entries unused);
    read-only, cached per config."""
    v = np.diagonal(initial_covariance(config, np.zeros((1, 3, 3)))[0]).copy()
    v.flags.writeable = False
    return v


def empty_tracks(config: TrackerConfig) -> TrackSet:
    """The track set a tracker starts from."""
    return TrackSet.empty(config.state_dim, n_modes=2 if config.motion == "imm" else 0)


def _measurements(
    config: TrackerConfig,
    z: ArrayLike,
    R: ArrayLike,
    sensor_xyz_m: ArrayLike | None,
    rot: ArrayLike | None,
) -> MeasurementBatch:
    z = np.asarray(z, dtype=np.float64)
    R = np.asarray(R, dtype=np.float64)
    f = "tracker_step"
    k_ok = (3,) if config.measurement == "position" else (3, 4)
    if z.ndim != 2 or z.shape[1] not in k_ok:
        raise ParameterError("z", f"array of shape {z.shape}", f"an (m, k) array, k in {k_ok}", f)
    m, k = z.shape
    if R.shape != (m, k, k):
        raise ParameterError("R", f"array of shape {R.shape}", f"an array of shape {(m, k, k)}", f)
    if not (np.isfinite(z).all() and np.isfinite(R).all()):
        raise ParameterError("z, R", "non-finite values", "finite measurements", f)
    if config.measurement == "radar":
        if sensor_xyz_m is None:
            raise ParameterError("sensor_xyz_m", None, "an (m, 3) array for radar measurements", f)
        s = np.broadcast_to(np.asarray(sensor_xyz_m, dtype=np.float64), (m, 3))
        r = None if rot is None else np.broadcast_to(np.asarray(rot, dtype=np.float64), (m, 3, 3))
        return MeasurementBatch(z, R, s, r)
    return MeasurementBatch(z, R)


def _scatter(tracks: TrackSet, rows: NDArray[np.int64], upd: dict) -> TrackSet:
    """tracks with the given fields of rows replaced by the updated values."""
    if rows.size == 0:
        return tracks
    new = {}
    for f, v in upd.items():
        a = getattr(tracks, f).copy()
        a[rows] = v
        new[f] = a
    return tracks.replace(**new)


def _associate(tracks: TrackSet, config: TrackerConfig, meas: MeasurementBatch):
    """Associate all tracks with one sensor's measurements and update them.

    Gating runs once over all tracks; confirmed tracks are associated first (GNN or JPDA),
    then tentative tracks (GNN) with the measurements left, so that a new track's wide gate
    cannot take a measurement from an established one (as Stone Soup's
    MultiMeasurementInitiator holds tentative tracks apart). Returns (tracks, updated rows,
    pair rows, pair cols, pair weights, used measurement mask)."""
    none = np.zeros(0, np.int64)
    used = np.zeros(meas.m, bool)
    if tracks.n == 0 or meas.m == 0:
        return tracks, none, none, none, np.zeros(0), used
    rows, cols, d2, logdet, Sinv = gate(tracks, config, meas)
    G = _chi2_ppf(config.gate_probability, meas.z.shape[1])
    conf = tracks.status[rows] == _CONFIRMED
    if config.association == "gnn":
        chosen = np.zeros(rows.size, bool)
        if conf.any():
            chosen = conf & assign_sparse(rows, cols, np.where(conf, d2 - G, 0.0), tracks.n, meas.m)
            used[cols[chosen]] = True
        jrows, jcols, jw = none, none, np.zeros(0)
    else:
        from iads.tracking.jpda import jpda_update

        c = np.flatnonzero(conf)
        _, upd, jw = jpda_update(tracks, config, meas, rows[c], cols[c], d2[c], logdet[c])
        jrows, jcols = rows[c], cols[c]
        tracks = _scatter(tracks, np.unique(jrows), upd)
        used[jcols] = True  # a measurement in a confirmed track's gate starts no track
        chosen = np.zeros(rows.size, bool)
    tent = ~conf & ~used[cols]
    if tent.any():
        chosen |= tent & assign_sparse(rows, cols, np.where(tent, d2 - G, 0.0), tracks.n, meas.m)
    r, c = rows[chosen], cols[chosen]
    used[c] = True
    if r.size and Sinv is not None and config.motion != "imm" and _jit.ENABLED:
        # in place: x and P are this step's own arrays (made by the prediction or a concat)
        x, P = _jit.update_rows(tracks.x, tracks.P, meas.z, Sinv[chosen], r, c, copy=False)
        tracks = tracks.replace(x=x, P=P)
    elif r.size:  # (the UKF cannot reshape an empty batch)
        Sc = None if Sinv is None else Sinv[chosen]
        tracks = _scatter(tracks, r, update_pairs(tracks, config, meas, r, c, Sc))
    upd_rows = np.union1d(r, jrows) if jrows.size else r
    return (
        tracks,
        upd_rows,
        np.concatenate([jrows, r]),
        np.concatenate([jcols, c]),
        np.concatenate([jw, np.ones(r.size)]),
        used,
    )


def tracker_step(
    tracks: TrackSet,
    config: TrackerConfig,
    t_s: float,
    z: ArrayLike,
    R: ArrayLike,
    rng: np.random.Generator | None = None,
    *,
    sensor_id: ArrayLike | None = None,
    sensor_xyz_m: ArrayLike | None = None,
    rot: ArrayLike | None = None,
    observed: ArrayLike | None = None,
) -> tuple[TrackSet, TrackEvents]:
    """One scan of the multi-target tracker.

    tracks: the state after the previous scan (`empty_tracks(config)` at the start).
    t_s: scan time [s], not before the tracks' time.
    z (m, 3), R (m, 3, 3): Cartesian positions [m] in the tracking frame (ECEF or local ENU)
    and their covariances [m²]; for config.measurement == 'radar', z (m, 3|4) is range [m],
    azimuth [rad], elevation [rad] (, range rate [m/s]) seen from sensor_xyz_m (m, 3) or (3,)
    with rot (m, 3, 3) or (3, 3) turning the tracking frame into the sensor's ENU frame.
    sensor_id (m,): which sensor made each measurement; each sensor's measurements are
    associated in turn so that two radars seeing one target update one track.
    rng: unused (the tracker is deterministic); accepted for the common stage signature.
    observed (n,) bool: which tracks the scan looked at (default: all). A track it did not
    look at may still be updated by a measurement, but is not counted as missed when it is
    not (a track beyond a short-range radar's reach is not "missed" by its scan).

    Returns the new TrackSet (deleted tracks removed, in id order) and the TrackEvents.
    """
    del rng
    if _jit_scan.ENABLED and _jit.ENABLED and sensor_xyz_m is None and rot is None:
        out = _fused(tracks, config, t_s, z, R, sensor_id, observed)
        if out is not None:
            return out
    obs = None
    if observed is not None:
        obs = np.asarray(observed, dtype=bool)
        if obs.shape != (tracks.n,):
            raise ParameterError(
                "observed", f"shape {obs.shape}", f"shape ({tracks.n},)", "tracker_step"
            )
    meas = _measurements(config, z, R, sensor_xyz_m, rot)
    if tracks.n and float(t_s) < float(tracks.t_s.max()):
        raise ParameterError(
            "t_s", t_s, f"at least the tracks' time {tracks.t_s.max()}", "tracker_step"
        )
    tracks = predict(tracks, config, float(t_s))
    n0 = tracks.n
    hit = np.zeros(n0, bool)
    if sensor_id is None:
        groups = [np.arange(meas.m)]
    else:
        sid = np.asarray(sensor_id)
        if sid.shape != (meas.m,):
            raise ParameterError(
                "sensor_id", f"shape {sid.shape}", f"shape ({meas.m},)", "tracker_step"
            )
        if meas.m == 0 or bool((sid == sid[0]).all()):  # one sensor: no sort
            groups = [np.arange(meas.m)]
        else:
            order = np.argsort(sid, kind="stable")
            cut = [0, *(np.flatnonzero(sid[order][1:] != sid[order][:-1]) + 1).tolist(), meas.m]
            groups = [order[a:b] for a, b in zip(cut[:-1], cut[1:], strict=True)]
    pair_t, pair_m, pair_w = [], [], []
    first_new = tracks.next_id
    for g in groups:  # a loop over sensors, not over tracks
        mb = meas if len(groups) == 1 else meas.take(g)
        tracks, upd, pr, pc, pw, used = _associate(tracks, config, mb)
        if upd.size:
            hit[upd[upd < n0]] = True
        pair_t.append(tracks.ids[pr])
        pair_m.append(g[pc])
        pair_w.append(pw)
        free = ~used
        if free.any():
            pos, Rpos = mb.take(free).positions()
            if _jit.ENABLED and config.motion != "imm" and tracks.P.flags.c_contiguous:
                tracks = _jit.append_tracks(tracks, pos, Rpos, _prior_var(config), float(t_s))
            else:
                n_modes = tracks.mode_p.shape[1]
                new = initiate(config, float(t_s), pos, Rpos, tracks.next_id, n_modes)
                tracks = tracks.concat(new)
    if tracks.n > n0:
        hit = np.concatenate([hit, np.zeros(tracks.n - n0, bool)])
    booked = None
    if obs is not None and not obs.all():
        # Book the scan (hit or miss) only for the tracks it looked at or updated.
        booked = np.zeros(tracks.n, bool)
        booked[:n0] = obs | hit[:n0]
    ids = tracks.ids
    tracks, confirmed, deleted, reason = end_scan(tracks, config, hit, n0, float(t_s), booked)
    if booked is not None and (confirmed.size > 1 or deleted.size > 1):
        # Events list the tracks booked first, then the others, each in id order.
        confirmed = _booked_first(confirmed, ids, booked, n0)
        deleted, reason = _booked_first(deleted, ids, booked, n0, reason)
    events = TrackEvents(
        t_s=float(t_s),
        initiated_ids=np.arange(first_new, tracks.next_id, dtype=np.int64),
        confirmed_ids=confirmed,
        deleted_ids=deleted,
        deleted_reason=reason,
        assoc_track_ids=_cat(pair_t).astype(np.int64, copy=False),
        assoc_meas_index=_cat(pair_m).astype(np.int64, copy=False),
        assoc_weight=_cat(pair_w),
    )
    return tracks, events


def _fused(tracks, config, t_s, z, R, sensor_id, observed):
    """`_jit_scan.fused_step` when the inputs are arrays of the shapes and dtypes the
    engine gives (anything else, and any scan the kernel gives up on, takes the reference
    path, which also checks the inputs and raises the errors)."""
    if type(z) is not np.ndarray or type(R) is not np.ndarray:
        return None
    m = z.shape[0]
    if (
        z.dtype != _F8
        or R.dtype != _F8
        or z.shape != (m, 3)
        or R.shape != (m, 3, 3)
        or not (z.flags.c_contiguous and R.flags.c_contiguous)
        or not (tracks.x.flags.c_contiguous and tracks.P.flags.c_contiguous)
    ):
        return None
    if observed is not None and (
        type(observed) is not np.ndarray
        or observed.dtype != _BOOL
        or observed.shape != tracks.ids.shape
    ):
        return None
    if sensor_id is not None and (
        type(sensor_id) is not np.ndarray or sensor_id.dtype != _I8 or sensor_id.shape != (m,)
    ):
        return None
    return _jit_scan.fused_step(tracks, config, t_s, z, R, sensor_id, observed)


_F8, _I8, _BOOL = np.dtype(np.float64), np.dtype(np.int64), np.dtype(np.bool_)


def _cat(parts: list[NDArray]) -> NDArray:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _booked_first(sel_ids, ids, booked, n0, reason=None):
    """``sel_ids`` (a selection of ``ids``, in id order) reordered as: the rows whose scan
    was booked, then the other rows that existed before the scan, then the new ones (each
    in id order), and ``reason`` with them."""
    rows = np.searchsorted(ids, sel_ids)
    key = np.where(rows < n0, np.where(booked[rows], 0, 1), 2)
    order = np.argsort(key, kind="stable")
    return sel_ids[order] if reason is None else (sel_ids[order], reason[order])


class Tracker:
    """Holds a TrackSet and a config between scans: ``events = tracker.step(t_s, z, R)``."""

    def __init__(self, config: TrackerConfig | None = None):
        self.config = config if config is not None else TrackerConfig()
        self.tracks = empty_tracks(self.config)

    def step(self, t_s: float, z: ArrayLike, R: ArrayLike, **kwargs) -> TrackEvents:
        """Process one scan (see `tracker_step`) and return its events."""
        self.tracks, events = tracker_step(self.tracks, self.config, t_s, z, R, **kwargs)
        return events
