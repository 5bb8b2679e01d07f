"""The ``iads export dis`` command: a run directory as DIS version 7 PDUs, written to a
pcap file or streamed over UDP (registered on ``iads.cli_export.export_app``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from iads.cli import out
from iads.cli_export import export_app
from iads.errors import InputError

__all__ = ["export_dis_cmd"]


def _start(text: str) -> datetime:
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"--start {text!r}: expected an ISO 8601 UTC time such as 2000-01-01T00:00:00Z"
        ) from None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


@export_app.command("dis")
def export_dis_cmd(
    out_dir: Annotated[Path, typer.Argument(help="Run directory written by `iads run`.")],
    pcap: Annotated[
        Path | None,
        typer.Option("--pcap", help="pcap file to write (default: OUT_DIR/dis.pcap)."),
    ] = None,
    udp: Annotated[
        str | None,
        typer.Option(
            "--udp",
            help="Stream the PDUs as UDP datagrams to HOST:PORT instead (e.g. "
            "127.0.0.1:3000); no pcap unless --pcap is given too.",
        ),
    ] = None,
    speed: Annotated[
        float,
        typer.Option("--speed", help="With --udp: run seconds per wall-clock second.", min=0.0),
    ] = 1.0,
    exercise: Annotated[int, typer.Option("--exercise", help="DIS exercise id (1-255).")] = 1,
    site: Annotated[int, typer.Option("--site", help="DIS site id of every entity.")] = 1,
    start: Annotated[
        str,
        typer.Option("--start", help="UTC wall-clock time of the run's t = 0 (ISO 8601)."),
    ] = "2000-01-01T00:00:00Z",
) -> None:
    """Write the run as DIS version 7 (IEEE 1278.1-2012) Entity State, Fire and
    Detonation PDUs: to a pcap file (open it in Wireshark), or over UDP in scaled real
    time."""
    from iads.dis import DisOptions, dis_timeline, parse_target, read_run, stream_udp, write_pcap
    from iads.dis.replay import describe

    opt = DisOptions(exercise_id=exercise, site=site, start_utc=_start(start))
    target = parse_target(udp) if udp is not None else None
    if target is not None and not speed > 0:
        raise InputError(f"--speed must be > 0; got {speed}")
    tl = dis_timeline(read_run(out_dir), opt)
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in describe(tl).items())
    path = pcap if pcap is not None else (out_dir / "dis.pcap" if target is None else None)
    if path is not None:
        write_pcap(path, tl.t_s, tl.pdus, tl.start_utc)
        out.print(f"Wrote {len(tl.pdus)} DIS PDUs ({counts}) to {path}")
    for note in tl.notes:
        out.print(f"note: {note}")
    if target is not None:
        span = float(tl.t_s[-1] - tl.t_s[0]) if len(tl.t_s) else 0.0
        out.print(
            f"Streaming {len(tl.pdus)} PDUs to {target[0]}:{target[1]} over "
            f"{span / speed:.1f} s (x{speed:g}); Ctrl-C stops."
        )
        try:
            n = stream_udp(tl.t_s, tl.pdus, target, speed)
        except KeyboardInterrupt:
            out.print("Stopped.")
            raise SystemExit(130) from None
        out.print(f"Sent {n} datagrams.")
