"""User GeoTIFF elevation tiles (the optional ``iads[terrain]`` extra, rasterio): a tile
written by rasterio reads back to the same heights as the same grid in ``.npz`` form, at
its pixel centres; nodata becomes 0 m; a projected tile is refused with a clear error."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from iads.errors import ParameterError
from iads.sensors.terrain import load_terrain

rasterio = pytest.importorskip("rasterio")
from rasterio.transform import from_origin  # noqa: E402


def _entry(path) -> SimpleNamespace:
    return SimpleNamespace(dem="none", file=str(path), hills=[])


def _write_tif(path, h, west, north, step, crs="EPSG:4326", nodata=None) -> None:
    with rasterio.open(path, "w", driver="GTiff", height=h.shape[0], width=h.shape[1],
                       count=1, dtype="float32", crs=crs, nodata=nodata,
                       transform=from_origin(west, north, step, step)) as ds:  # fmt: skip
        ds.write(h.astype("float32"), 1)


def test_a_geotiff_tile_reads_like_the_same_npz_grid(tmp_path) -> None:
    rng = np.random.default_rng(3)
    step = 0.01
    h = rng.uniform(0.0, 2500.0, size=(40, 50))  # rows run south from the north edge
    west, north = 35.0, 36.5
    tif = tmp_path / "tile.tif"
    _write_tif(tif, h, west, north, step)
    lat = north - (np.arange(40) + 0.5) * step  # pixel centres, north to south
    lon = west + (np.arange(50) + 0.5) * step
    npz = tmp_path / "tile.npz"
    np.savez(npz, lat_deg=lat[::-1], lon_deg=lon, height_m=h[::-1])
    a, b = load_terrain(_entry(tif)), load_terrain(_entry(npz))
    qlat = np.deg2rad(rng.uniform(lat.min(), lat.max(), 200))
    qlon = np.deg2rad(rng.uniform(lon.min(), lon.max(), 200))
    np.testing.assert_allclose(a(qlat, qlon), b(qlat, qlon), rtol=0, atol=1e-3)
    # at a pixel centre the height is that pixel's (float32 storage)
    got = a(np.deg2rad([lat[7]]), np.deg2rad([lon[11]]))
    assert got[0] == pytest.approx(h[7, 11], abs=1e-3)


def test_nodata_is_sea_level_and_a_projected_tile_is_refused(tmp_path) -> None:
    h = np.full((4, 4), 500.0)
    h[1, 2] = -32768.0
    tif = tmp_path / "nodata.tif"
    _write_tif(tif, h, 30.0, 40.0, 0.1, nodata=-32768.0)
    t = load_terrain(_entry(tif))
    lat_c, lon_c = 40.0 - 1.5 * 0.1, 30.0 + 2.5 * 0.1
    assert t(np.deg2rad([lat_c]), np.deg2rad([lon_c]))[0] == pytest.approx(0.0, abs=1e-6)
    utm = tmp_path / "utm.tif"
    _write_tif(utm, h, 500000.0, 4400000.0, 30.0, crs="EPSG:32636")
    with pytest.raises(ParameterError, match="geographic"):
        load_terrain(_entry(utm))
