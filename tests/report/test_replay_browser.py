"""The replay page in a real browser: headless Chromium (Debian's ``chromium``) driven by
Playwright loads the page from the local server of a run directory, and the tests check
what a user would see: no console error, exactly the run's objects on the globe, a clock
spanning the run, a working event list and info box, a mid-run picture that is not blank
and frames the scenario, and no request to anything but the loopback address.

``IADS_CHROMIUM`` overrides the browser path; ``IADS_REPLAY_SCREENSHOT=path.png`` keeps
the mid-run screenshot (the README's picture is taken so)."""

from __future__ import annotations

import io
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from iads.report.replay.czml import EVENT_STYLE
from iads.report.replay.server import ReplayServer, start_server

CHROMIUM = os.environ.get("IADS_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # WebGL without a GPU: ANGLE on SwiftShader (CPU).
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
VIEWPORT = {"width": 1280, "height": 720}
WAIT_MS = 180_000  # generous: a loaded 2-core machine renders with SwiftShader slowly

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"
)


@dataclass
class Session:
    page: object
    server: ReplayServer
    console: list[tuple[str, str]] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    routed: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


@pytest.fixture(scope="session")  # one browser, even when other modules' tests interleave
def session(replay_run: Path):
    server = start_server(replay_run)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport=VIEWPORT)
        s = Session(page=None, server=server)

        def route(r) -> None:
            s.routed.append(r.request.url)
            url = urlsplit(r.request.url)
            if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOOPBACK:
                s.outside.append(r.request.url)
                r.abort()
            else:
                r.continue_()

        context.route("**/*", route)
        context.on("request", lambda req: route_check(req.url, s))
        page = context.new_page()
        # Actions wait for animation frames, which a loaded machine renders slowly.
        page.set_default_timeout(WAIT_MS)
        page.on("console", lambda m: s.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: s.console.append(("pageerror", str(e))))
        s.page = page
        t0 = time.perf_counter()
        page.goto(server.url)
        page.wait_for_function("document.body.dataset.ready === '1'", timeout=WAIT_MS)
        s.timings["load_s"] = time.perf_counter() - t0
        yield s
        browser.close()
    server.shutdown()
    server.server_close()
    print("browser timings:", {k: round(v, 1) for k, v in s.timings.items()})


def route_check(url: str, s: Session) -> None:
    """Every request the context sees (pages and workers) must be loopback or local."""
    u = urlsplit(url)
    if u.scheme not in ("http", "https", "ws", "wss", "blob", "data", "about"):
        s.outside.append(url)
    elif u.scheme in ("http", "https", "ws", "wss") and u.hostname not in LOOPBACK:
        s.outside.append(url)


def _expected_counts(run: Path) -> dict[str, int]:
    """Objects of the run, counted from its tables (not from the CZML)."""
    truth = pq.read_table(run / "truth.parquet")
    events = pq.read_table(run / "events.parquet")
    ent = pq.read_table(run / "entities.parquet")
    kinds = events.column("kind").cast(pa.string())
    n = {k: int(pc.sum(pc.equal(kinds, k)).as_py() or 0) for k in EVENT_STYLE}
    by = {k: int(pc.sum(pc.equal(ent.column("kind"), k)).as_py()) for k in ("unit", "radar",
                                                                             "asset")}  # fmt: skip
    out = {
        "threat": len(set(truth.column("threat_id").to_pylist())),
        "interceptor": n["launch"],
        "event": sum(n.values()),
        **by,
    }
    if (run / "tracks.parquet").exists():
        tr = pq.read_table(run / "tracks.parquet")
        keys = zip(tr.column("unit_id").to_pylist(), tr.column("track_id").to_pylist(),
                   strict=True)  # fmt: skip
        if tr.num_rows:
            out["track"] = len(set(keys))
    return out


def _set_time(page, t_s: float) -> None:
    page.evaluate(
        """(t) => { const r = window.iadsReplay;
        r.viewer.clock.currentTime = Cesium.JulianDate.addSeconds(r.epoch, t,
            new Cesium.JulianDate());
        r.viewer.scene.requestRender(); }""",
        t_s,
    )


