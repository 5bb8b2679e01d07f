"""The compiled scan (`iads.tracking._jit_scan`) against the step by step path it replaces
(`_jit_scan.ENABLED = False`), bit for bit: on random scans (CV and CA, one or several
sensors, scans that looked at some tracks only, clutter, crowded scenes whose clusters need
the dense assignment, where the kernel gives up to the reference path) and on a whole run
(event log and track table); and the truth labels kernel of `iads.engine.picture`."""

from __future__ import annotations

import io

import numpy as np
import pyarrow.ipc as ipc
import pytest

from iads.engine import simulate
from iads.scenario import load_scenario
from iads.tracking import TrackerConfig, _jit_scan, empty_tracks, tracker_step
from iads.tracking.synthetic import simulate_cv


def _same(a, b) -> None:
    """Two track sets or two event records equal bit for bit (dtype, shape, bytes)."""
    for f, va in vars(a).items():
        vb = vars(b)[f]
        if isinstance(va, np.ndarray):
            assert va.dtype == vb.dtype and va.shape == vb.shape, f
            assert va.tobytes() == vb.tobytes(), f
        else:
            assert va == vb, f


def _step(monkeypatch, fused, tracks, cfg, t_s, z, R, **kw):
    monkeypatch.setattr(_jit_scan, "ENABLED", fused)
    return tracker_step(tracks, cfg, t_s, z, R, **kw)


@pytest.mark.parametrize(
    ("motion", "extent_m", "n_targets"),
    [("cv", 1e4, 30), ("ca", 1e4, 30), ("cv", 400.0, 12)],  # the last: crowded, dense clusters
)
def test_fused_scan_equals_the_reference_on_random_scans(monkeypatch, motion, extent_m, n_targets):
    cfg = TrackerConfig(
        motion=motion, process_noise=0.05, init_velocity_sigma_mps=50, confirm_m=2,
        confirm_n=4, delete_misses=2, max_position_variance_m2=3e5,
    )  # fmt: skip
    rng = np.random.default_rng(5)
    sc = simulate_cv(rng, n_targets, n_scans=14, extent_m=extent_m, clutter_per_scan=6)
    gave_up = []
    original = _jit_scan.fused_step

    def counting(*a):
        out = original(*a)
        gave_up.append(out is None)
        return out

    monkeypatch.setattr(_jit_scan, "fused_step", counting)
    tracks = empty_tracks(cfg)
    for k, s in enumerate(sc.scans):
        m = s.z.shape[0]
        kw = {}
        if k % 3:  # two or three sensors, measurements interleaved
            kw["sensor_id"] = rng.integers(3, 3 + 1 + k % 3, m).astype(np.int64)
        if k % 2:  # a scan that looked at some tracks only
            kw["observed"] = rng.random(tracks.n) < 0.7
        t_s = s.t_s + 0.5 * (k % 2)  # uneven scan intervals
        ref = _step(monkeypatch, False, tracks, cfg, t_s, s.z, s.R, **kw)
        out = _step(monkeypatch, True, tracks, cfg, t_s, s.z, s.R, **kw)
        _same(out[0], ref[0])
        _same(out[1], ref[1])
        tracks = ref[0]
    assert len(gave_up) == len(sc.scans) and tracks.n > 5
    if extent_m < 1e3:  # crowded: scans left to the dense assignment
        assert any(gave_up)
    else:
        assert sum(gave_up) < len(gave_up) / 2  # mostly fused


def test_fused_scan_gives_up_on_a_dense_cluster(monkeypatch):
    """Two confirmed tracks and two measurements in each other's gates: the kernel leaves
    the scan to the reference path (`linear_sum_assignment`), which gets it right."""
    cfg = TrackerConfig(confirm_m=1, confirm_n=2, process_noise=1.0)
    tracks = empty_tracks(cfg)
    R = np.broadcast_to(100.0 * np.eye(3), (2, 3, 3)).copy()
    z0 = np.array([[0.0, 0.0, 0.0], [30.0, 0.0, 0.0]])
    tracks, _ = tracker_step(tracks, cfg, 0.0, z0, R)
    assert tracks.n == 2 and tracks.confirmed.all()
    z1 = np.array([[20.0, 1.0, 0.0], [9.0, -1.0, 0.0]])
    tr = tracks.replace(t_s=tracks.t_s.copy())
    assert _jit_scan.fused_step(tr, cfg, 1.0, z1, R, None, None) is None
    ref = _step(monkeypatch, False, tracks, cfg, 1.0, z1, R)
    out = _step(monkeypatch, True, tracks, cfg, 1.0, z1, R)
    _same(out[0], ref[0])
    _same(out[1], ref[1])
    assert sorted(out[1].assoc_meas_index.tolist()) == [0, 1]


