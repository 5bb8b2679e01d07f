"""The DIS export read back by iads' own decoder: an exact round trip, the dead-reckoning
rule of IEEE 1278.1 holding between the PDUs, consistent ids, the CLI and UDP streaming."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pymap3d
import pytest

from iads.dis import codec, dis_timeline, read_pcap, read_run, stream_udp
from iads.dis.schedule import HEARTBEAT_S, POSITION_THRESHOLD_M, dead_reckon
from iads.errors import InputError

START_NS = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp()) * 10**9
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _decoded(pcap: Path) -> tuple[np.ndarray, list[np.ndarray]]:
    packets = list(read_pcap(pcap))
    return (
        np.array([(t - START_NS) * 1e-9 for t, _ in packets]),
        [codec.decode(p) for _, p in packets],
    )


def test_round_trip_through_own_decoder_is_exact(exported):
    tl, pcap = exported
    t, recs = _decoded(pcap)
    assert len(recs) == len(tl.pdus)
    np.testing.assert_allclose(t, tl.t_s, atol=1e-9)
    for r, raw in zip(recs, tl.pdus, strict=True):
        assert r.tobytes() == raw  # decode, re-encode: the same bytes
    es = [r for r in recs if r["header"]["pdu_type"] == 1]
    assert len(es) == int((tl.pdu_type == 1).sum())
    assert np.all(np.diff(t) >= 0)  # time order


def test_dead_reckoning_between_pdus_stays_within_threshold(exported, run_dir):
    """At every truth sample between two Entity State PDUs of a threat, the position a
    receiver dead-reckons (DRM(F, V, W) from the earlier PDU) is within 1 m of the truth,
    and no two PDUs of an entity are more than the 5 s heartbeat apart."""
    t, recs = _decoded(exported[1])
    summary = json.loads((run_dir / "summary.json").read_text("utf-8"))
    truth = pq.read_table(run_dir / "truth.parquet")
    names = np.array(truth["name" if "name" in truth.column_names else "id"].to_pylist())
    tt = truth["time_s"].to_numpy()
    xyz = np.stack(
        pymap3d.geodetic2ecef(
            truth["lat_deg"].to_numpy(), truth["lon_deg"].to_numpy(), truth["alt_m"].to_numpy()
        ),
        axis=-1,
    )
    checked = 0
    for th in summary["threats"]:
        sel = [
            (ti, r)
            for ti, r in zip(t, recs, strict=True)
            if r["header"]["pdu_type"] == 1
            and r["entity_id"]["application"] == 2
            and r["entity_id"]["entity"] == th.get("threat_id", th.get("id")) + 1
        ]
        if not sel:
            continue
        assert sel[0][1]["dr_algorithm"] == 5
        times = np.array([s[0] for s in sel])
        assert np.all(np.diff(times) <= HEARTBEAT_S + 1e-6)
        mine = names == th["name"]
        for (t0, r), t1 in zip(sel[:-1], times[1:], strict=True):
            inside = mine & (tt > t0 + 1e-6) & (tt < t1 - 1e-6)
            if not inside.any():
                continue
            p = dead_reckon(
                r["location_m"].astype(float),
                r["velocity_mps"].astype(float),
                r["dr_acceleration_mps2"].astype(float),
                tt[inside] - t0,
            )
            err = np.linalg.norm(p - xyz[inside], axis=-1)
            assert err.max() <= POSITION_THRESHOLD_M + 1e-3
            checked += int(inside.sum())
    assert checked > 100  # the thresholds did drop most samples


def test_ids_are_consistent(exported):
    """Every munition of a Fire has Entity State PDUs; every Detonation ends a Fire with
    the same event id and munition; entity types do not change."""
    _, recs = _decoded(exported[1])
    key = lambda e: tuple(int(x) for x in e.tolist())  # noqa: E731 (site, application, number)
    states: dict[tuple, set] = {}
    for r in recs:
        if r["header"]["pdu_type"] == 1:
            states.setdefault(key(r["entity_id"]), set()).add(r["entity_type"].tobytes())
    assert all(len(v) == 1 for v in states.values())
    fires = {key(r["event_id"]): r for r in recs if r["header"]["pdu_type"] == 2}
    dets = [r for r in recs if r["header"]["pdu_type"] == 3]
    assert fires and dets
    for f in fires.values():
        assert key(f["munition_id"]) in states
    for d in dets:
        if d["munition_id"]["application"] == 0:
            # An aircraft's weapon (not simulated) at the asset: no Fire, the aircraft fires.
            assert key(d["firing_id"]) in states and d["firing_id"]["application"] == 2
            assert key(d["event_id"]) not in fires
            continue
        f = fires[key(d["event_id"])]
        assert key(f["munition_id"]) == key(d["munition_id"])
        assert key(f["firing_id"]) == key(d["firing_id"])
    # Interceptors are fired by a defense unit at a threat (or at nothing: a false track).
    for f in fires.values():
        if f["munition_id"]["application"] == 3:
            assert key(f["firing_id"]) in states and f["firing_id"]["application"] == 1
            assert f["target_id"]["application"] in (0, 2)


def test_interceptor_states_lie_on_their_flight(exported, run_dir):
    """Rebuilt flights: every interceptor state lies on the segment from its Fire
    location to its Detonation location, at the time-proportional point."""
    t, recs = _decoded(exported[1])
    fire = {
        int(r["munition_id"]["entity"]): (ti, r)
        for ti, r in zip(t, recs, strict=True)
        if r["header"]["pdu_type"] == 2 and r["munition_id"]["application"] == 3
    }
    det = {
        int(r["munition_id"]["entity"]): (ti, r)
        for ti, r in zip(t, recs, strict=True)
        if r["header"]["pdu_type"] == 3 and r["munition_id"]["application"] == 3
    }
    n = 0
    for ti, r in zip(t, recs, strict=True):
        if r["header"]["pdu_type"] != 1 or r["entity_id"]["application"] != 3:
            continue
        e = int(r["entity_id"]["entity"])
        (t0, f), (t1, d) = fire[e], det[e]
        frac = (ti - t0) / (t1 - t0)
        p = f["location_m"] + frac * (d["location_m"] - f["location_m"])
        assert np.linalg.norm(r["location_m"] - p) < 1e-3
        n += 1
    assert n >= 2 * len(fire)


def test_renamed_velocity_columns_read_the_same(run_dir, tmp_path):
    """The accessor reads older runs' ``v*_mps`` names as well as the documented
    ``v*_ecef_mps``."""
    import shutil

    d = tmp_path / "renamed"
    shutil.copytree(run_dir, d)
    tab = pq.read_table(d / "truth.parquet")
    names = [
        c.replace("_ecef_mps", "_mps") if c[:2] in ("vx", "vy", "vz") else c
        for c in tab.column_names
    ]
    pq.write_table(tab.rename_columns(names), d / "truth.parquet")
    a = dis_timeline(read_run(run_dir))
    b = dis_timeline(read_run(d))
    assert a.pdus == b.pdus


def test_missing_tables_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="not a directory"):
        read_run(tmp_path / "nope")
    with pytest.raises(InputError, match="summary.json"):
        read_run(tmp_path)


def test_stream_udp_paces_by_speed_and_sends_to_loopback():
    """Scaled real time: datagram k leaves at (t_k - t_0) / speed after the first."""
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    rx.settimeout(5.0)
    now = [0.0]
    waits: list[float] = []

    def sleep(dt: float) -> None:
        waits.append(dt)
        now[0] += dt

    t = np.array([10.0, 10.0, 12.0, 20.0])
    payloads = [bytes([i]) * 8 for i in range(4)]
    try:
        n = stream_udp(t, payloads, rx.getsockname(), speed=4.0, clock=lambda: now[0], sleep=sleep)
        got = [rx.recv(64) for _ in range(4)]
    finally:
        rx.close()
    assert n == 4 and got == payloads
    np.testing.assert_allclose(waits, [0.5, 2.0])


def test_cli_streams_the_run_over_udp_on_loopback(exported, run_dir):
    """`iads export dis DIR --udp 127.0.0.1:PORT --speed 200` (the 560 s run in 2.8 s):
    every PDU arrives, in order, byte for byte (bounded receive timeout). Loopback UDP
    drops only when the receive buffer overflows, which pacing prevents."""
    tl = exported[0]
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    rx.bind(("127.0.0.1", 0))
    rx.settimeout(60.0)
    got: list[bytes] = []

    def receive() -> None:
        try:
            while len(got) < len(tl.pdus):
                got.append(rx.recv(2048))
        except TimeoutError:
            pass

    th = threading.Thread(target=receive)
    th.start()
    port = rx.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "iads",
            "export",
            "dis",
            str(run_dir),
            "--udp",
            f"127.0.0.1:{port}",
            "--speed",
            "1000000",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    th.join(timeout=90)
    rx.close()
    assert proc.returncode == 0, proc.stderr
    assert f"Sent {len(tl.pdus)} datagrams" in proc.stdout.replace("\n", " ")
    assert got == tl.pdus


def test_cli_writes_the_pcap_and_rejects_bad_options(run_dir, tmp_path):
    env = {**os.environ, "PYTHONPATH": SRC}
    out = tmp_path / "x.pcap"

    def iads(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "iads", "export", "dis", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )

    proc = iads(str(run_dir), "--pcap", str(out), "--start", "2024-05-01T12:30:00Z")
    assert proc.returncode == 0, proc.stderr
    packets = list(read_pcap(out))
    assert packets[0][0] == int(datetime(2024, 5, 1, 12, 30, tzinfo=UTC).timestamp()) * 10**9
    # Absolute timestamps count from the top of the UTC hour: 30 min past it at t = 0.
    assert codec.from_timestamp(codec.decode(packets[0][1])["header"]["timestamp"]) == (
        pytest.approx(1800.0, abs=1e-5)
    )
    proc = iads(str(run_dir), "--udp", "localhost:x")
    assert proc.returncode == 2 and "HOST:PORT" in proc.stderr
    proc = iads(str(run_dir), "--exercise", "0")
    assert proc.returncode == 2 and "exercise_id" in proc.stderr


def test_a_run_without_flights_gives_only_unit_heartbeats(run_dir, tmp_path):
    import shutil

    d = tmp_path / "quiet"
    shutil.copytree(run_dir, d)
    for name in ("truth.parquet", "events.parquet"):
        tab = pq.read_table(d / name)
        pq.write_table(tab.slice(0, 0), d / name)
    tl = dis_timeline(read_run(d))
    recs = [codec.decode(p) for p in tl.pdus]
    assert recs and all(r["header"]["pdu_type"] == 1 for r in recs)
    assert {int(r["entity_id"]["application"]) for r in recs} == {1}
    assert all(r["dr_algorithm"] == 1 for r in recs)  # static


def test_unit_positions_come_from_entities_parquet_when_present(run_dir, tmp_path):
    import shutil

    import pyarrow as pa

    d = tmp_path / "with_entities"
    shutil.copytree(run_dir, d)
    u = next(
        r
        for r in pq.read_table(d / "entities.parquet").to_pylist()
        if r["kind"] == "unit" and r["index"] == 0
    )
    ent = pa.table(
        {
            "kind": ["unit"],
            "index": pa.array([0], pa.int32()),
            "name": [u["name"]],
            "lat_deg": [u["lat_deg"] + 0.01],
            "lon_deg": [u["lon_deg"]],
            "alt_m": [u["alt_m"]],
        }
    )
    pq.write_table(ent, d / "entities.parquet")
    run = read_run(d)
    exp = np.array(pymap3d.geodetic2ecef(u["lat_deg"] + 0.01, u["lon_deg"], u["alt_m"]))
    assert np.linalg.norm(run.units[0].pos_ecef_m - exp) < 1e-6


def test_unfinished_interceptors_are_left_out_and_said(exported, run_dir):
    import pyarrow.compute as pc

    tl, _ = exported
    ev = pq.read_table(run_dir / "events.parquet")
    kind = ev["kind"].cast("string")
    launched = set(ev.filter(pc.equal(kind, "launch"))["interceptor_id"].to_pylist())
    ended = set(
        ev.filter(pc.or_(pc.equal(kind, "intercept"), pc.equal(kind, "miss")))[
            "interceptor_id"
        ].to_pylist()
    )
    written = {
        int(r["entity_id"]["entity"]) - 1
        for r in map(codec.decode, tl.pdus)
        if r["header"]["pdu_type"] == 1 and r["entity_id"]["application"] == 3
    }
    assert written == ended
    unfinished = len(launched - ended)
    assert any(f"{unfinished} interceptor(s)" in n for n in tl.notes) == (unfinished > 0)
