"""The CZML replay of a run: valid CZML (czml3 reads it back), one packet per object of
the run tables, positions that are the tables' own, the flyout a straight line flown no
faster than the interceptor's speed, and a reader that survives renamed columns."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pymap3d
import pytest
from czml3 import Document

from iads.catalog import load_catalog
from iads.errors import InputError
from iads.report.replay import REPLAY_EPOCH, build_document, write_czml
from iads.report.replay.czml import EVENT_STYLE

SHOWN_EVENTS = tuple(EVENT_STYLE)


def _packets(run: Path) -> list[dict]:
    return json.loads((run / "replay.czml").read_text(encoding="utf-8"))


def _by_id(packets: list[dict], prefix: str) -> dict[str, dict]:
    return {p["id"]: p for p in packets if p["id"].startswith(prefix + "/")}


def _seconds(iso: str) -> float:
    from datetime import datetime

    t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return (t - REPLAY_EPOCH).total_seconds()


def _n_tracks(run: Path) -> int:
    tr = pq.read_table(run / "tracks.parquet")
    return len(set(zip(tr.column("unit_id").to_pylist(), tr.column("track_id").to_pylist(),
                       strict=True)))  # fmt: skip


def test_run_writes_a_valid_replay(replay_run: Path) -> None:
    text = (replay_run / "replay.czml").read_text(encoding="utf-8")
    doc = Document.model_validate_json(text)  # czml3's own validation of every packet
    assert doc.packets[0].id == "document"
    clock = json.loads(text)[0]["clock"]
    start, stop = (_seconds(s) for s in clock["interval"].split("/"))
    summary = json.loads((replay_run / "summary.json").read_text(encoding="utf-8"))
    assert (start, stop) == (0.0, summary["duration_s"])


def test_one_packet_per_object_of_the_run(replay_run: Path) -> None:
    packets = _packets(replay_run)
    ids = [p["id"] for p in packets]
    assert len(ids) == len(set(ids))
    truth = pq.read_table(replay_run / "truth.parquet")
    events = pq.read_table(replay_run / "events.parquet")
    ent = pq.read_table(replay_run / "entities.parquet")
    kinds = events.column("kind").cast(pa.string())
    n_kind = {k: int(pc.sum(pc.equal(kinds, k)).as_py() or 0) for k in SHOWN_EVENTS}
    expected = {
        "threat": len(set(truth.column("threat_id").to_pylist())),
        "interceptor": n_kind["launch"],
        "event": sum(n_kind.values()),
        "unit": int(pc.sum(pc.equal(ent.column("kind"), "unit")).as_py()),
        "radar": int(pc.sum(pc.equal(ent.column("kind"), "radar")).as_py()),
        "asset": int(pc.sum(pc.equal(ent.column("kind"), "asset")).as_py()),
        "track": _n_tracks(replay_run),
    }
    got = {k: len(_by_id(packets, k)) for k in expected}
    assert got == expected
    # The scenario exercises every outcome the replay colours.
    assert n_kind["intercept"] > 0 and n_kind["leak"] > 0 and n_kind["impact"] > 0
    meta = json.loads(_by_id(packets, "iads")["iads/meta"]["properties"]["iads_info"])
    assert meta["counts"] == expected


def test_threat_positions_are_the_truth_samples(replay_run: Path) -> None:
    packets = _by_id(_packets(replay_run), "threat")
    truth = pq.read_table(replay_run / "truth.parquet")
    summary = json.loads((replay_run / "summary.json").read_text(encoding="utf-8"))
    ids = {t["name"]: t["threat_id"] for t in summary["threats"]}
    for name in set(truth.column("name").to_pylist()):
        rows = truth.filter(pc.equal(truth.column("name"), name)).sort_by("time_s")
        p = packets[f"threat/{ids[name]}"]
        s = np.asarray(p["position"]["cartographicDegrees"]).reshape(-1, 4)
        n = rows.num_rows
        for j, col, tol in ((0, "time_s", 0.005), (1, "lon_deg", 1e-6), (2, "lat_deg", 1e-6),
                            (3, "alt_m", 0.05)):  # fmt: skip
            np.testing.assert_allclose(s[:n, j], rows.column(col).to_numpy(), atol=tol)
        start, end = (_seconds(x) for x in p["availability"].split("/"))
        assert start == pytest.approx(s[0, 0], abs=1e-3) and end >= s[n - 1, 0] - 1e-3
        info = json.loads(p["properties"]["iads_info"])
        outcome = next(t["outcome"] for t in summary["threats"] if t["name"] == name)
        assert info["outcome"] == outcome


def test_interceptor_flyout_is_a_straight_line_no_faster_than_the_missile(
    replay_run: Path,
) -> None:
    packets = _by_id(_packets(replay_run), "interceptor")
    events = pq.read_table(replay_run / "events.parquet").to_pylist()
    launches = {e["interceptor_id"]: e for e in events if e["kind"] == "launch"}
    ends = {e["interceptor_id"]: e for e in events if e["kind"] in ("intercept", "miss")}
    cat = load_catalog()
    assert launches
    for iid, lo in launches.items():
        s = np.asarray(packets[f"interceptor/{iid}"]["position"]["cartesian"]).reshape(-1, 4)
        # Endpoints: the unit at launch, the engagement's end point at its time; ECEF
        # from pymap3d, an implementation nobody here wrote.
        x0 = pymap3d.geodetic2ecef(lo["lat_deg"], lo["lon_deg"], lo["alt_m"])
        np.testing.assert_allclose(s[0, 1:], x0, atol=0.01)
        assert s[0, 0] == pytest.approx(lo["time_s"], abs=1e-3)
        end = ends[iid]
        x1 = pymap3d.geodetic2ecef(end["lat_deg"], end["lon_deg"], end["alt_m"])
        np.testing.assert_allclose(s[-1, 1:], x1, atol=0.01)
        assert s[-1, 0] == pytest.approx(end["time_s"], abs=1e-3)
        # The guided flight is at least as long as the chord: the chord's mean speed
        # never exceeds the missile's mean speed.
        speed = float(cat.missiles[json.loads(lo["details"])["missile"]].mean_speed_mps.value)
        chord = np.linalg.norm(s[-1, 1:] - s[0, 1:]) / (s[-1, 0] - s[0, 0])
        assert 0.3 * speed < chord <= speed * (1 + 1e-4)  # times rounded to 1 ms


def test_radar_rings_are_the_instrumented_ranges(replay_run: Path) -> None:
    packets = _by_id(_packets(replay_run), "radar")
    ent = pq.read_table(replay_run / "entities.parquet").to_pylist()
    radars = [e for e in ent if e["kind"] == "radar"]
    assert radars
    for r in radars:
        p = packets[f"radar/{r['index']}"]
        assert p["ellipse"]["semiMajorAxis"] == pytest.approx(r["max_range_m"])
        assert p["position"]["cartographicDegrees"][:2] == pytest.approx(
            [r["lon_deg"], r["lat_deg"]]
        )


def test_threat_info_names_first_detection_and_interceptors(replay_run: Path) -> None:
    packets = _by_id(_packets(replay_run), "threat")
    summary = json.loads((replay_run / "summary.json").read_text(encoding="utf-8"))
    events = pq.read_table(replay_run / "events.parquet").to_pylist()
    for t in summary["threats"]:
        p = packets[f"threat/{t['threat_id']}"]
        fired = [e for e in events if e["kind"] == "launch" and e["threat_id"] == t["threat_id"]]
        info = json.loads(p["properties"]["iads_info"])
        assert sorted(info["interceptors"]) == sorted(e["interceptor_id"] for e in fired)
        assert info["first_detection"] == t["first_detection"]
        assert "first detection" in p["description"]
        if t["first_detection"]:
            assert f"{t['first_detection']['range_km']:.1f} km" in p["description"]


def test_reader_accepts_renamed_columns(replay_run: Path, tmp_path: Path) -> None:
    """Result columns are being renamed (frame and unit in the name): the replay reads
    the new names through its accessor and writes the same document."""
    run = tmp_path / "run"
    shutil.copytree(replay_run, run)
    for name, ren in (
        ("truth.parquet", {"alt_m": "alt_hae_m", "vx_mps": "vx_ecef_mps", "id": "name"}),
        ("events.parquet", {"alt_m": "alt_hae_m"}),
    ):
        t = pq.read_table(run / name)
        pq.write_table(t.rename_columns([ren.get(c, c) for c in t.column_names]), run / name)
    assert build_document(run).dumps() == build_document(replay_run).dumps()


def test_recorded_tracks_follow_the_threats(replay_run: Path) -> None:
    """The run's confirmed tracks (tracks.parquet) sit near the threats they follow: the
    median distance from a track to the nearest true threat at its time is a few
    position sigmas at most."""
    tr = pq.read_table(replay_run / "tracks.parquet")
    truth = pq.read_table(replay_run / "truth.parquet")
    assert tr.num_rows > 0 and np.all(tr.column("pos_sigma_m").to_numpy() > 0)
    t_tr = tr.column("time_s").to_numpy()
    x_tr = np.column_stack(pymap3d.geodetic2ecef(*(tr.column(c).to_numpy() for c in (
        "lat_deg", "lon_deg", "alt_m"))))  # fmt: skip
    t_th = truth.column("time_s").to_numpy()
    x_th = np.column_stack(pymap3d.geodetic2ecef(*(truth.column(c).to_numpy() for c in (
        "lat_deg", "lon_deg", "alt_m"))))  # fmt: skip
    d = []
    for t in np.unique(np.round(t_tr)):  # truth is sampled at 1 Hz: compare at whole seconds
        a, b = np.abs(t_tr - t) < 1e-6, t_th == t
        if a.any() and b.any():
            d.append(np.linalg.norm(x_tr[a][:, None] - x_th[b][None], axis=-1).min(axis=1))
    d = np.concatenate(d)
    assert d.size > 10
    assert np.median(d) < 3 * np.median(tr.column("pos_sigma_m").to_numpy()) + 200.0


def test_tracks_layer_when_the_run_has_tracks(replay_run: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(replay_run, run)
    t = np.arange(0.0, 20.0, 5.0)
    pq.write_table(
        pa.table(
            {
                "time_s": np.r_[t, t],
                "unit_id": np.zeros(8, np.int32),
                "track_id": np.r_[np.full(4, 7), np.full(4, 8)].astype(np.int64),
                "lat_deg": np.full(8, 40.5),
                "lon_deg": np.linspace(32.0, 33.0, 8),
                "alt_m": np.full(8, 100.0),
                "pos_sigma_m": np.linspace(500.0, 100.0, 8),
            }
        ),
        run / "tracks.parquet",
    )
    packets = json.loads(build_document(run).dumps())
    tracks = _by_id(packets, "track")
    assert set(tracks) == {"track/0/7", "track/0/8"}
    radii = np.asarray(tracks["track/0/8"]["ellipsoid"]["radii"]["cartesian"]).reshape(-1, 4)
    np.testing.assert_allclose(radii[:, 1], np.linspace(500.0, 100.0, 8)[4:], atol=0.05)


def test_tracks_layer_thins_a_large_recording(replay_run: Path, tmp_path: Path,
                                              monkeypatch) -> None:  # fmt: skip
    """Past ``DENSE.track_samples`` recorded estimates the layer keeps every k-th estimate
    of each track, its first and last always (a 10,000-threat raid records millions)."""
    from iads.report.replay.style import DENSE

    run = tmp_path / "run"
    shutil.copytree(replay_run, run)
    t = np.arange(0.0, 100.0, 1.0)
    pq.write_table(
        pa.table({
            "time_s": np.r_[t, t], "unit_id": np.zeros(200, np.int32),
            "track_id": np.r_[np.full(100, 7), np.full(100, 8)].astype(np.int64),
            "lat_deg": np.full(200, 40.5), "lon_deg": np.linspace(32.0, 33.0, 200),
            "alt_m": np.full(200, 100.0), "pos_sigma_m": np.full(200, 50.0),
        }),  # fmt: skip
        run / "tracks.parquet",
    )
    monkeypatch.setattr(DENSE, "track_samples", 50)  # 200 estimates: every 4th
    tracks = _by_id(json.loads(build_document(run).dumps()), "track")
    times = np.asarray(tracks["track/0/7"]["position"]["cartographicDegrees"]).reshape(-1, 4)[:, 0]
    np.testing.assert_array_equal(times, np.r_[np.arange(0.0, 100.0, 4.0), 99.0])
    # Past DENSE.track_packets tracks, the longest-recorded ones: track 8 loses 10.
    tab = pq.read_table(run / "tracks.parquet")
    pq.write_table(tab.slice(0, 190), run / "tracks.parquet")
    monkeypatch.setattr(DENSE, "track_packets", 1)
    assert set(_by_id(json.loads(build_document(run).dumps()), "track")) == {"track/0/7"}


def test_missing_truth_is_a_clear_error(replay_run: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(replay_run, run)
    (run / "truth.parquet").unlink()
    with pytest.raises(InputError, match="truth.parquet"):
        write_czml(run)


def test_export_czml_command(replay_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "replay.czml"
    proc = subprocess.run(
        [sys.executable, "-m", "iads.cli", "export", "czml", str(replay_run), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8") == (replay_run / "replay.czml").read_text(
        encoding="utf-8"
    )
    bad = subprocess.run(
        [sys.executable, "-m", "iads.cli", "export", "czml", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "no such run directory" in bad.stderr


def test_a_large_raid_is_drawn_lighter(replay_run: Path, monkeypatch) -> None:
    """Past ``DENSE.threats`` entities, trails show only their last minutes and event
    points fade after ``DENSE.event_s``: a 1,000-threat raid stays readable."""
    from iads.report.replay import style

    light = {p["id"]: p for p in json.loads(build_document(replay_run).dumps())}
    monkeypatch.setattr(style.DENSE, "threats", 0)
    dense = {p["id"]: p for p in json.loads(build_document(replay_run).dumps())}
    assert light.keys() == dense.keys()  # the same objects, drawn differently
    threats = [k for k in dense if k.startswith("threat/")]
    assert threats
    for k in threats:
        assert dense[k]["path"]["trailTime"] == style.DENSE.trail_s
        assert dense[k]["point"]["pixelSize"] < light[k]["point"]["pixelSize"]
    for k in (k for k in dense if k.startswith("event/")):
        start, end = dense[k]["availability"].split("/")
        assert end <= light[k]["availability"].split("/")[1]
