"""Classification of tracks: threat class probabilities from what the picture holds.

A first-order Bayesian classifier over the track's kinematic features, vectorized over
tracks. It reads only the track (state and covariance), never the truth.

Features of a track at each measurement update (ECEF state, local vertical at the
track's geodetic position):

- speed |v| [m/s];
- altitude above the WGS-84 ellipsoid h [m];
- climb rate v·up [m/s] (vertical profile: level aerodynamic flight vs the steep climbs
  and dives of ballistic flight).

Each threat type of the catalog (the defender's threat library) defines a box of these
features, derived from its catalog figures:

- speed in [``speed_low_fraction`` × cruise speed, max speed] for cruise missiles and
  drones (they fly a fixed profile), [``aircraft_speed_low_fraction`` × cruise speed,
  max speed] for aircraft (they also loiter, turn and slow down), and
  [``ballistic_speed_low_fraction`` × max speed, max speed] for ballistic missiles (they
  slow to apogee and speed up again);
- altitude in [min altitude (0 when absent), max altitude (cruise altitude when absent)];
  for ballistic missiles [0, max(max altitude, ``ballistic_apogee_fraction`` × range)]
  (the minimum-energy apogee is about a quarter of the range, a lofted one higher);
- climb rate within ± ``aero_climb_fraction`` × max speed for aerodynamic flight (climb
  and dive angles up to ~20°), ± max speed for ballistic flight.

The likelihood of a feature x given a type is the uniform density on its box [lo, hi]
convolved with the Gaussian error of the estimate (σ² = track variance along the feature
+ a model floor ``FLOOR_*``): p(x) = [Φ((hi − x)/σ) − Φ((lo − x)/σ)] / (hi − lo); the
features are taken as independent given the type. The prior is uniform over the catalog's
types and one more hypothesis, *unknown*, whose likelihood is uniform over every
plausible airborne state (``UNKNOWN_BOX``): tracks that no catalog type explains (false
tracks with erratic velocities, say) end there. A class's likelihood is the sum over its
types (so a class with more catalog types has a larger prior).

Bayesian update over scans with fading memory: at each new measurement update of a track,

    log π_t(c) = α · log π_{t−1}(c) + log p(x_t | c),   then normalized,

starting from that prior. Consecutive estimates of one track
are strongly correlated (the filter smooths them), so a plain product would be
overconfident; the factor α = ``memory`` keeps an effective window of 1/(1 − α) = 5
updates and lets the class change as the flight does (a ballistic missile's boost phase,
a cruise missile's pop-up).

The fractions, ``memory`` and the decision threshold ``decide_p`` are the catalog's model
figures ``c2.classify`` (``iads/catalog/data/model.yaml``: assumed, listed in every run's
summary, overridable by path).

What it cannot do (first-order): radars in iads do not report amplitude, so RCS does not
enter (a stealth aircraft flies like an aircraft and the two are split by prior and
kinematic boxes only); no acceleration or manoeuvre feature; no jet-engine modulation or
other target recognition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

from iads.catalog.schema import THREAT_CLASSES, Catalog
from iads.geo import ecef_to_geodetic_rad

__all__ = [
    "HYPOTHESES",
    "PERFECT_ASSUMPTION",
    "UNKNOWN",
    "ThreatLibrary",
    "classification_assumptions",
    "decided_class",
    "features",
    "log_likelihood",
    "threat_library",
    "update_log_posterior",
]

#: The classifier's hypotheses: the catalog's threat classes, then ``unknown``.
HYPOTHESES: tuple[str, ...] = (*THREAT_CLASSES, "unknown")
UNKNOWN = len(THREAT_CLASSES)

#: Floors of the feature errors (speed [m/s], altitude [m], climb rate [m/s]): numerical
#: regularization of the box likelihoods, not figures of the threats.
FLOOR_SPEED_MPS = 10.0
FLOOR_ALT_M = 50.0
FLOOR_CLIMB_MPS = 10.0
#: (lo, hi) of speed [m/s], altitude [m] and climb rate [m/s] of the unknown hypothesis.
UNKNOWN_BOX = ((0.0, 3000.0), (-500.0, 300_000.0), (-3000.0, 3000.0))

PERFECT_ASSUMPTION = {
    "entry": "settings",
    "field": "perfect_classification",
    "value": True,
    "rationale": "shortcut: battle management reads each track's true origin and class "
    "(false tracks never engaged, no misclassification); results are optimistic",
}


def classification_assumptions(perfect: bool, catalog: Catalog) -> list[dict]:
    """The assumed figures a run's classification depends on: the classifier's model
    figures ``c2.classify``, or the ``perfect_classification`` shortcut when it is on."""
    from iads.catalog.loader import model_assumptions

    return [PERFECT_ASSUMPTION] if perfect else model_assumptions(catalog, "c2.classify")


@dataclass(frozen=True)
class ThreatLibrary:
    """The feature boxes of the catalog's threat types, arrays over types (T,)."""

    type_keys: tuple[str, ...]
    klass: NDArray[np.int64]  # index into THREAT_CLASSES
    lo: NDArray[np.float64]  # (T, 3) lower bounds of speed, altitude, climb rate
    hi: NDArray[np.float64]  # (T, 3) upper bounds
    memory: float = 0.8  # fading-memory factor of the update (catalog c2.classify.memory)
    decide_p: float = 0.6  # posterior at which a class is declared (c2.classify.decide_p)


def _fig(f, default: float) -> float:
    return float(f.value) if f is not None else default


