"""DIS (IEEE 1278.1-2012, version 7) output of a run: Entity State, Fire and Detonation
PDUs, written to a pcap file or streamed over UDP.

``export_dis(run_dir, pcap=...)`` reads a run directory (``iads.dis.run_tables``), builds
the time-ordered PDUs (``iads.dis.replay``: entity ids, events, dead reckoning and
heartbeat from ``iads.dis.schedule``, entity types from ``iads.dis.entity_types``), encodes
them (``iads.dis.codec``) and writes them (``iads.dis.pcap``) or sends them
(``iads.dis.stream``). See docs/dis.md.
"""

from __future__ import annotations

from pathlib import Path

from iads.dis.codec import decode
from iads.dis.pcap import read_pcap, write_pcap
from iads.dis.replay import DisOptions, Timeline, dis_timeline
from iads.dis.run_tables import RunTables, read_run
from iads.dis.stream import parse_target, stream_udp

__all__ = [
    "DisOptions",
    "RunTables",
    "Timeline",
    "decode",
    "dis_timeline",
    "export_dis",
    "parse_target",
    "read_pcap",
    "read_run",
    "stream_udp",
    "write_pcap",
]


def export_dis(
    run_dir: str | Path, pcap: str | Path | None, options: DisOptions | None = None
) -> tuple[Timeline, Path | None]:
    """The run in ``run_dir`` as DIS PDUs; written to ``pcap`` when given."""
    tl = dis_timeline(read_run(run_dir), options)
    path = write_pcap(pcap, tl.t_s, tl.pdus, tl.start_utc) if pcap is not None else None
    return tl, path
