"""The replay's local server and ``iads view``: loopback only, the page, the packaged
CesiumJS and the run's replay, and nothing else of the machine."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from iads.errors import InputError
from iads.report.replay.server import STATIC_DIR, start_server


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 (loopback)
            return r.status, r.read(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        return e.code, b"", ""


def test_server_hands_out_the_page_the_library_and_the_replay_only(replay_run: Path) -> None:
    server = start_server(replay_run)
    try:
        assert server.server_address[0] == "127.0.0.1"
        url = server.url
        status, body, ctype = _get(url)
        assert status == 200 and b"/static/cesium/Cesium.js" in body and "text/html" in ctype
        status, body, ctype = _get(url + "run/replay.czml")
        assert status == 200 and json.loads(body)[0]["id"] == "document"
        status, _, ctype = _get(url + "static/cesium/Cesium.js")
        assert status == 200 and "javascript" in ctype
        for path in (
            "run/events.parquet",  # the run's other files are not served
            "static/../server.py",
            "static/%2e%2e/%2e%2e/czml.py",
            "etc/passwd",
        ):
            assert _get(url + path)[0] == 404, path
    finally:
        server.shutdown()
        server.server_close()


def test_packaged_cesium_keeps_its_license() -> None:
    lic = (STATIC_DIR / "cesium" / "LICENSE.md").read_text(encoding="utf-8")
    assert "Apache License" in lic and "Natural Earth" in lic
    assert (STATIC_DIR / "cesium" / "Assets" / "Textures" / "NaturalEarthII").is_dir()


def test_no_replay_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="replay.czml"):
        start_server(tmp_path)


def test_iads_view_serves_until_stopped(replay_run: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "iads.cli", "view", str(replay_run), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, line + proc.stderr.read() if proc.poll() is not None else line
        status, body, _ = _get(m.group(0) + "run/replay.czml")
        assert status == 200 and body == (replay_run / "replay.czml").read_bytes()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