def threat_library(catalog: Catalog) -> ThreatLibrary:
    """The classifier's library of feature boxes, one per catalog threat type, with the
    model figures ``c2.classify`` of ``catalog``. Decoys (entries that ``imitate``
    another) have no box of their own: they fly and show the figures of what they
    imitate, so their box would be that entry's again, and the classifier has no decoy
    hypothesis (docs/sead.md)."""
    fig = catalog.model.c2.classify
    speed_low = fig.speed_low_fraction.value
    aircraft_speed_low = fig.aircraft_speed_low_fraction.value
    ballistic_speed_low = fig.ballistic_speed_low_fraction.value
    apogee_fraction = fig.ballistic_apogee_fraction.value
    climb_fraction = fig.aero_climb_fraction.value
    keys, klass, lo, hi = [], [], [], []
    for key, e in catalog.threats.items():
        if e.imitates is not None:
            continue
        k = THREAT_CLASSES.index(e.threat_class)
        cruise = float(e.cruise_speed_mps.value)
        vmax = max(_fig(e.max_speed_mps, cruise), cruise)
        ballistic = e.threat_class == "ballistic_missile"
        aircraft = e.threat_class in ("aircraft", "stealth_aircraft")
        v_lo = (
            ballistic_speed_low * vmax
            if ballistic
            else (aircraft_speed_low if aircraft else speed_low) * cruise
        )
        h_lo = _fig(e.min_altitude_m, 0.0)
        h_hi = max(_fig(e.max_altitude_m, float(e.cruise_altitude_m.value)), h_lo + 1.0)
        if ballistic:
            h_hi = max(h_hi, apogee_fraction * _fig(e.range_m, 0.0))
        climb = vmax if ballistic else climb_fraction * vmax
        keys.append(key)
        klass.append(k)
        lo.append((v_lo, 0.0 if ballistic else h_lo, -climb))
        hi.append((vmax, h_hi, climb))
    return ThreatLibrary(
        tuple(keys), np.array(klass, np.int64), np.array(lo, float), np.array(hi, float),
        memory=float(fig.memory.value), decide_p=float(fig.decide_p.value),
    )  # fmt: skip


def features(
    pos_ecef_m: NDArray[np.float64], vel_ecef_mps: NDArray[np.float64], P: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Features (n, 3) (speed [m/s], altitude [m], climb rate [m/s]) of n tracks with
    ECEF positions and velocities (n, 3) and covariances (n, ≥6, ≥6), and the standard
    deviations (n, 3) of their estimates (first-order propagation)."""
    lat, lon, h = ecef_to_geodetic_rad(pos_ecef_m[:, 0], pos_ecef_m[:, 1], pos_ecef_m[:, 2])
    up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1)
    speed = np.linalg.norm(vel_ecef_mps, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        vhat = np.where(speed[:, None] > 0, vel_ecef_mps / speed[:, None], up)
    Pp, Pv = P[:, :3, :3], P[:, 3:6, 3:6]
    var = np.stack(
        [
            np.einsum("ni,nij,nj->n", vhat, Pv, vhat),
            np.einsum("ni,nij,nj->n", up, Pp, up),
            np.einsum("ni,nij,nj->n", up, Pv, up),
        ],
        -1,
    )
    x = np.stack([speed, h, np.einsum("ni,ni->n", vel_ecef_mps, up)], -1)
    return x, np.sqrt(np.maximum(var, 0.0))


def log_likelihood(
    lib: ThreatLibrary, x: NDArray[np.float64], sigma: NDArray[np.float64]
) -> NDArray[np.float64]:
    """log p(x | hypothesis) (n, 6) of features ``x`` (n, 3) with errors ``sigma`` (n, 3)
    under each class (sum over its catalog types) and the unknown hypothesis."""
    floor = np.array([FLOOR_SPEED_MPS, FLOOR_ALT_M, FLOOR_CLIMB_MPS])
    s = np.sqrt(sigma**2 + floor**2)[:, None, :]  # (n, 1, 3)
    lo, hi = lib.lo[None], lib.hi[None]  # (1, T, 3)
    xx = x[:, None, :]
    dens = (ndtr((hi - xx) / s) - ndtr((lo - xx) / s)) / (hi - lo)  # (n, T, 3)
    per_type = np.prod(dens, axis=-1)  # (n, T)
    by_class = np.zeros((x.shape[0], len(THREAT_CLASSES)))
    np.add.at(by_class.T, lib.klass, per_type.T)
    ulo = np.array([b[0] for b in UNKNOWN_BOX])
    uhi = np.array([b[1] for b in UNKNOWN_BOX])
    unknown = np.prod(1.0 / (uhi - ulo)) * np.ones(x.shape[0])
    with np.errstate(divide="ignore"):
        return np.log(np.concatenate([by_class, unknown[:, None]], axis=1))


def update_log_posterior(
    log_post: NDArray[np.float64],
    log_lik: NDArray[np.float64],
    first: NDArray[np.bool_],
    memory: float,
) -> NDArray[np.float64]:
    """One fading-memory Bayesian update (n, 6): ``log_post`` the previous normalized log
    posteriors (ignored where ``first``: the prior is in the likelihoods, uniform over
    catalog types and unknown), ``log_lik`` this update's log likelihoods, ``memory`` the
    fading-memory factor α (``ThreatLibrary.memory``). Returns normalized log posteriors."""
    prior = np.where(first[:, None], 0.0, log_post)
    z = memory * prior + log_lik
    z = np.where(np.isfinite(z), z, -1e300)
    z -= z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def decided_class(post: NDArray[np.float64], decide_p: float) -> NDArray[np.int64]:
    """The declared hypothesis (n,) from posteriors (n, 6): the most probable one when its
    probability reaches ``decide_p`` (``ThreatLibrary.decide_p``), else ``UNKNOWN``."""
    k = np.argmax(post, axis=1)
    return np.where(post[np.arange(post.shape[0]), k] >= decide_p, k, UNKNOWN).astype(np.int64)
