"""Tests of the offline Natural Earth basemap: decoding, geometry, drawing, range rings."""

from __future__ import annotations

import json
from importlib import resources

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pymap3d  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.image import imread  # noqa: E402
from matplotlib.path import Path  # noqa: E402
from pymap3d.haversine import anglesep  # noqa: E402
from pymap3d.vincenty import vreckon  # noqa: E402

from iads.errors import ParameterError  # noqa: E402
from iads.geo.wgs84 import MEAN_RADIUS_M  # noqa: E402
from iads.report import basemap as bm  # noqa: E402

ANKARA = (39.93, 32.86)  # lat, lon deg


@pytest.fixture(scope="module")
def raw() -> dict:
    text = resources.files("iads.report").joinpath("data", "world_110m.json").read_text("utf-8")
    return json.loads(text)


def _nearest_deg(lines: list[np.ndarray], lat: float, lon: float) -> float:
    """Smallest angular distance (deg) from a point to any vertex of the lines (pymap3d)."""
    pts = np.concatenate(lines)
    return float(np.min(anglesep(lon, lat, pts[:, 0], pts[:, 1])))


# ------------------------------------------------------------------ decoding


def test_decode_arcs_applies_deltas_then_transform() -> None:
    arcs = [[[0, 0], [2, 1], [3, -1]], [[5, 5], [-1, 0]]]
    transform = {"scale": [0.5, 2.0], "translate": [10.0, -20.0]}
    a0, a1 = bm._decode_arcs(arcs, transform)
    # By hand: quantized positions (0,0), (2,1), (5,0) and (5,5), (4,5).
    np.testing.assert_allclose(a0, [[10.0, -20.0], [11.0, -18.0], [12.5, -20.0]])
    np.testing.assert_allclose(a1, [[12.5, -10.0], [12.0, -10.0]])


def test_stitch_reverses_negative_indices_and_drops_shared_points() -> None:
    arcs = [
        np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]),
        np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
    ]
    ring = bm._stitch([0, ~1], arcs)
    np.testing.assert_array_equal(ring, [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]])


def test_every_arc_decoded_and_first_point_absolute(raw: dict) -> None:
    _, arcs = bm._topology()
    assert len(arcs) == len(raw["arcs"]) == 1040
    assert [len(a) for a in arcs] == [len(a) for a in raw["arcs"]]
    scale, translate = np.array(raw["transform"]["scale"]), np.array(raw["transform"]["translate"])
    for k in (0, 517, 1039):
        np.testing.assert_allclose(arcs[k][0], np.array(raw["arcs"][k][0]) * scale + translate)


def test_arcs_join_end_to_start_in_every_country_ring(raw: dict) -> None:
    """Topology check: wrong delta decoding or reversal would break the joints between arcs."""
    _, arcs = bm._topology()

    def oriented(i: int) -> np.ndarray:
        return arcs[i] if i >= 0 else arcs[~i][::-1]

    n_joints = 0
    for g in raw["objects"]["countries"]["geometries"]:
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        for ring in (r for p in polys for r in p):
            for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
                np.testing.assert_allclose(oriented(a)[-1], oriented(b)[0], atol=1e-9)
                n_joints += 1
    assert n_joints > 500


@pytest.mark.parametrize("layer", bm.layer_names())
def test_layers_are_on_the_globe_and_never_jump_across_it(layer: str) -> None:
    lines = bm.load_world(layer)
    assert lines
    pts = np.concatenate(lines)
    assert np.all(np.abs(pts[:, 0]) <= 180.0) and np.all(np.abs(pts[:, 1]) <= 90.0)
    assert max(np.abs(np.diff(line[:, 0])).max() for line in lines) < 180.0
    assert all(line.shape[1] == 2 and len(line) >= 2 for line in lines)


def test_polygon_rings_close_unless_cut_at_the_antimeridian() -> None:
    for layer in ("countries", "land", "lakes"):
        rings = bm.load_world(layer)
        is_open = [not np.array_equal(r[0], r[-1]) for r in rings]
        touches_180 = [np.abs(r[[0, -1], 0]).max() > 178.0 for r in rings]  # cut ends
        assert all(t for o, t in zip(is_open, touches_180, strict=True) if o), layer
        assert sum(is_open) <= 8, layer


