"""Writing and reading DIS PDUs as a libpcap capture: each PDU one UDP datagram in an
IPv4 packet in an Ethernet II frame, as a DIS exercise on a LAN carries them.

File format: the classic libpcap format (https://www.tcpdump.org/manpages/pcap-savefile.5.txt,
also IETF draft-ietf-opsawg-pcap): a 24-byte global header with magic 0xa1b23c4d
(nanosecond timestamps), link type 1 (Ethernet), then per packet a 16-byte record header
(seconds, nanoseconds, captured length, original length) and the frame.

Framing: Ethernet II (broadcast destination, a locally administered source address,
EtherType 0x0800); IPv4 (RFC 791) without options, TTL 64, don't-fragment, header
checksum (RFC 1071); UDP (RFC 768) from and to port 3000 (the DIS port Wireshark's
dissector listens on) with its checksum over the IPv4 pseudo-header.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

__all__ = [
    "DIS_PORT",
    "DEFAULT_DST",
    "DEFAULT_SRC",
    "internet_checksum",
    "read_pcap",
    "udp_frame",
    "write_pcap",
]

DIS_PORT = 3000
DEFAULT_SRC = "10.0.0.1"
DEFAULT_DST = "10.0.0.255"  # subnet broadcast: how DIS is usually sent on a LAN
_SRC_MAC = bytes.fromhex("020000000001")  # locally administered
_BROADCAST_MAC = b"\xff" * 6
_MAGIC_NS = 0xA1B23C4D
_LINKTYPE_ETHERNET = 1


def internet_checksum(data: bytes) -> int:
    """The 16-bit one's complement of the one's complement sum of ``data`` (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    s = int(np.frombuffer(data, ">u2").astype(np.uint64).sum())
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_frame(
    payload: bytes,
    *,
    src: str = DEFAULT_SRC,
    dst: str = DEFAULT_DST,
    sport: int = DIS_PORT,
    dport: int = DIS_PORT,
    ident: int = 0,
) -> bytes:
    """One Ethernet/IPv4/UDP frame carrying ``payload``."""
    s, d = ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed
    udp_len = 8 + len(payload)
    pseudo = s + d + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0) + payload
    csum = internet_checksum(pseudo + udp) or 0xFFFF  # 0 means "no checksum" (RFC 768)
    udp = udp[:6] + struct.pack("!H", csum) + udp[8:]
    ip = struct.pack(
        "!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, ident & 0xFFFF, 0x4000, 64, 17, 0, s, d
    )
    ip = ip[:10] + struct.pack("!H", internet_checksum(ip)) + ip[12:]
    dst_mac = _BROADCAST_MAC if d[-1] == 255 else bytes.fromhex("020000000002")
    return dst_mac + _SRC_MAC + b"\x08\x00" + ip + udp


def write_pcap(
    path: str | Path,
    t_s: Sequence[float] | np.ndarray,
    payloads: Sequence[bytes],
    start_utc: datetime,
    *,
    src: str = DEFAULT_SRC,
    dst: str = DEFAULT_DST,
    port: int = DIS_PORT,
) -> Path:
    """Write ``payloads`` as UDP datagrams at run times ``t_s`` [s] after ``start_utc``
    into the pcap file ``path`` (nanosecond timestamps). Returns the path."""
    p = Path(path)
    base_ns = int(round(start_utc.astimezone(UTC).timestamp() * 1e9))
    t_ns = base_ns + np.rint(np.asarray(t_s, dtype=float) * 1e9).astype(np.int64)
    chunks = [struct.pack("<IHHiIII", _MAGIC_NS, 2, 4, 0, 0, 65535, _LINKTYPE_ETHERNET)]
    for i, (tn, pl) in enumerate(zip(t_ns.tolist(), payloads, strict=True)):
        frame = udp_frame(pl, src=src, dst=dst, sport=port, dport=port, ident=i + 1)
        sec, ns = divmod(int(tn), 1_000_000_000)
        chunks.append(struct.pack("<IIII", sec, ns, len(frame), len(frame)))
        chunks.append(frame)
    tmp = p.with_name(p.name + ".part")
    tmp.write_bytes(b"".join(chunks))
    tmp.replace(p)
    return p


def read_pcap(path: str | Path) -> Iterator[tuple[int, bytes]]:
    """(time [ns since the Unix epoch], UDP payload) of every IPv4/UDP packet of a pcap
    file written by ``write_pcap`` (Ethernet link type; micro- or nanosecond magic)."""
    raw = Path(path).read_bytes()
    magic = struct.unpack_from("<I", raw, 0)[0]
    if magic not in (_MAGIC_NS, 0xA1B2C3D4):
        raise ValueError(f"{path}: not a little-endian pcap file (magic {magic:#x})")
    scale = 1 if magic == _MAGIC_NS else 1000
    if struct.unpack_from("<I", raw, 20)[0] != _LINKTYPE_ETHERNET:
        raise ValueError(f"{path}: link type is not Ethernet")
    off = 24
    while off + 16 <= len(raw):
        sec, frac, incl, _ = struct.unpack_from("<IIII", raw, off)
        frame = raw[off + 16 : off + 16 + incl]
        off += 16 + incl
        if frame[12:14] != b"\x08\x00" or frame[23] != 17:
            continue
        ihl = (frame[14] & 0x0F) * 4
        udp = frame[14 + ihl :]
        ulen = struct.unpack_from("!H", udp, 4)[0]
        yield sec * 1_000_000_000 + frac * scale, udp[8:ulen]
