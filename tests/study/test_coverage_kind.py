"""The ``coverage`` chapter kind on a tiny spec: one Patriot, a box airspace whose western
edge is the radar's meridian, one neutral F-16 patrol, and one hill east of the radar
(the scenario's terrain; the chapter's smooth-earth case removes it).

The covered area is checked against the closed form (half a spherical cap bounded by
the radar-equation detection range or the 4/3-earth horizon, whichever is shorter), and
every headline number against the chapter's tables."""

from __future__ import annotations

import math

import numpy as np
import pytest

import iads.study.kinds  # noqa: F401  (registers the kinds)
from iads.campaign.backends import LocalBackend
from iads.catalog.loader import load_catalog
from iads.errors import InputError
from iads.study.chapter import KINDS, ChapterContext
from iads.study.kinds.coverage import _fmt

LAT0, LON0 = 36.0, 30.0
SCENARIO = f"""
name: coverage kind test
settings: {{duration_s: 90, time_step_s: 1.0, seed: 5}}
terrain:
  dem: none
  hills: [{{lat: {LAT0}, lon: 30.35, height_m: 900, radius_m: 4000}}]
assets:
  - {{name: base, position: {{lat: {LAT0}, lon: {LON0}, alt_m: 0}}, value: 1}}
defenders:
  - name: Patriot test
    system: Patriot
    position: {{lat: {LAT0}, lon: {LON0}, alt_m: 0}}
    doctrine: {{hold_fire: true}}
neutrals:
  - name: F-16 CAP
    type: f16
    count: 1
    launch_time_s: 0
    speed_mps: 230
    altitude_m: 8000
    patrol:
      start: {{lat: 36.3, lon: 30.4}}
      end: {{lat: 36.6, lon: 30.9}}
      duration_s: 90
      turn: left
      load_factor: 2.0
airspaces:
  - name: East box
    polygon: [{{lat: 34.0, lon: {LON0}}}, {{lat: 34.0, lon: 33.0}}, {{lat: 38.0, lon: 33.0}},
              {{lat: 38.0, lon: {LON0}}}]
"""

CHAPTER = {
    "key": "box",
    "kind": "coverage",
    "title": "Box coverage",
    "question": "What does one Patriot see of the box?",
    "scenario": "box.yaml",
    "airspace": "East box",
    "altitudes_m": [150, 1500],
    "grid_km": 2.0,
    "replications": 2,
}


def _ctx(folder, reps: int = 2) -> ChapterContext:
    out = folder / "out"
    out.mkdir(exist_ok=True)
    return ChapterContext(out_dir=out, reps=reps, quick=False, seed=1, catalog=load_catalog(),
                          backend=LocalBackend(workers=1), base_dir=folder,
                          progress=lambda n: None)  # fmt: skip


@pytest.fixture(scope="module")
def chapter(tmp_path_factory):
    folder = tmp_path_factory.mktemp("coverage_kind")
    (folder / "box.yaml").write_text(SCENARIO, encoding="utf-8")
    kind = KINDS["coverage"]
    spec = kind.spec.model_validate(CHAPTER)
    ticks: list[int] = []
    ctx = _ctx(folder)
    ctx.progress = ticks.append
    result = kind.run(spec, ctx)
    return kind, spec, ctx, result, sum(ticks), folder


def _row(table, **where):
    rows = [r for r in table.to_pylist() if all(r[k] == v for k, v in where.items())]
    assert len(rows) == 1, where
    return rows[0]


def _half_cap_km2(ground_km: float) -> float:
    """Half a spherical cap of ground radius ``ground_km`` on the mean earth."""
    r = 6371.0088
    return math.pi * r * r * (1.0 - math.cos(ground_km / r))


def _ground_km(slant_km: float, h_radar_m: float, h_km: float) -> float:
    """Ground arc [km] (mean earth) to a target at height ``h_km`` at slant range
    ``slant_km`` from a radar at ``h_radar_m`` (law of cosines)."""
    r = 6371.0088
    a, b = r + h_radar_m / 1e3, r + h_km
    return r * math.acos((a * a + b * b - slant_km**2) / (2 * a * b))


def test_covered_area_matches_the_closed_form(chapter):
    """Smooth earth, one radar: covered area = half the cap of radius min(detection
    range, 4/3-earth horizon) (the airspace's western edge is the radar's meridian, a
    great circle), within the grid's resolution."""
    kind, spec, ctx, result, _, _ = chapter
    cat = load_catalog()
    radar = cat.radars["AN/MPQ-65"]
    rcs = float(cat.threats["f16"].rcs_front_m2.value)
    # Radar equation (reference-range form, Skolnik eq. 2.61): R = R0 (sigma / sigma0)^1/4
    # at the reference Pd (0.5 = pd_min).
    assert float(radar.ref_pd.value) == spec.pd_min
    det_km = float(radar.ref_range_m.value) / 1e3 * (rcs / float(radar.ref_rcs_m2.value)) ** 0.25
    h_radar = float(radar.antenna_height_m.value)
    cov = result.tables["coverage"]
    for alt_m, tol in ((150.0, 0.03), (1500.0, 0.015)):
        horizon_km = (math.sqrt(2 * 4 / 3 * 6371.0088 * h_radar / 1e3)
                      + math.sqrt(2 * 4 / 3 * 6371.0088 * alt_m / 1e3))  # fmt: skip
        ground = min(_ground_km(det_km, h_radar, alt_m / 1e3), horizon_km)
        expected = _half_cap_km2(ground)
        got = _row(cov, altitude_m=alt_m, radar="battery")["smooth_km2"]
        assert got == pytest.approx(expected, rel=tol), (alt_m, ground)
    # The 150 m case is horizon-limited, the 1,500 m one detection-limited.
    assert 4.12 * (math.sqrt(h_radar) + math.sqrt(150.0)) < det_km
    assert 4.12 * (math.sqrt(h_radar) + math.sqrt(1500.0)) > det_km