def test_page_loads_offline_without_console_errors(session: Session) -> None:
    errors = [c for c in session.console if c[0] in ("error", "pageerror")]
    assert errors == []
    assert session.outside == []
    served = session.server.served
    assert "/run/replay.czml" in served and "/static/cesium/Cesium.js" in served
    # The interception saw the traffic (so an empty 'outside' means something): every
    # request the server answered went through the route.
    assert set(served) <= {urlsplit(u).path for u in session.routed}
    # The globe's imagery is the bundled Natural Earth II, served locally.
    assert any(p.startswith("/static/cesium/Assets/Textures/NaturalEarthII/") for p in served)
    assert session.timings["load_s"] < WAIT_MS / 1000


def test_viewer_holds_exactly_the_runs_objects(session: Session, replay_run: Path) -> None:
    got = session.page.evaluate("window.iadsReplay.counts()")
    assert got == _expected_counts(replay_run)
    n_all = session.page.evaluate("window.iadsReplay.dataSource.entities.values.length")
    assert n_all == sum(got.values()) + 1  # + the document's meta packet


def test_clock_spans_the_run(session: Session, replay_run: Path) -> None:
    summary = json.loads((replay_run / "summary.json").read_text(encoding="utf-8"))
    span = session.page.evaluate(
        """() => { const r = window.iadsReplay, c = r.viewer.clock, J = Cesium.JulianDate;
        return [J.secondsDifference(c.startTime, r.epoch), J.secondsDifference(c.stopTime,
                r.epoch)]; }"""
    )
    assert span == pytest.approx([0.0, summary["duration_s"]], abs=1e-6)


def test_event_list_jumps_the_clock_to_the_event(session: Session, replay_run: Path) -> None:
    page = session.page
    ev = pq.read_table(replay_run / "events.parquet").to_pylist()
    first = next(e for e in ev if e["kind"] == "intercept")
    item = page.locator("#event-list li", has_text="intercept #").first
    # A DOM click on the list item (the pointer-event path waits for animation frames,
    # which a software-rendered globe spaces out).
    item.dispatch_event("click")
    t = page.evaluate(
        "Cesium.JulianDate.secondsDifference(window.iadsReplay.viewer.clock.currentTime,"
        " window.iadsReplay.epoch)"
    )
    assert t == pytest.approx(first["time_s"], abs=1e-3)
    sel = page.evaluate("window.iadsReplay.viewer.selectedEntity.id")
    assert sel == item.get_attribute("data-entity")
    assert page.evaluate("window.iadsReplay.viewer.clock.shouldAnimate") is False


def test_info_box_shows_detection_and_interceptors(session: Session, replay_run: Path) -> None:
    page = session.page
    summary = json.loads((replay_run / "summary.json").read_text(encoding="utf-8"))
    ev = pq.read_table(replay_run / "events.parquet").to_pylist()
    th = next(t for t in summary["threats"] if t["first_detection"] and t["killed_by"])
    n_fired = sum(1 for e in ev if e["kind"] == "launch" and e["threat_id"] == th["threat_id"])
    _set_time(page, th["first_detection"]["time_s"])
    page.evaluate(
        "(id) => { const r = window.iadsReplay;"
        " r.viewer.selectedEntity = r.dataSource.entities.getById(id); }",
        f"threat/{th['threat_id']}",
    )
    body = page.frame_locator("iframe.cesium-infoBox-iframe").locator("body")
    sync_api.expect(body).to_contain_text("first detection", timeout=WAIT_MS)
    text = body.inner_text()
    assert th["type"] in text and "killed" in text
    assert f"{th['first_detection']['range_km']:.1f} km" in text
    assert f"interceptors fired at it\t{n_fired}" in text or f"{n_fired}" in text
    assert page.locator(".cesium-infoBox-title").inner_text() == th["name"]


