"""The DIS codec, framing and orientation against closed forms and published values."""

from __future__ import annotations

import numpy as np
import pymap3d
import pytest
from scipy.spatial.transform import Rotation

from iads.dis import codec
from iads.dis.pcap import internet_checksum, udp_frame
from iads.dis.schedule import (
    acceleration,
    body_axes,
    dead_reckon,
    due,
    euler_angles,
    rotation_angle,
)


def test_pdu_sizes_are_the_standards():
    # IEEE 1278.1-2012: Entity State 144 bytes (no variable parameters), Fire 96,
    # Detonation 104 (no variable parameters).
    assert codec.ENTITY_STATE.itemsize == 144
    assert codec.FIRE.itemsize == 96
    assert codec.DETONATION.itemsize == 104


def test_timestamp_units_and_absolute_bit():
    # Half an hour is 2**30 units; the low bit flags an absolute timestamp.
    assert int(codec.to_timestamp(1800.0)) == (2**30 << 1) | 1
    assert int(codec.to_timestamp(1800.0, absolute=False)) == 2**31
    t = np.array([0.0, 0.5, 1101.886, 3599.999, 3600.0, 7300.25])
    back = codec.from_timestamp(codec.to_timestamp(t))
    np.testing.assert_allclose(back, np.mod(t, 3600.0), atol=3600 / 2**31)


def test_encode_decode_round_trip_is_exact():
    rng = np.random.default_rng(1)
    r = np.zeros(3, codec.ENTITY_STATE)
    codec.header(r, codec.PDU_TYPE_ENTITY_STATE, np.array([1.0, 2.0, 3.0]), 9, 6)
    r["location_m"] = rng.normal(0, 6.4e6, (3, 3))
    r["velocity_mps"] = rng.normal(0, 300, (3, 3))
    r["marking"] = [b"A", b"Kalibr nort", b""]
    pdus = codec.encode(r)
    assert [len(p) for p in pdus] == [144] * 3
    for p, rec in zip(pdus, r, strict=True):
        d = codec.decode(p)
        assert d.tobytes() == rec.tobytes()
        assert d["location_m"].tolist() == rec["location_m"].tolist()
        assert d["header"]["protocol_version"] == 7 and d["header"]["length"] == 144


def test_decode_rejects_what_it_does_not_know():
    r = np.zeros(1, codec.FIRE)
    codec.header(r, codec.PDU_TYPE_FIRE, np.zeros(1), 1, 0)
    raw = codec.encode(r)[0]
    with pytest.raises(ValueError, match="96 bytes"):
        codec.decode(raw[:-4])
    with pytest.raises(ValueError, match="version 7"):
        codec.decode(b"\x06" + raw[1:])
    with pytest.raises(ValueError, match="type 4"):
        codec.decode(raw[:2] + b"\x04" + raw[3:])


def test_internet_checksum_rfc1071_example():
    # RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2; the checksum is its complement.
    assert internet_checksum(bytes.fromhex("0001f203f4f5f6f7")) == 0xFFFF - 0xDDF2


def test_frame_checksums_verify():
    frame = udp_frame(b"\x07" * 144, src="10.0.0.1", dst="10.0.0.255")
    ip, udp = frame[14:34], frame[34:]
    assert internet_checksum(ip) == 0  # a header with its checksum sums to 0xffff
    pseudo = ip[12:20] + b"\x00\x11" + len(udp).to_bytes(2, "big")
    assert internet_checksum(pseudo + udp) == 0
    assert int.from_bytes(ip[2:4], "big") == 20 + 8 + 144