def test_layer_objects_match_the_file(raw: dict) -> None:
    assert set(bm.layer_names()) == set(raw["objects"]) | {"borders"}
    assert {"coastlines", "countries", "land"} <= set(raw["objects"])
    with pytest.raises(ParameterError, match="layer"):
        bm.load_world("coastline")


def test_turkey_outline_contains_ankara_and_spans_its_published_extent() -> None:
    rings = bm.load_country("TUR")
    pts = np.concatenate(rings)
    lon_min, lat_min = pts.min(axis=0)
    lon_max, lat_max = pts.max(axis=0)
    # Turkey's extreme points (encyclopedia): 25.67 E to 44.82 E, 35.82 N to 42.10 N.
    np.testing.assert_allclose(
        [lon_min, lon_max, lat_min, lat_max], [25.67, 44.82, 35.82, 42.10], atol=0.5
    )
    assert all(np.array_equal(r[0], r[-1]) for r in rings)  # stitched rings close
    largest = max(rings, key=len)
    assert Path(largest).contains_point((ANKARA[1], ANKARA[0]))
    assert not Path(largest).contains_point((34.0, 42.8))  # Black Sea
    with pytest.raises(ParameterError, match="TUR"):
        bm.load_country("TRU")


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [
        ("Cape Agulhas", -34.83, 20.00),
        ("Bosporus", 41.12, 29.07),
        ("Cabo da Roca", 38.78, -9.50),
        ("Cape York", -10.69, 142.53),
    ],
)
def test_known_coast_points_within_110m_resolution(name: str, lat: float, lon: float) -> None:
    assert _nearest_deg(bm.load_world("coastlines"), lat, lon) < 0.5, name


def test_africa_southern_tip_is_cape_agulhas() -> None:
    pts = np.concatenate(bm.load_world("coastlines"))
    africa = pts[(pts[:, 0] > 10) & (pts[:, 0] < 40) & (pts[:, 1] > -40) & (pts[:, 1] < -20)]
    assert africa[:, 1].min() == pytest.approx(-34.83, abs=0.3)


def test_borders_are_land_borders_only() -> None:
    borders = bm.load_world("borders")
    pts = np.concatenate(borders)
    in_box = lambda lo0, lo1, la0, la1: np.any(  # noqa: E731
        (pts[:, 0] > lo0) & (pts[:, 0] < lo1) & (pts[:, 1] > la0) & (pts[:, 1] < la1)
    )
    assert not in_box(113.0, 154.0, -44.0, -10.0)  # Australia has no land border
    assert not in_box(-25.0, -13.0, 63.0, 67.0)  # Iceland neither
    assert in_box(36.0, 42.5, 36.5, 37.5)  # Turkey-Syria border
    # Ankara is inland: far from any coast, closer to a border than to the sea is false.
    assert _nearest_deg(bm.load_world("coastlines"), *ANKARA) > 1.5


# ------------------------------------------------------------------ drawing


def _pixel(fig: plt.Figure, ax: plt.Axes, lon: float, lat: float) -> np.ndarray:
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    x, y = ax.transData.transform((lon, lat))
    return rgba[int(round(rgba.shape[0] - y)), int(round(x)), :3] / 255.0


@pytest.mark.parametrize(
    ("view", "lat", "lon", "is_land"),
    [
        (((25, 45), (34, 43)), *ANKARA, True),
        (((25, 45), (34, 43)), 42.8, 34.0, False),  # Black Sea
        (((40, 60), (35, 48)), 42.0, 51.0, False),  # Caspian: a hole in the land polygon
        (((-180, -160), (55, 75)), 66.0, -175.0, True),  # Chukotka, beyond the antimeridian
        (((-180, 180), (-90, 90)), -85.0, 0.0, True),  # Antarctica, closed through the pole
        (((-180, 180), (-90, 90)), 0.0, -150.0, False),  # Pacific
    ],
)
def test_land_fill_where_land_is(view, lat: float, lon: float, is_land: bool) -> None:
    fig, ax = plt.subplots(figsize=(6, 4), dpi=60)
    try:
        bm.draw_basemap(ax, *view, borders=False, coastlines=False)
        ax.grid(False)  # sample the fill, not a grid line
        colour = _pixel(fig, ax, lon, lat)
        expected = bm._LAND_COLOR if is_land else bm._WATER_COLOR
        np.testing.assert_allclose(colour, to_rgb(expected), atol=0.02)
    finally:
        plt.close(fig)


