"""Sending a run's DIS PDUs as UDP datagrams in scaled real time.

The PDUs leave at their run times divided by ``speed`` from the start (``speed`` 10: a
45-minute run in 4.5 minutes). The destination is loopback unless the caller names
another address; a broadcast address is allowed (SO_BROADCAST is set).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Sequence

import numpy as np

from iads.errors import InputError

__all__ = ["DEFAULT_TARGET", "parse_target", "stream_udp"]

DEFAULT_TARGET = ("127.0.0.1", 3000)


def parse_target(text: str) -> tuple[str, int]:
    """``HOST:PORT``, ``HOST`` or ``PORT`` (IPv4 literals; host defaults to 127.0.0.1,
    port to 3000) -> (host, port). Raises ``InputError`` naming what is allowed."""
    host, port = DEFAULT_TARGET
    s = text.strip()
    if ":" in s:
        host, _, p = s.rpartition(":")
        port_s = p
    elif s.isdigit():
        port_s = s
    else:
        host, port_s = s, str(port)
    try:
        ipaddress.IPv4Address(host)
        port = int(port_s)
    except ValueError:
        raise InputError(
            f"--udp {text!r}: expected HOST:PORT with an IPv4 address and a port "
            "(e.g. 127.0.0.1:3000)"
        ) from None
    if not 1 <= port <= 65535:
        raise InputError(f"--udp {text!r}: port must be in 1..65535; got {port}")
    return host, port


def stream_udp(
    t_s: Sequence[float] | np.ndarray,
    payloads: Sequence[bytes],
    target: tuple[str, int] = DEFAULT_TARGET,
    speed: float = 1.0,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Send ``payloads`` to ``target`` at run times ``t_s`` [s] scaled by 1/``speed``
    (the first at once). Returns the number of datagrams sent."""
    if not speed > 0:
        raise InputError(f"--speed must be > 0; got {speed}")
    t = np.asarray(t_s, dtype=float)
    if t.size == 0:
        return 0
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        if not ipaddress.IPv4Address(target[0]).is_loopback:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        t0, w0 = float(t[0]), clock()
        for ti, pl in zip(t.tolist(), payloads, strict=True):
            wait = w0 + (ti - t0) / speed - clock()
            if wait > 0:
                sleep(wait)
            sock.sendto(pl, target)
    finally:
        sock.close()
    return int(t.size)
