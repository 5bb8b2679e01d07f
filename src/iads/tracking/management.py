"""Track management: the initiator (new tentative tracks from unused measurements) and the
life-cycle rules (M-of-N confirmation, deletion on missed scans or covariance growth, track
quality), all vectorized over tracks.

Confirmation follows the M-of-N logic of Blackman & Popoli, *Design and Analysis of Modern
Tracking Systems* (1999), §6.2: a tentative track is confirmed at its M-th update within
its first N scans, and deleted as soon as it can no longer get there.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.tracking import _jit
from iads.tracking.base import DeleteReason, TrackerConfig, TrackSet, TrackStatus

__all__ = ["end_scan", "initial_covariance", "initiate"]

_WINDOW_MASK = np.uint32(0xFFFFFFFF)


def _popcount(v: NDArray[np.uint32]) -> NDArray[np.int64]:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(v).astype(np.int64)
    bits = np.unpackbits(v.astype("<u4").view(np.uint8).reshape(-1, 4), axis=1)
    return bits.sum(axis=1).astype(np.int64)


def initial_covariance(config: TrackerConfig, R_pos: NDArray[np.float64]) -> NDArray[np.float64]:
    """(m, d, d) prior covariance of single-point initiation: the measurement's position
    covariance R_pos (m, 3, 3) and independent, large variances on the other components."""
    m, d = R_pos.shape[0], config.state_dim
    P = np.zeros((m, d, d))
    P[:, :3, :3] = R_pos
    iv = np.arange(3, 6)
    P[:, iv, iv] = config.init_velocity_sigma_mps**2
    if d == 9:
        ia = np.arange(6, 9)
        P[:, ia, ia] = config.init_acceleration_sigma_mps2**2
    elif d == 7:
        P[:, 6, 6] = config.init_turn_rate_sigma_rps**2
    return P


def initiate(
    config: TrackerConfig,
    t_s: float,
    pos_m: NDArray[np.float64],
    R_pos: NDArray[np.float64],
    next_id: int,
    n_modes: int = 0,
) -> TrackSet:
    """Single-point initiation: one tentative track per position pos_m (m, 3) [m] with
    covariance R_pos (m, 3, 3), zero velocity (and acceleration, turn rate) with the large
    prior variances of the config. With a prior velocity sigma well above the target speeds
    the first update reproduces two-point differencing (Bar-Shalom et al. 2001, §5.5.3).
    Ids are next_id, next_id + 1, ...; the returned set's next_id follows them."""
    m, d = pos_m.shape[0], config.state_dim
    x = np.zeros((m, d))
    x[:, :3] = pos_m
    P = initial_covariance(config, R_pos)
    full = np.full(m, float(t_s))
    ids = np.arange(next_id, next_id + m, dtype=np.int64)
    mode_p = np.full((m, n_modes), 1.0 / max(n_modes, 1))
    mode_x = np.repeat(x[:, None, :], n_modes, axis=1)
    mode_P = np.repeat(P[:, None, :, :], n_modes, axis=1)
    return TrackSet(
        ids=ids,
        x=x,
        P=P,
        status=np.zeros(m, np.int8),
        hits=np.ones(m, np.int32),
        misses=np.zeros(m, np.int32),
        age=np.ones(m, np.int32),
        history=np.ones(m, np.uint32),
        quality=np.ones(m),
        t_s=full,
        last_update_t_s=full.copy(),
        initiated_t_s=full.copy(),
        confirmed_t_s=np.full(m, np.nan),
        mode_p=mode_p,
        mode_x=mode_x,
        mode_P=mode_P,
        next_id=next_id + m,
    )


def end_scan(
    tracks: TrackSet,
    config: TrackerConfig,
    hit: NDArray[np.bool_],
    n_booked: int,
    t_s: float,
    booked: NDArray[np.bool_] | None = None,
) -> tuple[TrackSet, NDArray[np.int64], NDArray[np.int64], NDArray[np.int8]]:
    """Book one scan, then update quality, confirm and delete.

    hit (n,) says which tracks were updated; only the first n_booked rows (the tracks that
    existed before the scan) are booked, or the rows of the mask ``booked`` (n,) when it is
    given; the others (tracks initiated in this scan, tracks the scan did not look at) keep
    their own counters. Returns (surviving tracks, confirmed ids, deleted ids, delete
    reasons), ids in row order."""
    if booked is None:
        booked = np.arange(tracks.n) < n_booked
    if _jit.ENABLED and tracks.P.flags.c_contiguous:
        return _end_scan_jit(tracks, config, hit, booked, t_s)
    book = booked
    h = hit & book
    age = np.where(book, tracks.age + 1, tracks.age).astype(tracks.age.dtype)
    hits = tracks.hits + h
    misses = np.where(book, np.where(h, 0, tracks.misses + 1), tracks.misses)
    # uint32: the oldest bit falls off
    history = np.where(book, (tracks.history << 1) | h, tracks.history)
    N, M = config.confirm_n, config.confirm_m
    window = np.uint32((1 << N) - 1)
    quality = _popcount(history & window) / np.minimum(age, N)
    tentative = tracks.status == _TENTATIVE
    confirm = tentative & (hits >= M)
    P = tracks.P
    pos_var = P[:, 0, 0] + P[:, 1, 1] + P[:, 2, 2]
    cov = pos_var > config.max_position_variance_m2
    missed = misses >= config.delete_misses
    hopeless = tentative & ~confirm & (hits + (N - age) < M)
    dead = cov | missed | hopeless
    out = tracks.replace(
        age=age,
        hits=hits,
        misses=misses,
        history=history,
        last_update_t_s=np.where(h, t_s, tracks.last_update_t_s),
        status=tracks.status | confirm,
        confirmed_t_s=np.where(confirm, t_s, tracks.confirmed_t_s),
        quality=quality,
    )
    if not dead.any():
        return out, tracks.ids[confirm], _NO_IDS, _NO_REASONS
    # one reason per deleted track, in this order of precedence
    reason = np.where(
        cov,
        _COVARIANCE,
        np.where(missed, _MISSES, _NOT_CONFIRMED),
    ).astype(np.int8)
    return out.take(~dead), tracks.ids[confirm & ~dead], tracks.ids[dead], reason[dead]


def _end_scan_jit(tracks, config, hit, booked, t_s):
    st, hits, misses, age, history, last_t, conf_t, quality, confirm, reason = _jit.end_scan_arrays(
        tracks,
        hit,
        booked,
        t_s,
        config.confirm_n,
        config.confirm_m,
        config.delete_misses,
        config.max_position_variance_m2,
    )
    out = tracks.replace(
        age=age,
        hits=hits,
        misses=misses,
        history=history,
        last_update_t_s=last_t,
        status=st,
        confirmed_t_s=conf_t,
        quality=quality,
    )
    dead = reason >= 0
    if not dead.any():
        return out, tracks.ids[confirm], _NO_IDS, _NO_REASONS
    return out.take(~dead), tracks.ids[confirm & ~dead], tracks.ids[dead], reason[dead]


# plain ints: an IntEnum member costs an enum look-up per use in a hot path
_TENTATIVE = int(TrackStatus.TENTATIVE)
_COVARIANCE = int(DeleteReason.COVARIANCE)
_MISSES = int(DeleteReason.MISSES)
_NOT_CONFIRMED = int(DeleteReason.NOT_CONFIRMED)
_NO_IDS = np.zeros(0, np.int64)
_NO_REASONS = np.zeros(0, np.int8)
_NO_IDS.flags.writeable = False
_NO_REASONS.flags.writeable = False