def test_draw_basemap_writes_a_png_with_lines_in_view(tmp_path) -> None:
    fig, ax = plt.subplots(figsize=(6, 4), dpi=60)
    try:
        bm.draw_basemap(ax, (25.0, 45.0), (34.0, 43.0))
        mean_lat = np.radians(38.5)
        assert ax.get_aspect() == pytest.approx(1.0 / np.cos(mean_lat))
        assert ax.get_xlim() == (25.0, 45.0) and ax.get_ylim() == (34.0, 43.0)
        n_lines = [len(c.get_segments()) for c in ax.collections]
        assert len(n_lines) == 2 and all(0 < n < 60 for n in n_lines)  # culled to the view
        out = tmp_path / "map.png"
        fig.savefig(out)
    finally:
        plt.close(fig)
    assert out.stat().st_size > 0
    img = imread(out)
    assert img[..., :3].std() > 0.05  # not a blank picture


def test_draw_basemap_rejects_bad_ranges() -> None:
    fig, ax = plt.subplots()
    try:
        with pytest.raises(ParameterError, match="lon_range_deg"):
            bm.draw_basemap(ax, (45.0, 25.0), (34.0, 43.0))
        with pytest.raises(ParameterError, match="lat_range_deg"):
            bm.draw_basemap(ax, (25.0, 45.0), (34.0, 95.0))
        with pytest.raises(ParameterError, match="lon_range_deg"):
            bm.draw_basemap(ax, (25.0,), (34.0, 43.0))
    finally:
        plt.close(fig)


# ------------------------------------------------------------------ range rings


@pytest.mark.parametrize(
    ("lat", "lon", "radius_m"),
    [(*ANKARA, 400e3), (0.0, 179.5, 1_000e3), (89.9, 0.0, 50e3), (-60.0, -170.0, 3_000e3)],
)
def test_range_ring_points_at_great_circle_distance(
    lat: float, lon: float, radius_m: float
) -> None:
    ring = bm.range_ring_lonlat(lat, lon, radius_m, n_points=73)
    dist_m = np.radians(anglesep(lon, lat, ring[:, 0], ring[:, 1])) * MEAN_RADIUS_M
    np.testing.assert_allclose(dist_m, radius_m, rtol=1e-9)
    np.testing.assert_allclose(ring[0], ring[-1], atol=1e-9)
    if lat < 89:  # a ring around the pole sweeps all longitudes
        assert np.abs(np.diff(ring[:, 0])).max() < 90.0  # no 360 deg wrap jump


def test_range_ring_matches_vincenty_direct_on_a_sphere() -> None:
    r = MEAN_RADIUS_M
    sphere = pymap3d.Ellipsoid(r, r, "sphere", "sphere")
    ring = bm.range_ring_lonlat(*ANKARA, 400e3, n_points=9)  # azimuths 0, 45, ..., 360 deg
    for az_deg, (lon2, lat2) in zip(np.arange(0.0, 360.0, 45.0), ring[:-1], strict=True):
        lat_ref, lon_ref = vreckon(ANKARA[0], ANKARA[1], 400e3, az_deg, sphere)
        assert lat2 == pytest.approx(float(lat_ref), abs=1e-7)
        assert lon2 == pytest.approx(float(lon_ref), abs=1e-7)


def test_draw_range_ring_plots_the_ring_and_validates() -> None:
    fig, ax = plt.subplots()
    try:
        line = bm.draw_range_ring(ax, *ANKARA, 400e3, color="tab:red")
        np.testing.assert_allclose(line.get_xydata(), bm.range_ring_lonlat(*ANKARA, 400e3))
        with pytest.raises(ParameterError, match="radius_m"):
            bm.draw_range_ring(ax, *ANKARA, -1.0)
        with pytest.raises(ParameterError, match="lat_deg"):
            bm.draw_range_ring(ax, 91.0, 0.0, 1e3)
    finally:
        plt.close(fig)
