"""Regenerate the elevation grids shipped in ``src/iads/sensors/data/`` from the ITU-R
P.1511-2 topography that the ``itur`` package (PyPI, version 0.4.0, MIT licence) ships in
``itur/data/1511/``.

    pip install --no-deps itur==0.4.0      # data only: this script never imports itur
    python tools/make_dem.py               # or: --itur-dir DIR (the folder holding 1511/)

Writes two NumPy ``.npz`` grids in the format ``iads.sensors.terrain`` reads (``lat_deg``
(ny,), ``lon_deg`` (nx,) increasing, ``height_m`` (ny, nx) int16, plus ``source``):

- ``dem_region.npz``: the native 1/12 degree grid (about 9 km) over 29-47 N, 22-50 E
  (Turkey, Syria, Lebanon, Israel, Cyprus, the eastern Mediterranean, the Black Sea coast,
  the Caucasus and western Iran), heights above mean sea level rounded to the metre;
- ``dem_global.npz``: the whole earth at 1/4 degree (means of 3 x 3 native cells).

Nothing downloads: the input is the installed package's data, the output is committed.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

import numpy as np

REGION_LAT = (29.0, 47.0)
REGION_LON = (22.0, 50.0)
SOURCE = ("ITU-R P.1511-2 (08/2019) topography, 1/12 degree, heights above mean sea level "
          "(EGM2008), as shipped by the PyPI package itur 0.4.0 (itur/data/1511/v2_topo.npz)")
OUT = Path(__file__).resolve().parents[1] / "src" / "iads" / "sensors" / "data"


def _itur_dir() -> Path:
    spec = importlib.util.find_spec("itur")  # locates the package without importing it
    if spec is None or spec.origin is None:
        raise SystemExit("itur is not installed: pip install --no-deps itur==0.4.0")
    return Path(spec.origin).parent / "data"


def _arr(path: Path) -> np.ndarray:
    with np.load(path) as z:
        return np.asarray(z[z.files[0]])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--itur-dir", type=Path, default=None, help="itur's data folder")
    args = ap.parse_args()
    d = (args.itur_dir or _itur_dir()) / "1511"
    lat2, lon2, topo = (_arr(d / f) for f in ("v2_lat.npz", "v2_lon.npz", "v2_topo.npz"))
    lat, lon = lat2[:, 0], lon2[0, :]
    order = np.argsort(lat)  # the source runs north to south
    lat, topo = lat[order], topo[order]
    assert np.all(np.diff(lat) > 0) and np.all(np.diff(lon) > 0)
    OUT.mkdir(parents=True, exist_ok=True)

    i = (lat >= REGION_LAT[0] - 1e-9) & (lat <= REGION_LAT[1] + 1e-9)
    j = (lon >= REGION_LON[0] - 1e-9) & (lon <= REGION_LON[1] + 1e-9)
    _write(OUT / "dem_region.npz", lat[i], lon[j], topo[np.ix_(i, j)], SOURCE)

    # Global: 3 x 3 block means of the native cells inside [-90, 90] x [-180, 180].
    i = np.flatnonzero((lat >= -90.0) & (lat <= 90.0))
    j = np.flatnonzero((lon >= -180.0) & (lon <= 180.0))
    ny, nx = (i.size // 3) * 3, (j.size // 3) * 3
    la, lo = lat[i[:ny]], lon[j[:nx]]
    t = topo[np.ix_(i[:ny], j[:nx])]
    blocks = t.reshape(ny // 3, 3, nx // 3, 3).mean(axis=(1, 3))
    la, lo = la.reshape(-1, 3).mean(1), lo.reshape(-1, 3).mean(1)
    # One wrapped column at each side, so that every longitude in [-180, 180] is inside.
    lo = np.concatenate([[lo[-1] - 360.0], lo, [lo[0] + 360.0]])
    blocks = np.concatenate([blocks[:, -1:], blocks, blocks[:, :1]], axis=1)
    _write(OUT / "dem_global.npz", la, lo, blocks, SOURCE + "; 3 x 3 block means (1/4 degree)")


def _write(path: Path, lat, lon, h, source: str) -> None:
    np.savez_compressed(path, lat_deg=lat.astype(np.float64), lon_deg=lon.astype(np.float64),
                        height_m=np.round(h).astype(np.int16), source=np.array(source))
    print(f"{path.name}: {h.shape[0]} x {h.shape[1]} nodes, lat {lat[0]:.4f}..{lat[-1]:.4f}, "
          f"lon {lon[0]:.4f}..{lon[-1]:.4f}, {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
