"""The DIS pcap decoded by Wireshark's dissector (tshark), a decoder nobody here wrote:
no malformed packet or expert warning with checksum validation on, every datagram a DIS
PDU, positions and times equal to the run's truth and events, and the enumeration
values iads writes named as SISO-REF-010 names them in Wireshark's tables."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pymap3d
import pytest

from iads.dis import entity_types as et

START_S = datetime(2000, 1, 1, tzinfo=UTC).timestamp()
CHECKSUMS = ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"]


_EXE: list[str] = []


@pytest.fixture(autouse=True)
def _tshark_present(tshark_exe: str) -> None:
    _EXE[:] = [tshark_exe]


def _tshark(*args: str) -> str:
    exe = _EXE[0]
    proc = subprocess.run([exe, *args], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _fields(pcap: Path, display_filter: str, fields: list[str]) -> list[list[str]]:
    args = ["-r", str(pcap), *CHECKSUMS, "-Y", display_filter, "-T", "fields"]
    args += ["-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        args += ["-e", f]
    return [line.split("|") for line in _tshark(*args).splitlines() if line]


def _ecef(lat, lon, alt) -> np.ndarray:
    return np.stack(pymap3d.geodetic2ecef(lat, lon, alt), axis=-1)


@pytest.fixture(scope="module")
def pcap(exported) -> Path:
    return exported[1]


def test_no_malformed_packet_or_expert_warning(pcap, exported):
    bad = _fields(
        pcap,
        '_ws.malformed || _ws.expert || ip.checksum.status == "Bad" '
        '|| udp.checksum.status == "Bad"',
        ["frame.number"],
    )
    assert bad == []
    summary = _tshark("-r", str(pcap), *CHECKSUMS, "-q", "-z", "expert")
    assert "Warning" not in summary and "Error" not in summary and "Malformed" not in summary
    # Every frame is a DIS PDU with its checksums verified good.
    dis = _fields(
        pcap,
        'dis && ip.checksum.status == "Good" && udp.checksum.status == "Good"',
        ["frame.number"],
    )
    assert len(dis) == len(exported[0].pdus) > 0


def test_entity_state_positions_and_times_match_truth(pcap, run_dir):
    rows = _fields(
        pcap,
        "dis.pdu_type == 1 && dis.entity_id_application == 2",
        [
            "frame.time_epoch",
            "dis.timestamp",
            "dis.entity_id_entity",
            "dis.entity_location.x",
            "dis.entity_location.y",
            "dis.entity_location.z",
            "dis.appearance",
        ],
    )
    assert rows
    summary = json.loads((run_dir / "summary.json").read_text("utf-8"))
    name = {int(t.get("threat_id", t.get("id"))) + 1: t["name"] for t in summary["threats"]}
    truth = pq.read_table(run_dir / "truth.parquet")
    ids = truth["name" if "name" in truth.column_names else "id"].to_pylist()
    tt = truth["time_s"].to_numpy()
    xyz = _ecef(truth["lat_deg"].to_numpy(), truth["lon_deg"].to_numpy(), truth["alt_m"].to_numpy())
    index = {(n, round(t, 6)): i for i, (n, t) in enumerate(zip(ids, tt, strict=True))}
    on_grid = 0
    for r in rows:
        t = float(r[0]) - START_S
        assert float(r[1]) == pytest.approx(t % 3600.0, abs=1e-3)
        i = index.get((name[int(r[2])], round(t, 6)))
        if i is None:
            assert int(r[6], 16) != 0  # only the final (deactivated) state is off the grid
            continue
        on_grid += 1
        assert abs(t - tt[i]) < 1e-3
        p = np.array([float(r[3]), float(r[4]), float(r[5])])
        assert np.linalg.norm(p - xyz[i]) < 1.0
    assert on_grid >= len(rows) - len(name)


def test_threat_ends_match_the_events(pcap, run_dir):
    """The last state of an impacting threat is at the impact event's time and place; a
    Detonation (ground impact) is there too."""
    ev = pq.read_table(run_dir / "events.parquet")
    imp = ev.filter(pc.equal(ev["kind"].cast("string"), "impact"))
    assert imp.num_rows >= 1
    det = _fields(
        pcap,
        "dis.pdu_type == 3 && dis.detonation.result == 3",
        [
            "frame.time_epoch",
            "dis.entity_id_entity",
            "dis.detonation.location.x",
            "dis.detonation.location.y",
            "dis.detonation.location.z",
        ],
    )
    assert len(det) == imp.num_rows
    exp = _ecef(imp["lat_deg"].to_numpy(), imp["lon_deg"].to_numpy(), imp["alt_m"].to_numpy())
    for r, t, tid, x in zip(
        det, imp["time_s"].to_numpy(), imp["threat_id"].to_numpy(), exp, strict=True
    ):
        assert float(r[0]) - START_S == pytest.approx(t, abs=1e-3)
        firing, _, munition = (int(v) for v in r[1].split(","))
        assert tid + 1 in (firing, munition)  # the threat explodes, or its weapon does
        assert np.linalg.norm(np.array([float(v) for v in r[2:5]]) - x) < 1.0


def test_fire_and_detonation_of_interceptors_match_launch_and_end_events(pcap, run_dir):
    ev = pq.read_table(run_dir / "events.parquet")
    kind = ev["kind"].cast("string")
    ends = ev.filter(pc.or_(pc.equal(kind, "intercept"), pc.equal(kind, "miss")))
    # Interceptors still in flight at the end of the run have no end and are not written.
    launches = ev.filter(
        pc.and_(pc.equal(kind, "launch"), pc.is_in(ev["interceptor_id"], ends["interceptor_id"]))
    )
    fire = _fields(
        pcap,
        "dis.pdu_type == 2 && dis.entity_id_application == 3",
        [
            "frame.time_epoch",
            "dis.entity_id_application",
            "dis.entity_id_entity",
            "dis.event_number",
            "dis.fire.location.x",
            "dis.fire.location.y",
            "dis.fire.location.z",
        ],
    )
    det = _fields(
        pcap,
        "dis.pdu_type == 3 && dis.entity_id_application == 3",
        [
            "frame.time_epoch",
            "dis.entity_id_entity",
            "dis.event_number",
            "dis.detonation.location.x",
            "dis.detonation.location.y",
            "dis.detonation.location.z",
            "dis.detonation.result",
        ],
    )
    assert len(fire) == launches.num_rows == len(det) == ends.num_rows > 0
    fire_by_munition = {int(r[2].split(",")[2]): r for r in fire}
    lx = _ecef(
        launches["lat_deg"].to_numpy(), launches["lon_deg"].to_numpy(), launches["alt_m"].to_numpy()
    )
    for i, (iid, t) in enumerate(
        zip(launches["interceptor_id"].to_numpy(), launches["time_s"].to_numpy(), strict=True)
    ):
        r = fire_by_munition[int(iid) + 1]
        assert float(r[0]) - START_S == pytest.approx(t, abs=1e-3)
        assert np.linalg.norm(np.array([float(v) for v in r[4:7]]) - lx[i]) < 1.0
    ex = _ecef(ends["lat_deg"].to_numpy(), ends["lon_deg"].to_numpy(), ends["alt_m"].to_numpy())
    det_by_munition = {int(r[1].split(",")[2]): r for r in det}
    for i, (iid, t, k) in enumerate(
        zip(
            ends["interceptor_id"].to_numpy(),
            ends["time_s"].to_numpy(),
            kind.filter(pc.or_(pc.equal(kind, "intercept"), pc.equal(kind, "miss"))).to_pylist(),
            strict=True,
        )
    ):
        r = det_by_munition[int(iid) + 1]
        assert float(r[0]) - START_S == pytest.approx(t, abs=1e-3)
        assert np.linalg.norm(np.array([float(v) for v in r[3:6]]) - ex[i]) < 1.0
        # The Detonation carries the event id of the Fire it ends.
        assert r[2] == fire_by_munition[int(iid) + 1][3]
        assert (int(r[6]) == 2) == (k == "intercept")


def test_defense_units_heartbeat_at_their_position(pcap, run_dir):
    summary = json.loads((run_dir / "summary.json").read_text("utf-8"))
    rows = _fields(
        pcap,
        "dis.pdu_type == 1 && dis.entity_id_application == 1",
        [
            "frame.time_epoch",
            "dis.entity_id_entity",
            "dis.entity_location.x",
            "dis.entity_location.y",
            "dis.entity_location.z",
        ],
    )
    u = next(
        r
        for r in pq.read_table(run_dir / "entities.parquet").to_pylist()
        if r["kind"] == "unit" and r["index"] == 0
    )
    x = _ecef(u["lat_deg"], u["lon_deg"], u["alt_m"])
    t = np.array([float(r[0]) - START_S for r in rows])
    assert np.all(np.diff(t) <= 5.0 + 1e-6) and t[-1] >= summary["duration_s"] - 5.0
    for r in rows:
        assert np.linalg.norm(np.array([float(v) for v in r[2:5]]) - x) < 1.0


def test_every_entity_heartbeat_within_five_seconds(pcap):
    rows = _fields(
        pcap,
        "dis.pdu_type == 1",
        ["frame.time_epoch", "dis.entity_id_application", "dis.entity_id_entity"],
    )
    by: dict[tuple[str, str], list[float]] = {}
    for r in rows:
        by.setdefault((r[1], r[2]), []).append(float(r[0]))
    assert len(by) > 5
    for ts in by.values():
        assert np.all(np.diff(ts) <= 5.0 + 1e-6)


def _values(field: str) -> dict[int, str]:
    out = {}
    for line in _tshark("-G", "values").splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[0] == "V" and parts[1] == field:
            out[int(parts[2], 0)] = parts[3]
    return out


def test_enumerations_agree_with_wiresharks_tables():
    """Kinds, platform domains, countries, platform categories, dead-reckoning
    algorithms and detonation results as Wireshark's DIS dissector names them."""
    country = _values("dis.country")
    for name, code in et.COUNTRY.items():
        if code:
            assert name.split()[0] in country[code], (name, code, country.get(code))
    kinds = _values("dis.entityKind")
    assert kinds[et.KIND_PLATFORM] == "Platform" and kinds[et.KIND_MUNITION] == "Munition"
    domains = _values("dis.entityDomain")
    assert domains[et.DOMAIN_LAND] == "Land" and domains[et.DOMAIN_AIR] == "Air"
    air, land = _values("dis.category.air"), _values("dis.category.land")
    assert air[et.AIR_FIGHTER].startswith("Fighter")
    assert air[et.AIR_ATTACK].startswith("Attack")
    assert air[et.AIR_UNMANNED] == "Unmanned"
    assert land[et.LAND_AIR_DEFENSE].startswith("Air Defense")
    for t in [*et.THREAT_TYPES.values(), *et.DEFENSE_TYPES.values()]:
        if t.kind == et.KIND_PLATFORM:
            table = air if t.domain == et.DOMAIN_AIR else land
            assert t.category in table
    result = _values("dis.detonation.result")
    assert result[et.DETONATION_RESULT["intercept"]] == "Entity proximate detonation"
    assert result[et.DETONATION_RESULT["impact"]] == "Ground impact"
    assert result[et.DETONATION_RESULT["pk draw"]] == "Miss due to end-game failure"
    assert result[et.DETONATION_RESULT["out of energy"]] == "Detonation"
    # The dead-reckoning algorithm table (Wireshark 4.0 files it under an odd field name).
    dr = {}
    for line in _tshark("-G", "values").splitlines():
        parts = line.split("\t")
        if (
            len(parts) == 4
            and parts[0] == "V"
            and parts[1].startswith("dis.")
            and (parts[3].startswith("DRM(") or parts[3].startswith("Static"))
        ):
            dr[int(parts[2], 0)] = parts[3]
    assert dr[et.DR_FVW] == "DRM(F, V, W)"
    assert dr[et.DR_STATIC].startswith("Static")