@pytest.mark.parametrize(
    ("lat", "lon", "alt", "heading", "climb"),
    [
        (40.0, 32.5, 100.0, 0.0, 0.0),
        (40.0, 32.5, 9000.0, 135.0, 20.0),
        (-33.9, 151.2, 0.0, 270.0, -45.0),
        (0.0, 0.0, 0.0, 90.0, 5.0),
        (89.5, -179.0, 500.0, 10.0, 0.0),
    ],
)
def test_orientation_matches_scipy_and_local_frame(lat, lon, alt, heading, climb):
    """Body x along the velocity, wings level, and the DIS Euler angles (z-y'-x''
    intrinsic rotation of the ECEF axes) reproduce the same axes in scipy."""
    p = np.array(pymap3d.geodetic2ecef(lat, lon, alt))
    h, c = np.deg2rad(heading), np.deg2rad(climb)
    e, n, u = np.cos(c) * np.sin(h), np.cos(c) * np.cos(h), np.sin(c)
    v = 250.0 * np.array(pymap3d.enu2uvw(e, n, u, lat, lon))
    axes = body_axes(p, v)
    np.testing.assert_allclose(axes[:, 0], v / 250.0, atol=1e-12)
    np.testing.assert_allclose(axes.T @ axes, np.eye(3), atol=1e-12)
    assert np.linalg.det(axes) == pytest.approx(1.0)
    up = np.array(pymap3d.enu2uvw(0.0, 0.0, 1.0, lat, lon))
    assert abs(axes[:, 1] @ up) < 1e-12  # wings level
    assert axes[:, 2] @ up < 0  # body z points down
    psi, theta, phi = euler_angles(axes)
    m = Rotation.from_euler("ZYX", [psi, theta, phi]).as_matrix()
    np.testing.assert_allclose(m, axes, atol=1e-9)


def test_rotation_angle_and_dead_reckoning_closed_forms():
    a = np.eye(3)
    b = Rotation.from_rotvec([0, 0, np.deg2rad(4.0)]).as_matrix()
    assert rotation_angle(a, b) == pytest.approx(np.deg2rad(4.0))
    p = dead_reckon(np.zeros(3), np.array([100.0, 0, 0]), np.array([0, 0, -9.81]), 2.0)
    np.testing.assert_allclose(p, [200.0, 0.0, -19.62])


def test_acceleration_is_central_difference_within_each_entity():
    t = np.array([0.0, 1.0, 2.0, 0.0, 1.0])
    v = np.array([[0.0, 0, 0], [1, 0, 0], [4, 0, 0], [0, 0, 0], [0, 2, 0]])
    same = np.array([True, True, False, True])
    a = acceleration(t, v, same)
    np.testing.assert_allclose(a[:, 0], [1.0, 2.0, 3.0, 0.0, 0.0])
    np.testing.assert_allclose(a[3:, 1], [2.0, 2.0])


def test_schedule_thresholds_and_heartbeat():
    """Straight flight: only the first PDU, heartbeats every 5 s and the forced last one;
    a turn past 3 degrees or a position error past 1 m issues one at once."""
    t = np.arange(0.0, 21.0)[None, :]
    pos = np.zeros((1, 21, 3))
    pos[0, :, 0] = 6.4e6
    pos[0, :, 1] = 200.0 * t[0]
    vel = np.tile([0.0, 200.0, 0.0], (1, 21, 1))
    acc = np.zeros_like(vel)
    axes = np.tile(np.eye(3), (1, 21, 1, 1))
    valid = np.ones((1, 21), bool)
    forced = np.zeros((1, 21), bool)
    forced[0, -1] = True
    send = due(t, pos, vel, acc, axes, valid, forced)
    assert np.flatnonzero(send[0]).tolist() == [0, 5, 10, 15, 20]
    pos2 = pos.copy()
    pos2[0, 7:, 2] += 1.5  # a 1.5 m step at t = 7 s
    send = due(t, pos2, vel, acc, axes, valid, forced)
    assert np.flatnonzero(send[0]).tolist() == [0, 5, 7, 12, 17, 20]
    axes2 = axes.copy()
    axes2[0, 3:] = Rotation.from_rotvec([0, 0, np.deg2rad(3.5)]).as_matrix()
    send = due(t, pos, vel, acc, axes2, valid, forced)
    assert np.flatnonzero(send[0]).tolist() == [0, 3, 8, 13, 18, 20]