def test_uncommon_configurations_take_the_reference_path():
    z = np.zeros((1, 3))
    R = np.eye(3)[None]
    for cfg in (TrackerConfig(association="jpda"), TrackerConfig(motion="imm")):
        assert _jit_scan.fused_step(empty_tracks(cfg), cfg, 0.0, z, R, None, None) is None


def test_a_run_is_the_same_fused_and_not(monkeypatch):
    """network_demo (one-picture steps, shared and fused pictures, several radars a
    picture), the fused scan and the labels kernel against the present paths: the same
    event log and track table, byte for byte."""
    from iads.engine import picture

    runs = []
    for on in (False, True):
        monkeypatch.setattr(_jit_scan, "ENABLED", on)
        monkeypatch.setattr(picture, "LABELS_JIT", on)
        runs.append(simulate(load_scenario("network_demo"), seed=3, record_tracks=True))
    assert runs[0].events.num_rows > 1000 and runs[0].tracks.num_rows > 100
    for name in ("events", "tracks"):  # bytes, not Table.equals (NaN != NaN)
        a, b = (_ipc(getattr(r, name)) for r in runs)
        assert a == b, name


def _ipc(table) -> bytes:
    sink = io.BytesIO()
    with ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return sink.getvalue()


def test_truth_labels_kernel_equals_the_reference():
    """`picture._labels` against `_labels_reference` on random scans: several weighted pairs
    per track (JPDA-like, with ties), false alarms (origin -1), new tracks among which some
    were deleted in their first scan, and no measurement at all."""
    from types import SimpleNamespace

    from iads.engine import picture
    from iads.tracking.base import TrackEvents

    rng = np.random.default_rng(3)
    for trial in range(200):
        n, k = int(rng.integers(1, 30)), int(rng.integers(0, 25)) * (trial % 7 != 0)
        ids = np.sort(rng.choice(np.arange(1, 80), n, replace=False)).astype(np.int64)
        x = rng.normal(0.0, 50.0, (n, 6))
        z = rng.normal(0.0, 50.0, (k, 3))
        j = min(k // 3, n)
        z[:j] = x[:j, :3]  # some measurements on a track
        origin = rng.integers(-1, 10, k).astype(np.int64)
        p = int(rng.integers(0, 2 * n)) if k else 0
        pair_ids = rng.choice(ids, p).astype(np.int64)
        weight = rng.choice([1.0, 0.5, 0.25], p)
        new = np.arange(70, 85, dtype=np.int64)[: int(rng.integers(0, 15))]
        ev = TrackEvents(
            t_s=0.0, initiated_ids=new, confirmed_ids=ids[:0], deleted_ids=ids[:0],
            deleted_reason=np.zeros(0, np.int8), assoc_track_ids=pair_ids,
            assoc_meas_index=rng.integers(0, max(k, 1), p).astype(np.int64),
            assoc_weight=weight,
        )  # fmt: skip
        truth0 = rng.integers(-1, 10, 100).astype(np.int64)
        tracks = SimpleNamespace(ids=ids, x=x, n=n, position=x[:, :3])
        ref = SimpleNamespace(truth=truth0.copy(), tracks=tracks)
        picture._labels_reference(ref, ev, z, origin)
        out = truth0.copy()
        picture._labels(out, ev.assoc_track_ids, ev.assoc_meas_index, ev.assoc_weight,
                        origin, new, ids, x, z)  # fmt: skip
        assert np.array_equal(out, ref.truth), trial
