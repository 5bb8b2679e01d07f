"""The local server of the replay page: serves the packaged page and CesiumJS
(``static/``) and a run directory's ``replay.czml`` and ``summary.json`` on 127.0.0.1,
nothing else. Everything the page loads comes from this server: no request leaves the
machine.

    server, url = start_server("iads-out")   # a free port unless one is given
    ...
    server.shutdown()
"""

from __future__ import annotations

import mimetypes
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlsplit

from iads.errors import InputError

__all__ = ["RUN_FILES", "STATIC_DIR", "ReplayServer", "start_server"]

#: The package's static files (the page and CesiumJS).
STATIC_DIR = Path(str(files("iads.report.replay") / "static"))

#: The only files of the run directory the server hands out, under ``/run/``.
RUN_FILES = ("replay.czml", "summary.json")

_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".czml": "application/json",
    ".wasm": "application/wasm",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".xml": "application/xml",
}


class _Handler(SimpleHTTPRequestHandler):
    server: ReplayServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        if self.server.verbose:
            super().log_message(format, *args)

    def _resolve(self) -> Path | None:
        path = unquote(urlsplit(self.path).path)
        if path in ("/", "/index.html"):
            return STATIC_DIR / "index.html"
        if path.startswith("/run/") and path[5:] in RUN_FILES:
            return self.server.run_dir / path[5:]
        if path.startswith("/static/"):
            p = (STATIC_DIR / path[len("/static/") :]).resolve()
            if p.is_relative_to(STATIC_DIR.resolve()):
                return p
        return None

    def _send(self, head_only: bool) -> None:
        p = self._resolve()
        self.server.served.append(urlsplit(self.path).path)
        if p is None or not p.is_file():
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        data = p.read_bytes()
        ctype = _TYPES.get(p.suffix) or mimetypes.guess_type(p.name)[0]
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype or "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        # The run's files change when the run is redone; the library does not.
        cache = "no-cache" if p.parent == self.server.run_dir else "max-age=3600"
        self.send_header("Cache-Control", cache)
        self.end_headers()
        if not head_only:
            self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        self._send(head_only=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._send(head_only=True)


class ReplayServer(ThreadingHTTPServer):
    """HTTP server of one run directory's replay, bound to 127.0.0.1."""

    daemon_threads = True

    def __init__(self, run_dir: Path, port: int = 0, verbose: bool = False) -> None:
        self.run_dir = run_dir.resolve()
        self.verbose = verbose
        self.served: list[str] = []  # every path asked for, in order
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


def start_server(run_dir: str | Path, port: int = 0, *, verbose: bool = False) -> ReplayServer:
    """Serve the replay of ``run_dir`` (which must hold ``replay.czml``) on 127.0.0.1 at
    ``port`` (0: a free port) from a background thread; returns the running server
    (``.url``; stop it with ``.shutdown()``)."""
    root = Path(run_dir)
    if not (root / "replay.czml").is_file():
        raise InputError(f"{root}: no replay.czml (write it with 'iads export czml {root}')")
    if not (STATIC_DIR / "cesium" / "Cesium.js").is_file():
        raise InputError(
            f"{STATIC_DIR}: the packaged CesiumJS is missing (reinstall iads, or run "
            "tools/update_cesium.sh in a source checkout)"
        )
    try:
        server = ReplayServer(root, port, verbose)
    except OSError as exc:
        raise InputError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    threading.Thread(target=server.serve_forever, name="iads-replay", daemon=True).start()
    return server
