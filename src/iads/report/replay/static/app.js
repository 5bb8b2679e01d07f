// The iads replay page: loads /run/replay.czml into a CesiumJS viewer that needs no
// network beyond the local server (bundled NaturalEarthII imagery, ellipsoid terrain, no
// Cesium ion), and adds the side panel: clock, layer toggles, legend, event list.
// window.iadsReplay exposes the viewer and the loaded data source (used by the tests).
"use strict";

(async function main() {
  const C = Cesium;
  // No ion asset is ever requested (no default imagery, terrain or geocoder); the token
  // is set so that Cesium does not warn about a missing default one.
  C.Ion.defaultAccessToken = "iads-offline";

  const showError = (msg) => {
    const el = document.getElementById("error");
    el.textContent = msg;
    el.hidden = false;
    console.error(msg);
  };

  let viewer;
  try {
    viewer = new C.Viewer("viewer", {
      baseLayer: C.ImageryLayer.fromProviderAsync(
        C.TileMapServiceImageryProvider.fromUrl(
          C.buildModuleUrl("Assets/Textures/NaturalEarthII"))),
      terrainProvider: new C.EllipsoidTerrainProvider(),
      baseLayerPicker: false,
      geocoder: false,
      sceneModePicker: false,
      projectionPicker: false,
      navigationHelpButton: false,
      fullscreenButton: false,
      vrButton: false,
      homeButton: true,
      animation: true,
      timeline: true,
      infoBox: true,
      selectionIndicator: true,
      skyBox: false,
      shouldAnimate: false,
      // Render only when something changes (the clock, the camera, a layer): a paused
      // replay costs no CPU.
      requestRenderMode: true,
      maximumRenderTimeChange: 0.0,
    });
  } catch (e) {
    showError("This browser cannot show the 3D globe (WebGL): " + e.message);
    return;
  }
  viewer.scene.globe.enableLighting = false;
  viewer.scene.globe.depthTestAgainstTerrain = false;

  let ds;
  try {
    ds = await C.CzmlDataSource.load("/run/replay.czml");
  } catch (e) {
    showError("Could not load replay.czml: " + e);
    return;
  }
  await viewer.dataSources.add(ds);

  const now = () => viewer.clock.currentTime;
  const info = (ent) => {
    const p = ent.properties;
    if (!p || !p.iads_info) return {};
    return JSON.parse(p.iads_info.getValue(now()));
  };
  const kindOf = (ent) => (ent.properties && ent.properties.iads_kind
    ? ent.properties.iads_kind.getValue(now()) : undefined);

  const metaEnt = ds.entities.getById("iads/meta");
  const meta = metaEnt ? info(metaEnt) : {};
  const epoch = C.JulianDate.fromIso8601(meta.epoch || "2000-01-01T00:00:00Z");
  document.title = "iads replay: " + (meta.scenario || "run");
  document.getElementById("title").textContent = meta.scenario || "iads run";

  // Times as T+ since the scenario's start (a run has no calendar date).
  const secs = (jd) => C.JulianDate.secondsDifference(jd, epoch);
  const fmt = (s) => {
    const sign = s < 0 ? "-" : "+";
    s = Math.abs(s);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = Math.floor(s % 60);
    const mm = String(m).padStart(h ? 2 : 1, "0"), ss = String(r).padStart(2, "0");
    return "T" + sign + (h ? h + ":" : "") + mm + ":" + ss;
  };
  viewer.animation.viewModel.dateFormatter = () => "scenario time";
  viewer.animation.viewModel.timeFormatter = (jd) => fmt(secs(jd));
  viewer.timeline.makeLabel = (jd) => fmt(secs(jd));
  viewer.timeline.zoomTo(viewer.clock.startTime, viewer.clock.stopTime);

  // Default camera: the scenario's extent (threat tracks, sites) seen from above.
  const bbox = meta.bbox_deg || [-180, -60, 180, 75];
  const home = C.Rectangle.fromDegrees(bbox[0], bbox[1], bbox[2], bbox[3]);
  const frame = () => viewer.camera.setView({ destination: home });
  frame();
  viewer.homeButton.viewModel.command.beforeExecute.addEventListener((e) => {
    e.cancel = true;
    viewer.camera.flyTo({ destination: home, duration: 1.0 });
  });

  // Layers.
  const byKind = {};
  for (const ent of ds.entities.values) {
    const k = kindOf(ent);
    if (!k || k === "meta") continue;
    (byKind[k] = byKind[k] || []).push(ent);
  }
  const layers = {
    paths: (on) => ds.entities.values.forEach((e) => { if (e.path) e.path.show = on; }),
    tracks: (on) => (byKind.track || []).forEach((e) => { e.show = on; }),
    coverage: (on) => (byKind.radar || []).forEach((e) => { e.show = on; }),
    events: (on) => (byKind.event || []).forEach((e) => { e.show = on; }),
  };
  document.querySelectorAll("#layers input[data-layer]").forEach((box) => {
    box.addEventListener("change", () => {
      layers[box.dataset.layer](box.checked);
      viewer.scene.requestRender();
    });
  });
  if (!meta.tracks) {
    const box = document.querySelector('#layers input[data-layer="tracks"]');
    box.disabled = true;
    box.checked = false;
    const note = document.getElementById("tracks-note");
    note.textContent = "No air-picture tracks in this run directory (tracks.parquet).";
    note.hidden = false;
  }

  // Legend.
  const css = (c) => `rgba(${c[0]},${c[1]},${c[2]},${(c[3] ?? 255) / 255})`;
  const legend = document.getElementById("legend");
  const groups = [
    ["Threat type (fill)", "types"], ["Threat outcome (outline, trail)", "outcomes"],
    ["Interceptor", "interceptors"], ["Events", "events"], ["Sites", "sites"],
  ];
  for (const [title, key] of groups) {
    const entries = (meta.legend || {})[key] || {};
    if (!Object.keys(entries).length) continue;
    const div = document.createElement("div");
    div.className = "legend-group";
    const b = document.createElement("b");
    b.textContent = title;
    div.appendChild(b);
    for (const [name, c] of Object.entries(entries)) {
      const s = document.createElement("span");
      s.className = "swatch";
      const i = document.createElement("i");
      i.style.background = css(c);
      s.appendChild(i);
      s.appendChild(document.createTextNode(name));
      div.appendChild(s);
    }
    legend.appendChild(div);
  }

  // Event list: a click moves the clock to the event and selects it.
  const events = (byKind.event || []).map((ent) => ({ ent, ...info(ent) }))
    .sort((a, b) => a.time_s - b.time_s);
  const colors = (meta.legend || {}).events || {};
  const list = document.getElementById("event-list");
  document.getElementById("n-events").textContent = "(" + events.length + ")";
  const items = events.map((ev) => {
    const li = document.createElement("li");
    li.dataset.entity = ev.ent.id;
    li.dataset.timeS = ev.time_s;
    const dot = document.createElement("i");
    dot.style.background = css(colors[ev.label] || [255, 255, 255, 255]);
    const t = document.createElement("span");
    t.className = "t";
    t.textContent = fmt(ev.time_s);
    li.appendChild(dot);
    li.appendChild(t);
    li.appendChild(document.createTextNode(ev.text));
    li.title = ev.text;
    li.addEventListener("click", () => jumpTo(ev));
    list.appendChild(li);
    return li;
  });
  function jumpTo(ev) {
    viewer.clock.shouldAnimate = false;
    viewer.clock.currentTime = C.JulianDate.addSeconds(epoch, ev.time_s, new C.JulianDate());
    viewer.selectedEntity = ev.ent;
    viewer.scene.requestRender();
  }

  // Clock readout and past events greyed, once a quarter second.
  const clockEl = document.getElementById("clock");
  let lastDraw = -1;
  viewer.clock.onTick.addEventListener((clock) => {
    const s = secs(clock.currentTime);
    if (Math.abs(s - lastDraw) < 0.25) return;
    lastDraw = s;
    clockEl.textContent = fmt(s);
    items.forEach((li, i) => li.classList.toggle("past", events[i].time_s <= s));
  });

  const counts = () => {
    const out = {};
    for (const [k, v] of Object.entries(byKind)) out[k] = v.length;
    return out;
  };
  window.iadsReplay = { viewer, dataSource: ds, meta, epoch, counts, jumpTo, events, frame };
  document.body.dataset.ready = "1";
})().catch((e) => {
  console.error("iads replay failed: " + (e && e.stack ? e.stack : e));
});