def test_numbers_equal_the_tables(chapter):
    _, _, _, result, _, _ = chapter
    cov, det = result.tables["coverage"], result.tables["first_detection"]
    zone, regions = result.tables["engagement_zone"], result.tables["regions"]
    n = result.numbers
    assert n["airspace_km2"] == _row(regions, quantity="airspace area")["value"]
    for alt in (150, 1500):
        row = _row(cov, altitude_m=float(alt), radar="battery")
        for tag in ("terrain", "smooth"):
            assert n[f"battery_km2.{tag}.{alt}"] == row[f"{tag}_km2"]
            assert n[f"battery_pct.{tag}.{alt}"] == row[f"{tag}_pct"]
            assert f"{_fmt(row[f'{tag}_km2'])} km²" in result.answer
        if row["hidden_km2"]:
            assert n[f"hidden_by_terrain_km2.{alt}"] == row["hidden_km2"]
            assert n[f"hidden_by_terrain_pct.{alt}"] == row["hidden_pct"]
    name = "F-16 CAP"
    first = _row(det, aircraft=name, metric="first seen after appearance [s]")
    assert n[f"first_seen_s.{name}"] == first["mean"]
    assert n[f"first_range_km.{name}"] == _row(det, aircraft=name,
                                               metric="first detection range [km]")["mean"]
    assert n[f"zone_terrain_s.{name}"] == _row(zone, aircraft=name,
                                               metric="in engagement zone, terrain [s]")["mean"]
    assert n[f"p_lost.{name}"] == _row(zone, aircraft=name, metric="P(shot down)")["mean"]
    # Every table row's mean is the mean of the replications it summarizes.
    reps = result.tables["replications"].to_pylist()
    assert len(reps) == 2
    x = [r["first_detection_range_km"] for r in reps]
    assert _row(det, aircraft=name, metric="first detection range [km]")["mean"] == round(
        float(np.mean(x)), 2)


def test_chapter_shape(chapter):
    kind, spec, ctx, result, ticks, _ = chapter
    assert ticks == kind.estimate(spec, ctx)
    assert set(result.shown) <= set(result.tables)
    assert [f.png[:8] for f in result.figures] == [b"\x89PNG\r\n\x1a\n"] * 2
    # The hill hides part of the box: never more coverage with terrain than without, and
    # the loss at low altitude is a finding quoting the table.
    for r in result.tables["coverage"].to_pylist():
        assert r["terrain_km2"] <= r["smooth_km2"]
        assert r["hidden_km2"] == r["smooth_km2"] - r["terrain_km2"]
    lost = _row(result.tables["coverage"], altitude_m=150.0, radar="battery")[
        "hidden_km2"]
    assert lost > 0
    assert any(f"Terrain hides {_fmt(lost)} km² of East box at 150 m" in f
               for f in result.findings)  # fmt: skip
    # A held-fire battery: the patrol is never lost; it flies the whole 90 s inside the box.
    zone = result.tables["engagement_zone"]
    assert _row(zone, aircraft="F-16 CAP", metric="P(shot down)")["mean"] == 0.0
    assert _row(zone, aircraft="F-16 CAP", metric="across the border [s]")["mean"] == 0.0
    flight = _row(zone, aircraft="F-16 CAP", metric="flight (until end or loss) [s]")["mean"]
    inside = _row(zone, aircraft="F-16 CAP", metric="inside the airspace [s]")["mean"]
    assert flight == pytest.approx(90.0) and inside == pytest.approx(90.0)


def test_bad_airspace_is_a_located_error(chapter):
    kind, _, _, _, _, folder = chapter
    spec = kind.spec.model_validate({**CHAPTER, "airspace": "Nowhere"})
    with pytest.raises(InputError, match="airspace 'Nowhere'.*East box"):
        kind.run(spec, _ctx(folder))
    with pytest.raises(ValueError, match="extra"):
        kind.spec.model_validate({**CHAPTER, "altitude": 3})


def test_airspace_area_of_turkey_matches_the_published_figure():
    """The grid's area of the Natural Earth 1:10m Turkey polygon is Turkey's published
    area, 783,562 km² (TurkStat; CIA World Factbook: 783,562 km² total, land and inland
    water), within 1 % (the polygon's generalisation and the 5 km cells)."""
    from iads.geo.borders import country_polygon
    from iads.study.kinds.coverage import airspace_grid

    geom = country_polygon("Turkey", "10m")
    g = airspace_grid(geom, geom.bounds, 5.0)
    assert float(g.area_km2[g.inside].sum()) == pytest.approx(783_562.0, rel=0.01)
    # The cells tile the box exactly: their areas sum to the spherical box's area.
    lon0, lat0, lon1, lat1 = geom.bounds
    box = 6371.0088**2 * math.radians(lon1 - lon0) * (
        math.sin(math.radians(lat1)) - math.sin(math.radians(lat0)))
    assert float(g.area_km2.sum()) == pytest.approx(box, rel=1e-12)
