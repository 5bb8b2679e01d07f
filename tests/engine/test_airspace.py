"""Airspace polygons (``iads.engine.airspace``, ``iads.geo.borders``): membership against
closed forms and known places, incursion time and distance over a straight border
against geometry, first detection after entry, and located errors for bad airspaces."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow.parquet as pq
import pytest

from iads.catalog import load_catalog
from iads.engine import simulate
from iads.engine.airspace import _inside, airspace_geometry, airspace_table
from iads.engine.build import build
from iads.errors import ParameterError, ScenarioError
from iads.geo.borders import country_polygon
from iads.geo.ecef import geodetic_to_ecef
from iads.report.export import write_run
from iads.scenario import load_scenario, parse_scenario
from iads.scenario.schema import Airspace
from iads.state.events import EVENT_SCHEMA
from iads.threats import WaypointFlight, fly
from iads.threats._nav import R_NAV_M

BAND = {"name": "band", "polygon": [
    {"lat": 40.0, "lon": 32.5}, {"lat": 40.0, "lon": 33.5},
    {"lat": 40.2, "lon": 33.5}, {"lat": 40.2, "lon": 32.5}]}  # fmt: skip


def _ecef(lat, lon, h=5000.0) -> np.ndarray:
    return np.stack(geodetic_to_ecef(lat, lon, h), axis=-1)


def test_membership_of_a_lonlat_box_is_the_closed_form() -> None:
    rng = np.random.default_rng(7)
    lat = rng.uniform(39.8, 40.4, 2000)
    lon = rng.uniform(32.3, 33.7, 2000)
    got = _inside(airspace_geometry(Airspace(**BAND)), _ecef(lat, lon))
    want = (lat > 40.0) & (lat < 40.2) & (lon > 32.5) & (lon < 33.5)
    assert np.array_equal(got, want)


@pytest.mark.parametrize("resolution", ["10m", "50m"])
@pytest.mark.parametrize(
    ("place", "lat", "lon", "in_turkey"),
    [("Ankara", 39.93, 32.86, True), ("Antakya", 36.20, 36.16, True),
     ("Yayladagi", 35.90, 36.06, True), ("Aleppo", 36.20, 37.16, False),
     ("Latakia", 35.52, 35.79, False), ("Nicosia", 35.17, 33.36, False),
     ("Kilis", 36.72, 37.12, True)],  # fmt: skip
)
def test_known_places_inside_or_outside_turkey(place, lat, lon, in_turkey, resolution) -> None:
    geom = country_polygon("Turkey", resolution)
    assert bool(_inside(geom, _ecef(np.array([lat]), np.array([lon])))[0]) is in_turkey, place


def _table_for(flight, airspaces, events=None):
    truth = fly([flight], 900.0, 1.0)
    sc = SimpleNamespace(airspaces=[Airspace(**a) for a in airspaces])
    th = SimpleNamespace(n=1, names=("a",), type_key=("f16",), neutral=np.array([False]),
                         friendly=np.array([True]))  # fmt: skip
    b = SimpleNamespace(scenario=sc, threats=th, radars=SimpleNamespace(keys=["r"], unit=[0]),
                        units=SimpleNamespace(names=["u"]))  # fmt: skip
    ev = events if events is not None else EVENT_SCHEMA.empty_table()
    return airspace_table(SimpleNamespace(built=b, truth=truth, events=ev)).to_pylist()


def test_incursion_time_over_a_straight_border_matches_geometry() -> None:
    # Northbound along a meridian (a great circle of the navigation sphere the flight is
    # flown on) across the band between the parallels 40.0 and 40.2 N.
    v = 200.0
    f = WaypointFlight(np.array([[39.8, 33.0, 5000.0], [40.6, 33.0, 5000.0]]), v, 30.0)
    (row,) = _table_for(f, [BAND])
    t_enter = 30.0 + R_NAV_M * math.radians(0.2) / v
    t_inside = R_NAV_M * math.radians(0.2) / v
    assert row["entries"] == 1
    assert row["first_entry_s"] == pytest.approx(t_enter, abs=1e-3)
    assert row["time_inside_s"] == pytest.approx(t_inside, abs=1e-3)
    # Distance on WGS-84 at 5 km: the meridian arc 40.0 -> 40.2 N, M(40.1) (R_nav + h)/R_nav.
    a, e2 = 6378137.0, 6.69437999014e-3
    m = a * (1 - e2) / (1 - e2 * math.sin(math.radians(40.1)) ** 2) ** 1.5
    assert row["distance_inside_m"] == pytest.approx((m + 5000.0) * math.radians(0.2), rel=1e-4)


def test_an_oblique_crossing_and_no_entry() -> None:
    # Eastbound at 40.1 N across the band's west and east edges (meridians 32.5, 33.5).
    f = WaypointFlight(np.array([[40.1, 32.0, 5000.0], [40.1, 34.0, 5000.0]]), 250.0, 0.0)
    out = WaypointFlight(np.array([[40.5, 32.0, 5000.0], [40.5, 34.0, 5000.0]]), 250.0, 0.0)
    (row,) = _table_for(f, [BAND])
    (none,) = _table_for(out, [BAND])
    assert row["entries"] == 1 and row["time_inside_s"] > 0
    assert none["entries"] == 0 and none["time_inside_s"] == 0.0
    assert none["first_entry_s"] is None and none["first_detection_after_entry_s"] is None


def _run_small(tmp_path: Path):
    data = {
        "name": "airspace", "settings": {"duration_s": 300, "time_step_s": 1.0, "seed": 3},
        "assets": [{"name": "Town", "position": {"lat": 40.0, "lon": 33.0}}],
        "defenders": [{"name": "Battery", "system": "Patriot",
                       "position": {"lat": 40.05, "lon": 33.0}}],
        "neutrals": [{"type": "f16", "name": "cap", "speed_mps": 220, "altitude_m": 6000,
                      "patrol": {"start": {"lat": 40.3, "lon": 33.2},
                                 "end": {"lat": 40.6, "lon": 33.2}, "duration_s": 250,
                                 "load_factor": 2.0}}],
        "friendlies": [{"type": "f16", "name": "own", "launch": {"lat": 39.9, "lon": 32.2},
                        "waypoints": [{"lat": 39.9, "lon": 34.0}], "altitude_m": 5000}],
        "airspaces": [{**BAND, "polygon": [{"lat": 39.8, "lon": 32.5}, {"lat": 39.8, "lon": 33.5},
                                           {"lat": 40.2, "lon": 33.5}, {"lat": 40.2, "lon": 32.5}]},
                      {"name": "Turkey", "country": "Turkey"}],
    }  # fmt: skip
    r = simulate(parse_scenario(data, {}, load_catalog(), "<airspace>"))
    return r, write_run(r, tmp_path, plot=False, truth_rate_hz=1.0)


def test_a_run_reports_airspace_per_aircraft(tmp_path: Path) -> None:
    r, files = _run_small(tmp_path)
    tab = pq.read_table(files["airspace"]).to_pylist()
    assert len(tab) == 2 * 2  # two airspaces x two aircraft, every pair a row
    row = next(x for x in tab if x["airspace"] == "band" and x["name"] == "own")
    assert row["side"] == "friendly" and row["entries"] == 1
    # First detection after entry: the first detection event of that aircraft at or
    # after its entry, from the event log.
    ev = r.events_of("detection")
    t = ev.column("time_s").to_numpy()[ev.column("threat_id").to_numpy() == 1]
    after = t[t >= row["first_entry_s"]]
    assert row["first_detection_after_entry_s"] == pytest.approx(after.min())
    cap = next(x for x in tab if x["airspace"] == "Turkey" and x["name"] == "cap")
    assert cap["side"] == "neutral" and cap["first_entry_s"] == 0.0
    s = r.summary()
    assert s["neutrals"]["aircraft"] == 1 and s["friendlies"]["aircraft"] == 1
    assert s["totals"]["threats"] == 0
    names = {a["airspace"]: a for a in s["airspace"]}
    assert names["Turkey"]["entered"] == {"hostile": 0, "friendly": 1, "neutral": 1}


def test_neutrals_never_answer_the_units_iff() -> None:
    th = build(load_scenario("hmeimim")).threats
    assert th.neutral.sum() == 4 and not th.transponder[th.neutral].any()
    assert th.friendly.sum() == 1 and th.hostile.sum() == 0


GOOD = textwrap.dedent("""\
    name: t
    settings: {duration_s: 600, time_step_s: 1, seed: 1}
    defenders:
      - name: S-400 A
        system: S-400
        position: {lat: 40.08, lon: 32.57}
    neutrals:
      - type: f16
        patrol:
          start: {lat: 40.5, lon: 33.0}
          end: {lat: 40.9, lon: 33.0}
          duration_s: 300
    airspaces:
      - name: box
        polygon: [{lat: 40, lon: 32}, {lat: 40, lon: 33}, {lat: 41, lon: 33}, {lat: 41, lon: 32}]
      - name: Turkey
        country: Turkey
    """)


def _problems(tmp_path: Path, text: str) -> list:
    f = tmp_path / "s.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(f)
    return exc.value.problems


def test_the_good_file_loads(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(GOOD, encoding="utf-8")
    sc = load_scenario(f).scenario
    assert len(sc.airspaces) == 2 and sc.neutrals[0].patrol is not None


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        ("country: Turkey", "country: Turky", "airspaces[1].country", ["did you mean Turkey"]),
        ("{lat: 41, lon: 33}, {lat: 41, lon: 32}", "{lat: 41, lon: 32}, {lat: 41, lon: 33}",
         "airspaces[0].polygon", ["not a simple polygon", "Self-intersection"]),
        ("    country: Turkey", "    country: Turkey\n    polygon: [{lat: 1, lon: 1}]",
         "airspaces[1]", []),
        ("      duration_s: 300", "      duration_s: 300\n      load_factor: 11",
         "neutrals[0].patrol.load_factor", ["catalog max_load_factor 9"]),
        ("  - type: f16\n", "  - type: f16\n    transponder: true\n",
         "neutrals[0].transponder", []),
        ("    patrol:", "    waypoints: [{lat: 41, lon: 33}]\n    patrol:",
         "neutrals[0]", ["not both"]),
    ],
)
def test_bad_airspaces_and_patrols_get_located_errors(tmp_path, old, new, path, words) -> None:
    assert old in GOOD
    problems = _problems(tmp_path, GOOD.replace(old, new))
    msg = "\n".join(f"{p.path}: {p.message}" for p in problems)
    assert any(p.path.startswith(path) for p in problems), msg
    assert all(w in msg for w in words), msg
    assert all(p.line for p in problems), msg


def test_unknown_resolution_is_named() -> None:
    with pytest.raises(ParameterError, match="'10m' or '50m'"):
        country_polygon("Turkey", "1m")  # type: ignore[arg-type]


def test_dis_marks_neutral_and_friendly_aircraft(tmp_path: Path) -> None:
    """Friendly and neutral aircraft (not in summary.json's hostile threats) replay over
    DIS with their force: 1 friendly, 3 neutral (IEEE 1278.1 Force ID, SISO-REF-010)."""
    from iads.dis import dis_timeline, read_run
    from iads.dis.replay import APP_THREAT

    _run_small(tmp_path)
    tl = dis_timeline(read_run(tmp_path))
    force = {}
    for p, k in zip(tl.pdus, tl.pdu_type, strict=True):
        # Entity State PDU: entity id (site, application, number) at bytes 12-17, force 18
        if k == 1 and int.from_bytes(p[14:16], "big") == APP_THREAT:
            force[int.from_bytes(p[16:18], "big")] = p[18]
    # Entities in scenario order (friendlies, then neutrals); DIS numbers are id + 1.
    assert force == {1: 1, 2: 3}
