"""Battle-management outcome measures derived after a run from its event log and truth:
double engagements, threats that could have been engaged but never were, and the fate of
each threat. ``iads.engine.result`` puts them in the summary.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from iads.weapons.envelope import engagement_options

__all__ = ["ENGAGEABLE_STEP_S", "double_engagements", "engageable", "reach_lower_bound_m"]

#: Sampling interval [s] of the truth when testing whether a threat was engageable.
ENGAGEABLE_STEP_S = 5.0


def double_engagements(
    unit: NDArray[np.int64],
    threat: NDArray[np.int64],
    launch_t_s: NDArray[np.float64],
    end_t_s: NDArray[np.float64],
) -> list[dict[str, Any]]:
    """Pairs of engagements of one true threat by two different units whose interceptors
    were in the air at overlapping times. Inputs are per interceptor (k,): firing unit,
    true threat (-1: none), launch and end times [s]. Returns one record per (threat, unit
    pair) with the first overlap time. A loop over the threats engaged by several units
    (few)."""
    out: list[dict[str, Any]] = []
    for j in np.unique(threat[threat >= 0]):
        sel = np.flatnonzero(threat == j)
        if np.unique(unit[sel]).size < 2:
            continue
        a, b = np.meshgrid(sel, sel, indexing="ij")
        a, b = a.ravel(), b.ravel()
        keep = (unit[a] < unit[b]) & (launch_t_s[a] < end_t_s[b]) & (launch_t_s[b] < end_t_s[a])
        seen: dict[tuple[int, int], float] = {}
        for x, y in zip(a[keep], b[keep], strict=True):
            key = (int(unit[x]), int(unit[y]))
            t = float(max(launch_t_s[x], launch_t_s[y]))
            seen[key] = min(seen.get(key, np.inf), t)
        out += [{"threat": int(j), "units": list(k), "time_s": round(t, 3)} for k, t in
                sorted(seen.items())]
    return out


#: (sample, entity) pairs evaluated at once by `engageable`: the envelopes' temporaries
#: are some 40 arrays of this length per missile type (a 1,000-threat raid has about a
#: million pairs, which took 500 MB at once).
_PAIRS_PER_CHUNK = 65_536
#: Whether `engageable` skips the pairs that provably lie out of a unit's reach (the range
#: bound of `reach_lower_bound_m`) and the entities already found engageable. The answer
#: is the same either way (tested); off only to check that.
PREFILTER = True
#: Margin [m] added to a missile's maximum range before the bound rules a pair out (the
#: bound is exact; the margin absorbs round-off).
_REACH_MARGIN_M = 1.0


def reach_lower_bound_m(
    dist_m: NDArray[np.float64], target_speed_mps: NDArray[np.float64], speed_mps: float
) -> NDArray[np.float64]:
    """A lower bound [m] of the slant range from a launcher to the predicted intercept
    point of an interceptor flying at ``speed_mps`` (launched now) against a target at
    distance ``dist_m`` flying at ``target_speed_mps`` (arrays of one shape).

    The intercept at time τ has the interceptor at range s·τ, and the target, moving at
    speed v, is then at least d − v·τ away: s·τ ≥ d − v·τ, so the range s·τ is at least
    s·d / (s + v) (closed form, any heading)."""
    return speed_mps * dist_m / (speed_mps + target_speed_mps)


def engageable(built: Any, truth: Any, step_s: float = ENGAGEABLE_STEP_S) -> NDArray[np.bool_]:
    """(n,) whether each entity's true PIP lay inside the envelope of a missile type some
    unit carried, at some sampled instant of its flight (kinematic engageability; truth
    sampled every ``step_s``).

    Pairs whose PIP cannot be within any carried type's maximum range
    (:func:`reach_lower_bound_m`), and entities already found engageable, are not
    evaluated: a raid of thousands of threats on dozens of units has tens of millions of
    (sample, entity, unit) triples, nearly all out of reach."""
    n = truth.n
    out = np.zeros(n, bool)
    if n == 0 or built.units.n == 0:
        return out
    stride = max(1, int(round(step_s / max(truth.dt_s, 1e-9))))
    ks = np.arange(0, truth.t_s.shape[0], stride)
    t = truth.t_s[ks]
    active = (truth.launch_t_s[None, :] <= t[:, None]) & (t[:, None] < truth.end_t_s[None, :])
    k_idx, j_idx = np.nonzero(active)
    if j_idx.size == 0:
        return out
    ground = built.sensing.terrain if built.sensing is not None else None
    ms = built.missiles
    for c0 in range(0, j_idx.size, _PAIRS_PER_CHUNK):  # bounded memory at any raid size
        kc, jc = k_idx[c0 : c0 + _PAIRS_PER_CHUNK], j_idx[c0 : c0 + _PAIRS_PER_CHUNK]
        if PREFILTER:
            todo = ~out[jc]
            if not todo.any():
                continue
            kc, jc = kc[todo], jc[todo]
        p, v = truth.samples(ks[kc], jc)  # the samples of the active pairs only
        speed = np.linalg.norm(v, axis=-1) if PREFILTER else None
        for u in range(built.units.n):  # a loop over units
            carried = built.units.stock0[u] > 0
            pu, vu, ju = p, v, jc
            if PREFILTER:
                dist = np.linalg.norm(p - built.units.pos_ecef_m[u], axis=-1)
                near = np.zeros(jc.size, bool)
                for m in np.flatnonzero(carried):  # a loop over the unit's missile types
                    lb = reach_lower_bound_m(dist, speed, float(ms.speed_mps[m]))
                    near |= lb <= ms.max_range_m[m] + _REACH_MARGIN_M
                near &= ~out[jc]
                if not near.any():
                    continue
                pu, vu, ju = p[near], v[near], jc[near]
            opt = engagement_options(ms, built.units.pos_ecef_m[u], pu, vu, ground=ground)
            hit = np.any(opt.inside & carried[None, :], axis=1)
            out[np.unique(ju[hit])] = True
    return out