def test_layer_toggles_hide_and_show(session: Session) -> None:
    page = session.page
    shown = "window.iadsReplay.dataSource.entities.values.filter(e => e.id.startsWith('radar/'))" \
        ".map(e => e.show)"
    assert all(page.evaluate(shown))
    page.locator('#layers input[data-layer="coverage"]').uncheck()
    assert not any(page.evaluate(shown))
    page.locator('#layers input[data-layer="coverage"]').check()
    assert all(page.evaluate(shown))
    tracks = "window.iadsReplay.dataSource.entities.values.filter(e => e.id.startsWith(" \
        "'track/')).map(e => e.show)"
    assert page.evaluate(tracks) and all(page.evaluate(tracks))
    page.locator('#layers input[data-layer="tracks"]').uncheck()
    assert not any(page.evaluate(tracks))
    page.locator('#layers input[data-layer="tracks"]').check()


def test_mid_run_picture_is_not_blank_and_frames_the_scenario(
    session: Session, replay_run: Path, tmp_path: Path
) -> None:
    from PIL import Image

    page = session.page
    summary = json.loads((replay_run / "summary.json").read_text(encoding="utf-8"))
    page.evaluate("window.iadsReplay.viewer.selectedEntity = undefined")
    page.evaluate("window.iadsReplay.frame()")
    _set_time(page, summary["duration_s"] / 2)
    t0 = time.perf_counter()
    page.wait_for_function(
        "(() => { const v = window.iadsReplay.viewer; v.scene.requestRender();"
        " return v.scene.globe.tilesLoaded; })()",
        timeout=WAIT_MS,
        polling=500,
    )
    png = page.screenshot()
    session.timings["tiles_and_screenshot_s"] = time.perf_counter() - t0
    keep = os.environ.get("IADS_REPLAY_SCREENSHOT")
    if keep:
        Path(keep).write_bytes(png)
    (tmp_path / "mid_run.png").write_bytes(png)

    # Pixel statistics over the globe's part of the page (right of the side panel).
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)
    globe = img[40:-120, 320:]
    lum = globe @ np.array([0.299, 0.587, 0.114])
    assert lum.std() > 12.0, "the globe view is flat"
    colours, counts = np.unique(globe.reshape(-1, 3).astype(np.uint8), axis=0, return_counts=True)
    assert colours.shape[0] > 2000 and counts.max() / counts.sum() < 0.5
    # Imagery, not the bare globe colour: land (greens and browns) and sea (blue) around
    # Anatolia and the Black Sea.
    r, g, b = globe[..., 0], globe[..., 1], globe[..., 2]
    assert ((g > b) & (r > 60)).mean() > 0.2, "no land in view"

    # The scenario's region is in view: every site and the mid-run threats project
    # inside the globe's canvas, and the view rectangle holds the framing box.
    inside = page.evaluate(
        """() => { const r = window.iadsReplay, v = r.viewer, s = v.scene;
        const c = s.canvas, t = v.clock.currentTime, out = [];
        for (const e of r.dataSource.entities.values) {
          if (!/^(unit|asset|threat)\\//.test(e.id) || !e.isAvailable(t)) continue;
          const p = e.position.getValue(t);
          const w = Cesium.SceneTransforms.worldToWindowCoordinates(s, p);
          out.push([e.id, !!w && w.x >= 0 && w.y >= 0 && w.x <= c.clientWidth &&
                    w.y <= c.clientHeight]);
        }
        return out; }"""
    )
    assert inside and all(ok for _, ok in inside), [i for i, ok in inside if not ok]
    assert any(i.startswith("threat/") for i, _ in inside)
    view = page.evaluate(
        """() => { const r = Cesium.Rectangle, v = window.iadsReplay.viewer;
        const x = v.camera.computeViewRectangle();
        return [x.west, x.south, x.east, x.north].map(Cesium.Math.toDegrees); }"""
    )
    bbox = page.evaluate("window.iadsReplay.meta.bbox_deg")
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    assert view[0] < cx < view[2] and view[1] < cy < view[3]
    assert view[2] - view[0] < 60.0, "the camera is not framing the scenario"
