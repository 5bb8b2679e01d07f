"""Networks of fire units: the shared air picture of an integrated network.

With ``fusion: measurement`` the members' radars feed one tracker (one shared
``Picture``, set up by ``iads.engine.picture``). With ``fusion: track`` every member tracks
on its own radars and the network's picture is rebuilt from the members' tracks by
track-to-track association and covariance intersection (CI), which stays consistent
whatever the unknown correlation between the members' estimates (Julier & Uhlmann, "A
non-divergent estimation algorithm in the presence of unknown correlations", ACC 1997):

    P⁻¹ = ω P₁⁻¹ + (1 − ω) P₂⁻¹,   x = P (ω P₁⁻¹ x₁ + (1 − ω) P₂⁻¹ x₂),

with ω ∈ [0, 1] minimising tr P (``iads.tracking.fusion.covariance_intersection``). More than
two estimates are fused pairwise in member
order (first-order: sequential CI). Fused tracks keep their network id as long as one of
their member tracks lives, so engagements and kill assessment follow them; a member track
not yet in a fused track joins the nearest one inside a χ² gate on position, or starts
one. Only position and velocity (the first six state terms) are fused.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from iads.tracking import TrackSet, TrackStatus
from iads.tracking.filters import predict
from iads.tracking.fusion import covariance_intersection

__all__ = ["GATE_D2", "TrackFusion"]

#: χ²(3) 99.9 % gate on the position difference of two tracks of one target.
GATE_D2 = 16.27


class TrackFusion:
    """The fused picture of one track-fusion network and its id bookkeeping."""

    def __init__(self, members: list[int], picture: Any) -> None:
        self.members = members  # unit indices; their own pictures are the inputs
        self.picture = picture  # an iads.state.Picture
        self.fid: dict[tuple[int, int], int] = {}  # (member slot, member track id) -> id
        self.next_id = 1
        # Members whose link is lost (iads.engine.links): their tracks are not fused.
        self.cut: set[int] = set()

    def update(self, pictures: list[Any], t_s: float) -> None:
        """Rebuild the fused tracks at ``t_s`` from the members' ``pictures``."""
        xs, Ps, keys, truth, conf_t, init_t, status, last_t = [], [], [], [], [], [], [], []
        for k, u in enumerate(self.members):
            if u in self.cut:
                continue
            pic = pictures[u]
            tr = pic.tracks.take(pic.tracks.confirmed)  # tentative tracks are not shared
            if tr.n == 0:
                continue
            tr = predict(tr, pic.config, t_s)
            xs.append(tr.x[:, :6])
            Ps.append(tr.P[:, :6, :6])
            keys += [(k, int(i)) for i in tr.ids]
            truth.append(pic.truth[tr.ids])
            conf_t.append(tr.confirmed_t_s)
            init_t.append(tr.initiated_t_s)
            status.append(tr.status)
            last_t.append(tr.last_update_t_s)
        if not keys:
            self._set(np.zeros(0, np.int64), np.zeros((0, 6)), np.zeros((0, 6, 6)), t_s,
                      np.zeros(0, np.int8), np.zeros(0), np.zeros(0), np.zeros(0, np.int64),
                      np.zeros(0))  # fmt: skip
            return
        x, P = np.concatenate(xs), np.concatenate(Ps)
        truth_a = np.concatenate(truth)
        conf_a, init_a, stat_a, last_a = map(np.concatenate, (conf_t, init_t, status, last_t))
        slot = np.array([k for k, _ in keys])
        fid = np.array([self.fid.get(key, 0) for key in keys], dtype=np.int64)
        self._associate(x, P, slot, fid)
        for key, f in zip(keys, fid, strict=True):
            self.fid[key] = int(f)
        live = {key for key in keys}
        self.fid = {k: v for k, v in self.fid.items() if k in live}
        ids = np.unique(fid)
        fx, fP = np.zeros((ids.size, 6)), np.zeros((ids.size, 6, 6))
        row = np.searchsorted(ids, fid)
        # Sequential CI: first member track of each fused id, then each further one.
        order = np.lexsort((slot, row))
        first = np.r_[True, row[order][1:] != row[order][:-1]]
        fx[row[order][first]] = x[order][first]
        fP[row[order][first]] = P[order][first]
        rest = order[~first]
        for r in rest:  # further members (one per extra member: few)
            i = row[r]
            xx, pp, _ = covariance_intersection(fx[i:i + 1], fP[i:i + 1], x[r:r + 1], P[r:r + 1])
            fx[i], fP[i] = xx[0], pp[0]
        conf = np.full(ids.size, np.nan)
        confirmed = stat_a == TrackStatus.CONFIRMED
        np.fmin.at(conf, row[confirmed], conf_a[confirmed])
        init = np.full(ids.size, np.inf)
        np.minimum.at(init, row, init_a)
        # A fused track was last updated when the latest of its members was (a member
        # coasting on a destroyed object does not refresh it: kill assessment).
        last = np.full(ids.size, -np.inf)
        np.maximum.at(last, row, last_a)
        fstatus = np.where(np.isfinite(conf), TrackStatus.CONFIRMED, TrackStatus.TENTATIVE)
        ftruth = np.full(ids.size, -1, np.int64)
        ftruth[row[order][first]] = truth_a[order][first]
        self._set(ids, fx, fP, t_s, fstatus.astype(np.int8), conf, init, ftruth, last)

    def _associate(self, x, P, slot, fid) -> None:
        """Give every member track without a fused id (fid 0) one: the nearest fused
        track (already holding no track of that member) inside the gate, else a new id.
        A member track that has left the gate of its fused track's first member is
        re-associated. Greedy; a loop over the few new or re-associated tracks."""
        for f in np.unique(fid[fid > 0]):
            rows = np.flatnonzero(fid == f)
            a = rows[np.argmin(slot[rows])]
            for r in rows[rows != a]:
                d = x[r, :3] - x[a, :3]
                if float(d @ np.linalg.solve(P[r, :3, :3] + P[a, :3, :3], d)) > GATE_D2:
                    fid[r] = 0
        for r in np.flatnonzero(fid == 0):
            cand = np.flatnonzero((fid > 0) & (slot != slot[r]))
            best, best_d2 = 0, GATE_D2
            for c in cand:
                if np.any((fid == fid[c]) & (slot == slot[r])):
                    continue
                d = x[r, :3] - x[c, :3]
                S = P[r, :3, :3] + P[c, :3, :3]
                d2 = float(d @ np.linalg.solve(S, d))
                if d2 < best_d2:
                    best, best_d2 = int(fid[c]), d2
            if best == 0:
                best = self.next_id
                self.next_id += 1
            fid[r] = best

    def _set(self, ids, x, P, t_s, status, conf, init, truth, last) -> None:
        n = ids.size
        base = TrackSet.empty(6, next_id=self.next_id)
        tracks = dataclasses.replace(
            base,
            ids=ids.astype(np.int64),
            x=x,
            P=P,
            status=status,
            hits=np.ones(n, np.int32),
            misses=np.zeros(n, np.int32),
            age=np.ones(n, np.int32),
            history=np.ones(n, np.uint32),
            quality=np.ones(n),
            t_s=np.full(n, float(t_s)),
            last_update_t_s=np.asarray(last, dtype=float),
            initiated_t_s=init,
            confirmed_t_s=conf,
            mode_p=np.zeros((n, 0)),
            mode_x=np.zeros((n, 0, 6)),
            mode_P=np.zeros((n, 0, 6, 6)),
        )
        pic = self.picture
        pic.tracks = tracks
        pic.ensure(self.next_id)
        if n:
            pic.truth[ids] = truth
